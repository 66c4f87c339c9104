//! The errors a request can end in: RFC 9457 problem documents for the JSON API,
//! HTML pages for people. Internal causes are logged, never shown.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use debrief_core::FieldError;
use debrief_store::StoreError;
use serde::Serialize;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Seconds for `Retry-After` (429 and 503 answers).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }
    pub fn with_retry_after(mut self, secs: Option<u64>) -> Self {
        self.retry_after = secs;
        self
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "There is nothing at this address.")
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Sign in or send a valid API token (Authorization: Bearer …).",
        )
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "Your roles do not allow this.")
    }
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "Some fields are not valid.".into(),
            errors,
            retry_after: None,
        }
    }
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side; it has been logged.",
        )
    }
}

pub fn problem_response(status: StatusCode, detail: String, errors: Vec<FieldError>) -> Response {
    let body = Problem {
        type_: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("Error").into(),
        status: status.as_u16(),
        detail,
        errors,
    };
    let json = serde_json::to_vec(&body).unwrap_or_default();
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        json,
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = self.retry_after;
        let mut resp = problem_response(self.status, self.detail, self.errors);
        crate::platform::auth::mark_retry(&mut resp, retry);
        resp
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Unique(_) => ApiError::new(StatusCode::CONFLICT, "That already exists."),
            StoreError::Unavailable(m) => {
                tracing::error!(error = %m, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The database is not answering; try again shortly.",
                )
            }
            StoreError::Invalid(m) => ApiError::new(StatusCode::CONFLICT, m),
            StoreError::Conflict => ApiError::new(
                StatusCode::CONFLICT,
                "Someone else changed this since you read it; read it again and reapply your change with the new version.",
            ),
            other => ApiError::internal(other),
        }
    }
}

/// An error page for people.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
}

impl PageError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "There is nothing at this address. Check the link, or use the navigation above.",
        )
    }
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side; it has been logged. Please try again.",
        )
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => PageError::not_found(),
            StoreError::Conflict => PageError::new(
                StatusCode::CONFLICT,
                "Someone else changed this while you were working on it. Go back, reload and apply your change again.",
            ),
            StoreError::Unavailable(m) => {
                tracing::error!(error = %m, "database unavailable");
                PageError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The database is not answering; please try again shortly.",
                )
            }
            other => PageError::internal(other),
        }
    }
}

/// What a form page tells its user when the store refuses a change: the
/// refusal in words, shown on the page again, or the error page for a real
/// failure.
pub fn store_refusal(e: StoreError) -> Result<String, PageError> {
    match e {
        StoreError::Invalid(m) => Ok(m),
        StoreError::NotFound => Ok("That does not exist.".into()),
        other => Err(PageError::from(other)),
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError::internal(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        crate::platform::shell::error_page(self.status, &self.message)
    }
}
