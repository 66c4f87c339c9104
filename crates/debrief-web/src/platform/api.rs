//! The JSON API under `/api/v1`, documented by the OpenAPI document at
//! `/api/openapi.json`, which utoipa generates from these handlers.

use crate::accounts::api::{MeOut, NewTokenIn, NewTokenOut, TokenOut, UserOut};
use crate::admin::api::{JobOut, NewTeamIn, NewUserIn, RolesIn, StatusIn, TeamOut};
use crate::platform::error::{ApiError, Problem};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Query, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use debrief_core::audit::AuditEntry;
use debrief_core::{FieldError, Role, Validation};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// JSON body extractor whose failures are problem documents: malformed JSON is
/// 400, a body of the wrong shape 422, a body over 1 MiB 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("Malformed JSON: {}", e.body_text()),
            )),
            Err(JsonRejection::JsonDataError(e)) => {
                let text = e.body_text();
                let field = text.split('`').nth(1).unwrap_or("body").to_string();
                Err(ApiError::invalid(vec![FieldError {
                    field,
                    message: text,
                }]))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send JSON with Content-Type: application/json.",
            )),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The body is larger than 1 MiB.",
            )),
            Err(e) => Err(ApiError::new(e.status(), e.body_text())),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// How many items to return: default 50, at most 1000.
    pub limit: Option<i64>,
    /// How many items to skip.
    pub offset: Option<i64>,
}

impl ListQuery {
    pub fn bounds(&self) -> Result<(i64, i64), ApiError> {
        let limit = self.limit.unwrap_or(50);
        let offset = self.offset.unwrap_or(0);
        let mut v = Validation::new();
        if !(1..=1000).contains(&limit) {
            v.add("limit", "Between 1 and 1000.");
        }
        if offset < 0 {
            v.add("offset", "Zero or more.");
        }
        v.finish().map_err(ApiError::invalid)?;
        Ok((limit, offset))
    }
}

/// Query strings that fail to parse are 422 with the field named.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| {
                ApiError::invalid(vec![FieldError {
                    field: "query".into(),
                    message: e.body_text(),
                }])
            })
    }
}

#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Debrief API", description = "Incident response as a learning system. Authenticate with `Authorization: Bearer TOKEN` or the browser session. Errors are RFC 9457 problem documents."),
    paths(crate::accounts::api::me, crate::accounts::api::my_tokens, crate::accounts::api::create_my_token, crate::accounts::api::revoke_my_token, crate::admin::api::list_users, crate::admin::api::get_user, crate::admin::api::post_user, crate::admin::api::put_roles, crate::admin::api::put_status, crate::admin::api::list_teams, crate::admin::api::post_team, crate::admin::api::list_audit, crate::admin::api::list_jobs,
        crate::reporting::api::create_report, crate::reporting::api::get_receipt, crate::reporting::api::post_receipt_message, crate::reporting::api::get_proof,
        crate::triage::api::list_reports, crate::triage::api::get_report, crate::triage::api::post_team_message, crate::triage::api::close_report,
        crate::triage::api::duplicate_report, crate::triage::api::attach_report, crate::triage::api::reveal_reporter,
        crate::cases::api::create_case, crate::cases::api::list_cases, crate::cases::api::get_case, crate::cases::api::post_transition,
        crate::cases::api::post_timeline, crate::cases::api::put_times, crate::cases::api::patch_case,
        crate::reviews::api::get_review, crate::reviews::api::post_review, crate::reviews::api::patch_review, crate::reviews::api::post_review_state,
        crate::actions::api::case_items, crate::actions::api::post_case_item, crate::actions::api::list_items, crate::actions::api::patch_item,
        crate::reviews::lint::post_lint),
    components(schemas(Problem, FieldError, UserOut, MeOut, TokenOut, NewTokenIn, NewTokenOut, NewUserIn, RolesIn, StatusIn, TeamOut, NewTeamIn, AuditEntry, JobOut, Role)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

pub async fn openapi() -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(json) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            json,
        )
            .into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}
