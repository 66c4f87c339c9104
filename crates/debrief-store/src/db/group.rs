//! Group commit for SQLite: one thread owns the turn at the writer connection
//! and commits the writes queued while the previous group committed as one
//! transaction.
//!
//! SQLite has one writer. Handing its connection from request to request costs
//! a thread wake-up and a commit per write; a commit is the expensive part of a
//! small write, and waking the next waiter puts its latency behind the
//! scheduler's. Here the writes queue instead, and the writer thread takes every
//! write waiting (up to [`MAX_GROUP`]) and runs them in queue order in one
//! immediate transaction, each inside a savepoint of its own:
//!
//! - a write that returns an error (or panics) is rolled back to its savepoint
//!   and answered with its error; the others in the group are not affected;
//! - the writes that succeeded are answered only after the group's COMMIT has
//!   returned, so an acknowledged write is as durable as one committed alone;
//!   a failed COMMIT is every write's error and none is acknowledged.
//!
//! Nothing waits for a group to fill: a write that finds the queue empty is
//! committed at once, alone. Groups form only when writes arrive faster than
//! commits finish, which is when sharing a commit pays.

use super::sqlite::{SqliteConn, end_open_transaction};
use super::{Conn, sqlite_err};
use crate::StoreError;
use parking_lot::FairMutex;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc;
use tokio::sync::oneshot;

/// The most writes one transaction commits. Bounds the work one failed COMMIT
/// can undo and the time a group holds SQLite's write lock.
pub(crate) const MAX_GROUP: usize = 128;

/// One queued write: its closure, then its answer.
trait Queued: Send {
    /// Runs the write's closure; `true` when it succeeded.
    fn run(&mut self, c: &mut dyn Conn) -> bool;
    /// Answers the caller. `outcome` is how the group ended: committed, or the
    /// error that undid it (the error of a write that failed on its own wins).
    fn answer(self: Box<Self>, outcome: Result<(), &StoreError>);
}

struct Write<T, F> {
    f: Option<F>,
    result: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Queued for Write<T, F>
where
    T: Send,
    F: FnOnce(&mut dyn Conn) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, c: &mut dyn Conn) -> bool {
        let Some(f) = self.f.take() else {
            return false;
        };
        let r = f(c);
        let ok = r.is_ok();
        self.result = Some(r);
        ok
    }

    fn answer(self: Box<Self>, outcome: Result<(), &StoreError>) {
        let answer = match (self.result, outcome) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (Some(Ok(_)), Err(e)) => Err(repeat(e)),
            // the closure panicked (its savepoint was rolled back)
            (None, _) if self.f.is_none() => Err(StoreError::Sql(
                "database task failed: the write panicked".into(),
            )),
            // the group failed before this write's turn
            (None, Err(e)) => Err(repeat(e)),
            (None, Ok(())) => Err(StoreError::Sql("the write was not run".into())),
        };
        // the caller may have gone away (a dropped request); its write stands
        let _ = self.reply.send(answer);
    }
}

/// The same error for each write of a group that failed as a whole.
fn repeat(e: &StoreError) -> StoreError {
    match e {
        StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
        other => StoreError::Sql(other.to_string()),
    }
}

/// The queue in front of the writer thread.
pub(crate) struct GroupWriter {
    queue: Option<mpsc::Sender<Box<dyn Queued>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl GroupWriter {
    /// Starts the writer thread for `conn`. Others may lock `conn` too (the
    /// CLI's one-off transactions); the thread takes it once per group.
    pub(crate) fn start(conn: Arc<FairMutex<rusqlite::Connection>>) -> Result<Self, StoreError> {
        let (tx, rx) = mpsc::channel::<Box<dyn Queued>>();
        let thread = std::thread::Builder::new()
            .name("debrief-sqlite-writer".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut group = Vec::with_capacity(8);
                    group.push(first);
                    while group.len() < MAX_GROUP {
                        match rx.try_recv() {
                            Ok(w) => group.push(w),
                            Err(_) => break,
                        }
                    }
                    let c = conn.lock();
                    commit_group(&c, group);
                }
            })
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer thread: {e}")))?;
        Ok(GroupWriter {
            queue: Some(tx),
            thread: Some(thread),
        })
    }

    /// Queues `f`; the receiver answers once its group has committed (or with
    /// `f`'s own error as soon as its group ends).
    pub(crate) fn submit<T, F>(&self, f: F) -> oneshot::Receiver<Result<T, StoreError>>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, rx) = oneshot::channel();
        let w = Box::new(Write {
            f: Some(f),
            result: None,
            reply,
        });
        if let Some(q) = &self.queue {
            // a send fails only when the thread is gone, and then the dropped
            // reply answers the receiver with an error
            let _ = q.send(w);
        }
        rx
    }
}

impl Drop for GroupWriter {
    /// Lets the thread finish the writes already queued, then waits for it
    /// (unless the last handle is dropped by a write running on that thread).
    fn drop(&mut self) {
        self.queue.take();
        if let Some(t) = self.thread.take()
            && t.thread().id() != std::thread::current().id()
        {
            let _ = t.join();
        }
    }
}

/// Runs `group` in one immediate transaction, each write in a savepoint, then
/// answers every write.
fn commit_group(c: &rusqlite::Connection, mut group: Vec<Box<dyn Queued>>) {
    let outcome = run_group(c, &mut group);
    if outcome.is_err() && !c.is_autocommit() {
        // the transaction could not be committed: undo all of it
        let _ = c.execute_batch("ROLLBACK");
    }
    for w in group {
        w.answer(outcome.as_ref().map(|_| ()));
    }
}

fn run_group(c: &rusqlite::Connection, group: &mut [Box<dyn Queued>]) -> Result<(), StoreError> {
    end_open_transaction(c)?;
    c.execute_batch("BEGIN IMMEDIATE").map_err(sqlite_err)?;
    for w in group.iter_mut() {
        c.prepare_cached("SAVEPOINT write")
            .and_then(|mut s| s.execute([]))
            .map_err(sqlite_err)?;
        let ok = catch_unwind(AssertUnwindSafe(|| w.run(&mut SqliteConn(c)))).unwrap_or(false);
        if !ok {
            c.prepare_cached("ROLLBACK TO write")
                .and_then(|mut s| s.execute([]))
                .map_err(sqlite_err)?;
        }
        c.prepare_cached("RELEASE write")
            .and_then(|mut s| s.execute([]))
            .map_err(sqlite_err)?;
    }
    c.execute_batch("COMMIT").map_err(sqlite_err)
}
