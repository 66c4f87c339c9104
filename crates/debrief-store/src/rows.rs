//! Rows read by name. One declaration ([`row!`]) gives a row type, the column
//! list its queries select and the decoder that reads it back, so that the list
//! and the decoder cannot drift apart: each column is selected `AS` the name of
//! the field it fills, and decoding looks the field up by that name. Adding,
//! removing or reordering a column changes nothing else.
//!
//! ```text
//! row! {
//!     /// doc comments and attributes pass through
//!     #[derive(Debug, Clone)]
//!     pub struct Member from "users u JOIN team_members tm ON tm.user_id = u.id" {
//!         pub id: i64 = "u.id",
//!         pub name: String = "u.name",
//!         pub roles: RoleSet = "u.roles",      // any type with a FromValue
//!         pub steps: Vec<String> = "x.steps" as json,
//!         pub user: User = nested,             // another declared row's columns
//!     }
//! }
//! let sql = format!("SELECT {} FROM users u WHERE …", Member::columns());
//! ```
//!
//! `from` names the tables the columns come from; [`declared`] lists every
//! declaration with it, and a test selects each one with `LIMIT 0` on both
//! engines, so that a misspelt column fails a test rather than a request.
//! `row! { impl Name from "…" { … } }` declares the columns of a struct defined
//! elsewhere and imported by name (its fields must be public).

use crate::db::{Row, Value};
use crate::{Result, StoreError};
use debrief_core::RoleSet;

/// One declared column: its SQL expression and the name it is selected as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub sql: &'static str,
    pub name: &'static str,
}

/// A row type declared with [`row!`].
pub trait FromRow: Sized {
    /// The type's name, for the registry and messages.
    const NAME: &'static str;
    /// The tables (a `FROM` clause) in which the columns are valid.
    const FROM: &'static str;
    /// How many columns it reads, nested rows included.
    const WIDTH: usize;
    /// Appends its columns, nested rows flattened, in order.
    fn push_columns(out: &mut Vec<Column>);
    /// `expr AS "name", …`, for a `SELECT` or a `RETURNING`.
    fn columns() -> &'static str;
    /// Reads the row from `r`; `at` is where its first column is expected (a
    /// hint: columns are found by name wherever they are) and is moved past it.
    fn decode_at(r: &Row, at: &mut usize) -> Result<Self>;

    fn decode(r: &Row) -> Result<Self> {
        Self::decode_at(r, &mut 0)
    }
    fn decode_all(rows: &[Row]) -> Result<Vec<Self>> {
        rows.iter().map(Self::decode).collect()
    }
    fn column_list() -> Vec<Column> {
        let mut out = Vec::with_capacity(Self::WIDTH);
        Self::push_columns(&mut out);
        out
    }
}

/// Joins columns into `expr AS "name", …`.
pub fn render(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| format!("{} AS \"{}\"", c.sql, c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value selected as `name`, expected at `*at`, which moves on by one.
pub fn column<'r>(r: &'r Row, at: &mut usize, name: &str) -> Result<&'r Value> {
    let i = r
        .position(name, *at)
        .ok_or_else(|| StoreError::Decode(format!("the result has no column named {name}")))?;
    *at += 1;
    Ok(&r.values()[i])
}

/// Decodes one column's value as `T`, naming the column in any error.
pub fn field<T: FromValue>(r: &Row, at: &mut usize, name: &str) -> Result<T> {
    T::from_value(column(r, at, name)?)
        .map_err(|e| StoreError::Decode(format!("column {name}: {e}")))
}

/// Decodes a text column holding JSON (`… as json`).
pub fn json<T: serde::de::DeserializeOwned>(r: &Row, at: &mut usize, name: &str) -> Result<T> {
    let text: String = field(r, at, name)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Decode(format!("column {name}: {e}")))
}

/// A Rust value read from one SQL value. The error says what was expected and
/// what kind of value was found, never the value itself.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> std::result::Result<Self, String>;
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "NULL",
        Value::Int(_) => "an integer",
        Value::Real(_) => "a real number",
        Value::Text(_) => "text",
        Value::Blob(_) => "bytes",
    }
}

fn expected<T>(what: &str, v: &Value) -> std::result::Result<T, String> {
    Err(format!("expected {what}, found {}", kind(v)))
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i),
            _ => expected("an integer", v),
        }
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i != 0),
            _ => expected("a boolean (an integer)", v),
        }
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Real(x) => Ok(*x),
            Value::Int(i) => Ok(*i as f64),
            _ => expected("a number", v),
        }
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            _ => expected("text", v),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            _ => expected("bytes", v),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            _ => T::from_value(v).map(Some),
        }
    }
}

impl FromValue for RoleSet {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        let bits = i64::from_value(v)?;
        u16::try_from(bits)
            .map(RoleSet::from_bits)
            .map_err(|_| format!("role bits {bits} out of range"))
    }
}

