//! Cases and their lifecycle: triage → investigating → contained → resolved →
//! in review → published → closed. Only the transitions below are legal.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Triage,
    Investigating,
    Contained,
    Resolved,
    InReview,
    Published,
    Closed,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Triage,
        Status::Investigating,
        Status::Contained,
        Status::Resolved,
        Status::InReview,
        Status::Published,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Triage => "triage",
            Status::Investigating => "investigating",
            Status::Contained => "contained",
            Status::Resolved => "resolved",
            Status::InReview => "in_review",
            Status::Published => "published",
            Status::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Triage => "Triage",
            Status::Investigating => "Investigating",
            Status::Contained => "Contained",
            Status::Resolved => "Resolved",
            Status::InReview => "In review",
            Status::Published => "Learning published",
            Status::Closed => "Closed",
        }
    }

    /// Where a case may go from here. Forward along the lifecycle, with the few
    /// steps back that real incidents need: containment that did not hold goes
    /// back to investigating, a resolution that did not hold goes back to
    /// contained, and a case can skip containment when nothing needed containing.
    /// A case that turns out to be nothing can be closed from triage.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Triage => &[Investigating, Closed],
            Investigating => &[Contained, Resolved],
            Contained => &[Resolved, Investigating],
            Resolved => &[InReview, Contained, Closed],
            InReview => &[Published],
            Published => &[Closed],
            Closed => &[],
        }
    }

    pub fn can_go_to(self, to: Status) -> bool {
        self.next().contains(&to)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown status '{s}' (expected one of: {})",
                    Status::ALL.map(Status::as_str).join(", ")
                )
            })
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low => "Low",
        }
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| {
                format!("unknown severity '{s}' (expected critical, high, medium or low)")
            })
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// 409: not a legal step; names the allowed ones.
    Illegal {
        from: Status,
        to: Status,
        allowed: Vec<Status>,
    },
    /// 422: the time given is in the future.
    InFuture,
    /// 422: the time given is before the previous transition.
    BeforePrevious { previous_ms: i64 },
    /// 422: a back-dated transition needs a reason.
    ReasonRequired,
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransitionError::Illegal { from, to, allowed } => {
                let allowed: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
                if allowed.is_empty() {
                    write!(f, "a {from} case cannot move to {to}; it is closed")
                } else {
                    write!(
                        f,
                        "a {from} case cannot move to {to}; allowed: {}",
                        allowed.join(", ")
                    )
                }
            }
            TransitionError::InFuture => f.write_str("the time is in the future"),
            TransitionError::BeforePrevious { .. } => {
                f.write_str("the time is before the case's previous transition")
            }
            TransitionError::ReasonRequired => {
                f.write_str("a reason is required when recording a transition after the fact")
            }
        }
    }
}

/// Checks a transition. `at_ms` is the time given for a back-dated transition
/// (`None` means now); `previous_ms` the time of the previous transition.
pub fn check_transition(
    from: Status,
    to: Status,
    at_ms: Option<i64>,
    reason: Option<&str>,
    previous_ms: i64,
    now_ms: i64,
) -> Result<i64, TransitionError> {
    if !from.can_go_to(to) {
        return Err(TransitionError::Illegal {
            from,
            to,
            allowed: from.next().to_vec(),
        });
    }
    let Some(at) = at_ms else { return Ok(now_ms) };
    // a minute of leeway for clocks that differ slightly between client and server
    if at > now_ms + 60_000 {
        return Err(TransitionError::InFuture);
    }
    if at < previous_ms {
        return Err(TransitionError::BeforePrevious { previous_ms });
    }
    if reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(TransitionError::ReasonRequired);
    }
    Ok(at.min(now_ms))
}

/// Which metric timestamp a transition sets (first time only).
pub fn milestone(to: Status) -> Option<&'static str> {
    match to {
        Status::Investigating => Some("acknowledged_ms"),
        Status::Contained => Some("contained_ms"),
        Status::Resolved => Some("resolved_ms"),
        Status::InReview => Some("in_review_ms"),
        Status::Published => Some("published_ms"),
        Status::Closed => Some("closed_ms"),
        Status::Triage => None,
    }
}

/// The roles a case's lead may hold (any one of them): the people who handle
/// cases. The page offers only these accounts and the API refuses any other.
pub fn lead_roles() -> crate::RoleSet {
    // from bits: a set made with `from_roles` always holds `reporter` too
    crate::RoleSet::from_bits(crate::Role::Responder.bit() | crate::Role::SecurityLead.bit())
}

