//! Who is calling (session cookie or API token), CSRF protection for forms, and
//! enforcement of the authorization table.

use crate::AppState;
use crate::platform::authz;
use crate::platform::authz::Access;
use crate::platform::error::{ApiError, problem_response};
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use debrief_core::RoleSet;
use debrief_core::secret::{random_hex, sha256_hex};
use debrief_store::{User, now_ms};

pub const SESSION_COOKIE: &str = "debrief_session";
pub const CSRF_COOKIE: &str = "debrief_csrf";
/// Sessions end 7 days after sign-in, or after 12 hours without a request.
pub const SESSION_MAX_MS: i64 = 7 * 24 * 3600 * 1000;
pub const SESSION_IDLE_MS: i64 = 12 * 3600 * 1000;
/// A password confirmation covers sensitive operations for 5 minutes.
pub const REAUTH_WINDOW_MS: i64 = 5 * 60 * 1000;
/// Sessions' last-seen and tokens' last-used times are kept to ten minutes.
pub const LAST_SEEN_GRAIN_MS: i64 = 10 * 60 * 1000;
pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub enum Via {
    /// The SHA-256 of the session id.
    Session(String),
    Token(i64),
}

/// The signed-in caller, loaded fresh from the database on every request.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user: User,
    pub via: Via,
}

impl Identity {
    pub fn actor(&self) -> String {
        format!("user:{}", self.user.id)
    }
    pub fn roles(&self) -> RoleSet {
        self.user.roles
    }
    pub fn session_hash(&self) -> Option<&str> {
        match &self.via {
            Via::Session(h) => Some(h),
            Via::Token(_) => None,
        }
    }
}

/// The CSRF token of this browser (double-submit: cookie and form field).
#[derive(Debug, Clone)]
pub struct Csrf(pub String);

/// The form fields of a rejected POST, kept so that nothing typed is lost.
#[derive(Debug, Clone, Default)]
pub struct KeptForm(pub Vec<(String, String)>);

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn is_https(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub fn set_cookie(name: &str, value: &str, max_age_s: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let v = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Same-origin check from the browser's own headers.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if origin == "null" || origin_host != host {
            return false;
        }
    }
    true
}

fn csrf_failure(path: &str) -> Response {
    if is_api(path) {
        problem_response(
            StatusCode::FORBIDDEN,
            "Cross-site request refused.".into(),
            Vec::new(),
        )
    } else {
        crate::platform::shell::error_page(
            StatusCode::FORBIDDEN,
            "This form could not be accepted because it was sent from another site or has expired. Go back, reload the page and send it again.",
        )
    }
}

