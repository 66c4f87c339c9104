//! The job runner. One dispatcher task claims due jobs and starts each on a task
//! of its own, up to a limit per kind, so a slow job of one kind never delays
//! another kind. While a job runs, its lease is renewed every third of the lease;
//! a renewal that finds the job claimed by someone else (this runner stalled past
//! its lease) stops the job, and its outcome is never recorded: completing and
//! failing are fenced by the claim's attempt number (see `debrief_store::jobs`).
//!
//! The dispatcher sleeps until the first of: an enqueue in this process, a
//! PostgreSQL `NOTIFY` from another process, the moment the next job of a kind
//! with room falls due (or a dead runner's lease runs out), one of its jobs
//! finishing, or the fallback poll.

use debrief_core::jobs::{LEASE_MS, POLL_FALLBACK_MS, renew_every_ms};
use debrief_store::jobs::{Claim, NewJob};
use debrief_store::{Job, Store, StoreError, now_ms};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// What a job's handler returns: `Err` with a message to retry after a back-off.
pub type JobFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'static>>;
type Handler = Arc<dyn Fn(Store, Job) -> JobFuture + Send + Sync>;

/// The shortest wait between two looks at the queue when a job is due but could
/// not be claimed (another process holds its row for an instant).
const MIN_WAIT_MS: i64 = 5;

/// A kind of job this runner knows: its name, how many may run at once in this
/// process, and what running one means.
#[derive(Clone)]
pub struct Kind {
    pub name: &'static str,
    pub concurrency: usize,
    /// A periodic kind keeps one job queued: after each run, the next is
    /// scheduled this many milliseconds later (and one at start).
    pub every_ms: Option<i64>,
    /// Attempts of each scheduled periodic job.
    pub max_attempts: i64,
    handler: Handler,
}

impl Kind {
    pub fn new<F, Fut>(name: &'static str, concurrency: usize, handler: F) -> Kind
    where
        F: Fn(Store, Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        Kind {
            name,
            concurrency: concurrency.max(1),
            every_ms: None,
            max_attempts: 5,
            handler: Arc::new(move |s, j| Box::pin(handler(s, j))),
        }
    }

    /// Makes the kind periodic.
    pub fn every(mut self, ms: i64) -> Kind {
        self.every_ms = Some(ms.max(1));
        self
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Names this runner in claims; unique per process.
    pub worker_id: String,
    pub lease_ms: i64,
    /// The fallback poll, for a wake-up that was lost.
    pub poll: Duration,
    /// Listen for enqueues (in-process signal, PostgreSQL `NOTIFY`) and sleep
    /// until the next job falls due. `false` leaves only the poll (to compare).
    pub wakeups: bool,
    /// How long a stopping runner waits for the jobs in flight before it
    /// abandons them (their leases run out and another runner takes them).
    pub shutdown_grace: Duration,
}

impl Config {
    pub fn new(worker_id: impl Into<String>) -> Config {
        Config {
            worker_id: worker_id.into(),
            lease_ms: LEASE_MS,
            poll: Duration::from_millis(POLL_FALLBACK_MS),
            wakeups: true,
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

/// What the runner is doing, for operations and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// The dispatcher is waiting for a wake-up (nothing it may claim is due).
    pub waiting: bool,
    /// Jobs running now.
    pub running: usize,
    /// Jobs started since the runner started.
    pub started: u64,
}

pub struct Runner {
    store: Store,
    config: Config,
    kinds: Vec<Kind>,
    status: watch::Sender<Status>,
}

impl Runner {
    pub fn new(store: Store, config: Config, kinds: Vec<Kind>) -> Runner {
        Runner {
            store,
            config,
            kinds,
            status: watch::Sender::new(Status::default()),
        }
    }

    pub fn status(&self) -> watch::Receiver<Status> {
        self.status.subscribe()
    }

    /// Runs jobs until `stop` turns true, then waits for the jobs in flight
    /// (up to the configured grace).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let Runner {
            store,
            config,
            kinds,
            status,
        } = self;
        let _listener = if config.wakeups {
            store.listen_for_jobs().await
        } else {
            None
        };
        let mut wake = store.job_wakeups();
        for k in &kinds {
            if k.every_ms.is_some() {
                schedule(&store, k, now_ms()).await;
            }
        }
        let mut running = vec![0usize; kinds.len()];
        let mut task_kind: HashMap<tokio::task::Id, usize> = HashMap::new();
        let mut tasks = JoinSet::new();
        loop {
            if *stop.borrow_and_update() {
                break;
            }
            wake.borrow_and_update();
            while let Some(done) = tasks.try_join_next_with_id() {
                reap(done, &mut task_kind, &mut running);
            }
            let now = now_ms();
            for (i, kind) in kinds.iter().enumerate() {
                let free = kind.concurrency.saturating_sub(running[i]);
                if free == 0 {
                    continue;
                }
                match store
                    .claim_jobs(&config.worker_id, kind.name, free, now, config.lease_ms)
                    .await
                {
                    Ok(claims) => {
                        for claim in claims {
                            running[i] += 1;
                            let h = tasks.spawn(run_one(
                                store.clone(),
                                kind.clone(),
                                claim,
                                config.lease_ms,
                            ));
                            task_kind.insert(h.id(), i);
                            status.send_modify(|s| s.started += 1);
                        }
                    }
                    Err(e) => tracing::warn!(kind = kind.name, error = %e, "could not claim jobs"),
                }
            }
            let wait = if config.wakeups {
                next_wait(&store, &kinds, &running, config.poll).await
            } else {
                config.poll
            };
            let total: usize = running.iter().sum();
            status.send_modify(|s| {
                s.waiting = true;
                s.running = total;
            });
            let deadline = Instant::now() + wait;
            tokio::select! {
                r = wake.changed(), if config.wakeups => {
                    if r.is_err() {
                        // cannot happen while the store lives; fall back to polling
                        tokio::time::sleep_until(deadline).await;
                    }
                }
                Some(done) = tasks.join_next_with_id() => reap(done, &mut task_kind, &mut running),
                _ = tokio::time::sleep_until(deadline) => {}
                _ = stop.changed() => {}
            }
            status.send_modify(|s| s.waiting = false);
        }
        let grace = tokio::time::sleep(config.shutdown_grace);
        tokio::pin!(grace);
        loop {
            tokio::select! {
                done = tasks.join_next_with_id() => match done {
                    Some(done) => reap(done, &mut task_kind, &mut running),
                    None => break,
                },
                _ = &mut grace => {
                    tracing::warn!(jobs = tasks.len(), "stopping with jobs unfinished; their leases will run out and they will run again");
                    tasks.abort_all();
                    break;
                }
            }
        }
        status.send_modify(|s| {
            s.waiting = false;
            s.running = 0;
        });
    }
}

fn reap(
    done: Result<(tokio::task::Id, ()), tokio::task::JoinError>,
    task_kind: &mut HashMap<tokio::task::Id, usize>,
    running: &mut [usize],
) {
    let id = match done {
        Ok((id, ())) => id,
        Err(e) => {
            if e.is_panic() {
                tracing::error!("a job panicked; its lease will run out and it will be retried");
            }
            e.id()
        }
    };
    if let Some(i) = task_kind.remove(&id)
        && let Some(n) = running.get_mut(i)
    {
        *n = n.saturating_sub(1);
    }
}

/// How long the dispatcher may sleep: until the earliest moment a job of a kind
/// with room can be claimed, at most the poll interval.
async fn next_wait(store: &Store, kinds: &[Kind], running: &[usize], poll: Duration) -> Duration {
    let due = match store.next_due_by_kind().await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "could not look for the next due job");
            return poll;
        }
    };
    let now = now_ms();
    let next = due
        .iter()
        .filter(|(k, _)| {
            kinds
                .iter()
                .zip(running)
                .any(|(kind, n)| kind.name == k && *n < kind.concurrency)
        })
        .map(|(_, at)| *at)
        .min();
    match next {
        None => poll,
        Some(at) => {
            let ms = u64::try_from((at - now).max(MIN_WAIT_MS)).unwrap_or(u64::MAX);
            Duration::from_millis(ms).min(poll)
        }
    }
}

