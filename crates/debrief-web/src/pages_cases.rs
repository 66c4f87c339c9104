//! Pages for responders (triage, cases) and for named reporters (My reports).

use crate::AppState;
use crate::api_reports::{
    CaseIn, team_message_kind, timeline_kind, transition_error, validate_case,
};
use crate::auth::{Identity, ReauthAt, Signed, may};
use crate::client_addr::ClientIp;
use crate::error::PageError;
use crate::pages::{Ctx, parse_local_time, render_status, time_html, utc_input_value, utc_rfc3339};
use crate::pages_reports::{MessageView, message_views};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use debrief_core::Validation;
use debrief_core::case::{Severity, Status};
use debrief_core::report::Kind;
use debrief_store::reports::{Report, ReportFilter, ReportStatus};
use debrief_store::{StoreError, now_ms};
use serde::Deserialize;

/// How long a report has waited, in the words every duration uses ("3 h 12 min").
pub fn age(ms: i64, now: i64) -> String {
    debrief_core::duration::words(((now - ms) / 60_000).max(0))
}

fn report_status_label(s: ReportStatus) -> &'static str {
    match s {
        ReportStatus::New => "New",
        ReportStatus::InCase => "In a case",
        ReportStatus::Duplicate => "Duplicate",
        ReportStatus::Closed => "Closed",
    }
}

fn severities() -> Vec<(&'static str, &'static str)> {
    Severity::ALL
        .into_iter()
        .map(|s| (s.as_str(), s.label()))
        .collect()
}

// ------------------------------------------------------------------ triage

pub struct TriageRow {
    pub id: i64,
    pub kind: &'static str,
    pub kind_value: &'static str,
    pub title: String,
    pub mode: &'static str,
    pub received: String,
    pub age: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "triage.html")]
