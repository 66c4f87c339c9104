//! Action items: follow-ups from reviews, tracked separately from the document,
//! each with one owner, a due day, a priority and a status; closing one can
//! schedule an effectiveness check. Reminders become in-app notices.

use crate::db::Conn;
use crate::rows::{FromRow, row};
use crate::{Result, Store, StoreError, params};
use debrief_core::review::{ActionPriority, ActionStatus, CheckOutcome, reminder_kind};
use serde::Serialize;

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct ActionItem from "action_items a JOIN cases c ON c.id = a.case_id JOIN users u ON u.id = a.owner_id LEFT JOIN review_factors f ON f.id = a.factor_id LEFT JOIN factor_categories k ON k.key = f.category" {
        pub id: i64 = "a.id",
        pub case_id: i64 = "a.case_id",
        pub case_title: String = "c.title",
        pub title: String = "a.title",
        pub description: String = "a.description",
        pub owner_id: i64 = "a.owner_id",
        pub owner_name: String = "u.name",
        /// `YYYY-MM-DD`.
        pub due_day: String = "a.due_day",
        pub priority: ActionPriority = "a.priority",
        pub status: ActionStatus = "a.status",
        pub factor_id: Option<i64> = "a.factor_id",
        /// The addressed factor as any reader may see it ("Category: explanation").
        /// `None` when the factor is restricted: restricted parts of a review never
        /// leave its workspace, so no page, export or API built from an item can
        /// show them.
        pub factor_label: Option<String> = "CASE WHEN f.restricted = 0 THEN k.label || ': ' || f.explanation END",
        /// The addressed factor is restricted (its label is withheld).
        pub factor_restricted: bool = "COALESCE(f.restricted, 0)",
        pub tracker_url: Option<String> = "a.tracker_url",
        /// What changed (done) or why not (won't do).
        pub closing_note: Option<String> = "a.closing_note",
        pub closed_ms: Option<i64> = "a.closed_ms",
        pub check_day: Option<String> = "a.check_day",
        pub check_owner_id: Option<i64> = "a.check_owner_id",
        pub check_outcome: Option<CheckOutcome> = "a.check_outcome",
        pub check_note: Option<String> = "a.check_note",
        pub check_done_ms: Option<i64> = "a.check_done_ms",
        pub version: i64 = "a.version",
        pub created_ms: i64 = "a.created_ms",
        pub updated_ms: i64 = "a.updated_ms",
    }
}

row! {
    /// An open item due soon or overdue, for its owner's reminder.
    pub(crate) struct DueItem from "action_items" {
        id: i64 = "id",
        owner_id: i64 = "owner_id",
        title: String = "title",
        due_day: String = "due_day",
    }
}

row! {
    /// An effectiveness check that has come due.
    pub(crate) struct DueCheck from "action_items" {
        id: i64 = "id",
        check_owner_id: Option<i64> = "check_owner_id",
        title: String = "title",
        check_day: String = "check_day",
    }
}

#[derive(Debug, Clone)]
pub struct NewActionItem {
    pub case_id: i64,
    pub title: String,
    pub description: String,
    pub owner_id: i64,
    pub due_day: String,
    pub priority: ActionPriority,
    pub factor_id: Option<i64>,
    pub tracker_url: Option<String>,
}

impl NewActionItem {
    /// A validated item for the case `case_id`.
    pub fn of(case_id: i64, v: debrief_core::action::ValidItem) -> NewActionItem {
        NewActionItem {
            case_id,
            title: v.title,
            description: v.description,
            owner_id: v.owner_id,
            due_day: v.due_day,
            priority: v.priority,
            factor_id: v.factor_id,
            tracker_url: v.tracker_url,
        }
    }
}

/// Which items to list.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub case_id: Option<i64>,
    pub owner_id: Option<i64>,
    /// Only open and in-progress items.
    pub open_only: bool,
}

/// Changes to an item; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ItemChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub owner_id: Option<i64>,
    pub due_day: Option<String>,
    pub priority: Option<ActionPriority>,
    pub factor_id: Option<Option<i64>>,
    pub tracker_url: Option<Option<String>>,
    /// A new status; closing needs `note` (what changed, or why it won't be done).
    pub status: Option<ActionStatus>,
    pub note: Option<String>,
    /// On closing as done: when someone confirms the fix worked, and who.
    pub check_day: Option<String>,
    pub check_owner_id: Option<i64>,
}

