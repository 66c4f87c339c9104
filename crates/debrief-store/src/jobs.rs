//! The durable job queue. A job is claimed with a lease that its runner renews
//! while the job runs; a runner that dies stops renewing, the lease runs out and
//! the job is claimed again. Every claim adds one to the job's `attempts`, and the
//! pair (runner, attempt) is the claim's fencing token: renewing, completing and
//! failing all name it in their `WHERE`, so a runner that lost its claim cannot
//! overwrite the outcome of the runner that took the job over. On PostgreSQL,
//! concurrent runners skip each other's rows (`FOR UPDATE SKIP LOCKED`); SQLite
//! has a single writer.
//!
//! Enqueuing wakes runners: in this process through [`Store::job_wakeups`], and on
//! PostgreSQL in every process through a `NOTIFY` on [`NOTIFY_CHANNEL`] that the
//! enqueuing statement sends as it commits (see [`crate::notify`]).

use crate::db::{Engine, Row};
use crate::{Result, Store, StoreError, params};
use debrief_core::jobs::backoff_ms;
use serde::Serialize;
use tokio::sync::watch;

/// The PostgreSQL channel on which enqueues are announced; the payload is the kind.
pub const NOTIFY_CHANNEL: &str = "debrief_jobs";

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

/// One claim on a job: who holds it and which attempt it is. Only the holder of
/// the current claim may renew it or record the job's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub job_id: i64,
    pub worker: String,
    /// The job's `attempts` after this claim: it grows with every claim, so an
    /// older claim never matches again.
    pub attempt: i64,
}

/// A claimed job and the lease that proves it.
#[derive(Debug, Clone)]
pub struct Claim {
    pub job: Job,
    pub lease: Lease,
}

/// The in-process wake-up signal: a counter that every enqueue raises. Each
/// runner holds a receiver and wakes when it changes, so no wake-up is lost
/// between a runner's look at the queue and its wait.
pub(crate) struct Wake(watch::Sender<u64>);

impl Wake {
    pub(crate) fn new() -> Wake {
        Wake(watch::Sender::new(0))
    }
    pub(crate) fn raise(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }
}

impl Store {
    /// A receiver that changes whenever a job is enqueued through this store (and,
    /// on PostgreSQL while [`Store::listen_for_jobs`] runs, in any process).
    pub fn job_wakeups(&self) -> watch::Receiver<u64> {
        self.wake.0.subscribe()
    }

