//! `GET /api/v1/metrics`: the learning metrics of one period and breakdown as
//! JSON, with the change against the period before it. The figures and their
//! definitions are the core's (docs/metrics.md); this module only shapes them.
//!
//! - A duration is `{"count", "median_seconds", "p90_seconds", "open",
//!   "missing", …}`; its median and p90 are `null` when no case has both
//!   times or too many are still open for the quantile to be reached.
//! - A figure about people is the string `"withheld"` for a group of fewer
//!   than five people, never the number (nor an interval or change that
//!   would give it away).
//! - A period without data has zero counts and `null` figures: never a zero
//!   duration, never NaN.

use crate::AppState;
use crate::dashboards::ops::{self, MetricsError, View};
use crate::dashboards::query::{MetricsParams, Span};
use crate::platform::api::rfc3339;
use crate::platform::error::{ApiError, Problem};
use axum::Json;
use axum::extract::{RawQuery, State};
use debrief_core::FieldError;
use debrief_core::metrics::counts::Guarded;
use debrief_core::metrics::durations::{Measure, Summary};
use debrief_core::metrics::stat::{poisson_interval, wilson_interval};
use debrief_core::metrics::{Change, Direction, Period, SMALL_N};
use debrief_core::report::Kind;
use serde::Serialize;
use utoipa::ToSchema;

/// The mark of a withheld figure.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Withheld {
    /// It would describe fewer than five people.
    Withheld,
}

/// A share or rate about people: a number, `null` when there is nothing to
/// divide by, or `"withheld"`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PeopleShare {
    Value(Option<f64>),
    Withheld(Withheld),
}

/// A count of people or of their reports: a number or `"withheld"`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PeopleCount {
    Value(u64),
    Withheld(Withheld),
}

/// A 95% interval (exact Poisson for counts, Wilson score for shares).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// The interval of a share about people: `null` without data, or `"withheld"`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PeopleInterval {
    Value(Option<Interval>),
    Withheld(Withheld),
}

/// A figure's change from the previous period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeOut {
    /// `rose`, `fell`, or `no_clear_change` when the test cannot tell the
    /// difference from chance (p ≥ 0.05).
    pub direction: Direction,
    /// The test's two-sided p-value (log-rank for durations, exact Poisson
    /// for counts, Fisher's exact test for shares).
    pub p_value: Option<f64>,
    /// What it means, in plain words.
    pub reading: String,
}

/// The change of a figure about people, or `"withheld"`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PeopleChange {
    Value(ChangeOut),
    Withheld(Withheld),
}

/// A period: its days in the organisation's time zone and its instants.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodOut {
    /// The first day, `YYYY-MM-DD`, included.
    pub from: String,
    /// The last day, `YYYY-MM-DD`, included.
    pub to: String,
    /// The quarter, when the period is one (`2026-Q3`).
    pub quarter: Option<String>,
    /// "2026 Q3" or "2026-03-01 to 2026-03-31".
    pub label: String,
    pub days: i64,
    /// The IANA name of the zone its days are counted in.
    pub time_zone: String,
    /// Its first instant (RFC 3339).
    pub starts_at: String,
    /// The first instant after it (RFC 3339).
    pub ends_at: String,
}

/// The breakdown the figures are for; `null` is everything.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FiltersOut {
    pub team: Option<i64>,
    pub team_name: Option<String>,
    pub severity: Option<String>,
    pub kind: Option<String>,
    pub system: Option<String>,
}

/// A duration metric over the cases of the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DurationOut {
    /// Cases with both times.
    pub count: usize,
    /// Kaplan–Meier median; `null` when `count` is 0 or too many cases are
    /// still open for it to be reached.
    pub median_seconds: Option<i64>,
    /// Kaplan–Meier 90th percentile; `null` as for the median.
    pub p90_seconds: Option<i64>,
    /// Cases still waiting for the end time.
    pub open: usize,
    /// Cases without a time the metric needs, which they will not get.
    pub missing: usize,
    /// Cases whose end is recorded before their start (left out).
    pub inconsistent: usize,
    /// "from 14 of 22 cases; 3 still open; 5 without the needed times".
    pub coverage: String,
    /// Fewer than 20 cases (count plus open): read the individual cases, not
    /// the median.
    pub few: bool,
}

/// Reports by kind.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KindsOut {
    pub incident: u64,
    pub near_miss: u64,
    pub vulnerability: u64,
    pub concern: u64,
}

/// The reports received in the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportsOut {
    pub total: u64,
    pub total_interval: Interval,
    pub by_kind: KindsOut,
    /// Reports per 100 people (active accounts, or the team's members).
    pub per_100_people: PeopleShare,
    /// Different people among the named reports.
    pub distinct_reporters: PeopleCount,
    /// Cases whose first report (received in the period) is credited to its
    /// named reporter.
    pub first_reports_credited: PeopleCount,
}

/// Repeat incidents among the cases of the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RepeatsOut {
    /// Cases with a contributing-factor category and an affected system.
    pub classified: u64,
    /// Those matching an earlier case of the 365 days before them.
    pub repeats: u64,
    /// Cases without a category or a system (left out of the rate).
    pub unclassified: u64,
    pub rate_interval: Option<Interval>,
}

