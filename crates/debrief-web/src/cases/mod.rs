//! Cases: the list, a case's page (details, times, timeline, lifecycle) and the
//! cases API.

pub mod api;
pub mod ops;
pub mod pages;
pub mod times;
