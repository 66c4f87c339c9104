//! The embedded fonts (Liberation Sans, SIL Open Font License, see
//! fonts/LICENSE) and their metrics for measuring text.

use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};

use crate::ExportError;

static REGULAR_TTF: &[u8] = include_bytes!("../../fonts/LiberationSans-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../fonts/LiberationSans-Bold.ttf");

/// Characters below this code point are looked up once, at start.
const TABLE_LIMIT: u32 = 0x0600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FontId {
    Regular,
    Bold,
}

pub(crate) struct Font {
    pub data: &'static [u8],
    /// The PostScript name used in the PDF.
    pub name: &'static str,
    face: Face<'static>,
    /// Font units to thousandths of an em.
    scale: f32,
    /// (glyph id, advance in 1/1000 em) by code point; glyph 0 means absent.
    table: Vec<(u16, f32)>,
    /// The glyph drawn for characters the font lacks: '?'.
    fallback: (u16, f32),
    pub ascent: f32,
    pub descent: f32,
    pub cap_height: f32,
    pub bbox: [f32; 4],
    pub italic_angle: f32,
    pub weight: u16,
}

impl Font {
    fn load(data: &'static [u8], name: &'static str) -> Result<Font, String> {
        let face = Face::parse(data, 0).map_err(|e| format!("{name}: {e}"))?;
        let scale = 1000.0 / f32::from(face.units_per_em().max(1));
        let lookup = |c: char| -> (u16, f32) {
            match face.glyph_index(c) {
                Some(g) => (
                    g.0,
                    f32::from(face.glyph_hor_advance(g).unwrap_or(0)) * scale,
                ),
                None => (0, 0.0),
            }
        };
        let fallback = lookup('?');
        if fallback.0 == 0 {
            return Err(format!("{name} has no '?' glyph"));
        }
        let table = (0..TABLE_LIMIT)
            .map(|cp| char::from_u32(cp).map_or((0, 0.0), lookup))
            .collect();
        let b = face.global_bounding_box();
        Ok(Font {
            data,
            name,
            scale,
            table,
            fallback,
            ascent: f32::from(face.ascender()) * scale,
            descent: f32::from(face.descender()) * scale,
            cap_height: face
                .capital_height()
                .map_or(700.0, |h| f32::from(h) * scale),
            bbox: [
                f32::from(b.x_min) * scale,
                f32::from(b.y_min) * scale,
                f32::from(b.x_max) * scale,
                f32::from(b.y_max) * scale,
            ],
            italic_angle: face.italic_angle(),
            weight: face.weight().to_number(),
            face,
        })
    }

    /// The glyph and its advance (1/1000 em) for a printable character;
    /// characters the font lacks get the fallback glyph '?'.
    pub(crate) fn glyph(&self, c: char) -> (u16, f32) {
        let cp = c as u32;
        let found = if cp < TABLE_LIMIT {
            self.table[cp as usize]
        } else {
            match self.face.glyph_index(c) {
                Some(g) => (
                    g.0,
                    f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)) * self.scale,
                ),
                None => (0, 0.0),
            }
        };
        if found.0 == 0 { self.fallback } else { found }
    }

    /// Whether the font draws this character itself (not as '?').
    #[cfg(test)]
    pub(crate) fn has(&self, c: char) -> bool {
        self.glyph(c) != self.fallback || c == '?'
    }

    /// The advance of a glyph in 1/1000 em.
    pub(crate) fn advance(&self, gid: u16) -> f32 {
        f32::from(self.face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0)) * self.scale
    }

    /// The width of a text in points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size / 1000.0
    }
}

pub(crate) struct Fonts {
    pub regular: Font,
    pub bold: Font,
}

impl Fonts {
    pub(crate) fn get(&self, id: FontId) -> &Font {
        match id {
            FontId::Regular => &self.regular,
            FontId::Bold => &self.bold,
        }
    }
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

/// The fonts, loaded once per process.
pub(crate) fn fonts() -> Result<&'static Fonts, ExportError> {
    let loaded = FONTS.get_or_init(|| {
        Ok(Fonts {
            regular: Font::load(REGULAR_TTF, "LiberationSans")?,
            bold: Font::load(BOLD_TTF, "LiberationSans-Bold")?,
        })
    });
    loaded.as_ref().map_err(|e| ExportError::Font(e.clone()))
}

/// What to draw for a character of user text: `None` for characters that
/// take no room (controls, zero-width and direction marks, variation
/// selectors, soft hyphens). Tabs and other spaces become a plain space.
pub(crate) fn printable(c: char) -> Option<char> {
    match c {
        '\t' | '\u{2000}'..='\u{200A}' | '\u{3000}' => Some(' '),
        '\u{00AD}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' => None,
        c if c.is_control() => None,
        c => Some(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn european_names_have_glyphs_and_the_rest_falls_back() {
        let f = fonts().unwrap();
        for font in [&f.regular, &f.bold] {
            for c in "Łukasz Dvořák Øyvind São Paulo Ærø Ğüçş Żółć Œuvre ß € “”–—…•"
                .chars()
                .filter(|c| *c != ' ')
            {
                assert!(font.has(c), "{} lacks {c:?}", font.name);
            }
            assert!(!font.has('😀'));
            assert!(!font.has('中'));
            assert_eq!(font.glyph('😀'), font.glyph('?'));
        }
    }

    #[test]
    fn widths_are_measured() {
        let f = fonts().unwrap();
        // Liberation Sans has Helvetica's metrics: 'W' is 944/1000, 'i' 222/1000
        assert!((f.regular.width("W", 10.0) - 9.44).abs() < 0.05);
        assert!((f.regular.width("i", 10.0) - 2.22).abs() < 0.05);
        assert!(f.bold.width("Bold", 10.0) > f.regular.width("Bold", 10.0));
    }

    #[test]
    fn invisible_characters_take_no_room() {
        assert_eq!(printable('\u{200B}'), None);
        assert_eq!(printable('\u{0007}'), None);
        assert_eq!(printable('\t'), Some(' '));
        assert_eq!(printable('ł'), Some('ł'));
    }
}
