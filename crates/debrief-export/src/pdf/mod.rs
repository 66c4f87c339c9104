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

/// How many A4 pages the document takes.
pub(crate) fn page_count(doc: &Doc) -> Result<usize, ExportError> {
    let fonts = font::fonts()?;
    Ok(layout::layout(doc, fonts).len())
}
