//! Reports: their kinds, the three confidentiality modes, receipt codes for
//! anonymous follow-up, and the signed proof of report.

use crate::keys::{self, Keys, SignatureError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Incident,
    NearMiss,
    Vulnerability,
    Concern,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Incident,
        Kind::NearMiss,
        Kind::Vulnerability,
        Kind::Concern,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Incident => "incident",
            Kind::NearMiss => "near_miss",
            Kind::Vulnerability => "vulnerability",
            Kind::Concern => "concern",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Incident => "Incident",
            Kind::NearMiss => "Near-miss",
            Kind::Vulnerability => "Vulnerability",
            Kind::Concern => "Concern",
        }
    }
    /// One sentence for the report form.
    pub fn explain(self) -> &'static str {
        match self {
            Kind::Incident => {
                "Something went wrong: data exposed, a system misused, an account taken over, malware, an outage caused by an attack."
            }
            Kind::NearMiss => {
                "Something almost went wrong, or went wrong without harm — these are the cheapest lessons we get."
            }
            Kind::Vulnerability => {
                "A weakness that could be exploited: a bug, a misconfiguration, a missing patch."
            }
            Kind::Concern => {
                "Anything that worries you about how we work: pressure to skip a check, a risky habit, an unclear rule."
            }
        }
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown kind '{s}' (expected incident, near_miss, vulnerability or concern)"
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Confidentiality {
    Named,
    Confidential,
    Anonymous,
}

impl Confidentiality {
    pub const ALL: [Confidentiality; 3] = [
        Confidentiality::Named,
        Confidentiality::Confidential,
        Confidentiality::Anonymous,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Confidentiality::Named => "named",
            Confidentiality::Confidential => "confidential",
            Confidentiality::Anonymous => "anonymous",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Confidentiality::Named => "Named",
            Confidentiality::Confidential => "Confidential",
            Confidentiality::Anonymous => "Anonymous",
        }
    }
    /// One sentence for the report form: who will see what.
    pub fn explain(self) -> &'static str {
        match self {
            Confidentiality::Named => {
                "Your name is shown to the security team working on the report, and you follow it under “My reports”."
            }
            Confidentiality::Confidential => {
                "Your name is stored encrypted and only the security lead can see it; every look at it is recorded."
            }
            Confidentiality::Anonymous => {
                "Nothing about you is stored — no account, address or browser details; you follow up with a receipt code."
            }
        }
    }
}

impl FromStr for Confidentiality {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Confidentiality::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!("unknown confidentiality '{s}' (expected named, confidential or anonymous)")
            })
    }
}

/// Where a report stands in triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    New,
    InCase,
    Duplicate,
    Closed,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 4] = [
        ReportStatus::New,
        ReportStatus::InCase,
        ReportStatus::Duplicate,
        ReportStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::New => "new",
            ReportStatus::InCase => "in_case",
            ReportStatus::Duplicate => "duplicate",
            ReportStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        ReportStatus::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| format!("report status {s}"))
    }

    /// The status in the words triage and case pages show.
    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::New => "New",
            ReportStatus::InCase => "In a case",
            ReportStatus::Duplicate => "Duplicate",
            ReportStatus::Closed => "Closed",
        }
    }
}

/// The promise the report form makes to every reporter until an administrator
/// writes the organisation's own.
pub const DEFAULT_PROMISE: &str = "We want to hear about every incident, near-miss and worry, as early as possible. \
Reporting in good faith is never held against you — not even when you were involved. We look for what in our systems \
made it possible, not for someone to blame, and we will tell you what changed because of your report.";

/// Who sent a confidential report. It is stored only sealed with the
/// deployment key, and opened only when a security lead reveals it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReporterIdentity {
    pub user_id: i64,
    pub name: String,
    pub email: String,
}

/// What a sealed reporter identity is bound to: a sealed value opened under
/// another context fails.
const IDENTITY_SEAL_CONTEXT: &str = "debrief reporter identity v1";

impl ReporterIdentity {
    /// The identity sealed with the deployment key, as the report stores it.
    pub fn seal(&self, keys: &Keys) -> Result<Vec<u8>, keys::KeyError> {
        let plain =
            serde_json::json!({ "user_id": self.user_id, "name": self.name, "email": self.email });
        keys.seal(plain.to_string().as_bytes(), IDENTITY_SEAL_CONTEXT)
    }

    /// Opens an identity [`ReporterIdentity::seal`] made; tampering, another
    /// key or a malformed value fails.
    pub fn open(keys: &Keys, sealed: &[u8]) -> Result<ReporterIdentity, keys::KeyError> {
        let plain = keys.open(sealed, IDENTITY_SEAL_CONTEXT)?;
        serde_json::from_slice(&plain).map_err(|_| keys::KeyError::Decrypt)
    }
}

