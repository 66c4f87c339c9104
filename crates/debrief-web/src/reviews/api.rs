//! The blameless review API.

use crate::AppState;
use crate::platform::api::{ApiJson, ApiPath, rfc3339};
use crate::platform::auth::{Identity, Signed};
use crate::platform::error::{ApiError, Problem};
use crate::platform::form::Fields;
use crate::reviews::form::parse_edit;
use crate::reviews::ops::audit_interview_read;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use debrief_core::FieldError;
use debrief_core::review::ReviewState;
use debrief_store::now_ms;
use debrief_store::reviews::ReviewDetail;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    let d = state
        .store
        .review(id, facilitator)
        .await?
        .ok_or_else(|| no_review(id))?;
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
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ReviewOut>, ApiError> {
    let facilitator = crate::reviews::policy::sees_interviews(&ident);
    let out = read_review(&state, &ident, id, facilitator).await?;
    // restricted parts are for those who write reviews; other case readers
    // read the review as it will be published
    Ok(Json(if crate::reviews::policy::sees_restricted(&ident) {
        out
    } else {
        out.without_restricted()
    }))
}

/// No review at this address: the case has none yet, or there is no such case.
fn no_review(id: i64) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "There is no review of case {id}; a review opens when the case moves to in_review, or with POST /api/v1/cases/{id}/review."
        ),
    )
}

/// Opens the case's review before the case reaches in_review (idempotent).
#[utoipa::path(post, path = "/api/v1/cases/{id}/review", tag = "reviews", params(("id" = i64, Path)),
    responses((status = 201, body = ReviewOut), (status = 404, body = Problem)))]
pub async fn post_review(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    if state.store.case_detail(id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    state.store.open_review(id, ident.user.id, now_ms()).await?;
    let facilitator = crate::reviews::policy::sees_interviews(&ident);
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
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReviewEditIn>,
) -> Result<Json<ReviewOut>, ApiError> {
    let facilitator = crate::reviews::policy::sees_interviews(&ident);
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
    let edit = parse_edit(&b.part, &f)?;
    if state.store.review(id, false).await?.is_none() {
        return Err(no_review(id));
    }
    state
        .store
        .edit_review(id, edit, b.version.unwrap_or(0), ident.user.id, now_ms())
        .await?;
    Ok(Json(read_review(&state, &ident, id, facilitator).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
    ApiPath(id): ApiPath<i64>,
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
        .ok_or_else(|| no_review(id))?;
    let warnings =
        crate::reviews::lint::warnings(&crate::reviews::lint::review_findings(&state, &d).await);
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
    let facilitator = crate::reviews::policy::sees_interviews(&ident);
    Ok(Json(read_review(&state, &ident, id, facilitator).await?))
}
