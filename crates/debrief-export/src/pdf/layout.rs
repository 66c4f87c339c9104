//! Lays the blocks out on A4 pages: text is measured with the embedded
//! font's advances and wrapped, tables repeat their header on each page and
//! split a row only when it is taller than a page, headings stay with what
//! follows them, every page gets a footer with its number.

use super::font::{FontId, Fonts, printable};
use crate::ir::{Block, Doc, Inline, Rich, Tone};

pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = 50.0;
const TOP: f32 = 48.0;
/// Distance from the bottom edge to the end of the text area.
const BOTTOM: f32 = 58.0;
const CONTENT_W: f32 = PAGE_W - LEFT - RIGHT;
const CONTENT_BOTTOM: f32 = PAGE_H - BOTTOM;

pub(crate) type Rgb = [f32; 3];
const INK: Rgb = [0.11, 0.12, 0.14];
const MUTED: Rgb = [0.36, 0.40, 0.44];
const ACCENT: Rgb = [0.12, 0.31, 0.47];
const RULE: Rgb = [0.80, 0.83, 0.86];
const HEAD_BG: Rgb = [0.93, 0.945, 0.955];

const BODY: f32 = 9.5;
const BODY_LEADING: f32 = 12.6;
const TABLE: f32 = 8.3;
const TABLE_LEADING: f32 = 10.4;
const PAD_X: f32 = 4.0;
const PAD_Y: f32 = 2.8;
/// Room kept below a heading for what follows it.
const KEEP_WITH_HEADING: f32 = 3.0 * BODY_LEADING;

/// One drawing operation; `y` is measured from the top of the page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// Text on a baseline at `y`.
    Text {
        x: f32,
        y: f32,
        font: FontId,
        size: f32,
        color: Rgb,
        text: String,
    },
    /// A filled rectangle whose top edge is at `y`.
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    /// A horizontal rule.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        color: Rgb,
    },
    /// A clickable area that opens a web link; `y` is its top edge.
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        url: String,
    },
}

#[derive(Debug, Default)]
pub(crate) struct Page {
    pub ops: Vec<Op>,
}

struct Word<'a> {
    text: String,
    font: FontId,
    width: f32,
    space_before: bool,
    break_before: bool,
    link: Option<&'a str>,
}

#[derive(Debug)]
struct Run<'a> {
    x: f32,
    text: String,
    font: FontId,
    width: f32,
    link: Option<&'a str>,
}

#[derive(Debug, Default)]
struct Line<'a> {
    runs: Vec<Run<'a>>,
}

/// Splits rich text into measured words. Strong text is bold; characters
/// the font lacks become '?'.
fn words<'a>(rich: &'a Rich, base: FontId, size: f32, fonts: &Fonts) -> Vec<Word<'a>> {
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
fn wrap<'a>(words: Vec<Word<'a>>, max_w: f32, size: f32, fonts: &Fonts) -> Vec<Line<'a>> {
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

fn lines_of<'a>(
    rich: &'a Rich,
    base: FontId,
    size: f32,
    max_w: f32,
    fonts: &Fonts,
) -> Vec<Line<'a>> {
    wrap(words(rich, base, size, fonts), max_w, size, fonts)
}

