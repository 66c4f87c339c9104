//! Cases: opened from reports (or directly), moved through their lifecycle,
//! with a timeline of facts, decisions and communications.

use crate::db::Conn;
use crate::reports::Report;
use crate::rows::{FromRow, row};
use crate::{Result, Store, StoreError, params};
use debrief_core::case::{Severity, Status, TransitionError, check_transition, milestone};
use serde::Serialize;

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct Case from "cases c" {
        pub id: i64 = "c.id",
        pub title: String = "c.title",
        pub severity: Severity = "c.severity",
        pub status: Status = "c.status",
        pub lead_id: Option<i64> = "c.lead_id",
        pub team_id: Option<i64> = "c.team_id",
        pub urgent: bool = "c.urgent",
        /// A drill or exercise: left out of every learning metric.
        pub drill: bool = "c.drill",
        pub occurred_ms: Option<i64> = "c.occurred_ms",
        pub detected_ms: Option<i64> = "c.detected_ms",
        pub reported_ms: Option<i64> = "c.reported_ms",
        pub acknowledged_ms: Option<i64> = "c.acknowledged_ms",
        pub contained_ms: Option<i64> = "c.contained_ms",
        pub resolved_ms: Option<i64> = "c.resolved_ms",
        pub in_review_ms: Option<i64> = "c.in_review_ms",
        pub published_ms: Option<i64> = "c.published_ms",
        pub closed_ms: Option<i64> = "c.closed_ms",
        pub last_transition_ms: i64 = "c.last_transition_ms",
        pub created_ms: i64 = "c.created_ms",
    }
}

