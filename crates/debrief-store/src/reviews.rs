//! Blameless reviews: one per case, its Five Questions sections, five-whys
//! chains, contributing factors, lessons by level and debrief interview notes.
//!
//! Every editable part carries a version. A save names the version it started
//! from; when someone else saved in between, the save is refused with
//! [`StoreError::Conflict`] and nothing is written, so the caller can show both
//! texts and nothing typed is lost.

use crate::db::Conn;
use crate::rows::{FromRow, row};
use crate::{Result, Store, StoreError, params};
use debrief_core::review::{FACTOR_CATEGORIES, LessonLevel, ReviewState};
use serde::Serialize;

pub use debrief_core::review_edit::{Edit, Impact};

row! {
    impl Impact from "reviews r" {
        duration_minutes: Option<i64> = "r.impact_duration_min",
        people_affected: Option<i64> = "r.impact_people",
        records_affected: Option<i64> = "r.impact_records",
        services: String = "r.impact_services",
        cost: String = "r.impact_cost",
        notes: String = "r.impact_notes",
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct Review from "reviews r" {
        pub id: i64 = "r.id",
        pub case_id: i64 = "r.case_id",
        pub state: ReviewState = "r.state",
        pub facilitator_id: Option<i64> = "r.facilitator_id",
        pub what_happened: String = "r.what_happened",
        pub interpretations: String = "r.interpretations",
        pub what_version: i64 = "r.what_version",
        pub impact: Impact = nested,
        pub impact_version: i64 = "r.impact_version",
        pub went_well: String = "r.went_well",
        pub got_lucky: String = "r.got_lucky",
        pub learn_version: i64 = "r.learn_version",
        pub lint_acknowledged_by: Option<i64> = "r.lint_acknowledged_by",
        pub lint_acknowledged_ms: Option<i64> = "r.lint_acknowledged_ms",
        pub created_ms: i64 = "r.created_ms",
        pub updated_ms: i64 = "r.updated_ms",
        pub published_ms: Option<i64> = "r.published_ms",
        pub published_by: Option<i64> = "r.published_by",
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct WhyChain from "review_whys" {
        pub id: i64 = "id",
        pub problem: String = "problem",
        pub steps: Vec<String> = "steps" as json,
        pub systemic_condition: String = "systemic_condition",
        pub restricted: bool = "restricted",
        pub version: i64 = "version",
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct Factor from "review_factors f JOIN factor_categories k ON k.key = f.category" {
        pub id: i64 = "f.id",
        pub category: String = "f.category",
        pub category_label: String = "k.label",
        pub explanation: String = "f.explanation",
        pub restricted: bool = "f.restricted",
        pub version: i64 = "f.version",
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct Lesson from "review_lessons" {
        pub id: i64 = "id",
        pub level: LessonLevel = "level",
        pub body: String = "body",
        pub restricted: bool = "restricted",
        pub version: i64 = "version",
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct Interview from "review_interviews" {
        pub id: i64 = "id",
        pub participant: String = "participant",
        pub participant_id: Option<i64> = "participant_id",
        pub notes: String = "notes",
        pub version: i64 = "version",
        pub author_id: Option<i64> = "author_id",
        pub updated_ms: i64 = "updated_ms",
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct FactorCategory from "factor_categories" {
        pub key: String = "key",
        pub label: String = "label",
        pub description: String = "description",
        pub builtin: bool = "builtin",
    }
}

/// A review with its parts. Interview notes are only read when asked for.
#[derive(Debug, Clone)]
pub struct ReviewDetail {
    pub review: Review,
    pub whys: Vec<WhyChain>,
    pub factors: Vec<Factor>,
    pub lessons: Vec<Lesson>,
    pub interviews: Vec<Interview>,
}

impl ReviewDetail {
    /// The review as everyone may read it once published: restricted parts and
    /// interview notes removed.
    pub fn public(mut self) -> ReviewDetail {
        self.whys.retain(|w| !w.restricted);
        self.factors.retain(|f| !f.restricted);
        self.lessons.retain(|l| !l.restricted);
        self.interviews.clear();
        self
    }
}

/// Adds the built-in contributing-factor categories (used by the migration).
pub fn seed_factor_categories(c: &mut dyn Conn) -> Result<()> {
    let now = crate::now_ms();
    for (i, (key, label, description)) in FACTOR_CATEGORIES.iter().enumerate() {
        c.execute(
            "INSERT INTO factor_categories (key, label, description, builtin, position, created_ms) VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (key) DO NOTHING",
            &params![*key, *label, *description, i as i64, now],
        )?;
    }
    Ok(())
}

/// Opens the case's review if it has none; returns the review's id.
pub fn open_review_tx(c: &mut dyn Conn, case_id: i64, user_id: i64, now: i64) -> Result<i64> {
    if let Some(r) = c.query_opt(
        "SELECT id FROM reviews WHERE case_id = $1",
        &params![case_id],
    )? {
        return r.i64(0);
    }
    if c.query_opt("SELECT id FROM cases WHERE id = $1", &params![case_id])?
        .is_none()
    {
        return Err(StoreError::NotFound);
    }
    let id = c
        .query_one(
            "INSERT INTO reviews (case_id, state, created_ms, created_by, updated_ms) VALUES ($1, 'draft', $2, $3, $2) RETURNING id",
            &params![case_id, now, user_id],
        )?
        .i64(0)?;
    crate::audit::append(
        c,
        now,
        &format!("user:{user_id}"),
        "review.opened",
        &format!("case:{case_id}"),
        "",
    )?;
    Ok(id)
}

fn review_row(c: &mut dyn Conn, case_id: i64) -> Result<Option<Review>> {
    c.query_opt(
        &format!(
            "SELECT {} FROM reviews r WHERE r.case_id = $1",
            Review::columns()
        ),
        &params![case_id],
    )?
    .as_ref()
    .map(Review::decode)
    .transpose()
}

/// Reads a review and its parts inside an open connection.
pub fn review_detail_tx(
    c: &mut dyn Conn,
    case_id: i64,
    with_interviews: bool,
) -> Result<Option<ReviewDetail>> {
    let Some(review) = review_row(c, case_id)? else {
        return Ok(None);
    };
    let rid = review.id;
    let whys = WhyChain::decode_all(&c.query(
        &format!(
            "SELECT {} FROM review_whys WHERE review_id = $1 ORDER BY id",
            WhyChain::columns()
        ),
        &params![rid],
    )?)?;
    let factors = Factor::decode_all(&c.query(
        &format!(
            "SELECT {} FROM {} WHERE f.review_id = $1 ORDER BY k.position, f.id",
            Factor::columns(),
            Factor::FROM
        ),
        &params![rid],
    )?)?;
    let mut lessons = Lesson::decode_all(&c.query(
        &format!(
            "SELECT {} FROM review_lessons WHERE review_id = $1 ORDER BY id",
            Lesson::columns()
        ),
        &params![rid],
    )?)?;
    lessons.sort_by_key(|l| (l.level, l.id));
    let interviews = if with_interviews {
        Interview::decode_all(&c.query(
            &format!(
                "SELECT {} FROM review_interviews WHERE review_id = $1 ORDER BY id",
                Interview::columns()
            ),
            &params![rid],
        )?)?
    } else {
        Vec::new()
    };
    Ok(Some(ReviewDetail {
        review,
        whys,
        factors,
        lessons,
        interviews,
    }))
}

/// Runs an UPDATE guarded by `version = expected`; no row changed means either
/// the row is gone (not found) or someone saved first (conflict).
fn guarded(
    c: &mut dyn Conn,
    table: &str,
    id: i64,
    review_id: i64,
    expected: i64,
    set: &str,
    values: Vec<crate::db::Value>,
) -> Result<()> {
    let n = values.len();
    let sql = format!(
        "UPDATE {table} SET {set}, version = version + 1 WHERE id = ${} AND review_id = ${} AND version = ${}",
        n + 1,
        n + 2,
        n + 3
    );
    let mut all = values;
    all.extend(params![id, review_id, expected]);
    if c.execute(&sql, &all)? == 1 {
        return Ok(());
    }
    let exists = c.query_opt(
        &format!("SELECT version FROM {table} WHERE id = $1 AND review_id = $2"),
        &params![id, review_id],
    )?;
    Err(match exists {
        None => StoreError::NotFound,
        Some(_) => StoreError::Conflict,
    })
}

/// Runs an UPDATE of a section of the review guarded by its version column.
fn guarded_section(
    c: &mut dyn Conn,
    review_id: i64,
    version_col: &str,
    expected: i64,
    set: &str,
    values: Vec<crate::db::Value>,
    now: i64,
) -> Result<()> {
    let n = values.len();
    let sql = format!(
        "UPDATE reviews SET {set}, {version_col} = {version_col} + 1, updated_ms = ${} WHERE id = ${} AND {version_col} = ${}",
        n + 1,
        n + 2,
        n + 3
    );
    let mut all = values;
    all.extend(params![now, review_id, expected]);
    if c.execute(&sql, &all)? == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

fn check_category(c: &mut dyn Conn, key: &str) -> Result<()> {
    if c.query_opt(
        "SELECT key FROM factor_categories WHERE key = $1",
        &params![key],
    )?
    .is_none()
    {
        return Err(StoreError::rule(
            "category",
            format!("There is no contributing-factor category '{key}'."),
        ));
    }
    Ok(())
}

fn apply_edit(
    c: &mut dyn Conn,
    r: &Review,
    edit: Edit,
    expected: i64,
    now: i64,
) -> Result<Option<i64>> {
    let rid = r.id;
    let mut new_id = None;
    match edit {
        Edit::What {
            what_happened,
            interpretations,
        } => guarded_section(
            c,
            rid,
            "what_version",
            expected,
            "what_happened = $1, interpretations = $2",
            params![what_happened, interpretations].to_vec(),
            now,
        )?,
        Edit::Impact(i) => guarded_section(
            c,
            rid,
            "impact_version",
            expected,
            "impact_duration_min = $1, impact_people = $2, impact_records = $3, impact_services = $4, impact_cost = $5, impact_notes = $6",
            params![
                i.duration_minutes,
                i.people_affected,
                i.records_affected,
                i.services,
                i.cost,
                i.notes
            ]
            .to_vec(),
            now,
        )?,
        Edit::Learn {
            went_well,
            got_lucky,
        } => guarded_section(
            c,
            rid,
            "learn_version",
            expected,
            "went_well = $1, got_lucky = $2",
            params![went_well, got_lucky].to_vec(),
            now,
        )?,
        Edit::Why {
            id,
            problem,
            steps,
            systemic_condition,
            restricted,
        } => {
            let steps =
                serde_json::to_string(&steps).map_err(|e| StoreError::Sql(e.to_string()))?;
            match id {
                None => {
                    new_id = Some(c.query_one(
                        "INSERT INTO review_whys (review_id, problem, steps, systemic_condition, restricted, created_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                        &params![rid, problem, steps, systemic_condition, restricted, now],
                    )?.i64(0)?);
                }
                Some(id) => guarded(
                    c,
                    "review_whys",
                    id,
                    rid,
                    expected,
                    "problem = $1, steps = $2, systemic_condition = $3, restricted = $4",
                    params![problem, steps, systemic_condition, restricted].to_vec(),
                )?,
            }
        }
        Edit::Factor {
            id,
            category,
            explanation,
            restricted,
        } => {
            check_category(c, &category)?;
            match id {
                None => {
                    new_id = Some(c.query_one(
                        "INSERT INTO review_factors (review_id, category, explanation, restricted, created_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        &params![rid, category, explanation, restricted, now],
                    )?.i64(0)?);
                }
                Some(id) => guarded(
                    c,
                    "review_factors",
                    id,
                    rid,
                    expected,
                    "category = $1, explanation = $2, restricted = $3",
                    params![category, explanation, restricted].to_vec(),
                )?,
            }
        }
        Edit::Lesson {
            id,
            level,
            body,
            restricted,
        } => match id {
            None => {
                new_id = Some(c.query_one(
                    "INSERT INTO review_lessons (review_id, level, body, restricted, created_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &params![rid, level.as_str(), body, restricted, now],
                )?.i64(0)?);
            }
            Some(id) => guarded(
                c,
                "review_lessons",
                id,
                rid,
                expected,
                "level = $1, body = $2, restricted = $3",
                params![level.as_str(), body, restricted].to_vec(),
            )?,
        },
        Edit::Interview {
            id,
            participant,
            participant_id,
            notes,
        } => match id {
            None => {
                new_id = Some(c.query_one(
                    "INSERT INTO review_interviews (review_id, participant, participant_id, notes, author_id, created_ms, updated_ms) VALUES ($1, $2, $3, $4, NULL, $5, $5) RETURNING id",
                    &params![rid, participant, participant_id, notes, now],
                )?.i64(0)?);
            }
            Some(id) => guarded(
                c,
                "review_interviews",
                id,
                rid,
                expected,
                "participant = $1, participant_id = $2, notes = $3, updated_ms = $4",
                params![participant, participant_id, notes, now].to_vec(),
            )?,
        },
        Edit::Remove { part, id } => {
            let table = match part {
                "why" => "review_whys",
                "factor" => "review_factors",
                "lesson" => "review_lessons",
                "interview" => "review_interviews",
                other => {
                    return Err(StoreError::rule(
                        "what",
                        format!("'{other}' is not a part that can be removed."),
                    ));
                }
            };
            let n = c.execute(
                &format!("DELETE FROM {table} WHERE id = $1 AND review_id = $2 AND version = $3"),
                &params![id, rid, expected],
            )?;
            if n == 0 {
                let exists = c.query_opt(
                    &format!("SELECT id FROM {table} WHERE id = $1 AND review_id = $2"),
                    &params![id, rid],
                )?;
                return Err(if exists.is_some() {
                    StoreError::Conflict
                } else {
                    StoreError::NotFound
                });
            }
        }
    }
    c.execute(
        "UPDATE reviews SET updated_ms = $1 WHERE id = $2",
        &params![now, rid],
    )?;
    Ok(new_id)
}

row! {
    /// The columns of a [`PublishedReview`], without its factors.
    pub(crate) struct PublishedRow from "reviews r JOIN cases c ON c.id = r.case_id" {
        case_id: i64 = "r.case_id",
        title: String = "c.title",
        severity: String = "c.severity",
        published_ms: Option<i64> = "r.published_ms",
        what_happened: String = "r.what_happened",
        lessons: i64 = "(SELECT COUNT(*) FROM review_lessons l WHERE l.review_id = r.id AND l.restricted = 0)",
    }
}

row! {
    /// A factor just inserted, to match it to the factor it was made from.
    pub(crate) struct MadeFactor from "review_factors" {
        id: i64 = "id",
        category: String = "category",
        explanation: String = "explanation",
    }
}

/// A summary line of a published review, for the learning library.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedReview {
    pub case_id: i64,
    pub title: String,
    pub severity: String,
    pub published_ms: i64,
    pub what_happened: String,
    pub lessons: i64,
    pub factors: Vec<String>,
}

impl Store {
    /// Opens a review for a case (idempotent); `NotFound` when the case does not exist.
    pub async fn open_review(&self, case_id: i64, user_id: i64, now: i64) -> Result<Review> {
        self.write(move |c| {
            open_review_tx(c, case_id, user_id, now)?;
            review_row(c, case_id)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    /// The review of a case with its parts; interview notes only when asked for.
    pub async fn review(
        &self,
        case_id: i64,
        with_interviews: bool,
    ) -> Result<Option<ReviewDetail>> {
        self.read(move |c| review_detail_tx(c, case_id, with_interviews))
            .await
    }

    /// Saves one edit made from `expected` (the version the editor started
    /// from; ignored when adding an item). Returns the id of an added item.
    /// Published reviews are final.
    pub async fn edit_review(
        &self,
        case_id: i64,
        edit: Edit,
        expected: i64,
        user_id: i64,
        now: i64,
    ) -> Result<Option<i64>> {
        self.write(move |c| {
            let r = review_row(c, case_id)?.ok_or(StoreError::NotFound)?;
            if r.state == ReviewState::Published {
                return Err(StoreError::State(
                    "This review is published and can no longer be changed.".into(),
                ));
            }
            let part = edit.part();
            let new_id = apply_edit(c, &r, edit, expected, now)?;
            crate::audit::append(
                c,
                now,
                &format!("user:{user_id}"),
                "review.edited",
                &format!("case:{case_id}"),
                part,
            )?;
            Ok(new_id)
        })
        .await
    }

    /// Assigns the facilitator. Returns whether they took part in the case,
    /// which the caller shows as a warning: a facilitator should not have been involved.
    pub async fn set_facilitator(
        &self,
        case_id: i64,
        facilitator: Option<i64>,
        user_id: i64,
        now: i64,
    ) -> Result<bool> {
        self.write(move |c| {
            let r = review_row(c, case_id)?.ok_or(StoreError::NotFound)?;
            if let Some(f) = facilitator
                && c.query_opt(
                    "SELECT id FROM users WHERE id = $1 AND disabled = 0",
                    &params![f],
                )?
                .is_none()
            {
                return Err(StoreError::rule(
                    "facilitator_id",
                    "The facilitator must be an active account.",
                ));
            }
            c.execute(
                "UPDATE reviews SET facilitator_id = $1, updated_ms = $2 WHERE id = $3",
                &params![facilitator, now, r.id],
            )?;
            crate::audit::append(
                c,
                now,
                &format!("user:{user_id}"),
                "review.facilitator",
                &format!("case:{case_id}"),
                &facilitator.map_or("none".into(), |f| format!("user:{f}")),
            )?;
            let involved = match facilitator {
                Some(f) => c
                    .query_opt(
                        "SELECT user_id FROM case_participants WHERE case_id = $1 AND user_id = $2",
                        &params![case_id, f],
                    )?
                    .is_some(),
                None => false,
            };
            Ok(involved)
        })
        .await
    }

    /// Moves a review to `to`. Publishing records who published it and, when
    /// the checker still had warnings, that the publisher acknowledged them
    /// (`lint_warnings` > 0 requires `acknowledged`). A case still "in review"
    /// moves to "learning published" with its review.
    pub async fn set_review_state(
        &self,
        case_id: i64,
        to: ReviewState,
        lint_warnings: usize,
        acknowledged: bool,
        user_id: i64,
        now: i64,
    ) -> Result<Review> {
        self.write(move |c| {
            let r = review_row(c, case_id)?.ok_or(StoreError::NotFound)?;
            if !r.state.next().contains(&to) {
                let allowed: Vec<&str> = r.state.next().iter().map(|s| s.label()).collect();
                return Err(StoreError::State(if allowed.is_empty() {
                    format!("A review that is {} cannot change state.", r.state.label().to_lowercase())
                } else {
                    format!(
                        "A review that is {} can only go to: {}.",
                        r.state.label().to_lowercase(),
                        allowed.join(", ")
                    )
                }));
            }
            if to == ReviewState::Published && lint_warnings > 0 && !acknowledged {
                return Err(StoreError::State(format!(
                    "The blameless-language checker still has {lint_warnings} warning(s); acknowledge them to publish anyway."
                )));
            }
            c.execute(
                "UPDATE reviews SET state = $1, updated_ms = $2 WHERE id = $3",
                &params![to.as_str(), now, r.id],
            )?;
            let mut detail = format!("{} -> {}", r.state, to);
            if to == ReviewState::Published {
                c.execute(
                    "UPDATE reviews SET published_ms = $1, published_by = $2 WHERE id = $3",
                    &params![now, user_id, r.id],
                )?;
                if lint_warnings > 0 {
                    c.execute(
                        "UPDATE reviews SET lint_acknowledged_by = $1, lint_acknowledged_ms = $2 WHERE id = $3",
                        &params![user_id, now, r.id],
                    )?;
                    detail.push_str(&format!("; {lint_warnings} checker warning(s) acknowledged"));
                }
                let status: String = c
                    .query_one("SELECT status FROM cases WHERE id = $1", &params![case_id])?
                    .text(0)?;
                if status == debrief_core::case::Status::InReview.as_str() {
                    crate::cases::transition_tx(
                        c,
                        case_id,
                        debrief_core::case::Status::Published,
                        None,
                        None,
                        user_id,
                        now,
                    )?;
                }
            }
            crate::audit::append(c, now, &format!("user:{user_id}"), "review.state", &format!("case:{case_id}"), &detail)?;
            review_row(c, case_id)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    /// Published reviews, newest first, with an optional search over titles and text.
    pub async fn list_published(
        &self,
        q: Option<String>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<PublishedReview>, i64)> {
        self.read(move |c| {
            let like = crate::accounts::like_pattern(q.as_deref().unwrap_or(""));
            let filter = "r.state = 'published' AND (LOWER(c.title) LIKE $1 ESCAPE '\\' OR LOWER(r.what_happened) LIKE $1 ESCAPE '\\')";
            let total = c
                .query_one(
                    &format!("SELECT COUNT(*) FROM reviews r JOIN cases c ON c.id = r.case_id WHERE {filter}"),
                    &params![like.clone()],
                )?
                .i64(0)?;
            let rows = c.query(
                &format!(
                    "SELECT {} FROM {} WHERE {filter}
                     ORDER BY r.published_ms DESC, r.id DESC LIMIT $2 OFFSET $3",
                    PublishedRow::columns(),
                    PublishedRow::FROM
                ),
                &params![like, limit, offset],
            )?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let r = PublishedRow::decode(r)?;
                let factors = c
                    .query(
                        r#"SELECT DISTINCT k.label AS "label", k.position FROM review_factors f JOIN reviews v ON v.id = f.review_id JOIN factor_categories k ON k.key = f.category WHERE v.case_id = $1 AND f.restricted = 0 ORDER BY k.position"#,
                        &params![r.case_id],
                    )?
                    .iter()
                    .map(|x| x.get("label"))
                    .collect::<Result<_>>()?;
                out.push(PublishedReview {
                    case_id: r.case_id,
                    title: r.title,
                    severity: r.severity,
                    published_ms: r.published_ms.unwrap_or(0),
                    what_happened: r.what_happened,
                    lessons: r.lessons,
                    factors,
                });
            }
            Ok((out, total))
        })
        .await
    }

    /// Contributing-factor categories, built-in ones first.
    pub async fn factor_categories(&self) -> Result<Vec<FactorCategory>> {
        self.read(|c| {
            FactorCategory::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM factor_categories ORDER BY position, key",
                    FactorCategory::columns()
                ),
                &[],
            )?)
        })
        .await
    }

    /// Adds a category to the taxonomy (administrators extend it).
    pub async fn add_factor_category(
        &self,
        key: String,
        label: String,
        description: String,
        user_id: i64,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            let pos = c
                .query_one("SELECT CAST(COALESCE(MAX(position), 0) + 1 AS BIGINT) FROM factor_categories", &[])?
                .i64(0)?;
            c.execute(
                "INSERT INTO factor_categories (key, label, description, builtin, position, created_ms) VALUES ($1, $2, $3, 0, $4, $5)",
                &params![key.clone(), label, description, pos, now],
            )?;
            crate::audit::append(c, now, &format!("user:{user_id}"), "factor_category.added", &format!("factor_category:{key}"), "")?;
            Ok(())
        })
        .await
    }
}

/// A five-whys chain of a [`ReviewRecord`].
#[derive(Debug, Clone)]
pub struct WhyRecord {
    pub problem: String,
    pub steps: Vec<String>,
    pub systemic_condition: String,
    pub restricted: bool,
}

/// A contributing factor of a [`ReviewRecord`]; `category` is a taxonomy key.
#[derive(Debug, Clone)]
pub struct FactorRecord {
    pub category: String,
    pub explanation: String,
    pub restricted: bool,
}

/// A lesson of a [`ReviewRecord`].
#[derive(Debug, Clone)]
pub struct LessonRecord {
    pub level: LessonLevel,
    pub body: String,
    pub restricted: bool,
}

/// Debrief interview notes of a [`ReviewRecord`].
#[derive(Debug, Clone)]
pub struct InterviewRecord {
    pub participant: String,
    pub participant_id: Option<i64>,
    pub notes: String,
    pub author_id: Option<i64>,
    pub at_ms: i64,
}

/// A review as it stood at some point in the past, with its parts, for
/// importing history and for demonstration data. Times are milliseconds since
/// the epoch; a published review carries when and by whom it was published.
#[derive(Debug, Clone)]
pub struct ReviewRecord {
    pub case_id: i64,
    pub state: ReviewState,
    pub facilitator_id: Option<i64>,
    pub what_happened: String,
    pub interpretations: String,
    pub impact: Impact,
    pub went_well: String,
    pub got_lucky: String,
    pub whys: Vec<WhyRecord>,
    pub factors: Vec<FactorRecord>,
    pub lessons: Vec<LessonRecord>,
    pub interviews: Vec<InterviewRecord>,
    pub created_ms: i64,
    pub created_by: Option<i64>,
    pub updated_ms: i64,
    pub published_ms: Option<i64>,
    pub published_by: Option<i64>,
}

/// `($1, $2, $3), ($4, $5, $6)`: placeholders for `rows` rows of `cols` values.
pub(crate) fn value_rows(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=cols).map(|k| format!("${}", r * cols + k)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts a historic review with its parts inside an open transaction, one
/// statement per kind of part. Returns the review's id and the ids of its
/// factors in the order given (for linking action items). The case must not
/// have a review yet.
pub fn insert_review_record_tx(c: &mut dyn Conn, r: &ReviewRecord) -> Result<(i64, Vec<i64>)> {
    if (r.state == ReviewState::Published) != r.published_ms.is_some() {
        return Err(StoreError::Invalid(
            "A published review needs its publication time, and only a published one has it."
                .into(),
        ));
    }
    for f in &r.factors {
        if !FACTOR_CATEGORIES.iter().any(|(k, _, _)| *k == f.category) {
            check_category(c, &f.category)?;
        }
    }
    let i = &r.impact;
    let id = c
        .query_one(
            "INSERT INTO reviews (case_id, state, facilitator_id, what_happened, interpretations, impact_duration_min, impact_people, impact_records, impact_services, impact_cost, impact_notes, went_well, got_lucky, created_ms, created_by, updated_ms, published_ms, published_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
            &params![
                r.case_id,
                r.state.as_str(),
                r.facilitator_id,
                &r.what_happened,
                &r.interpretations,
                i.duration_minutes,
                i.people_affected,
                i.records_affected,
                &i.services,
                &i.cost,
                &i.notes,
                &r.went_well,
                &r.got_lucky,
                r.created_ms,
                r.created_by,
                r.updated_ms,
                r.published_ms,
                r.published_by
            ],
        )?
        .i64(0)?;
    if !r.whys.is_empty() {
        let mut values = Vec::with_capacity(r.whys.len() * 6);
        for w in &r.whys {
            let steps =
                serde_json::to_string(&w.steps).map_err(|e| StoreError::Sql(e.to_string()))?;
            values.extend(params![
                id,
                &w.problem,
                steps,
                &w.systemic_condition,
                w.restricted,
                r.created_ms
            ]);
        }
        c.execute(
            &format!(
                "INSERT INTO review_whys (review_id, problem, steps, systemic_condition, restricted, created_ms) VALUES {}",
                value_rows(r.whys.len(), 6)
            ),
            &values,
        )?;
    }
    let mut factor_ids = Vec::with_capacity(r.factors.len());
    if !r.factors.is_empty() {
        let mut values = Vec::with_capacity(r.factors.len() * 5);
        for f in &r.factors {
            values.extend(params![
                id,
                &f.category,
                &f.explanation,
                f.restricted,
                r.created_ms
            ]);
        }
        // RETURNING gives no order: match the new rows to the factors given
        let rows = c.query(
            &format!(
                "INSERT INTO review_factors (review_id, category, explanation, restricted, created_ms) VALUES {} RETURNING {}",
                value_rows(r.factors.len(), 5),
                MadeFactor::columns()
            ),
            &values,
        )?;
        let mut made = MadeFactor::decode_all(&rows)?;
        made.sort_by_key(|m| m.id);
        for f in &r.factors {
            let at = made
                .iter()
                .position(|m| m.category == f.category && m.explanation == f.explanation)
                .ok_or_else(|| StoreError::Decode("an inserted factor was not returned".into()))?;
            factor_ids.push(made.remove(at).id);
        }
    }
    if !r.lessons.is_empty() {
        let mut values = Vec::with_capacity(r.lessons.len() * 5);
        for l in &r.lessons {
            values.extend(params![
                id,
                l.level.as_str(),
                &l.body,
                l.restricted,
                r.created_ms
            ]);
        }
        c.execute(
            &format!(
                "INSERT INTO review_lessons (review_id, level, body, restricted, created_ms) VALUES {}",
                value_rows(r.lessons.len(), 5)
            ),
            &values,
        )?;
    }
    if !r.interviews.is_empty() {
        let mut values = Vec::with_capacity(r.interviews.len() * 7);
        for n in &r.interviews {
            values.extend(params![
                id,
                &n.participant,
                n.participant_id,
                &n.notes,
                n.author_id,
                n.at_ms,
                n.at_ms
            ]);
        }
        c.execute(
            &format!(
                "INSERT INTO review_interviews (review_id, participant, participant_id, notes, author_id, created_ms, updated_ms) VALUES {}",
                value_rows(r.interviews.len(), 7)
            ),
            &values,
        )?;
    }
    Ok((id, factor_ids))
}