/// Text columns holding one of the core's named values.
macro_rules! parsed_from_text {
    ($($t:ty => $parse:expr),* $(,)?) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> std::result::Result<Self, String> {
                match v {
                    Value::Text(s) => $parse(s.as_str()),
                    _ => expected("text", v),
                }
            }
        }
    )*};
}

parsed_from_text! {
    debrief_core::report::Kind => str::parse,
    debrief_core::report::Confidentiality => str::parse,
    debrief_core::report::ReportStatus => debrief_core::report::ReportStatus::parse,
    debrief_core::case::Severity => str::parse,
    debrief_core::case::Status => str::parse,
    debrief_core::review::ActionPriority => str::parse,
    debrief_core::review::ActionStatus => str::parse,
    debrief_core::review::CheckOutcome => str::parse,
    debrief_core::review::ReviewState => str::parse,
    debrief_core::review::LessonLevel => str::parse,
}

/// Declares a row type, its columns and its decoder; see the [module](self).
macro_rules! row {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident from $from:literal {
            $(
                $(#[$fmeta:meta])*
                $fvis:vis $field:ident : $ty:ty = $src:tt $(as $how:ident)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$fmeta])* $fvis $field: $ty, )*
        }
        $crate::rows::row!(@impl $name, $from, { $( $field : $ty = $src $(as $how)? ),* });
    };
    (
        impl $name:ident from $from:literal {
            $( $field:ident : $ty:ty = $src:tt $(as $how:ident)? ),* $(,)?
        }
    ) => {
        $crate::rows::row!(@impl $name, $from, { $( $field : $ty = $src $(as $how)? ),* });
    };
    (@impl $name:ident, $from:literal, { $( $field:ident : $ty:ty = $src:tt $(as $how:ident)? ),* }) => {
        impl $crate::rows::FromRow for $name {
            const NAME: &'static str = stringify!($name);
            const FROM: &'static str = $from;
            const WIDTH: usize = 0 $( + $crate::rows::row!(@width $ty, $src) )*;
            fn push_columns(out: &mut Vec<$crate::rows::Column>) {
                $( $crate::rows::row!(@push out, $field, $ty, $src); )*
            }
            fn columns() -> &'static str {
                static COLUMNS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                COLUMNS.get_or_init(|| $crate::rows::render(&<Self as $crate::rows::FromRow>::column_list()))
            }
            fn decode_at(r: &$crate::db::Row, at: &mut usize) -> $crate::Result<Self> {
                Ok(Self {
                    $( $field: $crate::rows::row!(@decode r, at, $field, $ty, $src $(as $how)?), )*
                })
            }
        }
    };
    (@width $ty:ty, nested) => { <$ty as $crate::rows::FromRow>::WIDTH };
    (@width $ty:ty, $sql:literal) => { 1 };
    (@push $out:ident, $field:ident, $ty:ty, nested) => {
        <$ty as $crate::rows::FromRow>::push_columns($out)
    };
    (@push $out:ident, $field:ident, $ty:ty, $sql:literal) => {
        $out.push($crate::rows::Column { sql: $sql, name: stringify!($field) })
    };
    (@decode $r:ident, $at:ident, $field:ident, $ty:ty, nested) => {
        <$ty as $crate::rows::FromRow>::decode_at($r, $at)?
    };
    (@decode $r:ident, $at:ident, $field:ident, $ty:ty, $sql:literal) => {
        $crate::rows::field::<$ty>($r, $at, stringify!($field))?
    };
    (@decode $r:ident, $at:ident, $field:ident, $ty:ty, $sql:literal as $how:ident) => {
        $crate::rows::$how::<$ty>($r, $at, stringify!($field))?
    };
}
pub(crate) use row;

/// A declared row type as the registry lists it.
#[derive(Debug, Clone)]
pub struct Declared {
    pub name: &'static str,
    pub from: &'static str,
    pub columns: Vec<Column>,
}

fn entry<T: FromRow>() -> Declared {
    Declared {
        name: T::NAME,
        from: T::FROM,
        columns: T::column_list(),
    }
}

