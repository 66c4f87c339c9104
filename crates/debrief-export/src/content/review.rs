//! The full technical review: every section, in the order the review
//! workspace writes them.

use super::*;

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
