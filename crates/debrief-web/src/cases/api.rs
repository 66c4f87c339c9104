//! The cases API.

use crate::AppState;
use crate::cases::ops::{CaseIn, timeline_kind, validate_case};
use crate::platform::api::{ApiJson, ApiPath, ApiQuery, ListQuery, Page, rfc3339};
use crate::platform::auth::Signed;
use crate::platform::error::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use debrief_core::case::{Severity, Status};
use debrief_core::{Validation, times};
use debrief_store::cases::{Case, CaseDetail};
use debrief_store::now_ms;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: i64,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// Where the case may go next.
    pub allowed_transitions: Vec<Status>,
    pub urgent: bool,
    /// A drill or exercise: left out of every learning metric.
    pub drill: bool,
    pub occurred_at: Option<String>,
    pub detected_at: Option<String>,
    pub reported_at: Option<String>,
    pub acknowledged_at: Option<String>,
    pub contained_at: Option<String>,
    pub resolved_at: Option<String>,
    pub in_review_at: Option<String>,
    pub published_at: Option<String>,
    pub closed_at: Option<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_ids: Option<Vec<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transitions: Option<Vec<TransitionOut>>,
}

#[derive(Serialize, ToSchema)]
pub struct TimelineOut {
    pub at: String,
    pub kind: String,
    pub body: String,
}

#[derive(Serialize, ToSchema)]
pub struct TransitionOut {
    pub from: String,
    pub to: String,
    pub at: String,
    pub recorded_at: String,
    pub reason: String,
}

impl From<&Case> for CaseOut {
    fn from(c: &Case) -> Self {
        CaseOut {
            id: c.id,
            title: c.title.clone(),
            severity: c.severity,
            status: c.status,
            allowed_transitions: c.status.next().to_vec(),
            urgent: c.urgent,
            drill: c.drill,
            occurred_at: c.occurred_ms.map(rfc3339),
            detected_at: c.detected_ms.map(rfc3339),
            reported_at: c.reported_ms.map(rfc3339),
            acknowledged_at: c.acknowledged_ms.map(rfc3339),
            contained_at: c.contained_ms.map(rfc3339),
            resolved_at: c.resolved_ms.map(rfc3339),
            in_review_at: c.in_review_ms.map(rfc3339),
            published_at: c.published_ms.map(rfc3339),
            closed_at: c.closed_ms.map(rfc3339),
            created_at: rfc3339(c.created_ms),
            report_ids: None,
            timeline: None,
            transitions: None,
        }
    }
}

impl From<&CaseDetail> for CaseOut {
    fn from(d: &CaseDetail) -> Self {
        let mut out = CaseOut::from(&d.case);
        out.report_ids = Some(d.reports.iter().map(|r| r.id).collect());
        out.timeline = Some(
            d.timeline
                .iter()
                .map(|t| TimelineOut {
                    at: rfc3339(t.at_ms),
                    kind: t.kind.clone(),
                    body: t.body.clone(),
                })
                .collect(),
        );
        out.transitions = Some(
            d.transitions
                .iter()
                .map(|t| TransitionOut {
                    from: t.from.clone(),
                    to: t.to.clone(),
                    at: rfc3339(t.at_ms),
                    recorded_at: rfc3339(t.recorded_ms),
                    reason: t.reason.clone(),
                })
                .collect(),
        );
        out
    }
}

