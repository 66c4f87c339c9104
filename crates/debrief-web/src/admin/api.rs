//! The administration API: users, teams, the audit log and background jobs.

use crate::AppState;
use crate::accounts::api::UserOut;
use crate::admin::ops::{
    AuditQuery, audit_filter, change_roles, change_status, create_team, create_user,
};
use crate::platform::api::{ApiJson, ApiPath, ApiQuery, ListQuery, Page, rfc3339};
use crate::platform::auth::{ReauthAt, Signed};
use crate::platform::client_addr::ClientIp;
use crate::platform::error::{ApiError, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use debrief_core::Validation;
use debrief_core::account::{TeamDraft, UserDraft, parse_roles};
use debrief_core::audit::AuditEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// How many items to return: default 50, at most 1000.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// How many items to skip.
    #[param(minimum = 0)]
    pub offset: Option<i64>,
    /// Only accounts whose name or email contains this text (any case).
    pub q: Option<String>,
}

/// Every account, for administrators.
#[utoipa::path(get, path = "/api/v1/users", tag = "administration", params(UserQuery), responses((status = 200, body = Page<UserOut>)))]
pub async fn list_users(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> Result<Json<Page<UserOut>>, ApiError> {
    let (limit, offset) = ListQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds()?;
    let (users, total) = state.store.list_users(limit, offset, q.q).await?;
    Ok(Json(Page {
        items: users.iter().map(UserOut::from).collect(),
        total,
    }))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "administration", params(("id" = i64, Path)), responses((status = 200, body = UserOut), (status = 404, body = Problem)))]
pub async fn get_user(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<UserOut>, ApiError> {
    let u = state
        .store
        .user_by_id(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(UserOut::from(&u)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserIn {
    pub email: String,
    pub name: String,
    pub password: String,
    #[serde(default)]
    pub roles: Vec<String>,
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/users", tag = "administration", request_body = NewUserIn,
    responses((status = 201, body = UserOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_user(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiJson(body): ApiJson<NewUserIn>,
) -> Result<Response, ApiError> {
    let roles: Vec<&str> = body.roles.iter().map(String::as_str).collect();
    let user = UserDraft {
        name: &body.name,
        email: &body.email,
        password: &body.password,
        roles: &roles,
    }
    .parse()
    .map_err(|(_, errors)| errors)?;
    let hash = crate::platform::auth::hash_password(user.password.clone()).await?;
    let u = create_user(&state, &ident.actor(), user, hash).await?;
    Ok((StatusCode::CREATED, Json(UserOut::from(&u))).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesIn {
    pub roles: Vec<String>,
    /// The caller's current password: role changes are sensitive.
    pub password: Option<String>,
}

/// Replaces a user's roles (`reporter` is always kept). Requires the caller's password.
#[utoipa::path(put, path = "/api/v1/users/{id}/roles", tag = "administration", params(("id" = i64, Path)), request_body = RolesIn,
    responses((status = 200, body = UserOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_roles(
    State(state): State<AppState>,
    Signed(ident): Signed,
    reauth: Option<Extension<ReauthAt>>,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RolesIn>,
) -> Result<Json<UserOut>, ApiError> {
    let mut v = Validation::new();
    let names: Vec<&str> = body.roles.iter().map(String::as_str).collect();
    let roles = parse_roles(&mut v, &names);
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
    change_roles(&state, &ident, id, roles).await?;
    let u = state
        .store
        .user_by_id(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(UserOut::from(&u)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    pub disabled: bool,
}

/// Disables (ending every session and token) or re-enables an account.
#[utoipa::path(put, path = "/api/v1/users/{id}/status", tag = "administration", params(("id" = i64, Path)), request_body = StatusIn,
    responses((status = 200, body = UserOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn put_status(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusIn>,
) -> Result<Json<UserOut>, ApiError> {
    change_status(&state, &ident, id, body.disabled).await?;
    let u = state
        .store
        .user_by_id(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(UserOut::from(&u)))
}

#[derive(Serialize, ToSchema)]
pub struct TeamOut {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub members: i64,
}

/// Every team.
#[utoipa::path(get, path = "/api/v1/teams", tag = "accounts", responses((status = 200, body = Page<TeamOut>)))]
pub async fn list_teams(State(state): State<AppState>) -> Result<Json<Page<TeamOut>>, ApiError> {
    let items: Vec<TeamOut> = state
        .store
        .list_teams()
        .await?
        .into_iter()
        .map(|t| TeamOut {
            id: t.id,
            name: t.name,
            description: t.description,
            members: t.members,
        })
        .collect();
    let total = items.len() as i64;
    Ok(Json(Page { items, total }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTeamIn {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Creates a team.
#[utoipa::path(post, path = "/api/v1/teams", tag = "administration", request_body = NewTeamIn,
    responses((status = 201, body = TeamOut), (status = 409, description = "A team with this name exists already.", body = Problem), (status = 422, body = Problem)))]
pub async fn post_team(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiJson(body): ApiJson<NewTeamIn>,
) -> Result<Response, ApiError> {
    let team = TeamDraft {
        name: &body.name,
        description: &body.description,
    }
    .parse()?;
    let (name, description) = (team.name.clone(), team.description.clone());
    let id = create_team(&state, &ident.actor(), team).await?;
    Ok((
        StatusCode::CREATED,
        Json(TeamOut {
            id,
            name,
            description,
            members: 0,
        }),
    )
        .into_response())
}

/// The audit log, newest first, optionally filtered. Viewing it is itself audited.
#[utoipa::path(get, path = "/api/v1/audit", tag = "administration", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 422, body = Problem)))]
pub async fn list_audit(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let bounds = ListQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds();
    let filter = audit_filter(&q);
    let ((limit, offset), filter) = match (bounds, filter) {
        (Ok(b), Ok(f)) => (b, f),
        (Err(e), _) => return Err(e),
        (Ok(_), Err(errors)) => return Err(ApiError::invalid(errors)),
    };
    let (items, total) = state.store.list_audit(filter, limit, offset).await?;
    state
        .store
        .audit(
            ident.actor(),
            "audit.viewed",
            "audit_log".into(),
            String::new(),
        )
        .await?;
    Ok(Json(Page { items, total }))
}

#[derive(Serialize, ToSchema)]
pub struct JobOut {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub run_at: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
}

/// Background jobs, newest first.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "administration", params(ListQuery), responses((status = 200, body = Page<JobOut>)))]
pub async fn list_jobs(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<JobOut>>, ApiError> {
    let (limit, offset) = q.bounds()?;
    let (jobs, total) = state.store.list_jobs(limit, offset).await?;
    let items = jobs
        .into_iter()
        .map(|j| JobOut {
            id: j.id,
            kind: j.kind,
            state: j.state,
            run_at: rfc3339(j.run_at_ms),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            last_error: j.last_error,
        })
        .collect();
    Ok(Json(Page { items, total }))
}
