use crate::AppState;
use crate::platform::headers::{
    ANONYMOUS_SPAN, REQUEST_ID, anonymous_route, body_limit, loggable_path, request_id,
    security_headers,
};
use crate::platform::probes::{fallback, healthz, readyz};
use crate::platform::{auth, authz, input};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderName;
use axum::middleware::{self};
use axum::routing::{MethodRouter, delete, get, post, put};
use tower_http::request_id::PropagateRequestIdLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

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
    let r = Routes {
        router: Router::new(),
        missing: Vec::new(),
    }
    .add(
        "/assets/{file}",
        &["GET"],
        get(crate::platform::assets::asset),
    )
    .add(
        "/api/openapi.json",
        &["GET"],
        get(crate::platform::api::openapi),
    )
    .add(
        "/login",
        &["GET", "POST"],
        get(crate::accounts::pages::login_form).post(crate::accounts::pages::login),
    )
    .add(
        "/setup/{token}",
        &["GET", "POST"],
        get(crate::accounts::pages::setup_form).post(crate::accounts::pages::setup),
    )
    .add("/logout", &["POST"], post(crate::accounts::pages::logout))
    .add("/", &["GET"], get(crate::platform::home::home))
    .add("/account", &["GET"], get(crate::accounts::pages::account))
    .add(
        "/account/password",
        &["POST"],
        post(crate::accounts::pages::change_password),
    )
    .add(
        "/account/tokens",
        &["POST"],
        post(crate::accounts::pages::create_token),
    )
    .add(
        "/account/tokens/{id}/revoke",
        &["POST"],
        post(crate::accounts::pages::revoke_token),
    )
    .add(
        "/report",
        &["GET", "POST"],
        get(crate::reporting::pages::report_form).post(crate::reporting::pages::submit_report),
    )
    .add(
        "/receipt",
        &["GET", "POST"],
        get(crate::reporting::receipts::receipt_form)
            .post(crate::reporting::receipts::receipt_show),
    )
    .add(
        "/receipt/reply",
        &["POST"],
        post(crate::reporting::receipts::receipt_reply),
    )
    .add(
        "/receipt/proof",
        &["POST"],
        post(crate::reporting::receipts::receipt_proof),
    )
    .add(
        "/verify",
        &["GET", "POST"],
        get(crate::reporting::verify::verify_form).post(crate::reporting::verify::verify),
    )
    .add(
        "/my-reports",
        &["GET"],
        get(crate::reporting::my_reports::my_reports),
    )
    .add(
        "/my-reports/{id}/messages",
        &["POST"],
        post(crate::reporting::my_reports::my_report_message),
    )
    .add(
        "/my-reports/{id}/proof",
        &["GET"],
        get(crate::reporting::my_reports::my_report_proof),
    )
    .add("/triage", &["GET"], get(crate::triage::pages::triage))
    .add(
        "/triage/{id}",
        &["GET"],
        get(crate::triage::pages::triage_report),
    )
    .add(
        "/triage/{id}/case",
        &["POST"],
        post(crate::triage::pages::triage_open_case),
    )
    .add(
        "/triage/{id}/attach",
        &["POST"],
        post(crate::triage::pages::triage_attach),
    )
    .add(
        "/triage/{id}/duplicate",
        &["POST"],
        post(crate::triage::pages::triage_duplicate),
    )
    .add(
        "/triage/{id}/message",
        &["POST"],
        post(crate::triage::pages::triage_message),
    )
    .add(
        "/triage/{id}/close",
        &["POST"],
        post(crate::triage::pages::triage_close),
    )
    .add(
        "/triage/{id}/reveal",
        &["POST"],
        post(crate::triage::pages::triage_reveal),
    )
    .add(
        "/cases",
        &["GET", "POST"],
        get(crate::cases::pages::cases).post(crate::cases::pages::create_case),
    )
    .add("/cases/{id}", &["GET"], get(crate::cases::pages::case))
    .add(
        "/cases/{id}/details",
        &["POST"],
        post(crate::cases::pages::case_details),
    )
    .add(
        "/cases/{id}/times",
        &["POST"],
        post(crate::cases::pages::case_times),
    )
    .add(
        "/admin/settings",
        &["GET", "POST"],
        get(crate::admin::pages::settings_form).post(crate::admin::pages::save_settings),
    )
    .add(
        "/cases/{id}/transition",
        &["POST"],
        post(crate::cases::pages::case_transition),
    )
    .add(
        "/cases/{id}/timeline",
        &["POST"],
        post(crate::cases::pages::case_timeline),
    )
    .add(
        "/cases/{id}/review",
        &["GET", "POST"],
        get(crate::reviews::pages::review).post(crate::reviews::pages::open_review),
    )
    .add(
        "/cases/{id}/review/{part}",
        &["POST"],
        post(crate::reviews::save::review_part),
    )
    .add(
        "/cases/{id}/review/export",
        &["GET"],
        get(crate::library::export::case_export),
    )
    .add(
        "/cases/{id}/interviews",
        &["POST"],
        post(crate::reviews::save::interview),
    )
    .add(
        "/cases/{id}/action-items",
        &["POST"],
        post(crate::actions::pages::create_item),
    )
    .add("/library", &["GET"], get(crate::library::pages::library))
    .add(
        "/library/{id}",
        &["GET"],
        get(crate::library::pages::library_review),
    )
    .add(
        "/library/{id}/export",
        &["GET"],
        get(crate::library::export::library_export),
    )
    .add(
        "/action-items",
        &["GET"],
        get(crate::actions::pages::my_action_items),
    )
    .add(
        "/action-items/all",
        &["GET"],
        get(crate::actions::pages::all_action_items),
    )
    .add(
        "/action-items/{id}",
        &["GET", "POST"],
        get(crate::actions::pages::item).post(crate::actions::pages::update_item),
    )
    .add(
        "/action-items/{id}/check",
        &["POST"],
        post(crate::actions::pages::check_item),
    )
    .add(
        "/notices/read",
        &["POST"],
        post(crate::actions::pages::read_notices),
    )
    .add("/dashboards", &["GET"], get(crate::dashboards::dashboards))
    .add("/programme", &["GET"], get(crate::programme::programme))
    .add("/conduct", &["GET"], get(crate::conduct::conduct))
    .add(
        "/admin/users",
        &["GET", "POST"],
        get(crate::admin::users::users).post(crate::admin::users::add_user),
    )
    .add(
        "/admin/users/{id}",
        &["GET"],
        get(crate::admin::users::user),
    )
    .add(
        "/admin/users/{id}/roles",
        &["POST"],
        post(crate::admin::users::set_user_roles),
    )
    .add(
        "/admin/users/{id}/status",
        &["POST"],
        post(crate::admin::users::set_user_status),
    )
    .add(
        "/admin/users/{id}/teams",
        &["POST"],
        post(crate::admin::users::set_user_teams),
    )
    .add(
        "/admin/teams",
        &["GET", "POST"],
        get(crate::admin::users::teams).post(crate::admin::users::add_team),
    )
    .add("/admin/audit", &["GET"], get(crate::admin::pages::audit))
    .add("/admin/jobs", &["GET"], get(crate::admin::pages::jobs))
    .add(
        "/admin/factors",
        &["GET", "POST"],
        get(crate::admin::pages::factors).post(crate::admin::pages::add_factor),
    )
    .add("/api/v1/me", &["GET"], get(crate::accounts::api::me))
    .add(
        "/api/v1/me/tokens",
        &["GET", "POST"],
        get(crate::accounts::api::my_tokens).post(crate::accounts::api::create_my_token),
    )
    .add(
        "/api/v1/me/tokens/{id}",
        &["DELETE"],
        delete(crate::accounts::api::revoke_my_token),
    )
    .add(
        "/api/v1/users",
        &["GET", "POST"],
        get(crate::admin::api::list_users).post(crate::admin::api::post_user),
    )
    .add(
        "/api/v1/users/{id}",
        &["GET"],
        get(crate::admin::api::get_user),
    )
    .add(
        "/api/v1/users/{id}/roles",
        &["PUT"],
        put(crate::admin::api::put_roles),
    )
    .add(
        "/api/v1/users/{id}/status",
        &["PUT"],
        put(crate::admin::api::put_status),
    )
    .add(
        "/api/v1/teams",
        &["GET", "POST"],
        get(crate::admin::api::list_teams).post(crate::admin::api::post_team),
    )
    .add(
        "/api/v1/audit",
        &["GET"],
        get(crate::admin::api::list_audit),
    )
    .add("/api/v1/jobs", &["GET"], get(crate::admin::api::list_jobs))
    .add(
        "/api/v1/reports",
        &["GET", "POST"],
        get(crate::triage::api::list_reports).post(crate::reporting::api::create_report),
    )
    .add(
        "/api/v1/receipts/{receipt}",
        &["GET"],
        get(crate::reporting::api::get_receipt),
    )
    .add(
        "/api/v1/receipts/{receipt}/messages",
        &["POST"],
        post(crate::reporting::api::post_receipt_message),
    )
    .add(
        "/api/v1/receipts/{receipt}/proof",
        &["GET"],
        get(crate::reporting::api::get_proof),
    )
    .add(
        "/api/v1/reports/{id}",
        &["GET"],
        get(crate::triage::api::get_report),
    )
    .add(
        "/api/v1/reports/{id}/messages",
        &["POST"],
        post(crate::triage::api::post_team_message),
    )
    .add(
        "/api/v1/reports/{id}/close",
        &["POST"],
        post(crate::triage::api::close_report),
    )
    .add(
        "/api/v1/reports/{id}/duplicate",
        &["POST"],
        post(crate::triage::api::duplicate_report),
    )
    .add(
        "/api/v1/reports/{id}/attach",
        &["POST"],
        post(crate::triage::api::attach_report),
    )
    .add(
        "/api/v1/reports/{id}/reveal",
        &["POST"],
        post(crate::triage::api::reveal_reporter),
    )
    .add(
        "/api/v1/cases",
        &["GET", "POST"],
        get(crate::cases::api::list_cases).post(crate::cases::api::create_case),
    )
    .add(
        "/api/v1/cases/{id}",
        &["GET", "PATCH"],
        get(crate::cases::api::get_case).patch(crate::cases::api::patch_case),
    )
    .add(
        "/api/v1/cases/{id}/transitions",
        &["POST"],
        post(crate::cases::api::post_transition),
    )
    .add(
        "/api/v1/cases/{id}/timeline",
        &["POST"],
        post(crate::cases::api::post_timeline),
    )
    .add(
        "/api/v1/cases/{id}/times",
        &["PUT"],
        put(crate::cases::api::put_times),
    )
    .add(
        "/api/v1/cases/{id}/review",
        &["GET", "POST", "PATCH"],
        get(crate::reviews::api::get_review)
            .post(crate::reviews::api::post_review)
            .patch(crate::reviews::api::patch_review),
    )
    .add(
        "/api/v1/cases/{id}/review/state",
        &["POST"],
        post(crate::reviews::api::post_review_state),
    )
    .add(
        "/api/v1/cases/{id}/action-items",
        &["GET", "POST"],
        get(crate::actions::api::case_items).post(crate::actions::api::post_case_item),
    )
    .add(
        "/api/v1/action-items",
        &["GET"],
        get(crate::actions::api::list_items),
    )
    .add(
        "/api/v1/lint",
        &["POST"],
        post(crate::reviews::lint::post_lint),
    )
    .add(
        "/api/v1/action-items/{id}",
        &["PATCH"],
        axum::routing::patch(crate::actions::api::patch_item),
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
