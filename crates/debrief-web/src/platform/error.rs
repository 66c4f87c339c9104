//! The errors a request can end in: RFC 9457 problem documents for the JSON API,
//! HTML pages for people. Internal causes are logged, never shown.
//!
//! This is the one place where the core's field errors and the store's typed
//! errors become answers: a broken rule is 422 naming its fields; a duplicate
//! (`StoreError::Unique`), a state that does not allow the change
//! (`StoreError::State`), a stale version and an illegal transition are 409;
//! a missing object is 404. API handlers return these with `?`; page handlers
//! show a form again with [`refusal`]'s messages, or the error page.

use crate::platform::auth::HashError;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use debrief_core::case::TransitionError;
use debrief_core::{FieldError, Validation};
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

/// What a person is told when a value that must be unique is taken.
pub fn unique_message(table: &str, field: &str) -> String {
    match (table, field) {
        ("users", "email") => "An account with this email exists already.".into(),
        ("teams", "name") => "A team with this name exists already.".into(),
        ("factor_categories", "label") => "A category with this name exists already.".into(),
        ("team_members", _) => "That person is in this team already.".into(),
        ("reviews", "case_id") => "This case has a review already.".into(),
        _ => format!("This {} is taken already.", field.replace('_', " ")),
    }
}

/// A transition the lifecycle refuses: 409 when the step is not allowed, 422
/// naming `at` or `reason` when the time or the reason given is wrong.
fn transition_refusal(e: TransitionError) -> (StatusCode, Vec<FieldError>) {
    let field = match e {
        TransitionError::Illegal { .. } => "",
        TransitionError::InFuture | TransitionError::BeforePrevious { .. } => "at",
        TransitionError::ReasonRequired => "reason",
    };
    let status = if field.is_empty() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, vec![field_error(field, e.to_string())])
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// A store error that the sender can act on: the status to answer and what
/// to say, each message under the field it concerns (`""` when it concerns the
/// request as a whole). `None` for failures on our side, and for "not found".
fn refusal_of(e: &StoreError) -> Option<(StatusCode, Vec<FieldError>)> {
    Some(match e {
        StoreError::Unique { table, field } => (
            StatusCode::CONFLICT,
            vec![field_error(field, unique_message(table, field))],
        ),
        StoreError::Rule { field, message } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![field_error(field, message.clone())],
        ),
        StoreError::State(m) | StoreError::Invalid(m) => {
            (StatusCode::CONFLICT, vec![field_error("", m.clone())])
        }
        StoreError::ForeignKey => (
            StatusCode::CONFLICT,
            vec![field_error(
                "",
                "This refers to something that does not exist, or something else still refers to it.",
            )],
        ),
        StoreError::Transition(t) => transition_refusal(t.clone()),
        _ => return None,
    })
}

/// A refusal the sender can correct, as a form shows it.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub errors: Vec<FieldError>,
}

impl Refusal {
    /// Every message in one line.
    pub fn message(&self) -> String {
        debrief_core::validate::summary(&self.errors)
    }
    /// The messages as a form's field errors.
    pub fn validation(self) -> Validation {
        Validation {
            errors: self.errors,
        }
    }
}

/// Shows `e` with `show` (the page with the form again and the refusal's
/// messages), or the error page for a failure the sender cannot correct.
pub async fn show_refusal<F, Fut>(e: StoreError, show: F) -> Response
where
    F: FnOnce(Refusal) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    match refusal(e) {
        Ok(r) => show(r).await,
        Err(page) => page.into_response(),
    }
}

/// A broken rule of the core's, as a form shows it: 422.
impl From<Vec<FieldError>> for Refusal {
    fn from(errors: Vec<FieldError>) -> Self {
        Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
        }
    }
}

