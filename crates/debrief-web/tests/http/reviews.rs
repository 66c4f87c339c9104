//! The review workspace through the pages and the JSON API: opening a review,
//! saving parts with conflicts that keep both texts, the blameless-language
//! checker and its acknowledgement, and the facilitator's independence.

use crate::support::{api, case_in_review, text};
use debrief_core::{Role, RoleSet};
use debrief_testkit::{TestApp, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

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
