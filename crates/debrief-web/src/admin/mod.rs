//! Administration: users, teams, settings, the audit log, background jobs and
//! the contributing-factor taxonomy, as pages and API.

pub mod api;
pub mod ops;
pub mod pages;
pub mod users;

use crate::platform::authz::{ADMIN, AUDITORS, SignedIn};
use crate::platform::routes::Route;
use utoipa_axum::routes;

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/settings", ADMIN, pages::settings_form),
        Route::post("/admin/settings", ADMIN, pages::save_settings),
        Route::post("/admin/settings/time-zone", ADMIN, pages::save_time_zone),
        Route::get("/admin/users", ADMIN, users::users),
        Route::post("/admin/users", ADMIN, users::add_user),
        Route::get("/admin/users/{id}", ADMIN, users::user),
        Route::post("/admin/users/{id}/roles", ADMIN, users::set_user_roles),
        Route::post("/admin/users/{id}/status", ADMIN, users::set_user_status),
        Route::post("/admin/users/{id}/teams", ADMIN, users::set_user_teams),
        Route::get("/admin/teams", ADMIN, users::teams),
        Route::post("/admin/teams", ADMIN, users::add_team),
        Route::get("/admin/audit", AUDITORS, pages::audit),
        Route::get("/admin/jobs", ADMIN, pages::jobs),
        Route::get("/admin/factors", ADMIN, pages::factors),
        Route::post("/admin/factors", ADMIN, pages::add_factor),
        Route::api(ADMIN, routes!(api::list_users)),
        Route::api(ADMIN, routes!(api::post_user)).hashes(),
        Route::api(ADMIN, routes!(api::get_user)),
        Route::api(ADMIN, routes!(api::put_roles))
            .limited()
            .hashes(),
        Route::api(ADMIN, routes!(api::put_status)),
        Route::api(SignedIn, routes!(api::list_teams)),
        Route::api(ADMIN, routes!(api::post_team)),
        Route::api(AUDITORS, routes!(api::list_audit)),
        Route::api(ADMIN, routes!(api::list_jobs)),
    ]
}
