//! What each export says: the full review and the one-page summary, built as
//! format-neutral blocks.

mod review;
mod summary;
#[cfg(test)]
mod tests;

pub(crate) use review::review;
pub(crate) use summary::summary;

use crate::document::{ActionItem, ReviewDocument};
use crate::ir::{Block, Doc, Inline, Rich, Tone, text};
use crate::text::{
    group_thousands, is_web_url, one_line, paragraphs, plural, shorten_sentences, truncate_label,
};
use crate::{ExportError, pdf};
use debrief_core::duration::words as duration_words;

/// The levels of lessons, in the order the documents show them.
const LESSON_LEVELS: [&str; 3] = ["Organisation", "Business process", "Information system"];

fn title_of(doc: &ReviewDocument) -> String {
    let t = one_line(&doc.title);
    if t.is_empty() {
        format!("Case {}", doc.case_id)
    } else {
        t
    }
}

fn or(value: &str, missing: &str) -> String {
    let v = one_line(value);
    if v.is_empty() { missing.to_string() } else { v }
}

fn note(s: impl Into<String>) -> Block {
    Block::Para(text(s), Tone::Note)
}

fn h(level: u8, s: &str) -> Block {
    Block::Heading(level, s.to_string())
}

/// Paragraph blocks for a piece of user prose, or a note saying it is empty.
fn prose(out: &mut Vec<Block>, body: &str, empty: &str) {
    let paras = paragraphs(body);
    if paras.is_empty() && !empty.is_empty() {
        out.push(note(empty));
    }
    for p in paras {
        out.push(Block::Para(text(p), Tone::Normal));
    }
}

/// User prose inside a list item or a table cell: paragraphs become lines.
fn cell(body: &str) -> String {
    paragraphs(body).join("\n")
}

fn meta(doc: &ReviewDocument, document: &str, max: usize) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("Document".to_string(), document.to_string()),
        ("Case".to_string(), doc.case_id.to_string()),
        (
            "Severity".to_string(),
            truncate_label(&or(&doc.severity, "Not set"), max),
        ),
        (
            "State".to_string(),
            truncate_label(&or(&doc.state, "Not set"), max),
        ),
        (
            "Facilitator".to_string(),
            truncate_label(
                &or(doc.facilitator.as_deref().unwrap_or(""), "Not assigned"),
                max,
            ),
        ),
    ];
    if !doc.generated_at.trim().is_empty() {
        pairs.push((
            "Generated".to_string(),
            truncate_label(&doc.generated_at, max),
        ));
    }
    pairs
}

fn impact_is_empty(doc: &ReviewDocument) -> bool {
    let i = &doc.impact;
    i.duration_minutes.is_none()
        && i.people_affected.is_none()
        && i.records_affected.is_none()
        && i.services.trim().is_empty()
        && i.cost.as_deref().is_none_or(|c| c.trim().is_empty())
        && i.notes.trim().is_empty()
}

fn impact_has_figures(doc: &ReviewDocument) -> bool {
    let i = &doc.impact;
    i.duration_minutes.is_some()
        || i.people_affected.is_some()
        || i.records_affected.is_some()
        || !i.services.trim().is_empty()
        || i.cost.as_deref().is_some_and(|c| !c.trim().is_empty())
}

/// The names of the sections that have nothing in them yet.
fn empty_sections(doc: &ReviewDocument) -> Vec<&'static str> {
    let mut out = Vec::new();
    if doc.times.is_empty() {
        out.push("times");
    }
    if doc.timeline.is_empty() && !doc.without_timeline {
        out.push("timeline");
    }
    if doc.what_happened.trim().is_empty() {
        out.push("facts narrative");
    }
    if doc.interpretations.trim().is_empty() {
        out.push("interpretations");
    }
    if impact_is_empty(doc) {
        out.push("impact");
    }
    if doc.whys.is_empty() {
        out.push("five whys");
    }
    if doc.factors.is_empty() {
        out.push("contributing factors");
    }
    if doc.went_well.trim().is_empty() {
        out.push("what went well");
    }
    if doc.got_lucky.trim().is_empty() {
        out.push("where we got lucky");
    }
    if doc.lessons.is_empty() {
        out.push("lessons");
    }
    if doc.action_items.is_empty() {
        out.push("action items");
    }
    out
}

fn empty_sections_note(doc: &ReviewDocument) -> Option<Block> {
    let empty = empty_sections(doc);
    if empty.is_empty() {
        return None;
    }
    let mut list = empty.join(", ");
    if let Some(first) = list.get(..1) {
        list = format!("{}{}", first.to_uppercase(), &list[1..]);
    }
    Some(note(format!("Nothing recorded yet: {list}.")))
}

/// Groups items by a label, keeping the first-seen order of labels but
/// putting the `preferred` labels first in their given order.
fn grouped<'a, T>(
    items: &'a [T],
    label: impl Fn(&T) -> String,
    preferred: &[&str],
) -> Vec<(String, Vec<&'a T>)> {
    let mut groups: Vec<(String, Vec<&T>)> = Vec::new();
    for item in items {
        let l = label(item);
        match groups.iter_mut().find(|(g, _)| g.eq_ignore_ascii_case(&l)) {
            Some((_, members)) => members.push(item),
            None => groups.push((l, vec![item])),
        }
    }
    let rank = |l: &str| {
        preferred
            .iter()
            .position(|p| p.eq_ignore_ascii_case(l))
            .unwrap_or(preferred.len())
    };
    groups.sort_by_key(|(l, _)| rank(l));
    groups
}

fn lesson_level(level: &str) -> String {
    or(level, "Other")
}

fn factor_category(category: &str) -> String {
    or(category, "Uncategorised")
}

fn tracker_cell(url: Option<&str>) -> Rich {
    match url.map(str::trim) {
        Some(u) if is_web_url(u) => vec![Inline::Link {
            text: u.to_string(),
            url: u.to_string(),
        }],
        Some(u) if !u.is_empty() => text(one_line(u)),
        _ => text("—"),
    }
}

fn is_open(a: &ActionItem) -> bool {
    const CLOSED: [&str; 10] = [
        "done",
        "closed",
        "complete",
        "completed",
        "cancelled",
        "canceled",
        "resolved",
        "verified",
        "won't do",
        "wont do",
    ];
    let s = a.status.trim().to_lowercase();
    !CLOSED.contains(&s.as_str())
}
