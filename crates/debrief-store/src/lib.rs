//! Debrief's storage: domain-level methods over one [`db::Db`] handle that runs on
//! SQLite or PostgreSQL. SQL is written once; engine differences live in [`db`].
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod accounts;
pub mod action_items;
pub mod audit;
pub mod backup;
pub mod cases;
pub mod db;
pub mod jobs;
pub mod metrics;
pub mod migrate;
pub mod notify;
pub mod reports;
pub mod reviews;
pub mod rows;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod tls;
pub mod unique;

use db::{Conn, Db, Engine};
use std::sync::Arc;

pub use accounts::{ApiToken, Team, User};
pub use jobs::Job;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    BadUrl(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A value that must be unique is taken. `table` and `field` come from the
    /// violated constraint on either engine (see [`unique::KEYS`]); `field` is
    /// named as the forms and the API name it.
    #[error("{table}.{field} already exists")]
    Unique {
        table: &'static str,
        field: &'static str,
    },
    #[error("refers to something that does not exist, or is still referred to")]
    ForeignKey,
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Sql(String),
    #[error("unexpected data: {0}")]
    Decode(String),
    /// The value given for `field` breaks a rule only the stored data can
    /// check: the owner is not an active account, the report to join does not
    /// exist, detected would precede occurred.
    #[error("{field}: {message}")]
    Rule {
        field: &'static str,
        message: String,
    },
    /// What is stored does not allow this now: the report is already in a
    /// case, the check was recorded already, the last administrator.
    #[error("{0}")]
    State(String),
    /// Input to a command that cannot be used (a backup file, demo data).
    #[error("{0}")]
    Invalid(String),
    /// Someone else saved the same part first; nothing was written.
    #[error("changed by someone else since it was opened")]
    Conflict,
    #[error("{0}")]
    Transition(debrief_core::case::TransitionError),
}

impl StoreError {
    /// A refused value of `field`, with what is wrong with it.
    pub fn rule(field: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Rule {
            field,
            message: message.into(),
        }
    }
}
/// The settings key of the report form's promise.
const REPORTING_PROMISE: &str = "reporting_promise";
/// The settings key of the organisation's time zone (an IANA name).
const TIME_ZONE: &str = "time_zone";

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Milliseconds since the Unix epoch, the unit of every stored time.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The store. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: Arc<Db>,
    /// Raised by every enqueue; runners in this process wait on it.
    wake: Arc<jobs::Wake>,
    /// The PostgreSQL URL, for the job listener's dedicated connection.
    pg_url: Option<Arc<str>>,
}

impl Store {
    /// Opens the database named by `url` (no migrations are applied).
    pub fn connect(url: &str) -> Result<Store> {
        let db = Db::connect(url)?;
        let pg_url = (db.engine() == Engine::Postgres).then(|| Arc::from(url));
        Ok(Store {
            db: Arc::new(db),
            wake: Arc::new(jobs::Wake::new()),
            pg_url,
        })
    }

