//! Loading a backup: checks, then migrations, rows and sequences in one transaction.

use super::{
    BackupError, Header, MAX_LINE, Progress, TableInfo, TableLine, accepts, check_file, describe,
    from_json, ident, schema, table_names,
};
use crate::db::{Conn, Engine, Value};
use crate::migrate::{self, MIGRATION_LOCK, migrations};
use crate::{Store, StoreError, params};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

fn corrupt(why: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("the backup is corrupted: {why}"))
}

/// The next line without its newline; `None` at the end.
fn next_line(r: &mut dyn BufRead, buf: &mut String) -> Result<Option<()>, StoreError> {
    buf.clear();
    let n = (&mut *r)
        .take(MAX_LINE)
        .read_line(buf)
        .map_err(|e| corrupt(format!("unreadable content ({e})")))?;
    if n == 0 {
        return Ok(None);
    }
    if buf.pop() != Some('\n') {
        return Err(corrupt("a line is cut off or too long"));
    }
    Ok(Some(()))
}

/// Up to this many parameters per INSERT (SQLite allows 32,766, PostgreSQL 65,535).
const MAX_PARAMS: usize = 16_000;
const MAX_BATCH_ROWS: usize = 250;

fn insert_sql(table: &str, columns: &[String], rows: usize) -> String {
    let cols: Vec<String> = columns.iter().map(|c| ident(c)).collect();
    let mut sql = format!("INSERT INTO {} ({}) VALUES ", ident(table), cols.join(", "));
    let mut p = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for i in 0..columns.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            p += 1;
            sql.push_str(&format!("${p}"));
        }
        sql.push(')');
    }
    sql
}

/// Loads backup content (uncompressed) from `input` into the tables `target`
/// describes, which must exist and be empty. Tables must come after the tables
/// they refer to; references of a table to itself are set once all its rows are
/// in. Returns the tables and rows loaded.
pub fn read_tables(
    c: &mut dyn Conn,
    input: &mut dyn BufRead,
    target: &[TableInfo],
    progress: &mut dyn FnMut(Progress),
) -> Result<(u64, u64), StoreError> {
    let by_name: HashMap<&str, &TableInfo> = target.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut loaded: HashSet<String> = HashSet::new();
    let mut total_rows = 0u64;
    let mut line = String::new();
    while next_line(input, &mut line)?.is_some() {
        let head: TableLine = serde_json::from_str(&line)
            .map_err(|e| corrupt(format!("expected a table line ({e})")))?;
        let Some(t) = by_name.get(head.table.as_str()) else {
            return Err(StoreError::Invalid(format!(
                "the backup has a table {:?} that this schema does not have",
                head.table
            )));
        };
        if !loaded.insert(t.name.clone()) {
            return Err(corrupt(format!("table {} appears twice", t.name)));
        }
        if let Some(d) = t.depends_on().find(|d| !loaded.contains(*d)) {
            return Err(corrupt(format!(
                "table {} comes before {d}, which it refers to",
                t.name
            )));
        }
        progress(Progress::Table(&t.name));
        total_rows += load_table(c, input, t, &head, progress)?;
    }
    if let Some(missing) = target.iter().find(|t| !loaded.contains(&t.name)) {
        return Err(corrupt(format!("it has no table {}", missing.name)));
    }
    Ok((loaded.len() as u64, total_rows))
}

