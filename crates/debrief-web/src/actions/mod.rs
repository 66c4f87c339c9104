//! Action items (pages and API), effectiveness checks, and the notices that
//! remind owners of them.

pub mod api;
pub mod pages;
pub mod policy;
pub mod view;

use crate::platform::authz::{ACTION_MANAGERS, CASE_READERS, SignedIn};
use crate::platform::routes::Route;
use utoipa_axum::routes;

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::post(
            "/cases/{id}/action-items",
            ACTION_MANAGERS,
            pages::create_item,
        ),
        Route::get("/action-items", SignedIn, pages::my_action_items),
        Route::get("/action-items/all", CASE_READERS, pages::all_action_items),
        Route::get("/action-items/{id}", SignedIn, pages::item),
        Route::post("/action-items/{id}", SignedIn, pages::update_item),
        Route::post("/action-items/{id}/check", SignedIn, pages::check_item),
        Route::post("/notices/read", SignedIn, pages::read_notices),
        Route::api(CASE_READERS, routes!(api::case_items)),
        Route::api(ACTION_MANAGERS, routes!(api::post_case_item)),
        Route::api(SignedIn, routes!(api::list_items)),
        Route::api(SignedIn, routes!(api::patch_item)),
    ]
}
