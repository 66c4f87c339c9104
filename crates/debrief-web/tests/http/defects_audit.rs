//! The audit log stays readable under a flood of denied requests and can be
//! filtered; reads and writes that must be audited are; pages never claim a
//! capability that is not built (on the engine DEBRIEF_TEST_DB names).

use debrief_core::{Role, RoleSet};
use debrief_testkit::{Session, TestApp, client};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// (entries, sum of their `count=`) of `access.denied` entries by `actor`.
async fn denial_entries(app: &TestApp, actor: &str) -> (i64, i64) {
    let actor = actor.to_string();
    let details: Vec<String> = app
        .store
        .read(move |c| {
            c.query(
                "SELECT detail FROM audit_log WHERE action = 'access.denied' AND actor = $1",
                &debrief_store::params![actor],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect()
        })
        .await
        .unwrap();
    let sum = details
        .iter()
        .map(|d| {
            d.strip_prefix("count=")
                .and_then(|n| n.parse::<i64>().ok())
                .unwrap_or(1)
        })
        .sum();
    (details.len() as i64, sum)
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let r = client()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn today() -> String {
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

fn tomorrow() -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string()
}

fn problem_fields(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loop_of_denied_requests_writes_a_few_counted_entries_and_real_entries_stay_findable() {
    let app = TestApp::spawn_adjusted(|s| {
        s.denials = std::sync::Arc::new(debrief_web::audit_denials::Denials::new(
            Duration::from_secs(2),
        ))
    })
    .await;
    let admin = app.users[&Role::Admin].clone();
    let admin_token = app.token(&admin).await;
    let reporter = app.users[&Role::Reporter].clone();
    let reporter_token = app.token(&reporter).await;
    let target = app.add_user("leaver@example.org", RoleSet::default()).await;

    // a real entry, made before the flood
    let r = client()
        .put(app.url(&format!("/api/v1/users/{}/status", target.id)))
        .bearer_auth(&admin_token)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let c = client();
    for _ in 0..500 {
        let r = c
            .get(app.url("/api/v1/audit"))
            .bearer_auth(&reporter_token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    let actor = format!("user:{}", reporter.id);
    // the first denial is written at once; the rest when their window closes
    let (first_entries, _) = denial_entries(&app, &actor).await;
    assert!(
        (1..=10).contains(&first_entries),
        "500 denials wrote {first_entries} entries"
    );
    let mut seen = (0, 0);
    for _ in 0..40 {
        seen = denial_entries(&app, &actor).await;
        if seen.1 >= 500 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let (entries, counted) = seen;
    assert_eq!(counted, 500, "the entries must count every denial");
    assert!(entries <= 10, "500 denials wrote {entries} entries");

    // the API's filters find the real entry among everything else
    let q = format!(
        "/api/v1/audit?actor=user:{}&action=user.disabled&object=user:{}&from={}&to={}",
        admin.id,
        target.id,
        today(),
        today()
    );
    let (s, v) = get_json(&app, &admin_token, &q).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["items"][0]["action"], "user.disabled");
    assert_eq!(v["items"][0]["object"], format!("user:{}", target.id));
    let (_, v) = get_json(
        &app,
        &admin_token,
        &format!("/api/v1/audit?action=access.denied&actor={actor}&limit=1000"),
    )
    .await;
    assert_eq!(v["total"], entries, "{v}");
    let items = v["items"].as_array().unwrap();
    assert!(items.iter().all(|e| e["actor"] == actor.as_str()
        && e["action"] == "access.denied"
        && e["object"] == "GET /api/v1/audit"));
    // limit and offset still page the filtered list
    let (_, v) = get_json(
        &app,
        &admin_token,
        &format!("/api/v1/audit?action=access.denied&actor={actor}&limit=1&offset=0"),
    )
    .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["total"], entries);
    // a period that holds nothing
    let (_, v) = get_json(
        &app,
        &admin_token,
        &format!("/api/v1/audit?action=user.disabled&from={}", tomorrow()),
    )
    .await;
    assert_eq!(v["total"], 0, "{v}");
    assert_eq!(v["items"], json!([]));

    // bad filters are 422 naming the field
    for (q, field) in [
        ("from=31/12/2025", "from"),
        ("to=yesterday", "to"),
        ("actor=user:1%01", "actor"),
    ] {
        let (s, v) = get_json(&app, &admin_token, &format!("/api/v1/audit?{q}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
        assert!(problem_fields(&v).contains(&field.to_string()), "{q}: {v}");
    }
    let (s, v) = get_json(
        &app,
        &admin_token,
        &format!("/api/v1/audit?from={}&to={}", tomorrow(), today()),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_fields(&v).contains(&"to".to_string()), "{v}");

    // the filters are documented in the OpenAPI description
    let (_, spec) = get_json(&app, &admin_token, "/api/openapi.json").await;
    let params = spec["paths"]["/api/v1/audit"]["get"]["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
    for n in ["limit", "offset", "actor", "action", "object", "from", "to"] {
        assert!(names.contains(&n), "OpenAPI lacks {n}: {names:?}");
    }

    // the page: a GET form with labelled fields that keeps its values
    let lead = app.session_for(Role::SecurityLead).await;
    let r = app
        .get(
            &lead,
            &format!(
                "/admin/audit?action=user.disabled&object=user:{}",
                target.id
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"<form method="get" action="/admin/audit""#));
    for f in ["actor", "action", "object", "from", "to"] {
        assert!(page.contains(&format!(r#"<label for="f-{f}">"#)), "{f}");
        assert!(page.contains(&format!(r#"id="f-{f}" name="{f}""#)), "{f}");
    }
    assert!(page.contains(r#"value="user.disabled""#));
    assert!(page.contains(&format!(r#"value="user:{}""#, target.id)));
    assert!(page.contains("<td>user.disabled</td>"));
    assert!(!page.contains("<td>access.denied</td>"));
    assert!(page.contains("1 entry matching the filters"), "{page}");
    // the denial entries carry their count on the page
    let r = app
        .get(
            &lead,
            &format!("/admin/audit?action=access.denied&actor={actor}"),
        )
        .await;
    let page = r.text().await.unwrap();
    assert!(page.contains("<td>access.denied</td>"));
    assert!(page.contains("<td>count="));
    // a bad date on the page: 422, the message, the typed values kept
    let r = app
        .get(&lead, "/admin/audit?action=login&from=31.12.2025")
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"id="f-from-error""#));
    assert!(page.contains("YYYY-MM-DD"));
    assert!(page.contains(r#"value="login""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denials_counted_when_the_server_stops_are_written() {
    let mut app = TestApp::spawn().await;
    let reporter = app.users[&Role::Reporter].clone();
    let s = app.session(&reporter).await;
    for _ in 0..30 {
        assert_eq!(
            app.get(&s, "/admin/audit").await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let actor = format!("user:{}", reporter.id);
    assert_eq!(denial_entries(&app, &actor).await, (1, 1));
    let store = app.store.clone();
    app.stop_server();
    let mut seen = (0, 0);
    for _ in 0..40 {
        let a = actor.clone();
        let details: Vec<String> = store
            .read(move |c| {
                c.query(
                    "SELECT detail FROM audit_log WHERE action = 'access.denied' AND actor = $1",
                    &debrief_store::params![a],
                )?
                .iter()
                .map(|r| r.text(0))
                .collect()
            })
            .await
            .unwrap();
        let sum: i64 = details
            .iter()
            .filter_map(|d| d.strip_prefix("count=")?.parse::<i64>().ok())
            .sum();
        seen = (details.len() as i64, sum);
        if sum >= 30 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen, (2, 30));
}

/// A case that has reached "in review" (which opens its review).
async fn case_in_review(app: &TestApp, title: &str) -> i64 {
    app.case_in_review(title, vec![]).await
}

/// Audit entries with this action and object, as (actor, detail).
async fn entries(app: &TestApp, action: &str, object: &str) -> Vec<(String, String)> {
    let (action, object) = (action.to_string(), object.to_string());
    app.store
        .read(move |c| {
            c.query(
                "SELECT actor, detail FROM audit_log WHERE action = $1 AND object = $2 ORDER BY seq",
                &debrief_store::params![action, object],
            )?
            .iter()
            .map(|r| Ok((r.text(0)?, r.text(1)?)))
            .collect()
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_read_of_interview_notes_is_audited_without_their_content() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Token in a public log").await;
    let fac = app.users[&Role::Facilitator].clone();
    let f: Session = app.session(&fac).await;
    let object = format!("case:{id}");
    let actor = format!("user:{}", fac.id);

    // no notes yet: nothing is read
    assert_eq!(
        app.get(&f, &format!("/cases/{id}/review")).await.status(),
        StatusCode::OK
    );
    assert!(
        entries(&app, "interview_notes.read", &object)
            .await
            .is_empty()
    );

    let r = app
        .post_form(
            &f,
            &format!("/cases/{id}/interviews"),
            &[
                ("participant", "On-call engineer"),
                ("notes", "SECRET NOTE WORDS"),
            ],
        )
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    let before = entries(&app, "interview_notes.read", &object).await.len();

    // the page shows them: one entry per view
    for n in 1..=2 {
        let page = app
            .get(&f, &format!("/cases/{id}/review"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("SECRET NOTE WORDS"));
        let e = entries(&app, "interview_notes.read", &object).await;
        assert_eq!(e.len(), before + n);
        assert_eq!(e.last().unwrap().0, actor);
        assert!(!e.last().unwrap().1.contains("SECRET"));
    }

    // the API returns them: one entry
    let token = app.token(&fac).await;
    let (s, v) = get_json(&app, &token, &format!("/api/v1/cases/{id}/review")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["interviews"][0]["notes"], "SECRET NOTE WORDS");
    let e = entries(&app, "interview_notes.read", &object).await;
    assert_eq!(e.len(), before + 3);
    assert_eq!(e.last().unwrap().0, actor);

    // a security lead reads the review without the notes: nothing to audit
    let lead = app.users[&Role::SecurityLead].clone();
    let lt = app.token(&lead).await;
    let (_, v) = get_json(&app, &lt, &format!("/api/v1/cases/{id}/review")).await;
    assert!(v.get("interviews").is_none());
    let ls = app.session(&lead).await;
    let page = app
        .get(&ls, &format!("/cases/{id}/review"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("SECRET NOTE WORDS"));
    assert_eq!(
        entries(&app, "interview_notes.read", &object).await.len(),
        before + 3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_timeline_addition_is_audited_without_its_text() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Phishing wave").await;
    let object = format!("case:{id}");
    let resp = app.users[&Role::Responder].clone();
    let s = app.session(&resp).await;
    let r = app
        .post_form(
            &s,
            &format!("/cases/{id}/timeline"),
            &[("kind", "fact"), ("body", "PAGE TIMELINE TEXT"), ("at", "")],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let e = entries(&app, "case.timeline_added", &object).await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].0, format!("user:{}", resp.id));
    assert!(!e[0].1.contains("PAGE TIMELINE TEXT"));

    let token = app.token(&resp).await;
    let r = client()
        .post(app.url(&format!("/api/v1/cases/{id}/timeline")))
        .bearer_auth(&token)
        .json(&json!({"kind": "decision", "body": "API TIMELINE TEXT"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let e = entries(&app, "case.timeline_added", &object).await;
    assert_eq!(e.len(), 2);
    assert!(!e[1].1.contains("API TIMELINE TEXT"));
    assert!(e[1].1.contains("decision"));

    // a refused addition writes nothing
    let r = app
        .post_form(
            &s,
            &format!("/cases/{id}/timeline"),
            &[("kind", "rumour"), ("body", "x"), ("at", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(entries(&app, "case.timeline_added", &object).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_of_the_conduct_page_is_audited() {
    let app = TestApp::spawn().await;
    let cr = app.users[&Role::ConductReviewer].clone();
    let s = app.session(&cr).await;
    for n in 1..=3 {
        let r = app.get(&s, "/conduct").await;
        assert_eq!(r.status(), StatusCode::OK);
        let page = r.text().await.unwrap();
        assert!(page.contains("recorded in the audit log"));
        let e = entries(&app, "conduct.viewed", "conduct").await;
        assert_eq!(e.len(), n);
        assert_eq!(e[n - 1].0, format!("user:{}", cr.id));
    }
    // a denied caller is not a view
    let other = app.session_for(Role::Responder).await;
    assert_eq!(
        app.get(&other, "/conduct").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(entries(&app, "conduct.viewed", "conduct").await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_do_not_claim_capabilities_that_are_not_built() {
    let app = TestApp::spawn().await;
    let everyone = app
        .add_user("all-roles@example.org", RoleSet::from_roles(Role::ALL))
        .await;
    let s = app.session(&everyone).await;
    for path in ["/programme", "/conduct"] {
        let r = app.get(&s, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let page = r.text().await.unwrap();
        assert!(page.contains("not built yet"), "{path}: {page}");
        for claim in [
            "not enough data",
            "Figures appear once",
            "There are no conduct referrals",
            "Nothing has been recorded for the programme yet",
        ] {
            assert!(!page.contains(claim), "{path} says {claim:?}");
        }
    }
    // no navigation to them, on any page
    for path in ["/", "/cases", "/report"] {
        let page = app.get(&s, path).await.text().await.unwrap();
        for href in ["/programme", "/conduct"] {
            assert!(
                !page.contains(&format!("href=\"{href}\"")),
                "{path} links to {href}"
            );
        }
    }
    // the report form promises no paging, signed in or not
    for sess in [s.clone(), app.anonymous()] {
        let page = app.get(&sess, "/report").await.text().await.unwrap();
        let lower = page.to_lowercase();
        for claim in ["on-call", "page the", "paging", "red button"] {
            assert!(!lower.contains(claim), "the report form says {claim:?}");
        }
        assert!(lower.contains("triage queue"));
    }
    // the README's first paragraph says what is planned as planned
    let readme = include_str!("../../../../README.md");
    let first = readme
        .split("\n\n")
        .find(|p| p.starts_with("Debrief is"))
        .unwrap()
        .replace('\n', " ");
    for sentence in first.split(". ") {
        let l = sentence.to_lowercase();
        if l.contains("red button") || l.contains("pages the") {
            assert!(l.starts_with("planned"), "the README claims {sentence:?}");
        }
    }
}
