//! Triage operations the pages and the API share.

use crate::AppState;
use crate::platform::auth::Identity;
use crate::platform::error::ApiError;
use crate::reporting::intake;
use crate::triage::api::IdentityOut;
use axum::http::StatusCode;

pub fn team_message_kind(kind: &str) -> Option<&'static str> {
    match kind {
        "question" => Some("question"),
        "thanks" => Some("thanks"),
        "update" => Some("update"),
        _ => None,
    }
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
    let sealed = state.store.sealed_identity(id).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "This report is not confidential: there is no sealed identity.",
        )
    })?;
    let plain = state
        .keys
        .open(&sealed, intake::SEAL_CONTEXT)
        .map_err(ApiError::internal)?;
    let v: serde_json::Value = serde_json::from_slice(&plain).map_err(ApiError::internal)?;
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
        user_id: v["user_id"].as_i64().unwrap_or_default(),
        name: v["name"].as_str().unwrap_or_default().to_string(),
        email: v["email"].as_str().unwrap_or_default().to_string(),
    })
}
