//! Action items as people type them, and the rules they must meet: one owner,
//! a due day that is not in the past when the item is new, a priority, an
//! http(s) tracker link if any, a one-line note when the status changes, a
//! check day after today. The review page, the item page, the API and any
//! import read them through [`ItemDraft::parse`], [`ChangeDraft::parse`] and
//! [`CheckDraft::parse`].
//!
//! Fields are named as the API names them (`due_date`, `check_date`); forms
//! show the messages beside the inputs whatever their names.

use crate::review::{ActionPriority, ActionStatus, CheckOutcome, parse_day, valid_tracker_url};
use crate::{FieldError, Validation};
use chrono::NaiveDate;

/// The longest title, in characters.
pub const TITLE_MAX: usize = 300;
/// The longest description, in characters.
pub const DESCRIPTION_MAX: usize = 10_000;
/// The longest note on a status change: one line.
pub const NOTE_MAX: usize = 500;
/// The longest note of an effectiveness check.
pub const CHECK_NOTE_MAX: usize = 2_000;

/// An action item before validation.
#[derive(Debug, Clone, Copy, Default)]
pub struct ItemDraft<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub owner_id: Option<i64>,
    /// `YYYY-MM-DD`.
    pub due_date: &'a str,
    pub priority: &'a str,
    pub factor_id: Option<i64>,
    pub tracker_url: &'a str,
}

/// An action item that meets every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidItem {
    pub title: String,
    pub description: String,
    pub owner_id: i64,
    /// `YYYY-MM-DD`.
    pub due_day: String,
    pub priority: ActionPriority,
    pub factor_id: Option<i64>,
    pub tracker_url: Option<String>,
}

impl ItemDraft<'_> {
    /// Checks every rule and names every field that breaks one; a `new` item
    /// may not be due before `today`.
    pub fn parse(&self, today: NaiveDate, new: bool) -> Result<ValidItem, Vec<FieldError>> {
        let mut v = Validation::new();
        let title = v.text("title", self.title, TITLE_MAX);
        let description = v.optional_text("description", self.description, DESCRIPTION_MAX);
        if self.owner_id.is_none() {
            v.add(
                "owner_id",
                "Every action item needs one owner: choose who will see it through.",
            );
        }
        match parse_day(self.due_date) {
            Ok(d) if new && d < today => v.add(
                "due_date",
                "The due date is in the past; choose today or a later day.",
            ),
            Ok(_) => {}
            Err(e) => v.add("due_date", e),
        }
        let priority = v.choice::<ActionPriority>("priority", self.priority, "Choose a priority.");
        let tracker = self.tracker_url.trim();
        if !tracker.is_empty() && !valid_tracker_url(tracker) {
            v.add(
                "tracker_url",
                "Give the tracker link as an http:// or https:// address.",
            );
        }
        match (self.owner_id, priority) {
            (Some(owner_id), Some(priority)) if v.is_ok() => Ok(ValidItem {
                title,
                description,
                owner_id,
                due_day: self.due_date.trim().to_string(),
                priority,
                factor_id: self.factor_id,
                tracker_url: Some(tracker.to_string()).filter(|t| !t.is_empty()),
            }),
            _ => Err(v.errors),
        }
    }
}

/// A change of an item's status or dates before validation; `None` leaves a
/// field as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChangeDraft<'a> {
    pub status: Option<&'a str>,
    /// What changed, or why it will not be done (needed when closing; the
    /// store knows whether the change closes the item).
    pub note: Option<&'a str>,
    /// When someone confirms the fix worked; empty means no check.
    pub check_date: Option<&'a str>,
    pub due_date: Option<&'a str>,
}

/// A change that meets every rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidChange {
    pub status: Option<ActionStatus>,
    pub note: Option<String>,
    pub check_day: Option<String>,
    pub due_day: Option<String>,
}

