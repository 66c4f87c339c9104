//! Log output. Every line carries a UTC time to the microsecond, except the
//! lines written while handling an anonymous intake or receipt route (inside a
//! span named [`debrief_web::ANONYMOUS_SPAN`]): those carry the minute only, so
//! that the log cannot date an anonymous report more finely than the report
//! itself is dated. Their place among the other lines would date them too, so
//! they are held back and written together when their minute is over (or when
//! the server stops), after every other line of that minute.

use std::cell::Cell;
use std::fmt;
use std::io::Write;
use std::sync::Mutex;
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::{FmtContext, format};
use tracing_subscriber::registry::LookupSpan;

thread_local! {
    /// Set while the current event is being formatted inside an anonymous span.
    static COARSE: Cell<bool> = const { Cell::new(false) };
}

/// Lines of anonymous routes waiting for the end of their minute, and how many
/// were dropped because [`HELD_MAX`] were already waiting.
static HELD: Mutex<(Vec<String>, u64)> = Mutex::new((Vec::new(), 0));

/// Lines held at most: a flood of anonymous requests cannot grow the log's
/// memory without bound; what is dropped is counted in one line.
const HELD_MAX: usize = 100_000;

/// Keeps a line of an anonymous route until its minute is over.
fn hold(line: String) {
    if let Ok(mut held) = HELD.lock() {
        if held.0.len() < HELD_MAX {
            held.0.push(line);
        } else {
            held.1 += 1;
        }
    }
}

/// Writes the held lines of anonymous routes to stderr.
pub fn flush() {
    let (lines, dropped) = match HELD.lock() {
        Ok(mut held) => std::mem::take(&mut *held),
        Err(_) => return,
    };
    if lines.is_empty() && dropped == 0 {
        return;
    }
    let mut err = std::io::stderr().lock();
    for line in lines {
        let _ = err.write_all(line.as_bytes());
    }
    let _ = err.flush();
    drop(err);
    if dropped > 0 {
        // not a line of any one request: an ordinary warning, in the log's own format
        tracing::warn!(
            dropped,
            "log lines of anonymous routes were dropped (more than {HELD_MAX} in a minute)"
        );
    }
}

/// Flushes the held lines just after every minute boundary, for the life of
/// the process.
fn start_flusher() {
    let _ = std::thread::Builder::new()
        .name("log-minute".into())
        .spawn(|| {
            loop {
                let now = chrono::Utc::now().timestamp_millis();
                let wait = 60_000 - now.rem_euclid(60_000) + 50;
                std::thread::sleep(std::time::Duration::from_millis(wait as u64));
                flush();
            }
        });
}

/// The time of a log line: to the microsecond, or to the minute for lines of
/// anonymous routes.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineTime;

impl FormatTime for LineTime {
    fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
        write!(w, "{}", stamp(chrono::Utc::now(), COARSE.with(Cell::get)))
    }
}

/// A log time as written: `2026-03-14T09:30:12.345678Z`, or `2026-03-14T09:30Z`
/// when `coarse`.
pub fn stamp(t: chrono::DateTime<chrono::Utc>, coarse: bool) -> String {
    if coarse {
        t.format("%Y-%m-%dT%H:%MZ").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }
}

/// Formats events with `inner`, telling [`LineTime`] whether the event belongs
/// to an anonymous route.
pub struct AnonymityAware<F>(pub F);

impl<S, N, F> FormatEvent<S, N> for AnonymityAware<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let anonymous = ctx
            .event_scope()
            .is_some_and(|mut scope| scope.any(|s| s.name() == debrief_web::ANONYMOUS_SPAN));
        if !anonymous {
            return self.0.format_event(ctx, writer, event);
        }
        // formatted now, with the minute as its time; written after the minute
        let mut line = String::new();
        COARSE.with(|c| c.set(true));
        let result = self.0.format_event(ctx, Writer::new(&mut line), event);
        COARSE.with(|c| c.set(false));
        if result.is_ok() {
            hold(line);
        }
        result
    }
}

/// Installs the global subscriber: compact text or JSON lines on stderr.
pub fn init(filter: String, json: bool) {
    use tracing_subscriber::EnvFilter;
    start_flusher();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if json {
        builder
            .fmt_fields(format::JsonFields::new())
            .event_format(AnonymityAware(format().json().with_timer(LineTime)))
            .init();
    } else {
        builder
            .event_format(AnonymityAware(format().compact().with_timer(LineTime)))
            .init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn held_lines_are_bounded_and_the_rest_counted() {
        for i in 0..HELD_MAX + 3 {
            hold(format!("line {i}\n"));
        }
        let (lines, dropped) = std::mem::take(&mut *HELD.lock().unwrap());
        assert_eq!(lines.len(), HELD_MAX);
        assert_eq!(dropped, 3);
        assert_eq!(lines[0], "line 0\n");
    }

    #[test]
    fn anonymous_lines_carry_the_minute_only() {
        let t = chrono::Utc
            .with_ymd_and_hms(2026, 3, 14, 9, 30, 12)
            .single()
            .unwrap();
        assert_eq!(stamp(t, true), "2026-03-14T09:30Z");
        assert_eq!(stamp(t, false), "2026-03-14T09:30:12.000000Z");
    }
}