impl Case {
    /// The incident's own milestones, from occurred to resolved, as the
    /// library and the exports show them beside a published review.
    pub fn incident_times(&self) -> [(&'static str, Option<i64>); 6] {
        [
            ("Occurred", self.occurred_ms),
            ("Detected", self.detected_ms),
            ("Reported", self.reported_ms),
            ("Acknowledged", self.acknowledged_ms),
            ("Contained", self.contained_ms),
            ("Resolved", self.resolved_ms),
        ]
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct Transition from "case_transitions" {
        pub from: String = "from_status",
        pub to: String = "to_status",
        pub at_ms: i64 = "at_ms",
        pub recorded_ms: i64 = "recorded_ms",
        pub actor_id: Option<i64> = "actor_id",
        pub reason: String = "reason",
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct TimelineEntry from "case_timeline" {
        pub id: i64 = "id",
        pub at_ms: i64 = "at_ms",
        /// `fact`, `decision` or `communication`.
        pub kind: String = "kind",
        pub body: String = "body",
        pub author_id: Option<i64> = "author_id",
    }
}

row! {
    /// Someone who took part in a case.
    pub(crate) struct Participant from "case_participants p JOIN users u ON u.id = p.user_id" {
        id: i64 = "u.id",
        name: String = "u.name",
    }
}

row! {
    /// When a case's incident occurred and was detected.
    pub(crate) struct IncidentTimes from "cases" {
        occurred_ms: Option<i64> = "occurred_ms",
        detected_ms: Option<i64> = "detected_ms",
    }
}

#[derive(Debug, Clone)]
pub struct CaseDetail {
    pub case: Case,
    pub reports: Vec<Report>,
    pub transitions: Vec<Transition>,
    pub timeline: Vec<TimelineEntry>,
    pub participants: Vec<(i64, String)>,
}

pub struct NewCase {
    pub title: String,
    pub severity: Severity,
    pub report_ids: Vec<i64>,
    pub occurred_ms: Option<i64>,
    pub detected_ms: Option<i64>,
    pub urgent: bool,
    pub created_by: i64,
}

impl NewCase {
    /// A case that meets the core's rules, opened by `created_by` from
    /// `report_ids`.
    pub fn from_valid(
        valid: debrief_core::case::ValidCase,
        report_ids: Vec<i64>,
        urgent: bool,
        created_by: i64,
    ) -> NewCase {
        NewCase {
            title: valid.title,
            severity: valid.severity,
            report_ids,
            occurred_ms: valid.occurred_ms,
            detected_ms: valid.detected_ms,
            urgent,
            created_by,
        }
    }
}

/// Sets the case's reported time to its earliest linked report.
pub fn refresh_reported(c: &mut dyn Conn, case_id: i64) -> Result<()> {
    c.execute(
        "UPDATE cases SET reported_ms = (SELECT MIN(received_ms) FROM reports WHERE case_id = $1) WHERE id = $1",
        &params![case_id],
    )
    .map(|_| ())
}

/// Puts a new or duplicate report in the case. A refusal names `field` when the
/// report was given in a field (a new case's `report_ids`); otherwise the
/// report is the one addressed and the refusal is about its state.
fn link_report(
    c: &mut dyn Conn,
    case_id: i64,
    report_id: i64,
    now: i64,
    field: Option<&'static str>,
) -> Result<()> {
    let n = c.execute(
        "UPDATE reports SET case_id = $1, status = 'in_case', updated_ms = $2 WHERE id = $3 AND status IN ('new', 'duplicate')",
        &params![case_id, now, report_id],
    )?;
    if n == 0 {
        let exists = c.query_opt(
            "SELECT status FROM reports WHERE id = $1",
            &params![report_id],
        )?;
        return Err(match (exists, field) {
            (None, Some(f)) => StoreError::rule(f, format!("Report {report_id} does not exist.")),
            (None, None) => StoreError::NotFound,
            (Some(_), Some(f)) => StoreError::rule(
                f,
                format!("Report {report_id} is already in a case or closed."),
            ),
            (Some(_), None) => StoreError::State(format!(
                "Report {report_id} is already in a case or closed."
            )),
        });
    }
    Ok(())
}

impl Store {
    /// Opens a case, linking the given reports; the earliest report sets the case's reported time.
    pub async fn create_case(&self, n: NewCase, now: i64) -> Result<i64> {
        self.write(move |c| {
            let id = c
                .query_one(
                    "INSERT INTO cases (title, severity, status, urgent, occurred_ms, detected_ms, last_transition_ms, created_ms, created_by, updated_ms)
                     VALUES ($1, $2, 'triage', $3, $4, $5, $6, $6, $7, $6) RETURNING id",
                    &params![n.title.clone(), n.severity.as_str(), n.urgent, n.occurred_ms, n.detected_ms, now, n.created_by],
                )?
                .i64(0)?;
            for rid in &n.report_ids {
                link_report(c, id, *rid, now, Some("report_ids"))?;
            }
            refresh_reported(c, id)?;
            // triage began when the incident was first known (detected or reported),
            // so that steps taken before the case was typed in can be recorded
            c.execute(
                "UPDATE cases SET last_transition_ms = COALESCE(
                    (SELECT MIN(t) FROM (SELECT detected_ms AS t FROM cases WHERE id = $1 UNION ALL SELECT reported_ms FROM cases WHERE id = $1 UNION ALL SELECT $2) x),
                    $2) WHERE id = $1",
                &params![id, now],
            )?;
            c.execute(
                "INSERT INTO case_participants (case_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &params![id, n.created_by],
            )?;
            crate::audit::append(c, now, &format!("user:{}", n.created_by), "case.created", &format!("case:{id}"), n.severity.as_str())?;
            Ok(id)
        })
        .await
    }

    /// Links a new report to an existing case.
    pub async fn attach_report(
        &self,
        report_id: i64,
        case_id: i64,
        user_id: i64,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            if c.query_opt("SELECT id FROM cases WHERE id = $1", &params![case_id])?
                .is_none()
            {
                return Err(StoreError::rule(
                    "case_id",
                    format!("Case {case_id} does not exist."),
                ));
            }
            link_report(c, case_id, report_id, now, None)?;
            refresh_reported(c, case_id)?;
            crate::audit::append(
                c,
                now,
                &format!("user:{user_id}"),
                "report.attached",
                &format!("report:{report_id}"),
                &format!("case:{case_id}"),
            )?;
            Ok(())
        })
        .await
    }

    pub async fn list_cases(
        &self,
        status: Option<Status>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Case>, i64)> {
        self.read(move |c| {
            let st = status.map(|s| s.as_str().to_string()).unwrap_or_default();
            let total = c.query_one("SELECT COUNT(*) FROM cases c WHERE ($1 = '' OR c.status = $1)", &params![st.clone()])?.i64(0)?;
            let rows = c.query(
                &format!("SELECT {} FROM cases c WHERE ($1 = '' OR c.status = $1) ORDER BY c.created_ms DESC, c.id DESC LIMIT $2 OFFSET $3", Case::columns()),
                &params![st, limit, offset],
            )?;
            Ok((rows.iter().map(Case::decode).collect::<Result<_>>()?, total))
        })
        .await
    }