/// The longest case title, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest timeline entry.
pub const TIMELINE_MAX: usize = 10_000;
/// The longest reason for a back-dated transition or a correction of times.
pub const REASON_MAX: usize = 2_000;

/// A case as a responder opens it, before validation.
#[derive(Debug, Clone, Default)]
pub struct CaseDraft<'a> {
    pub title: &'a str,
    pub severity: &'a str,
    /// RFC 3339 or a `datetime-local` value, as [`crate::times::parse_time`] reads it.
    pub occurred_at: Option<&'a str>,
    pub detected_at: Option<&'a str>,
}

/// A case that meets every rule, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCase {
    pub title: String,
    pub severity: Severity,
    pub occurred_ms: Option<i64>,
    pub detected_ms: Option<i64>,
}

impl CaseDraft<'_> {
    /// Checks every rule and names every field that breaks one.
    pub fn parse(&self, now: i64) -> Result<ValidCase, Vec<crate::FieldError>> {
        use crate::times;
        let mut v = crate::Validation::new();
        let title = v.text("title", self.title, TITLE_MAX);
        let severity = match self.severity.trim().parse::<Severity>() {
            Ok(s) => Some(s),
            Err(e) => {
                v.add("severity", e);
                None
            }
        };
        let occurred = times::parse_time(&mut v, "occurred_at", self.occurred_at, now);
        let detected = times::parse_time(&mut v, "detected_at", self.detected_at, now);
        times::check_order(&mut v, "detected_at", occurred, detected);
        match severity {
            Some(severity) if v.is_ok() => Ok(ValidCase {
                title,
                severity,
                occurred_ms: occurred,
                detected_ms: detected,
            }),
            _ => Err(v.errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_case_handlers_may_lead() {
        let lead = lead_roles();
        for r in crate::Role::ALL {
            let expected = matches!(r, crate::Role::Responder | crate::Role::SecurityLead);
            assert_eq!(lead.contains(r), expected, "{r}");
        }
    }

    #[test]
    fn the_lifecycle_runs_forward_with_a_few_steps_back() {
        use Status::*;
        let happy = [
            Triage,
            Investigating,
            Contained,
            Resolved,
            InReview,
            Published,
            Closed,
        ];
        for w in happy.windows(2) {
            assert!(w[0].can_go_to(w[1]), "{} -> {}", w[0], w[1]);
        }
        assert!(Contained.can_go_to(Investigating));
        assert!(!Triage.can_go_to(Resolved));
        assert!(!Published.can_go_to(InReview));
        assert!(Closed.next().is_empty());
    }

    #[test]
    fn illegal_transitions_name_the_allowed_ones() {
        let e =
            check_transition(Status::Triage, Status::Resolved, None, None, 0, 1000).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a triage case cannot move to resolved; allowed: investigating, closed"
        );
    }

    #[test]
    fn back_dated_transitions_are_bounded_and_explained() {
        let now = 10_000_000;
        let t = |at, reason| {
            check_transition(
                Status::Triage,
                Status::Investigating,
                Some(at),
                reason,
                5_000_000,
                now,
            )
        };
        assert_eq!(
            t(6_000_000, Some("paged by phone, recorded later")),
            Ok(6_000_000)
        );
        assert_eq!(
            t(now + 3_600_000, Some("x")),
            Err(TransitionError::InFuture)
        );
        assert_eq!(
            t(4_000_000, Some("x")),
            Err(TransitionError::BeforePrevious {
                previous_ms: 5_000_000
            })
        );
        assert_eq!(
            t(6_000_000, Some("  ")),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            check_transition(Status::Triage, Status::Investigating, None, None, 0, now),
            Ok(now)
        );
    }

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>(), Ok(s));
        }
        assert!("done".parse::<Status>().is_err());
    }

    #[test]
    fn a_case_draft_names_every_broken_rule() {
        let now = 1_780_000_000_000;
        let ok = CaseDraft {
            title: "Expired certificate",
            severity: "high",
            occurred_at: Some("2026-03-14T09:00:00Z"),
            detected_at: Some("2026-03-14T09:05:00Z"),
        };
        assert_eq!(ok.parse(now).unwrap().severity, Severity::High);
        let bad = CaseDraft {
            title: "",
            severity: "apocalyptic",
            occurred_at: Some("2026-03-14T09:00:00Z"),
            detected_at: Some("2026-03-14T08:00:00Z"),
        };
        let fields: Vec<String> = bad
            .parse(now)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["title", "severity", "detected_at"]);
    }
}
