//! The background job worker: claims due jobs from the database and runs them.
//! Several server processes can run workers against one PostgreSQL database; the
//! store's claiming guarantees each job runs on one worker at a time.

use debrief_store::jobs::NewJob;
use debrief_store::{Job, Store, now_ms};
use std::time::Duration;
use tokio::sync::watch;

/// Kinds of job this version knows.
pub const PURGE_SESSIONS: &str = "sessions.purge";

/// Runs jobs until `stop` turns true. `worker_id` names this process in claims.
pub async fn run(store: Store, worker_id: String, mut stop: watch::Receiver<bool>) {
    schedule_housekeeping(&store, now_ms()).await;
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
                        if job.kind == PURGE_SESSIONS {
                            schedule_housekeeping(&store, finished + 3_600_000).await;
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
        other => Err(format!("unknown job kind '{other}'")),
    }
}

/// Keeps one session clean-up job queued (the unique key makes this idempotent
/// across restarts and nodes).
async fn schedule_housekeeping(store: &Store, at: i64) {
    let job = NewJob {
        kind: PURGE_SESSIONS.into(),
        payload: "{}".into(),
        run_at_ms: at,
        unique_key: Some(PURGE_SESSIONS.into()),
        max_attempts: 5,
    };
    if let Err(e) = store.enqueue(job).await {
        tracing::warn!(error = %e, "could not schedule session clean-up");
    }
}
