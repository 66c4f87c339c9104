//! The HTML pages: server-rendered, usable without JavaScript.

use crate::AppState;
use crate::auth::{self, Csrf, Identity, KeptForm, ReauthAt, Signed, Via};
use crate::authz::lookup;
use crate::client_addr::ClientIp;
use crate::error::PageError;
use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header, request::Parts};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use debrief_core::{Role, RoleSet, Validation};
use debrief_store::{User, now_ms};
use serde::Deserialize;

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
    // dashboards, programme and conduct are not built yet: no links until they are
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

/// A stored time as the value of a `datetime-local` field, in UTC (app.js
/// turns it into the viewer's zone from the field's `data-utc`).
pub fn utc_input_value(ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(t) if t.timestamp() % 60 == 0 => t.format("%Y-%m-%dT%H:%M").to_string(),
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
        None => String::new(),
    }
}

/// A stored time in RFC 3339 UTC, for `data-utc`.
pub fn utc_rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The most a zone is away from UTC, in minutes (UTC−12:00 to UTC+14:00, with room).
const MAX_OFFSET_MINUTES: i64 = 16 * 60;

/// Reads a time typed into a form in the viewer's zone and returns it in UTC
/// milliseconds. `offset` is the zone's offset for that time as JavaScript's
/// `getTimezoneOffset()` gives it (minutes to add to local time to get UTC:
/// -60 in Berlin in winter, -120 in summer), sent by app.js in the field named
/// `offset_field`; empty without JavaScript, and then the time is UTC, as the
/// form says. An RFC 3339 value carries its own offset. All arithmetic is
/// checked: a value out of range is a field error, never a panic. Times more
/// than a minute after `now` are refused.
pub fn parse_local_time(
    v: &mut Validation,
    field: &str,
    value: &str,
    offset_field: &str,
    offset: &str,
    now: i64,
) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let offset = offset.trim();
    if offset.is_empty() || chrono::DateTime::parse_from_rfc3339(value).is_ok() {
        return crate::intake::parse_time(v, field, Some(value), now);
    }
    let minutes = match offset.parse::<i64>() {
        Ok(m) if m.abs() <= MAX_OFFSET_MINUTES => m,
        _ => {
            v.add(
                offset_field,
                "The time zone offset must be a whole number of minutes between -960 and 960.",
            );
            return None;
        }
    };
    let Some(local) = crate::intake::local_input(value) else {
        v.add(
            field,
            "Use a date and time such as 2026-03-14T09:30, or leave it empty if you do not know.",
        );
        return None;
    };
    match crate::intake::local_to_utc_ms(local, minutes) {
        None => {
            v.add(field, "This date is out of range.");
            None
        }
        Some(ms) => crate::intake::check_time(v, field, ms, now),
    }
}

fn role_names(roles: RoleSet) -> Vec<&'static str> {
    roles.iter().map(Role::label).collect()
}

#[derive(Template)]
#[template(path = "error.html")]
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

