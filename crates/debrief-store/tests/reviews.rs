//! Reviews and action items in the store, on both engines in every test: SQLite
//! always, and PostgreSQL on the server `DEBRIEF_TEST_PG_URL` names.

use debrief_core::RoleSet;
use debrief_core::case::{Severity, Status};
use debrief_core::review::{ActionPriority, ActionStatus, CheckOutcome, LessonLevel, ReviewState};
use debrief_store::accounts::NewUser;
use debrief_store::action_items::{ItemChanges, ItemFilter, NewActionItem};
use debrief_store::cases::NewCase;
use debrief_store::db::Engine;
use debrief_store::reviews::{Edit, Impact};
use debrief_store::testkit::{TestDb, off_runtime};
use debrief_store::{Store, StoreError, now_ms};

fn open(engine: Engine) -> (TestDb, Store) {
    let t = TestDb::on(engine);
    let url = t.url.clone();
    let s = off_runtime(move || {
        let s = Store::connect(&url).expect("connect");
        s.migrate_blocking().expect("migrate");
        s
    });
    (t, s)
}

const ENGINES: [Engine; 2] = [Engine::Sqlite, Engine::Postgres];

async fn add_user(s: &Store, email: &str) -> i64 {
    let u = NewUser {
        email: email.into(),
        name: format!("Person {email}"),
        password_hash: "x".into(),
        roles: RoleSet::default(),
    };
    s.write(move |c| debrief_store::accounts::insert_user(c, &u, now_ms()))
        .await
        .expect("insert user")
        .id
}

