//! Operations the account page and the API share: issuing an API token.

use crate::AppState;
use debrief_store::{StoreError, User, now_ms};

/// Creates a token and audits it; returns the token (shown once) and its id.
pub async fn issue_token(
    state: &AppState,
    user: &User,
    actor: &str,
    name: String,
) -> Result<(String, i64), StoreError> {
    let token = debrief_core::secret::new_api_token();
    let prefix: String = token.chars().take(10).collect();
    let id = state
        .store
        .create_token(
            user.id,
            name,
            debrief_core::secret::sha256_hex(&token),
            prefix,
            now_ms(),
        )
        .await?;
    state
        .store
        .audit(
            actor.to_string(),
            "token.created",
            format!("token:{id}"),
            format!("user:{}", user.id),
        )
        .await?;
    Ok((token, id))
}
