//! What each export says: the full review and the one-page summary, built as
//! format-neutral blocks.

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

/// The full technical review.
pub(crate) fn review(doc: &ReviewDocument) -> Doc {
    let title = title_of(doc);
    let mut b = vec![
        Block::Heading(1, title.clone()),
        Block::Meta(meta(doc, "Full technical review", 200)),
    ];
    if let Some(n) = empty_sections_note(doc) {
        b.push(n);
    }

    // 1. What happened
    b.push(h(2, "1. What happened"));
    b.push(h(3, "Times"));
    if doc.times.is_empty() {
        b.push(note("No times have been recorded yet."));
    } else {
        b.push(Block::Table {
            head: vec!["Milestone".into(), "Time".into()],
            widths: vec![1.0, 2.0],
            rows: doc
                .times
                .iter()
                .map(|(k, v)| vec![text(one_line(k)), text(one_line(v))])
                .collect(),
        });
    }
    match &doc.timeline {
        _ if doc.without_timeline => {}
        timeline if timeline.is_empty() => {
            b.push(h(3, "Timeline"));
            b.push(note("No timeline entries have been recorded yet."));
        }
        timeline => {
            b.push(h(3, "Timeline"));
            b.push(Block::Table {
                head: vec!["Time".into(), "Kind".into(), "Entry".into()],
                widths: vec![1.6, 1.0, 5.0],
                rows: timeline
                    .iter()
                    .map(|t| {
                        vec![
                            text(one_line(&t.at)),
                            text(one_line(&t.kind)),
                            text(cell(&t.body)),
                        ]
                    })
                    .collect(),
            });
        }
    }
    b.push(h(3, "Facts"));
    prose(
        &mut b,
        &doc.what_happened,
        "No facts narrative has been written yet.",
    );
    b.push(h(3, "Interpretations"));
    if doc.interpretations.trim().is_empty() {
        b.push(note("No interpretations have been recorded yet."));
    } else {
        b.push(note(
            "These are interpretations of the facts above, not established facts.",
        ));
        prose(&mut b, &doc.interpretations, "");
    }

    // 2. Impact
    b.push(h(2, "2. What was the impact"));
    if impact_is_empty(doc) {
        b.push(note("No impact has been recorded yet."));
    } else {
        let i = &doc.impact;
        let nr = || "Not recorded".to_string();
        let rows = vec![
            (
                "Duration",
                i.duration_minutes.map(duration_words).unwrap_or_else(nr),
            ),
            (
                "People affected",
                i.people_affected.map(group_thousands).unwrap_or_else(nr),
            ),
            (
                "Records affected",
                i.records_affected.map(group_thousands).unwrap_or_else(nr),
            ),
            ("Services", or(&i.services, "Not recorded")),
            ("Cost", or(i.cost.as_deref().unwrap_or(""), "Not recorded")),
        ];
        b.push(Block::Table {
            head: vec!["Measure".into(), "Value".into()],
            widths: vec![1.0, 2.0],
            rows: rows
                .into_iter()
                .map(|(k, v)| vec![text(k), text(v)])
                .collect(),
        });
        b.push(h(3, "Notes"));
        prose(&mut b, &i.notes, "No impact notes have been written yet.");
    }

    // 3. Why
    b.push(h(2, "3. Why did it happen"));
    b.push(h(3, "Five whys"));
    if doc.whys.is_empty() {
        b.push(note("No five-whys chains have been recorded yet."));
    }
    for (n, chain) in doc.whys.iter().enumerate() {
        b.push(Block::Para(
            vec![
                Inline::Strong(format!("Chain {}: ", n + 1)),
                Inline::Text(or(&chain.problem, "Problem not stated yet.")),
            ],
            Tone::Normal,
        ));
        let mut items: Vec<Rich> = chain
            .steps
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| vec![Inline::Strong("Why? ".into()), Inline::Text(cell(s))])
            .collect();
        items.push(vec![
            Inline::Strong("Systemic condition: ".into()),
            Inline::Text(or(&cell(&chain.systemic_condition), "Not identified yet.")),
        ]);
        b.push(Block::List {
            ordered: true,
            items,
        });
    }
    b.push(h(3, "Contributing factors"));
    if doc.factors.is_empty() {
        b.push(note("No contributing factors have been recorded yet."));
    }
    for (category, factors) in grouped(&doc.factors, |f| factor_category(&f.category), &[]) {
        b.push(Block::Para(vec![Inline::Strong(category)], Tone::Normal));
        b.push(Block::List {
            ordered: false,
            items: factors
                .iter()
                .map(|f| text(or(&cell(&f.explanation), "No explanation recorded.")))
                .collect(),
        });
    }

    // 4. Learn
    b.push(h(2, "4. What did we learn"));
    b.push(h(3, "What went well"));
    prose(
        &mut b,
        &doc.went_well,
        "Nothing has been recorded yet about what went well.",
    );
    b.push(h(3, "Where we got lucky"));
    prose(
        &mut b,
        &doc.got_lucky,
        "Nothing has been recorded yet about where we got lucky.",
    );
    b.push(h(3, "Lessons"));
    if doc.lessons.is_empty() {
        b.push(note("No lessons have been recorded yet."));
    }
    for (level, lessons) in grouped(&doc.lessons, |l| lesson_level(&l.level), &LESSON_LEVELS) {
        b.push(Block::Para(vec![Inline::Strong(level)], Tone::Normal));
        b.push(Block::List {
            ordered: false,
            items: lessons
                .iter()
                .map(|l| text(or(&cell(&l.body), "No text recorded.")))
                .collect(),
        });
    }

    // 5. Actions
    b.push(h(2, "5. What are we doing about it"));
    if doc.action_items.is_empty() {
        b.push(note("No action items have been recorded yet."));
    } else {
        let open = doc.action_items.iter().filter(|a| is_open(a)).count();
        b.push(Block::Para(
            text(format!(
                "{} ({} open), tracked separately from this document.",
                plural(doc.action_items.len(), "action item", "action items"),
                open
            )),
            Tone::Normal,
        ));
        b.push(Block::Table {
            head: [
                "Action", "Owner", "Due", "Priority", "Status", "Factor", "Tracker",
            ]
            .map(String::from)
            .to_vec(),
            widths: vec![3.0, 1.35, 1.15, 0.95, 0.95, 1.35, 2.0],
            rows: doc
                .action_items
                .iter()
                .map(|a| {
                    vec![
                        text(or(&a.title, "Untitled")),
                        text(or(&a.owner, "Unassigned")),
                        text(or(&a.due, "No due date")),
                        text(or(&a.priority, "—")),
                        text(or(&a.status, "—")),
                        text(or(a.factor.as_deref().unwrap_or(""), "—")),
                        tracker_cell(a.tracker_url.as_deref()),
                    ]
                })
                .collect(),
        });
    }

    Doc {
        footer: format!(
            "Case {} · {} · full review",
            doc.case_id,
            truncate_label(&title, 60)
        ),
        title: format!("{title} — full review (case {})", doc.case_id),
        blocks: b,
    }
}