/// Identifies the caller and applies CSRF protection. Runs on every request.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let now = now_ms();
    let path = req.uri().path().to_string();
    let headers = req.headers().clone();
    let mut identity = None;
    let mut clear_session = false;
    // a signed-in person may report anonymously: on those routes nothing records
    // when their session or token was last used
    // (nor the assets a page loads right after such a report)
    let quiet = crate::anonymous_route(req.method(), &path) || path.starts_with("/assets/");
    // and the times that are recorded are coarse, so that the next page a
    // person opens after reporting anonymously does not date the report either
    let mark = now - now.rem_euclid(LAST_SEEN_GRAIN_MS);

    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return ApiError::new(StatusCode::UNAUTHORIZED, "Use Authorization: Bearer TOKEN.")
                .into_response();
        };
        match state.store.token_user(sha256_hex(token)).await {
            Ok(Some((user, token_id))) => {
                if !quiet {
                    let _ = state.store.touch_token(token_id, mark).await;
                }
                identity = Some(Identity {
                    user,
                    via: Via::Token(token_id),
                });
            }
            Ok(None) => {
                return ApiError::new(StatusCode::UNAUTHORIZED, "The API token is not valid.")
                    .into_response();
            }
            Err(e) => return ApiError::from(e).into_response(),
        }
    } else if let Some(sid) = cookie(&headers, SESSION_COOKIE) {
        let hash = sha256_hex(sid);
        match state.store.session_user(hash.clone(), now).await {
            Ok(Some(su)) if su.last_seen_ms > now - SESSION_IDLE_MS => {
                if !quiet && su.last_seen_ms < mark {
                    let _ = state.store.touch_session(hash.clone(), mark).await;
                }
                let mut ident = Identity {
                    user: su.user,
                    via: Via::Session(hash),
                };
                ident.user.created_ms = ident.user.created_ms.max(0);
                req.extensions_mut().insert(ReauthAt(su.reauth_ms));
                identity = Some(ident);
            }
            Ok(Some(_)) => {
                let _ = state.store.delete_session(hash).await;
                clear_session = true;
            }
            Ok(None) => clear_session = true,
            Err(e) => {
                return if is_api(&path) {
                    ApiError::from(e).into_response()
                } else {
                    crate::platform::error::PageError::from(e).into_response()
                };
            }
        }
    }

    let (csrf, new_csrf) = match cookie(&headers, CSRF_COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        Some(v) => (v.to_string(), false),
        None => (random_hex(32), true),
    };

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let by_token = matches!(
        identity,
        Some(Identity {
            via: Via::Token(_),
            ..
        })
    );
    if unsafe_method && !by_token {
        if !same_origin(&headers) {
            return csrf_failure(&path);
        }
        if !is_api(&path) {
            // forms carry the token in a field; read the body (already size-limited)
            let (parts, body) = req.into_parts();
            let bytes = match to_bytes(body, MAX_BODY).await {
                Ok(b) => b,
                Err(e) if too_large(&e) => {
                    return crate::platform::shell::error_page(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "What you sent is larger than 1 MiB.",
                    );
                }
                Err(_) => {
                    return crate::platform::shell::error_page(
                        StatusCode::REQUEST_TIMEOUT,
                        "What you sent did not arrive completely. Go back and send it again.",
                    );
                }
            };
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
            let sent = pairs
                .iter()
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.as_str());
            if new_csrf || sent != Some(csrf.as_str()) {
                return csrf_failure(&path);
            }
            req = Request::from_parts(parts, Body::from(bytes));
            req.extensions_mut().insert(KeptForm(
                pairs
                    .into_iter()
                    .filter(|(k, _)| k != "csrf" && !k.contains("password"))
                    .collect(),
            ));
        }
    }

    if let Some(i) = &identity {
        req.extensions_mut().insert(i.clone());
    }
    req.extensions_mut().insert(Csrf(csrf.clone()));
    let secure = is_https(&state, &headers);
    let mut resp = next.run(req).await;
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if new_csrf && html {
        resp.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &csrf, 365 * 24 * 3600, secure),
        );
    }
    if clear_session
        && !resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.as_bytes().starts_with(SESSION_COOKIE.as_bytes()))
    {
        resp.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", 0, secure),
        );
    }
    resp
}

/// Whether a body could not be read because it is over the size limit (rather
/// than cut off or too slow).
fn too_large(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// When the session last confirmed its password.
#[derive(Debug, Clone, Copy)]
pub struct ReauthAt(pub i64);

/// Enforces the authorization table for the matched route.
pub async fn authorize(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let Some(pattern) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
    else {
        return ApiError::internal("route without a matched path").into_response();
    };
    let method = req.method().as_str().to_string();
    // HEAD is answered by the GET route, with the same access
    let table_method = if method == "HEAD" { "GET" } else { &method };
    let Some(spec) = authz::lookup(table_method, &pattern) else {
        return method_not_allowed(&pattern, is_api(&path));
    };
    let identity = req.extensions().get::<Identity>().cloned();
    if authz::allows(spec.access, identity.as_ref().map(Identity::roles)) {
        return next.run(req).await;
    }
    match identity {
        None => {
            if is_api(&path) {
                ApiError::unauthorized().into_response()
            } else if req.method() == Method::GET {
                let next_path = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                Redirect::to(&format!("/login?next={}", urlencode(next_path))).into_response()
            } else {
                // the session ended while a form was being filled in: ask to sign in
                // again and keep every field that was typed
                let kept = req
                    .extensions()
                    .get::<KeptForm>()
                    .cloned()
                    .unwrap_or_default();
                let csrf = req
                    .extensions()
                    .get::<Csrf>()
                    .cloned()
                    .unwrap_or(Csrf(String::new()));
                crate::platform::shell::login_resume(&csrf.0, &path, kept)
            }
        }
        Some(ident) => {
            // aggregated per actor and route: a loop of denials cannot bury the log
            state
                .denials
                .record(&state.store, ident.actor(), format!("{method} {pattern}"))
                .await;
            if is_api(&path) {
                ApiError::forbidden().into_response()
            } else {
                crate::platform::shell::error_page(
                    StatusCode::FORBIDDEN,
                    "Your roles do not give access to this page. An administrator can change your roles.",
                )
            }
        }
    }
}

/// 405 for a method the route does not have, with the methods it does have.
fn method_not_allowed(pattern: &str, api: bool) -> Response {
    let mut allow: Vec<&str> = authz::ROUTES
        .iter()
        .filter(|r| r.path == pattern)
        .map(|r| r.method)
        .collect();
    if allow.contains(&"GET") {
        allow.push("HEAD");
    }
    let allow = allow.join(", ");
    let mut resp = if api {
        problem_response(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("This address answers {allow} only."),
            Vec::new(),
        )
    } else {
        crate::platform::shell::error_page(
            StatusCode::METHOD_NOT_ALLOWED,
            "This address cannot be used that way. Use the links and buttons on the pages.",
        )
    };
    if let Ok(v) = HeaderValue::from_str(&allow) {
        resp.headers_mut().insert(header::ALLOW, v);
    }
    resp
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .map(|v| v[2..].to_string())
        .unwrap_or_default()
}

/// Whether `path` (already percent-decoded) is a path on this site: it starts
/// with exactly one `/` and holds no backslash and no control character.
/// Browsers drop tabs and line breaks from a URL and read `\\` as `/`, so
/// `/\t/evil.example` or `/\\evil.example` would leave the site.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c == '\\' || c.is_control())
}

