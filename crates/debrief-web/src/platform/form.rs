//! A submitted form read field by field, the same way on every page.

use std::collections::HashMap;

/// A submitted form as name → value (the last value wins).
pub type Fields = HashMap<String, String>;

/// A field's value, or the empty text.
pub fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map_or("", |s| s.as_str())
}

/// Whether a posted checkbox was ticked.
pub fn ticked(f: &Fields, name: &str) -> bool {
    matches!(field(f, name), "on" | "true" | "1" | "yes")
}

/// A number typed into a field, or nothing.
pub fn opt_id(f: &Fields, name: &str) -> Option<i64> {
    field(f, name).trim().parse::<i64>().ok()
}

/// Every field error of a form in one line.
pub fn messages(v: &debrief_core::Validation) -> String {
    v.errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first value of a field in a form that may repeat names (checkboxes),
/// or the empty text.
pub fn first(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}
