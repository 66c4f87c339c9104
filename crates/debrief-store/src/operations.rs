//! What operators watch: the counts behind the `/metrics` exposition, read at
//! scrape time with a few cheap, indexed queries. Only counts and ages: no
//! reporter, no account, no text, and no anonymous report datable more finely
//! than its minute.

use crate::{Result, Store, params};
use debrief_core::case::{Severity, Status};
use debrief_core::report::{Confidentiality, Kind};
use debrief_core::times::to_minute;

/// Job states that are not finished.
pub const JOB_STATES: [&str; 2] = ["queued", "running"];

/// The operational counts at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// Cases not closed, by severity and status (drills left out). Only the
    /// pairs that have cases are listed.
    pub open_cases: Vec<(Severity, Status, i64)>,
    /// Open or in-progress action items whose due day (UTC) has passed, of
    /// cases that are not drills.
    pub overdue_action_items: i64,
    /// Every report received, by kind (see [`Store::operational_counts`] for
    /// when an anonymous or confidential report starts to count).
    pub reports: Vec<(Kind, i64)>,
    /// Unfinished jobs, by kind.
    pub jobs: Vec<JobCounts>,
}

/// The unfinished jobs of one kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobCounts {
    pub kind: String,
    pub queued: i64,
    pub running: i64,
    /// Since when the longest-waiting job that a runner could claim now has
    /// been claimable: a queued job's run-at time, or when a running job's
    /// lease ran out. `None` when no job of the kind is claimable.
    pub oldest_due_ms: Option<i64>,
}

/// The statuses of a case that is still open (every one but closed).
fn open_statuses() -> String {
    Status::ALL
        .iter()
        .filter(|s| **s != Status::Closed)
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// The counts `/metrics` exposes, as of `now`.
    ///
    /// Reports are counted by kind, drills included: a counter must never go
    /// down, and flagging a case as a drill later would make it. A named
    /// report counts at once; an anonymous or confidential one, whose time is
    /// kept only to the minute, counts once its minute has ended, so that
    /// scraping often cannot date it more finely than the minute.
    pub async fn operational_counts(&self, now: i64) -> Result<Counts> {
        let today = debrief_core::review::day_of(now)
            .format("%Y-%m-%d")
            .to_string();
        let minute = to_minute(now);
        self.read(move |c| {
            let mut out = Counts::default();
            for r in c.query(
                &format!(
                    "SELECT severity, status, COUNT(*) AS n FROM cases
                     WHERE status IN ({}) AND drill = 0 GROUP BY severity, status",
                    open_statuses()
                ),
                &[],
            )? {
                out.open_cases
                    .push((r.get("severity")?, r.get("status")?, r.get("n")?));
            }
            out.overdue_action_items = c
                .query_one(
                    "SELECT COUNT(*) AS n FROM action_items a JOIN cases c ON c.id = a.case_id
                     WHERE a.status IN ('open', 'in_progress') AND a.due_day < $1 AND c.drill = 0",
                    &params![today],
                )?
                .get("n")?;
            for r in c.query(
                "SELECT kind, COUNT(*) AS n FROM reports
                 WHERE confidentiality = $1 OR received_ms < $2 GROUP BY kind",
                &params![Confidentiality::Named.as_str(), minute],
            )? {
                out.reports.push((r.get("kind")?, r.get("n")?));
            }
            out.reports.sort_by_key(|(k, _)| k.as_str());
            let rows = c.query(
                "SELECT kind, state, COUNT(*) AS n,
                        MIN(CASE WHEN state = 'queued' AND run_at_ms <= $1 THEN run_at_ms
                                 WHEN state = 'running' AND locked_until_ms <= $1 THEN locked_until_ms END) AS due
                 FROM jobs WHERE state IN ('queued', 'running') GROUP BY kind, state ORDER BY kind, state",
                &params![now],
            )?;
            for r in rows {
                let kind: String = r.get("kind")?;
                if out.jobs.last().is_none_or(|j| j.kind != kind) {
                    out.jobs.push(JobCounts {
                        kind,
                        ..JobCounts::default()
                    });
                }
                let (state, n, due): (String, i64, Option<i64>) =
                    (r.get("state")?, r.get("n")?, r.get("due")?);
                if let Some(j) = out.jobs.last_mut() {
                    match state.as_str() {
                        "queued" => j.queued = n,
                        _ => j.running = n,
                    }
                    j.oldest_due_ms = match (j.oldest_due_ms, due) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
            }
            Ok(out)
        })
        .await
    }
}
