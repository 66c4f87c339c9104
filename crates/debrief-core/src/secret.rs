//! Passwords (Argon2id) and random secrets (session ids, API tokens, setup links).
//! Only hashes of secrets are ever stored.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

/// Memory one password hash uses, in KiB.
pub const ARGON2_MEMORY_KIB: u32 = 12 * 1024;

fn argon2() -> Argon2<'static> {
    // OWASP's third recommended Argon2id setting: 12 MiB, 3 passes, 1 lane. It
    // costs as much work as the 19 MiB, 2-pass setting but less memory per hash,
    // so that the cap on concurrent hashes (at most 8, see debrief-web's auth)
    // bounds their memory at 96 MiB. Existing hashes keep the parameters written
    // in them; verifying one uses those.
    let params = Params::new(ARGON2_MEMORY_KIB, 3, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("cannot hash the password: {0}")]
pub struct HashError(String);

/// An Argon2id PHC string for `password`. CPU-heavy: call off the async threads.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| HashError(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the stored PHC string. A malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => argon2().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// Argon2 working memory that a caller keeps and reuses (one per hashing
/// thread), so that hashing allocates nothing: memory stays at what the
/// threads hold, however many hashes are done.
pub type Memory = Vec<argon2::Block>;

/// The largest working memory a stored hash may ask for (64 MiB).
const MAX_BLOCKS: usize = 64 * 1024;

fn blocks(mem: &mut Memory, n: usize) -> Option<&mut [argon2::Block]> {
    if n > MAX_BLOCKS {
        return None;
    }
    if mem.len() < n {
        mem.resize(n, argon2::Block::default());
    }
    mem.get_mut(..n)
}

/// [`hash_password`] in the caller's working memory.
pub fn hash_password_in(password: &str, mem: &mut Memory) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| HashError(e.to_string()))?;
    let salt_b64 = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    let a = argon2();
    let p = a.params().clone();
    let mut out = [0u8; 32];
    let m = blocks(mem, p.block_count()).ok_or_else(|| HashError("too much memory".into()))?;
    a.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, m)
        .map_err(|e| HashError(e.to_string()))?;
    let out = argon2::password_hash::Output::new(&out).map_err(|e| HashError(e.to_string()))?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        p.m_cost(),
        p.t_cost(),
        p.p_cost(),
        salt_b64.as_str(),
        out
    ))
}

/// [`verify_password`] in the caller's working memory.
pub fn verify_password_in(password: &str, phc: &str, mem: &mut Memory) -> bool {
    let Ok(h) = PasswordHash::new(phc) else {
        return false;
    };
    let (Ok(alg), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(h.algorithm),
        Params::try_from(&h),
        h.salt,
        h.hash,
    ) else {
        return false;
    };
    let version = match h.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let Some(m) = blocks(mem, params.block_count()) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    Argon2::new(alg, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, m)
        .is_ok()
        && argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
}

/// A hash to verify against when the account does not exist, so that a wrong
/// email takes as long as a wrong password (no account enumeration by timing).
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_hex(16)).unwrap_or_default())
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    // the OS random source does not fail on supported platforms; an all-zero
    // secret would be worse than stopping, so a failure aborts the request
    if getrandom::fill(&mut b).is_err() {
        std::process::abort();
    }
    hex::encode(b)
}

/// SHA-256 of a high-entropy secret, hex. (Secrets made by [`random_hex`] carry
/// 256 bits; a fast hash is the right tool for them, unlike passwords.)
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A new API token: `dbt_` and 64 hex digits.
pub fn new_api_token() -> String {
    format!("dbt_{}", random_hex(32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("correct horse battery staple").unwrap_or_default();
        assert!(h.starts_with("$argon2id$v=19$m=12288,t=3,p=1$"), "{h}");
        assert!(verify_password("correct horse battery staple", &h));
        assert!(!verify_password("Correct horse battery staple", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", dummy_hash()));
    }

    #[test]
    fn hashing_in_reused_memory_agrees_with_the_library() {
        let mut mem = Memory::new();
        let h = hash_password_in("correct horse battery staple", &mut mem).unwrap_or_default();
        assert!(h.starts_with("$argon2id$v=19$m=12288,t=3,p=1$"), "{h}");
        assert!(verify_password("correct horse battery staple", &h));
        assert!(verify_password_in(
            "correct horse battery staple",
            &h,
            &mut mem
        ));
        assert!(!verify_password_in(
            "Correct horse battery staple",
            &h,
            &mut mem
        ));
        // a hash made with the earlier parameters (19 MiB, 2 passes) still verifies
        let old = {
            let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
            let salt = SaltString::encode_b64(&[7u8; 16]).unwrap_or_else(|_| unreachable!());
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password(b"old password", &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        };
        assert!(verify_password_in("old password", &old, &mut mem));
        assert!(!verify_password_in("old passworx", &old, &mut mem));
        assert_eq!(mem.len(), 19 * 1024, "the memory grows to the largest hash");
        assert!(!verify_password_in("x", "not a hash", &mut mem));
    }

    #[test]
    fn secrets_are_random_and_hashable() {
        let a = new_api_token();
        let b = new_api_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(sha256_hex("abc").len(), 64);
    }
}
