//! Back-off, lease and wake-up rules for durable background jobs.

/// Delay before retry number `attempt` (1-based): 10 s doubling, capped at one hour.
pub fn backoff_ms(attempt: u32) -> i64 {
    let base: i64 = 10_000;
    let exp = attempt.saturating_sub(1).min(12);
    (base << exp).min(3_600_000)
}

/// How long a claim lasts unless it is renewed. A runner renews the lease of
/// every job it runs every [`renew_every_ms`] (a third of the lease), so a job may
/// run for as long as it needs; a process that dies stops renewing, and its jobs
/// are claimed again by another runner once the lease runs out. Short, so that a
/// crashed node's jobs are picked up within half a minute.
pub const LEASE_MS: i64 = 30_000;

/// How often a running job's lease is renewed: three renewals per lease, so that
/// two can fail (a slow database, a pause) before the lease runs out.
pub const fn renew_every_ms(lease_ms: i64) -> i64 {
    let every = lease_ms / 3;
    if every < 1 { 1 } else { every }
}

/// How often a runner looks for due jobs when nothing woke it. Wake-ups (an
/// enqueue, a job falling due, a lease running out) come without it; the poll
/// only catches what a lost notification missed.
pub const POLL_FALLBACK_MS: u64 = 5_000;

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn backoff_doubles_then_caps() {
        assert_eq!(backoff_ms(1), 10_000);
        assert_eq!(backoff_ms(2), 20_000);
        assert_eq!(backoff_ms(3), 40_000);
        assert_eq!(backoff_ms(30), 3_600_000);
    }

    #[test]
    fn leases_are_renewed_three_times_per_lease() {
        assert_eq!(renew_every_ms(LEASE_MS), 10_000);
        assert_eq!(renew_every_ms(2), 1);
        assert!(renew_every_ms(LEASE_MS) * 2 < LEASE_MS);
    }
}
