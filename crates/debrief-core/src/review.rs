//! Blameless reviews and their action items: the Five Questions, review states,
//! the contributing-factor taxonomy, lesson levels (the NIST SP 800-30 tiers),
//! action-item priorities and statuses, and the facilitator's guidance.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Declares a closed set of string-valued choices with labels and parsing.
macro_rules! choice {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($var:ident => ($s:literal, $label:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
            pub fn label(self) -> &'static str {
                match self { $($name::$var => $label),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|x| x.as_str() == s)
                    .ok_or_else(|| {
                        format!(
                            concat!("Unknown ", $what, " '{}' (expected one of: {})."),
                            s,
                            $name::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")
                        )
                    })
            }
        }
    };
}

choice!(
    /// Where a review stands: a draft being written, in review by peers, or
    /// published to the learning library.
    ReviewState, "review state", {
        Draft => ("draft", "Draft"),
        InReview => ("in_review", "In review"),
        Published => ("published", "Published"),
    }
);

impl ReviewState {
    /// Forward to review and publication; a review can go back to draft for more
    /// work. Publication is final: corrections go through a new case.
    pub fn next(self) -> &'static [ReviewState] {
        use ReviewState::*;
        match self {
            Draft => &[InReview],
            InReview => &[Published, Draft],
            Published => &[],
        }
    }
}

choice!(
    /// The level at which a lesson is best applied (the NIST SP 800-30 tiers).
    LessonLevel, "lesson level", {
        Organisation => ("organisation", "Organisation"),
        BusinessProcess => ("business_process", "Business process"),
        InformationSystem => ("information_system", "Information system"),
    }
);

impl LessonLevel {
    /// Guidance for choosing the level, shown beside the lessons.
    pub fn guidance(self) -> &'static str {
        match self {
            LessonLevel::Organisation => {
                "Governance, priorities, funding, staffing, culture and risk appetite: a lesson that changes how the whole organisation decides or invests."
            }
            LessonLevel::BusinessProcess => {
                "How the work is done: procedures, runbooks, hand-offs, approvals, on-call and change management across teams."
            }
            LessonLevel::InformationSystem => {
                "A particular system: its design, configuration, monitoring, access control or code."
            }
        }
    }
}

choice!(
    ActionPriority, "priority", {
        Urgent => ("urgent", "Urgent"),
        High => ("high", "High"),
        Medium => ("medium", "Medium"),
        Low => ("low", "Low"),
    }
);

choice!(
    ActionStatus, "status", {
        Open => ("open", "Open"),
        InProgress => ("in_progress", "In progress"),
        Done => ("done", "Done"),
        WontDo => ("wont_do", "Won't do"),
    }
);

impl ActionStatus {
    pub fn is_closed(self) -> bool {
        matches!(self, ActionStatus::Done | ActionStatus::WontDo)
    }
}

choice!(
    /// What an effectiveness check found.
    CheckOutcome, "outcome", {
        Effective => ("effective", "The fix worked"),
        NotEffective => ("not_effective", "The fix did not work"),
    }
);

/// A built-in contributing-factor category: (key, label, description).
/// Administrators can add their own categories; these are always present.
pub const FACTOR_CATEGORIES: &[(&str, &str, &str)] = &[
    (
        "procedure",
        "Procedure",
        "A procedure or runbook was missing, unclear, out of date or unworkable in the situation.",
    ),
    (
        "tooling_design",
        "Tooling and design",
        "A tool, interface or system design made the wrong action easy or the right one hard.",
    ),
    (
        "communication",
        "Communication and coordination",
        "Information did not reach the people who needed it, or hand-offs between people and teams failed.",
    ),
    (
        "workload_staffing",
        "Workload and staffing",
        "Too much work, too few people, fatigue, or time of day left no slack.",
    ),
    (
        "knowledge_training",
        "Knowledge and training",
        "The people involved had not had the chance to learn what the situation required.",
    ),
    (
        "organisational_pressure",
        "Organisational pressure",
        "Deadlines, targets or incentives pushed towards speed over safety.",
    ),
    (
        "external",
        "External",
        "A supplier, attacker, customer or event outside the organisation's control.",
    ),
];

/// The Five Questions with the facilitator's prompts beside each.
pub const SECTIONS: &[(&str, &str, &[&str])] = &[
    (
        "what",
        "What happened?",
        &[
            "Start from the timeline: facts first, then interpretations, marked as such.",
            "Ask how, not who: how did the work look from the inside at the time?",
            "Look for descriptions, not explanations; explanations come in \"why\".",
            "What made sense to the people involved at the time, with what they knew?",
        ],
    ),
    (
        "impact",
        "What was the impact?",
        &[
            "Quantify where you can: how long, how many people or records, which services, what it cost.",
            "Say what is estimated and what is measured.",
        ],
    ),
    (
        "why",
        "Why did it happen?",
        &[
            "Keep asking why until you reach a condition of the system, not a person.",
            "\"Human error\" is where an investigation starts, not where it ends: what made the action likely?",
            "Several chains are normal: incidents rarely have one cause.",
            "Would a comparable colleague have done the same in the same situation?",
        ],
    ),
    (
        "learn",
        "What did we learn?",
        &[
            "What went well deserves as much attention as what went wrong.",
            "Where did we get lucky? Luck is a control we do not own.",
            "Place each lesson at the level where it is best applied.",
        ],
    ),
    (
        "actions",
        "What are we doing about it?",
        &[
            "Each action has one owner and a due date, and addresses a contributing factor.",
            "Prefer changes to the system over reminders to people to be careful.",
            "Plan how you will know the fix worked: schedule an effectiveness check.",
        ],
    ),
];