    pub async fn case_detail(&self, id: i64) -> Result<Option<CaseDetail>> {
        self.read(move |c| {
            let Some(row) = c.query_opt(&format!("SELECT {} FROM cases c WHERE c.id = $1", Case::columns()), &params![id])? else {
                return Ok(None);
            };
            let case = Case::decode(&row)?;
            let reports = c
                .query(&format!("SELECT {} FROM reports r WHERE r.case_id = $1 ORDER BY r.received_ms, r.id", Report::columns()), &params![id])?;
            let reports = Report::decode_all(&reports)?;
            let transitions = Transition::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM case_transitions WHERE case_id = $1 ORDER BY at_ms, id",
                    Transition::columns()
                ),
                &params![id],
            )?)?;
            let timeline = TimelineEntry::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM case_timeline WHERE case_id = $1 ORDER BY at_ms, id",
                    TimelineEntry::columns()
                ),
                &params![id],
            )?)?;
            let participants = c
                .query(
                    &format!(
                        "SELECT {} FROM case_participants p JOIN users u ON u.id = p.user_id WHERE p.case_id = $1 ORDER BY u.name",
                        Participant::columns()
                    ),
                    &params![id],
                )?
                .iter()
                .map(|r| Participant::decode(r).map(|p| (p.id, p.name)))
                .collect::<Result<_>>()?;
            Ok(Some(CaseDetail { case, reports, transitions, timeline, participants }))
        })
        .await
    }

    /// Moves a case along its lifecycle. `at_ms` records a transition that happened
    /// earlier (with a reason); the first time a milestone is reached, its metric
    /// timestamp is set.
    pub async fn transition(
        &self,
        case_id: i64,
        to: Status,
        at_ms: Option<i64>,
        reason: Option<String>,
        user_id: i64,
        now: i64,
    ) -> Result<Case> {
        self.write(move |c| transition_tx(c, case_id, to, at_ms, reason, user_id, now))
            .await
    }

    /// Adds a timeline entry; audited in the same transaction.
    pub async fn add_timeline(
        &self,
        case_id: i64,
        at_ms: i64,
        kind: &'static str,
        body: String,
        user_id: i64,
        now: i64,
    ) -> Result<i64> {
        self.write(move |c| {
            if c.query_opt("SELECT id FROM cases WHERE id = $1", &params![case_id])?.is_none() {
                return Err(StoreError::NotFound);
            }
            let id = c
                .query_one(
                    "INSERT INTO case_timeline (case_id, at_ms, kind, body, author_id, created_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    &params![case_id, at_ms, kind, body, user_id, now],
                )?
                .i64(0)?;
            c.execute("INSERT INTO case_participants (case_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", &params![case_id, user_id])?;
            // who added what kind of entry; never its text
            crate::audit::append(c, now, &format!("user:{user_id}"), "case.timeline_added", &format!("case:{case_id}"), &format!("timeline:{id} {kind}"))?;
            Ok(id)
        })
        .await
    }

    /// Corrects when the incident occurred or was detected, with a reason; audited.
    pub async fn correct_times(
        &self,
        case_id: i64,
        occurred_ms: Option<i64>,
        detected_ms: Option<i64>,
        reason: String,
        user_id: i64,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            let row = c.query_opt(&format!("SELECT {} FROM cases WHERE id = $1", IncidentTimes::columns()), &params![case_id])?.ok_or(StoreError::NotFound)?;
            let IncidentTimes { occurred_ms: old_o, detected_ms: old_d } = IncidentTimes::decode(&row)?;
            let (new_o, new_d) = (occurred_ms.or(old_o), detected_ms.or(old_d));
            if !debrief_core::times::in_order(new_o, new_d) {
                return Err(StoreError::rule("detected_at", debrief_core::times::DETECTED_BEFORE_OCCURRED));
            }
            c.execute("UPDATE cases SET occurred_ms = $1, detected_ms = $2, updated_ms = $3 WHERE id = $4", &params![new_o, new_d, now, case_id])?;
            let fmt = |v: Option<i64>| v.map_or("unset".to_string(), |v| v.to_string());
            crate::audit::append(
                c,
                now,
                &format!("user:{user_id}"),
                "case.times_corrected",
                &format!("case:{case_id}"),
                &format!("occurred {} -> {}, detected {} -> {}; reason: {reason}", fmt(old_o), fmt(new_o), fmt(old_d), fmt(new_d)),
            )?;
            Ok(())
        })
        .await
    }
}

