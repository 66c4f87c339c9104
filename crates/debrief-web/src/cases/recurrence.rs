//! "This class of incident happened before" on a case's page: the earlier
//! cases of the same class (the core's repeat definition,
//! `debrief_core::metrics::counts::earlier_matches`: a shared
//! contributing-factor category and affected system within the 365 days
//! before) with their action items' status.
//!
//! Restricted factors never classify a case (the store leaves them out). An
//! earlier case the reader may not open is listed without its title or
//! items; action items are listed one by one only for readers who see every
//! case's items, and counted otherwise.

use crate::AppState;
use crate::platform::auth::{Identity, may};
use crate::platform::shell::time_html;
use debrief_core::metrics::counts::earlier_matches;
use debrief_core::review::ActionStatus;
use debrief_store::StoreError;

/// At most this many earlier cases are listed (the most recent).
pub const SHOWN: usize = 10;

/// One action item of an earlier case.
pub struct ItemLine {
    pub id: i64,
    pub title: String,
    pub status: &'static str,
    pub closed: bool,
}

/// One earlier case of the same class.
pub struct EarlierCase {
    pub id: i64,
    /// `None` when the reader may not open the case.
    pub title: Option<String>,
    /// When it happened (else was detected, else was opened), as `<time>`.
    pub when: String,
    /// The contributing-factor categories and affected systems it shares.
    pub categories: Vec<String>,
    pub systems: Vec<String>,
    /// Its items, when the reader sees them one by one.
    pub items: Vec<ItemLine>,
    /// "3 action items: 2 done, 1 open" (or "No action items").
    pub items_summary: String,
}

/// What the section says.
pub struct Recurrence {
    /// The case has a contributing-factor category and an affected system.
    pub classified: bool,
    pub earlier: Vec<EarlierCase>,
    /// How many more matched than are listed.
    pub more: usize,
}

fn items_summary(statuses: &[ActionStatus]) -> String {
    if statuses.is_empty() {
        return "No action items".into();
    }
    let count = |s: ActionStatus| statuses.iter().filter(|x| **x == s).count();
    let mut parts = Vec::new();
    for s in ActionStatus::ALL {
        let n = count(*s);
        if n > 0 {
            parts.push(format!("{n} {}", s.label().to_lowercase()));
        }
    }
    let n = statuses.len();
    format!(
        "{n} action item{}: {}",
        if n == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

/// The earlier cases of the same class as case `id`, as `ident` may see them.
pub async fn recurrence(
    state: &AppState,
    ident: &Identity,
    id: i64,
) -> Result<Recurrence, StoreError> {
    let Some((case, others)) = state.store.recurrence_facts(id).await? else {
        return Err(StoreError::NotFound);
    };
    let classified = !case.categories.is_empty() && !case.systems.is_empty();
    let matches = earlier_matches(&case, &others);
    let more = matches.len().saturating_sub(SHOWN);
    let labels = state.store.factor_categories().await?;
    let label = |key: &str| {
        labels
            .iter()
            .find(|k| k.key == key)
            .map_or_else(|| key.to_string(), |k| k.label.clone())
    };
    let opens_cases = may(ident, "GET", "/cases/{id}");
    let sees_items = may(ident, "GET", "/action-items/all");
    let mut earlier = Vec::new();
    for m in matches.into_iter().take(SHOWN) {
        let mut line = EarlierCase {
            id: m.id,
            title: None,
            when: time_html(m.anchor_ms()),
            categories: m
                .categories
                .iter()
                .filter(|c| case.categories.contains(c))
                .map(|c| label(c))
                .collect(),
            systems: m
                .systems
                .iter()
                .filter(|s| case.systems.contains(s))
                .cloned()
                .collect(),
            items: Vec::new(),
            items_summary: String::new(),
        };
        if opens_cases {
            let detail = state.store.case_detail(m.id).await?;
            line.title = detail.map(|d| d.case.title);
            let items = state.store.case_action_items(m.id).await?;
            let statuses: Vec<ActionStatus> = items.iter().map(|a| a.status).collect();
            line.items_summary = items_summary(&statuses);
            if sees_items {
                line.items = items
                    .into_iter()
                    .map(|a| ItemLine {
                        id: a.id,
                        title: a.title,
                        status: a.status.label(),
                        closed: a.status.is_closed(),
                    })
                    .collect();
            }
        }
        earlier.push(line);
    }
    Ok(Recurrence {
        classified,
        earlier,
        more,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_summaries_count_each_status() {
        use ActionStatus::*;
        assert_eq!(items_summary(&[]), "No action items");
        assert_eq!(items_summary(&[Done]), "1 action item: 1 done");
        assert_eq!(
            items_summary(&[Open, Done, Done, WontDo]),
            "4 action items: 1 open, 2 done, 1 won't do"
        );
    }
}
