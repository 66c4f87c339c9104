//! The dashboard pages over HTTP: the leadership and analyst pages show the
//! figures `GET /api/v1/metrics` gives for a small data set built through the
//! API, small numbers as points, no data as n = 0, withheld figures as
//! withheld; bad input re-shows the form with what was typed and the error
//! under the field it names; every table downloads as CSV; access.

use crate::metrics::{case, report, small_team_case};
use crate::support::{get, text};
use debrief_core::Role;
use debrief_testkit::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

const JANUARY: &str = "from=2026-01-01&to=2026-01-31";

async fn page(app: &TestApp, role: Role, path: &str) -> (StatusCode, String) {
    let s = app.session_for(role).await;
    text(app.get(&s, path).await).await
}

async fn metrics(app: &TestApp, token: &str, query: &str) -> Value {
    let r = get(app, &format!("/api/v1/metrics?{query}"), Some(token)).await;
    assert_eq!(r.status(), StatusCode::OK, "{query}");
    r.json().await.unwrap()
}

/// Three January cases: A resolved in 2 h, B in 4 h, C still investigating.
async fn january(app: &TestApp, token: &str) -> [i64; 3] {
    let a = case(
        app,
        token,
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
    let b = case(
        app,
        token,
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
    let c = case(
        app,
        token,
        "Odd DNS answers",
        None,
        "2026-01-20T12:00:00Z",
        vec![],
        &[("investigating", "2026-01-20T13:00:00Z")],
    )
    .await;
    [a, b, c]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_show_the_figures_of_the_api() {
    let app = TestApp::spawn().await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let leadership = app.token(&app.users[&Role::Leadership]).await;
    let [a, b, c] = january(&app, &responder).await;
    let m = metrics(&app, &leadership, JANUARY).await;
    assert_eq!(
        (m["mttr"]["count"].as_u64(), m["mttr"]["open"].as_u64()),
        (Some(2), Some(1))
    );

    // leadership: the durations are few, so each case is shown, not a median
    let (status, html) = page(&app, Role::Leadership, &format!("/dashboards?{JANUARY}")).await;
    assert_eq!(status, StatusCode::OK);
    let coverage = m["mttr"]["coverage"].as_str().unwrap();
    assert_eq!(coverage, "from 2 of 3 cases; 1 still open");
    assert!(
        html.contains(&format!("Time to resolve {coverage}")),
        "{html}"
    );
    assert!(html.contains("3 cases: each shown below"));
    assert!(html.contains(
        "<strong>2026-01-01 to 2026-01-31</strong>, compared with 2025-12-01 to 2025-12-31"
    ));
    // the strip plot places each case, open ones apart, and its table says the same
    for (id, ms) in [(a, 7_200_000), (b, 14_400_000)] {
        assert!(
            html.contains(&format!(
                "class=\"mark ended\" data-ms=\"{ms}\" data-case=\"{id}\""
            )),
            "case {id}"
        );
    }
    assert!(html.contains("class=\"mark open\" data-ms=\""));
    assert!(html.contains(&format!("data-case=\"{c}\"")));
    assert!(html.contains(&format!(
        "<th scope=\"row\">Case {a}</th><td>2 h</td><td>7200</td><td>ended</td>"
    )));
    // no period before to compare with: no made-up change
    assert!(
        html.contains(
            "No change can be read: 2025-12-01 to 2025-12-31 has none to compare (n = 0)."
        )
    );
    // time to report has no case with both times: an honest n = 0
    assert_eq!(m["time_to_report"]["count"], 0);
    assert!(html.contains("No data for this period (n = 0)"));
    assert!(!html.contains("NaN"));
    // action items: none, so no percentage
    assert_eq!(m["action_items"]["total"], 0);
    assert!(html.contains("Action-item completion</h2>\n  <p class=\"value\">no data (n = 0)</p>"));

    // the analyst page: every duration, with the API's counts
    let (status, html) = page(
        &app,
        Role::Leadership,
        &format!("/dashboards/analyst?{JANUARY}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for key in [
        "time_to_report",
        "mttd",
        "mtta",
        "mttc",
        "mttr",
        "review_lag",
    ] {
        assert!(html.contains(&format!("id=\"chart-{key}\"")), "{key}");
        assert!(html.contains(&format!("id=\"table-{key}\"")), "{key}");
        let at = html.find("analyst.csv?table=").unwrap_or(0);
        assert!(
            html.contains(&format!(
                "/dashboards/analyst.csv?table={key}&amp;from=2026-01-01&#38;to=2026-01-31"
            )),
            "{}",
            &html[at..at + 120]
        );
    }
    let row = format!(
        "<th scope=\"row\">Time to resolve</th><td>detected → resolved</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        m["mttr"]["count"], m["mttr"]["open"], m["mttr"]["missing"], m["mttr"]["inconsistent"]
    );
    assert!(html.contains(&row), "{html}");
    // MTTD: C has no occurred time
    assert_eq!(m["mttd"]["missing"], 1);
    assert!(html.contains("<th scope=\"row\">Time to detect</th><td>occurred → detected</td><td>2</td><td>0</td><td>1</td>"));
    assert!(html.contains(&format!(
        "<th scope=\"row\">Cases in the period</th><td>{}</td>",
        m["cases"]
    )));

    // reports, this quarter: near-miss count, its reading, as the API has them
    for i in 0..3 {
        report(&app, "near_miss", &format!("Near miss {i}"), "").await;
    }
    report(&app, "incident", "An incident", "").await;
    let now = metrics(&app, &leadership, "").await;
    let (_, html) = page(&app, Role::Leadership, "/dashboards").await;
    assert!(html.contains(&format!(
        "<p class=\"value\">{}</p>",
        now["near_miss_reports"]
    )));
    assert!(html.contains("n = 3 near-miss reports of 4 reports received"));
    let reading = now["changes"]["near_miss_reports"]["reading"]
        .as_str()
        .unwrap();
    assert!(html.contains(reading), "{reading}");
    assert!(html.contains("id=\"chart-trend_near_miss\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_table_downloads_as_csv() {
    let app = TestApp::spawn().await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let [a, b, c] = january(&app, &responder).await;
    let s = app.session_for(Role::Leadership).await;
    let r = app
        .get(&s, &format!("/dashboards/analyst.csv?table=mttr&{JANUARY}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"debrief-mttr-2026-01-01-to-2026-01-31.csv\""
    );
    let body = r.text().await.unwrap();
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert_eq!(lines[0], "Case,Duration,Seconds,State");
    assert_eq!(lines[1], format!("Case {a},2 h,7200,ended"));
    assert_eq!(lines[2], format!("Case {b},4 h,14400,ended"));
    assert!(lines[3].starts_with(&format!("Case {c},at least ")));
    assert!(lines[3].ends_with(",still open"));
    // every table the page links to downloads, with its headings first
    let (_, html) = page(
        &app,
        Role::Leadership,
        &format!("/dashboards/analyst?{JANUARY}"),
    )
    .await;
    let names: Vec<&str> = html
        .split("/dashboards/analyst.csv?table=")
        .skip(1)
        .map(|s| s.split('&').next().unwrap())
        .collect();
    for want in [
        "durations",
        "reports",
        "repeats",
        "action_items",
        "cases",
        "trend_near_miss",
        "trend_completion",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    for name in names {
        let r = app
            .get(
                &s,
                &format!("/dashboards/analyst.csv?table={name}&{JANUARY}"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{name}");
        let body = r.text().await.unwrap();
        assert!(
            body.ends_with("\r\n") && !body.starts_with("\r\n"),
            "{name}: {body}"
        );
    }
    let durations = app
        .get(
            &s,
            &format!("/dashboards/analyst.csv?table=durations&{JANUARY}"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(durations.starts_with("Measure,Between,Ended,Still open,Without the times,End before start,Median,90th percentile,Change\r\n"));
    assert!(durations.contains(
        "\r\nTime to resolve,detected → resolved,2,1,0,0,fewer than 20 cases: read the points,"
    ));
    // a system filter that looks like a formula is only a filter
    let r = app
        .get(
            &s,
            "/dashboards/analyst.csv?table=cases&system=%3DHYPERLINK(1)",
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_reshows_the_form_with_the_error_under_its_field() {
    let app = TestApp::spawn().await;
    for (query, field, message, kept) in [
        (
            "from=2026-02-30&to=2026-03-31",
            "from",
            "not a day of the calendar",
            "value=\"2026-02-30\"",
        ),
        (
            "from=2026-03-10&to=2026-03-01",
            "from",
            "comes after the last day",
            "value=\"2026-03-10\"",
        ),
        (
            "team=999",
            "team",
            "No team has the id 999",
            "<option value=\"999\" selected>999</option>",
        ),
        (
            "severity=urgent",
            "severity",
            "",
            "<option value=\"urgent\" selected>urgent</option>",
        ),
        (
            "kind=rumour",
            "kind",
            "",
            "<option value=\"rumour\" selected>rumour</option>",
        ),
        (
            "quarter=2026-Q9",
            "quarter",
            "YYYY-Qn",
            "<option value=\"2026-Q9\" selected>2026-Q9</option>",
        ),
    ] {
        for path in [
            "/dashboards/analyst",
            "/dashboards/analyst.csv",
            "/dashboards",
        ] {
            if path == "/dashboards" && field != "quarter" && field != "team" {
                continue;
            }
            let q = if path.ends_with(".csv") {
                format!("table=durations&{query}")
            } else {
                query.to_string()
            };
            let (status, html) = page(&app, Role::Leadership, &format!("{path}?{q}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}?{q}");
            assert!(html.contains("role=\"alert\""), "{path}?{q}");
            assert!(
                html.contains(&format!("<code>{field}</code>: ")),
                "{path}?{q}"
            );
            assert!(html.contains(message), "{path}?{q}: {message}");
            if path != "/dashboards" || field == "quarter" {
                assert!(
                    html.contains(&format!("id=\"{field}-error\"")),
                    "{path}?{q}"
                );
                assert!(
                    html.contains(&format!("aria-describedby=\"{field}-error\"")),
                    "{path}?{q}"
                );
                assert!(html.contains(kept), "{path}?{q}: {kept}");
            }
            assert!(
                !html.contains("svg class=\"chart\""),
                "no figures for a refusal"
            );
        }
    }
    // an unknown parameter is named, and so is a missing or unknown table
    for (path, name) in [
        ("/dashboards/analyst?foo=1", "foo"),
        ("/dashboards/analyst.csv?from=2026-01-01", "table"),
        ("/dashboards/analyst.csv?table=salaries", "table"),
        ("/dashboards/analyst.csv?table=cases&table=reports", "table"),
    ] {
        let (status, html) = page(&app, Role::Leadership, path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(html.contains(&format!("<code>{name}</code>: ")), "{path}");
    }
    let (_, html) = page(
        &app,
        Role::Leadership,
        "/dashboards/analyst.csv?table=salaries",
    )
    .await;
    assert!(html.contains("The tables are durations, time_to_report"));
    // what was typed is text, never markup
    let (status, html) = page(
        &app,
        Role::Leadership,
        "/dashboards/analyst?system=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("system “&#60;script&#62;alert(1)&#60;/script&#62;”"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withheld_figures_stay_withheld_on_the_page_and_in_csv() {
    let app = TestApp::spawn().await;
    let admin = app.token(&app.users[&Role::Admin]).await;
    let responder = app.token(&app.users[&Role::Responder]).await;
    let leadership = app.token(&app.users[&Role::Leadership]).await;
    let team = small_team_case(&app, &admin, &responder).await;
    let m = metrics(&app, &leadership, &format!("team={team}")).await;
    assert_eq!(m["anonymous_share"], "withheld");
    let (status, html) = page(
        &app,
        Role::Leadership,
        &format!("/dashboards/analyst?team={team}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("team Two people"));
    assert!(
        html.contains("<th scope=\"row\">Anonymous share</th><td class=\"withheld\">withheld</td>")
    );
    // the count of anonymous reports would give the share away
    assert!(
        html.contains(
            "<th scope=\"row\">Anonymous reports</th><td class=\"withheld\">withheld</td>"
        )
    );
    assert!(html.contains("Not shown: Anonymous share, Distinct reporters, Reports per 100 people, First reports credited — withheld: it would describe fewer than 5 people"));
    let s = app.session_for(Role::Leadership).await;
    let csv = app
        .get(
            &s,
            &format!("/dashboards/analyst.csv?table=reports&team={team}"),
        )
        .await
        .text()
        .await
        .unwrap();
    for figure in [
        "Anonymous share",
        "Anonymous reports",
        "Distinct reporters (named reports)",
        "Reports per 100 people",
        "First reports credited to their reporter",
    ] {
        assert!(
            csv.contains(&format!("\r\n{figure},withheld\r\n")),
            "{figure}: {csv}"
        );
    }
    // the whole organisation is large enough for the share
    let (_, html) = page(&app, Role::Leadership, "/dashboards/analyst").await;
    assert!(html.contains("<th scope=\"row\">Anonymous share</th><td>100% (1 of 1;"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboards_are_for_those_who_learn_from_incidents() {
    let app = TestApp::spawn().await;
    for path in [
        "/dashboards",
        "/dashboards/analyst",
        "/dashboards/analyst.csv?table=cases",
    ] {
        for role in [
            Role::Leadership,
            Role::SecurityLead,
            Role::Responder,
            Role::Facilitator,
        ] {
            let (status, _) = page(&app, role, path).await;
            assert_eq!(status, StatusCode::OK, "{path} as {role:?}");
        }
        for role in [
            Role::Reporter,
            Role::Champion,
            Role::ConductReviewer,
            Role::Admin,
        ] {
            let (status, _) = page(&app, role, path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path} as {role:?}");
        }
        let r = app.get(&app.anonymous(), path).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path} anonymously");
    }
    // the navigation leads there for readers only
    let (_, html) = page(&app, Role::Leadership, "/").await;
    assert!(html.contains("href=\"/dashboards\""));
    let (_, html) = page(&app, Role::Reporter, "/").await;
    assert!(!html.contains("href=\"/dashboards\""));
}
