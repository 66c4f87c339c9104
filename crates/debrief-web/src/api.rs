//! The JSON API under `/api/v1`, documented by the OpenAPI document at
//! `/api/openapi.json`, which utoipa generates from these handlers.

use crate::AppState;
use crate::auth::{Identity, ReauthAt, Signed};
use crate::client_addr::ClientIp;
use crate::error::{ApiError, Problem};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use debrief_core::audit::AuditEntry;
use debrief_core::{FieldError, Role, RoleSet, Validation};
use debrief_store::{StoreError, User, now_ms};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// JSON body extractor whose failures are problem documents: malformed JSON is
/// 400, a body of the wrong shape 422, a body over 1 MiB 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("Malformed JSON: {}", e.body_text()),
            )),
            Err(JsonRejection::JsonDataError(e)) => {
                let text = e.body_text();
                let field = text.split('`').nth(1).unwrap_or("body").to_string();
                Err(ApiError::invalid(vec![FieldError {
                    field,
                    message: text,
                }]))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send JSON with Content-Type: application/json.",
            )),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The body is larger than 1 MiB.",
            )),
            Err(e) => Err(ApiError::new(e.status(), e.body_text())),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// How many items to return: default 50, at most 1000.
    pub limit: Option<i64>,
    /// How many items to skip.
    pub offset: Option<i64>,
}

impl ListQuery {
    pub fn bounds(&self) -> Result<(i64, i64), ApiError> {
        let limit = self.limit.unwrap_or(50);
        let offset = self.offset.unwrap_or(0);
        let mut v = Validation::new();
        if !(1..=1000).contains(&limit) {
            v.add("limit", "Between 1 and 1000.");
        }
        if offset < 0 {
            v.add("offset", "Zero or more.");
        }
        v.finish().map_err(ApiError::invalid)?;
        Ok((limit, offset))
    }
}

/// Query strings that fail to parse are 422 with the field named.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| {
                ApiError::invalid(vec![FieldError {
                    field: "query".into(),
                    message: e.body_text(),
                }])
            })
    }
}

#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub created_at: String,
}

pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
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
    let name = v.text("name", &body.name, 100);
    if let Err(e) = crate::auth::confirm_password(
        &state,
        &ident,
        ip,
        reauth.map(|r| r.0.0),
        body.password.as_deref(),
    )
    .await
    {
        if e.refused() {
            return Err(e.api("password"));
        }
        v.add("password", e.message);
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
    Path(id): Path<i64>,
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// How many items to return: default 50, at most 1000.
    pub limit: Option<i64>,
    /// How many items to skip.
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
    Path(id): Path<i64>,
) -> Result<Json<UserOut>, ApiError> {
    let u = state
        .store
        .user_by_id(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(UserOut::from(&u)))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserIn {
    pub email: String,
    pub name: String,
    pub password: String,
    #[serde(default)]
    pub roles: Vec<String>,
}

pub enum CreateUserError {
    Exists,
    Other(ApiError),
}

pub async fn create_user(
    state: &AppState,
    actor: &str,
    name: String,
    email: String,
    password: String,
    roles: RoleSet,
) -> Result<User, CreateUserError> {
    let hash = crate::auth::hash_password(password)
        .await
        .map_err(|e| CreateUserError::Other(ApiError::internal(e)))?;
    let actor = actor.to_string();
    let nu = debrief_store::accounts::NewUser {
        email,
        name,
        password_hash: hash,
        roles,
    };
    state
        .store
        .write(move |c| {
            let now = now_ms();
            let u = debrief_store::accounts::insert_user(c, &nu, now)?;
            let roles: Vec<&str> = roles.iter().map(Role::as_str).collect();
            debrief_store::audit::append(
                c,
                now,
                &actor,
                "user.created",
                &format!("user:{}", u.id),
                &format!("roles={}", roles.join(",")),
            )?;
            Ok(u)
        })
        .await
        .map_err(|e| match e {
            StoreError::Unique(_) => CreateUserError::Exists,
            other => CreateUserError::Other(other.into()),
        })
}

fn parse_roles(names: &[String], v: &mut Validation) -> RoleSet {
    let mut roles = RoleSet::default();
    for n in names {
        match n.parse::<Role>() {
            Ok(r) => roles.insert(r),
            Err(e) => v.add("roles", e.to_string()),
        }
    }
    roles
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/users", tag = "administration", request_body = NewUserIn,
    responses((status = 201, body = UserOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_user(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiJson(body): ApiJson<NewUserIn>,
) -> Result<Response, ApiError> {
    let mut v = Validation::new();
    let name = v.text("name", &body.name, 200);
    let email = v.email("email", &body.email);
    v.new_password("password", &body.password, &email, &name);
    let roles = parse_roles(&body.roles, &mut v);
    v.finish().map_err(ApiError::invalid)?;
    match create_user(&state, &ident.actor(), name, email, body.password, roles).await {
        Ok(u) => Ok((StatusCode::CREATED, Json(UserOut::from(&u))).into_response()),
        Err(CreateUserError::Exists) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "An account with this email exists already.",
        )),
        Err(CreateUserError::Other(e)) => Err(e),
    }
}

/// Changes roles, refusing to remove the last enabled administrator.
pub async fn change_roles(
    state: &AppState,
    ident: &Identity,
    id: i64,
    roles: RoleSet,
) -> Result<(), ApiError> {
    let actor = ident.actor();
    let result = state
        .store
        .write(move |c| {
            let (before, _) = debrief_store::accounts::keep_an_admin(c, id, Some(roles), None)?;
            c.execute(
                "UPDATE users SET roles = $1 WHERE id = $2",
                &debrief_store::params![i64::from(roles.bits()), id],
            )?;
            let fmt = |s: RoleSet| s.iter().map(Role::as_str).collect::<Vec<_>>().join(",");
            debrief_store::audit::append(
                c,
                now_ms(),
                &actor,
                "user.roles_changed",
                &format!("user:{id}"),
                &format!("{} -> {}", fmt(before), fmt(roles)),
            )?;
            Ok(())
        })
        .await;
    result.map_err(ApiError::from)
}

#[derive(Deserialize, ToSchema)]
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
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RolesIn>,
) -> Result<Json<UserOut>, ApiError> {
    let mut v = Validation::new();
    let roles = parse_roles(&body.roles, &mut v);
    if let Err(e) = crate::auth::confirm_password(
        &state,
        &ident,
        ip,
        reauth.map(|r| r.0.0),
        body.password.as_deref(),
    )
    .await
    {
        if e.refused() {
            return Err(e.api("password"));
        }
        v.add("password", e.message);
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

/// Disables or enables an account, refusing to disable the last administrator or oneself.
pub async fn change_status(
    state: &AppState,
    ident: &Identity,
    id: i64,
    disabled: bool,
) -> Result<(), ApiError> {
    if disabled && id == ident.user.id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "You cannot disable your own account.",
        ));
    }
    // the last-administrator rule is checked inside the store's transaction
    state.store.set_disabled(id, disabled, now_ms()).await?;
    let action = if disabled {
        "user.disabled"
    } else {
        "user.enabled"
    };
    state
        .store
        .audit(ident.actor(), action, format!("user:{id}"), String::new())
        .await?;
    Ok(())
}

#[derive(Deserialize, ToSchema)]
pub struct StatusIn {
    pub disabled: bool,
}

