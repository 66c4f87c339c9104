//! Case rules the pages and the API share: validating a new case, naming
//! refused transitions, timeline entry kinds.

use crate::platform::error::ApiError;
use crate::reporting::intake;
use axum::http::StatusCode;
use debrief_core::Validation;
use debrief_core::case::{Severity, TransitionError};
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