/// The width of words set on one line, and of the widest word.
fn natural_width(words: &[Word], size: f32, fonts: &Fonts) -> (f32, f32) {
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

/// Column widths: a column whose content fits in its share of the width
/// (by the relative `weights`) gets just what it needs, the rest share what
/// is left; no column is narrower than its longest word when that can be
/// helped, so labels such as "Communication" are not broken.
fn column_widths(
    head: &[Rich],
    cells: &[Vec<Vec<Word>>],
    weights: &[f32],
    cols: usize,
    fonts: &Fonts,
) -> Vec<f32> {
    let pad = 2.0 * PAD_X;
    let mut natural = vec![0.0_f32; cols];
    let mut minimum = vec![0.0_f32; cols];
    for (c, h) in head.iter().enumerate().take(cols) {
        let (n, m) = natural_width(&words(h, FontId::Bold, TABLE, fonts), TABLE, fonts);
        natural[c] = n + pad;
        minimum[c] = m + pad;
    }
    for row in cells {
        for (c, w) in row.iter().enumerate().take(cols) {
            let (n, m) = natural_width(w, TABLE, fonts);
            natural[c] = natural[c].max(n + pad);
            minimum[c] = minimum[c].max((m + pad).min(CONTENT_W * 0.3));
        }
    }
    let weight = |c: usize| weights.get(c).copied().filter(|w| *w > 0.0).unwrap_or(1.0);
    let mut width = vec![0.0_f32; cols];
    let mut fixed = vec![false; cols];
    let mut remaining = CONTENT_W;
    loop {
        let total: f32 = (0..cols).filter(|&c| !fixed[c]).map(weight).sum();
        if total <= 0.0 {
            break;
        }
        // the column that needs the smallest part of its share goes first
        let fits = (0..cols)
            .filter(|&c| !fixed[c] && natural[c] <= remaining * weight(c) / total)
            .min_by(|&a, &b| (natural[a] / weight(a)).total_cmp(&(natural[b] / weight(b))));
        match fits {
            Some(c) => {
                width[c] = natural[c];
                fixed[c] = true;
                remaining -= natural[c];
            }
            None => {
                for c in (0..cols).filter(|&c| !fixed[c]) {
                    width[c] = remaining * weight(c) / total;
                }
                break;
            }
        }
    }
    if fixed.iter().all(|f| *f) && remaining > 0.0 {
        // everything fits: the widest column by weight takes the spare width
        let widest = (0..cols)
            .max_by(|&a, &b| weight(a).total_cmp(&weight(b)))
            .unwrap_or(0);
        width[widest] += remaining;
    }
    // widen columns narrower than their longest word, taking the room from
    // the columns that have more than theirs
    let short: f32 = (0..cols).map(|c| (minimum[c] - width[c]).max(0.0)).sum();
    let spare: f32 = (0..cols).map(|c| (width[c] - minimum[c]).max(0.0)).sum();
    if short > 0.0 && spare > 0.0 {
        let take = short.min(spare) / spare;
        let give = short.min(spare) / short;
        for c in 0..cols {
            if width[c] < minimum[c] {
                width[c] += (minimum[c] - width[c]) * give;
            } else {
                width[c] -= (width[c] - minimum[c]) * take;
            }
        }
    }
    width
}

/// The baseline of a line whose box starts at `top`.
fn baseline(top: f32, size: f32, leading: f32) -> f32 {
    top + (leading - size * 1.117) / 2.0 + size * 0.905
}

struct Pen<'f> {
    fonts: &'f Fonts,
    pages: Vec<Page>,
    y: f32,
    /// Where the text area ends, from the top of the page.
    bottom: f32,
}