/// Moves a case along its lifecycle inside an open transaction (see
/// [`Store::transition`]). Reaching "in review" opens the case's blameless review.
pub fn transition_tx(
    c: &mut dyn Conn,
    case_id: i64,
    to: Status,
    at_ms: Option<i64>,
    reason: Option<String>,
    user_id: i64,
    now: i64,
) -> Result<Case> {
    let row = c
        .query_opt(
            &format!("SELECT {} FROM cases c WHERE c.id = $1", Case::columns()),
            &params![case_id],
        )?
        .ok_or(StoreError::NotFound)?;
    let case = Case::decode(&row)?;
    let at = check_transition(
        case.status,
        to,
        at_ms,
        reason.as_deref(),
        case.last_transition_ms.min(now),
        now,
    )
    .map_err(StoreError::Transition)?;
    c.execute(
        "UPDATE cases SET status = $1, last_transition_ms = $2, updated_ms = $3 WHERE id = $4",
        &params![to.as_str(), at, now, case_id],
    )?;
    if let Some(col) = milestone(to) {
        c.execute(
            &format!("UPDATE cases SET {col} = $1 WHERE id = $2 AND {col} IS NULL"),
            &params![at, case_id],
        )?;
    }
    let reason = reason.unwrap_or_default();
    c.execute(
        "INSERT INTO case_transitions (case_id, from_status, to_status, at_ms, recorded_ms, actor_id, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &params![case_id, case.status.as_str(), to.as_str(), at, now, user_id, reason.clone()],
    )?;
    let detail = if at_ms.is_some() {
        format!(
            "{} -> {}; recorded after the fact: {reason}",
            case.status, to
        )
    } else {
        format!("{} -> {}", case.status, to)
    };
    crate::audit::append(
        c,
        now,
        &format!("user:{user_id}"),
        "case.transition",
        &format!("case:{case_id}"),
        &detail,
    )?;
    c.execute(
        "INSERT INTO case_participants (case_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &params![case_id, user_id],
    )?;
    if to == Status::InReview {
        crate::reviews::open_review_tx(c, case_id, user_id, now)?;
    }
    let row = c.query_one(
        &format!("SELECT {} FROM cases c WHERE c.id = $1", Case::columns()),
        &params![case_id],
    )?;
    Case::decode(&row)
}

impl From<TransitionError> for StoreError {
    fn from(e: TransitionError) -> Self {
        StoreError::Transition(e)
    }
}

/// A case as it stood at some point in the past, for importing history and for
/// demonstration data. Times are milliseconds since the epoch.
pub struct CaseRecord {
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub team_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub occurred_ms: Option<i64>,
    pub detected_ms: Option<i64>,
    /// (status reached, when, by whom), in order.
    pub transitions: Vec<(Status, i64, Option<i64>)>,
    pub created_ms: i64,
    pub created_by: Option<i64>,
}

/// Inserts a historic case with its transitions inside an open transaction;
/// milestone times are taken from the transitions.
pub fn insert_case_record(c: &mut dyn Conn, r: &CaseRecord) -> Result<i64> {
    let last = r.transitions.last().map_or(r.created_ms, |t| t.1);
    let id = c
        .query_one(
            "INSERT INTO cases (title, severity, status, lead_id, team_id, urgent, occurred_ms, detected_ms, last_transition_ms, created_ms, created_by, updated_ms)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10, $8) RETURNING id",
            &params![r.title.clone(), r.severity.as_str(), r.status.as_str(), r.lead_id, r.team_id, r.occurred_ms, r.detected_ms, last, r.created_ms, r.created_by],
        )?
        .i64(0)?;
    let mut from = Status::Triage;
    for (to, at, actor) in &r.transitions {
        c.execute(
            "INSERT INTO case_transitions (case_id, from_status, to_status, at_ms, recorded_ms, actor_id, reason) VALUES ($1, $2, $3, $4, $4, $5, '')",
            &params![id, from.as_str(), to.as_str(), *at, *actor],
        )?;
        if let Some(col) = milestone(*to) {
            c.execute(
                &format!("UPDATE cases SET {col} = $1 WHERE id = $2 AND {col} IS NULL"),
                &params![*at, id],
            )?;
        }
        if let Some(a) = actor {
            c.execute("INSERT INTO case_participants (case_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", &params![id, *a])?;
        }
        from = *to;
    }
    Ok(id)
}

