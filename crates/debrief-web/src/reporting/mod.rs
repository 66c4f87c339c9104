//! Reporting: the report form and the intake API, receipts and the anonymous
//! reporter's follow-up through them, proofs and their checking (`/verify`),
//! and a signed-in reporter's own reports (`/my-reports`).

pub mod api;
pub mod intake;
pub mod messages;
pub mod my_reports;
pub mod pages;
pub mod proofs;
pub mod receipts;
pub mod verify;
