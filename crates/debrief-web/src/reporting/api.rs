//! The intake API: submitting a report, and following it up through its receipt.

use crate::AppState;
use crate::platform::api::{ApiJson, ApiPath, rfc3339};
use crate::platform::auth::Identity;
use crate::platform::client_addr::ClientIp;
use crate::platform::conversation::MessageOut;
use crate::platform::error::{ApiError, Problem};
use crate::reporting::intake;
use crate::reporting::intake::ReportIn;
use crate::reporting::proofs::proof_response;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use debrief_core::report::{Confidentiality, Kind, Proof};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    ApiPath(code): ApiPath<String>,
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
#[serde(deny_unknown_fields)]
pub struct MessageIn {
    pub body: String,
}

/// The reporter answers a question or adds information.
#[utoipa::path(post, path = "/api/v1/receipts/{receipt}/messages", tag = "reports", security(()), params(("receipt" = String, Path)), request_body = MessageIn,
    responses((status = 201), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn post_receipt_message(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
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
    ApiPath(code): ApiPath<String>,
) -> Result<Response, ApiError> {
    let v = intake::lookup(&state, ip, &code).await?;
    Ok(proof_response(&state, &v.report))
}
