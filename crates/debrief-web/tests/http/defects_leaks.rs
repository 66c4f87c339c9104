//! What must not leak from a review, who may widen access to an action item,
//! what reporters are told about their report, and how durations read: through
//! the pages, exports and JSON API of a real server (on the engine
//! DEBRIEF_TEST_DB names).

use debrief_core::case::Status;
use debrief_core::review::ReviewState;
use debrief_core::{Role, RoleSet};
use debrief_store::now_ms;
use debrief_testkit::{Session, TestApp, api};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A case that has reached "in review" (which opens its review).
async fn case_in_review(app: &TestApp, title: &str, report_ids: Vec<i64>) -> i64 {
    app.case_in_review(title, report_ids).await
}

async fn publish(app: &TestApp, id: i64) {
    let f = app.users[&Role::Facilitator].id;
    for to in [ReviewState::InReview, ReviewState::Published] {
        app.store
            .set_review_state(id, to, 0, false, f, now_ms())
            .await
            .unwrap();
    }
}

fn day_in(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

async fn text(r: reqwest::Response) -> (StatusCode, String) {
    let s = r.status();
    (s, r.text().await.unwrap())
}

/// The text of a PDF, with runs of white space made single spaces.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!(
        "debrief-leaks-{}",
        debrief_core::secret::random_hex(6)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("export.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed; scripts/test installs it");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every export of a case's review at `base` (`/cases/{id}/review` or
/// `/library/{id}`), as text: (what, status, text).
async fn exports(app: &TestApp, s: &Session, base: &str) -> Vec<(String, StatusCode, String)> {
    let mut out = Vec::new();
    for doc in ["summary", "review"] {
        for format in ["md", "html", "pdf"] {
            let path = format!("{base}/export?doc={doc}&format={format}");
            let r = app.get(s, &path).await;
            let code = r.status();
            let bytes = r.bytes().await.unwrap();
            let body = if format == "pdf" && code == StatusCode::OK {
                assert!(bytes.starts_with(b"%PDF-"), "{path}");
                pdf_text(&bytes)
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            out.push((path, code, body));
        }
    }
    out
}

const FACTOR_MARKER: &str = "Zebraquux";

/// Nothing a non-writer can reach names the restricted factor: the item's
/// owner (an employee), leadership, a responder, a champion; every page, API
/// answer and export, HTML, Markdown and PDF.
async fn check_everywhere(app: &TestApp, id: i64, item: i64, other: i64, stage: &str) {
    let mut readers: Vec<(&str, Session, String)> = Vec::new();
    for (name, role) in [
        ("owner", Role::Reporter),
        ("leadership", Role::Leadership),
        ("responder", Role::Responder),
        ("champion", Role::Champion),
    ] {
        let u = app.users[&role].clone();
        readers.push((name, app.session(&u).await, app.token(&u).await));
    }
    for (who, s, token) in &readers {
        let mut pages = vec![
            "/".to_string(),
            "/library".to_string(),
            format!("/library/{id}"),
            format!("/cases/{id}"),
            format!("/cases/{id}/review"),
            "/action-items".to_string(),
            "/action-items/all".to_string(),
            format!("/action-items/{item}"),
            format!("/action-items/{other}"),
            "/my-reports".to_string(),
            format!("/library?q={}", FACTOR_MARKER.to_lowercase()),
        ];
        pages.sort();
        for path in &pages {
            let (_, body) = text(app.get(s, path).await).await;
            assert!(
                !body.contains(FACTOR_MARKER),
                "{stage}: {who} reads the restricted factor on {path}"
            );
        }
        for path in [
            "/api/v1/action-items".to_string(),
            "/api/v1/action-items?mine=true".to_string(),
            format!("/api/v1/cases/{id}/action-items"),
            format!("/api/v1/cases/{id}/review"),
            format!("/api/v1/cases/{id}"),
        ] {
            let (_, body) =
                text(api(app, reqwest::Method::GET, &path, Some(token), None).await).await;
            assert!(
                !body.contains(FACTOR_MARKER),
                "{stage}: {who} reads the restricted factor in {path}"
            );
        }
        let mut all = exports(app, s, &format!("/library/{id}")).await;
        all.extend(exports(app, s, &format!("/cases/{id}/review")).await);
        for (path, _, body) in all {
            assert!(
                !body.contains(FACTOR_MARKER),
                "{stage}: {who} reads the restricted factor in {path}"
            );
        }
    }
    // the owner does reach their item, and its page says a factor is behind it
    let (code, page) = text(
        app.get(&readers[0].1, &format!("/action-items/{item}"))
            .await,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(page.contains("A restricted contributing factor"), "{stage}");
    let (code, page) = text(
        app.get(&readers[0].1, &format!("/action-items/{other}"))
            .await,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        page.contains("No checklist for new buckets"),
        "{stage}: open factors still show"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restricted_factor_never_leaves_the_review_workspace_through_its_action_items() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Supplier contract terms exposed", vec![]).await;
    let f = app.session_for(Role::Facilitator).await;
    let p = |part: &str| format!("/cases/{id}/review/{part}");
    let explanation =
        format!("{FACTOR_MARKER} clause of the supplier contract set the response time");
    for (category, explanation, restricted) in [
        ("procedure", "No checklist for new buckets", false),
        ("external", explanation.as_str(), true),
    ] {
        let mut fields = vec![("category", category), ("explanation", explanation)];
        if restricted {
            fields.push(("restricted", "on"));
        }
        assert_eq!(
            app.post_form(&f, &p("factor"), &fields).await.status(),
            StatusCode::SEE_OTHER
        );
    }
    let factors = app.store.review(id, false).await.unwrap().unwrap().factors;
    let restricted = factors.iter().find(|x| x.restricted).unwrap().id;
    let open = factors.iter().find(|x| !x.restricted).unwrap().id;

    // the item's owner is an employee with no other role
    let owner = app.users[&Role::Reporter].clone();
    let due = day_in(7);
    for (title, factor) in [
        ("Renegotiate the response clause", restricted),
        ("Add buckets to the change checklist", open),
    ] {
        let r = app
            .post_form(
                &f,
                &format!("/cases/{id}/action-items"),
                &[
                    ("title", title),
                    ("owner_id", &owner.id.to_string()),
                    ("due_day", &due),
                    ("priority", "high"),
                    ("factor_id", &factor.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{title}");
    }
    let (items, _) = app
        .store
        .list_action_items(
            debrief_store::action_items::ItemFilter {
                case_id: Some(id),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
    let item = items
        .iter()
        .find(|a| a.factor_id == Some(restricted))
        .unwrap()
        .id;
    let other = items.iter().find(|a| a.factor_id == Some(open)).unwrap().id;
    // the owner is asked to confirm the fix of the other one, so it lists as a check too
    app.store
        .update_action_item(
            other,
            debrief_store::action_items::ItemChanges {
                status: Some(debrief_core::review::ActionStatus::Done),
                note: Some("Checklist updated".into()),
                check_day: Some(day_in(30)),
                ..Default::default()
            },
            items.iter().find(|a| a.id == other).unwrap().version,
            owner.id,
            now_ms(),
        )
        .await
        .unwrap();

    // those who write the review still see it in the workspace
    let (_, page) = text(app.get(&f, &format!("/cases/{id}/review")).await).await;
    assert!(
        page.contains(FACTOR_MARKER),
        "the facilitator's workspace shows it"
    );

    check_everywhere(&app, id, item, other, "draft").await;
    publish(&app, id).await;
    // the exports a case reader gets work, and the library ones exist now
    let leader = app.session_for(Role::Leadership).await;
    for (path, code, body) in exports(&app, &leader, &format!("/library/{id}")).await {
        assert_eq!(code, StatusCode::OK, "{path}");
        assert!(body.contains("Renegotiate the response clause"), "{path}");
    }
    check_everywhere(&app, id, item, other, "published").await;

    // and the workspace still shows it, marked, to those who write the review
    let (_, page) = text(app.get(&f, &format!("/cases/{id}/review")).await).await;
    assert!(page.contains(FACTOR_MARKER));
    let lead = app.session_for(Role::SecurityLead).await;
    let (_, page) = text(app.get(&lead, &format!("/cases/{id}/review")).await).await;
    assert!(page.contains(FACTOR_MARKER));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_case_managers_choose_who_confirms_a_fix() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Backup bucket shared publicly", vec![]).await;
    let owner = app.users[&Role::Reporter].clone();
    let stranger = app
        .add_user(
            "stranger@example.org",
            RoleSet::from_roles([Role::Reporter]),
        )
        .await;
    let ft = app.token(&app.users[&Role::Facilitator].clone()).await;
    let mut ids = Vec::new();
    for title in ["Block public buckets", "Add storage to the checklist"] {
        let r = api(
            &app,
            reqwest::Method::POST,
            &format!("/api/v1/cases/{id}/action-items"),
            Some(&ft),
            Some(json!({"title": title, "owner_id": owner.id, "due_date": day_in(3)})),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let (a, b) = (ids[0], ids[1]);
    let stranger_s = app.session(&stranger).await;
    assert_eq!(
        app.get(&stranger_s, &format!("/action-items/{a}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // the owner may not hand the item to someone else through the checker, on the page…
    let os = app.session(&owner).await;
    let before = app.store.action_item(a).await.unwrap().unwrap();
    let r = app
        .post_form(
            &os,
            &format!("/action-items/{a}"),
            &[
                ("version", &before.version.to_string()),
                ("status", "done"),
                ("note", "Public buckets are blocked by policy"),
                ("check_day", &day_in(30)),
                ("check_owner_id", &stranger.id.to_string()),
            ],
        )
        .await;
    let (code, page) = text(r).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    assert!(
        page.contains("Only facilitators, responders and security leads can choose someone else")
    );
    assert!(
        page.contains("Public buckets are blocked by policy"),
        "what the owner typed is kept"
    );
    // …or through the API
    let ot = app.token(&owner).await;
    let r = api(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/action-items/{a}"),
        Some(&ot),
        Some(json!({"version": before.version, "status": "done", "note": "Blocked", "check_date": day_in(30), "check_owner_id": stranger.id})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let after = app.store.action_item(a).await.unwrap().unwrap();
    assert_eq!(after.version, before.version, "nothing changed");
    assert_eq!(after.status, before.status);
    assert_eq!(after.check_owner_id, None);
    assert_eq!(
        app.get(&stranger_s, &format!("/action-items/{a}"))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "the stranger still cannot see it"
    );
    // the owner's page does not offer the choice
    let (_, page) = text(app.get(&os, &format!("/action-items/{a}")).await).await;
    assert!(!page.contains("name=\"check_owner_id\""));

    // the owner closes it and confirms the fix themselves (the default, or by naming themselves)
    let r = api(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/action-items/{a}"),
        Some(&ot),
        Some(json!({"version": before.version, "status": "done", "note": "Blocked", "check_date": day_in(30), "check_owner_id": owner.id})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["check_owner_id"], owner.id);

    // a facilitator may name anyone, who then sees the item
    let vb = app.store.action_item(b).await.unwrap().unwrap().version;
    let r = api(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/action-items/{b}"),
        Some(&ft),
        Some(json!({"version": vb, "status": "done", "note": "Checklist has storage", "check_date": day_in(30), "check_owner_id": stranger.id})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(&stranger_s, &format!("/action-items/{b}"))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_leaves_the_responders_timeline_out_of_its_page_and_its_exports() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Badge reader outage", vec![]).await;
    let responder = app.users[&Role::Responder].id;
    app.store
        .add_timeline(
            id,
            now_ms() - 3_600_000,
            "decision",
            "Glimmerwick decided to keep the side door open".into(),
            responder,
            now_ms(),
        )
        .await
        .unwrap();
    publish(&app, id).await;
    let reader = app.session_for(Role::Reporter).await;
    let (code, page) = text(app.get(&reader, &format!("/library/{id}")).await).await;
    assert_eq!(code, StatusCode::OK);
    assert!(!page.contains("Glimmerwick"));
    for (path, code, body) in exports(&app, &reader, &format!("/library/{id}")).await {
        assert_eq!(code, StatusCode::OK, "{path}");
        assert!(!body.contains("Glimmerwick"), "{path}");
        assert!(
            !body.contains("No timeline entries"),
            "{path}: no false empty section"
        );
    }
    // the same rule for the page: the case's milestones, as in the exports
    assert!(
        page.contains("<dt>Resolved</dt>"),
        "the case's milestones are part of the library version"
    );
    // case readers keep the timeline in the case's own export
    let leader = app.session_for(Role::Leadership).await;
    let (code, md) = text(
        app.get(
            &leader,
            &format!("/cases/{id}/review/export?doc=review&format=md"),
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(md.contains("Glimmerwick"));
}

const LESSON: &str = "Handled. What we learned from it has been published in the learning library.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporters_read_what_became_of_their_report_in_plain_words_with_the_lesson() {
    let app = TestApp::spawn().await;
    let reporter = app.users[&Role::Reporter].clone();
    let token = app.token(&reporter).await;
    let report = |mode: &str| json!({"kind": "incident", "title": "Tailgating at the side door", "description": "Someone followed me in without a badge.", "confidentiality": mode});
    let named: Value = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/reports",
        Some(&token),
        Some(report("named")),
    )
    .await
    .json()
    .await
    .unwrap();
    let anon: Value = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/reports",
        None,
        Some(report("anonymous")),
    )
    .await
    .json()
    .await
    .unwrap();
    let receipt = anon["receipt"].as_str().unwrap().to_string();
    let id = case_in_review(
        &app,
        "Tailgating at the side door",
        vec![named["id"].as_i64().unwrap(), anon["id"].as_i64().unwrap()],
    )
    .await;
    let s = app.session(&reporter).await;
    let anonymous = app.anonymous();
    let receipt_page = || async {
        text(
            app.post_form(&anonymous, "/receipt", &[("code", &receipt)])
                .await,
        )
        .await
    };
    let api_status = || async {
        let v: Value = api(
            &app,
            reqwest::Method::GET,
            &format!("/api/v1/receipts/{receipt}"),
            None,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
        v
    };

    // in review: no internal words, no "working on it"
    let (_, mine) = text(app.get(&s, "/my-reports").await).await;
    let (code, rec) = receipt_page().await;
    assert_eq!(code, StatusCode::OK);
    let v = api_status().await;
    let words = "Resolved. The team is now looking, without blame, at what made it possible; what we learn will be published.";
    assert!(mine.contains(words), "{mine}");
    assert!(rec.contains(words));
    assert_eq!(v["status_text"], words);
    for page in [&mine, &rec] {
        assert!(!page.contains("working on it"));
        assert!(!page.contains("In review") && !page.contains("The case it is part of"));
    }

    // published, then closed months later: what changed, with the lesson
    publish(&app, id).await;
    let lead = app.users[&Role::Responder].id;
    app.store
        .transition(id, Status::Closed, None, None, lead, now_ms())
        .await
        .unwrap();
    let (_, mine) = text(app.get(&s, "/my-reports").await).await;
    assert!(mine.contains(LESSON), "{mine}");
    assert!(!mine.contains("working on it"));
    assert!(
        mine.contains(&format!("href=\"/library/{id}\"")),
        "a signed-in reporter gets the link to the lesson"
    );
    assert_eq!(
        app.get(&s, &format!("/library/{id}")).await.status(),
        StatusCode::OK,
        "which the reporter may read"
    );
    let (_, rec) = receipt_page().await;
    assert!(rec.contains(LESSON));
    assert!(
        rec.contains(&format!("href=\"/library/{id}\"")),
        "the receipt page links the published lesson"
    );
    let v = api_status().await;
    assert_eq!(v["status_text"], LESSON);
    assert_eq!(v["status"], "in_case");
    assert_eq!(v["lesson_published"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durations_read_in_days_hours_and_minutes_on_pages_and_in_exports() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Certificate expiry", vec![]).await;
    let f = app.session_for(Role::Facilitator).await;
    let r = app
        .post_form(
            &f,
            &format!("/cases/{id}/review/impact"),
            &[
                ("version", "1"),
                ("duration_minutes", "17634"),
                ("people_affected", ""),
                ("records_affected", ""),
                ("services", "Partner API"),
                ("cost", ""),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let words = "12 d 5 h 54 min";
    let editor = text(app.get(&f, &format!("/cases/{id}/review")).await)
        .await
        .1;
    publish(&app, id).await;
    let leader = app.session_for(Role::Leadership).await;
    for path in [format!("/cases/{id}/review"), format!("/library/{id}")] {
        let (code, page) = text(app.get(&leader, &path).await).await;
        assert_eq!(code, StatusCode::OK);
        assert!(page.contains(words), "{path}");
        assert!(!page.contains("17634"), "{path}: no raw minutes");
    }
    for (path, code, body) in exports(&app, &leader, &format!("/library/{id}")).await {
        assert_eq!(code, StatusCode::OK, "{path}");
        assert!(body.contains(words), "{path}");
    }
    assert!(
        editor.contains(words),
        "the editor says what the minutes come to"
    );
}
