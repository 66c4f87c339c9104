//! Counts and rates: reports by kind, near-misses, who reports and how, and
//! repeat incidents. Figures that describe people are withheld for groups of
//! fewer than five.

use super::facts::{CaseFacts, Facts, Filter, ReportFacts};
use super::period::Period;
use crate::report::{Confidentiality, Kind};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The smallest group a figure about people may describe.
pub const MIN_GROUP: u64 = 5;

/// A figure about people, or the reason it is withheld.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "value")]
pub enum Guarded<T> {
    Shown(T),
    /// It would describe fewer than five people.
    Withheld,
}

impl<T> Guarded<T> {
    /// Shown when `ok`, withheld otherwise.
    pub fn when(ok: bool, value: T) -> Guarded<T> {
        if ok {
            Guarded::Shown(value)
        } else {
            Guarded::Withheld
        }
    }

    pub fn shown(&self) -> Option<&T> {
        match self {
            Guarded::Shown(v) => Some(v),
            Guarded::Withheld => None,
        }
    }
}

/// The reports of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportCounts {
    pub total: u64,
    pub by_kind: Vec<(Kind, u64)>,
    pub near_miss: u64,
    pub incident: u64,
    /// Near-miss reports per incident report; `None` without incident reports.
    pub near_miss_ratio: Option<f64>,
    pub anonymous: u64,
    /// Anonymous reports as a share of all; withheld for groups under five.
    pub anonymous_share: Guarded<Option<f64>>,
    /// Different people among the named reports; withheld below five.
    pub distinct_reporters: Guarded<u64>,
    /// Reports per 100 people in the period; withheld for groups under five.
    pub per_100_people: Guarded<Option<f64>>,
    /// Cases of the period whose first report is credited to its reporter.
    pub first_reports_credited: Guarded<u64>,
}

/// How many people the filtered group has: a team's members, or everyone.
fn group_size(facts: &Facts, filter: &Filter) -> u64 {
    match filter.team_id {
        Some(t) => facts
            .team_sizes
            .iter()
            .find(|(id, _)| *id == t)
            .map_or(0, |(_, n)| *n),
        None => facts.people,
    }
}

pub fn reports(
    facts: &Facts,
    cases: &HashMap<i64, &CaseFacts>,
    filter: &Filter,
    period: &Period,
) -> ReportCounts {
    let matching: Vec<&ReportFacts> = facts
        .reports
        .iter()
        .filter(|r| period.contains(r.received_ms))
        .filter(|r| {
            let case = r.case_id.and_then(|id| cases.get(&id).copied());
            // a report on a case that is not in the facts (never happens in
            // a consistent store) is treated as unattached
            filter.matches_report(r, case)
        })
        .collect();
    let total = matching.len() as u64;
    let count = |k: Kind| matching.iter().filter(|r| r.kind == k).count() as u64;
    let by_kind = Kind::ALL.iter().map(|&k| (k, count(k))).collect();
    let near_miss = count(Kind::NearMiss);
    let incident = count(Kind::Incident);
    let anonymous = matching
        .iter()
        .filter(|r| r.confidentiality == Confidentiality::Anonymous)
        .count() as u64;
    let reporters: HashSet<i64> = matching.iter().filter_map(|r| r.reporter_id).collect();
    let people = group_size(facts, filter);
    let big_enough = people >= MIN_GROUP;
    let credited = cases
        .values()
        .filter(|c| filter.matches_case(c))
        .filter(|c| c.reported_ms.is_some_and(|t| period.contains(t)))
        .filter(|c| c.first_report_credited)
        .count() as u64;
    ReportCounts {
        total,
        by_kind,
        near_miss,
        incident,
        near_miss_ratio: (incident > 0).then(|| near_miss as f64 / incident as f64),
        anonymous,
        anonymous_share: Guarded::when(
            big_enough,
            (total > 0).then(|| anonymous as f64 / total as f64),
        ),
        distinct_reporters: Guarded::when(
            big_enough && reporters.len() as u64 >= MIN_GROUP,
            reporters.len() as u64,
        ),
        per_100_people: Guarded::when(
            big_enough,
            (people > 0).then(|| total as f64 * 100.0 / people as f64),
        ),
        first_reports_credited: Guarded::when(big_enough, credited),
    }
}

/// Repeat incidents in a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Repeats {
    /// Cases of the period with at least one contributing-factor category
    /// and one affected system (the ones that can repeat or be repeated).
    pub classified: u64,
    /// Those matching an earlier case of the 12 months before them.
    pub repeats: u64,
    /// Cases of the period without a category or a system.
    pub unclassified: u64,
    /// `repeats / classified`; `None` when nothing is classified.
    pub rate: Option<f64>,
}

/// Twelve months, as 365 days (a leap year adds a day's tolerance).
const YEAR_MS: i64 = 365 * 86_400_000;

/// The (category, system) pairs a case is classified by.
fn classes(c: &CaseFacts) -> Vec<(&str, &str)> {
    let mut v = Vec::new();
    for cat in &c.categories {
        for sys in &c.systems {
            v.push((cat.as_str(), sys.as_str()));
        }
    }
    v
}

/// The earlier cases (not drills, in the 12 months before it, by when each
/// happened) that share a contributing-factor category and an affected system
/// with the case, most recent first.
pub fn earlier_matches<'a>(case: &CaseFacts, all: &'a [CaseFacts]) -> Vec<&'a CaseFacts> {
    let mine = classes(case);
    if mine.is_empty() {
        return Vec::new();
    }
    let at = case.anchor_ms();
    let mut out: Vec<&CaseFacts> = all
        .iter()
        .filter(|o| o.id != case.id && !o.drill)
        .filter(|o| {
            let t = o.anchor_ms();
            // strictly earlier; the same instant is ordered by id
            (t < at || (t == at && o.id < case.id)) && at - t <= YEAR_MS
        })
        .filter(|o| classes(o).iter().any(|p| mine.contains(p)))
        .collect();
    out.sort_by_key(|o| (std::cmp::Reverse(o.anchor_ms()), std::cmp::Reverse(o.id)));
    out
}

pub fn repeats(all: &[CaseFacts], filter: &Filter, period: &Period) -> Repeats {
    // every class's cases by when they happened, to find "an earlier case of
    // the 12 months before" without comparing every pair of cases
    let mut index: HashMap<(&str, &str), Vec<(i64, i64)>> = HashMap::new();
    for c in all.iter().filter(|c| !c.drill) {
        for class in classes(c) {
            index.entry(class).or_default().push((c.anchor_ms(), c.id));
        }
    }
    for v in index.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    let mut r = Repeats {
        classified: 0,
        repeats: 0,
        unclassified: 0,
        rate: None,
    };
    for c in all
        .iter()
        .filter(|c| filter.matches_case(c) && period.contains(c.anchor_ms()))
    {
        let mine = classes(c);
        if mine.is_empty() {
            r.unclassified += 1;
            continue;
        }
        r.classified += 1;
        let me = (c.anchor_ms(), c.id);
        let repeated = mine.iter().any(|class| {
            let Some(list) = index.get(class) else {
                return false;
            };
            // the latest entry ordered before this case
            let before = list.partition_point(|&e| e < me);
            before > 0 && me.0 - list[before - 1].0 <= YEAR_MS
        });
        if repeated {
            r.repeats += 1;
        }
    }
    r.rate = (r.classified > 0).then(|| r.repeats as f64 / r.classified as f64);
    r
}
