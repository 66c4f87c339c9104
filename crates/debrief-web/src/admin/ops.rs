//! Administration operations the pages and the API share: creating users and
//! teams, changing roles and status, filtering the audit log.

use crate::AppState;
use crate::platform::auth::Identity;
use crate::platform::error::ApiError;
use axum::http::StatusCode;
use debrief_core::account::{ValidTeam, ValidUser};
use debrief_core::{FieldError, Role, RoleSet, Validation};
use debrief_store::{StoreError, User, now_ms};
use serde::Deserialize;
use utoipa::IntoParams;

/// Creates the account of a validated draft whose password is hashed, and
/// audits it; a taken email is `StoreError::Unique`.
pub async fn create_user(
    state: &AppState,
    actor: &str,
    user: ValidUser,
    password_hash: String,
) -> Result<User, StoreError> {
    let actor = actor.to_string();
    let roles = user.roles;
    let nu = debrief_store::accounts::NewUser {
        email: user.email,
        name: user.name,
        password_hash,
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

/// Creates a validated team and audits it; a taken name is `StoreError::Unique`.
pub async fn create_team(
    state: &AppState,
    actor: &str,
    team: ValidTeam,
) -> Result<i64, StoreError> {
    let actor = actor.to_string();
    state
        .store
        .write(move |c| {
            let now = now_ms();
            let id = debrief_store::accounts::insert_team(c, &team.name, &team.description, now)?;
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
        .await
}

/// Filters of the audit log, shared by `GET /api/v1/audit` and `/admin/audit`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// How many entries to return: default 50, at most 1000.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// How many entries to skip.
    #[param(minimum = 0)]
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
