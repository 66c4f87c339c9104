//! One edit of a blameless review as a facilitator typed it, and the rules it
//! must meet before it is stored: which part it edits, the limits of each text,
//! counts that are whole numbers, five-whys chains of a bounded length. The
//! review page, the API and any import read an edit through
//! [`EditDraft::parse`]; contributing-factor categories through
//! [`CategoryDraft::parse`].

use crate::review::{LessonLevel, why_steps};
use crate::{FieldError, Validation};
use serde::Serialize;
use std::collections::HashMap;

/// The longest free text of a section (what happened, notes, interviews).
/// The parts of a review an edit names (`part`).
pub const PARTS: [&str; 8] = [
    "what",
    "impact",
    "learn",
    "why",
    "factor",
    "lesson",
    "interview",
    "remove",
];
pub const LONG_MAX: usize = 20_000;
/// The longest list of affected services.
pub const SERVICES_MAX: usize = 2_000;
/// The longest cost estimate.
pub const COST_MAX: usize = 200;
/// The longest problem statement, "why?" answer or systemic condition.
pub const WHY_MAX: usize = 2_000;
/// The most "why?" answers in one chain.
pub const WHY_STEPS_MAX: usize = 20;
/// The longest contributing-factor category key.
pub const CATEGORY_MAX: usize = 100;
/// The longest explanation of a contributing factor, or lesson.
pub const EXPLANATION_MAX: usize = 5_000;
/// The longest participant name of an interview.
pub const PARTICIPANT_MAX: usize = 200;
/// The longest name of a contributing-factor category.
pub const CATEGORY_LABEL_MAX: usize = 80;
/// The longest description of a contributing-factor category.
pub const CATEGORY_DESCRIPTION_MAX: usize = 300;

/// The quantified impact of an incident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Impact {
    pub duration_minutes: Option<i64>,
    pub people_affected: Option<i64>,
    pub records_affected: Option<i64>,
    pub services: String,
    pub cost: String,
    pub notes: String,
}

impl Impact {
    pub fn is_empty(&self) -> bool {
        self == &Impact::default()
    }
}

/// One edit of a review section or list item, valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    What {
        what_happened: String,
        interpretations: String,
    },
    Impact(Impact),
    Learn {
        went_well: String,
        got_lucky: String,
    },
    /// `id: None` adds a chain.
    Why {
        id: Option<i64>,
        problem: String,
        steps: Vec<String>,
        systemic_condition: String,
        restricted: bool,
    },
    Factor {
        id: Option<i64>,
        category: String,
        explanation: String,
        restricted: bool,
    },
    Lesson {
        id: Option<i64>,
        level: LessonLevel,
        body: String,
        restricted: bool,
    },
    Interview {
        id: Option<i64>,
        participant: String,
        participant_id: Option<i64>,
        notes: String,
    },
    /// Removes a list item: `part` is `why`, `factor`, `lesson` or `interview`.
    Remove {
        part: &'static str,
        id: i64,
    },
}

impl Edit {
    /// The name of the part edited, for the audit log and conflict messages.
    pub fn part(&self) -> &'static str {
        match self {
            Edit::What { .. } => "what",
            Edit::Impact(_) => "impact",
            Edit::Learn { .. } => "learn",
            Edit::Why { .. } => "why",
            Edit::Factor { .. } => "factor",
            Edit::Lesson { .. } => "lesson",
            Edit::Interview { .. } => "interview",
            Edit::Remove { part, .. } => part,
        }
    }
}

/// The list items an edit can remove.
const REMOVABLE: [&str; 4] = ["why", "factor", "lesson", "interview"];

/// An edit before validation: the part named (in the page's path or the API's
/// `part`) and its fields by name, as a form sends them (a ticked box is `on`).
#[derive(Debug, Clone, Copy)]
pub struct EditDraft<'a> {
    pub part: &'a str,
    pub fields: &'a HashMap<String, String>,
}

