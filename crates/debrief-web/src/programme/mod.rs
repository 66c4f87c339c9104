//! The security programme (not built yet): the page says what is planned.

use crate::platform::authz::PROGRAMME;
use crate::platform::error::PageError;
use crate::platform::planned::planned_page;
use crate::platform::routes::Route;
use crate::platform::shell::Ctx;
use axum::response::Html;

pub async fn programme(ctx: Ctx) -> Result<Html<String>, PageError> {
    planned_page(
        ctx,
        "Security programme",
        "Planned: security champions and their protected time, threat models per system, the security-debt register and risk acceptances.",
        "This version of Debrief cannot record any of these yet.",
    )
}

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![Route::get("/programme", PROGRAMME, programme)]
}
