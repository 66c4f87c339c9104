//! Times people type: what a form or an API client may send, and the rules a
//! time must keep (from 1970 on, not in the future, noticed no earlier than it
//! happened). Pages, API and imports read times through these functions so that
//! the same input gets the same answer everywhere.

use crate::Validation;

/// The largest time zone offset a form may send, in minutes (UTC−16 to UTC+16
/// covers every zone in use).
pub const MAX_OFFSET_MINUTES: i64 = 16 * 60;

/// Tolerance for clocks a little ahead of the server's.
const FUTURE_SLACK_MS: i64 = 60_000;

/// A time as the API gives it: RFC 3339 with seconds, UTC.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// A `datetime-local` value as a form sends it: `2026-03-14T09:30`, seconds optional.
pub fn local_input(value: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()
}

/// A local time read at `offset_minutes` behind UTC (what JavaScript's
/// `getTimezoneOffset()` gives: -60 in Berlin in winter), as UTC
/// milliseconds; `None` when the arithmetic leaves chrono's range.
pub fn local_to_utc_ms(local: chrono::NaiveDateTime, offset_minutes: i64) -> Option<i64> {
    chrono::TimeDelta::try_minutes(offset_minutes)
        .and_then(|d| local.checked_add_signed(d))
        .map(|t| t.and_utc().timestamp_millis())
}

/// A UTC time a person gave: from 1970 on and not in the future.
pub fn check_time(v: &mut Validation, field: &str, ms: i64, now: i64) -> Option<i64> {
    if ms < 0 {
        // before 1970 no incident was recorded in this tool, and negative times
        // would break every duration computed from them
        v.add(field, "Use a date from 1970 on.");
        None
    } else if ms > now.saturating_add(FUTURE_SLACK_MS) {
        v.add(field, "This is in the future.");
        None
    } else {
        Some(ms)
    }
}

/// Parses an RFC 3339 time, or a `datetime-local` value (taken as UTC), and
/// checks it with [`check_time`]. Empty means "not known".
pub fn parse_time(v: &mut Validation, field: &str, value: Option<&str>, now: i64) -> Option<i64> {
    let value = value.map(str::trim).filter(|s| !s.is_empty())?;
    let parsed = chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.timestamp_millis())
        .ok()
        .or_else(|| local_input(value).map(|t| t.and_utc().timestamp_millis()));
    match parsed {
        Some(ms) => check_time(v, field, ms, now),
        None => {
            v.add(
                field,
                "Use a date and time such as 2026-03-14T09:30:00Z, or leave it empty if you do not know.",
            );
            None
        }
    }
}

/// A form's `datetime-local` value read in the viewer's zone: `offset` is the
/// minutes behind UTC the browser reported beside it (field `offset_field`).
/// Without an offset, or for an RFC 3339 value, it is read as [`parse_time`] does.
pub fn parse_local_time(
    v: &mut Validation,
    field: &str,
    value: &str,
    offset_field: &str,
    offset: &str,
    now: i64,
) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let offset = offset.trim();
    if offset.is_empty() || chrono::DateTime::parse_from_rfc3339(value).is_ok() {
        return parse_time(v, field, Some(value), now);
    }
    let minutes = match offset.parse::<i64>() {
        Ok(m) if m.abs() <= MAX_OFFSET_MINUTES => m,
        _ => {
            v.add(
                offset_field,
                "The time zone offset must be a whole number of minutes between -960 and 960.",
            );
            return None;
        }
    };
    let Some(local) = local_input(value) else {
        v.add(
            field,
            "Use a date and time such as 2026-03-14T09:30, or leave it empty if you do not know.",
        );
        return None;
    };
    match local_to_utc_ms(local, minutes) {
        None => {
            v.add(field, "This date is out of range.");
            None
        }
        Some(ms) => check_time(v, field, ms, now),
    }
}

/// Whether "noticed" can stand beside "happened": detection never precedes
/// occurrence. Either may be unknown.
pub fn in_order(occurred_ms: Option<i64>, detected_ms: Option<i64>) -> bool {
    !matches!((occurred_ms, detected_ms), (Some(o), Some(d)) if d < o)
}

/// Adds an error to `field` unless [`in_order`].
pub fn check_order(
    v: &mut Validation,
    field: &str,
    occurred_ms: Option<i64>,
    detected_ms: Option<i64>,
) {
    if !in_order(occurred_ms, detected_ms) {
        v.add(field, DETECTED_BEFORE_OCCURRED);
    }
}

/// The one wording of the rule, wherever it is broken.
pub const DETECTED_BEFORE_OCCURRED: &str = "It cannot have been noticed before it happened.";

/// Times kept only to the minute (anonymous and confidential reports).
pub fn to_minute(ms: i64) -> i64 {
    ms - ms.rem_euclid(60_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000_000;

    #[test]
    fn rfc3339_and_local_inputs_are_read() {
        let mut v = Validation::new();
        assert_eq!(
            parse_time(&mut v, "t", Some("2026-01-05T10:00:00Z"), NOW),
            Some(1_767_607_200_000)
        );
        assert_eq!(
            parse_time(&mut v, "t", Some("2026-01-05T10:00"), NOW),
            Some(1_767_607_200_000)
        );
        assert_eq!(parse_time(&mut v, "t", Some("  "), NOW), None);
        assert!(v.is_ok());
        assert_eq!(parse_time(&mut v, "t", Some("yesterday"), NOW), None);
        assert_eq!(v.errors.len(), 1);
    }

    #[test]
    fn the_viewers_offset_shifts_a_local_time() {
        let mut v = Validation::new();
        // Berlin in winter: 10:00 local is 09:00 UTC
        let t = parse_local_time(&mut v, "at", "2026-01-05T10:00", "tz", "-60", NOW);
        assert_eq!(t, Some(1_767_603_600_000));
        assert_eq!(
            parse_local_time(&mut v, "at", "2026-01-05T10:00", "tz", "9999", NOW),
            None
        );
        assert_eq!(v.errors[0].field, "tz");
    }

    #[test]
    fn times_before_1970_or_in_the_future_are_refused() {
        let mut v = Validation::new();
        assert_eq!(check_time(&mut v, "a", -1, NOW), None);
        assert_eq!(check_time(&mut v, "b", NOW + 61_000, NOW), None);
        assert_eq!(
            check_time(&mut v, "c", NOW + 30_000, NOW),
            Some(NOW + 30_000)
        );
        let fields: Vec<&str> = v.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["a", "b"]);
    }

    #[test]
    fn detection_never_precedes_occurrence() {
        assert!(in_order(Some(1), Some(1)));
        assert!(in_order(None, Some(1)));
        assert!(in_order(Some(5), None));
        assert!(!in_order(Some(5), Some(4)));
        let mut v = Validation::new();
        check_order(&mut v, "detected_at", Some(5), Some(4));
        assert_eq!(v.message_for("detected_at"), Some(DETECTED_BEFORE_OCCURRED));
    }

    #[test]
    fn minutes_round_down() {
        assert_eq!(to_minute(120_999), 120_000);
        assert_eq!(to_minute(-1), -60_000);
    }
}
