//! Debrief's web server: HTML pages, the JSON API, authentication and the
//! authorization table, operations endpoints and the background job worker.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod api;
pub mod api_reports;
pub mod api_reviews;
pub mod assets;
pub mod audit_denials;
pub mod auth;
pub mod authz;
pub mod client_addr;
pub mod error;
pub mod export;
pub mod input;
pub mod intake;
pub mod limiter;
pub mod lint_web;
pub mod pages;
pub mod pages_actions;
pub mod pages_cases;
pub mod pages_reports;
pub mod pages_reviews;
pub mod passwords;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use debrief_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tower_http::request_id::PropagateRequestIdLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies Secure even without `X-Forwarded-Proto: https` (behind TLS).
    pub secure_cookies: bool,
    /// Peers whose `X-Forwarded-For` names the client (the TLS proxy in front).
    pub trusted_proxies: Vec<client_addr::Cidr>,
    /// Rates of the public routes' token buckets.
    pub limits: limiter::Limits,
}

#[derive(Clone)]
pub struct AppState {
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
}

impl AppState {
    pub fn new(store: Store, keys: debrief_core::keys::Keys, config: WebConfig) -> AppState {
        AppState {
            store,
            limiter: Arc::new(limiter::Limiter::new(config.limits)),
            config: Arc::new(config),
            keys: Arc::new(keys),
            linter: Arc::new(lint_web::LinterCache::default()),
            denials: Arc::new(audit_denials::Denials::default()),
        }
    }
}

/// Routes are added through this builder, which refuses any route that the
/// authorization table does not list.
struct Routes {
    router: Router<AppState>,
    missing: Vec<String>,
}

impl Routes {
    fn add(mut self, path: &str, methods: &[&str], handler: MethodRouter<AppState>) -> Self {
        for m in methods {
            if authz::lookup(m, path).is_none() {
                self.missing.push(format!("{m} {path}"));
            }
        }
        self.router = self.router.route(path, handler);
        self
    }
}

