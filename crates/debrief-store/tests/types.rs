//! How values are read on both engines: aggregates alike, PostgreSQL's
//! `numeric` by its scale, and a type the store does not read as an error.

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

fn first_value(s: &Store, sql: &str) -> Result<Value, StoreError> {
    s.db()
        .read_blocking(|c| c.query_one(sql, &[]))
        .map(|r| r.values()[0].clone())
}

#[test]
fn aggregates_read_alike_on_both_engines() {
    let sum = "SELECT SUM(x) AS total FROM (SELECT 1 AS x UNION ALL SELECT 2) AS v";
    let avg = "SELECT AVG(x) AS mean FROM (SELECT 1 AS x UNION ALL SELECT 2) AS v";
    let third = "SELECT AVG(x) FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 2) AS v";
    for e in ENGINES {
        let (_t, s) = open(e);
        assert_eq!(first_value(&s, sum).unwrap(), Value::Int(3), "{e:?}");
        assert_eq!(first_value(&s, avg).unwrap(), Value::Real(1.5), "{e:?}");
        assert_eq!(
            first_value(&s, third).unwrap(),
            Value::Real(5.0 / 3.0),
            "{e:?}"
        );
        assert_eq!(
            first_value(&s, "SELECT 1.5").unwrap(),
            Value::Real(1.5),
            "{e:?}"
        );
    }
}

#[test]
fn postgres_numeric_is_read_by_its_scale_and_unknown_types_are_errors() {
    let (_t, s) = open(Engine::Postgres);
    let v = |sql: &str| first_value(&s, sql);
    assert_eq!(v("SELECT 1.5::numeric").unwrap(), Value::Real(1.5));
    assert_eq!(v("SELECT -0.001::numeric").unwrap(), Value::Real(-0.001));
    assert_eq!(v("SELECT 2.50::numeric(10,2)").unwrap(), Value::Real(2.5));
    assert_eq!(v("SELECT 0::numeric").unwrap(), Value::Int(0));
    assert_eq!(v("SELECT 10000::numeric").unwrap(), Value::Int(10000));
    assert_eq!(
        v("SELECT -20000000::numeric").unwrap(),
        Value::Int(-20_000_000)
    );
    assert_eq!(
        v("SELECT 9223372036854775807::numeric").unwrap(),
        Value::Int(i64::MAX)
    );
    assert_eq!(v("SELECT NULL::numeric").unwrap(), Value::Null);
    assert!(matches!(v("SELECT 'NaN'::numeric").unwrap(), Value::Real(x) if x.is_nan()));
    // an integer too large for 64 bits is refused, never rounded
    let e = v("SELECT 1e30::numeric").unwrap_err();
    assert!(
        matches!(&e, StoreError::Decode(m) if m.contains("64 bits")),
        "{e}"
    );
    // textual types stay text
    assert_eq!(v("SELECT 'a'::varchar").unwrap(), Value::Text("a".into()));
    assert_eq!(v("SELECT 'b'::name").unwrap(), Value::Text("b".into()));
    assert_eq!(v("SELECT 'c'::char(2)").unwrap(), Value::Text("c ".into()));
    assert_eq!(v("SELECT 'd'").unwrap(), Value::Text("d".into()));
    // a type the store does not read is an error naming the column and the type
    for (sql, column, ty) in [
        ("SELECT now()", "now", "timestamptz"),
        (
            "SELECT now() AS at_time WHERE false",
            "at_time",
            "timestamptz",
        ),
        ("SELECT '{}'::jsonb AS doc", "doc", "jsonb"),
        ("SELECT ARRAY[1, 2] AS list", "list", "_int4"),
        ("SELECT 1, now()::date AS day", "day", "date"),
    ] {
        let e = v(sql).unwrap_err();
        match &e {
            StoreError::Decode(m) => {
                assert!(
                    m.contains(&format!("column {column} ")) && m.contains(ty),
                    "{sql}: {m}"
                );
            }
            other => panic!("{sql}: {other:?}"),
        }
    }
}
