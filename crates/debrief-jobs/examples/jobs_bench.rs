//! Time from the enqueue of a due job to its start, on a runner that is idle
//! (bench/jobs runs it; see docs/benchmarks.md).
//!
//!   jobs_bench ENGINE MODE N
//!
//! ENGINE: sqlite | postgres (a throwaway database on DEBRIEF_TEST_PG_URL).
//! MODE:   same  — enqueued through the runner's own store (in-process signal;
//!                 on PostgreSQL the NOTIFY is sent too);
//!         other — enqueued through a second store, as by another server process:
//!                 only PostgreSQL's LISTEN/NOTIFY wakes the runner;
//!         poll  — the previous worker's behaviour for comparison: no wake-ups,
//!                 a look at the queue every 2 s.
//! Jobs are enqueued one at a time, 10–30 ms after the previous one started
//! (10–2,010 ms in the poll mode, so enqueues fall at random points of its cycle); the
//! clock starts before the enqueue call (so its commit is included) and stops
//! when the handler begins. Prints: engine mode n median_ms p99_ms max_ms.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use debrief_jobs::{Config, Kind, Runner};
use debrief_store::db::Engine;
use debrief_store::jobs::NewJob;
use debrief_store::testkit::{TestDb, off_runtime};
use debrief_store::{Store, now_ms};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: jobs_bench sqlite|postgres same|other|poll N";
    let engine = match args.get(1).map(String::as_str) {
        Some("sqlite") => Engine::Sqlite,
        Some("postgres") => Engine::Postgres,
        _ => panic!("{usage}"),
    };
    let mode = args.get(2).cloned().expect(usage);
    let n: usize = args.get(3).and_then(|v| v.parse().ok()).expect(usage);
    let db = TestDb::on(engine);
    let url = db.url.clone();
    let (store, enqueuer) = off_runtime(move || {
        let s = Store::connect(&url).expect("connect");
        s.migrate_blocking().expect("migrate");
        let other = Store::connect(&url).expect("connect");
        (s, other)
    });
    let enqueuer = match mode.as_str() {
        "same" | "poll" => store.clone(),
        "other" => enqueuer,
        _ => panic!("{usage}"),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut lat = rt.block_on(async move {
        let (tx, mut rx) = mpsc::unbounded_channel::<(i64, Instant)>();
        let kind = Kind::new("bench.noop", 4, move |_s, job| {
            let at = Instant::now();
            let tx = tx.clone();
            async move {
                let _ = tx.send((job.id, at));
                Ok(())
            }
        });
        let mut config = Config::new("bench");
        if mode == "poll" {
            config.wakeups = false;
            config.poll = Duration::from_secs(2);
        }
        let runner = Runner::new(store.clone(), config, vec![kind]);
        let mut status = runner.status();
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let handle = tokio::spawn(runner.run(stop_rx));
        status.wait_for(|s| s.waiting).await.expect("runner");
        let mut seed = u64::try_from(now_ms()).unwrap_or(1) | 1;
        // polling: enqueue at a random phase of the 2 s cycle, not just after a look
        let gap_spread = if mode == "poll" { 2_000 } else { 21 };
        let mut lat = Vec::with_capacity(n);
        for _ in 0..n {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            tokio::time::sleep(Duration::from_millis(10 + seed % gap_spread)).await;
            let t0 = Instant::now();
            let id = enqueuer
                .enqueue(NewJob {
                    kind: "bench.noop".into(),
                    payload: "{}".into(),
                    run_at_ms: now_ms(),
                    unique_key: None,
                    max_attempts: 1,
                })
                .await
                .expect("enqueue")
                .expect("id");
            let (got, at) = rx.recv().await.expect("started");
            assert_eq!(got, id);
            lat.push(at.duration_since(t0).as_secs_f64() * 1000.0);
        }
        let _ = stop.send(true);
        handle.await.expect("runner");
        lat
    });
    lat.sort_by(|a, b| a.total_cmp(b));
    let pick = |q: f64| lat[((lat.len() as f64 * q).ceil() as usize).clamp(1, lat.len()) - 1];
    println!(
        "{} {} {} {:.2} {:.2} {:.2}",
        engine.name(),
        args[2],
        lat.len(),
        pick(0.5),
        pick(0.99),
        lat[lat.len() - 1]
    );
    drop(db);
}
