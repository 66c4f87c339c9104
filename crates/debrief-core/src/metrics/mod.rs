//! The learning metrics: is the culture working? Every figure is defined in
//! docs/metrics.md; this module is the definition in code.
//!
//! - Durations are distributions (n, Kaplan–Meier median and p90, the points
//!   themselves), never a bare mean, and an open case is never given an end.
//! - A change between two periods is only called a trend when a test says it
//!   is unlikely to be chance (log-rank for durations, an exact test for counts
//!   and shares); otherwise the reading is "no clear change".
//! - Figures about people are withheld for groups of fewer than five.
//! - Drills and exercises are left out of everything.

pub mod actions;
pub mod counts;
pub mod durations;
pub mod facts;
pub mod period;
pub mod stat;
pub mod survival;

#[cfg(test)]
mod tests;

pub use chrono_tz::Tz;
pub use facts::{ActionFacts, CaseFacts, Facts, Filter, ReportFacts};
pub use period::{Period, Quarter};

use durations::{Measure, Summary};
use serde::Serialize;
use std::collections::HashMap;

/// Below this many cases a duration is shown as its points, not a median.
pub const SMALL_N: usize = 20;

/// Every metric for one period and one filter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub period: Period,
    pub durations: Vec<Summary>,
    pub reports: counts::ReportCounts,
    pub repeats: counts::Repeats,
    pub actions: actions::ActionSummary,
    /// Cases of the period that match the filter (drills left out).
    pub cases: u64,
    /// Drills and exercises of the period, left out of every figure.
    pub drills: u64,
}

impl Metrics {
    pub fn duration(&self, m: Measure) -> Option<&Summary> {
        self.durations.iter().find(|s| s.measure == m)
    }
}

/// Computes every metric for a period, as known at `as_of_ms`, with the
/// organisation's time zone for days and quarters.
pub fn compute(facts: &Facts, filter: &Filter, period: Period, as_of_ms: i64, tz: Tz) -> Metrics {
    let by_id: HashMap<i64, &CaseFacts> = facts.cases.iter().map(|c| (c.id, c)).collect();
    let durations = Measure::ALL
        .iter()
        .map(|&m| durations::summarise(m, &facts.cases, filter, &period, as_of_ms))
        .collect();
    let in_period = |c: &&CaseFacts| period.contains(c.anchor_ms());
    let drills = facts
        .cases
        .iter()
        .filter(in_period)
        .filter(|c| c.drill && filter.matches_parts(c))
        .count() as u64;
    Metrics {
        period,
        durations,
        reports: counts::reports(facts, &by_id, filter, &period),
        repeats: counts::repeats(&facts.cases, filter, &period),
        actions: actions::summarise(&facts.actions, &by_id, filter, &period, as_of_ms, tz),
        cases: facts
            .cases
            .iter()
            .filter(in_period)
            .filter(|c| filter.matches_case(c))
            .count() as u64,
        drills,
    }
}

/// Which way a figure moved between two periods, if the data can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Rose,
    Fell,
    NoClearChange,
}

/// A figure's change from one period to the next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub direction: Direction,
    /// The test's two-sided p-value (see docs/metrics.md for which test).
    pub p_value: f64,
    /// What it means, in plain words.
    pub reading: String,
}

fn verdict(p: f64, rose: bool) -> Direction {
    if p < stat::ALPHA {
        if rose {
            Direction::Rose
        } else {
            Direction::Fell
        }
    } else {
        Direction::NoClearChange
    }
}

/// A count of reports over two periods (exact conditional test for two
/// Poisson rates, with each period's length as its exposure).
/// `healthy_when_rising` says which direction is good news.
pub fn count_change(
    what: &str,
    before: (u64, &Period),
    after: (u64, &Period),
    healthy_when_rising: bool,
) -> Change {
    let p = stat::poisson_rates_test(before.0, before.1.days(), after.0, after.1.days());
    let rate = |c: u64, per: &Period| c as f64 / per.days().max(1e-9);
    let direction = verdict(p, rate(after.0, after.1) > rate(before.0, before.1));
    let healthy = if healthy_when_rising { "more" } else { "fewer" };
    let reading = match direction {
        Direction::Rose | Direction::Fell => format!(
            "{what} {} from {} to {}; {healthy} is the healthy direction.",
            if direction == Direction::Rose {
                "rose"
            } else {
                "fell"
            },
            before.0,
            after.0
        ),
        Direction::NoClearChange => format!(
            "{what}: {} then {}, no clear change (a difference this size is within chance).",
            before.0, after.0
        ),
    };
    Change {
        direction,
        p_value: p,
        reading,
    }
}

/// A share over two periods (Fisher's exact test).
pub fn share_change(what: &str, before: (u64, u64), after: (u64, u64)) -> Change {
    let p = stat::fisher_exact(
        before.0,
        before.1.saturating_sub(before.0),
        after.0,
        after.1.saturating_sub(after.0),
    );
    let share = |(k, n): (u64, u64)| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let direction = verdict(p, share(after) > share(before));
    let pct = |x: (u64, u64)| format!("{:.0}%", share(x) * 100.0);
    let reading = match direction {
        Direction::Rose | Direction::Fell => format!(
            "{what} {} from {} to {}.",
            if direction == Direction::Rose {
                "rose"
            } else {
                "fell"
            },
            pct(before),
            pct(after)
        ),
        Direction::NoClearChange => format!(
            "{what}: {} then {}, no clear change.",
            pct(before),
            pct(after)
        ),
    };
    Change {
        direction,
        p_value: p,
        reading,
    }
}

/// A duration over two periods (log-rank test, open cases included).
pub fn duration_change(before: &Summary, after: &Summary) -> Change {
    let p = durations::change_p_value(before, after);
    let label = before.measure.label();
    // which way it moved: by the medians; a median not reached yet (too many
    // cases still open) is longer than any that was
    let longer = match (before.median_ms, after.median_ms) {
        (Some(b), Some(a)) => a > b,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let direction = verdict(p, longer);
    let reading = match direction {
        Direction::Rose => format!("{label} grew longer; shorter is the healthy direction."),
        Direction::Fell => format!("{label} became shorter; that is the healthy direction."),
        Direction::NoClearChange => format!("{label}: no clear change."),
    };
    Change {
        direction,
        p_value: p,
        reading,
    }
}