struct TriagePage {
    ctx: Ctx,
    rows: Vec<TriageRow>,
    total: i64,
    status: String,
    kind: String,
    status_options: Vec<(&'static str, &'static str)>,
    kind_options: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
pub struct TriageQuery {
    status: Option<String>,
    kind: Option<String>,
    offset: Option<i64>,
}

pub async fn triage(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TriageQuery>,
) -> Response {
    let status = q.status.clone().unwrap_or_else(|| "new".into());
    let kind = q.kind.clone().unwrap_or_default();
    let filter = ReportFilter {
        status: if status.is_empty() {
            None
        } else {
            ReportStatus::parse(&status).ok()
        },
        kind: kind.parse::<Kind>().ok(),
    };
    let (reports, total) = match state
        .store
        .list_reports(filter, 200, q.offset.unwrap_or(0).max(0))
        .await
    {
        Ok(x) => x,
        Err(e) => return PageError::from(e).into_response(),
    };
    let now = now_ms();
    let rows = reports
        .iter()
        .map(|r| TriageRow {
            id: r.id,
            kind: r.kind.label(),
            kind_value: r.kind.as_str(),
            title: r.title.clone(),
            mode: r.confidentiality.label(),
            received: time_html(r.received_ms),
            age: age(r.received_ms, now),
            status: report_status_label(r.status),
        })
        .collect();
    let status_options = vec![
        ("new", "New"),
        ("in_case", "In a case"),
        ("duplicate", "Duplicate"),
        ("closed", "Closed"),
        ("", "All"),
    ];
    let mut kind_options = vec![("", "All kinds")];
    kind_options.extend(Kind::ALL.into_iter().map(|k| (k.as_str(), k.label())));
    render_status(
        StatusCode::OK,
        &TriagePage {
            ctx,
            rows,
            total,
            status,
            kind,
            status_options,
            kind_options,
        },
    )
}

#[derive(Template)]
#[template(path = "triage_report.html")]
struct TriageReportPage {
    ctx: Ctx,
    r: Report,
    kind: &'static str,
    mode: &'static str,
    reporter: Option<String>,
    received: String,
    detected: String,
    status: &'static str,
    messages: Vec<MessageView>,
    open_cases: Vec<(i64, String)>,
    severities: Vec<(&'static str, &'static str)>,
    can_reveal: bool,
    revealed: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    message_body: String,
    close_note: String,
}

#[derive(Default)]
struct Extras {
    revealed: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    message_body: String,
    close_note: String,
}

async fn triage_report_page(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    status: StatusCode,
    x: Extras,
) -> Response {
    let (r, msgs) = match state.store.report_with_messages(id).await {
        Ok(Some(x)) => x,
        Ok(None) => return PageError::not_found().into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let reporter = match r.reporter_id {
        Some(uid) => state
            .store
            .user_by_id(uid)
            .await
            .ok()
            .flatten()
            .map(|u| u.name),
        None => None,
    };
    let mut open_cases = Vec::new();
    for st in [Status::Triage, Status::Investigating, Status::Contained] {
        if let Ok((cs, _)) = state.store.list_cases(Some(st), 100, 0).await {
            open_cases.extend(cs.into_iter().map(|c| (c.id, c.title)));
        }
    }
    let page = TriageReportPage {
        kind: r.kind.label(),
        mode: r.confidentiality.label(),
        reporter,
        received: time_html(r.received_ms),
        detected: r
            .detected_ms
            .map(time_html)
            .unwrap_or_else(|| "Not given".into()),
        status: report_status_label(r.status),
        messages: message_views(&msgs, "Reporter"),
        open_cases,
        severities: severities(),
        can_reveal: r.has_sealed_identity
            && x.revealed.is_none()
            && may(ident, "POST", "/api/v1/reports/{id}/reveal"),
        revealed: x.revealed,
        notice: x.notice,
        error: x.error,
        message_body: x.message_body,
        close_note: x.close_note,
        ctx,
        r,
    };
    render_status(status, &page)
}

pub async fn triage_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
) -> Response {
    triage_report_page(&state, ctx, &ident, id, StatusCode::OK, Extras::default()).await
}

fn store_failure(e: StoreError) -> Result<String, PageError> {
    match e {
        StoreError::Invalid(m) => Ok(m),
        StoreError::NotFound => Ok("That does not exist.".into()),
        other => Err(PageError::from(other)),
    }
}

/// Shows the report again with the store's refusal, or the error page for a real failure.
async fn triage_refusal(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    e: StoreError,
    mut x: Extras,
) -> Response {
    match store_failure(e) {
        Ok(m) => {
            x.error = Some(m);
            triage_report_page(state, ctx, ident, id, StatusCode::CONFLICT, x).await
        }
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
pub struct NewCaseForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    severity: String,
}

pub async fn triage_open_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<NewCaseForm>,
) -> Response {
    let input = CaseIn {
        title: f.title,
        severity: f.severity,
        report_ids: vec![id],
        occurred_at: None,
        detected_at: None,
    };
    let mut n = match validate_case(&input, ident.user.id, false) {
        Ok(n) => n,
        Err(v) => {
            let msg = v
                .errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            return triage_report_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Extras {
                    error: Some(msg),
                    ..Default::default()
                },
            )
            .await;
        }
    };
    // the report's own times carry over to the case
    if let Ok(Some(r)) = state.store.report(id).await {
        n.occurred_ms = r.occurred_ms;
        n.detected_ms = r.detected_ms;
    }
    match state.store.create_case(n, now_ms()).await {
        Ok(cid) => Redirect::to(&format!("/cases/{cid}")).into_response(),
        Err(e) => triage_refusal(&state, ctx, &ident, id, e, Extras::default()).await,
    }
}

#[derive(Deserialize)]
pub struct AttachForm {
    #[serde(default)]
    case_id: String,
}

pub async fn triage_attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<AttachForm>,
) -> Response {
    let result = match f.case_id.trim().parse::<i64>() {
        Ok(cid) => state
            .store
            .attach_report(id, cid, ident.user.id, now_ms())
            .await
            .map(|_| cid),
        Err(_) => Err(StoreError::Invalid("Choose a case.".into())),
    };
    match result {
        Ok(cid) => Redirect::to(&format!("/cases/{cid}")).into_response(),
        Err(e) => triage_refusal(&state, ctx, &ident, id, e, Extras::default()).await,
    }
}

