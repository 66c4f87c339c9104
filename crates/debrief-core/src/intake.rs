//! A report as its reporter typed it, and the rules it must meet before it is
//! stored: the kind and the way of reporting are known, texts fit their limits,
//! times are readable and in order, and only a signed-in reporter may report
//! with a name or confidentially. The report form, the API and any import read
//! a report through [`ReportDraft::parse`].

use crate::report::{Confidentiality, Content, Kind};
use crate::times;
use crate::{FieldError, Validation};

/// The longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest description, in characters.
pub const DESCRIPTION_MAX: usize = 20_000;
/// The longest "when, in words" note, in characters.
pub const OCCURRED_NOTE_MAX: usize = 200;
/// The longest list of affected systems, in characters.
pub const SYSTEMS_MAX: usize = 500;
/// The longest follow-up message between a reporter and the team.
pub const MESSAGE_MAX: usize = 10_000;
/// The longest explanation a reporter reads when their report is closed.
pub const CLOSING_NOTE_MAX: usize = 5_000;
/// The longest promise the report form makes to reporters (an administrator sets it).
pub const PROMISE_MAX: usize = 2_000;

/// A report before validation: every field as sent.
#[derive(Debug, Clone, Default)]
pub struct ReportDraft<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub confidentiality: &'a str,
    /// RFC 3339, or a form's `datetime-local` value already read in the
    /// reporter's zone (see [`times::parse_local_time`]).
    pub occurred_at: Option<&'a str>,
    pub detected_at: Option<&'a str>,
    pub occurred_note: &'a str,
    pub systems: &'a str,
}

/// A report that meets every rule, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidReport {
    pub kind: Kind,
    pub confidentiality: Confidentiality,
    pub title: String,
    pub description: String,
    pub occurred_ms: Option<i64>,
    pub detected_ms: Option<i64>,
    /// When it happened, in words, when no time was given.
    pub occurred_note: String,
    pub systems: String,
}

impl Confidentiality {
    /// Named and confidential reports are tied to an account, so only a
    /// signed-in reporter may make them.
    pub fn needs_sign_in(self) -> bool {
        matches!(self, Confidentiality::Named | Confidentiality::Confidential)
    }

    /// Confidential and anonymous reporters follow up with a receipt code.
    pub fn gets_receipt(self) -> bool {
        !matches!(self, Confidentiality::Named)
    }

    /// The receipt time stored for a report received at `now`: anonymous and
    /// confidential reports keep it only to the minute.
    pub fn received_ms(self, now: i64) -> i64 {
        match self {
            Confidentiality::Named => now,
            _ => times::to_minute(now),
        }
    }
}

impl ReportDraft<'_> {
    /// Checks every rule and names every field that breaks one. `signed_in`
    /// says whether a reporter is signed in; `now` is the server's clock.
    pub fn parse(&self, signed_in: bool, now: i64) -> Result<ValidReport, Vec<FieldError>> {
        let mut v = Validation::new();
        let kind: Option<Kind> = v.choice("kind", self.kind, "Choose what kind of report this is.");
        let mode: Option<Confidentiality> = v.choice(
            "confidentiality",
            self.confidentiality,
            "Choose how you want to report.",
        );
        let title = v.text("title", self.title, TITLE_MAX);
        let description = v.text("description", self.description, DESCRIPTION_MAX);
        let occurred = times::parse_time(&mut v, "occurred_at", self.occurred_at, now);
        let detected = times::parse_time(&mut v, "detected_at", self.detected_at, now);
        times::check_order(&mut v, "detected_at", occurred, detected);
        let occurred_note = v.optional_text("occurred_note", self.occurred_note, OCCURRED_NOTE_MAX);
        let systems = v.optional_text("systems", self.systems, SYSTEMS_MAX);
        if mode.is_some_and(Confidentiality::needs_sign_in) && !signed_in {
            v.add(
                "confidentiality",
                "Sign in to report with your name or confidentially, or choose anonymous.",
            );
        }
        match (kind, mode) {
            (Some(kind), Some(confidentiality)) if v.is_ok() => Ok(ValidReport {
                kind,
                confidentiality,
                title,
                description,
                occurred_ms: occurred,
                detected_ms: detected,
                occurred_note,
                systems,
            }),
            _ => Err(v.errors),
        }
    }
}