/// Only local paths may be redirect targets after sign-in.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

/// Extracts the signed-in caller; routes that need one are guarded by the table,
/// so a missing identity here is answered as "sign in".
pub struct Signed(pub Identity);

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Identity>()
            .cloned()
            .map(Signed)
            .ok_or_else(|| ApiError::unauthorized().into_response())
    }
}

/// Whether `access` admits the caller (for showing or hiding navigation).
pub fn can(identity: Option<&Identity>, access: Access) -> bool {
    authz::allows(access, identity.map(Identity::roles))
}

/// Whether a signed-in caller may call the route `method path` of the table.
pub fn may(ident: &Identity, method: &str, path: &str) -> bool {
    authz::lookup(method, path).is_some_and(|s| authz::allows(s.access, Some(ident.roles())))
}

/// Verifies a password off the async threads, within the cap on concurrent
/// hashes (waiting for a slot). A busy server answers "no match".
pub async fn check_password(password: String, phc: String) -> bool {
    match crate::platform::passwords::slot(crate::platform::passwords::ACCOUNT_WAIT).await {
        Ok(slot) => slot.verify(password, phc).await.unwrap_or(false),
        Err(_) => false,
    }
}

/// Why a new password was not hashed.
#[derive(Debug)]
pub enum HashError {
    /// Every hashing slot stayed busy: 503, try again shortly.
    Busy,
    /// Hashing itself failed: a fault on our side.
    Failed(String),
}

/// Hashes a new password off the async threads, within the cap on concurrent hashes.
pub async fn hash_password(password: String) -> Result<String, HashError> {
    let slot = crate::platform::passwords::slot(crate::platform::passwords::ACCOUNT_WAIT)
        .await
        .map_err(|_| HashError::Busy)?;
    match slot.hash(password).await {
        Ok(hashed) => hashed.map_err(HashError::Failed),
        Err(_) => Err(HashError::Busy),
    }
}

/// Why a password confirmation failed: a wrong or missing password (422), too
/// many wrong ones (429) or a busy server (503), with `Retry-After` for both.
#[derive(Debug, Clone)]
pub struct ConfirmError {
    pub status: StatusCode,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl ConfirmError {
    fn wrong(message: &str) -> ConfirmError {
        ConfirmError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: message.to_string(),
            retry_after: None,
        }
    }

    /// Not a wrong password but a refusal to check one: answer with the status.
    pub fn refused(&self) -> bool {
        self.status != StatusCode::UNPROCESSABLE_ENTITY
    }

    /// Adds `Retry-After` to a page answering this error.
    pub fn mark(&self, resp: &mut Response) {
        mark_retry(resp, self.retry_after);
    }

