//! The learning metrics over HTTP: `GET /api/v1/metrics` (its keys and
//! shape, figures worked out by hand on a small data set built through the
//! API, every refusal, withheld figures, drills, the time zone), the drill
//! flag, and recurrence on the case page.

use crate::support::{api, get, post};
use debrief_core::Role;
use debrief_testkit::{TestApp, problem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const DURATIONS: [&str; 6] = [
    "time_to_report",
    "mttd",
    "mtta",
    "mttc",
    "mttr",
    "review_lag",
];

async fn metrics(app: &TestApp, token: &str, query: &str) -> Value {
    let r = get(app, &format!("/api/v1/metrics?{query}"), Some(token)).await;
    assert_eq!(r.status(), StatusCode::OK, "{query}");
    r.json().await.unwrap()
}

/// A case opened through the API with its times, moved along `steps`
/// (status and when, back-dated with a reason).
pub(crate) async fn case(
    app: &TestApp,
    token: &str,
    title: &str,
    occurred: Option<&str>,
    detected: &str,
    report_ids: Vec<i64>,
    steps: &[(&str, &str)],
) -> i64 {
    let mut body = json!({"title": title, "severity": "high", "detected_at": detected, "report_ids": report_ids});
    if let Some(o) = occurred {
        body["occurred_at"] = json!(o);
    }
    let r = post(app, "/api/v1/cases", Some(token), body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{title}");
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for (to, at) in steps {
        let r = post(
            app,
            &format!("/api/v1/cases/{id}/transitions"),
            Some(token),
            json!({"to": to, "at": at, "reason": "Recorded after the fact from the chat log"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{title} → {to}");
    }
    id
}

pub(crate) async fn report(app: &TestApp, kind: &str, title: &str, systems: &str) -> i64 {
    let r = post(
        app,
        "/api/v1/reports",
        None,
        json!({"kind": kind, "title": title, "description": "What I saw, in a few words.", "confidentiality": "anonymous", "systems": systems}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{title}");
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn set_drill(app: &TestApp, token: &str, id: i64, drill: bool) -> reqwest::Response {
    api(
        app,
        Method::PATCH,
        &format!("/api/v1/cases/{id}"),
        token,
        Some(json!({"drill": drill})),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_have_the_contract_shape_and_hand_checked_figures() {
    let app = TestApp::spawn().await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let lead = app.token(&app.users[&Role::SecurityLead]).await;
    let leadership = app.token(&app.users[&Role::Leadership]).await;
    // A: occurred 08:00, detected 09:00, acknowledged 09:30, contained 10:00, resolved 11:00
    case(
        &app,
        &responder,
        "Phishing wave",
        Some("2026-01-05T08:00:00Z"),
        "2026-01-05T09:00:00Z",
        vec![],
        &[
            ("investigating", "2026-01-05T09:30:00Z"),
            ("contained", "2026-01-05T10:00:00Z"),
            ("resolved", "2026-01-05T11:00:00Z"),
        ],
    )
    .await;
    // B: occurred 00:00, detected 02:00, acknowledged 02:10, contained 03:00, resolved 06:00
    case(
        &app,
        &responder,
        "Leaked key",
        Some("2026-01-10T00:00:00Z"),
        "2026-01-10T02:00:00Z",
        vec![],
        &[
            ("investigating", "2026-01-10T02:10:00Z"),
            ("contained", "2026-01-10T03:00:00Z"),
            ("resolved", "2026-01-10T06:00:00Z"),
        ],
    )
    .await;
    // C: no occurred time; detected 12:00, acknowledged 13:00, still investigating
    case(
        &app,
        &responder,
        "Odd DNS answers",
        None,
        "2026-01-20T12:00:00Z",
        vec![],
        &[("investigating", "2026-01-20T13:00:00Z")],
    )
    .await;
    // D: a drill with long times, which must change nothing
    let drill = case(
        &app,
        &responder,
        "Tabletop exercise",
        Some("2026-01-12T08:00:00Z"),
        "2026-01-14T08:00:00Z",
        vec![],
        &[("investigating", "2026-01-15T08:00:00Z")],
    )
    .await;

    let q = "from=2026-01-01&to=2026-01-31";
    let before = metrics(&app, &leadership, q).await;
    assert_eq!(before["cases"], 4);
    assert_eq!(
        set_drill(&app, &lead, drill, true).await.status(),
        StatusCode::OK
    );
    let m = metrics(&app, &leadership, q).await;

    // the contract's keys, and each duration's shape
    for k in [
        "time_to_report",
        "mttd",
        "mtta",
        "mttc",
        "mttr",
        "near_miss_reports",
        "near_miss_ratio",
        "anonymous_share",
        "repeat_incident_rate",
        "action_items",
        "review_lag",
        "period",
        "filters",
        "changes",
    ] {
        assert!(m.get(k).is_some(), "missing {k}: {m}");
    }
    for k in DURATIONS {
        for f in ["count", "median_seconds", "p90_seconds", "open", "missing"] {
            assert!(m[k].get(f).is_some(), "{k}.{f}");
        }
    }
    assert_eq!(m["period"]["from"], "2026-01-01");
    assert_eq!(m["period"]["to"], "2026-01-31");
    assert_eq!(m["period"]["time_zone"], "UTC");
    assert_eq!(m["period"]["starts_at"], "2026-01-01T00:00:00Z");
    assert_eq!(m["period"]["ends_at"], "2026-02-01T00:00:00Z");
    // compared with the 31 days before
    assert_eq!(m["previous_period"]["from"], "2025-12-01");
    assert_eq!(m["previous_period"]["to"], "2025-12-31");
    assert_eq!(m["cases"], 3);
    assert_eq!(m["drills_left_out"], 1);

    let d = |k: &str| {
        let x = &m[k];
        (
            x["count"].as_i64().unwrap(),
            x["median_seconds"].as_i64(),
            x["p90_seconds"].as_i64(),
            x["open"].as_i64().unwrap(),
            x["missing"].as_i64().unwrap(),
        )
    };
    // MTTD from A (1 h) and B (2 h); C has no occurred time
    assert_eq!(d("mttd"), (2, Some(3600), Some(7200), 0, 1));
    // MTTA: 30 min, 10 min, 60 min
    assert_eq!(d("mtta"), (3, Some(1800), Some(3600), 0, 0));
    // MTTC: A and B took 1 h; C is still open, so S(t) stops at 1/3 and the p90 is not reached
    assert_eq!(d("mttc"), (2, Some(3600), None, 1, 0));
    // MTTR: 2 h and 4 h with C open: S = 2/3 after 2 h, 1/3 after 4 h
    assert_eq!(d("mttr"), (2, Some(14400), None, 1, 0));
    // no reports: time to report has nothing to measure, and says so
    assert_eq!(d("time_to_report"), (0, None, None, 0, 3));
    // A and B wait for their reviews
    assert_eq!(d("review_lag"), (0, None, None, 2, 0));
    assert_eq!(m["mttc"]["coverage"], "from 2 of 3 cases; 1 still open");
    assert_eq!(m["mttr"]["few"], true);
    // the drill left nothing behind in the figures
    assert_ne!(before["mtta"]["count"], m["mtta"]["count"]);

    // the previous period has no data: zero counts and nulls, never 0 or NaN
    let text = serde_json::to_string(&m).unwrap();
    assert!(!text.contains("NaN"));
    assert_eq!(
        m["changes"]["mttr"]["direction"], "no_clear_change",
        "{}",
        m["changes"]
    );
    assert!(m["changes"]["mttr"]["reading"].is_string());
    let empty = metrics(&app, &leadership, "quarter=2020-Q1").await;
    for k in DURATIONS {
        assert_eq!(empty[k]["count"], 0, "{k}");
        assert_eq!(empty[k]["median_seconds"], Value::Null, "{k}");
        assert_eq!(empty[k]["p90_seconds"], Value::Null, "{k}");
    }
    assert_eq!(empty["period"]["quarter"], "2020-Q1");
    assert_eq!(empty["period"]["starts_at"], "2020-01-01T00:00:00Z");
    assert_eq!(empty["cases"], 0);
    assert_eq!(empty["near_miss_reports"], 0);
    assert_eq!(empty["near_miss_ratio"], Value::Null);
    assert_eq!(empty["anonymous_share"], Value::Null);
    assert_eq!(empty["repeat_incident_rate"], Value::Null);
    assert_eq!(empty["action_items"]["completion_rate"], Value::Null);
    assert_eq!(empty["action_items"]["total"], 0);

    // filters: severity narrows to nothing, the kind of no report too
    let low = metrics(&app, &leadership, &format!("{q}&severity=low")).await;
    assert_eq!(low["cases"], 0);
    assert_eq!(low["filters"]["severity"], "low");
    let high = metrics(&app, &leadership, &format!("{q}&severity=high&kind=")).await;
    assert_eq!(high["cases"], 3);
    assert_eq!(high["filters"]["kind"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_counts_come_with_intervals_and_changes() {
    let app = TestApp::spawn().await;
    let leadership = app.token(&app.users[&Role::Leadership]).await;
    for i in 0..3 {
        report(&app, "near_miss", &format!("Near miss {i}"), "").await;
    }
    for i in 0..2 {
        report(&app, "incident", &format!("Incident {i}"), "").await;
    }
    // the current quarter by default
    let m = metrics(&app, &leadership, "").await;
    assert!(m["period"]["quarter"].is_string());
    assert_eq!(m["reports"]["total"], 5);
    assert_eq!(m["reports"]["by_kind"]["near_miss"], 3);
    assert_eq!(m["reports"]["by_kind"]["incident"], 2);
    assert_eq!(m["near_miss_reports"], 3);
    assert_eq!(m["near_miss_ratio"], 1.5);
    // every test account is active: enough people for the share
    assert_eq!(m["anonymous_share"], 1.0);
    let (lo, hi) = (
        m["near_miss_reports_interval"]["low"].as_f64().unwrap(),
        m["near_miss_reports_interval"]["high"].as_f64().unwrap(),
    );
    // the exact 95% Poisson interval for 3: 0.619 to 8.767
    assert!(
        (lo - 0.619).abs() < 0.001 && (hi - 8.767).abs() < 0.001,
        "{lo} {hi}"
    );
    let share = &m["anonymous_share_interval"];
    assert!(
        share["low"].as_f64().unwrap() < 0.6 && share["high"].as_f64().unwrap() > 0.999,
        "{share}"
    );
    // from 0 to 3 in a quarter is not a trend
    assert_eq!(
        m["changes"]["near_miss_reports"]["direction"],
        "no_clear_change"
    );
    assert!(
        m["changes"]["near_miss_reports"]["reading"]
            .as_str()
            .unwrap()
            .contains("0 then 3")
    );
    // a kind filter counts only that kind
    let q = m["period"]["quarter"].as_str().unwrap().to_string();
    let nm = metrics(&app, &leadership, &format!("quarter={q}&kind=incident")).await;
    assert_eq!(nm["reports"]["total"], 2);
    assert_eq!(nm["near_miss_reports"], 0);
}

/// A team of two people ("Two people") with one case of theirs, opened by
/// `responder` from a near-miss report; returns the team's id.
pub(crate) async fn small_team_case(app: &TestApp, admin: &str, responder: &str) -> i64 {
    let r = post(
        app,
        "/api/v1/teams",
        Some(admin),
        json!({"name": "Two people"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let team = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let rid = report(app, "near_miss", "A near miss in a small team", "").await;
    let id = case(
        app,
        responder,
        "Small team case",
        None,
        &chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        vec![rid],
        &[],
    )
    .await;
    let r = api(
        app,
        Method::PATCH,
        &format!("/api/v1/cases/{id}"),
        responder,
        Some(json!({"team_id": team})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    team
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_about_fewer_than_five_people_are_withheld() {
    let app = TestApp::spawn().await;
    let admin = app.token(&app.users[&Role::Admin]).await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let leadership = app.token(&app.users[&Role::Leadership]).await;
    let team = small_team_case(&app, &admin, &responder).await;
    let m = metrics(&app, &leadership, &format!("team={team}")).await;
    assert_eq!(m["filters"]["team"], team);
    assert_eq!(m["filters"]["team_name"], "Two people");
    assert_eq!(m["reports"]["total"], 1);
    for v in [
        &m["anonymous_share"],
        &m["anonymous_share_interval"],
        &m["reports"]["distinct_reporters"],
        &m["reports"]["per_100_people"],
        &m["reports"]["first_reports_credited"],
        &m["changes"]["anonymous_share"],
    ] {
        assert_eq!(*v, "withheld", "{m}");
    }
    // the whole organisation is large enough
    let all = metrics(&app, &leadership, "").await;
    assert_eq!(all["anonymous_share"], 1.0);
    // one reporter is still under five: distinct reporters stays withheld
    assert_eq!(all["reports"]["distinct_reporters"], "withheld");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_unusable_parameter_is_a_422_naming_it() {
    let app = TestApp::spawn().await;
    let leadership = app.token(&app.users[&Role::Leadership]).await;
    let long = "x".repeat(201);
    let cases = [
        ("from=2026-03-10&to=2026-03-01", "from"),
        ("from=10.03.2026&to=2026-03-31", "from"),
        ("from=2026-02-30&to=2026-03-31", "from"),
        ("from=2026-01-01&to=tomorrow", "to"),
        ("to=2026-03-01", "from"),
        ("quarter=2026-Q5", "quarter"),
        ("quarter=2026-Q1&from=2026-01-01", "quarter"),
        ("team=424242", "team"),
        ("team=payments", "team"),
        ("severity=catastrophic", "severity"),
        ("kind=rumour", "kind"),
        (&format!("system={long}"), "system"),
        ("system=a%07b", "system"),
        ("colour=red", "colour"),
        ("kind=incident&kind=concern", "kind"),
    ];
    for (q, field) in cases {
        let r = get(&app, &format!("/api/v1/metrics?{q}"), Some(&leadership)).await;
        let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, q).await;
        let named: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(named, [field], "{q}: {p}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metrics_are_read_by_those_who_learn_from_incidents_only() {
    let app = TestApp::spawn().await;
    for role in Role::ALL {
        let t = app.token(&app.users[&role]).await;
        let status = get(&app, "/api/v1/metrics", Some(&t)).await.status();
        let allowed = matches!(
            role,
            Role::Leadership | Role::SecurityLead | Role::Responder | Role::Facilitator
        );
        let want = if allowed {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, want, "{}", role.as_str());
    }
    assert_eq!(
        get(&app, "/api/v1/metrics", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // the document describes the operation and its parameters
    let doc: Value = get(&app, "/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let op = &doc["paths"]["/api/v1/metrics"]["get"];
    let params: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        params,
        [
            "from", "to", "quarter", "team", "severity", "kind", "system"
        ]
    );
    for status in ["200", "401", "403", "422"] {
        assert!(op["responses"].get(status).is_some(), "{status}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drills_are_marked_by_security_leads_and_audited() {
    let app = TestApp::spawn().await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let lead = app.token(&app.users[&Role::SecurityLead]).await;
    let id = case(
        &app,
        &responder,
        "Red team exercise",
        None,
        "2026-02-01T10:00:00Z",
        vec![],
        &[],
    )
    .await;
    // a responder changes the case, but not whether it counts
    let r = set_drill(&app, &responder, id, true).await;
    problem(r, StatusCode::FORBIDDEN, "responder marks a drill").await;
    let r = api(
        &app,
        Method::PATCH,
        &format!("/api/v1/cases/{id}"),
        &responder,
        Some(json!({"title": "Red team exercise, February"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["drill"], false);
    let r = api(
        &app,
        Method::PATCH,
        &format!("/api/v1/cases/{id}"),
        &lead,
        Some(json!({"drill": "yes"})),
    )
    .await;
    problem(r, StatusCode::UNPROCESSABLE_ENTITY, "drill not a boolean").await;
    let r = set_drill(&app, &lead, id, true).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["drill"], true);
    assert_eq!(app.audit_count("case.marked_drill").await, 1);
    // marking it again changes nothing and audits nothing
    set_drill(&app, &lead, id, true).await;
    assert_eq!(app.audit_count("case.marked_drill").await, 1);
    let m = metrics(&app, &lead, "from=2026-02-01&to=2026-02-28").await;
    assert_eq!(
        (m["cases"].as_i64(), m["drills_left_out"].as_i64()),
        (Some(0), Some(1))
    );

    // the page shows the badge to every case reader and the form to security leads only
    let leader = app.session_for(Role::Leadership).await;
    let page = app
        .get(&leader, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Drill or exercise"));
    assert!(!page.contains(&format!("action=\"/cases/{id}/drill\"")));
    let list = app.get(&leader, "/cases").await.text().await.unwrap();
    assert!(list.contains("tag drill"));
    let s = app.session_for(Role::SecurityLead).await;
    let page = app
        .get(&s, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("action=\"/cases/{id}/drill\"")));
    let r = app
        .post_form(&s, &format!("/cases/{id}/drill"), &[("drill", "maybe")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(&s, &format!("/cases/{id}/drill"), &[("drill", "false")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Counted as a real case again")
    );
    assert_eq!(app.audit_count("case.unmarked_drill").await, 1);
    let m = metrics(&app, &lead, "from=2026-02-01&to=2026-02-28").await;
    assert_eq!(
        (m["cases"].as_i64(), m["drills_left_out"].as_i64()),
        (Some(1), Some(0))
    );
    let r = app
        .post_form(
            &app.session_for(Role::Responder).await,
            &format!("/cases/{id}/drill"),
            &[("drill", "true")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn days_and_quarters_follow_the_organisations_time_zone() {
    let app = TestApp::spawn().await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let leadership = app.token(&app.users[&Role::Leadership]).await;
    // 22:30 UTC on 31 March is already 1 April in Berlin
    case(
        &app,
        &responder,
        "Late-night outage",
        Some("2026-03-31T22:30:00Z"),
        "2026-03-31T22:45:00Z",
        vec![],
        &[],
    )
    .await;
    let cases = |m: &Value| m["cases"].as_i64().unwrap();
    assert_eq!(
        cases(&metrics(&app, &leadership, "quarter=2026-Q1").await),
        1
    );
    assert_eq!(
        cases(&metrics(&app, &leadership, "quarter=2026-Q2").await),
        0
    );

    let admin = app.session_for(Role::Admin).await;
    let r = app
        .post_form(
            &admin,
            "/admin/settings/time-zone",
            &[("time_zone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("value=\"Mars/Olympus\""),
        "the typed zone is shown again"
    );
    assert!(page.contains("time_zone-error"));
    assert_eq!(app.audit_count("settings.time_zone_changed").await, 0);
    let r = app
        .post_form(
            &admin,
            "/admin/settings/time-zone",
            &[("time_zone", " Europe/Berlin ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("value=\"Europe/Berlin\""));
    assert_eq!(app.audit_count("settings.time_zone_changed").await, 1);
    // a leader cannot change it
    let s = app.session_for(Role::Leadership).await;
    let r = app
        .post_form(&s, "/admin/settings/time-zone", &[("time_zone", "UTC")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let q1 = metrics(&app, &leadership, "quarter=2026-Q1").await;
    let q2 = metrics(&app, &leadership, "quarter=2026-Q2").await;
    assert_eq!((cases(&q1), cases(&q2)), (0, 1));
    assert_eq!(q2["period"]["time_zone"], "Europe/Berlin");
    // Q2 starts at midnight in Berlin (summer time, UTC+2)
    assert_eq!(q2["period"]["starts_at"], "2026-03-31T22:00:00Z");
    // a day span is counted in the zone too
    let day = metrics(&app, &leadership, "from=2026-04-01&to=2026-04-01").await;
    assert_eq!(cases(&day), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_page_says_when_this_class_of_incident_happened_before() {
    let app = TestApp::spawn().await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let facilitator = app.token(&app.users[&Role::Facilitator]).await;
    let leadership = app.token(&app.users[&Role::Leadership]).await;
    let along = [("investigating", ""), ("resolved", ""), ("in_review", "")];
    let open = |title: &'static str, occurred: &'static str, systems: &'static str| {
        let app = &app;
        let responder = responder.clone();
        async move {
            let rid = report(app, "incident", title, systems).await;
            let id = case(
                app,
                &responder,
                title,
                Some(occurred),
                occurred,
                vec![rid],
                &[],
            )
            .await;
            for (to, _) in along {
                let r = post(
                    app,
                    &format!("/api/v1/cases/{id}/transitions"),
                    Some(&responder),
                    json!({"to": to}),
                )
                .await;
                assert_eq!(r.status(), StatusCode::OK, "{title} → {to}");
            }
            id
        }
    };
    let factor = |id: i64, category: &'static str, restricted: bool| {
        let app = &app;
        let facilitator = facilitator.clone();
        async move {
            let mut body = json!({"part": "factor", "category": category, "explanation": "The runbook did not cover it."});
            if restricted {
                body["restricted"] = json!(true);
            }
            let r = api(
                app,
                Method::PATCH,
                &format!("/api/v1/cases/{id}/review"),
                &facilitator,
                Some(body),
            )
            .await;
            assert_eq!(r.status(), StatusCode::OK, "factor on {id}");
        }
    };
    let earlier = open("VPN outage in January", "2026-01-05T08:00:00Z", "VPN, mail").await;
    let other_system = open("Mail outage", "2026-01-20T08:00:00Z", "mail").await;
    let too_old = open("VPN outage of 2024", "2024-06-01T08:00:00Z", "vpn").await;
    let restricted_only = open("VPN misuse", "2026-02-01T08:00:00Z", "vpn").await;
    let later = open("VPN outage in March", "2026-03-01T08:00:00Z", " vpn ").await;
    factor(earlier, "procedure", false).await;
    factor(other_system, "procedure", false).await;
    factor(too_old, "procedure", false).await;
    factor(restricted_only, "procedure", true).await;
    factor(later, "procedure", false).await;
    let due = crate::support::tomorrow();
    let r = post(
        &app,
        &format!("/api/v1/cases/{earlier}/action-items"),
        Some(&facilitator),
        json!({"title": "Add the VPN to the failover runbook", "owner_id": app.users[&Role::Responder].id, "due_date": due}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let s = app.session_for(Role::Leadership).await;
    let page = app
        .get(&s, &format!("/cases/{later}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("This class of incident happened before"),
        "{page}"
    );
    assert!(page.contains(&format!("href=\"/cases/{earlier}\"")));
    assert!(page.contains("VPN outage in January"));
    assert!(page.contains("1 action item: 1 open"));
    assert!(page.contains("Add the VPN to the failover runbook"));
    // another system, more than 365 days before, or only a restricted factor: not the same class
    for id in [other_system, too_old, restricted_only] {
        assert!(
            !page.contains(&format!("href=\"/cases/{id}\"")),
            "case {id} listed"
        );
    }
    // the earliest case has nothing before it
    let first = app
        .get(&s, &format!("/cases/{earlier}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(first.contains("No earlier case in the 365 days before this one"));
    // a case without a factor yet is not classified
    let fresh = case(
        &app,
        &responder,
        "Unclassified",
        None,
        "2026-03-02T08:00:00Z",
        vec![],
        &[],
    )
    .await;
    let page = app
        .get(&s, &format!("/cases/{fresh}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("this case does not have both yet"));

    // the same definition drives the repeat-incident rate: in March one
    // classified case, a repeat
    let m = metrics(&app, &leadership, "from=2026-03-01&to=2026-03-31").await;
    assert_eq!(m["repeat_incidents"]["classified"], 1, "{m}");
    assert_eq!(m["repeat_incidents"]["repeats"], 1);
    assert_eq!(m["repeat_incident_rate"], 1.0);
    assert_eq!(m["repeat_incidents"]["unclassified"], 1);
}
