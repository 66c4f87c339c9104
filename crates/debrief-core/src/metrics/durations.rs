//! The duration metrics: time to report, MTTD, MTTA, MTTC, MTTR and review
//! lag. Each is a distribution over cases (n, median, p90, the points
//! themselves), never a bare mean; open cases stay in it as "still running".

use super::facts::{CaseFacts, Filter};
use super::period::Period;
use super::stat;
use super::survival;
use crate::case::Status;
use serde::Serialize;

/// Which duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// When it happened (else when it was detected) → its first report.
    TimeToReport,
    /// When it happened → when it was detected.
    Mttd,
    /// Detected → acknowledged (the case moved out of triage).
    Mtta,
    /// Detected → contained.
    Mttc,
    /// Detected → resolved.
    Mttr,
    /// Resolved → review published.
    ReviewLag,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::TimeToReport,
        Measure::Mttd,
        Measure::Mtta,
        Measure::Mttc,
        Measure::Mttr,
        Measure::ReviewLag,
    ];

    /// The key in `GET /api/v1/metrics` and the CSV files.
    pub fn key(self) -> &'static str {
        match self {
            Measure::TimeToReport => "time_to_report",
            Measure::Mttd => "mttd",
            Measure::Mtta => "mtta",
            Measure::Mttc => "mttc",
            Measure::Mttr => "mttr",
            Measure::ReviewLag => "review_lag",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Measure::TimeToReport => "Time to report",
            Measure::Mttd => "Time to detect",
            Measure::Mtta => "Time to acknowledge",
            Measure::Mttc => "Time to contain",
            Measure::Mttr => "Time to resolve",
            Measure::ReviewLag => "Review lag",
        }
    }

    /// Which times it runs between, in words.
    pub fn between(self) -> &'static str {
        match self {
            Measure::TimeToReport => "occurred (else detected) → first report received",
            Measure::Mttd => "occurred → detected",
            Measure::Mtta => "detected → acknowledged",
            Measure::Mttc => "detected → contained",
            Measure::Mttr => "detected → resolved",
            Measure::ReviewLag => "resolved → review published",
        }
    }

    fn start(self, c: &CaseFacts) -> Option<i64> {
        match self {
            Measure::TimeToReport => c.occurred_ms.or(c.detected_ms),
            Measure::Mttd => c.occurred_ms,
            Measure::Mtta | Measure::Mttc | Measure::Mttr => c.detected_ms,
            Measure::ReviewLag => c.resolved_ms,
        }
    }

    fn end(self, c: &CaseFacts) -> Option<i64> {
        match self {
            Measure::TimeToReport => c.reported_ms,
            Measure::Mttd => c.detected_ms,
            Measure::Mtta => c.acknowledged_ms,
            Measure::Mttc => c.contained_ms,
            Measure::Mttr => c.resolved_ms,
            Measure::ReviewLag => c.published_ms,
        }
    }

    /// The case status that sets the end time, for the measures whose end
    /// is a step of the case's lifecycle.
    fn end_status(self) -> Option<Status> {
        match self {
            Measure::TimeToReport | Measure::Mttd => None,
            Measure::Mtta => Some(Status::Investigating),
            Measure::Mttc => Some(Status::Contained),
            Measure::Mttr => Some(Status::Resolved),
            Measure::ReviewLag => Some(Status::Published),
        }
    }

    /// Whether a case without the start time is counted as missing it
    /// (`true`), or is simply not yet part of this measure (review lag
    /// starts at resolution, which an unresolved case has not reached).
    fn start_is_a_fact(self) -> bool {
        !matches!(self, Measure::ReviewLag)
    }
}

/// Where a case stands on one measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Ended(i64),
    Open(i64),
    Missing,
    /// The end is recorded before the start (a back-dated time).
    Inconsistent,
    NotYet,
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Triage => 0,
        Status::Investigating => 1,
        Status::Contained => 2,
        Status::Resolved => 3,
        Status::InReview => 4,
        Status::Published => 5,
        Status::Closed => 6,
    }
}

