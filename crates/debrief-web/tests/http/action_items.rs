//! Action items of a review: an owner and a due date that is not past,
//! through the pages and the JSON API.

use crate::support::{api, case_in_review, text, tomorrow};
use debrief_core::{Role, RoleSet};
use debrief_testkit::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn action_items_need_an_owner_and_a_due_date_that_is_not_past() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Deploy token in CI log").await;
    let t = app.token(&app.users[&Role::Facilitator].clone()).await;
    let owner = app.users[&Role::Reporter].clone();
    let path = format!("/api/v1/cases/{id}/action-items");

    let r = api(
        &app,
        reqwest::Method::POST,
        &path,
        &t,
        Some(json!({"title": "Mask secrets", "due_date": tomorrow()})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    assert!(
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "owner_id"),
        "{p}"
    );

    let r = api(
        &app,
        reqwest::Method::POST,
        &path,
        &t,
        Some(json!({"title": "Mask secrets", "owner_id": owner.id, "due_date": "2020-01-01"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    assert!(
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "due_date"),
        "{p}"
    );

    let r = api(&app, reqwest::Method::POST, &path, &t, Some(json!({"title": "Mask secrets", "owner_id": owner.id, "due_date": tomorrow(), "priority": "high", "tracker_url": "javascript:alert(1)"}))).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "tracker links must be http(s)"
    );

    let r = api(&app, reqwest::Method::POST, &path, &t, Some(json!({"title": "Mask secrets", "owner_id": owner.id, "due_date": tomorrow(), "priority": "high"}))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let item: Value = r.json().await.unwrap();
    let item_id = item["id"].as_i64().unwrap();

    // the form keeps what was typed when the owner is missing
    let s = app.session_for(Role::Facilitator).await;
    let (code, page) = text(
        app.post_form(
            &s,
            &format!("/cases/{id}/action-items"),
            &[
                ("title", "Rotate <every> key"),
                ("due_day", &tomorrow()),
                ("priority", "urgent"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Rotate &lt;every&gt; key") || page.contains("Rotate &#60;every&#62; key"),
        "kept and escaped"
    );
    assert!(page.contains("needs one owner"));

    // the owner closes it with a note; others who cannot read cases do not see it
    let owner_token = app.token(&owner).await;
    let other = app
        .add_user("someone@example.org", RoleSet::default())
        .await;
    let other_token = app.token(&other).await;
    let item_path = format!("/api/v1/action-items/{item_id}");
    let r = api(
        &app,
        reqwest::Method::PATCH,
        &item_path,
        &other_token,
        Some(json!({"version": 1, "status": "in_progress"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = api(
        &app,
        reqwest::Method::PATCH,
        &item_path,
        &owner_token,
        Some(json!({"version": 1, "status": "done"})),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "closing asks what changed"
    );
    let r = api(&app, reqwest::Method::PATCH, &item_path, &owner_token, Some(json!({"version": 1, "status": "done", "note": "CI masks all secret variables now", "check_date": (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).format("%Y-%m-%d").to_string()}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["status"], "done");
    assert_eq!(done["check_owner_id"], owner.id);
    let r = api(
        &app,
        reqwest::Method::PATCH,
        &item_path,
        &owner_token,
        Some(json!({"version": 1, "status": "open"})),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "a stale version is refused"
    );
    let mine: Value = api(
        &app,
        reqwest::Method::GET,
        "/api/v1/action-items",
        &owner_token,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(mine["total"], 1);
    let theirs: Value = api(
        &app,
        reqwest::Method::GET,
        "/api/v1/action-items",
        &other_token,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(theirs["total"], 0);

    // My action items shows the due effectiveness check
    let os = app.session(&owner).await;
    let (code, page) = text(app.get(&os, "/action-items").await).await;
    assert_eq!(code, StatusCode::OK);
    assert!(page.contains("Effectiveness checks to confirm") && page.contains("Mask secrets"));
    let os2 = app.session(&other).await;
    assert_eq!(
        app.get(&os2, &format!("/action-items/{item_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
