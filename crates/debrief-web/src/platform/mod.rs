//! What every capability stands on: identifying the caller (sessions, tokens,
//! CSRF), the authorization table, errors, throttles, client addresses, the
//! input edge, assets, security headers and request ids, the serve loop, and
//! the page shell every page is drawn in.

pub mod api;
pub mod api_responses;
pub mod api_schema;
pub mod app;
pub mod assets;
pub mod audit_denials;
pub mod auth;
pub mod authz;
pub mod client_addr;
pub mod conversation;
pub mod error;
pub mod form;
pub mod headers;
pub mod home;
pub mod input;
pub mod limiter;
pub mod passwords;
pub mod planned;
pub mod probes;
pub mod routes;
pub mod serve;
pub mod shell;

use crate::platform::authz::{Public, SignedIn};
use routes::Route;

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/healthz", Public, probes::healthz).bare(),
        Route::get("/readyz", Public, probes::readyz).bare(),
        Route::get("/assets/{file}", Public, assets::asset),
        Route::get("/api/openapi.json", Public, api::openapi),
        Route::get("/", SignedIn, home::home),
    ]
}
