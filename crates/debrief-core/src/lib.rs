//! Debrief's domain rules: roles, validation, the audit chain, job back-off.
//! Pure code: no I/O, no async, no database.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod account;
pub mod action;
pub mod audit;
pub mod case;
pub mod duration;
pub mod intake;
pub mod jobs;
pub mod keys;
pub mod lint;
pub mod metrics;
pub mod report;
pub mod review;
pub mod review_edit;
pub mod role;
pub mod secret;
pub mod times;
pub mod validate;

pub use role::{Role, RoleSet};
pub use validate::{FieldError, Validation};
