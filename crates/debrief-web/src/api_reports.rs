//! JSON API for reports, receipts and cases.

use crate::AppState;
use crate::api::{ApiJson, ApiQuery, ListQuery, Page, rfc3339};
use crate::auth::{Identity, ReauthAt, Signed};
use crate::client_addr::ClientIp;
use crate::error::{ApiError, Problem};
use crate::intake::{self, ReportIn};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use debrief_core::Validation;
use debrief_core::case::{Severity, Status, TransitionError};
use debrief_core::report::{Confidentiality, Kind, Proof};
use debrief_store::cases::{Case, CaseDetail, NewCase};
use debrief_store::reports::{Message, Report, ReportFilter, ReportStatus};
use debrief_store::{StoreError, now_ms};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct ReportCreated {
    pub id: i64,
    /// The receipt code (anonymous and confidential reports), returned only this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    pub confidentiality: Confidentiality,
}

/// Submits a report. Works without authentication for anonymous reports; named
/// and confidential reports need a signed-in caller.
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", request_body = ReportIn, security(()),
    responses((status = 201, body = ReportCreated), (status = 400, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem),
        (status = 429, description = "Too many anonymous reports from this address or from everyone at once; see Retry-After", body = Problem)))]
pub async fn create_report(
    State(state): State<AppState>,
    who: Option<Extension<Identity>>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<ReportIn>,
) -> Result<Response, ApiError> {
    let who = who.map(|e| e.0);
    let a = intake::submit(&state, who.as_ref(), ip, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReportCreated {
            id: a.id,
            receipt: a.receipt,
            confidentiality: a.confidentiality,
        }),
    )
        .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct MessageOut {
    /// `reporter` or `team`.
    pub author: String,
    /// `message`, `question`, `thanks`, `closure` or `update`.
    pub kind: String,
    pub body: String,
    pub at: String,
}