/// How much of each part the summary may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Budget {
    narrative: usize,
    notes: usize,
    causes: usize,
    cause_chars: usize,
    lessons: usize,
    lesson_chars: usize,
    actions: usize,
    times: usize,
    title_chars: usize,
}

/// The number of shortening steps between the most generous summary and
/// the tightest.
const STEPS: usize = 24;

/// The budget at a step: step 0 is the most generous; prose and lists shrink
/// first, the top action items last; the last step keeps only labels of
/// bounded length, which always fit on a page.
fn budget(step: usize) -> Budget {
    if step >= STEPS {
        return Budget {
            narrative: 0,
            notes: 0,
            causes: 0,
            cause_chars: 0,
            lessons: 0,
            lesson_chars: 0,
            actions: 0,
            times: 0,
            title_chars: 100,
        };
    }
    let s = 1.0 - step as f32 / STEPS as f32;
    let scaled = |max: f32| (max * s).round() as usize;
    Budget {
        narrative: scaled(1400.0),
        notes: scaled(500.0),
        causes: scaled(5.0).max(1),
        cause_chars: 90 + scaled(230.0),
        lessons: scaled(6.0).max(1),
        lesson_chars: 90 + scaled(230.0),
        actions: match s {
            s if s >= 0.3 => 5,
            s if s >= 0.2 => 4,
            s if s >= 0.1 => 3,
            _ => 2,
        },
        times: 4,
        title_chars: 160,
    }
}

