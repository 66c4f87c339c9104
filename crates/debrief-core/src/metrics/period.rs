//! Periods: calendar quarters in the organisation's time zone, and any span
//! of days a reader picks.

use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

/// A half-open span of time, `from_ms ≤ t < to_ms` (milliseconds since the
/// Unix epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from_ms: i64,
    pub to_ms: i64,
}

impl Period {
    pub fn contains(&self, ms: i64) -> bool {
        self.from_ms <= ms && ms < self.to_ms
    }

    /// Its length in days (for rates per unit of time).
    pub fn days(&self) -> f64 {
        (self.to_ms - self.from_ms) as f64 / 86_400_000.0
    }

    /// From the start of day `from` to the end of day `to` (both inclusive)
    /// in the zone. `None` when `to` is before `from`.
    pub fn days_in(from: NaiveDate, to: NaiveDate, tz: Tz) -> Option<Period> {
        if to < from {
            return None;
        }
        Some(Period {
            from_ms: start_of_day(from, tz),
            to_ms: start_of_day(to.succ_opt()?, tz),
        })
    }
}

/// The first instant of a day in the zone (the earliest, when a clock change
/// makes midnight ambiguous; the first instant after the gap when midnight
/// does not exist there).
pub fn start_of_day(day: NaiveDate, tz: Tz) -> i64 {
    let mut t = day.and_time(chrono::NaiveTime::MIN);
    for _ in 0..=24 * 4 {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return dt.timestamp_millis();
        }
        t += chrono::Duration::minutes(15);
    }
    // no zone skips a whole day; UTC midnight is a safe fallback
    day.and_time(chrono::NaiveTime::MIN)
        .and_utc()
        .timestamp_millis()
}

/// The day an instant falls on in the zone.
pub fn day_of(ms: i64, tz: Tz) -> Option<NaiveDate> {
    Some(
        chrono::DateTime::from_timestamp_millis(ms)?
            .with_timezone(&tz)
            .date_naive(),
    )
}

/// The organisation's time zone when none is set.
pub const DEFAULT_ZONE: Tz = chrono_tz::UTC;

