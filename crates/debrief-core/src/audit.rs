//! The tamper-evident audit chain. Each entry's hash covers its own fields and the
//! previous entry's hash, so editing, deleting or reordering any row breaks the chain
//! at that row.

use sha2::{Digest, Sha256};

/// The hash of the (non-existent) entry before the first one.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored. `detail` never holds secrets or sensitive content.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// `user:<id>`, `token:<id>`, `system`, `anonymous`, or `cli`.
    pub actor: String,
    pub action: String,
    pub object: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Length-prefixed fields, so no two different entries can serialise alike.
pub fn entry_hash(
    seq: i64,
    at_ms: i64,
    actor: &str,
    action: &str,
    object: &str,
    detail: &str,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(b"debrief-audit-v1");
    h.update(seq.to_be_bytes());
    h.update(at_ms.to_be_bytes());
    for field in [actor, action, object, detail, prev_hash] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Why the chain is broken, naming the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("audit entry {seq}: its content does not match its hash (edited)")]
    Edited { seq: i64 },
    #[error(
        "audit entry {seq}: it does not follow the entry before it (an entry was deleted, inserted or reordered)"
    )]
    Broken { seq: i64 },
    #[error(
        "audit entry {missing}: missing (deleted); the chain jumps from entry {prev} to entry {seq}"
    )]
    Gap { missing: i64, seq: i64, prev: i64 },
    #[error(
        "audit entry {missing}: missing (deleted); the chain ends at entry {last} but was anchored at entry {head}"
    )]
    TailDeleted { missing: i64, last: i64, head: i64 },
    #[error(
        "audit entry {seq}: the chain's anchor does not match it (entries were removed, added or the anchor altered)"
    )]
    AnchorMismatch { seq: i64 },
    #[error(
        "audit entry {first}: the chain's anchor is missing (entries or the anchor were deleted)"
    )]
    AnchorMissing { first: i64 },
}

/// Checks a chain in sequence order. Entries are fed one at a time so that very
/// long logs are verified without holding them in memory.
#[derive(Debug)]
pub struct ChainVerifier {
    prev_hash: String,
    prev_seq: i64,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev_hash: GENESIS.to_string(),
            prev_seq: 0,
            checked: 0,
        }
    }
}

impl ChainVerifier {
    /// The last verified entry's sequence number and hash (0 and the genesis hash before any).
    pub fn last(&self) -> (i64, &str) {
        (self.prev_seq, &self.prev_hash)
    }

    pub fn push(&mut self, e: &AuditEntry) -> Result<(), ChainError> {
        if e.seq != self.prev_seq + 1 {
            return Err(ChainError::Gap {
                missing: self.prev_seq + 1,
                seq: e.seq,
                prev: self.prev_seq,
            });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainError::Broken { seq: e.seq });
        }
        let expect = entry_hash(
            e.seq,
            e.at_ms,
            &e.actor,
            &e.action,
            &e.object,
            &e.detail,
            &e.prev_hash,
        );
        if expect != e.hash {
            return Err(ChainError::Edited { seq: e.seq });
        }
        self.prev_hash = e.hash.clone();
        self.prev_seq = e.seq;
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let hash = entry_hash(seq, 1000 + seq, "user:1", "login", "user:1", "", &prev);
                let e = AuditEntry {
                    seq,
                    at_ms: 1000 + seq,
                    actor: "user:1".into(),
                    action: "login".into(),
                    object: "user:1".into(),
                    detail: String::new(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry]) -> Result<u64, ChainError> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.push(e)?;
        }
        Ok(v.checked)
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn edit_is_named() {
        let mut c = chain(5);
        c[2].action = "logout".into();
        assert_eq!(verify(&c), Err(ChainError::Edited { seq: 3 }));
    }

    #[test]
    fn deletion_is_named() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c),
            Err(ChainError::Gap {
                missing: 2,
                seq: 3,
                prev: 1
            })
        );
        let mut c = chain(5);
        c.pop();
        c.remove(0);
        assert_eq!(
            verify(&c),
            Err(ChainError::Gap {
                missing: 1,
                seq: 2,
                prev: 0
            })
        );
    }

    #[test]
    fn reorder_is_named() {
        let mut c = chain(5);
        c.swap(1, 2);
        // renumber to hide the swap: the links still break
        c[1].seq = 2;
        c[2].seq = 3;
        assert_eq!(verify(&c), Err(ChainError::Broken { seq: 2 }));
    }

    #[test]
    fn field_boundaries_matter() {
        let a = entry_hash(1, 1, "ab", "c", "", "", GENESIS);
        let b = entry_hash(1, 1, "a", "bc", "", "", GENESIS);
        assert_ne!(a, b);
    }
}
