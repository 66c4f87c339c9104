//! The dashboard pages: the leadership page (a few headline figures, each
//! with its n, its change and a reading in plain words), the analyst page
//! (every figure, filters and a period picker) and the CSV of every table.
//! All of them read the query with the shared parser and compute with the
//! shared operation (`ops`); bad input re-shows the form with what was typed
//! and the error under the field it names.

use super::charts::Chart;
use super::figures::{self, Figure};
use super::ops::{self, Loaded, View};
use super::query::{Refused, Selection, Typed};
use super::table::Table;
use crate::AppState;
use crate::platform::error::PageError;
use crate::platform::shell::{Ctx, render_status};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use debrief_core::case::Severity;
use debrief_core::metrics::durations::{Measure, Summary};
use debrief_core::metrics::{Change, Metrics, Quarter, Tz};
use debrief_core::report::Kind;
use debrief_core::{FieldError, Validation};

/// One option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The filter and period form, with what the reader typed.
pub struct FormView {
    pub typed: Typed,
    pub quarters: Vec<Choice>,
    pub teams: Vec<Choice>,
    pub severities: Vec<Choice>,
    pub kinds: Vec<Choice>,
}

/// How many quarters a trend shows at least.
const TREND_QUARTERS: usize = 4;
/// And at most (the most recent ones of a long span).
const TREND_MAX: usize = 20;

fn choices(typed: &str, options: Vec<(String, String)>, none: &str) -> Vec<Choice> {
    let typed = typed.trim();
    let mut v = vec![Choice {
        value: String::new(),
        label: none.into(),
        selected: typed.is_empty(),
    }];
    let known = options.iter().any(|(value, _)| value == typed);
    v.extend(options.into_iter().map(|(value, label)| Choice {
        selected: value == typed,
        value,
        label,
    }));
    // what the reader sent stays selected, even when it is not one of ours
    if !typed.is_empty() && !known {
        v.push(Choice {
            value: typed.to_string(),
            label: typed.to_string(),
            selected: true,
        });
    }
    v
}

/// The quarter picker's first choice on the leadership page, which has no day fields.
const CURRENT_QUARTER: &str = "Current quarter";
/// ... and on the analyst page, where the days below it are the other way to choose.
const CURRENT_OR_DAYS: &str = "Current quarter, or the days below";

fn form_view(loaded: &Loaded, typed: Typed, current: &'static str) -> FormView {
    let mut quarters = Vec::new();
    if let Some(mut q) = Quarter::of(loaded.as_of_ms, loaded.tz) {
        for _ in 0..8 {
            quarters.push((q.key(), q.label()));
            q = q.prev();
        }
    }
    FormView {
        quarters: choices(&typed.quarter, quarters, current),
        teams: choices(
            &typed.team,
            loaded
                .teams
                .iter()
                .map(|t| (t.id.to_string(), t.name.clone()))
                .collect(),
            "All teams",
        ),
        severities: choices(
            &typed.severity,
            Severity::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), s.label().to_string()))
                .collect(),
            "Every severity",
        ),
        kinds: choices(
            &typed.kind,
            Kind::ALL
                .iter()
                .map(|k| (k.as_str().to_string(), k.label().to_string()))
                .collect(),
            "Every kind",
        ),
        typed,
    }
}

/// The query string's pairs as sent; a string that cannot be read is refused
/// as a whole.
fn pairs(q: Option<String>) -> Result<Vec<(String, String)>, FieldError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(q.as_deref().unwrap_or("")).map_err(|_| {
        FieldError {
            field: "query".into(),
            message: "The address's query string cannot be read.".into(),
        }
    })
}

/// The period, breakdown and zone in words.
pub struct Scope {
    pub period: String,
    pub previous: String,
    pub breakdown: String,
    pub zone: String,
    /// The query that gives this selection, for links (CSV, the other page).
    pub query: String,
}

fn scope(sel: &Selection, tz: Tz) -> Scope {
    let f = &sel.filter;
    let mut parts = Vec::new();
    if let Some(t) = &sel.team_name {
        parts.push(format!("team {t}"));
    }
    if let Some(s) = f.severity {
        parts.push(format!("severity {}", s.label()));
    }
    if let Some(k) = f.kind {
        parts.push(format!("{} reports", k.label()));
    }
    if let Some(s) = &f.system {
        parts.push(format!("system “{}”", s.trim()));
    }
    Scope {
        period: sel.span.label(),
        previous: sel.previous_span.label(),
        breakdown: if parts.is_empty() {
            "every team, severity, kind and system".into()
        } else {
            parts.join(", ")
        },
        zone: tz.name().to_string(),
        query: serde_urlencoded::to_string(sel.typed.pairs()).unwrap_or_default(),
    }
}

