//! Regression tests for redirects, credentials, the last administrator and bad
//! input: each one failed before its fix. Runs on both engines
//! (`DEBRIEF_TEST_DB=sqlite|postgres`).

use debrief_core::{Role, RoleSet};
use debrief_testkit::{PASSWORD, TestApp, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

// ------------------------------------------------------------------ open redirect

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_never_redirects_off_site() {
    let app = TestApp::spawn().await;
    let user = app.users[&Role::Responder].clone();
    let signed = app.session(&user).await;
    let bad = [
        "/%09/evil.example/x",
        "/%0A/x",
        "/%0D%0A/evil.example",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "//evil.example",
        "/%00/x",
        "/%7F/x",
        "https://evil.example/",
    ];
    // NUL and DEL are refused as input (422) before the redirect is considered;
    // everything else is sent home
    let refused = |next: &str, r: &reqwest::Response| {
        (next.contains("%00") || next.contains("%7F"))
            && r.status() == StatusCode::UNPROCESSABLE_ENTITY
    };
    for next in bad {
        // already signed in: GET /login redirects at once
        let r = app.get(&signed, &format!("/login?next={next}")).await;
        if !refused(next, &r) {
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "GET next={next}");
            assert_eq!(location(&r), "/", "GET next={next}");
        }
        // signing in with the field
        let decoded = percent_decode(next);
        let anon = app.anonymous();
        let r = app
            .post_form(
                &anon,
                "/login",
                &[
                    ("email", &user.email),
                    ("password", PASSWORD),
                    ("next", &decoded),
                ],
            )
            .await;
        if !refused(next, &r) {
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "POST next={next}");
            assert_eq!(location(&r), "/", "POST next={next}");
        }
    }
    // a local path is still honoured
    let r = app.get(&signed, "/login?next=/cases%3Fq%3Dx").await;
    assert_eq!(location(&r), "/cases?q=x");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_resumed_form_never_posts_off_site() {
    let app = TestApp::spawn().await;
    let user = app.users[&Role::Admin].clone();
    for action in [
        "/\t/evil.example/x",
        "/\\evil.example",
        "/\n/x",
        "//evil.example",
    ] {
        let anon = app.anonymous();
        let r = app
            .post_form(
                &anon,
                "/login",
                &[
                    ("email", &user.email),
                    ("password", PASSWORD),
                    ("resume_action", action),
                    ("kept.name", "typed"),
                ],
            )
            .await;
        assert_ne!(r.status(), StatusCode::INTERNAL_SERVER_ERROR, "{action:?}");
        let body = r.text().await.unwrap();
        assert!(
            !body.contains("evil.example") && !body.contains("action=\"/\n"),
            "{action:?}: {body}"
        );
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap();
            out.push(h);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

// ------------------------------------------------------------------ tokens and passwords

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_revokes_api_tokens() {
    let app = TestApp::spawn().await;
    let person = app.add_user("tok@example.org", RoleSet::default()).await;
    let s = app.session(&person).await;
    let token = app.token(&person).await;
    let me = |t: String| {
        let url = app.url("/api/v1/me");
        async move {
            client()
                .get(url)
                .bearer_auth(t)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(me(token.clone()).await, StatusCode::OK);
    let r = app
        .post_form(
            &s,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "plover quartz lantern meadow"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains("API token was revoked"), "{body}");
    assert!(body.contains("revokes your API tokens"), "the form says so");
    assert_eq!(me(token).await, StatusCode::UNAUTHORIZED);
    // the session that changed it goes on
    assert_eq!(app.get(&s, "/account").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setting_a_password_in_the_store_revokes_api_tokens() {
    let app = TestApp::spawn().await;
    let person = app.add_user("reset@example.org", RoleSet::default()).await;
    let token = app.token(&person).await;
    let revoked = app
        .store
        .set_password(
            person.id,
            debrief_testkit::password_hash(),
            None,
            debrief_store::now_ms(),
        )
        .await
        .unwrap();
    assert_eq!(revoked, 1);
    let r = client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

// ------------------------------------------------------------------ the last administrator

async fn enabled_admins(app: &TestApp) -> i64 {
    app.store.count_admins().await.unwrap()
}

/// Makes `keep` the only enabled administrators (directly in the database).
async fn only_admins(app: &TestApp, keep: [i64; 2]) {
    let bit = i64::from(Role::Admin.bit());
    app.store
        .write(move |c| {
            c.execute(
                "UPDATE users SET disabled = 1 WHERE (roles & $1) <> 0 AND id <> $2 AND id <> $3",
                &debrief_store::params![bit, keep[0], keep[1]],
            )
        })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_disabling_each_other_leave_one_admin() {
    let app = TestApp::spawn().await;
    let admin = RoleSet::from_roles([Role::Admin]);
    for round in 0..20 {
        let a = app.add_user(&format!("a{round}@example.org"), admin).await;
        let b = app.add_user(&format!("b{round}@example.org"), admin).await;
        only_admins(&app, [a.id, b.id]).await;
        assert_eq!(enabled_admins(&app).await, 2);
        let (ta, tb) = (app.token(&a).await, app.token(&b).await);
        let put = |token: String, id: i64| {
            let url = app.url(&format!("/api/v1/users/{id}/status"));
            async move {
                let r = client()
                    .put(url)
                    .bearer_auth(token)
                    .json(&json!({"disabled": true}))
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                (status, r.text().await.unwrap())
            }
        };
        let (ra, rb) = tokio::join!(put(ta, b.id), put(tb, a.id));
        assert!(
            enabled_admins(&app).await >= 1,
            "round {round}: no enabled administrator left ({ra:?}, {rb:?})"
        );
        let ok = [&ra, &rb].iter().filter(|r| r.0 == StatusCode::OK).count();
        assert_eq!(ok, 1, "round {round}: {ra:?} {rb:?}");
        for (status, body) in [&ra, &rb] {
            if *status == StatusCode::CONFLICT {
                assert!(body.contains("last enabled administrator"), "{body}");
            } else {
                // the winner's change may reach the loser's request first: a
                // disabled account's token no longer works
                assert!(
                    matches!(*status, StatusCode::OK | StatusCode::UNAUTHORIZED),
                    "round {round}: {status} {body}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_removing_each_others_admin_role_leave_one_admin() {
    let app = TestApp::spawn().await;
    let admin = RoleSet::from_roles([Role::Admin]);
    for round in 0..10 {
        let a = app.add_user(&format!("ra{round}@example.org"), admin).await;
        let b = app.add_user(&format!("rb{round}@example.org"), admin).await;
        only_admins(&app, [a.id, b.id]).await;
        let (ta, tb) = (app.token(&a).await, app.token(&b).await);
        let put = |token: String, id: i64| {
            let url = app.url(&format!("/api/v1/users/{id}/roles"));
            async move {
                let r = client()
                    .put(url)
                    .bearer_auth(token)
                    .json(&json!({"roles": ["responder"], "password": PASSWORD}))
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                (status, r.text().await.unwrap())
            }
        };
        let (ra, rb) = tokio::join!(put(ta, b.id), put(tb, a.id));
        assert!(
            enabled_admins(&app).await >= 1,
            "round {round}: no administrator left ({ra:?}, {rb:?})"
        );
        for (status, body) in [&ra, &rb] {
            assert!(
                matches!(
                    *status,
                    StatusCode::OK | StatusCode::CONFLICT | StatusCode::FORBIDDEN
                ),
                "round {round}: {status} {body}"
            );
            if *status == StatusCode::CONFLICT {
                assert!(body.contains("last enabled administrator"), "{body}");
            }
        }
    }
    // the store refuses it too
    let last = app.add_user("last@example.org", admin).await;
    only_admins(&app, [last.id, last.id]).await;
    let e = app
        .store
        .set_roles(last.id, RoleSet::from_roles([Role::Responder]))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("last enabled administrator"), "{e}");
    assert_eq!(enabled_admins(&app).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_the_last_admin_from_the_page_is_refused() {
    let app = TestApp::spawn().await;
    let admin = RoleSet::from_roles([Role::Admin]);
    let a = app.add_user("pa@example.org", admin).await;
    let b = app.add_user("pb@example.org", admin).await;
    only_admins(&app, [a.id, b.id]).await;
    let s = app.session(&a).await;
    let r = app
        .post_form(
            &s,
            &format!("/admin/users/{}/status", b.id),
            &[("disabled", "true")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // a is now the last one and cannot give up the admin role
    let r = app
        .post_form(
            &s,
            &format!("/admin/users/{}/roles", a.id),
            &[("role", "responder"), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("last enabled administrator")
    );
    assert_eq!(enabled_admins(&app).await, 1);
}

// ------------------------------------------------------------------ password policy

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn common_and_personal_passwords_are_refused_everywhere() {
    let app = TestApp::spawn().await;
    let person = app
        .add_user("grace.hopper@example.org", RoleSet::default())
        .await;
    let s = app.session(&person).await;
    for (new, why) in [
        ("password1234", "most common passwords"),
        ("qwertyuiop", "at least 12 characters"),
        ("qwertyuiop123", "most common passwords"),
        ("aaaaaaaaaaaa", "Too repetitive"),
        ("grace.hopper@example.org", "email address or your name"),
        ("Grace.Hopper-1906", "email address or your name"),
    ] {
        let r = app
            .post_form(
                &s,
                "/account/password",
                &[("current_password", PASSWORD), ("new_password", new)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{new}");
        let body = r.text().await.unwrap();
        assert!(body.contains(why), "{new}: {why}");
    }

    // the API and the administration page
    let admin = app.users[&Role::Admin].clone();
    let token = app.token(&admin).await;
    let r = client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({"name": "Ada Lovelace", "email": "ada@example.org",
                      "password": "adalovelace!!", "roles": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "password", "{v}");
    let r = client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({"name": "Ada Lovelace", "email": "ada@example.org",
                      "password": "Password1234!", "roles": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let sa = app.session(&admin).await;
    let r = app
        .post_form(
            &sa,
            "/admin/users",
            &[
                ("name", "Alan Turing"),
                ("email", "alan@example.org"),
                ("password", "iloveyou1234"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("most common passwords"));
    // a good passphrase still works
    let r = app
        .post_form(
            &sa,
            "/admin/users",
            &[
                ("name", "Alan Turing"),
                ("email", "alan@example.org"),
                ("password", "plover quartz lantern meadow"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

// ------------------------------------------------------------------ HSTS and the deployment key

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_is_sent_exactly_when_cookies_are_secure() {
    let app = TestApp::spawn().await;
    for path in ["/login", "/api/v1/me", "/nowhere"] {
        let r = client()
            .get(app.url(path))
            .header("x-forwarded-proto", "https")
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()
                .get("strict-transport-security")
                .and_then(|v| v.to_str().ok()),
            Some("max-age=31536000; includeSubDomains"),
            "{path}"
        );
        let r = client().get(app.url(path)).send().await.unwrap();
        assert!(
            r.headers().get("strict-transport-security").is_none(),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_shows_and_compares_the_whole_key() {
    let app = TestApp::spawn().await;
    let keys = debrief_core::keys::Keys::from_master(&[9u8; 32]);
    let anon = app.anonymous();
    let page = app.get(&anon, "/verify").await.text().await.unwrap();
    assert!(page.contains(&keys.public_key_b64()), "{page}");
    assert!(page.contains(&keys.public_key_hex()));
    let proof = debrief_core::report::make_proof(&keys, 7, "abc", 0);
    let json_text = serde_json::to_string(&proof).unwrap();
    let r = app
        .post_form(&anon, "/verify", &[("proof", &json_text)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains("signed by this Debrief"));
}

// ------------------------------------------------------------------ bad input

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_range_time_is_refused_by_name() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    for (occurred, offset) in [
        ("-262143-01-01T00:00", "-840"),
        ("+262142-12-31T23:59", "840"),
        ("1900-01-01T00:00", "0"),
        ("0001-01-01T00:00", "-840"),
    ] {
        let r = app
            .post_form(
                &anon,
                "/report",
                &[
                    ("kind", "incident"),
                    ("title", "Time travel"),
                    ("description", "It happened long ago."),
                    ("confidentiality", "anonymous"),
                    ("occurred_at", occurred),
                    ("tz_offset", offset),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{occurred}");
        let body = r.text().await.unwrap();
        assert!(body.contains("occurred_at-error"), "{occurred}: {body}");
        assert!(
            body.contains("It happened long ago."),
            "what was typed is kept"
        );
    }
    // the API too
    let r = client()
        .post(app.url("/api/v1/reports"))
        .json(
            &json!({"kind": "incident", "title": "t", "description": "d",
                      "confidentiality": "anonymous", "occurred_at": "1969-12-31T23:59:00Z"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "occurred_at", "{v}");
}

const REPORT_FIELDS: [&str; 8] = [
    "kind",
    "title",
    "description",
    "confidentiality",
    "occurred_at",
    "detected_at",
    "occurred_note",
    "systems",
];

fn good_report() -> Vec<(&'static str, String)> {
    vec![
        ("kind", "incident".into()),
        ("title", "A title".into()),
        ("description", "What happened.".into()),
        ("confidentiality", "named".into()),
        ("occurred_at", "2024-01-02T03:04:00Z".into()),
        ("detected_at", "2024-01-02T05:04:00Z".into()),
        ("occurred_note", "morning".into()),
        ("systems", "mail".into()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_refused_in_every_report_field() {
    let app = TestApp::spawn().await;
    // named reports from a signed-in reporter: the sweep is not anonymous intake
    let reporter = app.users[&Role::Reporter].clone();
    let token = app.token(&reporter).await;
    let s = app.session(&reporter).await;
    let bad = ['\0', '\u{1b}', '\u{7f}', '\u{85}'];
    for field in REPORT_FIELDS {
        for c in bad {
            // the API
            let mut body = serde_json::Map::new();
            for (k, v) in good_report() {
                let v = if k == field { format!("x{c}y") } else { v };
                body.insert(k.into(), Value::String(v));
            }
            let r = client()
                .post(app.url("/api/v1/reports"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "API {field} {c:?}"
            );
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["errors"][0]["field"], field, "{v}");
            // the form
            let fields: Vec<(&str, String)> = good_report()
                .into_iter()
                .map(|(k, v)| {
                    if k == field {
                        (k, format!("x{c}y"))
                    } else {
                        (k, v)
                    }
                })
                .collect();
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = app.post_form(&s, "/report", &refs).await;
            assert_eq!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "form {field} {c:?}"
            );
            assert!(r.text().await.unwrap().contains(field), "form {field}");
        }
    }
    // tabs and line breaks are text
    let r = app
        .post_form(
            &s,
            "/report",
            &[
                ("kind", "incident"),
                ("title", "Tabs\tare fine"),
                ("description", "Line one\r\nLine two\n\tindented"),
                ("confidentiality", "named"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // nothing with a control character reached the database
    let n = app
        .store
        .read(|c| c.query_one("SELECT COUNT(*) FROM reports", &[])?.i64(0))
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_in_sign_in_search_and_titles_is_never_a_500() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    let r = app
        .post_form(
            &anon,
            "/login",
            &[("email", "ad\0min@example.org"), ("password", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("email"));

    let s = app.session_for(Role::Admin).await;
    for path in [
        "/library?q=a%00b",
        "/admin/users?q=%00",
        "/admin/users?q=%1B",
    ] {
        let r = app.get(&s, path).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    }
    let token = app.token(&app.users[&Role::Admin]).await;
    let r = client()
        .get(app.url("/api/v1/users?q=%00"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "q", "{v}");
    // a named report from a signed-in person, and a team name
    let r = app
        .post_form(
            &s,
            "/admin/teams",
            &[("name", "Blue\0team"), ("description", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = client()
        .post(app.url("/api/v1/teams"))
        .bearer_auth(&token)
        .json(&json!({"name": "Red\u{0}team", "description": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "name", "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_method_a_route_does_not_have_is_405() {
    let app = TestApp::spawn().await;
    let token = app.token(&app.users[&Role::Admin]).await;
    let methods = ["TRACE", "OPTIONS", "DELETE", "PUT", "PATCH", "POST"];
    let routes = [
        ("/api/v1/me", "GET, HEAD"),
        ("/api/v1/users/1", "GET, HEAD"),
        ("/api/openapi.json", "GET, HEAD"),
        ("/login", "GET, POST, HEAD"),
        ("/report", "GET, POST, HEAD"),
        ("/account/password", "POST"),
    ];
    for (path, allow) in routes {
        for m in methods {
            if allow.split(", ").any(|a| a == m) {
                continue;
            }
            let method = reqwest::Method::from_bytes(m.as_bytes()).unwrap();
            let r = client()
                .request(method, app.url(path))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{m} {path}");
            assert_eq!(r.headers()["allow"], allow, "{m} {path}");
            if path.starts_with("/api/") {
                assert_eq!(r.headers()["content-type"], "application/problem+json");
            }
        }
    }
    // HEAD is answered like GET
    let r = client().head(app.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// A form sent with a content type that merely starts with the form type (which
/// the form extractor still accepts) is checked like any other form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_odd_form_content_type_does_not_bypass_the_control_character_check() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    for ct in [
        "application/x-www-form-urlencoded-x",
        "Application/X-WWW-Form-Urlencoded; charset=utf-8",
        "text/plain",
    ] {
        let body = format!("csrf={}&email=ad%00min%40example.org&password=x", anon.csrf);
        let r = client()
            .post(app.url("/login"))
            .headers(app.browser_headers(&anon))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_ne!(r.status(), StatusCode::INTERNAL_SERVER_ERROR, "{ct}");
        assert_ne!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "{ct}: the NUL reached sign-in"
        );
    }
}

/// Paging far past the end is not an overflow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_page_offset_is_not_a_panic() {
    let app = TestApp::spawn().await;
    let s = app.session_for(Role::Admin).await;
    for path in [
        "/admin/users?offset=9223372036854775807",
        "/admin/audit?offset=9223372036854775807",
        "/library?offset=9223372036854775807",
    ] {
        let r = app.get(&s, path).await;
        assert!(
            r.status().is_success() || r.status().is_client_error(),
            "{path}: {}",
            r.status()
        );
    }
}
