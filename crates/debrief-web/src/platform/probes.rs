//! Health probes and the answer to an address no route has.

use crate::AppState;
use crate::platform::{error, shell};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub(crate) async fn fallback(ctx: shell::Ctx, req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        error::ApiError::not_found().into_response()
    } else {
        shell::not_found(ctx).await
    }
}

pub(crate) async fn healthz() -> &'static str {
    "ok"
}

pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
