//! The dashboards' figures in words and tables, made from the core's
//! [`Metrics`]: what the pages show and the CSV files hold, so both always
//! carry the same numbers. Nothing is computed here that the core does not
//! define; this is formatting, coverage and withholding made visible.

use super::charts::{self, Chart, TrendPoint, Unit};
use super::table::{Table, WITHHELD};
use debrief_core::metrics::counts::Guarded;
use debrief_core::metrics::durations::Summary;
use debrief_core::metrics::{Metrics, Quarter, SMALL_N, stat};

/// Why a figure about people is not shown.
pub const WITHHELD_REASON: &str =
    "withheld: it would describe fewer than 5 people, who could be recognised";

pub fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A share with its 95% Wilson interval, "42% (95% interval 30% to 55%)".
fn share_words(k: u64, n: u64) -> String {
    match stat::wilson_interval(k, n) {
        Some((lo, hi)) => format!(
            "{} ({k} of {n}; 95% interval {} to {})",
            pct(k as f64 / n as f64),
            pct(lo),
            pct(hi)
        ),
        None => "no data (n = 0)".into(),
    }
}

/// A count with its exact 95% Poisson interval.
fn count_words(k: u64) -> String {
    let (lo, hi) = stat::poisson_interval(k);
    format!("{k} (95% interval {lo:.1} to {hi:.1})")
}

fn guarded<T>(g: &Guarded<T>, show: impl Fn(&T) -> String) -> String {
    match g {
        Guarded::Shown(v) => show(v),
        Guarded::Withheld => WITHHELD.into(),
    }
}

/// Whether a duration is read from its points rather than a median.
pub fn is_small(s: &Summary) -> bool {
    s.count + s.open < SMALL_N
}

/// A duration's median in words, or why there is none to show.
pub fn median_words(s: &Summary) -> String {
    quantile_words(s, s.median_ms)
}

fn quantile_words(s: &Summary, q: Option<i64>) -> String {
    if s.count + s.open == 0 {
        "no data (n = 0)".into()
    } else if is_small(s) {
        format!("fewer than {SMALL_N} cases: read the points")
    } else {
        match q {
            Some(ms) => charts::words(ms),
            None => "not reached yet (too many still open)".into(),
        }
    }
}

/// One headline figure: its value, how many it is from, its change against
/// the previous period in plain words, and its chart when it has one.
#[derive(Debug, Clone)]
pub struct Figure {
    pub key: &'static str,
    pub label: String,
    pub value: String,
    /// "n = 17 reports", "from 14 of 22 cases; 3 still open".
    pub basis: String,
    pub reading: Option<String>,
    /// A duration with fewer than `SMALL_N` cases: its points are the figure.
    pub small: bool,
    pub chart: Option<Chart>,
}

/// A duration as a headline figure: the median with its coverage, or for
/// small numbers the points themselves.
/// The reading of its change is the caller's (it needs the previous period).
pub fn duration_figure(key: &'static str, s: &Summary) -> Figure {
    Figure {
        key,
        label: s.measure.label().to_string(),
        value: if is_small(s) && s.count + s.open > 0 {
            format!("{} cases: each shown below", s.count + s.open)
        } else {
            format!("median {}", median_words(s))
        },
        basis: format!("{} {}", s.measure.label(), s.coverage()),
        reading: None,
        small: is_small(s),
        chart: Some(charts::durations(key, s)),
    }
}

/// The durations table: every measure with its coverage.
/// `changes` holds each measure's reading of its change, by key.
pub fn durations_table(m: &Metrics, changes: &[(&str, Option<String>)]) -> Table {
    let mut t = Table::new(
        "durations",
        "Durations: how long each step took",
        &[
            "Measure",
            "Between",
            "Ended",
            "Still open",
            "Without the times",
            "End before start",
            "Median",
            "90th percentile",
            "Change",
        ],
    );
    for s in &m.durations {
        let change = changes
            .iter()
            .find(|(k, _)| *k == s.measure.key())
            .and_then(|(_, c)| c.clone())
            .unwrap_or_default();
        t.row(vec![
            s.measure.label().into(),
            s.measure.between().into(),
            s.count.to_string(),
            s.open.to_string(),
            s.missing.to_string(),
            s.inconsistent.to_string(),
            median_words(s),
            quantile_words(s, s.p90_ms),
            change,
        ]);
    }
    t
}

