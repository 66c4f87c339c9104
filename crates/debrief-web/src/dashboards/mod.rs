//! Dashboards (not built yet): the page says what is planned. The charts
//! and tables the pages will draw are in `charts`, `table` and `figures`.

pub mod charts;
pub mod figures;
pub mod table;

use crate::platform::authz::DASHBOARD_READERS;
use crate::platform::error::PageError;
use crate::platform::planned::planned_page;
use crate::platform::routes::Route;
use crate::platform::shell::Ctx;
use axum::response::Html;

pub async fn dashboards(ctx: Ctx) -> Result<Html<String>, PageError> {
    planned_page(
        ctx,
        "Dashboards",
        "Planned: whether the learning culture works — time to report, MTTD, MTTR, near-miss reports per quarter, repeat incidents and action-item completion.",
        "This version of Debrief does not compute these metrics yet. The reports, cases and action items recorded now are kept with their times.",
    )
}

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![Route::get("/dashboards", DASHBOARD_READERS, dashboards)]
}
