//! Case pages: the list, a case's page and its forms (details, times,
//! lifecycle, timeline).

use crate::AppState;
use crate::cases::ops::{CaseIn, timeline_kind, validate_case};
use crate::cases::policy;
use crate::cases::times::{parse_local_time, utc_input_value, utc_rfc3339};
use crate::platform::auth::{Identity, Signed};
use crate::platform::error::{PageError, show_refusal};
use crate::platform::shell::{Ctx, render_status, severity_options, time_html};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use debrief_core::Validation;
use debrief_core::case::{Severity, Status};
use debrief_store::{StoreError, now_ms};
use serde::Deserialize;

pub struct CaseRow {
    pub id: i64,
    pub title: String,
    pub severity: &'static str,
    pub severity_value: &'static str,
    pub status: &'static str,
    pub created: String,
    /// A drill or exercise (shown as a badge).
    pub drill: bool,
}

#[derive(Template)]
#[template(path = "cases/cases.html")]
struct CasesPage {
    ctx: Ctx,
    rows: Vec<CaseRow>,
    total: i64,
    status: String,
    status_options: Vec<(&'static str, &'static str)>,
    can_create: bool,
    severities: Vec<(&'static str, &'static str)>,
    form_title: String,
    form_severity: String,
    errors: Validation,
}

#[derive(Deserialize, Default)]
pub struct CasesQuery {
    status: Option<String>,
}

async fn cases_page(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    status: String,
    code: StatusCode,
    form: (String, String, Validation),
) -> Response {
    let (cases, total) = match state
        .store
        .list_cases(status.parse::<Status>().ok(), 200, 0)
        .await
    {
        Ok(x) => x,
        Err(e) => return PageError::from(e).into_response(),
    };
    let rows = cases
        .iter()
        .map(|c| CaseRow {
            id: c.id,
            title: c.title.clone(),
            severity: c.severity.label(),
            severity_value: c.severity.as_str(),
            status: c.status.label(),
            created: time_html(c.created_ms),
            drill: c.drill,
        })
        .collect();
    render_status(
        code,
        &CasesPage {
            ctx,
            rows,
            total,
            status,
            status_options: Status::ALL
                .into_iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            can_create: policy::may_open(ident),
            severities: severity_options(),
            form_title: form.0,
            form_severity: form.1,
            errors: form.2,
        },
    )
}

pub async fn cases(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Query(q): Query<CasesQuery>,
) -> Response {
    cases_page(
        &state,
        ctx,
        &ident,
        q.status.unwrap_or_default(),
        StatusCode::OK,
        (String::new(), "medium".into(), Validation::new()),
    )
    .await
}