/// Action items created in the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionItemsOut {
    pub total: u64,
    pub done: u64,
    pub wont_do: u64,
    pub open: u64,
    /// done ÷ total; `null` without items.
    pub completion_rate: Option<f64>,
    pub completion_interval: Option<Interval>,
    /// Open items past their due day.
    pub overdue: u64,
    /// Days past due of the overdue items: the lower median and the oldest.
    pub overdue_median_days: Option<i64>,
    pub overdue_max_days: Option<i64>,
    /// Created → done, Kaplan–Meier median in days.
    pub median_days_to_close: Option<f64>,
    /// Items whose effectiveness check has an outcome, and those that worked.
    pub checked: u64,
    pub effective: u64,
    pub effective_share: Option<f64>,
}

/// Each headline figure's change from the previous period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangesOut {
    pub time_to_report: ChangeOut,
    pub mttd: ChangeOut,
    pub mtta: ChangeOut,
    pub mttc: ChangeOut,
    pub mttr: ChangeOut,
    pub review_lag: ChangeOut,
    pub reports: ChangeOut,
    pub near_miss_reports: ChangeOut,
    pub anonymous_share: PeopleChange,
    pub repeat_incident_rate: ChangeOut,
    pub action_item_completion: ChangeOut,
}

/// The learning metrics of one period (docs/metrics.md defines each figure).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MetricsOut {
    pub period: PeriodOut,
    /// The period the changes compare with: the quarter before, or as many
    /// days just before.
    pub previous_period: PeriodOut,
    /// When the figures were computed; open cases are open as of then.
    pub as_of: String,
    pub filters: FiltersOut,
    /// Cases of the period that match the filters (drills left out).
    pub cases: u64,
    /// Drills and exercises of the period, left out of every figure.
    pub drills_left_out: u64,
    pub time_to_report: DurationOut,
    pub mttd: DurationOut,
    pub mtta: DurationOut,
    pub mttc: DurationOut,
    pub mttr: DurationOut,
    pub review_lag: DurationOut,
    pub reports: ReportsOut,
    pub near_miss_reports: u64,
    pub near_miss_reports_interval: Interval,
    /// Near-miss reports per incident report; `null` without incident reports.
    pub near_miss_ratio: Option<f64>,
    /// Anonymous reports ÷ all reports.
    pub anonymous_share: PeopleShare,
    pub anonymous_share_interval: PeopleInterval,
    /// Repeats ÷ classified cases; `null` when nothing is classified.
    pub repeat_incident_rate: Option<f64>,
    pub repeat_incidents: RepeatsOut,
    pub action_items: ActionItemsOut,
    pub changes: ChangesOut,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn interval((low, high): (f64, f64)) -> Interval {
    Interval { low, high }
}

fn share_interval(k: u64, n: u64) -> Option<Interval> {
    wilson_interval(k, n).map(interval)
}

fn change(c: &Change) -> ChangeOut {
    ChangeOut {
        direction: c.direction,
        p_value: finite(c.p_value),
        reading: c.reading.clone(),
    }
}

fn period_out(span: &Span, p: &Period, tz: debrief_core::metrics::Tz) -> PeriodOut {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    PeriodOut {
        from: day(span.first_day()),
        to: day(span.last_day()),
        quarter: match span {
            Span::Quarter(q) => Some(q.key()),
            Span::Days { .. } => None,
        },
        label: span.label(),
        days: span.days(),
        time_zone: tz.name().to_string(),
        starts_at: rfc3339(p.from_ms),
        ends_at: rfc3339(p.to_ms),
    }
}

fn duration(s: Option<&Summary>) -> DurationOut {
    let seconds = |ms: Option<i64>| ms.map(|ms| ms.div_euclid(1000));
    match s {
        Some(s) => DurationOut {
            count: s.count,
            median_seconds: seconds(s.median_ms),
            p90_seconds: seconds(s.p90_ms),
            open: s.open,
            missing: s.missing,
            inconsistent: s.inconsistent,
            coverage: s.coverage(),
            few: s.count + s.open < SMALL_N,
        },
        // the core computes every measure; this is never reached
        None => DurationOut {
            count: 0,
            median_seconds: None,
            p90_seconds: None,
            open: 0,
            missing: 0,
            inconsistent: 0,
            coverage: "from 0 of 0 cases".into(),
            few: true,
        },
    }
}

fn people_count(g: &Guarded<u64>) -> PeopleCount {
    match g {
        Guarded::Shown(n) => PeopleCount::Value(*n),
        Guarded::Withheld => PeopleCount::Withheld(Withheld::Withheld),
    }
}

fn people_share(g: &Guarded<Option<f64>>) -> PeopleShare {
    match g {
        Guarded::Shown(x) => PeopleShare::Value(x.and_then(finite)),
        Guarded::Withheld => PeopleShare::Withheld(Withheld::Withheld),
    }
}

