//! Review documents for the export tests and the export benchmark: a
//! realistic review, a huge one (300 timeline entries, 50 action items, long
//! narratives), an empty one and a hostile one.
#![allow(dead_code)]

use debrief_export::{ActionItem, Factor, Impact, Lesson, ReviewDocument, TimelineItem, WhyChain};

const KINDS: [&str; 3] = ["Fact", "Decision", "Communication"];

fn sentence(i: usize) -> String {
    const SUBJECTS: [&str; 6] = [
        "The on-call responder",
        "The monitoring system",
        "The payments team",
        "The SOC queue",
        "Łukasz from the platform team",
        "The incident channel",
    ];
    const VERBS: [&str; 6] = [
        "acknowledged the alert",
        "rotated the exposed credential",
        "paged the secondary responder",
        "confirmed the scope of the access",
        "posted a status update for São Paulo and Oslo",
        "restored the firewall rule from the reviewed template",
    ];
    format!(
        "{} {} at step {}.",
        SUBJECTS[i % SUBJECTS.len()],
        VERBS[(i / 2) % VERBS.len()],
        i + 1
    )
}

fn prose(sentences: usize, seed: usize) -> String {
    (0..sentences)
        .map(|i| sentence(seed + i))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A review as a facilitator would write it.
pub fn sample() -> ReviewDocument {
    ReviewDocument {
        case_id: 12,
        title: "Friday-evening SOC alert waited until Monday".into(),
        severity: "High".into(),
        state: "In review".into(),
        facilitator: Some("Øyvind Berg".into()),
        generated_at: "2026-11-23 16:40 UTC".into(),
        full_review_ref: "https://debrief.example.org/cases/12/review".into(),
        times: vec![
            ("Occurred".into(), "2026-11-02 03:10 UTC".into()),
            ("Detected".into(), "2026-11-02 03:12 UTC".into()),
            ("Reported".into(), "2026-11-05 08:30 UTC".into()),
            ("Resolved".into(), "2026-11-05 10:44 UTC".into()),
        ],
        timeline: vec![
            TimelineItem {
                at: "2026-11-02 03:10 UTC".into(),
                kind: "Fact".into(),
                body: "An unusual login to the VPN gateway succeeded from a new country.".into(),
            },
            TimelineItem {
                at: "2026-11-02 03:12 UTC".into(),
                kind: "Fact".into(),
                body: "The SIEM raised a medium alert in the SOC queue; no page was sent.".into(),
            },
            TimelineItem {
                at: "2026-11-05 08:30 UTC".into(),
                kind: "Decision".into(),
                body: "The security lead opened an urgent case and paged the on-call responder."
                    .into(),
            },
            TimelineItem {
                at: "2026-11-05 09:05 UTC".into(),
                kind: "Communication".into(),
                body: "Status update posted to the incident channel.".into(),
            },
        ],
        without_timeline: false,
        what_happened: "On Friday night an attacker logged in to the VPN with a reused password. \
The SIEM alert went to a queue that nobody watches at weekends. \
On Monday morning the alert was read, the session was cut and the password was reset.\n\n\
No data left the network according to the firewall logs."
            .into(),
        interpretations:
            "The alert's medium severity probably reflected the rule's age rather than the risk."
                .into(),
        impact: Impact {
            duration_minutes: Some(134),
            people_affected: Some(1200),
            records_affected: Some(35000),
            services: "VPN gateway, customer portal".into(),
            cost: Some("€12,000".into()),
            notes:
                "Customers in São Paulo saw logins fail for two hours. No records were exfiltrated."
                    .into(),
        },
        whys: vec![WhyChain {
            problem: "The alert waited for 53 hours.".into(),
            steps: vec![
                "The alert was routed to a queue, not to the pager.".into(),
                "The routing rule predates the on-call rota.".into(),
                "Nobody owns the review of alert routing.".into(),
            ],
            systemic_condition: "Alert routing has no owner and is never reviewed.".into(),
        }],
        factors: vec![
            Factor {
                category: "Tooling and design".into(),
                explanation: "The SIEM cannot page for medium alerts.".into(),
            },
            Factor {
                category: "Workload and staffing".into(),
                explanation: "The SOC has no weekend cover.".into(),
            },
        ],
        went_well: "The session was cut within minutes once the alert was read.".into(),
        got_lucky: "The attacker did not reach the customer database.".into(),
        lessons: vec![
            Lesson {
                level: "Organisation".into(),
                body: "Every alert route needs an owner.".into(),
            },
            Lesson {
                level: "Information system".into(),
                body: "The SIEM must be able to page for any severity.".into(),
            },
            Lesson {
                level: "Business process".into(),
                body: "Weekend escalation must be defined.".into(),
            },
        ],
        action_items: vec![
            ActionItem {
                title: "Route all SIEM alerts through the escalation policy".into(),
                owner: "Dvořák, Jana".into(),
                due: "2026-12-01".into(),
                priority: "High".into(),
                status: "Open".into(),
                factor: Some("Tooling and design".into()),
                tracker_url: Some("https://tracker.example.org/SEC-101".into()),
            },
            ActionItem {
                title: "Define weekend cover for the SOC".into(),
                owner: "Security lead".into(),
                due: "2026-12-15".into(),
                priority: "Medium".into(),
                status: "Done".into(),
                factor: Some("Workload and staffing".into()),
                tracker_url: None,
            },
        ],
    }
}

/// 300 timeline entries, 50 action items, long narratives everywhere.
pub fn huge() -> ReviewDocument {
    let mut doc = sample();
    doc.title = "Credential stuffing against the customer portal over three weekends".into();
    doc.timeline = (0..300)
        .map(|i| TimelineItem {
            at: format!(
                "2026-11-{:02} {:02}:{:02} UTC",
                1 + i / 20,
                (i / 3) % 24,
                (i * 7) % 60
            ),
            kind: KINDS[i % 3].into(),
            body: prose(1 + i % 4, i),
        })
        .collect();
    doc.what_happened = (0..12)
        .map(|p| prose(8, p * 8))
        .collect::<Vec<_>>()
        .join("\n\n");
    doc.interpretations = prose(30, 5);
    doc.impact.notes = prose(25, 9);
    doc.whys = (0..8)
        .map(|w| WhyChain {
            problem: sentence(w),
            steps: (0..5).map(|s| sentence(w * 5 + s)).collect(),
            systemic_condition: prose(3, w * 3),
        })
        .collect();
    doc.factors = (0..20)
        .map(|i| Factor {
            category: [
                "Procedure",
                "Tooling and design",
                "Communication",
                "Knowledge",
            ][i % 4]
                .into(),
            explanation: prose(2, i),
        })
        .collect();
    doc.went_well = prose(20, 2);
    doc.got_lucky = prose(15, 3);
    doc.lessons = (0..18)
        .map(|i| Lesson {
            level: ["Organisation", "Business process", "Information system"][i % 3].into(),
            body: prose(3, i),
        })
        .collect();
    doc.action_items = (0..50)
        .map(|i| ActionItem {
            title: format!("Follow-up {}: {}", i + 1, sentence(i)),
            owner: [
                "Jana Dvořák",
                "Łukasz Nowak",
                "Øyvind Berg",
                "Platform team",
            ][i % 4]
                .into(),
            due: format!("2027-01-{:02}", 1 + i % 28),
            priority: ["High", "Medium", "Low"][i % 3].into(),
            status: if i % 5 == 0 { "Done" } else { "Open" }.into(),
            factor: Some("Tooling and design".into()),
            tracker_url: Some(format!(
                "https://tracker.example.org/browse/SEC-{}",
                1000 + i
            )),
        })
        .collect();
    doc
}

/// Nothing recorded at all.
pub fn empty() -> ReviewDocument {
    ReviewDocument::default()
}

/// Text that tries to break every format, in every field.
pub const HOSTILE: &str = "<script>alert(\"x\")</script> '&amp; # > - | `code` *em* [a](javascript:alert(1)) $x$\n# heading\n> quote\n- item\n| a | b |\n1. list";

/// Every text field set to [`HOSTILE`].
pub fn hostile() -> ReviewDocument {
    let h = || HOSTILE.to_string();
    ReviewDocument {
        case_id: 7,
        title: h(),
        severity: h(),
        state: h(),
        facilitator: Some(h()),
        generated_at: h(),
        full_review_ref: h(),
        times: vec![(h(), h())],
        timeline: vec![TimelineItem {
            at: h(),
            kind: h(),
            body: h(),
        }],
        without_timeline: false,
        what_happened: h(),
        interpretations: h(),
        impact: Impact {
            duration_minutes: Some(5),
            people_affected: None,
            records_affected: None,
            services: h(),
            cost: Some(h()),
            notes: h(),
        },
        whys: vec![WhyChain {
            problem: h(),
            steps: vec![h()],
            systemic_condition: h(),
        }],
        factors: vec![Factor {
            category: h(),
            explanation: h(),
        }],
        went_well: h(),
        got_lucky: h(),
        lessons: vec![Lesson {
            level: h(),
            body: h(),
        }],
        action_items: vec![ActionItem {
            title: h(),
            owner: h(),
            due: h(),
            priority: h(),
            status: h(),
            factor: Some(h()),
            tracker_url: Some("javascript:alert(1)".into()),
        }],
    }
}
