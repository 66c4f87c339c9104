//! Dashboards: the learning metrics. The query string and the operation
//! the pages and `GET /api/v1/metrics` share are in `query` and `ops`; the
//! dashboard page itself is not built yet and says what is planned.

pub mod api;
pub mod charts;
pub mod figures;
pub mod ops;
pub mod query;
pub mod table;

use crate::platform::authz::DASHBOARD_READERS;
use crate::platform::error::PageError;
use crate::platform::planned::planned_page;
use crate::platform::routes::Route;
use crate::platform::shell::Ctx;
use axum::response::Html;
use utoipa_axum::routes;

pub async fn dashboards(ctx: Ctx) -> Result<Html<String>, PageError> {
    planned_page(
        ctx,
        "Dashboards",
        "Planned: pages that show whether the learning culture works — time to report, MTTD, MTTR, near-miss reports per quarter, repeat incidents and action-item completion, with charts.",
        "These pages are not built yet. The figures themselves are computed and can be read as JSON from GET /api/v1/metrics.",
    )
}

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/dashboards", DASHBOARD_READERS, dashboards),
        Route::api(DASHBOARD_READERS, routes!(api::get_metrics)),
    ]
}
