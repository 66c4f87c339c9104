//! Cases: the list, a case's page (details, times, timeline, lifecycle) and the
//! cases API.

pub mod api;
pub mod ops;
pub mod pages;
pub mod policy;
pub mod recurrence;
pub mod times;

use crate::platform::authz::{CASE_READERS, RESPONDERS, SECURITY_LEAD};
use crate::platform::routes::Route;
use utoipa_axum::routes;

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/cases", CASE_READERS, pages::cases),
        Route::post("/cases", RESPONDERS, pages::create_case),
        Route::get("/cases/{id}", CASE_READERS, pages::case),
        Route::post("/cases/{id}/details", RESPONDERS, pages::case_details),
        Route::post("/cases/{id}/times", RESPONDERS, pages::case_times),
        Route::post("/cases/{id}/transition", RESPONDERS, pages::case_transition),
        Route::post("/cases/{id}/timeline", RESPONDERS, pages::case_timeline),
        Route::post("/cases/{id}/drill", SECURITY_LEAD, pages::case_drill),
        Route::api(CASE_READERS, routes!(api::list_cases)),
        Route::api(CASE_READERS, routes!(api::get_case)),
        Route::api(RESPONDERS, routes!(api::patch_case)),
        Route::api(RESPONDERS, routes!(api::post_transition)),
        Route::api(RESPONDERS, routes!(api::post_timeline)),
        Route::api(RESPONDERS, routes!(api::put_times)),
        Route::api(RESPONDERS, routes!(api::create_case)),
    ]
}
