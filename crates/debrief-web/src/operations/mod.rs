//! Operations: what the people running Debrief watch. `GET /metrics` in the
//! Prometheus (or OpenMetrics) text format, served only on a listener of its own
//! (`serve --metrics-listen ADDR`), which serves nothing of the product; the
//! product's listener answers `/metrics` with 404, as operational data is not
//! for everyone who can reach the product. Who may scrape is decided by who
//! can reach that address (bind it to loopback or a private network).
//!
//! The listener has one route and no accounts, so it is not in the
//! authorization table, which is the product listener's: nothing of the
//! product is reachable through it (a test checks that every other path is
//! 404 there).

pub mod exposition;
pub mod http;

use crate::AppState;
use crate::platform::serve::serve_router;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;

pub use http::ServerMetrics;

/// The path the operations listener serves.
pub const METRICS_PATH: &str = "/metrics";

#[derive(Clone)]
struct Scrape {
    state: AppState,
    job_kinds: Arc<[String]>,
    /// One scrape reads the database at a time; others wait their turn, so
    /// that a flood of scrapes cannot occupy every database connection.
    one_at_a_time: Arc<tokio::sync::Mutex<()>>,
}

/// The operations listener's application: `GET /metrics` (and `HEAD`), and
/// 404 for every other path. `job_kinds` are the job kinds this server runs.
pub fn metrics_app(state: AppState, job_kinds: Vec<String>) -> Router {
    Router::new()
        .route(METRICS_PATH, get(scrape))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .with_state(Scrape {
            state,
            job_kinds: job_kinds.into(),
            one_at_a_time: Arc::new(tokio::sync::Mutex::new(())),
        })
}

/// Serves [`metrics_app`] until `shutdown` resolves, with the product
/// listener's timeouts and cap on connections.
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    state: AppState,
    job_kinds: Vec<String>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    serve_router(listener, metrics_app(state, job_kinds), shutdown).await;
}

async fn scrape(State(s): State<Scrape>, headers: HeaderMap) -> Response {
    let format =
        exposition::Format::from_accept(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    let (counts, now) = {
        let _turn = s.one_at_a_time.lock().await;
        let now = debrief_store::now_ms();
        (s.state.store.operational_counts(now).await, now)
    };
    let counts = match counts {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: cannot read the database");
            None
        }
    };
    match exposition::render(
        format,
        counts.as_ref(),
        &s.state.ops_metrics,
        &s.job_kinds,
        now,
    ) {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, format.content_type()),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics: cannot write the document");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot write the metrics\n",
            )
                .into_response()
        }
    }
}
