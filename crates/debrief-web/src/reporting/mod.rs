//! Reporting: the report form and the intake API, receipts and the anonymous
//! reporter's follow-up through them, proofs and their checking (`/verify`),
//! and a signed-in reporter's own reports (`/my-reports`).

pub mod api;
pub mod intake;
pub mod my_reports;
pub mod pages;
pub mod proofs;
pub mod receipts;
pub mod verify;

use crate::platform::authz::{Public, SignedIn};
use crate::platform::routes::Route;
use utoipa_axum::routes;

/// The routes of this capability: method, path, access and handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/report", Public, pages::report_form),
        Route::post("/report", Public, pages::submit_report),
        Route::get("/receipt", Public, receipts::receipt_form),
        Route::post("/receipt", Public, receipts::receipt_show),
        Route::post("/receipt/reply", Public, receipts::receipt_reply),
        Route::post("/receipt/proof", Public, receipts::receipt_proof),
        Route::get("/verify", Public, verify::verify_form),
        Route::post("/verify", Public, verify::verify),
        Route::get("/my-reports", SignedIn, my_reports::my_reports),
        Route::post(
            "/my-reports/{id}/messages",
            SignedIn,
            my_reports::my_report_message,
        ),
        Route::get(
            "/my-reports/{id}/proof",
            SignedIn,
            my_reports::my_report_proof,
        ),
        Route::api(Public, routes!(api::create_report)).limited(),
        Route::api(Public, routes!(api::get_receipt)).limited(),
        Route::api(Public, routes!(api::post_receipt_message)).limited(),
        Route::api(Public, routes!(api::get_proof)).limited(),
    ]
}
