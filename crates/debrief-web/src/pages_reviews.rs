//! The blameless review workspace (the Five Questions with the facilitator's
//! guidance), interview notes, the learning library, and action items.

use crate::AppState;
use crate::auth::{Identity, Signed, may};
use crate::error::PageError;
use crate::pages::{Ctx, render_status, time_html};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use debrief_core::Role;
use debrief_core::review::{ActionPriority, LessonLevel, ReviewState, SECTIONS};
use debrief_store::action_items::{ActionItem, ItemFilter};
use debrief_store::reviews::{Edit, ReviewDetail};
use debrief_store::{StoreError, now_ms};
use serde::Deserialize;
use std::collections::HashMap;

/// A submitted form as name → value (the last value wins).
pub type Fields = HashMap<String, String>;

pub(crate) fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map_or("", |s| s.as_str())
}

/// Whether a posted checkbox was ticked.
fn ticked(f: &Fields, name: &str) -> bool {
    matches!(field(f, name), "on" | "true" | "1" | "yes")
}

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

pub struct ItemView {
    pub id: i64,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    pub priority: &'static str,
    pub status: &'static str,
    pub status_value: &'static str,
    pub factor: Option<String>,
    pub tracker_url: Option<String>,
    pub case_id: i64,
    pub case_title: String,
    pub check_day: Option<String>,
}

/// What an item shows for a restricted factor outside the review workspace.
pub const RESTRICTED_FACTOR: &str = "A restricted contributing factor";

pub fn item_view(a: &ActionItem, today: chrono::NaiveDate) -> ItemView {
    let overdue = !a.status.is_closed()
        && debrief_core::review::parse_day(&a.due_day).is_ok_and(|d| d < today);
    ItemView {
        id: a.id,
        title: a.title.clone(),
        owner: a.owner_name.clone(),
        due: a.due_day.clone(),
        overdue,
        priority: a.priority.label(),
        status: a.status.label(),
        status_value: a.status.as_str(),
        factor: a
            .factor_label
            .as_deref()
            .map(|f| excerpt(f, 90))
            .or_else(|| a.factor_restricted.then(|| RESTRICTED_FACTOR.to_string())),
        tracker_url: a.tracker_url.clone(),
        case_id: a.case_id,
        case_title: a.case_title.clone(),
        check_day: a.check_day.clone().filter(|_| a.check_done_ms.is_none()),
    }
}

pub fn today() -> chrono::NaiveDate {
    debrief_core::review::day_of(now_ms())
}

pub struct SectionHead {
    pub key: &'static str,
    pub number: usize,
    pub title: &'static str,
    pub prompts: &'static [&'static str],
}

fn section(key: &str) -> SectionHead {
    let (i, (k, t, g)) = SECTIONS
        .iter()
        .enumerate()
        .find(|(_, (k, _, _))| *k == key)
        .unwrap_or((0, &SECTIONS[0]));
    SectionHead {
        key: k,
        number: i + 1,
        title: t,
        prompts: g,
    }
}

#[derive(Template)]
#[template(path = "review.html")]
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
    let can_interview = ident.roles().contains(Role::Facilitator);
    // restricted parts are for those who write reviews; other case readers
    // read the review as it will be published
    let writes_reviews = may(ident, "POST", "/cases/{id}/review/{part}");
    let d = match state.store.review(case_id, can_interview).await {
        Ok(d) if writes_reviews => d,
        Ok(d) => d.map(ReviewDetail::public),
        Err(e) => return PageError::from(e).into_response(),
    };
    if let Some(d) = &d
        && let Err(e) = crate::api_reviews::audit_interview_read(state, ident, d).await
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
    let items = match state
        .store
        .list_action_items(
            ItemFilter {
                case_id: Some(case_id),
                ..Default::default()
            },
            500,
            0,
        )
        .await
    {
        Ok(x) => x.0,
        Err(e) => return PageError::from(e).into_response(),
    };
    let today = today();
    let facilitator_id = d.as_ref().and_then(|d| d.review.facilitator_id);
    let found = match &d {
        Some(d) => crate::lint_web::review_findings(state, d).await,
        None => Vec::new(),
    };
    let lint_warnings = crate::lint_web::warnings(&found);
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

/// A text of at most `max` characters, required or not.
fn text(
    v: &mut debrief_core::Validation,
    f: &Fields,
    name: &str,
    max: usize,
    required: bool,
) -> String {
    let s = field(f, name).trim();
    if required && s.is_empty() {
        v.add(name, "This field is required.");
    } else if s.chars().count() > max {
        v.add(name, format!("At most {max} characters."));
    }
    s.to_string()
}

