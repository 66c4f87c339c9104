//! Reports and their two-way follow-up. Anonymous reports hold no account, no
//! address, no browser details, and times only to the minute; confidential ones
//! hold the reporter's identity sealed under a key kept outside the database.

use crate::db::Conn;
use crate::rows::{FromRow, row};
use crate::{Result, Store, StoreError, params};
use debrief_core::report::{Confidentiality, Kind};
use serde::Serialize;

pub struct NewReport {
    pub kind: Kind,
    pub confidentiality: Confidentiality,
    pub title: String,
    pub description: String,
    pub systems: String,
    pub occurred_text: String,
    pub occurred_ms: Option<i64>,
    pub detected_ms: Option<i64>,
    pub received_ms: i64,
    pub reporter_id: Option<i64>,
    pub reporter_sealed: Option<Vec<u8>>,
    pub receipt_hash: Option<String>,
    pub content_sha256: String,
}

pub use debrief_core::report::ReportStatus;

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct Report from "reports r" {
        pub id: i64 = "r.id",
        pub kind: Kind = "r.kind",
        pub confidentiality: Confidentiality = "r.confidentiality",
        pub title: String = "r.title",
        pub description: String = "r.description",
        pub systems: String = "r.systems",
        pub occurred_text: String = "r.occurred_text",
        pub occurred_ms: Option<i64> = "r.occurred_ms",
        pub detected_ms: Option<i64> = "r.detected_ms",
        pub received_ms: i64 = "r.received_ms",
        pub reporter_id: Option<i64> = "r.reporter_id",
        pub status: ReportStatus = "r.status",
        pub case_id: Option<i64> = "r.case_id",
        pub duplicate_of: Option<i64> = "r.duplicate_of",
        pub closed_note: Option<String> = "r.closed_note",
        pub content_sha256: String = "r.content_sha256",
        #[serde(skip)]
        pub has_receipt: bool = "r.receipt_hash IS NOT NULL",
        #[serde(skip)]
        pub has_sealed_identity: bool = "r.reporter_sealed IS NOT NULL",
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct Message from "report_messages" {
        pub id: i64 = "id",
        /// `reporter` or `team`.
        pub author: String = "author",
        #[serde(skip)]
        pub user_id: Option<i64> = "user_id",
        /// `message`, `question`, `thanks`, `closure` or `update`.
        pub kind: String = "kind",
        pub body: String = "body",
        pub created_ms: i64 = "created_ms",
    }
}

/// A report's messages in time order. An anonymous reporter's messages are
/// timed to the start of their minute and come before the team's messages of
/// the same minute, whatever the order they arrived in: ordered by arrival, a
/// reply listed after a team message timed to the second would be dated by it.
pub fn messages(c: &mut dyn Conn, report_id: i64) -> Result<Vec<Message>> {
    let rows = c.query(
        &format!(
            "SELECT {} FROM report_messages WHERE report_id = $1
             ORDER BY created_ms, CASE WHEN author = 'reporter' THEN 0 ELSE 1 END, id",
            Message::columns()
        ),
        &params![report_id],
    )?;
    Message::decode_all(&rows)
}

/// Inserts a report under a new random identifier (see
/// [`debrief_core::report::new_report_id`]); an identifier already taken is
/// skipped without aborting the transaction.
pub fn insert_report(c: &mut dyn Conn, r: &NewReport) -> Result<i64> {
    for _ in 0..8 {
        let id = debrief_core::report::new_report_id()
            .map_err(|e| StoreError::Sql(format!("no random report identifier: {e}")))?;
        let row = c.query_opt(
            "INSERT INTO reports (id, kind, confidentiality, title, description, systems, occurred_text, occurred_ms, detected_ms,
                 received_ms, reporter_id, reporter_sealed, receipt_hash, content_sha256, status, updated_ms)
             VALUES ($14, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'new', $9)
             ON CONFLICT (id) DO NOTHING RETURNING id",
            &params![
                r.kind.as_str(),
                r.confidentiality.as_str(),
                r.title.clone(),
                r.description.clone(),
                r.systems.clone(),
                r.occurred_text.clone(),
                r.occurred_ms,
                r.detected_ms,
                r.received_ms,
                r.reporter_id,
                r.reporter_sealed.clone(),
                r.receipt_hash.clone(),
                r.content_sha256.clone(),
                id,
            ],
        )?;
        if let Some(row) = row {
            return row.i64(0);
        }
    }
    Err(StoreError::Sql(
        "no free report identifier after 8 draws".into(),
    ))
}

pub fn add_message(
    c: &mut dyn Conn,
    report_id: i64,
    author: &str,
    user_id: Option<i64>,
    kind: &str,
    body: &str,
    at_ms: i64,
) -> Result<i64> {
    c.query_one(
        "INSERT INTO report_messages (report_id, author, user_id, kind, body, created_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &params![report_id, author, user_id, kind, body, at_ms],
    )?
    .i64(0)
}

