//! Embedded, numbered SQL migrations: one folder per engine, applied in order,
//! each in its own transaction, recorded in `schema_migrations`.

use crate::db::{Conn, Engine};
use crate::{Result, Store, StoreError, now_ms, params};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// Rows the migration adds from the domain's own constants.
    pub seed: Option<fn(&mut dyn Conn) -> Result<()>>,
}

const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/sqlite/0001_foundation.sql"),
        seed: None,
    },
    Migration {
        version: 2,
        name: "reports and cases",
        sql: include_str!("../migrations/sqlite/0002_reports_cases.sql"),
        seed: None,
    },
    Migration {
        version: 3,
        name: "audit head",
        sql: include_str!("../migrations/sqlite/0003_audit_head.sql"),
        seed: None,
    },
    Migration {
        version: 4,
        name: "reviews and action items",
        sql: include_str!("../migrations/sqlite/0004_reviews.sql"),
        seed: Some(crate::reviews::seed_factor_categories),
    },
    Migration {
        version: 5,
        name: "login throttle",
        sql: include_str!("../migrations/sqlite/0005_login_throttle.sql"),
        seed: None,
    },
    Migration {
        version: 6,
        name: "drills",
        sql: include_str!("../migrations/sqlite/0006_drills.sql"),
        seed: None,
    },
    Migration {
        version: 7,
        name: "operations indexes",
        sql: include_str!("../migrations/sqlite/0007_operations_indexes.sql"),
        seed: None,
    },
];

const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/postgres/0001_foundation.sql"),
        seed: None,
    },
    Migration {
        version: 2,
        name: "reports and cases",
        sql: include_str!("../migrations/postgres/0002_reports_cases.sql"),
        seed: None,
    },
    Migration {
        version: 3,
        name: "audit head",
        sql: include_str!("../migrations/postgres/0003_audit_head.sql"),
        seed: None,
    },
    Migration {
        version: 4,
        name: "reviews and action items",
        sql: include_str!("../migrations/postgres/0004_reviews.sql"),
        seed: Some(crate::reviews::seed_factor_categories),
    },
    Migration {
        version: 5,
        name: "login throttle",
        sql: include_str!("../migrations/postgres/0005_login_throttle.sql"),
        seed: None,
    },
    Migration {
        version: 6,
        name: "drills",
        sql: include_str!("../migrations/postgres/0006_drills.sql"),
        seed: None,
    },
    Migration {
        version: 7,
        name: "operations indexes",
        sql: include_str!("../migrations/postgres/0007_operations_indexes.sql"),
        seed: None,
    },
];

pub fn migrations(engine: Engine) -> &'static [Migration] {
    match engine {
        Engine::Sqlite => SQLITE,
        Engine::Postgres => POSTGRES,
    }
}

/// The newest schema version this build knows.
pub fn latest_version(engine: Engine) -> i64 {
    migrations(engine).last().map_or(0, |m| m.version)
}

/// Key of the advisory lock that keeps two starting servers from migrating at once.
pub(crate) const MIGRATION_LOCK: i64 = 0x6465_6272_6965_6601;

const SCHEMA_MIGRATIONS: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)";

/// Applies `m` on `c` unless it is recorded as applied; returns whether it ran.
/// The caller owns the transaction (and the migration lock).
pub(crate) fn apply(c: &mut dyn Conn, m: &Migration) -> Result<bool> {
    c.batch(SCHEMA_MIGRATIONS)?;
    if c.query_opt(
        "SELECT version FROM schema_migrations WHERE version = $1",
        &params![m.version],
    )?
    .is_some()
    {
        return Ok(false);
    }
    c.batch(m.sql)
        .map_err(|e| StoreError::Sql(format!("migration {} ({}): {e}", m.version, m.name)))?;
    if let Some(seed) = m.seed {
        seed(c)?;
    }
    c.execute(
        "INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)",
        &params![m.version, m.name, now_ms()],
    )?;
    Ok(true)
}

impl Store {
    /// Applies every pending migration; returns how many were applied. Safe to run
    /// from several processes at once: they queue on a lock and skip applied ones.
    pub fn migrate_blocking(&self) -> Result<usize> {
        let engine = self.engine();
        let mut applied = 0;
        for m in migrations(engine) {
            let done = self.db().write_blocking(|c: &mut dyn Conn| {
                c.lock(MIGRATION_LOCK)?;
                apply(c, m)
            })?;
            if done {
                tracing::info!(version = m.version, name = m.name, "applied migration");
                applied += 1;
            }
        }
        Ok(applied)
    }

    /// The latest migration version applied, 0 for an empty database.
    pub fn schema_version_blocking(&self) -> Result<i64> {
        self.db().read_blocking(|c| {
            c.batch(SCHEMA_MIGRATIONS)?;
            let r = c.query_one(
                "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
                &[],
            )?;
            r.i64(0)
        })
    }

    /// Tables and their columns, sorted, to compare the two engines' schemas.
    pub fn schema_outline_blocking(&self) -> Result<Vec<(String, Vec<String>)>> {
        let engine = self.engine();
        self.db().read_blocking(move |c| {
            let tables: Vec<String> = match engine {
                Engine::Sqlite => c.query(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                    &[],
                )?,
                Engine::Postgres => c.query(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1",
                    &[],
                )?,
            }
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_>>()?;
            let mut out = Vec::new();
            for t in tables {
                let mut cols: Vec<String> = match engine {
                    Engine::Sqlite => c
                        .query("SELECT name FROM pragma_table_info($1)", &params![t.clone()])?
                        .iter()
                        .map(|r| r.text(0))
                        .collect::<Result<_>>()?,
                    Engine::Postgres => c
                        .query(
                            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
                            &params![t.clone()],
                        )?
                        .iter()
                        .map(|r| r.text(0))
                        .collect::<Result<_>>()?,
                };
                cols.sort();
                out.push((t, cols));
            }
            Ok(out)
        })
    }
}
