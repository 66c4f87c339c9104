//! The exports' content: whole sentences, counted omissions, one page.

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
                            .unwrap_or_else(|| panic!("seed {seed}: {body:?} not from the input"));
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
    let Some(Block::Table { rows, .. }) = actions.iter().find(|b| matches!(b, Block::Table { .. }))
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