impl ValidReport {
    /// When it happened as the proof records it: the time, or the words.
    pub fn occurred_text(&self) -> String {
        match self.occurred_ms {
            Some(ms) => times::rfc3339(ms),
            None => self.occurred_note.clone(),
        }
    }

    /// When it was noticed as the proof records it; empty when unknown.
    pub fn detected_text(&self) -> String {
        self.detected_ms.map(times::rfc3339).unwrap_or_default()
    }

    /// The hash of what the report says, for its proof of receipt.
    pub fn content_hash(&self) -> String {
        crate::report::content_hash(&Content {
            kind: self.kind,
            title: &self.title,
            description: &self.description,
            occurred: &self.occurred_text(),
            detected: &self.detected_text(),
            systems: &self.systems,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000_000;

    fn draft() -> ReportDraft<'static> {
        ReportDraft {
            kind: "near_miss",
            title: "Almost sent the export to the wrong address",
            description: "The address book suggested a similar name.",
            confidentiality: "anonymous",
            ..Default::default()
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_anonymous_draft_is_valid() {
        let r = draft().parse(false, NOW).unwrap();
        assert_eq!(r.kind, Kind::NearMiss);
        assert_eq!(r.confidentiality, Confidentiality::Anonymous);
        assert!(r.confidentiality.gets_receipt());
        assert_eq!(r.occurred_text(), "");
    }

    #[test]
    fn every_broken_rule_is_named() {
        let d = ReportDraft {
            kind: "rumour",
            title: " ",
            description: "",
            confidentiality: "",
            occurred_at: Some("next week"),
            systems: &"x".repeat(SYSTEMS_MAX + 1),
            ..Default::default()
        };
        assert_eq!(
            fields(d.parse(true, NOW).unwrap_err()),
            [
                "kind",
                "confidentiality",
                "title",
                "description",
                "occurred_at",
                "systems"
            ]
        );
    }

    #[test]
    fn named_and_confidential_reports_need_a_signed_in_reporter() {
        for mode in ["named", "confidential"] {
            let d = ReportDraft {
                confidentiality: mode,
                ..draft()
            };
            assert_eq!(
                fields(d.parse(false, NOW).unwrap_err()),
                ["confidentiality"]
            );
            assert!(d.parse(true, NOW).is_ok());
        }
    }

    #[test]
    fn noticed_before_it_happened_is_refused() {
        let d = ReportDraft {
            occurred_at: Some("2026-03-14T10:00:00Z"),
            detected_at: Some("2026-03-14T09:00:00Z"),
            ..draft()
        };
        assert_eq!(fields(d.parse(false, NOW).unwrap_err()), ["detected_at"]);
    }

    #[test]
    fn only_named_reports_keep_the_second() {
        let now = 1_780_000_059_999;
        assert_eq!(Confidentiality::Named.received_ms(now), now);
        assert_eq!(
            Confidentiality::Anonymous.received_ms(now),
            1_780_000_020_000
        );
        assert_eq!(
            Confidentiality::Confidential.received_ms(now),
            1_780_000_020_000
        );
        assert!(!Confidentiality::Named.gets_receipt());
    }

    #[test]
    fn the_proof_records_the_time_or_the_words() {
        let d = ReportDraft {
            occurred_at: Some("2026-03-14T10:00:00+01:00"),
            ..draft()
        };
        let r = d.parse(false, NOW).unwrap();
        assert_eq!(r.occurred_text(), "2026-03-14T09:00:00Z");
        let words = ReportDraft {
            occurred_note: "Tuesday afternoon",
            ..draft()
        };
        let w = words.parse(false, NOW).unwrap();
        assert_eq!(w.occurred_text(), "Tuesday afternoon");
        assert_ne!(r.content_hash(), w.content_hash());
    }
}
