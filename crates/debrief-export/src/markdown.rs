//! Markdown that pastes cleanly into a wiki (GitHub, GitLab, Confluence):
//! ATX headings, pipe tables, lists. User text is escaped so that it can
//! never open a heading, list, quote, table, link, HTML tag or code block.

use crate::ir::{Block, Doc, Inline, Rich, Tone};

/// Characters escaped with a backslash wherever they appear.
const ALWAYS: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '~', '$', '{', '}',
];

/// Escapes one line of user text that starts a line of Markdown.
fn escape_line(line: &str) -> String {
    escape(line, true)
}

/// Escapes user text inline; `line_start` also escapes what would open a
/// block (a list, a quote, a thematic break) at the start of a line.
fn escape(line: &str, line_start: bool) -> String {
    let line = line.trim();
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if ALWAYS.contains(&c) {
            out.push('\\');
            out.push(c);
        } else if c == '&' && looks_like_entity(&chars[i + 1..]) {
            out.push_str("\\&");
        } else if line_start && i == 0 && matches!(c, '-' | '+' | '=' | '!' | ':') {
            // list markers, setext underlines, thematic breaks, wiki macros
            out.push('\\');
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    // "2026. was" at the start of a line would open an ordered list
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if line_start && digits > 0 && digits <= 9 {
        let rest = &out[digits..];
        if rest.starts_with('.') || rest.starts_with(')') {
            out.insert(digits, '\\');
        }
    }
    out
}

/// "&amp;", "&#60;" and the like would be decoded by a Markdown renderer.
fn looks_like_entity(rest: &[char]) -> bool {
    for (n, &c) in rest.iter().take(32).enumerate() {
        if c == ';' {
            return n > 0;
        }
        if !(c.is_ascii_alphanumeric() || c == '#') {
            return false;
        }
    }
    false
}

/// User text on one line after a marker (headings, meta values, header
/// cells), where nothing can open a block.
fn escape_one_line(text: &str) -> String {
    escape(&crate::text::one_line(text), false)
}

/// Inline Markdown for rich text; lines are joined with `join`.
fn inline(rich: &Rich, join: &str) -> String {
    let mut out = String::new();
    for part in rich {
        let lines: Vec<String> = part
            .as_str()
            .split('\n')
            .map(escape_line)
            .filter(|l| !l.is_empty())
            .collect();
        let body = lines.join(join);
        if body.is_empty() {
            continue;
        }
        // keep the spaces the text had at its edges
        let lead = if part.as_str().starts_with(' ') && !out.is_empty() {
            " "
        } else {
            ""
        };
        let trail = if part.as_str().ends_with(' ') {
            " "
        } else {
            ""
        };
        out.push_str(lead);
        match part {
            Inline::Text(_) => out.push_str(&body),
            Inline::Strong(_) => {
                out.push_str("**");
                out.push_str(&body);
                out.push_str("**");
            }
            Inline::Link { url, .. } => {
                out.push('[');
                out.push_str(&body);
                out.push_str("](");
                out.push_str(&link_target(url));
                out.push(')');
            }
        }
        out.push_str(trail);
    }
    out.trim_end().to_string()
}

/// A URL safe inside `(...)` and inside a table cell.
fn link_target(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '|' => out.push_str("%7C"),
            '\\' => out.push_str("%5C"),
            '`' => out.push_str("%60"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn cell(rich: &Rich) -> String {
    let s = inline(rich, "<br>");
    if s.is_empty() { " ".to_string() } else { s }
}

/// Writes a document as Markdown.
pub(crate) fn write(doc: &Doc) -> String {
    let mut out = String::with_capacity(4096);
    for block in &doc.blocks {
        match block {
            Block::Heading(level, t) => {
                let level = (*level).clamp(1, 6) as usize;
                out.push_str(&"#".repeat(level));
                out.push(' ');
                out.push_str(&escape_one_line(t));
                out.push('\n');
            }
            Block::Meta(pairs) => {
                let parts: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("**{}:** {}", escape_one_line(k), escape_one_line(v)))
                    .collect();
                out.push_str(&parts.join(" · "));
                out.push('\n');
            }
            Block::Para(rich, tone) => {
                let body = inline(rich, "\n");
                match tone {
                    Tone::Normal => out.push_str(&body),
                    Tone::Note => {
                        out.push('_');
                        out.push_str(&body);
                        out.push('_');
                    }
                }
                out.push('\n');
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    let marker = if *ordered {
                        format!("{}. ", i + 1)
                    } else {
                        "- ".to_string()
                    };
                    let indent = " ".repeat(marker.len());
                    out.push_str(&marker);
                    out.push_str(&inline(item, &format!("\n{indent}")));
                    out.push('\n');
                }
            }
            Block::Table { head, rows, .. } => {
                out.push('|');
                for h in head {
                    out.push(' ');
                    out.push_str(&escape_one_line(h));
                    out.push_str(" |");
                }
                out.push_str("\n|");
                for _ in head {
                    out.push_str(" --- |");
                }
                out.push('\n');
                for row in rows {
                    out.push('|');
                    for i in 0..head.len() {
                        out.push(' ');
                        out.push_str(&row.get(i).map(cell).unwrap_or_else(|| " ".into()));
                        out.push_str(" |");
                    }
                    out.push('\n');
                }
            }
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_that_would_open_structure_are_escaped() {
        assert_eq!(escape_line("# not a heading"), "\\# not a heading");
        assert_eq!(escape_line("> not a quote"), "\\> not a quote");
        assert_eq!(escape_line("- not a list"), "\\- not a list");
        assert_eq!(escape_line("+ not a list"), "\\+ not a list");
        assert_eq!(escape_line("1. not a list"), "1\\. not a list");
        assert_eq!(escape_line("2026) nope"), "2026\\) nope");
        assert_eq!(escape_line("==="), "\\===");
        assert_eq!(escape_line("    code?"), "code?");
        assert_eq!(escape_line("a | b"), "a \\| b");
        assert_eq!(escape_line("<script>"), "\\<script\\>");
        assert_eq!(escape_line("[x](javascript:1)"), "\\[x\\](javascript:1)");
        assert_eq!(
            escape_line("`code` *em* _em_"),
            "\\`code\\` \\*em\\* \\_em\\_"
        );
        assert_eq!(escape_line("$5 and $6"), "\\$5 and \\$6");
        assert_eq!(escape_line("R&D &amp; co"), "R&D \\&amp; co");
        assert_eq!(escape_line("2026-11-02 03:10"), "2026-11-02 03:10");
    }

    #[test]
    fn links_cannot_break_out_of_their_target() {
        assert_eq!(
            link_target("https://t.example/a b(c)|d"),
            "https://t.example/a%20b%28c%29%7Cd"
        );
    }
}
