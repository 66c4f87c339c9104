//! Blameless reviews, action items, the learning library and exports, through
//! the pages and the JSON API of a real server (on the engine DEBRIEF_TEST_DB names).

mod common;

use common::{Session, TestApp, client};
use debrief_core::case::Status;
use debrief_core::{Role, RoleSet};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A case that has reached "in review" (which opens its review).
async fn case_in_review(app: &TestApp, title: &str) -> i64 {
    app.case_in_review(title, vec![]).await
}

async fn api(
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

fn tomorrow() -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string()
}

async fn text(r: reqwest::Response) -> (StatusCode, String) {
    let s = r.status();
    (s, r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_of_a_missing_case_is_404_and_reaching_in_review_opens_one() {
    let app = TestApp::spawn().await;
    let t = app.token(&app.users[&Role::Facilitator].clone()).await;
    let r = api(
        &app,
        reqwest::Method::GET,
        "/api/v1/cases/999999/review",
        &t,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/cases/999999/review",
        &t,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let s = app.session_for(Role::Facilitator).await;
    assert_eq!(
        app.get(&s, "/cases/999999/review").await.status(),
        StatusCode::NOT_FOUND
    );

    let id = case_in_review(&app, "Phishing page cloned the SSO login").await;
    let r = api(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}/review"),
        &t,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["state"], "draft");
    assert_eq!(v["versions"]["what"], 1);

    // the workspace shows the Five Questions with the facilitator's guidance
    let (code, page) = text(app.get(&s, &format!("/cases/{id}/review")).await).await;
    assert_eq!(code, StatusCode::OK);
    for q in [
        "What happened?",
        "What was the impact?",
        "Why did it happen?",
        "What did we learn?",
        "What are we doing about it?",
        "Ask how, not who",
    ] {
        assert!(page.contains(q), "missing {q}");
    }
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_facilitators_saving_one_section_get_a_conflict_that_keeps_both_texts() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Backup bucket was public").await;
    let a = app.session_for(Role::Facilitator).await;
    let b_user = app
        .add_user(
            "second.facilitator@example.org",
            RoleSet::from_roles([Role::Facilitator]),
        )
        .await;
    let b = app.session(&b_user).await;
    let path = format!("/cases/{id}/review/what");
    let r = app
        .post_form(
            &a,
            &path,
            &[
                ("version", "1"),
                ("what_happened", "Text from the first facilitator"),
                ("interpretations", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (code, page) = text(
        app.post_form(
            &b,
            &path,
            &[
                ("version", "1"),
                ("what_happened", "Text from the second facilitator"),
                ("interpretations", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert!(
        page.contains("Text from the first facilitator"),
        "theirs is shown"
    );
    assert!(
        page.contains("Text from the second facilitator"),
        "mine is kept"
    );
    assert!(
        page.contains("name=\"what.version\" value=\"2\""),
        "saving again replaces deliberately"
    );
    let r = app
        .post_form(
            &b,
            &path,
            &[
                ("version", "2"),
                ("what_happened", "Merged text"),
                ("interpretations", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let t = app.token(&b_user).await;
    let r = api(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/cases/{id}/review"),
        &t,
        Some(json!({"part": "what", "version": 2, "what_happened": "stale"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = api(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/cases/{id}/review"),
        &t,
        Some(json!({"part": "impact", "version": 1, "duration_minutes": "-3"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn write_review(app: &TestApp, s: &Session, id: i64) {
    let p = |part: &str| format!("/cases/{id}/review/{part}");
    let ok = |r: reqwest::Response| assert_eq!(r.status(), StatusCode::SEE_OTHER);
    ok(app
        .post_form(
            s,
            &p("what"),
            &[
                ("version", "1"),
                (
                    "what_happened",
                    "A public link to the nightly backup bucket was shared in a ticket.",
                ),
                ("interpretations", ""),
            ],
        )
        .await);
    ok(app
        .post_form(
            s,
            &p("impact"),
            &[
                ("version", "1"),
                ("duration_minutes", "134"),
                ("people_affected", "0"),
                ("records_affected", "12000"),
                ("services", "Backups"),
                ("cost", ""),
                ("notes", "No access by outsiders was found."),
            ],
        )
        .await);
    ok(app
        .post_form(
            s,
            &p("why"),
            &[
                ("problem", "The bucket was public"),
                (
                    "steps",
                    "The sharing default is public\nThe console hides the setting",
                ),
                ("systemic_condition", "Storage defaults are not reviewed"),
            ],
        )
        .await);
    ok(app
        .post_form(
            s,
            &p("factor"),
            &[
                ("category", "tooling_design"),
                ("explanation", "The console hides the sharing setting"),
            ],
        )
        .await);
    ok(app
        .post_form(
            s,
            &p("factor"),
            &[
                ("category", "procedure"),
                ("explanation", "No checklist for new buckets"),
            ],
        )
        .await);
    for (level, body) in [
        ("organisation", "Budget time for secure defaults"),
        ("business_process", "Add storage to the change checklist"),
        ("information_system", "Block public buckets by policy"),
    ] {
        ok(app
            .post_form(s, &p("lesson"), &[("level", level), ("body", body)])
            .await);
    }
    ok(app
        .post_form(
            s,
            &p("lesson"),
            &[
                ("level", "information_system"),
                ("body", "RESTRICTED LESSON TEXT"),
                ("restricted", "on"),
            ],
        )
        .await);
    ok(app
        .post_form(
            s,
            &format!("/cases/{id}/interviews"),
            &[
                ("participant", "On-call engineer"),
                ("notes", "PRIVATE INTERVIEW WORDS"),
            ],
        )
        .await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_reviews_reach_the_library_without_interview_notes_or_restricted_parts() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Backup bucket shared publicly").await;
    let f = app.session_for(Role::Facilitator).await;
    write_review(&app, &f, id).await;

    // interview notes are for facilitators only, even among those who edit reviews
    let lead = app.session_for(Role::SecurityLead).await;
    let (_, page) = text(app.get(&lead, &format!("/cases/{id}/review")).await).await;
    assert!(!page.contains("PRIVATE INTERVIEW WORDS"));
    let r = app
        .post_form(
            &lead,
            &format!("/cases/{id}/interviews"),
            &[("participant", "x"), ("notes", "y")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let lt = app.token(&app.users[&Role::SecurityLead].clone()).await;
    let v: Value = api(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}/review"),
        &lt,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(v.get("interviews").is_none());
    let ft = app.token(&app.users[&Role::Facilitator].clone()).await;
    let v: Value = api(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}/review"),
        &ft,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(v["interviews"][0]["notes"], "PRIVATE INTERVIEW WORDS");

    // not in the library until published
    let reader = app.session_for(Role::Reporter).await;
    assert_eq!(
        app.get(&reader, &format!("/library/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&reader, &format!("/cases/{id}/review"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    let st = |to: &'static str| [("to", to)];
    assert_eq!(
        app.post_form(&f, &format!("/cases/{id}/review/state"), &st("published"))
            .await
            .status(),
        StatusCode::CONFLICT,
        "drafts go to review first"
    );
    assert_eq!(
        app.post_form(&f, &format!("/cases/{id}/review/state"), &st("in_review"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.post_form(&f, &format!("/cases/{id}/review/state"), &st("published"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.store
            .case_detail(id)
            .await
            .unwrap()
            .unwrap()
            .case
            .status,
        Status::Published
    );

    let (code, lib) = text(app.get(&reader, "/library").await).await;
    assert_eq!(code, StatusCode::OK);
    assert!(lib.contains("Backup bucket shared publicly"));
    let (code, page) = text(app.get(&reader, &format!("/library/{id}")).await).await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        page.contains("Block public buckets by policy")
            && page.contains("Storage defaults are not reviewed")
    );
    assert!(!page.contains("PRIVATE INTERVIEW WORDS") && !page.contains("RESTRICTED LESSON TEXT"));

    // published reviews are final
    let r = app
        .post_form(
            &f,
            &format!("/cases/{id}/review/learn"),
            &[("version", "1"), ("went_well", "x"), ("got_lucky", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // exports leave the private parts out too
    for (doc, format) in [("summary", "md"), ("review", "md"), ("review", "html")] {
        let (code, body) = text(
            app.get(
                &reader,
                &format!("/library/{id}/export?doc={doc}&format={format}"),
            )
            .await,
        )
        .await;
        assert_eq!(code, StatusCode::OK, "{doc} {format}");
        assert!(
            !body.contains("PRIVATE INTERVIEW WORDS") && !body.contains("RESTRICTED LESSON TEXT"),
            "{doc} {format}"
        );
    }
}

fn pdf_pages(bytes: &[u8]) -> u32 {
    let dir = tempfile_dir();
    let path = dir.join("export.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) must be installed; scripts/test installs it");
    assert!(
        out.status.success(),
        "pdfinfo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info = String::from_utf8_lossy(&out.stdout);
    let _ = std::fs::remove_dir_all(&dir);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo names the page count")
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "debrief-export-{}",
        debrief_core::secret::random_hex(6)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_are_markdown_html_and_a_one_page_summary_pdf() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Backup bucket shared publicly").await;
    let f = app.session_for(Role::Facilitator).await;
    let leader = app.session_for(Role::Leadership).await;

    // an empty review still exports and says which sections are empty
    let (code, md) = text(
        app.get(
            &leader,
            &format!("/cases/{id}/review/export?doc=review&format=md"),
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        md.to_lowercase().contains("no impact has been recorded"),
        "{md}"
    );

    write_review(&app, &f, id).await;
    let (code, md) = text(
        app.get(
            &leader,
            &format!("/cases/{id}/review/export?doc=review&format=md"),
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert!(headings.len() >= 5, "{headings:?}");
    assert!(md.contains("Storage defaults are not reviewed"));
    assert!(!md.contains("PRIVATE INTERVIEW WORDS"));

    let r = app
        .get(
            &leader,
            &format!("/cases/{id}/review/export?doc=summary&format=pdf"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("case-{id}-summary.pdf"))
    );
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(pdf_pages(&pdf), 1);
    let full = app
        .get(
            &leader,
            &format!("/cases/{id}/review/export?doc=review&format=pdf"),
        )
        .await
        .bytes()
        .await
        .unwrap();
    assert!(pdf_pages(&full) >= 1);
    let (code, html) = text(
        app.get(
            &leader,
            &format!("/cases/{id}/review/export?doc=review&format=html"),
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.starts_with("<!doctype html>") || html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@media print"));

    let r = app
        .get(
            &leader,
            &format!("/cases/{id}/review/export?doc=summary&format=docx"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        app.get(&leader, "/cases/999999/review/export?doc=summary&format=md")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let reader = app.session_for(Role::Reporter).await;
    assert_eq!(
        app.get(
            &reader,
            &format!("/library/{id}/export?doc=summary&format=md")
        )
        .await
        .status(),
        StatusCode::NOT_FOUND,
        "not published yet"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checker_knows_the_people_directory_and_publishing_warnings_needs_an_acknowledgement() {
    let app = TestApp::spawn().await;
    app.add_user("zyxwa.quonk@example.org", RoleSet::default())
        .await;
    app.store
        .write(|c| {
            c.execute(
                "UPDATE users SET name = 'Zyxwa Quonk' WHERE email = 'zyxwa.quonk@example.org'",
                &[],
            )
        })
        .await
        .unwrap();
    let t = app.token(&app.users[&Role::Reporter].clone()).await;
    let r = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/lint",
        &t,
        Some(json!({"text": "Zyxwa misconfigured the firewall."})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "person-agent", "{v}");
    assert_eq!(f["severity"], "warning");
    assert!(
        f["replacement"]
            .as_str()
            .is_some_and(|s| !s.contains("Zyxwa")),
        "{f}"
    );
    let r = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/lint",
        &t,
        Some(json!({"text": "The health check failed with error 500."})),
    )
    .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");
    let r = client()
        .post(app.url("/api/v1/lint"))
        .json(&json!({"text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let id = case_in_review(&app, "Firewall rule opened the admin port").await;
    let f = app.session_for(Role::Facilitator).await;
    let r = app
        .post_form(
            &f,
            &format!("/cases/{id}/review/what"),
            &[
                ("version", "1"),
                (
                    "what_happened",
                    "The operator was careless and should have checked the rule before pushing it.",
                ),
                ("interpretations", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = text(app.get(&f, &format!("/cases/{id}/review")).await).await;
    assert!(
        page.contains("Blameless-language checker") && page.contains("careless"),
        "findings are shown without JavaScript"
    );
    assert_eq!(
        app.post_form(
            &f,
            &format!("/cases/{id}/review/state"),
            &[("to", "in_review")]
        )
        .await
        .status(),
        StatusCode::OK
    );
    let (code, page) = text(
        app.post_form(
            &f,
            &format!("/cases/{id}/review/state"),
            &[("to", "published")],
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert!(page.contains("acknowledge"), "{page}");
    let before = app.audit_count("review.state").await;
    assert_eq!(
        app.post_form(
            &f,
            &format!("/cases/{id}/review/state"),
            &[("to", "published"), ("acknowledge", "on")]
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert_eq!(app.audit_count("review.state").await, before + 1);
    let d = app.store.review(id, false).await.unwrap().unwrap();
    assert_eq!(
        d.review.lint_acknowledged_by,
        Some(app.users[&Role::Facilitator].id)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_extend_the_factor_taxonomy() {
    let app = TestApp::spawn().await;
    let admin = app.session_for(Role::Admin).await;
    let r = app
        .post_form(
            &admin,
            "/admin/factors",
            &[
                ("label", "Vendor support"),
                (
                    "description",
                    "A supplier's support process delayed the response.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (code, page) = text(
        app.post_form(
            &admin,
            "/admin/factors",
            &[("label", "Vendor  SUPPORT"), ("description", "again")],
        )
        .await,
    )
    .await;
    // a duplicate is a conflict, as in the API
    assert_eq!(code, StatusCode::CONFLICT);
    assert!(page.contains("exists already") && page.contains("Vendor  SUPPORT"));
    let (code, _) = text(
        app.post_form(
            &admin,
            "/admin/factors",
            &[("label", "  "), ("description", "x")],
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    // facilitators can now choose it
    let id = case_in_review(&app, "Vendor took two days to revoke a token").await;
    let f = app.session_for(Role::Facilitator).await;
    let (_, page) = text(app.get(&f, &format!("/cases/{id}/review")).await).await;
    assert!(page.contains("value=\"vendor_support\""));
    let r = app
        .post_form(
            &f,
            &format!("/cases/{id}/review/factor"),
            &[
                ("category", "vendor_support"),
                ("explanation", "Revocation needs a ticket with the vendor"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &f,
            &format!("/cases/{id}/review/factor"),
            &[("category", "no_such_thing"), ("explanation", "x")],
        )
        .await;
    // an unknown category is a value of the field that breaks a rule
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("There is no contributing-factor category")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_who_took_part_in_the_case_is_flagged() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Misrouted alert waited until Monday").await;
    let involved = app.users[&Role::Responder].clone();
    let outsider = app.users[&Role::Facilitator].clone();
    app.store
        .write({
            let uid = involved.id;
            move |c| {
                c.execute(
                    "UPDATE users SET roles = $1 WHERE id = $2",
                    &debrief_store::params![
                        (RoleSet::from_roles([Role::Responder, Role::Facilitator])).bits() as i64,
                        uid
                    ],
                )
            }
        })
        .await
        .unwrap();
    let lead = app.session_for(Role::SecurityLead).await;
    let path = format!("/cases/{id}/review/facilitator");
    let (code, page) = text(
        app.post_form(
            &lead,
            &path,
            &[("facilitator_id", &involved.id.to_string())],
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(page.contains("took part in this case"), "warned");
    let (code, page) = text(
        app.post_form(
            &lead,
            &path,
            &[("facilitator_id", &outsider.id.to_string())],
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(!page.contains("took part in this case") && page.contains("Facilitator assigned."));
    let (code, _) = text(
        app.post_form(&lead, &path, &[("facilitator_id", "999999")])
            .await,
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_save_takes_the_others_changes_in_fields_it_did_not_touch() {
    let app = TestApp::spawn().await;
    let id = case_in_review(&app, "Expired certificate on the partner API").await;
    let a = app.session_for(Role::Facilitator).await;
    let b_user = app
        .add_user(
            "b.facilitator@example.org",
            RoleSet::from_roles([Role::Facilitator]),
        )
        .await;
    let b = app.session(&b_user).await;
    let path = format!("/cases/{id}/review/what");
    let base = [("base:what_happened", ""), ("base:interpretations", "")];
    // A writes the interpretations only, B the narrative only, both from version 1
    let mut fa = vec![
        ("version", "1"),
        ("what_happened", ""),
        ("interpretations", "Renewal looked automatic to everyone"),
    ];
    fa.extend(base);
    assert_eq!(
        app.post_form(&a, &path, &fa).await.status(),
        StatusCode::SEE_OTHER
    );
    let mut fb = vec![
        ("version", "1"),
        ("what_happened", "The certificate expired at 02:00"),
        ("interpretations", ""),
    ];
    fb.extend(base);
    let (code, page) = text(app.post_form(&b, &path, &fb).await).await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert!(
        page.contains("You changed different fields"),
        "no field was changed by both"
    );
    assert!(
        page.contains(">Renewal looked automatic to everyone</textarea>"),
        "A's interpretations fill B's untouched field"
    );
    assert!(
        page.contains(">The certificate expired at 02:00</textarea>"),
        "B's text is kept"
    );
    let r = app
        .post_form(
            &b,
            &path,
            &[
                ("version", "2"),
                ("what_happened", "The certificate expired at 02:00"),
                ("interpretations", "Renewal looked automatic to everyone"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let d = app.store.review(id, false).await.unwrap().unwrap();
    assert_eq!(d.review.what_happened, "The certificate expired at 02:00");
    assert_eq!(
        d.review.interpretations,
        "Renewal looked automatic to everyone"
    );
}
