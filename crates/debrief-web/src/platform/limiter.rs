//! In-memory token buckets for the public routes: anonymous intake (per client
//! address, and one global ceiling) and failed receipt look-ups (per address).
//!
//! Addresses live only in this process's memory, for as long as their bucket is
//! not full again, and are never written anywhere (database, logs, audit): the
//! anonymous routes must store nothing that identifies a reporter.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A rate: `burst` requests at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Rate {
    pub const fn new(per_minute: u32, burst: u32) -> Rate {
        Rate { per_minute, burst }
    }
    /// A rate of 0 per minute switches the bucket off.
    pub fn enabled(self) -> bool {
        self.per_minute > 0 && self.burst > 0
    }
}

/// The limits of the public routes (configuration keys in docs/operations.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Anonymous reports (and receipt messages) per client address.
    pub intake_per_address: Rate,
    /// Anonymous reports (and receipt messages) from everyone together; named
    /// (signed-in) intake is never subject to it.
    pub intake_global: Rate,
    /// Failed receipt look-ups per client address. Valid codes are never counted
    /// and never refused.
    pub receipt_failures: Rate,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            intake_per_address: Rate::new(10, 20),
            intake_global: Rate::new(300, 600),
            receipt_failures: Rate::new(2, 20),
        }
    }
}

/// One bucket's state: tokens left and when they were last counted.
#[derive(Debug, Clone, Copy)]
struct Level {
    tokens: f64,
    at: Instant,
}

impl Level {
    fn full(rate: Rate, now: Instant) -> Level {
        Level {
            tokens: f64::from(rate.burst),
            at: now,
        }
    }

    fn refill(&mut self, rate: Rate, now: Instant) {
        let per_s = f64::from(rate.per_minute) / 60.0;
        let gained = now.saturating_duration_since(self.at).as_secs_f64() * per_s;
        self.tokens = (self.tokens + gained).min(f64::from(rate.burst));
        self.at = now;
    }

    /// Takes a token, or says how long until one is there.
    fn take(&mut self, rate: Rate, now: Instant) -> Result<(), Duration> {
        self.refill(rate, now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            let per_s = f64::from(rate.per_minute) / 60.0;
            Err(Duration::from_secs_f64((1.0 - self.tokens) / per_s))
        }
    }
}

/// A single bucket (the global ceiling).
pub struct Bucket {
    rate: Rate,
    level: Mutex<Level>,
}

impl Bucket {
    pub fn new(rate: Rate) -> Bucket {
        Bucket {
            rate,
            level: Mutex::new(Level::full(rate, Instant::now())),
        }
    }

    /// Takes a token; `Err(wait)` when empty. A switched-off bucket always allows.
    pub fn take(&self) -> Result<(), Duration> {
        if !self.rate.enabled() {
            return Ok(());
        }
        let Ok(mut level) = self.level.lock() else {
            return Err(Duration::from_secs(1));
        };
        level.take(self.rate, Instant::now())
    }
}

/// Addresses kept at most; beyond it, full buckets are dropped first, then the
/// oldest ones, so memory stays bounded under a flood of spoofed addresses.
const MAX_ADDRESSES: usize = 100_000;

/// One bucket per client address.
pub struct Buckets {
    rate: Rate,
    seen: Mutex<HashMap<IpAddr, Level>>,
}

impl Buckets {
    pub fn new(rate: Rate) -> Buckets {
        Buckets {
            rate,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token from the address's bucket; `Err(wait)` when empty.
    pub fn take(&self, ip: IpAddr) -> Result<(), Duration> {
        if !self.rate.enabled() {
            return Ok(());
        }
        let now = Instant::now();
        let Ok(mut seen) = self.seen.lock() else {
            return Err(Duration::from_secs(1));
        };
        if seen.len() >= MAX_ADDRESSES && !seen.contains_key(&ip) {
            self.forget(&mut seen, now);
        }
        let rate = self.rate;
        seen.entry(ip)
            .or_insert_with(|| Level::full(rate, now))
            .take(rate, now)
    }

    fn forget(&self, seen: &mut HashMap<IpAddr, Level>, now: Instant) {
        let rate = self.rate;
        seen.retain(|_, l| {
            l.refill(rate, now);
            l.tokens < f64::from(rate.burst)
        });
        if seen.len() >= MAX_ADDRESSES {
            // still full of live buckets: drop the half least recently used
            let mut ages: Vec<Instant> = seen.values().map(|l| l.at).collect();
            ages.sort_unstable();
            if let Some(cut) = ages.get(ages.len() / 2).copied() {
                seen.retain(|_, l| l.at > cut);
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.seen.lock().map(|s| s.len()).unwrap_or(0)
    }
}

/// Whole seconds to put in `Retry-After` (at least 1).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

/// The buckets of one server.
pub struct Limiter {
    pub intake_per_address: Buckets,
    pub intake_global: Bucket,
    pub receipt_failures: Buckets,
}

impl Limiter {
    pub fn new(limits: Limits) -> Limiter {
        Limiter {
            intake_per_address: Buckets::new(limits.intake_per_address),
            intake_global: Bucket::new(limits.intake_global),
            receipt_failures: Buckets::new(limits.receipt_failures),
        }
    }

    /// One anonymous submission from `ip`: its own bucket first, so that one
    /// flooding address cannot drain the global ceiling beyond its own burst.
    pub fn anonymous_intake(&self, ip: IpAddr) -> Result<(), Duration> {
        self.intake_per_address.take(ip)?;
        self.intake_global.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate() {
        let b = Buckets::new(Rate::new(60, 3));
        let a = IpAddr::from([10, 0, 0, 1]);
        let other = IpAddr::from([10, 0, 0, 2]);
        for _ in 0..3 {
            assert!(b.take(a).is_ok());
        }
        let wait = b.take(a).err().unwrap_or_default();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert_eq!(retry_after_secs(wait), 1);
        assert!(b.take(other).is_ok(), "another address has its own bucket");
        std::thread::sleep(Duration::from_millis(1100));
        assert!(b.take(a).is_ok(), "one token a second comes back");
        assert!(b.take(a).is_err());
    }

    #[test]
    fn a_switched_off_bucket_always_allows() {
        let b = Buckets::new(Rate::new(0, 0));
        let g = Bucket::new(Rate::new(0, 10));
        for _ in 0..1000 {
            assert!(b.take(IpAddr::from([10, 0, 0, 1])).is_ok());
            assert!(g.take().is_ok());
        }
    }

    #[test]
    fn the_global_ceiling_holds_across_addresses() {
        let l = Limiter::new(Limits {
            intake_per_address: Rate::new(60, 5),
            intake_global: Rate::new(1, 10),
            receipt_failures: Rate::new(1, 1),
        });
        let ok = (0..50u8)
            .filter(|i| l.anonymous_intake(IpAddr::from([10, 0, 1, *i])).is_ok())
            .count();
        assert_eq!(ok, 10);
    }

    #[test]
    fn memory_stays_bounded() {
        let b = Buckets::new(Rate::new(1, 2));
        for i in 0..(MAX_ADDRESSES as u32 + 10) {
            let _ = b.take(IpAddr::from(i.to_be_bytes()));
        }
        assert!(b.len() <= MAX_ADDRESSES, "{}", b.len());
    }
}
