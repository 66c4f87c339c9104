//! The action-items API.

use crate::AppState;
use crate::actions::policy;
use crate::platform::api::{ApiJson, ApiPath, ApiQuery, ListQuery, Page, rfc3339};
use crate::platform::auth::{Signed, may};
use crate::platform::error::{ApiError, Problem};
use crate::platform::shell::today;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use debrief_core::action::{ChangeDraft, ItemDraft};
use debrief_core::review::{ActionStatus, parse_day};
use debrief_store::action_items::{ActionItem, ItemChanges, ItemFilter, NewActionItem};
use debrief_store::now_ms;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct ActionItemOut {
    pub id: i64,
    pub case_id: i64,
    pub title: String,
    pub description: String,
    pub owner_id: i64,
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    pub overdue: bool,
    pub priority: debrief_core::review::ActionPriority,
    pub status: ActionStatus,
    pub factor_id: Option<i64>,
    pub tracker_url: Option<String>,
    pub closing_note: Option<String>,
    pub closed_at: Option<String>,
    pub check_date: Option<String>,
    pub check_owner_id: Option<i64>,
    pub check_outcome: Option<debrief_core::review::CheckOutcome>,
    pub version: i64,
}

fn item_out(a: ActionItem) -> ActionItemOut {
    let today = today();
    ActionItemOut {
        overdue: !a.status.is_closed() && parse_day(&a.due_day).is_ok_and(|d| d < today),
        id: a.id,
        case_id: a.case_id,
        title: a.title,
        description: a.description,
        owner_id: a.owner_id,
        owner: a.owner_name,
        due_date: a.due_day,
        priority: a.priority,
        status: a.status,
        factor_id: a.factor_id,
        tracker_url: a.tracker_url,
        closing_note: a.closing_note,
        closed_at: a.closed_ms.map(rfc3339),
        check_date: a.check_day,
        check_owner_id: a.check_owner_id,
        check_outcome: a.check_outcome,
        version: a.version,
    }
}

/// The case's action items, open ones first, overdue ones first among them.
#[utoipa::path(get, path = "/api/v1/cases/{id}/action-items", tag = "action items", params(("id" = i64, Path), ListQuery),
    responses((status = 200, body = Page<ActionItemOut>), (status = 404, body = Problem)))]
pub async fn case_items(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<ActionItemOut>>, ApiError> {
    let (limit, offset) = q.bounds()?;
    if state.store.case_detail(id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    let (items, total) = state
        .store
        .list_action_items(
            ItemFilter {
                case_id: Some(id),
                ..Default::default()
            },
            limit,
            offset,
        )
        .await?;
    Ok(Json(Page {
        items: items.into_iter().map(item_out).collect(),
        total,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionItemIn {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Required: every item has one owner.
    pub owner_id: Option<i64>,
    /// `YYYY-MM-DD`, today or later.
    pub due_date: String,
    /// `urgent`, `high`, `medium` (default) or `low`.
    pub priority: Option<String>,
    pub factor_id: Option<i64>,
    pub tracker_url: Option<String>,
}

/// Adds an action item to a case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/action-items", tag = "action items", params(("id" = i64, Path)), request_body = ActionItemIn,
    responses((status = 201, body = ActionItemOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn post_case_item(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ActionItemIn>,
) -> Result<Response, ApiError> {
    if state.store.case_detail(id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    let i = ItemDraft {
        title: &b.title,
        description: &b.description,
        owner_id: b.owner_id,
        due_date: &b.due_date,
        priority: b.priority.as_deref().unwrap_or("medium"),
        factor_id: b.factor_id,
        tracker_url: b.tracker_url.as_deref().unwrap_or(""),
    }
    .parse(today(), true)?;
    let a = state
        .store
        .create_action_item(NewActionItem::of(id, i), ident.user.id, now_ms())
        .await?;
    Ok((StatusCode::CREATED, Json(item_out(a))).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemsQuery {
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    #[param(minimum = 0)]
    pub offset: Option<i64>,
    /// Only the caller's own items (always the case for callers who cannot read cases).
    pub mine: Option<bool>,
    /// Only open and in-progress items.
    pub open: Option<bool>,
}

/// Action items: the caller's own, or (for case readers) everyone's.
#[utoipa::path(get, path = "/api/v1/action-items", tag = "action items", params(ItemsQuery),
    responses((status = 200, body = Page<ActionItemOut>)))]
pub async fn list_items(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiQuery(q): ApiQuery<ItemsQuery>,
) -> Result<Json<Page<ActionItemOut>>, ApiError> {
    let (limit, offset) = ListQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds()?;
    let everyone = may(&ident, "GET", "/action-items/all") && !q.mine.unwrap_or(false);
    let (items, total) = state
        .store
        .list_action_items(
            ItemFilter {
                case_id: None,
                owner_id: (!everyone).then_some(ident.user.id),
                open_only: q.open.unwrap_or(false),
            },
            limit,
            offset,
        )
        .await?;
    Ok(Json(Page {
        items: items.into_iter().map(item_out).collect(),
        total,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionItemPatch {
    /// The version the change starts from; a stale one is refused with 409.
    pub version: i64,
    pub status: Option<String>,
    /// Required when closing: what changed, or why it will not be done.
    pub note: Option<String>,
    /// When closing as done: when someone confirms the fix worked (`YYYY-MM-DD`).
    pub check_date: Option<String>,
    pub check_owner_id: Option<i64>,
    pub due_date: Option<String>,
    pub owner_id: Option<i64>,
}

/// Changes an item's status (its owner) or its owner and due date (managers).
#[utoipa::path(patch, path = "/api/v1/action-items/{id}", tag = "action items", params(("id" = i64, Path)), request_body = ActionItemPatch,
    responses((status = 200, body = ActionItemOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn patch_item(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ActionItemPatch>,
) -> Result<Json<ActionItemOut>, ApiError> {
    let a = state
        .store
        .action_item(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !policy::may_update(&ident, &a) {
        return Err(if may(&ident, "GET", "/action-items/all") {
            ApiError::forbidden()
        } else {
            ApiError::not_found()
        });
    }
    if (b.owner_id.is_some() || b.due_date.is_some()) && !policy::may_reassign(&ident) {
        return Err(ApiError::forbidden());
    }
    let valid = ChangeDraft {
        status: b.status.as_deref(),
        note: b.note.as_deref(),
        check_date: b.check_date.as_deref(),
        due_date: b.due_date.as_deref(),
    }
    .parse(today())?;
    if let Some(m) = policy::checker_refusal(&ident, &a, b.check_owner_id) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, m));
    }
    let ch = ItemChanges {
        status: valid.status,
        note: valid.note,
        check_day: valid.check_day,
        check_owner_id: b.check_owner_id,
        due_day: valid.due_day,
        owner_id: b.owner_id,
        ..Default::default()
    };
    let a = state
        .store
        .update_action_item(id, ch, b.version, ident.user.id, now_ms())
        .await?;
    Ok(Json(item_out(a)))
}
