//! Signing in and out, first-run set-up, the caller's own account page, API
//! tokens, and `/api/v1/me`.

pub mod api;
pub mod ops;
pub mod pages;

use crate::platform::authz::{Anonymous, SignedIn};
use crate::platform::routes::Route;
use utoipa_axum::routes;

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/login", Anonymous, pages::login_form),
        Route::post("/login", Anonymous, pages::login),
        Route::get("/setup/{token}", Anonymous, pages::setup_form),
        Route::post("/setup/{token}", Anonymous, pages::setup),
        Route::post("/logout", SignedIn, pages::logout),
        Route::get("/account", SignedIn, pages::account),
        Route::post("/account/password", SignedIn, pages::change_password),
        Route::post("/account/tokens", SignedIn, pages::create_token),
        Route::post("/account/tokens/{id}/revoke", SignedIn, pages::revoke_token),
        Route::api(SignedIn, routes!(api::me)),
        Route::api(SignedIn, routes!(api::my_tokens)),
        Route::api(SignedIn, routes!(api::create_my_token))
            .limited()
            .hashes(),
        Route::api(SignedIn, routes!(api::revoke_my_token)),
    ]
}