fn load_table(
    c: &mut dyn Conn,
    input: &mut dyn BufRead,
    t: &TableInfo,
    head: &TableLine,
    progress: &mut dyn FnMut(Progress),
) -> Result<u64, StoreError> {
    let want: HashSet<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    let have: HashSet<&str> = head.columns.iter().map(String::as_str).collect();
    if want != have || have.len() != head.columns.len() {
        let mut extra: Vec<&str> = have.difference(&want).copied().collect();
        let mut missing: Vec<&str> = want.difference(&have).copied().collect();
        extra.sort_unstable();
        missing.sort_unstable();
        return Err(StoreError::Invalid(format!(
            "the columns of table {} do not match the schema (in the backup only: {}; missing: {})",
            t.name,
            extra.join(", "),
            missing.join(", ")
        )));
    }
    let kinds: Vec<_> = head
        .columns
        .iter()
        .map(|n| {
            t.columns
                .iter()
                .find(|c| &c.name == n)
                .map_or(super::Kind::Any, |c| c.kind)
        })
        .collect();
    let position = |name: &str| head.columns.iter().position(|c| c == name);
    let self_refs: Vec<usize> = t
        .references
        .iter()
        .filter(|(_, to)| *to == t.name)
        .filter_map(|(col, _)| position(col))
        .collect();
    let key: Vec<usize> = t.primary_key.iter().filter_map(|k| position(k)).collect();
    if !self_refs.is_empty() && (key.is_empty() || key.len() != t.primary_key.len()) {
        return Err(StoreError::Invalid(format!(
            "table {} refers to itself but has no primary key",
            t.name
        )));
    }
    let width = head.columns.len();
    let per_batch = (MAX_PARAMS / width.max(1)).clamp(1, MAX_BATCH_ROWS);
    let full_sql = insert_sql(&t.name, &head.columns, per_batch);
    let mut batch: Vec<Value> = Vec::with_capacity(per_batch * width);
    let mut later: Vec<(Vec<Value>, usize, Value)> = Vec::new();
    let mut line = String::new();
    let flush = |c: &mut dyn Conn, batch: &mut Vec<Value>| -> Result<(), StoreError> {
        let rows = batch.len() / width;
        if rows == 0 {
            return Ok(());
        }
        let sql = if rows == per_batch {
            std::borrow::Cow::Borrowed(full_sql.as_str())
        } else {
            std::borrow::Cow::Owned(insert_sql(&t.name, &head.columns, rows))
        };
        c.execute(&sql, batch).map_err(|e| match e {
            StoreError::Unique { table, field } => StoreError::Invalid(format!(
                "the backup repeats a row of table {} ({table}.{field})",
                t.name
            )),
            StoreError::ForeignKey => StoreError::Invalid(format!(
                "a row of table {} refers to a row the backup does not have",
                t.name
            )),
            other => other,
        })?;
        batch.clear();
        Ok(())
    };
    for n in 0..head.rows {
        if next_line(input, &mut line)?.is_none() {
            return Err(corrupt(format!(
                "table {} ends after {n} of its {} rows",
                t.name, head.rows
            )));
        }
        let vals: Vec<serde_json::Value> = serde_json::from_str(&line)
            .map_err(|e| corrupt(format!("row {} of table {} ({e})", n + 1, t.name)))?;
        if vals.len() != width {
            return Err(corrupt(format!(
                "row {} of table {} has {} values for {width} columns",
                n + 1,
                t.name,
                vals.len()
            )));
        }
        let mut row = Vec::with_capacity(width);
        for (i, j) in vals.into_iter().enumerate() {
            let v = from_json(j).map_err(|e| {
                corrupt(format!(
                    "{}.{} in row {}: {e}",
                    t.name,
                    head.columns[i],
                    n + 1
                ))
            })?;
            if !accepts(kinds[i], &v) {
                return Err(StoreError::Invalid(format!(
                    "{}.{} in row {} holds {}, which that column cannot take",
                    t.name,
                    head.columns[i],
                    n + 1,
                    describe(&v)
                )));
            }
            row.push(v);
        }
        for &i in &self_refs {
            if row[i] != Value::Null {
                let k = key.iter().map(|&k| row[k].clone()).collect();
                later.push((k, i, std::mem::replace(&mut row[i], Value::Null)));
            }
        }
        batch.extend(row);
        if batch.len() == per_batch * width {
            flush(c, &mut batch)?;
            progress(Progress::Rows(per_batch as u64));
        }
    }
    let rest = (batch.len() / width) as u64;
    flush(c, &mut batch)?;
    progress(Progress::Rows(rest));
    for (k, col, v) in later {
        let cond: Vec<String> = key
            .iter()
            .enumerate()
            .map(|(n, &i)| format!("{} = ${}", ident(&head.columns[i]), n + 2))
            .collect();
        let sql = format!(
            "UPDATE {} SET {} = $1 WHERE {}",
            ident(&t.name),
            ident(&head.columns[col]),
            cond.join(" AND ")
        );
        let mut p = vec![v];
        p.extend(k);
        c.execute(&sql, &p).map_err(|e| match e {
            StoreError::ForeignKey => StoreError::Invalid(format!(
                "{}.{} refers to a row the backup does not have",
                t.name, head.columns[col]
            )),
            other => other,
        })?;
    }
    Ok(head.rows)
}

