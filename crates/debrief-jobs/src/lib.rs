//! Debrief's background jobs: the runner that claims and runs them, and the jobs
//! themselves. Jobs use the core and the store, never the web crate's routes.
//!
//! - [`runner`]: several jobs at once with a limit per kind, leases renewed while
//!   a job runs, wake-ups on enqueue (an in-process signal; PostgreSQL
//!   `LISTEN/NOTIFY` across processes) and when a job falls due, polling only as
//!   a fallback.
//! - [`standard`]: the jobs `debrief serve` runs (action-item reminders, the
//!   clean-up of ended sessions).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod runner;
pub mod standard;

pub use runner::{Config, Kind, Runner, Status};
