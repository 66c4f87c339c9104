//! Every unique key of the schema and the field it concerns, so that a unique
//! violation says which value is taken on either engine: SQLite names the
//! columns (`UNIQUE constraint failed: users.email`), PostgreSQL the
//! constraint (`users_email_key`, `team_members_pkey`: the default names). A
//! test checks that this list and both schemas hold the same keys.

/// A primary or unique key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub primary: bool,
    /// The value as the forms and the API name it.
    pub field: &'static str,
}

const fn pk(table: &'static str, columns: &'static [&'static str], field: &'static str) -> Key {
    Key {
        table,
        columns,
        primary: true,
        field,
    }
}

const fn unique(table: &'static str, column: &'static [&'static str], field: &'static str) -> Key {
    Key {
        table,
        columns: column,
        primary: false,
        field,
    }
}

const ID: &[&str] = &["id"];

/// Every key of the schema.
pub const KEYS: &[Key] = &[
    pk("users", ID, "id"),
    unique("users", &["email"], "email"),
    pk("teams", ID, "id"),
    unique("teams", &["name"], "name"),
    pk("team_members", &["team_id", "user_id"], "team_ids"),
    pk("sessions", &["id_hash"], "session"),
    pk("api_tokens", ID, "id"),
    unique("api_tokens", &["token_hash"], "token"),
    pk("setup_tokens", &["token_hash"], "token"),
    pk("audit_log", &["seq"], "seq"),
    pk("jobs", ID, "id"),
    unique("jobs", &["unique_key"], "unique_key"),
    pk("settings", &["key"], "key"),
    pk("cases", ID, "id"),
    pk("reports", ID, "id"),
    unique("reports", &["receipt_hash"], "receipt"),
    pk("report_messages", ID, "id"),
    pk("case_participants", &["case_id", "user_id"], "user_id"),
    pk("case_transitions", ID, "id"),
    pk("case_timeline", ID, "id"),
    pk("audit_head", ID, "id"),
    // a category's key is made from its name
    pk("factor_categories", &["key"], "label"),
    pk("reviews", ID, "id"),
    unique("reviews", &["case_id"], "case_id"),
    pk("review_whys", ID, "id"),
    pk("review_factors", ID, "id"),
    pk("review_lessons", ID, "id"),
    pk("review_interviews", ID, "id"),
    pk("action_items", ID, "id"),
    pk("notices", ID, "id"),
    unique("notices", &["unique_key"], "unique_key"),
    pk("login_throttle", &["key_hash"], "key"),
    pk("schema_migrations", &["version"], "version"),
];

impl Key {
    /// The name PostgreSQL gives the key's constraint.
    pub fn pg_constraint(&self) -> String {
        if self.primary {
            format!("{}_pkey", self.table)
        } else {
            format!("{}_{}_key", self.table, self.columns.join("_"))
        }
    }
}

/// The key SQLite's message names: `UNIQUE constraint failed: t.a, t.b`.
pub fn from_sqlite(message: &str) -> Option<&'static Key> {
    let list = message.split_once(": ")?.1;
    let mut table = None;
    let mut columns = Vec::new();
    for item in list.split(", ") {
        let (t, c) = item.trim().split_once('.')?;
        if table.is_some_and(|x| x != t) {
            return None;
        }
        table = Some(t);
        columns.push(c);
    }
    let table = table?;
    KEYS.iter()
        .find(|k| k.table == table && k.columns == columns.as_slice())
}

/// The error for a violation of `key` (found by `name`, the engine's word for it).
pub(crate) fn violation(key: Option<&'static Key>, name: &str) -> crate::StoreError {
    match key {
        Some(k) => crate::StoreError::Unique {
            table: k.table,
            field: k.field,
        },
        None => crate::StoreError::Sql(format!("a key missing from unique::KEYS: {name}")),
    }
}

/// The key PostgreSQL's constraint name names.
pub fn from_postgres(constraint: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.pg_constraint() == constraint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_name_the_same_key() {
        let email = from_sqlite("UNIQUE constraint failed: users.email");
        assert_eq!(email.map(|k| k.field), Some("email"));
        assert_eq!(email, from_postgres("users_email_key"));
        let member =
            from_sqlite("UNIQUE constraint failed: team_members.team_id, team_members.user_id");
        assert_eq!(member, from_postgres("team_members_pkey"));
        assert_eq!(member.map(|k| k.field), Some("team_ids"));
        assert_eq!(from_sqlite("UNIQUE constraint failed: users.name"), None);
        assert_eq!(from_sqlite("UNIQUE constraint failed: index 'x'"), None);
        assert_eq!(from_postgres("users_name_key"), None);
    }

    #[test]
    fn keys_are_listed_once() {
        let mut names: Vec<String> = KEYS.iter().map(Key::pg_constraint).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KEYS.len());
    }
}
