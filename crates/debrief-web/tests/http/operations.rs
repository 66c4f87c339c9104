//! `GET /metrics` for operators: served only by the operations listener,
//! parsed as the Prometheus and the OpenMetrics text formats, with counts
//! that follow the database, latency labelled by route template, and nothing
//! that identifies anyone or dates an anonymous report.

use crate::support::{anonymous_report, api, case_in_review, post, tomorrow};
use debrief_core::Role;
use debrief_core::case::Status;
use debrief_store::jobs::NewJob;
use debrief_store::{now_ms, params};
use debrief_testkit::{TestApp, client};
use openmetrics_parser::{MetricsExposition, PrometheusType, PrometheusValue};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::net::SocketAddr;

type Exposition = MetricsExposition<PrometheusType, PrometheusValue>;

/// Scrapes the operations listener as Prometheus does without OpenMetrics,
/// and parses the document strictly.
async fn scrape(metrics: SocketAddr) -> (Exposition, String) {
    let r = client()
        .get(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let body = r.text().await.unwrap();
    let parsed = openmetrics_parser::prometheus::parse_prometheus(&body)
        .unwrap_or_else(|e| panic!("not the Prometheus text format: {e:?}\n{body}"));
    (parsed, body)
}

/// The samples of `family` whose labels include `labels`: the value of a
/// gauge or counter, the count of a histogram.
fn values(e: &Exposition, family: &str, labels: &[(&str, &str)]) -> Vec<f64> {
    let Some(f) = e.families.get(family) else {
        return Vec::new();
    };
    f.iter_samples()
        .filter(|s| {
            let set = s.get_labelset().unwrap();
            labels
                .iter()
                .all(|(k, v)| set.get_label_value(k) == Some(*v))
        })
        .map(|s| match &s.value {
            PrometheusValue::Gauge(n) | PrometheusValue::Unknown(n) => n.as_f64(),
            PrometheusValue::Counter(c) => c.value.as_f64(),
            PrometheusValue::Histogram(h) => h.count.unwrap_or(0) as f64,
            PrometheusValue::Summary(_) => panic!("{family} is a summary"),
        })
        .collect()
}

/// The one sample of `family` with `labels`.
fn value(e: &Exposition, family: &str, labels: &[(&str, &str)]) -> f64 {
    let v = values(e, family, labels);
    assert_eq!(v.len(), 1, "{family} {labels:?}: {v:?}");
    v[0]
}

fn minute() -> i64 {
    debrief_core::times::to_minute(now_ms())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_follow_reports_cases_overdue_items_and_jobs() {
    let (app, metrics) = TestApp::spawn_with_metrics(&["sessions.purge"]).await;
    let (before, body) = scrape(metrics).await;
    assert_eq!(value(&before, "debrief_database_up", &[]), 1.0);
    for kind in ["incident", "near_miss", "vulnerability", "concern"] {
        assert_eq!(
            value(&before, "debrief_reports_received_total", &[("kind", kind)]),
            0.0
        );
    }
    assert_eq!(
        value(
            &before,
            "debrief_open_cases",
            &[("severity", "high"), ("status", "investigating")]
        ),
        0.0
    );
    assert_eq!(value(&before, "debrief_overdue_action_items", &[]), 0.0);
    // a kind the server runs has its series before any job is queued
    assert_eq!(
        value(
            &before,
            "debrief_jobs",
            &[("kind", "sessions.purge"), ("state", "queued")]
        ),
        0.0
    );
    let started = value(&before, "process_start_time_seconds", &[]);
    assert!(
        (started - now_ms() as f64 / 1000.0).abs() < 600.0,
        "{started}"
    );
    // the same document in OpenMetrics, for a scraper that asks for it
    let r = client()
        .get(format!("http://{metrics}/metrics"))
        .header(
            "accept",
            "application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    let om = r.text().await.unwrap();
    assert!(om.ends_with("# EOF\n"), "{om}");
    let parsed = openmetrics_parser::openmetrics::parse_openmetrics(&om)
        .unwrap_or_else(|e| panic!("not OpenMetrics: {e:?}\n{om}"));
    assert!(parsed.families.contains_key("debrief_reports_received"));
    assert!(body.contains("# TYPE debrief_reports_received_total counter"));

    // a named report counts at once
    let reporter = app.users[&Role::Reporter].clone();
    let token = app.token(&reporter).await;
    let named = json!({"kind": "near_miss", "title": "Badge reader let me in twice", "description": "The door opened for a second person.", "confidentiality": "named"});
    let r = post(&app, "/api/v1/reports", Some(&token), named).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // an anonymous one only once its minute has ended
    let at = minute();
    let r = post(
        &app,
        "/api/v1/reports",
        None,
        anonymous_report("Shared admin password"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let anon_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (after, body) = scrape(metrics).await;
    if minute() == at {
        assert_eq!(
            value(
                &after,
                "debrief_reports_received_total",
                &[("kind", "near_miss")]
            ),
            1.0,
            "the anonymous report is not counted within its minute"
        );
    }
    // moved back a minute (as if that minute had ended), it counts
    app.store
        .write(move |c| {
            c.execute(
                "UPDATE reports SET received_ms = received_ms - 60000 WHERE id = $1",
                &params![anon_id],
            )
        })
        .await
        .unwrap();
    let (after, _) = scrape(metrics).await;
    assert_eq!(
        value(
            &after,
            "debrief_reports_received_total",
            &[("kind", "near_miss")]
        ),
        2.0
    );
    // nothing that identifies anyone or tells what was reported
    for secret in [
        "Badge reader",
        "Shared admin password",
        reporter.email.as_str(),
        reporter.name.as_str(),
    ] {
        assert!(!body.contains(secret), "{secret} in the metrics");
    }

    // cases by severity and status; a drill is left out
    let id = app
        .case_along("Phishing wave", vec![], &[Status::Investigating])
        .await;
    let (after, _) = scrape(metrics).await;
    let open = [("severity", "high"), ("status", "investigating")];
    assert_eq!(value(&after, "debrief_open_cases", &open), 1.0);
    app.store
        .write(move |c| c.execute("UPDATE cases SET drill = 1 WHERE id = $1", &params![id]))
        .await
        .unwrap();
    let (after, _) = scrape(metrics).await;
    assert_eq!(value(&after, "debrief_open_cases", &open), 0.0);

    // an action item past its due day
    let case = case_in_review(&app, "Token in CI log").await;
    let t = app.token(&app.users[&Role::Facilitator].clone()).await;
    let r = api(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/cases/{case}/action-items"),
        &t,
        Some(json!({"title": "Mask secrets", "owner_id": reporter.id, "due_date": tomorrow()})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (after, _) = scrape(metrics).await;
    assert_eq!(value(&after, "debrief_overdue_action_items", &[]), 0.0);
    app.store
        .write(move |c| {
            c.execute(
                "UPDATE action_items SET due_day = '2020-01-01' WHERE case_id = $1",
                &params![case],
            )
        })
        .await
        .unwrap();
    let (after, _) = scrape(metrics).await;
    assert_eq!(value(&after, "debrief_overdue_action_items", &[]), 1.0);

    // a job due for 30 s that nobody has claimed
    app.store
        .enqueue(NewJob {
            kind: "notifications.send".into(),
            payload: "{}".into(),
            run_at_ms: now_ms() - 30_000,
            unique_key: None,
            max_attempts: 3,
        })
        .await
        .unwrap();
    let (after, _) = scrape(metrics).await;
    let kind = [("kind", "notifications.send")];
    assert_eq!(
        value(&after, "debrief_jobs", &[kind[0], ("state", "queued")]),
        1.0
    );
    assert_eq!(
        value(&after, "debrief_jobs", &[kind[0], ("state", "running")]),
        0.0
    );
    let age = value(&after, "debrief_job_oldest_due_age_seconds", &kind);
    assert!((30.0..600.0).contains(&age), "{age}");
    assert_eq!(
        value(
            &after,
            "debrief_job_oldest_due_age_seconds",
            &[("kind", "sessions.purge")]
        ),
        0.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_is_labelled_by_route_template_never_by_path() {
    let (app, metrics) = TestApp::spawn_with_metrics(&[]).await;
    let id = app.case_along("Lost laptop", vec![], &[]).await;
    let s = app.session_for(Role::Responder).await;
    let r = client()
        .get(app.url(&format!("/cases/{id}?q=laptop-4711")))
        .headers(app.browser_headers(&s))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.get(&s, "/no/such/page-9182").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let at = minute();
    let r = post(&app, "/api/v1/reports", None, anonymous_report("Held back")).await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let (e, body) = scrape(metrics).await;
    let family = "debrief_http_request_duration_seconds";
    assert_eq!(
        value(
            &e,
            family,
            &[
                ("method", "GET"),
                ("route", "/cases/{id}"),
                ("status_class", "2xx")
            ]
        ),
        1.0
    );
    assert_eq!(
        value(
            &e,
            family,
            &[
                ("method", "GET"),
                ("route", "unmatched"),
                ("status_class", "4xx")
            ]
        ),
        1.0
    );
    for raw in [
        format!("/cases/{id}\""),
        "laptop-4711".to_string(),
        "page-9182".to_string(),
    ] {
        assert!(!body.contains(&raw), "{raw} in the metrics:\n{body}");
    }
    // every route label is a template the router declares, or "unmatched"
    let declared: Vec<&str> = debrief_web::authz::ROUTES.iter().map(|r| r.path).collect();
    for s in e.families[family].iter_samples() {
        let set = s.get_labelset().unwrap();
        let route = set.get_label_value("route").unwrap();
        assert!(
            route == "unmatched" || declared.contains(&route),
            "{route} is not a route template"
        );
    }
    // the anonymous intake is not timed within its minute
    if minute() == at {
        assert!(
            values(
                &e,
                family,
                &[("route", "/api/v1/reports"), ("method", "POST")]
            )
            .is_empty(),
            "{body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_only_on_the_operations_listener() {
    let (app, metrics) = TestApp::spawn_with_metrics(&[]).await;
    // the product's listener has no /metrics, whoever asks
    for who in [None, Some(Role::Admin)] {
        let s = match who {
            Some(r) => app.session_for(r).await,
            None => app.anonymous(),
        };
        let r = app.get(&s, "/metrics").await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who:?}");
        let text = r.text().await.unwrap();
        assert!(!text.contains("debrief_open_cases"));
    }
    let admin = app.token(&app.users[&Role::Admin].clone()).await;
    let r = client()
        .get(app.url("/metrics"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // and the operations listener has nothing of the product
    for path in [
        "/",
        "/login",
        "/report",
        "/api/v1/cases",
        "/healthz",
        "/metrics/x",
    ] {
        let r = client()
            .get(format!("http://{metrics}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = client()
        .post(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let r = client()
        .head(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
