//! Action items (pages and API), effectiveness checks, and the notices that
//! remind owners of them.

pub mod api;
pub mod ops;
pub mod pages;
pub mod policy;
