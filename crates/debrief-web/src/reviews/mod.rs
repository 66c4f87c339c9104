//! The blameless review workspace (the Five Questions), interview notes, the
//! review API, and the blameless-language checker's web endpoint.

pub mod api;
pub mod form;
pub mod lint;
pub mod ops;
pub mod pages;
pub mod save;
