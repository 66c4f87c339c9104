//! The dashboards' charts: SVG written by hand on the server, no chart
//! library and nothing fetched by the browser. Three kinds:
//!
//! - a **trend** per quarter: counts (or shares) with their 95% interval as
//!   whiskers, so a reader sees how much of a change is noise;
//! - a **histogram** of durations on a log-time axis (ticks at 1 min, 10 min,
//!   1 h, 6 h, 1 day, 1 week, 30 days, 1 year), open cases stacked apart;
//! - a **strip plot** for fewer than `SMALL_N` cases: every case is a point
//!   (open ones hollow with an arrow: "still running after at least this
//!   long"), and no median is drawn.
//!
//! Each chart is `role="img"` with a `<title>` and a `<desc>` saying the
//! numbers in words, and comes with a [`Table`] holding the same numbers. All
//! text is escaped. Colours are presentation attributes (readable on a light
//! page; app.css gives the dark-mode ones), text is `currentColor`.

use super::table::Table;
use debrief_core::duration;
use debrief_core::metrics::SMALL_N;
use debrief_core::metrics::durations::Summary;
use std::fmt::Write;

/// A chart and the table beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Unique on the page; the table's CSV name.
    pub id: String,
    pub svg: String,
    pub table: Table,
}

const W: f64 = 640.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 16.0;
const PLOT_W: f64 = W - LEFT - RIGHT;

/// Blue 700 (6.7:1 on white), for the series.
const SERIES: &str = "#1d4ed8";
/// Amber 700 (5.0:1 on white), for open cases.
const OPEN: &str = "#b45309";
/// Grey 500, for grid lines (decorative; the numbers are in the table).
const GRID: &str = "#9ca3af";

/// Text escaped for SVG and HTML (element content and quoted attributes).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The opening of a chart: its accessible name and description.
fn open_svg(id: &str, height: f64, title: &str, desc: &str) -> String {
    let id = esc(id);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"chart-{id}\" \
         role=\"img\" aria-labelledby=\"chart-{id}-title chart-{id}-desc\" \
         viewBox=\"0 0 {W} {height}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" \
         font-family=\"system-ui, sans-serif\" font-size=\"13\" fill=\"currentColor\">\
         <title id=\"chart-{id}-title\">{}</title><desc id=\"chart-{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    )
}

/// The honest empty state: no marks, an explicit n = 0.
fn no_data(id: &str, title: &str, table: Table) -> Chart {
    let mut svg = open_svg(id, 80.0, title, "No data for this period (n = 0).");
    let _ = write!(
        svg,
        "<rect x=\"1\" y=\"1\" width=\"{}\" height=\"78\" fill=\"none\" stroke=\"{GRID}\" \
         stroke-dasharray=\"4 4\"/><text class=\"no-data\" x=\"{}\" y=\"45\" \
         text-anchor=\"middle\">No data for this period (n = 0)</text></svg>",
        W - 2.0,
        W / 2.0
    );
    Chart {
        id: id.to_string(),
        svg,
        table,
    }
}

/// A number rounded the way it is shown.
fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

/// The smallest of 1, 2, 5 × 10ᵏ at or above `x` (at least 1).
fn nice_ceil(x: f64) -> f64 {
    if x <= 1.0 {
        return 1.0;
    }
    let mag = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= x - 1e-9 {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Whole-number ticks from 0 to `max` (a nice number): at most six.
fn count_ticks(max: f64) -> Vec<f64> {
    let step = [1.0, 2.0, 5.0]
        .iter()
        .flat_map(|m| (0..12).map(move |k| m * 10f64.powi(k)))
        .filter(|s| max / s <= 5.0 + 1e-9)
        .fold(f64::INFINITY, f64::min);
    let mut v = Vec::new();
    let mut t = 0.0;
    while t <= max + 1e-9 {
        v.push(t);
        t += step;
    }
    v
}

// ---------------------------------------------------------------- trend

/// What a trend's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Counts (reports): whole numbers from 0 up.
    Count,
    /// Shares from 0 to 1, shown as percentages.
    Share,
}

impl Unit {
    fn show(self, x: f64) -> String {
        match self {
            Unit::Count => num(x),
            Unit::Share => format!("{:.0}%", x * 100.0),
        }
    }
}

/// One quarter of a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub label: String,
    /// `None` when the quarter has nothing to measure (a share of none).
    pub value: Option<f64>,
    /// The 95% interval of the value.
    pub interval: Option<(f64, f64)>,
}

