//! Blameless reviews: one per case, its Five Questions sections, five-whys
//! chains, contributing factors, lessons by level and debrief interview notes.
//!
//! Every editable part carries a version. A save names the version it started
//! from; when someone else saved in between, the save is refused with
//! [`StoreError::Conflict`] and nothing is written, so the caller can show both
//! texts and nothing typed is lost.

mod edit;
mod history;
mod library;
mod taxonomy;

pub use history::{
    FactorRecord, InterviewRecord, LessonRecord, ReviewRecord, WhyRecord, insert_review_record_tx,
};
pub(crate) use history::{MadeFactor, value_rows};
pub use library::PublishedReview;
pub(crate) use library::PublishedRow;
pub use taxonomy::{FactorCategory, seed_factor_categories};

use crate::db::Conn;
use crate::rows::{FromRow, row};
use crate::{Result, Store, StoreError, params};
use debrief_core::review::{LessonLevel, ReviewState};
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
            let new_id = edit::apply_edit(c, &r, edit, expected, now)?;
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
}
