//! `debrief export summary|review` on the engine DEBRIEF_TEST_DB names: the
//! formats, a one-page summary PDF, and one-line errors with exit code 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use debrief_core::RoleSet;
use debrief_core::case::{Severity, Status};
use debrief_core::review::LessonLevel;
use debrief_store::accounts::NewUser;
use debrief_store::cases::NewCase;
use debrief_store::reviews::Edit;
use debrief_store::testkit::{TestDb, off_runtime};
use debrief_store::{Store, now_ms};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_debrief");

fn debrief(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .env(
            "DEBRIEF_SECRET_KEY",
            "0101010101010101010101010101010101010101010101010101010101010101",
        )
        .env_remove("DEBRIEF_DATABASE_URL")
        .args(args)
        .output()
        .unwrap()
}

fn stderr_line(out: &std::process::Output) -> String {
    let e = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
    e
}

/// A case with a written review and one without; returns (reviewed, unreviewed).
async fn setup(store: &Store) -> (i64, i64) {
    let u = NewUser {
        email: "lead@example.org".into(),
        name: "Amara Okafor".into(),
        password_hash: "x".into(),
        roles: RoleSet::default(),
    };
    let lead = store
        .write(move |c| debrief_store::accounts::insert_user(c, &u, now_ms()))
        .await
        .unwrap()
        .id;
    let mut ids = Vec::new();
    for title in [
        "Expired certificate took down the partner API",
        "Lost laptop at a conference",
    ] {
        let id = store
            .create_case(
                NewCase {
                    title: title.into(),
                    severity: Severity::Medium,
                    report_ids: vec![],
                    occurred_ms: None,
                    detected_ms: None,
                    urgent: false,
                    created_by: lead,
                },
                now_ms(),
            )
            .await
            .unwrap();
        ids.push(id);
    }
    let id = ids[0];
    for to in [Status::Investigating, Status::Resolved, Status::InReview] {
        store
            .transition(id, to, None, None, lead, now_ms())
            .await
            .unwrap();
    }
    let long = "The certificate for the partner API expired at 02:00 on a Sunday. ".repeat(60);
    store
        .edit_review(
            id,
            Edit::What {
                what_happened: long,
                interpretations: String::new(),
            },
            1,
            lead,
            now_ms(),
        )
        .await
        .unwrap();
    for level in LessonLevel::ALL {
        store
            .edit_review(
                id,
                Edit::Lesson {
                    id: None,
                    level: *level,
                    body: format!("A lesson at the {} level.", level.label()),
                    restricted: false,
                },
                0,
                lead,
                now_ms(),
            )
            .await
            .unwrap();
    }
    (id, ids[1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_write_markdown_html_and_a_one_page_summary_pdf() {
    let db = TestDb::new();
    let url = db.url.clone();
    let store = off_runtime(move || {
        let s = Store::connect(&url).unwrap();
        s.migrate_blocking().unwrap();
        s
    });
    let (id, bare) = setup(&store).await;
    let url = db.url.clone();
    let case = id.to_string();
    let dir = std::env::temp_dir().join(format!(
        "debrief-export-cli-{}",
        debrief_core::secret::random_hex(6)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let out = off_runtime(move || {
        let mut results = Vec::new();
        let md = debrief(&[
            "export",
            "review",
            "--case",
            &case,
            "--format",
            "md",
            "--database",
            &url,
        ]);
        results.push(md);
        let pdf_path = dir.join("summary.pdf");
        let pdf = debrief(&[
            "export",
            "summary",
            "--case",
            &case,
            "--format",
            "pdf",
            "--database",
            &url,
            "-o",
            pdf_path.to_str().unwrap(),
        ]);
        results.push(pdf);
        let info = Command::new("pdfinfo")
            .arg(&pdf_path)
            .output()
            .expect("pdfinfo (poppler-utils) is required; scripts/test installs it");
        let html = debrief(&[
            "export",
            "review",
            "--case",
            &case,
            "--format",
            "html",
            "--database",
            &url,
        ]);
        results.push(html);
        let _ = std::fs::remove_dir_all(&dir);
        (results, info)
    });
    let (results, info) = out;
    assert!(
        results[0].status.success(),
        "{}",
        String::from_utf8_lossy(&results[0].stderr)
    );
    let md = String::from_utf8(results[0].stdout.clone()).unwrap();
    assert!(md.starts_with("# "), "{md}");
    assert!(md.contains("Business process") && md.contains("Information system"));
    assert!(
        md.to_lowercase().contains("no impact has been recorded"),
        "empty sections are named"
    );
    assert!(
        results[1].status.success(),
        "{}",
        String::from_utf8_lossy(&results[1].stderr)
    );
    assert!(info.status.success());
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().to_string()))
        .unwrap();
    assert_eq!(pages, "1", "the summary fits one page");
    assert!(results[2].status.success());
    assert!(String::from_utf8_lossy(&results[2].stdout).contains("@media print"));

    let url = db.url.clone();
    let bare = bare.to_string();
    let errs = off_runtime(move || {
        vec![
            debrief(&[
                "export",
                "summary",
                "--case",
                "999999",
                "--format",
                "md",
                "--database",
                &url,
            ]),
            debrief(&[
                "export",
                "summary",
                "--case",
                &bare,
                "--format",
                "md",
                "--database",
                &url,
            ]),
            debrief(&[
                "export",
                "summary",
                "--case",
                &bare,
                "--format",
                "docx",
                "--database",
                &url,
            ]),
        ]
    });
    for (out, says) in errs.iter().zip(["no case 999999", "no review yet", "docx"]) {
        assert_eq!(out.status.code(), Some(2));
        let line = stderr_line(out);
        assert!(line.contains(says), "{line}");
    }
}
