//! The one place where SQLite and PostgreSQL differ.
//!
//! Everything above this module writes its SQL once, with `$1, $2, …` placeholders,
//! integer timestamps (milliseconds since the epoch) and `RETURNING`, which both
//! engines understand. This module runs that SQL on the right driver, turns values
//! to and from each driver's types, owns transactions and locking, and supplies the
//! few clauses whose spelling differs (`FOR UPDATE SKIP LOCKED`).

use crate::StoreError;
use crate::rows::FromValue;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

mod pg_types;
use pg_types::{pg_readable, pg_unreadable, pg_value};

/// A value passed to or read from SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v as i64)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Builds a parameter list: `params![a, b, c]`.
#[macro_export]
macro_rules! params {
    () => { [] as [$crate::db::Value; 0] };
    ($($v:expr),+ $(,)?) => { [$($crate::db::Value::from($v)),+] };
}

/// One result row: its values and the names they were selected as.
///
/// Row types declared with [`crate::rows::row!`] read their columns by name
/// ([`Row::get`] works the same way for a single value); the positional
/// accessors (`row.i64(0)`) remain for one-column results such as
/// `RETURNING id`.
#[derive(Debug, Clone)]
pub struct Row {
    values: Vec<Value>,
    names: Arc<[String]>,
}

impl Row {
    /// A row of `values` named `names` (one name per value).
    pub fn new(names: Arc<[String]>, values: Vec<Value>) -> Row {
        Row { values, names }
    }
    pub fn values(&self) -> &[Value] {
        &self.values
    }
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// The index of the column selected as `name`; `hint` is where it is expected.
    pub(crate) fn position(&self, name: &str, hint: usize) -> Option<usize> {
        if self.names.get(hint).is_some_and(|n| n == name) {
            return Some(hint);
        }
        self.names.iter().position(|n| n == name)
    }
    /// The value of the column selected as `name`, decoded as `T`.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T, StoreError> {
        let i = self
            .position(name, 0)
            .ok_or_else(|| StoreError::Decode(format!("the result has no column named {name}")))?;
        T::from_value(&self.values[i])
            .map_err(|e| StoreError::Decode(format!("column {name}: {e}")))
    }
    fn decode_at<T: FromValue>(&self, i: usize) -> Result<T, StoreError> {
        let v = self
            .values
            .get(i)
            .ok_or_else(|| StoreError::Decode(format!("no column {i}")))?;
        T::from_value(v).map_err(|e| StoreError::Decode(format!("column {i}: {e}")))
    }
    pub fn i64(&self, i: usize) -> Result<i64, StoreError> {
        self.decode_at(i)
    }
    pub fn opt_i64(&self, i: usize) -> Result<Option<i64>, StoreError> {
        self.decode_at(i)
    }
    pub fn bool(&self, i: usize) -> Result<bool, StoreError> {
        self.decode_at(i)
    }
    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        self.decode_at(i)
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        self.decode_at(i)
    }
    pub fn blob(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        self.decode_at(i)
    }
}

/// A connection or transaction on either engine.
pub trait Conn {
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
    fn engine(&self) -> Engine;

    fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
    fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row, StoreError> {
        self.query_opt(sql, params)?.ok_or(StoreError::NotFound)
    }
    /// Serialises writers of one kind (e.g. audit appends) across every process
    /// sharing the database, until the transaction ends. SQLite write transactions
    /// already hold the database's single write lock.
    fn lock(&mut self, key: i64) -> Result<(), StoreError> {
        match self.engine() {
            Engine::Sqlite => Ok(()),
            Engine::Postgres => self
                .query("SELECT pg_advisory_xact_lock($1)", &[Value::Int(key)])
                .map(|_| ()),
        }
    }
    /// The clause that lets concurrent workers skip rows another worker holds.
    fn skip_locked(&self) -> &'static str {
        match self.engine() {
            Engine::Sqlite => "",
            Engine::Postgres => "FOR UPDATE SKIP LOCKED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

// ---------------------------------------------------------------- SQLite

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Real(v) => ToSqlOutput::Borrowed(ValueRef::Real(*v)),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Value::Blob(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
        })
    }
}

/// `$1` → `?1`, leaving string literals and quoted names alone.
pub(crate) fn sqlite_placeholders(sql: &str) -> Cow<'_, str> {
    if !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None => {
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    out.push(c);
                } else if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                    out.push('?');
                } else {
                    out.push(c);
                }
            }
        }
    }
    Cow::Owned(out)
}

