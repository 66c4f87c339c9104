//! Saving one edit of a review: every part is guarded by its version, so a
//! save made from an older version is refused and nothing is written.

use super::taxonomy::check_category;
use super::{Edit, Review};
use crate::db::Conn;
use crate::{Result, StoreError, params};

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

pub(super) fn apply_edit(
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
