//! The conduct track (not built yet): the page says what is planned, and each
//! view of it is audited.

use crate::AppState;
use crate::platform::auth::Signed;
use crate::platform::authz::CONDUCT;
use crate::platform::error::PageError;
use crate::platform::planned::planned_page;
use crate::platform::routes::Route;
use crate::platform::shell::Ctx;
use axum::extract::State;
use axum::response::Html;

const CONDUCT_PLANNED: &str = "Planned: a restricted track for the rare suspected malicious or reckless act, kept apart from the blameless review.";
const CONDUCT_NOT_YET: &str = "This version of Debrief does not have the conduct track yet: nothing can be referred to it. Only conduct reviewers can open this page, and each view of it is recorded in the audit log.";

/// The conduct page; every view is audited, as the page says.
pub async fn conduct(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
) -> Result<Html<String>, PageError> {
    state
        .store
        .audit(
            ident.actor(),
            "conduct.viewed",
            "conduct".into(),
            String::new(),
        )
        .await?;
    planned_page(ctx, "Conduct track", CONDUCT_PLANNED, CONDUCT_NOT_YET)
}

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![Route::get("/conduct", CONDUCT, conduct)]
}
