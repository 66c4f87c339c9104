//! Validating a new action item, shared by the review page and the API.

use debrief_core::Validation;
use debrief_core::review::{ActionPriority, parse_day, valid_tracker_url};

/// The fields of a new action item, validated: an owner, a due day that is not
/// in the past, a priority, an http(s) tracker link if any.
pub struct ItemInput {
    pub title: String,
    pub description: String,
    pub owner_id: Option<i64>,
    pub due_day: String,
    pub priority: ActionPriority,
    pub factor_id: Option<i64>,
    pub tracker_url: Option<String>,
}

/// An action item as typed, before validation.
pub struct ItemForm<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub owner: Option<i64>,
    pub due: &'a str,
    pub priority: &'a str,
    pub factor: Option<i64>,
    pub tracker: &'a str,
}

/// Validates an item; `new` items may not be due in the past.
pub fn validate_item(
    form: &ItemForm,
    today: chrono::NaiveDate,
    new: bool,
) -> Result<ItemInput, Validation> {
    let ItemForm {
        title,
        description,
        owner,
        due,
        priority,
        factor,
        tracker,
    } = *form;
    let mut v = Validation::new();
    let title = v.text("title", title, 300);
    let description = description.trim().to_string();
    if description.chars().count() > 10_000 {
        v.add("description", "At most 10000 characters.");
    }
    if owner.is_none() {
        v.add(
            "owner_id",
            "Every action item needs one owner: choose who will see it through.",
        );
    }
    match parse_day(due) {
        Ok(d) if new && d < today => v.add(
            "due_day",
            "The due date is in the past; choose today or a later day.",
        ),
        Ok(_) => {}
        Err(e) => v.add("due_day", e),
    }
    let priority = match priority.parse::<ActionPriority>() {
        Ok(p) => p,
        Err(e) => {
            v.add("priority", e);
            ActionPriority::Medium
        }
    };
    let tracker = tracker.trim();
    if !tracker.is_empty() && !valid_tracker_url(tracker) {
        v.add(
            "tracker_url",
            "Give the tracker link as an http:// or https:// address.",
        );
    }
    if v.is_ok() {
        Ok(ItemInput {
            title,
            description,
            owner_id: owner,
            due_day: due.trim().to_string(),
            priority,
            factor_id: factor,
            tracker_url: Some(tracker.to_string()).filter(|t| !t.is_empty()),
        })
    } else {
        Err(v)
    }
}
