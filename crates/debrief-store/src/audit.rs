//! Appending to and verifying the hash-chained audit log.

use crate::db::{Conn, Value};
use crate::rows::{FromRow, row};
use crate::{Result, Store, params};
use debrief_core::audit::{AuditEntry, ChainError, ChainVerifier, GENESIS, entry_hash};

/// Serialises appends across every process sharing the database.
const AUDIT_LOCK: i64 = 0x6465_6272_6965_6602;

static ANCHOR: std::sync::OnceLock<debrief_core::keys::Keys> = std::sync::OnceLock::new();

/// Sets the deployment keys with which every append anchors the chain's last entry
/// (once per process; later calls are ignored). Processes that write or verify the
/// audit log call this at start.
pub fn anchor_with(keys: &debrief_core::keys::Keys) {
    let _ = ANCHOR.set(keys.clone());
}

/// Appends one entry inside an open transaction, so the entry commits or rolls
/// back together with the change it records.
pub fn append(
    c: &mut dyn Conn,
    at_ms: i64,
    actor: &str,
    action: &str,
    object: &str,
    detail: &str,
) -> Result<i64> {
    c.lock(AUDIT_LOCK)?;
    let (seq, prev) = match c.query_opt(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
        &[],
    )? {
        Some(r) => (r.get::<i64>("seq")? + 1, r.get("hash")?),
        None => (1, GENESIS.to_string()),
    };
    let hash = entry_hash(seq, at_ms, actor, action, object, detail, &prev);
    if let Some(keys) = ANCHOR.get() {
        let mac = keys.audit_head_mac(seq, &hash);
        c.execute(
            "INSERT INTO audit_head (id, seq, mac) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, mac = excluded.mac",
            &params![seq, mac],
        )?;
    }
    c.execute(
        "INSERT INTO audit_log (seq, at_ms, actor, action, object, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &params![seq, at_ms, actor, action, object, detail, prev, hash],
    )?;
    Ok(seq)
}

row! {
    impl AuditEntry from "audit_log" {
        seq: i64 = "seq",
        at_ms: i64 = "at_ms",
        actor: String = "actor",
        action: String = "action",
        object: String = "object",
        detail: String = "detail",
        prev_hash: String = "prev_hash",
        hash: String = "hash",
    }
}

row! {
    /// The chain's end, or the keyed anchor of it (`audit_head`).
    pub(crate) struct Head from "audit_head" {
        seq: i64 = "seq",
        mac: String = "mac",
    }
}

/// Which audit entries to list: each field that is set must match; none set lists all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exactly this actor, e.g. `user:12`.
    pub actor: Option<String>,
    /// Exactly this action, e.g. `report.reporter_revealed`.
    pub action: Option<String>,
    /// Exactly this object, e.g. `case:7`.
    pub object: Option<String>,
    /// Entries at or after this time (milliseconds since the epoch).
    pub from_ms: Option<i64>,
    /// Entries before this time (milliseconds since the epoch).
    pub until_ms: Option<i64>,
}

impl AuditFilter {
    /// The `WHERE` clause (empty when nothing is filtered) and its parameters `$1…`.
    fn clause(&self) -> (String, Vec<Value>) {
        let mut conds = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let texts = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("object", &self.object),
        ];
        for (col, v) in texts {
            if let Some(v) = v {
                args.push(v.clone().into());
                conds.push(format!("{col} = ${}", args.len()));
            }
        }
        if let Some(from) = self.from_ms {
            args.push(from.into());
            conds.push(format!("at_ms >= ${}", args.len()));
        }
        if let Some(until) = self.until_ms {
            args.push(until.into());
            conds.push(format!("at_ms < ${}", args.len()));
        }
        if conds.is_empty() {
            (String::new(), args)
        } else {
            (format!(" WHERE {}", conds.join(" AND ")), args)
        }
    }
}

/// The outcome of a full verification.
#[derive(Debug)]
pub enum Verification {
    Intact { entries: u64 },
    Tampered(ChainError),
}

impl Store {
    /// Compares the chain's end with its keyed anchor (when this process has the keys).
    fn check_anchor(&self, v: &ChainVerifier) -> Result<Verification> {
        let Some(keys) = ANCHOR.get() else {
            return Ok(Verification::Intact { entries: v.checked });
        };
        let (last, hash) = v.last();
        let head = self.db().read_blocking(|c| {
            c.query_opt(
                &format!("SELECT {} FROM audit_head WHERE id = 1", Head::columns()),
                &[],
            )?
            .map(|r| Head::decode(&r).map(|h| (h.seq, h.mac)))
            .transpose()
        })?;
        let broken = match head {
            None if last > 0 => Some(ChainError::AnchorMissing { first: 1 }),
            None => None,
            Some((head, _)) if head > last => Some(ChainError::TailDeleted {
                missing: last + 1,
                last,
                head,
            }),
            Some((head, mac)) if head != last || mac != keys.audit_head_mac(last, hash) => {
                Some(ChainError::AnchorMismatch { seq: last })
            }
            Some(_) => None,
        };
        Ok(match broken {
            Some(e) => Verification::Tampered(e),
            None => Verification::Intact { entries: v.checked },
        })
    }

    pub async fn audit(
        &self,
        actor: String,
        action: &'static str,
        object: String,
        detail: String,
    ) -> Result<i64> {
        let now = crate::now_ms();
        self.write(move |c| append(c, now, &actor, action, &object, &detail))
            .await
    }

    /// Newest first, narrowed by `filter` (every field that is set must match).
    pub async fn list_audit(
        &self,
        filter: AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        self.read(move |c| {
            let (clause, mut args) = filter.clause();
            let total = c
                .query_one(&format!("SELECT COUNT(*) FROM audit_log{clause}"), &args)?
                .i64(0)?;
            let n = args.len();
            args.push(limit.into());
            args.push(offset.into());
            let rows = c.query(
                &format!(
                    "SELECT {} FROM audit_log{clause} ORDER BY seq DESC LIMIT ${} OFFSET ${}",
                    AuditEntry::columns(),
                    n + 1,
                    n + 2
                ),
                &args,
            )?;
            Ok((AuditEntry::decode_all(&rows)?, total))
        })
        .await
    }

    /// Walks the whole chain in pages, without holding it in memory.
    pub fn verify_audit_blocking(&self) -> Result<Verification> {
        let mut v = ChainVerifier::default();
        let mut after = 0i64;
        loop {
            let page = self.db().read_blocking(|c| {
                AuditEntry::decode_all(&c.query(
                    &format!(
                        "SELECT {} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000",
                        AuditEntry::columns()
                    ),
                    &params![after],
                )?)
            })?;
            if page.is_empty() {
                return self.check_anchor(&v);
            }
            for e in &page {
                if let Err(err) = v.push(e) {
                    return Ok(Verification::Tampered(err));
                }
                after = e.seq;
            }
        }
    }
}
