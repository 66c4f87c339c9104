//! Export tests: Markdown structure (parsed with a CommonMark + GFM parser),
//! HTML escaping and standalone-ness, PDF validity and page counts with
//! poppler's `pdfinfo` and `pdftotext`, and the summary's shortening rules.

#[path = "common/fixtures.rs"]
mod fixtures;

use std::path::PathBuf;
use std::process::Command;

use debrief_export::{
    Format, Kind, ReviewDocument, render, review_html, review_markdown, summary_html,
    summary_markdown,
};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

// ---------------------------------------------------------------- Markdown

fn md_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM
}

/// (level, text) of every heading.
fn headings(md: &str) -> Vec<(u8, String)> {
    let mut out = Vec::new();
    let mut current: Option<(u8, String)> = None;
    for event in Parser::new_ext(md, md_options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let n = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                current = Some((n, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, s)) = current.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            _ => {}
        }
    }
    out
}

/// For every table: (header cells, body rows with their cell count).
fn tables(md: &str) -> Vec<(usize, Vec<usize>)> {
    let mut out = Vec::new();
    let mut head = 0;
    let mut rows = Vec::new();
    let mut cells = 0;
    let mut in_head = false;
    for event in Parser::new_ext(md, md_options()) {
        match event {
            Event::Start(Tag::Table(_)) => {
                head = 0;
                rows = Vec::new();
            }
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => cells = 0,
            Event::End(TagEnd::TableRow) => rows.push(cells),
            Event::End(TagEnd::TableCell) => {
                if in_head {
                    head += 1;
                } else {
                    cells += 1;
                }
            }
            Event::End(TagEnd::Table) => out.push((head, std::mem::take(&mut rows))),
            _ => {}
        }
    }
    out
}

/// All the text a reader of the rendered Markdown sees.
fn md_text(md: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(md, md_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::InlineHtml(h) | Event::Html(h) if h.as_ref() == "<br>" => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::TableCell | TagEnd::Heading(_)) => {
                out.push('\n')
            }
            _ => {}
        }
    }
    out
}

#[test]
fn review_markdown_has_the_five_questions_in_order() {
    let md = review_markdown(&fixtures::sample());
    let got: Vec<(u8, String)> = headings(&md);
    let want: Vec<(u8, &str)> = vec![
        (1, "Friday-evening SOC alert waited until Monday"),
        (2, "1. What happened"),
        (3, "Times"),
        (3, "Timeline"),
        (3, "Facts"),
        (3, "Interpretations"),
        (2, "2. What was the impact"),
        (3, "Notes"),
        (2, "3. Why did it happen"),
        (3, "Five whys"),
        (3, "Contributing factors"),
        (2, "4. What did we learn"),
        (3, "What went well"),
        (3, "Where we got lucky"),
        (3, "Lessons"),
        (2, "5. What are we doing about it"),
    ];
    let got: Vec<(u8, &str)> = got.iter().map(|(l, t)| (*l, t.as_str())).collect();
    assert_eq!(got, want);
    assert!(md.contains("## 1. What happened\n"), "headings are ATX");
    assert!(
        md.contains("_These are interpretations of the facts above, not established facts._"),
        "interpretations are labelled"
    );
    assert!(md.contains("1. **Why?** The alert was routed to a queue, not to the pager."));
    assert!(md.contains("4. **Systemic condition:** Alert routing has no owner"));
    assert!(md.contains("| Duration | 2 h 14 min |"));
}

#[test]
fn review_markdown_tables_have_one_row_per_item() {
    let doc = fixtures::huge();
    let md = review_markdown(&doc);
    let t = tables(&md);
    let shape: Vec<(usize, usize)> = t.iter().map(|(h, rows)| (*h, rows.len())).collect();
    assert_eq!(
        shape,
        vec![(2, 4), (3, 300), (2, 5), (7, 50)],
        "times, timeline, impact and action items"
    );
    for (head, rows) in &t {
        assert!(
            rows.iter().all(|cells| cells == head),
            "every row is complete"
        );
    }
    // the tracker link is a real link
    assert!(md.contains(
        "[https://tracker.example.org/browse/SEC-1000](https://tracker.example.org/browse/SEC-1000)"
    ));
}

