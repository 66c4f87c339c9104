//! Sign-in, sign-out and first-run set-up pages, and the caller's account page
//! (password, API tokens).

use crate::AppState;
use crate::platform::auth;
use crate::platform::auth::{Identity, ReauthAt, Signed, Via};
use crate::platform::client_addr::ClientIp;
use crate::platform::error::{PageError, refusal};
use crate::platform::shell::{
    Ctx, ResumePage, error_page, render_status, role_names, time_html, wait_words,
};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use debrief_core::account::{UserDraft, token_name};
use debrief_core::{Role, Validation};
use debrief_store::{User, now_ms};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "accounts/login.html")]
pub(crate) struct LoginPage {
    pub(crate) ctx: Ctx,
    pub(crate) error: Option<String>,
    pub(crate) email: String,
    pub(crate) next: String,
    pub(crate) resume_action: Option<String>,
    pub(crate) kept: Vec<(String, String)>,
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

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| crate::platform::form::first(&form, k);
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
    let keys = crate::platform::passwords::sign_in_keys(&state, &email, ip);
    let mut clear: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let ok = match crate::platform::passwords::checked(&state, keys, password, phc).await {
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
    clear.push(crate::platform::passwords::confirmation_key(
        &state, user.id,
    ));
    crate::platform::passwords::forget(&state, clear).await;
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
#[template(path = "accounts/setup.html")]
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
    let draft = UserDraft {
        name: &f.name,
        email: &f.email,
        password: &f.password,
        roles: &[Role::Admin.as_str()],
    };
    let valid = match draft.parse() {
        Ok(u) => u,
        Err((kept, errors)) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SetupPage {
                    ctx,
                    token,
                    name: kept.name,
                    email: kept.email,
                    errors: Validation { errors },
                },
            );
        }
    };
    let hash = match auth::hash_password(f.password).await {
        Ok(h) => h,
        Err(e) => return PageError::from(e).into_response(),
    };
    let (name, email) = (valid.name.clone(), valid.email.clone());
    let user = debrief_store::accounts::NewUser {
        email: valid.email,
        name: valid.name,
        password_hash: hash,
        roles: valid.roles,
    };
    match state
        .store
        .consume_setup_token(debrief_core::secret::sha256_hex(&token), user, now_ms())
        .await
    {
        Ok(_) => Redirect::to("/login").into_response(),
        Err(debrief_store::StoreError::NotFound | debrief_store::StoreError::State(_)) => {
            error_page(
                StatusCode::NOT_FOUND,
                "This set-up link has been used or has expired.",
            )
        }
        Err(e) => match refusal(e) {
            Ok(r) => render_status(
                r.status,
                &SetupPage {
                    ctx,
                    token,
                    name,
                    email,
                    errors: r.validation(),
                },
            ),
            Err(page) => page.into_response(),
        },
    }
}

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
#[template(path = "accounts/account.html")]
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
    let (mut status, mut retry) = (StatusCode::UNPROCESSABLE_ENTITY, None);
    if let Err(e) =
        auth::confirm_password(&state, &ident, ip, None, Some(&f.current_password)).await
    {
        (status, retry) = e.add_to_form(&mut v, "current_password");
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
        Err(e) => return PageError::from(e).into_response(),
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
    let name = token_name(&mut v, &f.name);
    let (mut status, mut retry) = (StatusCode::UNPROCESSABLE_ENTITY, None);
    if let Err(e) = auth::confirm_password(
        &state,
        &ident,
        ip,
        reauth.map(|r| r.0.0),
        Some(&f.current_password),
    )
    .await
    {
        (status, retry) = e.add_to_form(&mut v, "current_password");
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
    match crate::accounts::ops::issue_token(&state, &ident.user, &ident.actor(), name).await {
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
