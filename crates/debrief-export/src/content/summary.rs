//! The one-page leadership summary: the same sections, shortened step by
//! step until the document fits on one A4 page.

use super::*;

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
