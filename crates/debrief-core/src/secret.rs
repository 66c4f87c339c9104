//! Passwords (Argon2id) and random secrets (session ids, API tokens, setup links).
//! Only hashes of secrets are ever stored.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

fn argon2() -> Argon2<'static> {
    // OWASP's second recommended Argon2id setting: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
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
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &h));
        assert!(!verify_password("Correct horse battery staple", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", dummy_hash()));
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
