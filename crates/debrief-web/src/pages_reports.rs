//! Pages for reporting: the public report form, the receipt page where an
//! anonymous reporter follows up, proof download and proof checking.

use crate::AppState;
use crate::auth::Identity;
use crate::client_addr::ClientIp;
use crate::error::{ApiError, PageError};
use crate::intake::{self, ReceiptError, ReportIn};
use crate::pages::{Ctx, render_status, time_html};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use debrief_core::Validation;
use debrief_core::report::{Confidentiality, Kind};
use debrief_store::reports::{Message, ReceiptView};
use serde::Deserialize;

pub const DEFAULT_PROMISE: &str = "We want to hear about every incident, near-miss and worry, as early as possible. \
Reporting in good faith is never held against you — not even when you were involved. We look for what in our systems \
made it possible, not for someone to blame, and we will tell you what changed because of your report.";

pub async fn promise(state: &AppState) -> String {
    state
        .store
        .setting("reporting_promise")
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| DEFAULT_PROMISE.to_string())
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
#[template(path = "report.html")]
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
        .map(crate::api::rfc3339);
    // without the browser's offset the time is taken as UTC, as the label says; a
    // time that cannot be shifted is passed on as typed, to be refused by name
    Some(shifted.unwrap_or_else(|| v.to_string()))
}

#[derive(Template)]
#[template(path = "report_sent.html")]
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
            crate::auth::mark_retry(&mut resp, e.retry_after);
            resp
        }
        Err(e) => PageError::new(e.status, e.detail).into_response(),
    }
}

// ------------------------------------------------------------------ receipts

pub struct MessageView {
    pub author: String,
    pub who: &'static str,
    pub body: String,
    pub at: String,
}

pub fn message_views(msgs: &[Message], reporter_label: &'static str) -> Vec<MessageView> {
    msgs.iter()
        .map(|m| MessageView {
            author: m.author.clone(),
            who: match (m.author.as_str(), m.kind.as_str()) {
                ("reporter", _) => reporter_label,
                (_, "question") => "Security team — question",
                (_, "thanks") => "Security team — thank you",
                (_, "closure") => "Security team — closed",
                _ => "Security team",
            },
            body: m.body.clone(),
            at: time_html(m.created_ms),
        })
        .collect()
}

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
#[template(path = "receipt.html")]
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
    crate::auth::mark_retry(&mut resp, api.retry_after);
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
                    crate::auth::mark_retry(&mut resp, e.retry_after);
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
        Ok(v) => crate::api_reports::proof_response(&state, &v.report),
        Err(e) => receipt_failure(ctx, f.code, e),
    }
}

// ------------------------------------------------------------------ proof checking

pub struct VerifyResult {
    pub valid: bool,
    pub headline: String,
    pub report_id: i64,
    pub received_at: String,
    pub content_sha256: String,
    /// The signer's whole public key, base64.
    pub public_key: String,
    pub ours: bool,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    ctx: Ctx,
    public_key: String,
    public_key_hex: String,
    proof: String,
    result: Option<VerifyResult>,
}

fn verify_page(
    state: &AppState,
    ctx: Ctx,
    status: StatusCode,
    proof: String,
    result: Option<VerifyResult>,
) -> Response {
    render_status(
        status,
        &VerifyPage {
            ctx,
            public_key: state.keys.public_key_b64(),
            public_key_hex: state.keys.public_key_hex(),
            proof,
            result,
        },
    )
}

pub async fn verify_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    verify_page(&state, ctx, StatusCode::OK, String::new(), None)
}

#[derive(Deserialize)]
pub struct ProofForm {
    #[serde(default)]
    proof: String,
}

/// Whether a proof (whose signature was checked) was signed by this deployment:
/// the whole public key is compared, never the short fingerprint.
fn signed_by(keys: &debrief_core::keys::Keys, p: &debrief_core::report::Proof) -> bool {
    debrief_core::keys::parse_public_key(&p.public_key) == Some(keys.public_key())
}

pub async fn verify(State(state): State<AppState>, ctx: Ctx, Form(f): Form<ProofForm>) -> Response {
    let result = match debrief_core::report::verify_proof(&f.proof) {
        Ok(p) => {
            let ours = signed_by(&state.keys, &p);
            VerifyResult {
                valid: true,
                headline: if ours {
                    "Valid: this proof was signed by this Debrief.".into()
                } else {
                    "The signature is valid, but by a key that is not this Debrief's.".into()
                },
                ours,
                report_id: p.report_id,
                received_at: p.received_at,
                content_sha256: p.content_sha256,
                public_key: p.public_key,
            }
        }
        Err(e) => VerifyResult {
            valid: false,
            headline: format!("Not valid: {e}."),
            report_id: 0,
            received_at: String::new(),
            content_sha256: String::new(),
            public_key: String::new(),
            ours: false,
        },
    };
    let status = if result.valid {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    verify_page(&state, ctx, status, f.proof, Some(result))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proof_is_ours_only_with_our_whole_key() {
        let ours = debrief_core::keys::Keys::from_master(&[1u8; 32]);
        let other = debrief_core::keys::Keys::from_master(&[2u8; 32]);
        let mut p = debrief_core::report::make_proof(&ours, 1, "abc", 0);
        assert!(signed_by(&ours, &p));
        // another key that carried our short fingerprint is still not ours
        p.public_key = other.public_key_b64();
        assert_eq!(p.key_fingerprint, ours.fingerprint());
        assert!(!signed_by(&ours, &p));
    }

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

// ------------------------------------------------------------------ the promise (admin)

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    ctx: Ctx,
    promise: String,
    notice: Option<String>,
    errors: Validation,
}

pub async fn settings_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    let promise = promise(&state).await;
    render_status(
        StatusCode::OK,
        &SettingsPage {
            ctx,
            promise,
            notice: None,
            errors: Validation::new(),
        },
    )
}

#[derive(Deserialize)]
pub struct PromiseForm {
    #[serde(default)]
    promise: String,
}

pub async fn save_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::auth::Signed(ident): crate::auth::Signed,
    Form(f): Form<PromiseForm>,
) -> Response {
    let mut v = Validation::new();
    let promise = v.text("promise", &f.promise, 2_000);
    if !v.is_ok() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SettingsPage {
                ctx,
                promise: f.promise,
                notice: None,
                errors: v,
            },
        );
    }
    if let Err(e) = state.store.set_setting("reporting_promise", &promise).await {
        return PageError::from(e).into_response();
    }
    let _ = state
        .store
        .audit(
            ident.actor(),
            "settings.promise_changed",
            "settings:reporting_promise".into(),
            String::new(),
        )
        .await;
    render_status(
        StatusCode::OK,
        &SettingsPage {
            ctx,
            promise,
            notice: Some("Saved. The report form shows the new promise.".into()),
            errors: Validation::new(),
        },
    )
}