/// What the reporter sees through their receipt.
#[derive(Debug, Clone)]
pub struct ReceiptView {
    pub report: Report,
    pub messages: Vec<Message>,
    /// Set when the report's case has moved on (what changed because of it).
    pub case_status: Option<String>,
    /// The case's review is published in the learning library.
    pub review_published: bool,
}

/// A case's status, and whether its review is published.
fn case_progress_tx(c: &mut dyn Conn, case_id: i64) -> Result<(Option<String>, bool)> {
    let status = c
        .query_opt("SELECT status FROM cases WHERE id = $1", &params![case_id])?
        .map(|r| r.text(0))
        .transpose()?;
    let published = c
        .query_opt(
            "SELECT id FROM reviews WHERE case_id = $1 AND state = 'published'",
            &params![case_id],
        )?
        .is_some();
    Ok((status, published))
}

/// The triage queue's filter.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub status: Option<ReportStatus>,
    pub kind: Option<Kind>,
}

impl Store {
    /// Stores a report in one transaction; the 201 is sent only after it commits.
    /// Named reports are audited with their author; anonymous and confidential
    /// ones are not, so that no record ties a person or a precise time to them.
    pub async fn create_report(&self, r: NewReport) -> Result<i64> {
        if r.reporter_id.is_none() {
            // anonymous and confidential reports are one INSERT: on PostgreSQL it
            // commits on its own; on SQLite it joins the writer's next group
            return self.write_one(move |c| insert_report(c, &r)).await;
        }
        self.write(move |c| {
            let id = insert_report(c, &r)?;
            if let Some(uid) = r.reporter_id {
                crate::audit::append(
                    c,
                    r.received_ms,
                    &format!("user:{uid}"),
                    "report.created",
                    &format!("report:{id}"),
                    r.kind.as_str(),
                )?;
            }
            Ok(id)
        })
        .await
    }

    pub async fn report(&self, id: i64) -> Result<Option<Report>> {
        self.read(move |c| {
            c.query_opt(
                &format!(
                    "SELECT {} FROM reports r WHERE r.id = $1",
                    Report::columns()
                ),
                &params![id],
            )?
            .map(|r| Report::decode(&r))
            .transpose()
        })
        .await
    }

    pub async fn report_with_messages(&self, id: i64) -> Result<Option<(Report, Vec<Message>)>> {
        self.read(move |c| {
            let Some(r) = c.query_opt(
                &format!(
                    "SELECT {} FROM reports r WHERE r.id = $1",
                    Report::columns()
                ),
                &params![id],
            )?
            else {
                return Ok(None);
            };
            let report = Report::decode(&r)?;
            let msgs = messages(c, id)?;
            Ok(Some((report, msgs)))
        })
        .await
    }

    /// Reports for triage, newest first.
    pub async fn list_reports(
        &self,
        filter: ReportFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Report>, i64)> {
        self.read(move |c| {
            let status = filter.status.map(|s| s.as_str().to_string()).unwrap_or_default();
            let kind = filter.kind.map(|k| k.as_str().to_string()).unwrap_or_default();
            let wh = "($1 = '' OR r.status = $1) AND ($2 = '' OR r.kind = $2)";
            let total = c.query_one(&format!("SELECT COUNT(*) FROM reports r WHERE {wh}"), &params![status.clone(), kind.clone()])?.i64(0)?;
            let rows = c.query(
                &format!("SELECT {} FROM reports r WHERE {wh} ORDER BY r.received_ms DESC, r.id DESC LIMIT $3 OFFSET $4", Report::columns()),
                &params![status, kind, limit, offset],
            )?;
            Ok((Report::decode_all(&rows)?, total))
        })
        .await
    }

    /// A named reporter's own reports, newest first, with their messages.
    pub async fn reports_of_user(&self, user_id: i64) -> Result<Vec<(Report, Vec<Message>)>> {
        self.read(move |c| {
            let rows = c.query(
                &format!(
                    "SELECT {} FROM reports r WHERE r.reporter_id = $1 ORDER BY r.received_ms DESC",
                    Report::columns()
                ),
                &params![user_id],
            )?;
            let mut out = Vec::new();
            for row in rows {
                let r = Report::decode(&row)?;
                let m = messages(c, r.id)?;
                out.push((r, m));
            }
            Ok(out)
        })
        .await
    }

    /// Where a report's case stands: its status and whether its review is
    /// published, for the words its reporter reads.
    pub async fn case_progress(&self, case_id: i64) -> Result<(Option<String>, bool)> {
        self.read(move |c| case_progress_tx(c, case_id)).await
    }