fn standing(m: Measure, c: &CaseFacts, as_of_ms: i64) -> Standing {
    let Some(start) = m.start(c) else {
        return if m.start_is_a_fact() {
            Standing::Missing
        } else {
            Standing::NotYet
        };
    };
    match m.end(c) {
        Some(end) if end < start => Standing::Inconsistent,
        Some(end) => Standing::Ended(end - start),
        None => {
            // still open when the case has not yet reached the step that
            // sets the end (and is not closed); otherwise the end will never
            // come (containment skipped, closed without a review)
            let still_possible = m
                .end_status()
                .is_some_and(|s| c.status != Status::Closed && rank(c.status) < rank(s));
            if still_possible {
                Standing::Open((as_of_ms - start).max(0))
            } else {
                Standing::Missing
            }
        }
    }
}

/// One case on a strip plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Point {
    pub case_id: i64,
    /// The duration, or for an open case how long it has been running.
    pub ms: i64,
    pub open: bool,
}

/// A duration metric over the cases of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub measure: Measure,
    /// Cases with both times.
    pub count: usize,
    /// Cases still waiting for the end time.
    pub open: usize,
    /// Cases without a time the measure needs, which they will not get.
    pub missing: usize,
    /// Cases whose end is recorded before their start (left out, counted).
    pub inconsistent: usize,
    /// Kaplan–Meier median and 90th percentile; `None` when there are no
    /// cases or too many are still open for the quantile to be reached.
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
    /// Every case in the estimate, ended and open, shortest first.
    pub points: Vec<Point>,
}

impl Summary {
    /// The observations for the log-rank test.
    pub fn observations(&self) -> Vec<(i64, bool)> {
        self.points.iter().map(|p| (p.ms, !p.open)).collect()
    }

    /// "from 14 of 22 cases; 3 still open; 5 without the needed times"
    pub fn coverage(&self) -> String {
        let total = self.count + self.open + self.missing + self.inconsistent;
        let mut s = format!("from {} of {} cases", self.count, total);
        if self.open > 0 {
            s.push_str(&format!("; {} still open", self.open));
        }
        if self.missing > 0 {
            s.push_str(&format!("; {} without the needed times", self.missing));
        }
        if self.inconsistent > 0 {
            s.push_str(&format!(
                "; {} with an end recorded before the start",
                self.inconsistent
            ));
        }
        s
    }
}

/// Whether a case belongs to a period for a measure: by the measure's start
/// time, or, for a case missing it, by the case's anchor (when it happened,
/// was detected or was opened).
fn in_period(m: Measure, c: &CaseFacts, period: &Period) -> bool {
    period.contains(m.start(c).unwrap_or_else(|| c.anchor_ms()))
}

/// One measure over the cases that match the filter and fall in the period,
/// as known at `as_of_ms`.
pub fn summarise(
    m: Measure,
    cases: &[CaseFacts],
    filter: &Filter,
    period: &Period,
    as_of_ms: i64,
) -> Summary {
    let mut s = Summary {
        measure: m,
        count: 0,
        open: 0,
        missing: 0,
        inconsistent: 0,
        median_ms: None,
        p90_ms: None,
        points: Vec::new(),
    };
    for c in cases
        .iter()
        .filter(|c| filter.matches_case(c) && in_period(m, c, period))
    {
        match standing(m, c, as_of_ms) {
            Standing::Ended(ms) => {
                s.count += 1;
                s.points.push(Point {
                    case_id: c.id,
                    ms,
                    open: false,
                });
            }
            Standing::Open(ms) => {
                s.open += 1;
                s.points.push(Point {
                    case_id: c.id,
                    ms,
                    open: true,
                });
            }
            Standing::Missing => s.missing += 1,
            Standing::Inconsistent => s.inconsistent += 1,
            Standing::NotYet => {}
        }
    }
    s.points.sort_by_key(|p| (p.ms, p.open, p.case_id));
    let curve = survival::curve(&s.observations());
    s.median_ms = survival::quantile(&curve, 0.5);
    s.p90_ms = survival::quantile(&curve, 0.9);
    s
}

/// The two-sided p-value that two periods' durations come from the same
/// distribution (log-rank test, open cases censored).
pub fn change_p_value(before: &Summary, after: &Summary) -> f64 {
    stat::log_rank(&before.observations(), &after.observations())
}
