//! A report's proof of submission as a download, for the receipt page, the
//! reporter's own reports and the API.

use crate::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use debrief_store::reports::Report;

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
