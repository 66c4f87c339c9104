//! The document model every format is rendered from: the review and the
//! summary are built once as blocks, then written as Markdown, HTML or PDF,
//! so the three formats always say the same thing.

/// A piece of inline text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Inline {
    Text(String),
    Strong(String),
    /// A web link (http or https only), shown as its text.
    Link {
        text: String,
        url: String,
    },
}

pub(crate) type Rich = Vec<Inline>;

pub(crate) fn text(s: impl Into<String>) -> Rich {
    vec![Inline::Text(s.into())]
}

/// How a paragraph reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Normal,
    /// Something the exporter says about the document: an empty section, a
    /// shortening pointer, a label such as "these are interpretations".
    Note,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// Levels 1 to 3.
    Heading(u8, String),
    /// The title block's facts: ("Case", "12"), ("Severity", "High"), …
    Meta(Vec<(String, String)>),
    /// One paragraph; '\n' inside text is a line break.
    Para(Rich, Tone),
    List {
        ordered: bool,
        items: Vec<Rich>,
    },
    Table {
        head: Vec<String>,
        /// Relative column widths for the PDF.
        widths: Vec<f32>,
        rows: Vec<Vec<Rich>>,
    },
}

/// A document ready to be written in any format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Doc {
    /// For the HTML <title> and the PDF's document information.
    pub title: String,
    /// For the PDF's page footer.
    pub footer: String,
    pub blocks: Vec<Block>,
}

impl Inline {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Inline::Text(t) | Inline::Strong(t) => t,
            Inline::Link { text, .. } => text,
        }
    }
}
