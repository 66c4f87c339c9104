//! The blameless review workspace (the Five Questions with the facilitator's
//! guidance): the page and what it shows.

use crate::AppState;
use crate::actions::view::{ItemView, item_view};
use crate::platform::auth::{Identity, Signed, may};
use crate::platform::error::PageError;
use crate::platform::form::{Fields, ticked};
use crate::platform::shell::{Ctx, render_status, time_html};
use crate::platform::shell::{excerpt, today};
use crate::reviews::save::{saved_notice, section_of};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use debrief_core::Role;
use debrief_core::review::{ActionPriority, LessonLevel, ReviewState, SectionHead, section};
use debrief_store::now_ms;
use debrief_store::reviews::ReviewDetail;
use serde::Deserialize;
use std::collections::HashMap;

/// What a review page says after an action, and what it keeps of the form.
#[derive(Default)]
pub struct Flash {
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The part the kept form belongs to (`what`, `why:12`, `new-why`, …).
    pub kept_part: String,
    pub kept: Fields,
    /// Further parts kept as typed, when one save carried several parts.
    pub kept_parts: HashMap<String, Fields>,
    pub conflicts: Vec<Conflict>,
    /// What the last save stored, as the tokens of `?saved=`.
    pub saved: Option<String>,
}

/// Someone saved the same part first: both texts, so nothing typed is lost.
impl Flash {
    pub fn error(message: impl Into<String>) -> Flash {
        Flash {
            error: Some(message.into()),
            ..Default::default()
        }
    }
    pub fn notice(message: impl Into<String>) -> Flash {
        Flash {
            notice: Some(message.into()),
            ..Default::default()
        }
    }
}

pub struct Conflict {
    pub part: String,
    pub theirs: Vec<(String, String)>,
}

pub struct TimelineView {
    pub at: String,
    pub kind: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "reviews/review.html")]