/// A store error as a form shows it again (`Ok`), or the error page for a
/// failure the sender cannot correct (`Err`).
pub fn refusal(e: StoreError) -> Result<Refusal, PageError> {
    match refusal_of(&e) {
        Some((status, errors)) => Ok(Refusal { status, errors }),
        None => Err(PageError::from(e)),
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if let Some((status, errors)) = refusal_of(&e) {
            // a refusal that concerns the request as a whole is its detail
            let (detail, errors): (Vec<_>, Vec<_>) =
                errors.into_iter().partition(|e| e.field.is_empty());
            let detail = match detail.into_iter().next() {
                Some(d) => d.message,
                None if status == StatusCode::CONFLICT => "That already exists.".into(),
                None => "Some fields are not valid.".into(),
            };
            return ApiError {
                status,
                detail,
                errors,
                retry_after: None,
            };
        }
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Unavailable(m) => {
                tracing::error!(error = %m, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The database is not answering; try again shortly.",
                )
            }
            StoreError::Conflict => ApiError::new(
                StatusCode::CONFLICT,
                "Someone else changed this since you read it; read it again and reapply your change with the new version.",
            ),
            other => ApiError::internal(other),
        }
    }
}

/// Seconds a caller is asked to wait when every password-hashing slot is busy.
const HASH_RETRY_S: u64 = 5;
const HASH_BUSY: &str = "The server is busy checking passwords; try again in a few seconds.";

impl From<HashError> for ApiError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, HASH_BUSY)
                .with_retry_after(Some(HASH_RETRY_S)),
            HashError::Failed(cause) => ApiError::internal(cause),
        }
    }
}

impl From<HashError> for PageError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy => PageError::new(StatusCode::SERVICE_UNAVAILABLE, HASH_BUSY),
            HashError::Failed(cause) => PageError::internal(cause),
        }
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        ApiError::invalid(errors)
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
        if let Some((status, errors)) = refusal_of(&e) {
            return PageError::new(status, Refusal { status, errors }.message());
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: &ApiError) -> Vec<&str> {
        e.errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn store_refusals_become_409_or_422_naming_the_field() {
        let dup = ApiError::from(StoreError::Unique {
            table: "teams",
            field: "name",
        });
        assert_eq!(dup.status, StatusCode::CONFLICT);
        assert_eq!(fields(&dup), ["name"]);
        assert_eq!(
            dup.errors[0].message,
            "A team with this name exists already."
        );

        let rule = ApiError::from(StoreError::rule(
            "lead_id",
            "The lead must be an active account.",
        ));
        assert_eq!(rule.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&rule), ["lead_id"]);

        let state = ApiError::from(StoreError::State(
            "Only new reports can be marked as duplicates.".into(),
        ));
        assert_eq!(state.status, StatusCode::CONFLICT);
        assert!(state.errors.is_empty());
        assert!(state.detail.contains("Only new reports"));

        let illegal = ApiError::from(StoreError::Transition(TransitionError::Illegal {
            from: debrief_core::case::Status::Triage,
            to: debrief_core::case::Status::Published,
            allowed: vec![debrief_core::case::Status::Investigating],
        }));
        assert_eq!(illegal.status, StatusCode::CONFLICT);
        assert!(illegal.detail.contains("allowed: investigating"));
        let late = ApiError::from(StoreError::Transition(TransitionError::ReasonRequired));
        assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&late), ["reason"]);

        assert_eq!(
            ApiError::from(StoreError::ForeignKey).status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            ApiError::from(StoreError::NotFound).status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            ApiError::from(StoreError::Sql("syntax".into())).status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn busy_password_hashing_is_503_with_a_retry() {
        let api = ApiError::from(HashError::Busy);
        assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(api.retry_after, Some(HASH_RETRY_S));
        let page = PageError::from(HashError::Busy);
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            ApiError::from(HashError::Failed("argon2".into())).status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn forms_get_the_same_refusal_and_failures_get_the_error_page() {
        let r = refusal(StoreError::Unique {
            table: "users",
            field: "email",
        })
        .unwrap();
        assert_eq!(r.status, StatusCode::CONFLICT);
        let v = r.validation();
        assert_eq!(
            v.message_for("email"),
            Some("An account with this email exists already.")
        );
        let page = refusal(StoreError::Decode("column x".into())).unwrap_err();
        assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!page.message.contains("column x"));
        assert_eq!(
            refusal(StoreError::NotFound).unwrap_err().status,
            StatusCode::NOT_FOUND
        );
    }
}