/// The quarters a trend shows: those of the period, at least the last four
/// up to its end, at most the last twenty.
fn trend_quarters(v: &View) -> Vec<Quarter> {
    let mut qs = Quarter::span(v.selection.period, v.tz);
    while qs.len() < TREND_QUARTERS {
        match qs.first() {
            Some(q) => qs.insert(0, q.prev()),
            None => break,
        }
    }
    let skip = qs.len().saturating_sub(TREND_MAX);
    qs.into_iter().skip(skip).collect()
}

/// Every quarter's figures, for the trends.
fn per_quarter(loaded: &Loaded, v: &View) -> Vec<(Quarter, Metrics)> {
    trend_quarters(v)
        .into_iter()
        .filter_map(|q| Some((q, loaded.compute(&v.selection.filter, q.period(v.tz)?))))
        .collect()
}

/// A change's reading, unless a period has nothing to compare (n = 0), in
/// which case saying "0% then 0%" would be a made-up number.
fn reading(change: &Change, n_before: u64, n_after: u64, previous: &str) -> String {
    match (n_before, n_after) {
        (0, 0) => "No change can be read: neither period has any (n = 0).".into(),
        (0, _) => format!("No change can be read: {previous} has none to compare (n = 0)."),
        (_, 0) => "No change can be read: this period has none (n = 0).".into(),
        _ => change.reading.clone(),
    }
}

fn duration_n(s: Option<&Summary>) -> u64 {
    s.map_or(0, |s| (s.count + s.open) as u64)
}

fn duration_change(v: &View, m: Measure) -> Option<&Change> {
    v.changes
        .durations
        .iter()
        .find(|(k, _)| *k == m)
        .map(|(_, c)| c)
}

/// A duration headline, its change read only when both periods have cases.
fn duration_headline(v: &View, key: &'static str, m: Measure, previous: &str) -> Option<Figure> {
    let s = v.current.duration(m)?;
    let mut f = figures::duration_figure(key, s);
    f.reading = duration_change(v, m).map(|c| {
        reading(
            c,
            duration_n(v.previous.duration(m)),
            duration_n(Some(s)),
            previous,
        )
    });
    Some(f)
}

/// The leadership page's figures: near-miss reports, time to report, MTTR,
/// the repeat-incident rate and action-item completion.
fn headlines(loaded: &Loaded, v: &View, sc: &Scope) -> Vec<Figure> {
    let (cur, prev) = (&v.current, &v.previous);
    let quarters = per_quarter(loaded, v);
    let r = &cur.reports;
    let (lo, hi) = debrief_core::metrics::stat::poisson_interval(r.near_miss);
    let mut out = vec![Figure {
        key: "trend_near_miss",
        label: "Near-miss reports".into(),
        value: r.near_miss.to_string(),
        basis: format!(
            "n = {} near-miss reports of {} reports received (95% interval {lo:.1} to {hi:.1})",
            r.near_miss, r.total
        ),
        reading: Some(v.changes.near_miss.reading.clone()),
        small: false,
        chart: Some(figures::count_trend(
            "trend_near_miss",
            "Near-miss reports",
            &quarters
                .iter()
                .map(|(q, m)| (*q, m.reports.near_miss))
                .collect::<Vec<_>>(),
        )),
    }];
    out.extend(duration_headline(
        v,
        "time_to_report",
        Measure::TimeToReport,
        &sc.previous,
    ));
    out.extend(duration_headline(v, "mttr", Measure::Mttr, &sc.previous));
    let rp = &cur.repeats;
    out.push(Figure {
        key: "repeats",
        label: "Repeat-incident rate".into(),
        value: rp
            .rate
            .map_or_else(|| "no data (n = 0)".into(), figures::pct),
        basis: format!(
            "{} of {} cases with a category and a system repeat one of the 12 months before; {} without a category or a system",
            rp.repeats, rp.classified, rp.unclassified
        ),
        reading: Some(reading(
            &v.changes.repeat_rate,
            prev.repeats.classified,
            rp.classified,
            &sc.previous,
        )),
        small: false,
        chart: None,
    });
    let a = &cur.actions;
    out.push(Figure {
        key: "action_items",
        label: "Action-item completion".into(),
        value: a
            .completion_rate
            .map_or_else(|| "no data (n = 0)".into(), figures::pct),
        basis: format!(
            "{} of {} action items created are done; {} still open, {} overdue",
            a.done, a.total, a.open, a.overdue
        ),
        reading: Some(reading(
            &v.changes.completion,
            prev.actions.total,
            a.total,
            &sc.previous,
        )),
        small: false,
        chart: None,
    });
    out
}

