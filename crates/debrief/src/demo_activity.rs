//! Realistic reports and cases spread over the last six quarters, for
//! `serve --demo` and `debrief demo --scale N`; cases that reached review get
//! a blameless review and action items (see `demo_reviews`). Deterministic for
//! a given seed, so that screenshots and dashboards are comparable between runs.

use debrief_core::case::{Severity, Status};
use debrief_core::keys::Keys;
use debrief_core::report::{self, Confidentiality, Content, Kind};
use debrief_store::cases::{
    CaseRecord, insert_case_record, insert_timeline_record, link_report_record,
};
use debrief_store::reports::{NewReport, add_message, insert_report};
use debrief_store::{Store, StoreError, now_ms, params};

use crate::demo_reviews;

/// A small xorshift generator: demo data needs variety, not cryptography.
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator for one item of a run: the same seed and index always give
    /// the same stream, independent of every other item's.
    pub(crate) fn for_item(seed: u64, index: u64) -> Rng {
        // splitmix64 of the pair, so that neighbouring indexes start far apart
        let mut z = seed ^ index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

struct Template {
    kind: Kind,
    severity: Severity,
    title: &'static str,
    description: &'static str,
    systems: &'static str,
    facts: &'static [&'static str],
}

const TEMPLATES: &[Template] = &[
    Template {
        kind: Kind::Incident,
        severity: Severity::High,
        title: "Customer export left in a public storage bucket",
        description: "A nightly CSV export of customer contacts was written to a bucket whose access policy allowed public reads. Found by an external researcher who emailed security@.",
        systems: "object storage, CRM export job",
        facts: &[
            "Researcher email received by security@",
            "Bucket policy changed to private",
            "Access logs show 3 external downloads",
        ],
    },
    Template {
        kind: Kind::Incident,
        severity: Severity::Critical,
        title: "Credential stuffing against the customer login",
        description: "Login failures rose from 200 to 40,000 per hour; about 1,100 accounts were accessed with reused passwords before rate limits were tightened.",
        systems: "customer login, WAF",
        facts: &[
            "Alert: login failure rate above threshold",
            "WAF rule added for the attacking ASN",
            "Forced password reset for affected accounts",
        ],
    },
    Template {
        kind: Kind::Incident,
        severity: Severity::High,
        title: "Phishing mail led to a compromised mailbox",
        description: "A finance mailbox was accessed from an unfamiliar country after a convincing invoice phishing mail. Forwarding rules were added by the attacker.",
        systems: "email, SSO",
        facts: &[
            "User reported the suspicious login prompt",
            "Sessions revoked and password reset",
            "Malicious forwarding rule removed",
        ],
    },
    Template {
        kind: Kind::Incident,
        severity: Severity::Medium,
        title: "Deploy token printed in a public CI log",
        description: "A CI job echoed its environment while debugging and printed a deploy token into a log visible to all contributors.",
        systems: "CI/CD",
        facts: &[
            "Token revoked",
            "CI job changed to mask secrets",
            "Logs purged",
        ],
    },
    Template {
        kind: Kind::Incident,
        severity: Severity::Medium,
        title: "Ransomware blocked on a support laptop",
        description: "Endpoint protection quarantined ransomware delivered through a fake browser update on a support laptop.",
        systems: "endpoints",
        facts: &["EDR quarantine alert", "Laptop isolated and reimaged"],
    },
    Template {
        kind: Kind::NearMiss,
        severity: Severity::Medium,
        title: "Production database password pasted into team chat",
        description: "While pairing, the production read-replica password was pasted into a channel with 40 members. Noticed within two minutes and deleted.",
        systems: "chat, reporting database",
        facts: &["Message deleted", "Password rotated"],
    },
    Template {
        kind: Kind::NearMiss,
        severity: Severity::Low,
        title: "Almost approved a firewall change to the wrong environment",
        description: "The change ticket named staging but the rule targeted the production security group. The second reviewer spotted the mismatch.",
        systems: "network, change management",
        facts: &[
            "Reviewer flagged the mismatch",
            "Ticket template changed to show the target account",
        ],
    },
    Template {
        kind: Kind::NearMiss,
        severity: Severity::Medium,
        title: "Backup restore test found an unencrypted copy",
        description: "A restore test showed one backup set had been written without encryption since a storage migration.",
        systems: "backups",
        facts: &[
            "Unencrypted set found in restore test",
            "Backup job configuration fixed",
        ],
    },
    Template {
        kind: Kind::NearMiss,
        severity: Severity::Low,
        title: "USB stick with test data found in a meeting room",
        description: "A USB stick labelled 'test data' was found in a meeting room; it held anonymised records only.",
        systems: "physical",
        facts: &["Stick handed to security", "Contents checked: anonymised"],
    },
    Template {
        kind: Kind::NearMiss,
        severity: Severity::Medium,
        title: "Alert about a vulnerable VPN appliance sat until Monday",
        description: "A Friday-evening advisory for our VPN appliance reached one on-call engineer by email only; nobody else saw it until Monday.",
        systems: "VPN, on-call",
        facts: &[
            "Advisory received Friday 18:40",
            "Patched Monday 09:15",
            "Escalation path added for vendor advisories",
        ],
    },
    Template {
        kind: Kind::Vulnerability,
        severity: Severity::High,
        title: "Admin interface reachable from the internet",
        description: "The monitoring dashboard's admin interface answered on port 8443 from outside the office network.",
        systems: "monitoring",
        facts: &[
            "Port scan confirmed exposure",
            "Security group restricted to VPN",
        ],
    },
    Template {
        kind: Kind::Vulnerability,
        severity: Severity::Medium,
        title: "Outdated TLS library in the payments gateway",
        description: "Dependency scan flagged a TLS library two years behind with known CVEs in the payments gateway image.",
        systems: "payments gateway",
        facts: &["Library upgraded", "Image rebuilt and deployed"],
    },
    Template {
        kind: Kind::Vulnerability,
        severity: Severity::Low,
        title: "Password reset link does not expire",
        description: "Reset links stayed valid indefinitely; a link from an old email still worked.",
        systems: "customer accounts",
        facts: &["Expiry of one hour added"],
    },
    Template {
        kind: Kind::Concern,
        severity: Severity::Low,
        title: "Security reviews skipped to meet the release date",
        description: "Two features were released without the agreed security review because of the quarter-end deadline.",
        systems: "release process",
        facts: &[
            "Reviews completed after release",
            "Release checklist updated",
        ],
    },
    Template {
        kind: Kind::Concern,
        severity: Severity::Low,
        title: "Shared admin account still used by the data team",
        description: "The data team logs in to the warehouse with one shared admin account whose password is in a spreadsheet.",
        systems: "data warehouse",
        facts: &["Individual accounts created", "Shared account disabled"],
    },
    Template {
        kind: Kind::Concern,
        severity: Severity::Low,
        title: "On-call engineer alone for incidents at night",
        description: "Night incidents are handled by a single engineer with no clear way to escalate.",
        systems: "on-call",
        facts: &["Secondary on-call added"],
    },
    Template {
        kind: Kind::Incident,
        severity: Severity::Medium,
        title: "Expired TLS certificate took the partner API offline",
        description: "The certificate on the partner API expired at 02:00 UTC; partner integrations failed their TLS handshakes until a renewed certificate was deployed in the morning.",
        systems: "partner API, certificates",
        facts: &[
            "Partner reported failing TLS handshakes",
            "Renewed certificate deployed",
            "Expiry monitoring added for the partner API",
        ],
    },
    Template {
        kind: Kind::Incident,
        severity: Severity::Medium,
        title: "Intrusion alerts routed to a retired mailbox",
        description: "Since the alerting migration, intrusion detection alerts had been sent to a mailbox retired in the same move. A port scan and login attempts on a staging host went unseen until a weekly report.",
        systems: "IDS, alerting, staging",
        facts: &[
            "Weekly report showed hundreds of unacknowledged IDS alerts",
            "Staging host checked: no successful login",
            "IDS alerts routed to the paging pipeline",
        ],
    },
    Template {
        kind: Kind::Incident,
        severity: Severity::High,
        title: "Supplier breach exposed support ticket attachments",
        description: "Our support-desk vendor disclosed that an attacker accessed its attachment storage; attachments our customers uploaded over two years were in scope.",
        systems: "support desk (vendor)",
        facts: &[
            "Vendor breach notification received",
            "Attachment retention reduced to 30 days",
            "Affected customers and the regulator notified",
        ],
    },
    Template {
        kind: Kind::Incident,
        severity: Severity::Medium,
        title: "Laptop with cached customer data lost on a train",
        description: "A sales laptop was left on a train. The disk was encrypted, but the laptop was asleep and held an offline copy of a customer list.",
        systems: "endpoints, CRM",
        facts: &[
            "Loss reported to the service desk",
            "Remote wipe issued",
            "Device checked in and was wiped",
        ],
    },
];