#[test]
fn summary_markdown_structure() {
    let md = summary_markdown(&fixtures::huge()).unwrap();
    let got: Vec<String> = headings(&md)
        .into_iter()
        .map(|(l, t)| format!("{l} {t}"))
        .collect();
    assert_eq!(
        got,
        vec![
            "1 Credential stuffing against the customer portal over three weekends",
            "2 What happened",
            "2 Impact",
            "2 Systemic causes",
            "2 Lessons",
            "2 Top action items",
        ]
    );
    let t = tables(&md);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].0, 5, "action, owner, due, priority, status");
    assert!((1..=5).contains(&t[0].1.len()));
    assert!(md.contains("more action items in the full review"));
}

#[test]
fn hostile_text_cannot_break_the_markdown() {
    let doc = fixtures::hostile();
    for (name, md) in [
        ("review", review_markdown(&doc)),
        ("summary", summary_markdown(&doc).unwrap()),
    ] {
        let mut emphasis = 0;
        for event in Parser::new_ext(&md, md_options()) {
            match event {
                Event::Html(h) | Event::InlineHtml(h) => {
                    assert_eq!(h.as_ref(), "<br>", "{name}: raw HTML {h:?}")
                }
                Event::Code(c) => panic!("{name}: code span {c:?}"),
                Event::InlineMath(m) | Event::DisplayMath(m) => panic!("{name}: math {m:?}"),
                Event::Start(Tag::Link { dest_url, .. }) => {
                    panic!("{name}: link to {dest_url}")
                }
                Event::Start(Tag::Image { .. }) => panic!("{name}: image"),
                Event::Start(Tag::BlockQuote(_)) => panic!("{name}: block quote"),
                Event::Start(Tag::CodeBlock(_)) => panic!("{name}: code block"),
                Event::Start(Tag::Strikethrough) => panic!("{name}: strikethrough"),
                Event::Rule => panic!("{name}: thematic break"),
                Event::Start(Tag::Emphasis) => emphasis += 1,
                _ => {}
            }
        }
        // the only emphasis is the exporter's own notes, each one paragraph
        let notes = md
            .lines()
            .filter(|l| l.starts_with('_') && l.ends_with('_'))
            .count();
        assert!(
            emphasis <= notes,
            "{name}: {emphasis} emphasis for {notes} notes"
        );
        // every heading is one the exporter wrote
        let hs = headings(&md);
        assert_eq!(hs[0].0, 1);
        assert!(
            hs[0]
                .1
                .starts_with("<script>alert(\"x\")</script> '&amp; # > - | `code` *em*")
        );
        assert!(
            hs[1..].iter().all(|(l, _)| *l == 2 || *l == 3),
            "{name}: {hs:?}"
        );
        // tables keep their shape
        for (head, rows) in tables(&md) {
            assert!(
                rows.iter().all(|cells| *cells == head),
                "{name}: broken table"
            );
        }
        // and the text reads as it was written
        let text = md_text(&md);
        assert!(text.contains("<script>alert(\"x\")</script> '&amp; # > - | `code` *em* [a](javascript:alert(1)) $x$"), "{name}: {text}");
        assert!(text.contains("# heading"));
        assert!(text.contains("- item"));
    }
    let review = review_markdown(&doc);
    let t = tables(&review);
    assert_eq!(
        t.iter().map(|(h, r)| (*h, r.len())).collect::<Vec<_>>(),
        vec![(2, 1), (3, 1), (2, 5), (7, 1)]
    );
    assert_eq!(headings(&review).len(), 16);
}