#[derive(Template)]
#[template(path = "dashboards/leadership.html")]
struct LeadershipPage {
    ctx: Ctx,
    form: FormView,
    errors: Validation,
    scope: Option<Scope>,
    figures: Vec<Figure>,
    drills: u64,
}

/// A refusal of one parameter, with what was typed.
fn refusal(typed: Typed, e: FieldError) -> Refused {
    Refused {
        typed: Box::new(typed),
        errors: vec![e],
    }
}

fn refused_errors(errors: Vec<FieldError>) -> Validation {
    Validation { errors }
}

pub async fn leadership(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Response {
    let loaded = match ops::load(&state.store).await {
        Ok(l) => l,
        Err(e) => return PageError::from(e).into_response(),
    };
    match select(&loaded, pairs(q)) {
        Ok(sel) => {
            let typed = sel.typed.clone();
            let v = loaded.view(sel);
            let sc = scope(&v.selection, v.tz);
            let figures = headlines(&loaded, &v, &sc);
            render_status(
                StatusCode::OK,
                &LeadershipPage {
                    form: form_view(&loaded, typed, CURRENT_QUARTER),
                    errors: Validation::default(),
                    drills: v.current.drills,
                    scope: Some(sc),
                    figures,
                    ctx,
                },
            )
        }
        Err(r) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &LeadershipPage {
                form: form_view(&loaded, *r.typed, CURRENT_QUARTER),
                errors: refused_errors(r.errors),
                scope: None,
                figures: Vec::new(),
                drills: 0,
                ctx,
            },
        ),
    }
}

/// One part of the analyst page: a table of figures and its charts (each
/// with its own table).
pub struct Section {
    pub id: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub table: Table,
    /// Which figures are withheld, and why.
    pub note: Option<String>,
    pub charts: Vec<Chart>,
}

/// Everything the analyst page shows, and the tables its CSV files hold.
pub struct Analysis {
    pub scope: Scope,
    pub sections: Vec<Section>,
}

impl Analysis {
    /// Every table, in page order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections
            .iter()
            .flat_map(|s| std::iter::once(&s.table).chain(s.charts.iter().map(|c| &c.table)))
    }

    /// A table by its CSV name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables().find(|t| t.name == name)
    }
}

const DURATIONS_INTRO: &str = "Each duration counts the cases with both times. Cases still open \
    stay in the estimate as still running (Kaplan–Meier) and are never given an end. Below 20 \
    cases no median is shown: every case is a point.";

pub fn analysis(loaded: &Loaded, v: &View) -> Analysis {
    let sc = scope(&v.selection, v.tz);
    let changes: Vec<(&str, Option<String>)> = Measure::ALL
        .iter()
        .map(|&m| {
            let r = duration_change(v, m).map(|c| {
                reading(
                    c,
                    duration_n(v.previous.duration(m)),
                    duration_n(v.current.duration(m)),
                    &sc.previous,
                )
            });
            (m.key(), r)
        })
        .collect();
    let quarters = per_quarter(loaded, v);
    let count = |f: &dyn Fn(&Metrics) -> u64| -> Vec<(Quarter, u64)> {
        quarters.iter().map(|(q, m)| (*q, f(m))).collect()
    };
    let share = |f: &dyn Fn(&Metrics) -> (u64, u64)| -> Vec<(Quarter, u64, u64)> {
        quarters
            .iter()
            .map(|(q, m)| {
                let (k, n) = f(m);
                (*q, k, n)
            })
            .collect()
    };
    let cur = &v.current;
    let withheld = figures::withheld_figures(cur);
    let sections = vec![
        Section {
            id: "durations",
            heading: "Durations",
            intro: DURATIONS_INTRO,
            table: figures::durations_table(cur, &changes),
            note: None,
            charts: cur
                .durations
                .iter()
                .map(|s| super::charts::durations(s.measure.key(), s))
                .collect(),
        },
        Section {
            id: "reports",
            heading: "Reports",
            intro: "Reports by when they were received, with exact 95% intervals for the counts.",
            table: figures::reports_table(cur),
            note: (!withheld.is_empty()).then(|| {
                format!(
                    "Not shown: {} — {}.",
                    withheld.join(", "),
                    figures::WITHHELD_REASON
                )
            }),
            charts: vec![
                figures::count_trend(
                    "trend_near_miss",
                    "Near-miss reports",
                    &count(&|m| m.reports.near_miss),
                ),
                figures::count_trend("trend_reports", "All reports", &count(&|m| m.reports.total)),
            ],
        },
        Section {
            id: "repeats",
            heading: "Repeat incidents",
            intro: "A case repeats when an earlier case of the 12 months before it shares a \
                contributing-factor category and an affected system.",
            table: figures::repeats_table(cur),
            note: None,
            charts: vec![figures::share_trend(
                "trend_repeats",
                "Repeat-incident rate",
                &share(&|m| (m.repeats.repeats, m.repeats.classified)),
            )],
        },
        Section {
            id: "action-items",
            heading: "Action items",
            intro: "Action items by when they were created.",
            table: figures::actions_table(cur),
            note: None,
            charts: vec![figures::share_trend(
                "trend_completion",
                "Action-item completion",
                &share(&|m| (m.actions.done, m.actions.total)),
            )],
        },
        Section {
            id: "cases",
            heading: "Cases counted",
            intro: "Drills and exercises are left out of every figure; they are counted here so \
                that leaving them out is visible.",
            table: figures::cases_table(cur),
            note: None,
            charts: Vec::new(),
        },
    ];
    Analysis {
        scope: sc,
        sections,
    }
}

