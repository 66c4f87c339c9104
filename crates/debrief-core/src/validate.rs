//! Validation that names every offending field, for 422 answers and form messages.

use serde::Serialize;
use std::collections::HashSet;
use std::sync::OnceLock;

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
        } else if let Some(c) = forbidden_char(v) {
            self.add(field, control_char_message(c));
        } else if v.chars().count() > max {
            self.add(field, format!("At most {max} characters."));
        }
        v.to_string()
    }

    /// An optional text of at most `max` characters; returns the trimmed value.
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if let Some(c) = forbidden_char(v) {
            self.add(field, control_char_message(c));
        } else if v.chars().count() > max {
            self.add(field, format!("At most {max} characters."));
        }
        v.to_string()
    }

    /// A text, required or not, of at most `max` characters.
    pub fn text_of(&mut self, field: &str, value: &str, max: usize, required: bool) -> String {
        if required {
            self.text(field, value, max)
        } else {
            self.optional_text(field, value, max)
        }
    }

    /// One of a closed set of choices (`T`'s `FromStr` names them when the
    /// value is none of them); `missing` is the message for an empty value.
    pub fn choice<T: std::str::FromStr<Err = String>>(
        &mut self,
        field: &str,
        value: &str,
        missing: &str,
    ) -> Option<T> {
        let value = value.trim();
        if value.is_empty() {
            self.add(field, missing);
            return None;
        }
        match value.parse::<T>() {
            Ok(x) => Some(x),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }

    /// A whole number of zero or more (thousands separators allowed), or
    /// nothing when empty.
    pub fn count(&mut self, field: &str, value: &str) -> Option<i64> {
        let s = value.trim();
        if s.is_empty() {
            return None;
        }
        match s.replace([',', '_', ' '], "").parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                self.add(field, "Give a whole number of zero or more.");
                None
            }
        }
    }

    /// An identifier (a positive whole number), or nothing when empty.
    pub fn id(&mut self, field: &str, value: &str) -> Option<i64> {
        let s = value.trim();
        if s.is_empty() {
            return None;
        }
        match s.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                self.add(field, "Give an identifier: a whole number above zero.");
                None
            }
        }
    }

    /// Every message in one line, for a form that shows them together.
    pub fn summary(&self) -> String {
        summary(&self.errors)
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

    /// A new password for the account of `email` and `name`: 12 to 1024
    /// characters, not one of the most common passwords, not built on the email
    /// address or the name, and not a run of a few characters repeated
    /// (NIST SP 800-63B, 5.1.1.2).
    pub fn new_password(&mut self, field: &str, value: &str, email: &str, name: &str) {
        if let Some(m) = password_problem(value, email, name) {
            self.add(field, m);
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

/// Every message of `errors` in one line.
pub fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first character that no text may hold: every control character except
/// tab, line feed and carriage return (line breaks in text areas). NUL cannot
/// be stored by PostgreSQL at all, and the others are invisible on the page.
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// What to tell the sender of text holding `c`.
pub fn control_char_message(c: char) -> String {
    format!(
        "Remove the invisible control character U+{:04X}: text may hold letters, digits, punctuation, tabs and line breaks only.",
        u32::from(c)
    )
}

/// The most common passwords, lower-case (see data/README.md for the source).
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON_PASSWORDS.lines().filter(|l| !l.is_empty()).collect())
}

/// Whether `password`, ignoring case and any digits or symbols before and after
/// it (`Password1234!`), is one of the 10,000 most common passwords.
pub fn is_common_password(password: &str) -> bool {
    let lower = password.trim().to_lowercase();
    let set = common_passwords();
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    set.contains(lower.as_str()) || (!core.is_empty() && set.contains(core))
}

/// The fewest characters a new password has.
pub const PASSWORD_MIN: usize = 12;
/// The most characters a password has.
pub const PASSWORD_MAX: usize = 1024;

/// Why `password` may not be the new password of the account of `email` and
/// `name`, or None if it may.
pub fn password_problem(password: &str, email: &str, name: &str) -> Option<String> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Some("Use at least 12 characters; a few unrelated words work well.".into());
    }
    if n > PASSWORD_MAX {
        return Some("At most 1024 characters.".into());
    }
    if is_common_password(password) {
        return Some(
            "This is one of the 10,000 most common passwords, which attackers try first. Choose another; a few unrelated words work well.".into(),
        );
    }
    let lower = password.to_lowercase();
    let squeezed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or("");
    let name = name.trim().to_lowercase();
    let name_squeezed: String = name.chars().filter(|c| c.is_alphanumeric()).collect();
    // parts shorter than 4 characters would match too many good passwords
    let personal = [email.as_str(), local, name.as_str(), name_squeezed.as_str()]
        .into_iter()
        .filter(|p| p.chars().count() >= 4)
        .any(|p| lower.contains(p) || squeezed.contains(p));
    if personal {
        return Some("Do not build your password on your email address or your name.".into());
    }
    let distinct: HashSet<char> = lower.chars().collect();
    if distinct.len() < 4 {
        return Some(
            "Too repetitive: use more different characters; a few unrelated words work well."
                .into(),
        );
    }
    None
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
        v.new_password("password", "short", "ada@example.org", "Ada");
        assert_eq!(name, "");
        assert_eq!(email, "ada@example.org");
        let errs = v.finish().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "password"]);
    }

    #[test]
    fn common_passwords_are_refused() {
        assert_eq!(common_passwords().len(), 10_000);
        for p in [
            "password",
            "Password",
            "qwertyuiop",
            "password1234",
            "Password1234!",
            "1234567890",
            "iloveyou",
        ] {
            assert!(is_common_password(p), "{p}");
        }
        assert!(!is_common_password("correct horse battery staple"));
        assert!(password_problem("qwertyuiop1234", "a@b.co", "A").is_some());
        assert!(password_problem("password1234", "a@b.co", "A").is_some());
        assert!(password_problem("correct horse battery staple", "a@b.co", "A").is_none());
    }

    #[test]
    fn passwords_may_not_be_built_on_the_account() {
        let email = "grace.hopper@example.org";
        let name = "Grace Hopper";
        for p in [
            "grace.hopper@example.org",
            "GRACE.HOPPER@EXAMPLE.ORG",
            "grace.hopper-2024",
            "my name is Grace Hopper",
            "gracehopper!!!!",
        ] {
            let m = password_problem(p, email, name).expect(p);
            assert!(m.contains("email address or your name"), "{p}: {m}");
        }
        // a short name matches too much to be refused inside a password
        assert!(password_problem("oak tree lantern river", "al@x.org", "Al").is_none());
    }

    #[test]
    fn repetitive_passwords_are_refused() {
        for p in [
            "aaaaaaaaaaaa",
            "abababababab",
            "abcabcabcabc",
            "111111111111",
        ] {
            assert!(password_problem(p, "x@y.org", "Xavier Y").is_some(), "{p}");
        }
    }

    #[test]
    fn control_characters_are_found() {
        assert_eq!(forbidden_char("tab\tline\nbreak\r\n"), None);
        assert_eq!(forbidden_char("a\0b"), Some('\0'));
        assert_eq!(forbidden_char("bell\u{7}"), Some('\u{7}'));
        assert_eq!(forbidden_char("del\u{7f}"), Some('\u{7f}'));
        assert_eq!(forbidden_char("c1\u{85}"), Some('\u{85}'));
        assert_eq!(forbidden_char("émoji 🙂 and ß"), None);
        let mut v = Validation::new();
        v.text("title", "a\0b", 100);
        assert!(v.message_for("title").unwrap().contains("U+0000"));
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
