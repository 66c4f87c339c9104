//! Case rules the pages and the API share: validating a new case, naming
//! refused transitions, timeline entry kinds.

use crate::platform::error::ApiError;
use axum::http::StatusCode;
use debrief_core::Validation;
use debrief_core::case::{CaseDraft, TransitionError};
use debrief_store::cases::NewCase;
use debrief_store::now_ms;
use serde::Deserialize;
use utoipa::ToSchema;

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

pub fn validate_case(b: &CaseIn, user_id: i64, urgent: bool) -> Result<NewCase, Validation> {
    let valid = CaseDraft {
        title: &b.title,
        severity: &b.severity,
        occurred_at: b.occurred_at.as_deref(),
        detected_at: b.detected_at.as_deref(),
    }
    .parse(now_ms())
    .map_err(|errors| Validation { errors })?;
    Ok(NewCase::from_valid(
        valid,
        b.report_ids.clone(),
        urgent,
        user_id,
    ))
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

pub fn timeline_kind(k: &str) -> Option<&'static str> {
    match k {
        "fact" => Some("fact"),
        "decision" => Some("decision"),
        "communication" => Some("communication"),
        _ => None,
    }
}