    /// For an API route that checks other fields too: a wrong password joins
    /// their errors under `field`; a refusal (429, 503) is the answer alone.
    pub fn add_to(self, v: &mut debrief_core::Validation, field: &str) -> Result<(), ApiError> {
        if self.refused() {
            return Err(self.api(field));
        }
        v.add(field, self.message);
        Ok(())
    }

    /// For a form page: the message joins the form's errors under `field`;
    /// returns the status the page answers with (the refusal's, or 422) and
    /// the `Retry-After` it carries.
    pub fn add_to_form(
        self,
        v: &mut debrief_core::Validation,
        field: &str,
    ) -> (StatusCode, Option<u64>) {
        let answer = if self.refused() {
            (self.status, self.retry_after)
        } else {
            (StatusCode::UNPROCESSABLE_ENTITY, None)
        };
        v.add(field, self.message);
        answer
    }

    /// The API error: a field error on `field`, or the refusal.
    pub fn api(self, field: &str) -> ApiError {
        if self.refused() {
            ApiError::new(self.status, self.message).with_retry_after(self.retry_after)
        } else {
            ApiError::invalid(vec![debrief_core::FieldError {
                field: field.into(),
                message: self.message,
            }])
        }
    }
}

impl From<crate::platform::passwords::Refused> for ConfirmError {
    fn from(r: crate::platform::passwords::Refused) -> ConfirmError {
        use crate::platform::passwords::Refused;
        let secs = r.retry_after();
        let retry_after = Some(secs);
        match r {
            Refused::Throttled(_) => ConfirmError {
                status: StatusCode::TOO_MANY_REQUESTS,
                message: format!(
                    "Too many wrong passwords. Wait {} and try again.",
                    crate::platform::shell::wait_words(secs)
                ),
                retry_after,
            },
            Refused::Busy => ConfirmError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                message: "The server is busy checking passwords. Try again in a moment.".into(),
                retry_after,
            },
            Refused::Store(e) => {
                tracing::error!(error = %e, "password throttle unavailable");
                ConfirmError {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    message: "Could not check the password; try again.".into(),
                    retry_after,
                }
            }
        }
    }
}

/// Sets `Retry-After` on a response.
pub fn mark_retry(resp: &mut Response, secs: Option<u64>) {
    if let Some(s) = secs
        && let Ok(v) = HeaderValue::from_str(&s.to_string())
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
}

/// Confirms the caller's password for a sensitive operation. Tokens and
/// sessions alike must send it; a session that confirmed it within the last few
/// minutes need not send it again. Wrong passwords count with the sign-in
/// failures of the same account and address, and per account, so a stolen
/// session or token cannot guess the password at full speed.
pub async fn confirm_password(
    state: &AppState,
    ident: &Identity,
    ip: std::net::IpAddr,
    reauth_at: Option<i64>,
    password: Option<&str>,
) -> Result<(), ConfirmError> {
    let now = now_ms();
    if let (Some(at), Via::Session(_)) = (reauth_at, &ident.via)
        && password.is_none_or(str::is_empty)
        && at > now - REAUTH_WINDOW_MS
    {
        return Ok(());
    }
    let password = password
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ConfirmError::wrong("Enter your current password to confirm."))?;
    let phc = state
        .store
        .password_hash(ident.user.id)
        .await
        .map_err(|_| ConfirmError::wrong("Could not check the password; try again."))?;
    let mut keys = crate::platform::passwords::sign_in_keys(state, &ident.user.email, ip);
    keys.truncate(1); // the account+address key, shared with sign-in
    let confirmations = crate::platform::passwords::confirmation_key(state, ident.user.id);
    keys.push((confirmations, crate::platform::passwords::CONFIRMATIONS));
    let clear: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    if crate::platform::passwords::checked(state, keys, password.to_string(), phc).await? {
        crate::platform::passwords::forget(state, clear).await;
        if let Via::Session(h) = &ident.via {
            let _ = state.store.mark_reauth(h.clone(), now).await;
        }
        Ok(())
    } else {
        let _ = state
            .store
            .audit(ident.actor(), "reauth.failed", ident.actor(), String::new())
            .await;
        Err(ConfirmError::wrong("That is not your current password."))
    }
}
