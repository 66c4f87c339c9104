//! Group commit: on SQLite the writes queued while the writer is busy are
//! committed together, each in a savepoint of its own. A write that fails or
//! panics undoes only itself; every write is answered only once it is committed;
//! writes apply in the order they were made. On PostgreSQL each write is its
//! own transaction, and the same promises are checked where they apply.

use debrief_store::db::{Engine, Value};
use debrief_store::testkit::{TestDb, migrated_store, off_runtime};
use debrief_store::{Store, StoreError};
use std::sync::mpsc;

const ENGINES: [Engine; 2] = [Engine::Sqlite, Engine::Postgres];

fn second_handle(t: &TestDb) -> Store {
    let url = t.url.clone();
    off_runtime(move || Store::connect(&url).expect("second handle"))
}

fn insert(c: &mut dyn debrief_store::db::Conn, key: &str) -> debrief_store::Result<u64> {
    c.execute(
        "INSERT INTO settings (key, value) VALUES ($1, 'v')",
        &[Value::Text(key.into())],
    )
}

/// Committed settings whose key starts with `prefix`, as another connection sees them.
fn committed(other: &Store, prefix: &str) -> i64 {
    other
        .db()
        .read_blocking(|c| {
            c.query_one(
                "SELECT COUNT(*) AS n FROM settings WHERE key LIKE $1",
                &[Value::Text(format!("{prefix}%"))],
            )?
            .i64(0)
        })
        .expect("count from another connection")
}

/// Occupies the writer (SQLite's writer thread, or one PostgreSQL connection)
/// until the returned sender is dropped or sent to.
async fn hold_writer(s: &Store) -> (mpsc::Sender<()>, impl Future<Output = ()>) {
    let (release, wait) = mpsc::channel::<()>();
    let (held, is_held) = tokio::sync::oneshot::channel();
    let done = s.write(move |_| {
        let _ = held.send(());
        let _ = wait.recv();
        Ok(())
    });
    is_held.await.expect("the holding write started");
    (
        release,
        async move { done.await.expect("the holding write") },
    )
}

enum Plan {
    Succeed,
    /// writes, then returns an error
    Refuse,
    /// writes, then violates a unique key
    Duplicate,
    /// writes, then panics
    Panic,
}