// ------------------------------------------------------------------ sign in

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    error: Option<String>,
    email: String,
    next: String,
    resume_action: Option<String>,
    kept: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    if ctx.user.is_some() {
        return Redirect::to(&auth::safe_next(q.next.as_deref())).into_response();
    }
    render_status(
        StatusCode::OK,
        &LoginPage {
            ctx,
            error: None,
            email: String::new(),
            next: auth::safe_next(q.next.as_deref()),
            resume_action: None,
            kept: Vec::new(),
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
#[template(path = "resume.html")]
struct ResumePage {
    ctx: Ctx,
    action: String,
    kept: Vec<(String, String)>,
}

/// "12 seconds", "3 minutes": a wait in words.
pub fn wait_words(secs: u64) -> String {
    match secs {
        0 | 1 => "a second".into(),
        s if s < 90 => format!("{s} seconds"),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let email = get("email").trim().to_lowercase();
    let password = get("password");
    let next = auth::safe_next(Some(&get("next")));
    let resume_action = Some(get("resume_action")).filter(|a| auth::is_local_path(a));
    let kept: Vec<(String, String)> = form
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("kept.").map(|k| (k.to_string(), v.clone())))
        .collect();
    let now = now_ms();

    let fail = |ctx: Ctx, status: StatusCode, msg: &str| {
        render_status(
            status,
            &LoginPage {
                ctx,
                error: Some(msg.to_string()),
                email: email.clone(),
                next: next.clone(),
                resume_action: resume_action.clone(),
                kept: kept.clone(),
            },
        )
    };

    let found = match state.store.user_for_login(&email).await {
        Ok(f) => f,
        Err(e) => return PageError::from(e).into_response(),
    };
    // verify against a dummy hash when there is no such account: same work, same answer
    let (user, phc) = match found {
        Some((u, h)) => (Some(u), h),
        None => (None, debrief_core::secret::dummy_hash().to_string()),
    };
    let keys = crate::passwords::sign_in_keys(&state, &email, ip);
    let mut clear: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let ok = match crate::passwords::checked(&state, keys, password, phc).await {
        Ok(ok) => ok,
        Err(refused) => {
            let e = auth::ConfirmError::from(refused);
            let msg = if e.status == StatusCode::TOO_MANY_REQUESTS {
                format!(
                    "Too many failed attempts. Wait {} and try again.",
                    wait_words(e.retry_after.unwrap_or(1))
                )
            } else {
                e.message.clone()
            };
            let mut resp = fail(ctx, e.status, &msg);
            e.mark(&mut resp);
            return resp;
        }
    };
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        other => {
            let actor = other
                .as_ref()
                .map_or("anonymous".to_string(), |u| format!("user:{}", u.id));
            let object = other
                .as_ref()
                .map_or("unknown-account".to_string(), |u| format!("user:{}", u.id));
            let _ = state
                .store
                .audit(actor, "login.failed", object, String::new())
                .await;
            return fail(
                ctx,
                StatusCode::UNAUTHORIZED,
                "Incorrect email or password.",
            );
        }
    };
    // the password is proven: this account and address, the address, and the
    // account's confirmations start afresh
    clear.push(crate::passwords::confirmation_key(&state, user.id));
    crate::passwords::forget(&state, clear).await;
    let sid = debrief_core::secret::random_hex(32);
    if let Err(e) = state
        .store
        .create_session(
            debrief_core::secret::sha256_hex(&sid),
            user.id,
            now,
            now + auth::SESSION_MAX_MS,
        )
        .await
    {
        return PageError::from(e).into_response();
    }
    let _ = state
        .store
        .audit(
            format!("user:{}", user.id),
            "login",
            format!("user:{}", user.id),
            String::new(),
        )
        .await;
    let secure = auth::is_https(&state, &headers);
    let cookie = auth::set_cookie(
        auth::SESSION_COOKIE,
        &sid,
        auth::SESSION_MAX_MS / 1000,
        secure,
    );
    let mut resp = match resume_action {
        Some(action) if !kept.is_empty() => {
            let ctx = Ctx::build(
                Some(&Identity {
                    user,
                    via: Via::Session(String::new()),
                }),
                &ctx.csrf,
                "/",
            );
            render_status(StatusCode::OK, &ResumePage { ctx, action, kept })
        }
        _ => Redirect::to(&next).into_response(),
    };
    resp.headers_mut().append(header::SET_COOKIE, cookie);
    resp
}

pub async fn logout(
    State(state): State<AppState>,
    Signed(ident): Signed,
    headers: HeaderMap,
) -> Response {
    if let Some(h) = ident.session_hash() {
        let _ = state.store.delete_session(h.to_string()).await;
    }
    let _ = state
        .store
        .audit(ident.actor(), "logout", ident.actor(), String::new())
        .await;
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            auth::SESSION_COOKIE,
            "",
            0,
            auth::is_https(&state, &headers),
        ),
    );
    resp
}

// ------------------------------------------------------------------ first-run setup

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    ctx: Ctx,
    token: String,
    name: String,
    email: String,
    errors: Validation,
}

