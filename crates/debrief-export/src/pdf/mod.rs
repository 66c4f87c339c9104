//! PDF output, written in-process: the layout engine measures text with the
//! embedded font, and pdf-writer serialises the pages with font subsets.

mod font;
mod layout;
mod write;

use crate::ExportError;
use crate::ir::Doc;

/// The document as PDF bytes.
pub(crate) fn write(doc: &Doc) -> Result<Vec<u8>, ExportError> {
    let fonts = font::fonts()?;
    let pages = layout::layout(doc, fonts);
    write::pdf(doc, &pages, fonts)
}

/// Room the summary leaves free at the bottom of its page, so that the HTML
/// summary, printed by a browser with its own line breaking, fits on one
/// page too.
const SUMMARY_SPARE: f32 = 36.0;

/// Whether the document fits on one A4 page with room to spare.
pub(crate) fn fits_one_page(doc: &Doc) -> Result<bool, ExportError> {
    let fonts = font::fonts()?;
    Ok(layout::layout_within(doc, fonts, SUMMARY_SPARE).len() <= 1)
}

/// How many A4 pages the document takes.
#[cfg(test)]
pub(crate) fn page_count(doc: &Doc) -> Result<usize, ExportError> {
    let fonts = font::fonts()?;
    Ok(layout::layout(doc, fonts).len())
}
