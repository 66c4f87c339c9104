//! Every password check and hash goes through here: a process-wide cap on
//! concurrent Argon2 computations (each takes `ARGON2_MEMORY_KIB` of memory and
//! a core for tens of milliseconds), and the sign-in throttle, which counts an
//! attempt in the database *before* the password is checked.
//!
//! The throttle keys (keyed hashes, see `Keys::throttle_key`):
//! - account and address: exponential back-off after a few failures; a stranger
//!   elsewhere cannot slow the account's owner down;
//! - address: a higher allowance across all accounts (password spraying);
//! - account confirmations: wrong passwords sent to confirm a sensitive action
//!   (identity reveal, token creation, role changes, password change), which only
//!   a holder of the account's session or token can send.

use crate::AppState;
use debrief_store::accounts::Backoff;
use debrief_store::now_ms;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Concurrent password hashes at most, whatever the core count: with 12 MiB per
/// hash, 96 MiB.
pub const MAX_CONCURRENT_HASHES: usize = 8;

/// How long a sign-in waits for a free hashing slot before it is answered 503.
pub const SIGN_IN_WAIT: Duration = Duration::from_secs(2);
/// How long set-up, password changes and new accounts wait for one.
pub const ACCOUNT_WAIT: Duration = Duration::from_secs(30);

/// Per account and address: 5 attempts, then 1 s, 2 s, 4 s … up to 15 minutes
/// between attempts; forgotten after an hour without attempts.
pub const ACCOUNT_ADDRESS: Backoff = Backoff {
    free: 5,
    first_wait_ms: 1_000,
    max_wait_ms: 15 * 60 * 1000,
    forget_ms: 60 * 60 * 1000,
};
/// Per address, whatever the account: 30 attempts, then the same back-off.
pub const ADDRESS: Backoff = Backoff {
    free: 30,
    first_wait_ms: 1_000,
    max_wait_ms: 15 * 60 * 1000,
    forget_ms: 60 * 60 * 1000,
};
/// Per account, for confirmations of a sensitive action.
pub const CONFIRMATIONS: Backoff = ACCOUNT_ADDRESS;

type Job = Box<dyn FnOnce(&mut debrief_core::secret::Memory) + Send>;

struct Gate {
    sem: Arc<Semaphore>,
    permits: usize,
    /// The hashing threads' queue: exactly `permits` threads take jobs from it.
    jobs: std::sync::mpsc::Sender<Job>,
    waiting: AtomicUsize,
    active: AtomicUsize,
    peak: AtomicUsize,
    hashed: AtomicU64,
}

/// The hashing threads. Hashes run on these few long-lived threads, each with
/// its own Argon2 working memory that it reuses: hashing allocates nothing, so
/// the memory held is the threads' buffers and no more. (Allocated per hash on
/// the shared blocking pool, the allocator kept freed buffers in per-thread
/// arenas: about 60 MiB per thread after a burst.)
fn start_threads(wanted: usize) -> (std::sync::mpsc::Sender<Job>, usize) {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let rx = Arc::new(std::sync::Mutex::new(rx));
    let mut started = 0;
    for i in 0..wanted {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("debrief-hash-{i}"))
            .spawn(move || {
                // this thread's Argon2 working memory, reused by every hash
                let mut mem = debrief_core::secret::Memory::new();
                loop {
                    let next = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(poisoned) => poisoned.into_inner().recv(),
                    };
                    match next {
                        Ok(job) => job(&mut mem),
                        Err(_) => return,
                    }
                }
            });
        match spawned {
            Ok(_) => started += 1,
            Err(e) => tracing::error!(error = %e, "cannot start a password-hashing thread"),
        }
    }
    (tx, started)
}

fn gate() -> &'static Gate {
    static GATE: OnceLock<Gate> = OnceLock::new();
    GATE.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (jobs, started) = start_threads(cores.clamp(1, MAX_CONCURRENT_HASHES));
        // no thread at all: no slot is ever given, and sign-ins answer 503
        let permits = started;
        Gate {
            sem: Arc::new(Semaphore::new(permits)),
            permits,
            jobs,
            waiting: AtomicUsize::new(0),
            active: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            hashed: AtomicU64::new(0),
        }
    })
}

/// What the hashing cap has seen in this process.
#[derive(Debug, Clone, Copy)]
pub struct HashStats {
    /// Hashes allowed at once (the cores, at most [`MAX_CONCURRENT_HASHES`]).
    pub permits: usize,
    /// The most that ran at once.
    pub peak: usize,
    /// Hashes and verifications done.
    pub hashed: u64,
}

pub fn stats() -> HashStats {
    let g = gate();
    HashStats {
        permits: g.permits,
        peak: g.peak.load(Ordering::Relaxed),
        hashed: g.hashed.load(Ordering::Relaxed),
    }
}

/// All hashing slots were taken for longer than the caller would wait.
#[derive(Debug, Clone, Copy)]
pub struct Busy;

/// A hashing slot, held until the hash is done.
pub struct Slot {
    _permit: OwnedSemaphorePermit,
}

