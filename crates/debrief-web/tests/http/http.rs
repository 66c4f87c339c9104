//! Accounts, sessions, CSRF and sign-in, against the
//! real server over HTTP.

use debrief_core::{Role, RoleSet};
use debrief_testkit::{PASSWORD, TestApp, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub(crate) async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let anon = app.anonymous();
    app.post_form(
        &anon,
        "/login",
        &[
            ("email", email),
            ("password", password),
            ("next", "/account"),
        ],
    )
    .await
}

fn session_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("debrief_session=") && !v.starts_with("debrief_session=;"))
        .map(|v| v.split(';').next().unwrap_or("").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_sets_a_hardened_session_cookie_and_sign_out_ends_it() {
    let app = TestApp::spawn().await;
    let email = app.users[&Role::Responder].email.clone();
    let r = login(&app, &email, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/account");
    let raw = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("debrief_session="))
        .unwrap();
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Lax"),
        "{raw}"
    );
    let cookie = session_cookie(&r).unwrap();

    let csrf = debrief_core::secret::random_hex(32);
    let s = debrief_testkit::Session {
        cookie: format!("{cookie}; debrief_csrf={csrf}"),
        csrf,
        sid: String::new(),
    };
    assert_eq!(app.get(&s, "/account").await.status(), StatusCode::OK);
    // behind HTTPS the cookie is Secure
    let anon = app.anonymous();
    let r = client()
        .post(app.url("/login"))
        .headers(app.browser_headers(&anon))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("csrf", anon.csrf.as_str()),
            ("email", &email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let raw = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("debrief_session="))
        .unwrap();
    assert!(raw.contains("Secure"), "{raw}");

    let r = app.post_form(&s, "/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.get(&s, "/account").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    assert!(app.audit_count("login").await >= 2);
    assert_eq!(app.audit_count("logout").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_account_get_the_same_answer_and_are_rate_limited() {
    let app = TestApp::spawn().await;
    let email = app.users[&Role::Reporter].email.clone();
    let a = login(&app, &email, "not the password").await;
    let a_status = a.status();
    let a_body = a.text().await.unwrap();
    let b = login(&app, "nobody@example.org", "not the password").await;
    assert_eq!(a_status, StatusCode::UNAUTHORIZED);
    assert_eq!(b.status(), StatusCode::UNAUTHORIZED);
    let b_body = b.text().await.unwrap();
    assert!(a_body.contains("Incorrect email or password."));
    assert!(b_body.contains("Incorrect email or password."));
    // the typed email is kept
    assert!(a_body.contains(&format!("value=\"{email}\"")));
    assert_eq!(app.audit_count("login.failed").await, 2);

    // Wrong passwords until the back-off asks for a wait of 2 s or more, so
    // the next attempt falls inside it however slow this machine is (an
    // attempt after a shorter wait has passed is counted, and the wait doubles).
    let mut waits = Vec::new();
    for _ in 0..12 {
        let r = login(&app, &email, "still wrong").await;
        if r.status() != StatusCode::TOO_MANY_REQUESTS {
            continue;
        }
        let secs: u64 = r
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("a throttled sign-in says how long to wait");
        waits.push(secs);
        if secs >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
    }
    assert!(
        waits.last().is_some_and(|s| *s >= 2),
        "the wait grows: {waits:?}"
    );
    let r = login(&app, &email, PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits once the limit is reached"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_need_the_csrf_token_and_the_same_origin() {
    let app = TestApp::spawn().await;
    let s = app.session_for(Role::Admin).await;
    // no token
    let r = client()
        .post(app.url("/admin/teams"))
        .headers(app.browser_headers(&s))
        .form(&[("name", "Red")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // wrong token
    let r = client()
        .post(app.url("/admin/teams"))
        .headers(app.browser_headers(&s))
        .form(&[("csrf", "0".repeat(64).as_str()), ("name", "Red")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // right token from another site
    let mut h = app.browser_headers(&s);
    h.insert("origin", "https://evil.example".parse().unwrap());
    h.insert("sec-fetch-site", "cross-site".parse().unwrap());
    let r = client()
        .post(app.url("/admin/teams"))
        .headers(h.clone())
        .form(&[("csrf", s.csrf.as_str()), ("name", "Red")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // cookie-authenticated API writes from another site are refused too
    let r = client()
        .post(app.url("/api/v1/teams"))
        .headers(h)
        .json(&json!({"name": "Red"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(app.store.list_teams().await.unwrap().is_empty());
    // the real thing works
    let r = app
        .post_form(
            &s,
            "/admin/teams",
            &[("name", "Red team"), ("description", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.list_teams().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_changes_apply_on_the_next_request_and_need_the_password() {
    let app = TestApp::spawn().await;
    let admin = app.session_for(Role::Admin).await;
    let person = app.add_user("person@example.org", RoleSet::default()).await;
    let theirs = app.session(&person).await;
    assert_eq!(
        app.get(&theirs, "/triage").await.status(),
        StatusCode::FORBIDDEN
    );

    let path = format!("/admin/users/{}/roles", person.id);
    let r = app
        .post_form(
            &admin,
            &path,
            &[("role", "responder"), ("current_password", "wrong")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("not your current password")
    );
    let r = app
        .post_form(
            &admin,
            &path,
            &[("role", "responder"), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(&theirs, "/triage").await.status(),
        StatusCode::OK,
        "same session, new rights"
    );
    assert_eq!(app.audit_count("user.roles_changed").await, 1);

    // and through the API, with a token and the password
    let token = app.token(&app.users[&Role::Admin]).await;
    let r = client()
        .put(app.url(&format!("/api/v1/users/{}/roles", person.id)))
        .bearer_auth(&token)
        .json(&json!({"roles": ["facilitator"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "password required"
    );
    let r = client()
        .put(app.url(&format!("/api/v1/users/{}/roles", person.id)))
        .bearer_auth(&token)
        .json(&json!({"roles": ["facilitator", "wizard"], "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "roles");
    let r = client()
        .put(app.url(&format!("/api/v1/users/{}/roles", person.id)))
        .bearer_auth(&token)
        .json(&json!({"roles": ["facilitator"], "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(&theirs, "/triage").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_administrator_cannot_be_removed() {
    let app = TestApp::spawn().await;
    let admin = app.users[&Role::Admin].clone();
    let token = app.token(&admin).await;
    let r = client()
        .put(app.url(&format!("/api/v1/users/{}/roles", admin.id)))
        .bearer_auth(&token)
        .json(&json!({"roles": [], "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = client()
        .put(app.url(&format!("/api/v1/users/{}/status", admin.id)))
        .bearer_auth(&token)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_an_account_ends_its_sessions_and_tokens() {
    let app = TestApp::spawn().await;
    let admin = app.session_for(Role::Admin).await;
    let person = app
        .add_user("leaver@example.org", RoleSet::from_roles([Role::Responder]))
        .await;
    let theirs = app.session(&person).await;
    let token = app.token(&person).await;
    assert_eq!(
        client()
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{}/status", person.id),
            &[("disabled", "true")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(&theirs, "/account").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        client()
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, "leaver@example.org", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_change_ends_other_sessions_and_tokens_need_the_password() {
    let app = TestApp::spawn().await;
    let person = app.add_user("pw@example.org", RoleSet::default()).await;
    let here = app.session(&person).await;
    let elsewhere = app.session(&person).await;
    let r = app
        .post_form(
            &here,
            "/account/password",
            &[("current_password", PASSWORD), ("new_password", "short")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("at least 12 characters"));
    let r = app
        .post_form(
            &here,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a much better passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.get(&here, "/account").await.status(), StatusCode::OK);
    assert_eq!(
        app.get(&elsewhere, "/account").await.status(),
        StatusCode::SEE_OTHER
    );

    // creating a token asks for the password
    let r = app
        .post_form(
            &here,
            "/account/tokens",
            &[("name", "ci"), ("current_password", "wrong")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("not your current password"));
    assert!(body.contains("value=\"ci\""), "the typed name is kept");
    let r = app
        .post_form(
            &here,
            "/account/tokens",
            &[
                ("name", "ci"),
                ("current_password", "a much better passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    let token = body
        .split("value=\"dbt_")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .map(|t| format!("dbt_{t}"))
        .unwrap();
    let me: Value = client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "pw@example.org");
    assert_eq!(app.audit_count("token.created").await, 1);
    // the token itself is stored only as a hash
    let raw = token.clone();
    let n = app
        .store
        .read(move |c| {
            c.query_one(
                "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1",
                &debrief_store::params![raw],
            )?
            .i64(0)
        })
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_sent_after_the_session_ended_is_kept_through_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.users[&Role::Admin].clone();
    let s = app.session(&admin).await;
    app.store
        .delete_session(debrief_core::secret::sha256_hex(&s.sid))
        .await
        .unwrap();
    let r = app
        .post_form(
            &s,
            "/admin/teams",
            &[("name", "Blue <team>"), ("description", "kept text")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("name=\"kept.name\" value=\"Blue &#60;team&#62;\"")
            || body.contains("name=\"kept.name\" value=\"Blue &lt;team&gt;\""),
        "{body}"
    );
    // signing in from that page offers the form again, unchanged
    let anon = app.anonymous();
    let r = app
        .post_form(
            &anon,
            "/login",
            &[
                ("email", &admin.email),
                ("password", PASSWORD),
                ("resume_action", "/admin/teams"),
                ("kept.name", "Blue <team>"),
                ("kept.description", "kept text"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains("action=\"/admin/teams\""));
    assert!(body.contains("kept text"));
    assert!(!body.contains("<team>"), "escaped");
}