impl From<&Message> for MessageOut {
    fn from(m: &Message) -> Self {
        MessageOut {
            author: m.author.clone(),
            kind: m.kind.clone(),
            body: m.body.clone(),
            at: rfc3339(m.created_ms),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReceiptOut {
    pub kind: Kind,
    pub title: String,
    /// `new`, `in_case`, `duplicate` or `closed`.
    pub status: String,
    /// The status in plain words, as on the receipt page and "My reports".
    pub status_text: String,
    /// What was learned from the report's case is published in the learning
    /// library (readable by signed-in employees).
    pub lesson_published: bool,
    pub received_at: String,
    /// The lifecycle status of the case the report is part of, if any.
    pub case_status: Option<String>,
    pub messages: Vec<MessageOut>,
}

/// The reporter's view of their report, through the receipt code.
#[utoipa::path(get, path = "/api/v1/receipts/{receipt}", tag = "reports", security(()), params(("receipt" = String, Path)),
    responses((status = 200, body = ReceiptOut), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn get_receipt(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> Result<Json<ReceiptOut>, ApiError> {
    let v = intake::lookup(&state, ip, &code).await?;
    Ok(Json(ReceiptOut {
        kind: v.report.kind,
        title: v.report.title.clone(),
        status: v.report.status.as_str().into(),
        status_text: intake::reporter_status(&v).text.into(),
        lesson_published: intake::reporter_status(&v).lesson_published,
        received_at: rfc3339(v.report.received_ms),
        case_status: v.case_status,
        messages: v.messages.iter().map(MessageOut::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct MessageIn {
    pub body: String,
}

/// The reporter answers a question or adds information.
#[utoipa::path(post, path = "/api/v1/receipts/{receipt}/messages", tag = "reports", security(()), params(("receipt" = String, Path)), request_body = MessageIn,
    responses((status = 201), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn post_receipt_message(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<MessageIn>,
) -> Result<StatusCode, ApiError> {
    intake::reply(&state, ip, &code, &body.body).await?;
    Ok(StatusCode::CREATED)
}

/// The signed proof of report, which `debrief verify-receipt` checks offline.
#[utoipa::path(get, path = "/api/v1/receipts/{receipt}/proof", tag = "reports", security(()), params(("receipt" = String, Path)),
    responses((status = 200, body = Proof), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn get_proof(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let v = intake::lookup(&state, ip, &code).await?;
    Ok(proof_response(&state, &v.report))
}

pub fn proof_response(state: &AppState, r: &Report) -> Response {
    let proof =
        debrief_core::report::make_proof(&state.keys, r.id, &r.content_sha256, r.received_ms);
    let json = serde_json::to_string_pretty(&proof).unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"debrief-proof-report-{}.json\"",
                    r.id
                ),
            ),
        ],
        json,
    )
        .into_response()
}

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
            reporter_id: r.reporter_id,
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
    pub limit: Option<i64>,
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
    Path(id): Path<i64>,
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
pub struct TeamMessageIn {
    /// `question`, `thanks` or `update`.
    pub kind: String,
    pub body: String,
}

pub fn team_message_kind(kind: &str) -> Option<&'static str> {
    match kind {
        "question" => Some("question"),
        "thanks" => Some("thanks"),
        "update" => Some("update"),
        _ => None,
    }
}

/// Asks the reporter a question, thanks them, or tells them what changed.
/// Anonymous reporters see it through their receipt, named ones in "My reports".
#[utoipa::path(post, path = "/api/v1/reports/{id}/messages", tag = "reports", params(("id" = i64, Path)), request_body = TeamMessageIn,
    responses((status = 201), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn post_team_message(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TeamMessageIn>,
) -> Result<StatusCode, ApiError> {
    let mut v = Validation::new();
    let kind = team_message_kind(&b.kind);
    if kind.is_none() {
        v.add("kind", "Expected question, thanks or update.");
    }
    let body = v.text("body", &b.body, 10_000);
    v.finish().map_err(ApiError::invalid)?;
    let kind = kind.ok_or_else(ApiError::not_found)?;
    state
        .store
        .team_message(id, ident.user.id, kind, body, now_ms())
        .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize, ToSchema)]
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
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CloseIn>,
) -> Result<StatusCode, ApiError> {
    let mut v = Validation::new();
    let note = v.text("note", &b.note, 5_000);
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
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<DuplicateIn>,
) -> Result<StatusCode, ApiError> {
    ensure_report(&state, id).await?;
    state
        .store
        .mark_duplicate(id, b.of, ident.user.id, now_ms())
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::invalid(vec![debrief_core::FieldError {
                field: "of".into(),
                message: "No such report.".into(),
            }]),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct AttachIn {
    pub case_id: i64,
}

/// Attaches a report to an existing case.
#[utoipa::path(post, path = "/api/v1/reports/{id}/attach", tag = "reports", params(("id" = i64, Path)), request_body = AttachIn,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn attach_report(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
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
    Path(id): Path<i64>,
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

pub async fn reveal(
    state: &AppState,
    ident: &Identity,
    ip: std::net::IpAddr,
    reauth: Option<i64>,
    id: i64,
    password: Option<&str>,
) -> Result<IdentityOut, ApiError> {
    crate::auth::confirm_password(state, ident, ip, reauth, password)
        .await
        .map_err(|e| e.api("password"))?;
    let sealed = state.store.sealed_identity(id).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "This report is not confidential: there is no sealed identity.",
        )
    })?;
    let plain = state
        .keys
        .open(&sealed, intake::SEAL_CONTEXT)
        .map_err(ApiError::internal)?;
    let v: serde_json::Value = serde_json::from_slice(&plain).map_err(ApiError::internal)?;
    state
        .store
        .audit(
            ident.actor(),
            "report.reporter_revealed",
            format!("report:{id}"),
            String::new(),
        )
        .await?;
    Ok(IdentityOut {
        user_id: v["user_id"].as_i64().unwrap_or_default(),
        name: v["name"].as_str().unwrap_or_default().to_string(),
        email: v["email"].as_str().unwrap_or_default().to_string(),
    })
}

// ------------------------------------------------------------------ cases

#[derive(Deserialize, ToSchema)]
pub struct CaseIn {
    pub title: String,
    /// `critical`, `high`, `medium` or `low`.
    pub severity: String,
    #[serde(default)]
    pub report_ids: Vec<i64>,
    pub occurred_at: Option<String>,
    pub detected_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: i64,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// Where the case may go next.
    pub allowed_transitions: Vec<Status>,
    pub urgent: bool,
    pub occurred_at: Option<String>,
    pub detected_at: Option<String>,
    pub reported_at: Option<String>,
    pub acknowledged_at: Option<String>,
    pub contained_at: Option<String>,
    pub resolved_at: Option<String>,
    pub in_review_at: Option<String>,
    pub published_at: Option<String>,
    pub closed_at: Option<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_ids: Option<Vec<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transitions: Option<Vec<TransitionOut>>,
}

#[derive(Serialize, ToSchema)]
pub struct TimelineOut {
    pub at: String,
    pub kind: String,
    pub body: String,
}

#[derive(Serialize, ToSchema)]
pub struct TransitionOut {
    pub from: String,
    pub to: String,
    pub at: String,
    pub recorded_at: String,
    pub reason: String,
}

impl From<&Case> for CaseOut {
    fn from(c: &Case) -> Self {
        CaseOut {
            id: c.id,
            title: c.title.clone(),
            severity: c.severity,
            status: c.status,
            allowed_transitions: c.status.next().to_vec(),
            urgent: c.urgent,
            occurred_at: c.occurred_ms.map(rfc3339),
            detected_at: c.detected_ms.map(rfc3339),
            reported_at: c.reported_ms.map(rfc3339),
            acknowledged_at: c.acknowledged_ms.map(rfc3339),
            contained_at: c.contained_ms.map(rfc3339),
            resolved_at: c.resolved_ms.map(rfc3339),
            in_review_at: c.in_review_ms.map(rfc3339),
            published_at: c.published_ms.map(rfc3339),
            closed_at: c.closed_ms.map(rfc3339),
            created_at: rfc3339(c.created_ms),
            report_ids: None,
            timeline: None,
            transitions: None,
        }
    }
}

impl From<&CaseDetail> for CaseOut {
    fn from(d: &CaseDetail) -> Self {
        let mut out = CaseOut::from(&d.case);
        out.report_ids = Some(d.reports.iter().map(|r| r.id).collect());
        out.timeline = Some(
            d.timeline
                .iter()
                .map(|t| TimelineOut {
                    at: rfc3339(t.at_ms),
                    kind: t.kind.clone(),
                    body: t.body.clone(),
                })
                .collect(),
        );
        out.transitions = Some(
            d.transitions
                .iter()
                .map(|t| TransitionOut {
                    from: t.from.clone(),
                    to: t.to.clone(),
                    at: rfc3339(t.at_ms),
                    recorded_at: rfc3339(t.recorded_ms),
                    reason: t.reason.clone(),
                })
                .collect(),
        );
        out
    }
}

pub fn validate_case(b: &CaseIn, user_id: i64, urgent: bool) -> Result<NewCase, Validation> {
    let now = now_ms();
    let mut v = Validation::new();
    let title = v.text("title", &b.title, 200);
    let severity = match b.severity.trim().parse::<Severity>() {
        Ok(s) => Some(s),
        Err(e) => {
            v.add("severity", e);
            None
        }
    };
    let occurred = intake::parse_time(&mut v, "occurred_at", b.occurred_at.as_deref(), now);
    let detected = intake::parse_time(&mut v, "detected_at", b.detected_at.as_deref(), now);
    if let (Some(o), Some(d)) = (occurred, detected)
        && d < o
    {
        v.add(
            "detected_at",
            "It cannot have been detected before it occurred.",
        );
    }
    match severity {
        Some(severity) if v.is_ok() => Ok(NewCase {
            title,
            severity,
            report_ids: b.report_ids.clone(),
            occurred_ms: occurred,
            detected_ms: detected,
            urgent,
            created_by: user_id,
        }),
        _ => Err(v),
    }
}

/// Opens a case, optionally from reports.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CaseIn,
    responses((status = 201, body = CaseOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_case(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiJson(b): ApiJson<CaseIn>,
) -> Result<Response, ApiError> {
    let n = validate_case(&b, ident.user.id, false).map_err(|v| ApiError::invalid(v.errors))?;
    let id = state
        .store
        .create_case(n, now_ms())
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => ApiError::invalid(vec![debrief_core::FieldError {
                field: "report_ids".into(),
                message: m,
            }]),
            other => other.into(),
        })?;
    let d = state
        .store
        .case_detail(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, Json(CaseOut::from(&d))).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// Only cases with this status.
    pub status: Option<String>,
}

/// Cases, newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery), responses((status = 200, body = Page<CaseOut>)))]
pub async fn list_cases(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> Result<Json<Page<CaseOut>>, ApiError> {
    let (limit, offset) = ListQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds()?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<Status>().map_err(|e| {
            ApiError::invalid(vec![debrief_core::FieldError {
                field: "status".into(),
                message: e,
            }])
        })?),
    };
    let (items, total) = state.store.list_cases(status, limit, offset).await?;
    Ok(Json(Page {
        items: items.iter().map(CaseOut::from).collect(),
        total,
    }))
}

/// One case with its reports, timeline and transitions.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path)), responses((status = 200, body = CaseOut), (status = 404, body = Problem)))]
pub async fn get_case(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<CaseOut>, ApiError> {
    let d = state
        .store
        .case_detail(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(CaseOut::from(&d)))
}

#[derive(Deserialize, ToSchema)]
pub struct TransitionIn {
    /// The status to move to.
    pub to: String,
    /// When it happened, if earlier than now (RFC 3339); needs `reason`.
    pub at: Option<String>,
    pub reason: Option<String>,
}

pub fn transition_error(e: TransitionError) -> ApiError {
    match e {
        TransitionError::Illegal { .. } => ApiError::new(StatusCode::CONFLICT, e.to_string()),
        TransitionError::InFuture | TransitionError::BeforePrevious { .. } => {
            ApiError::invalid(vec![debrief_core::FieldError {
                field: "at".into(),
                message: e.to_string(),
            }])
        }
        TransitionError::ReasonRequired => ApiError::invalid(vec![debrief_core::FieldError {
            field: "reason".into(),
            message: e.to_string(),
        }]),
    }
}

/// Moves a case along its lifecycle; 409 names the allowed transitions.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", tag = "cases", params(("id" = i64, Path)), request_body = TransitionIn,
    responses((status = 200, body = CaseOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_transition(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TransitionIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let now = now_ms();
    let mut v = Validation::new();
    let to = match b.to.trim().parse::<Status>() {
        Ok(s) => Some(s),
        Err(e) => {
            v.add("to", e);
            None
        }
    };
    let at = intake::parse_time(&mut Validation::new(), "at", b.at.as_deref(), i64::MAX);
    if b.at.as_deref().is_some_and(|s| !s.trim().is_empty()) && at.is_none() {
        v.add("at", "Use an RFC 3339 time such as 2026-03-14T09:30:00Z.");
    }
    if let Some(r) = &b.reason
        && r.chars().count() > 2_000
    {
        v.add("reason", "At most 2000 characters.");
    }
    v.finish().map_err(ApiError::invalid)?;
    let to = to.ok_or_else(ApiError::not_found)?;
    match state
        .store
        .transition(
            id,
            to,
            at,
            b.reason.clone().filter(|r| !r.trim().is_empty()),
            ident.user.id,
            now,
        )
        .await
    {
        Ok(case) => Ok(Json(CaseOut::from(&case))),
        Err(StoreError::Transition(e)) => Err(transition_error(e)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TimelineIn {
    /// `fact`, `decision` or `communication`.
    pub kind: String,
    pub body: String,
    /// When it happened (RFC 3339); now if omitted.
    pub at: Option<String>,
}

pub fn timeline_kind(k: &str) -> Option<&'static str> {
    match k {
        "fact" => Some("fact"),
        "decision" => Some("decision"),
        "communication" => Some("communication"),
        _ => None,
    }
}

/// Adds a timeline entry to a case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/timeline", tag = "cases", params(("id" = i64, Path)), request_body = TimelineIn,
    responses((status = 201), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn post_timeline(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TimelineIn>,
) -> Result<StatusCode, ApiError> {
    let now = now_ms();
    let mut v = Validation::new();
    let kind = timeline_kind(b.kind.trim());
    if kind.is_none() {
        v.add("kind", "Expected fact, decision or communication.");
    }
    let body = v.text("body", &b.body, 10_000);
    let at = intake::parse_time(&mut v, "at", b.at.as_deref(), now).unwrap_or(now);
    v.finish().map_err(ApiError::invalid)?;
    state
        .store
        .add_timeline(id, at, kind.unwrap_or("fact"), body, ident.user.id, now)
        .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize, ToSchema)]
pub struct TimesIn {
    pub occurred_at: Option<String>,
    pub detected_at: Option<String>,
    /// Why the times change; recorded in the audit log.
    pub reason: String,
}

/// Corrects when the incident occurred or was detected, with a reason (audited).
#[utoipa::path(put, path = "/api/v1/cases/{id}/times", tag = "cases", params(("id" = i64, Path)), request_body = TimesIn,
    responses((status = 200, body = CaseOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_times(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TimesIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let now = now_ms();
    let mut v = Validation::new();
    let reason = v.text("reason", &b.reason, 2_000);
    let occurred = intake::parse_time(&mut v, "occurred_at", b.occurred_at.as_deref(), now);
    let detected = intake::parse_time(&mut v, "detected_at", b.detected_at.as_deref(), now);
    if occurred.is_none() && detected.is_none() && v.is_ok() {
        v.add("occurred_at", "Give occurred_at, detected_at or both.");
    }
    v.finish().map_err(ApiError::invalid)?;
    state
        .store
        .correct_times(id, occurred, detected, reason, ident.user.id, now)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => ApiError::invalid(vec![debrief_core::FieldError {
                field: "detected_at".into(),
                message: m,
            }]),
            other => other.into(),
        })?;
    let d = state
        .store
        .case_detail(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(CaseOut::from(&d)))
}

#[derive(Deserialize, ToSchema)]
pub struct CasePatch {
    pub title: Option<String>,
    /// `critical`, `high`, `medium` or `low`.
    pub severity: Option<String>,
    /// The lead's user id; `null` removes the lead.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub lead_id: Option<Option<i64>>,
    /// The team's id; `null` removes the team.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub team_id: Option<Option<i64>>,
}

/// A field that is present (possibly `null`) becomes `Some(_)`; a missing one stays `None`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// Changes a case's title, severity, lead or team (audited).
#[utoipa::path(patch, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path)), request_body = CasePatch,
    responses((status = 200, body = CaseOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn patch_case(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CasePatch>,
) -> Result<Json<CaseOut>, ApiError> {
    let mut v = Validation::new();
    let title = b.title.as_deref().map(|t| v.text("title", t, 200));
    let severity = match b.severity.as_deref().map(str::parse::<Severity>) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            v.add("severity", e);
            None
        }
    };
    v.finish().map_err(ApiError::invalid)?;
    let ch = debrief_store::cases::CaseChanges {
        title,
        severity,
        lead_id: b.lead_id,
        team_id: b.team_id,
    };
    let c = state
        .store
        .update_case(id, ch, ident.user.id, now_ms())
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => ApiError::invalid(vec![debrief_core::FieldError {
                field: "lead_id".into(),
                message: m,
            }]),
            other => other.into(),
        })?;
    Ok(Json(CaseOut::from(&c)))
}