    /// The report behind a receipt (by its keyed hash), with its messages.
    pub async fn receipt(&self, receipt_hash: String) -> Result<Option<ReceiptView>> {
        self.read(move |c| {
            let Some(row) = c.query_opt(
                &format!(
                    "SELECT {} FROM reports r WHERE r.receipt_hash = $1",
                    Report::columns()
                ),
                &params![receipt_hash],
            )?
            else {
                return Ok(None);
            };
            let report = Report::decode(&row)?;
            let msgs = messages(c, report.id)?;
            let (case_status, review_published) = match report.case_id {
                Some(cid) => case_progress_tx(c, cid)?,
                None => (None, false),
            };
            Ok(Some(ReceiptView {
                report,
                messages: msgs,
                case_status,
                review_published,
            }))
        })
        .await
    }

    /// The reporter adds information through the receipt. The time is kept to the minute.
    pub async fn reporter_message(
        &self,
        receipt_hash: String,
        body: String,
        at_minute: i64,
    ) -> Result<i64> {
        self.write(move |c| {
            let id = c
                .query_opt(
                    "SELECT id FROM reports WHERE receipt_hash = $1",
                    &params![receipt_hash],
                )?
                .ok_or(StoreError::NotFound)?
                .i64(0)?;
            add_message(c, id, "reporter", None, "message", &body, at_minute)?;
            c.execute(
                "UPDATE reports SET updated_ms = $1 WHERE id = $2",
                &params![at_minute, id],
            )?;
            Ok(id)
        })
        .await
    }

    /// A named reporter adds information to their own report.
    pub async fn named_reporter_message(
        &self,
        report_id: i64,
        user_id: i64,
        body: String,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            let n = c.query_opt(
                "SELECT id FROM reports WHERE id = $1 AND reporter_id = $2",
                &params![report_id, user_id],
            )?;
            if n.is_none() {
                return Err(StoreError::NotFound);
            }
            add_message(
                c,
                report_id,
                "reporter",
                Some(user_id),
                "message",
                &body,
                now,
            )?;
            c.execute(
                "UPDATE reports SET updated_ms = $1 WHERE id = $2",
                &params![now, report_id],
            )?;
            Ok(())
        })
        .await
    }

    /// A message from the security team to the reporter (question, thanks, update).
    pub async fn team_message(
        &self,
        report_id: i64,
        user_id: i64,
        kind: &'static str,
        body: String,
        now: i64,
    ) -> Result<i64> {
        self.write(move |c| {
            if c.query_opt("SELECT id FROM reports WHERE id = $1", &params![report_id])?
                .is_none()
            {
                return Err(StoreError::NotFound);
            }
            let id = add_message(c, report_id, "team", Some(user_id), kind, &body, now)?;
            crate::audit::append(
                c,
                now,
                &format!("user:{user_id}"),
                &format!("report.{kind}"),
                &format!("report:{report_id}"),
                "",
            )?;
            Ok(id)
        })
        .await
    }

    /// Closes a report with an explanation the reporter sees.
    pub async fn close_report(
        &self,
        report_id: i64,
        user_id: i64,
        note: String,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            let n = c.execute(
                "UPDATE reports SET status = 'closed', closed_note = $1, updated_ms = $2 WHERE id = $3 AND status IN ('new', 'duplicate')",
                &params![note.clone(), now, report_id],
            )?;
            if n == 0 {
                return Err(StoreError::State("Only new or duplicate reports can be closed from triage; a report in a case closes with its case.".into()));
            }
            add_message(c, report_id, "team", Some(user_id), "closure", &note, now)?;
            crate::audit::append(c, now, &format!("user:{user_id}"), "report.closed", &format!("report:{report_id}"), "")?;
            Ok(())
        })
        .await
    }

    /// Marks a report as a duplicate of another; it joins that report's case, if any.
    pub async fn mark_duplicate(
        &self,
        report_id: i64,
        of: i64,
        user_id: i64,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            if report_id == of {
                return Err(StoreError::rule("of", "A report cannot duplicate itself."));
            }
            let target = c.query_opt("SELECT case_id FROM reports WHERE id = $1", &params![of])?.ok_or_else(|| StoreError::rule("of", "There is no such report."))?;
            let case_id = target.opt_i64(0)?;
            let n = c.execute(
                "UPDATE reports SET status = 'duplicate', duplicate_of = $1, case_id = $2, updated_ms = $3 WHERE id = $4 AND status = 'new'",
                &params![of, case_id, now, report_id],
            )?;
            if n == 0 {
                return Err(StoreError::State("Only new reports can be marked as duplicates.".into()));
            }
            if let Some(cid) = case_id {
                crate::cases::refresh_reported(c, cid)?;
            }
            crate::audit::append(c, now, &format!("user:{user_id}"), "report.duplicate", &format!("report:{report_id}"), &format!("report:{of}"))?;
            Ok(())
        })
        .await
    }

    /// The sealed identity of a confidential reporter (the caller decrypts and audits).
    pub async fn sealed_identity(&self, report_id: i64) -> Result<Option<Vec<u8>>> {
        self.read(move |c| {
            c.query_opt(
                "SELECT reporter_sealed FROM reports WHERE id = $1",
                &params![report_id],
            )?
            .ok_or(StoreError::NotFound)?
            .get("reporter_sealed")
        })
        .await
    }
}