pub async fn create_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Form(f): Form<NewCaseForm>,
) -> Response {
    let input = CaseIn {
        title: f.title.clone(),
        severity: f.severity.clone(),
        report_ids: vec![],
        occurred_at: None,
        detected_at: None,
    };
    match validate_case(&input, ident.user.id, false) {
        Ok(n) => match state.store.create_case(n, now_ms()).await {
            Ok(id) => Redirect::to(&format!("/cases/{id}")).into_response(),
            Err(e) => PageError::from(e).into_response(),
        },
        Err(errors) => {
            cases_page(
                &state,
                ctx,
                &ident,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
                (f.title, f.severity, Validation { errors }),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct NewCaseForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    severity: String,
}

pub struct ReportLine {
    pub id: i64,
    pub title: String,
    pub mode: &'static str,
    pub received: String,
}

pub struct TransitionLine {
    pub at: String,
    pub from: &'static str,
    pub to: &'static str,
    pub reason: String,
}

pub struct TimelineLine {
    pub at: String,
    pub kind: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "cases/case.html")]
struct CasePage {
    ctx: Ctx,
    lead: String,
    team: String,
    participants: Vec<String>,
    leads: Vec<(i64, String, bool)>,
    teams: Vec<(i64, String, bool)>,
    severities: Vec<(&'static str, &'static str)>,
    c: debrief_store::cases::Case,
    times: Vec<(&'static str, String)>,
    /// The recorded times of occurrence and detection, to pre-fill their
    /// correction: (`datetime-local` value in UTC, RFC 3339 UTC).
    occurred_input: (String, String),
    detected_input: (String, String),
    allowed: Vec<(&'static str, &'static str)>,
    reports: Vec<ReportLine>,
    transitions: Vec<TransitionLine>,
    timeline: Vec<TimelineLine>,
    recurrence: crate::cases::recurrence::Recurrence,
    can_edit: bool,
    can_mark_drill: bool,
    can_triage: bool,
    notice: Option<String>,
    error: Option<String>,
    entry: String,
}

fn status_label(s: &str) -> &'static str {
    s.parse::<Status>().map(Status::label).unwrap_or("—")
}

/// What a case page says after an action.
#[derive(Default)]
pub(crate) struct Flash {
    notice: Option<String>,
    error: Option<String>,
    entry: String,
}

async fn case_page(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    code: StatusCode,
    flash: Flash,
) -> Response {
    let Flash {
        notice,
        error,
        entry,
    } = flash;
    let d = match state.store.case_detail(id).await {
        Ok(Some(d)) => d,
        Ok(None) => return PageError::not_found().into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let c = d.case.clone();
    let recurrence = match crate::cases::recurrence::recurrence(state, ident, id).await {
        Ok(r) => r,
        Err(e) => return PageError::from(e).into_response(),
    };
    let users = state
        .store
        .list_users(1000, 0, None)
        .await
        .map(|x| x.0)
        .unwrap_or_default();
    let all_teams = state.store.list_teams().await.unwrap_or_default();
    let lead = c
        .lead_id
        .and_then(|l| users.iter().find(|u| u.id == l))
        .map_or_else(|| "None yet".to_string(), |u| u.name.clone());
    let team = c
        .team_id
        .and_then(|t| all_teams.iter().find(|x| x.id == t))
        .map_or_else(|| "None".to_string(), |t| t.name.clone());
    let leads = users
        .iter()
        .filter(|u| policy::may_lead(u))
        .map(|u| (u.id, u.name.clone(), Some(u.id) == c.lead_id))
        .collect();
    let teams = all_teams
        .iter()
        .map(|t| (t.id, t.name.clone(), Some(t.id) == c.team_id))
        .collect();
    let t = |v: Option<i64>| v.map(time_html).unwrap_or_else(|| "—".into());
    let times = vec![
        ("Occurred", t(c.occurred_ms)),
        ("Detected", t(c.detected_ms)),
        ("First reported", t(c.reported_ms)),
        ("Acknowledged", t(c.acknowledged_ms)),
        ("Contained", t(c.contained_ms)),
        ("Resolved", t(c.resolved_ms)),
        ("Review started", t(c.in_review_ms)),
        ("Learning published", t(c.published_ms)),
        ("Closed", t(c.closed_ms)),
    ];
    let input = |v: Option<i64>| {
        v.map(|ms| (utc_input_value(ms), utc_rfc3339(ms)))
            .unwrap_or_default()
    };
    let page = CasePage {
        occurred_input: input(c.occurred_ms),
        detected_input: input(c.detected_ms),
        lead,
        team,
        participants: d.participants.iter().map(|p| p.1.clone()).collect(),
        leads,
        teams,
        severities: severity_options(),
        times,
        allowed: c
            .status
            .next()
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        reports: d
            .reports
            .iter()
            .map(|r| ReportLine {
                id: r.id,
                title: r.title.clone(),
                mode: r.confidentiality.label(),
                received: time_html(r.received_ms),
            })
            .collect(),
        transitions: d
            .transitions
            .iter()
            .map(|tr| TransitionLine {
                at: time_html(tr.at_ms),
                from: status_label(&tr.from),
                to: status_label(&tr.to),
                reason: tr.reason.clone(),
            })
            .collect(),
        timeline: d
            .timeline
            .iter()
            .map(|e| TimelineLine {
                at: time_html(e.at_ms),
                kind: e.kind.clone(),
                body: e.body.clone(),
            })
            .collect(),
        recurrence,
        can_edit: policy::may_change(ident),
        can_mark_drill: policy::may_mark_drill(ident),
        can_triage: policy::opens_reports(ident),
        notice,
        error,
        entry,
        ctx,
        c,
    };
    render_status(code, &page)
}

pub async fn case(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
) -> Response {
    case_page(&state, ctx, &ident, id, StatusCode::OK, Flash::default()).await
}

#[derive(Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    tz_offset: String,
}

pub async fn case_transition(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<TransitionForm>,
) -> Response {
    let Ok(to) = f.to.parse::<Status>() else {
        return case_page(
            &state,
            ctx,
            &ident,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Flash {
                error: Some("Choose the next status.".into()),
                ..Default::default()
            },
        )
        .await;
    };
    let mut v = Validation::new();
    let at = parse_local_time(&mut v, "at", &f.at, "tz_offset", &f.tz_offset, i64::MAX);
    let reason = v.optional_text("reason", &f.reason, debrief_core::case::REASON_MAX);
    if !v.is_ok() {
        return case_page(
            &state,
            ctx,
            &ident,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Flash {
                error: v.errors.first().map(|e| e.message.clone()),
                ..Default::default()
            },
        )
        .await;
    }
    let reason = Some(reason).filter(|r| !r.is_empty());
    match state
        .store
        .transition(id, to, at, reason, ident.user.id, now_ms())
        .await
    {
        Ok(c) => {
            case_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::OK,
                Flash {
                    notice: Some(format!("The case is now: {}.", c.status.label())),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => case_refusal(&state, ctx, &ident, id, e).await,
    }
}

#[derive(Deserialize)]
pub struct TimelineForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    tz_offset: String,
}

pub async fn case_timeline(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<TimelineForm>,
) -> Response {
    let now = now_ms();
    let mut v = Validation::new();
    let body = v.text("body", &f.body, debrief_core::case::TIMELINE_MAX);
    let at = parse_local_time(&mut v, "at", &f.at, "tz_offset", &f.tz_offset, now).unwrap_or(now);
    let kind = timeline_kind(&f.kind);
    if kind.is_none() {
        v.add("kind", "Choose fact, decision or communication.");
    }
    if let Some(e) = v.errors.first() {
        return case_page(
            &state,
            ctx,
            &ident,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Flash {
                error: Some(e.message.clone()),
                entry: f.body,
                ..Default::default()
            },
        )
        .await;
    }
    match state
        .store
        .add_timeline(id, at, kind.unwrap_or("fact"), body, ident.user.id, now)
        .await
    {
        Ok(_) => {
            case_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::OK,
                Flash {
                    notice: Some("Added to the timeline.".into()),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

/// The case page after an action: its notice, or the store's refusal.
async fn case_outcome(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    result: Result<(), StoreError>,
    notice: &str,
) -> Response {
    match result {
        Ok(()) => {
            case_page(
                state,
                ctx,
                ident,
                id,
                StatusCode::OK,
                Flash {
                    notice: Some(notice.to_string()),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => case_refusal(state, ctx, ident, id, e).await,
    }
}

/// The case page with the store's refusal, or the error page for a failure.
async fn case_refusal(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    e: StoreError,
) -> Response {
    show_refusal(e, |r| {
        let flash = Flash {
            error: Some(r.message()),
            ..Default::default()
        };
        case_page(state, ctx, ident, id, r.status, flash)
    })
    .await
}

#[derive(Deserialize)]
pub struct DetailsForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    lead_id: String,
    #[serde(default)]
    team_id: String,
}

pub async fn case_details(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<DetailsForm>,
) -> Response {
    let mut v = Validation::new();
    let title = v.text("title", &f.title, debrief_core::case::TITLE_MAX);
    let severity = f.severity.parse::<Severity>().ok();
    if severity.is_none() {
        v.add("severity", "Choose a severity.");
    }
    if let Some(e) = v.errors.first() {
        return case_page(
            &state,
            ctx,
            &ident,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Flash {
                error: Some(e.message.clone()),
                ..Default::default()
            },
        )
        .await;
    }
    let opt = |s: &str| {
        if s.is_empty() {
            Some(None)
        } else {
            s.parse::<i64>().ok().map(Some)
        }
    };
    let ch = debrief_store::cases::CaseChanges {
        title: Some(title),
        severity,
        lead_id: opt(&f.lead_id),
        team_id: opt(&f.team_id),
        drill: None,
    };
    let result = state
        .store
        .update_case(id, ch, ident.user.id, now_ms())
        .await
        .map(|_| ());
    case_outcome(&state, ctx, &ident, id, result, "Saved.").await
}

#[derive(Deserialize)]
pub struct TimesForm {
    #[serde(default)]
    occurred_at: String,
    #[serde(default)]
    detected_at: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    occurred_at_tz_offset: String,
    #[serde(default)]
    detected_at_tz_offset: String,
}

pub async fn case_times(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<TimesForm>,
) -> Response {
    let now = now_ms();
    let mut v = Validation::new();
    let occurred = parse_local_time(
        &mut v,
        "occurred_at",
        &f.occurred_at,
        "occurred_at_tz_offset",
        &f.occurred_at_tz_offset,
        now,
    );
    let detected = parse_local_time(
        &mut v,
        "detected_at",
        &f.detected_at,
        "detected_at_tz_offset",
        &f.detected_at_tz_offset,
        now,
    );
    let reason = v.text("reason", &f.reason, debrief_core::case::REASON_MAX);
    if occurred.is_none() && detected.is_none() && v.is_ok() {
        v.add(
            "occurred_at",
            "Give the corrected time of occurrence, of detection, or both.",
        );
    }
    if let Some(e) = v.errors.first() {
        return case_page(
            &state,
            ctx,
            &ident,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Flash {
                error: Some(e.message.clone()),
                ..Default::default()
            },
        )
        .await;
    }
    let result = state
        .store
        .correct_times(id, occurred, detected, reason, ident.user.id, now)
        .await
        .map(|_| ());
    case_outcome(
        &state,
        ctx,
        &ident,
        id,
        result,
        "Times corrected; the change is in the audit log.",
    )
    .await
}

#[derive(Deserialize)]
pub struct DrillForm {
    #[serde(default)]
    drill: String,
}

/// Marks a case as a drill or exercise, or as a real case again (security
/// leads; audited).
pub async fn case_drill(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<DrillForm>,
) -> Response {
    let drill = match f.drill.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return case_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Flash {
                    error: Some("Choose whether the case is a drill.".into()),
                    ..Default::default()
                },
            )
            .await;
        }
    };
    let ch = debrief_store::cases::CaseChanges {
        title: None,
        severity: None,
        lead_id: None,
        team_id: None,
        drill: Some(drill),
    };
    let result = state
        .store
        .update_case(id, ch, ident.user.id, now_ms())
        .await
        .map(|_| ());
    let notice = if drill {
        "Marked as a drill or exercise: it is left out of the learning metrics."
    } else {
        "Counted as a real case again: it is part of the learning metrics."
    };
    case_outcome(&state, ctx, &ident, id, result, notice).await
}