fn check_owner(c: &mut dyn Conn, id: i64, field: &'static str, what: &str) -> Result<()> {
    if c.query_opt(
        "SELECT id FROM users WHERE id = $1 AND disabled = 0",
        &params![id],
    )?
    .is_none()
    {
        return Err(StoreError::rule(
            field,
            format!("The {what} must be an active account."),
        ));
    }
    Ok(())
}

fn check_factor(c: &mut dyn Conn, case_id: i64, factor: i64) -> Result<()> {
    if c.query_opt(
        "SELECT f.id FROM review_factors f JOIN reviews r ON r.id = f.review_id WHERE f.id = $1 AND r.case_id = $2",
        &params![factor, case_id],
    )?
    .is_none()
    {
        return Err(StoreError::rule(
            "factor_id",
            "The contributing factor must belong to this case's review.",
        ));
    }
    Ok(())
}

fn item_tx(c: &mut dyn Conn, id: i64) -> Result<Option<ActionItem>> {
    c.query_opt(
        &format!(
            "SELECT {} FROM {} WHERE a.id = $1",
            ActionItem::columns(),
            ActionItem::FROM
        ),
        &params![id],
    )?
    .as_ref()
    .map(ActionItem::decode)
    .transpose()
}

/// Inserts an item inside an open transaction (also used for demo data).
pub fn insert_item_tx(
    c: &mut dyn Conn,
    n: &NewActionItem,
    user_id: Option<i64>,
    now: i64,
) -> Result<i64> {
    if c.query_opt("SELECT id FROM cases WHERE id = $1", &params![n.case_id])?
        .is_none()
    {
        return Err(StoreError::NotFound);
    }
    check_owner(c, n.owner_id, "owner_id", "owner")?;
    if let Some(f) = n.factor_id {
        check_factor(c, n.case_id, f)?;
    }
    let id = c
        .query_one(
            "INSERT INTO action_items (case_id, title, description, owner_id, due_day, priority, status, factor_id, tracker_url, created_by, created_ms, updated_ms)
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10, $10) RETURNING id",
            &params![
                n.case_id,
                n.title.clone(),
                n.description.clone(),
                n.owner_id,
                n.due_day.clone(),
                n.priority.as_str(),
                n.factor_id,
                n.tracker_url.clone(),
                user_id,
                now
            ],
        )?
        .i64(0)?;
    Ok(id)
}

impl Store {
    pub async fn create_action_item(
        &self,
        n: NewActionItem,
        user_id: i64,
        now: i64,
    ) -> Result<ActionItem> {
        self.write(move |c| {
            let id = insert_item_tx(c, &n, Some(user_id), now)?;
            crate::audit::append(
                c,
                now,
                &format!("user:{user_id}"),
                "action_item.created",
                &format!("action_item:{id}"),
                &format!("case:{} owner user:{}", n.case_id, n.owner_id),
            )?;
            if n.owner_id != user_id {
                notify_tx(
                    c,
                    n.owner_id,
                    "assigned",
                    &format!("You own a new action item: {}", n.title),
                    &format!("/action-items/{id}"),
                    &format!("action:{id}:assigned:{}", n.owner_id),
                    now,
                )?;
            }
            item_tx(c, id)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    pub async fn action_item(&self, id: i64) -> Result<Option<ActionItem>> {
        self.read(move |c| item_tx(c, id)).await
    }

    /// Items, open ones first, then by due day (overdue ones come first), then priority.
    /// Every action item of one case (up to 1,000), as its review, its
    /// library page and its exports show them.
    pub async fn case_action_items(&self, case_id: i64) -> Result<Vec<ActionItem>> {
        let f = ItemFilter {
            case_id: Some(case_id),
            ..Default::default()
        };
        Ok(self.list_action_items(f, 1000, 0).await?.0)
    }

    pub async fn list_action_items(
        &self,
        f: ItemFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<ActionItem>, i64)> {
        self.read(move |c| {
            let filter = "($1 = 0 OR a.case_id = $1) AND ($2 = 0 OR a.owner_id = $2) AND ($3 = 0 OR a.status IN ('open', 'in_progress'))";
            let p = params![
                f.case_id.unwrap_or(0),
                f.owner_id.unwrap_or(0),
                f.open_only
            ];
            let total = c
                .query_one(
                    &format!("SELECT COUNT(*) FROM action_items a WHERE {filter}"),
                    &p,
                )?
                .i64(0)?;
            let mut all = p.to_vec();
            all.extend(params![limit, offset]);
            let rows = c.query(
                &format!(
                    "SELECT {} FROM {} WHERE {filter}
                     ORDER BY CASE WHEN a.status IN ('open', 'in_progress') THEN 0 ELSE 1 END, a.due_day,
                        CASE a.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, a.id
                     LIMIT $4 OFFSET $5",
                    ActionItem::columns(),
                    ActionItem::FROM
                ),
                &all,
            )?;
            Ok((ActionItem::decode_all(&rows)?, total))
        })
        .await
    }

    /// Effectiveness checks that `owner` has yet to record.
    pub async fn due_checks(&self, owner: i64) -> Result<Vec<ActionItem>> {
        self.read(move |c| {
            ActionItem::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM {} WHERE a.check_owner_id = $1 AND a.check_day IS NOT NULL AND a.check_done_ms IS NULL ORDER BY a.check_day, a.id",
                    ActionItem::columns(),
                    ActionItem::FROM
                ),
                &params![owner],
            )?)
        })
        .await
    }