/// Runs one claimed job: renews its lease meanwhile, then records the outcome.
async fn run_one(store: Store, kind: Kind, claim: Claim, lease_ms: i64) {
    let Claim { job, lease } = claim;
    let outcome = if job.attempts > job.max_attempts {
        // claimed again each time its runner died: give up instead of dying again
        Some(Err(format!(
            "stopped after {} attempts: the process running it ended before it finished",
            job.max_attempts
        )))
    } else {
        let every = Duration::from_millis(u64::try_from(renew_every_ms(lease_ms)).unwrap_or(1));
        let heartbeat = async {
            let mut beat = tokio::time::interval_at(Instant::now() + every, every);
            beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                beat.tick().await;
                match store.renew_lease(&lease, now_ms(), lease_ms).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(e) => {
                        tracing::warn!(job = job.id, error = %e, "could not renew a job's lease")
                    }
                }
            }
        };
        let work = (kind.handler)(store.clone(), job.clone());
        tokio::select! {
            r = work => Some(r),
            () = heartbeat => None,
        }
    };
    let now = now_ms();
    let recorded = match outcome {
        None => {
            tracing::warn!(job = job.id, kind = %job.kind, "another runner took the job over; stopped it without recording an outcome");
            return;
        }
        Some(Ok(())) => store.complete_job(&lease, now).await,
        Some(Err(e)) => {
            tracing::warn!(job = job.id, kind = %job.kind, error = %e, "job failed");
            store.fail_job(&lease, e, now).await
        }
    };
    match recorded {
        Ok(()) => {}
        Err(StoreError::Conflict) => tracing::warn!(
            job = job.id,
            kind = %job.kind,
            "another runner took the job over before it finished; its outcome is not recorded"
        ),
        Err(e) => tracing::warn!(job = job.id, error = %e, "could not record the job's outcome"),
    }
    if let Some(every) = kind.every_ms {
        // a no-op while this job is queued for a retry (same unique key)
        schedule(&store, &kind, now + every).await;
    }
}

/// Keeps one job of a periodic kind queued (the unique key makes this
/// idempotent across restarts and nodes).
async fn schedule(store: &Store, kind: &Kind, at: i64) {
    let job = NewJob {
        kind: kind.name.into(),
        payload: "{}".into(),
        run_at_ms: at,
        unique_key: Some(kind.name.into()),
        max_attempts: kind.max_attempts,
    };
    if let Err(e) = store.enqueue(job).await {
        tracing::warn!(error = %e, kind = kind.name, "could not schedule a periodic job");
    }
}
