//! The security programme (not built yet): the page says what is planned.

use crate::platform::error::PageError;
use crate::platform::planned::planned_page;
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