/// The reports table: by kind, near-misses, and the figures about people
/// (withheld for groups under five).
pub fn reports_table(m: &Metrics) -> Table {
    let r = &m.reports;
    let mut t = Table::new("reports", "Reports received", &["Figure", "Value"]);
    t.row(vec!["All reports".into(), count_words(r.total)]);
    for (kind, n) in &r.by_kind {
        t.row(vec![format!("{} reports", kind.label()), count_words(*n)]);
    }
    t.row(vec![
        "Near-miss reports per incident report".into(),
        r.near_miss_ratio.map_or_else(
            || "none (no incident reports)".into(),
            |x| format!("{x:.2}"),
        ),
    ]);
    // the count of anonymous reports would give the withheld share away
    t.row(vec![
        "Anonymous reports".into(),
        guarded(&r.anonymous_share, |_| r.anonymous.to_string()),
    ]);
    t.row(vec![
        "Anonymous share".into(),
        guarded(&r.anonymous_share, |s| match s {
            Some(_) => share_words(r.anonymous, r.total),
            None => "no data (n = 0)".into(),
        }),
    ]);
    t.row(vec![
        "Distinct reporters (named reports)".into(),
        guarded(&r.distinct_reporters, u64::to_string),
    ]);
    t.row(vec![
        "Reports per 100 people".into(),
        guarded(&r.per_100_people, |x| {
            x.map_or_else(|| "no data".into(), |x| format!("{x:.1}"))
        }),
    ]);
    t.row(vec![
        "First reports credited to their reporter".into(),
        guarded(&r.first_reports_credited, u64::to_string),
    ]);
    t
}

/// Which of the reports table's figures are withheld, for the page to say why.
pub fn withheld_figures(m: &Metrics) -> Vec<&'static str> {
    let r = &m.reports;
    let mut v = Vec::new();
    if r.anonymous_share == Guarded::Withheld {
        v.push("Anonymous share");
    }
    if r.distinct_reporters == Guarded::Withheld {
        v.push("Distinct reporters");
    }
    if r.per_100_people == Guarded::Withheld {
        v.push("Reports per 100 people");
    }
    if r.first_reports_credited == Guarded::Withheld {
        v.push("First reports credited");
    }
    v
}

pub fn repeats_table(m: &Metrics) -> Table {
    let r = &m.repeats;
    let mut t = Table::new("repeats", "Repeat incidents", &["Figure", "Value"]);
    t.row(vec![
        "Cases with a category and a system".into(),
        r.classified.to_string(),
    ]);
    t.row(vec![
        "Repeats (same category and system within 12 months)".into(),
        r.repeats.to_string(),
    ]);
    t.row(vec![
        "Cases without a category or a system".into(),
        r.unclassified.to_string(),
    ]);
    t.row(vec![
        "Repeat-incident rate".into(),
        share_words(r.repeats, r.classified),
    ]);
    t
}

pub fn actions_table(m: &Metrics) -> Table {
    let a = &m.actions;
    let mut t = Table::new("action_items", "Action items", &["Figure", "Value"]);
    let days = |d: Option<i64>| d.map_or_else(|| "none".into(), |d| format!("{d} days"));
    t.row(vec!["Created in the period".into(), a.total.to_string()]);
    t.row(vec!["Done".into(), a.done.to_string()]);
    t.row(vec!["Won't do".into(), a.wont_do.to_string()]);
    t.row(vec!["Still open".into(), a.open.to_string()]);
    t.row(vec!["Completion rate".into(), share_words(a.done, a.total)]);
    t.row(vec!["Overdue".into(), a.overdue.to_string()]);
    t.row(vec![
        "Overdue: median days past due".into(),
        days(a.overdue_median_days),
    ]);
    t.row(vec![
        "Overdue: oldest, days past due".into(),
        days(a.overdue_max_days),
    ]);
    t.row(vec![
        "Median days to close".into(),
        match a.close_median_days {
            Some(d) => format!("{d:.1} days"),
            None if a.total == 0 => "no data (n = 0)".into(),
            None => "not reached yet (too many still open)".into(),
        },
    ]);
    t.row(vec!["Effectiveness checked".into(), a.checked.to_string()]);
    t.row(vec![
        "Share found effective".into(),
        share_words(a.effective, a.checked),
    ]);
    t
}

pub fn cases_table(m: &Metrics) -> Table {
    let mut t = Table::new("cases", "Cases counted", &["Figure", "Value"]);
    t.row(vec!["Cases in the period".into(), m.cases.to_string()]);
    t.row(vec![
        "Drills and exercises (left out of every figure)".into(),
        m.drills.to_string(),
    ]);
    t
}

/// A count per quarter with its exact interval.
pub fn count_trend(id: &str, what: &str, per_quarter: &[(Quarter, u64)]) -> Chart {
    let points: Vec<TrendPoint> = per_quarter
        .iter()
        .map(|&(q, k)| TrendPoint {
            label: q.label(),
            value: Some(k as f64),
            interval: Some(stat::poisson_interval(k)),
        })
        .collect();
    charts::trend(id, what, Unit::Count, &points)
}

/// A share per quarter (`k` of `n`) with its Wilson interval; a quarter
/// with nothing to share has no value.
pub fn share_trend(id: &str, what: &str, per_quarter: &[(Quarter, u64, u64)]) -> Chart {
    let points: Vec<TrendPoint> = per_quarter
        .iter()
        .map(|&(q, k, n)| TrendPoint {
            label: q.label(),
            value: (n > 0).then(|| k as f64 / n as f64),
            interval: stat::wilson_interval(k, n),
        })
        .collect();
    charts::trend(id, what, Unit::Share, &points)
}
