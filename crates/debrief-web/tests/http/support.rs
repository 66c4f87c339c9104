//! Helpers several test modules share: JSON calls with a bearer token, a
//! response's status with its text, a case in review, tomorrow's date.

use debrief_testkit::{TestApp, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub async fn post(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut r = client().post(app.url(path)).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

pub async fn get(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut r = client().get(app.url(path));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

/// A case that has reached "in review" (which opens its review).
pub async fn case_in_review(app: &TestApp, title: &str) -> i64 {
    app.case_in_review(title, vec![]).await
}

pub async fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = client().request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

pub fn tomorrow() -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string()
}

pub async fn text(r: reqwest::Response) -> (StatusCode, String) {
    let s = r.status();
    (s, r.text().await.unwrap())
}

pub fn anonymous_report(title: &str) -> Value {
    json!({"kind": "near_miss", "title": title, "description": "The deploy script printed the production database password.", "confidentiality": "anonymous"})
}