impl EditDraft<'_> {
    fn get(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    fn ticked(&self, name: &str) -> bool {
        matches!(self.get(name).trim(), "on" | "true" | "1" | "yes")
    }

    /// Checks every rule and names every field that breaks one.
    pub fn parse(&self) -> Result<Edit, Vec<FieldError>> {
        let mut v = Validation::new();
        let v = &mut v;
        let text = |v: &mut Validation, name: &str, max: usize, required: bool| {
            v.text_of(name, self.get(name), max, required)
        };
        let edit = match self.part {
            "what" => Some(Edit::What {
                what_happened: text(v, "what_happened", LONG_MAX, false),
                interpretations: text(v, "interpretations", LONG_MAX, false),
            }),
            "impact" => Some(Edit::Impact(Impact {
                duration_minutes: v.count("duration_minutes", self.get("duration_minutes")),
                people_affected: v.count("people_affected", self.get("people_affected")),
                records_affected: v.count("records_affected", self.get("records_affected")),
                services: text(v, "services", SERVICES_MAX, false),
                cost: text(v, "cost", COST_MAX, false),
                notes: text(v, "notes", LONG_MAX, false),
            })),
            "learn" => Some(Edit::Learn {
                went_well: text(v, "went_well", LONG_MAX, false),
                got_lucky: text(v, "got_lucky", LONG_MAX, false),
            }),
            "why" => {
                let id = v.id("id", self.get("id"));
                let problem = text(v, "problem", WHY_MAX, true);
                let steps = why_steps(self.get("steps"));
                if steps.is_empty() {
                    v.add("steps", "Write at least one \"why?\" answer, one per line.");
                } else if steps.len() > WHY_STEPS_MAX
                    || steps.iter().any(|s| s.chars().count() > WHY_MAX)
                {
                    v.add(
                        "steps",
                        format!("At most {WHY_STEPS_MAX} answers of {WHY_MAX} characters each."),
                    );
                } else if let Some(c) = steps
                    .iter()
                    .find_map(|s| crate::validate::forbidden_char(s))
                {
                    v.add("steps", crate::validate::control_char_message(c));
                }
                Some(Edit::Why {
                    id,
                    problem,
                    steps,
                    systemic_condition: text(v, "systemic_condition", WHY_MAX, true),
                    restricted: self.ticked("restricted"),
                })
            }
            "factor" => Some(Edit::Factor {
                id: v.id("id", self.get("id")),
                category: text(v, "category", CATEGORY_MAX, true),
                explanation: text(v, "explanation", EXPLANATION_MAX, true),
                restricted: self.ticked("restricted"),
            }),
            "lesson" => {
                let id = v.id("id", self.get("id"));
                let level = v.choice::<LessonLevel>(
                    "level",
                    self.get("level"),
                    "Choose the level at which the lesson applies.",
                );
                let body = text(v, "body", EXPLANATION_MAX, true);
                level.map(|level| Edit::Lesson {
                    id,
                    level,
                    body,
                    restricted: self.ticked("restricted"),
                })
            }
            "interview" => Some(Edit::Interview {
                id: v.id("id", self.get("id")),
                participant: text(v, "participant", PARTICIPANT_MAX, true),
                participant_id: v.id("participant_id", self.get("participant_id")),
                notes: text(v, "notes", LONG_MAX, true),
            }),
            "remove" => {
                let what = self.get("what").trim();
                let part = REMOVABLE.into_iter().find(|p| *p == what);
                if part.is_none() {
                    v.add(
                        "what",
                        "Say what to remove: why, factor, lesson or interview.",
                    );
                }
                let id = v.id("id", self.get("id"));
                if id.is_none() && v.message_for("id").is_none() {
                    v.add("id", "Say which one to remove.");
                }
                part.zip(id).map(|(part, id)| Edit::Remove { part, id })
            }
            _ => {
                v.add(
                    "part",
                    "There is no such part of a review: use what, impact, learn, why, factor, lesson, interview or remove.",
                );
                None
            }
        };
        match edit {
            Some(e) if v.is_ok() => Ok(e),
            _ => Err(std::mem::take(&mut v.errors)),
        }
    }
}

/// A contributing-factor category an administrator adds, before validation.
#[derive(Debug, Clone, Copy, Default)]
pub struct CategoryDraft<'a> {
    pub label: &'a str,
    pub description: &'a str,
}

/// A category that meets every rule: its key is derived from its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCategory {
    pub key: String,
    pub label: String,
    pub description: String,
}

