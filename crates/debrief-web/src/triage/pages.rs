//! Triage pages: the queue of new reports and a report's handling page.

use crate::AppState;
use crate::platform::auth::{Identity, ReauthAt, Signed};
use crate::platform::client_addr::ClientIp;
use crate::platform::conversation::{MessageView, message_views};
use crate::platform::error::PageError;
use crate::platform::shell::{Ctx, render_status, severity_options, time_html};
use crate::triage::ops::team_message_kind;
use crate::triage::policy;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use debrief_core::Validation;
use debrief_core::case::{CaseDraft, Status};
use debrief_core::duration;
use debrief_core::report::Kind;
use debrief_store::cases::NewCase;
use debrief_store::reports::{Report, ReportFilter, ReportStatus};
use debrief_store::{StoreError, now_ms};
use serde::Deserialize;

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
#[template(path = "triage/triage.html")]
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
            age: duration::since(r.received_ms, now),
            status: r.status.label(),
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
#[template(path = "triage/triage_report.html")]
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
    let reporter = match policy::shown_reporter(&r) {
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
        status: r.status.label(),
        messages: message_views(&msgs, "Reporter"),
        open_cases,
        severities: severity_options(),
        can_reveal: x.revealed.is_none() && policy::reveal(ident, r.has_sealed_identity).is_ok(),
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

/// Shows the report again with the store's refusal, or the error page for a real failure.
async fn triage_refusal(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    e: StoreError,
    mut x: Extras,
) -> Response {
    crate::platform::error::show_refusal(e, |r| {
        x.error = Some(r.message());
        triage_report_page(state, ctx, ident, id, r.status, x)
    })
    .await
}

#[derive(Deserialize)]
pub struct OpenCaseForm {
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
    Form(f): Form<OpenCaseForm>,
) -> Response {
    let valid = CaseDraft {
        title: &f.title,
        severity: &f.severity,
        occurred_at: None,
        detected_at: None,
    }
    .parse(now_ms());
    let mut n = match valid {
        Ok(valid) => NewCase::from_valid(valid, vec![id], false, ident.user.id),
        Err(errors) => {
            let msg = Validation { errors }.summary();
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
        Err(_) => Err(StoreError::rule("case_id", "Choose a case.")),
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
        Err(_) => Err(StoreError::rule(
            "of",
            "Give the number of the report this one repeats.",
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
    let body = v.text("body", &f.body, debrief_core::intake::MESSAGE_MAX);
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
    let note = v.text("note", &f.note, debrief_core::intake::CLOSING_NOTE_MAX);
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
    match crate::triage::ops::reveal(
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
            crate::platform::auth::mark_retry(&mut resp, e.retry_after);
            resp
        }
        Err(e) => e.into_response(),
    }
}
