//! Debrief's review exports: the one-page leadership summary and the full
//! technical review, as Markdown (pastes cleanly into a wiki), standalone
//! HTML (with a print stylesheet) and PDF (written in-process with an
//! embedded font; no browser and no external program).
//!
//! Pure code: no I/O, no async, no database. The caller gathers a
//! [`ReviewDocument`] and calls [`render`].
//!
//! Both documents are built once as a format-neutral list of blocks and then
//! written in the requested format, so the three formats say the same thing.
//! The summary is measured with the PDF layout and shortened until it fits
//! one A4 page: prose is shortened at sentence boundaries (never inside a
//! sentence) with a pointer to the full review, and items left out of lists
//! are counted.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod content;
mod document;
mod html;
mod ir;
mod markdown;
mod pdf;
mod text;

use std::fmt;
use std::str::FromStr;

pub use document::{ActionItem, Factor, Impact, Lesson, ReviewDocument, TimelineItem, WhyChain};

/// An export's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Markdown,
    Html,
    Pdf,
}

/// Which document to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The one-page leadership summary.
    Summary,
    /// The full technical review.
    Review,
}

/// A format name that is not one of md, markdown, html or pdf.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format {0:?}: use md, html or pdf")]
pub struct UnknownFormat(pub String);

/// A document name that is not summary or review.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export {0:?}: use summary or review")]
pub struct UnknownKind(pub String);

/// Why an export could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The font built into the binary could not be read.
    #[error("the embedded font could not be read: {0}")]
    Font(String),
    /// The font could not be reduced to the glyphs the PDF uses.
    #[error("the font could not be prepared for the PDF: {0}")]
    Subset(String),
}

impl Format {
    /// The file name extension: "md", "html" or "pdf".
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }
}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "html" | "htm" => Ok(Format::Html),
            "pdf" => Ok(Format::Pdf),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl Kind {
    /// "summary" or "review".
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Summary => "summary",
            Kind::Review => "review",
        }
    }
}

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "summary" => Ok(Kind::Summary),
            "review" => Ok(Kind::Review),
            _ => Err(UnknownKind(s.to_string())),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Renders `kind` of `doc` as `format`.
pub fn render(doc: &ReviewDocument, kind: Kind, format: Format) -> Result<Vec<u8>, ExportError> {
    let built = match kind {
        Kind::Summary => content::summary(doc)?,
        Kind::Review => content::review(doc),
    };
    Ok(match format {
        Format::Markdown => markdown::write(&built).into_bytes(),
        Format::Html => html::write(&built).into_bytes(),
        Format::Pdf => pdf::write(&built)?,
    })
}

/// The download's file name, e.g. "case-12-summary.pdf".
pub fn file_name(doc: &ReviewDocument, kind: Kind, format: Format) -> String {
    format!(
        "case-{}-{}.{}",
        doc.case_id,
        kind.as_str(),
        format.extension()
    )
}

/// The HTTP content type of a format.
pub fn content_type(format: Format) -> &'static str {
    match format {
        Format::Markdown => "text/markdown; charset=utf-8",
        Format::Html => "text/html; charset=utf-8",
        Format::Pdf => "application/pdf",
    }
}

/// The one-page leadership summary as Markdown.
pub fn summary_markdown(doc: &ReviewDocument) -> Result<String, ExportError> {
    Ok(markdown::write(&content::summary(doc)?))
}

/// The full review as Markdown.
pub fn review_markdown(doc: &ReviewDocument) -> String {
    markdown::write(&content::review(doc))
}

/// The one-page leadership summary as a standalone HTML page.
pub fn summary_html(doc: &ReviewDocument) -> Result<String, ExportError> {
    Ok(html::write(&content::summary(doc)?))
}

/// The full review as a standalone HTML page.
pub fn review_html(doc: &ReviewDocument) -> String {
    html::write(&content::review(doc))
}

/// The one-page leadership summary as a one-page A4 PDF.
pub fn summary_pdf(doc: &ReviewDocument) -> Result<Vec<u8>, ExportError> {
    pdf::write(&content::summary(doc)?)
}

/// The full review as an A4 PDF with numbered pages.
pub fn review_pdf(doc: &ReviewDocument) -> Result<Vec<u8>, ExportError> {
    pdf::write(&content::review(doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_kinds_parse_with_clear_errors() {
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!("Markdown".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!("html".parse::<Format>(), Ok(Format::Html));
        assert_eq!("PDF".parse::<Format>(), Ok(Format::Pdf));
        let err = "docx".parse::<Format>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown export format \"docx\": use md, html or pdf"
        );
        assert_eq!("summary".parse::<Kind>(), Ok(Kind::Summary));
        assert_eq!("review".parse::<Kind>(), Ok(Kind::Review));
        assert_eq!(
            "full".parse::<Kind>().unwrap_err().to_string(),
            "unknown export \"full\": use summary or review"
        );
    }

    #[test]
    fn file_names_and_content_types() {
        let doc = ReviewDocument {
            case_id: 12,
            ..Default::default()
        };
        assert_eq!(
            file_name(&doc, Kind::Summary, Format::Pdf),
            "case-12-summary.pdf"
        );
        assert_eq!(
            file_name(&doc, Kind::Review, Format::Markdown),
            "case-12-review.md"
        );
        assert_eq!(
            file_name(&doc, Kind::Review, Format::Html),
            "case-12-review.html"
        );
        assert_eq!(content_type(Format::Pdf), "application/pdf");
        assert_eq!(content_type(Format::Html), "text/html; charset=utf-8");
        assert_eq!(
            content_type(Format::Markdown),
            "text/markdown; charset=utf-8"
        );
    }
}
