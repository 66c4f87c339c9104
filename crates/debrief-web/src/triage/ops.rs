//! Triage operations the pages and the API share.

use crate::AppState;
use crate::platform::auth::Identity;
use crate::platform::error::ApiError;
use crate::triage::api::IdentityOut;
use crate::triage::policy::{self, RevealRefusal};
use axum::http::StatusCode;
use debrief_core::report::ReporterIdentity;

/// The kinds of message the team sends a reporter.
pub const TEAM_MESSAGE_KINDS: [&str; 3] = ["question", "thanks", "update"];

pub fn team_message_kind(kind: &str) -> Option<&'static str> {
    TEAM_MESSAGE_KINDS.iter().copied().find(|x| *x == kind)
}

pub async fn reveal(
    state: &AppState,
    ident: &Identity,
    ip: std::net::IpAddr,
    reauth: Option<i64>,
    id: i64,
    password: Option<&str>,
) -> Result<IdentityOut, ApiError> {
    crate::platform::auth::confirm_password(state, ident, ip, reauth, password)
        .await
        .map_err(|e| e.api("password"))?;
    let sealed = state.store.sealed_identity(id).await?;
    let sealed = match (policy::reveal(ident, sealed.is_some()), sealed) {
        (Ok(()), Some(sealed)) => sealed,
        (Err(RevealRefusal::NotSecurityLead), _) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                RevealRefusal::NotSecurityLead.message(),
            ));
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                RevealRefusal::NothingSealed.message(),
            ));
        }
    };
    let who = ReporterIdentity::open(&state.keys, &sealed).map_err(ApiError::internal)?;
    state
        .store
        .audit(
            ident.actor(),
            "report.reporter_revealed",
            format!("report:{id}"),
            String::new(),
        )
        .await?;
    Ok(IdentityOut {
        user_id: who.user_id,
        name: who.name,
        email: who.email,
    })
}
