//! The reports API for triage: listing and reading reports, messages to the
//! reporter, closing, duplicates, attaching to a case, revealing a reporter.

use crate::AppState;
use crate::platform::api::{ApiJson, ApiPath, ApiQuery, ListQuery, Page, rfc3339};
use crate::platform::auth::{ReauthAt, Signed};
use crate::platform::client_addr::ClientIp;
use crate::platform::conversation::MessageOut;
use crate::platform::error::{ApiError, Problem};
use crate::triage::ops::{reveal, team_message_kind};
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use debrief_core::Validation;
use debrief_core::report::{Confidentiality, Kind};
use debrief_store::now_ms;
use debrief_store::reports::{Report, ReportFilter, ReportStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct ReportOut {
    pub id: i64,
    pub kind: Kind,
    pub confidentiality: Confidentiality,
    pub title: String,
    pub description: String,
    pub systems: String,
    /// When it happened, as the reporter gave it (a time or words).
    pub occurred: String,
    pub occurred_at: Option<String>,
    pub detected_at: Option<String>,
    pub received_at: String,
    /// The reporter, for named reports only.
    pub reporter_id: Option<i64>,
    pub status: String,
    pub case_id: Option<i64>,
    pub duplicate_of: Option<i64>,
    pub closed_note: Option<String>,
    pub content_sha256: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<MessageOut>,
}

impl From<&Report> for ReportOut {
    fn from(r: &Report) -> Self {
        ReportOut {
            id: r.id,
            kind: r.kind,
            confidentiality: r.confidentiality,
            title: r.title.clone(),
            description: r.description.clone(),
            systems: r.systems.clone(),
            occurred: r.occurred_text.clone(),
            occurred_at: r.occurred_ms.map(rfc3339),
            detected_at: r.detected_ms.map(rfc3339),
            received_at: rfc3339(r.received_ms),
            reporter_id: crate::triage::policy::shown_reporter(r),
            status: r.status.as_str().into(),
            case_id: r.case_id,
            duplicate_of: r.duplicate_of,
            closed_note: r.closed_note.clone(),
            content_sha256: r.content_sha256.clone(),
            messages: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    #[param(minimum = 0)]
    pub offset: Option<i64>,
    /// `new`, `in_case`, `duplicate` or `closed`.
    pub status: Option<String>,
    /// `incident`, `near_miss`, `vulnerability` or `concern`.
    pub kind: Option<String>,
}

fn parse_report_filter(q: &ReportQuery) -> Result<ReportFilter, ApiError> {
    let mut v = Validation::new();
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match ReportStatus::parse(s) {
            Ok(st) => Some(st),
            Err(_) => {
                v.add("status", "Expected new, in_case, duplicate or closed.");
                None
            }
        },
    };
    let kind = match q.kind.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(k) => match k.parse::<Kind>() {
            Ok(k) => Some(k),
            Err(e) => {
                v.add("kind", e);
                None
            }
        },
    };
    v.finish().map_err(ApiError::invalid)?;
    Ok(ReportFilter { status, kind })
}

/// Reports, newest first (responders and security leads).
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(ReportQuery), responses((status = 200, body = Page<ReportOut>)))]
pub async fn list_reports(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<Page<ReportOut>>, ApiError> {
    let (limit, offset) = ListQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds()?;
    let filter = parse_report_filter(&q)?;
    let (items, total) = state.store.list_reports(filter, limit, offset).await?;
    Ok(Json(Page {
        items: items.iter().map(ReportOut::from).collect(),
        total,
    }))
}

/// One report with its conversation.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports", params(("id" = i64, Path)), responses((status = 200, body = ReportOut), (status = 404, body = Problem)))]
pub async fn get_report(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ReportOut>, ApiError> {
    let (r, msgs) = state
        .store
        .report_with_messages(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let mut out = ReportOut::from(&r);
    out.messages = msgs.iter().map(MessageOut::from).collect();
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMessageIn {
    /// `question`, `thanks` or `update`.
    pub kind: String,
    pub body: String,
}

/// Asks the reporter a question, thanks them, or tells them what changed.
/// Anonymous reporters see it through their receipt, named ones in "My reports".
#[utoipa::path(post, path = "/api/v1/reports/{id}/messages", tag = "reports", params(("id" = i64, Path)), request_body = TeamMessageIn,
    responses((status = 201), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn post_team_message(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TeamMessageIn>,
) -> Result<StatusCode, ApiError> {
    let mut v = Validation::new();
    let kind = team_message_kind(&b.kind);
    if kind.is_none() {
        v.add("kind", "Expected question, thanks or update.");
    }
    let body = v.text("body", &b.body, debrief_core::intake::MESSAGE_MAX);
    v.finish().map_err(ApiError::invalid)?;
    let kind = kind.ok_or_else(ApiError::not_found)?;
    state
        .store
        .team_message(id, ident.user.id, kind, body, now_ms())
        .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseIn {
    /// The explanation the reporter sees.
    pub note: String,
}

/// Closes a report with an explanation the reporter sees.
#[utoipa::path(post, path = "/api/v1/reports/{id}/close", tag = "reports", params(("id" = i64, Path)), request_body = CloseIn,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close_report(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CloseIn>,
) -> Result<StatusCode, ApiError> {
    let mut v = Validation::new();
    let note = v.text("note", &b.note, debrief_core::intake::CLOSING_NOTE_MAX);
    v.finish().map_err(ApiError::invalid)?;
    ensure_report(&state, id).await?;
    state
        .store
        .close_report(id, ident.user.id, note, now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn ensure_report(state: &AppState, id: i64) -> Result<Report, ApiError> {
    state
        .store
        .report(id)
        .await?
        .ok_or_else(ApiError::not_found)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateIn {
    /// The report this one repeats.
    pub of: i64,
}

/// Marks a report as a duplicate of another.
#[utoipa::path(post, path = "/api/v1/reports/{id}/duplicate", tag = "reports", params(("id" = i64, Path)), request_body = DuplicateIn,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn duplicate_report(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DuplicateIn>,
) -> Result<StatusCode, ApiError> {
    ensure_report(&state, id).await?;
    state
        .store
        .mark_duplicate(id, b.of, ident.user.id, now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachIn {
    pub case_id: i64,
}

/// Attaches a report to an existing case.
#[utoipa::path(post, path = "/api/v1/reports/{id}/attach", tag = "reports", params(("id" = i64, Path)), request_body = AttachIn,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn attach_report(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AttachIn>,
) -> Result<StatusCode, ApiError> {
    ensure_report(&state, id).await?;
    state
        .store
        .attach_report(id, b.case_id, ident.user.id, now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealIn {
    /// The security lead's current password: revealing a reporter is sensitive.
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IdentityOut {
    pub user_id: i64,
    pub name: String,
    pub email: String,
}

/// Reveals a confidential reporter's identity to a security lead. Every reveal is audited.
#[utoipa::path(post, path = "/api/v1/reports/{id}/reveal", tag = "reports", params(("id" = i64, Path)), request_body = RevealIn,
    responses((status = 200, body = IdentityOut), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn reveal_reporter(
    State(state): State<AppState>,
    Signed(ident): Signed,
    reauth: Option<Extension<ReauthAt>>,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RevealIn>,
) -> Result<Json<IdentityOut>, ApiError> {
    let out = reveal(
        &state,
        &ident,
        ip,
        reauth.map(|r| r.0.0),
        id,
        b.password.as_deref(),
    )
    .await?;
    Ok(Json(out))
}
