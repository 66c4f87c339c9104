//! Who may do what with one action item: pure rules over the caller and the
//! item, used by the pages and the API alike.

use crate::platform::auth::{Identity, may};
use debrief_store::action_items::ActionItem;

/// Who may see an item: its owner, the person confirming its fix, and anyone
/// who reads cases.
pub(crate) fn may_see(ident: &Identity, a: &ActionItem) -> bool {
    a.owner_id == ident.user.id
        || a.check_owner_id == Some(ident.user.id)
        || may(ident, "GET", "/action-items/all")
}

/// Who may change an item: its owner and those who create items.
pub(crate) fn may_update(ident: &Identity, a: &ActionItem) -> bool {
    a.owner_id == ident.user.id || may_reassign(ident)
}

/// Who may give an item another owner or due date: those who create items.
pub(crate) fn may_reassign(ident: &Identity) -> bool {
    may(ident, "POST", "/cases/{id}/action-items")
}

/// Why the caller may not name `checker` to confirm an item's fix, if they may
/// not. Naming someone lets them see the item, so only those who manage cases'
/// action items choose the checker; an owner may leave it to themselves.
pub fn checker_refusal(
    ident: &Identity,
    a: &ActionItem,
    checker: Option<i64>,
) -> Option<&'static str> {
    match checker {
        Some(c) if c != a.owner_id && !may_reassign(ident) => Some(
            "Only facilitators, responders and security leads can choose someone else to confirm the fix; leave it to the owner, or ask one of them.",
        ),
        _ => None,
    }
}
