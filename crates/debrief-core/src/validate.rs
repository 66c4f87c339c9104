//! Validation that names every offending field, for 422 answers and form messages.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The name of the field as sent (form field or JSON key).
    pub field: String,
    /// What is wrong with it, in plain words.
    pub message: String,
}

/// Collects field errors; `finish` turns them into a result.
#[derive(Debug, Default, Clone)]
pub struct Validation {
    pub errors: Vec<FieldError>,
}

impl Validation {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// A required text of at most `max` characters; returns the trimmed value.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, "This field is required.");
        } else if v.chars().count() > max {
            self.add(field, format!("At most {max} characters."));
        }
        v.to_string()
    }

    /// An email address: one `@`, something either side, a dot in the domain.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let v = value.trim().to_lowercase();
        if v.is_empty() {
            self.add(field, "This field is required.");
            return v;
        }
        if !is_email(&v) {
            self.add(field, "Enter an email address such as name@example.org.");
        }
        v
    }

    /// A new password: 12 to 1024 characters.
    pub fn new_password(&mut self, field: &str, value: &str) {
        let n = value.chars().count();
        if n < 12 {
            self.add(
                field,
                "Use at least 12 characters; a few unrelated words work well.",
            );
        } else if n > 1024 {
            self.add(field, "At most 1024 characters.");
        }
    }

    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

pub fn is_email(v: &str) -> bool {
    if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_field() {
        let mut v = Validation::new();
        let name = v.text("name", "   ", 100);
        let email = v.email("email", " Ada@Example.ORG ");
        v.new_password("password", "short");
        assert_eq!(name, "");
        assert_eq!(email, "ada@example.org");
        let errs = v.finish().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "password"]);
    }

    #[test]
    fn emails() {
        assert!(is_email("a@b.co"));
        assert!(!is_email("a@b"));
        assert!(!is_email("@b.co"));
        assert!(!is_email("a b@c.de"));
        assert!(!is_email("a@b..c"));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut v = Validation::new();
        v.text("t", "ééé", 3);
        assert!(v.is_ok());
        v.text("t", "éééé", 3);
        assert!(!v.is_ok());
    }
}
