//! The store's behaviour, run on both engines in every test: SQLite always, and
//! PostgreSQL on the server `DEBRIEF_TEST_PG_URL` names (a test that cannot reach it fails).

use debrief_core::{Role, RoleSet};
use debrief_store::accounts::NewUser;
use debrief_store::audit::Verification;
use debrief_store::db::Engine;
use debrief_store::jobs::NewJob;
use debrief_store::testkit::{TestDb, off_runtime};
use debrief_store::{Store, StoreError, now_ms, params};

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

#[test]
fn both_engines_reach_the_same_schema() {
    let (_a, sqlite) = open(Engine::Sqlite);
    let (_b, pg) = open(Engine::Postgres);
    let a = sqlite.schema_outline_blocking().expect("sqlite outline");
    let b = pg.schema_outline_blocking().expect("postgres outline");
    assert!(!a.is_empty());
    assert_eq!(a, b);
    assert_eq!(
        sqlite.schema_version_blocking().expect("v"),
        pg.schema_version_blocking().expect("v")
    );
}

#[test]
fn migrations_are_idempotent() {
    for e in ENGINES {
        let (_t, s) = open(e);
        assert_eq!(s.migrate_blocking().expect("second run"), 0, "{e:?}");
    }
}

async fn add_user(s: &Store, email: &str, roles: RoleSet) -> debrief_store::User {
    let u = NewUser {
        email: email.into(),
        name: "Test Person".into(),
        password_hash: "x".into(),
        roles,
    };
    s.write(move |c| debrief_store::accounts::insert_user(c, &u, now_ms()))
        .await
        .expect("insert user")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_sessions_and_tokens() {
    for e in ENGINES {
        let (_t, s) = open(e);
        let u = add_user(&s, "ada@example.org", RoleSet::from_roles([Role::Admin])).await;
        let dup = s
            .write(|c| {
                let u = NewUser {
                    email: "ada@example.org".into(),
                    name: "Other".into(),
                    password_hash: "x".into(),
                    roles: RoleSet::default(),
                };
                debrief_store::accounts::insert_user(c, &u, now_ms())
            })
            .await;
        assert!(
            matches!(
                dup,
                Err(StoreError::Unique {
                    table: "users",
                    field: "email"
                })
            ),
            "{e:?}: {dup:?}"
        );
        assert_eq!(s.count_admins().await.expect("count"), 1);

        let now = now_ms();
        s.create_session("h1".into(), u.id, now, now + 60_000)
            .await
            .expect("session");
        let su = s
            .session_user("h1".into(), now)
            .await
            .expect("lookup")
            .expect("live");
        assert!(su.user.roles.contains(Role::Admin));
        assert!(
            s.session_user("h1".into(), now + 61_000)
                .await
                .expect("lookup")
                .is_none(),
            "expired"
        );

        // the last enabled administrator keeps the role
        let refused = s
            .set_roles(u.id, RoleSet::from_roles([Role::Responder]))
            .await;
        assert!(
            matches!(refused, Err(StoreError::State(_))),
            "{e:?}: {refused:?}"
        );
        let refused = s.set_disabled(u.id, true, now).await;
        assert!(
            matches!(refused, Err(StoreError::State(_))),
            "{e:?}: {refused:?}"
        );
        add_user(&s, "grace@example.org", RoleSet::from_roles([Role::Admin])).await;

        // role changes are visible on the next lookup
        s.set_roles(u.id, RoleSet::from_roles([Role::Responder]))
            .await
            .expect("roles");
        let su = s
            .session_user("h1".into(), now)
            .await
            .expect("lookup")
            .expect("live");
        assert!(!su.user.roles.contains(Role::Admin));
        assert!(su.user.roles.contains(Role::Responder));

        let tid = s
            .create_token(u.id, "ci".into(), "th".into(), "dbt_abcd".into(), now)
            .await
            .expect("token");
        assert_eq!(
            s.token_user("th".into()).await.expect("t").expect("live").1,
            tid
        );

        // disabling ends sessions and tokens
        s.set_disabled(u.id, true, now).await.expect("disable");
        assert!(
            s.session_user("h1".into(), now)
                .await
                .expect("lookup")
                .is_none()
        );
        assert!(s.token_user("th".into()).await.expect("t").is_none());
        s.set_disabled(u.id, false, now).await.expect("enable");
        assert!(
            s.token_user("th".into()).await.expect("t").is_none(),
            "re-enabling does not revive tokens"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_chain_detects_edit_delete_and_reorder() {
    for e in ENGINES {
        for tamper in ["edit", "delete", "reorder"] {
            let (_t, s) = open(e);
            for i in 0..5 {
                s.audit("user:1".into(), "login", format!("user:{i}"), String::new())
                    .await
                    .expect("append");
            }
            let s2 = s.clone();
            assert!(matches!(
                off_runtime(move || s2.verify_audit_blocking()).expect("verify"),
                Verification::Intact { entries: 5 }
            ));
            // the database refuses edits through ordinary SQL
            let refused = s
                .write(|c| c.execute("UPDATE audit_log SET action = 'x' WHERE seq = 2", &[]))
                .await;
            assert!(refused.is_err(), "{e:?}: append-only trigger");
            let disable = match e {
                Engine::Sqlite => {
                    "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
                }
                Engine::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;",
            };
            let sql = match tamper {
                "edit" => "UPDATE audit_log SET object = 'user:99' WHERE seq = 3",
                "delete" => "DELETE FROM audit_log WHERE seq = 3",
                _ => {
                    "UPDATE audit_log SET seq = seq + 100 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 103;"
                }
            };
            s.write(move |c| {
                c.batch(disable)?;
                c.batch(sql)
            })
            .await
            .expect("tamper");
            let s2 = s.clone();
            match off_runtime(move || s2.verify_audit_blocking()).expect("verify") {
                Verification::Tampered(err) => {
                    let msg = err.to_string();
                    assert!(msg.starts_with("audit entry 3"), "{e:?} {tamper}: {msg}");
                }
                Verification::Intact { .. } => panic!("{e:?} {tamper}: tampering not detected"),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_retry_with_backoff_and_survive_a_dead_worker() {
    for e in ENGINES {
        let (_t, s) = open(e);
        let now = now_ms();
        let id = s
            .enqueue(NewJob {
                kind: "k".into(),
                payload: "{}".into(),
                run_at_ms: now,
                unique_key: Some("u1".into()),
                max_attempts: 2,
            })
            .await
            .expect("enqueue")
            .expect("id");
        let again = s
            .enqueue(NewJob {
                kind: "k".into(),
                payload: "{}".into(),
                run_at_ms: now,
                unique_key: Some("u1".into()),
                max_attempts: 2,
            })
            .await
            .expect("enqueue");
        assert_eq!(again, None, "{e:?}: unique key");

        let lease = debrief_core::jobs::LEASE_MS;
        let c1 = s
            .claim_job("w1", now, lease)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(c1.job.id, id);
        assert_eq!(c1.lease.attempt, 1);
        assert!(
            s.claim_job("w2", now, lease)
                .await
                .expect("claim")
                .is_none(),
            "held by w1"
        );
        s.fail_job(&c1.lease, "boom".into(), now)
            .await
            .expect("fail");
        assert!(
            s.claim_job("w2", now, lease)
                .await
                .expect("claim")
                .is_none(),
            "backing off"
        );
        let later = now + 10_001;
        let c2 = s
            .claim_job("w2", later, lease)
            .await
            .expect("claim")
            .expect("retry due");
        assert_eq!(c2.job.attempts, 2);

        // w2 dies holding the job; after the lease another worker takes it over
        let after_lease = later + lease + 1;
        let c3 = s
            .claim_job("w3", after_lease, lease)
            .await
            .expect("claim")
            .expect("lease expired");
        assert_eq!(c3.job.id, id);
        assert!(
            s.complete_job(&c2.lease, after_lease).await.is_err(),
            "w2 lost the job"
        );
        s.complete_job(&c3.lease, after_lease)
            .await
            .expect("complete");
        assert_eq!(s.job(id).await.expect("job").expect("exists").state, "done");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_workers_run_each_job_once_on_postgres() {
    let (_t, s) = open(Engine::Postgres);
    let now = now_ms();
    for i in 0..60 {
        s.enqueue(NewJob {
            kind: "k".into(),
            payload: format!("{i}"),
            run_at_ms: now,
            unique_key: None,
            max_attempts: 1,
        })
        .await
        .expect("enqueue");
    }
    // two independent stores stand for two server processes
    let url = _t.url.clone();
    let other = off_runtime(move || Store::connect(&url)).expect("second process");
    let mut handles = Vec::new();
    for (w, store) in [
        ("a", s.clone()),
        ("b", other.clone()),
        ("c", s.clone()),
        ("d", other.clone()),
    ] {
        handles.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(c) = store
                .claim_job(w, now, debrief_core::jobs::LEASE_MS)
                .await
                .expect("claim")
            {
                got.push(c.job.id);
                store.complete_job(&c.lease, now).await.expect("complete");
            }
            got
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.expect("worker"));
    }
    all.sort();
    let n = all.len();
    all.dedup();
    assert_eq!(n, 60, "every job ran");
    assert_eq!(all.len(), 60, "no job ran twice");
    let done = s
        .read(|c| {
            c.query_one("SELECT COUNT(*) FROM jobs WHERE state = 'done'", &params![])?
                .i64(0)
        })
        .await
        .expect("count");
    assert_eq!(done, 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_search_matches_name_or_email_and_takes_wildcards_literally() {
    for e in ENGINES {
        let (_t, s) = open(e);
        add_user(&s, "priya.raman@example.org", RoleSet::default()).await;
        add_user(&s, "dave_ops@example.org", RoleSet::default()).await;
        add_user(&s, "davexops@example.org", RoleSet::default()).await;
        let found = |q: &str| {
            let s = s.clone();
            let q = q.to_string();
            async move {
                let (users, total) = s.list_users(50, 0, Some(q)).await.expect("search");
                assert_eq!(users.len() as i64, total);
                users.into_iter().map(|u| u.email).collect::<Vec<_>>()
            }
        };
        assert_eq!(
            found("PRIYA").await,
            vec!["priya.raman@example.org"],
            "{e:?}"
        );
        assert_eq!(
            found("dave_").await,
            vec!["dave_ops@example.org"],
            "{e:?}: _ is literal"
        );
        assert_eq!(
            found("%").await,
            Vec::<String>::new(),
            "{e:?}: % is literal"
        );
        assert_eq!(s.list_users(50, 0, None).await.expect("all").1, 3);
    }
}

/// Every primary and unique key of `s`'s schema: (table, columns, primary,
/// PostgreSQL's constraint name or "" on SQLite).
fn schema_keys(s: &Store) -> Vec<(String, Vec<String>, bool, String)> {
    let engine = s.engine();
    s.db()
        .read_blocking(move |c| {
            let mut out = Vec::new();
            match engine {
                Engine::Sqlite => {
                    let tables = c.query(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                        &[],
                    )?;
                    for t in tables {
                        let t = t.text(0)?;
                        let mut has_pk_index = false;
                        for ix in c.query(
                            "SELECT name, origin FROM pragma_index_list($1) WHERE \"unique\" = 1",
                            &params![t.clone()],
                        )? {
                            let (name, origin) = (ix.text(0)?, ix.text(1)?);
                            has_pk_index |= origin == "pk";
                            let cols = c
                                .query(
                                    "SELECT name FROM pragma_index_info($1) ORDER BY seqno",
                                    &params![name],
                                )?
                                .iter()
                                .map(|r| r.text(0))
                                .collect::<Result<Vec<_>, _>>()?;
                            out.push((t.clone(), cols, origin == "pk", String::new()));
                        }
                        if !has_pk_index {
                            // an INTEGER PRIMARY KEY is the rowid: it has no index of its own
                            let cols = c
                                .query(
                                    "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk",
                                    &params![t.clone()],
                                )?
                                .iter()
                                .map(|r| r.text(0))
                                .collect::<Result<Vec<_>, _>>()?;
                            if !cols.is_empty() {
                                out.push((t.clone(), cols, true, String::new()));
                            }
                        }
                    }
                }
                Engine::Postgres => {
                    for r in c.query(
                        "SELECT t.relname::text, k.contype::text, k.conname::text,
                                array_to_string(ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
                                    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o), ',')
                         FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace s ON s.oid = t.relnamespace
                         WHERE s.nspname = current_schema() AND k.contype IN ('p', 'u')",
                        &[],
                    )? {
                        let cols = r.text(3)?.split(',').map(String::from).collect();
                        out.push((r.text(0)?, cols, r.text(1)? == "p", r.text(2)?));
                    }
                    // a unique index without a constraint would escape the list above
                    let loose = c.query_one(
                        "SELECT COUNT(*) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace
                         WHERE s.nspname = current_schema() AND i.indisunique
                           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
                        &[],
                    )?;
                    assert_eq!(loose.i64(0)?, 0, "a unique index that is not a constraint");
                }
            }
            Ok(out)
        })
        .expect("schema keys")
}

#[test]
fn every_unique_key_of_both_schemas_names_its_field() {
    use debrief_store::unique::KEYS;
    let mut expected: Vec<(String, Vec<String>, bool)> = KEYS
        .iter()
        .map(|k| {
            (
                k.table.to_string(),
                k.columns.iter().map(|c| c.to_string()).collect(),
                k.primary,
            )
        })
        .collect();
    expected.sort();
    for e in ENGINES {
        let (_t, s) = open(e);
        let found = schema_keys(&s);
        for (table, cols, _, constraint) in &found {
            if e == Engine::Postgres {
                let k = debrief_store::unique::from_postgres(constraint);
                assert_eq!(
                    k.map(|k| (k.table, k.columns.join(","))),
                    Some((table.as_str(), cols.join(","))),
                    "{constraint}"
                );
            }
        }
        let mut found: Vec<_> = found.into_iter().map(|(t, c, p, _)| (t, c, p)).collect();
        found.sort();
        assert_eq!(found, expected, "{e:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_name_the_field_on_both_engines() {
    for e in ENGINES {
        let (_t, s) = open(e);
        let team = |name: &'static str| {
            s.write(move |c| debrief_store::accounts::insert_team(c, name, "", now_ms()))
        };
        team("Platform").await.expect("first team");
        let dup = team("Platform").await;
        assert!(
            matches!(
                dup,
                Err(StoreError::Unique {
                    table: "teams",
                    field: "name"
                })
            ),
            "{e:?}: {dup:?}"
        );
        let u = add_user(&s, "lead@example.org", RoleSet::from_roles([Role::Admin])).await;
        let category = || {
            s.add_factor_category(
                "vendor".into(),
                "Vendor".into(),
                "A supplier's change".into(),
                u.id,
                now_ms(),
            )
        };
        category().await.expect("first category");
        let dup = category().await;
        assert!(
            matches!(
                dup,
                Err(StoreError::Unique {
                    table: "factor_categories",
                    field: "label"
                })
            ),
            "{e:?}: {dup:?}"
        );
    }
}
