//! Published reviews as the learning library lists them.

use crate::rows::{FromRow, row};
use crate::{Result, Store, params};
use serde::Serialize;

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
}