/// An IANA time zone name ("Europe/Berlin", "UTC"), trimmed, as the zone.
pub fn zone(name: &str) -> Result<Tz, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Give a time zone, for example Europe/Berlin or UTC.".into());
    }
    name.parse::<Tz>().map_err(|_| {
        format!("'{name}' is not a time zone name; use an IANA name such as Europe/Berlin, America/New_York or UTC.")
    })
}

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    /// The quarter an instant falls in, in the zone.
    pub fn of(ms: i64, tz: Tz) -> Option<Quarter> {
        let d = day_of(ms, tz)?;
        Some(Quarter {
            year: d.year(),
            q: (d.month0() / 3 + 1) as u8,
        })
    }

    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.q - 1) * 3 + 1, 1)
    }

    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    pub fn prev(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    /// Its span in the zone: from the first instant of its first day to the
    /// first instant of the next quarter.
    pub fn period(self, tz: Tz) -> Option<Period> {
        Some(Period {
            from_ms: start_of_day(self.first_day()?, tz),
            to_ms: start_of_day(self.next().first_day()?, tz),
        })
    }

    /// "2026 Q3".
    pub fn label(self) -> String {
        format!("{} Q{}", self.year, self.q)
    }

    /// "2026-Q3": how a quarter is written in a query string.
    pub fn key(self) -> String {
        format!("{:04}-Q{}", self.year, self.q)
    }

    /// A quarter written as its [`key`](Quarter::key), `YYYY-Qn` (four digits,
    /// `Q` or `q`, 1 to 4).
    pub fn parse(s: &str) -> Option<Quarter> {
        let (year, q) = s.split_once(['Q', 'q'])?;
        let year = year.strip_suffix('-')?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || q.len() != 1 {
            return None;
        }
        let q = q.parse::<u8>().ok().filter(|q| (1..=4).contains(q))?;
        Some(Quarter {
            year: year.parse().ok()?,
            q,
        })
    }

    /// The quarters from the one holding `from_ms` to the one holding
    /// `to_ms - 1`, in order.
    pub fn span(period: Period, tz: Tz) -> Vec<Quarter> {
        let (Some(first), Some(last)) = (
            Quarter::of(period.from_ms, tz),
            Quarter::of(period.to_ms - 1, tz),
        ) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut q = first;
        while q <= last && out.len() < 400 {
            out.push(q);
            q = q.next();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| d.timestamp_millis())
            .unwrap_or(i64::MIN)
    }

    #[test]
    fn zones_are_iana_names() {
        assert_eq!(zone(" Europe/Berlin "), Ok(chrono_tz::Europe::Berlin));
        assert_eq!(zone("UTC"), Ok(chrono_tz::UTC));
        assert!(zone("").is_err());
        assert!(zone("Mars/Olympus").unwrap_err().contains("Mars/Olympus"));
        assert!(zone("+02:00").is_err());
    }

    #[test]
    fn quarters_follow_the_zone() {
        let berlin: Tz = chrono_tz::Europe::Berlin;
        // 31 March 23:30 UTC is already 1 April in Berlin (summer time, +2)
        let t = ms("2026-03-31T23:30:00Z");
        assert_eq!(
            Quarter::of(t, chrono_tz::UTC),
            Some(Quarter { year: 2026, q: 1 })
        );
        assert_eq!(Quarter::of(t, berlin), Some(Quarter { year: 2026, q: 2 }));
        // Q2 in Berlin starts at 31 March 22:00 UTC and ends at 30 June 22:00 UTC
        let p = Quarter { year: 2026, q: 2 }.period(berlin);
        assert_eq!(
            p,
            Some(Period {
                from_ms: ms("2026-03-31T22:00:00Z"),
                to_ms: ms("2026-06-30T22:00:00Z"),
            })
        );
        // Q1 in Berlin starts in winter time (+1)
        let p = Quarter { year: 2026, q: 1 }.period(berlin);
        assert_eq!(p.map(|p| p.from_ms), Some(ms("2025-12-31T23:00:00Z")));
    }

    #[test]
    fn quarters_step_and_span() {
        let q = Quarter { year: 2026, q: 4 };
        assert_eq!(q.next(), Quarter { year: 2027, q: 1 });
        assert_eq!(q.next().prev(), q);
        assert_eq!(q.label(), "2026 Q4");
        assert_eq!(q.key(), "2026-Q4");
        assert_eq!(Quarter::parse("2026-Q4"), Some(q));
        assert_eq!(
            Quarter::parse("2026-q1"),
            Some(Quarter { year: 2026, q: 1 })
        );
        for bad in [
            "2026-Q5", "2026-Q0", "2026Q1", "26-Q1", "2026-Q12", "2026-Q", "", "-Q1",
        ] {
            assert_eq!(Quarter::parse(bad), None, "{bad}");
        }
        let tz = chrono_tz::UTC;
        let p = Period {
            from_ms: ms("2025-11-15T00:00:00Z"),
            to_ms: ms("2026-04-01T00:00:00Z"),
        };
        let labels: Vec<String> = Quarter::span(p, tz)
            .into_iter()
            .map(Quarter::label)
            .collect();
        assert_eq!(labels, ["2025 Q4", "2026 Q1"]);
    }

    #[test]
    fn day_spans_are_inclusive_and_refuse_a_backward_span() {
        let tz = chrono_tz::America::New_York;
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let p = Period::days_in(d(2026, 3, 1), d(2026, 3, 31), tz);
        assert_eq!(
            p,
            Some(Period {
                from_ms: ms("2026-03-01T05:00:00Z"),
                // summer time began on 8 March: midnight is at 04:00 UTC
                to_ms: ms("2026-04-01T04:00:00Z"),
            })
        );
        assert_eq!(Period::days_in(d(2026, 3, 2), d(2026, 3, 1), tz), None);
    }
}
