//! What every JSON API route shares (body and query extractors, paging, times
//! as RFC 3339), and the OpenAPI document at `/api/openapi.json`, built from
//! the route declarations.

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
use std::sync::LazyLock;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// JSON body extractor whose failures are problem documents: malformed JSON is
/// 400, a body of the wrong shape 422 naming the field, a body over 1 MiB 413.
/// The body must be a JSON object; a number with a zero fraction (`3.0`) is the
/// whole number it equals, as JSON Schema has it.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mut value = match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) => v,
            Err(e) => return Err(json_rejection(e)),
        };
        if !value.is_object() {
            return Err(ApiError::invalid(vec![FieldError {
                field: "body".into(),
                message: "Send a JSON object.".into(),
            }]));
        }
        whole_numbers(&mut value);
        let bytes = serde_json::to_vec(&value).map_err(ApiError::internal)?;
        Json::<T>::from_bytes(&bytes)
            .map(|Json(v)| ApiJson(v))
            .map_err(json_rejection)
    }
}

/// Numbers such as `3.0` become `3`.
fn whole_numbers(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f >= i64::MIN as f64
                && f < i64::MAX as f64
            {
                *v = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// The field a serde error names: "…target type: due_date: invalid type…" or
/// "unknown field `x`, expected …" or "missing field `x`".
fn named_field(text: &str) -> String {
    let rest = text
        .split_once("target type: ")
        .map(|(_, r)| r)
        .unwrap_or(text);
    if let Some((_, r)) = rest.split_once("field `")
        && let Some((f, _)) = r.split_once('`')
    {
        return f.to_string();
    }
    match rest.split_once(": ") {
        Some((path, _)) if !path.contains(' ') => {
            path.split(['.', '[']).next().unwrap_or("body").to_string()
        }
        _ => "body".into(),
    }
}

fn json_rejection(e: JsonRejection) -> ApiError {
    match e {
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("Malformed JSON: {}", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => {
            let text = e.body_text();
            ApiError::invalid(vec![FieldError {
                field: named_field(&text),
                message: text,
            }])
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send JSON with Content-Type: application/json.",
        ),
        e if e.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The body is larger than 1 MiB.",
        ),
        e => ApiError::new(e.status(), e.body_text()),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// How many items to return: default 50, at most 1000.
    #[param(minimum = 1, maximum = 1000)]
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// How many items to skip.
    #[param(minimum = 0)]
    #[param(minimum = 0)]
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

/// Path parameters that fail to parse are 422 problem documents naming the
/// parameter (an id that is not a number, or too large for one).
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for ApiPath<T>
{
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        use axum::extract::rejection::PathRejection;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let message = e.body_text();
                let field = match e.kind() {
                    ErrorKind::ParseErrorAtKey { key, .. }
                    | ErrorKind::InvalidUtf8InPathParam { key } => key.clone(),
                    ErrorKind::DeserializeError { key, .. } => key.clone(),
                    // a single parameter: the route's only one
                    _ => axum::extract::RawPathParams::from_request_parts(parts, state)
                        .await
                        .ok()
                        .and_then(|ps| ps.iter().next().map(|(k, _)| k.to_string()))
                        .unwrap_or_else(|| "path".into()),
                };
                Err(ApiError::invalid(vec![FieldError { field, message }]))
            }
            Err(e) => Err(ApiError::internal(e.body_text())),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

pub use debrief_core::times::rfc3339;

/// The document's frame: its description, the schemas every route shares and
/// bearer authentication. The operations come from the route declarations
/// ([`document`]).
#[derive(OpenApi)]
#[openapi(
    info(title = "Debrief API", description = "Incident response as a learning system. Authenticate with `Authorization: Bearer TOKEN` or the browser session. Errors are RFC 9457 problem documents."),
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

/// The OpenAPI document: the frame above and every API route's description,
/// taken from the same declarations the router registers ([`crate::routes`]).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for route in crate::routes() {
        let Some(api) = route.doc else { continue };
        for (path, mut item) in api.paths.paths {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                crate::platform::api_schema::tighten_query(op, &path);
                crate::platform::api_responses::complete(op, &path, route.access, api.answers);
            }
            match doc.paths.paths.get_mut(&path) {
                Some(it) => it.merge_operations(item),
                None => {
                    doc.paths.paths.insert(path, item);
                }
            }
        }
        doc.components
            .get_or_insert_with(Default::default)
            .schemas
            .extend(api.schemas);
    }
    if let Some(c) = doc.components.as_mut() {
        crate::platform::api_schema::tighten(c);
    }
    doc
}

/// The document as served, made once.
static DOCUMENT: LazyLock<Result<String, String>> =
    LazyLock::new(|| document().to_json().map_err(|e| e.to_string()));

pub async fn openapi() -> Response {
    match &*DOCUMENT {
        Ok(json) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            json.clone(),
        )
            .into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_error_names_its_field() {
        assert_eq!(
            named_field(
                "Failed to deserialize the JSON body into the target type: report_ids[0]: invalid type: string \"x\", expected i64 at line 1 column 9"
            ),
            "report_ids"
        );
        assert_eq!(
            named_field(
                "Failed to deserialize the JSON body into the target type: unknown field `colour`, expected `title` at line 1 column 9"
            ),
            "colour"
        );
        assert_eq!(
            named_field(
                "Failed to deserialize the JSON body into the target type: missing field `title` at line 1 column 2"
            ),
            "title"
        );
    }

    #[test]
    fn whole_numbers_become_integers() {
        let mut v = serde_json::json!({"a": 3.0, "b": [2.0, 2.5], "c": {"d": -1.0}});
        whole_numbers(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": 3, "b": [2, 2.5], "c": {"d": -1}})
        );
    }
}