/// A whole number of zero or more, or nothing.
fn count(v: &mut debrief_core::Validation, f: &Fields, name: &str) -> Option<i64> {
    let s = field(f, name).trim();
    if s.is_empty() {
        return None;
    }
    match s.replace([',', '_', ' '], "").parse::<i64>() {
        Ok(n) if n >= 0 => Some(n),
        _ => {
            v.add(name, "Give a whole number of zero or more.");
            None
        }
    }
}

/// Every field error of a form in one line.
pub(crate) fn messages(v: &debrief_core::Validation) -> String {
    v.errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn opt_id(f: &Fields, name: &str) -> Option<i64> {
    field(f, name).trim().parse::<i64>().ok()
}

const LONG: usize = 20_000;

/// Turns a posted review form into an edit of the part named in the path.
pub fn parse_edit(part: &str, f: &Fields) -> Result<Edit, debrief_core::Validation> {
    let mut v = debrief_core::Validation::new();
    let edit = match part {
        "what" => Edit::What {
            what_happened: text(&mut v, f, "what_happened", LONG, false),
            interpretations: text(&mut v, f, "interpretations", LONG, false),
        },
        "impact" => Edit::Impact(debrief_store::reviews::Impact {
            duration_minutes: count(&mut v, f, "duration_minutes"),
            people_affected: count(&mut v, f, "people_affected"),
            records_affected: count(&mut v, f, "records_affected"),
            services: text(&mut v, f, "services", 2_000, false),
            cost: text(&mut v, f, "cost", 200, false),
            notes: text(&mut v, f, "notes", LONG, false),
        }),
        "learn" => Edit::Learn {
            went_well: text(&mut v, f, "went_well", LONG, false),
            got_lucky: text(&mut v, f, "got_lucky", LONG, false),
        },
        "why" => {
            let problem = text(&mut v, f, "problem", 2_000, true);
            let steps = debrief_core::review::why_steps(field(f, "steps"));
            if steps.is_empty() {
                v.add("steps", "Write at least one \"why?\" answer, one per line.");
            } else if steps.len() > 20 || steps.iter().any(|s| s.chars().count() > 2_000) {
                v.add("steps", "At most 20 answers of 2000 characters each.");
            }
            Edit::Why {
                id: opt_id(f, "id"),
                problem,
                steps,
                systemic_condition: text(&mut v, f, "systemic_condition", 2_000, true),
                restricted: ticked(f, "restricted"),
            }
        }
        "factor" => Edit::Factor {
            id: opt_id(f, "id"),
            category: text(&mut v, f, "category", 100, true),
            explanation: text(&mut v, f, "explanation", 5_000, true),
            restricted: ticked(f, "restricted"),
        },
        "lesson" => {
            let level = match field(f, "level").parse::<LessonLevel>() {
                Ok(l) => l,
                Err(e) => {
                    v.add("level", e);
                    LessonLevel::Organisation
                }
            };
            Edit::Lesson {
                id: opt_id(f, "id"),
                level,
                body: text(&mut v, f, "body", 5_000, true),
                restricted: ticked(f, "restricted"),
            }
        }
        "interview" => Edit::Interview {
            id: opt_id(f, "id"),
            participant: text(&mut v, f, "participant", 200, true),
            participant_id: opt_id(f, "participant_id"),
            notes: text(&mut v, f, "notes", LONG, true),
        },
        "remove" => {
            let what = match field(f, "what") {
                "why" => "why",
                "factor" => "factor",
                "lesson" => "lesson",
                "interview" => "interview",
                _ => {
                    v.add("what", "Say what to remove.");
                    "why"
                }
            };
            match opt_id(f, "id") {
                Some(id) => Edit::Remove { part: what, id },
                None => {
                    v.add("id", "Say which one to remove.");
                    Edit::Remove { part: what, id: 0 }
                }
            }
        }
        _ => {
            v.add("part", "There is no such part of a review.");
            Edit::Remove { part: "why", id: 0 }
        }
    };
    if v.is_ok() { Ok(edit) } else { Err(v) }
}

/// The key under which a form's input is kept: the part and, for list items, the item.
fn kept_key(part: &str, f: &Fields) -> String {
    match opt_id(f, "id") {
        Some(id) if part != "what" && part != "impact" && part != "learn" => format!("{part}:{id}"),
        _ if matches!(part, "why" | "factor" | "lesson" | "interview") => format!("new-{part}"),
        _ => part.to_string(),
    }
}

/// The stored fields of a part, to show beside the user's in a conflict:
/// (label, form field, value).
fn theirs(d: &ReviewDetail, part: &str, id: Option<i64>) -> Vec<(String, &'static str, String)> {
    let r = &d.review;
    let s = |label: &str, field: &'static str, value: &str| {
        (label.to_string(), field, value.to_string())
    };
    let n = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    match part {
        "what" => vec![
            s("What happened", "what_happened", &r.what_happened),
            s("Interpretations", "interpretations", &r.interpretations),
        ],
        "impact" => vec![
            s(
                "Duration (minutes)",
                "duration_minutes",
                &n(r.impact.duration_minutes),
            ),
            s(
                "People affected",
                "people_affected",
                &n(r.impact.people_affected),
            ),
            s(
                "Records affected",
                "records_affected",
                &n(r.impact.records_affected),
            ),
            s("Services", "services", &r.impact.services),
            s("Cost", "cost", &r.impact.cost),
            s("Notes", "notes", &r.impact.notes),
        ],
        "learn" => vec![
            s("What went well", "went_well", &r.went_well),
            s("Where we got lucky", "got_lucky", &r.got_lucky),
        ],
        "why" => d
            .whys
            .iter()
            .filter(|w| Some(w.id) == id)
            .flat_map(|w| {
                vec![
                    s("Problem", "problem", &w.problem),
                    s("Why? answers", "steps", &w.steps.join("\n")),
                    s(
                        "Systemic condition",
                        "systemic_condition",
                        &w.systemic_condition,
                    ),
                ]
            })
            .collect(),
        "factor" => d
            .factors
            .iter()
            .filter(|x| Some(x.id) == id)
            .flat_map(|x| {
                vec![
                    s("Category", "category", &x.category),
                    s("Explanation", "explanation", &x.explanation),
                ]
            })
            .collect(),
        "lesson" => d
            .lessons
            .iter()
            .filter(|x| Some(x.id) == id)
            .flat_map(|x| {
                vec![
                    s("Level", "level", x.level.as_str()),
                    s("Lesson", "body", &x.body),
                ]
            })
            .collect(),
        "interview" => d
            .interviews
            .iter()
            .filter(|x| Some(x.id) == id)
            .flat_map(|x| vec![s("Notes", "notes", &x.notes)])
            .collect(),
        _ => Vec::new(),
    }
}

