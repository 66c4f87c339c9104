//! The review workspace saves every changed part at once and never drops typed
//! text; case times are entered in the viewer's zone and stored in UTC. Through
//! the pages of a real server, as a browser without JavaScript sends them (the
//! browser side is in e2e/defects-ui.test.mjs).

use debrief_core::Role;
use debrief_core::case::Status;
use debrief_testkit::{Session, TestApp};
use reqwest::StatusCode;

async fn new_case(app: &TestApp, title: &str, in_review: bool) -> i64 {
    if in_review {
        app.case_in_review(title, vec![]).await
    } else {
        app.case_along(title, vec![], &[Status::Investigating])
            .await
    }
}

async fn text(r: reqwest::Response) -> (StatusCode, String) {
    let s = r.status();
    (s, r.text().await.unwrap())
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The review workspace's one form as a browser sends it when nothing was
/// changed yet: every text part with its version and the values it was shown with.
fn untouched_form() -> Vec<(String, String)> {
    let mut f = Vec::new();
    let mut add = |k: &str, v: &str| f.push((k.to_string(), v.to_string()));
    add("what.version", "1");
    for n in ["what_happened", "interpretations"] {
        add(&format!("what.base:{n}"), "");
        add(&format!("what.{n}"), "");
    }
    add("impact.version", "1");
    for n in [
        "duration_minutes",
        "people_affected",
        "records_affected",
        "services",
        "cost",
        "notes",
    ] {
        add(&format!("impact.base:{n}"), "");
        add(&format!("impact.{n}"), "");
    }
    add("learn.version", "1");
    for n in ["went_well", "got_lucky"] {
        add(&format!("learn.base:{n}"), "");
        add(&format!("learn.{n}"), "");
    }
    for n in ["problem", "steps", "systemic_condition"] {
        add(&format!("new-why.{n}"), "");
    }
    add("new-factor.explanation", "");
    add("new-lesson.body", "");
    f
}

fn set(f: &mut [(String, String)], name: &str, value: &str) {
    let slot = f
        .iter_mut()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    slot.1 = value.to_string();
}

async fn post(app: &TestApp, s: &Session, path: &str, f: &[(String, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_form(s, path, &fields).await
}

async fn review_of(app: &TestApp, id: i64) -> debrief_store::reviews::ReviewDetail {
    app.store.review(id, true).await.unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_save_keeps_every_changed_part_and_says_what_was_saved() {
    let app = TestApp::spawn().await;
    let id = new_case(&app, "Public bucket held invoices", true).await;
    let f = app.session_for(Role::Facilitator).await;
    let edits_before = app.audit_count("review.edited").await;

    // the facilitator edits the impact and "where we got lucky", then presses
    // the save button of "what happened"
    let mut form = untouched_form();
    set(&mut form, "impact.duration_minutes", "95");
    set(&mut form, "impact.services", "billing-api");
    set(
        &mut form,
        "learn.got_lucky",
        "The bucket name was hard to guess.",
    );
    form.push(("go".into(), "what".into()));
    let r = post(&app, &f, &format!("/cases/{id}/review/save"), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(
        to.starts_with(&format!("/cases/{id}/review?saved=")),
        "{to}"
    );

    let d = review_of(&app, id).await;
    assert_eq!(d.review.impact.duration_minutes, Some(95));
    assert_eq!(d.review.impact.services, "billing-api");
    assert_eq!(d.review.got_lucky, "The bucket name was hard to guess.");
    // parts nobody changed are not written
    assert_eq!(d.review.what_version, 1);
    assert_eq!(
        app.audit_count("review.edited").await,
        edits_before + 2,
        "one edit per changed part"
    );

    // the page it leads to confirms what was saved
    let (code, page) = text(app.get(&f, &to).await).await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        page.contains("Saved: impact, where we got lucky."),
        "confirmation missing"
    );
    assert!(page.contains(">The bucket name was hard to guess.</textarea>"));

    // a save without changes says so instead of pretending
    let r = post(
        &app,
        &f,
        &format!("/cases/{id}/review/save"),
        &untouched_form(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = text(app.get(&f, &location(&r)).await).await;
    assert!(page.contains("Nothing to save"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_someone_else_saved_comes_back_as_a_conflict_while_the_others_are_saved() {
    let app = TestApp::spawn().await;
    let id = new_case(&app, "Expired certificate on the partner API", true).await;
    let a = app.session_for(Role::Facilitator).await;
    let b = app.session_for(Role::SecurityLead).await;

    // B saves "what went well" first, from version 1
    let r = app
        .post_form(
            &b,
            &format!("/cases/{id}/review/learn"),
            &[
                ("version", "1"),
                ("went_well", "Their words about what went well"),
                ("got_lucky", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A, still on version 1 everywhere, changed what happened and what went well
    let mut form = untouched_form();
    set(
        &mut form,
        "what.what_happened",
        "The certificate expired at 02:00.",
    );
    set(
        &mut form,
        "learn.went_well",
        "My words about what went well",
    );
    let (code, page) = text(post(&app, &a, &format!("/cases/{id}/review/save"), &form).await).await;
    assert_eq!(code, StatusCode::CONFLICT);
    let d = review_of(&app, id).await;
    assert_eq!(
        d.review.what_happened, "The certificate expired at 02:00.",
        "the part nobody else touched is saved"
    );
    assert_eq!(d.review.went_well, "Their words about what went well");
    assert!(
        page.contains("Saved: what happened."),
        "the saved part is confirmed"
    );
    assert!(page.contains("Someone else saved this part while you were editing it."));
    assert!(page.contains("Conflicting edit") && page.contains("Their words about what went well"));
    assert!(
        page.contains(">My words about what went well</textarea>"),
        "the typed text is kept"
    );
    assert!(
        page.contains("name=\"learn.version\" value=\"2\""),
        "saving again replaces deliberately"
    );

    // saving again from the conflict view goes through
    let mut again = untouched_form();
    set(
        &mut again,
        "what.version",
        &d.review.what_version.to_string(),
    );
    set(
        &mut again,
        "what.base:what_happened",
        &d.review.what_happened,
    );
    set(&mut again, "what.what_happened", &d.review.what_happened);
    set(&mut again, "learn.version", "2");
    set(
        &mut again,
        "learn.base:went_well",
        "Their words about what went well",
    );
    set(&mut again, "learn.went_well", "Both: theirs and mine");
    let r = post(&app, &a, &format!("/cases/{id}/review/save"), &again).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        review_of(&app, id).await.review.went_well,
        "Both: theirs and mine"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incomplete_new_item_is_kept_and_does_not_stop_the_other_parts() {
    let app = TestApp::spawn().await;
    let id = new_case(&app, "Misrouted alert waited until Monday", true).await;
    let f = app.session_for(Role::Facilitator).await;
    let mut form = untouched_form();
    set(
        &mut form,
        "what.interpretations",
        "The routing looked right to everyone.",
    );
    set(
        &mut form,
        "new-why.problem",
        "An alert went to an unused queue",
    );
    let (code, page) = text(post(&app, &f, &format!("/cases/{id}/review/save"), &form).await).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        review_of(&app, id).await.review.interpretations,
        "The routing looked right to everyone."
    );
    assert!(page.contains("Saved: interpretations."));
    assert!(page.contains("Not saved: a new five-whys chain."));
    assert!(
        page.contains("value=\"An alert went to an unused queue\""),
        "the typed problem is kept"
    );

    // an existing chain edited and another part changed, with one press of "Remove"
    let r = app
        .post_form(
            &f,
            &format!("/cases/{id}/review/why"),
            &[
                ("problem", "Chain to remove"),
                ("steps", "Because"),
                ("systemic_condition", "No owner"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let d = review_of(&app, id).await;
    let w = d.whys.first().unwrap();
    let key = format!("why:{}", w.id);
    let mut form = untouched_form();
    set(
        &mut form,
        "what.version",
        &d.review.what_version.to_string(),
    );
    set(
        &mut form,
        "what.base:interpretations",
        &d.review.interpretations,
    );
    set(&mut form, "what.interpretations", &d.review.interpretations);
    set(
        &mut form,
        "learn.went_well",
        "Paging worked once it was found.",
    );
    form.push((format!("{key}.version"), w.version.to_string()));
    form.push((format!("{key}.base:problem"), w.problem.clone()));
    form.push((format!("{key}.problem"), "Edited before removing".into()));
    form.push(("remove".into(), key));
    let r = post(&app, &f, &format!("/cases/{id}/review/save"), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let d = review_of(&app, id).await;
    assert!(d.whys.is_empty(), "removed");
    assert_eq!(d.review.went_well, "Paging worked once it was found.");
    let (_, page) = text(app.get(&f, &location(&r)).await).await;
    assert!(page.contains("Saved: what went well, a five-whys chain removed."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workspace_form_cannot_write_interview_notes() {
    let app = TestApp::spawn().await;
    let id = new_case(&app, "Shared password in a chat channel", true).await;
    // a security lead may edit the review but not interview notes
    let lead = app.session_for(Role::SecurityLead).await;
    let mut form = untouched_form();
    form.push(("new-interview.participant".into(), "Someone".into()));
    form.push(("new-interview.notes".into(), "Notes smuggled in".into()));
    form.push(("add".into(), "new-interview".into()));
    let r = post(&app, &lead, &format!("/cases/{id}/review/save"), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(review_of(&app, id).await.interviews.is_empty());
}

// ------------------------------------------------------------------ times

fn utc(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .timestamp_millis()
}

async fn timeline_times(app: &TestApp, id: i64) -> Vec<(String, i64)> {
    let d = app.store.case_detail(id).await.unwrap().unwrap();
    d.timeline
        .iter()
        .map(|t| (t.body.clone(), t.at_ms))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_times_typed_in_the_viewers_zone_are_stored_in_utc() {
    let app = TestApp::spawn().await;
    let id = new_case(&app, "Phishing wave on a Monday", false).await;
    let s = app.session_for(Role::Responder).await;
    let path = format!("/cases/{id}/timeline");
    for (body, at, offset) in [
        // Berlin in winter (UTC+1) and in summer (UTC+2), as app.js sends them
        ("winter", "2026-01-05T10:00", "-60"),
        ("summer", "2026-07-06T10:00", "-120"),
        // no JavaScript: the field says UTC
        ("plain", "2026-01-05T10:00", ""),
    ] {
        let r = app
            .post_form(
                &s,
                &path,
                &[
                    ("kind", "fact"),
                    ("body", body),
                    ("at", at),
                    ("tz_offset", offset),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{body}");
    }
    let got = timeline_times(&app, id).await;
    let at = |b: &str| got.iter().find(|(x, _)| x == b).map(|x| x.1);
    assert_eq!(at("winter"), Some(utc("2026-01-05T09:00:00Z")));
    assert_eq!(at("summer"), Some(utc("2026-07-06T08:00:00Z")));
    assert_eq!(at("plain"), Some(utc("2026-01-05T10:00:00Z")));

    // the page names the zone it assumes without JavaScript
    let (_, page) = text(app.get(&s, &format!("/cases/{id}")).await).await;
    assert!(
        page.contains("data-tz-label>(UTC)</small>"),
        "the field names UTC"
    );
    assert!(page.contains("name=\"tz_offset\""));

    // bad offsets and dates far out of range are field errors, never a 500
    for (at, offset, said) in [
        ("2026-01-05T10:00", "99999", "time zone offset"),
        ("2026-01-05T10:00", "east", "time zone offset"),
        ("+262142-12-31T23:59", "-840", "date"),
        ("-262143-01-01T00:00", "840", "date"),
    ] {
        let (code, page) = text(
            app.post_form(
                &s,
                &path,
                &[
                    ("kind", "fact"),
                    ("body", "x"),
                    ("at", at),
                    ("tz_offset", offset),
                ],
            )
            .await,
        )
        .await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{at} {offset}");
        assert!(page.contains(said), "{at} {offset}");
    }
    assert_eq!(timeline_times(&app, id).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_correction_form_is_prefilled_and_reads_the_viewers_zone() {
    let app = TestApp::spawn().await;
    let id = new_case(&app, "Laptop left on a train", false).await;
    let s = app.session_for(Role::Responder).await;
    let r = app
        .post_form(
            &s,
            &format!("/cases/{id}/times"),
            &[
                ("occurred_at", "2026-01-05T10:00"),
                ("occurred_at_tz_offset", "-60"),
                ("detected_at", "2026-07-06T10:00"),
                ("detected_at_tz_offset", "-120"),
                ("reason", "Train operator's log"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c = app.store.case_detail(id).await.unwrap().unwrap().case;
    assert_eq!(c.occurred_ms, Some(utc("2026-01-05T09:00:00Z")));
    assert_eq!(c.detected_ms, Some(utc("2026-07-06T08:00:00Z")));

    // the form shows the recorded times (UTC without JavaScript; app.js turns
    // them into the viewer's zone from data-utc)
    let (_, page) = text(app.get(&s, &format!("/cases/{id}")).await).await;
    assert!(
        page.contains("name=\"occurred_at\" type=\"datetime-local\" value=\"2026-01-05T09:00\" data-utc=\"2026-01-05T09:00:00Z\""),
        "occurred pre-filled"
    );
    assert!(
        page.contains("name=\"detected_at\" type=\"datetime-local\" value=\"2026-07-06T08:00\" data-utc=\"2026-07-06T08:00:00Z\""),
        "detected pre-filled"
    );

    // a bad offset names its field
    let (code, page) = text(
        app.post_form(
            &s,
            &format!("/cases/{id}/times"),
            &[
                ("occurred_at", "2026-01-05T10:00"),
                ("occurred_at_tz_offset", "100000"),
                ("reason", "x"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("time zone offset"));
}
