//! Times on case pages: stored times as form values, and local times typed in
//! the browser's zone turned into UTC.

#[cfg(test)]
use debrief_core::Validation;

/// A stored time as the value of a `datetime-local` field, in UTC (app.js
/// turns it into the viewer's zone from the field's `data-utc`).
pub fn utc_input_value(ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(t) if t.timestamp() % 60 == 0 => t.format("%Y-%m-%dT%H:%M").to_string(),
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
        None => String::new(),
    }
}

/// A stored time in RFC 3339 UTC, for `data-utc`.
pub fn utc_rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Reads a time typed into a form in the viewer's zone (see
/// [`debrief_core::times::parse_local_time`]).
pub use debrief_core::times::parse_local_time;

#[cfg(test)]
mod local_time_tests {
    use super::*;

    fn at(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn a_local_time_is_stored_in_utc_with_the_offset_for_that_time() {
        let now = at("2027-01-01T00:00:00Z");
        let mut v = Validation::new();
        // Berlin: UTC+1 in winter, UTC+2 in summer
        let winter = parse_local_time(&mut v, "at", "2026-01-05T10:00", "tz_offset", "-60", now);
        let summer = parse_local_time(&mut v, "at", "2026-07-06T10:00", "tz_offset", "-120", now);
        assert_eq!(winter, Some(at("2026-01-05T09:00:00Z")));
        assert_eq!(summer, Some(at("2026-07-06T08:00:00Z")));
        // without JavaScript there is no offset: UTC, as the form then says
        let plain = parse_local_time(&mut v, "at", "2026-01-05T10:00", "tz_offset", "", now);
        assert_eq!(plain, Some(at("2026-01-05T10:00:00Z")));
        assert!(v.is_ok());
        assert_eq!(
            utc_input_value(at("2026-01-05T09:00:00Z")),
            "2026-01-05T09:00"
        );
        assert_eq!(
            utc_input_value(at("2026-01-05T09:00:30Z")),
            "2026-01-05T09:00:30"
        );
    }

    #[test]
    fn out_of_range_times_and_offsets_are_field_errors() {
        let now = at("2027-01-01T00:00:00Z");
        for (value, offset, field) in [
            ("+262142-12-31T23:59", "-840", "at"),
            ("-262143-01-01T00:00", "840", "at"),
            ("2026-01-05T10:00", "100000", "tz_offset"),
            ("2026-01-05T10:00", "x", "tz_offset"),
            ("2026-13-05T10:00", "-60", "at"),
            ("2099-01-05T10:00", "-60", "at"),
        ] {
            let mut v = Validation::new();
            assert_eq!(
                parse_local_time(&mut v, "at", value, "tz_offset", offset, now),
                None,
                "{value} {offset}"
            );
            assert_eq!(
                v.errors.first().map(|e| e.field.as_str()),
                Some(field),
                "{value} {offset}"
            );
        }
    }
}
