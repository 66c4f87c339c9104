//! Dashboards: the learning metrics. The query string and the operation
//! the pages and `GET /api/v1/metrics` share are in `query` and `ops`; the
//! leadership and analyst pages and their CSV files in `pages`, drawn with
//! the SVG charts of `charts`, the tables of `table` and the figures in
//! words of `figures`.

pub mod api;
pub mod charts;
pub mod figures;
pub mod ops;
pub mod pages;
pub mod query;
pub mod table;

use crate::platform::authz::DASHBOARD_READERS;
use crate::platform::routes::Route;
use utoipa_axum::routes;

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/dashboards", DASHBOARD_READERS, pages::leadership),
        Route::get("/dashboards/analyst", DASHBOARD_READERS, pages::analyst),
        Route::get(
            "/dashboards/analyst.csv",
            DASHBOARD_READERS,
            pages::analyst_csv,
        ),
        Route::api(DASHBOARD_READERS, routes!(api::get_metrics)),
    ]
}
