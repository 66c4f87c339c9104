//! The caller's own account as JSON: `/api/v1/me` and its API tokens.

use crate::AppState;
use crate::accounts::ops::issue_token;
use crate::platform::api::{ApiJson, ApiPath, Page, rfc3339};
use crate::platform::auth::{ReauthAt, Signed};
use crate::platform::client_addr::ClientIp;
use crate::platform::error::{ApiError, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use debrief_core::{Role, Validation};
use debrief_store::{User, now_ms};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub created_at: String,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> Self {
        UserOut {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            roles: u.roles.iter().collect(),
            disabled: u.disabled,
            created_at: rfc3339(u.created_ms),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeOut {
    #[serde(flatten)]
    pub user: UserOut,
    pub teams: Vec<String>,
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = MeOut), (status = 401, body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    Signed(ident): Signed,
) -> Result<Json<MeOut>, ApiError> {
    let teams = state
        .store
        .teams_of_user(ident.user.id)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    Ok(Json(MeOut {
        user: UserOut::from(&ident.user),
        teams,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

/// The caller's API tokens (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "accounts", responses((status = 200, body = Page<TokenOut>)))]
pub async fn my_tokens(
    State(state): State<AppState>,
    Signed(ident): Signed,
) -> Result<Json<Page<TokenOut>>, ApiError> {
    let items: Vec<TokenOut> = state
        .store
        .list_tokens(ident.user.id)
        .await?
        .into_iter()
        .map(|t| TokenOut {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: rfc3339(t.created_ms),
            last_used_at: t.last_used_ms.map(rfc3339),
            revoked: t.revoked_ms.is_some(),
        })
        .collect();
    let total = items.len() as i64;
    Ok(Json(Page { items, total }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenIn {
    pub name: String,
    /// The caller's current password: creating a token is a sensitive operation.
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NewTokenOut {
    pub id: i64,
    /// The token, shown only in this response.
    pub token: String,
}

/// Creates an API token for the caller. Requires the current password.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", request_body = NewTokenIn,
    responses((status = 201, body = NewTokenOut), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn create_my_token(
    State(state): State<AppState>,
    Signed(ident): Signed,
    reauth: Option<Extension<ReauthAt>>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<NewTokenIn>,
) -> Result<Response, ApiError> {
    let mut v = Validation::new();
    let name = debrief_core::account::token_name(&mut v, &body.name);
    if let Err(e) = crate::platform::auth::confirm_password(
        &state,
        &ident,
        ip,
        reauth.map(|r| r.0.0),
        body.password.as_deref(),
    )
    .await
    {
        e.add_to(&mut v, "password")?;
    }
    v.finish().map_err(ApiError::invalid)?;
    let (token, id) = issue_token(&state, &ident.user, &ident.actor(), name).await?;
    Ok((StatusCode::CREATED, Json(NewTokenOut { id, token })).into_response())
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke_my_token(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .revoke_token(ident.user.id, id, now_ms())
        .await?;
    state
        .store
        .audit(
            ident.actor(),
            "token.revoked",
            format!("token:{id}"),
            String::new(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
