//! Administration pages: the audit log, background jobs, settings (the
//! reporting promise and the organisation's time zone) and the contributing-factor taxonomy.

use crate::AppState;
use crate::admin::users::PAGE;
use crate::platform::auth::Signed;
use crate::platform::error::{PageError, Refusal, refusal};
use crate::platform::shell::{Ctx, render, render_status, time_html};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use debrief_core::Validation;
use debrief_store::now_ms;
use serde::Deserialize;

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: Ctx,
    entries: Vec<AuditRow>,
    total: i64,
    /// The filters as typed, shown back in the form.
    form: AuditForm,
    errors: Validation,
    filtered: bool,
    /// The filters as a query string (`actor=…&`), for the paging links.
    keep: String,
    prev_offset: Option<i64>,
    next_offset: Option<i64>,
}

/// The audit page's filter form, kept as typed.
#[derive(Debug, Default, Deserialize)]
pub struct AuditForm {
    #[serde(default)]
    offset: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

pub async fn audit(
    State(state): State<AppState>,
    ctx: Ctx,
    Signed(ident): Signed,
    Query(form): Query<AuditForm>,
) -> Response {
    let offset = form.offset.trim().parse::<i64>().unwrap_or(0).max(0);
    let some = |v: &str| Some(v.to_string()).filter(|v| !v.trim().is_empty());
    let q = crate::admin::ops::AuditQuery {
        actor: some(&form.actor),
        action: some(&form.action),
        object: some(&form.object),
        from: some(&form.from),
        to: some(&form.to),
        ..Default::default()
    };
    let filtered = q.actor.is_some()
        || q.action.is_some()
        || q.object.is_some()
        || q.from.is_some()
        || q.to.is_some();
    let keep = serde_urlencoded::to_string(
        [
            ("actor", &q.actor),
            ("action", &q.action),
            ("object", &q.object),
            ("from", &q.from),
            ("to", &q.to),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (*k, v.trim())))
        .collect::<Vec<_>>(),
    )
    .map(|s| if s.is_empty() { s } else { s + "&" })
    .unwrap_or_default();
    let (filter, errors) = match crate::admin::ops::audit_filter(&q) {
        Ok(f) => (Some(f), Validation::new()),
        Err(errors) => (None, Validation { errors }),
    };
    let (entries, total) = match &filter {
        Some(f) => match state.store.list_audit(f.clone(), PAGE, offset).await {
            Ok(x) => x,
            Err(e) => return PageError::from(e).into_response(),
        },
        None => (Vec::new(), 0),
    };
    if let Err(e) = state
        .store
        .audit(
            ident.actor(),
            "audit.viewed",
            "audit_log".into(),
            String::new(),
        )
        .await
    {
        return PageError::from(e).into_response();
    }
    let entries = entries
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: time_html(e.at_ms),
            actor: e.actor,
            action: e.action,
            object: e.object,
            detail: e.detail,
        })
        .collect();
    let status = if filter.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        status,
        &AuditPage {
            ctx,
            entries,
            total,
            form,
            errors,
            filtered,
            keep,
            prev_offset: (offset > 0).then(|| (offset - PAGE).max(0)),
            next_offset: (offset.saturating_add(PAGE) < total)
                .then_some(offset.saturating_add(PAGE)),
        },
    )
}

pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: String,
    pub last_error: String,
}

#[derive(Template)]
#[template(path = "admin/jobs.html")]
struct JobsPage {
    ctx: Ctx,
    jobs: Vec<JobRow>,
    total: i64,
}

