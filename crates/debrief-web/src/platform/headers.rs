//! Security headers, request ids, the body limit, and what is logged of a
//! request path (never a secret, and anonymous routes to the minute only).

use crate::AppState;
use crate::platform::{auth, error, shell};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Paths that carry a secret in the URL (set-up links, receipt codes).
const SECRET_PATH_PREFIXES: &[&str] = &["/setup/", "/api/v1/receipts/", "/receipt/"];

/// The path as logged: secrets in the path are replaced by `***`; the query
/// string is never logged.
pub fn loggable_path(path: &str) -> String {
    for prefix in SECRET_PATH_PREFIXES {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map(|i| &rest[i..]).unwrap_or("");
            return format!("{prefix}***{tail}");
        }
    }
    path.to_string()
}

pub const REQUEST_ID: &str = "x-request-id";

/// The name of the log span of anonymous intake and receipt routes; lines
/// inside it carry no request id and a time to the minute only.
pub const ANONYMOUS_SPAN: &str = "anonymous_request";

/// The routes an anonymous reporter uses: the report form and its submission,
/// and every receipt route. Whatever mode the report turns out to be, the
/// decision has to be made before the body is read, so these routes are
/// handled as anonymous for everyone: their log lines are timed to the minute,
/// carry no request id, and a signed-in caller's session or token is not
/// marked as used.
pub fn anonymous_route(method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    let path = path.trim_end_matches('/');
    match path {
        "/report" => matches!(*method, Method::GET | Method::POST),
        "/api/v1/reports" => *method == Method::POST,
        "/receipt" => true,
        _ => path.starts_with("/receipt/") || path.starts_with("/api/v1/receipts/"),
    }
}

/// Whether a client-sent request id may be kept: 8 to 64 letters, digits, `-`
/// or `_` (a UUID, a ULID, hex). Anything else could forge log fields.
pub fn acceptable_request_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Gives every request a request id made by the server, or keeps the client's
/// when it is well-formed, except on anonymous routes, where a client id could
/// be joined with another system's log and none is kept or made.
pub(crate) async fn request_id(mut req: Request, next: Next) -> Response {
    let anonymous = anonymous_route(req.method(), req.uri().path());
    let kept = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !anonymous && acceptable_request_id(v))
        .and_then(|v| HeaderValue::from_str(v).ok());
    let headers = req.headers_mut();
    headers.remove(REQUEST_ID);
    if !anonymous {
        let id = kept.or_else(|| HeaderValue::from_str(&debrief_core::secret::random_hex(8)).ok());
        if let Some(id) = id {
            headers.insert(REQUEST_ID, id);
        }
    }
    next.run(req).await
}

/// Headers every page and API answer carries, unless the handler set its own.
const SECURITY_HEADERS: [(HeaderName, &str); 5] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "same-origin"),
    (header::CACHE_CONTROL, "no-store"),
];

/// Sent whenever cookies are marked Secure (HTTPS): browsers then refuse plain
/// HTTP for this host for a year, so a session cookie is never offered to a
/// downgraded connection.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// One layer for all of them: each extra layer costs a service clone per request.
pub(crate) async fn security_headers(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let https = auth::is_https(&state, req.headers());
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if https && !h.contains_key(header::STRICT_TRANSPORT_SECURITY) {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    for (name, value) in SECURITY_HEADERS {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    resp
}

/// Refuses declared bodies over 1 MiB. Bodies up to 8 MiB are read and discarded
/// first, so that the client, still sending, reads the 413 instead of a broken
/// connection; larger ones are refused at once and the connection is closed.
pub(crate) async fn body_limit(req: Request, next: Next) -> Response {
    const DRAIN_UP_TO: u64 = 8 * 1024 * 1024;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Some(n) = declared.filter(|n| *n > auth::MAX_BODY as u64) else {
        return next.run(req).await;
    };
    let api = req.uri().path().starts_with("/api/");
    if n <= DRAIN_UP_TO {
        // read and drop frame by frame: nothing is held in memory
        use http_body_util::BodyExt;
        let mut body = req.into_body();
        let mut seen = 0u64;
        while let Some(Ok(frame)) = body.frame().await {
            seen += frame.data_ref().map_or(0, |d| d.len() as u64);
            if seen > DRAIN_UP_TO {
                break;
            }
        }
    }
    let mut resp = if api {
        error::ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The body is larger than 1 MiB.",
        )
        .into_response()
    } else {
        shell::error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "What you sent is larger than 1 MiB.",
        )
    };
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_in_paths_are_not_logged() {
        assert_eq!(super::loggable_path("/setup/abc123"), "/setup/***");
        assert_eq!(
            super::loggable_path("/api/v1/receipts/1234-5678/messages"),
            "/api/v1/receipts/***/messages"
        );
        assert_eq!(super::loggable_path("/admin/users/4"), "/admin/users/4");
    }

    #[test]
    fn only_well_formed_request_ids_are_kept() {
        assert!(super::acceptable_request_id(
            "0f8e2c6a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
        ));
        assert!(super::acceptable_request_id("01HZX3M6Q8R9S0T1V2W3X4Y5Z6"));
        for bad in [
            "x status=200 path=/reveal",
            "short",
            "a\nb-0000000",
            "é-00000000",
            &"a".repeat(65),
        ] {
            assert!(!super::acceptable_request_id(bad), "{bad}");
        }
    }

    #[test]
    fn anonymous_routes() {
        use axum::http::Method;
        for (m, p) in [
            (Method::GET, "/report"),
            (Method::POST, "/report"),
            (Method::POST, "/api/v1/reports"),
            (Method::GET, "/receipt"),
            (Method::POST, "/receipt/reply"),
            (Method::GET, "/api/v1/receipts/1234/proof"),
        ] {
            assert!(super::anonymous_route(&m, p), "{m} {p}");
        }
        for (m, p) in [
            (Method::GET, "/api/v1/reports"),
            (Method::GET, "/api/v1/reports/3"),
            (Method::GET, "/reports"),
            (Method::GET, "/my-reports"),
        ] {
            assert!(!super::anonymous_route(&m, p), "{m} {p}");
        }
    }
}
