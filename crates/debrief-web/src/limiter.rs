//! A small in-memory limiter for failed attempts per client address. It keeps
//! addresses only in this process's memory, for the length of the window, and
//! never writes them anywhere — the anonymous receipt routes must store nothing
//! that identifies a reporter.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const RECEIPT_FAILURES: u32 = 20;
pub const RECEIPT_WINDOW: Duration = Duration::from_secs(10 * 60);

pub struct Limiter {
    max: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Limiter {
    pub fn new(max: u32, window: Duration) -> Limiter {
        Limiter {
            max,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the address has used up its failures in the current window.
    pub fn blocked(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let Ok(seen) = self.seen.lock() else {
            return true;
        };
        seen.get(&ip)
            .is_some_and(|(start, n)| now.duration_since(*start) < self.window && *n >= self.max)
    }

    /// Counts a failure for the address.
    pub fn fail(&self, ip: IpAddr) {
        let now = Instant::now();
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if seen.len() > 100_000 {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = seen.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_per_address() {
        let l = Limiter::new(3, Duration::from_secs(60));
        let a: IpAddr = "127.0.0.1".parse().unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let b: IpAddr = IpAddr::from([127, 0, 0, 2]);
        for _ in 0..3 {
            assert!(!l.blocked(a));
            l.fail(a);
        }
        assert!(l.blocked(a));
        assert!(!l.blocked(b));
        let quick = Limiter::new(1, Duration::from_millis(1));
        quick.fail(a);
        std::thread::sleep(Duration::from_millis(5));
        assert!(!quick.blocked(a), "the window passes");
    }
}
