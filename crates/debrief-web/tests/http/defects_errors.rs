//! Regression tests for the error edge: authorization answers before input is
//! inspected, a refusal names the field it concerns, duplicates are 409 naming
//! the field, and no value a person sends reaches a 500. Each failed before its
//! fix. Runs on both engines (`DEBRIEF_TEST_DB=sqlite|postgres`).

use debrief_core::Role;
use debrief_testkit::{PASSWORD, TestApp, api, problem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn fields(p: &Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

// ------------------------------------------------ authorization before input

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_without_access_is_refused_before_the_input_is_read() {
    let app = TestApp::spawn().await;
    let reporter = app.token(&app.users[&Role::Reporter]).await;
    let nul = json!({"title": "a\u{0}b", "severity": "high"});
    // anonymous: 401 whatever the body or query holds
    for (method, path, body) in [
        (Method::POST, "/api/v1/cases", Some(nul.clone())),
        (Method::GET, "/api/v1/users?q=%00", None),
        (
            Method::PATCH,
            "/api/v1/cases/1",
            Some(json!({"title": "\u{1b}[31m"})),
        ),
    ] {
        let r = api(&app, method.clone(), path, None, body.clone()).await;
        problem(
            r,
            StatusCode::UNAUTHORIZED,
            &format!("anonymous {method} {path}"),
        )
        .await;
        // signed in without the role: 403
        let r = api(&app, method.clone(), path, Some(&reporter), body).await;
        problem(
            r,
            StatusCode::FORBIDDEN,
            &format!("reporter {method} {path}"),
        )
        .await;
    }
    // pages: an anonymous visitor is sent to sign in, a reporter is refused
    let anon = app.anonymous();
    let r = app.get(&anon, "/admin/users?q=%00").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let s = app.session_for(Role::Reporter).await;
    let r = app.get(&s, "/admin/users?q=%00").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post_form(&s, "/admin/teams", &[("name", "Blue\0team")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // and a caller with access still has the character refused by name
    let admin = app.token(&app.users[&Role::Admin]).await;
    let r = api(&app, Method::GET, "/api/v1/users?q=%00", Some(&admin), None).await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "admin").await;
    assert_eq!(fields(&p), ["q"], "{p}");
}

// ------------------------------------------------ refusals name their field

async fn new_case(app: &TestApp, token: &str) -> i64 {
    let r = api(
        app,
        Method::POST,
        "/api/v1/cases",
        Some(token),
        Some(json!({"title": "Expired certificate", "severity": "high"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_case_change_names_the_field_it_concerns() {
    let app = TestApp::spawn().await;
    let t = app.token(&app.users[&Role::SecurityLead]).await;
    let id = new_case(&app, &t).await;
    let path = format!("/api/v1/cases/{id}");
    for (body, field) in [
        (json!({"team_id": 987654}), "team_id"),
        (json!({"lead_id": 987654}), "lead_id"),
        (json!({"title": "", "team_id": null}), "title"),
    ] {
        let r = api(&app, Method::PATCH, &path, Some(&t), Some(body.clone())).await;
        let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, &body.to_string()).await;
        assert_eq!(fields(&p), [field], "{body}: {p}");
    }
    // a disabled lead is named as the lead, too
    let gone = app.users[&Role::Leadership].id;
    app.store.set_disabled(gone, true, 0).await.unwrap();
    let r = api(
        &app,
        Method::PATCH,
        &path,
        Some(&t),
        Some(json!({"lead_id": gone})),
    )
    .await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "disabled lead").await;
    assert_eq!(fields(&p), ["lead_id"], "{p}");

    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/cases/{id}/times"),
        Some(&t),
        Some(json!({"occurred_at": "2026-03-14T10:00:00Z", "detected_at": "2026-03-14T09:00:00Z", "reason": "from the logs"})),
    )
    .await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "times").await;
    assert_eq!(fields(&p), ["detected_at"], "{p}");

    let r = api(
        &app,
        Method::POST,
        "/api/v1/cases",
        Some(&t),
        Some(json!({"title": "x", "severity": "low", "report_ids": [987654]})),
    )
    .await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "report_ids").await;
    assert_eq!(fields(&p), ["report_ids"], "{p}");

    // the reason of a transition has one limit, on the page as in the API
    let long = "r".repeat(debrief_core::case::REASON_MAX + 1);
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/transitions"),
        Some(&t),
        Some(json!({"to": "investigating", "reason": long})),
    )
    .await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "reason").await;
    assert_eq!(fields(&p), ["reason"], "{p}");
    let s = app.session_for(Role::SecurityLead).await;
    let r = app
        .post_form(
            &s,
            &format!("/cases/{id}/transition"),
            &[("to", "investigating"), ("reason", &long)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.store
            .case_detail(id)
            .await
            .unwrap()
            .unwrap()
            .case
            .status,
        debrief_core::case::Status::Triage
    );

    // an illegal transition is a conflict with the allowed ones, not a field
    let r = api(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/transitions"),
        Some(&t),
        Some(json!({"to": "published"})),
    )
    .await;
    let p = problem(r, StatusCode::CONFLICT, "transition").await;
    assert!(p["detail"].as_str().unwrap().contains("allowed"), "{p}");
    assert!(fields(&p).is_empty(), "{p}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn action_item_refusals_name_owner_factor_and_note() {
    let app = TestApp::spawn().await;
    let t = app.token(&app.users[&Role::SecurityLead]).await;
    let id = new_case(&app, &t).await;
    let items = format!("/api/v1/cases/{id}/action-items");
    let owner = app.users[&Role::Responder].id;
    let item = |extra: Value| {
        let mut b =
            json!({"title": "Alert before expiry", "owner_id": owner, "due_date": "2999-01-01"});
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    for (extra, field) in [
        (json!({"owner_id": 987654}), "owner_id"),
        (json!({"owner_id": i64::MAX}), "owner_id"),
        (json!({"factor_id": 987654}), "factor_id"),
        (json!({"due_date": "2001-01-01"}), "due_date"),
        (json!({"priority": "whenever"}), "priority"),
    ] {
        let r = api(
            &app,
            Method::POST,
            &items,
            Some(&t),
            Some(item(extra.clone())),
        )
        .await;
        let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, &extra.to_string()).await;
        assert_eq!(fields(&p), [field], "{extra}: {p}");
    }
    let r = api(&app, Method::POST, &items, Some(&t), Some(item(json!({})))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    let path = format!("/api/v1/action-items/{}", a["id"]);
    let version = a["version"].as_i64().unwrap();
    for (body, field) in [
        (json!({"version": version, "status": "done"}), "note"),
        (
            json!({"version": version, "status": "in_progress", "check_date": "2999-02-01"}),
            "check_date",
        ),
        (
            json!({"version": version, "status": "done", "note": "x".repeat(501)}),
            "note",
        ),
        (json!({"version": version, "owner_id": 987654}), "owner_id"),
    ] {
        let r = api(&app, Method::PATCH, &path, Some(&t), Some(body.clone())).await;
        let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, &body.to_string()).await;
        assert_eq!(fields(&p), [field], "{body}: {p}");
    }
}

// ------------------------------------------------ duplicates are 409

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_are_409_naming_the_field() {
    let app = TestApp::spawn().await;
    let admin = app.token(&app.users[&Role::Admin]).await;
    let team = json!({"name": "Platform", "description": ""});
    let r = api(
        &app,
        Method::POST,
        "/api/v1/teams",
        Some(&admin),
        Some(team.clone()),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = api(
        &app,
        Method::POST,
        "/api/v1/teams",
        Some(&admin),
        Some(team),
    )
    .await;
    let p = problem(r, StatusCode::CONFLICT, "team").await;
    assert_eq!(fields(&p), ["name"], "{p}");
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("team"));

    let user = json!({"email": "grace@example.org", "name": "Grace Hopper", "password": PASSWORD});
    let r = api(
        &app,
        Method::POST,
        "/api/v1/users",
        Some(&admin),
        Some(user.clone()),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mut again = user.clone();
    again["email"] = json!(" Grace@Example.org ");
    let r = api(
        &app,
        Method::POST,
        "/api/v1/users",
        Some(&admin),
        Some(again),
    )
    .await;
    let p = problem(r, StatusCode::CONFLICT, "user").await;
    assert_eq!(fields(&p), ["email"], "{p}");

    // the pages say the same, beside the field
    let s = app.session_for(Role::Admin).await;
    for (path, form, message) in [
        (
            "/admin/teams",
            vec![("name", "Platform"), ("description", "")],
            "A team with this name exists already.",
        ),
        (
            "/admin/users",
            vec![
                ("name", "Grace Hopper"),
                ("email", "grace@example.org"),
                ("password", PASSWORD),
            ],
            "An account with this email exists already.",
        ),
        (
            "/admin/factors",
            vec![("label", "Procedure"), ("description", "Again")],
            "A category with this name exists already.",
        ),
    ] {
        let r = app.post_form(&s, path, &form).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{path}");
        let page = r.text().await.unwrap();
        assert!(page.contains(message), "{path}: {page}");
    }
}

// ------------------------------------------------ no 500 from user values

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_out_of_range_are_4xx_never_500() {
    let app = TestApp::spawn().await;
    let t = app.token(&app.users[&Role::SecurityLead]).await;
    let id = app.case_in_review("Out of range", vec![]).await;
    let big = i64::MAX.to_string();
    let review = format!("/api/v1/cases/{id}/review");
    let r = api(
        &app,
        Method::POST,
        "/api/v1/reports",
        None,
        Some(json!({"kind": "near_miss", "title": "Shared password", "description": "In the wiki.", "confidentiality": "anonymous"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let report = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let cases = [
        (
            Method::PATCH,
            review.clone(),
            json!({"part": "impact", "version": 1, "duration_minutes": "99999999999999999999"}),
        ),
        (
            Method::PATCH,
            review.clone(),
            json!({"part": "impact", "version": 1, "people_affected": 1e300}),
        ),
        (
            Method::PATCH,
            review.clone(),
            json!({"part": "factor", "id": "seven", "category": "procedure", "explanation": "x"}),
        ),
        (
            Method::PATCH,
            review.clone(),
            json!({"part": "factor", "id": big, "version": 1, "category": "procedure", "explanation": "x"}),
        ),
        (
            Method::PATCH,
            review.clone(),
            json!({"part": "factor", "category": "no_such_category", "explanation": "x"}),
        ),
        (
            Method::PATCH,
            review.clone(),
            json!({"part": "remove", "what": "factor", "id": big, "version": 1}),
        ),
        (
            Method::POST,
            format!("/api/v1/reports/{report}/duplicate"),
            json!({"of": i64::MAX}),
        ),
        (
            Method::POST,
            format!("/api/v1/reports/{report}/attach"),
            json!({"case_id": i64::MAX}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/cases/{id}"),
            json!({"team_id": i64::MIN}),
        ),
    ];
    for (method, path, body) in cases {
        let r = api(&app, method.clone(), &path, Some(&t), Some(body.clone())).await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(
            status.is_client_error(),
            "{method} {path} {body}: {status} {text}"
        );
    }
    // the report named is refused by name
    for (path, body, field) in [
        ("duplicate", json!({"of": i64::MAX}), "of"),
        ("duplicate", json!({"of": report}), "of"),
        ("attach", json!({"case_id": i64::MAX}), "case_id"),
    ] {
        let r = api(
            &app,
            Method::POST,
            &format!("/api/v1/reports/{report}/{path}"),
            Some(&t),
            Some(body.clone()),
        )
        .await;
        let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, &body.to_string()).await;
        assert_eq!(fields(&p), [field], "{path} {body}: {p}");
    }
    for path in [
        "/api/v1/cases?offset=9223372036854775807",
        "/api/v1/action-items?offset=9223372036854775807&limit=1000",
        "/api/v1/reports?offset=9223372036854775807",
        "/api/v1/audit?offset=9223372036854775807",
    ] {
        let who = if path.contains("audit") {
            app.token(&app.users[&Role::Admin]).await
        } else {
            t.clone()
        };
        let r = api(&app, Method::GET, path, Some(&who), None).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["items"], json!([]), "{path}");
    }
}