#[test]
fn empty_sections_say_so_in_every_format() {
    let doc = fixtures::empty();
    let phrases = [
        "No times have been recorded yet.",
        "No timeline entries have been recorded yet.",
        "No facts narrative has been written yet.",
        "No interpretations have been recorded yet.",
        "No impact has been recorded yet.",
        "No five-whys chains have been recorded yet.",
        "No contributing factors have been recorded yet.",
        "Nothing has been recorded yet about what went well.",
        "Nothing has been recorded yet about where we got lucky.",
        "No lessons have been recorded yet.",
        "No action items have been recorded yet.",
    ];
    let md = review_markdown(&doc);
    let html = review_html(&doc);
    let pdf_text = pdftotext(
        &render(&doc, Kind::Review, Format::Pdf).unwrap(),
        "empty-review",
    );
    let pdf_text = pdf_text.split_whitespace().collect::<Vec<_>>().join(" ");
    for p in phrases {
        assert!(md.contains(p), "markdown lacks {p:?}");
        assert!(html.contains(p), "html lacks {p:?}");
        assert!(pdf_text.contains(p), "pdf lacks {p:?}");
    }
    assert!(md.contains("_Nothing recorded yet: Times, timeline, facts narrative,"));
    let summary = summary_markdown(&doc).unwrap();
    for p in [
        "No facts narrative has been written yet.",
        "No impact has been recorded yet.",
        "No systemic causes have been identified yet.",
        "No lessons have been recorded yet.",
        "No action items have been recorded yet.",
    ] {
        assert!(summary.contains(p), "summary lacks {p:?}");
    }
    for format in [Format::Markdown, Format::Html, Format::Pdf] {
        for kind in [Kind::Summary, Kind::Review] {
            assert!(!render(&doc, kind, format).unwrap().is_empty());
        }
    }
}

// -------------------------------------------------------------------- HTML

/// The tags the exporter writes in the body; anything else came from user text.
const TAGS: &[&str] = &[
    "main",
    "h1",
    "h2",
    "h3",
    "p",
    "p class=\"meta\"",
    "p class=\"note\"",
    "b",
    "strong",
    "br",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "th scope=\"col\"",
    "td",
    "body",
    "html",
];

fn assert_only_our_tags(html: &str, name: &str) {
    let body = &html[html.find("</style>").expect("style") + 8..];
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        let tag = &rest[i + 1..];
        let end = tag.find('>').unwrap_or(tag.len());
        let inner = tag[..end].trim_start_matches('/');
        let known = TAGS.contains(&inner)
            || inner == "/head"
            || inner.starts_with("a href=\"https://")
            || inner == "a"
            || inner == "head";
        assert!(known, "{name}: unexpected tag <{}>", &tag[..end]);
        rest = &tag[end..];
    }
}

#[test]
fn html_is_standalone_with_a_print_stylesheet() {
    for (name, html) in [
        ("review", review_html(&fixtures::huge())),
        ("summary", summary_html(&fixtures::huge()).unwrap()),
    ] {
        assert!(
            html.starts_with("<!doctype html>\n<html lang=\"en\">"),
            "{name}"
        );
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains(
            "<title>Credential stuffing against the customer portal over three weekends"
        ));
        assert!(html.contains("@media print"));
        assert!(html.contains("@page { size: A4;"));
        assert!(html.contains("break-inside: avoid"));
        assert!(html.contains("break-after: avoid-page"));
        for resource in [
            "<link", "<script", "<img", "<iframe", "@import", "url(", "src=",
        ] {
            assert!(
                !html.contains(resource),
                "{name} loads a resource: {resource}"
            );
        }
        // web addresses only in links a reader follows, or as text
        for (i, _) in html.match_indices("http") {
            let before = &html[..i];
            let in_href = before.ends_with("<a href=\"");
            let in_text = before.rfind('>') > before.rfind('<');
            assert!(in_href || in_text, "{name}: address outside a link or text");
        }
        assert_only_our_tags(&html, name);
    }
}

#[test]
fn html_escapes_every_field() {
    let doc = fixtures::hostile();
    for (name, html) in [
        ("review", review_html(&doc)),
        ("summary", summary_html(&doc).unwrap()),
    ] {
        assert!(!html.to_lowercase().contains("<script"), "{name}");
        assert!(!html.contains("href=\"javascript"), "{name}");
        assert!(!html.contains("alert(\"x\")"), "{name}: quotes escaped");
        let body = &html[html.find("<body>").unwrap()..];
        assert!(!body.contains('\''), "{name}: apostrophes escaped");
        assert!(body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;&amp;amp;"));
        assert_only_our_tags(&html, name);
    }
    // every field: the hostile text appears once per field in the review
    let review = review_html(&doc);
    assert!(review.matches("&lt;script&gt;").count() >= 20);
}

// --------------------------------------------------------------------- PDF

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("debrief-export-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn poppler(tool: &str, args: &[&str]) -> std::process::Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{tool}` is missing: install poppler-utils (apt-get install -y poppler-utils) to run the PDF export tests"
        ),
        Err(e) => panic!("cannot run {tool}: {e}"),
    }
}

