//! Triage: the queue of new reports, a report's handling page (open a case,
//! attach, mark duplicate, message, close, reveal) and the reports API.

pub mod api;
pub mod ops;
pub mod pages;