/// After rows were inserted with their ids, each identity column's next value
/// follows the largest id (PostgreSQL; SQLite takes the largest rowid by itself).
fn reset_sequences(c: &mut dyn Conn) -> Result<(), StoreError> {
    let cols = c.query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%') ORDER BY 1, 2",
        &[],
    )?;
    for r in &cols {
        let (table, column) = (r.text(0)?, r.text(1)?);
        c.query(
            &format!(
                "SELECT setval(pg_get_serial_sequence($1::text, $2::text), COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
                ident(&column),
                ident(&table)
            ),
            &params![ident(&table), column],
        )?;
    }
    Ok(())
}

/// Why a database is not empty, or `None` when it is: no tables at all, or only
/// the migration bookkeeping with nothing in it.
fn occupied(c: &mut dyn Conn) -> Result<Option<String>, StoreError> {
    let tables = table_names(c)?;
    if tables.is_empty() {
        return Ok(None);
    }
    let version = if tables.iter().any(|t| t == "schema_migrations") {
        c.query_one(
            "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
            &[],
        )?
        .i64(0)?
    } else {
        0
    };
    if tables.len() == 1 && tables[0] == "schema_migrations" && version == 0 {
        return Ok(None);
    }
    let n = tables.len();
    Ok(Some(if version > 0 {
        format!(
            "{n} table{} (schema version {version})",
            if n == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "{n} table{}: {}",
            if n == 1 { "" } else { "s" },
            tables.join(", ")
        )
    }))
}

impl Store {
    /// Restores the backup at `path` into this database, which must be empty: the
    /// file is checked first (format, schema version, checksum), then the schema is
    /// created up to the backup's version and every row loaded, in one transaction.
    pub fn restore_blocking(
        &self,
        path: &Path,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Header, BackupError> {
        let (header, offset) = check_file(path)?;
        let engine = self.engine();
        let known = migrate::latest_version(engine);
        if header.schema_version > known {
            return Err(BackupError::NewerSchema {
                file: header.schema_version,
                known,
            });
        }
        if header.schema_version < 1 {
            return Err(BackupError::Corrupt(format!(
                "schema version {}",
                header.schema_version
            )));
        }
        let mut file = std::fs::File::open(path)
            .map_err(|e| BackupError::Io(format!("cannot read {}: {e}", path.display())))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| BackupError::Io(format!("cannot read {}: {e}", path.display())))?;
        let compressed = BufReader::new(file).take(header.content_bytes);
        let mut content =
            BufReader::with_capacity(256 * 1024, flate2::bufread::GzDecoder::new(compressed));
        let mut refusal: Option<BackupError> = None;
        let outcome = self.db().write_blocking(|c| {
            c.lock(MIGRATION_LOCK)?;
            if let Some(why) = occupied(c)? {
                refusal = Some(BackupError::NotEmpty(why));
                return Err(StoreError::Invalid("not empty".into()));
            }
            for m in migrations(engine)
                .iter()
                .filter(|m| m.version <= header.schema_version)
            {
                migrate::apply(c, m)?;
            }
            let target = schema(c)?;
            // what the migrations seeded (and their own bookkeeping) comes from the backup
            for t in target.iter().rev() {
                let n = c
                    .query_one(&format!("SELECT COUNT(*) FROM {}", ident(&t.name)), &[])?
                    .i64(0)?;
                if n > 0 {
                    c.execute(&format!("DELETE FROM {}", ident(&t.name)), &[])?;
                }
            }
            progress(Progress::Start {
                tables: header.tables,
                rows: header.rows,
            });
            let (tables, rows) = read_tables(c, &mut content, &target, progress)?;
            if (tables, rows) != (header.tables, header.rows) {
                return Err(corrupt(format!(
                    "its header promises {} tables and {} rows, its content has {tables} and {rows}",
                    header.tables, header.rows
                )));
            }
            if engine == Engine::Postgres {
                reset_sequences(c)?;
            }
            Ok(())
        });
        match outcome {
            Ok(()) => Ok(header),
            Err(e) => Err(refusal.unwrap_or(BackupError::Store(e))),
        }
    }
}
