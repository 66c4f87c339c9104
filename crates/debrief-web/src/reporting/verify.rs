//! `/verify`: checking that a proof of submission was signed by this deployment.

use crate::AppState;
use crate::platform::shell::{Ctx, render_status};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

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
#[template(path = "reporting/verify.html")]
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
}