const TREND_H: f64 = 240.0;
const TREND_BOTTOM: f64 = 40.0;

/// A line per quarter with each value's interval as whiskers.
pub fn trend(id: &str, what: &str, unit: Unit, points: &[TrendPoint]) -> Chart {
    let title = format!("{what} per quarter");
    let mut table = Table::new(id, title.clone(), &["Quarter", what, "95% interval"]);
    for p in points {
        table.row(vec![
            p.label.clone(),
            p.value.map_or_else(|| "no data".into(), |v| unit.show(v)),
            p.interval.map_or_else(String::new, |(lo, hi)| {
                format!("{} to {}", unit.show(lo), unit.show(hi))
            }),
        ]);
    }
    if points.iter().all(|p| p.value.is_none()) {
        return no_data(id, &title, table);
    }
    let desc = points
        .iter()
        .map(|p| match (p.value, p.interval) {
            (Some(v), Some((lo, hi))) => format!(
                "{}: {} (95% interval {} to {})",
                p.label,
                unit.show(v),
                unit.show(lo),
                unit.show(hi)
            ),
            (Some(v), None) => format!("{}: {}", p.label, unit.show(v)),
            (None, _) => format!("{}: no data", p.label),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let max = match unit {
        Unit::Share => 1.0,
        Unit::Count => nice_ceil(
            points
                .iter()
                .flat_map(|p| [p.value, p.interval.map(|i| i.1)])
                .flatten()
                .fold(0.0, f64::max),
        ),
    };
    let ticks = match unit {
        Unit::Share => vec![0.0, 0.25, 0.5, 0.75, 1.0],
        Unit::Count => count_ticks(max),
    };
    let base = TREND_H - TREND_BOTTOM;
    let y = |v: f64| base - (v / max).clamp(0.0, 1.0) * (base - TOP);
    let n = points.len() as f64;
    let x = |i: usize| LEFT + (i as f64 + 0.5) * PLOT_W / n;
    let mut svg = open_svg(id, TREND_H, &title, &format!("{desc}."));
    for t in &ticks {
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"{GRID}\" \
             stroke-width=\"0.5\"/><text class=\"tick\" x=\"{}\" y=\"{:.1}\" \
             text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y(*t) + 4.0,
            esc(&unit.show(*t)),
            yy = y(*t),
        );
    }
    let every = points.len().div_ceil(10).max(1);
    for (i, p) in points.iter().enumerate() {
        if i % every == 0 {
            let _ = write!(
                svg,
                "<text class=\"tick\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x(i),
                base + 18.0,
                esc(&p.label)
            );
        }
    }
    // the line, broken where a quarter has no value
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    for (i, p) in points.iter().enumerate() {
        match p.value {
            Some(v) => {
                if let Some(r) = runs.last_mut() {
                    r.push(format!("{:.1},{:.1}", x(i), y(v)));
                }
            }
            None => runs.push(Vec::new()),
        }
    }
    for r in runs.iter().filter(|r| r.len() > 1) {
        let _ = write!(
            svg,
            "<polyline class=\"series\" points=\"{}\" fill=\"none\" stroke=\"{SERIES}\" \
             stroke-width=\"2\"/>",
            r.join(" ")
        );
    }
    for (i, p) in points.iter().enumerate() {
        let Some(v) = p.value else { continue };
        if let Some((lo, hi)) = p.interval {
            let (x0, y0, y1) = (x(i), y(lo), y(hi));
            let _ = write!(
                svg,
                "<g class=\"interval\" stroke=\"{SERIES}\" stroke-width=\"1.5\">\
                 <line x1=\"{x0:.1}\" x2=\"{x0:.1}\" y1=\"{y0:.1}\" y2=\"{y1:.1}\"/>\
                 <line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\"/>\
                 <line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y1:.1}\" y2=\"{y1:.1}\"/></g>",
                x0 - 5.0,
                x0 + 5.0,
                x0 - 5.0,
                x0 + 5.0,
            );
        }
        let _ = write!(
            svg,
            "<circle class=\"mark series\" data-value=\"{v}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" \
             fill=\"{SERIES}\"/>",
            x(i),
            y(v)
        );
    }
    let _ = write!(
        svg,
        "<text class=\"legend\" x=\"{LEFT}\" y=\"{}\">● {} · whiskers: 95% interval</text></svg>",
        TREND_H - 4.0,
        esc(what)
    );
    Chart {
        id: id.to_string(),
        svg,
        table,
    }
}

// ---------------------------------------------------------------- durations

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

/// The log-time axis's ticks, which are also the histogram's bin edges.
const EDGES: [(i64, &str); 8] = [
    (MIN, "1 min"),
    (10 * MIN, "10 min"),
    (HOUR, "1 h"),
    (6 * HOUR, "6 h"),
    (DAY, "1 day"),
    (7 * DAY, "1 week"),
    (30 * DAY, "30 days"),
    (365 * DAY, "1 year"),
];

/// Durations shorter than this (down to 0) are drawn at the axis's left end.
const FLOOR_MS: i64 = 6_000;

/// A logarithmic axis of durations, from `lo` to `hi` milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LogAxis {
    lo: i64,
    hi: i64,
}

