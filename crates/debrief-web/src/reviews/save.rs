//! Saving the review workspace: one part or the whole form, with conflicts
//! shown side by side, interview notes, the facilitator and the review's state.

use crate::AppState;
use crate::platform::auth::{Identity, Signed};
use crate::platform::error::{PageError, refusal, show_refusal};
use crate::platform::form::{Fields, field, opt_id, ticked};
use crate::platform::shell::Ctx;
use crate::platform::shell::excerpt;
use crate::reviews::form::{current_version, kept_key, merge, norm, parse_edit, theirs};
use crate::reviews::pages::{Conflict, Flash, review_page};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use debrief_core::review::ReviewState;
use debrief_store::reviews::{Edit, ReviewDetail};
use debrief_store::{StoreError, now_ms};
use std::collections::HashMap;

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
            let msg = debrief_core::validate::summary(&v);
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
                .review(id, crate::reviews::policy::sees_interviews(ident))
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
        Err(e) => {
            show_refusal(e, |r| {
                let flash = Flash {
                    error: Some(r.message()),
                    kept_part: key,
                    kept: f,
                    ..Default::default()
                };
                review_page(state, ctx, ident, id, r.status, flash)
            })
            .await
        }
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
    let facilitator = crate::reviews::policy::sees_interviews(ident);
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
                errors.push(format!(
                    "Not saved: {label}. {}",
                    debrief_core::validate::summary(&v)
                ));
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
            Err(e) => match refusal(e) {
                Ok(r) => {
                    errors.push(format!("Not saved: {label}. {}", r.message()));
                    kept.insert(key, fields);
                }
                Err(page) => return page.into_response(),
            },
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
            Err(e) => match refusal(e) {
                Ok(r) => errors.push(format!("Not removed: {}", r.message())),
                Err(page) => return page.into_response(),
            },
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
pub(crate) fn section_of(part: &str) -> &'static str {
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
        Err(e) => review_refusal(state, ctx, ident, id, e).await,
    }
}

/// The review page with the store's refusal, or the error page for a failure.
async fn review_refusal(
    state: &AppState,
    ctx: Ctx,
    ident: &Identity,
    id: i64,
    e: StoreError,
) -> Response {
    show_refusal(e, |r| {
        review_page(state, ctx, ident, id, r.status, Flash::error(r.message()))
    })
    .await
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
            crate::reviews::lint::warnings(&crate::reviews::lint::review_findings(state, &d).await)
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
        Err(e) => review_refusal(state, ctx, ident, id, e).await,
    }
}
