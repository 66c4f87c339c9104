//! What the metrics are computed from: one row of plain facts per case,
//! report and action item, read by the store, and the filters a reader picks.

use crate::case::{Severity, Status};
use crate::report::{Confidentiality, Kind};
use crate::review::{ActionStatus, CheckOutcome};
use chrono::NaiveDate;

/// A case's times and what it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFacts {
    pub id: i64,
    pub status: Status,
    pub severity: Severity,
    pub team_id: Option<i64>,
    /// A drill or exercise: left out of every metric.
    pub drill: bool,
    /// When the case was opened in Debrief.
    pub opened_ms: i64,
    pub occurred_ms: Option<i64>,
    pub detected_ms: Option<i64>,
    /// When its first report was received.
    pub reported_ms: Option<i64>,
    pub acknowledged_ms: Option<i64>,
    pub contained_ms: Option<i64>,
    pub resolved_ms: Option<i64>,
    /// When its review was published.
    pub published_ms: Option<i64>,
    /// The kinds of the reports attached to it.
    pub kinds: Vec<Kind>,
    /// The affected systems its reports name, normalised (trimmed, lower case).
    pub systems: Vec<String>,
    /// Its contributing-factor categories (from its review).
    pub categories: Vec<String>,
    /// Whether its first report is credited to a named reporter.
    pub first_report_credited: bool,
}

impl CaseFacts {
    /// The time that places a case in a period when a metric has no start
    /// of its own for it: when it happened, else when it was detected, else
    /// when it was opened.
    pub fn anchor_ms(&self) -> i64 {
        self.occurred_ms
            .or(self.detected_ms)
            .unwrap_or(self.opened_ms)
    }
}

/// A report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFacts {
    pub id: i64,
    pub kind: Kind,
    pub confidentiality: Confidentiality,
    pub received_ms: i64,
    /// Who sent it, when that is on record (named reports); `None` for
    /// anonymous and confidential ones.
    pub reporter_id: Option<i64>,
    pub case_id: Option<i64>,
}

/// An action item.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionFacts {
    pub id: i64,
    pub case_id: i64,
    pub status: ActionStatus,
    pub created_ms: i64,
    pub closed_ms: Option<i64>,
    pub due_day: NaiveDate,
    pub check_outcome: Option<CheckOutcome>,
}

/// Everything the metrics read.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub cases: Vec<CaseFacts>,
    pub reports: Vec<ReportFacts>,
    pub actions: Vec<ActionFacts>,
    /// People in the organisation (active accounts), for rates per 100 people.
    pub people: u64,
    /// People in each team, for rates and for withholding small groups.
    pub team_sizes: Vec<(i64, u64)>,
}

/// The breakdown a reader asked for. Every part is optional; all given parts
/// must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub team_id: Option<i64>,
    pub severity: Option<Severity>,
    pub kind: Option<Kind>,
    /// An affected system, compared normalised.
    pub system: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// A case matches when it is not a drill and every given part matches.
    pub fn matches_case(&self, c: &CaseFacts) -> bool {
        !c.drill && self.matches_parts(c)
    }

    /// Whether the case's team, severity, kinds and systems match, drill or not.
    pub fn matches_parts(&self, c: &CaseFacts) -> bool {
        if self.team_id.is_some() && c.team_id != self.team_id {
            return false;
        }
        if self.severity.is_some_and(|s| s != c.severity) {
            return false;
        }
        if self.kind.is_some_and(|k| !c.kinds.contains(&k)) {
            return false;
        }
        if let Some(sys) = &self.system
            && !c.systems.iter().any(|s| *s == normalise_system(sys))
        {
            return false;
        }
        true
    }

    /// A report matches when its own kind does and, for the parts that
    /// belong to cases (team, severity, system), its case does. A report
    /// not yet attached to a case only matches a filter without those parts.
    /// Reports on drills never match.
    pub fn matches_report(&self, r: &ReportFacts, case: Option<&CaseFacts>) -> bool {
        if self.kind.is_some_and(|k| k != r.kind) {
            return false;
        }
        match case {
            Some(c) => {
                let case_part = Filter {
                    kind: None,
                    ..self.clone()
                };
                case_part.matches_case(c)
            }
            None => self.team_id.is_none() && self.severity.is_none() && self.system.is_none(),
        }
    }
}

/// An affected system as it is compared: trimmed and in lower case.
pub fn normalise_system(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The affected systems a report names: its "systems affected" text split at
/// commas, semicolons and line breaks, each normalised, without repeats, in
/// the order given.
pub fn systems_of(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split([',', ';', '\n']) {
        let s = normalise_system(part);
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systems_are_split_and_normalised() {
        assert_eq!(
            systems_of(" Billing API, VPN;vpn\n\n  mail  "),
            ["billing api", "vpn", "mail"]
        );
        assert!(systems_of(" , ; ").is_empty());
    }
}
