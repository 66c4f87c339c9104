//! `debrief backup` and `debrief restore` as an operator uses them: demo data moved
//! to the other engine and back (every table equal row for row, the audit chain
//! intact), a backup taken while the server writes, and files that must be refused.
//! The source engine is the one `DEBRIEF_TEST_DB` names; the other engine is the
//! target, so the two passes together cover SQLite → PostgreSQL → SQLite and
//! PostgreSQL → SQLite → PostgreSQL.

use debrief_store::Store;
use debrief_store::db::Engine;
use debrief_store::testkit::{TestDb, engine_from_env, off_runtime};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_debrief");

/// The key of the in-process test server (`Keys::from_master(&[9; 32])`), which
/// every command here uses too, so no key file is created.
const SECRET: &str = "0909090909090909090909090909090909090909090909090909090909090909";

fn debrief(args: &[&str]) -> Output {
    Command::new(BIN)
        .env("DEBRIEF_SECRET_KEY", SECRET)
        .env_remove("DEBRIEF_DATABASE_URL")
        .env("DEBRIEF_LOG", "warn")
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Exit code 2 with one line on stderr; returns that line.
fn refused(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

fn other(e: Engine) -> Engine {
    match e {
        Engine::Sqlite => Engine::Postgres,
        Engine::Postgres => Engine::Sqlite,
    }
}

type Contents = BTreeMap<String, (Vec<String>, Vec<String>)>;

/// Every table with its columns (sorted by name) and its rows (each rendered
/// with the columns in that order, sorted), read through the store.
fn contents(url: &str) -> Contents {
    let url = url.to_string();
    off_runtime(move || {
        let store = Store::connect(&url).unwrap();
        store
            .db()
            .read_blocking(|c| {
                let mut out = BTreeMap::new();
                for t in debrief_store::backup::schema(c)? {
                    let mut cols: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
                    cols.sort();
                    let quoted: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
                    let rows = c.query(
                        &format!("SELECT {} FROM \"{}\"", quoted.join(", "), t.name),
                        &[],
                    )?;
                    let mut rows: Vec<String> =
                        rows.iter().map(|r| format!("{:?}", r.values())).collect();
                    rows.sort();
                    out.insert(t.name, (cols, rows));
                }
                Ok(out)
            })
            .unwrap()
    })
}

fn table_count(url: &str) -> usize {
    let url = url.to_string();
    off_runtime(move || {
        let store = Store::connect(&url).unwrap();
        store
            .db()
            .read_blocking(debrief_store::backup::table_names)
            .unwrap()
            .len()
    })
}

fn max_id(url: &str, table: &str) -> i64 {
    let (url, sql) = (
        url.to_string(),
        format!("SELECT COALESCE(MAX(id), 0) FROM {table}"),
    );
    off_runtime(move || {
        let store = Store::connect(&url).unwrap();
        store
            .db()
            .read_blocking(|c| c.query_one(&sql, &[])?.i64(0))
            .unwrap()
    })
}

fn backup(url: &str, file: &Path) -> String {
    ok(&debrief(&[
        "backup",
        "--database",
        url,
        "-o",
        file.to_str().unwrap(),
    ]))
}

fn restore(url: &str, file: &Path) -> String {
    ok(&debrief(&[
        "restore",
        "--database",
        url,
        file.to_str().unwrap(),
    ]))
}

fn audit_intact(url: &str) {
    let out = ok(&debrief(&["audit", "verify", "--database", url]));
    assert!(out.contains("audit log intact"), "{out}");
    assert!(out.contains("keyed anchor"), "{out}");
}

#[test]
fn demo_data_moves_to_the_other_engine_and_back_unchanged() {
    let here = engine_from_env();
    let dir = tempfile::tempdir().unwrap();
    let src = TestDb::on(here);
    ok(&debrief(&["demo", "--scale", "12", "--database", &src.url]));
    let original = contents(&src.url);
    // the demo fills most tables: a comparison of empty tables would prove nothing
    let filled = original
        .values()
        .filter(|(_, rows)| !rows.is_empty())
        .count();
    assert!(
        filled >= 15,
        "only {filled} of {} tables have rows",
        original.len()
    );
    assert!(original.contains_key("schema_migrations"));
    assert!(!original["audit_log"].1.is_empty());

    let first = dir.path().join("first.debrief");
    let said = backup(&src.url, &first);
    assert!(
        said.contains("backed up") && said.contains("deployment key is not in the backup"),
        "{said}"
    );

    let there = TestDb::on(other(here));
    let said = restore(&there.url, &first);
    assert!(said.contains("restored"), "{said}");
    assert_eq!(
        contents(&there.url),
        original,
        "{here:?} → {:?}",
        other(here)
    );
    audit_intact(&there.url);

    let second = dir.path().join("second.debrief");
    backup(&there.url, &second);
    let back = TestDb::on(here);
    restore(&back.url, &second);
    assert_eq!(
        contents(&back.url),
        original,
        "{:?} → {here:?}",
        other(here)
    );
    audit_intact(&back.url);

    // new rows continue after the restored ids (identity sequences were moved on)
    for db in [&there, &back] {
        let before = max_id(&db.url, "users");
        let out = ok(&debrief(&[
            "user",
            "add",
            "--database",
            &db.url,
            "--email",
            "new.person@example.org",
            "--name",
            "New Person",
        ]));
        assert!(out.contains(&format!("(id {})", before + 1)), "{out}");
        audit_intact(&db.url);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_server_writes_restores_and_verifies() {
    let app = debrief_testkit::TestApp::spawn().await;
    let reporter = app.users[&debrief_core::Role::Reporter].clone();
    let token = app.token(&reporter).await;
    let dir = tempfile::tempdir().unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (url, stop) = (app.url("/api/v1/reports"), stop.clone());
        tokio::spawn(async move {
            let client = debrief_testkit::client();
            let mut made = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let r = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&serde_json::json!({
                        "kind": "near_miss",
                        "title": format!("Near miss {made}"),
                        "description": "A deploy almost went to the wrong cluster.",
                        "confidentiality": "named",
                    }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
                made += 1;
            }
            made
        })
    };
    let reports = |url: String| {
        off_runtime(move || {
            let s = Store::connect(&url).unwrap();
            s.db()
                .read_blocking(|c| c.query_one("SELECT COUNT(*) FROM reports", &[])?.i64(0))
                .unwrap()
        })
    };
    while reports(app.db.url.clone()) < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let file = dir.path().join("live.debrief");
    let (url, f) = (app.db.url.clone(), file.clone());
    let said = tokio::task::spawn_blocking(move || backup(&url, &f))
        .await
        .unwrap();
    let during = reports(app.db.url.clone());
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let made = writer.await.unwrap();
    assert!(said.contains("backed up"), "{said}");

    let target = TestDb::on(other(app.db.engine));
    let (url, f) = (target.url.clone(), file.clone());
    tokio::task::spawn_blocking(move || restore(&url, &f))
        .await
        .unwrap();
    let restored = reports(target.url.clone());
    assert!(
        restored >= 20 && restored <= during,
        "{restored} restored, {during} after the backup"
    );
    assert!((restored as u64) <= made);
    let url = target.url.clone();
    tokio::task::spawn_blocking(move || audit_intact(&url))
        .await
        .unwrap();
}

/// A small database with a backup of it.
fn small_backup(dir: &Path) -> (TestDb, std::path::PathBuf) {
    let src = TestDb::new();
    ok(&debrief(&[
        "user",
        "add",
        "--database",
        &src.url,
        "--email",
        "ada@example.org",
        "--name",
        "Ada",
        "--role",
        "admin",
    ]));
    let file = dir.join("small.debrief");
    backup(&src.url, &file);
    (src, file)
}

#[test]
fn damaged_or_foreign_files_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (_src, file) = small_backup(dir.path());
    let good = std::fs::read(&file).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "flipped",
            {
                let mut b = good.clone();
                let i = b.len() - 40;
                b[i] ^= 0x55;
                b
            },
            "does not match its SHA-256 checksum",
        ),
        (
            "truncated",
            good[..good.len() - 25].to_vec(),
            "is truncated",
        ),
        (
            "extended",
            [good.clone(), b"more".to_vec()].concat(),
            "is corrupted",
        ),
        (
            "text",
            b"hello, this is not a backup\n".to_vec(),
            "not a Debrief backup",
        ),
        ("empty", Vec::new(), "not a Debrief backup"),
        (
            "binary",
            vec![0xff, 0xfe, 0x00, 0x13, 0x37],
            "not a Debrief backup",
        ),
        (
            "headless",
            b"DEBRIEF-BACKUP\n{\"format\":1}\n".to_vec(),
            "is corrupted",
        ),
    ];
    for (name, bytes, expect) in cases {
        let path = dir.path().join(format!("{name}.debrief"));
        std::fs::write(&path, bytes).unwrap();
        let target = TestDb::new();
        let err = refused(&debrief(&[
            "restore",
            "--database",
            &target.url,
            path.to_str().unwrap(),
        ]));
        assert!(err.contains(expect), "{name}: {err}");
        assert!(
            err.contains(path.to_str().unwrap()),
            "{name} names the file: {err}"
        );
        assert_eq!(table_count(&target.url), 0, "{name}: nothing was written");
    }
}

