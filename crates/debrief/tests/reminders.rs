//! The reminder job runs in `debrief serve`: an overdue action item and an
//! effectiveness check that has come due become in-app notices for their owners
//! (the store tests show each is created once), on the engine DEBRIEF_TEST_DB names.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use debrief_core::RoleSet;
use debrief_core::case::Severity;
use debrief_core::review::ActionPriority;
use debrief_store::accounts::NewUser;
use debrief_store::action_items::{ItemChanges, NewActionItem};
use debrief_store::cases::NewCase;
use debrief_store::testkit::{TestDb, off_runtime};
use debrief_store::{Store, now_ms};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_debrief");

#[test]
fn the_server_turns_due_items_and_checks_into_notices() {
    let db = TestDb::new();
    let url = db.url.clone();
    let store = off_runtime(move || {
        let s = Store::connect(&url).unwrap();
        s.migrate_blocking().unwrap();
        s
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    let owner = rt.block_on(async {
        let u = NewUser {
            email: "owner@example.org".into(),
            name: "Owner".into(),
            password_hash: "x".into(),
            roles: RoleSet::default(),
        };
        let owner = store
            .write(move |c| debrief_store::accounts::insert_user(c, &u, now_ms()))
            .await
            .unwrap()
            .id;
        let case = store
            .create_case(
                NewCase {
                    title: "Backups failed silently".into(),
                    severity: Severity::Medium,
                    report_ids: vec![],
                    occurred_ms: None,
                    detected_ms: None,
                    urgent: false,
                    created_by: owner,
                },
                now_ms(),
            )
            .await
            .unwrap();
        let today = chrono::Utc::now().date_naive();
        let day = |d: i64| {
            (today + chrono::Duration::days(d))
                .format("%Y-%m-%d")
                .to_string()
        };
        let item = |title: &str, due: String| NewActionItem {
            case_id: case,
            title: title.into(),
            description: String::new(),
            owner_id: owner,
            due_day: due,
            priority: ActionPriority::High,
            factor_id: None,
            tracker_url: None,
        };
        store
            .create_action_item(item("Alert on failed backups", day(-2)), owner, now_ms())
            .await
            .unwrap();
        store
            .create_action_item(
                item("Test a restore every quarter", day(30)),
                owner,
                now_ms(),
            )
            .await
            .unwrap();
        let done = store
            .create_action_item(item("Fix the backup job", day(10)), owner, now_ms())
            .await
            .unwrap();
        let done = store
            .update_action_item(
                done.id,
                ItemChanges {
                    status: Some(debrief_core::review::ActionStatus::Done),
                    note: Some("The job now fails loudly".into()),
                    check_day: Some(day(1)),
                    ..Default::default()
                },
                done.version,
                owner,
                now_ms(),
            )
            .await
            .unwrap();
        // the check came due yesterday (as if the item had been closed earlier)
        let (id, yesterday) = (done.id, day(-1));
        store
            .write(move |c| {
                c.execute(
                    "UPDATE action_items SET check_day = $1 WHERE id = $2",
                    &debrief_store::params![yesterday, id],
                )
            })
            .await
            .unwrap();
        owner
    });

    let mut child = Command::new(BIN)
        .env(
            "DEBRIEF_SECRET_KEY",
            "0101010101010101010101010101010101010101010101010101010101010101",
        )
        .env("DEBRIEF_LOG", "warn")
        .env_remove("DEBRIEF_DATABASE_URL")
        .args(["serve", "--database", &db.url, "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("Debrief listening on") {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            let _ = child.kill();
            panic!("server did not start");
        }
    }
    let kinds = || {
        rt.block_on(store.notices(owner, 50))
            .unwrap()
            .into_iter()
            .map(|n| n.kind)
            .filter(|k| k != "assigned")
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut found = kinds();
    while found.len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        found = kinds();
    }
    let _ = child.kill();
    let _ = child.wait();
    found.sort();
    assert_eq!(
        found,
        vec!["check_due", "overdue"],
        "the item due in 30 days gets no reminder yet"
    );
}
