//! Administration pages for users and teams.

use crate::AppState;
use crate::platform::auth;
use crate::platform::auth::{ReauthAt, Signed};
use crate::platform::client_addr::ClientIp;
use crate::platform::error::{PageError, Refusal, refusal};
use crate::platform::shell::{Ctx, render, render_status, role_names};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use debrief_core::account::{TeamDraft, UserDraft, parse_roles};
use debrief_core::{Role, RoleSet, Validation};
use debrief_store::{User, now_ms};
use serde::Deserialize;

pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

fn role_choices(roles: RoleSet) -> Vec<RoleChoice> {
    Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Reporter)
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: r.label(),
            checked: roles.contains(r),
        })
        .collect()
}

pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub roles: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    ctx: Ctx,
    users: Vec<UserRow>,
    total: i64,
    has_more: bool,
    next_offset: i64,
    search: String,
    notice: Option<String>,
    form_name: String,
    form_email: String,
    role_choices: Vec<RoleChoice>,
    errors: Validation,
}

#[derive(Deserialize, Default)]
pub struct Paging {
    offset: Option<i64>,
    q: Option<String>,
}

pub(crate) const PAGE: i64 = 100;

async fn users_page(
    state: &AppState,
    ctx: Ctx,
    (offset, search): (i64, String),
    status: StatusCode,
    notice: Option<String>,
    form: Option<(String, String, RoleSet, Validation)>,
) -> Response {
    let query = Some(search.clone()).filter(|q| !q.trim().is_empty());
    let (users, total) = match state.store.list_users(PAGE, offset, query).await {
        Ok(x) => x,
        Err(e) => return PageError::from(e).into_response(),
    };
    let users = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            name: u.name,
            email: u.email,
            roles: role_names(u.roles).join(", "),
            disabled: u.disabled,
        })
        .collect();
    let (form_name, form_email, roles, errors) = form.unwrap_or_else(|| {
        (
            String::new(),
            String::new(),
            RoleSet::default(),
            Validation::new(),
        )
    });
    render_status(
        status,
        &UsersPage {
            ctx,
            users,
            total,
            has_more: offset.saturating_add(PAGE) < total,
            next_offset: offset.saturating_add(PAGE),
            search,
            notice,
            form_name,
            form_email,
            role_choices: role_choices(roles),
            errors,
        },
    )
}

pub async fn users(State(state): State<AppState>, ctx: Ctx, Query(p): Query<Paging>) -> Response {
    users_page(
        &state,
        ctx,
        (p.offset.unwrap_or(0).max(0), p.q.unwrap_or_default()),
        StatusCode::OK,
        None,
        None,
    )
    .await
}

/// The form's ticked roles (fields named `role`).
fn form_roles(form: &[(String, String)]) -> Vec<&str> {
    form.iter()
        .filter(|(k, _)| k == "role")
        .map(|(_, v)| v.as_str())
        .collect()
}

pub async fn add_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| crate::platform::form::first(&form, k);
    let (name, email, password) = (get("name"), get("email"), get("password"));
    let draft = UserDraft {
        name: &name,
        email: &email,
        password: &password,
        roles: &form_roles(&form),
    };
    let user = match draft.parse() {
        Ok(u) => u,
        Err((kept, errors)) => {
            return users_page(
                &state,
                ctx,
                (0, String::new()),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some((kept.name, kept.email, kept.roles, Validation { errors })),
            )
            .await;
        }
    };
    let hash = match crate::platform::auth::hash_password(user.password.clone()).await {
        Ok(h) => h,
        Err(e) => return PageError::from(e).into_response(),
    };
    let (name, email, roles) = (user.name.clone(), user.email.clone(), user.roles);
    match crate::admin::ops::create_user(&state, &ident.actor(), user, hash).await {
        Ok(u) => {
            users_page(
                &state,
                ctx,
                (0, String::new()),
                StatusCode::OK,
                Some(format!("Added {}.", u.name)),
                None,
            )
            .await
        }
        Err(e) => match refusal(e) {
            Ok(r) => {
                users_page(
                    &state,
                    ctx,
                    (0, String::new()),
                    r.status,
                    None,
                    Some((name, email, roles, r.validation())),
                )
                .await
            }
            Err(page) => page.into_response(),
        },
    }
}

pub struct TeamChoice {
    pub id: i64,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    ctx: Ctx,
    is_self: bool,
    user: User,
    teams: Vec<String>,
    all_teams: Vec<TeamChoice>,
    role_choices: Vec<RoleChoice>,
    notice: Option<String>,
    error: Option<String>,
}

async fn user_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let user = match state.store.user_by_id(id).await {
        Ok(Some(u)) => u,
        Ok(None) => return PageError::not_found().into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let (mine, all) = match (
        state.store.teams_of_user(id).await,
        state.store.list_teams().await,
    ) {
        (Ok(m), Ok(a)) => (m, a),
        (Err(e), _) | (_, Err(e)) => return PageError::from(e).into_response(),
    };
    let all_teams = all
        .into_iter()
        .map(|t| TeamChoice {
            id: t.id,
            checked: mine.iter().any(|m| m.id == t.id),
            label: t.name,
        })
        .collect();
    let role_choices = role_choices(user.roles);
    render_status(
        status,
        &UserPage {
            is_self: ctx.user.as_ref().is_some_and(|me| me.id == user.id),
            ctx,
            teams: mine.into_iter().map(|t| t.name).collect(),
            user,
            all_teams,
            role_choices,
            notice,
            error,
        },
    )
}

