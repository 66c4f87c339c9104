//! The deployment's keys, all derived from one 256-bit master secret that lives
//! outside the database (a key file, or `DEBRIEF_SECRET_KEY`):
//! - an XChaCha20-Poly1305 key that encrypts confidential reporters' identities,
//! - an HMAC-SHA256 key under which receipt codes are stored,
//! - an Ed25519 key that signs proofs of report.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the secret key must be 64 hexadecimal digits (256 bits)")]
    Malformed,
    #[error("the data could not be decrypted: it was altered, or encrypted under another key")]
    Decrypt,
    #[error("no random numbers available from the operating system")]
    Random,
}

/// The derived keys. `Debug` never prints key material.
#[derive(Clone)]
pub struct Keys {
    seal: [u8; 32],
    receipt: [u8; 32],
    audit: [u8; 32],
    throttle: [u8; 32],
    signing: SigningKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keys {{ public: {} }}", self.public_key_b64())
    }
}

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    let hk = Hkdf::<Sha256>::new(Some(b"debrief-keys-v1"), master);
    let mut out = [0u8; 32];
    // 32 bytes is always a valid HKDF-SHA256 output length
    let _ = hk.expand(label.as_bytes(), &mut out);
    out
}

impl Keys {
    pub fn from_master(master: &[u8; 32]) -> Keys {
        Keys {
            seal: derive(master, "seal reporter identity"),
            receipt: derive(master, "receipt code hmac"),
            audit: derive(master, "audit chain head"),
            throttle: derive(master, "sign-in throttle keys"),
            signing: SigningKey::from_bytes(&derive(master, "proof of report signing")),
        }
    }

    /// Parses a master secret written as 64 hex digits.
    pub fn from_hex(hex_text: &str) -> Result<Keys, KeyError> {
        let bytes = hex::decode(hex_text.trim()).map_err(|_| KeyError::Malformed)?;
        let master: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Malformed)?;
        Ok(Keys::from_master(&master))
    }

    /// A new random master secret, as 64 hex digits.
    pub fn generate_hex() -> Result<String, KeyError> {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).map_err(|_| KeyError::Random)?;
        Ok(hex::encode(b))
    }

    /// Encrypts with a random nonce; the result is nonce ‖ ciphertext ‖ tag.
    /// `context` binds the ciphertext to its use (decryption with another fails).
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Result<Vec<u8>, KeyError> {
        let cipher = XChaCha20Poly1305::new((&self.seal).into());
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|_| KeyError::Random)?;
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| KeyError::Decrypt)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn open(&self, sealed: &[u8], context: &str) -> Result<Vec<u8>, KeyError> {
        if sealed.len() < 24 + 16 {
            return Err(KeyError::Decrypt);
        }
        let (nonce, ct) = sealed.split_at(24);
        let cipher = XChaCha20Poly1305::new((&self.seal).into());
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| KeyError::Decrypt)
    }

    /// The keyed hash under which a receipt code is stored. (A receipt code carries
    /// over 90 bits of entropy, so a fast keyed hash is the right tool; without
    /// the key, a stolen database does not even allow guessing.)
    pub fn receipt_hash(&self, normalized_code: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.receipt)
            .unwrap_or_else(|_| unreachable_mac());
        mac.update(normalized_code.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The keyed hash under which the sign-in throttle counts an account or an
    /// address: a stolen database does not tell which addresses tried to sign in.
    pub fn throttle_key(&self, what: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.throttle)
            .unwrap_or_else(|_| unreachable_mac());
        mac.update(what.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The MAC that anchors the audit chain's last entry: without the key, nobody
    /// can make a shortened chain look complete.
    pub fn audit_head_mac(&self, seq: i64, hash: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.audit)
            .unwrap_or_else(|_| unreachable_mac());
        mac.update(&seq.to_be_bytes());
        mac.update(hash.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    pub fn sign(&self, message: &[u8]) -> String {
        B64.encode(self.signing.sign(message).to_bytes())
    }

    pub fn public_key_b64(&self) -> String {
        B64.encode(self.signing.verifying_key().to_bytes())
    }

    /// A short fingerprint of the public key: a label to tell keys apart, not
    /// proof of who signed (64 bits can be matched by brute force).
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.signing.verifying_key().to_bytes())
    }

    /// The whole Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// The whole public key in hex, in groups of four digits, for people to compare.
    pub fn public_key_hex(&self) -> String {
        public_key_hex(&self.public_key())
    }
}

