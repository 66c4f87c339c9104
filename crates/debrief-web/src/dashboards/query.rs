//! The query string of the learning metrics, shared by `GET /api/v1/metrics`
//! and the dashboard pages: which period (`from` and `to`, or `quarter`, or by
//! default the current quarter) and which breakdown (`team`, `severity`,
//! `kind`, `system`).
//!
//! [`read`] turns the parameters into a [`Selection`] (the period, the one
//! before it of the same length, and the core's [`Filter`]), or refuses them
//! with one error per offending parameter, named as it was sent. Either way
//! what the reader typed comes back ([`Typed`]) so a page can show it again.
//!
//! An empty parameter is the same as an absent one (a form sends its empty
//! fields). Days and quarters are calendar days and quarters in the
//! organisation's time zone.

use chrono::NaiveDate;
use debrief_core::FieldError;
use debrief_core::case::Severity;
use debrief_core::metrics::{Filter, Period, Quarter, Tz};
use debrief_core::report::Kind;
use debrief_core::validate::{control_char_message, forbidden_char};
use debrief_store::accounts::Team;
use serde::Deserialize;
use utoipa::IntoParams;

/// The parameters the metrics take, in the order they are documented.
pub const PARAMETERS: [&str; 7] = [
    "from", "to", "quarter", "team", "severity", "kind", "system",
];

/// The longest affected-system filter, in characters.
pub const SYSTEM_MAX: usize = 200;

/// The query string as documented in the OpenAPI document (the handler reads
/// the raw pairs with [`read`], which also refuses unknown and repeated
/// parameters).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsParams {
    /// The first day of the period (`YYYY-MM-DD`, in the organisation's time
    /// zone), included. Not with `quarter`.
    pub from: Option<String>,
    /// The last day of the period (`YYYY-MM-DD`), included; today when
    /// omitted. Needs `from`.
    pub to: Option<String>,
    /// A calendar quarter, e.g. `2026-Q3`. Without `from`, `to` and
    /// `quarter`, the current quarter.
    pub quarter: Option<String>,
    /// Only cases of this team (a team's id).
    pub team: Option<String>,
    /// Only cases of this severity.
    pub severity: Option<String>,
    /// Only reports of this kind, and cases with a report of this kind.
    pub kind: Option<String>,
    /// Only cases whose reports name this affected system (compared trimmed
    /// and in lower case).
    pub system: Option<String>,
}

/// What the reader typed, parameter by parameter (empty when absent), to
/// show again in a form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed {
    pub from: String,
    pub to: String,
    pub quarter: String,
    pub team: String,
    pub severity: String,
    pub kind: String,
    pub system: String,
}

impl Typed {
    fn slot(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "from" => &mut self.from,
            "to" => &mut self.to,
            "quarter" => &mut self.quarter,
            "team" => &mut self.team,
            "severity" => &mut self.severity,
            "kind" => &mut self.kind,
            "system" => &mut self.system,
            _ => return None,
        })
    }

    /// The parameters that are not empty, as `(name, value)` pairs in
    /// documented order (for links that keep the reader's choice).
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("quarter", &self.quarter),
            ("team", &self.team),
            ("severity", &self.severity),
            ("kind", &self.kind),
            ("system", &self.system),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.as_str()))
        .collect()
    }
}

/// A period as the reader picked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// A calendar quarter.
    Quarter(Quarter),
    /// Whole days, the first and the last included.
    Days { from: NaiveDate, to: NaiveDate },
}

impl Span {
    /// Its first day.
    pub fn first_day(&self) -> Option<NaiveDate> {
        match *self {
            Span::Quarter(q) => q.first_day(),
            Span::Days { from, .. } => Some(from),
        }
    }

    /// Its last day (included).
    pub fn last_day(&self) -> Option<NaiveDate> {
        match *self {
            Span::Quarter(q) => q.next().first_day()?.pred_opt(),
            Span::Days { to, .. } => Some(to),
        }
    }

    /// Its number of days.
    pub fn days(&self) -> i64 {
        match (self.first_day(), self.last_day()) {
            (Some(f), Some(l)) => (l - f).num_days() + 1,
            _ => 0,
        }
    }

    /// The span of time it covers in the zone.
    pub fn period(&self, tz: Tz) -> Option<Period> {
        match *self {
            Span::Quarter(q) => q.period(tz),
            Span::Days { from, to } => Period::days_in(from, to, tz),
        }
    }