fn plan(i: usize) -> Plan {
    match i % 4 {
        0 => Plan::Succeed,
        1 => Plan::Refuse,
        2 => Plan::Duplicate,
        _ => Plan::Panic,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_write_in_a_group_undoes_only_itself() {
    for e in ENGINES {
        let (t, s) = migrated_store(e);
        let other = second_handle(&t);
        s.set_setting("taken", "v").await.expect("seed");

        let (release, held) = hold_writer(&s).await;
        // queued while the writer is busy: on SQLite, one group
        let n = 40;
        let writes: Vec<_> = (0..n)
            .map(|i| {
                let other = other.clone();
                s.write(move |c| {
                    insert(c, &format!("g-{i:02}"))?;
                    match plan(i) {
                        Plan::Succeed => Ok(committed(&other, "g-")),
                        Plan::Refuse => Err(StoreError::Invalid("refused".into())),
                        Plan::Duplicate => insert(c, "taken").map(|_| -1),
                        Plan::Panic => panic!("a bug inside write {i}"),
                    }
                })
            })
            .collect();
        release.send(()).expect("release");
        held.await;

        let mut seen_committed = Vec::new();
        for (i, w) in writes.into_iter().enumerate() {
            let r = w.await;
            match plan(i) {
                Plan::Succeed => {
                    seen_committed.push(r.expect("a good write succeeds"));
                    // answered only once committed: another connection sees it
                    assert_eq!(
                        other.setting(&format!("g-{i:02}")).await.expect("read"),
                        Some("v".into()),
                        "{e:?}: write {i} was answered before it was committed"
                    );
                }
                Plan::Refuse => assert!(matches!(r, Err(StoreError::Invalid(_))), "{e:?} {i}"),
                Plan::Duplicate => {
                    assert!(matches!(r, Err(StoreError::Unique { .. })), "{e:?} {i}")
                }
                Plan::Panic => assert!(r.is_err(), "{e:?}: the panic is write {i}'s error"),
            }
        }
        for i in 0..n {
            let stored = other.setting(&format!("g-{i:02}")).await.expect("read");
            assert_eq!(
                stored.is_some(),
                matches!(plan(i), Plan::Succeed),
                "{e:?}: write {i}"
            );
        }
        if e == Engine::Sqlite {
            // while each good write ran, none of its group was committed yet: one transaction
            assert!(
                seen_committed.iter().all(|&k| k == 0),
                "the writes were not committed as one group: {seen_committed:?}"
            );
        }
        // the writer goes on as before
        s.set_setting("after", "1").await.expect("next write");
        assert_eq!(
            other.setting("after").await.expect("read"),
            Some("1".into())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_apply_in_the_order_they_were_made() {
    let (t, s) = migrated_store(Engine::Sqlite);
    let other = second_handle(&t);
    s.set_setting("order", "").await.expect("seed");
    let (release, held) = hold_writer(&s).await;
    let writes: Vec<_> = (0..50)
        .map(|i| {
            s.write(move |c| {
                c.execute(
                    "UPDATE settings SET value = value || $1 WHERE key = 'order'",
                    &[Value::Text(format!("{i},"))],
                )
            })
        })
        .collect();
    release.send(()).expect("release");
    held.await;
    for w in writes {
        assert_eq!(w.await.expect("write"), 1);
    }
    let expected: String = (0..50).map(|i| format!("{i},")).collect();
    assert_eq!(other.setting("order").await.expect("read"), Some(expected));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_that_cannot_begin_fails_every_write_and_the_writer_recovers() {
    let (t, s) = migrated_store(Engine::Sqlite);
    let path = t.url.trim_start_matches("sqlite://").to_string();
    // another process holds SQLite's write lock for longer than the busy timeout
    let (locked, is_locked) = tokio::sync::oneshot::channel();
    let (release, wait) = mpsc::channel::<()>();
    let blocker = std::thread::spawn(move || {
        let c = rusqlite::Connection::open(path).expect("open");
        c.execute_batch("BEGIN IMMEDIATE").expect("lock");
        let _ = locked.send(());
        let _ = wait.recv();
        c.execute_batch("ROLLBACK").expect("unlock");
    });
    is_locked.await.expect("locked");
    let writes: Vec<_> = (0..5)
        .map(|i| s.write(move |c| insert(c, &format!("blocked-{i}"))))
        .collect();
    for w in writes {
        assert!(
            matches!(w.await, Err(StoreError::Unavailable(_))),
            "a write that could not begin is refused"
        );
    }
    release.send(()).expect("release");
    blocker.join().expect("blocker");
    s.write(|c| insert(c, "after")).await.expect("next write");
    for i in 0..5 {
        assert_eq!(
            s.setting(&format!("blocked-{i}")).await.expect("read"),
            None
        );
    }
    assert_eq!(s.setting("after").await.expect("read"), Some("v".into()));
}

#[test]
fn the_schema_declares_no_deferred_constraint() {
    // A deferred constraint is checked at COMMIT, where one write's violation
    // would fail its whole group: group commit relies on there being none.
    let (_t, s) = migrated_store(Engine::Sqlite);
    let n = off_runtime(move || {
        s.db()
            .read_blocking(|c| {
                c.query_one(
                    "SELECT COUNT(*) FROM sqlite_master WHERE upper(sql) LIKE '%DEFERRABLE%'",
                    &[],
                )?
                .i64(0)
            })
            .expect("schema")
    });
    assert_eq!(n, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_chain_stays_whole_when_a_write_in_its_group_fails() {
    use debrief_store::audit::{Verification, append};
    for e in ENGINES {
        let (_t, s) = migrated_store(e);
        let (release, held) = hold_writer(&s).await;
        let writes: Vec<_> = (0..12)
            .map(|i| {
                s.write(move |c| {
                    append(c, 1_000 + i, "user:1", "test.entry", &format!("n:{i}"), "")?;
                    if i % 3 == 1 {
                        return Err(StoreError::Invalid("refused after its audit entry".into()));
                    }
                    Ok(())
                })
            })
            .collect();
        release.send(()).expect("release");
        held.await;
        let mut kept = 0;
        for (i, w) in writes.into_iter().enumerate() {
            if w.await.is_ok() {
                kept += 1;
            } else {
                assert_eq!(i % 3, 1, "{e:?}: write {i}");
            }
        }
        assert_eq!(kept, 8);
        let s2 = s.clone();
        match off_runtime(move || s2.verify_audit_blocking()).expect("verify") {
            Verification::Intact { entries } => assert_eq!(entries, 8, "{e:?}"),
            Verification::Tampered(err) => panic!("{e:?}: the chain is broken: {err:?}"),
        }
    }
}
