//! The learning library of published reviews, and review exports (Markdown,
//! HTML, PDF) of a case's review and of a published one.

pub mod export;
pub mod pages;

use crate::platform::authz::{CASE_READERS, SignedIn};
use crate::platform::routes::Route;

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/cases/{id}/review/export",
            CASE_READERS,
            export::case_export,
        ),
        Route::get("/library", SignedIn, pages::library),
        Route::get("/library/{id}", SignedIn, pages::library_review),
        Route::get("/library/{id}/export", SignedIn, export::library_export),
    ]
}