    /// The period it is compared with: the quarter before a quarter, and the
    /// same number of days just before a span of days.
    pub fn previous(&self) -> Option<Span> {
        match *self {
            Span::Quarter(q) => Some(Span::Quarter(q.prev())),
            Span::Days { from, to } => {
                let last = from.pred_opt()?;
                let first = last.checked_sub_signed(to - from)?;
                Some(Span::Days {
                    from: first,
                    to: last,
                })
            }
        }
    }

    /// "2026 Q3", or "2026-03-01 to 2026-03-31".
    pub fn label(&self) -> String {
        match *self {
            Span::Quarter(q) => q.label(),
            Span::Days { from, to } if from == to => from.to_string(),
            Span::Days { from, to } => format!("{from} to {to}"),
        }
    }
}

/// The period and breakdown a reader asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// What was typed, to show again.
    pub typed: Typed,
    pub span: Span,
    pub period: Period,
    /// The period before it, of the same length, for the change.
    pub previous_span: Span,
    pub previous: Period,
    pub filter: Filter,
    /// The chosen team's name.
    pub team_name: Option<String>,
    /// No period was given: the current quarter.
    pub defaulted: bool,
}

/// Parameters that cannot be used: one error per parameter, and what was typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// Boxed to keep the error small; read it as `r.typed.from` and so on.
    pub typed: Box<Typed>,
    pub errors: Vec<FieldError>,
}

/// What reading a query needs besides the query: the organisation's zone,
/// the moment of the calculation (for "today" and the current quarter) and
/// the teams that exist.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub tz: Tz,
    pub now_ms: i64,
    pub teams: &'a [Team],
}

const DATE_HINT: &str = "Enter a date as YYYY-MM-DD, for example 2026-03-31.";

/// A day written `YYYY-MM-DD` (surrounding white space allowed).
fn parse_day(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    let b = t.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(DATE_HINT.into());
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("{t} is not a day of the calendar. {DATE_HINT}"))
}

/// One error per parameter (the first found).
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn add(&mut self, field: &str, message: String) {
        if !self.has(field) {
            self.0.push(FieldError {
                field: field.to_string(),
                message,
            });
        }
    }

    fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
}

