//! Reviews as they stood in the past, with their parts, inserted in one go
//! (history imports, backups' sibling tools and demonstration data).

use super::Impact;
use super::taxonomy::check_category;
use crate::db::Conn;
use crate::rows::{FromRow, row};
use crate::{Result, StoreError, params};
use debrief_core::review::{FACTOR_CATEGORIES, LessonLevel, ReviewState};

row! {
    /// A factor just inserted, to match it to the factor it was made from.
    pub(crate) struct MadeFactor from "review_factors" {
        id: i64 = "id",
        category: String = "category",
        explanation: String = "explanation",
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
