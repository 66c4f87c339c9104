//! An action item as the review page, the action-item lists and the library
//! show it.

use crate::platform::shell::excerpt;
use debrief_store::action_items::ActionItem;

pub struct ItemView {
    pub id: i64,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    pub priority: &'static str,
    pub status: &'static str,
    pub status_value: &'static str,
    pub factor: Option<String>,
    pub tracker_url: Option<String>,
    pub case_id: i64,
    pub case_title: String,
    pub check_day: Option<String>,
}

/// What an item shows for a restricted factor outside the review workspace.
pub const RESTRICTED_FACTOR: &str = "A restricted contributing factor";

pub fn item_view(a: &ActionItem, today: chrono::NaiveDate) -> ItemView {
    let overdue = !a.status.is_closed()
        && debrief_core::review::parse_day(&a.due_day).is_ok_and(|d| d < today);
    ItemView {
        id: a.id,
        title: a.title.clone(),
        owner: a.owner_name.clone(),
        due: a.due_day.clone(),
        overdue,
        priority: a.priority.label(),
        status: a.status.label(),
        status_value: a.status.as_str(),
        factor: a
            .factor_label
            .as_deref()
            .map(|f| excerpt(f, 90))
            .or_else(|| a.factor_restricted.then(|| RESTRICTED_FACTOR.to_string())),
        tracker_url: a.tracker_url.clone(),
        case_id: a.case_id,
        case_title: a.case_title.clone(),
        check_day: a.check_day.clone().filter(|_| a.check_done_ms.is_none()),
    }
}
