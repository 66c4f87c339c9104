//! Signing in and out, first-run set-up, the caller's own account page, API
//! tokens, and `/api/v1/me`.

pub mod api;
pub mod ops;
pub mod pages;
