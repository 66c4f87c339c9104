//! The JSON API for blameless reviews and action items.

use crate::AppState;
use crate::api::{ApiJson, ApiQuery, ListQuery, Page, rfc3339};
use crate::auth::may;
use crate::auth::{Identity, Signed};
use crate::error::{ApiError, Problem};
use crate::pages_actions::{ItemForm, validate_item};
use crate::pages_reviews::{Fields, parse_edit, today};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use debrief_core::review::{ActionStatus, ReviewState, parse_day};
use debrief_core::{FieldError, Role};
use debrief_store::action_items::{ActionItem, ItemChanges, ItemFilter, NewActionItem};
use debrief_store::now_ms;
use debrief_store::reviews::ReviewDetail;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    pub case_id: i64,
    /// `draft`, `in_review` or `published`.
    pub state: ReviewState,
    pub facilitator_id: Option<i64>,
    pub what_happened: String,
    pub interpretations: String,
    #[schema(value_type = Object)]
    pub impact: debrief_store::reviews::Impact,
    #[schema(value_type = Vec<Object>)]
    pub whys: Vec<debrief_store::reviews::WhyChain>,
    #[schema(value_type = Vec<Object>)]
    pub factors: Vec<debrief_store::reviews::Factor>,
    pub went_well: String,
    pub got_lucky: String,
    #[schema(value_type = Vec<Object>)]
    pub lessons: Vec<debrief_store::reviews::Lesson>,
    /// The versions to send back with a PATCH of each section.
    pub versions: SectionVersions,
    /// Debrief interview notes: present for facilitators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub interviews: Option<Vec<debrief_store::reviews::Interview>>,
    pub published_at: Option<String>,
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct SectionVersions {
    pub what: i64,
    pub impact: i64,
    pub learn: i64,
}

impl ReviewOut {
    /// The review without its restricted parts.
    fn without_restricted(mut self) -> ReviewOut {
        self.whys.retain(|w| !w.restricted);
        self.factors.retain(|f| !f.restricted);
        self.lessons.retain(|l| !l.restricted);
        self
    }
}

fn review_out(d: ReviewDetail, with_interviews: bool) -> ReviewOut {
    let r = d.review;
    ReviewOut {
        case_id: r.case_id,
        state: r.state,
        facilitator_id: r.facilitator_id,
        what_happened: r.what_happened,
        interpretations: r.interpretations,
        impact: r.impact,
        whys: d.whys,
        factors: d.factors,
        went_well: r.went_well,
        got_lucky: r.got_lucky,
        lessons: d.lessons,
        versions: SectionVersions {
            what: r.what_version,
            impact: r.impact_version,
            learn: r.learn_version,
        },
        interviews: with_interviews.then_some(d.interviews),
        published_at: r.published_ms.map(rfc3339),
        updated_at: rfc3339(r.updated_ms),
    }
}

/// Records that `ident` is shown a review's interview notes (never their content).
/// Called before the notes are sent; when it fails, they are not sent.
pub async fn audit_interview_read(
    state: &AppState,
    ident: &Identity,
    d: &ReviewDetail,
) -> Result<(), debrief_store::StoreError> {
    if d.interviews.is_empty() {
        return Ok(());
    }
    let n = d.interviews.len();
    state
        .store
        .audit(
            ident.actor(),
            "interview_notes.read",
            format!("case:{}", d.review.case_id),
            format!("{n} note{}", if n == 1 { "" } else { "s" }),
        )
        .await
        .map(|_| ())
}

async fn read_review(
    state: &AppState,
    ident: &Identity,
    id: i64,
    facilitator: bool,
) -> Result<ReviewOut, ApiError> {
    if state.store.case_detail(id).await?.is_none() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("There is no case {id}."),
        ));
    }
    let d = state.store.review(id, facilitator).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("Case {id} has no review yet; it opens when the case moves to in_review, or with POST."),
        )
    })?;
    if facilitator {
        audit_interview_read(state, ident, &d).await?;
    }
    Ok(review_out(d, facilitator))
}