struct ReviewPage {
    ctx: Ctx,
    case_id: i64,
    case_title: String,
    severity: &'static str,
    case_status: &'static str,
    d: Option<ReviewDetail>,
    state_label: &'static str,
    next_states: Vec<(&'static str, &'static str)>,
    facilitator: Option<String>,
    facilitators: Vec<(i64, String, bool)>,
    people: Vec<(i64, String)>,
    categories: Vec<(String, String, String)>,
    levels: Vec<(&'static str, &'static str, &'static str)>,
    priorities: Vec<(&'static str, &'static str)>,
    timeline: Vec<TimelineView>,
    items: Vec<ItemView>,
    s_what: SectionHead,
    s_impact: SectionHead,
    s_why: SectionHead,
    s_learn: SectionHead,
    s_actions: SectionHead,
    can_edit: bool,
    can_interview: bool,
    can_add_items: bool,
    can_open: bool,
    min_due: String,
    lint: Vec<LintView>,
    lint_warnings: usize,
    flash: Flash,
}

/// A checker finding as the review page shows it.
pub struct LintView {
    pub anchor: &'static str,
    pub label: String,
    pub severity: &'static str,
    pub rule: &'static str,
    pub matched: String,
    pub message: String,
    pub suggestion: Option<String>,
}

impl ReviewPage {
    /// What the form field shows: what the user typed when this part's form
    /// came back, otherwise the stored value.
    fn val(&self, part: &str, name: &str, stored: &str) -> String {
        match self.kept(part) {
            Some(k) if name.starts_with("base:") => {
                k.get(name).cloned().unwrap_or_else(|| stored.to_string())
            }
            Some(k) => k.get(name).cloned().unwrap_or_default(),
            None => stored.to_string(),
        }
    }
    /// The input kept for a part, if its form came back.
    fn kept(&self, part: &str) -> Option<&Fields> {
        if !part.is_empty() && self.flash.kept_part == part {
            Some(&self.flash.kept)
        } else {
            self.flash.kept_parts.get(part)
        }
    }
    /// Whether a checkbox of a part shows ticked: as typed, or as stored.
    fn checked(&self, part: &str, stored: impl std::borrow::Borrow<bool>) -> bool {
        match self.kept(part) {
            Some(k) => ticked(k, "restricted"),
            None => *stored.borrow(),
        }
    }
    /// The `base:restricted` value of an item's form.
    fn base_flag(&self, part: &str, stored: impl std::borrow::Borrow<bool>) -> String {
        let on = if *stored.borrow() { "on" } else { "" };
        self.val(part, "base:restricted", on)
    }
    fn num(&self, part: &str, name: &str, stored: &Option<i64>) -> String {
        let s = stored.map(|v| v.to_string()).unwrap_or_default();
        self.val(part, name, &s)
    }
    /// The stored impact fields, as the `base:` values of the impact form.
    fn impact_base(&self) -> Vec<(&'static str, String)> {
        let Some(d) = &self.d else { return Vec::new() };
        let i = &d.review.impact;
        let n = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        [
            ("duration_minutes", n(i.duration_minutes)),
            ("people_affected", n(i.people_affected)),
            ("records_affected", n(i.records_affected)),
            ("services", i.services.clone()),
            ("cost", i.cost.clone()),
            ("notes", i.notes.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k, self.val("impact", &format!("base:{k}"), &v)))
        .collect()
    }
    fn is_kept(&self, part: &str) -> bool {
        self.kept(part).is_some()
    }
    fn conflict_for(&self, part: &str) -> Option<&Conflict> {
        self.flash.conflicts.iter().find(|c| c.part == part)
    }
    fn lessons_at(&self, level: &str) -> Vec<&debrief_store::reviews::Lesson> {
        self.d
            .as_ref()
            .map(|d| {
                d.lessons
                    .iter()
                    .filter(|l| l.level.as_str() == level)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Renders the review workspace of a case.
pub async fn review_page(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    case_id: i64,
    code: StatusCode,
    flash: Flash,
) -> Response {
    let cd = match state.store.case_detail(case_id).await {
        Ok(Some(d)) => d,
        Ok(None) => return PageError::not_found().into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let can_interview = crate::reviews::policy::sees_interviews(ident);
    // restricted parts are for those who write reviews; other case readers
    // read the review as it will be published
    let writes_reviews = crate::reviews::policy::sees_restricted(ident);
    let d = match state.store.review(case_id, can_interview).await {
        Ok(d) if writes_reviews => d,
        Ok(d) => d.map(ReviewDetail::public),
        Err(e) => return PageError::from(e).into_response(),
    };
    if let Some(d) = &d
        && let Err(e) = crate::reviews::ops::audit_interview_read(state, ident, d).await
    {
        return PageError::from(e).into_response();
    }
    let users = state
        .store
        .list_users(1000, 0, None)
        .await
        .map(|x| x.0)
        .unwrap_or_default();
    let categories = state.store.factor_categories().await.unwrap_or_default();
    let items = match state.store.case_action_items(case_id).await {
        Ok(x) => x,
        Err(e) => return PageError::from(e).into_response(),
    };
    let today = today();
    let facilitator_id = d.as_ref().and_then(|d| d.review.facilitator_id);
    let found = match &d {
        Some(d) => crate::reviews::lint::review_findings(state, d).await,
        None => Vec::new(),
    };
    let lint_warnings = crate::reviews::lint::warnings(&found);
    let mut flash = flash;
    if flash.notice.is_none()
        && let Some(tokens) = flash.saved.take()
    {
        flash.notice = saved_notice(&tokens, d.as_ref());
    }
    let lint = found
        .into_iter()
        .flat_map(|p| {
            let anchor = section_of(p.part.split(':').next().unwrap_or(""));
            p.findings.into_iter().map(move |f| LintView {
                anchor,
                label: p.label.clone(),
                severity: f.severity.as_str(),
                rule: f.rule.id(),
                matched: f.matched,
                message: f.message,
                suggestion: f.suggestion,
            })
        })
        .collect();
    let page = ReviewPage {
        case_id,
        case_title: cd.case.title.clone(),
        severity: cd.case.severity.label(),
        case_status: cd.case.status.label(),
        state_label: d.as_ref().map_or("Not opened", |d| d.review.state.label()),
        next_states: d
            .as_ref()
            .map(|d| {
                d.review
                    .state
                    .next()
                    .iter()
                    .map(|s| (s.as_str(), s.label()))
                    .collect()
            })
            .unwrap_or_default(),
        facilitator: facilitator_id
            .and_then(|f| users.iter().find(|u| u.id == f))
            .map(|u| u.name.clone()),
        facilitators: users
            .iter()
            .filter(|u| !u.disabled && u.roles.contains(Role::Facilitator))
            .map(|u| (u.id, u.name.clone(), Some(u.id) == facilitator_id))
            .collect(),
        people: users
            .iter()
            .filter(|u| !u.disabled)
            .map(|u| (u.id, u.name.clone()))
            .collect(),
        categories: categories
            .into_iter()
            .map(|c| (c.key, c.label, c.description))
            .collect(),
        levels: LessonLevel::ALL
            .iter()
            .map(|l| (l.as_str(), l.label(), l.guidance()))
            .collect(),
        priorities: ActionPriority::ALL
            .iter()
            .map(|p| (p.as_str(), p.label()))
            .collect(),
        timeline: cd
            .timeline
            .iter()
            .map(|t| TimelineView {
                at: time_html(t.at_ms),
                kind: t.kind.clone(),
                body: t.body.clone(),
            })
            .collect(),
        items: items
            .iter()
            .map(|a| {
                let mut v = item_view(a, today);
                // in the workspace, those who see restricted factors see which one
                if let Some(f) = d.as_ref().and_then(|d| {
                    d.factors
                        .iter()
                        .find(|f| a.factor_restricted && Some(f.id) == a.factor_id)
                }) {
                    let label = format!("{}: {}", f.category_label, f.explanation);
                    v.factor = Some(format!("{} (restricted)", excerpt(&label, 90)));
                }
                v
            })
            .collect(),
        s_what: section("what"),
        s_impact: section("impact"),
        s_why: section("why"),
        s_learn: section("learn"),
        s_actions: section("actions"),
        can_edit: may(ident, "POST", "/cases/{id}/review/{part}")
            && d.as_ref()
                .is_some_and(|d| d.review.state != ReviewState::Published),
        can_interview,
        can_add_items: may(ident, "POST", "/cases/{id}/action-items"),
        can_open: may(ident, "POST", "/cases/{id}/review"),
        min_due: today.format("%Y-%m-%d").to_string(),
        lint,
        lint_warnings,
        d,
        flash,
        ctx,
    };
    render_status(code, &page)
}

#[derive(Deserialize, Default)]
pub struct ReviewQuery {
    saved: Option<String>,
}

pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Query(q): Query<ReviewQuery>,
) -> Response {
    let flash = Flash {
        saved: q.saved,
        ..Default::default()
    };
    review_page(&state, ctx, &ident, id, StatusCode::OK, flash).await
}

/// Opens a review before the case reaches "in review".
pub async fn open_review(
    State(state): State<AppState>,
    Signed(ident): Signed,
    Path(id): Path<i64>,
) -> Response {
    match state.store.open_review(id, ident.user.id, now_ms()).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}/review")).into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}