async fn case(s: &Store, by: i64) -> i64 {
    s.create_case(
        NewCase {
            title: "Deploy token printed in a public CI log".into(),
            severity: Severity::High,
            report_ids: vec![],
            occurred_ms: None,
            detected_ms: None,
            urgent: false,
            created_by: by,
        },
        now_ms(),
    )
    .await
    .expect("case")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_opens_with_the_case_and_refuses_stale_saves() {
    for e in ENGINES {
        let (_t, s) = open(e);
        let lead = add_user(&s, "lead@example.org").await;
        let cid = case(&s, lead).await;
        assert!(s.review(cid, false).await.unwrap().is_none());
        let now = now_ms();
        for to in [Status::Investigating, Status::Resolved, Status::InReview] {
            s.transition(cid, to, None, None, lead, now).await.unwrap();
        }
        let r = s
            .review(cid, true)
            .await
            .unwrap()
            .expect("opened with the case")
            .review;
        assert_eq!(r.state, ReviewState::Draft);

        // two facilitators start from the same version; the second save is refused
        let v = r.what_version;
        s.edit_review(
            cid,
            Edit::What {
                what_happened: "First text".into(),
                interpretations: String::new(),
            },
            v,
            lead,
            now,
        )
        .await
        .unwrap();
        let second = s
            .edit_review(
                cid,
                Edit::What {
                    what_happened: "Second text".into(),
                    interpretations: String::new(),
                },
                v,
                lead,
                now,
            )
            .await;
        assert!(
            matches!(second, Err(StoreError::Conflict)),
            "{e:?}: {second:?}"
        );
        let r = s.review(cid, false).await.unwrap().unwrap().review;
        assert_eq!(
            r.what_happened, "First text",
            "{e:?}: the first save stands"
        );
        assert_eq!(r.what_version, v + 1);

        // list items carry their own versions
        let why = s
            .edit_review(
                cid,
                Edit::Why {
                    id: None,
                    problem: "A token was in the log".into(),
                    steps: vec!["The job echoed its environment".into()],
                    systemic_condition: "CI templates are not reviewed".into(),
                    restricted: false,
                },
                0,
                lead,
                now,
            )
            .await
            .unwrap()
            .expect("id");
        s.edit_review(
            cid,
            Edit::Why {
                id: Some(why),
                problem: "p".into(),
                steps: vec![],
                systemic_condition: "s".into(),
                restricted: false,
            },
            1,
            lead,
            now,
        )
        .await
        .unwrap();
        let stale = s
            .edit_review(
                cid,
                Edit::Why {
                    id: Some(why),
                    problem: "q".into(),
                    steps: vec![],
                    systemic_condition: "s".into(),
                    restricted: false,
                },
                1,
                lead,
                now,
            )
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{e:?}");
        let gone = s
            .edit_review(
                cid,
                Edit::Remove {
                    part: "why",
                    id: why + 100,
                },
                1,
                lead,
                now,
            )
            .await;
        assert!(matches!(gone, Err(StoreError::NotFound)), "{e:?}");

        // unknown factor categories are refused; built-in ones exist
        let bad = s
            .edit_review(
                cid,
                Edit::Factor {
                    id: None,
                    category: "luck".into(),
                    explanation: "x".into(),
                    restricted: false,
                },
                0,
                lead,
                now,
            )
            .await;
        assert!(
            matches!(
                bad,
                Err(StoreError::Rule {
                    field: "category",
                    ..
                })
            ),
            "{e:?}"
        );
        assert_eq!(s.factor_categories().await.unwrap().len(), 7);
        s.add_factor_category(
            "vendor_support".into(),
            "Vendor support".into(),
            "x".into(),
            lead,
            now,
        )
        .await
        .unwrap();
        s.edit_review(
            cid,
            Edit::Factor {
                id: None,
                category: "vendor_support".into(),
                explanation: "x".into(),
                restricted: false,
            },
            0,
            lead,
            now,
        )
        .await
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_hides_restricted_parts_and_interview_notes_and_moves_the_case() {
    for e in ENGINES {
        let (_t, s) = open(e);
        let lead = add_user(&s, "lead@example.org").await;
        let cid = case(&s, lead).await;
        let now = now_ms();
        for to in [Status::Investigating, Status::Resolved, Status::InReview] {
            s.transition(cid, to, None, None, lead, now).await.unwrap();
        }
        let imp = Impact {
            duration_minutes: Some(134),
            people_affected: Some(3),
            ..Default::default()
        };
        s.edit_review(cid, Edit::Impact(imp.clone()), 1, lead, now)
            .await
            .unwrap();
        s.edit_review(
            cid,
            Edit::Lesson {
                id: None,
                level: LessonLevel::Organisation,
                body: "Fund CI hygiene".into(),
                restricted: false,
            },
            0,
            lead,
            now,
        )
        .await
        .unwrap();
        s.edit_review(
            cid,
            Edit::Lesson {
                id: None,
                level: LessonLevel::InformationSystem,
                body: "Restricted detail".into(),
                restricted: true,
            },
            0,
            lead,
            now,
        )
        .await
        .unwrap();
        s.edit_review(
            cid,
            Edit::Interview {
                id: None,
                participant: "On-call engineer".into(),
                participant_id: None,
                notes: "Private words".into(),
            },
            0,
            lead,
            now,
        )
        .await
        .unwrap();

        // publishing straight from draft is refused, and warnings need an acknowledgement
        let skip = s
            .set_review_state(cid, ReviewState::Published, 0, false, lead, now)
            .await;
        assert!(matches!(skip, Err(StoreError::State(_))), "{e:?}");
        s.set_review_state(cid, ReviewState::InReview, 0, false, lead, now)
            .await
            .unwrap();
        let unacked = s
            .set_review_state(cid, ReviewState::Published, 2, false, lead, now)
            .await;
        assert!(matches!(unacked, Err(StoreError::State(_))), "{e:?}");
        let r = s
            .set_review_state(cid, ReviewState::Published, 2, true, lead, now)
            .await
            .unwrap();
        assert_eq!(r.lint_acknowledged_by, Some(lead));
        assert_eq!(
            s.case_detail(cid).await.unwrap().unwrap().case.status,
            Status::Published
        );

        let full = s.review(cid, true).await.unwrap().unwrap();
        assert_eq!(full.interviews.len(), 1);
        assert_eq!(full.review.impact, imp);
        let public = full.public();
        assert!(public.interviews.is_empty());
        assert_eq!(public.lessons.len(), 1);
        assert_eq!(
            s.review(cid, false)
                .await
                .unwrap()
                .unwrap()
                .interviews
                .len(),
            0
        );

        let (lib, total) = s.list_published(None, 50, 0).await.unwrap();
        assert_eq!((lib.len(), total), (1, 1), "{e:?}");
        assert_eq!(
            lib[0].lessons, 1,
            "{e:?}: restricted lessons are not counted"
        );
        assert_eq!(
            s.list_published(Some("ci LOG".into()), 50, 0)
                .await
                .unwrap()
                .1,
            1
        );
        assert_eq!(
            s.list_published(Some("nothing like this".into()), 50, 0)
                .await
                .unwrap()
                .1,
            0
        );

        let late = s
            .edit_review(
                cid,
                Edit::Learn {
                    went_well: "x".into(),
                    got_lucky: String::new(),
                },
                1,
                lead,
                now,
            )
            .await;
        assert!(
            matches!(late, Err(StoreError::State(_))),
            "{e:?}: published reviews are final"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn action_items_close_with_a_note_schedule_checks_and_remind_once() {
    for e in ENGINES {
        let (_t, s) = open(e);
        let lead = add_user(&s, "lead@example.org").await;
        let owner = add_user(&s, "owner@example.org").await;
        let cid = case(&s, lead).await;
        let now = now_ms();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let item = |title: &str, due: &str| NewActionItem {
            case_id: cid,
            title: title.into(),
            description: String::new(),
            owner_id: owner,
            due_day: due.into(),
            priority: ActionPriority::High,
            factor_id: None,
            tracker_url: Some("https://tracker.example.org/SEC-1".into()),
        };
        let late = s
            .create_action_item(item("Rotate the deploy keys", "2026-11-20"), lead, now)
            .await
            .unwrap();
        let soon = s
            .create_action_item(item("Mask secrets in CI", "2026-11-25"), lead, now)
            .await
            .unwrap();
        let later = s
            .create_action_item(item("Review CI templates", "2027-01-10"), lead, now)
            .await
            .unwrap();
        assert_eq!(late.status, ActionStatus::Open);

        let (mine, total) = s
            .list_action_items(
                ItemFilter {
                    owner_id: Some(owner),
                    open_only: true,
                    ..Default::default()
                },
                50,
                0,
            )
            .await
            .unwrap();
        assert_eq!(total, 3);
        assert_eq!(
            mine.iter().map(|i| i.id).collect::<Vec<_>>(),
            vec![late.id, soon.id, later.id],
            "{e:?}: overdue first"
        );

        // closing asks for a note; a stale version is a conflict
        let no_note = s
            .update_action_item(
                soon.id,
                ItemChanges {
                    status: Some(ActionStatus::Done),
                    ..Default::default()
                },
                soon.version,
                owner,
                now,
            )
            .await;
        assert!(
            matches!(no_note, Err(StoreError::Rule { field: "note", .. })),
            "{e:?}"
        );
        let done = s
            .update_action_item(
                soon.id,
                ItemChanges {
                    status: Some(ActionStatus::Done),
                    note: Some("CI now masks every secret variable".into()),
                    check_day: Some("2027-02-01".into()),
                    ..Default::default()
                },
                soon.version,
                owner,
                now,
            )
            .await
            .unwrap();
        assert_eq!(done.check_owner_id, Some(owner));
        assert!(done.closed_ms.is_some());
        let stale = s
            .update_action_item(
                soon.id,
                ItemChanges {
                    priority: Some(ActionPriority::Low),
                    ..Default::default()
                },
                soon.version,
                owner,
                now,
            )
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{e:?}");
        let checks = s.due_checks(owner).await.unwrap();
        assert_eq!(checks.len(), 1);
        let checked = s
            .record_check(
                soon.id,
                CheckOutcome::Effective,
                "No secrets in logs since".into(),
                owner,
                now,
            )
            .await
            .unwrap();
        assert_eq!(checked.check_outcome, Some(CheckOutcome::Effective));
        assert!(s.due_checks(owner).await.unwrap().is_empty());
        assert!(matches!(
            s.record_check(soon.id, CheckOutcome::Effective, String::new(), owner, now)
                .await,
            Err(StoreError::State(_))
        ));

        // reminders: the overdue one only (the due-soon one is done), once however often it runs
        assert_eq!(s.remind_action_items(today, now).await.unwrap(), 1, "{e:?}");
        assert_eq!(s.remind_action_items(today, now).await.unwrap(), 0, "{e:?}");
        let notices = s.notices(owner, 50).await.unwrap();
        assert!(
            notices
                .iter()
                .any(|n| n.kind == "overdue" && n.body.contains("Rotate the deploy keys")),
            "{notices:?}"
        );
        assert!(notices.iter().any(|n| n.kind == "assigned"));
        assert!(s.mark_notices_read(owner, now).await.unwrap() >= 1);
        assert!(s.notices(owner, 50).await.unwrap().iter().all(|n| n.read));

        let wont = s
            .update_action_item(
                later.id,
                ItemChanges {
                    status: Some(ActionStatus::WontDo),
                    note: Some("Replaced by the CI platform migration".into()),
                    ..Default::default()
                },
                later.version,
                lead,
                now,
            )
            .await
            .unwrap();
        assert_eq!(
            wont.closing_note.as_deref(),
            Some("Replaced by the CI platform migration")
        );
        let bad_owner = s
            .create_action_item(
                NewActionItem {
                    owner_id: 999_999,
                    ..item("x", "2027-01-01")
                },
                lead,
                now,
            )
            .await;
        assert!(
            matches!(
                bad_owner,
                Err(StoreError::Rule {
                    field: "owner_id",
                    ..
                })
            ),
            "{e:?}"
        );
    }
}
