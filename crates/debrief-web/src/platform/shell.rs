//! The page shell every page is drawn in: the caller, the CSRF token and the
//! navigation; rendering, times in pages, error pages, and the sign-in page
//! shown when a form arrives after the session ended.

use crate::accounts::pages::LoginPage;
use crate::platform::auth;
use crate::platform::auth::{Csrf, Identity, KeptForm};
use crate::platform::authz::lookup;
use crate::platform::error::PageError;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::{StatusCode, request::Parts};
use axum::response::{Html, IntoResponse, Response};
use debrief_core::{Role, RoleSet};
use debrief_store::User;

pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub blurb: &'static str,
    pub current: bool,
}

const AREAS: &[(&str, &str, &str)] = &[
    ("Home", "/", ""),
    (
        "My reports",
        "/my-reports",
        "what you reported with your name, and the answers",
    ),
    ("Triage", "/triage", "new reports waiting to be looked at"),
    (
        "Cases",
        "/cases",
        "incidents being handled, from triage to closure",
    ),
    (
        "Learning library",
        "/library",
        "published blameless reviews to learn from",
    ),
    (
        "Action items",
        "/action-items",
        "follow-ups from reviews, with owners and due dates",
    ),
    (
        "Dashboards",
        "/dashboards",
        "whether the learning culture works, with the uncertainty shown",
    ),
    // programme and conduct are not built yet: no links until they are
    (
        "Admin",
        "/admin/users",
        "people, teams, roles and the audit log",
    ),
];

/// What every page needs: the caller, the CSRF token, the navigation.
pub struct Ctx {
    pub user: Option<User>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

impl Ctx {
    pub fn build(identity: Option<&Identity>, csrf: &str, path: &str) -> Ctx {
        let nav = AREAS
            .iter()
            .filter(|(_, href, _)| {
                lookup("GET", href).is_some_and(|spec| auth::can(identity, spec.access))
            })
            .map(|(label, href, blurb)| NavItem {
                label,
                href,
                blurb,
                current: *href == path || (*href != "/" && path.starts_with(href)),
            })
            .collect();
        Ctx {
            user: identity.map(|i| i.user.clone()),
            csrf: csrf.to_string(),
            nav,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let identity = parts.extensions.get::<Identity>();
        let csrf = parts
            .extensions
            .get::<Csrf>()
            .map(|c| c.0.as_str())
            .unwrap_or("");
        Ok(Ctx::build(identity, csrf, parts.uri.path()))
    }
}

pub fn render<T: Template>(t: &T) -> Result<Html<String>, PageError> {
    Ok(Html(t.render()?))
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => PageError::internal(e).into_response(),
    }
}

/// A time as `<time>`; app.js shows it in the viewer's zone, UTC without JavaScript.
pub fn time_html(ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(t) => format!(
            "<time datetime=\"{}\" data-local>{} UTC</time>",
            t.format("%Y-%m-%dT%H:%M:%SZ"),
            t.format("%Y-%m-%d %H:%M")
        ),
        None => String::new(),
    }
}

/// Today's date (UTC), against which due dates are read.
pub fn today() -> chrono::NaiveDate {
    debrief_core::review::day_of(debrief_store::now_ms())
}

/// The first sentence or so of a text, for lists.
pub fn excerpt(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind(['.', '!', '?']) {
        Some(i) if i > max / 3 => cut[..=i].to_string(),
        _ => match cut.rfind(' ') {
            Some(i) => format!("{}…", &cut[..i]),
            None => format!("{cut}…"),
        },
    }
}

/// The severities a form offers, as (value, label), in the order of the core.
pub fn severity_options() -> Vec<(&'static str, &'static str)> {
    debrief_core::case::Severity::ALL
        .into_iter()
        .map(|s| (s.as_str(), s.label()))
        .collect()
}

pub(crate) fn role_names(roles: RoleSet) -> Vec<&'static str> {
    roles.iter().map(Role::label).collect()
}

#[derive(Template)]
#[template(path = "platform/error.html")]
struct ErrorPage<'a> {
    ctx: Ctx,
    heading: &'a str,
    message: &'a str,
}

/// An error page without the caller's navigation (used where no context is at hand).
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "Too large",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::SERVICE_UNAVAILABLE => "Temporarily unavailable",
        s if s.is_client_error() => "That did not work",
        _ => "Something went wrong",
    };
    let ctx = Ctx {
        user: None,
        csrf: String::new(),
        nav: Vec::new(),
    };
    render_status(
        status,
        &ErrorPage {
            ctx,
            heading,
            message,
        },
    )
}

pub async fn not_found(ctx: Ctx) -> Response {
    render_status(
        StatusCode::NOT_FOUND,
        &ErrorPage {
            ctx,
            heading: "Page not found",
            message: "There is nothing at this address. Check the link, or use the navigation above.",
        },
    )
}

/// The sign-in page shown when a form arrives after the session ended.
pub fn login_resume(csrf: &str, action: &str, kept: KeptForm) -> Response {
    let ctx = Ctx {
        user: None,
        csrf: csrf.to_string(),
        nav: Vec::new(),
    };
    render_status(
        StatusCode::UNAUTHORIZED,
        &LoginPage {
            ctx,
            error: None,
            email: String::new(),
            next: "/".into(),
            resume_action: Some(action.to_string()),
            kept: kept.0,
        },
    )
}

#[derive(Template)]
#[template(path = "platform/resume.html")]
pub(crate) struct ResumePage {
    pub(crate) ctx: Ctx,
    pub(crate) action: String,
    pub(crate) kept: Vec<(String, String)>,
}

/// "12 seconds", "3 minutes": a wait in words.
pub fn wait_words(secs: u64) -> String {
    match secs {
        0 | 1 => "a second".into(),
        s if s < 90 => format!("{s} seconds"),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}
