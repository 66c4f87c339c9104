//! Times the review workspace page and the review's PDF exports of a large case
//! (300 timeline entries, 50 action items) against the real server on SQLite,
//! with `/healthz` measured in the same rounds as the floor of a request over
//! loopback. See docs/benchmarks.md ("Review page and PDF").
//!
//!     cargo run --release -p debrief --example review_page_bench -- [REQUESTS] [ROUNDS]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use debrief_core::case::{Severity, Status};
use debrief_core::review::{ActionPriority, LessonLevel};
use debrief_core::{Role, RoleSet};
use debrief_store::accounts::NewUser;
use debrief_store::action_items::NewActionItem;
use debrief_store::cases::NewCase;
use debrief_store::reviews::{Edit, Impact};
use debrief_store::testkit::{TestDb, off_runtime};
use debrief_store::{Store, now_ms};
use std::time::{Duration, Instant};

const SENTENCES: &[&str] = &[
    "The alert for the expiring certificate went to a mailbox that nobody reads at weekends.",
    "The renewal job had failed silently for three weeks because its credentials had rotated.",
    "Partner traffic fell to zero at 02:04 and the synthetic check paged the on-call engineer at 02:19.",
    "The runbook pointed to a dashboard that had been retired in the spring.",
    "A new certificate was issued by hand and deployed at 03:40; traffic recovered within two minutes.",
];

async fn setup(store: &Store) -> (i64, i64) {
    let mut ids = Vec::new();
    for i in 0..21 {
        let roles = if i == 0 {
            RoleSet::from_roles([Role::Facilitator])
        } else {
            RoleSet::default()
        };
        let u = NewUser {
            email: format!("person{i}@example.org"),
            name: format!("Person Number{i}"),
            password_hash: "x".into(),
            roles,
        };
        ids.push(
            store
                .write(move |c| debrief_store::accounts::insert_user(c, &u, now_ms()))
                .await
                .unwrap()
                .id,
        );
    }
    let facilitator = ids[0];
    let case = store
        .create_case(
            NewCase {
                title: "Expired certificate took down the partner API".into(),
                severity: Severity::High,
                report_ids: vec![],
                occurred_ms: None,
                detected_ms: None,
                urgent: false,
                created_by: ids[1],
            },
            now_ms(),
        )
        .await
        .unwrap();
    let start = now_ms() - 300 * 60_000;
    store
        .write(move |c| {
            for i in 0..300i64 {
                let kind = ["fact", "decision", "communication"][(i % 3) as usize];
                let body = format!("{} (entry {i})", SENTENCES[(i % 5) as usize]);
                debrief_store::cases::insert_timeline_record(
                    c,
                    case,
                    start + i * 60_000,
                    kind,
                    &body,
                    None,
                )?;
            }
            Ok(())
        })
        .await
        .unwrap();
    for to in [Status::Investigating, Status::Resolved, Status::InReview] {
        store
            .transition(case, to, None, None, ids[1], now_ms())
            .await
            .unwrap();
    }
    let narrative = SENTENCES.join(" ").repeat(4);
    store
        .edit_review(
            case,
            Edit::What {
                what_happened: narrative,
                interpretations: SENTENCES[3].into(),
            },
            1,
            facilitator,
            now_ms(),
        )
        .await
        .unwrap();
    store
        .edit_review(
            case,
            Edit::Impact(Impact {
                duration_minutes: Some(96),
                people_affected: Some(1200),
                records_affected: None,
                services: "Partner API".into(),
                cost: "EUR 8,000 (estimate)".into(),
                notes: SENTENCES[2].into(),
            }),
            1,
            facilitator,
            now_ms(),
        )
        .await
        .unwrap();
    for i in 0..3 {
        store
            .edit_review(
                case,
                Edit::Why { id: None, problem: format!("Problem {i}: partner traffic stopped"), steps: SENTENCES.iter().map(|s| s.to_string()).collect(), systemic_condition: "Certificate renewal has no owner and no alert that reaches a person".into(), restricted: false },
                0,
                facilitator,
                now_ms(),
            )
            .await
            .unwrap();
    }
    let cats = [
        "procedure",
        "tooling_design",
        "communication",
        "workload_staffing",
        "knowledge_training",
        "organisational_pressure",
    ];
    for c in cats {
        store
            .edit_review(
                case,
                Edit::Factor {
                    id: None,
                    category: c.into(),
                    explanation: SENTENCES[1].into(),
                    restricted: false,
                },
                0,
                facilitator,
                now_ms(),
            )
            .await
            .unwrap();
    }
    for (i, level) in LessonLevel::ALL.iter().cycle().take(9).enumerate() {
        store
            .edit_review(
                case,
                Edit::Lesson {
                    id: None,
                    level: *level,
                    body: format!("Lesson {i}: {}", SENTENCES[i % 5]),
                    restricted: false,
                },
                0,
                facilitator,
                now_ms(),
            )
            .await
            .unwrap();
    }
    for i in 0..50usize {
        let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(i as i64 - 10))
            .format("%Y-%m-%d")
            .to_string();
        store
            .create_action_item(
                NewActionItem {
                    case_id: case,
                    title: format!("Action {i}: {}", &SENTENCES[i % 5][..40]),
                    description: SENTENCES[(i + 1) % 5].into(),
                    owner_id: ids[1 + i % 20],
                    due_day: due,
                    priority: ActionPriority::ALL[i % 4],
                    factor_id: None,
                    tracker_url: Some(format!("https://tracker.example.org/SEC-{i}")),
                },
                facilitator,
                now_ms(),
            )
            .await
            .unwrap();
    }
    (case, facilitator)
}

fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(v[v.len() / 2]);
    let p99 = ms(v[((v.len() as f64 * 0.99).ceil() as usize).min(v.len()) - 1]);
    (median, p99)
}

async fn time(
    client: &reqwest::Client,
    url: &str,
    cookie: &str,
    n: usize,
    expect: &str,
) -> Vec<Duration> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let r = client
            .get(url)
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{url}: {}", r.status());
        let body = r.bytes().await.unwrap();
        out.push(t.elapsed());
        assert!(body.starts_with(expect.as_bytes()) || expect.is_empty());
    }
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(400);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let db = TestDb::on(debrief_store::db::Engine::Sqlite);
    let url = db.url.clone();
    let store = off_runtime(move || {
        let s = Store::connect(&url).unwrap();
        s.migrate_blocking().unwrap();
        s
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        let (case, facilitator) = setup(&store).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = debrief_web::AppState::new(store.clone(), debrief_core::keys::Keys::from_master(&[7u8; 32]), Default::default());
        tokio::spawn(async move { debrief_web::serve(listener, state, std::future::pending()).await.unwrap() });
        let sid = debrief_core::secret::random_hex(32);
        store.create_session(debrief_core::secret::sha256_hex(&sid), facilitator, now_ms(), now_ms() + 3_600_000).await.unwrap();
        let cookie = format!("debrief_session={sid}; debrief_csrf={}", debrief_core::secret::random_hex(32));
        let client = reqwest::Client::new();
        let base = format!("http://{addr}");
        let page = format!("{base}/cases/{case}/review");
        // warm up: caches, the checker's directory, connections
        time(&client, &page, &cookie, 20, "<!doctype html>").await;
        let mut rows: Vec<[(f64, f64); 4]> = Vec::new();
        for round in 0..rounds {
            let h = stats(time(&client, &format!("{base}/healthz"), "", n, "ok").await);
            let p = stats(time(&client, &page, &cookie, n, "<!doctype html>").await);
            let s = stats(time(&client, &format!("{page}/export?doc=summary&format=pdf"), &cookie, n / 4, "%PDF").await);
            let f = stats(time(&client, &format!("{page}/export?doc=review&format=pdf"), &cookie, n / 4, "%PDF").await);
            println!(
                "round {}: healthz {:.2}/{:.2} ms, review page {:.2}/{:.2} ms, summary PDF {:.2}/{:.2} ms, full PDF {:.2}/{:.2} ms (median/p99)",
                round + 1, h.0, h.1, p.0, p.1, s.0, s.1, f.0, f.1
            );
            rows.push([h, p, s, f]);
        }
        let med = |i: usize, j: usize| {
            let mut v: Vec<f64> = rows.iter().map(|r| if j == 0 { r[i].0 } else { r[i].1 }).collect();
            v.sort_by(|a, b| a.total_cmp(b));
            v[v.len() / 2]
        };
        println!("median of {rounds} rounds ({n} page requests, {} of each PDF per round):", n / 4);
        for (i, name) in ["GET /healthz (floor)", "GET review page", "GET summary PDF", "GET full review PDF"].iter().enumerate() {
            println!("  {name:<22} median {:>7.2} ms   p99 {:>7.2} ms", med(i, 0), med(i, 1));
        }
    });
}
