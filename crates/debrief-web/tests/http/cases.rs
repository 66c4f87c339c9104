//! Cases through the JSON API and the case page: the lifecycle and the
//! metric times it keeps, audited changes of details, corrected times.

use crate::support::{anonymous_report, get, post};
use debrief_core::Role;
use debrief_testkit::{TestApp, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_follow_their_lifecycle_and_keep_metric_times() {
    let app = TestApp::spawn().await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let a: Value = post(
        &app,
        "/api/v1/reports",
        None,
        anonymous_report("Odd login alerts"),
    )
    .await
    .json()
    .await
    .unwrap();
    let b: Value = post(
        &app,
        "/api/v1/reports",
        None,
        anonymous_report("Same alerts again"),
    )
    .await
    .json()
    .await
    .unwrap();

    let r = post(&app, "/api/v1/cases", Some(&responder), json!({"title": "Credential stuffing", "severity": "high", "report_ids": [a["id"]], "occurred_at": "2026-01-01T08:00:00Z", "detected_at": "2026-01-01T09:00:00Z"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let case: Value = r.json().await.unwrap();
    let id = case["id"].as_i64().unwrap();
    assert_eq!(case["status"], "triage");
    assert!(case["reported_at"].is_string());
    assert_eq!(
        case["allowed_transitions"],
        json!(["investigating", "closed"])
    );
    // a report already in a case cannot open another
    let r = post(
        &app,
        "/api/v1/cases",
        Some(&responder),
        json!({"title": "x", "severity": "low", "report_ids": [a["id"]]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        &app,
        &format!("/api/v1/reports/{}/attach", b["id"]),
        Some(&responder),
        json!({"case_id": id}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let receipt = b["receipt"].as_str().unwrap();
    let view: Value = get(&app, &format!("/api/v1/receipts/{receipt}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "in_case");
    assert_eq!(view["case_status"], "triage");

    let tr = |to: &str| json!({"to": to});
    let path = format!("/api/v1/cases/{id}/transitions");
    let r = post(&app, &path, Some(&responder), tr("resolved")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let p: Value = r.json().await.unwrap();
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("allowed: investigating, closed"),
        "{p}"
    );

    // recorded after the fact: needs a reason, not in the future, not before the previous step
    let earlier = "2026-01-01T09:30:00Z";
    assert_eq!(
        post(
            &app,
            &path,
            Some(&responder),
            json!({"to": "investigating", "at": earlier})
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        post(
            &app,
            &path,
            Some(&responder),
            json!({"to": "investigating", "at": "2999-01-01T00:00:00Z", "reason": "x"})
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = post(&app, &path, Some(&responder), json!({"to": "investigating", "at": earlier, "reason": "Paged by phone; recorded afterwards"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["acknowledged_at"], "2026-01-01T09:30:00Z");
    let r = post(
        &app,
        &path,
        Some(&responder),
        json!({"to": "contained", "at": "2026-01-01T09:00:00Z", "reason": "x"}),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "before the previous transition"
    );
    for to in ["contained", "resolved", "in_review", "published", "closed"] {
        assert_eq!(
            post(&app, &path, Some(&responder), tr(to)).await.status(),
            StatusCode::OK,
            "{to}"
        );
    }
    let c: Value = get(&app, &format!("/api/v1/cases/{id}"), Some(&responder))
        .await
        .json()
        .await
        .unwrap();
    for k in [
        "contained_at",
        "resolved_at",
        "in_review_at",
        "published_at",
        "closed_at",
    ] {
        assert!(c[k].is_string(), "{k} set");
    }
    assert_eq!(c["transitions"].as_array().unwrap().len(), 6);
    assert_eq!(c["report_ids"].as_array().unwrap().len(), 2);
    let r = post(&app, &path, Some(&responder), tr("investigating")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // the reporter reads what became of it
    let view: Value = get(&app, &format!("/api/v1/receipts/{receipt}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["case_status"], "closed");
    assert!(
        view["status_text"].as_str().unwrap().starts_with("Handled"),
        "{view}"
    );

    // timeline entries and audited corrections of the incident's times
    let r = post(
        &app,
        &format!("/api/v1/cases/{id}/timeline"),
        Some(&responder),
        json!({"kind": "fact", "body": "WAF blocked 4,000 logins", "at": "2026-01-01T08:30:00Z"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = post(
        &app,
        &format!("/api/v1/cases/{id}/timeline"),
        Some(&responder),
        json!({"kind": "rumour", "body": "x"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = client()
        .put(app.url(&format!("/api/v1/cases/{id}/times")))
        .bearer_auth(&responder)
        .json(&json!({"occurred_at": "2026-01-01T07:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let before = app.audit_count("case.times_corrected").await;
    let r = client()
        .put(app.url(&format!("/api/v1/cases/{id}/times")))
        .bearer_auth(&responder)
        .json(&json!({"occurred_at": "2026-01-01T07:00:00Z", "reason": "Firewall logs show the first attempts earlier"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["occurred_at"], "2026-01-01T07:00:00Z");
    assert_eq!(app.audit_count("case.times_corrected").await, before + 1);

    // filters
    let l: Value = get(&app, "/api/v1/cases?status=closed", Some(&responder))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(l["total"], 1);
    assert_eq!(
        get(&app, "/api/v1/cases?status=done", Some(&responder))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        get(&app, "/api/v1/cases/999999", Some(&responder))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_details_change_and_are_audited() {
    let app = TestApp::spawn().await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let case: Value = post(
        &app,
        "/api/v1/cases",
        Some(&responder),
        json!({"title": "Odd DNS answers", "severity": "low"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!("/api/v1/cases/{}", case["id"]);
    let patch = |body: Value| {
        client()
            .patch(app.url(&path))
            .bearer_auth(&responder)
            .json(&body)
            .send()
    };
    let lead = app.users[&Role::SecurityLead].id;
    let r = patch(json!({"severity": "high", "lead_id": lead}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["severity"], "high");
    assert_eq!(c["title"], "Odd DNS answers", "untouched fields stay");
    assert_eq!(
        patch(json!({"lead_id": 999_999})).await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // an active account that does not handle cases cannot lead one (the page
    // offers only responders and security leads; the API agrees)
    let not_a_handler = app.users[&Role::Leadership].id;
    let r = patch(json!({"lead_id": not_a_handler})).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "lead_id", "{p}");
    assert_eq!(
        patch(json!({"severity": "apocalyptic"}))
            .await
            .unwrap()
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        patch(json!({"lead_id": null})).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(app.audit_count("case.updated").await, 2);
    // leadership may read cases but not change them
    let leadership = app.token(&app.users[&Role::Leadership]).await;
    assert_eq!(
        get(&app, &path, Some(&leadership)).await.status(),
        StatusCode::OK
    );
    let r = client()
        .patch(app.url(&path))
        .bearer_auth(&leadership)
        .json(&json!({"severity": "low"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_times_are_corrected_from_the_case_page_with_a_reason() {
    let app = TestApp::spawn().await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let case: Value = post(
        &app,
        "/api/v1/cases",
        Some(&responder),
        json!({"title": "Leaked key", "severity": "medium", "detected_at": "2026-02-01T10:00:00Z"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let s = app.session_for(Role::Responder).await;
    let path = format!("/cases/{}/times", case["id"]);
    let r = app
        .post_form(
            &s,
            &path,
            &[("occurred_at", "2026-02-01T08:00"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            &s,
            &path,
            &[("occurred_at", "2026-02-01T11:00"), ("reason", "typo")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "occurred after detected"
    );
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("occurred_at", "2026-02-01T08:00"),
                ("reason", "Commit history shows the key was pushed at 08:00"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Times corrected"));
    let c: Value = get(
        &app,
        &format!("/api/v1/cases/{}", case["id"]),
        Some(&responder),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(c["occurred_at"], "2026-02-01T08:00:00Z");
    assert_eq!(app.audit_count("case.times_corrected").await, 1);
}
