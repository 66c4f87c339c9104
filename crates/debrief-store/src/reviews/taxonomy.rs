//! The contributing-factor taxonomy: the built-in categories and those
//! administrators add.

use crate::db::Conn;
use crate::rows::{FromRow, row};
use crate::{Result, Store, StoreError, params};
use debrief_core::review::FACTOR_CATEGORIES;
use serde::Serialize;

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct FactorCategory from "factor_categories" {
        pub key: String = "key",
        pub label: String = "label",
        pub description: String = "description",
        pub builtin: bool = "builtin",
    }
}

/// Adds the built-in contributing-factor categories (used by the migration).
pub fn seed_factor_categories(c: &mut dyn Conn) -> Result<()> {
    let now = crate::now_ms();
    for (i, (key, label, description)) in FACTOR_CATEGORIES.iter().enumerate() {
        c.execute(
            "INSERT INTO factor_categories (key, label, description, builtin, position, created_ms) VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (key) DO NOTHING",
            &params![*key, *label, *description, i as i64, now],
        )?;
    }
    Ok(())
}

pub(super) fn check_category(c: &mut dyn Conn, key: &str) -> Result<()> {
    if c.query_opt(
        "SELECT key FROM factor_categories WHERE key = $1",
        &params![key],
    )?
    .is_none()
    {
        return Err(StoreError::rule(
            "category",
            format!("There is no contributing-factor category '{key}'."),
        ));
    }
    Ok(())
}

impl Store {
    /// Contributing-factor categories, built-in ones first.
    pub async fn factor_categories(&self) -> Result<Vec<FactorCategory>> {
        self.read(|c| {
            FactorCategory::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM factor_categories ORDER BY position, key",
                    FactorCategory::columns()
                ),
                &[],
            )?)
        })
        .await
    }

    /// Adds a category to the taxonomy (administrators extend it).
    pub async fn add_factor_category(
        &self,
        key: String,
        label: String,
        description: String,
        user_id: i64,
        now: i64,
    ) -> Result<()> {
        self.write(move |c| {
            let pos = c
                .query_one("SELECT CAST(COALESCE(MAX(position), 0) + 1 AS BIGINT) FROM factor_categories", &[])?
                .i64(0)?;
            c.execute(
                "INSERT INTO factor_categories (key, label, description, builtin, position, created_ms) VALUES ($1, $2, $3, 0, $4, $5)",
                &params![key.clone(), label, description, pos, now],
            )?;
            crate::audit::append(c, now, &format!("user:{user_id}"), "factor_category.added", &format!("factor_category:{key}"), "")?;
            Ok(())
        })
        .await
    }
}