/// The whole application. Fails if a route is missing from the authorization table.
pub fn app(state: AppState) -> Result<Router, String> {
    use api_reports as ar;
    use pages as p;
    use pages_actions as pa;
    use pages_cases as pc;
    use pages_reports as pr;
    use pages_reviews as pv;
    let r = Routes {
        router: Router::new(),
        missing: Vec::new(),
    }
    .add("/assets/{file}", &["GET"], get(assets::asset))
    .add("/api/openapi.json", &["GET"], get(api::openapi))
    .add(
        "/login",
        &["GET", "POST"],
        get(p::login_form).post(p::login),
    )
    .add(
        "/setup/{token}",
        &["GET", "POST"],
        get(p::setup_form).post(p::setup),
    )
    .add("/logout", &["POST"], post(p::logout))
    .add("/", &["GET"], get(p::home))
    .add("/account", &["GET"], get(p::account))
    .add("/account/password", &["POST"], post(p::change_password))
    .add("/account/tokens", &["POST"], post(p::create_token))
    .add(
        "/account/tokens/{id}/revoke",
        &["POST"],
        post(p::revoke_token),
    )
    .add(
        "/report",
        &["GET", "POST"],
        get(pr::report_form).post(pr::submit_report),
    )
    .add(
        "/receipt",
        &["GET", "POST"],
        get(pr::receipt_form).post(pr::receipt_show),
    )
    .add("/receipt/reply", &["POST"], post(pr::receipt_reply))
    .add("/receipt/proof", &["POST"], post(pr::receipt_proof))
    .add(
        "/verify",
        &["GET", "POST"],
        get(pr::verify_form).post(pr::verify),
    )
    .add("/my-reports", &["GET"], get(pc::my_reports))
    .add(
        "/my-reports/{id}/messages",
        &["POST"],
        post(pc::my_report_message),
    )
    .add("/my-reports/{id}/proof", &["GET"], get(pc::my_report_proof))
    .add("/triage", &["GET"], get(pc::triage))
    .add("/triage/{id}", &["GET"], get(pc::triage_report))
    .add("/triage/{id}/case", &["POST"], post(pc::triage_open_case))
    .add("/triage/{id}/attach", &["POST"], post(pc::triage_attach))
    .add(
        "/triage/{id}/duplicate",
        &["POST"],
        post(pc::triage_duplicate),
    )
    .add("/triage/{id}/message", &["POST"], post(pc::triage_message))
    .add("/triage/{id}/close", &["POST"], post(pc::triage_close))
    .add("/triage/{id}/reveal", &["POST"], post(pc::triage_reveal))
    .add(
        "/cases",
        &["GET", "POST"],
        get(pc::cases).post(pc::create_case),
    )
    .add("/cases/{id}", &["GET"], get(pc::case))
    .add("/cases/{id}/details", &["POST"], post(pc::case_details))
    .add("/cases/{id}/times", &["POST"], post(pc::case_times))
    .add(
        "/admin/settings",
        &["GET", "POST"],
        get(pr::settings_form).post(pr::save_settings),
    )
    .add(
        "/cases/{id}/transition",
        &["POST"],
        post(pc::case_transition),
    )
    .add("/cases/{id}/timeline", &["POST"], post(pc::case_timeline))
    .add(
        "/cases/{id}/review",
        &["GET", "POST"],
        get(pv::review).post(pv::open_review),
    )
    .add(
        "/cases/{id}/review/{part}",
        &["POST"],
        post(pv::review_part),
    )
    .add(
        "/cases/{id}/review/export",
        &["GET"],
        get(export::case_export),
    )
    .add("/cases/{id}/interviews", &["POST"], post(pv::interview))
    .add("/cases/{id}/action-items", &["POST"], post(pa::create_item))
    .add("/library", &["GET"], get(pv::library))
    .add("/library/{id}", &["GET"], get(pv::library_review))
    .add(
        "/library/{id}/export",
        &["GET"],
        get(export::library_export),
    )
    .add("/action-items", &["GET"], get(pv::my_action_items))
    .add("/action-items/all", &["GET"], get(pv::all_action_items))
    .add(
        "/action-items/{id}",
        &["GET", "POST"],
        get(pa::item).post(pa::update_item),
    )
    .add("/action-items/{id}/check", &["POST"], post(pa::check_item))
    .add("/notices/read", &["POST"], post(pv::read_notices))
    .add("/dashboards", &["GET"], get(p::dashboards))
    .add("/programme", &["GET"], get(p::programme))
    .add("/conduct", &["GET"], get(p::conduct))
    .add(
        "/admin/users",
        &["GET", "POST"],
        get(p::users).post(p::add_user),
    )
    .add("/admin/users/{id}", &["GET"], get(p::user))
    .add(
        "/admin/users/{id}/roles",
        &["POST"],
        post(p::set_user_roles),
    )
    .add(
        "/admin/users/{id}/status",
        &["POST"],
        post(p::set_user_status),
    )
    .add(
        "/admin/users/{id}/teams",
        &["POST"],
        post(p::set_user_teams),
    )
    .add(
        "/admin/teams",
        &["GET", "POST"],
        get(p::teams).post(p::add_team),
    )
    .add("/admin/audit", &["GET"], get(p::audit))
    .add("/admin/jobs", &["GET"], get(p::jobs))
    .add(
        "/admin/factors",
        &["GET", "POST"],
        get(pv::factors).post(pv::add_factor),
    )
    .add("/api/v1/me", &["GET"], get(api::me))
    .add(
        "/api/v1/me/tokens",
        &["GET", "POST"],
        get(api::my_tokens).post(api::create_my_token),
    )
    .add(
        "/api/v1/me/tokens/{id}",
        &["DELETE"],
        delete(api::revoke_my_token),
    )
    .add(
        "/api/v1/users",
        &["GET", "POST"],
        get(api::list_users).post(api::post_user),
    )
    .add("/api/v1/users/{id}", &["GET"], get(api::get_user))
    .add("/api/v1/users/{id}/roles", &["PUT"], put(api::put_roles))
    .add("/api/v1/users/{id}/status", &["PUT"], put(api::put_status))
    .add(
        "/api/v1/teams",
        &["GET", "POST"],
        get(api::list_teams).post(api::post_team),
    )
    .add("/api/v1/audit", &["GET"], get(api::list_audit))
    .add("/api/v1/jobs", &["GET"], get(api::list_jobs))
    .add(
        "/api/v1/reports",
        &["GET", "POST"],
        get(ar::list_reports).post(ar::create_report),
    )
    .add("/api/v1/receipts/{receipt}", &["GET"], get(ar::get_receipt))
    .add(
        "/api/v1/receipts/{receipt}/messages",
        &["POST"],
        post(ar::post_receipt_message),
    )
    .add(
        "/api/v1/receipts/{receipt}/proof",
        &["GET"],
        get(ar::get_proof),
    )
    .add("/api/v1/reports/{id}", &["GET"], get(ar::get_report))
    .add(
        "/api/v1/reports/{id}/messages",
        &["POST"],
        post(ar::post_team_message),
    )
    .add(
        "/api/v1/reports/{id}/close",
        &["POST"],
        post(ar::close_report),
    )
    .add(
        "/api/v1/reports/{id}/duplicate",
        &["POST"],
        post(ar::duplicate_report),
    )
    .add(
        "/api/v1/reports/{id}/attach",
        &["POST"],
        post(ar::attach_report),
    )
    .add(
        "/api/v1/reports/{id}/reveal",
        &["POST"],
        post(ar::reveal_reporter),
    )
    .add(
        "/api/v1/cases",
        &["GET", "POST"],
        get(ar::list_cases).post(ar::create_case),
    )
    .add(
        "/api/v1/cases/{id}",
        &["GET", "PATCH"],
        get(ar::get_case).patch(ar::patch_case),
    )
    .add(
        "/api/v1/cases/{id}/transitions",
        &["POST"],
        post(ar::post_transition),
    )
    .add(
        "/api/v1/cases/{id}/timeline",
        &["POST"],
        post(ar::post_timeline),
    )
    .add("/api/v1/cases/{id}/times", &["PUT"], put(ar::put_times))
    .add(
        "/api/v1/cases/{id}/review",
        &["GET", "POST", "PATCH"],
        get(api_reviews::get_review)
            .post(api_reviews::post_review)
            .patch(api_reviews::patch_review),
    )
    .add(
        "/api/v1/cases/{id}/review/state",
        &["POST"],
        post(api_reviews::post_review_state),
    )
    .add(
        "/api/v1/cases/{id}/action-items",
        &["GET", "POST"],
        get(api_reviews::case_items).post(api_reviews::post_case_item),
    )
    .add(
        "/api/v1/action-items",
        &["GET"],
        get(api_reviews::list_items),
    )
    .add("/api/v1/lint", &["POST"], post(lint_web::post_lint))
    .add(
        "/api/v1/action-items/{id}",
        &["PATCH"],
        axum::routing::patch(api_reviews::patch_item),
    );
    if !r.missing.is_empty() {
        return Err(format!(
            "routes missing from the authorization table: {}",
            r.missing.join(", ")
        ));
    }
    let router = r
        .router
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::authorize))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), auth::identify))
        .layer(middleware::from_fn(input::refuse_control_chars))
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
    let probes = Routes {
        router: Router::new(),
        missing: Vec::new(),
    }
    .add("/healthz", &["GET"], get(healthz))
    .add("/readyz", &["GET"], get(readyz));
    if !probes.missing.is_empty() {
        return Err(format!(
            "routes missing from the authorization table: {}",
            probes.missing.join(", ")
        ));
    }
    Ok(probes.router.with_state(state).merge(router))
}

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
async fn request_id(mut req: Request, next: Next) -> Response {
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
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
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
async fn body_limit(req: Request, next: Next) -> Response {
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
        pages::error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "What you sent is larger than 1 MiB.",
        )
    };
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

async fn fallback(ctx: pages::Ctx, req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        error::ApiError::not_found().into_response()
    } else {
        pages::not_found(ctx).await
    }
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// How long a client may take to send a request's headers (also the idle time
/// allowed between requests on a kept-alive connection).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's body.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once; further clients wait in the listen backlog.
pub const MAX_CONNECTIONS: usize = 1024;
/// How long requests still in flight may take to finish after shutdown starts.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
///
/// The connection loop is Debrief's own (hyper's, configured) rather than
/// `axum::serve`, which sets no header-read timeout: a client that opens a
/// connection and sends a header a byte at a time is dropped after
/// [`HEADER_READ_TIMEOUT`], and at most [`MAX_CONNECTIONS`] are served at once.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let (denials, store) = (state.denials.clone(), state.store.clone());
    let app = app(state)?.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        BODY_READ_TIMEOUT,
    ));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // out of file descriptors and the like: wait a moment, keep serving
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                app.clone().oneshot(req)
            },
        );
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after the shutdown grace period were cut off");
    }
    // denials counted since their last audit entry are written before exiting
    denials.flush(&store).await;
    Ok(())
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
