//! The page of a capability this version does not have yet: it says so plainly.

use crate::platform::error::PageError;
use crate::platform::shell::{Ctx, render};
use askama::Template;
use axum::response::Html;

#[derive(Template)]
#[template(path = "platform/area.html")]
struct AreaPage {
    ctx: Ctx,
    heading: &'static str,
    planned: &'static str,
    not_yet: &'static str,
}

/// What is planned for the area, and what this version cannot do yet.
pub fn planned_page(
    ctx: Ctx,
    heading: &'static str,
    planned: &'static str,
    not_yet: &'static str,
) -> Result<Html<String>, PageError> {
    render(&AreaPage {
        ctx,
        heading,
        planned,
        not_yet,
    })
}
