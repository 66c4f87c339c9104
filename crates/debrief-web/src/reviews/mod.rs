//! The blameless review workspace (the Five Questions), interview notes, the
//! review API, and the blameless-language checker's web endpoint.

pub mod api;
pub mod form;
pub mod lint;
pub mod ops;
pub mod pages;
pub mod policy;
pub mod save;

use crate::platform::authz::{CASE_READERS, FACILITATORS, REVIEWERS, SignedIn};
use crate::platform::routes::Route;
use utoipa_axum::routes;

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/cases/{id}/review", CASE_READERS, pages::review),
        Route::post("/cases/{id}/review", REVIEWERS, pages::open_review),
        Route::post("/cases/{id}/review/{part}", REVIEWERS, save::review_part),
        Route::post("/cases/{id}/interviews", FACILITATORS, save::interview),
        Route::api(CASE_READERS, routes!(api::get_review)),
        Route::api(REVIEWERS, routes!(api::post_review)),
        Route::api(REVIEWERS, routes!(api::patch_review)),
        Route::api(REVIEWERS, routes!(api::post_review_state)),
        Route::api(SignedIn, routes!(lint::post_lint)),
    ]
}