pub async fn user(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    user_page(&state, ctx, id, StatusCode::OK, None, None).await
}

pub async fn set_user_roles(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    reauth: Option<Extension<ReauthAt>>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let mut v = Validation::new();
    let roles = parse_roles(&mut v, &form_roles(&form));
    let password = form
        .iter()
        .find(|(k, _)| k == "current_password")
        .map(|(_, v)| v.as_str());
    if let Some(m) = v.errors.first() {
        return user_page(
            &state,
            ctx,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(m.message.clone()),
        )
        .await;
    }
    if let Err(e) =
        auth::confirm_password(&state, &ident, ip, reauth.map(|r| r.0.0), password).await
    {
        let status = if e.refused() {
            e.status
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let mut resp = user_page(&state, ctx, id, status, None, Some(e.message.clone())).await;
        e.mark(&mut resp);
        return resp;
    }
    match crate::admin::ops::change_roles(&state, &ident, id, roles).await {
        Ok(()) => {
            user_page(
                &state,
                ctx,
                id,
                StatusCode::OK,
                Some("Roles saved; they apply from the person's next request.".into()),
                None,
            )
            .await
        }
        Err(e) if e.status == StatusCode::CONFLICT => {
            user_page(&state, ctx, id, StatusCode::CONFLICT, None, Some(e.detail)).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    disabled: bool,
}

pub async fn set_user_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> Response {
    match crate::admin::ops::change_status(&state, &ident, id, f.disabled).await {
        Ok(()) => {
            let note = if f.disabled {
                "Account disabled; its sessions and tokens have ended."
            } else {
                "Account enabled."
            };
            user_page(&state, ctx, id, StatusCode::OK, Some(note.into()), None).await
        }
        Err(e) if e.status == StatusCode::CONFLICT => {
            user_page(&state, ctx, id, StatusCode::CONFLICT, None, Some(e.detail)).await
        }
        Err(e) => e.into_response(),
    }
}

pub async fn set_user_teams(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let wanted: Vec<i64> = form
        .iter()
        .filter(|(k, _)| k == "team")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let actor = ident.actor();
    let res = state
        .store
        .write(move |c| {
            if c.query_opt(
                "SELECT id FROM users WHERE id = $1",
                &debrief_store::params![id],
            )?
            .is_none()
            {
                return Err(debrief_store::StoreError::NotFound);
            }
            let current: Vec<i64> = c
                .query(
                    "SELECT team_id FROM team_members WHERE user_id = $1",
                    &debrief_store::params![id],
                )?
                .iter()
                .map(|r| r.i64(0))
                .collect::<Result<_, _>>()?;
            let now = now_ms();
            for t in &wanted {
                if !current.contains(t) {
                    debrief_store::accounts::add_team_member(c, *t, id)?;
                    debrief_store::audit::append(
                        c,
                        now,
                        &actor,
                        "team.member_added",
                        &format!("user:{id}"),
                        &format!("team:{t}"),
                    )?;
                }
            }
            for t in current.iter().filter(|t| !wanted.contains(t)) {
                debrief_store::accounts::remove_team_member(c, *t, id)?;
                debrief_store::audit::append(
                    c,
                    now,
                    &actor,
                    "team.member_removed",
                    &format!("user:{id}"),
                    &format!("team:{t}"),
                )?;
            }
            Ok(())
        })
        .await;
    match res {
        Ok(()) => {
            user_page(
                &state,
                ctx,
                id,
                StatusCode::OK,
                Some("Teams saved.".into()),
                None,
            )
            .await
        }
        Err(debrief_store::StoreError::ForeignKey) => {
            user_page(
                &state,
                ctx,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some("One of those teams no longer exists.".into()),
            )
            .await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "admin/teams.html")]
struct TeamsPage {
    ctx: Ctx,
    teams: Vec<debrief_store::Team>,
    form_name: String,
    form_description: String,
    errors: Validation,
}

pub async fn teams(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, PageError> {
    let teams = state.store.list_teams().await?;
    render(&TeamsPage {
        ctx,
        teams,
        form_name: String::new(),
        form_description: String::new(),
        errors: Validation::new(),
    })
}

#[derive(Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

pub async fn add_team(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Form(f): Form<TeamForm>,
) -> Response {
    let draft = TeamDraft {
        name: &f.name,
        description: &f.description,
    };
    let refused = match draft.parse() {
        Ok(team) => match crate::admin::ops::create_team(&state, &ident.actor(), team).await {
            Ok(_) => return Redirect::to("/admin/teams").into_response(),
            Err(e) => match refusal(e) {
                Ok(r) => r,
                Err(page) => return page.into_response(),
            },
        },
        Err(errors) => Refusal::from(errors),
    };
    let teams = match state.store.list_teams().await {
        Ok(t) => t,
        Err(e) => return PageError::from(e).into_response(),
    };
    render_status(
        refused.status,
        &TeamsPage {
            ctx,
            teams,
            form_name: f.name,
            form_description: f.description,
            errors: refused.validation(),
        },
    )
}