/// Every row type declared in the store, for the test that selects each one.
/// (A test checks that every `row!` in the sources is listed here.)
pub fn declared() -> Vec<Declared> {
    use crate::{accounts, action_items, audit, cases, metrics, reports, reviews};
    vec![
        entry::<accounts::User>(),
        entry::<accounts::LoginRow>(),
        entry::<accounts::SessionUser>(),
        entry::<accounts::TokenUser>(),
        entry::<accounts::ApiToken>(),
        entry::<accounts::Team>(),
        entry::<accounts::AdminState>(),
        entry::<accounts::Attempts>(),
        entry::<action_items::ActionItem>(),
        entry::<action_items::DueItem>(),
        entry::<action_items::DueCheck>(),
        entry::<action_items::Notice>(),
        entry::<debrief_core::audit::AuditEntry>(),
        entry::<audit::Head>(),
        entry::<cases::Case>(),
        entry::<cases::Transition>(),
        entry::<cases::TimelineEntry>(),
        entry::<cases::Participant>(),
        entry::<cases::IncidentTimes>(),
        entry::<reports::Report>(),
        entry::<reports::Message>(),
        entry::<reviews::Impact>(),
        entry::<reviews::Review>(),
        entry::<reviews::WhyChain>(),
        entry::<reviews::Factor>(),
        entry::<reviews::Lesson>(),
        entry::<reviews::Interview>(),
        entry::<reviews::FactorCategory>(),
        entry::<reviews::PublishedRow>(),
        entry::<reviews::MadeFactor>(),
        entry::<metrics::CaseRow>(),
        entry::<metrics::ReportRow>(),
        entry::<metrics::CategoryRow>(),
        entry::<metrics::ActionRow>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn row(names: &[&str], values: Vec<Value>) -> Row {
        Row::new(
            names
                .iter()
                .map(|n| n.to_string())
                .collect::<Arc<[String]>>(),
            values,
        )
    }

    row! {
        #[derive(Debug, PartialEq)]
        struct Inner from "t" {
            a: i64 = "t.a",
            b: Option<String> = "t.b",
        }
    }

    row! {
        #[derive(Debug, PartialEq)]
        struct Outer from "t" {
            first: bool = "t.x IS NOT NULL",
            inner: Inner = nested,
            list: Vec<String> = "t.list" as json,
        }
    }

    #[test]
    fn columns_are_selected_as_their_field_names_nested_ones_flattened() {
        assert_eq!(Outer::WIDTH, 4);
        assert_eq!(
            Outer::columns(),
            r#"t.x IS NOT NULL AS "first", t.a AS "a", t.b AS "b", t.list AS "list""#
        );
    }

    #[test]
    fn decoding_goes_by_name_not_by_place() {
        let want = Outer {
            first: true,
            inner: Inner { a: 7, b: None },
            list: vec!["x".into()],
        };
        let in_order = row(
            &["first", "a", "b", "list"],
            vec![
                Value::Int(1),
                Value::Int(7),
                Value::Null,
                Value::Text("[\"x\"]".into()),
            ],
        );
        assert_eq!(Outer::decode(&in_order).unwrap(), want);
        // an extra column in front and the rest shuffled still decode the same
        let shuffled = row(
            &["extra", "list", "b", "a", "first"],
            vec![
                Value::Int(99),
                Value::Text("[\"x\"]".into()),
                Value::Null,
                Value::Int(7),
                Value::Int(1),
            ],
        );
        assert_eq!(Outer::decode(&shuffled).unwrap(), want);
    }

    #[test]
    fn a_missing_column_or_a_wrong_kind_is_an_error_naming_the_column() {
        let missing = row(&["first", "a"], vec![Value::Int(1), Value::Int(7)]);
        let e = Outer::decode(&missing).unwrap_err().to_string();
        assert!(e.contains("no column named b"), "{e}");
        let wrong = row(
            &["first", "a", "b", "list"],
            vec![
                Value::Int(1),
                Value::Text("secret text".into()),
                Value::Null,
                Value::Text("[]".into()),
            ],
        );
        let e = Outer::decode(&wrong).unwrap_err().to_string();
        assert!(
            e.contains("column a: expected an integer, found text"),
            "{e}"
        );
        assert!(!e.contains("secret"), "errors never carry the value: {e}");
    }

    #[test]
    fn every_declaration_selects_each_name_once() {
        for d in declared() {
            let mut names: Vec<&str> = d.columns.iter().map(|c| c.name).collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{} selects a name twice", d.name);
        }
    }

    /// Every `row!` declaration in the sources is in [`declared`], so the
    /// `LIMIT 0` test runs it.
    #[test]
    fn every_declaration_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let registered: Vec<String> = declared()
            .iter()
            .map(|d| d.name.rsplit("::").next().unwrap_or("").trim().to_string())
            .collect();
        let mut files = Vec::new();
        let mut dirs = vec![dir];
        while let Some(d) = dirs.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("src/rows.rs")
                {
                    files.push(path);
                }
            }
        }
        let mut found = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for chunk in text.split("row! {").skip(1) {
                // the declaration's `struct NAME from "…"` or `impl PATH from "…"` line
                let name = chunk
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.starts_with("//") && !l.starts_with('#'))
                    .find_map(|l| {
                        let (head, _) = l.split_once(" from \"")?;
                        let name = head
                            .strip_prefix("impl ")
                            .or_else(|| head.split_once("struct ").map(|(_, n)| n))?;
                        Some(name.trim().rsplit("::").next()?.to_string())
                    })
                    .unwrap_or_else(|| panic!("a row! in {} without a name", path.display()));
                found.push((path.display().to_string(), name));
            }
        }
        assert!(found.len() >= 20, "found only {found:?}");
        for (file, name) in &found {
            assert!(
                registered.contains(name),
                "{name} ({file}) is declared with row! but missing from rows::declared()"
            );
        }
        assert_eq!(found.len(), registered.len(), "{found:?}");
    }
}
