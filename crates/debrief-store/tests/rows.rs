//! Every declared row type's columns against the real schema of both engines:
//! a misspelt column fails here, not in a request.

use debrief_store::db::Engine;
use debrief_store::rows::{declared, render};
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

/// The names each engine gives a statement's result columns, without running it.
fn described_names(t: &TestDb, sql: &str) -> Vec<String> {
    match t.engine {
        Engine::Sqlite => {
            let path = t.url.strip_prefix("sqlite://").expect("sqlite URL");
            let c = rusqlite::Connection::open(path).expect("open sqlite");
            let st = c.prepare(sql).expect("prepare");
            st.column_names().into_iter().map(String::from).collect()
        }
        Engine::Postgres => {
            let (url, sql) = (t.url.clone(), sql.to_string());
            off_runtime(move || {
                let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
                let st = c.prepare(&sql).expect("prepare");
                st.columns().iter().map(|c| c.name().to_string()).collect()
            })
        }
    }
}

#[test]
fn every_declared_column_list_selects_on_both_engines() {
    let all = declared();
    assert!(all.len() >= 20, "only {} declarations", all.len());
    for e in ENGINES {
        let (t, s) = open(e);
        for d in &all {
            let sql = format!("SELECT {} FROM {} LIMIT 0", render(&d.columns), d.from);
            let rows = s
                .db()
                .read_blocking(|c| c.query(&sql, &[]))
                .unwrap_or_else(|err| panic!("{} on {e:?}: {err}\n{sql}", d.name));
            assert!(rows.is_empty());
            let want: Vec<&str> = d.columns.iter().map(|c| c.name).collect();
            assert_eq!(described_names(&t, &sql), want, "{} on {e:?}", d.name);
        }
    }
}

#[test]
fn a_misspelt_column_fails_with_limit_0_on_both_engines() {
    for e in ENGINES {
        let (_t, s) = open(e);
        let r = s
            .db()
            .read_blocking(|c| c.query(r#"SELECT r.titel AS "title" FROM reports r LIMIT 0"#, &[]));
        assert!(matches!(r, Err(StoreError::Sql(_))), "{e:?}: {r:?}");
    }
}
