//! The job runner on both engines: SQLite always, and PostgreSQL on the server
//! `DEBRIEF_TEST_PG_URL` names (a test that cannot reach it fails). Waits are
//! liveness checks with a generous bound, never timing assertions: where a test
//! shows that something happens without the fallback poll, the poll is set to an
//! hour.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use debrief_jobs::{Config, Kind, Runner, Status};
use debrief_store::db::Engine;
use debrief_store::jobs::NewJob;
use debrief_store::testkit::{TestDb, off_runtime};
use debrief_store::{Store, StoreError, now_ms, params};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};

const ENGINES: [Engine; 2] = [Engine::Sqlite, Engine::Postgres];
const HOUR: Duration = Duration::from_secs(3600);

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

/// A second store on the same database: another server process.
fn other_process(t: &TestDb) -> Store {
    let url = t.url.clone();
    off_runtime(move || Store::connect(&url)).expect("second process")
}

fn config(worker: &str, lease_ms: i64, poll: Duration) -> Config {
    let mut c = Config::new(worker);
    c.lease_ms = lease_ms;
    c.poll = poll;
    c.shutdown_grace = Duration::from_secs(5);
    c
}

struct Running {
    stop: watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
    status: watch::Receiver<Status>,
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(true);
        self.handle.await.expect("runner task");
    }
    /// Waits until the dispatcher sleeps with nothing to claim.
    async fn idle(&mut self) {
        let idle =
            tokio::time::timeout(Duration::from_secs(30), self.status.wait_for(|s| s.waiting))
                .await
                .map(|w| w.is_ok());
        assert_eq!(idle, Ok(true), "the runner never went idle");
    }
}

fn start(store: &Store, config: Config, kinds: Vec<Kind>) -> Running {
    let runner = Runner::new(store.clone(), config, kinds);
    let status = runner.status();
    let (stop, rx) = watch::channel(false);
    let handle = tokio::spawn(runner.run(rx));
    Running {
        stop,
        handle,
        status,
    }
}

async fn enqueue(store: &Store, kind: &str, run_at_ms: i64) -> i64 {
    store
        .enqueue(NewJob {
            kind: kind.into(),
            payload: "{}".into(),
            run_at_ms,
            unique_key: None,
            max_attempts: 3,
        })
        .await
        .expect("enqueue")
        .expect("id")
}

/// Waits (at most 30 s) until `check` holds.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let until = tokio::time::Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(tokio::time::Instant::now() < until, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn state(store: &Store, id: i64) -> (String, Option<String>, i64) {
    store
        .read(move |c| {
            let r = c.query_one(
                "SELECT state, locked_by, attempts FROM jobs WHERE id = $1",
                &params![id],
            )?;
            Ok((r.text(0)?, r.opt_text(1)?, r.i64(2)?))
        })
        .await
        .expect("job state")
}

