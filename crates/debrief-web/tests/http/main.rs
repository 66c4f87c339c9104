//! The HTTP integration suite: the real server on a random port, against a
//! throwaway database on the engine `DEBRIEF_TEST_DB` names (sqlite by
//! default, or postgres), called as a browser and as an API client. One test
//! binary, one module per area; the harness is the `debrief-testkit` crate.

mod action_items;
mod authz_matrix;
mod cases;
mod dashboards;
mod defects_audit;
mod defects_errors;
mod defects_input;
mod defects_leaks;
mod defects_throttle;
mod defects_ui;
mod http;
mod library;
mod metrics;
mod openapi;
mod operations;
mod reports;
mod reviews;
mod server;
mod support;
