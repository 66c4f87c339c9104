//! Action-item pages: creating one from a review, an item's own page where its
//! owner moves it along and closes it with a note, effectiveness checks, the
//! lists of items, and marking notices read.

use crate::AppState;
use crate::actions::policy::{checker_refusal, may_see, may_update};
use crate::actions::view::{ItemView, item_view};
use crate::platform::auth::{Identity, Signed, may};
use crate::platform::error::{PageError, show_refusal};
use crate::platform::form::{Fields, field, opt_id};
use crate::platform::shell::today;
use crate::platform::shell::{Ctx, render_status, time_html};
use crate::reviews::pages::{Flash, review_page};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use debrief_core::Validation;
use debrief_core::action::{ChangeDraft, CheckDraft, ItemDraft};
use debrief_core::review::{ActionPriority, ActionStatus, CheckOutcome, parse_day};
use debrief_store::action_items::{ActionItem, ItemChanges, ItemFilter, NewActionItem};
use debrief_store::{StoreError, now_ms};

/// Adds an action item to a case, from the review's fifth section.
pub async fn create_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(case_id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f: Fields = f.into_iter().collect();
    let input = ItemDraft {
        title: field(&f, "title"),
        description: field(&f, "description"),
        owner_id: opt_id(&f, "owner_id"),
        due_date: field(&f, "due_day"),
        priority: field(&f, "priority"),
        factor_id: opt_id(&f, "factor_id"),
        tracker_url: field(&f, "tracker_url"),
    }
    .parse(today(), true);
    let back = |msg: String, f: Fields| Flash {
        error: Some(msg),
        kept_part: "new-item".into(),
        kept: f,
        ..Default::default()
    };
    let input = match input {
        Ok(i) => i,
        Err(errors) => {
            let flash = back(Validation { errors }.summary(), f);
            return review_page(
                &state,
                ctx,
                &ident,
                case_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                flash,
            )
            .await;
        }
    };
    match state
        .store
        .create_action_item(NewActionItem::of(case_id, input), ident.user.id, now_ms())
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{case_id}/review#actions")).into_response(),
        Err(e) => {
            show_refusal(e, |r| {
                review_page(&state, ctx, &ident, case_id, r.status, back(r.message(), f))
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "actions/action_item.html")]
struct ItemPage {
    ctx: Ctx,
    a: ActionItem,
    overdue: bool,
    closed: bool,
    created: String,
    closed_at: String,
    check_done: String,
    can_manage: bool,
    can_update: bool,
    /// Where the item's review can be read by this person, if anywhere.
    review_link: Option<String>,
    can_check: bool,
    people: Vec<(i64, String)>,
    priorities: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    outcomes: Vec<(&'static str, &'static str)>,
    today: String,
    notice: Option<String>,
    error: Option<String>,
    kept: Fields,
}

impl ItemPage {
    fn val(&self, name: &str, stored: &str) -> String {
        self.kept
            .get(name)
            .cloned()
            .unwrap_or_else(|| stored.to_string())
    }
}

/// The item, if it exists and the caller may see it; otherwise the page to answer with.
async fn visible_item(state: &AppState, ident: &Identity, id: i64) -> Result<ActionItem, Response> {
    match state.store.action_item(id).await {
        Ok(Some(a)) if may_see(ident, &a) => Ok(a),
        // an item one may not see is not there
        Ok(_) => Err(PageError::not_found().into_response()),
        Err(e) => Err(PageError::from(e).into_response()),
    }
}

/// What an item page says after an action, and the form input it keeps.
struct Said {
    notice: Option<String>,
    error: Option<String>,
    kept: Fields,
}

impl Said {
    fn nothing() -> Said {
        Said {
            notice: None,
            error: None,
            kept: Fields::new(),
        }
    }
    fn error(message: String, kept: Fields) -> Said {
        Said {
            notice: None,
            error: Some(message),
            kept,
        }
    }
}

async fn item_page(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    code: StatusCode,
    said: Said,
) -> Response {
    let Said {
        notice,
        error,
        kept,
    } = said;
    let a = match visible_item(state, ident, id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let people = state
        .store
        .list_users(1000, 0, None)
        .await
        .map(|x| x.0)
        .unwrap_or_default()
        .into_iter()
        .filter(|u| !u.disabled)
        .map(|u| (u.id, u.name))
        .collect();
    let today = today();
    let review_link = if may(ident, "GET", "/cases/{id}/review") {
        Some(format!("/cases/{}/review", a.case_id))
    } else {
        match state.store.review(a.case_id, false).await {
            Ok(Some(d)) if d.review.state == debrief_core::review::ReviewState::Published => {
                Some(format!("/library/{}", a.case_id))
            }
            _ => None,
        }
    };
    let page = ItemPage {
        review_link,
        overdue: !a.status.is_closed() && parse_day(&a.due_day).is_ok_and(|d| d < today),
        closed: a.status.is_closed(),
        created: time_html(a.created_ms),
        closed_at: a.closed_ms.map(time_html).unwrap_or_default(),
        check_done: a.check_done_ms.map(time_html).unwrap_or_default(),
        can_manage: may(ident, "POST", "/cases/{id}/action-items"),
        can_update: may_update(ident, &a),
        can_check: a.check_day.is_some()
            && a.check_done_ms.is_none()
            && (a.check_owner_id == Some(ident.user.id) || may_update(ident, &a)),
        people,
        priorities: ActionPriority::ALL
            .iter()
            .map(|p| (p.as_str(), p.label()))
            .collect(),
        statuses: ActionStatus::ALL
            .iter()
            .map(|p| (p.as_str(), p.label()))
            .collect(),
        outcomes: CheckOutcome::ALL
            .iter()
            .map(|p| (p.as_str(), p.label()))
            .collect(),
        today: today.format("%Y-%m-%d").to_string(),
        notice,
        error,
        kept,
        ctx,
        a,
    };
    render_status(code, &page)
}

pub async fn item(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
) -> Response {
    item_page(&state, ctx, &ident, id, StatusCode::OK, Said::nothing()).await
}

/// Changes an item: its details (managers), or its status (owner), closing it
/// with a one-line note and optionally scheduling an effectiveness check.
pub async fn update_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f: Fields = f.into_iter().collect();
    let a = match visible_item(&state, &ident, id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !may_update(&ident, &a) {
        return PageError::new(
            StatusCode::FORBIDDEN,
            "Only the item's owner, facilitators, responders and security leads can change it.",
        )
        .into_response();
    }
    let mut v = Validation::new();
    let mut ch = ItemChanges::default();
    if f.contains_key("title") {
        if !may(&ident, "POST", "/cases/{id}/action-items") {
            return PageError::new(
                StatusCode::FORBIDDEN,
                "Only facilitators, responders and security leads can change an item's details.",
            )
            .into_response();
        }
        match (ItemDraft {
            title: field(&f, "title"),
            description: field(&f, "description"),
            owner_id: opt_id(&f, "owner_id"),
            due_date: field(&f, "due_day"),
            priority: field(&f, "priority"),
            factor_id: a.factor_id,
            tracker_url: field(&f, "tracker_url"),
        })
        .parse(today(), false)
        {
            Ok(i) => {
                ch.title = Some(i.title);
                ch.description = Some(i.description);
                ch.owner_id = Some(i.owner_id);
                ch.due_day = Some(i.due_day);
                ch.priority = Some(i.priority);
                ch.tracker_url = Some(i.tracker_url);
            }
            Err(e) => v.errors.extend(e),
        }
    }
    if let Some(s) = f.get("status") {
        match (ChangeDraft {
            status: Some(s),
            note: Some(field(&f, "note")),
            check_date: Some(field(&f, "check_day")),
            due_date: None,
        })
        .parse(today())
        {
            Ok(c) => {
                ch.status = c.status;
                ch.note = c.note;
                if c.check_day.is_some() {
                    ch.check_day = c.check_day;
                    ch.check_owner_id = opt_id(&f, "check_owner_id");
                }
            }
            Err(e) => v.errors.extend(e),
        }
        if let Some(m) = checker_refusal(&ident, &a, ch.check_owner_id) {
            return item_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::FORBIDDEN,
                Said::error(m.into(), f),
            )
            .await;
        }
    }
    let expected = opt_id(&f, "version").unwrap_or(-1);
    if !v.is_ok() {
        return item_page(
            &state,
            ctx,
            &ident,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Said::error(v.summary(), f),
        )
        .await;
    }
    match state
        .store
        .update_action_item(id, ch, expected, ident.user.id, now_ms())
        .await
    {
        Ok(_) => item_page(
            &state,
            ctx,
            &ident,
            id,
            StatusCode::OK,
            Said {
                notice: Some("Saved.".into()),
                error: None,
                kept: Fields::new(),
            },
        )
        .await,
        Err(StoreError::Conflict) => {
            item_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::CONFLICT,
                Said::error("Someone else changed this item while you were editing it. The page now shows their changes; what you typed is kept in the form — check it and save again.".into(), f.into_iter().filter(|(k, _)| k != "version").collect()),
            )
            .await
        }
        Err(e) => item_refusal(&state, ctx, &ident, id, e, f).await,
    }
}

/// The item's page with the store's refusal, or the error page for a failure.
async fn item_refusal(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    e: StoreError,
    kept: Fields,
) -> Response {
    show_refusal(e, |r| {
        item_page(
            state,
            ctx,
            ident,
            id,
            r.status,
            Said::error(r.message(), kept),
        )
    })
    .await
}

/// Records whether the fix worked.
pub async fn check_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f: Fields = f.into_iter().collect();
    let a = match visible_item(&state, &ident, id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if a.check_owner_id != Some(ident.user.id) && !may_update(&ident, &a) {
        return PageError::new(
            StatusCode::FORBIDDEN,
            "Only the person confirming the fix or the item's owner can record the check.",
        )
        .into_response();
    }
    let checked = CheckDraft {
        outcome: field(&f, "outcome"),
        note: field(&f, "check_note"),
    }
    .parse();
    let (outcome, note) = match checked {
        Ok(x) => x,
        Err(errors) => {
            return item_page(
                &state,
                ctx,
                &ident,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Said::error(Validation { errors }.summary(), f),
            )
            .await;
        }
    };
    match state
        .store
        .record_check(id, outcome, note, ident.user.id, now_ms())
        .await
    {
        Ok(_) => Redirect::to(&format!("/action-items/{id}")).into_response(),
        Err(e) => item_refusal(&state, ctx, &ident, id, e, f).await,
    }
}

#[derive(Template)]
#[template(path = "actions/action_items.html")]
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