/// Disables (ending every session and token) or re-enables an account.
#[utoipa::path(put, path = "/api/v1/users/{id}/status", tag = "administration", params(("id" = i64, Path)), request_body = StatusIn,
    responses((status = 200, body = UserOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn put_status(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
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

pub enum TeamError {
    Invalid(Validation),
    Other(ApiError),
}

pub async fn create_team(
    state: &AppState,
    actor: &str,
    name: &str,
    description: &str,
) -> Result<i64, TeamError> {
    let mut v = Validation::new();
    let name = v.text("name", name, 100);
    let description = description.trim().to_string();
    if description.chars().count() > 500 {
        v.add("description", "At most 500 characters.");
    }
    if !v.is_ok() {
        return Err(TeamError::Invalid(v));
    }
    let actor = actor.to_string();
    let n = name.clone();
    let res = state
        .store
        .write(move |c| {
            let now = now_ms();
            let id = debrief_store::accounts::insert_team(c, &n, &description, now)?;
            debrief_store::audit::append(
                c,
                now,
                &actor,
                "team.created",
                &format!("team:{id}"),
                "",
            )?;
            Ok(id)
        })
        .await;
    match res {
        Ok(id) => Ok(id),
        Err(StoreError::Unique(_)) => {
            v.add("name", "A team with this name exists already.");
            Err(TeamError::Invalid(v))
        }
        Err(e) => Err(TeamError::Other(e.into())),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewTeamIn {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Creates a team.
#[utoipa::path(post, path = "/api/v1/teams", tag = "administration", request_body = NewTeamIn,
    responses((status = 201, body = TeamOut), (status = 422, body = Problem)))]
pub async fn post_team(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiJson(body): ApiJson<NewTeamIn>,
) -> Result<Response, ApiError> {
    match create_team(&state, &ident.actor(), &body.name, &body.description).await {
        Ok(id) => Ok((
            StatusCode::CREATED,
            Json(TeamOut {
                id,
                name: body.name.trim().to_string(),
                description: body.description.trim().to_string(),
                members: 0,
            }),
        )
            .into_response()),
        Err(TeamError::Invalid(v)) => Err(ApiError::invalid(v.errors)),
        Err(TeamError::Other(e)) => Err(e),
    }
}

/// Filters of the audit log, shared by `GET /api/v1/audit` and `/admin/audit`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// How many entries to return: default 50, at most 1000.
    pub limit: Option<i64>,
    /// How many entries to skip.
    pub offset: Option<i64>,
    /// Only entries by exactly this actor: `user:<id>`, `token:<id>`, `system`, `cli`.
    pub actor: Option<String>,
    /// Only entries with exactly this action, e.g. `report.reporter_revealed`,
    /// `user.roles_changed`, `access.denied`.
    pub action: Option<String>,
    /// Only entries about exactly this object, e.g. `case:7`, `user:12`, `GET /api/v1/audit`.
    pub object: Option<String>,
    /// Only entries on or after this day (`YYYY-MM-DD`, UTC).
    pub from: Option<String>,
    /// Only entries on or before this day (`YYYY-MM-DD`, UTC).
    pub to: Option<String>,
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Turns the query's filters into the store's, naming each field that is wrong.
pub fn audit_filter(q: &AuditQuery) -> Result<debrief_store::audit::AuditFilter, Vec<FieldError>> {
    let mut v = Validation::new();
    let mut text = |field: &str, value: &Option<String>| -> Option<String> {
        let t = value.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
        if t.chars().any(char::is_control) {
            v.add(field, "Remove the control characters.");
        } else if t.chars().count() > 200 {
            v.add(field, "At most 200 characters.");
        }
        Some(t.to_string())
    };
    let actor = text("actor", &q.actor);
    let action = text("action", &q.action);
    let object = text("object", &q.object);
    let mut day = |field: &str, value: &Option<String>| -> Option<i64> {
        let t = value.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
        match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) => d
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp_millis()),
            Err(_) => {
                v.add(field, "Enter a date as YYYY-MM-DD, for example 2026-03-31.");
                None
            }
        }
    };
    let from_ms = day("from", &q.from);
    let to_day = day("to", &q.to);
    if let (Some(f), Some(t)) = (from_ms, to_day)
        && t < f
    {
        v.add("to", "The end of the period comes before its start.");
    }
    v.finish()?;
    Ok(debrief_store::audit::AuditFilter {
        actor,
        action,
        object,
        from_ms,
        // the whole last day is included
        until_ms: to_day.map(|t| t + DAY_MS),
    })
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

#[derive(OpenApi)]
#[openapi(
    info(title = "Debrief API", description = "Incident response as a learning system. Authenticate with `Authorization: Bearer TOKEN` or the browser session. Errors are RFC 9457 problem documents."),
    paths(me, my_tokens, create_my_token, revoke_my_token, list_users, get_user, post_user, put_roles, put_status, list_teams, post_team, list_audit, list_jobs,
        crate::api_reports::create_report, crate::api_reports::get_receipt, crate::api_reports::post_receipt_message, crate::api_reports::get_proof,
        crate::api_reports::list_reports, crate::api_reports::get_report, crate::api_reports::post_team_message, crate::api_reports::close_report,
        crate::api_reports::duplicate_report, crate::api_reports::attach_report, crate::api_reports::reveal_reporter,
        crate::api_reports::create_case, crate::api_reports::list_cases, crate::api_reports::get_case, crate::api_reports::post_transition,
        crate::api_reports::post_timeline, crate::api_reports::put_times, crate::api_reports::patch_case,
        crate::api_reviews::get_review, crate::api_reviews::post_review, crate::api_reviews::patch_review, crate::api_reviews::post_review_state,
        crate::api_reviews::case_items, crate::api_reviews::post_case_item, crate::api_reviews::list_items, crate::api_reviews::patch_item,
        crate::lint_web::post_lint),
    components(schemas(Problem, FieldError, UserOut, MeOut, TokenOut, NewTokenIn, NewTokenOut, NewUserIn, RolesIn, StatusIn, TeamOut, NewTeamIn, AuditEntry, JobOut, Role)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

pub async fn openapi() -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(json) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            json,
        )
            .into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}