/// The key of a category: its name in lower case, words joined by `_`.
pub fn category_key(label: &str) -> String {
    label
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

impl CategoryDraft<'_> {
    pub fn parse(&self) -> Result<ValidCategory, Vec<FieldError>> {
        let mut v = Validation::new();
        let label = v.text("label", self.label, CATEGORY_LABEL_MAX);
        let description = v.text("description", self.description, CATEGORY_DESCRIPTION_MAX);
        let key = category_key(&label);
        if v.message_for("label").is_none() && key.is_empty() {
            v.add("label", "Use at least one letter or digit.");
        }
        v.finish()?;
        Ok(ValidCategory {
            key,
            label,
            description,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(part: &str, pairs: &[(&str, &str)]) -> Result<Edit, Vec<String>> {
        let fields: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        EditDraft {
            part,
            fields: &fields,
        }
        .parse()
        .map_err(|e| e.into_iter().map(|e| e.field).collect())
    }

    #[test]
    fn sections_take_optional_texts_within_their_limits() {
        assert_eq!(
            draft("what", &[("what_happened", "  The certificate expired. ")]),
            Ok(Edit::What {
                what_happened: "The certificate expired.".into(),
                interpretations: String::new(),
            })
        );
        let long = "x".repeat(LONG_MAX + 1);
        assert_eq!(
            draft("learn", &[("went_well", &long), ("got_lucky", "a\u{1b}b")]),
            Err(vec!["went_well".into(), "got_lucky".into()])
        );
    }

    #[test]
    fn impact_counts_are_whole_numbers_of_zero_or_more() {
        let Ok(Edit::Impact(i)) = draft(
            "impact",
            &[("duration_minutes", "1,200"), ("people_affected", "")],
        ) else {
            panic!("valid impact refused");
        };
        assert_eq!(i.duration_minutes, Some(1200));
        assert_eq!(i.people_affected, None);
        assert_eq!(
            draft(
                "impact",
                &[
                    ("duration_minutes", "-1"),
                    ("people_affected", "many"),
                    ("records_affected", "99999999999999999999"),
                    ("cost", &"€".repeat(COST_MAX + 1)),
                ]
            ),
            Err(vec![
                "duration_minutes".into(),
                "people_affected".into(),
                "records_affected".into(),
                "cost".into()
            ])
        );
    }

    #[test]
    fn a_why_chain_needs_a_problem_answers_and_a_condition() {
        assert_eq!(
            draft("why", &[]),
            Err(vec![
                "problem".into(),
                "steps".into(),
                "systemic_condition".into()
            ])
        );
        let many: Vec<String> = (0..=WHY_STEPS_MAX).map(|i| format!("answer {i}")).collect();
        assert_eq!(
            draft(
                "why",
                &[
                    ("problem", "p"),
                    ("steps", &many.join("\n")),
                    ("systemic_condition", "c")
                ]
            ),
            Err(vec!["steps".into()])
        );
        let Ok(Edit::Why {
            id,
            steps,
            restricted,
            ..
        }) = draft(
            "why",
            &[
                ("id", "7"),
                ("problem", "p"),
                ("steps", "1. because\n\n2. and because"),
                ("systemic_condition", "c"),
                ("restricted", "on"),
            ],
        )
        else {
            panic!("valid chain refused");
        };
        assert_eq!((id, steps.len(), restricted), (Some(7), 2, true));
    }

    #[test]
    fn list_items_name_a_valid_id_level_and_texts() {
        assert_eq!(
            draft("factor", &[("id", "x"), ("category", "procedure")]),
            Err(vec!["id".into(), "explanation".into()])
        );
        assert_eq!(
            draft("lesson", &[("level", "team"), ("body", "Renew earlier")]),
            Err(vec!["level".into()])
        );
        assert!(matches!(
            draft(
                "lesson",
                &[
                    ("level", "information_system"),
                    ("body", "Alert at 30 days")
                ]
            ),
            Ok(Edit::Lesson {
                level: LessonLevel::InformationSystem,
                ..
            })
        ));
        assert_eq!(
            draft(
                "interview",
                &[("participant", "Sam"), ("participant_id", "-3")]
            ),
            Err(vec!["participant_id".into(), "notes".into()])
        );
    }

    #[test]
    fn removals_name_a_part_and_an_item() {
        assert_eq!(
            draft("remove", &[("what", "factor"), ("id", "3")]),
            Ok(Edit::Remove {
                part: "factor",
                id: 3
            })
        );
        assert_eq!(
            draft("remove", &[("what", "review")]),
            Err(vec!["what".into(), "id".into()])
        );
        assert_eq!(draft("timeline", &[]), Err(vec!["part".into()]));
    }

    #[test]
    fn categories_get_a_key_from_their_name() {
        let c = CategoryDraft {
            label: " Vendor & supply chain ",
            description: "A supplier's change reached us.",
        }
        .parse()
        .unwrap();
        assert_eq!(c.key, "vendor_supply_chain");
        assert_eq!(c.label, "Vendor & supply chain");
        let e = CategoryDraft {
            label: "--",
            description: "",
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["description", "label"]);
    }
}