/// The one-page leadership summary: the most generous shortening that fits
/// on one A4 page.
pub(crate) fn summary(doc: &ReviewDocument) -> Result<Doc, ExportError> {
    let first = summary_with(doc, budget(0));
    if pdf::fits_one_page(&first)? {
        return Ok(first);
    }
    // Less budget never makes the summary longer, so search for the first
    // step that fits; the tightest step holds only labels of bounded length
    // and always fits. A summary that fits with room to spare fits on the
    // page of its PDF.
    let (mut too_long, mut fits) = (0, STEPS);
    let mut best = summary_with(doc, budget(STEPS));
    while fits - too_long > 1 {
        let mid = (too_long + fits) / 2;
        let built = summary_with(doc, budget(mid));
        if pdf::fits_one_page(&built)? {
            fits = mid;
            best = built;
        } else {
            too_long = mid;
        }
    }
    // then give back what still fits, one part at a time, most important
    // first: the top action items, the causes, the lessons, the narrative
    let mut chosen = budget(fits);
    let generous = budget(too_long);
    let upgrades: [fn(&mut Budget, &Budget); 7] = [
        |b, g| b.actions = g.actions,
        |b, g| b.causes = g.causes,
        |b, g| b.lessons = g.lessons,
        |b, g| b.cause_chars = g.cause_chars,
        |b, g| b.lesson_chars = g.lesson_chars,
        |b, g| b.narrative = g.narrative,
        |b, g| b.notes = g.notes,
    ];
    for upgrade in upgrades {
        let mut trial = chosen;
        upgrade(&mut trial, &generous);
        if trial == chosen {
            continue;
        }
        let built = summary_with(doc, trial);
        if pdf::fits_one_page(&built)? {
            chosen = trial;
            best = built;
        }
    }
    Ok(best)
}

fn shortened_pointer(reference: &str) -> Block {
    note(format!("… shortened; the full review is at {reference}."))
}

/// What a list section says about what it left out: "… shortened; the full
/// review is at …" when a text was shortened, "and 7 more action items in
/// the full review." when items were dropped, or both in one line.
fn left_out(
    out: &mut Vec<Block>,
    shortened: bool,
    dropped: usize,
    one: &str,
    many: &str,
    reference: &str,
) {
    let more = plural(dropped, &format!("more {one}"), &format!("more {many}"));
    match (shortened, dropped) {
        (false, 0) => {}
        (true, 0) => out.push(shortened_pointer(reference)),
        (false, _) => out.push(note(format!("and {more} in the full review."))),
        (true, _) => out.push(note(format!(
            "… shortened; the full review is at {reference}, with {more}."
        ))),
    }
}