#[derive(Template)]
#[template(path = "dashboards/analyst.html")]
struct AnalystPage {
    ctx: Ctx,
    form: FormView,
    errors: Validation,
    a: Option<Analysis>,
}

/// Reads the query into a selection, or the typed input and the errors.
fn select(
    loaded: &Loaded,
    pairs: Result<Vec<(String, String)>, FieldError>,
) -> Result<Selection, Refused> {
    pairs
        .map_err(|e| refusal(Typed::default(), e))
        .and_then(|p| loaded.select(&p))
}

fn analyst_page(ctx: Ctx, loaded: &Loaded, sel: Result<Selection, Refused>) -> Response {
    match sel {
        Ok(sel) => {
            let typed = sel.typed.clone();
            let v = loaded.view(sel);
            render_status(
                StatusCode::OK,
                &AnalystPage {
                    form: form_view(loaded, typed, CURRENT_OR_DAYS),
                    errors: Validation::default(),
                    a: Some(analysis(loaded, &v)),
                    ctx,
                },
            )
        }
        Err(r) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AnalystPage {
                form: form_view(loaded, *r.typed, CURRENT_OR_DAYS),
                errors: refused_errors(r.errors),
                a: None,
                ctx,
            },
        ),
    }
}

pub async fn analyst(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let loaded = match ops::load(&state.store).await {
        Ok(l) => l,
        Err(e) => return PageError::from(e).into_response(),
    };
    let sel = select(&loaded, pairs(q));
    analyst_page(ctx, &loaded, sel)
}

/// One table of the analyst page as CSV: `table` names it, the other
/// parameters are the page's. Bad input re-shows the analyst page with the
/// error, as the page itself does.
pub async fn analyst_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Response {
    let loaded = match ops::load(&state.store).await {
        Ok(l) => l,
        Err(e) => return PageError::from(e).into_response(),
    };
    let (mut tables, rest): (Vec<_>, Vec<_>) = match pairs(q) {
        Ok(p) => p.into_iter().partition(|(k, _)| k == "table"),
        Err(e) => return analyst_page(ctx, &loaded, Err(refusal(Typed::default(), e))),
    };
    let sel = match select(&loaded, Ok(rest)) {
        Ok(sel) => sel,
        Err(e) => return analyst_page(ctx, &loaded, Err(e)),
    };
    let name = match (tables.pop(), tables.is_empty()) {
        (Some((_, name)), true) => name,
        (Some(_), false) => {
            let e = refusal(sel.typed, table_error("Give table once."));
            return analyst_page(ctx, &loaded, Err(e));
        }
        (None, _) => {
            let e = refusal(
                sel.typed,
                table_error("Name the table to download (table)."),
            );
            return analyst_page(ctx, &loaded, Err(e));
        }
    };
    let v = loaded.view(sel);
    let a = analysis(&loaded, &v);
    let Some(t) = a.table(&name) else {
        let known: Vec<&str> = a.tables().map(|t| t.name.as_str()).collect();
        let e = refusal(
            v.selection.typed.clone(),
            table_error(&format!(
                "No table is called that. The tables are {}.",
                known.join(", ")
            )),
        );
        return analyst_page(ctx, &loaded, Err(e));
    };
    let file = format!(
        "debrief-{}-{}.csv",
        t.name,
        a.scope.period.replace(' ', "-")
    );
    let mut resp = t.to_csv().into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

fn table_error(message: &str) -> FieldError {
    FieldError {
        field: "table".into(),
        message: message.into(),
    }
}