/// The facilitator's prompts for a section key.
pub fn guidance(section: &str) -> &'static [&'static str] {
    SECTIONS
        .iter()
        .find(|(k, _, _)| *k == section)
        .map_or(&[], |(_, _, g)| g)
}

/// A section of the review: its key, number, title and prompts.
pub struct SectionHead {
    pub key: &'static str,
    pub number: usize,
    pub title: &'static str,
    pub prompts: &'static [&'static str],
}

/// The head of the section with this key (the first for an unknown key).
pub fn section(key: &str) -> SectionHead {
    let (i, (k, t, g)) = SECTIONS
        .iter()
        .enumerate()
        .find(|(_, (k, _, _))| *k == key)
        .unwrap_or((0, &SECTIONS[0]));
    SectionHead {
        key: k,
        number: i + 1,
        title: t,
        prompts: g,
    }
}

/// A due date as a calendar day, `YYYY-MM-DD`.
pub fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| "Give a date as YYYY-MM-DD.".to_string())
}

/// The UTC calendar day of a time in milliseconds since the epoch.
pub fn day_of(ms: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// Whole days from `today` until `due` (negative when overdue).
pub fn days_until(due: chrono::NaiveDate, today: chrono::NaiveDate) -> i64 {
    (due - today).num_days()
}

/// When an action-item owner is reminded: this many days before the due date.
pub const REMIND_DAYS_BEFORE: i64 = 3;

/// Which reminder, if any, an open item is due for on `today`:
/// `"due_soon"` within [`REMIND_DAYS_BEFORE`] days, `"overdue"` after the due date.
pub fn reminder_kind(due: chrono::NaiveDate, today: chrono::NaiveDate) -> Option<&'static str> {
    let d = days_until(due, today);
    if d < 0 {
        Some("overdue")
    } else if d <= REMIND_DAYS_BEFORE {
        Some("due_soon")
    } else {
        None
    }
}

/// Parses the steps of a five-whys chain typed one per line; blank lines and a
/// leading "Why?"/numbering are dropped.
pub fn why_steps(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let l = l.trim();
            let l = l.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')');
            let l = l.trim_start();
            let l = l
                .strip_prefix("Why?")
                .or_else(|| l.strip_prefix("why?"))
                .unwrap_or(l);
            l.trim().to_string()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// An external tracker link must be an http(s) URL.
pub fn valid_tracker_url(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > "https://".len()
        && s.len() <= 2000
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_round_trip_and_name_the_alternatives() {
        for s in ReviewState::ALL {
            assert_eq!(s.as_str().parse::<ReviewState>(), Ok(*s));
        }
        let e = "later".parse::<ActionStatus>().unwrap_err();
        assert!(e.contains("open, in_progress, done, wont_do"), "{e}");
        assert_eq!("wont_do".parse::<ActionStatus>(), Ok(ActionStatus::WontDo));
        assert!(ActionStatus::WontDo.is_closed());
        assert!(!ActionStatus::InProgress.is_closed());
    }

    #[test]
    fn review_states_move_forward_and_publication_is_final() {
        assert_eq!(ReviewState::Draft.next(), &[ReviewState::InReview]);
        assert!(ReviewState::InReview.next().contains(&ReviewState::Draft));
        assert!(ReviewState::Published.next().is_empty());
    }

    #[test]
    fn reminders_before_and_after_the_due_date() {
        let today = parse_day("2026-11-23").unwrap();
        assert_eq!(reminder_kind(parse_day("2026-12-01").unwrap(), today), None);
        assert_eq!(
            reminder_kind(parse_day("2026-11-26").unwrap(), today),
            Some("due_soon")
        );
        assert_eq!(reminder_kind(today, today), Some("due_soon"));
        assert_eq!(
            reminder_kind(parse_day("2026-11-22").unwrap(), today),
            Some("overdue")
        );
    }

    #[test]
    fn why_steps_drop_numbering_and_blank_lines() {
        let s = why_steps(
            "1. Why? The token was in the log\n\n2) the job echoed env\n  why? nobody reviewed CI templates ",
        );
        assert_eq!(
            s,
            vec![
                "The token was in the log",
                "the job echoed env",
                "nobody reviewed CI templates"
            ]
        );
    }

    #[test]
    fn days_parse_strictly() {
        assert!(parse_day("2026-02-30").is_err());
        assert!(parse_day("tomorrow").is_err());
        assert_eq!(day_of(0), parse_day("1970-01-01").unwrap());
    }

    #[test]
    fn tracker_urls_are_http() {
        assert!(valid_tracker_url("https://jira.example.org/browse/SEC-12"));
        assert!(!valid_tracker_url("javascript:alert(1)"));
        assert!(!valid_tracker_url("https://"));
        assert!(!valid_tracker_url("https://a b"));
    }

    #[test]
    fn every_section_has_guidance() {
        for (k, _, g) in SECTIONS {
            assert!(!g.is_empty(), "{k}");
            assert_eq!(guidance(k), *g);
        }
        assert!(guidance("nope").is_empty());
    }
}