fn summary_with(doc: &ReviewDocument, budget: Budget) -> Doc {
    let title = title_of(doc);
    let reference = {
        let r = one_line(&doc.full_review_ref);
        if r.is_empty() {
            format!("case {} in Debrief", doc.case_id)
        } else {
            truncate_label(&r, 240)
        }
    };
    let mut b = vec![
        Block::Heading(1, truncate_label(&title, budget.title_chars)),
        {
            let mut pairs = meta(doc, "Leadership summary", 60);
            for (k, v) in doc.times.iter().take(budget.times) {
                pairs.push((truncate_label(k, 24), truncate_label(v, 40)));
            }
            Block::Meta(pairs)
        },
    ];

    // What happened
    b.push(h(2, "What happened"));
    if doc.what_happened.trim().is_empty() {
        b.push(note("No facts narrative has been written yet."));
    } else {
        let s = shorten_sentences(&doc.what_happened, budget.narrative);
        prose(&mut b, &s.text, "");
        if s.shortened {
            b.push(shortened_pointer(&reference));
        }
    }

    // Impact
    b.push(h(2, "Impact"));
    if impact_is_empty(doc) {
        b.push(note("No impact has been recorded yet."));
    } else {
        let i = &doc.impact;
        if impact_has_figures(doc) {
            let mut line: Rich = Vec::new();
            let mut push = |label: &str, value: String| {
                if !line.is_empty() {
                    line.push(Inline::Text(" · ".into()));
                }
                line.push(Inline::Strong(format!("{label} ")));
                line.push(Inline::Text(value));
            };
            if let Some(m) = i.duration_minutes {
                push("Duration", duration_words(m));
            }
            if let Some(p) = i.people_affected {
                push("People affected", group_thousands(p));
            }
            if let Some(r) = i.records_affected {
                push("Records affected", group_thousands(r));
            }
            if !i.services.trim().is_empty() {
                push("Services", truncate_label(&i.services, 120));
            }
            if let Some(c) = i.cost.as_deref().filter(|c| !c.trim().is_empty()) {
                push("Cost", truncate_label(c, 60));
            }
            b.push(Block::Para(line, Tone::Normal));
        }
        if !i.notes.trim().is_empty() {
            let s = shorten_sentences(&i.notes, budget.notes);
            prose(&mut b, &s.text, "");
            if s.shortened {
                b.push(shortened_pointer(&reference));
            }
        }
    }

    // Systemic causes
    b.push(h(2, "Systemic causes"));
    let conditions: Vec<&str> = doc
        .whys
        .iter()
        .map(|w| w.systemic_condition.as_str())
        .filter(|c| !c.trim().is_empty())
        .collect();
    if conditions.is_empty() && doc.factors.is_empty() {
        b.push(note("No systemic causes have been identified yet."));
    } else {
        let mut items = Vec::new();
        let mut any_shortened = false;
        for c in conditions.iter().take(budget.causes) {
            let s = shorten_sentences(&cell(c), budget.cause_chars);
            if s.text.is_empty() {
                continue;
            }
            any_shortened |= s.shortened;
            items.push(text(s.text));
        }
        let dropped = conditions.len() - items.len();
        if !items.is_empty() {
            b.push(Block::List {
                ordered: false,
                items,
            });
        } else if conditions.is_empty() {
            b.push(note("No systemic condition has been identified yet."));
        }
        left_out(
            &mut b,
            any_shortened,
            dropped,
            "systemic cause",
            "systemic causes",
            &reference,
        );
        if !doc.factors.is_empty() {
            let groups = grouped(&doc.factors, |f| factor_category(&f.category), &[]);
            let names: Vec<String> = groups
                .iter()
                .map(|(c, fs)| format!("{} ({})", truncate_label(c, 40), fs.len()))
                .collect();
            b.push(Block::Para(
                vec![
                    Inline::Strong("Contributing factors: ".into()),
                    Inline::Text(format!("{}.", names.join(", "))),
                ],
                Tone::Normal,
            ));
        }
    }

    // Lessons
    b.push(h(2, "Lessons"));
    if doc.lessons.is_empty() {
        b.push(note("No lessons have been recorded yet."));
    } else {
        let mut items = Vec::new();
        let mut any_shortened = false;
        let groups = grouped(&doc.lessons, |l| lesson_level(&l.level), &LESSON_LEVELS);
        // one per level first, then the rest, so that every level is heard
        let mut order: Vec<(&str, &str)> = Vec::new();
        let depth = groups.iter().map(|(_, ls)| ls.len()).max().unwrap_or(0);
        for round in 0..depth {
            for (level, lessons) in &groups {
                if let Some(l) = lessons.get(round) {
                    order.push((level.as_str(), l.body.as_str()));
                }
            }
        }
        let mut chosen: Vec<(usize, Rich)> = Vec::new();
        for (level, body) in order.iter().take(budget.lessons) {
            let s = shorten_sentences(&cell(body), budget.lesson_chars);
            if s.text.is_empty() {
                continue;
            }
            any_shortened |= s.shortened;
            let rank = groups
                .iter()
                .position(|(l, _)| l == level)
                .unwrap_or(groups.len());
            chosen.push((
                rank,
                vec![
                    Inline::Strong(format!("{}: ", truncate_label(level, 40))),
                    Inline::Text(s.text),
                ],
            ));
        }
        chosen.sort_by_key(|(rank, _)| *rank);
        items.extend(chosen.into_iter().map(|(_, r)| r));
        let dropped = doc.lessons.len() - items.len();
        if !items.is_empty() {
            b.push(Block::List {
                ordered: false,
                items,
            });
        }
        left_out(
            &mut b,
            any_shortened,
            dropped,
            "lesson",
            "lessons",
            &reference,
        );
    }

    // Top action items
    b.push(h(2, "Top action items"));
    if doc.action_items.is_empty() {
        b.push(note("No action items have been recorded yet."));
    } else {
        let total = doc.action_items.len();
        let open: Vec<&ActionItem> = doc.action_items.iter().filter(|a| is_open(a)).collect();
        b.push(Block::Para(
            text(format!(
                "{} of {} open.",
                open.len(),
                plural(total, "action item", "action items")
            )),
            Tone::Normal,
        ));
        let ordered = open
            .iter()
            .copied()
            .chain(doc.action_items.iter().filter(|a| !is_open(a)));
        let shown: Vec<&ActionItem> = ordered.take(budget.actions).collect();
        if !shown.is_empty() {
            b.push(Block::Table {
                head: ["Action", "Owner", "Due", "Priority", "Status"]
                    .map(String::from)
                    .to_vec(),
                widths: vec![3.6, 1.5, 1.2, 0.9, 0.9],
                rows: shown
                    .iter()
                    .map(|a| {
                        vec![
                            text(truncate_label(&or(&a.title, "Untitled"), 140)),
                            text(truncate_label(&or(&a.owner, "Unassigned"), 40)),
                            text(truncate_label(&or(&a.due, "No due date"), 30)),
                            text(truncate_label(&or(&a.priority, "—"), 20)),
                            text(truncate_label(&or(&a.status, "—"), 20)),
                        ]
                    })
                    .collect(),
            });
        }
        left_out(
            &mut b,
            false,
            total - shown.len(),
            "action item",
            "action items",
            &reference,
        );
    }

    b.push(note(format!("The full review is at {reference}.")));

    Doc {
        footer: format!(
            "Case {} · {} · leadership summary",
            doc.case_id,
            truncate_label(&title, 60)
        ),
        title: format!("{title} — leadership summary (case {})", doc.case_id),
        blocks: b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Lesson, WhyChain};
    use crate::text::sentence_ends;

    /// A deterministic narrative of sentences of varied lengths.
    fn narrative(seed: usize, sentences: usize) -> String {
        let words = [
            "the",
            "alert",
            "queue",
            "responder",
            "firewall",
            "rule",
            "rotated",
            "credential",
            "paged",
            "weekend",
            "Łukasz",
            "São",
            "Paulo",
            "gateway",
            "(approx.",
            "e.g.",
            "v1.2",
        ];
        let mut out = String::new();
        let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        for s in 0..sentences {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let n = 3 + (x >> 33) % 40;
            let mut sentence = String::from("Then");
            for w in 0..n {
                sentence.push(' ');
                sentence.push_str(words[(w + s + (x >> 40)) % words.len()]);
            }
            sentence.push(['.', '!', '?'][s % 3]);
            if s % 7 == 6 {
                sentence.push_str("\n\n");
            } else {
                sentence.push(' ');
            }
            out.push_str(&sentence);
        }
        out
    }

    fn flat(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// `kept` is empty or the start of `source` up to a sentence end.
    fn assert_whole_sentences(kept: &str, source: &str) {
        let kept = flat(kept);
        if kept.is_empty() {
            return;
        }
        assert!(
            flat(source).starts_with(&kept),
            "{kept:?} is not the start of the source"
        );
        let source = source.trim();
        assert!(
            sentence_ends(source)
                .iter()
                .any(|&end| flat(&source[..end]) == kept),
            "{kept:?} does not end at a sentence end"
        );
    }

    fn section<'a>(doc: &'a Doc, heading: &str) -> &'a [Block] {
        let start = doc
            .blocks
            .iter()
            .position(|b| *b == Block::Heading(2, heading.to_string()))
            .map_or(doc.blocks.len(), |p| p + 1);
        let len = doc.blocks[start..]
            .iter()
            .position(|b| matches!(b, Block::Heading(2, _)))
            .unwrap_or(doc.blocks.len() - start);
        &doc.blocks[start..start + len]
    }

    fn says_shortened(blocks: &[Block]) -> bool {
        blocks.iter().any(|b| match b {
            Block::Para(r, Tone::Note) => r[0]
                .as_str()
                .starts_with("… shortened; the full review is at REF"),
            _ => false,
        })
    }

    #[test]
    fn the_summary_never_holds_a_sentence_fragment() {
        for seed in 0..40 {
            let doc = ReviewDocument {
                case_id: seed as i64,
                title: "Review".into(),
                full_review_ref: "REF".into(),
                what_happened: narrative(seed, 5 + seed * 3),
                impact: crate::document::Impact {
                    notes: narrative(seed + 100, 1 + seed % 9),
                    ..Default::default()
                },
                whys: (0..(seed % 9))
                    .map(|i| WhyChain {
                        problem: "p".into(),
                        steps: vec![],
                        systemic_condition: narrative(seed * 31 + i, 1 + i % 4),
                    })
                    .collect(),
                lessons: (0..(seed % 11))
                    .map(|i| Lesson {
                        level: LESSON_LEVELS[i % 3].into(),
                        body: narrative(seed * 17 + i, 1 + i % 5),
                    })
                    .collect(),
                ..Default::default()
            };
            let built = summary(&doc).unwrap();
            assert_eq!(pdf::page_count(&built).unwrap(), 1, "seed {seed}");

            let happened = section(&built, "What happened");
            let kept: Vec<String> = happened
                .iter()
                .filter_map(|b| match b {
                    Block::Para(r, Tone::Normal) => Some(r[0].as_str().to_string()),
                    _ => None,
                })
                .collect();
            let kept = kept.join(" ");
            assert_whole_sentences(&kept, &doc.what_happened);
            let complete = flat(&kept) == flat(&doc.what_happened);
            assert_eq!(
                says_shortened(happened),
                !complete,
                "seed {seed}: pointer iff shortened"
            );

            let impact = section(&built, "Impact");
            for b in impact {
                if let Block::Para(r, Tone::Normal) = b {
                    assert_whole_sentences(r[0].as_str(), &doc.impact.notes);
                }
            }

            for (name, sources) in [
                (
                    "Systemic causes",
                    doc.whys
                        .iter()
                        .map(|w| w.systemic_condition.clone())
                        .collect::<Vec<_>>(),
                ),
                (
                    "Lessons",
                    doc.lessons.iter().map(|l| l.body.clone()).collect(),
                ),
            ] {
                for b in section(&built, name) {
                    if let Block::List { items, .. } = b {
                        for item in items {
                            let body = item.last().map(Inline::as_str).unwrap_or("");
                            let source = sources
                                .iter()
                                .find(|s| flat(s).starts_with(&flat(body)))
                                .unwrap_or_else(|| {
                                    panic!("seed {seed}: {body:?} not from the input")
                                });
                            assert_whole_sentences(body, source);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn dropped_items_are_counted() {
        let doc = ReviewDocument {
            action_items: (0..12)
                .map(|i| ActionItem {
                    title: format!("Action {i}"),
                    status: if i < 3 { "Done".into() } else { "Open".into() },
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let built = summary(&doc).unwrap();
        let actions = section(&built, "Top action items");
        let Some(Block::Table { rows, .. }) =
            actions.iter().find(|b| matches!(b, Block::Table { .. }))
        else {
            panic!("no table")
        };
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0][0], text("Action 3"), "open items first");
        assert!(actions.contains(&note("and 7 more action items in the full review.")));
        assert!(actions.contains(&Block::Para(
            text("9 of 12 action items open."),
            Tone::Normal
        )));
    }

    #[test]
    fn a_version_without_the_timeline_has_no_timeline_section() {
        let mut doc = ReviewDocument {
            timeline: vec![crate::document::TimelineItem {
                at: "2026-11-02 03:10 UTC".into(),
                kind: "Fact".into(),
                body: "TIMELINE WORDS".into(),
            }],
            ..Default::default()
        };
        let timeline = Block::Heading(3, "Timeline".to_string());
        assert!(review(&doc).blocks.contains(&timeline));
        doc.without_timeline = true;
        let built = review(&doc);
        assert!(!built.blocks.contains(&timeline));
        assert!(!format!("{built:?}").contains("TIMELINE WORDS"));
        doc.timeline.clear();
        assert!(
            !format!("{:?}", review(&doc)).contains("timeline"),
            "not named as empty either"
        );
    }
}