fn sqlite_err(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        use rusqlite::ffi;
        match f.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                let msg = msg.as_deref().unwrap_or_default();
                return crate::unique::violation(crate::unique::from_sqlite(msg), msg);
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return StoreError::ForeignKey,
            _ => {}
        }
        if f.code == rusqlite::ErrorCode::DatabaseBusy
            || f.code == rusqlite::ErrorCode::DatabaseLocked
        {
            return StoreError::Unavailable(e.to_string());
        }
    }
    StoreError::Sql(e.to_string())
}

mod group;
mod sqlite;
pub use sqlite::SqliteDb;

// ---------------------------------------------------------------- PostgreSQL

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Real(v) => match *ty {
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Text(v) => v.as_str().to_sql(ty, out),
            Value::Blob(v) => v.as_slice().to_sql(ty, out),
        }
    }
    fn accepts(_: &Type) -> bool {
        true
    }
    to_sql_checked!();
}

fn pg_err(e: postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        use postgres::error::SqlState;
        if *db.code() == SqlState::UNIQUE_VIOLATION {
            let name = db.constraint().unwrap_or_default();
            return crate::unique::violation(crate::unique::from_postgres(name), name);
        }
        if *db.code() == SqlState::FOREIGN_KEY_VIOLATION {
            return StoreError::ForeignKey;
        }
        return StoreError::Sql(format!("{}: {}", db.code().code(), db.message()));
    }
    if e.is_closed() {
        return StoreError::Unavailable(e.to_string());
    }
    StoreError::Sql(e.to_string())
}

/// A connection or transaction with the pooled connection's prepared statements.
struct PgConn<'a, C: postgres::GenericClient> {
    c: &'a mut C,
    statements: &'a mut HashMap<String, postgres::Statement>,
}

impl<C: postgres::GenericClient> PgConn<'_, C> {
    /// The prepared statement for `sql`, prepared once per connection: a query
    /// then costs one round trip instead of two.
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(st) = self.statements.get(sql) {
            return Ok(st.clone());
        }
        let st = self.c.prepare(sql).map_err(pg_err)?;
        if self.statements.len() >= 512 {
            self.statements.clear();
        }
        self.statements.insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

impl<C: postgres::GenericClient> Conn for PgConn<'_, C> {
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let st = self.statement(sql)?;
        // checked on the statement, before it runs: a type the store does not
        // read fails every time, with no rows as with many
        if let Some(c) = st.columns().iter().find(|c| !pg_readable(c.type_())) {
            return Err(pg_unreadable(c));
        }
        let names: Arc<[String]> = st.columns().iter().map(|c| c.name().to_string()).collect();
        let rows = self.c.query(&st, &refs).map_err(pg_err)?;
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| pg_value(r, i))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|vals| Row::new(names.clone(), vals))
            })
            .collect()
    }
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let st = self.statement(sql)?;
        self.c.execute(&st, &refs).map_err(pg_err)
    }
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.c.batch_execute(sql).map_err(pg_err)
    }
    fn engine(&self) -> Engine {
        Engine::Postgres
    }
}

/// A pooled PostgreSQL connection and the statements prepared on it.
pub struct PgConnection {
    client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

pub struct PgManager {
    target: crate::tls::PgTarget,
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConnection;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConnection, postgres::Error> {
        Ok(PgConnection {
            client: self.target.connect()?,
            statements: HashMap::new(),
        })
    }
    fn is_valid(&self, c: &mut PgConnection) -> Result<(), postgres::Error> {
        c.client.simple_query("").map(|_| ())
    }
    fn has_broken(&self, c: &mut PgConnection) -> bool {
        c.client.is_closed()
    }
}

pub type PgPool = r2d2::Pool<PgManager>;

// ---------------------------------------------------------------- either

/// The database handle. Closures run on a blocking thread; async callers use
/// [`Db::read`] and [`Db::write`], the CLI the `_blocking` forms.
pub enum Db {
    Sqlite(SqliteDb),
    Postgres(PgHolder),
}

/// Owns the PostgreSQL pool. The synchronous driver blocks when a connection
/// closes, which must not happen on an async worker thread, so the pool is
/// dropped on a thread of its own.
pub struct PgHolder(Option<PgPool>);

impl PgHolder {
    /// Runs `f` on a pooled connection outside any explicit transaction.
    fn autocommit<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut c = self
            .pool()?
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let PgConnection { client, statements } = &mut *c;
        f(&mut PgConn {
            c: client,
            statements,
        })
    }

    fn pool(&self) -> Result<&PgPool, StoreError> {
        self.0
            .as_ref()
            .ok_or_else(|| StoreError::Unavailable("pool closed".into()))
    }
}

