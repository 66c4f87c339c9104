//! Back-off and lease rules for durable background jobs.

/// Delay before retry number `attempt` (1-based): 10 s doubling, capped at one hour.
pub fn backoff_ms(attempt: u32) -> i64 {
    let base: i64 = 10_000;
    let exp = attempt.saturating_sub(1).min(12);
    (base << exp).min(3_600_000)
}

/// How long a claim lasts before another worker may take the job over, on the
/// assumption that the process holding it died. Workers renew nothing: a job must
/// finish within its lease, so the lease is generous.
pub const LEASE_MS: i64 = 5 * 60 * 1000;

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
}