async fn count_in(store: &Store, kind: &str, st: &str) -> i64 {
    let (kind, st) = (kind.to_string(), st.to_string());
    store
        .read(move |c| {
            c.query_one(
                "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = $2",
                &params![kind, st],
            )?
            .i64(0)
        })
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_runs_up_to_its_limit_and_a_slow_kind_never_delays_another() {
    for e in ENGINES {
        let (_t, s) = open(e);
        let active = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(Semaphore::new(0));
        let fast_done = Arc::new(AtomicUsize::new(0));
        let (a, m, g) = (active.clone(), most.clone(), gate.clone());
        let slow = Kind::new("test.slow", 2, move |_s, _j| {
            let (a, m, g) = (a.clone(), m.clone(), g.clone());
            async move {
                let now = a.fetch_add(1, Ordering::SeqCst) + 1;
                m.fetch_max(now, Ordering::SeqCst);
                let permit = g.acquire().await.map_err(|e| e.to_string())?;
                permit.forget();
                a.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            }
        });
        let f = fast_done.clone();
        let fast = Kind::new("test.fast", 1, move |_s, _j| {
            let f = f.clone();
            async move {
                f.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        });
        let r = start(&s, config("w1", 30_000, HOUR), vec![slow, fast]);
        for _ in 0..5 {
            enqueue(&s, "test.slow", now_ms()).await;
        }
        eventually("two slow jobs run", || {
            let a = active.clone();
            async move { a.load(Ordering::SeqCst) == 2 }
        })
        .await;
        for _ in 0..3 {
            enqueue(&s, "test.fast", now_ms()).await;
        }
        eventually(
            "the fast jobs run while the slow ones hold their slots",
            || {
                let f = fast_done.clone();
                async move { f.load(Ordering::SeqCst) == 3 }
            },
        )
        .await;
        assert_eq!(active.load(Ordering::SeqCst), 2, "{e:?}");
        assert_eq!(
            count_in(&s, "test.slow", "queued").await,
            3,
            "{e:?}: limit 2"
        );
        gate.add_permits(5);
        eventually("every slow job finishes", || {
            let s = s.clone();
            async move { count_in(&s, "test.slow", "done").await == 5 }
        })
        .await;
        assert_eq!(
            most.load(Ordering::SeqCst),
            2,
            "{e:?}: never more than the limit"
        );
        eventually("the fast jobs are recorded done", || {
            let s = s.clone();
            async move { count_in(&s, "test.fast", "done").await == 3 }
        })
        .await;
        r.stop().await;
    }
}

/// Counts runs of a job, and which runner ran each.
fn recorder(name: &'static str, hold: Duration, log: Arc<Mutex<Vec<i64>>>) -> Kind {
    Kind::new(name, 4, move |_s, job| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(job.id);
            tokio::time::sleep(hold).await;
            Ok(())
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewed_lease_keeps_a_long_job_from_being_taken_over() {
    for e in ENGINES {
        let (t, s) = open(e);
        let other = other_process(&t);
        let runs = Arc::new(Mutex::new(Vec::new()));
        // the job runs for four leases; renewal every third of one keeps it
        let lease = 500;
        let long = Duration::from_millis(2_000);
        let a = start(
            &s,
            config("a", lease, HOUR),
            vec![recorder("test.long", long, runs.clone())],
        );
        let id = enqueue(&s, "test.long", now_ms()).await;
        eventually("runner a starts the job", || {
            let runs = runs.clone();
            async move { runs.lock().unwrap().len() == 1 }
        })
        .await;
        // another process looks for claimable jobs all the time
        let b = start(
            &other,
            config("b", lease, Duration::from_millis(25)),
            vec![recorder("test.long", long, runs.clone())],
        );
        eventually("the job is done", || {
            let s = s.clone();
            async move { state(&s, id).await.0 == "done" }
        })
        .await;
        b.stop().await;
        a.stop().await;
        assert_eq!(runs.lock().unwrap().len(), 1, "{e:?}: ran once");
        assert_eq!(state(&s, id).await.2, 1, "{e:?}: claimed once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_runners_job_is_claimed_again_when_its_lease_runs_out() {
    for e in ENGINES {
        let (_t, s) = open(e);
        let id = enqueue(&s, "test.work", now_ms()).await;
        // a runner claims it and dies: its lease is never renewed
        let dead = s
            .claim_jobs("dead", "test.work", 1, now_ms(), 800)
            .await
            .expect("claim");
        assert_eq!(dead.len(), 1);
        let runs = Arc::new(Mutex::new(Vec::new()));
        // no poll: the runner must wake when the lease runs out
        let r = start(
            &s,
            config("alive", 30_000, HOUR),
            vec![recorder("test.work", Duration::ZERO, runs.clone())],
        );
        eventually("the job is taken over and done", || {
            let s = s.clone();
            async move { state(&s, id).await.0 == "done" }
        })
        .await;
        r.stop().await;
        assert_eq!(*runs.lock().unwrap(), vec![id], "{e:?}");
        assert_eq!(state(&s, id).await.2, 2, "{e:?}: the second claim");
        assert!(
            matches!(
                s.complete_job(&dead[0].lease, now_ms()).await,
                Err(StoreError::Conflict)
            ),
            "{e:?}: the dead runner's claim is void"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enqueue_wakes_an_idle_runner_without_waiting_for_the_poll() {
    for e in ENGINES {
        let (t, s) = open(e);
        let runs = Arc::new(Mutex::new(Vec::new()));
        let mut r = start(
            &s,
            config("w", 30_000, HOUR),
            vec![recorder("test.wake", Duration::ZERO, runs.clone())],
        );
        // on PostgreSQL the enqueues also come from another process (NOTIFY);
        // SQLite serves one process, whose enqueues signal its runner directly
        let mut enqueuers = vec![s.clone()];
        if e == Engine::Postgres {
            enqueuers.push(other_process(&t));
        }
        let mut expected = Vec::new();
        for q in &enqueuers {
            r.idle().await;
            let id = enqueue(q, "test.wake", now_ms()).await;
            expected.push(id);
            eventually("the enqueued job runs", || {
                let s = s.clone();
                async move { state(&s, id).await.0 == "done" }
            })
            .await;
            // a job due a little later runs when it falls due
            r.idle().await;
            let id = enqueue(q, "test.wake", now_ms() + 300).await;
            expected.push(id);
            eventually("the job runs when it falls due", || {
                let s = s.clone();
                async move { state(&s, id).await.0 == "done" }
            })
            .await;
        }
        r.stop().await;
        assert_eq!(*runs.lock().unwrap(), expected, "{e:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runners_on_one_database_run_each_job_exactly_once() {
    for e in ENGINES {
        let (t, s) = open(e);
        let other = other_process(&t);
        let runs = Arc::new(Mutex::new(Vec::new()));
        let hold = Duration::from_millis(2);
        let poll = Duration::from_millis(100);
        let a = start(
            &s,
            config("a", 30_000, poll),
            vec![recorder("test.once", hold, runs.clone())],
        );
        let b = start(
            &other,
            config("b", 30_000, poll),
            vec![recorder("test.once", hold, runs.clone())],
        );
        let n = if e == Engine::Postgres { 400 } else { 200 };
        let mut ids = Vec::new();
        for i in 0..n {
            let q = if i % 2 == 0 { &s } else { &other };
            ids.push(enqueue(q, "test.once", now_ms()).await);
        }
        eventually("every job is done", || {
            let s = s.clone();
            async move { count_in(&s, "test.once", "done").await == n }
        })
        .await;
        let (a_started, b_started) = (a.status.borrow().started, b.status.borrow().started);
        a.stop().await;
        b.stop().await;
        let mut ran = runs.lock().unwrap().clone();
        ran.sort();
        ids.sort();
        assert_eq!(ran, ids, "{e:?}: each job ran exactly once");
        assert_eq!(
            a_started + b_started,
            u64::try_from(n).unwrap(),
            "{e:?}: started once each"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outdated_claim_can_neither_renew_nor_record_an_outcome() {
    for e in ENGINES {
        let (_t, s) = open(e);
        let id = enqueue(&s, "test.fence", now_ms()).await;
        let now = now_ms();
        let a = s
            .claim_jobs("a", "test.fence", 1, now, 1_000)
            .await
            .expect("claim")
            .remove(0)
            .lease;
        assert!(s.renew_lease(&a, now, 1_000).await.expect("renew"));
        // a stalls past its lease; b takes the job over
        let later = now + 1_001;
        let b = s
            .claim_jobs("b", "test.fence", 1, later, 1_000)
            .await
            .expect("claim")
            .remove(0)
            .lease;
        assert_eq!((b.job_id, b.attempt), (id, 2));
        assert!(
            !s.renew_lease(&a, later, 1_000).await.expect("renew"),
            "{e:?}"
        );
        assert!(matches!(
            s.complete_job(&a, later).await,
            Err(StoreError::Conflict)
        ));
        let late = s.fail_job(&a, "late".into(), later).await;
        assert!(matches!(late, Err(StoreError::Conflict)), "{e:?}: {late:?}");
        assert_eq!(state(&s, id).await, ("running".into(), Some("b".into()), 2));
        // the same runner claiming again holds a new attempt: the old one stays void
        let later2 = later + 1_001;
        let b2 = s
            .claim_jobs("b", "test.fence", 1, later2, 1_000)
            .await
            .expect("claim")
            .remove(0)
            .lease;
        assert!(matches!(
            s.complete_job(&b, later2).await,
            Err(StoreError::Conflict)
        ));
        s.complete_job(&b2, later2).await.expect("complete");
        assert_eq!(state(&s, id).await, ("done".into(), None, 3), "{e:?}");
    }
}

/// Blocks until released; reports when the runner dropped it (stopped the job).
fn held(
    name: &'static str,
    started: Arc<AtomicUsize>,
    gate: Arc<Semaphore>,
    dropped: Arc<AtomicUsize>,
) -> Kind {
    struct Guard(Arc<AtomicUsize>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    Kind::new(name, 1, move |_s, _j| {
        let (started, gate, dropped) = (started.clone(), gate.clone(), dropped.clone());
        async move {
            let _guard = Guard(dropped);
            started.fetch_add(1, Ordering::SeqCst);
            let p = gate.acquire().await.map_err(|e| e.to_string())?;
            p.forget();
            Ok(())
        }
    })
}

async fn steal(s: &Store, id: i64) {
    let until = now_ms() + 3_600_000;
    s.write(move |c| {
        c.execute(
            "UPDATE jobs SET locked_by = 'thief', attempts = attempts + 1, locked_until_ms = $1 WHERE id = $2",
            &params![until, id],
        )
    })
    .await
    .expect("steal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runner_that_lost_its_lease_does_not_overwrite_the_new_owner() {
    for e in ENGINES {
        let (_t, s) = open(e);
        // 1. the heartbeat finds the job taken over: the job is stopped
        let (started, gate, dropped) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(Semaphore::new(0)),
            Arc::new(AtomicUsize::new(0)),
        );
        let r = start(
            &s,
            config("w", 600, HOUR),
            vec![held(
                "test.held",
                started.clone(),
                gate.clone(),
                dropped.clone(),
            )],
        );
        let id = enqueue(&s, "test.held", now_ms()).await;
        eventually("the job starts", || {
            let st = started.clone();
            async move { st.load(Ordering::SeqCst) == 1 }
        })
        .await;
        steal(&s, id).await;
        eventually("the runner stops the job", || {
            let d = dropped.clone();
            async move { d.load(Ordering::SeqCst) == 1 }
        })
        .await;
        r.stop().await;
        assert_eq!(
            state(&s, id).await,
            ("running".into(), Some("thief".into()), 2),
            "{e:?}"
        );

        // 2. the job finishes before any renewal notices: completion is refused
        let (started, gate, dropped) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(Semaphore::new(0)),
            Arc::new(AtomicUsize::new(0)),
        );
        let mut r = start(
            &s,
            config("w", 3_600_000, HOUR),
            vec![held(
                "test.held2",
                started.clone(),
                gate.clone(),
                dropped.clone(),
            )],
        );
        let id = enqueue(&s, "test.held2", now_ms()).await;
        eventually("the job starts", || {
            let st = started.clone();
            async move { st.load(Ordering::SeqCst) == 1 }
        })
        .await;
        steal(&s, id).await;
        gate.add_permits(1);
        eventually("the job has ended", || {
            let d = dropped.clone();
            async move { d.load(Ordering::SeqCst) == 1 }
        })
        .await;
        let finished = tokio::time::timeout(
            Duration::from_secs(30),
            r.status.wait_for(|s| s.waiting && s.running == 0),
        )
        .await
        .map(|w| w.is_ok());
        assert_eq!(finished, Ok(true), "the runner never finished the job");
        r.stop().await;
        assert_eq!(
            state(&s, id).await,
            ("running".into(), Some("thief".into()), 2),
            "{e:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_retried_then_final_and_a_job_that_kills_its_runner_is_given_up() {
    for e in ENGINES {
        let (_t, s) = open(e);
        // failing on the last attempt is final
        let id = s
            .enqueue(NewJob {
                kind: "test.flaky".into(),
                payload: "{}".into(),
                run_at_ms: now_ms(),
                unique_key: Some("flaky".into()),
                max_attempts: 2,
            })
            .await
            .expect("enqueue")
            .expect("id");
        let now = now_ms();
        let c = s
            .claim_jobs("w", "test.flaky", 1, now, 1_000)
            .await
            .expect("claim");
        s.fail_job(&c[0].lease, "first".into(), now)
            .await
            .expect("fail");
        assert_eq!(state(&s, id).await.0, "queued", "{e:?}: retried");
        let later = now + debrief_core::jobs::backoff_ms(1);
        let c = s
            .claim_jobs("w", "test.flaky", 1, later, 1_000)
            .await
            .expect("claim");
        assert_eq!(c.len(), 1, "{e:?}: due after the back-off");
        s.fail_job(&c[0].lease, "second".into(), later)
            .await
            .expect("fail");
        let j = s.job(id).await.expect("job").expect("exists");
        assert_eq!(
            (j.state.as_str(), j.last_error.as_deref()),
            ("failed", Some("second"))
        );
        // the unique key is free again
        assert!(
            s.enqueue(NewJob {
                kind: "test.flaky".into(),
                payload: "{}".into(),
                run_at_ms: now_ms(),
                unique_key: Some("flaky".into()),
                max_attempts: 1,
            })
            .await
            .expect("enqueue")
            .is_some()
        );

        // a job whose runner died on each of its attempts is not run again
        let id = s
            .enqueue(NewJob {
                kind: "test.deadly".into(),
                payload: "{}".into(),
                run_at_ms: now_ms(),
                unique_key: None,
                max_attempts: 1,
            })
            .await
            .expect("enqueue")
            .expect("id");
        s.claim_jobs("dead", "test.deadly", 1, now_ms(), 1)
            .await
            .expect("claim");
        let runs = Arc::new(Mutex::new(Vec::new()));
        let r = start(
            &s,
            config("w", 30_000, HOUR),
            vec![recorder("test.deadly", Duration::ZERO, runs.clone())],
        );
        eventually("the job is given up", || {
            let s = s.clone();
            async move { state(&s, id).await.0 == "failed" }
        })
        .await;
        r.stop().await;
        assert!(runs.lock().unwrap().is_empty(), "{e:?}: not run again");
    }
}

async fn listener_pids(s: &Store) -> Vec<i64> {
    s.read(|c| {
        c.query(
            "SELECT CAST(pid AS BIGINT) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN debrief_jobs'",
            &[],
        )?
        .iter()
        .map(|r| r.i64(0))
        .collect()
    })
    .await
    .expect("listeners")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_listener_hears_other_processes_and_reconnects_after_a_loss() {
    for e in ENGINES {
        let (t, s) = open(e);
        let listener = s.listen_for_jobs().await;
        if e == Engine::Sqlite {
            // one process: enqueues signal its runners directly
            assert!(listener.is_none());
            let mut rx = s.job_wakeups();
            rx.borrow_and_update();
            enqueue(&s, "test.signal", now_ms()).await;
            assert!(
                rx.has_changed().expect("open"),
                "an enqueue raises the signal"
            );
            continue;
        }
        let listener = listener.expect("a listener on PostgreSQL");
        assert!(listener.is_listening());
        let other = other_process(&t);
        let mut rx = s.job_wakeups();
        for round in 0..2 {
            rx.borrow_and_update();
            enqueue(&other, "test.signal", now_ms()).await;
            let heard = tokio::time::timeout(Duration::from_secs(30), rx.changed()).await;
            assert!(matches!(heard, Ok(Ok(()))), "round {round}: NOTIFY heard");
            if round == 0 {
                let before = listener_pids(&other).await;
                assert_eq!(before.len(), 1, "{before:?}");
                let pid = before[0];
                other
                    .read(move |c| {
                        c.query(
                            "SELECT pg_terminate_backend(CAST($1 AS INTEGER))",
                            &params![pid],
                        )
                    })
                    .await
                    .expect("terminate");
                eventually("the listener connects again", || {
                    let other = other.clone();
                    async move {
                        let now = listener_pids(&other).await;
                        now.len() == 1 && now[0] != pid
                    }
                })
                .await;
            }
        }
        drop(listener);
    }
}
