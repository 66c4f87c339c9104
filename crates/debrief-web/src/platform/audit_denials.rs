//! Denied requests in the audit log, aggregated per actor and route.
//!
//! The audit log is append-only and hash-chained, so a denial cannot be counted
//! by updating an entry. Instead each server process keeps, per actor and route,
//! a window (a minute by default) in memory:
//!
//! - the first denial of a window is written at once, before the 403 is sent,
//!   as an `access.denied` entry with `count=1`, so the fact that it happened is
//!   permanent even if the process dies a moment later;
//! - later denials in the window are only counted;
//! - when the window closes, the count (if any) is written as one more entry
//!   with `count=N`, which opens the next window; a window without denials ends
//!   the key's state.
//!
//! So a caller looping on a route it may not use costs at most one entry per
//! minute per process, and the `count` fields of the entries add up to the number
//! of denials. A failed write puts its count back, to be written with the next
//! entry. On shutdown every pending count is written.

use debrief_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long one `access.denied` entry stands for the denials that follow it.
pub const WINDOW: Duration = Duration::from_secs(60);

type Key = (String, String);

/// The open windows of one server process.
pub struct Denials {
    window: Duration,
    /// Denials counted but not yet written, per actor and route with an open window.
    open: Mutex<HashMap<Key, u64>>,
}

impl Default for Denials {
    fn default() -> Self {
        Denials::new(WINDOW)
    }
}

/// The detail of an aggregated entry: how many denials it stands for.
pub fn detail(count: u64) -> String {
    format!("count={count}")
}

impl Denials {
    pub fn new(window: Duration) -> Denials {
        Denials {
            window,
            open: Mutex::new(HashMap::new()),
        }
    }

    fn with_open<T>(&self, f: impl FnOnce(&mut HashMap<Key, u64>) -> T) -> T {
        let mut guard = match self.open.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Records one denial of `route` (`METHOD /pattern`) to `actor`.
    pub async fn record(self: &Arc<Self>, store: &Store, actor: String, route: String) {
        let key = (actor, route);
        let opens = self.with_open(|open| match open.get_mut(&key) {
            Some(n) => {
                *n += 1;
                false
            }
            None => {
                open.insert(key.clone(), 0);
                true
            }
        });
        if !opens {
            return;
        }
        if write(store, &key, 1).await.is_err() {
            self.put_back(&key, 1);
        }
        let me = Arc::clone(self);
        let store = store.clone();
        tokio::spawn(async move { me.close_windows(store, key).await });
    }

    /// At the end of each window, writes what it counted; stops after a quiet one.
    async fn close_windows(self: Arc<Self>, store: Store, key: Key) {
        loop {
            tokio::time::sleep(self.window).await;
            let pending = self.with_open(|open| match open.get(&key).copied() {
                Some(0) | None => {
                    open.remove(&key);
                    None
                }
                Some(n) => {
                    open.insert(key.clone(), 0);
                    Some(n)
                }
            });
            let Some(n) = pending else { return };
            if write(&store, &key, n).await.is_err() {
                self.put_back(&key, n);
            }
        }
    }

    fn put_back(&self, key: &Key, n: u64) {
        self.with_open(|open| *open.entry(key.clone()).or_insert(0) += n);
    }

    /// Writes every pending count now (at shutdown); the windows stay open.
    pub async fn flush(&self, store: &Store) {
        let pending: Vec<(Key, u64)> = self.with_open(|open| {
            open.iter_mut()
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| (k.clone(), std::mem::take(n)))
                .collect()
        });
        for (key, n) in pending {
            if write(store, &key, n).await.is_err() {
                tracing::warn!(
                    denials = n,
                    "could not write the count of denied requests to the audit log"
                );
            }
        }
    }
}

async fn write(store: &Store, key: &Key, count: u64) -> Result<i64, debrief_store::StoreError> {
    let r = store
        .audit(key.0.clone(), "access.denied", key.1.clone(), detail(count))
        .await;
    if let Err(e) = &r {
        tracing::warn!(error = %e, "could not write a denied request to the audit log");
    }
    r
}
