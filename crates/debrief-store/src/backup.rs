//! Engine-neutral backups: `debrief backup` and `debrief restore`.
//!
//! A backup file is
//!
//! ```text
//! DEBRIEF-BACKUP                      first line, names the format
//! {"format":1,"schema_version":5,…}   one line of JSON: the [`Header`]
//! <gzip-compressed content>           `content_bytes` bytes, SHA-256 `content_sha256`
//! ```
//!
//! The content, once decompressed, is JSON lines: for every table, in an order in
//! which each table comes after the tables it refers to, one line
//! `{"table":NAME,"columns":[…],"rows":N}` and then N lines, each a JSON array of the
//! row's values. A value is `null`, an integer, a string, `{"real":TEXT}` (the
//! shortest decimal that reads back to the same 64-bit float, or `inf`, `-inf`,
//! `NaN`) or `{"blob":HEX}`. Nothing in it is engine-specific, so a backup of SQLite restores
//! into PostgreSQL and back.
//!
//! Every table of the schema is included, found from the database's own catalogue
//! (so a new table cannot be forgotten); only the engine's internal tables
//! (`sqlite_*`) are left out. The deployment key is not in the database, so not in
//! the backup.

use crate::db::{Conn, Db, Engine, SqliteDb, Value};
use crate::{Store, StoreError, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// The version of the file layout this build writes and reads.
pub const FORMAT: i64 = 1;
const MAGIC: &str = "DEBRIEF-BACKUP";
/// Longer header lines are not a header.
const MAX_HEADER: u64 = 64 * 1024;
/// No value line of a real backup comes near this (1 MiB request bodies).
const MAX_LINE: u64 = 256 * 1024 * 1024;
/// Rows read per query while exporting.
const PAGE: i64 = 1000;

/// What the first lines of a backup file say about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: i64,
    /// The latest migration applied to the database that was backed up.
    pub schema_version: i64,
    /// `sqlite` or `postgres`: where it came from (the content does not depend on it).
    pub source_engine: String,
    /// When the snapshot was taken (UTC, RFC 3339, seconds).
    pub created_at: String,
    pub tables: u64,
    pub rows: u64,
    pub compression: String,
    /// Length and SHA-256 (hex) of the compressed content that follows the header.
    pub content_bytes: u64,
    pub content_sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Io(String),
    #[error("not a Debrief backup ({0})")]
    NotABackup(String),
    #[error(
        "backup format {0} is newer than this Debrief reads (format {FORMAT}); restore it with a newer Debrief"
    )]
    NewerFormat(i64),
    #[error(
        "the backup has schema version {file}, newer than this Debrief knows ({known}); restore it with the Debrief version that made it, or a newer one"
    )]
    NewerSchema { file: i64, known: i64 },
    #[error("the backup is truncated: {found} of its {expected} content bytes are there")]
    Truncated { expected: u64, found: u64 },
    #[error("the backup is corrupted: {0}")]
    Corrupt(String),
    #[error(
        "restore needs an empty database, and this one has {0}; create a new database (or name a new SQLite file) and restore into that"
    )]
    NotEmpty(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// What a backup or restore reports while it runs.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// Taking the consistent snapshot.
    Snapshot,
    /// The work ahead.
    Start { tables: u64, rows: u64 },
    /// Starting on a table.
    Table(&'a str),
    /// This many more rows are done.
    Rows(u64),
}

/// How a column's values are checked when they are loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Real,
    Text,
    Blob,
    /// A type whose values are not checked here (the database checks them).
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// One table as the database's catalogue describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableInfo {
    pub name: String,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    /// (column, referenced table) for each foreign-key column.
    pub references: Vec<(String, String)>,
}

impl TableInfo {
    /// Tables this one must come after (itself excluded).
    fn depends_on(&self) -> impl Iterator<Item = &str> {
        self.references
            .iter()
            .map(|(_, t)| t.as_str())
            .filter(move |t| *t != self.name)
    }
}