#[test]
fn a_backup_from_a_newer_schema_or_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_src, file) = small_backup(dir.path());
    let good = std::fs::read(&file).unwrap();
    let latest = debrief_store::migrate::latest_version(engine_from_env());
    let header_end = good
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .unwrap()
        .0;
    let header = String::from_utf8(good[..header_end].to_vec()).unwrap();
    let content = &good[header_end..];
    for (from, to, expect) in [
        (
            format!("\"schema_version\":{latest}"),
            format!("\"schema_version\":{}", latest + 1),
            "newer than this Debrief knows",
        ),
        (
            "\"format\":1".to_string(),
            "\"format\":2".to_string(),
            "backup format 2 is newer",
        ),
    ] {
        assert!(header.contains(&from), "{header}");
        let path = dir.path().join("newer.debrief");
        std::fs::write(
            &path,
            [header.replace(&from, &to).as_bytes(), content].concat(),
        )
        .unwrap();
        let target = TestDb::new();
        let err = refused(&debrief(&[
            "restore",
            "--database",
            &target.url,
            path.to_str().unwrap(),
        ]));
        assert!(err.contains(expect), "{err}");
        assert_eq!(table_count(&target.url), 0);
    }
}

#[test]
fn only_an_empty_database_takes_a_restore() {
    let dir = tempfile::tempdir().unwrap();
    let (src, file) = small_backup(dir.path());
    let before = contents(&src.url);
    let f = file.to_str().unwrap();
    // the database it came from, with its rows
    let err = refused(&debrief(&["restore", "--database", &src.url, f]));
    assert!(err.contains("restore needs an empty database"), "{err}");
    assert_eq!(
        contents(&src.url),
        before,
        "the refused restore changed nothing"
    );
    // a database that only has the schema
    let migrated = TestDb::new();
    ok(&debrief(&["migrate", "--database", &migrated.url]));
    let err = refused(&debrief(&["restore", "--database", &migrated.url, f]));
    assert!(
        err.contains("restore needs an empty database") && err.contains("schema version"),
        "{err}"
    );
    // an empty one takes it
    let empty = TestDb::new();
    restore(&empty.url, &file);
    assert_eq!(contents(&empty.url), before);
}

#[test]
fn a_database_without_a_schema_has_nothing_to_back_up() {
    let dir = tempfile::tempdir().unwrap();
    let empty = TestDb::new();
    let file = dir.path().join("nothing.debrief");
    let err = refused(&debrief(&[
        "backup",
        "--database",
        &empty.url,
        "-o",
        file.to_str().unwrap(),
    ]));
    assert!(err.contains("no Debrief schema"), "{err}");
    assert!(!file.exists());
}