    /// Queues a job; returns its id, or `None` when a job with the same unique key
    /// is already queued or running. Runners are woken once the job is committed.
    pub async fn enqueue(&self, job: NewJob) -> Result<Option<i64>> {
        let now = crate::now_ms();
        // one self-committing statement on either engine; on PostgreSQL its
        // NOTIFY (sent only when a row was inserted) is delivered at that commit
        let id = self
            .write_one(move |c| {
                let params = params![job.kind.clone(), job.payload, job.unique_key, job.run_at_ms, job.max_attempts.max(1), now, NOTIFY_CHANNEL];
                let r = match c.engine() {
                    Engine::Sqlite => c.query_opt(
                        "INSERT INTO jobs (kind, payload, unique_key, state, run_at_ms, attempts, max_attempts, created_ms)
                         VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
                        &params[..6],
                    )?,
                    Engine::Postgres => c.query_opt(
                        "WITH ins AS (
                             INSERT INTO jobs (kind, payload, unique_key, state, run_at_ms, attempts, max_attempts, created_ms)
                             VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6) ON CONFLICT DO NOTHING RETURNING id, kind
                         )
                         SELECT id, pg_notify($7, kind) FROM ins",
                        &params,
                    )?,
                };
                r.map(|r| r.i64(0)).transpose()
            })
            .await?;
        if id.is_some() {
            self.wake.raise();
        }
        Ok(id)
    }

    /// Claims up to `limit` due jobs of `kind` for `worker`, each with a lease of
    /// `lease_ms`: queued jobs whose time has come, and running ones whose lease
    /// ran out (their runner died). Oldest first. One statement, so it commits on
    /// its own; concurrent claimers on PostgreSQL skip each other's rows.
    pub async fn claim_jobs(
        &self,
        worker: &str,
        kind: &str,
        limit: usize,
        now: i64,
        lease_ms: i64,
    ) -> Result<Vec<Claim>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let (worker, kind) = (worker.to_string(), kind.to_string());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.write_one(move |c| {
            let sql = format!(
                "UPDATE jobs SET state = 'running', locked_by = $1, locked_until_ms = $2, attempts = attempts + 1
                 WHERE id IN (
                     SELECT id FROM jobs
                     WHERE kind = $3 AND ((state = 'queued' AND run_at_ms <= $4) OR (state = 'running' AND locked_until_ms <= $4))
                     ORDER BY run_at_ms, id LIMIT $5 {}
                 )
                 RETURNING {COLS}",
                c.skip_locked()
            );
            let rows = c.query(&sql, &params![worker.clone(), now + lease_ms, kind, now, limit])?;
            let mut out = rows.iter().map(job_from).collect::<Result<Vec<_>>>()?;
            out.sort_by_key(|j| (j.run_at_ms, j.id));
            Ok(out
                .into_iter()
                .map(|job| Claim {
                    lease: Lease {
                        job_id: job.id,
                        worker: worker.clone(),
                        attempt: job.attempts,
                    },
                    job,
                })
                .collect())
        })
        .await
    }

    /// Claims the oldest due job of any kind (see [`Store::claim_jobs`]).
    pub async fn claim_job(&self, worker: &str, now: i64, lease_ms: i64) -> Result<Option<Claim>> {
        let kind = self
            .read(move |c| {
                c.query_opt(
                    "SELECT kind FROM jobs WHERE (state = 'queued' AND run_at_ms <= $1) OR (state = 'running' AND locked_until_ms <= $1)
                     ORDER BY run_at_ms, id LIMIT 1",
                    &params![now],
                )?
                .map(|r| r.text(0))
                .transpose()
            })
            .await?;
        match kind {
            None => Ok(None),
            Some(kind) => Ok(self
                .claim_jobs(worker, &kind, 1, now, lease_ms)
                .await?
                .into_iter()
                .next()),
        }
    }

    /// Extends a claim to `now + lease_ms`. `false` when the claim is no longer
    /// current: the lease ran out and another runner took the job over.
    pub async fn renew_lease(&self, lease: &Lease, now: i64, lease_ms: i64) -> Result<bool> {
        let l = lease.clone();
        self.write_one(move |c| {
            let n = c.execute(
                "UPDATE jobs SET locked_until_ms = $1
                 WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempts = $4",
                &params![now + lease_ms, l.job_id, l.worker, l.attempt],
            )?;
            Ok(n == 1)
        })
        .await
    }

    /// Marks a job done. Only the current claim may: an outdated one gets
    /// [`StoreError::Conflict`] and changes nothing.
    pub async fn complete_job(&self, lease: &Lease, now: i64) -> Result<()> {
        let l = lease.clone();
        self.write_one(move |c| {
            let n = c.execute(
                "UPDATE jobs SET state = 'done', finished_ms = $1, locked_by = NULL, locked_until_ms = NULL, unique_key = NULL, last_error = NULL
                 WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempts = $4",
                &params![now, l.job_id, l.worker, l.attempt],
            )?;
            if n == 0 { Err(StoreError::Conflict) } else { Ok(()) }
        })
        .await
    }

    /// Records a failure: retried after a back-off, or failed for good after the
    /// last attempt. Only the current claim may ([`StoreError::Conflict`] otherwise).
    pub async fn fail_job(&self, lease: &Lease, error: String, now: i64) -> Result<()> {
        let l = lease.clone();
        let error: String = error.chars().take(2000).collect();
        let retry_at = now + backoff_ms(u32::try_from(l.attempt).unwrap_or(u32::MAX));
        self.write_one(move |c| {
            let n = c.execute(
                "UPDATE jobs SET
                     state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                     finished_ms = CASE WHEN attempts >= max_attempts THEN CAST($1 AS BIGINT) ELSE NULL END,
                     unique_key = CASE WHEN attempts >= max_attempts THEN NULL ELSE unique_key END,
                     run_at_ms = CASE WHEN attempts >= max_attempts THEN run_at_ms ELSE CAST($2 AS BIGINT) END,
                     locked_by = NULL, locked_until_ms = NULL, last_error = $3
                 WHERE id = $4 AND state = 'running' AND locked_by = $5 AND attempts = $6",
                &params![now, retry_at, error, l.job_id, l.worker, l.attempt],
            )?;
            if n == 0 { Err(StoreError::Conflict) } else { Ok(()) }
        })
        .await
    }

    /// For each kind with unfinished jobs, the earliest time one of them can be
    /// claimed: a queued job's `run_at_ms`, or when a running job's lease runs out.
    pub async fn next_due_by_kind(&self) -> Result<Vec<(String, i64)>> {
        self.read(move |c| {
            c.query(
                "SELECT kind, MIN(CASE WHEN state = 'queued' THEN run_at_ms ELSE locked_until_ms END)
                 FROM jobs WHERE state IN ('queued', 'running') GROUP BY kind",
                &[],
            )?
            .iter()
            .filter_map(|r| match r.opt_i64(1) {
                Ok(Some(at)) => Some(r.text(0).map(|k| (k, at))),
                Ok(None) => None,
                Err(e) => Some(Err(e)),
            })
            .collect()
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
