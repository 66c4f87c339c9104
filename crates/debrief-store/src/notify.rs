//! Wake-ups across processes on PostgreSQL: a dedicated connection, on a thread
//! of its own, that `LISTEN`s on the jobs channel and turns every notification
//! into a wake-up of this process's runners ([`Store::job_wakeups`]). A lost
//! connection is re-established (with a wake-up afterwards, since notifications
//! sent meanwhile are gone); the runners' fallback poll covers the gap.

use crate::jobs::{NOTIFY_CHANNEL, Wake};
use crate::{Result, Store, StoreError};
use postgres::fallible_iterator::FallibleIterator;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long one wait for a notification lasts before the thread checks whether
/// it should stop.
const WAIT: Duration = Duration::from_millis(250);
/// An idle connection is checked this often, so a silently dropped one is noticed.
const CHECK_EVERY: Duration = Duration::from_secs(10);
const RETRY_MIN: Duration = Duration::from_millis(200);
const RETRY_MAX: Duration = Duration::from_secs(5);

/// Keeps the listening thread running; dropping it stops the thread (within
/// a quarter of a second, without waiting for it).
pub struct Listener {
    stop: Arc<AtomicBool>,
    listening: Arc<AtomicBool>,
}

impl Listener {
    /// Whether the dedicated connection is currently listening.
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// The dedicated connection, opened as the pool opens its own (the URL's
/// `sslmode` and `sslrootcert` apply); notifications carry only job kinds.
fn connect(url: &str) -> Result<postgres::Client> {
    let target = crate::tls::PgTarget::parse(url)?;
    let mut client = target.connect().map_err(|e| {
        StoreError::Unavailable(format!(
            "job listener cannot connect: {}",
            target.describe(&e)
        ))
    })?;
    client
        .batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}"))
        .map_err(|e| StoreError::Unavailable(format!("job listener cannot LISTEN: {e}")))?;
    Ok(client)
}

impl Store {
    /// Starts listening for enqueues in other processes. `None` on SQLite, where
    /// only this process writes and its enqueues wake its runners directly.
    /// Returns once the first `LISTEN` succeeded or failed (then the thread keeps
    /// trying), so that no enqueue after a successful return goes unheard.
    pub async fn listen_for_jobs(&self) -> Option<Listener> {
        let url = self.pg_url.clone()?;
        let stop = Arc::new(AtomicBool::new(false));
        let listening = Arc::new(AtomicBool::new(false));
        let (first_tx, first_rx) = tokio::sync::oneshot::channel::<()>();
        let wake = self.wake.clone();
        let (stop2, listening2) = (stop.clone(), listening.clone());
        let spawned = std::thread::Builder::new()
            .name("debrief-job-listener".into())
            .spawn(move || listen(&url, &wake, &stop2, &listening2, first_tx));
        match spawned {
            Ok(_) => {
                let _ = first_rx.await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot start the job listener; runners poll instead")
            }
        }
        Some(Listener { stop, listening })
    }
}

fn listen(
    url: &str,
    wake: &Wake,
    stop: &AtomicBool,
    listening: &AtomicBool,
    first: tokio::sync::oneshot::Sender<()>,
) {
    let mut first = Some(first);
    let mut retry = RETRY_MIN;
    let mut lost = false;
    while !stop.load(Ordering::Acquire) {
        let mut client = match connect(url) {
            Ok(c) => c,
            Err(e) => {
                if !lost {
                    tracing::warn!(error = %e, "job listener: no connection; runners poll until it is back");
                    lost = true;
                }
                if let Some(f) = first.take() {
                    let _ = f.send(());
                }
                sleep_unless_stopped(retry, stop);
                retry = (retry * 2).min(RETRY_MAX);
                continue;
            }
        };
        listening.store(true, Ordering::Release);
        if let Some(f) = first.take() {
            let _ = f.send(());
        }
        if lost {
            tracing::info!("job listener connected again");
            // whatever was announced while the connection was down is unheard
            wake.raise();
            lost = false;
        }
        retry = RETRY_MIN;
        let mut checked = Instant::now();
        while !stop.load(Ordering::Acquire) {
            let result = {
                let mut n = client.notifications();
                let mut it = n.timeout_iter(WAIT);
                loop {
                    match it.next() {
                        // at once: the iterator then waits for the next one
                        Ok(Some(_)) => wake.raise(),
                        Ok(None) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                }
            };
            let broken = match result {
                Err(e) => Some(e.to_string()),
                Ok(()) if client.is_closed() => Some("connection closed".to_string()),
                Ok(()) if checked.elapsed() >= CHECK_EVERY => {
                    checked = Instant::now();
                    client.simple_query("").err().map(|e| e.to_string())
                }
                Ok(()) => None,
            };
            if let Some(e) = broken {
                tracing::warn!(error = %e, "job listener lost its connection; reconnecting");
                lost = true;
                break;
            }
        }
        listening.store(false, Ordering::Release);
    }
}

fn sleep_unless_stopped(d: Duration, stop: &AtomicBool) {
    let until = Instant::now() + d;
    while !stop.load(Ordering::Acquire) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(WAIT));
    }
}
