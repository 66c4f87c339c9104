//! Serialises laid-out pages: one content stream per page, the two fonts as
//! subset CID fonts (Identity-H) with a ToUnicode map so that text can be
//! searched and copied, web links as link annotations.

use std::collections::HashMap;

use pdf_writer::types::{ActionType, AnnotationType, CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use super::font::{Font, FontId, Fonts};
use super::layout::{Op, PAGE_H, PAGE_W, Page};
use crate::ExportError;
use crate::ir::Doc;

const COMPRESSION: u8 = 6;

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, COMPRESSION)
}

/// The glyphs one font draws in this document.
struct Usage {
    remapper: GlyphRemapper,
    /// new glyph id → the character it draws
    unicode: Vec<(u16, char)>,
}

impl Usage {
    fn new() -> Self {
        Usage {
            remapper: GlyphRemapper::new(),
            unicode: Vec::new(),
        }
    }

    /// The two-byte code for a character, registering its glyph.
    fn encode(&mut self, font: &Font, c: char, out: &mut Vec<u8>) {
        let (old, _) = font.glyph(c);
        let known = self.remapper.get(old).is_some();
        let new = self.remapper.remap(old);
        if !known {
            self.unicode.push((new, c));
        }
        out.extend_from_slice(&new.to_be_bytes());
    }
}

/// A six-letter subset tag derived from the glyphs used, as PDF asks for.
fn subset_tag(usage: &Usage) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for g in usage.remapper.remapped_gids() {
        for b in g.to_be_bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
        .collect()
}

struct Refs(i32);

impl Refs {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

fn resource_name(id: FontId) -> Name<'static> {
    match id {
        FontId::Regular => Name(b"F1"),
        FontId::Bold => Name(b"F2"),
    }
}

pub(crate) fn pdf(doc: &Doc, pages: &[Page], fonts: &Fonts) -> Result<Vec<u8>, ExportError> {
    let mut usage: HashMap<FontId, Usage> = HashMap::new();
    let mut contents = Vec::with_capacity(pages.len());
    let mut links: Vec<Vec<(Rect, &str)>> = Vec::with_capacity(pages.len());

    for page in pages {
        let mut content = Content::new();
        let mut font_state: Option<(FontId, f32)> = None;
        let mut fill_state: Option<[f32; 3]> = None;
        let mut page_links = Vec::new();
        let mut bytes = Vec::new();
        for op in &page.ops {
            match op {
                Op::Text {
                    x,
                    y,
                    font,
                    size,
                    color,
                    text,
                } => {
                    let f = fonts.get(*font);
                    let u = usage.entry(*font).or_insert_with(Usage::new);
                    bytes.clear();
                    for c in text.chars() {
                        u.encode(f, c, &mut bytes);
                    }
                    if fill_state != Some(*color) {
                        content.set_fill_rgb(color[0], color[1], color[2]);
                        fill_state = Some(*color);
                    }
                    content.begin_text();
                    if font_state != Some((*font, *size)) {
                        content.set_font(resource_name(*font), *size);
                        font_state = Some((*font, *size));
                    }
                    content.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, PAGE_H - *y]);
                    content.show(Str(&bytes));
                    content.end_text();
                }
                Op::Fill { x, y, w, h, color } => {
                    content.set_fill_rgb(color[0], color[1], color[2]);
                    fill_state = Some(*color);
                    content.rect(*x, PAGE_H - *y - *h, *w, *h);
                    content.fill_nonzero();
                }
                Op::Rule {
                    x1,
                    x2,
                    y,
                    width,
                    color,
                } => {
                    content.set_stroke_rgb(color[0], color[1], color[2]);
                    content.set_line_width(*width);
                    content.move_to(*x1, PAGE_H - *y);
                    content.line_to(*x2, PAGE_H - *y);
                    content.stroke();
                }
                Op::Link { x, y, w, h, url } => {
                    page_links.push((
                        Rect::new(*x, PAGE_H - *y - *h, *x + *w, PAGE_H - *y),
                        url.as_str(),
                    ));
                }
            }
        }
        contents.push(deflate(&content.finish()));
        links.push(page_links);
    }

    let mut pdf = Pdf::new();
    let mut refs = Refs(0);
    let catalog = refs.next();
    let tree = refs.next();
    let info = refs.next();
    pdf.catalog(catalog).pages(tree).lang(TextStr("en"));
    pdf.document_info(info)
        .title(TextStr(&doc.title))
        .creator(TextStr("Debrief"))
        .producer(TextStr("Debrief"));

    // fonts
    let mut font_refs: Vec<(FontId, Ref)> = Vec::new();
    for id in [FontId::Regular, FontId::Bold] {
        let Some(u) = usage.get(&id) else { continue };
        let font = fonts.get(id);
        let type0 = refs.next();
        let cid = refs.next();
        let descriptor = refs.next();
        let file = refs.next();
        let cmap = refs.next();
        let base = format!("{}+{}", subset_tag(u), font.name);
        let base = Name(base.as_bytes());
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        let subset = subsetter::subset(font.data, 0, &u.remapper)
            .map_err(|e| ExportError::Subset(e.to_string()))?;
        let packed = deflate(&subset);

        pdf.type0_font(type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);

        let widths: Vec<f32> = u
            .remapper
            .remapped_gids()
            .map(|old| font.advance(old))
            .collect();
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(system)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();

        let [x0, y0, x1, y1] = font.bbox;
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(x0, y0, x1, y1))
            .italic_angle(font.italic_angle)
            .ascent(font.ascent)
            .descent(font.descent)
            .cap_height(font.cap_height)
            .weight(font.weight)
            .stem_v(if id == FontId::Bold { 140.0 } else { 80.0 })
            .font_file2(file);

        pdf.stream(file, &packed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);

        let mut map = pdf_writer::types::UnicodeCmap::new(Name(b"Debrief-UCS"), system);
        for &(new, c) in &u.unicode {
            map.pair(new, c);
        }
        let map = map.finish();
        pdf.cmap(cmap, map.as_slice());

        font_refs.push((id, type0));
    }

    // pages
    let mut page_ids = Vec::with_capacity(pages.len());
    for (content, page_links) in contents.iter().zip(&links) {
        let page_id = refs.next();
        let content_id = refs.next();
        let annots: Vec<Ref> = page_links.iter().map(|_| refs.next()).collect();
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(content_id);
        {
            let mut resources = page.resources();
            let mut fonts_dict = resources.fonts();
            for (id, r) in &font_refs {
                fonts_dict.pair(resource_name(*id), *r);
            }
        }
        if !annots.is_empty() {
            page.annotations(annots.iter().copied());
        }
        page.finish();
        pdf.stream(content_id, content).filter(Filter::FlateDecode);
        for (annot, (rect, url)) in annots.iter().zip(page_links) {
            let mut a = pdf.annotation(*annot);
            a.subtype(AnnotationType::Link)
                .rect(*rect)
                .border(0.0, 0.0, 0.0, None);
            a.action()
                .action_type(ActionType::Uri)
                .uri(Str(url.as_bytes()));
            a.finish();
        }
        page_ids.push(page_id);
    }
    let count = page_ids.len() as i32;
    pdf.pages(tree).kids(page_ids).count(count);
    Ok(pdf.finish())
}
