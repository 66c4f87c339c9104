//! Text measured with the embedded font's advances and broken into lines:
//! strong text in bold, links kept with their words, a word wider than a line
//! broken between characters.

use crate::ir::{Inline, Rich};
use crate::pdf::font::{FontId, Fonts, printable};

pub(super) struct Word<'a> {
    pub(super) text: String,
    pub(super) font: FontId,
    pub(super) width: f32,
    pub(super) space_before: bool,
    pub(super) break_before: bool,
    pub(super) link: Option<&'a str>,
}

#[derive(Debug)]
pub(super) struct Run<'a> {
    pub(super) x: f32,
    pub(super) text: String,
    pub(super) font: FontId,
    pub(super) width: f32,
    pub(super) link: Option<&'a str>,
}

#[derive(Debug, Default)]
pub(super) struct Line<'a> {
    pub(super) runs: Vec<Run<'a>>,
}

/// Splits rich text into measured words. Strong text is bold; characters
/// the font lacks become '?'.
pub(super) fn words<'a>(rich: &'a Rich, base: FontId, size: f32, fonts: &Fonts) -> Vec<Word<'a>> {
    let mut out = Vec::new();
    let mut space = false;
    let mut brk = false;
    for part in rich {
        let (font, link) = match part {
            Inline::Text(_) => (base, None),
            Inline::Strong(_) => (FontId::Bold, None),
            Inline::Link { url, .. } => (base, Some(url.as_str())),
        };
        let f = fonts.get(font);
        let fallback = f.glyph('?').0;
        let mut cur = String::new();
        let mut width = 0.0;
        let mut flush = |cur: &mut String, width: &mut f32, space: &mut bool, brk: &mut bool| {
            if !cur.is_empty() {
                out.push(Word {
                    text: std::mem::take(cur),
                    font,
                    width: *width * size / 1000.0,
                    space_before: *space,
                    break_before: *brk,
                    link,
                });
                *width = 0.0;
                *space = false;
                *brk = false;
            }
        };
        for c in part.as_str().chars() {
            if c == '\n' {
                flush(&mut cur, &mut width, &mut space, &mut brk);
                brk = true;
                space = false;
                continue;
            }
            let Some(c) = printable(c) else { continue };
            if c.is_whitespace() && c != '\u{A0}' && c != '\u{202F}' {
                flush(&mut cur, &mut width, &mut space, &mut brk);
                space = true;
                continue;
            }
            let (gid, advance) = f.glyph(c);
            let c = if gid == fallback { '?' } else { c };
            cur.push(c);
            width += advance;
        }
        flush(&mut cur, &mut width, &mut space, &mut brk);
    }
    out
}

/// Breaks words into lines no wider than `max_w`; a word wider than a line
/// is broken between characters.
pub(super) fn wrap<'a>(
    words: Vec<Word<'a>>,
    max_w: f32,
    size: f32,
    fonts: &Fonts,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let mut line = Line::default();
    let mut x = 0.0_f32;
    for w in words {
        if w.break_before && !line.runs.is_empty() {
            lines.push(std::mem::take(&mut line));
            x = 0.0;
        }
        let f = fonts.get(w.font);
        let mut space = if w.space_before && !line.runs.is_empty() {
            f.glyph(' ').1 * size / 1000.0
        } else {
            0.0
        };
        if !line.runs.is_empty() && x + space + w.width > max_w {
            lines.push(std::mem::take(&mut line));
            x = 0.0;
            space = 0.0;
        }
        if w.width > max_w {
            // a word longer than the line (a URL, a hash): break it between
            // characters, after a separator when there is one late enough
            let chars: Vec<(char, f32)> = w
                .text
                .chars()
                .map(|c| (c, f.glyph(c).1 * size / 1000.0))
                .collect();
            if !line.runs.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut start = 0;
            while start < chars.len() {
                let mut end = start;
                let mut width = 0.0;
                while end < chars.len() && (end == start || width + chars[end].1 <= max_w) {
                    width += chars[end].1;
                    end += 1;
                }
                if end < chars.len() {
                    let half = start + (end - start) / 2;
                    if let Some(p) = (half..end).rev().find(|&i| {
                        matches!(chars[i].0, '/' | '.' | '-' | '_' | '?' | '&' | '=' | ',')
                    }) {
                        end = p + 1;
                        width = chars[start..end].iter().map(|c| c.1).sum();
                    }
                }
                line.runs.push(Run {
                    x: 0.0,
                    text: chars[start..end].iter().map(|c| c.0).collect(),
                    font: w.font,
                    width,
                    link: w.link,
                });
                x = width;
                if end < chars.len() {
                    lines.push(std::mem::take(&mut line));
                }
                start = end;
            }
            continue;
        }
        match line.runs.last_mut() {
            Some(last) if last.font == w.font && last.link == w.link => {
                if space > 0.0 {
                    last.text.push(' ');
                }
                last.text.push_str(&w.text);
                last.width += space + w.width;
            }
            _ => line.runs.push(Run {
                x: x + space,
                text: w.text,
                font: w.font,
                width: w.width,
                link: w.link,
            }),
        }
        x += space + w.width;
    }
    if !line.runs.is_empty() {
        lines.push(line);
    }
    lines
}

pub(super) fn lines_of<'a>(
    rich: &'a Rich,
    base: FontId,
    size: f32,
    max_w: f32,
    fonts: &Fonts,
) -> Vec<Line<'a>> {
    wrap(words(rich, base, size, fonts), max_w, size, fonts)
}

/// The width of words set on one line, and of the widest word.
pub(super) fn natural_width(words: &[Word], size: f32, fonts: &Fonts) -> (f32, f32) {
    let mut line = 0.0_f32;
    let mut longest = 0.0_f32;
    let mut current = 0.0_f32;
    for (i, w) in words.iter().enumerate() {
        if w.break_before {
            line = line.max(current);
            current = 0.0;
        } else if i > 0 && w.space_before {
            current += fonts.get(w.font).glyph(' ').1 * size / 1000.0;
        }
        current += w.width;
        longest = longest.max(w.width);
    }
    (line.max(current), longest)
}
