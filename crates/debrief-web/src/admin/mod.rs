//! Administration: users, teams, settings, the audit log, background jobs and
//! the contributing-factor taxonomy, as pages and API.

pub mod api;
pub mod ops;
pub mod pages;
pub mod users;