    pub fn engine(&self) -> Engine {
        self.db.engine()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Runs `f` on a blocking thread with a read connection.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || db.read_blocking(f))
            .await
            .map_err(|e| StoreError::Sql(format!("database task failed: {e}")))?
    }

    /// Runs `f` inside one transaction: its writes are committed together or
    /// not at all, and the returned future resolves once they are committed.
    ///
    /// The write starts when `write` is called, not when the future is first
    /// polled, so writes made one after another are applied in that order.
    /// On SQLite `f` is queued for the writer thread, which commits the writes
    /// queued together in one transaction, each in a savepoint of its own (see
    /// `db/group.rs`): an error or panic in `f` rolls back `f`'s writes only.
    /// On PostgreSQL `f` runs on a blocking thread in a transaction of its own.
    pub fn write<T, F>(&self, f: F) -> impl Future<Output = Result<T>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T> + Send + 'static,
    {
        self.start_write(f, false)
    }

    /// Runs `f`, which issues exactly one writing statement: on PostgreSQL it
    /// commits on its own, without BEGIN and COMMIT round trips; on SQLite it
    /// joins the writer thread's next group like any [`Store::write`].
    pub fn write_one<T, F>(&self, f: F) -> impl Future<Output = Result<T>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T> + Send + 'static,
    {
        self.start_write(f, true)
    }

    fn start_write<T, F>(&self, f: F, one: bool) -> impl Future<Output = Result<T>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T> + Send + 'static,
    {
        enum Started<T> {
            Queued(tokio::sync::oneshot::Receiver<Result<T>>),
            Spawned(tokio::task::JoinHandle<Result<T>>),
        }
        let started = match &*self.db {
            Db::Sqlite(s) => Started::Queued(s.queue_write(f)),
            Db::Postgres(_) => {
                let db = self.db.clone();
                Started::Spawned(tokio::task::spawn_blocking(move || {
                    if one {
                        db.write_one_blocking(f)
                    } else {
                        db.write_blocking(f)
                    }
                }))
            }
        };
        async move {
            match started {
                // the writer answers every write it takes; no answer means it stopped
                Started::Queued(rx) => rx.await.map_err(|_| {
                    StoreError::Unavailable("the database writer has stopped".into())
                })?,
                Started::Spawned(h) => h
                    .await
                    .map_err(|e| StoreError::Sql(format!("database task failed: {e}")))?,
            }
        }
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        self.read(|c| c.query("SELECT 1", &[]).map(|_| ())).await
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let key = key.to_string();
        self.read(move |c| {
            c.query_opt("SELECT value FROM settings WHERE key = $1", &params![key])?
                .map(|r| r.text(0))
                .transpose()
        })
        .await
    }

    /// The promise the report form makes to reporters: the organisation's own
    /// once an administrator has written it, the default until then.
    pub async fn reporting_promise(&self) -> Result<String> {
        Ok(self
            .setting(REPORTING_PROMISE)
            .await?
            .unwrap_or_else(|| debrief_core::report::DEFAULT_PROMISE.to_string()))
    }

    pub async fn set_reporting_promise(&self, promise: &str) -> Result<()> {
        self.set_setting(REPORTING_PROMISE, promise).await
    }

    /// The organisation's time zone, in which the learning metrics count days
    /// and quarters: the one an administrator chose, UTC until then.
    pub async fn time_zone(&self) -> Result<debrief_core::metrics::Tz> {
        match self.setting(TIME_ZONE).await? {
            None => Ok(debrief_core::metrics::period::DEFAULT_ZONE),
            // only valid names are written; one that no longer parses is
            // reported, never replaced by a guess
            Some(name) => debrief_core::metrics::period::zone(&name)
                .map_err(|e| StoreError::Decode(format!("settings.time_zone: {e}"))),
        }
    }

    /// Sets the organisation's time zone and audits the change (old and new
    /// zone) in the same transaction.
    pub async fn set_time_zone(
        &self,
        zone: debrief_core::metrics::Tz,
        actor: String,
    ) -> Result<()> {
        let now = now_ms();
        self.write(move |c| {
            let old = c
                .query_opt("SELECT value FROM settings WHERE key = $1", &params![TIME_ZONE])?
                .map(|r| r.text(0))
                .transpose()?
                .unwrap_or_else(|| debrief_core::metrics::period::DEFAULT_ZONE.name().to_string());
            c.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &params![TIME_ZONE, zone.name()],
            )?;
            crate::audit::append(
                c,
                now,
                &actor,
                "settings.time_zone_changed",
                "settings:time_zone",
                &format!("{old} -> {}", zone.name()),
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        let (key, value) = (key.to_string(), value.to_string());
        self.write(move |c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &params![key, value],
            )
            .map(|_| ())
        })
        .await
    }
}
