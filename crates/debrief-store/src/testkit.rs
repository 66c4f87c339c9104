//! Throwaway databases for tests. `DEBRIEF_TEST_DB=postgres` selects PostgreSQL
//! (server from `DEBRIEF_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`);
//! anything else selects a temporary SQLite file. A PostgreSQL database that cannot
//! be created is an error: tests never skip silently.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use crate::db::Engine;

pub struct TestDb {
    pub url: String,
    pub engine: Engine,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

fn random_suffix() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("random bytes");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn pg_admin_url() -> String {
    std::env::var("DEBRIEF_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

pub fn engine_from_env() -> Engine {
    match std::env::var("DEBRIEF_TEST_DB").as_deref() {
        Ok("postgres") | Ok("postgresql") => Engine::Postgres,
        _ => Engine::Sqlite,
    }
}

/// Runs `f` on a plain thread: the synchronous PostgreSQL driver (migrations,
/// CLI-style calls) must not run on an async runtime's thread.
pub fn off_runtime<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().expect("off-runtime thread")
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

impl TestDb {
    /// A fresh database on the engine `DEBRIEF_TEST_DB` names.
    pub fn new() -> TestDb {
        Self::on(engine_from_env())
    }

    pub fn on(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDb {
                    url,
                    engine,
                    _dir: Some(dir),
                    pg_admin: None,
                }
            }
            Engine::Postgres => {
                let admin = pg_admin_url();
                let name = format!("debrief_test_{}", random_suffix());
                let (a, n) = (admin.clone(), name.clone());
                // the synchronous driver may not run on an async runtime's thread
                std::thread::spawn(move || {
                    let mut c = postgres::Client::connect(&a, postgres::NoTls).unwrap_or_else(|e| {
                        panic!("PostgreSQL tests need a server at {a} (start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`): {e}")
                    });
                    c.batch_execute(&format!("CREATE DATABASE {n}")).expect("create test database");
                })
                .join()
                .expect("PostgreSQL test database");
                let mut u = url::Url::parse(&admin).expect("PostgreSQL URL");
                u.set_path(&format!("/{name}"));
                TestDb {
                    url: u.to_string(),
                    engine,
                    _dir: None,
                    pg_admin: Some((admin, name)),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_admin.take() {
            let _ = std::thread::spawn(move || {
                if let Ok(mut c) = postgres::Client::connect(&admin, postgres::NoTls) {
                    let _ =
                        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            })
            .join();
        }
    }
}

/// A fresh, migrated database on `engine` and a store on it.
pub fn migrated_store(engine: Engine) -> (TestDb, crate::Store) {
    let t = TestDb::on(engine);
    let url = t.url.clone();
    let s = off_runtime(move || {
        let s = crate::Store::connect(&url).expect("connect");
        s.migrate_blocking().expect("migrate");
        s
    });
    (t, s)
}
