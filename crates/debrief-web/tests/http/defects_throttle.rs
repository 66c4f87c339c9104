//! Brute force and denial of service: sign-in throttling that counts before it
//! hashes and caps concurrent hashes, lockouts that a stranger cannot cause,
//! trusted proxies, rate limits on anonymous intake and receipts, and throttled
//! password confirmations. Against the real server over HTTP.

use debrief_core::{Role, RoleSet};
use debrief_testkit::{PASSWORD, Session, TestApp, client};
use debrief_web::limiter::{Limits, Rate};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// Loopback (the test client) is the trusted proxy; X-Forwarded-For then names
/// the client, so one test can speak from many addresses.
fn behind_proxy(limits: Limits) -> debrief_web::WebConfig {
    debrief_web::WebConfig {
        trusted_proxies: debrief_web::client_addr::parse_list("127.0.0.1/32").unwrap(),
        limits,
        ..Default::default()
    }
}

/// Signs in from `from` (X-Forwarded-For). A 503 (every hashing slot busy,
/// which other tests running at the same time can cause) is retried as a
/// browser's user would, after its Retry-After.
async fn login_from(
    app: &TestApp,
    from: Option<&str>,
    email: &str,
    password: &str,
) -> reqwest::Response {
    for _ in 0..60 {
        let r = login_once(app, from, email, password).await;
        if r.status() != StatusCode::SERVICE_UNAVAILABLE {
            return r;
        }
        assert!(retry_after(&r).is_some());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the server stayed busy");
}

async fn login_once(
    app: &TestApp,
    from: Option<&str>,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let anon = app.anonymous();
    let mut h = app.browser_headers(&anon);
    if let Some(ip) = from {
        h.insert("x-forwarded-for", ip.parse().unwrap());
    }
    client()
        .post(app.url("/login"))
        .headers(h)
        .form(&[
            ("csrf", anon.csrf.as_str()),
            ("email", email),
            ("password", password),
            ("next", "/account"),
        ])
        .send()
        .await
        .unwrap()
}

fn retry_after(r: &reqwest::Response) -> Option<u64> {
    r.headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

// ------------------------------------------------------------------ item 3

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_are_counted_before_any_is_hashed() {
    let app = TestApp::spawn().await;
    let email = app.users[&Role::SecurityLead].email.clone();
    let started = std::time::Instant::now();
    let jobs: Vec<_> = (0..50)
        .map(|i| {
            let app_url = app.base.clone();
            let email = email.clone();
            let anon = app.anonymous();
            let headers = app.browser_headers(&anon);
            tokio::spawn(async move {
                client()
                    .post(format!("{app_url}/login"))
                    .headers(headers)
                    .form(&[
                        ("csrf", anon.csrf.as_str()),
                        ("email", email.as_str()),
                        ("password", &format!("wrong {i}")),
                    ])
                    .send()
                    .await
                    .unwrap()
            })
        })
        .collect();
    let (mut checked, mut throttled, mut busy) = (0, 0, 0);
    for j in jobs {
        let r = j.await.unwrap();
        match r.status() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(retry_after(&r).is_some_and(|s| s >= 1));
                throttled += 1
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(retry_after(&r).is_some());
                busy += 1
            }
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!(checked + throttled + busy, 50);
    // The free attempts, plus those the back-off itself lets through while the
    // burst lasts (one after 1 s, the next 2 s later, ...): on a slow machine
    // the 50 requests can take longer than the first wait.
    let elapsed_ms = started.elapsed().as_millis() as i64;
    let b = debrief_web::passwords::ACCOUNT_ADDRESS;
    let (mut allowed, mut waited) = (b.free, 0i64);
    while waited + b.wait_ms(allowed) <= elapsed_ms {
        waited += b.wait_ms(allowed);
        allowed += 1;
    }
    assert!(
        checked <= allowed,
        "{checked} passwords were checked ({allowed} allowed in {elapsed_ms} ms), \
         {throttled} throttled, {busy} busy"
    );
    assert!(checked >= 1);
    assert_eq!(
        app.audit_count("login.failed").await,
        checked,
        "every checked password, and only those, is a failed sign-in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_hashes_never_exceed_the_cap() {
    let app = TestApp::spawn_with(behind_proxy(Limits::default())).await;
    let jobs: Vec<_> = (0..50)
        .map(|i| {
            let base = app.base.clone();
            let anon = app.anonymous();
            let mut headers = app.browser_headers(&anon);
            // distinct accounts from distinct addresses: no throttle applies
            headers.insert(
                "x-forwarded-for",
                format!("198.51.100.{i}").parse().unwrap(),
            );
            tokio::spawn(async move {
                client()
                    .post(format!("{base}/login"))
                    .headers(headers)
                    .form(&[
                        ("csrf", anon.csrf.as_str()),
                        ("email", &format!("nobody{i}@example.org")),
                        ("password", "wrong"),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for j in jobs {
        statuses.push(j.await.unwrap());
    }
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::SERVICE_UNAVAILABLE),
        "{statuses:?}"
    );
    let stats = debrief_web::passwords::stats();
    assert!(
        stats.peak <= stats.permits && stats.permits <= 8,
        "{stats:?}"
    );
    assert!(stats.hashed >= 1);
}

// ------------------------------------------------------------------ item 4

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_lock_a_named_person_out() {
    let app = TestApp::spawn_with(behind_proxy(Limits::default())).await;
    let lead = app.users[&Role::SecurityLead].email.clone();
    let mut last = StatusCode::OK;
    for _ in 0..15 {
        last = login_from(&app, Some("203.0.113.66"), &lead, "guess")
            .await
            .status();
    }
    assert_eq!(
        last,
        StatusCode::TOO_MANY_REQUESTS,
        "the attacker is slowed"
    );
    let r = login_from(&app, Some("203.0.113.66"), &lead, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // the owner, from their own address, is not
    let r = login_from(&app, Some("198.51.100.7"), &lead, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the owner signs in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    // without trusted proxies the header is ignored: changing it does not help
    let app = TestApp::spawn().await;
    let lead = app.users[&Role::SecurityLead].email.clone();
    let mut statuses = Vec::new();
    for i in 0..8 {
        statuses.push(
            login_from(&app, Some(&format!("203.0.113.{i}")), &lead, "guess")
                .await
                .status(),
        );
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successful_sign_in_resets_the_address_counter() {
    let app = TestApp::spawn_with(behind_proxy(Limits::default())).await;
    let reporter = app.users[&Role::Reporter].email.clone();
    let office = Some("192.0.2.200");
    // a colleague behind the same address mistypes many different emails
    for i in 0..25 {
        let r = login_from(&app, office, &format!("typo{i}@example.org"), "x").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = login_from(&app, office, &reporter, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for i in 0..25 {
        let r = login_from(&app, office, &format!("later{i}@example.org"), "x").await;
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "after a success the address starts afresh ({i})"
        );
    }
}

async fn anonymous_report(app: &TestApp, from: Option<&str>, title: &str) -> reqwest::Response {
    let mut req = client().post(app.url("/api/v1/reports")).json(&json!({
        "kind": "near_miss",
        "title": title,
        "description": "A phishing mail asked for my password.",
        "confidentiality": "anonymous"
    }));
    if let Some(ip) = from {
        req = req.header("x-forwarded-for", ip);
    }
    req.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_receipt_code_works_from_an_address_that_sent_wrong_ones() {
    let app = TestApp::spawn().await;
    let r = anonymous_report(&app, None, "Receipt owner").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let receipt = r.json::<Value>().await.unwrap()["receipt"]
        .as_str()
        .unwrap()
        .to_string();
    let wrong = "/api/v1/receipts/1111-1111-1111-1111-1111-1111-1111";
    let mut last = None;
    for _ in 0..30 {
        last = Some(client().get(app.url(wrong)).send().await.unwrap());
    }
    let last = last.unwrap();
    assert_eq!(
        last.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "guessing is slowed"
    );
    assert!(retry_after(&last).is_some());
    let ok = client()
        .get(app.url(&format!("/api/v1/receipts/{receipt}")))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK, "the valid code still works");
    // and on the page
    let anon = app.anonymous();
    let page = app
        .post_form(&anon, "/receipt", &[("code", receipt.as_str())])
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = app
        .post_form(
            &anon,
            "/receipt",
            &[("code", "2222-2222-2222-2222-2222-2222-2222")],
        )
        .await;
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(page.text().await.unwrap().contains("Too many attempts"));
}

// ------------------------------------------------------------------ item 5

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_flood_from_one_address_is_slowed_and_named_intake_goes_on() {
    let limits = Limits {
        intake_per_address: Rate::new(6, 5),
        intake_global: Rate::new(1, 12),
        receipt_failures: Rate::new(2, 20),
    };
    let app = TestApp::spawn_with(behind_proxy(limits)).await;
    let flood = Some("203.0.113.50");
    let mut created = 0;
    let mut limited = None;
    for i in 0..30 {
        let r = anonymous_report(&app, flood, &format!("flood {i}")).await;
        match r.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::TOO_MANY_REQUESTS => limited = Some(r),
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!(created, 5, "one address gets its burst, then the rate");
    let limited = limited.unwrap();
    assert_eq!(
        limited.headers()["content-type"],
        "application/problem+json"
    );
    let secs = retry_after(&limited).unwrap();
    assert!((1..=10).contains(&secs), "{secs}");
    let problem: Value = limited.json().await.unwrap();
    assert_eq!(problem["status"], 429);

    // the report form answers with a page that keeps what was typed
    let anon = app.anonymous();
    let mut h = app.browser_headers(&anon);
    h.insert("x-forwarded-for", "203.0.113.50".parse().unwrap());
    let page = client()
        .post(app.url("/report"))
        .headers(h)
        .form(&[
            ("csrf", anon.csrf.as_str()),
            ("kind", "near_miss"),
            ("title", "Typed title kept"),
            ("description", "Typed description kept"),
            ("confidentiality", "anonymous"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&page).is_some());
    let html = page.text().await.unwrap();
    assert!(html.contains("Typed title kept") && html.contains("Typed description kept"));
    assert!(html.contains("Nothing was lost"));

    // many other addresses (a phishing wave) go through, up to the global ceiling
    let mut wave = 0;
    for i in 0..20 {
        if anonymous_report(&app, Some(&format!("198.51.100.{i}")), "wave")
            .await
            .status()
            == StatusCode::CREATED
        {
            wave += 1;
        }
    }
    assert_eq!(wave, 12 - 5, "the global ceiling holds across addresses");

    // named intake, from the flooding address too, is not subject to either
    let reporter = app.users[&Role::Reporter].clone();
    let token = app.token(&reporter).await;
    for i in 0..3 {
        let r = client()
            .post(app.url("/api/v1/reports"))
            .bearer_auth(&token)
            .header("x-forwarded-for", "203.0.113.50")
            .json(&json!({
                "kind": "incident",
                "title": format!("named {i}"),
                "description": "Named during the flood.",
                "confidentiality": "named"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "named intake goes on");
    }
    let other = app
        .add_user("other@example.org", RoleSet::from_roles([Role::Reporter]))
        .await;
    let s = app.session(&other).await;
    let r = app
        .post_form(
            &s,
            "/report",
            &[
                ("kind", "incident"),
                ("title", "Named by form"),
                ("description", "During the flood."),
                ("confidentiality", "named"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

// ------------------------------------------------------------------ item 6

async fn new_token_attempt(
    app: &TestApp,
    token: &str,
    from: &str,
    password: &str,
) -> reqwest::Response {
    client()
        .post(app.url("/api/v1/me/tokens"))
        .bearer_auth(token)
        .header("x-forwarded-for", from)
        .json(&json!({"name": "ci", "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_confirmation_passwords_are_throttled_with_the_sign_in_failures() {
    let app = TestApp::spawn_with(behind_proxy(Limits::default())).await;
    let lead = app.users[&Role::SecurityLead].clone();
    let token = app.token(&lead).await;
    let report = anonymous_report(&app, Some("192.0.2.99"), "To reveal").await;
    let id = report.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let mut statuses = Vec::new();
    for i in 0..10 {
        let r = new_token_attempt(&app, &token, "203.0.113.9", &format!("guess {i}")).await;
        statuses.push(r.status());
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(retry_after(&r).is_some());
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        }
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
            .count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(statuses[9], StatusCode::TOO_MANY_REQUESTS);

    // counted per account: another address does not get a fresh allowance
    let r = new_token_attempt(&app, &token, "198.51.100.1", "guess again").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // nor does the identity reveal, on the API or on the page
    let reveal = client()
        .post(app.url(&format!("/api/v1/reports/{id}/reveal")))
        .bearer_auth(&token)
        .json(&json!({"password": "guess"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reveal.status(), StatusCode::TOO_MANY_REQUESTS);
    let s: Session = app.session(&lead).await;
    let page = app
        .post_form(
            &s,
            &format!("/triage/{id}/reveal"),
            &[("current_password", "guess")],
        )
        .await;
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&page).is_some());

    // and the same account and address count with sign-in: the guesser's
    // address is slowed on the sign-in form as well
    let r = login_from(&app, Some("203.0.113.9"), &lead.email, "guess").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // the owner, elsewhere, signs in, which gives the account a fresh allowance
    let r = login_from(&app, Some("192.0.2.44"), &lead.email, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = new_token_attempt(&app, &token, "192.0.2.44", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_on_the_account_page_are_throttled() {
    let app = TestApp::spawn().await;
    let u = app.users[&Role::Reporter].clone();
    let s = app.session(&u).await;
    let mut last = StatusCode::OK;
    for i in 0..8 {
        last = app
            .post_form(
                &s,
                "/account/tokens",
                &[("name", "t"), ("current_password", &format!("guess {i}"))],
            )
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let r = app
        .post_form(
            &s,
            "/account/password",
            &[
                ("current_password", "guess"),
                ("new_password", "a much longer new passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}
