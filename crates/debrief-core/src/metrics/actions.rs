//! Whether action items get done: completion, overdue items and their age,
//! time to close, and how many fixes passed their effectiveness check.

use super::facts::{ActionFacts, CaseFacts, Filter};
use super::period::{Period, day_of};
use super::survival;
use crate::review::{ActionStatus, CheckOutcome};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionSummary {
    /// Items created in the period (on cases that match the filter).
    pub total: u64,
    pub done: u64,
    pub wont_do: u64,
    /// Not closed yet.
    pub open: u64,
    /// `done / total`; `None` without items.
    pub completion_rate: Option<f64>,
    /// Open items past their due day, as of the day of the calculation.
    pub overdue: u64,
    /// Days past due of the overdue items: median and the oldest.
    pub overdue_median_days: Option<i64>,
    pub overdue_max_days: Option<i64>,
    /// Created → done, in days (Kaplan–Meier: items still open count as
    /// still running; won't-do items are left out).
    pub close_median_days: Option<f64>,
    /// Items whose effectiveness check has an outcome, and those where the
    /// fix worked.
    pub checked: u64,
    pub effective: u64,
    /// `effective / checked`; `None` before any check.
    pub effective_share: Option<f64>,
}

/// The lower median of a sorted list (the value at or below which half of
/// them lie), matching the survival quantile's definition.
fn lower_median(sorted: &[i64]) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    sorted.get((sorted.len() - 1) / 2).copied()
}

pub fn summarise(
    actions: &[ActionFacts],
    cases: &HashMap<i64, &CaseFacts>,
    filter: &Filter,
    period: &Period,
    as_of_ms: i64,
    tz: Tz,
) -> ActionSummary {
    let today: Option<NaiveDate> = day_of(as_of_ms, tz);
    let mut s = ActionSummary {
        total: 0,
        done: 0,
        wont_do: 0,
        open: 0,
        completion_rate: None,
        overdue: 0,
        overdue_median_days: None,
        overdue_max_days: None,
        close_median_days: None,
        checked: 0,
        effective: 0,
        effective_share: None,
    };
    let mut overdue_days = Vec::new();
    let mut to_close = Vec::new();
    for a in actions.iter().filter(|a| period.contains(a.created_ms)) {
        // items of drills, and of cases outside the filter, are left out
        let Some(case) = cases.get(&a.case_id) else {
            continue;
        };
        if !filter.matches_case(case) {
            continue;
        }
        s.total += 1;
        match a.status {
            ActionStatus::Done => {
                s.done += 1;
                if let Some(c) = a.closed_ms {
                    to_close.push(((c - a.created_ms).max(0), true));
                }
            }
            ActionStatus::WontDo => s.wont_do += 1,
            ActionStatus::Open | ActionStatus::InProgress => {
                s.open += 1;
                to_close.push(((as_of_ms - a.created_ms).max(0), false));
                if let Some(today) = today
                    && a.due_day < today
                {
                    s.overdue += 1;
                    overdue_days.push((today - a.due_day).num_days());
                }
            }
        }
        match a.check_outcome {
            Some(CheckOutcome::Effective) => {
                s.checked += 1;
                s.effective += 1;
            }
            Some(CheckOutcome::NotEffective) => s.checked += 1,
            None => {}
        }
    }
    overdue_days.sort_unstable();
    s.overdue_median_days = lower_median(&overdue_days);
    s.overdue_max_days = overdue_days.last().copied();
    s.completion_rate = (s.total > 0).then(|| s.done as f64 / s.total as f64);
    s.effective_share = (s.checked > 0).then(|| s.effective as f64 / s.checked as f64);
    let curve = survival::curve(&to_close);
    s.close_median_days = survival::quantile(&curve, 0.5).map(|ms| ms as f64 / 86_400_000.0);
    s
}