pub async fn setup_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Response {
    match state
        .store
        .setup_token_valid(debrief_core::secret::sha256_hex(&token), now_ms())
        .await
    {
        Ok(true) => render_status(
            StatusCode::OK,
            &SetupPage {
                ctx,
                token,
                name: String::new(),
                email: String::new(),
                errors: Validation::new(),
            },
        ),
        Ok(false) => error_page(
            StatusCode::NOT_FOUND,
            "This set-up link has been used or has expired. Run `debrief user add --role admin` on the server instead.",
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn setup(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> Response {
    let mut v = Validation::new();
    let name = v.text("name", &f.name, 200);
    let email = v.email("email", &f.email);
    v.new_password("password", &f.password, &email, &name);
    if !v.is_ok() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                ctx,
                token,
                name,
                email,
                errors: v,
            },
        );
    }
    let hash = match auth::hash_password(f.password).await {
        Ok(h) => h,
        Err(e) => return PageError::internal(e).into_response(),
    };
    let user = debrief_store::accounts::NewUser {
        email: email.clone(),
        name: name.clone(),
        password_hash: hash,
        roles: RoleSet::from_roles([Role::Admin]),
    };
    match state
        .store
        .consume_setup_token(debrief_core::secret::sha256_hex(&token), user, now_ms())
        .await
    {
        Ok(_) => Redirect::to("/login").into_response(),
        Err(debrief_store::StoreError::Unique(_)) => {
            v.add("email", "An account with this email exists already.");
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SetupPage {
                    ctx,
                    token,
                    name,
                    email,
                    errors: v,
                },
            )
        }
        Err(debrief_store::StoreError::NotFound | debrief_store::StoreError::Invalid(_)) => {
            error_page(
                StatusCode::NOT_FOUND,
                "This set-up link has been used or has expired.",
            )
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

// ------------------------------------------------------------------ home and areas

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    name: String,
    roles: Vec<&'static str>,
    teams: Vec<String>,
    setup_hint: bool,
}

pub async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
) -> Result<Html<String>, PageError> {
    let (teams, any_team) = state.store.home_teams(ident.user.id).await?;
    let setup_hint = ident.user.roles.contains(Role::Admin) && !any_team;
    render(&HomePage {
        ctx,
        name: ident.user.name.clone(),
        roles: role_names(ident.user.roles),
        teams,
        setup_hint,
    })
}

#[derive(Template)]
#[template(path = "area.html")]
struct AreaPage {
    ctx: Ctx,
    heading: &'static str,
    planned: &'static str,
    not_yet: &'static str,
}

/// A capability this version does not have yet: the page says so plainly.
macro_rules! not_built {
    ($fn:ident, $heading:expr, $planned:expr, $not_yet:expr) => {
        pub async fn $fn(ctx: Ctx) -> Result<Html<String>, PageError> {
            render(&AreaPage {
                ctx,
                heading: $heading,
                planned: $planned,
                not_yet: $not_yet,
            })
        }
    };
}

not_built!(
    dashboards,
    "Dashboards",
    "Planned: whether the learning culture works — time to report, MTTD, MTTR, near-miss reports per quarter, repeat incidents and action-item completion.",
    "This version of Debrief does not compute these metrics yet. The reports, cases and action items recorded now are kept with their times."
);
not_built!(
    programme,
    "Security programme",
    "Planned: security champions and their protected time, threat models per system, the security-debt register and risk acceptances.",
    "This version of Debrief cannot record any of these yet."
);

const CONDUCT_PLANNED: &str = "Planned: a restricted track for the rare suspected malicious or reckless act, kept apart from the blameless review.";
const CONDUCT_NOT_YET: &str = "This version of Debrief does not have the conduct track yet: nothing can be referred to it. Only conduct reviewers can open this page, and each view of it is recorded in the audit log.";

/// The conduct page; every view is audited, as the page says.
pub async fn conduct(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
) -> Result<Html<String>, PageError> {
    state
        .store
        .audit(
            ident.actor(),
            "conduct.viewed",
            "conduct".into(),
            String::new(),
        )
        .await?;
    render(&AreaPage {
        ctx,
        heading: "Conduct track",
        planned: CONDUCT_PLANNED,
        not_yet: CONDUCT_NOT_YET,
    })
}

// ------------------------------------------------------------------ account

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub status: &'static str,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: Ctx,
    user: User,
    roles: Vec<&'static str>,
    teams: Vec<String>,
    tokens: Vec<TokenRow>,
    notice: Option<String>,
    new_token: Option<String>,
    token_name: String,
    token_errors: Validation,
    pw_errors: Validation,
}

