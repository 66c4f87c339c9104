//! A submitted review form: turning a part's fields into an edit (the rules
//! are the core's, see `debrief_core::review_edit`).

use crate::platform::form::{Fields, opt_id};
use debrief_core::FieldError;
use debrief_core::review_edit::{Edit, EditDraft};
use debrief_store::reviews::ReviewDetail;

/// Turns a posted review form into an edit of the part named in the path,
/// by the core's rules ([`EditDraft::parse`]).
pub fn parse_edit(part: &str, f: &Fields) -> Result<Edit, Vec<FieldError>> {
    EditDraft { part, fields: f }.parse()
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
