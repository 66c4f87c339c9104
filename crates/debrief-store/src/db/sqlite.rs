//! SQLite: one writer connection, a few readers, and the group-commit queue in
//! front of the writer ([`super::group`]).

use super::group::GroupWriter;
use super::{Conn, Engine, Row, StoreError, Value, sqlite_err, sqlite_placeholders};
use parking_lot::FairMutex;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

pub(super) struct SqliteConn<'a>(pub(super) &'a rusqlite::Connection);

impl Conn for SqliteConn<'_> {
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let sql = sqlite_placeholders(sql);
        let mut stmt = self.0.prepare_cached(&sql).map_err(sqlite_err)?;
        let n = stmt.column_count();
        let names: Arc<[String]> = stmt.column_names().into_iter().map(String::from).collect();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(sqlite_err)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(sqlite_err)? {
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                use rusqlite::types::ValueRef;
                vals.push(match r.get_ref(i).map_err(sqlite_err)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Real(v),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                });
            }
            out.push(Row::new(names.clone(), vals));
        }
        Ok(out)
    }
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let sql = sqlite_placeholders(sql);
        let mut stmt = self.0.prepare_cached(&sql).map_err(sqlite_err)?;
        stmt.execute(rusqlite::params_from_iter(params.iter()))
            .map(|n| n as u64)
            .map_err(sqlite_err)
    }
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.0.execute_batch(sql).map_err(sqlite_err)
    }
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }
}

/// One writer connection plus a few readers (WAL lets them read while it writes).
pub struct SqliteDb {
    /// The server's writes: queued, committed in groups by one thread.
    group: GroupWriter,
    path: PathBuf,
    /// Fair: the group writer and the one-off transactions of the CLI get the
    /// connection in the order they asked for it.
    writer: Arc<FairMutex<rusqlite::Connection>>,
    readers: Vec<Mutex<rusqlite::Connection>>,
}

impl SqliteDb {
    fn open_conn(path: &std::path::Path) -> Result<rusqlite::Connection, StoreError> {
        let c = rusqlite::Connection::open(path).map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot open SQLite database {}: {e}",
                path.display()
            ))
        })?;
        c.busy_timeout(Duration::from_secs(5)).map_err(sqlite_err)?;
        c.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        )
        .map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot use SQLite database {}: {e}",
                path.display()
            ))
        })?;
        c.set_prepared_statement_cache_capacity(128);
        Ok(c)
    }

    pub fn open(path: PathBuf, readers: usize) -> Result<Self, StoreError> {
        let writer = Self::open_conn(&path)?;
        // Reports have random identifiers, so each one lands on a random page of
        // the table and of its indexes: the writer keeps up to 64 MiB of pages
        // (allocated only as they are used) instead of re-reading them from the
        // OS, and checkpoints every 4,000 WAL pages rather than 1,000, so that a
        // page changed by many reports is copied back once.
        writer
            .execute_batch("PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=4000;")
            .map_err(sqlite_err)?;
        let readers = (0..readers.max(1))
            .map(|_| Self::open_conn(&path).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        let writer = Arc::new(FairMutex::new(writer));
        Ok(Self {
            group: GroupWriter::start(writer.clone())?,
            path,
            writer,
            readers,
        })
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Runs `f` on a reader connection. A closure that panicked poisons its
    /// reader's lock but not the connection (whatever it left open is ended
    /// before the next use), so a panic costs one request, not a reader.
    pub(super) fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // take the first free reader; wait on one chosen by thread if all are busy
        for m in &self.readers {
            let c = match m.try_lock() {
                Ok(c) => c,
                Err(std::sync::TryLockError::Poisoned(p)) => {
                    m.clear_poison();
                    p.into_inner()
                }
                Err(std::sync::TryLockError::WouldBlock) => continue,
            };
            end_open_transaction(&c)?;
            return f(&mut SqliteConn(&c));
        }
        let m = &self.readers[thread_index() % self.readers.len()];
        let c = m.lock().unwrap_or_else(|p| {
            m.clear_poison();
            p.into_inner()
        });
        end_open_transaction(&c)?;
        f(&mut SqliteConn(&c))
    }

    /// One statement on the writer connection, committed on its own.
    pub(super) fn write_one<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let c = self.writer.lock();
        end_open_transaction(&c)?;
        f(&mut SqliteConn(&c))
    }

    /// Runs `f` in one immediate transaction (it takes the write lock at once).
    /// The transaction rolls back when dropped: on an error, on a failed commit
    /// and while unwinding from a panic alike; the writer's lock does not poison,
    /// so the next write finds the connection idle and usable.
    pub(super) fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut c = self.writer.lock();
        end_open_transaction(&c)?;
        let tx = c
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sqlite_err)?;
        let v = f(&mut SqliteConn(&tx))?;
        tx.commit().map_err(sqlite_err)?;
        Ok(v)
    }
}

impl SqliteDb {
    /// Queues `f` for the writer thread, which runs it in a savepoint of the
    /// next group's transaction. The receiver answers once that group has
    /// committed, or with `f`'s error (or panic) once the group ends, `f`'s
    /// writes rolled back and the others' kept.
    pub(crate) fn queue_write<T, F>(&self, f: F) -> oneshot::Receiver<Result<T, StoreError>>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T, StoreError> + Send + 'static,
    {
        self.group.submit(f)
    }
}

/// Rolls back a transaction a connection was left in (a closure that began one
/// by hand and never ended it), so that nothing runs inside another's
/// uncommitted work. A connection in autocommit mode is left as it is.
pub(super) fn end_open_transaction(c: &rusqlite::Connection) -> Result<(), StoreError> {
    if c.is_autocommit() {
        return Ok(());
    }
    tracing::warn!("a SQLite connection was left inside a transaction; rolling it back");
    c.execute_batch("ROLLBACK").map_err(sqlite_err)
}

fn thread_index() -> usize {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::thread::current().id().hash(&mut h);
    h.finish() as usize
}
