//! The background job worker: claims due jobs from the database and runs them.
//! Several server processes can run workers against one PostgreSQL database; the
//! store's claiming guarantees each job runs on one worker at a time.

use debrief_store::jobs::NewJob;
use debrief_store::{Job, Store, now_ms};
use std::time::Duration;
use tokio::sync::watch;

/// Kinds of job this version knows.
pub const PURGE_SESSIONS: &str = "sessions.purge";
/// Turns due and overdue action items and due effectiveness checks into notices.
pub const REMIND_ACTION_ITEMS: &str = "action_items.remind";

/// Jobs that run again after each run: (kind, interval in milliseconds).
const PERIODIC: &[(&str, i64)] = &[
    (PURGE_SESSIONS, 3_600_000),
    (REMIND_ACTION_ITEMS, 15 * 60_000),
];

/// Runs jobs until `stop` turns true. `worker_id` names this process in claims.
pub async fn run(store: Store, worker_id: String, mut stop: watch::Receiver<bool>) {
    for (kind, _) in PERIODIC {
        schedule(&store, kind, now_ms()).await;
    }
    loop {
        if *stop.borrow() {
            return;
        }
        let now = now_ms();
        match store.claim_job(worker_id.clone(), now).await {
            Ok(Some(job)) => {
                let result = execute(&store, &job).await;
                let finished = now_ms();
                let outcome = match result {
                    Ok(()) => {
                        let done = store
                            .complete_job(job.id, worker_id.clone(), finished)
                            .await;
                        if let Some((kind, every)) = PERIODIC.iter().find(|(k, _)| *k == job.kind) {
                            schedule(&store, kind, finished + every).await;
                        }
                        done
                    }
                    Err(e) => {
                        tracing::warn!(job = job.id, kind = %job.kind, error = %e, "job failed");
                        store.fail_job(job.id, worker_id.clone(), e, finished).await
                    }
                };
                if let Err(e) = outcome {
                    tracing::warn!(job = job.id, error = %e, "could not record the job's outcome");
                }
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not claim a job"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = stop.changed() => {}
        }
    }
}

async fn execute(store: &Store, job: &Job) -> Result<(), String> {
    match job.kind.as_str() {
        PURGE_SESSIONS => {
            let now = now_ms();
            let n = store
                .purge_sessions(now, now - crate::auth::SESSION_IDLE_MS)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(removed = n, "purged ended sessions");
            Ok(())
        }
        REMIND_ACTION_ITEMS => {
            let now = now_ms();
            let n = store
                .remind_action_items(debrief_core::review::day_of(now), now)
                .await
                .map_err(|e| e.to_string())?;
            if n > 0 {
                tracing::info!(created = n, "action-item reminders");
            }
            Ok(())
        }
        other => Err(format!("unknown job kind '{other}'")),
    }
}

/// Keeps one job of a periodic kind queued (the unique key makes this
/// idempotent across restarts and nodes).
async fn schedule(store: &Store, kind: &str, at: i64) {
    let job = NewJob {
        kind: kind.into(),
        payload: "{}".into(),
        run_at_ms: at,
        unique_key: Some(kind.into()),
        max_attempts: 5,
    };
    if let Err(e) = store.enqueue(job).await {
        tracing::warn!(error = %e, kind, "could not schedule a periodic job");
    }
}
