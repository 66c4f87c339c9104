//! A submitted review form: turning a part's fields into an edit.

use crate::platform::form::{Fields, field, opt_id, ticked};
use debrief_core::review::LessonLevel;
use debrief_store::reviews::{Edit, ReviewDetail};

/// A text of at most `max` characters, required or not.
pub(crate) fn text(
    v: &mut debrief_core::Validation,
    f: &Fields,
    name: &str,
    max: usize,
    required: bool,
) -> String {
    let s = field(f, name).trim();
    if required && s.is_empty() {
        v.add(name, "This field is required.");
    } else if s.chars().count() > max {
        v.add(name, format!("At most {max} characters."));
    }
    s.to_string()
}

/// A whole number of zero or more, or nothing.
pub(crate) fn count(v: &mut debrief_core::Validation, f: &Fields, name: &str) -> Option<i64> {
    let s = field(f, name).trim();
    if s.is_empty() {
        return None;
    }
    match s.replace([',', '_', ' '], "").parse::<i64>() {
        Ok(n) if n >= 0 => Some(n),
        _ => {
            v.add(name, "Give a whole number of zero or more.");
            None
        }
    }
}

const LONG: usize = 20_000;

/// Turns a posted review form into an edit of the part named in the path.
pub fn parse_edit(part: &str, f: &Fields) -> Result<Edit, debrief_core::Validation> {
    let mut v = debrief_core::Validation::new();
    let edit = match part {
        "what" => Edit::What {
            what_happened: text(&mut v, f, "what_happened", LONG, false),
            interpretations: text(&mut v, f, "interpretations", LONG, false),
        },
        "impact" => Edit::Impact(debrief_store::reviews::Impact {
            duration_minutes: count(&mut v, f, "duration_minutes"),
            people_affected: count(&mut v, f, "people_affected"),
            records_affected: count(&mut v, f, "records_affected"),
            services: text(&mut v, f, "services", 2_000, false),
            cost: text(&mut v, f, "cost", 200, false),
            notes: text(&mut v, f, "notes", LONG, false),
        }),
        "learn" => Edit::Learn {
            went_well: text(&mut v, f, "went_well", LONG, false),
            got_lucky: text(&mut v, f, "got_lucky", LONG, false),
        },
        "why" => {
            let problem = text(&mut v, f, "problem", 2_000, true);
            let steps = debrief_core::review::why_steps(field(f, "steps"));
            if steps.is_empty() {
                v.add("steps", "Write at least one \"why?\" answer, one per line.");
            } else if steps.len() > 20 || steps.iter().any(|s| s.chars().count() > 2_000) {
                v.add("steps", "At most 20 answers of 2000 characters each.");
            }
            Edit::Why {
                id: opt_id(f, "id"),
                problem,
                steps,
                systemic_condition: text(&mut v, f, "systemic_condition", 2_000, true),
                restricted: ticked(f, "restricted"),
            }
        }
        "factor" => Edit::Factor {
            id: opt_id(f, "id"),
            category: text(&mut v, f, "category", 100, true),
            explanation: text(&mut v, f, "explanation", 5_000, true),
            restricted: ticked(f, "restricted"),
        },
        "lesson" => {
            let level = match field(f, "level").parse::<LessonLevel>() {
                Ok(l) => l,
                Err(e) => {
                    v.add("level", e);
                    LessonLevel::Organisation
                }
            };
            Edit::Lesson {
                id: opt_id(f, "id"),
                level,
                body: text(&mut v, f, "body", 5_000, true),
                restricted: ticked(f, "restricted"),
            }
        }
        "interview" => Edit::Interview {
            id: opt_id(f, "id"),
            participant: text(&mut v, f, "participant", 200, true),
            participant_id: opt_id(f, "participant_id"),
            notes: text(&mut v, f, "notes", LONG, true),
        },
        "remove" => {
            let what = match field(f, "what") {
                "why" => "why",
                "factor" => "factor",
                "lesson" => "lesson",
                "interview" => "interview",
                _ => {
                    v.add("what", "Say what to remove.");
                    "why"
                }
            };
            match opt_id(f, "id") {
                Some(id) => Edit::Remove { part: what, id },
                None => {
                    v.add("id", "Say which one to remove.");
                    Edit::Remove { part: what, id: 0 }
                }
            }
        }
        _ => {
            v.add("part", "There is no such part of a review.");
            Edit::Remove { part: "why", id: 0 }
        }
    };
    if v.is_ok() { Ok(edit) } else { Err(v) }
}

/// The key under which a form's input is kept: the part and, for list items, the item.
pub(crate) fn kept_key(part: &str, f: &Fields) -> String {
    match opt_id(f, "id") {
        Some(id) if part != "what" && part != "impact" && part != "learn" => format!("{part}:{id}"),
        _ if matches!(part, "why" | "factor" | "lesson" | "interview") => format!("new-{part}"),
        _ => part.to_string(),
    }
}

