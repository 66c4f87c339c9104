//! Durations as people read them, the same on every page and in every export:
//! days, hours and minutes in words ("12 d 5 h", "7 h 34 min", "45 min").

/// A number of minutes in words: "2 h 14 min", "45 min", "3 d 4 h", "0 min".
/// Units that are zero are left out; a negative duration (which only a data
/// error produces) is shown as the minutes it is, so that it stands out.
pub fn words(minutes: i64) -> String {
    if minutes < 0 {
        return format!("{minutes} min");
    }
    let days = minutes / 1440;
    let hours = (minutes % 1440) / 60;
    let mins = minutes % 60;
    let mut parts = Vec::with_capacity(3);
    if days > 0 {
        parts.push(format!("{days} d"));
    }
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins} min"));
    }
    parts.join(" ")
}

/// How long ago `from_ms` was at `now_ms`, in words ("3 h 12 min"); a time
/// in the future (a clock ahead of the server's) counts as now.
pub fn since(from_ms: i64, now_ms: i64) -> String {
    words((now_ms.saturating_sub(from_ms) / 60_000).max(0))
}

#[cfg(test)]
mod tests {
    use super::{since, words};

    #[test]
    fn an_age_counts_whole_minutes_and_never_goes_below_zero() {
        assert_eq!(since(0, 59_999), "0 min");
        assert_eq!(since(0, 3 * 3_600_000 + 12 * 60_000 + 59_000), "3 h 12 min");
        assert_eq!(since(120_000, 0), "0 min");
        assert!(since(i64::MIN, i64::MAX).ends_with(" min"));
    }

    #[test]
    fn minutes_hours_and_days_read_as_words() {
        assert_eq!(words(0), "0 min");
        assert_eq!(words(1), "1 min");
        assert_eq!(words(45), "45 min");
        assert_eq!(words(59), "59 min");
        assert_eq!(words(60), "1 h");
        assert_eq!(words(134), "2 h 14 min");
        assert_eq!(words(454), "7 h 34 min");
        assert_eq!(words(1439), "23 h 59 min");
        assert_eq!(words(1440), "1 d");
        assert_eq!(words(1440 + 5), "1 d 5 min");
        assert_eq!(words(1440 + 65), "1 d 1 h 5 min");
        assert_eq!(words(12 * 1440 + 5 * 60), "12 d 5 h");
        assert_eq!(words(17634), "12 d 5 h 54 min");
    }

    #[test]
    fn a_negative_duration_stands_out_and_nothing_overflows() {
        assert_eq!(words(-5), "-5 min");
        assert_eq!(words(i64::MIN), format!("{} min", i64::MIN));
        assert!(words(i64::MAX).ends_with(" min"));
    }
}