/// A public key in hex, in groups of four digits.
pub fn public_key_hex(public_key: &[u8]) -> String {
    hex::encode_upper(public_key)
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads a whole Ed25519 public key as published: base64 (44 characters) or
/// 64 hex digits, spaces and colons ignored. A short fingerprint is refused.
pub fn parse_public_key(text: &str) -> Option<[u8; 32]> {
    let t = text.trim();
    let squeezed: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    if squeezed.len() == 64 && squeezed.bytes().all(|b| b.is_ascii_hexdigit()) {
        return hex::decode(&squeezed).ok()?.try_into().ok();
    }
    B64.decode(t).ok()?.try_into().ok()
}

// HMAC accepts keys of any length; this is never reached.
fn unreachable_mac() -> Hmac<Sha256> {
    std::process::abort()
}

pub fn fingerprint(public_key: &[u8]) -> String {
    let h = Sha256::digest(public_key);
    h[..8]
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .chunks(2)
        .map(|c| c.concat())
        .collect::<Vec<_>>()
        .join(":")
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("the public key is not a valid Ed25519 key")]
    BadKey,
    #[error("the signature is malformed")]
    Malformed,
    #[error("the signature does not match the document")]
    Mismatch,
}

/// Verifies a base64 Ed25519 signature over `message` with a base64 public key.
pub fn verify(
    public_key_b64: &str,
    message: &[u8],
    signature_b64: &str,
) -> Result<(), SignatureError> {
    let pk: [u8; 32] = B64
        .decode(public_key_b64)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(SignatureError::BadKey)?;
    let vk = VerifyingKey::from_bytes(&pk).map_err(|_| SignatureError::BadKey)?;
    let sig: [u8; 64] = B64
        .decode(signature_b64)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(SignatureError::Malformed)?;
    vk.verify(message, &ed25519_dalek::Signature::from_bytes(&sig))
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::from_master(&[7u8; 32])
    }

    #[test]
    fn sealing_round_trips_and_detects_tampering() {
        let k = keys();
        let sealed = k.seal(b"ada@example.org", "identity").unwrap();
        assert_eq!(k.open(&sealed, "identity").unwrap(), b"ada@example.org");
        assert_eq!(k.open(&sealed, "other"), Err(KeyError::Decrypt));
        let mut bad = sealed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(k.open(&bad, "identity"), Err(KeyError::Decrypt));
        assert_eq!(
            Keys::from_master(&[8u8; 32]).open(&sealed, "identity"),
            Err(KeyError::Decrypt)
        );
        assert_ne!(
            k.seal(b"x", "c").unwrap(),
            k.seal(b"x", "c").unwrap(),
            "random nonces"
        );
    }

    #[test]
    fn receipt_hashes_depend_on_the_key() {
        assert_eq!(keys().receipt_hash("123"), keys().receipt_hash("123"));
        assert_ne!(
            keys().receipt_hash("123"),
            Keys::from_master(&[8u8; 32]).receipt_hash("123")
        );
    }

    #[test]
    fn signatures_verify_and_fail_on_change() {
        let k = keys();
        let sig = k.sign(b"report 1");
        assert_eq!(verify(&k.public_key_b64(), b"report 1", &sig), Ok(()));
        assert_eq!(
            verify(&k.public_key_b64(), b"report 2", &sig),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("nope", b"report 1", &sig),
            Err(SignatureError::BadKey)
        );
    }

    #[test]
    fn hex_master_keys() {
        let hex_key = Keys::generate_hex().unwrap();
        assert_eq!(hex_key.len(), 64);
        assert!(Keys::from_hex(&hex_key).is_ok());
        assert_eq!(Keys::from_hex("abc").err(), Some(KeyError::Malformed));
        assert!(format!("{:?}", keys()).starts_with("Keys { public: "));
        assert_eq!(keys().fingerprint().len(), 19);
    }

    #[test]
    fn public_keys_are_read_whole_in_base64_or_hex() {
        let k = keys();
        let pk = k.public_key();
        assert_eq!(parse_public_key(&k.public_key_b64()), Some(pk));
        assert_eq!(parse_public_key(&k.public_key_hex()), Some(pk));
        assert_eq!(parse_public_key(&hex::encode(pk)), Some(pk));
        assert_eq!(
            parse_public_key(&k.public_key_hex().replace(' ', ":")),
            Some(pk)
        );
        assert_eq!(parse_public_key(&k.fingerprint()), None, "too short");
        assert_eq!(parse_public_key("AAAA"), None);
        assert_eq!(k.public_key_hex().len(), 64 + 15);
    }
}
