//! The blameless-language checker in the server: `POST /api/v1/lint` (used live
//! by the review editor), the findings shown beside a review after each save,
//! and the warning count that publishing asks to acknowledge. The people
//! directory is the deployment's own accounts.

use crate::AppState;
use crate::platform::api::ApiJson;
use crate::platform::auth::Signed;
use crate::platform::error::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use debrief_core::FieldError;
use debrief_core::lint::{Finding, LintConfig, Linter, People, Severity};
use debrief_store::reviews::ReviewDetail;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use utoipa::ToSchema;

/// How long a checker built from the accounts is used before it is rebuilt,
/// so that new and renamed people are known within a minute.
const REFRESH: Duration = Duration::from_secs(60);

/// The checker built from the deployment's accounts, rebuilt when it is stale.
#[derive(Default)]
pub struct LinterCache {
    current: RwLock<Option<(Instant, Arc<Linter>)>>,
}

impl LinterCache {
    pub async fn get(&self, state: &AppState) -> Arc<Linter> {
        if let Ok(guard) = self.current.read()
            && let Some((at, l)) = guard.as_ref()
            && at.elapsed() < REFRESH
        {
            return l.clone();
        }
        let mut people = People::new();
        match state.store.list_users(100_000, 0, None).await {
            Ok((users, _)) => {
                for u in users {
                    people.add(&u.name);
                }
            }
            // without the directory the built-in names still work
            Err(e) => tracing::warn!(error = %e, "checker: could not read the people directory"),
        }
        let built = Arc::new(Linter::new(LintConfig::default(), people));
        if let Ok(mut guard) = self.current.write() {
            *guard = Some((Instant::now(), built.clone()));
        }
        built
    }
}

/// One checked text of a review: which part, its label, and the findings.
pub struct PartFindings {
    pub part: String,
    pub label: String,
    pub findings: Vec<Finding>,
}

/// The texts of a review that are published (restricted parts and interview
/// notes excluded): (part key, label, text).
pub fn review_texts(d: &ReviewDetail) -> Vec<(String, String, String)> {
    let d = d.clone().public();
    let r = &d.review;
    let mut out = vec![
        (
            "what".into(),
            "What happened".into(),
            r.what_happened.clone(),
        ),
        (
            "what".into(),
            "Interpretations".into(),
            r.interpretations.clone(),
        ),
        (
            "impact".into(),
            "Impact notes".into(),
            r.impact.notes.clone(),
        ),
        ("learn".into(), "What went well".into(), r.went_well.clone()),
        (
            "learn".into(),
            "Where we got lucky".into(),
            r.got_lucky.clone(),
        ),
    ];
    for w in &d.whys {
        let text = format!(
            "{}\n{}\n{}",
            w.problem,
            w.steps.join("\n"),
            w.systemic_condition
        );
        out.push((
            format!("why:{}", w.id),
            format!("Five whys: {}", w.problem),
            text,
        ));
    }
    for f in &d.factors {
        out.push((
            format!("factor:{}", f.id),
            format!("Factor: {}", f.category_label),
            f.explanation.clone(),
        ));
    }
    for l in &d.lessons {
        out.push((
            format!("lesson:{}", l.id),
            format!("Lesson ({})", l.level.label()),
            l.body.clone(),
        ));
    }
    out.retain(|(_, _, t)| !t.trim().is_empty());
    out
}

/// The findings for every published text of a review.
pub async fn review_findings(state: &AppState, d: &ReviewDetail) -> Vec<PartFindings> {
    let linter = state.linter.get(state).await;
    review_texts(d)
        .into_iter()
        .filter_map(|(part, label, text)| {
            let findings = linter.check(&text);
            (!findings.is_empty()).then_some(PartFindings {
                part,
                label,
                findings,
            })
        })
        .collect()
}

/// How many warnings and errors publishing would have to acknowledge.
pub fn warnings(parts: &[PartFindings]) -> usize {
    parts
        .iter()
        .flat_map(|p| &p.findings)
        .filter(|f| f.severity != Severity::Note)
        .count()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LintIn {
    /// Markdown or plain text, at most 1 MiB.
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct LintOut {
    /// Findings in order: rule, severity, byte span (`start`, `end`), 1-based
    /// `line`/`column`, `matched`, `message`, `suggestion` and `replacement`
    /// (a rewrite of exactly the span, when one can be made).
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<Finding>,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

/// Checks text for blameful language, as `debrief lint` does, with the
/// deployment's accounts as the people directory.
#[utoipa::path(post, path = "/api/v1/lint", tag = "blameless language", request_body = LintIn,
    responses((status = 200, body = LintOut), (status = 422, body = Problem)))]
pub async fn post_lint(
    State(state): State<AppState>,
    Signed(_caller): Signed,
    ApiJson(b): ApiJson<LintIn>,
) -> Result<Json<LintOut>, ApiError> {
    if b.text.len() > crate::platform::auth::MAX_BODY {
        return Err(ApiError::invalid(vec![FieldError {
            field: "text".into(),
            message: "At most 1 MiB of text.".into(),
        }]));
    }
    let linter = state.linter.get(&state).await;
    let findings = tokio::task::spawn_blocking(move || linter.check(&b.text))
        .await
        .map_err(ApiError::internal)?;
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    Ok(Json(LintOut {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        notes: count(Severity::Note),
        findings,
    }))
}