/// What a reporter is told about their report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReporterStatus {
    /// Plain words, the same on "My reports", the receipt page and the API.
    pub text: &'static str,
    /// What was learned from it is published in the learning library
    /// (`/library/{case}`, for signed-in employees).
    pub lesson_published: bool,
}

const LESSON_PUBLISHED: &str =
    "Handled. What we learned from it has been published in the learning library.";

/// Where a report stands, in words its reporter understands, from the real
/// state of the report, of the case it became part of (if any), and of that
/// case's review. A report closed in triage says so whatever happened
/// elsewhere; otherwise, once the report is part of a case, the case decides.
pub fn reporter_status(
    report: ReportStatus,
    case: Option<crate::case::Status>,
    review_published: bool,
) -> ReporterStatus {
    use crate::case::Status;
    let words = |text: &'static str| ReporterStatus {
        text,
        lesson_published: false,
    };
    if report == ReportStatus::Closed {
        return words("Closed — the security team's explanation is in the messages.");
    }
    let Some(case) = case else {
        return words(match report {
            ReportStatus::Duplicate => {
                "Someone reported the same thing; it is being handled together with that report."
            }
            ReportStatus::InCase => "The security team is working on it.",
            _ => "Received — waiting for the security team to look at it.",
        });
    };
    if review_published {
        return ReporterStatus {
            text: LESSON_PUBLISHED,
            lesson_published: true,
        };
    }
    words(match case {
        Status::Triage | Status::Investigating => "The security team is working on it.",
        Status::Contained => {
            "The security team has contained the problem and is finishing the work."
        }
        Status::Resolved => "Resolved: the problem has been dealt with.",
        Status::InReview => {
            "Resolved. The team is now looking, without blame, at what made it possible; what we learn will be published."
        }
        Status::Published => LESSON_PUBLISHED,
        Status::Closed => "Handled and closed. The security team's messages say what they found.",
    })
}

/// Digits in a receipt code: 28 decimal digits carry 93 bits of entropy.
pub const RECEIPT_DIGITS: usize = 28;

/// A new receipt code, shown in groups of four: `1234-5678-…`.
pub fn new_receipt_code() -> Result<String, keys::KeyError> {
    let mut digits = String::with_capacity(RECEIPT_DIGITS);
    let mut buf = [0u8; 64];
    while digits.len() < RECEIPT_DIGITS {
        getrandom::fill(&mut buf).map_err(|_| keys::KeyError::Random)?;
        // rejection sampling keeps every digit uniform
        for b in buf {
            if b < 250 && digits.len() < RECEIPT_DIGITS {
                digits.push(char::from(b'0' + b % 10));
            }
        }
    }
    Ok(format_receipt(&digits))
}