/// Reads the query's `(name, value)` pairs as sent.
pub fn read(pairs: &[(String, String)], cx: &Context<'_>) -> Result<Selection, Refused> {
    let mut typed = Typed::default();
    let mut errs = Errors::default();
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in pairs {
        match typed.slot(name) {
            None => {
                let shown: String = name.chars().take(100).collect();
                errs.add(
                    &shown,
                    format!(
                        "Unknown parameter. The metrics take {}.",
                        PARAMETERS.join(", ")
                    ),
                );
            }
            Some(slot) => {
                if seen.contains(&name.as_str()) {
                    errs.add(name, format!("Give {name} once."));
                } else {
                    seen.push(name);
                    *slot = value.clone();
                }
            }
        }
    }
    // days and quarters are read trimmed; a control character is refused
    // before trimming could hide it
    for (name, value) in [
        ("from", &typed.from),
        ("to", &typed.to),
        ("quarter", &typed.quarter),
    ] {
        if let Some(c) = forbidden_char(value) {
            errs.add(name, control_char_message(c));
        }
    }
    let given = |v: &str| !v.trim().is_empty();

    // the period
    let today = debrief_core::metrics::period::day_of(cx.now_ms, cx.tz);
    let from = (given(&typed.from) && !errs.has("from"))
        .then(|| parse_day(&typed.from).map_err(|e| errs.add("from", e)).ok())
        .flatten();
    let to = (given(&typed.to) && !errs.has("to"))
        .then(|| parse_day(&typed.to).map_err(|e| errs.add("to", e)).ok())
        .flatten();
    let quarter = (given(&typed.quarter) && !errs.has("quarter"))
        .then(|| {
            Quarter::parse(typed.quarter.trim())
                .ok_or_else(|| {
                    errs.add(
                        "quarter",
                        "Give a quarter as YYYY-Qn, for example 2026-Q3.".into(),
                    )
                })
                .ok()
        })
        .flatten();
    if given(&typed.quarter) && (given(&typed.from) || given(&typed.to)) {
        errs.add(
            "quarter",
            "Pick either a quarter or a span of days (from, to), not both.".into(),
        );
    }
    if given(&typed.to) && !given(&typed.from) && !given(&typed.quarter) {
        errs.add(
            "from",
            "Give the first day of the period as well as the last.".into(),
        );
    }
    let span = match (quarter, from, to) {
        (Some(q), None, None) => Some(Span::Quarter(q)),
        (None, Some(from), Some(to)) => {
            if from > to {
                errs.add(
                    "from",
                    format!("The first day ({from}) comes after the last day ({to})."),
                );
                None
            } else {
                Some(Span::Days { from, to })
            }
        }
        (None, Some(from), None) if !given(&typed.to) => match today {
            Some(today) if from <= today => Some(Span::Days { from, to: today }),
            _ => {
                errs.add(
                    "from",
                    format!("The first day ({from}) is after today; give the last day (to) too."),
                );
                None
            }
        },
        (None, None, None)
            if !given(&typed.from) && !given(&typed.to) && !given(&typed.quarter) =>
        {
            Quarter::of(cx.now_ms, cx.tz).map(Span::Quarter)
        }
        _ => None,
    };

    // the breakdown
    // choices and ids are read as sent (a form sends them from a list)
    let team = if typed.team.is_empty() {
        None
    } else {
        let t = typed.team.as_str();
        let digits = t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit());
        match t.parse::<i64>() {
            Ok(id) if digits && id > 0 => match cx.teams.iter().find(|x| x.id == id) {
                Some(team) => Some((team.id, team.name.clone())),
                None => {
                    errs.add("team", format!("No team has the id {id}."));
                    None
                }
            },
            _ => {
                errs.add(
                    "team",
                    "Give a team's id: a whole number above zero.".into(),
                );
                None
            }
        }
    };
    let severity = (!typed.severity.is_empty())
        .then(|| {
            typed
                .severity
                .parse::<Severity>()
                .map_err(|e| errs.add("severity", e))
                .ok()
        })
        .flatten();
    let kind = (!typed.kind.is_empty())
        .then(|| {
            typed
                .kind
                .parse::<Kind>()
                .map_err(|e| errs.add("kind", e))
                .ok()
        })
        .flatten();
    let system = if typed.system.chars().count() > SYSTEM_MAX {
        errs.add("system", format!("At most {SYSTEM_MAX} characters."));
        None
    } else if let Some(c) = forbidden_char(&typed.system) {
        errs.add("system", control_char_message(c));
        None
    } else {
        Some(typed.system.trim().to_string()).filter(|s| !s.is_empty())
    };

    let periods = span.and_then(|s| {
        let previous_span = s.previous()?;
        Some((
            s,
            s.period(cx.tz)?,
            previous_span,
            previous_span.period(cx.tz)?,
        ))
    });
    if span.is_some() && periods.is_none() {
        errs.add(
            "from",
            "This period is outside the calendar Debrief can count.".into(),
        );
    }
    match periods {
        Some((span, period, previous_span, previous)) if errs.0.is_empty() => Ok(Selection {
            defaulted: typed.from.trim().is_empty() && typed.quarter.trim().is_empty(),
            span,
            period,
            previous_span,
            previous,
            filter: Filter {
                team_id: team.as_ref().map(|t| t.0),
                severity,
                kind,
                system,
            },
            team_name: team.map(|t| t.1),
            typed,
        }),
        _ => Err(Refused {
            typed: Box::new(typed),
            errors: errs.0,
        }),
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

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn teams() -> Vec<Team> {
        vec![Team {
            id: 3,
            name: "Payments".into(),
            description: String::new(),
            members: 6,
        }]
    }

    fn cx(teams: &[Team]) -> Context<'_> {
        Context {
            tz: debrief_core::metrics::period::zone("Europe/Berlin").unwrap(),
            // 31 March 22:30 UTC is already 1 April (Q2) in Berlin
            now_ms: ms("2026-03-31T22:30:00Z"),
            teams,
        }
    }

    fn fields(r: Result<Selection, Refused>) -> Vec<String> {
        match r {
            Ok(s) => panic!("accepted: {s:?}"),
            Err(e) => e.errors.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn the_default_is_the_current_quarter_in_the_zone() {
        let t = teams();
        let s = read(&q(&[("from", " "), ("team", "")]), &cx(&t)).unwrap();
        assert_eq!(s.span, Span::Quarter(Quarter { year: 2026, q: 2 }));
        assert!(s.defaulted);
        assert_eq!(s.period.from_ms, ms("2026-03-31T22:00:00Z"));
        assert_eq!(s.previous_span, Span::Quarter(Quarter { year: 2026, q: 1 }));
        assert_eq!(s.previous.to_ms, s.period.from_ms);
        assert!(s.filter.is_empty());
    }

    #[test]
    fn days_and_quarters_and_filters_are_read() {
        let t = teams();
        let s = read(
            &q(&[
                ("from", " 2026-03-01"),
                ("to", "2026-03-10 "),
                ("team", "3"),
                ("severity", "high"),
                ("kind", "near_miss"),
                ("system", "  Billing API "),
            ]),
            &cx(&t),
        )
        .unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            s.span,
            Span::Days {
                from: d("2026-03-01"),
                to: d("2026-03-10")
            }
        );
        assert_eq!(s.span.days(), 10);
        // ten days just before
        assert_eq!(
            s.previous_span,
            Span::Days {
                from: d("2026-02-19"),
                to: d("2026-02-28")
            }
        );
        assert_eq!(s.previous.to_ms, s.period.from_ms);
        assert_eq!(s.filter.team_id, Some(3));
        assert_eq!(s.team_name.as_deref(), Some("Payments"));
        assert_eq!(s.filter.severity, Some(Severity::High));
        assert_eq!(s.filter.kind, Some(Kind::NearMiss));
        assert_eq!(s.filter.system.as_deref(), Some("Billing API"));
        assert!(!s.defaulted);

        let s = read(&q(&[("quarter", "2025-q4")]), &cx(&t)).unwrap();
        assert_eq!(s.span.label(), "2025 Q4");
        assert_eq!(s.span.days(), 92);
        // from alone runs to today in the zone
        let s = read(&q(&[("from", "2026-03-30")]), &cx(&t)).unwrap();
        assert_eq!(s.span.last_day(), Some(d("2026-04-01")));
    }

    #[test]
    fn every_bad_parameter_is_named_and_what_was_typed_comes_back() {
        let t = teams();
        let cx = cx(&t);
        assert_eq!(
            fields(read(
                &q(&[("from", "2026-03-10"), ("to", "2026-03-01")]),
                &cx
            )),
            ["from"]
        );
        assert_eq!(fields(read(&q(&[("from", "10/03/2026")]), &cx)), ["from"]);
        assert_eq!(
            fields(read(&q(&[("from", "2026-02-30"), ("to", "2026-3-1")]), &cx)),
            ["from", "to"]
        );
        assert_eq!(fields(read(&q(&[("to", "2026-03-01")]), &cx)), ["from"]);
        assert_eq!(fields(read(&q(&[("from", "2027-01-01")]), &cx)), ["from"]);
        assert_eq!(
            fields(read(&q(&[("quarter", "2026-Q5")]), &cx)),
            ["quarter"]
        );
        assert_eq!(
            fields(read(
                &q(&[("quarter", "2026-Q1"), ("from", "2026-01-01")]),
                &cx
            )),
            ["quarter"]
        );
        assert_eq!(fields(read(&q(&[("team", "9")]), &cx)), ["team"]);
        assert_eq!(fields(read(&q(&[("team", "x")]), &cx)), ["team"]);
        assert_eq!(fields(read(&q(&[("team", " 3")]), &cx)), ["team"]);
        assert_eq!(fields(read(&q(&[("team", "+3")]), &cx)), ["team"]);
        assert_eq!(
            fields(read(&q(&[("severity", " high")]), &cx)),
            ["severity"]
        );
        assert_eq!(
            fields(read(&q(&[("from", "\u{b}2026-01-01")]), &cx)),
            ["from"]
        );
        assert_eq!(fields(read(&q(&[("severity", "huge")]), &cx)), ["severity"]);
        assert_eq!(fields(read(&q(&[("kind", "rumour")]), &cx)), ["kind"]);
        let long = "x".repeat(SYSTEM_MAX + 1);
        assert_eq!(fields(read(&q(&[("system", &long)]), &cx)), ["system"]);
        assert_eq!(fields(read(&q(&[("system", "a\u{7}")]), &cx)), ["system"]);
        assert_eq!(fields(read(&q(&[("colour", "red")]), &cx)), ["colour"]);
        assert_eq!(
            fields(read(&q(&[("kind", "incident"), ("kind", "concern")]), &cx)),
            ["kind"]
        );
        let r = read(&q(&[("team", "9"), ("system", "VPN")]), &cx).unwrap_err();
        assert_eq!(r.typed.team, "9");
        assert_eq!(r.typed.system, "VPN");
        assert_eq!(r.typed.pairs(), [("team", "9"), ("system", "VPN")]);
    }
}
