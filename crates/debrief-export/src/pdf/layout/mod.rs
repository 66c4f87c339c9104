//! Lays the blocks out on A4 pages: text is measured with the embedded
//! font's advances and wrapped, tables repeat their header on each page and
//! split a row only when it is taller than a page, headings stay with what
//! follows them, every page gets a footer with its number.

mod columns;
mod lines;
#[cfg(test)]
mod tests;

use super::font::{FontId, Fonts};
use crate::ir::{Block, Doc, Inline, Rich, Tone};
use columns::column_widths;
use lines::{Line, Word, lines_of, words, wrap};

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