/// The case's blameless review (interview notes for facilitators only;
/// restricted parts for those who write reviews only).
#[utoipa::path(get, path = "/api/v1/cases/{id}/review", tag = "reviews", params(("id" = i64, Path)),
    responses((status = 200, body = ReviewOut), (status = 404, body = Problem)))]
pub async fn get_review(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
) -> Result<Json<ReviewOut>, ApiError> {
    let facilitator = ident.roles().contains(Role::Facilitator);
    let out = read_review(&state, &ident, id, facilitator).await?;
    // restricted parts are for those who write reviews; other case readers
    // read the review as it will be published
    Ok(Json(if may(&ident, "POST", "/cases/{id}/review/{part}") {
        out
    } else {
        out.without_restricted()
    }))
}

/// Opens the case's review before the case reaches in_review (idempotent).
#[utoipa::path(post, path = "/api/v1/cases/{id}/review", tag = "reviews", params(("id" = i64, Path)),
    responses((status = 201, body = ReviewOut), (status = 404, body = Problem)))]
pub async fn post_review(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    if state.store.case_detail(id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    state.store.open_review(id, ident.user.id, now_ms()).await?;
    let facilitator = ident.roles().contains(Role::Facilitator);
    let out = read_review(&state, &ident, id, facilitator).await?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// One edit of a review: `part` is `what`, `impact`, `learn`, `why`, `factor`,
/// `lesson`, `interview` (facilitators) or `remove`; `version` is the version
/// the edit started from (omit it when adding an item). The other fields are
/// those of the part, as in the review page's forms.
#[derive(Deserialize, ToSchema)]
pub struct ReviewEditIn {
    pub part: String,
    pub version: Option<i64>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Saves one edit; a stale `version` is refused with 409 and nothing is written.
#[utoipa::path(patch, path = "/api/v1/cases/{id}/review", tag = "reviews", params(("id" = i64, Path)), request_body = ReviewEditIn,
    responses((status = 200, body = ReviewOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn patch_review(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReviewEditIn>,
) -> Result<Json<ReviewOut>, ApiError> {
    let facilitator = ident.roles().contains(Role::Facilitator);
    let mut f = Fields::new();
    for (k, v) in b.fields {
        let s = match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Bool(b) => {
                if b {
                    "on".into()
                } else {
                    String::new()
                }
            }
            serde_json::Value::Null => String::new(),
            serde_json::Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join("\n"),
            other => other.to_string(),
        };
        f.insert(k, s);
    }
    if (b.part == "interview"
        || (b.part == "remove" && f.get("what").is_some_and(|w| w == "interview")))
        && !facilitator
    {
        return Err(ApiError::forbidden());
    }
    let edit = parse_edit(&b.part, &f).map_err(|v| ApiError::invalid(v.errors))?;
    if state.store.review(id, false).await?.is_none() {
        return Err(ApiError::not_found());
    }
    state
        .store
        .edit_review(id, edit, b.version.unwrap_or(0), ident.user.id, now_ms())
        .await?;
    Ok(Json(read_review(&state, &ident, id, facilitator).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewStateIn {
    /// `in_review`, `published` or back to `draft`.
    pub to: String,
    /// Publish although the blameless-language checker still has warnings.
    #[serde(default)]
    pub acknowledge_warnings: bool,
}

/// Moves the review along draft → in_review → published.
#[utoipa::path(post, path = "/api/v1/cases/{id}/review/state", tag = "reviews", params(("id" = i64, Path)), request_body = ReviewStateIn,
    responses((status = 200, body = ReviewOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_review_state(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReviewStateIn>,
) -> Result<Json<ReviewOut>, ApiError> {
    let to = b.to.parse::<ReviewState>().map_err(|e| {
        ApiError::invalid(vec![FieldError {
            field: "to".into(),
            message: e,
        }])
    })?;
    let d = state
        .store
        .review(id, false)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let warnings = crate::lint_web::warnings(&crate::lint_web::review_findings(&state, &d).await);
    state
        .store
        .set_review_state(
            id,
            to,
            warnings,
            b.acknowledge_warnings,
            ident.user.id,
            now_ms(),
        )
        .await?;
    let facilitator = ident.roles().contains(Role::Facilitator);
    Ok(Json(read_review(&state, &ident, id, facilitator).await?))
}

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
    Path(id): Path<i64>,
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
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ActionItemIn>,
) -> Result<Response, ApiError> {
    if state.store.case_detail(id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    let i = validate_item(
        &ItemForm {
            title: &b.title,
            description: &b.description,
            owner: b.owner_id,
            due: &b.due_date,
            priority: b.priority.as_deref().unwrap_or("medium"),
            factor: b.factor_id,
            tracker: b.tracker_url.as_deref().unwrap_or(""),
        },
        today(),
        true,
    )
    .map_err(|v| {
        // the form's due_day is the API's due_date
        let errors = v
            .errors
            .into_iter()
            .map(|mut e| {
                if e.field == "due_day" {
                    e.field = "due_date".into();
                }
                e
            })
            .collect();
        ApiError::invalid(errors)
    })?;
    let n = NewActionItem {
        case_id: id,
        title: i.title,
        description: i.description,
        owner_id: i.owner_id.unwrap_or_default(),
        due_day: i.due_day,
        priority: i.priority,
        factor_id: i.factor_id,
        tracker_url: i.tracker_url,
    };
    let a = state
        .store
        .create_action_item(n, ident.user.id, now_ms())
        .await
        .map_err(|e| match e {
            debrief_store::StoreError::Invalid(m) => ApiError::invalid(vec![FieldError {
                field: if m.contains("owner") {
                    "owner_id"
                } else {
                    "factor_id"
                }
                .into(),
                message: m,
            }]),
            other => ApiError::from(other),
        })?;
    Ok((StatusCode::CREATED, Json(item_out(a))).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemsQuery {
    pub limit: Option<i64>,
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
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ActionItemPatch>,
) -> Result<Json<ActionItemOut>, ApiError> {
    let a = state
        .store
        .action_item(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let manager = may(&ident, "POST", "/cases/{id}/action-items");
    let owner = a.owner_id == ident.user.id;
    if !owner && !manager {
        return Err(if may(&ident, "GET", "/action-items/all") {
            ApiError::forbidden()
        } else {
            ApiError::not_found()
        });
    }
    if (b.owner_id.is_some() || b.due_date.is_some()) && !manager {
        return Err(ApiError::forbidden());
    }
    let mut v = debrief_core::Validation::new();
    let mut ch = ItemChanges::default();
    if let Some(s) = &b.status {
        match s.parse::<ActionStatus>() {
            Ok(s) => ch.status = Some(s),
            Err(e) => v.add("status", e),
        }
    }
    ch.note = b.note.clone();
    if let Some(d) = &b.check_date {
        match parse_day(d) {
            Ok(day) if day <= today() => v.add("check_date", "Schedule the check for a later day."),
            Ok(_) => ch.check_day = Some(d.trim().to_string()),
            Err(e) => v.add("check_date", e),
        }
    }
    if let Some(m) = crate::pages_actions::checker_refusal(&ident, &a, b.check_owner_id) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, m));
    }
    ch.check_owner_id = b.check_owner_id;
    if let Some(d) = &b.due_date {
        match parse_day(d) {
            Ok(_) => ch.due_day = Some(d.trim().to_string()),
            Err(e) => v.add("due_date", e),
        }
    }
    ch.owner_id = b.owner_id;
    v.finish().map_err(ApiError::invalid)?;
    let a = state
        .store
        .update_action_item(id, ch, b.version, ident.user.id, now_ms())
        .await
        .map_err(|e| match e {
            debrief_store::StoreError::Invalid(m) => ApiError::invalid(vec![FieldError {
                field: "note".into(),
                message: m,
            }]),
            other => ApiError::from(other),
        })?;
    Ok(Json(item_out(a)))
}