impl ChangeDraft<'_> {
    pub fn parse(&self, today: NaiveDate) -> Result<ValidChange, Vec<FieldError>> {
        let mut v = Validation::new();
        let mut ch = ValidChange::default();
        if let Some(s) = self.status {
            ch.status = v.choice("status", s, "Choose a status.");
        }
        if let Some(n) = self.note {
            let note = n.trim();
            if let Some(c) = crate::validate::forbidden_char(note) {
                v.add("note", crate::validate::control_char_message(c));
            } else if note.chars().count() > NOTE_MAX {
                v.add(
                    "note",
                    format!("Keep the note to one line (at most {NOTE_MAX} characters)."),
                );
            }
            ch.note = Some(note.to_string());
        }
        if let Some(d) = self.check_date.map(str::trim).filter(|d| !d.is_empty()) {
            match parse_day(d) {
                Ok(day) if day <= today => {
                    v.add("check_date", "Schedule the check for a later day.")
                }
                Ok(_) => ch.check_day = Some(d.to_string()),
                Err(e) => v.add("check_date", e),
            }
        }
        if let Some(d) = self.due_date {
            match parse_day(d) {
                Ok(_) => ch.due_day = Some(d.trim().to_string()),
                Err(e) => v.add("due_date", e),
            }
        }
        v.finish()?;
        Ok(ch)
    }
}

/// An effectiveness check's result before validation.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckDraft<'a> {
    pub outcome: &'a str,
    pub note: &'a str,
}

impl CheckDraft<'_> {
    /// The outcome and what was checked.
    pub fn parse(&self) -> Result<(CheckOutcome, String), Vec<FieldError>> {
        let mut v = Validation::new();
        let outcome = self.outcome.trim().parse::<CheckOutcome>().ok();
        if outcome.is_none() {
            v.add("outcome", "Say whether the fix worked.");
        }
        let note = v.text("check_note", self.note, CHECK_NOTE_MAX);
        match outcome {
            Some(o) if v.is_ok() => Ok((o, note)),
            _ => Err(v.errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        parse_day("2026-11-23").unwrap()
    }

    fn item() -> ItemDraft<'static> {
        ItemDraft {
            title: "Alert 30 days before a certificate expires",
            owner_id: Some(4),
            due_date: "2026-12-15",
            priority: "high",
            ..Default::default()
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_item_is_valid() {
        let i = item().parse(today(), true).unwrap();
        assert_eq!(i.priority, ActionPriority::High);
        assert_eq!(i.owner_id, 4);
        assert_eq!(i.tracker_url, None);
    }

    #[test]
    fn every_broken_rule_of_an_item_is_named() {
        let d = ItemDraft {
            title: "",
            description: &"d".repeat(DESCRIPTION_MAX + 1),
            owner_id: None,
            due_date: "soon",
            priority: "whenever",
            factor_id: None,
            tracker_url: "javascript:alert(1)",
        };
        assert_eq!(
            fields(d.parse(today(), true).unwrap_err()),
            [
                "title",
                "description",
                "owner_id",
                "due_date",
                "priority",
                "tracker_url"
            ]
        );
    }

    #[test]
    fn only_new_items_may_not_be_due_in_the_past() {
        let late = ItemDraft {
            due_date: "2026-11-01",
            ..item()
        };
        assert_eq!(fields(late.parse(today(), true).unwrap_err()), ["due_date"]);
        assert!(late.parse(today(), false).is_ok());
    }

    #[test]
    fn changes_keep_notes_to_one_line_and_checks_in_the_future() {
        let ok = ChangeDraft {
            status: Some("done"),
            note: Some(" Alerting added "),
            check_date: Some("2026-12-01"),
            due_date: None,
        }
        .parse(today())
        .unwrap();
        assert_eq!(ok.status, Some(ActionStatus::Done));
        assert_eq!(ok.note.as_deref(), Some("Alerting added"));
        assert_eq!(ok.check_day.as_deref(), Some("2026-12-01"));
        let long = "n".repeat(NOTE_MAX + 1);
        let bad = ChangeDraft {
            status: Some("finished"),
            note: Some(&long),
            check_date: Some("2026-11-23"),
            due_date: Some("next week"),
        }
        .parse(today())
        .unwrap_err();
        assert!(bad[1].message.contains("one line"), "{bad:?}");
        assert_eq!(fields(bad), ["status", "note", "check_date", "due_date"]);
        // an empty check day means no check
        assert_eq!(
            ChangeDraft {
                check_date: Some(" "),
                ..Default::default()
            }
            .parse(today()),
            Ok(ValidChange::default())
        );
    }

    #[test]
    fn a_check_needs_an_outcome_and_a_note() {
        assert_eq!(
            CheckDraft {
                outcome: "effective",
                note: "No expiry since"
            }
            .parse(),
            Ok((CheckOutcome::Effective, "No expiry since".into()))
        );
        assert_eq!(
            fields(CheckDraft::default().parse().unwrap_err()),
            ["outcome", "check_note"]
        );
    }
}
