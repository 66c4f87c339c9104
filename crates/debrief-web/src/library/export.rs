//! Exports of a review (the one-page summary and the full review, as Markdown,
//! HTML or PDF) for the download buttons and for `debrief export`. Exports are
//! always of the review as everyone may read it: interview notes and restricted
//! parts never leave Debrief this way.

use crate::AppState;
use crate::platform::auth::Signed;
use crate::platform::error::PageError;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use debrief_core::review::ReviewState;
use debrief_export::{
    ActionItem, Factor, Format, Impact, Kind, Lesson, ReviewDocument, TimelineItem, WhyChain,
};
use debrief_store::{Store, StoreError, now_ms};
use serde::Deserialize;

fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// Which version of a review an export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// For those who read cases: the review with the responders' case timeline.
    Case,
    /// For the learning library, which every employee reads: what the library
    /// page shows, without the case timeline.
    Library,
}

/// Builds the document of a case's review; `None` when the case has no review.
/// `full_review_ref` says where the full review lives (a URL or a case reference).
pub async fn review_document(
    store: &Store,
    case_id: i64,
    full_review_ref: String,
    version: Version,
) -> Result<Option<ReviewDocument>, StoreError> {
    let Some(cd) = store.case_detail(case_id).await? else {
        return Err(StoreError::NotFound);
    };
    let Some(d) = store.review(case_id, false).await? else {
        return Ok(None);
    };
    let d = d.public();
    let facilitator = match d.review.facilitator_id {
        Some(f) => store.user_by_id(f).await?.map(|u| u.name),
        None => None,
    };
    let mut items = store.case_action_items(case_id).await?;
    items.sort_by(|a, b| {
        (a.status.is_closed(), a.priority, &a.due_day).cmp(&(
            b.status.is_closed(),
            b.priority,
            &b.due_day,
        ))
    });
    let c = &cd.case;
    let times = c
        .incident_times()
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), utc(v))))
        .collect();
    let r = d.review;
    Ok(Some(ReviewDocument {
        case_id,
        title: c.title.clone(),
        severity: c.severity.label().to_string(),
        state: r.state.label().to_string(),
        facilitator,
        generated_at: utc(now_ms()),
        full_review_ref,
        times,
        timeline: match version {
            Version::Case => cd
                .timeline
                .iter()
                .map(|t| TimelineItem {
                    at: utc(t.at_ms),
                    kind: t.kind.clone(),
                    body: t.body.clone(),
                })
                .collect(),
            Version::Library => Vec::new(),
        },
        without_timeline: version == Version::Library,
        what_happened: r.what_happened,
        interpretations: r.interpretations,
        impact: Impact {
            duration_minutes: r.impact.duration_minutes,
            people_affected: r.impact.people_affected,
            records_affected: r.impact.records_affected,
            services: r.impact.services,
            cost: Some(r.impact.cost).filter(|c| !c.is_empty()),
            notes: r.impact.notes,
        },
        whys: d
            .whys
            .into_iter()
            .map(|w| WhyChain {
                problem: w.problem,
                steps: w.steps,
                systemic_condition: w.systemic_condition,
            })
            .collect(),
        factors: d
            .factors
            .into_iter()
            .map(|f| Factor {
                category: f.category_label,
                explanation: f.explanation,
            })
            .collect(),
        went_well: r.went_well,
        got_lucky: r.got_lucky,
        lessons: d
            .lessons
            .into_iter()
            .map(|l| Lesson {
                level: l.level.label().to_string(),
                body: l.body,
            })
            .collect(),
        action_items: items
            .into_iter()
            .map(|a| ActionItem {
                title: a.title,
                owner: a.owner_name,
                due: a.due_day,
                priority: a.priority.label().to_string(),
                status: a.status.label().to_string(),
                factor: a.factor_label,
                tracker_url: a.tracker_url,
            })
            .collect(),
    }))
}

#[derive(Deserialize)]
pub struct ExportQuery {
    doc: Option<String>,
    format: Option<String>,
}

fn bad_request(message: String) -> Response {
    PageError::new(StatusCode::BAD_REQUEST, message).into_response()
}

async fn export(
    state: &AppState,
    case_id: i64,
    q: ExportQuery,
    published_only: bool,
    path: &str,
) -> Response {
    let kind = match q.doc.as_deref().unwrap_or("summary").parse::<Kind>() {
        Ok(k) => k,
        Err(e) => return bad_request(e.to_string()),
    };
    let format = match q.format.as_deref().unwrap_or("pdf").parse::<Format>() {
        Ok(f) => f,
        Err(e) => return bad_request(e.to_string()),
    };
    if published_only {
        match state.store.review(case_id, false).await {
            Ok(Some(d)) if d.review.state == ReviewState::Published => {}
            Ok(_) => return PageError::not_found().into_response(),
            Err(e) => return PageError::from(e).into_response(),
        }
    }
    let version = if published_only {
        Version::Library
    } else {
        Version::Case
    };
    let doc =
        match review_document(&state.store, case_id, format!("{path} in Debrief"), version).await {
            Ok(Some(d)) => d,
            Ok(None) | Err(StoreError::NotFound) => return PageError::not_found().into_response(),
            Err(e) => return PageError::from(e).into_response(),
        };
    let render = tokio::task::spawn_blocking(move || {
        let bytes = debrief_export::render(&doc, kind, format);
        (bytes, debrief_export::file_name(&doc, kind, format))
    })
    .await;
    match render {
        Ok((Ok(bytes), name)) => (
            [
                (
                    header::CONTENT_TYPE,
                    debrief_export::content_type(format).to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok((Err(e), _)) => PageError::internal(e).into_response(),
        Err(e) => PageError::internal(e).into_response(),
    }
}

/// Downloads an export of a case's review (case readers, any state).
pub async fn case_export(
    State(state): State<AppState>,
    Signed(_): Signed,
    Path(id): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> Response {
    export(&state, id, q, false, &format!("/cases/{id}/review")).await
}

/// Downloads an export of a published review (everyone).
pub async fn library_export(
    State(state): State<AppState>,
    Signed(_): Signed,
    Path(id): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> Response {
    export(&state, id, q, true, &format!("/library/{id}")).await
}
