//! What a review becomes once published: the learning library without
//! interview notes or restricted parts, the exports (Markdown, HTML, a one-page
//! PDF summary) and the contributing-factor taxonomy administrators extend.

use crate::support::{api, case_in_review, text};
use debrief_core::Role;
use debrief_core::case::Status;
use debrief_testkit::{Session, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

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
