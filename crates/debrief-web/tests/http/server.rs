//! The JSON API's answers to bad input, the operations endpoints and headers,
//! HTML escaping, the first administrator's set-up link and slow clients,
//! against the real server over HTTP.

use crate::http::login;
use debrief_core::Role;
use debrief_testkit::{PASSWORD, TestApp, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_bad_input_with_problem_documents() {
    let app = TestApp::spawn().await;
    let token = app.token(&app.users[&Role::Admin]).await;
    let post = |body: String| {
        client()
            .post(app.url("/api/v1/teams"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
    };

    let r = post("{not json".into()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["status"], 400);
    assert!(p["title"].is_string() && p["detail"].is_string());

    let r = post("{\"name\": \"  \"}".into()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "name");

    let r = post("{\"description\": 5}".into()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(1024 * 1024 + 10));
    let r = post(big).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    let r = client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({"email": "bad", "name": "", "password": "x", "roles": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["name", "email", "password"]);

    let r = client()
        .get(app.url("/api/v1/users?limit=5000"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = client()
        .get(app.url("/api/v1/users?limit=abc"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page: Value = client()
        .get(app.url("/api/v1/users?limit=3&offset=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    assert_eq!(page["total"], 8);

    let r = client()
        .get(app.url("/api/v1/nothing-here"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = client().get(app.url("/nothing-here")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    let r = client()
        .get(app.url("/api/v1/me"))
        .header("authorization", "Bearer dbt_nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // duplicate email is a conflict, not a 500
    let body = json!({"email": "dup@example.org", "name": "Dup", "password": PASSWORD, "roles": ["responder"]});
    assert_eq!(
        client()
            .post(app.url("/api/v1/users"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        client()
            .post(app.url("/api/v1/users"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CONFLICT
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_endpoints_openapi_and_headers() {
    let app = TestApp::spawn().await;
    let r = client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers().get("set-cookie").is_none(),
        "probes set no cookies"
    );
    let r = client().get(app.url("/login")).send().await.unwrap();
    assert!(r.headers().contains_key("x-request-id"));
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert_eq!(
        client()
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let doc: Value = client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/users/{id}/roles",
        "/api/v1/audit",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    // every API route in the authorization table is documented
    for spec in debrief_web::authz::ROUTES
        .iter()
        .filter(|s| s.path.starts_with("/api/v1/"))
    {
        let op = &doc["paths"][spec.path][spec.method.to_lowercase()];
        assert!(
            op.is_object(),
            "{} {} missing from the OpenAPI document",
            spec.method,
            spec.path
        );
    }
    // every asset is served from the binary
    for a in ["pico.min.css", "app.css", "app.js", "favicon.svg"] {
        assert_eq!(
            client()
                .get(app.url(&format!("/assets/{a}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK,
            "{a}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_is_escaped() {
    let app = TestApp::spawn().await;
    let admin = app.session_for(Role::Admin).await;
    let r = app
        .post_form(
            &admin,
            "/admin/teams",
            &[
                ("name", "<script>alert(1)</script>"),
                ("description", "\"><img src=x onerror=alert(1)>"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let body = app.get(&admin, "/admin/teams").await.text().await.unwrap();
    assert!(!body.contains("<script>alert(1)</script>"));
    assert!(!body.contains("<img src=x"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_link_creates_the_first_admin_once() {
    let app = TestApp::spawn().await;
    // no admin may exist for a setup link to work: disable the test admin
    // (directly in the database: the store refuses to disable the last admin)
    let admin = app.users[&Role::Admin].clone();
    app.store
        .write(move |c| {
            c.execute(
                "UPDATE users SET disabled = 1 WHERE id = $1",
                &debrief_store::params![admin.id],
            )
        })
        .await
        .unwrap();
    let token = debrief_core::secret::random_hex(24);
    let now = debrief_store::now_ms();
    app.store
        .create_setup_token(debrief_core::secret::sha256_hex(&token), now, now + 60_000)
        .await
        .unwrap();
    let anon = app.anonymous();
    let path = format!("/setup/{token}");
    assert_eq!(app.get(&anon, &path).await.status(), StatusCode::OK);
    let r = app
        .post_form(
            &anon,
            &path,
            &[
                ("name", "First"),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("value=\"First\""));
    let r = app
        .post_form(
            &anon,
            &path,
            &[
                ("name", "First"),
                ("email", "first@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        login(&app, "first@example.org", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    // used once
    assert_eq!(app.get(&anon, &path).await.status(), StatusCode::NOT_FOUND);
}

/// Slowloris: clients that open connections and never finish their headers are
/// dropped after the header-read timeout, and the server keeps answering others
/// meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_that_never_finish_their_headers_are_dropped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: debrief\r\nX-Slow: a")
            .await
            .unwrap();
        slow.push(s);
    }
    // a kept-alive connection that sends nothing after its first request is closed too
    let mut idle = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: debrief\r\n\r\n")
        .await
        .unwrap();
    slow.push(idle);
    // others are still served while the slow sockets hang
    let ok = client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let limit = debrief_web::HEADER_READ_TIMEOUT + std::time::Duration::from_secs(20);
    let closed = tokio::time::timeout(limit, async {
        for s in &mut slow {
            let mut buf = [0u8; 256];
            // the server closes the connection (EOF, or a reset) instead of waiting forever
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "connections with unfinished headers were still open after {limit:?}"
    );
    let ok = client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
}
