//! The API answers as its OpenAPI document says: a path parameter that is not
//! a number, a body field of the wrong type, an unknown field and a body that
//! is not an object are 422 problem documents naming the field; whole numbers
//! written as `3.0` are accepted; the document lists the common answers and
//! the strict request schemas. Runs on both engines
//! (`DEBRIEF_TEST_DB=sqlite|postgres`).

use debrief_core::Role;
use debrief_testkit::{TestApp, api, problem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn first_field(p: &Value) -> &str {
    p["errors"][0]["field"].as_str().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extractor_refusals_are_problems_naming_the_field() {
    let app = TestApp::spawn().await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let t = Some(responder.as_str());
    // a path id too large for a number
    let r = api(
        &app,
        Method::GET,
        "/api/v1/cases/9223372036854775808",
        t,
        None,
    )
    .await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "id too large").await;
    assert_eq!(first_field(&p), "id");
    let r = api(&app, Method::GET, "/api/v1/reports/abc", t, None).await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "id not a number").await;
    assert_eq!(first_field(&p), "id");
    // a field of the wrong type is named, not its value
    let body = json!({"title": "Phishing", "severity": "high", "report_ids": ["x"]});
    let r = api(&app, Method::POST, "/api/v1/cases", t, Some(body)).await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "wrong type").await;
    assert_eq!(first_field(&p), "report_ids");
    // an unknown field
    let body = json!({"title": "Phishing", "severity": "high", "colour": "red"});
    let r = api(&app, Method::POST, "/api/v1/cases", t, Some(body)).await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown field").await;
    assert_eq!(first_field(&p), "colour");
    // a body that is not an object
    let r = api(
        &app,
        Method::PATCH,
        "/api/v1/cases/1",
        t,
        Some(json!([null])),
    )
    .await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "array body").await;
    assert_eq!(first_field(&p), "body");
    // a whole number written with a fraction is that number
    let body = json!({"title": "Phishing", "severity": "high", "report_ids": []});
    let r = api(&app, Method::POST, "/api/v1/cases", t, Some(body)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let case: Value = r.json().await.unwrap();
    let body = json!({"kind": "fact", "body": "Mail gateway blocked the sender."});
    let path = format!("/api/v1/cases/{}.0/timeline", case["id"]);
    // (a path id is never a fraction)
    let r = api(&app, Method::POST, &path, t, Some(body.clone())).await;
    problem(r, StatusCode::UNPROCESSABLE_ENTITY, "fraction in path").await;
    let r = api(
        &app,
        Method::POST,
        "/api/v1/cases",
        t,
        Some(json!({
            "title": "Second", "severity": "low", "report_ids": [], "occurred_at": null
        })),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let other: Value = r.json().await.unwrap();
    let id = other["id"].as_i64().unwrap();
    let r = api(
        &app,
        Method::POST,
        "/api/v1/reports/1/attach",
        t,
        Some(json!({"case_id": id as f64})),
    )
    .await;
    assert_ne!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "3.0 is 3");
    // an unknown method is 405, never 500
    let r = api(&app, Method::TRACE, "/api/v1/cases", t, None).await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_lists_common_answers_and_strict_bodies() {
    let app = TestApp::spawn().await;
    let r = api(&app, Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    let op = &doc["paths"]["/api/v1/cases/{id}/timeline"]["post"]["responses"];
    for status in ["401", "403", "404", "400", "413", "415", "422"] {
        assert!(
            op[status]["content"]["application/problem+json"].is_object(),
            "{status} on POST timeline: {op}"
        );
    }
    // public routes need no credentials; the limiter's routes can answer 429
    let op = &doc["paths"]["/api/v1/reports"]["post"]["responses"];
    assert!(op["401"].is_null() && op["403"].is_null());
    assert!(op["429"]["content"]["application/problem+json"].is_object());
    assert!(doc["paths"]["/api/v1/users"]["post"]["responses"]["503"].is_object());
    let report = &doc["components"]["schemas"]["ReportIn"];
    let required: Vec<&str> = report["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for f in ["kind", "confidentiality", "title", "description"] {
        assert!(required.contains(&f), "{f} required: {report}");
    }
    assert_eq!(
        report["properties"]["title"]["maxLength"],
        debrief_core::intake::TITLE_MAX
    );
    assert_eq!(report["additionalProperties"], false);
    let kinds = report["properties"]["kind"]["enum"].as_array().unwrap();
    assert_eq!(kinds.len(), debrief_core::report::Kind::ALL.len());
}
