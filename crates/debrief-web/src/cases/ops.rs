//! Case rules the pages and the API share: validating a new case, timeline
//! entry kinds.

use debrief_core::FieldError;
use debrief_core::case::CaseDraft;
use debrief_store::cases::NewCase;
use debrief_store::now_ms;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseIn {
    pub title: String,
    /// `critical`, `high`, `medium` or `low`.
    pub severity: String,
    #[serde(default)]
    pub report_ids: Vec<i64>,
    pub occurred_at: Option<String>,
    pub detected_at: Option<String>,
}

pub fn validate_case(b: &CaseIn, user_id: i64, urgent: bool) -> Result<NewCase, Vec<FieldError>> {
    let valid = CaseDraft {
        title: &b.title,
        severity: &b.severity,
        occurred_at: b.occurred_at.as_deref(),
        detected_at: b.detected_at.as_deref(),
    }
    .parse(now_ms())?;
    Ok(NewCase::from_valid(
        valid,
        b.report_ids.clone(),
        urgent,
        user_id,
    ))
}

/// The kinds of timeline entry.
pub const TIMELINE_KINDS: [&str; 3] = ["fact", "decision", "communication"];

pub fn timeline_kind(k: &str) -> Option<&'static str> {
    TIMELINE_KINDS.iter().copied().find(|x| *x == k)
}