pub fn format_receipt(digits: &str) -> String {
    digits
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The code's digits, if it has the right shape (spaces and dashes are ignored).
pub fn normalize_receipt(code: &str) -> Option<String> {
    let digits: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == RECEIPT_DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Report identifiers are drawn at random from this range (ten digits, safe as a
/// JavaScript number) instead of counting up: a sequential id would place an
/// anonymous report between the named reports received just before and after
/// it, whose exact times are known, and so date it to the second.
pub const REPORT_ID_RANGE: std::ops::Range<i64> = 1_000_000_000..10_000_000_000;

/// A new random report identifier in [`REPORT_ID_RANGE`], uniform by rejection
/// sampling.
pub fn new_report_id() -> Result<i64, keys::KeyError> {
    let span = (REPORT_ID_RANGE.end - REPORT_ID_RANGE.start) as u64;
    // the largest multiple of span that fits in a u64, so every id is equally likely
    let zone = u64::MAX - (u64::MAX % span);
    loop {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).map_err(|_| keys::KeyError::Random)?;
        let x = u64::from_le_bytes(b);
        if x < zone {
            return Ok(REPORT_ID_RANGE.start + (x % span) as i64);
        }
    }
}

/// Anonymous reports keep their times only to the minute.
pub use crate::times::to_minute;

/// What a report says, hashed for its proof. Fields are length-prefixed so that
/// no two different reports hash alike.
pub struct Content<'a> {
    pub kind: Kind,
    pub title: &'a str,
    pub description: &'a str,
    pub occurred: &'a str,
    pub detected: &'a str,
    pub systems: &'a str,
}

pub fn content_hash(c: &Content<'_>) -> String {
    let mut h = Sha256::new();
    h.update(b"debrief-report-content-v1");
    for f in [
        c.kind.as_str(),
        c.title,
        c.description,
        c.occurred,
        c.detected,
        c.systems,
    ] {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The signed proof of report a reporter can keep and anyone can check offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Proof {
    #[serde(rename = "type")]
    pub type_: String,
    pub version: u32,
    pub report_id: i64,
    /// SHA-256 of the report's content as received.
    pub content_sha256: String,
    /// The minute the report was received (RFC 3339, UTC).
    pub received_at: String,
    /// The deployment's Ed25519 public key (base64).
    pub public_key: String,
    /// Short fingerprint of the public key, to tell keys apart at a glance. It is
    /// not proof of the signer: compare the whole `public_key` with the one the
    /// organisation publishes.
    pub key_fingerprint: String,
    /// Ed25519 signature (base64) over the lines of `signed_message`.
    pub signature: String,
}

pub const PROOF_TYPE: &str = "debrief-proof-of-report";

fn signed_message(report_id: i64, content_sha256: &str, received_at: &str) -> Vec<u8> {
    format!("{PROOF_TYPE}-v1\n{report_id}\n{content_sha256}\n{received_at}").into_bytes()
}

pub fn make_proof(keys: &Keys, report_id: i64, content_sha256: &str, received_ms: i64) -> Proof {
    let received_at = chrono::DateTime::from_timestamp_millis(to_minute(received_ms))
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let signature = keys.sign(&signed_message(report_id, content_sha256, &received_at));
    Proof {
        type_: PROOF_TYPE.into(),
        version: 1,
        report_id,
        content_sha256: content_sha256.into(),
        received_at,
        public_key: keys.public_key_b64(),
        key_fingerprint: keys.fingerprint(),
        signature,
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProofError {
    #[error("not a Debrief proof of report: {0}")]
    NotAProof(String),
    #[error("{0}")]
    Signature(#[from] SignatureError),
    #[error("the key fingerprint in the document does not belong to its public key")]
    FingerprintMismatch,
}

/// Checks a proof document's signature. Returns the proof for display.
pub fn verify_proof(json: &str) -> Result<Proof, ProofError> {
    let p: Proof = serde_json::from_str(json).map_err(|e| ProofError::NotAProof(e.to_string()))?;
    if p.type_ != PROOF_TYPE || p.version != 1 {
        return Err(ProofError::NotAProof(format!(
            "type {} version {}",
            p.type_, p.version
        )));
    }
    keys::verify(
        &p.public_key,
        &signed_message(p.report_id, &p.content_sha256, &p.received_at),
        &p.signature,
    )?;
    use base64::Engine as _;
    let pk = base64::engine::general_purpose::STANDARD
        .decode(&p.public_key)
        .map_err(|_| SignatureError::BadKey)?;
    if keys::fingerprint(&pk) != p.key_fingerprint {
        return Err(ProofError::FingerprintMismatch);
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_reporter_opens_only_with_its_key_and_intact() {
        let keys = Keys::from_master(&[7u8; 32]);
        let who = ReporterIdentity {
            user_id: 42,
            name: "Ada Reporter".into(),
            email: "ada@example.org".into(),
        };
        let sealed = who.seal(&keys).unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("ada@example.org"));
        assert_eq!(ReporterIdentity::open(&keys, &sealed).unwrap(), who);
        let other = Keys::from_master(&[8u8; 32]);
        assert!(ReporterIdentity::open(&other, &sealed).is_err());
        let mut altered = sealed.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(ReporterIdentity::open(&keys, &altered).is_err());
        // sealed for another use, it does not open as an identity
        let elsewhere = keys.seal(b"{}", "another context").unwrap();
        assert!(ReporterIdentity::open(&keys, &elsewhere).is_err());
    }

    #[test]
    fn reporters_read_the_real_state_of_their_report_in_plain_words() {
        use crate::case::Status;
        let st = |r, c, p| reporter_status(r, c, p);
        let working = "The security team is working on it.";
        // before a case exists
        assert_eq!(
            st(ReportStatus::New, None, false).text,
            "Received — waiting for the security team to look at it."
        );
        assert!(
            st(ReportStatus::Duplicate, None, false)
                .text
                .starts_with("Someone reported")
        );
        assert_eq!(st(ReportStatus::InCase, None, false).text, working);
        for case in [None, Some(Status::Investigating), Some(Status::Published)] {
            for published in [false, true] {
                let s = st(ReportStatus::Closed, case, published);
                assert!(s.text.starts_with("Closed"), "{case:?}");
                assert!(!s.lesson_published);
            }
        }
        // every case status, for a report in the case and for a duplicate joined to it
        for report in [
            ReportStatus::InCase,
            ReportStatus::Duplicate,
            ReportStatus::New,
        ] {
            let expect = [
                (Status::Triage, working),
                (Status::Investigating, working),
                (
                    Status::Contained,
                    "The security team has contained the problem and is finishing the work.",
                ),
                (
                    Status::Resolved,
                    "Resolved: the problem has been dealt with.",
                ),
                (
                    Status::InReview,
                    "Resolved. The team is now looking, without blame, at what made it possible; what we learn will be published.",
                ),
                (Status::Published, LESSON_PUBLISHED),
                (
                    Status::Closed,
                    "Handled and closed. The security team's messages say what they found.",
                ),
            ];
            assert_eq!(expect.len(), Status::ALL.len());
            for (case, text) in expect {
                let s = st(report, Some(case), false);
                assert_eq!(s.text, text, "{report:?} {case:?}");
                assert!(
                    !s.lesson_published,
                    "no lesson to link without a published review"
                );
                // a published review is what changed, whatever the case's status says
                let s = st(report, Some(case), true);
                assert_eq!(s.text, LESSON_PUBLISHED, "{report:?} {case:?}");
                assert!(s.lesson_published);
            }
        }
        // no internal words reach a reporter
        for r in ReportStatus::ALL {
            for c in Status::ALL.map(Some).into_iter().chain([None]) {
                for p in [false, true] {
                    let t = st(r, c, p).text;
                    for internal in ["In review", "in_review", "triage", "Learning published"] {
                        assert!(!t.contains(internal), "{t}");
                    }
                }
            }
        }
    }

    #[test]
    fn report_statuses_round_trip() {
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Ok(s));
        }
        assert!(ReportStatus::parse("open").is_err());
    }

    #[test]
    fn receipt_codes_are_long_grouped_and_normalised() {
        let c = new_receipt_code().unwrap();
        assert_eq!(c.len(), RECEIPT_DIGITS + RECEIPT_DIGITS / 4 - 1);
        let n = normalize_receipt(&c).unwrap();
        assert_eq!(n.len(), RECEIPT_DIGITS);
        assert_eq!(
            normalize_receipt(&format!(" {} ", n.replace("", " "))),
            Some(n.clone())
        );
        assert_eq!(normalize_receipt("1234"), None);
        assert_eq!(normalize_receipt(&"x".repeat(28)), None);
        assert_ne!(new_receipt_code().unwrap(), c);
        // entropy: 28 uniform decimal digits
        assert!((RECEIPT_DIGITS as f64) * 10f64.log2() >= 80.0);
    }

    #[test]
    fn digits_are_uniform_enough() {
        let mut counts = [0u32; 10];
        for _ in 0..200 {
            for b in normalize_receipt(&new_receipt_code().unwrap())
                .unwrap()
                .bytes()
            {
                counts[(b - b'0') as usize] += 1;
            }
        }
        // 5,600 digits: each expected 560; a biased generator lands far outside this
        assert!(
            counts.iter().all(|&n| (440..=680).contains(&n)),
            "{counts:?}"
        );
    }

    #[test]
    fn minutes() {
        assert_eq!(to_minute(125_999), 120_000);
        assert_eq!(to_minute(120_000), 120_000);
    }

    #[test]
    fn proofs_verify_and_any_change_breaks_them() {
        let keys = Keys::from_master(&[1u8; 32]);
        let hash = content_hash(&Content {
            kind: Kind::NearMiss,
            title: "t",
            description: "d",
            occurred: "",
            detected: "",
            systems: "",
        });
        let proof = make_proof(&keys, 42, &hash, 1_700_000_123_456);
        assert_eq!(proof.received_at, "2023-11-14T22:15:00Z");
        let json = serde_json::to_string(&proof).unwrap();
        assert_eq!(verify_proof(&json).unwrap().report_id, 42);
        for (from, to) in [
            ("\"report_id\":42", "\"report_id\":43"),
            ("22:15:00Z", "22:14:00Z"),
        ] {
            let bad = json.replace(from, to);
            assert_eq!(
                verify_proof(&bad).err(),
                Some(ProofError::Signature(SignatureError::Mismatch))
            );
        }
        assert!(matches!(verify_proof("{}"), Err(ProofError::NotAProof(_))));
        // a document re-signed with another key carries another fingerprint
        let other = make_proof(&Keys::from_master(&[2u8; 32]), 42, &hash, 1_700_000_123_456);
        assert_ne!(other.key_fingerprint, proof.key_fingerprint);
    }

    #[test]
    fn content_hash_separates_fields() {
        let a = content_hash(&Content {
            kind: Kind::Incident,
            title: "ab",
            description: "c",
            occurred: "",
            detected: "",
            systems: "",
        });
        let b = content_hash(&Content {
            kind: Kind::Incident,
            title: "a",
            description: "bc",
            occurred: "",
            detected: "",
            systems: "",
        });
        assert_ne!(a, b);
    }
}