/// What the account page shows besides the account itself.
#[derive(Default)]
struct AccountForms {
    notice: Option<String>,
    new_token: Option<String>,
    token_name: String,
    token_errors: Validation,
    pw_errors: Validation,
}

async fn account_page(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    status: StatusCode,
    f: AccountForms,
) -> Response {
    let teams = match state.store.teams_of_user(ident.user.id).await {
        Ok(t) => t.into_iter().map(|t| t.name).collect(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let tokens = match state.store.list_tokens(ident.user.id).await {
        Ok(t) => t
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                name: t.name,
                prefix: t.prefix,
                created: time_html(t.created_ms),
                last_used: t
                    .last_used_ms
                    .map(time_html)
                    .unwrap_or_else(|| "Never".into()),
                status: if t.revoked_ms.is_some() {
                    "Revoked"
                } else {
                    "Active"
                },
                live: t.revoked_ms.is_none(),
            })
            .collect(),
        Err(e) => return PageError::from(e).into_response(),
    };
    render_status(
        status,
        &AccountPage {
            ctx,
            user: ident.user.clone(),
            roles: role_names(ident.user.roles),
            teams,
            tokens,
            notice: f.notice,
            new_token: f.new_token,
            token_name: f.token_name,
            token_errors: f.token_errors,
            pw_errors: f.pw_errors,
        },
    )
}

