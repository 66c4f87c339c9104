//! Report intake and the anonymous follow-up through receipts, shared by the
//! JSON API and the HTML pages.

use crate::AppState;
use crate::platform::auth::Identity;
use crate::platform::error::ApiError;
use axum::http::StatusCode;
use debrief_core::Validation;
use debrief_core::intake::ReportDraft;
use debrief_core::report::{self, Confidentiality};
use debrief_store::now_ms;
use debrief_store::reports::{NewReport, ReceiptView};
use std::net::IpAddr;

/// A report as typed, before validation.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportIn {
    /// `incident`, `near_miss`, `vulnerability` or `concern`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    /// What happened.
    #[serde(default)]
    pub description: String,
    /// `named`, `confidential` or `anonymous`.
    #[serde(default)]
    pub confidentiality: String,
    /// When it happened (RFC 3339), if known.
    pub occurred_at: Option<String>,
    /// When it was noticed (RFC 3339), if known.
    pub detected_at: Option<String>,
    /// When it happened, in words, if the time is approximate ("Tuesday afternoon").
    #[serde(default)]
    pub occurred_note: String,
    /// Systems affected, if known.
    #[serde(default)]
    pub systems: String,
}

pub struct Accepted {
    pub id: i64,
    pub receipt: Option<String>,
    pub confidentiality: Confidentiality,
}

pub use debrief_core::times::{check_time, local_input, local_to_utc_ms, parse_time};

/// Validates and stores a report. `who` is the signed-in caller, if any; an
/// anonymous report ignores it entirely.
/// Anonymous intake (nobody signed in) from `ip` draws on that address's bucket
/// and on the global one; signed-in reporters never do. `Retry-After` says when.
pub fn anonymous_intake_limit(state: &AppState, ip: IpAddr) -> Result<(), ApiError> {
    state.limiter.anonymous_intake(ip).map_err(|wait| {
        let secs = crate::platform::limiter::retry_after_secs(wait);
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Many reports are arriving at once right now. Nothing was lost: wait {} and send it again.",
                crate::platform::shell::wait_words(secs)
            ),
        )
        .with_retry_after(Some(secs))
    })
}

pub async fn submit(
    state: &AppState,
    who: Option<&Identity>,
    ip: IpAddr,
    input: &ReportIn,
) -> Result<Accepted, ApiError> {
    if who.is_none() {
        anonymous_intake_limit(state, ip)?;
    }
    let now = now_ms();
    let valid = ReportDraft {
        kind: &input.kind,
        title: &input.title,
        description: &input.description,
        confidentiality: &input.confidentiality,
        occurred_at: input.occurred_at.as_deref(),
        detected_at: input.detected_at.as_deref(),
        occurred_note: &input.occurred_note,
        systems: &input.systems,
    }
    .parse(who.is_some(), now)
    .map_err(ApiError::invalid)?;
    let content_sha256 = valid.content_hash();
    let occurred_text = valid.occurred_text();
    let mode = valid.confidentiality;
    let receipt = if mode.gets_receipt() {
        Some(report::new_receipt_code().map_err(ApiError::internal)?)
    } else {
        None
    };
    let receipt_hash = receipt
        .as_deref()
        .and_then(report::normalize_receipt)
        .map(|d| state.keys.receipt_hash(&d));
    let (reporter_id, reporter_sealed) = match (mode, who) {
        (Confidentiality::Named, Some(i)) => (Some(i.user.id), None),
        (Confidentiality::Confidential, Some(i)) => {
            let sealed = report::ReporterIdentity {
                user_id: i.user.id,
                name: i.user.name.clone(),
                email: i.user.email.clone(),
            }
            .seal(&state.keys)
            .map_err(ApiError::internal)?;
            (None, Some(sealed))
        }
        _ => (None, None),
    };
    let new = NewReport {
        kind: valid.kind,
        confidentiality: mode,
        title: valid.title,
        description: valid.description,
        systems: valid.systems,
        occurred_text,
        occurred_ms: valid.occurred_ms,
        detected_ms: valid.detected_ms,
        // anonymous and confidential reports keep their time only to the minute
        received_ms: mode.received_ms(now),
        reporter_id,
        reporter_sealed,
        receipt_hash,
        content_sha256,
    };
    let id = state.store.create_report(new).await?;
    Ok(Accepted {
        id,
        receipt,
        confidentiality: mode,
    })
}

/// Why a receipt look-up failed.
pub enum ReceiptError {
    NotFound,
    /// Too many wrong codes from this address: wait this many seconds.
    Limited(u64),
    Other(ApiError),
}

impl From<ReceiptError> for ApiError {
    fn from(e: ReceiptError) -> Self {
        match e {
            ReceiptError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "No report has this receipt code. Check the digits and try again.",
            ),
            ReceiptError::Limited(secs) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many attempts with wrong codes. Check the digits, wait {} and try again.",
                    crate::platform::shell::wait_words(secs)
                ),
            )
            .with_retry_after(Some(secs)),
            ReceiptError::Other(e) => e,
        }
    }
}

/// The keyed hash of a receipt code. A malformed code is hashed too (as its raw
/// text), so that it costs the same look-up as a well-formed unknown one.
fn receipt_key(state: &AppState, code: &str) -> String {
    match report::normalize_receipt(code) {
        Some(d) => state.keys.receipt_hash(&d),
        None => state.keys.receipt_hash(&format!("malformed:{code}")),
    }
}

/// Looks a receipt code up. Every code is looked up, the same way, whatever the
/// address has done before: a valid code always works, even from an address
/// that sent many wrong ones. Only wrong codes are counted (in memory, per
/// address); once an address has used up its allowance, wrong codes are
/// answered 429 instead of 404 until its bucket refills.
pub async fn lookup(state: &AppState, ip: IpAddr, code: &str) -> Result<ReceiptView, ReceiptError> {
    match state.store.receipt(receipt_key(state, code)).await {
        Ok(Some(v)) => Ok(v),
        Ok(None) => match state.limiter.receipt_failures.take(ip) {
            Ok(()) => Err(ReceiptError::NotFound),
            Err(wait) => Err(ReceiptError::Limited(
                crate::platform::limiter::retry_after_secs(wait),
            )),
        },
        Err(e) => Err(ReceiptError::Other(e.into())),
    }
}

/// The reporter adds a message through the receipt.
pub async fn reply(
    state: &AppState,
    ip: IpAddr,
    code: &str,
    body: &str,
) -> Result<(), ReceiptError> {
    let mut v = Validation::new();
    let body = v.text("body", body, debrief_core::intake::MESSAGE_MAX);
    if let Err(errors) = v.finish() {
        return Err(ReceiptError::Other(ApiError::invalid(errors)));
    }
    lookup(state, ip, code).await?;
    // a message through a receipt is anonymous intake too
    anonymous_intake_limit(state, ip).map_err(ReceiptError::Other)?;
    state
        .store
        .reporter_message(receipt_key(state, code), body, report::to_minute(now_ms()))
        .await
        .map(|_| ())
        .map_err(|e| ReceiptError::Other(e.into()))
}

/// The status a reporter reads through a receipt: the report's own, or, once
/// it is part of a case, what became of the case and its review.
pub fn reporter_status(v: &ReceiptView) -> debrief_core::report::ReporterStatus {
    debrief_core::report::reporter_status(
        v.report.status,
        v.case_status.as_deref().and_then(|s| s.parse().ok()),
        v.review_published,
    )
}
