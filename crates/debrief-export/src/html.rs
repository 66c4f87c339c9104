//! One standalone HTML file: inline stylesheet with a screen look and an
//! A4 print stylesheet, no external resources, every piece of user text
//! escaped.

use crate::ir::{Block, Doc, Inline, Rich, Tone};

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
}

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6570; --line: #d5dae0; --head: #f1f3f5; --accent: #1f4e79; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--ink); font: 15px/1.5 "Liberation Sans", Arial, Helvetica, sans-serif; }
main { max-width: 60rem; margin: 2rem auto; padding: 2rem 2.5rem; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; color: var(--accent); margin: 1.8rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p { margin: .4rem 0 .6rem; }
.meta { color: var(--muted); margin-bottom: 1rem; }
.meta b { color: var(--ink); font-weight: 600; }
.note { color: var(--muted); font-style: italic; }
ul, ol { margin: .3rem 0 .8rem; padding-left: 1.6rem; }
li { margin: .15rem 0; }
table { width: 100%; border-collapse: collapse; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
th { background: var(--head); font-weight: 600; }
a { color: var(--accent); }
@media print {
  /* the same page as the PDF: A4, its margins, its type sizes */
  @page { size: A4; margin: 17mm 17.6mm 20mm; }
  body { background: #fff; font-size: 9.5pt; line-height: 1.33; }
  main { max-width: none; margin: 0; padding: 0; border: 0; border-radius: 0; }
  h1 { font-size: 16.5pt; line-height: 1.2; margin: 0 0 4pt; }
  h2 { font-size: 12.5pt; margin: 11pt 0 5pt; padding-bottom: 2pt; }
  h3 { font-size: 10.5pt; margin: 7pt 0 2pt; }
  h1, h2, h3 { break-after: avoid-page; page-break-after: avoid; }
  p { margin: 0 0 4pt; orphans: 3; widows: 3; }
  .meta { font-size: 8.8pt; margin-bottom: 6pt; }
  ul, ol { margin: 0 0 4pt; padding-left: 13pt; }
  li { margin: 0 0 1.5pt; }
  table { font-size: 8.3pt; line-height: 1.25; margin: 0 0 6pt; }
  th, td { padding: 2.8pt 4pt; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn inline(rich: &Rich, out: &mut String) {
    for part in rich {
        match part {
            Inline::Text(t) => lines(t, out),
            Inline::Strong(t) => {
                out.push_str("<strong>");
                lines(t, out);
                out.push_str("</strong>");
            }
            Inline::Link { text, url } => {
                out.push_str("<a href=\"");
                escape(url.trim(), out);
                out.push_str("\" rel=\"noopener noreferrer\">");
                lines(text, out);
                out.push_str("</a>");
            }
        }
    }
}

/// Text with its line breaks kept.
fn lines(t: &str, out: &mut String) {
    for (i, line) in t.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        escape(line, out);
    }
}

/// Writes a document as a standalone HTML page.
pub(crate) fn write(doc: &Doc) -> String {
    let mut out = String::with_capacity(8192);
    out.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"Debrief\">\n<title>");
    escape(&doc.title, &mut out);
    out.push_str("</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    for block in &doc.blocks {
        match block {
            Block::Heading(level, t) => {
                let level = (*level).clamp(1, 6);
                out.push_str(&format!("<h{level}>"));
                escape(t, &mut out);
                out.push_str(&format!("</h{level}>\n"));
            }
            Block::Meta(pairs) => {
                out.push_str("<p class=\"meta\">");
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" · ");
                    }
                    out.push_str("<b>");
                    escape(k, &mut out);
                    out.push_str(":</b> ");
                    escape(v, &mut out);
                }
                out.push_str("</p>\n");
            }
            Block::Para(rich, tone) => {
                out.push_str(match tone {
                    Tone::Normal => "<p>",
                    Tone::Note => "<p class=\"note\">",
                });
                inline(rich, &mut out);
                out.push_str("</p>\n");
            }
            Block::List { ordered, items } => {
                out.push_str(if *ordered { "<ol>\n" } else { "<ul>\n" });
                for item in items {
                    out.push_str("<li>");
                    inline(item, &mut out);
                    out.push_str("</li>\n");
                }
                out.push_str(if *ordered { "</ol>\n" } else { "</ul>\n" });
            }
            Block::Table { head, rows, .. } => {
                out.push_str("<table>\n<thead><tr>");
                for h in head {
                    out.push_str("<th scope=\"col\">");
                    escape(h, &mut out);
                    out.push_str("</th>");
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for i in 0..head.len() {
                        out.push_str("<td>");
                        if let Some(c) = row.get(i) {
                            inline(c, &mut out);
                        }
                        out.push_str("</td>");
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}