/// A name quoted for SQL.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The schema's tables, sorted by name; engine-internal tables left out.
pub fn table_names(c: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    let sql = match c.engine() {
        Engine::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        }
        Engine::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        }
    };
    c.query(sql, &[])?.iter().map(|r| r.text(0)).collect()
}

fn sqlite_kind(declared: &str) -> Kind {
    // SQLite's own affinity rules (section 3.1 of its datatype page)
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        Kind::Integer
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        Kind::Text
    } else if t.contains("BLOB") {
        Kind::Blob
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        Kind::Real
    } else {
        Kind::Any
    }
}

fn postgres_kind(data_type: &str) -> Kind {
    match data_type {
        "bigint" | "integer" | "smallint" | "boolean" => Kind::Integer,
        "double precision" | "real" => Kind::Real,
        "text" | "character varying" | "character" => Kind::Text,
        "bytea" => Kind::Blob,
        _ => Kind::Any,
    }
}

/// Columns, primary key and foreign keys of `table`.
pub fn table_info(c: &mut dyn Conn, table: &str) -> Result<TableInfo, StoreError> {
    let name = table.to_string();
    let (columns, primary_key, references) = match c.engine() {
        Engine::Sqlite => {
            let rows = c.query(
                "SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid",
                &params![name.clone()],
            )?;
            let mut columns = Vec::new();
            let mut pk = Vec::new();
            for r in &rows {
                columns.push(Column {
                    name: r.text(0)?,
                    kind: sqlite_kind(&r.text(1)?),
                });
                if r.i64(2)? > 0 {
                    pk.push((r.i64(2)?, r.text(0)?));
                }
            }
            pk.sort();
            let refs = c
                .query(
                    "SELECT \"from\", \"table\" FROM pragma_foreign_key_list($1) ORDER BY id, seq",
                    &params![name.clone()],
                )?
                .iter()
                .map(|r| Ok((r.text(0)?, r.text(1)?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            (columns, pk.into_iter().map(|p| p.1).collect(), refs)
        }
        Engine::Postgres => {
            let columns = c
                .query(
                    "SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1::text ORDER BY ordinal_position",
                    &params![name.clone()],
                )?
                .iter()
                .map(|r| {
                    Ok(Column {
                        name: r.text(0)?,
                        kind: postgres_kind(&r.text(1)?),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let pk = c
                .query(
                    "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = quote_ident($1::text)::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)",
                    &params![name.clone()],
                )?
                .iter()
                .map(|r| r.text(0))
                .collect::<Result<Vec<_>, _>>()?;
            let refs = c
                .query(
                    "SELECT a.attname::text, t.relname::text FROM pg_constraint k JOIN pg_class t ON t.oid = k.confrelid JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey) WHERE k.contype = 'f' AND k.conrelid = quote_ident($1::text)::regclass ORDER BY k.conname, a.attnum",
                    &params![name.clone()],
                )?
                .iter()
                .map(|r| Ok((r.text(0)?, r.text(1)?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            (columns, pk, refs)
        }
    };
    if columns.is_empty() {
        return Err(StoreError::NotFound);
    }
    Ok(TableInfo {
        name,
        columns,
        primary_key,
        references,
    })
}

/// Every table, each after the tables it refers to (ties by name).
pub fn schema(c: &mut dyn Conn) -> Result<Vec<TableInfo>, StoreError> {
    let mut left = table_names(c)?
        .iter()
        .map(|t| table_info(c, t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut done: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let Some(i) = left
            .iter()
            .position(|t| t.depends_on().all(|d| done.contains(d)))
        else {
            let names: Vec<&str> = left.iter().map(|t| t.name.as_str()).collect();
            return Err(StoreError::Invalid(format!(
                "the tables {} refer to each other in a cycle or to a missing table",
                names.join(", ")
            )));
        };
        let t = left.remove(i);
        done.insert(t.name.clone());
        out.push(t);
    }
    Ok(out)
}

/// A copy of the SQLite database `db`, taken with the online backup API in one
/// step: one read transaction, so the copy is the state of one moment, while
/// writers carry on (WAL). The copy lives in a private temporary directory that
/// is removed when the returned guard is dropped.
pub(crate) fn sqlite_copy(db: &Db) -> Result<(tempfile::TempDir, Db), StoreError> {
    use rusqlite::backup::{Backup, StepResult};
    let Db::Sqlite(s) = db else {
        return Err(StoreError::Invalid("not a SQLite database".into()));
    };
    let err = |e: rusqlite::Error| {
        StoreError::Unavailable(format!("cannot copy the SQLite database: {e}"))
    };
    let dir = tempfile::tempdir()
        .map_err(|e| StoreError::Sql(format!("cannot make a temporary directory: {e}")))?;
    let path = dir.path().join("snapshot.db");
    {
        let src = rusqlite::Connection::open(s.path()).map_err(err)?;
        let mut dest = rusqlite::Connection::open(&path).map_err(err)?;
        let backup = Backup::new(&src, &mut dest).map_err(err)?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            match backup.step(-1).map_err(err)? {
                StepResult::Done => break,
                StepResult::More => {}
                // Busy, Locked, or a result this version of rusqlite does not name
                _ if std::time::Instant::now() > deadline => {
                    return Err(StoreError::Unavailable(
                        "the SQLite database stayed locked for 30 s".into(),
                    ));
                }
                _ => std::thread::sleep(std::time::Duration::from_millis(50)),
            }
        }
    }
    Ok((dir, Db::Sqlite(SqliteDb::open(path, 1)?)))
}

// ---------------------------------------------------------------- values

fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::{Value as J, json};
    match v {
        Value::Null => J::Null,
        Value::Int(i) => J::from(*i),
        // as text, which Rust writes as the shortest form that reads back exactly
        // (JSON numbers would go through serde_json's approximate float parser)
        Value::Real(r) => json!({ "real": format!("{r:?}") }),
        Value::Text(s) => J::String(s.clone()),
        Value::Blob(b) => json!({ "blob": hex::encode(b) }),
    }
}

fn from_json(j: serde_json::Value) -> Result<Value, String> {
    use serde_json::Value as J;
    Ok(match j {
        J::Null => Value::Null,
        J::String(s) => Value::Text(s),
        J::Number(n) => Value::Int(n.as_i64().ok_or("a number that is not a 64-bit integer")?),
        J::Object(mut o) if o.len() == 1 => {
            if let Some(J::String(h)) = o.remove("blob") {
                Value::Blob(hex::decode(h).map_err(|e| format!("bad blob: {e}"))?)
            } else if let Some(J::String(r)) = o.remove("real") {
                Value::Real(r.parse().map_err(|_| format!("bad real {r:?}"))?)
            } else {
                return Err("an object that is neither a blob nor a real".into());
            }
        }
        other => return Err(format!("a value of unknown form: {other}")),
    })
}

fn accepts(kind: Kind, v: &Value) -> bool {
    matches!(
        (kind, v),
        (_, Value::Null)
            | (Kind::Any, _)
            | (Kind::Integer, Value::Int(_))
            | (Kind::Real, Value::Real(_) | Value::Int(_))
            | (Kind::Text, Value::Text(_))
            | (Kind::Blob, Value::Blob(_))
    )
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Int(_) => "an integer",
        Value::Real(_) => "a real",
        Value::Text(_) => "text",
        Value::Blob(_) => "bytes",
    }
}

// ---------------------------------------------------------------- export

#[derive(Serialize, Deserialize)]
struct TableLine {
    table: String,
    columns: Vec<String>,
    rows: u64,
}

fn io_store(e: std::io::Error) -> StoreError {
    StoreError::Invalid(format!("cannot write the backup: {e}"))
}

/// Writes `tables` (in the given order) as backup content on `out`, uncompressed;
/// returns the number of rows.
pub fn write_tables(
    c: &mut dyn Conn,
    tables: &[TableInfo],
    out: &mut dyn Write,
    progress: &mut dyn FnMut(Progress),
) -> Result<u64, StoreError> {
    let mut counts = Vec::with_capacity(tables.len());
    for t in tables {
        let n = c
            .query_one(&format!("SELECT COUNT(*) FROM {}", ident(&t.name)), &[])?
            .i64(0)?;
        counts.push(u64::try_from(n).unwrap_or(0));
    }
    progress(Progress::Start {
        tables: tables.len() as u64,
        rows: counts.iter().sum(),
    });
    let mut total = 0;
    for (t, &count) in tables.iter().zip(&counts) {
        progress(Progress::Table(&t.name));
        let cols: Vec<String> = t.columns.iter().map(|c| ident(&c.name)).collect();
        // a total order, so that pages neither overlap nor skip (rows equal in
        // every column are interchangeable)
        let order: Vec<String> = if t.primary_key.is_empty() {
            cols.clone()
        } else {
            t.primary_key.iter().map(|k| ident(k)).collect()
        };
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {} LIMIT $1 OFFSET $2",
            cols.join(", "),
            ident(&t.name),
            order.join(", ")
        );
        let line = TableLine {
            table: t.name.clone(),
            columns: t.columns.iter().map(|c| c.name.clone()).collect(),
            rows: count,
        };
        serde_json::to_writer(&mut *out, &line).map_err(|e| io_store(e.into()))?;
        out.write_all(b"\n").map_err(io_store)?;
        let mut written = 0u64;
        loop {
            let rows = c.query(&sql, &params![PAGE, written as i64])?;
            for r in &rows {
                let vals: Vec<serde_json::Value> = r.values().iter().map(to_json).collect();
                serde_json::to_writer(&mut *out, &vals).map_err(|e| io_store(e.into()))?;
                out.write_all(b"\n").map_err(io_store)?;
            }
            written += rows.len() as u64;
            progress(Progress::Rows(rows.len() as u64));
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        if written != count {
            // inside one snapshot this cannot happen; a file that says otherwise would not restore
            return Err(StoreError::Invalid(format!(
                "table {} changed during the backup ({count} rows counted, {written} read)",
                t.name
            )));
        }
        total += written;
    }
    Ok(total)
}

/// Counts and hashes what passes through.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn io(e: std::io::Error) -> BackupError {
    BackupError::Io(format!("cannot write the backup: {e}"))
}

impl Store {
    /// Writes a backup of the whole database, taken from one consistent snapshot
    /// while the server may keep writing, to `out`.
    pub fn backup_blocking(
        &self,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Header, BackupError> {
        let spool = tempfile::tempfile().map_err(io)?;
        let hashing = Hashing {
            inner: spool,
            hash: Sha256::new(),
            bytes: 0,
        };
        let mut gz = std::io::BufWriter::with_capacity(
            256 * 1024,
            flate2::write::GzEncoder::new(hashing, flate2::Compression::default()),
        );
        progress(Progress::Snapshot);
        let engine = self.engine();
        let (schema_version, tables, rows, created) = self.db().snapshot_read_blocking(|c| {
            let created = chrono::Utc::now();
            let tables = schema(c)?;
            if !tables.iter().any(|t| t.name == "schema_migrations") {
                return Err(StoreError::Invalid(
                    "the database has no Debrief schema: there is nothing to back up".into(),
                ));
            }
            let version = c
                .query_one(
                    "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
                    &[],
                )?
                .i64(0)?;
            let rows = write_tables(c, &tables, &mut gz, progress)?;
            Ok((version, tables.len() as u64, rows, created))
        })?;
        let hashing = gz
            .into_inner()
            .map_err(|e| io(e.into_error()))?
            .finish()
            .map_err(io)?;
        let header = Header {
            format: FORMAT,
            schema_version,
            source_engine: engine.name().into(),
            created_at: created.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            tables,
            rows,
            compression: "gzip".into(),
            content_bytes: hashing.bytes,
            content_sha256: hex::encode(hashing.hash.finalize()),
        };
        let mut spool = hashing.inner;
        spool.seek(SeekFrom::Start(0)).map_err(io)?;
        let head = serde_json::to_string(&header).map_err(|e| io(e.into()))?;
        out.write_all(format!("{MAGIC}\n{head}\n").as_bytes())
            .map_err(io)?;
        let copied = std::io::copy(&mut spool, out).map_err(io)?;
        if copied != header.content_bytes {
            return Err(BackupError::Io(
                "the temporary copy of the backup changed while it was written".into(),
            ));
        }
        out.flush().map_err(io)?;
        Ok(header)
    }
}

// ---------------------------------------------------------------- import

/// Reads the two header lines; leaves `r` at the start of the content.
pub fn read_header(r: &mut dyn BufRead) -> Result<Header, BackupError> {
    let read = |r: &mut dyn BufRead| -> Result<String, BackupError> {
        let mut line = String::new();
        r.take(MAX_HEADER)
            .read_line(&mut line)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidData => {
                    BackupError::NotABackup("the file does not start with text".into())
                }
                _ => BackupError::Io(format!("cannot read the backup: {e}")),
            })?;
        if !line.ends_with('\n') {
            return Err(BackupError::NotABackup(if line.is_empty() {
                "the file is empty".into()
            } else {
                "no header line".into()
            }));
        }
        line.pop();
        Ok(line)
    };
    if read(r)? != MAGIC {
        return Err(BackupError::NotABackup(format!(
            "the first line is not {MAGIC}"
        )));
    }
    // the format version first, so that a newer layout is named as such
    let line = read(r)?;
    let loose: serde_json::Value = serde_json::from_str(&line)
        .map_err(|e| BackupError::Corrupt(format!("unreadable header: {e}")))?;
    match loose.get("format").and_then(serde_json::Value::as_i64) {
        Some(FORMAT) => {}
        Some(f) if f > FORMAT => return Err(BackupError::NewerFormat(f)),
        _ => {
            return Err(BackupError::Corrupt(
                "the header has no known format".into(),
            ));
        }
    }
    serde_json::from_value(loose).map_err(|e| BackupError::Corrupt(format!("bad header: {e}")))
}

/// Reads a backup's header and checks its content against the checksum.
pub fn check_file(path: &Path) -> Result<(Header, u64), BackupError> {
    let f = std::fs::File::open(path)
        .map_err(|e| BackupError::Io(format!("cannot read {}: {e}", path.display())))?;
    let mut r = BufReader::new(f);
    let header = read_header(&mut r)?;
    if header.compression != "gzip" {
        return Err(BackupError::Corrupt(format!(
            "unknown compression {:?}",
            header.compression
        )));
    }
    let offset = r
        .stream_position()
        .map_err(|e| BackupError::Io(e.to_string()))?;
    let mut hash = Sha256::new();
    let mut found = 0u64;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = r
            .read(&mut buf)
            .map_err(|e| BackupError::Io(format!("cannot read the backup: {e}")))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        found += n as u64;
    }
    if found < header.content_bytes {
        return Err(BackupError::Truncated {
            expected: header.content_bytes,
            found,
        });
    }
    if found > header.content_bytes {
        return Err(BackupError::Corrupt(format!(
            "{} bytes more than its header says",
            found - header.content_bytes
        )));
    }
    if hex::encode(hash.finalize()) != header.content_sha256 {
        return Err(BackupError::Corrupt(
            "the content does not match its SHA-256 checksum".into(),
        ));
    }
    Ok((header, offset))
}

mod load;
pub use load::read_tables;
