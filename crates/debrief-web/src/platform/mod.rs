//! What every capability stands on: identifying the caller (sessions, tokens,
//! CSRF), the authorization table, errors, throttles, client addresses, the
//! input edge, assets, security headers and request ids, the serve loop, and
//! the page shell every page is drawn in.

pub mod api;
pub mod assets;
pub mod audit_denials;
pub mod auth;
pub mod authz;
pub mod client_addr;
pub mod error;
pub mod headers;
pub mod home;
pub mod input;
pub mod limiter;
pub mod old_app;
pub mod passwords;
pub mod planned;
pub mod probes;
pub mod serve;
pub mod shell;