/// The figures of a view, shaped for the API.
pub fn metrics_out(v: &View) -> MetricsOut {
    let m = &v.current;
    let r = &m.reports;
    let a = &m.actions;
    let ch = &v.changes;
    let kind = |k: Kind| {
        r.by_kind
            .iter()
            .find(|(x, _)| *x == k)
            .map_or(0, |(_, n)| *n)
    };
    let changed = |measure: Measure| {
        ch.durations
            .iter()
            .find(|(x, _)| *x == measure)
            .map(|(_, c)| change(c))
            .unwrap_or(ChangeOut {
                direction: Direction::NoClearChange,
                p_value: None,
                reading: format!("{}: no clear change.", measure.label()),
            })
    };
    let f = &v.selection.filter;
    MetricsOut {
        period: period_out(&v.selection.span, &v.selection.period, v.tz),
        previous_period: period_out(&v.selection.previous_span, &v.selection.previous, v.tz),
        as_of: rfc3339(v.as_of_ms),
        filters: FiltersOut {
            team: f.team_id,
            team_name: v.selection.team_name.clone(),
            severity: f.severity.map(|s| s.as_str().to_string()),
            kind: f.kind.map(|k| k.as_str().to_string()),
            system: f.system.clone(),
        },
        cases: m.cases,
        drills_left_out: m.drills,
        time_to_report: duration(m.duration(Measure::TimeToReport)),
        mttd: duration(m.duration(Measure::Mttd)),
        mtta: duration(m.duration(Measure::Mtta)),
        mttc: duration(m.duration(Measure::Mttc)),
        mttr: duration(m.duration(Measure::Mttr)),
        review_lag: duration(m.duration(Measure::ReviewLag)),
        reports: ReportsOut {
            total: r.total,
            total_interval: interval(poisson_interval(r.total)),
            by_kind: KindsOut {
                incident: kind(Kind::Incident),
                near_miss: kind(Kind::NearMiss),
                vulnerability: kind(Kind::Vulnerability),
                concern: kind(Kind::Concern),
            },
            per_100_people: people_share(&r.per_100_people),
            distinct_reporters: people_count(&r.distinct_reporters),
            first_reports_credited: people_count(&r.first_reports_credited),
        },
        near_miss_reports: r.near_miss,
        near_miss_reports_interval: interval(poisson_interval(r.near_miss)),
        near_miss_ratio: r.near_miss_ratio.and_then(finite),
        anonymous_share: people_share(&r.anonymous_share),
        anonymous_share_interval: match r.anonymous_share {
            Guarded::Shown(_) => PeopleInterval::Value(share_interval(r.anonymous, r.total)),
            Guarded::Withheld => PeopleInterval::Withheld(Withheld::Withheld),
        },
        repeat_incident_rate: m.repeats.rate.and_then(finite),
        repeat_incidents: RepeatsOut {
            classified: m.repeats.classified,
            repeats: m.repeats.repeats,
            unclassified: m.repeats.unclassified,
            rate_interval: share_interval(m.repeats.repeats, m.repeats.classified),
        },
        action_items: ActionItemsOut {
            total: a.total,
            done: a.done,
            wont_do: a.wont_do,
            open: a.open,
            completion_rate: a.completion_rate.and_then(finite),
            completion_interval: share_interval(a.done, a.total),
            overdue: a.overdue,
            overdue_median_days: a.overdue_median_days,
            overdue_max_days: a.overdue_max_days,
            median_days_to_close: a.close_median_days.and_then(finite),
            checked: a.checked,
            effective: a.effective,
            effective_share: a.effective_share.and_then(finite),
        },
        changes: ChangesOut {
            time_to_report: changed(Measure::TimeToReport),
            mttd: changed(Measure::Mttd),
            mtta: changed(Measure::Mtta),
            mttc: changed(Measure::Mttc),
            mttr: changed(Measure::Mttr),
            review_lag: changed(Measure::ReviewLag),
            reports: change(&ch.reports),
            near_miss_reports: change(&ch.near_miss),
            anonymous_share: match &ch.anonymous_share {
                Guarded::Shown(c) => PeopleChange::Value(change(c)),
                Guarded::Withheld => PeopleChange::Withheld(Withheld::Withheld),
            },
            repeat_incident_rate: change(&ch.repeat_rate),
            action_item_completion: change(&ch.completion),
        },
    }
}

/// The learning metrics for a period (`from`/`to`, or `quarter`; the
/// current quarter by default) and an optional breakdown. Every parameter
/// that cannot be used is named in the 422 answer.
#[utoipa::path(get, path = "/api/v1/metrics", tag = "metrics", params(MetricsParams),
    responses((status = 200, body = MetricsOut), (status = 422, body = Problem)))]
pub async fn get_metrics(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<MetricsOut>, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| {
            ApiError::invalid(vec![FieldError {
                field: "query".into(),
                message: format!("The query string cannot be read: {e}"),
            }])
        })?;
    match ops::metrics(&state.store, &pairs).await {
        Ok(view) => Ok(Json(metrics_out(&view))),
        Err(MetricsError::Refused(r)) => Err(ApiError::invalid(r.errors)),
        Err(MetricsError::Store(e)) => Err(e.into()),
    }
}