impl LogAxis {
    /// The smallest span of ticks holding every duration from `min` to `max`.
    fn around(min: i64, max: i64) -> LogAxis {
        let min = min.max(FLOOR_MS);
        let lo = EDGES
            .iter()
            .rev()
            .map(|e| e.0)
            .find(|&e| e <= min)
            .unwrap_or(FLOOR_MS);
        let hi = EDGES
            .iter()
            .map(|e| e.0)
            .find(|&e| e >= max && e > lo)
            .unwrap_or_else(|| max.max(lo.saturating_mul(2)));
        LogAxis { lo, hi }
    }

    fn x(&self, ms: i64) -> f64 {
        let v = ms.clamp(self.lo, self.hi) as f64;
        let (lo, hi) = (self.lo as f64, self.hi as f64);
        LEFT + (v.ln() - lo.ln()) / (hi.ln() - lo.ln()) * PLOT_W
    }

    fn ticks(&self) -> impl Iterator<Item = (i64, &'static str)> + '_ {
        EDGES
            .iter()
            .copied()
            .filter(|(e, _)| *e >= self.lo && *e <= self.hi)
    }

    fn draw(&self, svg: &mut String, top: f64, base: f64) {
        for (e, label) in self.ticks() {
            let x = self.x(e);
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top}\" y2=\"{base}\" stroke=\"{GRID}\" \
                 stroke-width=\"0.5\"/><text class=\"tick\" data-ms=\"{e}\" x=\"{x:.1}\" \
                 y=\"{}\" text-anchor=\"middle\">{label}</text>",
                base + 16.0
            );
        }
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{base}\" y2=\"{base}\" stroke=\"currentColor\"/>\
             <text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">duration \
             (log scale)</text>",
            W - RIGHT,
            LEFT + PLOT_W / 2.0,
            base + 34.0
        );
    }
}

/// A duration in words: "2 h 14 min", "under 1 min".
pub fn words(ms: i64) -> String {
    if (0..MIN).contains(&ms) {
        "under 1 min".into()
    } else {
        duration::words(ms / MIN)
    }
}

/// The histogram's bins: `[lower, upper)` in milliseconds, and their names.
fn bins() -> Vec<(i64, i64, String)> {
    let mut v = vec![(0, MIN, "under 1 min".to_string())];
    for w in EDGES.windows(2) {
        v.push((w[0].0, w[1].0, format!("{} to {}", w[0].1, w[1].1)));
    }
    v.push((365 * DAY, i64::MAX, "over 1 year".into()));
    v
}

