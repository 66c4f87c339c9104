//! The receipt page, where an anonymous reporter follows up: reading the
//! answers, replying, downloading the proof.

use crate::AppState;
use crate::platform::client_addr::ClientIp;
use crate::platform::conversation::{MessageView, message_views};
use crate::platform::error::{ApiError, PageError};
use crate::platform::shell::{Ctx, render_status, time_html};
use crate::reporting::intake;
use crate::reporting::intake::ReceiptError;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use debrief_store::reports::ReceiptView;
use serde::Deserialize;

pub struct ReceiptInfo {
    pub title: String,
    pub kind: &'static str,
    pub received: String,
    pub status_text: &'static str,
    /// The published lesson in the learning library (read by any signed-in
    /// employee), once there is one.
    pub lesson_link: Option<String>,
    pub messages: Vec<MessageView>,
}

fn receipt_info(v: &ReceiptView) -> ReceiptInfo {
    // the same words as "My reports"; the link needs a sign-in, which the
    // receipt itself never asks for or records
    let status = intake::reporter_status(v);
    ReceiptInfo {
        title: v.report.title.clone(),
        kind: v.report.kind.label(),
        received: time_html(v.report.received_ms),
        status_text: status.text,
        lesson_link: v
            .report
            .case_id
            .filter(|_| status.lesson_published)
            .map(|c| format!("/library/{c}")),
        messages: message_views(&v.messages, "You"),
    }
}

#[derive(Template)]
#[template(path = "reporting/receipt.html")]
struct ReceiptPage {
    ctx: Ctx,
    code: String,
    view: Option<ReceiptInfo>,
    error: Option<String>,
    reply: String,
    reply_error: Option<String>,
}

pub async fn receipt_form(ctx: Ctx) -> Response {
    render_status(
        StatusCode::OK,
        &ReceiptPage {
            ctx,
            code: String::new(),
            view: None,
            error: None,
            reply: String::new(),
            reply_error: None,
        },
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    body: String,
}

fn receipt_failure(ctx: Ctx, code: String, e: ReceiptError) -> Response {
    let api = ApiError::from(e);
    if api.status.is_server_error() {
        return PageError::new(api.status, api.detail).into_response();
    }
    let mut resp = render_status(
        api.status,
        &ReceiptPage {
            ctx,
            code,
            view: None,
            error: Some(api.detail),
            reply: String::new(),
            reply_error: None,
        },
    );
    crate::platform::auth::mark_retry(&mut resp, api.retry_after);
    resp
}

pub async fn receipt_show(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Form(f): Form<CodeForm>,
) -> Response {
    match intake::lookup(&state, ip, &f.code).await {
        Ok(v) => render_status(
            StatusCode::OK,
            &ReceiptPage {
                ctx,
                code: f.code.trim().to_string(),
                view: Some(receipt_info(&v)),
                error: None,
                reply: String::new(),
                reply_error: None,
            },
        ),
        Err(e) => receipt_failure(ctx, f.code, e),
    }
}

pub async fn receipt_reply(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Form(f): Form<CodeForm>,
) -> Response {
    match intake::reply(&state, ip, &f.code, &f.body).await {
        Ok(()) => {
            receipt_show(
                State(state),
                ctx,
                ClientIp(ip),
                Form(CodeForm {
                    code: f.code,
                    body: String::new(),
                }),
            )
            .await
        }
        Err(ReceiptError::Other(e))
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::TOO_MANY_REQUESTS
            ) =>
        {
            let reply_error = if e.status == StatusCode::TOO_MANY_REQUESTS {
                e.detail.clone()
            } else {
                "Write something to send.".into()
            };
            match intake::lookup(&state, ip, &f.code).await {
                Ok(v) => {
                    let mut resp = render_status(
                        e.status,
                        &ReceiptPage {
                            ctx,
                            code: f.code,
                            view: Some(receipt_info(&v)),
                            error: None,
                            reply: f.body,
                            reply_error: Some(reply_error),
                        },
                    );
                    crate::platform::auth::mark_retry(&mut resp, e.retry_after);
                    resp
                }
                Err(e) => receipt_failure(ctx, f.code, e),
            }
        }
        Err(e) => receipt_failure(ctx, f.code, e),
    }
}

pub async fn receipt_proof(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Form(f): Form<CodeForm>,
) -> Response {
    match intake::lookup(&state, ip, &f.code).await {
        Ok(v) => crate::reporting::proofs::proof_response(&state, &v.report),
        Err(e) => receipt_failure(ctx, f.code, e),
    }
}
