//! The application: every capability's routes registered behind the shared
//! layers (identify, authorize, input edge, body limit, headers, request ids,
//! logging).

use crate::AppState;
use crate::platform::headers::{
    ANONYMOUS_SPAN, REQUEST_ID, anonymous_route, body_limit, loggable_path, request_id,
    security_headers,
};
use crate::platform::probes::fallback;
use crate::platform::routes::{Layers, Route};
use crate::platform::{auth, input};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderName;
use axum::middleware::{self};
use std::collections::HashSet;
use tower_http::request_id::PropagateRequestIdLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Registers routes and refuses, naming them, any declared twice and any API
/// handler whose description is not one method on one path. Returns the
/// routes behind the session, CSRF and logging layers, and the bare ones.
pub fn register(routes: Vec<Route>) -> Result<(Router<AppState>, Router<AppState>), String> {
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    let (mut full, mut bare) = (Router::new(), Router::new());
    for r in routes {
        if r.method.is_empty() {
            problems.push(format!(
                "an API handler at {} is not described as one method on one path",
                r.path
            ));
            continue;
        }
        if !seen.insert((r.method, r.path.clone())) {
            problems.push(format!("{} {} is declared twice", r.method, r.path));
            continue;
        }
        match r.layers {
            Layers::Full => full = full.route(&r.path, r.handler),
            Layers::Bare => bare = bare.route(&r.path, r.handler),
        }
    }
    if problems.is_empty() {
        Ok((full, bare))
    } else {
        Err(format!("routes refused: {}", problems.join("; ")))
    }
}

/// The whole application: every capability's routes, each with its access
/// rule, behind the shared layers.
pub fn app(state: AppState) -> Result<Router, String> {
    let (full, bare) = register(crate::routes())?;
    // route layers run last added first: authorization answers before the
    // input edge looks at the request, so that a caller who may not use a
    // route learns nothing about what it accepts (401/403, never 422)
    let router = full
        .route_layer(middleware::from_fn(input::refuse_control_chars))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::authorize))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), auth::identify))
        .layer(DefaultBodyLimit::max(auth::MAX_BODY))
        .layer(middleware::from_fn(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), security_headers))
        .layer(PropagateRequestIdLayer::new(HeaderName::from_static(REQUEST_ID)))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    // the client address is never logged: anonymous reporters must stay anonymous
                    let path = loggable_path(req.uri().path());
                    if anonymous_route(req.method(), req.uri().path()) {
                        // no request id, and the log formatter writes these lines' times to the minute
                        tracing::info_span!(ANONYMOUS_SPAN, method = %req.method(), path = %path)
                    } else {
                        let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
                        tracing::info_span!("request", id = %id, method = %req.method(), path = %path)
                    }
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(middleware::from_fn(request_id))
        .with_state(state.clone());
    // Probes answer without the session, CSRF and logging layers: they are public,
    // carry no identity and are called often. They are still in the table.
    // timed last, so that the time covers every layer; a layer of the router
    // wraps each route, so the matched route template is known to it
    let metrics = state.ops_metrics.clone();
    Ok(bare
        .with_state(state)
        .merge(router)
        .layer(middleware::from_fn_with_state(
            metrics,
            crate::operations::http::record_latency,
        )))
}