impl<'f> Pen<'f> {
    fn new(fonts: &'f Fonts, bottom: f32) -> Self {
        Pen {
            fonts,
            pages: vec![Page::default()],
            y: TOP,
            bottom,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last].ops
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    fn at_top(&self) -> bool {
        self.y <= TOP + 0.01
    }

    fn room(&self) -> f32 {
        self.bottom - self.y
    }

    /// Starts a new page unless `h` points fit on this one.
    fn ensure(&mut self, h: f32) {
        if h > self.room() + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    /// Vertical space, dropped at the top of a page.
    fn gap(&mut self, h: f32) {
        if !self.at_top() {
            self.y += h;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_line(
        &mut self,
        line: &Line,
        x0: f32,
        top: f32,
        size: f32,
        leading: f32,
        color: Rgb,
        bold_color: Rgb,
    ) {
        let base = baseline(top, size, leading);
        for run in &line.runs {
            let color = match (run.link, run.font) {
                (Some(_), _) => ACCENT,
                (None, FontId::Bold) => bold_color,
                (None, FontId::Regular) => color,
            };
            self.ops().push(Op::Text {
                x: x0 + run.x,
                y: base,
                font: run.font,
                size,
                color,
                text: run.text.clone(),
            });
            if let Some(url) = run.link {
                self.ops().push(Op::Link {
                    x: x0 + run.x,
                    y: top,
                    w: run.width,
                    h: leading,
                    url: url.to_string(),
                });
            }
        }
    }

    /// Flowing text: lines go to the next page when the page is full.
    #[allow(clippy::too_many_arguments)]
    fn flow(
        &mut self,
        rich: &Rich,
        base: FontId,
        x0: f32,
        size: f32,
        leading: f32,
        color: Rgb,
        bold_color: Rgb,
    ) {
        let fonts = self.fonts;
        for line in lines_of(rich, base, size, PAGE_W - RIGHT - x0, fonts) {
            self.ensure(leading);
            let top = self.y;
            self.draw_line(&line, x0, top, size, leading, color, bold_color);
            self.y += leading;
        }
    }

    fn heading(&mut self, level: u8, text: &str) {
        let (size, leading, before, after, color) = match level {
            1 => (16.5, 20.0, 0.0, 4.0, INK),
            2 => (12.5, 16.0, 11.0, 5.0, ACCENT),
            _ => (10.5, 13.5, 7.0, 2.0, INK),
        };
        let rich = vec![Inline::Strong(text.to_string())];
        let fonts = self.fonts;
        let lines = lines_of(&rich, FontId::Bold, size, CONTENT_W, fonts);
        let height = lines.len() as f32 * leading + after;
        self.gap(before);
        self.ensure(height + KEEP_WITH_HEADING);
        for line in &lines {
            // only a heading longer than a page gets here without room
            self.ensure(leading);
            let top = self.y;
            self.draw_line(line, LEFT, top, size, leading, color, color);
            self.y += leading;
        }
        if level == 2 {
            let y = self.y + 1.0;
            self.ops().push(Op::Rule {
                x1: LEFT,
                x2: PAGE_W - RIGHT,
                y,
                width: 0.6,
                color: RULE,
            });
            self.y += 2.0;
        }
        self.y += after;
    }

    fn list(&mut self, ordered: bool, items: &[Rich]) {
        let fonts = self.fonts;
        let indent = if ordered { 18.0 } else { 13.0 };
        for (i, item) in items.iter().enumerate() {
            let lines = lines_of(item, FontId::Regular, BODY, CONTENT_W - indent, fonts);
            let marker = if ordered {
                format!("{}.", i + 1)
            } else {
                "•".to_string()
            };
            for (n, line) in lines.iter().enumerate() {
                self.ensure(BODY_LEADING);
                let top = self.y;
                if n == 0 {
                    let w = fonts.regular.width(&marker, BODY);
                    let x = LEFT + indent - 5.0 - w;
                    self.ops().push(Op::Text {
                        x,
                        y: baseline(top, BODY, BODY_LEADING),
                        font: FontId::Regular,
                        size: BODY,
                        color: MUTED,
                        text: marker.clone(),
                    });
                }
                self.draw_line(line, LEFT + indent, top, BODY, BODY_LEADING, INK, INK);
                self.y += BODY_LEADING;
            }
            self.y += 1.5;
        }
    }

    fn table(&mut self, head: &[String], widths: &[f32], rows: &[Vec<Rich>]) {
        let fonts = self.fonts;
        let cols = head.len().max(1);
        let empty: Rich = Vec::new();
        let cell_words: Vec<Vec<Vec<Word>>> = rows
            .iter()
            .map(|row| {
                (0..cols)
                    .map(|c| words(row.get(c).unwrap_or(&empty), FontId::Regular, TABLE, fonts))
                    .collect()
            })
            .collect();
        let head_rich: Vec<Rich> = head
            .iter()
            .map(|h| vec![Inline::Strong(h.clone())])
            .collect();
        let col_w = column_widths(&head_rich, &cell_words, widths, cols, fonts);
        let col_x: Vec<f32> = col_w
            .iter()
            .scan(LEFT, |x, w| {
                let this = *x;
                *x += w;
                Some(this)
            })
            .collect();
        let head_lines: Vec<Vec<Line>> = head_rich
            .iter()
            .zip(&col_w)
            .map(|(h, w)| lines_of(h, FontId::Bold, TABLE, w - 2.0 * PAD_X, fonts))
            .collect();
        let head_n = head_lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let head_h = head_n as f32 * TABLE_LEADING + 2.0 * PAD_Y;

        let draw_head = |pen: &mut Pen| {
            let top = pen.y;
            pen.ops().push(Op::Fill {
                x: LEFT,
                y: top,
                w: CONTENT_W,
                h: head_h,
                color: HEAD_BG,
            });
            for (c, lines) in head_lines.iter().enumerate() {
                for (n, line) in lines.iter().enumerate() {
                    let t = top + PAD_Y + n as f32 * TABLE_LEADING;
                    pen.draw_line(line, col_x[c] + PAD_X, t, TABLE, TABLE_LEADING, INK, INK);
                }
            }
            pen.y += head_h;
        };

        let mut first = true;
        for row in cell_words {
            let cells: Vec<Vec<Line>> = row
                .into_iter()
                .zip(&col_w)
                .map(|(w, cw)| wrap(w, cw - 2.0 * PAD_X, TABLE, fonts))
                .collect();
            let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let row_h = n as f32 * TABLE_LEADING + 2.0 * PAD_Y;
            let page_room = self.bottom - TOP - head_h;
            if first {
                // the header never stands alone at the bottom of a page
                self.ensure(head_h + row_h.min(page_room));
                draw_head(self);
                first = false;
            } else if row_h > self.room() && row_h <= page_room {
                self.new_page();
                draw_head(self);
            }
            // draw the row, over several pages when it is taller than one
            let mut start = 0;
            while start < n {
                let fit = ((self.room() - 2.0 * PAD_Y) / TABLE_LEADING).floor();
                if fit < 1.0 {
                    self.new_page();
                    draw_head(self);
                    continue;
                }
                let take = (fit as usize).min(n - start);
                let top = self.y;
                for (c, lines) in cells.iter().enumerate() {
                    for (k, line) in lines.iter().skip(start).take(take).enumerate() {
                        let t = top + PAD_Y + k as f32 * TABLE_LEADING;
                        self.draw_line(line, col_x[c] + PAD_X, t, TABLE, TABLE_LEADING, INK, INK);
                    }
                }
                self.y += take as f32 * TABLE_LEADING + 2.0 * PAD_Y;
                let y = self.y;
                self.ops().push(Op::Rule {
                    x1: LEFT,
                    x2: PAGE_W - RIGHT,
                    y,
                    width: 0.4,
                    color: RULE,
                });
                start += take;
                if start < n {
                    self.new_page();
                    draw_head(self);
                }
            }
        }
        if first {
            self.ensure(head_h);
            draw_head(self);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading(level, text) => self.heading(*level, text),
            Block::Meta(pairs) => {
                let mut rich = Vec::new();
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        rich.push(Inline::Text("   ·   ".into()));
                    }
                    rich.push(Inline::Strong(format!("{k} ")));
                    rich.push(Inline::Text(v.clone()));
                }
                self.flow(&rich, FontId::Regular, LEFT, 8.8, 11.5, MUTED, INK);
                self.y += 6.0;
            }
            Block::Para(rich, tone) => {
                let color = match tone {
                    Tone::Normal => INK,
                    Tone::Note => MUTED,
                };
                self.flow(rich, FontId::Regular, LEFT, BODY, BODY_LEADING, color, INK);
                self.y += 4.0;
            }
            Block::List { ordered, items } => {
                self.list(*ordered, items);
                self.y += 2.5;
            }
            Block::Table { head, widths, rows } => {
                self.table(head, widths, rows);
                self.y += 6.0;
            }
        }
    }

    fn footers(&mut self, footer: &str) {
        let total = self.pages.len();
        let fonts = self.fonts;
        let size = 7.5;
        let y = PAGE_H - 30.0;
        for (i, page) in self.pages.iter_mut().enumerate() {
            let number = format!("Page {} of {}", i + 1, total);
            let nw = fonts.regular.width(&number, size);
            let rich = vec![Inline::Text(footer.to_string())];
            let left = lines_of(&rich, FontId::Regular, size, CONTENT_W - nw - 20.0, fonts);
            page.ops.push(Op::Rule {
                x1: LEFT,
                x2: PAGE_W - RIGHT,
                y: PAGE_H - 42.0,
                width: 0.4,
                color: RULE,
            });
            if let Some(first) = left.first().and_then(|l| l.runs.first()) {
                page.ops.push(Op::Text {
                    x: LEFT,
                    y,
                    font: FontId::Regular,
                    size,
                    color: MUTED,
                    text: first.text.clone(),
                });
            }
            page.ops.push(Op::Text {
                x: PAGE_W - RIGHT - nw,
                y,
                font: FontId::Regular,
                size,
                color: MUTED,
                text: number,
            });
        }
    }
}

/// Lays a document out on A4 pages, footers included.
pub(crate) fn layout(doc: &Doc, fonts: &Fonts) -> Vec<Page> {
    layout_within(doc, fonts, 0.0)
}

/// Lays a document out with the text area `short` points shorter than
/// usual: a document that fits on a page this way fits with room to spare.
pub(crate) fn layout_within(doc: &Doc, fonts: &Fonts, short: f32) -> Vec<Page> {
    let mut pen = Pen::new(fonts, CONTENT_BOTTOM - short.max(0.0));
    for block in &doc.blocks {
        pen.block(block);
    }
    // a trailing empty page (only possible when the last block ended exactly
    // at the bottom) is not worth printing
    if pen.pages.len() > 1 && pen.pages.last().is_some_and(|p| p.ops.is_empty()) {
        pen.pages.pop();
    }
    pen.footers(&doc.footer);
    pen.pages
}

#[cfg(test)]
mod tests {
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
}
