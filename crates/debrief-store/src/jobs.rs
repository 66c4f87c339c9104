//! The durable job queue. A job is claimed with a lease; a worker that dies leaves
//! a lease that runs out, and the job is claimed again. On PostgreSQL, concurrent
//! workers skip each other's rows (`FOR UPDATE SKIP LOCKED`), so each job runs on
//! one worker at a time.

use crate::db::Row;
use crate::{Result, Store, StoreError, params};
use debrief_core::jobs::{LEASE_MS, backoff_ms};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub state: String,
    pub run_at_ms: i64,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
}

const COLS: &str = "id, kind, payload, state, run_at_ms, attempts, max_attempts, last_error";

fn job_from(r: &Row) -> Result<Job> {
    Ok(Job {
        id: r.i64(0)?,
        kind: r.text(1)?,
        payload: r.text(2)?,
        state: r.text(3)?,
        run_at_ms: r.i64(4)?,
        attempts: r.i64(5)?,
        max_attempts: r.i64(6)?,
        last_error: r.opt_text(7)?,
    })
}

pub struct NewJob {
    pub kind: String,
    pub payload: String,
    pub run_at_ms: i64,
    /// At most one unfinished job with this key exists; enqueuing another is a no-op.
    pub unique_key: Option<String>,
    pub max_attempts: i64,
}

impl Store {
    /// Queues a job; returns its id, or `None` when a job with the same unique key
    /// is already queued or running.
    pub async fn enqueue(&self, job: NewJob) -> Result<Option<i64>> {
        let now = crate::now_ms();
        self.write(move |c| {
            let r = c.query_opt(
                "INSERT INTO jobs (kind, payload, unique_key, state, run_at_ms, attempts, max_attempts, created_ms)
                 VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
                &params![job.kind, job.payload, job.unique_key, job.run_at_ms, job.max_attempts.max(1), now],
            )?;
            r.map(|r| r.i64(0)).transpose()
        })
        .await
    }

    /// Claims one due job for `worker`: a queued job whose time has come, or a
    /// running one whose lease ran out (its worker died).
    pub async fn claim_job(&self, worker: String, now: i64) -> Result<Option<Job>> {
        self.write(move |c| {
            let sql = format!(
                "SELECT id FROM jobs WHERE (state = 'queued' AND run_at_ms <= $1) OR (state = 'running' AND locked_until_ms <= $1)
                 ORDER BY run_at_ms, id LIMIT 1 {}",
                c.skip_locked()
            );
            let Some(r) = c.query_opt(&sql, &params![now])? else { return Ok(None) };
            let id = r.i64(0)?;
            let r = c.query_one(
                &format!(
                    "UPDATE jobs SET state = 'running', locked_by = $1, locked_until_ms = $2, attempts = attempts + 1
                     WHERE id = $3 RETURNING {COLS}"
                ),
                &params![worker, now + LEASE_MS, id],
            )?;
            job_from(&r).map(Some)
        })
        .await
    }

    /// Marks a job done; only the worker that holds it may.
    pub async fn complete_job(&self, id: i64, worker: String, now: i64) -> Result<()> {
        self.write(move |c| {
            let n = c.execute(
                "UPDATE jobs SET state = 'done', finished_ms = $1, locked_by = NULL, locked_until_ms = NULL, unique_key = NULL, last_error = NULL
                 WHERE id = $2 AND state = 'running' AND locked_by = $3",
                &params![now, id, worker],
            )?;
            if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
        })
        .await
    }

    /// Records a failure: retried after a back-off, or failed for good after the last attempt.
    pub async fn fail_job(&self, id: i64, worker: String, error: String, now: i64) -> Result<()> {
        self.write(move |c| {
            let Some(r) = c.query_opt(
                "SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND state = 'running' AND locked_by = $2",
                &params![id, worker.clone()],
            )?
            else {
                return Err(StoreError::NotFound);
            };
            let (attempts, max) = (r.i64(0)?, r.i64(1)?);
            let error: String = error.chars().take(2000).collect();
            if attempts >= max {
                c.execute(
                    "UPDATE jobs SET state = 'failed', finished_ms = $1, locked_by = NULL, locked_until_ms = NULL, unique_key = NULL, last_error = $2 WHERE id = $3",
                    &params![now, error, id],
                )?;
            } else {
                let delay = backoff_ms(u32::try_from(attempts).unwrap_or(u32::MAX));
                c.execute(
                    "UPDATE jobs SET state = 'queued', run_at_ms = $1, locked_by = NULL, locked_until_ms = NULL, last_error = $2 WHERE id = $3",
                    &params![now + delay, error, id],
                )?;
            }
            Ok(())
        })
        .await
    }

    pub async fn job(&self, id: i64) -> Result<Option<Job>> {
        self.read(move |c| {
            c.query_opt(
                &format!("SELECT {COLS} FROM jobs WHERE id = $1"),
                &params![id],
            )?
            .map(|r| job_from(&r))
            .transpose()
        })
        .await
    }

    /// Recent jobs, newest first, with the count of each state.
    pub async fn list_jobs(&self, limit: i64, offset: i64) -> Result<(Vec<Job>, i64)> {
        self.read(move |c| {
            let total = c.query_one("SELECT COUNT(*) FROM jobs", &[])?.i64(0)?;
            let rows = c.query(
                &format!("SELECT {COLS} FROM jobs ORDER BY id DESC LIMIT $1 OFFSET $2"),
                &params![limit, offset],
            )?;
            Ok((rows.iter().map(job_from).collect::<Result<_>>()?, total))
        })
        .await
    }
}