fn coverage_desc(s: &Summary) -> String {
    format!(
        "{}: {} ({}).",
        s.measure.label(),
        s.coverage(),
        s.measure.between()
    )
}

/// The durations of a measure as a strip plot (below `SMALL_N` cases) or a
/// histogram.
pub fn durations(id: &str, s: &Summary) -> Chart {
    if s.count + s.open < SMALL_N {
        strip(id, s)
    } else {
        histogram(id, s)
    }
}

const HIST_H: f64 = 260.0;
const AXIS_BOTTOM: f64 = 48.0;

/// A histogram of the durations on a log-time axis; open cases (still running
/// after at least their time) are stacked above the ended ones, outlined.
pub fn histogram(id: &str, s: &Summary) -> Chart {
    let title = format!("{}: how long it took, in ranges", s.measure.label());
    let bins = bins();
    let mut ended = vec![0u64; bins.len()];
    let mut open = vec![0u64; bins.len()];
    for p in &s.points {
        let i = bins
            .iter()
            .position(|b| p.ms >= b.0 && p.ms < b.1)
            .unwrap_or(0);
        if p.open {
            open[i] += 1;
        } else {
            ended[i] += 1;
        }
    }
    let mut table = Table::new(id, title.clone(), &["Range", "Ended", "Still open"]);
    for (i, b) in bins.iter().enumerate() {
        table.row(vec![b.2.clone(), ended[i].to_string(), open[i].to_string()]);
    }
    if s.points.is_empty() {
        return no_data(id, &title, table);
    }
    let used: Vec<usize> = (0..bins.len())
        .filter(|&i| ended[i] + open[i] > 0)
        .collect();
    let (first, last) = (used[0], used[used.len() - 1]);
    let max_ms = s.points.iter().map(|p| p.ms).max().unwrap_or(0);
    let axis = LogAxis::around(
        bins[first].0,
        if bins[last].1 == i64::MAX {
            max_ms.max(2 * 365 * DAY)
        } else {
            bins[last].1
        },
    );
    let top_count = (0..bins.len())
        .map(|i| ended[i] + open[i])
        .max()
        .unwrap_or(0);
    let ymax = nice_ceil(top_count as f64);
    let base = HIST_H - AXIS_BOTTOM;
    let y = |v: f64| base - (v / ymax) * (base - TOP);
    let busiest = used
        .iter()
        .max_by_key(|&&i| (ended[i] + open[i], std::cmp::Reverse(i)))
        .map(|&i| bins[i].2.clone())
        .unwrap_or_default();
    let desc = format!("{} Most cases: {busiest}.", coverage_desc(s));
    let mut svg = open_svg(id, HIST_H, &title, &desc);
    for t in count_ticks(ymax) {
        let _ = write!(
            svg,
            "<text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 6.0,
            y(t) + 4.0,
            num(t)
        );
    }
    axis.draw(&mut svg, TOP, base);
    for &i in &used {
        let (lo, hi, name) = &bins[i];
        let x0 = axis.x((*lo).max(FLOOR_MS)) + 1.0;
        let x1 = axis.x(*hi) - 1.0;
        let w = (x1 - x0).max(2.0);
        let (e, o) = (ended[i] as f64, open[i] as f64);
        if e > 0.0 {
            let _ = write!(
                svg,
                "<rect class=\"bar ended\" data-bin=\"{}\" data-count=\"{}\" x=\"{x0:.1}\" \
                 y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{SERIES}\"/>",
                esc(name),
                ended[i],
                y(e),
                base - y(e)
            );
        }
        if o > 0.0 {
            let _ = write!(
                svg,
                "<rect class=\"bar open\" data-bin=\"{}\" data-count=\"{}\" x=\"{:.1}\" \
                 y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"{OPEN}\" \
                 stroke-width=\"2\" stroke-dasharray=\"4 2\"/>",
                esc(name),
                open[i],
                x0 + 1.0,
                y(e + o) + 1.0,
                (w - 2.0).max(1.0),
                (y(e) - y(e + o) - 2.0).max(1.0)
            );
        }
    }
    let _ = write!(
        svg,
        "<text class=\"legend\" x=\"{LEFT}\" y=\"{}\">filled: ended · dashed: still open (at \
         least this long)</text></svg>",
        HIST_H - 2.0
    );
    Chart {
        id: id.to_string(),
        svg,
        table,
    }
}