/// Merges a refused save with what was saved meanwhile, field by field: a field
/// the editor did not change (it still equals the `base:` value the form was
/// rendered with) takes the newly saved value; a field only the editor changed
/// keeps the editor's text; a field both changed keeps the editor's text and is
/// listed as a conflict beside the other person's.
fn merge(kept: &mut Fields, stored: Vec<(String, &'static str, String)>) -> Vec<(String, String)> {
    let mut conflicts = Vec::new();
    for (label, field, value) in stored {
        let mine = kept.get(field).cloned().unwrap_or_default();
        let base = kept.get(&format!("base:{field}")).cloned();
        let untouched = base.as_deref().is_some_and(|b| norm(b) == norm(&mine));
        let only_mine = base.as_deref().is_some_and(|b| norm(b) == norm(&value));
        if untouched || norm(&mine) == norm(&value) {
            kept.insert(field.to_string(), value.clone());
        } else if !only_mine {
            conflicts.push((label, value.clone()));
        }
        kept.insert(format!("base:{field}"), value);
    }
    conflicts
}

/// Text compared as a browser sends it back (line ends normalised, outer space trimmed).
fn norm(s: &str) -> String {
    s.replace("\r\n", "\n").trim().to_string()
}

/// The version a conflicting part has now, so that saving again replaces it deliberately.
fn current_version(d: &ReviewDetail, part: &str, id: Option<i64>) -> Option<i64> {
    let r = &d.review;
    match part {
        "what" => Some(r.what_version),
        "impact" => Some(r.impact_version),
        "learn" => Some(r.learn_version),
        "why" => d.whys.iter().find(|x| Some(x.id) == id).map(|x| x.version),
        "factor" => d
            .factors
            .iter()
            .find(|x| Some(x.id) == id)
            .map(|x| x.version),
        "lesson" => d
            .lessons
            .iter()
            .find(|x| Some(x.id) == id)
            .map(|x| x.version),
        "interview" => d
            .interviews
            .iter()
            .find(|x| Some(x.id) == id)
            .map(|x| x.version),
        _ => None,
    }
}

async fn save_part(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    part: &str,
    f: Fields,
) -> Response {
    let key = kept_key(part, &f);
    let edit = match parse_edit(part, &f) {
        Ok(e) => e,
        Err(v) => {
            let msg = messages(&v);
            return review_page(
                state,
                ctx,
                ident,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Flash {
                    error: Some(msg),
                    kept_part: key,
                    kept: f,
                    ..Default::default()
                },
            )
            .await;
        }
    };
    let expected = opt_id(&f, "version").unwrap_or(0);
    let item = opt_id(&f, "id");
    let removing = matches!(edit, Edit::Remove { .. });
    let edit_part = edit.part();
    match state
        .store
        .edit_review(id, edit, expected, ident.user.id, now_ms())
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/cases/{id}/review#{}",
            section_of(if removing { edit_part } else { part })
        ))
        .into_response(),
        Err(StoreError::Conflict) => {
            let d = match state
                .store
                .review(id, ident.roles().contains(Role::Facilitator))
                .await
            {
                Ok(Some(d)) => d,
                Ok(None) => return PageError::not_found().into_response(),
                Err(e) => return PageError::from(e).into_response(),
            };
            let mut kept = f;
            if let Some(v) = current_version(&d, edit_part, item) {
                kept.insert("version".into(), v.to_string());
            }
            let conflict = Conflict {
                part: key.clone(),
                theirs: merge(&mut kept, theirs(&d, edit_part, item)),
            };
            review_page(
                state,
                ctx,
                ident,
                id,
                StatusCode::CONFLICT,
                Flash {
                    error: Some(
                        "Someone else saved this part while you were editing it. Fields you did not change now show their text; where you both changed a field, theirs is shown above the form and yours is still in it. Nothing you typed is lost: merge and save again."
                            .into(),
                    ),
                    kept_part: key,
                    kept,
                    conflicts: vec![conflict],
                    ..Default::default()
                },
            )
            .await
        }
        Err(StoreError::NotFound) => PageError::not_found().into_response(),
        Err(StoreError::Invalid(m)) => {
            review_page(
                state,
                ctx,
                ident,
                id,
                StatusCode::CONFLICT,
                Flash {
                    error: Some(m),
                    kept_part: key,
                    kept: f,
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

/// The parts of the review workspace's one form, in page order: the key
/// (`what`, `why:12`, `new-why`, …), the kind of part and the item it edits.
fn form_parts(f: &Fields) -> Vec<(String, &'static str, Option<i64>, Fields)> {
    let mut parts: HashMap<String, Fields> = HashMap::new();
    for (k, v) in f {
        if let Some((part, name)) = k.split_once('.') {
            parts
                .entry(part.to_string())
                .or_default()
                .insert(name.to_string(), v.clone());
        }
    }
    let mut out: Vec<_> = parts
        .into_iter()
        .filter_map(|(key, mut fields)| {
            let (kind, item) = part_of_key(&key)?;
            fields.remove("id");
            if let Some(i) = item {
                fields.insert("id".into(), i.to_string());
            }
            Some((key, kind, item, fields))
        })
        .collect();
    let rank = |kind: &str| {
        ["what", "impact", "why", "factor", "learn", "lesson"]
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(9)
    };
    out.sort_by_key(|(_, kind, item, _)| (rank(kind), item.is_none(), *item));
    out
}

/// The kind of part and the item a key of the workspace form names. Interview
/// notes are not among them: they have their own route, for facilitators only.
fn part_of_key(key: &str) -> Option<(&'static str, Option<i64>)> {
    let kind = |k: &str| -> Option<&'static str> {
        ["why", "factor", "lesson"].into_iter().find(|x| *x == k)
    };
    match key {
        "what" => Some(("what", None)),
        "impact" => Some(("impact", None)),
        "learn" => Some(("learn", None)),
        _ => {
            if let Some(k) = key.strip_prefix("new-") {
                return kind(k).map(|k| (k, None));
            }
            let (k, item) = key.split_once(':')?;
            let item = item.parse::<i64>().ok().filter(|i| *i > 0)?;
            kind(k).map(|k| (k, Some(item)))
        }
    }
}

/// The fields of a part someone can type in, beside its `base:` copies.
fn typed_names(fields: &Fields) -> Vec<String> {
    let mut names: Vec<String> = fields
        .keys()
        .map(|k| k.strip_prefix("base:").unwrap_or(k).to_string())
        .filter(|k| k != "version" && k != "id")
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The fields of an existing part whose text differs from what the form was
/// rendered with.
fn changed_fields(fields: &Fields) -> Vec<String> {
    typed_names(fields)
        .into_iter()
        .filter(|n| {
            let base = fields.get(&format!("base:{n}")).map_or("", |s| s.as_str());
            norm(field(fields, n)) != norm(base)
        })
        .collect()
}

/// Whether something was typed into the form of a new item.
fn new_item_typed(fields: &Fields) -> bool {
    fields.iter().any(|(k, v)| {
        !matches!(k.as_str(), "category" | "level" | "restricted") && !v.trim().is_empty()
    })
}

/// The words the confirmation uses for what a save changed.
fn saved_label(token: &str, d: Option<&ReviewDetail>) -> Option<String> {
    let fixed = match token {
        "what_happened" => Some("what happened"),
        "interpretations" => Some("interpretations"),
        "impact" => Some("impact"),
        "went_well" => Some("what went well"),
        "got_lucky" => Some("where we got lucky"),
        "new-why" => Some("a new five-whys chain"),
        "new-factor" => Some("a new contributing factor"),
        "new-lesson" => Some("a new lesson"),
        "removed-why" => Some("a five-whys chain removed"),
        "removed-factor" => Some("a contributing factor removed"),
        "removed-lesson" => Some("a lesson removed"),
        _ => None,
    };
    if let Some(f) = fixed {
        return Some(f.to_string());
    }
    let (kind, item) = part_of_key(token)?;
    let item = item?;
    let named = |what: &str, text: Option<&str>| match text {
        Some(t) => format!("{what} “{}”", excerpt(t, 60)),
        None => what.to_string(),
    };
    Some(match kind {
        "why" => named(
            "five-whys chain",
            d.and_then(|d| d.whys.iter().find(|x| x.id == item))
                .map(|x| x.problem.as_str()),
        ),
        "factor" => named(
            "contributing factor",
            d.and_then(|d| d.factors.iter().find(|x| x.id == item))
                .map(|x| x.explanation.as_str()),
        ),
        _ => named(
            "lesson",
            d.and_then(|d| d.lessons.iter().find(|x| x.id == item))
                .map(|x| x.body.as_str()),
        ),
    })
}

/// "Saved: impact, where we got lucky." for the tokens of a save.
pub(crate) fn saved_notice(tokens: &str, d: Option<&ReviewDetail>) -> Option<String> {
    if tokens == "none" {
        return Some("Nothing to save: you had not changed anything.".into());
    }
    let labels: Vec<String> = tokens
        .split(',')
        .take(100)
        .filter_map(|t| saved_label(t.trim(), d))
        .collect();
    if labels.is_empty() {
        None
    } else {
        Some(format!("Saved: {}.", labels.join(", ")))
    }
}

/// Where a saved part is confirmed: the field names of a text part that
/// changed, or the part's key.
fn saved_tokens(key: &str, kind: &str, changed: &[String]) -> Vec<String> {
    let in_page_order = |names: &[&str]| {
        names
            .iter()
            .filter(|n| changed.iter().any(|c| c == *n))
            .map(|n| n.to_string())
            .collect()
    };
    match kind {
        "what" => in_page_order(&["what_happened", "interpretations"]),
        "learn" => in_page_order(&["went_well", "got_lucky"]),
        _ => vec![key.to_string()],
    }
}

/// Saves every part of the review workspace's one form that the facilitator
/// changed, each with its own version check: a part someone else saved
/// meanwhile comes back as a conflict with the typed text kept, and the
/// others are saved. Then removes an item if a remove button was pressed.
async fn save_all(state: &AppState, ctx: Ctx, ident: &Identity, id: i64, f: Fields) -> Response {
    let adding = field(&f, "add").to_string();
    let removing = part_of_key(field(&f, "remove")).and_then(|(k, i)| Some((k, i?)));
    let remove_key = field(&f, "remove").to_string();
    let mut saved: Vec<String> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut conflicts: Vec<Conflict> = Vec::new();
    let mut kept: HashMap<String, Fields> = HashMap::new();
    let mut conflicted: Vec<String> = Vec::new();
    // the page returns to the section whose button was pressed
    let mut last_kind = match field(&f, "go") {
        g @ ("what" | "impact" | "why" | "learn") => g.to_string(),
        _ => String::new(),
    };
    let facilitator = ident.roles().contains(Role::Facilitator);
    for (key, kind, item, fields) in form_parts(&f) {
        if removing.is_some() && key == remove_key {
            continue;
        }
        let changed = if item.is_none() && key.starts_with("new-") {
            if new_item_typed(&fields) || adding == key {
                vec![key.clone()]
            } else {
                Vec::new()
            }
        } else {
            changed_fields(&fields)
        };
        if changed.is_empty() {
            continue;
        }
        if last_kind.is_empty() {
            last_kind = kind.to_string();
        }
        let label = saved_label(&key, None).unwrap_or_else(|| key.clone());
        let label = match kind {
            "what" => "what happened".to_string(),
            "learn" => "what went well and where we got lucky".to_string(),
            _ => label,
        };
        let edit = match parse_edit(kind, &fields) {
            Ok(e) => e,
            Err(v) => {
                errors.push(format!("Not saved: {label}. {}", messages(&v)));
                kept.insert(key, fields);
                continue;
            }
        };
        let expected = opt_id(&fields, "version").unwrap_or(0);
        match state
            .store
            .edit_review(id, edit, expected, ident.user.id, now_ms())
            .await
        {
            Ok(_) => saved.extend(saved_tokens(&key, kind, &changed)),
            Err(StoreError::Conflict) => {
                let d = match state.store.review(id, facilitator).await {
                    Ok(Some(d)) => d,
                    Ok(None) => return PageError::not_found().into_response(),
                    Err(e) => return PageError::from(e).into_response(),
                };
                let mut mine = fields;
                if let Some(v) = current_version(&d, kind, item) {
                    mine.insert("version".into(), v.to_string());
                }
                conflicts.push(Conflict {
                    part: key.clone(),
                    theirs: merge(&mut mine, theirs(&d, kind, item)),
                });
                conflicted.push(label);
                kept.insert(key, mine);
            }
            Err(StoreError::NotFound) if item.is_some() => {
                // removed by someone else meanwhile: offer the text as a new item
                errors.push(format!(
                    "Not saved: {label}. Someone removed it while you were editing it; your text is in the form to add a new one."
                ));
                let mut mine = fields;
                mine.remove("id");
                mine.remove("version");
                kept.insert(format!("new-{kind}"), mine);
            }
            Err(StoreError::Invalid(m)) => {
                errors.push(format!("Not saved: {label}. {m}"));
                kept.insert(key, fields);
            }
            Err(e) => return PageError::from(e).into_response(),
        }
    }
    if let Some((kind, item)) = removing {
        let version = f
            .get(&format!("{remove_key}.version"))
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(0);
        if last_kind.is_empty() {
            last_kind = kind.to_string();
        }
        match state
            .store
            .edit_review(
                id,
                Edit::Remove {
                    part: kind,
                    id: item,
                },
                version,
                ident.user.id,
                now_ms(),
            )
            .await
        {
            Ok(_) | Err(StoreError::NotFound) => saved.push(format!("removed-{kind}")),
            Err(StoreError::Conflict) => errors.push(
                "Not removed: someone changed it while you were editing. Look at their version before removing it."
                    .into(),
            ),
            Err(StoreError::Invalid(m)) => errors.push(format!("Not removed: {m}")),
            Err(e) => return PageError::from(e).into_response(),
        }
    }
    if errors.is_empty() && conflicts.is_empty() {
        let tokens = if saved.is_empty() {
            "none".to_string()
        } else {
            saved.join(",")
        };
        let anchor = section_of(if last_kind.is_empty() {
            "top"
        } else {
            &last_kind
        });
        return Redirect::to(&format!("/cases/{id}/review?saved={tokens}#{anchor}"))
            .into_response();
    }
    let d = state.store.review(id, facilitator).await.ok().flatten();
    let notice = if saved.is_empty() {
        None
    } else {
        saved_notice(&saved.join(","), d.as_ref())
    };
    let mut message = Vec::new();
    match conflicted.len() {
        0 => {}
        1 => message.push(format!(
            "Someone else saved this part while you were editing it. Not saved yet: {}. Fields you did not change now show their text; where you both changed a field, theirs is shown above the form and yours is still in it. Nothing you typed is lost: merge and save again.",
            conflicted.join(", ")
        )),
        _ => message.push(format!(
            "Someone else saved these parts while you were editing them. Not saved yet: {}. Fields you did not change now show their text; where you both changed a field, theirs is shown above the form and yours is still in it. Nothing you typed is lost: merge and save again.",
            conflicted.join(", ")
        )),
    }
    message.extend(errors);
    let code = if conflicts.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    };
    review_page(
        state,
        ctx,
        ident,
        id,
        code,
        Flash {
            notice,
            error: Some(message.join(" ")),
            kept_parts: kept,
            conflicts,
            ..Default::default()
        },
    )
    .await
}

/// The page anchor of the section a part belongs to.
fn section_of(part: &str) -> &'static str {
    match part {
        "what" => "what",
        "impact" => "impact",
        "why" | "factor" => "why",
        "learn" | "lesson" => "learn",
        "interview" => "interviews",
        _ => "top",
    }
}

pub async fn review_part(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path((id, part)): Path<(i64, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f: Fields = f.into_iter().collect();
    match part.as_str() {
        "facilitator" => set_facilitator(&state, ctx, &ident, id, &f).await,
        "state" => set_state(&state, ctx, &ident, id, &f).await,
        // interview notes have their own route, for facilitators only
        "interview" => PageError::not_found().into_response(),
        "remove" if field(&f, "what") == "interview" => PageError::not_found().into_response(),
        "save" => save_all(&state, ctx, &ident, id, f).await,
        _ => save_part(&state, ctx, &ident, id, &part, f).await,
    }
}

pub async fn interview(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let mut f: Fields = f.into_iter().collect();
    if ticked(&f, "remove") {
        f.insert("what".into(), "interview".into());
        return save_part(&state, ctx, &ident, id, "remove", f).await;
    }
    save_part(&state, ctx, &ident, id, "interview", f).await
}

async fn set_facilitator(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    f: &Fields,
) -> Response {
    let who = opt_id(f, "facilitator_id");
    match state
        .store
        .set_facilitator(id, who, ident.user.id, now_ms())
        .await
    {
        Ok(involved) => {
            let flash = if involved {
                Flash::error(
                    "Facilitator assigned, but they took part in this case. A facilitator should not have been involved: they cannot ask the naive questions that uncover how the work really looked. Consider someone from another team.",
                )
            } else {
                Flash::notice("Facilitator assigned.")
            };
            review_page(state, ctx, ident, id, StatusCode::OK, flash).await
        }
        Err(StoreError::Invalid(m)) => {
            review_page(
                state,
                ctx,
                ident,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Flash::error(m),
            )
            .await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

async fn set_state(state: &AppState, ctx: Ctx, ident: &Identity, id: i64, f: &Fields) -> Response {
    let to = match field(f, "to").parse::<ReviewState>() {
        Ok(t) => t,
        Err(e) => {
            return review_page(
                state,
                ctx,
                ident,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Flash::error(e),
            )
            .await;
        }
    };
    let warnings = match state.store.review(id, false).await {
        Ok(Some(d)) => {
            crate::lint_web::warnings(&crate::lint_web::review_findings(state, &d).await)
        }
        Ok(None) => return PageError::not_found().into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    match state
        .store
        .set_review_state(
            id,
            to,
            warnings,
            ticked(f, "acknowledge"),
            ident.user.id,
            now_ms(),
        )
        .await
    {
        Ok(r) => {
            let msg = match r.state {
                ReviewState::Published => {
                    "Published: everyone can now read this review in the learning library."
                }
                ReviewState::InReview => "The review is ready for peers to read and comment.",
                ReviewState::Draft => "Back to draft.",
            };
            review_page(state, ctx, ident, id, StatusCode::OK, Flash::notice(msg)).await
        }
        Err(StoreError::Invalid(m)) => {
            review_page(state, ctx, ident, id, StatusCode::CONFLICT, Flash::error(m)).await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

// ------------------------------------------------------------------ library

#[derive(Template)]
#[template(path = "library.html")]
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

/// The first sentence or so of a text, for lists.
pub fn excerpt(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind(['.', '!', '?']) {
        Some(i) if i > max / 3 => cut[..=i].to_string(),
        _ => match cut.rfind(' ') {
            Some(i) => format!("{}…", &cut[..i]),
            None => format!("{cut}…"),
        },
    }
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
#[template(path = "library_review.html")]
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
    let items = state
        .store
        .list_action_items(
            ItemFilter {
                case_id: Some(id),
                ..Default::default()
            },
            500,
            0,
        )
        .await
        .map(|x| x.0)
        .unwrap_or_default();
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

// ------------------------------------------------------------------ action items

#[derive(Template)]
#[template(path = "action_items.html")]
struct ActionItemsPage {
    ctx: Ctx,
    heading: &'static str,
    mine: bool,
    items: Vec<ItemView>,
    checks: Vec<ItemView>,
    notices: Vec<(String, String, String, bool)>,
    can_see_all: bool,
}

/// My action items: reminders, open items (overdue first), due effectiveness checks.
pub async fn my_action_items(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
) -> Response {
    let uid = ident.user.id;
    let items = state
        .store
        .list_action_items(
            ItemFilter {
                owner_id: Some(uid),
                ..Default::default()
            },
            500,
            0,
        )
        .await;
    let checks = state.store.due_checks(uid).await;
    let notices = state.store.notices(uid, 20).await;
    let (items, checks, notices) = match (items, checks, notices) {
        (Ok(i), Ok(c), Ok(n)) => (i.0, c, n),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return PageError::from(e).into_response();
        }
    };
    let today = today();
    render_status(
        StatusCode::OK,
        &ActionItemsPage {
            ctx,
            heading: "My action items",
            mine: true,
            items: items.iter().map(|a| item_view(a, today)).collect(),
            checks: checks.iter().map(|a| item_view(a, today)).collect(),
            notices: notices
                .into_iter()
                .map(|n| (n.body, n.link, time_html(n.created_ms), n.read))
                .collect(),
            can_see_all: may(&ident, "GET", "/action-items/all"),
        },
    )
}

/// Every open action item, overdue ones first.
pub async fn all_action_items(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
) -> Response {
    match state
        .store
        .list_action_items(
            ItemFilter {
                open_only: true,
                ..Default::default()
            },
            1000,
            0,
        )
        .await
    {
        Ok((items, _)) => {
            let today = today();
            render_status(
                StatusCode::OK,
                &ActionItemsPage {
                    ctx,
                    heading: "All open action items",
                    mine: false,
                    items: items.iter().map(|a| item_view(a, today)).collect(),
                    checks: Vec::new(),
                    notices: Vec::new(),
                    can_see_all: may(&ident, "GET", "/action-items/all"),
                },
            )
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

pub async fn read_notices(State(state): State<AppState>, Signed(ident): Signed) -> Response {
    match state.store.mark_notices_read(ident.user.id, now_ms()).await {
        Ok(_) => Redirect::to("/action-items").into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}

// ------------------------------------------------------------------ taxonomy

#[derive(Template)]
#[template(path = "factors.html")]
struct FactorsPage {
    ctx: Ctx,
    categories: Vec<debrief_store::reviews::FactorCategory>,
    form_label: String,
    form_description: String,
    errors: debrief_core::Validation,
}

async fn factors_page(
    state: &AppState,
    ctx: Ctx,
    code: StatusCode,
    form: (String, String, debrief_core::Validation),
) -> Response {
    match state.store.factor_categories().await {
        Ok(categories) => render_status(
            code,
            &FactorsPage {
                ctx,
                categories,
                form_label: form.0,
                form_description: form.1,
                errors: form.2,
            },
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}

pub async fn factors(State(state): State<AppState>, ctx: Ctx) -> Response {
    factors_page(
        &state,
        ctx,
        StatusCode::OK,
        (
            String::new(),
            String::new(),
            debrief_core::Validation::new(),
        ),
    )
    .await
}

/// The key of a category: its name in lower case, words joined by `_`.
pub fn category_key(label: &str) -> String {
    label
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

#[derive(Deserialize)]
pub struct FactorForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    description: String,
}

pub async fn add_factor(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Form(f): Form<FactorForm>,
) -> Response {
    let mut v = debrief_core::Validation::new();
    let label = v.text("label", &f.label, 80);
    let description = v.text("description", &f.description, 300);
    let key = category_key(&label);
    if v.message_for("label").is_none() && key.is_empty() {
        v.add("label", "Use at least one letter or digit.");
    }
    if v.is_ok() {
        match state
            .store
            .add_factor_category(key, label, description, ident.user.id, now_ms())
            .await
        {
            Ok(()) => return Redirect::to("/admin/factors").into_response(),
            Err(StoreError::Unique(_)) => {
                v.add("label", "A category with this name exists already.")
            }
            Err(e) => return PageError::from(e).into_response(),
        }
    }
    factors_page(
        &state,
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        (f.label, f.description, v),
    )
    .await
}
