//! Triage: the queue of new reports, a report's handling page (open a case,
//! attach, mark duplicate, message, close, reveal) and the reports API.

pub mod api;
pub mod ops;
pub mod pages;
pub mod policy;

use crate::platform::authz::{RESPONDERS, SECURITY_LEAD};
use crate::platform::routes::Route;
use utoipa_axum::routes;

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/triage", RESPONDERS, pages::triage),
        Route::get("/triage/{id}", RESPONDERS, pages::triage_report),
        Route::post("/triage/{id}/case", RESPONDERS, pages::triage_open_case),
        Route::post("/triage/{id}/attach", RESPONDERS, pages::triage_attach),
        Route::post(
            "/triage/{id}/duplicate",
            RESPONDERS,
            pages::triage_duplicate,
        ),
        Route::post("/triage/{id}/message", RESPONDERS, pages::triage_message),
        Route::post("/triage/{id}/close", RESPONDERS, pages::triage_close),
        Route::post("/triage/{id}/reveal", SECURITY_LEAD, pages::triage_reveal),
        Route::api(RESPONDERS, routes!(api::list_reports)),
        Route::api(RESPONDERS, routes!(api::get_report)),
        Route::api(RESPONDERS, routes!(api::post_team_message)),
        Route::api(RESPONDERS, routes!(api::close_report)),
        Route::api(RESPONDERS, routes!(api::duplicate_report)),
        Route::api(RESPONDERS, routes!(api::attach_report)),
        Route::api(SECURITY_LEAD, routes!(api::reveal_reporter)),
    ]
}