/// The page count reported by `pdfinfo`, which also validates the file.
fn pdf_pages(bytes: &[u8], name: &str) -> usize {
    assert!(bytes.starts_with(b"%PDF-"), "{name}: not a PDF");
    let path = scratch(name, bytes);
    let out = poppler("pdfinfo", &[path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: pdfinfo failed: {stderr}");
    assert!(
        stderr.trim().is_empty(),
        "{name}: pdfinfo complains: {stderr}"
    );
    assert!(
        stdout.contains("595.28 x 841.89 pts (A4)"),
        "{name}: {stdout}"
    );
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name}: no page count in {stdout}"))
}

/// The text of a PDF as `pdftotext` extracts it.
fn pdftotext(bytes: &[u8], name: &str) -> String {
    let path = scratch(name, bytes);
    let out = poppler("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: pdftotext failed: {stderr}");
    assert!(
        stderr.trim().is_empty(),
        "{name}: pdftotext complains: {stderr}"
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pdf(doc: &ReviewDocument, kind: Kind) -> Vec<u8> {
    render(doc, kind, Format::Pdf).unwrap()
}

#[test]
fn summary_pdf_of_a_huge_review_has_exactly_one_page() {
    let doc = fixtures::huge();
    let bytes = pdf(&doc, Kind::Summary);
    assert_eq!(pdf_pages(&bytes, "huge-summary"), 1);
    let text = pdftotext(&bytes, "huge-summary");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(
        "… shortened; the full review is at https://debrief.example.org/cases/12/review."
    ));
    assert!(flat.contains("more action items in the full review."));
    assert!(flat.contains("Page 1 of 1"));
}

#[test]
fn review_pdf_of_a_huge_review_has_numbered_pages() {
    let doc = fixtures::huge();
    let bytes = pdf(&doc, Kind::Review);
    let pages = pdf_pages(&bytes, "huge-review");
    assert!(pages >= 10, "{pages} pages");
    let text = pdftotext(&bytes, "huge-review");
    assert!(text.contains("Page 1 of "));
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    // nothing lost: the last timeline entry and the last action item are there
    let all = flat(&text);
    assert!(all.contains("Follow-up 50:"));
    assert!(all.contains("SEC-1049"));
    let last = doc.timeline.last().unwrap();
    assert!(all.contains(&last.at), "the 300th timeline entry");
    assert!(all.contains(&flat(&last.body)));
}

#[test]
fn every_document_renders_a_valid_pdf() {
    for (name, doc) in [
        ("empty", fixtures::empty()),
        ("sample", fixtures::sample()),
        ("hostile", fixtures::hostile()),
    ] {
        let summary = pdf(&doc, Kind::Summary);
        assert_eq!(pdf_pages(&summary, &format!("{name}-summary")), 1, "{name}");
        let review = pdf(&doc, Kind::Review);
        assert!(pdf_pages(&review, &format!("{name}-review")) >= 1, "{name}");
    }
}

#[test]
fn european_names_survive_into_the_pdf() {
    let text = flat(&pdftotext(&pdf(&fixtures::sample(), Kind::Review), "names"));
    for name in [
        "Øyvind Berg",
        "Dvořák, Jana",
        "São Paulo",
        "€12,000",
        "2 h 14 min",
    ] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    let mut doc = fixtures::sample();
    doc.title = "Łukasz, Dvořák, Øyvind and São Paulo: Ærø, Żółć, Œuvre, Ğüçş".into();
    let text = flat(&pdftotext(&pdf(&doc, Kind::Summary), "names-summary"));
    assert!(text.contains(&doc.title), "{text}");
}

#[test]
fn glyphs_the_font_lacks_become_question_marks() {
    let mut doc = fixtures::sample();
    doc.title = "Alert 🚨 in 東京 office".into();
    doc.what_happened = "Zero\u{200B}width and\u{0007}bell and emoji 😀 stay harmless.".into();
    for kind in [Kind::Summary, Kind::Review] {
        let bytes = pdf(&doc, kind);
        assert!(pdf_pages(&bytes, "glyphs") >= 1);
        let text = flat(&pdftotext(&bytes, "glyphs"));
        assert!(text.contains("Alert ? in ?? office"), "{text}");
        assert!(
            text.contains("Zerowidth andbell and emoji ? stay harmless."),
            "{text}"
        );
    }
}

// -------------------------------------------------------------- Shortening

/// The "What happened" section of a summary, as a reader sees it.
fn what_happened(md: &str) -> Vec<String> {
    let text = md_text(md);
    let mut lines = text.lines().skip_while(|l| *l != "What happened").skip(1);
    let mut out = Vec::new();
    for l in lines.by_ref() {
        if l == "Impact" {
            break;
        }
        out.push(l.to_string());
    }
    out
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn summary_keeps_whole_sentences_and_points_to_the_full_review() {
    let doc = fixtures::huge();
    let md = summary_markdown(&doc).unwrap();
    let section = what_happened(&md);
    let pointer = "… shortened; the full review is at https://debrief.example.org/cases/12/review.";
    assert_eq!(section.last().map(String::as_str), Some(pointer));
    let kept = flat(&section[..section.len() - 1].join(" "));
    let source = flat(&doc.what_happened);
    assert!(!kept.is_empty());
    assert!(kept.len() < source.len());
    assert!(
        source.starts_with(&kept),
        "kept text is the start of the narrative"
    );
    assert!(kept.ends_with('.'), "ends with a whole sentence: {kept}");
    assert_eq!(
        &source[kept.len()..kept.len() + 1],
        " ",
        "cut between sentences"
    );
}

#[test]
fn a_single_overlong_sentence_is_dropped_rather_than_cut() {
    let mut doc = fixtures::sample();
    doc.what_happened = format!(
        "{} and so on without a full stop",
        "the attacker moved laterally through the network ".repeat(200)
    );
    let md = summary_markdown(&doc).unwrap();
    let section = what_happened(&md);
    assert_eq!(
        section,
        vec!["… shortened; the full review is at https://debrief.example.org/cases/12/review."]
    );
    assert_eq!(pdf_pages(&pdf(&doc, Kind::Summary), "overlong"), 1);
}

#[test]
fn a_short_review_is_not_shortened() {
    let md = summary_markdown(&fixtures::sample()).unwrap();
    assert!(!md.contains("shortened"));
    assert!(!md.contains("more action items"));
    assert!(
        md.contains("On Friday night an attacker logged in to the VPN with a reused password.")
    );
    assert!(md.contains("No data left the network according to the firewall logs."));
    // open action items come first
    let open = md.find("Route all SIEM alerts").unwrap();
    let done = md.find("Define weekend cover").unwrap();
    assert!(open < done);
    assert!(md.contains("1 of 2 action items open."));
}

#[test]
fn a_summary_of_absurdly_long_fields_is_still_one_page() {
    let long = "x".repeat(20_000);
    let words = "word ".repeat(4_000);
    let mut doc = fixtures::hostile();
    doc.title = long.clone();
    doc.severity = words.clone();
    doc.facilitator = Some(long.clone());
    doc.full_review_ref = long.clone();
    doc.times = (0..500)
        .map(|i| (format!("{i}{words}"), long.clone()))
        .collect();
    doc.what_happened = long.clone();
    doc.impact.services = words.clone();
    doc.impact.notes = words.clone();
    for w in doc.whys.iter_mut() {
        w.systemic_condition = long.clone();
    }
    doc.action_items = (0..1000)
        .map(|_| debrief_export::ActionItem {
            title: long.clone(),
            owner: words.clone(),
            due: long.clone(),
            ..Default::default()
        })
        .collect();
    let bytes = pdf(&doc, Kind::Summary);
    assert_eq!(pdf_pages(&bytes, "absurd-summary"), 1);
    let text = flat(&pdftotext(&bytes, "absurd-summary"));
    assert!(
        text.contains("more action items in the full review."),
        "{text}"
    );
    // the full review of the same keeps everything, so keep it to a few rows
    doc.action_items.truncate(3);
    doc.times.truncate(3);
    assert!(pdf_pages(&pdf(&doc, Kind::Review), "absurd-review") > 10);
}
