//! The signed-in home page.

use crate::AppState;
use crate::platform::auth::Signed;
use crate::platform::error::PageError;
use crate::platform::shell::{Ctx, render, role_names};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use debrief_core::Role;

#[derive(Template)]
#[template(path = "platform/home.html")]
struct HomePage {
    ctx: Ctx,
    name: String,
    roles: Vec<&'static str>,
    teams: Vec<String>,
    setup_hint: bool,
}

pub async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
) -> Result<Html<String>, PageError> {
    let (teams, any_team) = state.store.home_teams(ident.user.id).await?;
    let setup_hint = ident.user.roles.contains(Role::Admin) && !any_team;
    render(&HomePage {
        ctx,
        name: ident.user.name.clone(),
        roles: role_names(ident.user.roles),
        teams,
        setup_hint,
    })
}