    /// Applies changes made from `expected` (the version the editor saw).
    pub async fn update_action_item(
        &self,
        id: i64,
        ch: ItemChanges,
        expected: i64,
        user_id: i64,
        now: i64,
    ) -> Result<ActionItem> {
        self.write(move |c| {
            let before = item_tx(c, id)?.ok_or(StoreError::NotFound)?;
            if before.version != expected {
                return Err(StoreError::Conflict);
            }
            if let Some(o) = ch.owner_id {
                check_owner(c, o, "owner_id", "owner")?;
            }
            if let Some(Some(f)) = ch.factor_id {
                check_factor(c, before.case_id, f)?;
            }
            let status = ch.status.unwrap_or(before.status);
            let note = ch.note.clone().filter(|n| !n.trim().is_empty());
            let closing = status.is_closed() && !before.status.is_closed();
            let reopening = !status.is_closed() && before.status.is_closed();
            if closing && note.is_none() {
                return Err(StoreError::rule("note", match status {
                    ActionStatus::WontDo => "Say in one line why this will not be done.",
                    _ => "Say in one line what changed.",
                }));
            }
            if ch.check_day.is_some() && status != ActionStatus::Done {
                return Err(StoreError::rule(
                    "check_date",
                    "An effectiveness check can only be scheduled for an item that is done.",
                ));
            }
            if let Some(o) = ch.check_owner_id {
                check_owner(c, o, "check_owner_id", "person confirming the fix")?;
            }
            let (closing_note, closed_ms) = if closing {
                (note.clone(), Some(now))
            } else if reopening {
                (None, None)
            } else {
                (before.closing_note.clone(), before.closed_ms)
            };
            let (check_day, check_owner_id) = match &ch.check_day {
                Some(d) => (Some(d.clone()), Some(ch.check_owner_id.unwrap_or(ch.owner_id.unwrap_or(before.owner_id)))),
                None if reopening => (None, None),
                None => (before.check_day.clone(), before.check_owner_id),
            };
            let n = c.execute(
                "UPDATE action_items SET title = $1, description = $2, owner_id = $3, due_day = $4, priority = $5, status = $6, factor_id = $7, tracker_url = $8,
                    closing_note = $9, closed_ms = $10, check_day = $11, check_owner_id = $12, version = version + 1, updated_ms = $13
                 WHERE id = $14 AND version = $15",
                &params![
                    ch.title.clone().unwrap_or(before.title.clone()),
                    ch.description.clone().unwrap_or(before.description.clone()),
                    ch.owner_id.unwrap_or(before.owner_id),
                    ch.due_day.clone().unwrap_or(before.due_day.clone()),
                    ch.priority.unwrap_or(before.priority).as_str(),
                    status.as_str(),
                    ch.factor_id.unwrap_or(before.factor_id),
                    ch.tracker_url.clone().unwrap_or(before.tracker_url.clone()),
                    closing_note,
                    closed_ms,
                    check_day,
                    check_owner_id,
                    now,
                    id,
                    expected
                ],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            let mut changed = Vec::new();
            if status != before.status {
                changed.push(format!("status {} -> {}", before.status, status));
            }
            if let Some(o) = ch.owner_id.filter(|o| *o != before.owner_id) {
                changed.push(format!("owner user:{} -> user:{o}", before.owner_id));
                if o != user_id {
                    notify_tx(
                        c,
                        o,
                        "assigned",
                        &format!("You own an action item: {}", ch.title.as_deref().unwrap_or(&before.title)),
                        &format!("/action-items/{id}"),
                        &format!("action:{id}:assigned:{o}"),
                        now,
                    )?;
                }
            }
            if ch.due_day.as_ref().is_some_and(|d| *d != before.due_day) {
                changed.push("due day".into());
            }
            if ch.check_day.is_some() {
                changed.push("effectiveness check scheduled".into());
            }
            if changed.is_empty() {
                changed.push("details".into());
            }
            crate::audit::append(c, now, &format!("user:{user_id}"), "action_item.updated", &format!("action_item:{id}"), &changed.join("; "))?;
            item_tx(c, id)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    /// Records the outcome of an item's effectiveness check.
    pub async fn record_check(
        &self,
        id: i64,
        outcome: CheckOutcome,
        note: String,
        user_id: i64,
        now: i64,
    ) -> Result<ActionItem> {
        self.write(move |c| {
            let item = item_tx(c, id)?.ok_or(StoreError::NotFound)?;
            if item.check_day.is_none() {
                return Err(StoreError::State("No effectiveness check is scheduled for this item.".into()));
            }
            if item.check_done_ms.is_some() {
                return Err(StoreError::State("This effectiveness check has already been recorded.".into()));
            }
            c.execute(
                "UPDATE action_items SET check_outcome = $1, check_note = $2, check_done_ms = $3, version = version + 1, updated_ms = $3 WHERE id = $4",
                &params![outcome.as_str(), note, now, id],
            )?;
            crate::audit::append(c, now, &format!("user:{user_id}"), "action_item.checked", &format!("action_item:{id}"), outcome.as_str())?;
            item_tx(c, id)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    /// Creates the reminders due on `today`: for open items due within a few
    /// days or overdue, and for effectiveness checks that have come due. Each
    /// reminder is created once (its unique key), however often this runs and on
    /// however many nodes. Returns how many were created.
    pub async fn remind_action_items(&self, today: chrono::NaiveDate, now: i64) -> Result<usize> {
        self.write(move |c| {
            let horizon = (today + chrono::Duration::days(debrief_core::review::REMIND_DAYS_BEFORE)).format("%Y-%m-%d").to_string();
            let today_s = today.format("%Y-%m-%d").to_string();
            let rows = c.query(
                &format!("SELECT {} FROM action_items WHERE status IN ('open', 'in_progress') AND due_day <= $1", DueItem::columns()),
                &params![horizon],
            )?;
            let mut created = 0;
            for r in &rows {
                let DueItem { id, owner_id: owner, title, due_day: due } = DueItem::decode(r)?;
                let Ok(due_d) = debrief_core::review::parse_day(&due) else { continue };
                let Some(kind) = reminder_kind(due_d, today) else { continue };
                let body = match kind {
                    "overdue" => format!("Overdue since {due}: {title}"),
                    _ => format!("Due on {due}: {title}"),
                };
                created += notify_tx(c, owner, kind, &body, &format!("/action-items/{id}"), &format!("action:{id}:{kind}:{due}"), now)?;
            }
            let checks = c.query(
                &format!("SELECT {} FROM action_items WHERE check_day IS NOT NULL AND check_done_ms IS NULL AND check_day <= $1", DueCheck::columns()),
                &params![today_s],
            )?;
            for r in &checks {
                let DueCheck { id, check_owner_id: owner, title, check_day: day } = DueCheck::decode(r)?;
                let Some(owner) = owner else { continue };
                created += notify_tx(
                    c,
                    owner,
                    "check_due",
                    &format!("Time to confirm the fix worked: {title}"),
                    &format!("/action-items/{id}"),
                    &format!("check:{id}:{day}"),
                    now,
                )?;
            }
            Ok(created)
        })
        .await
    }

    /// The caller's notices, unread first, newest first.
    pub async fn notices(&self, user_id: i64, limit: i64) -> Result<Vec<Notice>> {
        self.read(move |c| {
            Notice::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM notices WHERE user_id = $1 ORDER BY CASE WHEN read_ms IS NULL THEN 0 ELSE 1 END, created_ms DESC, id DESC LIMIT $2",
                    Notice::columns()
                ),
                &params![user_id, limit],
            )?)
        })
        .await
    }

    /// Marks all of the caller's notices read.
    pub async fn mark_notices_read(&self, user_id: i64, now: i64) -> Result<u64> {
        self.write(move |c| {
            c.execute(
                "UPDATE notices SET read_ms = $1 WHERE user_id = $2 AND read_ms IS NULL",
                &params![now, user_id],
            )
        })
        .await
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct Notice from "notices" {
        pub id: i64 = "id",
        pub kind: String = "kind",
        pub body: String = "body",
        pub link: String = "link",
        pub created_ms: i64 = "created_ms",
        pub read: bool = "read_ms IS NOT NULL",
    }
}

/// Adds a notice unless one with the same key exists; returns 1 if added.
pub fn notify_tx(
    c: &mut dyn Conn,
    user_id: i64,
    kind: &str,
    body: &str,
    link: &str,
    key: &str,
    now: i64,
) -> Result<usize> {
    let n = c.execute(
        "INSERT INTO notices (user_id, kind, body, link, unique_key, created_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unique_key) DO NOTHING",
        &params![user_id, kind, body, link, key, now],
    )?;
    Ok(n as usize)
}

/// An action item as it stood at some point in the past, for importing history
/// and for demonstration data: its state, closing note and effectiveness check
/// are taken as given. Times are milliseconds since the epoch; days are
/// `YYYY-MM-DD`.
#[derive(Debug, Clone)]
pub struct ItemRecord {
    pub item: NewActionItem,
    pub status: ActionStatus,
    /// What changed (done) or why not (won't do); required once closed.
    pub closing_note: Option<String>,
    pub closed_ms: Option<i64>,
    pub check_day: Option<String>,
    pub check_owner_id: Option<i64>,
    pub check_outcome: Option<CheckOutcome>,
    pub check_note: Option<String>,
    pub check_done_ms: Option<i64>,
    pub created_by: Option<i64>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl ItemRecord {
    /// The same rules a live edit follows: a closed item says why and when, an
    /// effectiveness check belongs to a done item, an outcome to a check.
    fn check(&self) -> Result<()> {
        let bad = |m: &str| Err(StoreError::Invalid(format!("{}: {m}", self.item.title)));
        let closed = self.status.is_closed();
        if closed
            != (self.closed_ms.is_some()
                && self
                    .closing_note
                    .as_deref()
                    .is_some_and(|n| !n.trim().is_empty()))
        {
            return bad("a closed item has a closing note and a closing time, an open one neither");
        }
        if self.check_day.is_some() && self.status != ActionStatus::Done {
            return bad("only a done item has an effectiveness check");
        }
        if self.check_outcome.is_some() != self.check_done_ms.is_some()
            || (self.check_outcome.is_some() && self.check_day.is_none())
        {
            return bad("a recorded check has an outcome, a time and a scheduled day");
        }
        Ok(())
    }
}

/// Inserts historic items inside an open transaction with one statement per
/// hundred items, without the checks, audit entries and notices of a live
/// edit: the caller vouches that cases, owners and factors exist and belong
/// together. Returns how many were inserted.
pub fn insert_item_records_tx(c: &mut dyn Conn, items: &[ItemRecord]) -> Result<u64> {
    const COLS: usize = 19;
    let mut inserted = 0;
    for chunk in items.chunks(100) {
        let mut values = Vec::with_capacity(chunk.len() * COLS);
        for r in chunk {
            r.check()?;
            let n = &r.item;
            values.extend(params![
                n.case_id,
                &n.title,
                &n.description,
                n.owner_id,
                &n.due_day,
                n.priority.as_str(),
                r.status.as_str(),
                n.factor_id,
                n.tracker_url.clone(),
                r.closing_note.clone(),
                r.closed_ms,
                r.check_day.clone(),
                r.check_owner_id,
                r.check_outcome.map(|o| o.as_str()),
                r.check_note.clone(),
                r.check_done_ms,
                r.created_by,
                r.created_ms,
                r.updated_ms
            ]);
        }
        inserted += c.execute(
            &format!(
                "INSERT INTO action_items (case_id, title, description, owner_id, due_day, priority, status, factor_id, tracker_url, closing_note, closed_ms, check_day, check_owner_id, check_outcome, check_note, check_done_ms, created_by, created_ms, updated_ms) VALUES {}",
                crate::reviews::value_rows(chunk.len(), COLS)
            ),
            &values,
        )?;
    }
    Ok(inserted)
}
