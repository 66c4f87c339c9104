//! Write transactions that a panic cannot leave open, and reader connections
//! that a panic cannot take out of service, on both engines.

use debrief_store::db::{Engine, Value};
use debrief_store::testkit::{TestDb, off_runtime};
use debrief_store::{Store, StoreError};

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

async fn setting(s: &Store, key: &str) -> Option<String> {
    s.setting(key).await.expect("read setting")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_inside_a_write_rolls_it_back_and_the_next_writes_succeed() {
    for e in ENGINES {
        let (t, s) = open(e);
        for round in 0..3 {
            let key = format!("panicked-{round}");
            let r = s
                .write(move |c| -> debrief_store::Result<()> {
                    c.execute(
                        "INSERT INTO settings (key, value) VALUES ($1, 'x')",
                        &[Value::Text(key)],
                    )?;
                    panic!("a bug inside a write");
                })
                .await;
            assert!(r.is_err(), "{e:?}: the panic is an error for the caller");
        }
        // an error rolls back just the same
        let r = s
            .write(|c| -> debrief_store::Result<()> {
                c.execute(
                    "INSERT INTO settings (key, value) VALUES ('failed', 'x')",
                    &[],
                )?;
                Err(StoreError::Invalid("refused".into()))
            })
            .await;
        assert!(matches!(r, Err(StoreError::Invalid(_))));

        // the next writes succeed, in a transaction and on their own
        s.set_setting("after", "1")
            .await
            .expect("write after the panic");
        s.write_one(|c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES ('alone', '1')",
                &[],
            )
        })
        .await
        .expect("single statement after the panic");
        for round in 0..3 {
            assert_eq!(
                setting(&s, &format!("panicked-{round}")).await,
                None,
                "{e:?}"
            );
        }
        assert_eq!(setting(&s, "failed").await, None, "{e:?}");
        assert_eq!(setting(&s, "after").await.as_deref(), Some("1"), "{e:?}");
        assert_eq!(setting(&s, "alone").await.as_deref(), Some("1"), "{e:?}");

        // nothing holds the database: a second handle writes and sees those writes
        let url = t.url.clone();
        let other = off_runtime(move || Store::connect(&url).expect("second handle"));
        other
            .set_setting("other", "1")
            .await
            .expect("second handle writes");
        assert_eq!(
            setting(&other, "alone").await.as_deref(),
            Some("1"),
            "{e:?}"
        );
        assert_eq!(setting(&s, "other").await.as_deref(), Some("1"), "{e:?}");
        if e == Engine::Postgres {
            let open_tx = s
                .read(|c| {
                    c.query_one(
                        "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
                        &[],
                    )?
                    .i64(0)
                })
                .await
                .expect("pg_stat_activity");
            assert_eq!(open_tx, 0, "a connection was left inside a transaction");
        }
        drop(other);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_inside_a_read_costs_no_reader() {
    for e in ENGINES {
        let (_t, s) = open(e);
        s.set_setting("k", "v").await.expect("write");
        // more panics than there are reader connections
        for _ in 0..12 {
            let r = s
                .read(|c| -> debrief_store::Result<()> {
                    c.query("SELECT key FROM settings", &[])?;
                    panic!("a bug inside a read");
                })
                .await;
            assert!(r.is_err());
        }
        for _ in 0..12 {
            assert_eq!(setting(&s, "k").await.as_deref(), Some("v"), "{e:?}");
        }
    }
}
