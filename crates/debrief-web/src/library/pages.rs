//! The learning library: published reviews, searchable, and one review as
//! published.

use crate::AppState;
use crate::actions::view::{ItemView, item_view};
use crate::platform::error::PageError;
use crate::platform::shell::{Ctx, render_status, time_html};
use crate::platform::shell::{excerpt, today};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use debrief_core::review::{LessonLevel, ReviewState};
use debrief_core::review::{SectionHead, section};
use debrief_store::reviews::ReviewDetail;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "library/library.html")]
struct LibraryPage {
    ctx: Ctx,
    rows: Vec<LibraryRow>,
    total: i64,
    q: String,
    prev: Option<i64>,
    next: Option<i64>,
}

/// Published reviews per library page.
const LIBRARY_PAGE: i64 = 20;

pub struct LibraryRow {
    pub case_id: i64,
    pub title: String,
    pub published: String,
    pub excerpt: String,
    pub lessons: i64,
    pub factors: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct LibraryQuery {
    q: Option<String>,
    offset: Option<i64>,
}

pub async fn library(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LibraryQuery>,
) -> Response {
    let query = q.q.unwrap_or_default();
    let search = Some(query.trim().to_string()).filter(|s| !s.is_empty());
    let offset = q.offset.unwrap_or(0).max(0);
    match state
        .store
        .list_published(search, LIBRARY_PAGE, offset)
        .await
    {
        Ok((rows, total)) => render_status(
            StatusCode::OK,
            &LibraryPage {
                ctx,
                rows: rows
                    .into_iter()
                    .map(|r| LibraryRow {
                        case_id: r.case_id,
                        title: r.title,
                        published: time_html(r.published_ms),
                        excerpt: excerpt(&r.what_happened, 280),
                        lessons: r.lessons,
                        factors: r.factors,
                    })
                    .collect(),
                total,
                q: query,
                prev: (offset > 0).then(|| (offset - LIBRARY_PAGE).max(0)),
                next: (offset.saturating_add(LIBRARY_PAGE) < total)
                    .then_some(offset.saturating_add(LIBRARY_PAGE)),
            },
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "library/library_review.html")]
struct LibraryReviewPage {
    ctx: Ctx,
    case_id: i64,
    title: String,
    severity: &'static str,
    published: String,
    /// The case's milestones (occurred, detected, …), as in the library's exports.
    times: Vec<(&'static str, String)>,
    d: ReviewDetail,
    levels: Vec<(&'static str, &'static str)>,
    items: Vec<ItemView>,
    s_what: SectionHead,
    s_impact: SectionHead,
    s_why: SectionHead,
    s_learn: SectionHead,
    s_actions: SectionHead,
}

impl LibraryReviewPage {
    fn lessons_at(&self, level: &str) -> Vec<&debrief_store::reviews::Lesson> {
        self.d
            .lessons
            .iter()
            .filter(|l| l.level.as_str() == level)
            .collect()
    }
}

/// A published review as every employee reads it: no interview notes, nothing restricted.
pub async fn library_review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Response {
    let d = match state.store.review(id, false).await {
        Ok(Some(d)) if d.review.state == ReviewState::Published => d.public(),
        Ok(_) => return PageError::not_found().into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let cd = match state.store.case_detail(id).await {
        Ok(Some(c)) => c,
        Ok(None) => return PageError::not_found().into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let items = state.store.case_action_items(id).await.unwrap_or_default();
    let today = today();
    let c = &cd.case;
    let times = c
        .incident_times()
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, time_html(v))))
        .collect();
    render_status(
        StatusCode::OK,
        &LibraryReviewPage {
            ctx,
            times,
            case_id: id,
            title: cd.case.title,
            severity: cd.case.severity.label(),
            published: d.review.published_ms.map(time_html).unwrap_or_default(),
            levels: LessonLevel::ALL
                .iter()
                .map(|l| (l.as_str(), l.label()))
                .collect(),
            items: items.iter().map(|a| item_view(a, today)).collect(),
            s_what: section("what"),
            s_impact: section("impact"),
            s_why: section("why"),
            s_learn: section("learn"),
            s_actions: section("actions"),
            d,
        },
    )
}