const STRIP_ROW: f64 = 14.0;
const STRIP_ROWS: usize = 6;

/// Every case as a point on a log-time axis: ended ones filled, open ones
/// hollow with an arrow (still running after at least that long). No median.
pub fn strip(id: &str, s: &Summary) -> Chart {
    let title = format!("{}: every case", s.measure.label());
    let mut table = Table::new(id, title.clone(), &["Case", "Duration", "Seconds", "State"]);
    for p in &s.points {
        table.row(vec![
            format!("Case {}", p.case_id),
            if p.open {
                format!("at least {}", words(p.ms))
            } else {
                words(p.ms)
            },
            (p.ms / 1000).to_string(),
            if p.open { "still open" } else { "ended" }.to_string(),
        ]);
    }
    if s.points.is_empty() {
        return no_data(id, &title, table);
    }
    let min = s.points.iter().map(|p| p.ms).min().unwrap_or(0);
    let max = s.points.iter().map(|p| p.ms).max().unwrap_or(0);
    let axis = LogAxis::around(min, max);
    // points closer than a marker's width go on the next row up
    let mut rows: Vec<f64> = Vec::new(); // the last x used on each row
    let mut placed = Vec::new();
    for p in &s.points {
        let x = axis.x(p.ms);
        let row = rows
            .iter()
            .position(|&last| x - last >= 10.0)
            .unwrap_or_else(|| {
                if rows.len() < STRIP_ROWS {
                    rows.push(f64::NEG_INFINITY);
                    rows.len() - 1
                } else {
                    STRIP_ROWS - 1
                }
            });
        rows[row] = x;
        placed.push((p, x, row));
    }
    let base = TOP + STRIP_ROWS as f64 * STRIP_ROW + 12.0;
    let height = base + AXIS_BOTTOM;
    let desc = format!(
        "{} Fewer than {SMALL_N} cases, so each is shown and no median is drawn. {}.",
        coverage_desc(s),
        s.points
            .iter()
            .map(|p| if p.open {
                format!("case {} still open after {}", p.case_id, words(p.ms))
            } else {
                format!("case {} {}", p.case_id, words(p.ms))
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut svg = open_svg(id, height, &title, &desc);
    axis.draw(&mut svg, TOP, base);
    for (p, x, row) in placed {
        let cy = base - 8.0 - row as f64 * STRIP_ROW;
        if p.open {
            let _ = write!(
                svg,
                "<g class=\"mark open\" data-ms=\"{}\" data-case=\"{}\"><circle cx=\"{x:.1}\" \
                 cy=\"{cy:.1}\" r=\"4.5\" fill=\"none\" stroke=\"{OPEN}\" stroke-width=\"2\"/>\
                 <path d=\"M{:.1} {cy:.1} h8 m-3 -3 l3 3 l-3 3\" fill=\"none\" stroke=\"{OPEN}\" \
                 stroke-width=\"1.5\"/></g>",
                p.ms,
                p.case_id,
                x + 5.0
            );
        } else {
            let _ = write!(
                svg,
                "<circle class=\"mark ended\" data-ms=\"{}\" data-case=\"{}\" cx=\"{x:.1}\" \
                 cy=\"{cy:.1}\" r=\"4.5\" fill=\"{SERIES}\"/>",
                p.ms, p.case_id
            );
        }
    }
    let _ = write!(
        svg,
        "<text class=\"legend\" x=\"{LEFT}\" y=\"{}\">● ended · ○→ still open (running for at \
         least this long)</text></svg>",
        height - 2.0
    );
    Chart {
        id: id.to_string(),
        svg,
        table,
    }
}

#[cfg(test)]
#[path = "charts_tests.rs"]
mod tests;