impl Drop for PgHolder {
    fn drop(&mut self) {
        if let Some(pool) = self.0.take() {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

impl Db {
    /// Opens the database named by a URL: `sqlite://PATH`, `sqlite:PATH`,
    /// `postgres://…` or `postgresql://…`.
    pub fn connect(url: &str) -> Result<Db, StoreError> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(StoreError::BadUrl(
                    "sqlite URL without a file path (expected sqlite://PATH)".into(),
                ));
            }
            return Ok(Db::Sqlite(SqliteDb::open(PathBuf::from(path), 4)?));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // the synchronous driver may not start inside an async runtime
            let url = url.to_string();
            return std::thread::spawn(move || Self::connect_postgres(&url))
                .join()
                .map_err(|_| {
                    StoreError::Unavailable("PostgreSQL connection thread failed".into())
                })?;
        }
        Err(StoreError::BadUrl(format!(
            "unsupported database URL '{}' (expected sqlite://PATH or postgres://…)",
            redact_url(url)
        )))
    }

    fn connect_postgres(url: &str) -> Result<Db, StoreError> {
        {
            // crate::tls reads sslmode and sslrootcert, the driver the rest
            let target = crate::tls::PgTarget::parse(url)?;
            // one direct connection first: a clear, immediate error if the server does not answer
            let mut probe = target
                .connect()
                .map_err(|e| StoreError::Unavailable(target.describe(&e)))?;
            probe
                .simple_query("SELECT 1")
                .map_err(|e| StoreError::Unavailable(format!("PostgreSQL does not answer: {e}")))?;
            drop(probe);
            let mgr = PgManager { target };
            // a connection that broke is noticed when it is used (has_broken) and
            // replaced; testing each one on checkout would cost a round trip per query
            let pool = r2d2::Pool::builder()
                .max_size(16)
                .test_on_check_out(false)
                .min_idle(Some(1))
                .connection_timeout(Duration::from_secs(5))
                .error_handler(Box::new(r2d2::NopErrorHandler))
                .build_unchecked(mgr);
            Ok(Db::Postgres(PgHolder(Some(pool))))
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    pub fn read_blocking<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self {
            Db::Sqlite(s) => s.read(f),
            Db::Postgres(p) => p.autocommit(f),
        }
    }

    /// Runs `f`, which must issue exactly one writing statement, without an
    /// explicit transaction: the statement commits on its own (atomic and durable
    /// like any commit) and saves the BEGIN and COMMIT round trips.
    pub fn write_one_blocking<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self {
            Db::Sqlite(s) => s.write_one(f),
            Db::Postgres(p) => p.autocommit(f),
        }
    }

    /// Runs `f` in one transaction; an error rolls everything back.
    pub fn write_blocking<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self {
            Db::Sqlite(s) => s.write(f),
            Db::Postgres(p) => {
                let mut c = p
                    .pool()?
                    .get()
                    .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                let PgConnection { client, statements } = &mut *c;
                let mut tx = client.transaction().map_err(pg_err)?;
                // dropping the transaction (an error returned, a panic
                // unwinding) rolls it back before the connection returns to the pool
                let v = f(&mut PgConn {
                    c: &mut tx,
                    statements,
                })?;
                tx.commit().map_err(pg_err)?;
                Ok(v)
            }
        }
    }
}

/// A URL with its password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => url.chars().take(80).collect(),
    }
}

// ---------------------------------------------------------------- snapshots

impl Db {
    /// Runs `f` on a consistent read-only view of the whole database while others
    /// keep writing: on SQLite a copy taken with the online backup API
    /// ([`crate::backup::sqlite_copy`]), on PostgreSQL one `REPEATABLE READ, READ
    /// ONLY` transaction.
    pub fn snapshot_read_blocking<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let Db::Postgres(p) = self else {
            let (_dir, copy) = crate::backup::sqlite_copy(self)?;
            return copy.read_blocking(f);
        };
        let mut c = p
            .pool()?
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let PgConnection { client, statements } = &mut *c;
        let mut tx = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(pg_err)?;
        let v = f(&mut PgConn {
            c: &mut tx,
            statements,
        })?;
        tx.commit().map_err(pg_err)?;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_outside_literals() {
        assert_eq!(
            sqlite_placeholders("SELECT $1, '$2', \"$3\", $10"),
            "SELECT ?1, '$2', \"$3\", ?10"
        );
        assert!(matches!(sqlite_placeholders("SELECT 1"), Cow::Borrowed(_)));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
    }
}
