//! Debrief's web server: HTML pages, the JSON API, authentication and the
//! authorization table and operations endpoints.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod accounts;
pub mod actions;
pub mod admin;
pub mod cases;
pub mod conduct;
pub mod dashboards;
pub mod library;
pub mod operations;
pub mod platform;
pub mod programme;
pub mod reporting;
pub mod reviews;
pub mod triage;

// Paths used by the binary and the integration tests.
pub use library::export;
pub use platform::app::app;
pub use platform::headers::{
    ANONYMOUS_SPAN, REQUEST_ID, acceptable_request_id, anonymous_route, loggable_path,
};
pub use platform::serve::{
    BODY_READ_TIMEOUT, HEADER_READ_TIMEOUT, MAX_CONNECTIONS, SHUTDOWN_GRACE, serve,
};
pub use platform::{
    assets, audit_denials, auth, authz, client_addr, error, input, limiter, passwords,
};

use debrief_store::Store;
use reviews::lint as lint_web;
use std::sync::Arc;

/// Every route of the application: each capability's declarations (method,
/// path, access and handler side by side), concatenated. The router, the
/// authorization table ([`authz::ROUTES`]) and the OpenAPI document are all
/// made from this list.
pub fn routes() -> Vec<platform::routes::Route> {
    [
        platform::routes(),
        accounts::routes(),
        reporting::routes(),
        triage::routes(),
        cases::routes(),
        reviews::routes(),
        library::routes(),
        actions::routes(),
        admin::routes(),
        dashboards::routes(),
        programme::routes(),
        conduct::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies Secure even without `X-Forwarded-Proto: https` (behind TLS).
    pub secure_cookies: bool,
    /// Peers whose `X-Forwarded-For` names the client (the TLS proxy in front).
    pub trusted_proxies: Vec<client_addr::Cidr>,
    /// Rates of the public routes' token buckets.
    pub limits: limiter::Limits,
}

/// What every handler shares. Cheap to clone: one reference count, however
/// many parts it holds (each layer and extractor clones it for every request).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Changing a part (tests adjust the state before serving) leaves the other
/// clones as they were.
impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }
}

#[derive(Clone)]
pub struct Shared {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub keys: Arc<debrief_core::keys::Keys>,
    /// Anonymous intake and failed receipt look-ups per client address, in
    /// memory only (never stored).
    pub limiter: Arc<limiter::Limiter>,
    /// The blameless-language checker with the accounts as its people directory.
    pub linter: Arc<lint_web::LinterCache>,
    /// Denied requests counted per actor and route between audit entries.
    pub denials: Arc<audit_denials::Denials>,
    /// Request latency and the start time, for the operations listener's `/metrics`.
    pub ops_metrics: Arc<operations::ServerMetrics>,
}

impl AppState {
    pub fn new(store: Store, keys: debrief_core::keys::Keys, config: WebConfig) -> AppState {
        AppState(Arc::new(Shared {
            store,
            limiter: Arc::new(limiter::Limiter::new(config.limits)),
            config: Arc::new(config),
            keys: Arc::new(keys),
            linter: Arc::new(lint_web::LinterCache::default()),
            denials: Arc::new(audit_denials::Denials::default()),
            ops_metrics: Arc::new(operations::ServerMetrics::default()),
        }))
    }
}
