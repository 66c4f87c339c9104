//! The learning library of published reviews, and review exports (Markdown,
//! HTML, PDF) of a case's review and of a published one.

pub mod export;
pub mod pages;