pub async fn jobs(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, PageError> {
    let (jobs, total) = state.store.list_jobs(PAGE, 0).await?;
    let jobs = jobs
        .into_iter()
        .map(|j| JobRow {
            id: j.id,
            kind: j.kind,
            state: j.state,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: time_html(j.run_at_ms),
            last_error: j.last_error.unwrap_or_default(),
        })
        .collect();
    render(&JobsPage { ctx, jobs, total })
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    ctx: Ctx,
    promise: String,
    /// The time zone as stored, or as typed when it is refused.
    time_zone: String,
    notice: Option<String>,
    errors: Validation,
}

/// The page with what is stored; `edit` replaces the part being saved (the
/// promise or the time zone) with what was typed.
async fn settings_page(
    state: &AppState,
    ctx: Ctx,
    status: StatusCode,
    edit: impl FnOnce(&mut SettingsPage),
    notice: Option<String>,
    errors: Validation,
) -> Response {
    // the form shows what is in effect, so that saving it unchanged changes
    // nothing; a store failure is an error, not the default as if saved
    let promise = match state.store.reporting_promise().await {
        Ok(p) => p,
        Err(e) => return PageError::from(e).into_response(),
    };
    let time_zone = match state.store.time_zone().await {
        Ok(z) => z.name().to_string(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let mut page = SettingsPage {
        ctx,
        promise,
        time_zone,
        notice,
        errors,
    };
    edit(&mut page);
    render_status(status, &page)
}

pub async fn settings_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    settings_page(&state, ctx, StatusCode::OK, |_| {}, None, Validation::new()).await
}

#[derive(Deserialize)]
pub struct PromiseForm {
    #[serde(default)]
    promise: String,
}

pub async fn save_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::platform::auth::Signed(ident): crate::platform::auth::Signed,
    Form(f): Form<PromiseForm>,
) -> Response {
    let mut v = Validation::new();
    let promise = v.text("promise", &f.promise, debrief_core::intake::PROMISE_MAX);
    if !v.is_ok() {
        let typed = f.promise;
        return settings_page(
            &state,
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            |p| p.promise = typed,
            None,
            v,
        )
        .await;
    }
    if let Err(e) = state.store.set_reporting_promise(&promise).await {
        return PageError::from(e).into_response();
    }
    let _ = state
        .store
        .audit(
            ident.actor(),
            "settings.promise_changed",
            "settings:reporting_promise".into(),
            String::new(),
        )
        .await;
    settings_page(
        &state,
        ctx,
        StatusCode::OK,
        |_| {},
        Some("Saved. The report form shows the new promise.".into()),
        Validation::new(),
    )
    .await
}

#[derive(Deserialize)]
pub struct TimeZoneForm {
    #[serde(default)]
    time_zone: String,
}

/// Sets the organisation's time zone (audited with the old and new zone).
pub async fn save_time_zone(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::platform::auth::Signed(ident): crate::platform::auth::Signed,
    Form(f): Form<TimeZoneForm>,
) -> Response {
    let mut v = Validation::new();
    let zone = if f.time_zone.chars().count() > 100 {
        v.add("time_zone", "At most 100 characters.");
        None
    } else {
        debrief_core::metrics::period::zone(&f.time_zone)
            .map_err(|e| v.add("time_zone", e))
            .ok()
    };
    let Some(zone) = zone else {
        let typed = f.time_zone;
        return settings_page(
            &state,
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            |p| p.time_zone = typed,
            None,
            v,
        )
        .await;
    };
    if let Err(e) = state.store.set_time_zone(zone, ident.actor()).await {
        return PageError::from(e).into_response();
    }
    settings_page(
        &state,
        ctx,
        StatusCode::OK,
        |_| {},
        Some(format!(
            "Saved. The learning metrics now count days and quarters in {}.",
            zone.name()
        )),
        Validation::new(),
    )
    .await
}

#[derive(Template)]
#[template(path = "admin/factors.html")]
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
    let draft = debrief_core::review_edit::CategoryDraft {
        label: &f.label,
        description: &f.description,
    };
    let refused = match draft.parse() {
        Ok(c) => match state
            .store
            .add_factor_category(c.key, c.label, c.description, ident.user.id, now_ms())
            .await
        {
            Ok(()) => return Redirect::to("/admin/factors").into_response(),
            Err(e) => match refusal(e) {
                Ok(r) => r,
                Err(page) => return page.into_response(),
            },
        },
        Err(errors) => Refusal::from(errors),
    };
    factors_page(
        &state,
        ctx,
        refused.status,
        (f.label, f.description, refused.validation()),
    )
    .await
}