/// The titles of the case templates (each has a review story).
#[cfg(test)]
pub(crate) fn template_titles() -> Vec<&'static str> {
    TEMPLATES.iter().map(|t| t.title).collect()
}

const QUESTIONS: &[&str] = &[
    "Thank you for reporting. Do you remember roughly when you first noticed it?",
    "Which system or page were you using at the time?",
    "Was anyone else involved, or did you see it on your own?",
];
const ANSWERS: &[&str] = &[
    "Around lunchtime, I think — before the 13:00 stand-up.",
    "The admin dashboard, logged in through SSO.",
    "Just me; I mentioned it to my team lead afterwards.",
];
const THANKS: &[&str] = &[
    "Thank you — reporting this early saved us a lot of trouble.",
    "Thanks for speaking up. This led to a real fix.",
    "Thank you for the detailed report; it made the investigation much faster.",
];

const DAY: i64 = 24 * 3600 * 1000;
const MIN: i64 = 60 * 1000;

/// Creates `cases` cases (each with one to three reports) spread over the last six
/// quarters, plus a few new reports waiting in triage. Returns one receipt code of
/// an anonymous report, for trying the receipt page.
pub fn generate(
    store: &Store,
    keys: &Keys,
    cases: usize,
    seed: u64,
    progress: &dyn Fn(usize),
) -> Result<(usize, Option<String>), StoreError> {
    let now = now_ms();
    let mut rng = Rng(seed | 1);
    let (people, teams): (Vec<(i64, String, String)>, Vec<i64>) =
        store.db().read_blocking(|c| {
            let p = c
                .query(
                    "SELECT id, name, email FROM users WHERE disabled = 0 ORDER BY id",
                    &[],
                )?
                .iter()
                .map(|r| Ok((r.i64(0)?, r.text(1)?, r.text(2)?)))
                .collect::<Result<_, StoreError>>()?;
            let t = c
                .query("SELECT id FROM teams ORDER BY id", &[])?
                .iter()
                .map(|r| r.i64(0))
                .collect::<Result<_, _>>()?;
            Ok((p, t))
        })?;
    if people.is_empty() {
        return Err(StoreError::Invalid(
            "add people first (serve --demo adds sample people)".into(),
        ));
    }
    let responders: Vec<i64> = store.db().read_blocking(|c| {
        c.query(
            "SELECT id FROM users WHERE (roles & $1) <> 0 ORDER BY id",
            &params![i64::from(
                debrief_core::Role::Responder.bit() | debrief_core::Role::SecurityLead.bit()
            )],
        )?
        .iter()
        .map(|r| r.i64(0))
        .collect::<Result<_, _>>()
    })?;
    let responders = if responders.is_empty() {
        people.iter().map(|p| p.0).collect()
    } else {
        responders
    };
    let cast = store.db().read_blocking(demo_reviews::Cast::load)?;
    let mut coverage = demo_reviews::Coverage::default();
    let mut shown_receipt = None;
    let mut made = 0;
    // write in batches so that a large scale does not hold one huge transaction
    for chunk_start in (0..cases).step_by(50) {
        let chunk = chunk_start..cases.min(chunk_start + 50);
        let (n, receipt) = store.db().write_blocking(|c| {
            let mut n = 0;
            let mut receipt = None;
            for i in chunk.clone() {
                // spread over 18 months, more recent cases slightly more often, and
                // more near-misses in recent quarters: a reporting culture that grows
                let age_days = (rng.below(540 * 540) as f64).sqrt() as i64;
                let age_days = 540 - age_days.min(539);
                let recent = age_days < 180;
                let mut t = rng.pick(TEMPLATES);
                if recent && rng.chance(35) {
                    t = rng.pick(&TEMPLATES[5..10]);
                }
                let occurred = now - age_days * DAY - rng.below(12 * 60) as i64 * MIN;
                let detected = occurred
                    + (rng.below(if t.kind == Kind::Concern {
                        20 * 24 * 60
                    } else {
                        36 * 60
                    }) as i64
                        + 5)
                        * MIN;
                let reported =
                    detected + (rng.below(if recent { 90 } else { 600 }) as i64 + 2) * MIN;
                let lead = *rng.pick(&responders);
                let mut transitions = Vec::new();
                let mut at = reported + (rng.below(45) as i64 + 3) * MIN;
                let steps: &[Status] = if t.kind == Kind::Incident {
                    &[
                        Status::Investigating,
                        Status::Contained,
                        Status::Resolved,
                        Status::InReview,
                        Status::Published,
                        Status::Closed,
                    ]
                } else {
                    &[
                        Status::Investigating,
                        Status::Resolved,
                        Status::InReview,
                        Status::Published,
                        Status::Closed,
                    ]
                };
                // older cases are further along
                let reach = if age_days > 120 {
                    steps.len()
                } else if age_days > 45 {
                    steps.len() - 2
                } else {
                    (rng.below(steps.len() as u64) as usize).max(1)
                };
                for s in &steps[..reach] {
                    if at > now {
                        break;
                    }
                    transitions.push((*s, at, Some(lead)));
                    at += match s {
                        Status::Investigating => (rng.below(8 * 60) as i64 + 20) * MIN,
                        Status::Contained => (rng.below(3 * 24 * 60) as i64 + 60) * MIN,
                        Status::Resolved => (rng.below(14) as i64 + 2) * DAY,
                        Status::InReview => (rng.below(10) as i64 + 3) * DAY,
                        _ => (rng.below(20) as i64 + 5) * DAY,
                    };
                }
                let status = transitions.last().map_or(Status::Triage, |t| t.0);
                let reached = |s: Status| transitions.iter().find(|t| t.0 == s).map(|t| t.1);
                let (in_review_ms, published_ms) =
                    (reached(Status::InReview), reached(Status::Published));
                // the case records everyone who moved it as taking part
                let mut participants: Vec<i64> = transitions.iter().filter_map(|t| t.2).collect();
                participants.dedup();
                let case_id = insert_case_record(
                    c,
                    &CaseRecord {
                        title: t.title.to_string(),
                        severity: t.severity,
                        status,
                        team_id: (!teams.is_empty()).then(|| *rng.pick(&teams)),
                        lead_id: Some(lead),
                        occurred_ms: Some(occurred),
                        detected_ms: Some(detected),
                        transitions,
                        created_ms: reported,
                        created_by: Some(lead),
                    },
                )?;
                let reports = 1 + rng.below(if t.kind == Kind::Incident { 3 } else { 2 }) as i64;
                for k in 0..reports {
                    let received = reported + k * (rng.below(180) as i64 + 5) * MIN;
                    let mode = match rng.below(100) {
                        0..=44 => Confidentiality::Named,
                        45..=59 => Confidentiality::Confidential,
                        _ => Confidentiality::Anonymous,
                    };
                    let (reporter, reporter_name, reporter_email) = rng.pick(&people).clone();
                    let code = (mode != Confidentiality::Named)
                        .then(report::new_receipt_code)
                        .transpose()
                        .map_err(|e| StoreError::Invalid(e.to_string()))?;
                    let sealed = match mode {
                        Confidentiality::Confidential => Some(
                            report::ReporterIdentity {
                                user_id: reporter,
                                name: reporter_name,
                                email: reporter_email,
                            }
                            .seal(keys)
                            .map_err(|e| StoreError::Invalid(e.to_string()))?,
                        ),
                        _ => None,
                    };
                    let received = if mode == Confidentiality::Named {
                        received
                    } else {
                        report::to_minute(received)
                    };
                    let title = if k == 0 {
                        t.title.to_string()
                    } else {
                        format!("{} (also seen by another team)", t.title)
                    };
                    let occurred_text = if rng.chance(30) {
                        "not sure — sometime that morning".to_string()
                    } else {
                        String::new()
                    };
                    let hash = report::content_hash(&Content {
                        kind: t.kind,
                        title: &title,
                        description: t.description,
                        occurred: &occurred_text,
                        detected: "",
                        systems: t.systems,
                    });
                    let rid = insert_report(
                        c,
                        &NewReport {
                            kind: t.kind,
                            confidentiality: mode,
                            title,
                            description: t.description.to_string(),
                            systems: t.systems.to_string(),
                            occurred_text,
                            occurred_ms: None,
                            detected_ms: Some(detected),
                            received_ms: received,
                            reporter_id: (mode == Confidentiality::Named).then_some(reporter),
                            reporter_sealed: sealed,
                            receipt_hash: code
                                .as_deref()
                                .and_then(report::normalize_receipt)
                                .map(|d| keys.receipt_hash(&d)),
                            content_sha256: hash,
                        },
                    )?;
                    link_report_record(c, case_id, rid, received)?;
                    if rng.chance(40) {
                        let q = rng.below(QUESTIONS.len() as u64) as usize;
                        add_message(
                            c,
                            rid,
                            "team",
                            Some(lead),
                            "question",
                            QUESTIONS[q],
                            received + 30 * MIN,
                        )?;
                        add_message(
                            c,
                            rid,
                            "reporter",
                            (mode == Confidentiality::Named).then_some(reporter),
                            "message",
                            ANSWERS[q],
                            report::to_minute(received + 3 * 3600 * 1000),
                        )?;
                    }
                    if status != Status::Triage && rng.chance(60) {
                        let thanks: &&str = rng.pick(THANKS);
                        add_message(c, rid, "team", Some(lead), "thanks", thanks, received + DAY)?;
                    }
                    if receipt.is_none() && mode == Confidentiality::Anonymous && i % 7 == 0 {
                        receipt = code;
                    }
                }
                for (j, fact) in t.facts.iter().enumerate() {
                    let at = detected + (j as i64 + 1) * (rng.below(120) as i64 + 10) * MIN;
                    if at < now {
                        let kind = if j == 0 {
                            "fact"
                        } else if j + 1 == t.facts.len() {
                            "decision"
                        } else {
                            "fact"
                        };
                        insert_timeline_record(c, case_id, at, kind, fact, Some(lead))?;
                    }
                }
                // cases that reached review have one, with its action items
                if let Some(in_review_ms) = in_review_ms {
                    let case = demo_reviews::CaseFacts {
                        case_id,
                        title: t.title,
                        status,
                        lead,
                        participants: &participants,
                        in_review_ms,
                        published_ms,
                    };
                    demo_reviews::add(
                        c,
                        &mut Rng::for_item(seed, i as u64),
                        &cast,
                        &case,
                        &mut coverage,
                        now,
                    )?;
                }
                n += 1;
            }
            Ok((n, receipt))
        })?;
        made += n;
        progress(made);
        if shown_receipt.is_none() {
            shown_receipt = receipt;
        }
    }
    // a few fresh reports waiting in triage
    let fresh = (cases / 10).clamp(1, 20);
    store.db().write_blocking(|c| {
        for k in 0..fresh {
            let t = rng.pick(TEMPLATES);
            let received =
                report::to_minute(now - (k as i64 + 1) * (rng.below(600) as i64 + 30) * MIN);
            let code =
                report::new_receipt_code().map_err(|e| StoreError::Invalid(e.to_string()))?;
            let hash = report::content_hash(&Content {
                kind: t.kind,
                title: t.title,
                description: t.description,
                occurred: "",
                detected: "",
                systems: t.systems,
            });
            insert_report(
                c,
                &NewReport {
                    kind: t.kind,
                    confidentiality: Confidentiality::Anonymous,
                    title: t.title.to_string(),
                    description: t.description.to_string(),
                    systems: t.systems.to_string(),
                    occurred_text: String::new(),
                    occurred_ms: None,
                    detected_ms: None,
                    received_ms: received,
                    reporter_id: None,
                    reporter_sealed: None,
                    receipt_hash: report::normalize_receipt(&code).map(|d| keys.receipt_hash(&d)),
                    content_sha256: hash,
                },
            )?;
            if shown_receipt.is_none() {
                shown_receipt = Some(code);
            }
        }
        Ok(())
    })?;
    tracing::info!(
        reviews = coverage.reviews,
        action_items = coverage.items,
        "generated demo reviews and action items"
    );
    Ok((made, shown_receipt))
}
