//! The layout engine: widths kept, headers repeated, pages numbered.

use super::*;
use crate::pdf::font::fonts;

fn texts(page: &Page) -> Vec<&str> {
    page.ops
        .iter()
        .filter_map(|op| match op {
            Op::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn lines_never_exceed_their_width() {
    let f = fonts().unwrap();
    let rich = vec![Inline::Text(
        "The alert fired at 03:10 on Friday and waited until Monday. ".repeat(20)
            + &"x".repeat(400),
    )];
    for line in lines_of(&rich, FontId::Regular, 10.0, 200.0, f) {
        let end = line.runs.last().map_or(0.0, |r| r.x + r.width);
        assert!(end <= 200.01, "line of width {end}");
    }
}

#[test]
fn missing_glyphs_become_question_marks() {
    let f = fonts().unwrap();
    let rich = vec![Inline::Text("ok 😀 中 Łódź".into())];
    let lines = lines_of(&rich, FontId::Regular, 10.0, 400.0, f);
    assert_eq!(lines[0].runs[0].text, "ok ? ? Łódź");
}

#[test]
fn tall_tables_continue_on_new_pages_with_their_header() {
    let f = fonts().unwrap();
    let rows: Vec<Vec<Rich>> = (0..200)
        .map(|i| vec![crate::ir::text(format!("row {i}")), crate::ir::text("x")])
        .collect();
    let doc = Doc {
        title: "t".into(),
        footer: "footer".into(),
        blocks: vec![Block::Table {
            head: vec!["Time".into(), "Entry".into()],
            widths: vec![1.0, 3.0],
            rows,
        }],
    };
    let pages = layout(&doc, f);
    assert!(pages.len() >= 3);
    for (i, p) in pages.iter().enumerate() {
        let t = texts(p);
        assert_eq!(t[0], "Time", "page {i} starts with the header");
        assert!(t.contains(&format!("Page {} of {}", i + 1, pages.len()).as_str()));
    }
    let all: Vec<&str> = pages.iter().flat_map(texts).collect();
    assert!(all.contains(&"row 0") && all.contains(&"row 199"));
}

#[test]
fn nothing_is_drawn_outside_the_text_area() {
    let f = fonts().unwrap();
    let doc = Doc {
        title: "t".into(),
        footer: "f".into(),
        blocks: vec![
            Block::Heading(1, "x".repeat(12_000)),
            Block::Meta(vec![("Case".into(), "y".repeat(5_000))]),
            Block::Para(crate::ir::text("word ".repeat(5_000)), Tone::Normal),
            Block::List {
                ordered: true,
                items: vec![crate::ir::text("z".repeat(9_000))],
            },
        ],
    };
    let pages = layout(&doc, f);
    assert!(pages.len() > 3);
    for p in &pages {
        for op in &p.ops {
            if let Op::Text {
                x,
                y,
                size,
                text,
                font,
                ..
            } = op
            {
                assert!(*y >= TOP && *y <= PAGE_H - 20.0, "y {y}");
                let right = x + f.get(*font).width(text, *size);
                assert!(
                    *x >= LEFT - 20.0 && right <= PAGE_W - RIGHT + 0.01,
                    "x {x}..{right}"
                );
            }
        }
    }
}

#[test]
fn a_row_taller_than_a_page_is_split_not_lost() {
    let f = fonts().unwrap();
    let long: String = (0..2000).map(|i| format!("word{i} ")).collect();
    let doc = Doc {
        title: "t".into(),
        footer: "f".into(),
        blocks: vec![Block::Table {
            head: vec!["A".into(), "B".into()],
            widths: vec![1.0, 1.0],
            rows: vec![vec![crate::ir::text("start"), crate::ir::text(long)]],
        }],
    };
    let pages = layout(&doc, f);
    assert!(pages.len() >= 2);
    let all: String = pages.iter().flat_map(texts).collect::<Vec<_>>().join(" ");
    assert!(all.contains("word0 ") && all.contains("word1999"));
    for p in &pages {
        for op in &p.ops {
            if let Op::Text { y, .. } = op {
                assert!(*y <= PAGE_H - 20.0 && *y >= TOP);
            }
        }
    }
}
