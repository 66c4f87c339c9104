//! The public report form and its submission.

use crate::AppState;
use crate::platform::auth::Identity;
use crate::platform::client_addr::ClientIp;
use crate::platform::error::PageError;
use crate::platform::shell::{Ctx, render_status};
use crate::reporting::intake;
use crate::reporting::intake::ReportIn;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use debrief_core::Validation;
use debrief_core::report::{Confidentiality, Kind};
use serde::Deserialize;

/// The promise the form shows. The report form is the front door: if the
/// setting cannot be read, it shows the default promise rather than fail.
async fn promise(state: &AppState) -> String {
    state
        .store
        .reporting_promise()
        .await
        .unwrap_or_else(|_| debrief_core::report::DEFAULT_PROMISE.to_string())
}

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub explain: &'static str,
    pub checked: bool,
    pub disabled: bool,
}

#[derive(Default, Deserialize, Clone)]
pub struct ReportForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub occurred_at: String,
    #[serde(default)]
    pub occurred_note: String,
    #[serde(default)]
    pub detected_at: String,
    #[serde(default)]
    pub systems: String,
    #[serde(default)]
    pub confidentiality: String,
    /// Minutes to add to local times to get UTC (from the browser's clock, via app.js).
    #[serde(default)]
    pub tz_offset: String,
    /// The zone's offset (minutes behind UTC, as JavaScript gives it) at the
    /// time typed in `occurred_at`.
    #[serde(default)]
    pub occurred_at_tz_offset: String,
    /// The same for `detected_at`.
    #[serde(default)]
    pub detected_at_tz_offset: String,
}

#[derive(Template)]
#[template(path = "reporting/report.html")]
struct ReportPage {
    ctx: Ctx,
    promise: String,
    kinds: Vec<Choice>,
    modes: Vec<Choice>,
    form: ReportForm,
    errors: Validation,
    signed_in: bool,
}

async fn report_page(
    state: &AppState,
    ctx: Ctx,
    status: StatusCode,
    form: ReportForm,
    errors: Validation,
) -> Response {
    let signed_in = ctx.user.is_some();
    let kinds = Kind::ALL
        .into_iter()
        .map(|k| Choice {
            value: k.as_str(),
            label: k.label(),
            explain: k.explain(),
            checked: form.kind == k.as_str(),
            disabled: false,
        })
        .collect();
    let default_mode = if signed_in { "named" } else { "anonymous" };
    let chosen = if form.confidentiality.is_empty() {
        default_mode
    } else {
        form.confidentiality.as_str()
    };
    let modes = Confidentiality::ALL
        .into_iter()
        .map(|m| Choice {
            value: m.as_str(),
            label: m.label(),
            explain: m.explain(),
            checked: chosen == m.as_str(),
            disabled: !signed_in && m != Confidentiality::Anonymous,
        })
        .collect();
    let promise = promise(state).await;
    render_status(
        status,
        &ReportPage {
            ctx,
            promise,
            kinds,
            modes,
            form,
            errors,
            signed_in,
        },
    )
}

pub async fn report_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    report_page(
        &state,
        ctx,
        StatusCode::OK,
        ReportForm::default(),
        Validation::new(),
    )
    .await
}

/// A `datetime-local` value in the browser's zone, turned into RFC 3339 UTC.
fn local_to_utc(value: &str, offset_minutes: Option<i64>) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let shifted = intake::local_input(v)
        .zip(offset_minutes)
        .and_then(|(local, off)| intake::local_to_utc_ms(local, off))
        .map(crate::platform::api::rfc3339);
    // without the browser's offset the time is taken as UTC, as the label says; a
    // time that cannot be shifted is passed on as typed, to be refused by name
    Some(shifted.unwrap_or_else(|| v.to_string()))
}

#[derive(Template)]
#[template(path = "reporting/report_sent.html")]
struct SentPage {
    ctx: Ctx,
    id: i64,
    receipt: Option<String>,
    anonymous: bool,
}

pub async fn submit_report(
    State(state): State<AppState>,
    ctx: Ctx,
    who: Option<Extension<Identity>>,
    ClientIp(ip): ClientIp,
    Form(form): Form<ReportForm>,
) -> Response {
    // each time with the zone's offset in force at that time (summer and winter
    // time differ); `tz_offset` is the one offset older pages sent for both
    let offset = |per_field: &str| {
        [per_field, form.tz_offset.as_str()]
            .into_iter()
            .find_map(|v| v.trim().parse::<i64>().ok())
            .filter(|m| m.abs() <= 14 * 60)
    };
    let input = ReportIn {
        kind: form.kind.clone(),
        title: form.title.clone(),
        description: form.description.clone(),
        confidentiality: form.confidentiality.clone(),
        occurred_at: local_to_utc(&form.occurred_at, offset(&form.occurred_at_tz_offset)),
        detected_at: local_to_utc(&form.detected_at, offset(&form.detected_at_tz_offset)),
        occurred_note: form.occurred_note.clone(),
        systems: form.systems.clone(),
    };
    let who = who.map(|e| e.0);
    match intake::submit(&state, who.as_ref(), ip, &input).await {
        Ok(a) => render_status(
            StatusCode::CREATED,
            &SentPage {
                ctx,
                id: a.id,
                receipt: a.receipt,
                anonymous: a.confidentiality == Confidentiality::Anonymous,
            },
        ),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = Validation { errors: e.errors };
            report_page(&state, ctx, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await
        }
        Err(e) if e.status == StatusCode::TOO_MANY_REQUESTS => {
            // slowed down: the form comes back with everything typed
            let mut errors = Validation::new();
            errors.add("form", e.detail.clone());
            let mut resp = report_page(&state, ctx, e.status, form, errors).await;
            crate::platform::auth::mark_retry(&mut resp, e.retry_after);
            resp
        }
        Err(e) => PageError::new(e.status, e.detail).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_use_the_browser_offset() {
        // getTimezoneOffset() is -60 in Central European winter time: local 10:00 is 09:00 UTC
        assert_eq!(
            local_to_utc("2026-01-05T10:00", Some(-60)).as_deref(),
            Some("2026-01-05T09:00:00Z")
        );
        assert_eq!(
            local_to_utc("2026-01-05T10:00", None).as_deref(),
            Some("2026-01-05T10:00")
        );
        assert_eq!(local_to_utc("  ", Some(0)), None);
        assert_eq!(
            local_to_utc("garbage", Some(0)).as_deref(),
            Some("garbage"),
            "left for validation to refuse"
        );
        // the earliest time chrono knows, shifted further back: no overflow panic
        assert_eq!(
            local_to_utc("-262143-01-01T00:00", Some(-840)).as_deref(),
            Some("-262143-01-01T00:00")
        );
    }
}
