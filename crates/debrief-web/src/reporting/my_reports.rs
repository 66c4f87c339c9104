//! `/my-reports`: the reports a signed-in reporter made with their name, the
//! answers, and their proofs.

use crate::AppState;
use crate::platform::auth::Signed;
use crate::platform::conversation::{MessageView, message_views};
use crate::platform::error::PageError;
use crate::platform::shell::{Ctx, render_status, time_html};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use debrief_core::Validation;
use debrief_store::now_ms;
use serde::Deserialize;

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
#[template(path = "reporting/my_reports.html")]
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
    let body = v.text("body", &f.body, debrief_core::intake::MESSAGE_MAX);
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
            crate::reporting::proofs::proof_response(&state, &r)
        }
        Ok(_) => PageError::not_found().into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}