pub async fn account(State(state): State<AppState>, ctx: Ctx, Signed(ident): Signed) -> Response {
    account_page(&state, ctx, &ident, StatusCode::OK, AccountForms::default()).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    ClientIp(ip): ClientIp,
    Form(f): Form<PasswordForm>,
) -> Response {
    let mut v = Validation::new();
    v.new_password(
        "new_password",
        &f.new_password,
        &ident.user.email,
        &ident.user.name,
    );
    // the current password is always asked for here, even within the reauth window
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut retry = None;
    if let Err(e) =
        auth::confirm_password(&state, &ident, ip, None, Some(&f.current_password)).await
    {
        if e.refused() {
            status = e.status;
            retry = e.retry_after;
        }
        v.add("current_password", e.message);
    }
    if !v.is_ok() {
        let mut resp = account_page(
            &state,
            ctx,
            &ident,
            status,
            AccountForms {
                pw_errors: v,
                ..Default::default()
            },
        )
        .await;
        auth::mark_retry(&mut resp, retry);
        return resp;
    }
    let hash = match auth::hash_password(f.new_password).await {
        Ok(h) => h,
        Err(e) => return PageError::internal(e).into_response(),
    };
    let revoked = match state
        .store
        .set_password(
            ident.user.id,
            hash,
            ident.session_hash().map(str::to_string),
            now_ms(),
        )
        .await
    {
        Ok(n) => n,
        Err(e) => return PageError::from(e).into_response(),
    };
    let _ = state
        .store
        .audit(
            ident.actor(),
            "password.changed",
            ident.actor(),
            format!("tokens revoked: {revoked}"),
        )
        .await;
    let note = match revoked {
        0 => "Your password was changed. Other sessions were signed out.".to_string(),
        1 => "Your password was changed. Other sessions were signed out and your API token was revoked; create a new one if you need it.".to_string(),
        n => format!("Your password was changed. Other sessions were signed out and your {n} API tokens were revoked; create new ones if you need them."),
    };
    account_page(
        &state,
        ctx,
        &ident,
        StatusCode::OK,
        AccountForms {
            notice: Some(note),
            ..Default::default()
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    current_password: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    reauth: Option<Extension<ReauthAt>>,
    ClientIp(ip): ClientIp,
    Form(f): Form<TokenForm>,
) -> Response {
    let mut v = Validation::new();
    let name = v.text("name", &f.name, 100);
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut retry = None;
    if let Err(e) = auth::confirm_password(
        &state,
        &ident,
        ip,
        reauth.map(|r| r.0.0),
        Some(&f.current_password),
    )
    .await
    {
        if e.refused() {
            status = e.status;
            retry = e.retry_after;
        }
        v.add("current_password", e.message);
    }
    if !v.is_ok() {
        let mut resp = account_page(
            &state,
            ctx,
            &ident,
            status,
            AccountForms {
                token_name: name,
                token_errors: v,
                ..Default::default()
            },
        )
        .await;
        auth::mark_retry(&mut resp, retry);
        return resp;
    }
    match crate::api::issue_token(&state, &ident.user, &ident.actor(), name).await {
        Ok((token, _)) => {
            account_page(
                &state,
                ctx,
                &ident,
                StatusCode::OK,
                AccountForms {
                    new_token: Some(token),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
) -> Response {
    match state.store.revoke_token(ident.user.id, id, now_ms()).await {
        Ok(()) => {
            let _ = state
                .store
                .audit(
                    ident.actor(),
                    "token.revoked",
                    format!("token:{id}"),
                    String::new(),
                )
                .await;
            Redirect::to("/account").into_response()
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

// ------------------------------------------------------------------ administration

pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

fn role_choices(roles: RoleSet) -> Vec<RoleChoice> {
    Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Reporter)
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: r.label(),
            checked: roles.contains(r),
        })
        .collect()
}

pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub roles: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: Ctx,
    users: Vec<UserRow>,
    total: i64,
    has_more: bool,
    next_offset: i64,
    search: String,
    notice: Option<String>,
    form_name: String,
    form_email: String,
    role_choices: Vec<RoleChoice>,
    errors: Validation,
}

#[derive(Deserialize, Default)]
pub struct Paging {
    offset: Option<i64>,
    q: Option<String>,
}

const PAGE: i64 = 100;

async fn users_page(
    state: &AppState,
    ctx: Ctx,
    (offset, search): (i64, String),
    status: StatusCode,
    notice: Option<String>,
    form: Option<(String, String, RoleSet, Validation)>,
) -> Response {
    let query = Some(search.clone()).filter(|q| !q.trim().is_empty());
    let (users, total) = match state.store.list_users(PAGE, offset, query).await {
        Ok(x) => x,
        Err(e) => return PageError::from(e).into_response(),
    };
    let users = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            name: u.name,
            email: u.email,
            roles: role_names(u.roles).join(", "),
            disabled: u.disabled,
        })
        .collect();
    let (form_name, form_email, roles, errors) = form.unwrap_or_else(|| {
        (
            String::new(),
            String::new(),
            RoleSet::default(),
            Validation::new(),
        )
    });
    render_status(
        status,
        &UsersPage {
            ctx,
            users,
            total,
            has_more: offset.saturating_add(PAGE) < total,
            next_offset: offset.saturating_add(PAGE),
            search,
            notice,
            form_name,
            form_email,
            role_choices: role_choices(roles),
            errors,
        },
    )
}

pub async fn users(State(state): State<AppState>, ctx: Ctx, Query(p): Query<Paging>) -> Response {
    users_page(
        &state,
        ctx,
        (p.offset.unwrap_or(0).max(0), p.q.unwrap_or_default()),
        StatusCode::OK,
        None,
        None,
    )
    .await
}

fn roles_from_form(form: &[(String, String)], v: &mut Validation) -> RoleSet {
    let mut roles = RoleSet::default();
    for (k, val) in form {
        if k == "role" {
            match val.parse::<Role>() {
                Ok(r) => roles.insert(r),
                Err(e) => v.add("role", e.to_string()),
            }
        }
    }
    roles
}

pub async fn add_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut v = Validation::new();
    let name = v.text("name", &get("name"), 200);
    let email = v.email("email", &get("email"));
    let password = get("password");
    v.new_password("password", &password, &email, &name);
    let roles = roles_from_form(&form, &mut v);
    if !v.is_ok() {
        return users_page(
            &state,
            ctx,
            (0, String::new()),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some((name, email, roles, v)),
        )
        .await;
    }
    match crate::api::create_user(
        &state,
        &ident.actor(),
        name.clone(),
        email.clone(),
        password,
        roles,
    )
    .await
    {
        Ok(u) => {
            users_page(
                &state,
                ctx,
                (0, String::new()),
                StatusCode::OK,
                Some(format!("Added {}.", u.name)),
                None,
            )
            .await
        }
        Err(crate::api::CreateUserError::Exists) => {
            v.add("email", "An account with this email exists already.");
            users_page(
                &state,
                ctx,
                (0, String::new()),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some((name, email, roles, v)),
            )
            .await
        }
        Err(crate::api::CreateUserError::Other(e)) => e.into_response(),
    }
}

pub struct TeamChoice {
    pub id: i64,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    ctx: Ctx,
    is_self: bool,
    user: User,
    teams: Vec<String>,
    all_teams: Vec<TeamChoice>,
    role_choices: Vec<RoleChoice>,
    notice: Option<String>,
    error: Option<String>,
}

async fn user_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let user = match state.store.user_by_id(id).await {
        Ok(Some(u)) => u,
        Ok(None) => return PageError::not_found().into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let (mine, all) = match (
        state.store.teams_of_user(id).await,
        state.store.list_teams().await,
    ) {
        (Ok(m), Ok(a)) => (m, a),
        (Err(e), _) | (_, Err(e)) => return PageError::from(e).into_response(),
    };
    let all_teams = all
        .into_iter()
        .map(|t| TeamChoice {
            id: t.id,
            checked: mine.iter().any(|m| m.id == t.id),
            label: t.name,
        })
        .collect();
    let role_choices = role_choices(user.roles);
    render_status(
        status,
        &UserPage {
            is_self: ctx.user.as_ref().is_some_and(|me| me.id == user.id),
            ctx,
            teams: mine.into_iter().map(|t| t.name).collect(),
            user,
            all_teams,
            role_choices,
            notice,
            error,
        },
    )
}

pub async fn user(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    user_page(&state, ctx, id, StatusCode::OK, None, None).await
}

pub async fn set_user_roles(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    reauth: Option<Extension<ReauthAt>>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let mut v = Validation::new();
    let roles = roles_from_form(&form, &mut v);
    let password = form
        .iter()
        .find(|(k, _)| k == "current_password")
        .map(|(_, v)| v.as_str());
    if let Some(m) = v.errors.first() {
        return user_page(
            &state,
            ctx,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(m.message.clone()),
        )
        .await;
    }
    if let Err(e) =
        auth::confirm_password(&state, &ident, ip, reauth.map(|r| r.0.0), password).await
    {
        let status = if e.refused() {
            e.status
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let mut resp = user_page(&state, ctx, id, status, None, Some(e.message.clone())).await;
        e.mark(&mut resp);
        return resp;
    }
    match crate::api::change_roles(&state, &ident, id, roles).await {
        Ok(()) => {
            user_page(
                &state,
                ctx,
                id,
                StatusCode::OK,
                Some("Roles saved; they apply from the person's next request.".into()),
                None,
            )
            .await
        }
        Err(e) if e.status == StatusCode::CONFLICT => {
            user_page(&state, ctx, id, StatusCode::CONFLICT, None, Some(e.detail)).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    disabled: bool,
}

pub async fn set_user_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> Response {
    match crate::api::change_status(&state, &ident, id, f.disabled).await {
        Ok(()) => {
            let note = if f.disabled {
                "Account disabled; its sessions and tokens have ended."
            } else {
                "Account enabled."
            };
            user_page(&state, ctx, id, StatusCode::OK, Some(note.into()), None).await
        }
        Err(e) if e.status == StatusCode::CONFLICT => {
            user_page(&state, ctx, id, StatusCode::CONFLICT, None, Some(e.detail)).await
        }
        Err(e) => e.into_response(),
    }
}

pub async fn set_user_teams(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let wanted: Vec<i64> = form
        .iter()
        .filter(|(k, _)| k == "team")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let actor = ident.actor();
    let res = state
        .store
        .write(move |c| {
            if c.query_opt(
                "SELECT id FROM users WHERE id = $1",
                &debrief_store::params![id],
            )?
            .is_none()
            {
                return Err(debrief_store::StoreError::NotFound);
            }
            let current: Vec<i64> = c
                .query(
                    "SELECT team_id FROM team_members WHERE user_id = $1",
                    &debrief_store::params![id],
                )?
                .iter()
                .map(|r| r.i64(0))
                .collect::<Result<_, _>>()?;
            let now = now_ms();
            for t in &wanted {
                if !current.contains(t) {
                    debrief_store::accounts::add_team_member(c, *t, id)?;
                    debrief_store::audit::append(
                        c,
                        now,
                        &actor,
                        "team.member_added",
                        &format!("user:{id}"),
                        &format!("team:{t}"),
                    )?;
                }
            }
            for t in current.iter().filter(|t| !wanted.contains(t)) {
                debrief_store::accounts::remove_team_member(c, *t, id)?;
                debrief_store::audit::append(
                    c,
                    now,
                    &actor,
                    "team.member_removed",
                    &format!("user:{id}"),
                    &format!("team:{t}"),
                )?;
            }
            Ok(())
        })
        .await;
    match res {
        Ok(()) => {
            user_page(
                &state,
                ctx,
                id,
                StatusCode::OK,
                Some("Teams saved.".into()),
                None,
            )
            .await
        }
        Err(debrief_store::StoreError::ForeignKey) => {
            user_page(
                &state,
                ctx,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some("One of those teams no longer exists.".into()),
            )
            .await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    ctx: Ctx,
    teams: Vec<debrief_store::Team>,
    form_name: String,
    form_description: String,
    errors: Validation,
}

pub async fn teams(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, PageError> {
    let teams = state.store.list_teams().await?;
    render(&TeamsPage {
        ctx,
        teams,
        form_name: String::new(),
        form_description: String::new(),
        errors: Validation::new(),
    })
}

#[derive(Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

pub async fn add_team(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Form(f): Form<TeamForm>,
) -> Response {
    match crate::api::create_team(&state, &ident.actor(), &f.name, &f.description).await {
        Ok(_) => Redirect::to("/admin/teams").into_response(),
        Err(crate::api::TeamError::Invalid(errors)) => {
            let teams = state.store.list_teams().await.unwrap_or_default();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &TeamsPage {
                    ctx,
                    teams,
                    form_name: f.name,
                    form_description: f.description,
                    errors,
                },
            )
        }
        Err(crate::api::TeamError::Other(e)) => e.into_response(),
    }
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: Ctx,
    entries: Vec<AuditRow>,
    total: i64,
    /// The filters as typed, shown back in the form.
    form: AuditForm,
    errors: Validation,
    filtered: bool,
    /// The filters as a query string (`actor=…&`), for the paging links.
    keep: String,
    prev_offset: Option<i64>,
    next_offset: Option<i64>,
}

/// The audit page's filter form, kept as typed.
#[derive(Debug, Default, Deserialize)]
pub struct AuditForm {
    #[serde(default)]
    offset: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

pub async fn audit(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Query(form): Query<AuditForm>,
) -> Response {
    let offset = form.offset.trim().parse::<i64>().unwrap_or(0).max(0);
    let some = |v: &str| Some(v.to_string()).filter(|v| !v.trim().is_empty());
    let q = crate::api::AuditQuery {
        actor: some(&form.actor),
        action: some(&form.action),
        object: some(&form.object),
        from: some(&form.from),
        to: some(&form.to),
        ..Default::default()
    };
    let filtered = q.actor.is_some()
        || q.action.is_some()
        || q.object.is_some()
        || q.from.is_some()
        || q.to.is_some();
    let keep = serde_urlencoded::to_string(
        [
            ("actor", &q.actor),
            ("action", &q.action),
            ("object", &q.object),
            ("from", &q.from),
            ("to", &q.to),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (*k, v.trim())))
        .collect::<Vec<_>>(),
    )
    .map(|s| if s.is_empty() { s } else { s + "&" })
    .unwrap_or_default();
    let (filter, errors) = match crate::api::audit_filter(&q) {
        Ok(f) => (Some(f), Validation::new()),
        Err(errors) => (None, Validation { errors }),
    };
    let (entries, total) = match &filter {
        Some(f) => match state.store.list_audit(f.clone(), PAGE, offset).await {
            Ok(x) => x,
            Err(e) => return PageError::from(e).into_response(),
        },
        None => (Vec::new(), 0),
    };
    if let Err(e) = state
        .store
        .audit(
            ident.actor(),
            "audit.viewed",
            "audit_log".into(),
            String::new(),
        )
        .await
    {
        return PageError::from(e).into_response();
    }
    let entries = entries
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: time_html(e.at_ms),
            actor: e.actor,
            action: e.action,
            object: e.object,
            detail: e.detail,
        })
        .collect();
    let status = if filter.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        status,
        &AuditPage {
            ctx,
            entries,
            total,
            form,
            errors,
            filtered,
            keep,
            prev_offset: (offset > 0).then(|| (offset - PAGE).max(0)),
            next_offset: (offset.saturating_add(PAGE) < total)
                .then_some(offset.saturating_add(PAGE)),
        },
    )
}

pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: String,
    pub last_error: String,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    ctx: Ctx,
    jobs: Vec<JobRow>,
    total: i64,
}

pub async fn jobs(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, PageError> {
    let (jobs, total) = state.store.list_jobs(PAGE, 0).await?;
    let jobs = jobs
        .into_iter()
        .map(|j| JobRow {
            id: j.id,
            kind: j.kind,
            state: j.state,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: time_html(j.run_at_ms),
            last_error: j.last_error.unwrap_or_default(),
        })
        .collect();
    render(&JobsPage { ctx, jobs, total })
}

#[cfg(test)]
mod local_time_tests {
    use super::*;

    fn at(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn a_local_time_is_stored_in_utc_with_the_offset_for_that_time() {
        let now = at("2027-01-01T00:00:00Z");
        let mut v = Validation::new();
        // Berlin: UTC+1 in winter, UTC+2 in summer
        let winter = parse_local_time(&mut v, "at", "2026-01-05T10:00", "tz_offset", "-60", now);
        let summer = parse_local_time(&mut v, "at", "2026-07-06T10:00", "tz_offset", "-120", now);
        assert_eq!(winter, Some(at("2026-01-05T09:00:00Z")));
        assert_eq!(summer, Some(at("2026-07-06T08:00:00Z")));
        // without JavaScript there is no offset: UTC, as the form then says
        let plain = parse_local_time(&mut v, "at", "2026-01-05T10:00", "tz_offset", "", now);
        assert_eq!(plain, Some(at("2026-01-05T10:00:00Z")));
        assert!(v.is_ok());
        assert_eq!(
            utc_input_value(at("2026-01-05T09:00:00Z")),
            "2026-01-05T09:00"
        );
        assert_eq!(
            utc_input_value(at("2026-01-05T09:00:30Z")),
            "2026-01-05T09:00:30"
        );
    }

    #[test]
    fn out_of_range_times_and_offsets_are_field_errors() {
        let now = at("2027-01-01T00:00:00Z");
        for (value, offset, field) in [
            ("+262142-12-31T23:59", "-840", "at"),
            ("-262143-01-01T00:00", "840", "at"),
            ("2026-01-05T10:00", "100000", "tz_offset"),
            ("2026-01-05T10:00", "x", "tz_offset"),
            ("2026-13-05T10:00", "-60", "at"),
            ("2099-01-05T10:00", "-60", "at"),
        ] {
            let mut v = Validation::new();
            assert_eq!(
                parse_local_time(&mut v, "at", value, "tz_offset", offset, now),
                None,
                "{value} {offset}"
            );
            assert_eq!(
                v.errors.first().map(|e| e.field.as_str()),
                Some(field),
                "{value} {offset}"
            );
        }
    }
}