#[derive(Deserialize)]
pub struct DuplicateForm {
    #[serde(default)]
    of: String,
}

pub async fn triage_duplicate(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<DuplicateForm>,
) -> Response {
    let result = match f.of.trim().trim_start_matches('#').parse::<i64>() {
        Ok(of) => {
            state
                .store
                .mark_duplicate(id, of, ident.user.id, now_ms())
                .await
        }
        Err(_) => Err(StoreError::Invalid(
            "Give the number of the report this one repeats.".into(),
        )),
    };
    match result {
        Ok(()) => {
            triage_report_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::OK,
                Extras {
                    notice: Some("Marked as a duplicate.".into()),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => triage_refusal(&state, ctx, &ident, id, e, Extras::default()).await,
    }
}

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    body: String,
}

pub async fn triage_message(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<MessageForm>,
) -> Response {
    let mut v = Validation::new();
    let body = v.text("body", &f.body, 10_000);
    let kind = team_message_kind(&f.kind);
    if kind.is_none() || !v.is_ok() {
        let error = Some(
            if kind.is_none() {
                "Choose what kind of message this is."
            } else {
                "Write the message first."
            }
            .to_string(),
        );
        return triage_report_page(
            &state,
            ctx,
            &ident,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Extras {
                error,
                message_body: f.body,
                ..Default::default()
            },
        )
        .await;
    }
    match state
        .store
        .team_message(
            id,
            ident.user.id,
            kind.unwrap_or("question"),
            body,
            now_ms(),
        )
        .await
    {
        Ok(_) => {
            triage_report_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::OK,
                Extras {
                    notice: Some(
                        "Sent. The reporter sees it with their receipt or under My reports.".into(),
                    ),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    note: String,
}

pub async fn triage_close(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<CloseForm>,
) -> Response {
    let mut v = Validation::new();
    let note = v.text("note", &f.note, 5_000);
    if !v.is_ok() {
        return triage_report_page(
            &state,
            ctx,
            &ident,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Extras {
                error: Some("Explain to the reporter why the report is closed.".into()),
                close_note: f.note,
                ..Default::default()
            },
        )
        .await;
    }
    match state
        .store
        .close_report(id, ident.user.id, note, now_ms())
        .await
    {
        Ok(()) => {
            triage_report_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::OK,
                Extras {
                    notice: Some("Closed; the reporter can read your explanation.".into()),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => {
            triage_refusal(
                &state,
                ctx,
                &ident,
                id,
                e,
                Extras {
                    close_note: f.note,
                    ..Default::default()
                },
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    current_password: String,
}

pub async fn triage_reveal(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    reauth: Option<Extension<ReauthAt>>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<RevealForm>,
) -> Response {
    match crate::api_reports::reveal(
        &state,
        &ident,
        ip,
        reauth.map(|r| r.0.0),
        id,
        Some(&f.current_password),
    )
    .await
    {
        Ok(who) => {
            let revealed = Some(format!("{} <{}>", who.name, who.email));
            triage_report_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::OK,
                Extras {
                    revealed,
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) if e.status.is_client_error() => {
            let msg = e
                .errors
                .first()
                .map(|f| f.message.clone())
                .unwrap_or(e.detail);
            let mut resp = triage_report_page(
                &state,
                ctx,
                &ident,
                id,
                e.status,
                Extras {
                    error: Some(msg),
                    ..Default::default()
                },
            )
            .await;
            crate::auth::mark_retry(&mut resp, e.retry_after);
            resp
        }
        Err(e) => e.into_response(),
    }
}

// ------------------------------------------------------------------ cases

pub struct CaseRow {
    pub id: i64,
    pub title: String,
    pub severity: &'static str,
    pub severity_value: &'static str,
    pub status: &'static str,
    pub created: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
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
            can_create: may(ident, "POST", "/cases"),
            severities: severities(),
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
        Err(v) => {
            cases_page(
                &state,
                ctx,
                &ident,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
                (f.title, f.severity, v),
            )
            .await
        }
    }
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
#[template(path = "case.html")]
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
    can_edit: bool,
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
struct Flash {
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
        .filter(|u| {
            !u.disabled
                && (u.roles.contains(debrief_core::Role::Responder)
                    || u.roles.contains(debrief_core::Role::SecurityLead))
        })
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
        severities: severities(),
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
        can_edit: may(ident, "POST", "/cases/{id}/transition"),
        can_triage: may(ident, "GET", "/triage/{id}"),
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
    let reason = Some(f.reason.trim().to_string()).filter(|r| !r.is_empty());
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
        Err(StoreError::Transition(e)) => {
            let api = transition_error(e);
            let msg = api
                .errors
                .first()
                .map(|e| e.message.clone())
                .unwrap_or(api.detail);
            case_page(
                &state,
                ctx,
                &ident,
                id,
                api.status,
                Flash {
                    error: Some(msg),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => PageError::from(e).into_response(),
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
    let body = v.text("body", &f.body, 10_000);
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

// ------------------------------------------------------------------ my reports

pub struct MyReport {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub received: String,
    pub status_text: &'static str,
    /// Where the lesson learned from it can be read, once published.
    pub lesson_link: Option<String>,
    pub first: bool,
    pub messages: Vec<MessageView>,
}

#[derive(Template)]
#[template(path = "my_reports.html")]
struct MyReportsPage {
    ctx: Ctx,
    reports: Vec<MyReport>,
}

pub async fn my_reports(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
) -> Response {
    let list = match state.store.reports_of_user(ident.user.id).await {
        Ok(l) => l,
        Err(e) => return PageError::from(e).into_response(),
    };
    let mut reports = Vec::new();
    for (r, msgs) in list {
        // the first report of a case is credited as its first reporter
        let first = match r.case_id {
            Some(cid) => {
                state
                    .store
                    .case_detail(cid)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|d| d.reports.first().map(|f| f.id))
                    == Some(r.id)
            }
            None => false,
        };
        let (case_status, review_published) = match r.case_id {
            Some(cid) => match state.store.case_progress(cid).await {
                Ok(p) => p,
                Err(e) => return PageError::from(e).into_response(),
            },
            None => (None, false),
        };
        let status = debrief_core::report::reporter_status(
            r.status,
            case_status.as_deref().and_then(|s| s.parse().ok()),
            review_published,
        );
        reports.push(MyReport {
            id: r.id,
            title: r.title.clone(),
            kind: r.kind.label(),
            received: time_html(r.received_ms),
            status_text: status.text,
            // the library is open to every signed-in employee, as this reader is
            lesson_link: r
                .case_id
                .filter(|_| status.lesson_published)
                .map(|c| format!("/library/{c}")),
            first,
            messages: message_views(&msgs, "You"),
        });
    }
    render_status(StatusCode::OK, &MyReportsPage { ctx, reports })
}

#[derive(Deserialize)]
pub struct BodyForm {
    #[serde(default)]
    body: String,
}

pub async fn my_report_message(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<BodyForm>,
) -> Response {
    let mut v = Validation::new();
    let body = v.text("body", &f.body, 10_000);
    if !v.is_ok() {
        return PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Write something to send, then go back and try again.",
        )
        .into_response();
    }
    match state
        .store
        .named_reporter_message(id, ident.user.id, body, now_ms())
        .await
    {
        Ok(()) => Redirect::to("/my-reports").into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}

pub async fn my_report_proof(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
) -> Response {
    match state.store.report(id).await {
        Ok(Some(r)) if r.reporter_id == Some(ident.user.id) => {
            crate::api_reports::proof_response(&state, &r)
        }
        Ok(_) => PageError::not_found().into_response(),
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
        Err(e) => match store_failure(e) {
            Ok(m) => {
                case_page(
                    state,
                    ctx,
                    ident,
                    id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Flash {
                        error: Some(m),
                        ..Default::default()
                    },
                )
                .await
            }
            Err(r) => r.into_response(),
        },
    }
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
    let title = v.text("title", &f.title, 200);
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
    let reason = v.text("reason", &f.reason, 2_000);
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