/// Waits at most `wait` for a hashing slot. Callers beyond 64 per slot are
/// refused at once, so a flood does not even queue.
pub async fn slot(wait: Duration) -> Result<Slot, Busy> {
    let g = gate();
    if let Ok(p) = g.sem.clone().try_acquire_owned() {
        return Ok(Slot { _permit: p });
    }
    if g.waiting.fetch_add(1, Ordering::AcqRel) >= g.permits * 64 {
        g.waiting.fetch_sub(1, Ordering::AcqRel);
        return Err(Busy);
    }
    let got = tokio::time::timeout(wait, g.sem.clone().acquire_owned()).await;
    g.waiting.fetch_sub(1, Ordering::AcqRel);
    match got {
        Ok(Ok(p)) => Ok(Slot { _permit: p }),
        _ => Err(Busy),
    }
}

impl Slot {
    /// Runs the Argon2 work on a hashing thread, holding the slot throughout
    /// (also when the caller has gone away meanwhile).
    async fn run<T: Send + 'static>(
        self,
        f: impl FnOnce(&mut debrief_core::secret::Memory) -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |mem| {
            let g = gate();
            let now = g.active.fetch_add(1, Ordering::AcqRel) + 1;
            g.peak.fetch_max(now, Ordering::AcqRel);
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(mem)));
            g.active.fetch_sub(1, Ordering::AcqRel);
            g.hashed.fetch_add(1, Ordering::Relaxed);
            drop(self);
            if let Ok(out) = out {
                let _ = tx.send(out);
            }
        });
        gate().jobs.send(job).map_err(|_| Busy)?;
        rx.await.map_err(|_| Busy)
    }

    pub async fn verify(self, password: String, phc: String) -> Result<bool, Busy> {
        self.run(move |mem| debrief_core::secret::verify_password_in(&password, &phc, mem))
            .await
    }

    pub async fn hash(self, password: String) -> Result<Result<String, String>, Busy> {
        self.run(move |mem| {
            debrief_core::secret::hash_password_in(&password, mem).map_err(|e| e.to_string())
        })
        .await
    }
}

/// Why a password was not checked.
#[derive(Debug)]
pub enum Refused {
    /// Too many recent failures under one of the keys: wait this long.
    Throttled(Duration),
    /// Every hashing slot is taken.
    Busy,
    /// The database did not answer.
    Store(debrief_store::StoreError),
}

impl Refused {
    /// Seconds for `Retry-After`.
    pub fn retry_after(&self) -> u64 {
        match self {
            Refused::Throttled(d) => crate::platform::limiter::retry_after_secs(*d),
            Refused::Busy | Refused::Store(_) => 1,
        }
    }
}

/// The keys a sign-in attempt for `email` from `ip` counts under.
pub fn sign_in_keys(state: &AppState, email: &str, ip: IpAddr) -> Vec<(String, Backoff)> {
    vec![
        (
            state
                .keys
                .throttle_key(&format!("account+address:{email}\n{ip}")),
            ACCOUNT_ADDRESS,
        ),
        (state.keys.throttle_key(&format!("address:{ip}")), ADDRESS),
    ]
}

/// The key of a signed-in account's confirmations.
pub fn confirmation_key(state: &AppState, user_id: i64) -> String {
    state.keys.throttle_key(&format!("confirmations:{user_id}"))
}

/// Checks a password under the throttle: takes a hashing slot, reserves the
/// attempt under `keys` (so parallel attempts count before any hash is done),
/// then verifies. On success the caller clears the counters it should.
pub async fn checked(
    state: &AppState,
    keys: Vec<(String, Backoff)>,
    password: String,
    phc: String,
) -> Result<bool, Refused> {
    let slot = slot(SIGN_IN_WAIT).await.map_err(|_| Refused::Busy)?;
    match state.store.reserve_attempt(keys, now_ms()).await {
        Ok(None) => {}
        Ok(Some(wait_ms)) => {
            return Err(Refused::Throttled(Duration::from_millis(
                wait_ms.max(0) as u64
            )));
        }
        Err(e) => return Err(Refused::Store(e)),
    }
    slot.verify(password, phc).await.map_err(|_| Refused::Busy)
}

/// Clears counters after a correct password.
pub async fn forget(state: &AppState, keys: Vec<String>) {
    if let Err(e) = state.store.clear_attempts(keys).await {
        tracing::warn!(error = %e, "could not clear the sign-in counters");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_and_is_capped() {
        let b = ACCOUNT_ADDRESS;
        assert_eq!(b.wait_ms(0), 0);
        assert_eq!(b.wait_ms(4), 0);
        assert_eq!(b.wait_ms(5), 1_000);
        assert_eq!(b.wait_ms(6), 2_000);
        assert_eq!(b.wait_ms(10), 32_000);
        assert_eq!(b.wait_ms(20), 15 * 60 * 1000);
        assert_eq!(b.wait_ms(i64::MAX), 15 * 60 * 1000);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn the_cap_holds_under_a_burst() {
        let jobs: Vec<_> = (0..24)
            .map(|_| {
                tokio::spawn(async {
                    match slot(Duration::from_secs(30)).await {
                        Ok(s) => s
                            .verify("x".into(), debrief_core::secret::dummy_hash().into())
                            .await
                            .is_ok(),
                        Err(Busy) => false,
                    }
                })
            })
            .collect();
        for j in jobs {
            let _ = j.await;
        }
        let s = stats();
        assert!(s.peak <= s.permits, "{s:?}");
        assert!(s.hashed >= 1);
    }
}
