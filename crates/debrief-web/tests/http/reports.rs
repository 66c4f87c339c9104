//! Reporting, receipts and triage through the JSON API and the report form:
//! the three confidentiality modes, two-way follow-up, proofs of report and
//! what a signed-in anonymous reporter leaves behind (nothing).

use crate::support::{anonymous_report, get, post};
use debrief_core::Role;
use debrief_testkit::{PASSWORD, TestApp, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_report_and_two_way_follow_up() {
    let app = TestApp::spawn().await;
    let r = post(
        &app,
        "/api/v1/reports",
        None,
        anonymous_report("Password in deploy log"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let receipt = created["receipt"].as_str().unwrap().to_string();
    let digits: String = receipt.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits.len(), 28, "≥ 80 bits: {receipt}");
    let id = created["id"].as_i64().unwrap();

    // stored only as a keyed hash, with the time to the minute and nobody attached
    let (hash, received, reporter): (String, i64, Option<i64>) = app
        .store
        .read(move |c| {
            let r = c.query_one(
                "SELECT receipt_hash, received_ms, reporter_id FROM reports WHERE id = $1",
                &debrief_store::params![id],
            )?;
            Ok((r.text(0)?, r.i64(1)?, r.opt_i64(2)?))
        })
        .await
        .unwrap();
    assert!(!hash.contains(&digits));
    assert_eq!(received % 60_000, 0);
    assert_eq!(reporter, None);

    let view: Value = get(&app, &format!("/api/v1/receipts/{receipt}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "new");
    assert!(view["status_text"].as_str().unwrap().contains("Received"));

    // a responder asks a question
    let responder = app.token(&app.users[&Role::Responder]).await;
    let list: Value = get(&app, "/api/v1/reports?status=new", Some(&responder))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["confidentiality"], "anonymous");
    assert!(list["items"][0]["reporter_id"].is_null());
    let r = post(
        &app,
        &format!("/api/v1/reports/{id}/messages"),
        Some(&responder),
        json!({"kind": "question", "body": "Which pipeline was it?"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // the reporter sees it and answers through the receipt (spaces instead of dashes work too)
    let spaced = receipt.replace('-', " ");
    let view: Value = get(
        &app,
        &format!("/api/v1/receipts/{}", spaced.replace(' ', "%20")),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(view["messages"][0]["kind"], "question");
    assert_eq!(view["messages"][0]["body"], "Which pipeline was it?");
    let r = post(
        &app,
        &format!("/api/v1/receipts/{receipt}/messages"),
        None,
        json!({"body": "The nightly release pipeline."}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = post(
        &app,
        &format!("/api/v1/receipts/{receipt}/messages"),
        None,
        json!({"body": "  "}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let detail: Value = get(&app, &format!("/api/v1/reports/{id}"), Some(&responder))
        .await
        .json()
        .await
        .unwrap();
    let msgs = detail["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    let reply = msgs.iter().find(|m| m["author"] == "reporter").unwrap();
    assert_eq!(reply["body"], "The nightly release pipeline.");
    assert_reporter_first_in_its_minute(msgs);

    // thanks, then closed with an explanation the reporter sees
    post(
        &app,
        &format!("/api/v1/reports/{id}/messages"),
        Some(&responder),
        json!({"kind": "thanks", "body": "Thank you — this closed a real gap."}),
    )
    .await;
    let r = post(
        &app,
        &format!("/api/v1/reports/{id}/close"),
        Some(&responder),
        json!({"note": "The pipeline now masks secrets."}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let view: Value = get(&app, &format!("/api/v1/receipts/{receipt}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "closed");
    let msgs = view["messages"].as_array().unwrap();
    assert_reporter_first_in_its_minute(msgs);
    let team: Vec<&str> = msgs
        .iter()
        .filter(|m| m["author"] == "team")
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(team, vec!["question", "thanks", "closure"]);
    assert_eq!(msgs.len(), 4);
}

/// An anonymous reporter's message is never listed after a team message of
/// the same minute: its place would date it more finely than its minute.
fn assert_reporter_first_in_its_minute(msgs: &[Value]) {
    let minute = |m: &Value| {
        chrono::DateTime::parse_from_rfc3339(m["at"].as_str().unwrap())
            .unwrap()
            .timestamp()
            / 60
    };
    for (i, m) in msgs.iter().enumerate() {
        if m["author"] == "reporter" {
            assert!(
                msgs[..i]
                    .iter()
                    .all(|t| t["author"] == "reporter" || minute(t) < minute(m)),
                "a reply is listed after a team message of its minute: {msgs:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_receipts_look_like_unknown_ones_and_are_rate_limited() {
    let app = TestApp::spawn().await;
    let unknown = get(
        &app,
        "/api/v1/receipts/0000-0000-0000-0000-0000-0000-0000",
        None,
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let a: Value = unknown.json().await.unwrap();
    let malformed = get(&app, "/api/v1/receipts/hello", None).await;
    assert_eq!(malformed.status(), StatusCode::NOT_FOUND);
    let b: Value = malformed.json().await.unwrap();
    assert_eq!(a, b, "the same answer for malformed and unknown codes");
    for _ in 0..25 {
        get(
            &app,
            "/api/v1/receipts/1111-1111-1111-1111-1111-1111-1111",
            None,
        )
        .await;
    }
    assert_eq!(
        get(
            &app,
            "/api/v1/receipts/1111-1111-1111-1111-1111-1111-1111",
            None
        )
        .await
        .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_and_confidential_reports() {
    let app = TestApp::spawn().await;
    let body = |mode: &str| json!({"kind": "incident", "title": "Laptop lost", "description": "Left on a train.", "confidentiality": mode});
    // named and confidential need a signed-in reporter
    for mode in ["named", "confidential"] {
        let r = post(&app, "/api/v1/reports", None, body(mode)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "confidentiality");
    }
    let reporter = app.users[&Role::Reporter].clone();
    let token = app.token(&reporter).await;
    let named: Value = post(&app, "/api/v1/reports", Some(&token), body("named"))
        .await
        .json()
        .await
        .unwrap();
    assert!(named.get("receipt").is_none());
    let conf: Value = post(&app, "/api/v1/reports", Some(&token), body("confidential"))
        .await
        .json()
        .await
        .unwrap();
    assert!(conf["receipt"].is_string());

    let responder = app.token(&app.users[&Role::Responder]).await;
    let n: Value = get(
        &app,
        &format!("/api/v1/reports/{}", named["id"]),
        Some(&responder),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(n["reporter_id"], reporter.id);
    let c: Value = get(
        &app,
        &format!("/api/v1/reports/{}", conf["id"]),
        Some(&responder),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(c["reporter_id"].is_null());
    assert!(
        !c.to_string().contains(&reporter.email),
        "no identity for responders"
    );
    // the identity is sealed in the database
    let cid = conf["id"].as_i64().unwrap();
    let email = reporter.email.clone();
    let leaked = app
        .store
        .read(move |c| {
            let r = c.query_one(
                "SELECT reporter_sealed FROM reports WHERE id = $1",
                &debrief_store::params![cid],
            )?;
            Ok(String::from_utf8_lossy(&r.blob(0)?).contains(&email))
        })
        .await
        .unwrap();
    assert!(!leaked);

    // only a security lead may reveal it, with the password, and it is audited
    let path = format!("/api/v1/reports/{cid}/reveal");
    assert_eq!(
        post(&app, &path, Some(&responder), json!({"password": PASSWORD}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let lead = app.token(&app.users[&Role::SecurityLead]).await;
    assert_eq!(
        post(&app, &path, Some(&lead), json!({})).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let before = app.audit_count("report.reporter_revealed").await;
    let who: Value = post(&app, &path, Some(&lead), json!({"password": PASSWORD}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(who["email"], reporter.email);
    assert_eq!(
        app.audit_count("report.reporter_revealed").await,
        before + 1
    );
    // a named report has nothing sealed
    let r = post(
        &app,
        &format!("/api/v1/reports/{}/reveal", named["id"]),
        Some(&lead),
        json!({"password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_reports_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let r = post(&app, "/api/v1/reports", None, json!({"kind": "rumour", "title": "", "description": " ", "confidentiality": "secret", "occurred_at": "yesterday", "detected_at": "2999-01-01T00:00:00Z"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    let mut fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "confidentiality",
            "description",
            "detected_at",
            "kind",
            "occurred_at",
            "title"
        ]
    );

    let r = post(&app, "/api/v1/reports", None, json!({"kind": "incident", "title": "t", "description": "d", "confidentiality": "anonymous", "occurred_at": "2026-01-02T10:00:00Z", "detected_at": "2026-01-01T10:00:00Z"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = client()
        .post(app.url("/api/v1/reports"))
        .header("content-type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let big = json!({"kind": "incident", "title": "t", "description": "x".repeat(1_100_000), "confidentiality": "anonymous"});
    assert_eq!(
        post(&app, "/api/v1/reports", None, big).await.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let r = post(&app, "/api/v1/reports", None, json!({"kind": "incident", "title": "t", "description": "d", "confidentiality": "anonymous", "occurred_at": "2026-01-01T10:00:00+02:00"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proof_of_report_verifies_offline_and_breaks_when_changed() {
    let app = TestApp::spawn().await;
    let created: Value = post(
        &app,
        "/api/v1/reports",
        None,
        anonymous_report("Phishing mail"),
    )
    .await
    .json()
    .await
    .unwrap();
    let receipt = created["receipt"].as_str().unwrap();
    let r = get(&app, &format!("/api/v1/receipts/{receipt}/proof"), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let text = r.text().await.unwrap();
    let proof = debrief_core::report::verify_proof(&text).unwrap();
    assert_eq!(proof.report_id, created["id"].as_i64().unwrap());
    assert!(
        proof.received_at.ends_with(":00Z"),
        "to the minute: {}",
        proof.received_at
    );
    let responder = app.token(&app.users[&Role::Responder]).await;
    let report: Value = get(
        &app,
        &format!("/api/v1/reports/{}", created["id"]),
        Some(&responder),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(report["content_sha256"], proof.content_sha256);
    let forged = text.replace(&proof.received_at, "2020-01-01T00:00:00Z");
    assert!(debrief_core::report::verify_proof(&forged).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reporting_promise_is_editable_by_admins_and_shown_on_the_form() {
    let app = TestApp::spawn().await;
    let admin = app.session_for(Role::Admin).await;
    let r = app
        .post_form(&admin, "/admin/settings", &[("promise", "  ")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            &admin,
            "/admin/settings",
            &[("promise", "Report early & often: <we listen>.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = client()
        .get(app.url("/report"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Report early &amp; often: &lt;we listen&gt;.")
            || page.contains("Report early &#38; often: &#60;we listen&#62;."),
        "escaped promise on the public form"
    );
}

/// A signed-in person who reports anonymously leaves no trace on their session:
/// its last-seen time is not moved to the moment of the report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_intake_never_touches_the_session() {
    let app = TestApp::spawn().await;
    let reporter = app.users[&Role::Reporter].clone();
    let s = app.session(&reporter).await;
    let hash = debrief_core::secret::sha256_hex(&s.sid);
    let old = debrief_store::now_ms() - 10 * 60_000;
    let h = hash.clone();
    app.store
        .write(move |c| {
            c.execute(
                "UPDATE sessions SET last_seen_ms = $1 WHERE id_hash = $2",
                &debrief_store::params![old, h],
            )
            .map(|_| ())
        })
        .await
        .unwrap();
    let form = app.get(&s, "/report").await;
    assert_eq!(form.status(), 200);
    let sent = app
        .post_form(
            &s,
            "/report",
            &[
                ("kind", "near_miss"),
                ("title", "Badge reader let two people through"),
                ("description", "Tailgating at the side door."),
                ("confidentiality", "anonymous"),
            ],
        )
        .await;
    assert_eq!(sent.status(), 201, "{}", sent.text().await.unwrap());
    let last_seen = |hash: String| async {
        app.store
            .read(move |c| {
                c.query_one(
                    "SELECT last_seen_ms FROM sessions WHERE id_hash = $1",
                    &debrief_store::params![hash],
                )?
                .i64(0)
            })
            .await
            .unwrap()
    };
    assert_eq!(
        last_seen(hash.clone()).await,
        old,
        "the anonymous report moved the session's last-seen time"
    );
    // nor do the assets the page after the report loads
    assert_eq!(app.get(&s, "/assets/app.css").await.status(), 200);
    assert_eq!(last_seen(hash.clone()).await, old, "an asset moved it");
    // the session still works, and is marked as used on ordinary pages, to ten minutes
    assert_eq!(app.get(&s, "/my-reports").await.status(), 200);
    let seen = last_seen(hash).await;
    assert!(seen > old, "an ordinary page marks the session as used");
    assert_eq!(seen % debrief_web::auth::LAST_SEEN_GRAIN_MS, 0, "{seen}");
}

/// The report form reads each time in the zone's offset at that time: a winter
/// time and a summer time typed in Berlin are an hour apart in UTC offsets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_form_times_each_take_their_own_zone_offset() {
    let app = TestApp::spawn().await;
    let s = app.session_for(Role::Reporter).await;
    let title = "Shared drive opened to everyone";
    let r = app
        .post_form(
            &s,
            "/report",
            &[
                ("kind", "incident"),
                ("title", title),
                ("description", "A folder was shared with the whole company."),
                ("confidentiality", "named"),
                ("occurred_at", "2026-01-05T10:00"),
                ("occurred_at_tz_offset", "-60"),
                ("detected_at", "2026-07-06T10:00"),
                ("detected_at_tz_offset", "-120"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let (occurred, detected): (i64, i64) = app
        .store
        .read(move |c| {
            let r = c.query_one(
                "SELECT occurred_ms, detected_ms FROM reports WHERE title = $1",
                &debrief_store::params![title],
            )?;
            Ok((r.i64(0)?, r.i64(1)?))
        })
        .await
        .unwrap();
    let utc = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    };
    assert_eq!(occurred, utc("2026-01-05T09:00:00Z"));
    assert_eq!(detected, utc("2026-07-06T08:00:00Z"));
}
