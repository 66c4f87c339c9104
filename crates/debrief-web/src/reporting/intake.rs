//! Report intake and the anonymous follow-up through receipts, shared by the
//! JSON API and the HTML pages.

use crate::AppState;
use crate::platform::auth::Identity;
use crate::platform::error::ApiError;
use axum::http::StatusCode;
use debrief_core::Validation;
use debrief_core::report::{self, Confidentiality, Content, Kind};
use debrief_store::now_ms;
use debrief_store::reports::{NewReport, ReceiptView};
use std::net::IpAddr;

/// A report as typed, before validation.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
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

/// Parses an RFC 3339 time, or a `datetime-local` value from a form (taken as UTC
/// unless an offset is given), refusing times in the future.
pub fn parse_time(v: &mut Validation, field: &str, value: Option<&str>, now: i64) -> Option<i64> {
    let value = value.map(str::trim).filter(|s| !s.is_empty())?;
    let parsed = chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.timestamp_millis())
        .ok()
        .or_else(|| local_input(value).map(|t| t.and_utc().timestamp_millis()));
    match parsed {
        Some(ms) => check_time(v, field, ms, now),
        None => {
            v.add(field, "Use a date and time such as 2026-03-14T09:30:00Z, or leave it empty if you do not know.");
            None
        }
    }
}

/// A `datetime-local` value as a form sends it: `2026-03-14T09:30`, seconds optional.
pub fn local_input(value: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()
}

/// A local time read at `offset_minutes` behind UTC (what JavaScript's
/// `getTimezoneOffset()` gives: -60 in Berlin in winter), as UTC
/// milliseconds; `None` when the arithmetic leaves chrono's range.
pub fn local_to_utc_ms(local: chrono::NaiveDateTime, offset_minutes: i64) -> Option<i64> {
    chrono::TimeDelta::try_minutes(offset_minutes)
        .and_then(|d| local.checked_add_signed(d))
        .map(|t| t.and_utc().timestamp_millis())
}

/// A UTC time a person gave: from 1970 on and not in the future.
pub fn check_time(v: &mut Validation, field: &str, ms: i64, now: i64) -> Option<i64> {
    if ms < 0 {
        // before 1970 no incident was recorded in this tool, and negative times
        // would break every duration computed from them
        v.add(field, "Use a date from 1970 on.");
        None
    } else if ms > now.saturating_add(60_000) {
        v.add(field, "This is in the future.");
        None
    } else {
        Some(ms)
    }
}

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
    let mut v = Validation::new();
    let kind = match input.kind.trim().parse::<Kind>() {
        Ok(k) => Some(k),
        Err(e) => {
            v.add(
                "kind",
                if input.kind.trim().is_empty() {
                    "Choose what kind of report this is.".to_string()
                } else {
                    e
                },
            );
            None
        }
    };
    let mode = match input.confidentiality.trim().parse::<Confidentiality>() {
        Ok(m) => Some(m),
        Err(e) => {
            v.add(
                "confidentiality",
                if input.confidentiality.trim().is_empty() {
                    "Choose how you want to report.".to_string()
                } else {
                    e
                },
            );
            None
        }
    };
    let title = v.text("title", &input.title, 200);
    let description = v.text("description", &input.description, 20_000);
    let occurred = parse_time(&mut v, "occurred_at", input.occurred_at.as_deref(), now);
    let detected = parse_time(&mut v, "detected_at", input.detected_at.as_deref(), now);
    if let (Some(o), Some(d)) = (occurred, detected)
        && d < o
    {
        v.add(
            "detected_at",
            "It cannot have been noticed before it happened.",
        );
    }
    let occurred_note = input.occurred_note.trim().to_string();
    if occurred_note.chars().count() > 200 {
        v.add("occurred_note", "At most 200 characters.");
    }
    let systems = input.systems.trim().to_string();
    if systems.chars().count() > 500 {
        v.add("systems", "At most 500 characters.");
    }
    if matches!(
        mode,
        Some(Confidentiality::Named | Confidentiality::Confidential)
    ) && who.is_none()
    {
        v.add(
            "confidentiality",
            "Sign in to report with your name or confidentially, or choose anonymous.",
        );
    }
    let (Some(kind), Some(mode)) = (kind, mode) else {
        return Err(ApiError::invalid(v.errors));
    };
    v.finish().map_err(ApiError::invalid)?;

    let occurred_text = match occurred {
        Some(ms) => crate::platform::api::rfc3339(ms),
        None => occurred_note.clone(),
    };
    let detected_text = detected
        .map(crate::platform::api::rfc3339)
        .unwrap_or_default();
    let content_sha256 = report::content_hash(&Content {
        kind,
        title: &title,
        description: &description,
        occurred: &occurred_text,
        detected: &detected_text,
        systems: &systems,
    });
    let receipt = match mode {
        Confidentiality::Named => None,
        _ => Some(report::new_receipt_code().map_err(ApiError::internal)?),
    };
    let receipt_hash = receipt
        .as_deref()
        .and_then(report::normalize_receipt)
        .map(|d| state.keys.receipt_hash(&d));
    let (reporter_id, reporter_sealed) = match (mode, who) {
        (Confidentiality::Named, Some(i)) => (Some(i.user.id), None),
        (Confidentiality::Confidential, Some(i)) => {
            let identity = serde_json::json!({ "user_id": i.user.id, "name": i.user.name, "email": i.user.email });
            let sealed = state
                .keys
                .seal(identity.to_string().as_bytes(), SEAL_CONTEXT)
                .map_err(ApiError::internal)?;
            (None, Some(sealed))
        }
        _ => (None, None),
    };
    let received_ms = match mode {
        Confidentiality::Named => now,
        // anonymous and confidential reports keep their time only to the minute
        _ => report::to_minute(now),
    };
    let new = NewReport {
        kind,
        confidentiality: mode,
        title,
        description,
        systems,
        occurred_text,
        occurred_ms: occurred,
        detected_ms: detected,
        received_ms,
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

pub const SEAL_CONTEXT: &str = "debrief reporter identity v1";

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
    let body = v.text("body", body, 10_000);
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