/// Links a report to a case inside an open transaction and refreshes the case's reported time.
pub fn link_report_record(c: &mut dyn Conn, case_id: i64, report_id: i64, now: i64) -> Result<()> {
    link_report(c, case_id, report_id, now, None)?;
    refresh_reported(c, case_id)
}

pub fn insert_timeline_record(
    c: &mut dyn Conn,
    case_id: i64,
    at_ms: i64,
    kind: &str,
    body: &str,
    author: Option<i64>,
) -> Result<()> {
    c.execute(
        "INSERT INTO case_timeline (case_id, at_ms, kind, body, author_id, created_ms) VALUES ($1, $2, $3, $4, $5, $2)",
        &params![case_id, at_ms, kind, body, author],
    )
    .map(|_| ())
}

/// Changes to a case's title, severity, lead or team; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct CaseChanges {
    pub title: Option<String>,
    pub severity: Option<Severity>,
    /// `Some(None)` removes the lead.
    pub lead_id: Option<Option<i64>>,
    pub team_id: Option<Option<i64>>,
    /// Marks the case as a drill or exercise (`true`) or as a real one.
    pub drill: Option<bool>,
}

impl Store {
    /// Applies changes and audits what changed (names, not content).
    pub async fn update_case(
        &self,
        case_id: i64,
        ch: CaseChanges,
        user_id: i64,
        now: i64,
    ) -> Result<Case> {
        self.write(move |c| {
            let row = c.query_opt(&format!("SELECT {} FROM cases c WHERE c.id = $1", Case::columns()), &params![case_id])?.ok_or(StoreError::NotFound)?;
            let before = Case::decode(&row)?;
            if let Some(Some(lead)) = ch.lead_id
                && c.query_opt(
                    "SELECT id FROM users WHERE id = $1 AND disabled = 0 AND (roles & $2) <> 0",
                    &params![lead, i64::from(debrief_core::case::lead_roles().bits())],
                )?.is_none()
            {
                return Err(StoreError::rule("lead_id", "The lead must be an active responder or security lead."));
            }
            if let Some(Some(team)) = ch.team_id
                && c.query_opt("SELECT id FROM teams WHERE id = $1", &params![team])?.is_none()
            {
                return Err(StoreError::rule("team_id", "That team does not exist."));
            }
            let title = ch.title.clone().unwrap_or(before.title.clone());
            let severity = ch.severity.unwrap_or(before.severity);
            let lead = ch.lead_id.unwrap_or(before.lead_id);
            let team = ch.team_id.unwrap_or(before.team_id);
            let drill = ch.drill.unwrap_or(before.drill);
            c.execute(
                "UPDATE cases SET title = $1, severity = $2, lead_id = $3, team_id = $4, drill = $5, updated_ms = $6 WHERE id = $7",
                &params![title.clone(), severity.as_str(), lead, team, drill, now, case_id],
            )?;
            if let Some(l) = lead {
                c.execute("INSERT INTO case_participants (case_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", &params![case_id, l])?;
            }
            let mut changed = Vec::new();
            if title != before.title {
                changed.push("title".to_string());
            }
            if severity != before.severity {
                changed.push(format!("severity {} -> {}", before.severity.as_str(), severity.as_str()));
            }
            if lead != before.lead_id {
                changed.push(format!("lead {} -> {}", before.lead_id.map_or("none".into(), |v| format!("user:{v}")), lead.map_or("none".into(), |v| format!("user:{v}"))));
            }
            if team != before.team_id {
                changed.push(format!("team {} -> {}", before.team_id.map_or("none".into(), |v| format!("team:{v}")), team.map_or("none".into(), |v| format!("team:{v}"))));
            }
            if !changed.is_empty() {
                crate::audit::append(c, now, &format!("user:{user_id}"), "case.updated", &format!("case:{case_id}"), &changed.join("; "))?;
            }
            if drill != before.drill {
                let (action, detail) = if drill {
                    ("case.marked_drill", "marked as a drill or exercise: left out of the learning metrics")
                } else {
                    ("case.unmarked_drill", "no longer a drill: counted in the learning metrics")
                };
                crate::audit::append(c, now, &format!("user:{user_id}"), action, &format!("case:{case_id}"), detail)?;
            }
            let row = c.query_one(&format!("SELECT {} FROM cases c WHERE c.id = $1", Case::columns()), &params![case_id])?;
            Case::decode(&row)
        })
        .await
    }
}