/// Opens a case, optionally from reports.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CaseIn,
    responses((status = 201, body = CaseOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_case(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiJson(b): ApiJson<CaseIn>,
) -> Result<Response, ApiError> {
    let n = validate_case(&b, ident.user.id, false)?;
    let id = state.store.create_case(n, now_ms()).await?;
    let d = state
        .store
        .case_detail(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, Json(CaseOut::from(&d))).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    #[param(minimum = 0)]
    pub offset: Option<i64>,
    /// Only cases with this status.
    pub status: Option<String>,
}

/// Cases, newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery), responses((status = 200, body = Page<CaseOut>)))]
pub async fn list_cases(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> Result<Json<Page<CaseOut>>, ApiError> {
    let (limit, offset) = ListQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds()?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<Status>().map_err(|e| {
            ApiError::invalid(vec![debrief_core::FieldError {
                field: "status".into(),
                message: e,
            }])
        })?),
    };
    let (items, total) = state.store.list_cases(status, limit, offset).await?;
    Ok(Json(Page {
        items: items.iter().map(CaseOut::from).collect(),
        total,
    }))
}

/// One case with its reports, timeline and transitions.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path)), responses((status = 200, body = CaseOut), (status = 404, body = Problem)))]
pub async fn get_case(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CaseOut>, ApiError> {
    let d = state
        .store
        .case_detail(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(CaseOut::from(&d)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionIn {
    /// The status to move to.
    pub to: String,
    /// When it happened, if earlier than now (RFC 3339); needs `reason`.
    pub at: Option<String>,
    pub reason: Option<String>,
}

/// Moves a case along its lifecycle; 409 names the allowed transitions.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", tag = "cases", params(("id" = i64, Path)), request_body = TransitionIn,
    responses((status = 200, body = CaseOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_transition(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TransitionIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let now = now_ms();
    let mut v = Validation::new();
    let to = match b.to.trim().parse::<Status>() {
        Ok(s) => Some(s),
        Err(e) => {
            v.add("to", e);
            None
        }
    };
    let at = times::parse_time(&mut Validation::new(), "at", b.at.as_deref(), i64::MAX);
    if b.at.as_deref().is_some_and(|s| !s.trim().is_empty()) && at.is_none() {
        v.add("at", "Use an RFC 3339 time such as 2026-03-14T09:30:00Z.");
    }
    if let Some(r) = &b.reason {
        v.optional_text("reason", r, debrief_core::case::REASON_MAX);
    }
    v.finish().map_err(ApiError::invalid)?;
    let to = to.ok_or_else(ApiError::not_found)?;
    let case = state
        .store
        .transition(
            id,
            to,
            at,
            b.reason.clone().filter(|r| !r.trim().is_empty()),
            ident.user.id,
            now,
        )
        .await?;
    Ok(Json(CaseOut::from(&case)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineIn {
    /// `fact`, `decision` or `communication`.
    pub kind: String,
    pub body: String,
    /// When it happened (RFC 3339); now if omitted.
    pub at: Option<String>,
}

/// Adds a timeline entry to a case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/timeline", tag = "cases", params(("id" = i64, Path)), request_body = TimelineIn,
    responses((status = 201), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn post_timeline(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TimelineIn>,
) -> Result<StatusCode, ApiError> {
    let now = now_ms();
    let mut v = Validation::new();
    let kind = timeline_kind(b.kind.trim());
    if kind.is_none() {
        v.add("kind", "Expected fact, decision or communication.");
    }
    let body = v.text("body", &b.body, debrief_core::case::TIMELINE_MAX);
    let at = times::parse_time(&mut v, "at", b.at.as_deref(), now).unwrap_or(now);
    v.finish().map_err(ApiError::invalid)?;
    state
        .store
        .add_timeline(id, at, kind.unwrap_or("fact"), body, ident.user.id, now)
        .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimesIn {
    pub occurred_at: Option<String>,
    pub detected_at: Option<String>,
    /// Why the times change; recorded in the audit log.
    pub reason: String,
}

/// Corrects when the incident occurred or was detected, with a reason (audited).
#[utoipa::path(put, path = "/api/v1/cases/{id}/times", tag = "cases", params(("id" = i64, Path)), request_body = TimesIn,
    responses((status = 200, body = CaseOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_times(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TimesIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let now = now_ms();
    let mut v = Validation::new();
    let reason = v.text("reason", &b.reason, debrief_core::case::REASON_MAX);
    let occurred = times::parse_time(&mut v, "occurred_at", b.occurred_at.as_deref(), now);
    let detected = times::parse_time(&mut v, "detected_at", b.detected_at.as_deref(), now);
    if occurred.is_none() && detected.is_none() && v.is_ok() {
        v.add("occurred_at", "Give occurred_at, detected_at or both.");
    }
    v.finish().map_err(ApiError::invalid)?;
    state
        .store
        .correct_times(id, occurred, detected, reason, ident.user.id, now)
        .await?;
    let d = state
        .store
        .case_detail(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(CaseOut::from(&d)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CasePatch {
    pub title: Option<String>,
    /// `critical`, `high`, `medium` or `low`.
    pub severity: Option<String>,
    /// The lead's user id; `null` removes the lead.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub lead_id: Option<Option<i64>>,
    /// The team's id; `null` removes the team.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub team_id: Option<Option<i64>>,
    /// Marks the case as a drill or exercise (`true`), left out of every
    /// learning metric, or as a real case (`false`). Security leads only;
    /// anyone else gets 403.
    pub drill: Option<bool>,
}

/// A field that is present (possibly `null`) becomes `Some(_)`; a missing one stays `None`.
pub(crate) fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// Changes a case's title, severity, lead or team, or marks it as a drill
/// (audited).
#[utoipa::path(patch, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path)), request_body = CasePatch,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn patch_case(
    State(state): State<AppState>,
    Signed(ident): Signed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CasePatch>,
) -> Result<Json<CaseOut>, ApiError> {
    let mut v = Validation::new();
    let title = b
        .title
        .as_deref()
        .map(|t| v.text("title", t, debrief_core::case::TITLE_MAX));
    let severity = match b.severity.as_deref().map(str::parse::<Severity>) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            v.add("severity", e);
            None
        }
    };
    v.finish().map_err(ApiError::invalid)?;
    if b.drill.is_some() && !crate::cases::policy::may_mark_drill(&ident) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Only security leads mark a case as a drill or exercise.",
        ));
    }
    let ch = debrief_store::cases::CaseChanges {
        title,
        severity,
        lead_id: b.lead_id,
        team_id: b.team_id,
        drill: b.drill,
    };
    let c = state
        .store
        .update_case(id, ch, ident.user.id, now_ms())
        .await?;
    Ok(Json(CaseOut::from(&c)))
}
