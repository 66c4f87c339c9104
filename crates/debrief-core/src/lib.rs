//! Debrief's domain rules: roles, validation, the audit chain, job back-off.
//! Pure code: no I/O, no async, no database.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod audit;
pub mod jobs;
pub mod secret;
pub mod role;
pub mod validate;

pub use role::{Role, RoleSet};
pub use validate::{FieldError, Validation};