/// The stored fields of a part, to show beside the user's in a conflict:
/// (label, form field, value).
pub(crate) fn theirs(
    d: &ReviewDetail,
    part: &str,
    id: Option<i64>,
) -> Vec<(String, &'static str, String)> {
    let r = &d.review;
    let s = |label: &str, field: &'static str, value: &str| {
        (label.to_string(), field, value.to_string())
    };
    let n = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    match part {
        "what" => vec![
            s("What happened", "what_happened", &r.what_happened),
            s("Interpretations", "interpretations", &r.interpretations),
        ],
        "impact" => vec![
            s(
                "Duration (minutes)",
                "duration_minutes",
                &n(r.impact.duration_minutes),
            ),
            s(
                "People affected",
                "people_affected",
                &n(r.impact.people_affected),
            ),
            s(
                "Records affected",
                "records_affected",
                &n(r.impact.records_affected),
            ),
            s("Services", "services", &r.impact.services),
            s("Cost", "cost", &r.impact.cost),
            s("Notes", "notes", &r.impact.notes),
        ],
        "learn" => vec![
            s("What went well", "went_well", &r.went_well),
            s("Where we got lucky", "got_lucky", &r.got_lucky),
        ],
        "why" => d
            .whys
            .iter()
            .filter(|w| Some(w.id) == id)
            .flat_map(|w| {
                vec![
                    s("Problem", "problem", &w.problem),
                    s("Why? answers", "steps", &w.steps.join("\n")),
                    s(
                        "Systemic condition",
                        "systemic_condition",
                        &w.systemic_condition,
                    ),
                ]
            })
            .collect(),
        "factor" => d
            .factors
            .iter()
            .filter(|x| Some(x.id) == id)
            .flat_map(|x| {
                vec![
                    s("Category", "category", &x.category),
                    s("Explanation", "explanation", &x.explanation),
                ]
            })
            .collect(),
        "lesson" => d
            .lessons
            .iter()
            .filter(|x| Some(x.id) == id)
            .flat_map(|x| {
                vec![
                    s("Level", "level", x.level.as_str()),
                    s("Lesson", "body", &x.body),
                ]
            })
            .collect(),
        "interview" => d
            .interviews
            .iter()
            .filter(|x| Some(x.id) == id)
            .flat_map(|x| vec![s("Notes", "notes", &x.notes)])
            .collect(),
        _ => Vec::new(),
    }
}

/// Merges a refused save with what was saved meanwhile, field by field: a field
/// the editor did not change (it still equals the `base:` value the form was
/// rendered with) takes the newly saved value; a field only the editor changed
/// keeps the editor's text; a field both changed keeps the editor's text and is
/// listed as a conflict beside the other person's.
pub(crate) fn merge(
    kept: &mut Fields,
    stored: Vec<(String, &'static str, String)>,
) -> Vec<(String, String)> {
    let mut conflicts = Vec::new();
    for (label, field, value) in stored {
        let mine = kept.get(field).cloned().unwrap_or_default();
        let base = kept.get(&format!("base:{field}")).cloned();
        let untouched = base.as_deref().is_some_and(|b| norm(b) == norm(&mine));
        let only_mine = base.as_deref().is_some_and(|b| norm(b) == norm(&value));
        if untouched || norm(&mine) == norm(&value) {
            kept.insert(field.to_string(), value.clone());
        } else if !only_mine {
            conflicts.push((label, value.clone()));
        }
        kept.insert(format!("base:{field}"), value);
    }
    conflicts
}

/// Text compared as a browser sends it back (line ends normalised, outer space trimmed).
pub(crate) fn norm(s: &str) -> String {
    s.replace("\r\n", "\n").trim().to_string()
}

/// The version a conflicting part has now, so that saving again replaces it deliberately.
pub(crate) fn current_version(d: &ReviewDetail, part: &str, id: Option<i64>) -> Option<i64> {
    let r = &d.review;
    match part {
        "what" => Some(r.what_version),
        "impact" => Some(r.impact_version),
        "learn" => Some(r.learn_version),
        "why" => d.whys.iter().find(|x| Some(x.id) == id).map(|x| x.version),
        "factor" => d
            .factors
            .iter()
            .find(|x| Some(x.id) == id)
            .map(|x| x.version),
        "lesson" => d
            .lessons
            .iter()
            .find(|x| Some(x.id) == id)
            .map(|x| x.version),
        "interview" => d
            .interviews
            .iter()
            .find(|x| Some(x.id) == id)
            .map(|x| x.version),
        _ => None,
    }
}
