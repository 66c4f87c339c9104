//! The learning metrics' facts as the store reads them, and the same figures
//! from SQLite and PostgreSQL on the same data.

use debrief_core::case::Status;
use debrief_core::metrics::durations::Measure;
use debrief_core::metrics::{Facts, Filter, Period, compute};
use debrief_core::report::Kind;
use debrief_store::db::Engine;
use debrief_store::testkit::{TestDb, off_runtime};
use debrief_store::{Store, params};

fn open(engine: Engine) -> (TestDb, Store) {
    let t = TestDb::on(engine);
    let url = t.url.clone();
    let s = off_runtime(move || {
        let s = Store::connect(&url).expect("connect");
        s.migrate_blocking().expect("migrate");
        s
    });
    (t, s)
}

const H: i64 = 3_600_000;
const DAY: i64 = 24 * H;
/// 2026-01-05T00:00:00Z
const T0: i64 = 1_767_571_200_000;

/// The same data on any engine: seven people (five in team 1), four cases
/// (one a drill), five reports, a review with two factors (one restricted) and
/// three action items.
async fn fill(s: &Store) {
    s.write(|c| {
        for id in 1..=7_i64 {
            c.execute(
                "INSERT INTO users (id, email, name, password_hash, roles, disabled, created_ms, password_changed_ms) VALUES ($1, $2, $3, 'x', 1, $4, 0, 0)",
                &params![id, format!("p{id}@example.org"), format!("P{id}"), id == 7],
            )?;
        }
        c.execute("INSERT INTO teams (id, name, created_ms) VALUES (1, 'Platform', 0), (2, 'Mail', 0)", &[])?;
        for uid in 1..=5_i64 {
            c.execute("INSERT INTO team_members (team_id, user_id) VALUES (1, $1)", &params![uid])?;
        }
        // the disabled person is a member but does not count
        c.execute("INSERT INTO team_members (team_id, user_id) VALUES (2, 6), (2, 7)", &[])?;
        let case = |id: i64, status: &str, team: i64, drill: bool, times: [Option<i64>; 7]| {
            (id, status.to_string(), team, drill, times)
        };
        let cases = [
            // occurred, detected, reported, acknowledged, contained, resolved, published
            case(1, "published", 1, false, [Some(T0), Some(T0 + 2 * H), None, Some(T0 + 3 * H), Some(T0 + 5 * H), Some(T0 + DAY), Some(T0 + 10 * DAY)]),
            case(2, "investigating", 1, false, [None, Some(T0 + 3 * DAY), None, Some(T0 + 3 * DAY + H), None, None, None]),
            case(3, "resolved", 2, false, [Some(T0 + 5 * DAY), Some(T0 + 6 * DAY), None, Some(T0 + 6 * DAY + 2 * H), None, Some(T0 + 8 * DAY), None]),
            case(4, "closed", 1, true, [Some(T0 + DAY), Some(T0 + DAY + H), None, Some(T0 + DAY + 2 * H), None, Some(T0 + DAY + 3 * H), None]),
        ];
        for (id, status, team, drill, t) in cases {
            c.execute(
                "INSERT INTO cases (id, title, severity, status, team_id, drill, occurred_ms, detected_ms, acknowledged_ms, contained_ms, resolved_ms, published_ms, last_transition_ms, created_ms, updated_ms) VALUES ($1, 'Case', 'high', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11)",
                &params![id, status, team, drill, t[0], t[1], t[3], t[4], t[5], t[6], T0],
            )?;
        }
        let report = |id: i64, kind: &str, conf: &str, at: i64, who: Option<i64>, case: Option<i64>, systems: &str| {
            (id, kind.to_string(), conf.to_string(), at, who, case, systems.to_string())
        };
        let reports = [
            report(1, "incident", "named", T0 + 4 * H, Some(1), Some(1), "VPN, billing API"),
            report(2, "near_miss", "anonymous", T0 + 3 * DAY + 30 * 60_000, None, Some(2), "vpn"),
            report(3, "incident", "named", T0 + 3 * DAY + 2 * H, Some(2), Some(2), ""),
            report(4, "near_miss", "confidential", T0 + 6 * DAY + H, None, Some(3), "Mail"),
            report(5, "near_miss", "named", T0 + DAY + 30 * 60_000, Some(3), Some(4), "vpn"),
        ];
        for (id, kind, conf, at, who, case, systems) in reports {
            c.execute(
                "INSERT INTO reports (id, kind, confidentiality, title, description, systems, occurred_text, received_ms, reporter_id, content_sha256, status, case_id, updated_ms) VALUES ($1, $2, $3, 'R', 'D', $4, '', $5, $6, 'h', 'in_case', $7, $5)",
                &params![id, kind, conf, systems, at, who, case],
            )?;
            if let Some(case) = case {
                debrief_store::cases::refresh_reported(c, case)?;
            }
        }
        c.execute("INSERT INTO reviews (id, case_id, state, created_ms, updated_ms) VALUES (1, 1, 'published', 0, 0), (2, 2, 'draft', 0, 0)", &[])?;
        c.execute(
            "INSERT INTO review_factors (review_id, category, explanation, restricted, created_ms) VALUES (1, 'procedure', 'e', 0, 0), (1, 'external', 'e', 1, 0), (2, 'procedure', 'e', 0, 0)",
            &[],
        )?;
        let items = [
            (1_i64, 1_i64, "done", T0 + 11 * DAY, Some(T0 + 15 * DAY), "2026-01-31", Some("effective")),
            (2, 1, "open", T0 + 11 * DAY, None, "2026-01-20", None),
            (3, 4, "open", T0 + 2 * DAY, None, "2026-01-10", None),
        ];
        for (id, case, status, created, closed, due, check) in items {
            c.execute(
                "INSERT INTO action_items (id, case_id, title, description, owner_id, due_day, priority, status, closed_ms, check_outcome, created_ms, updated_ms) VALUES ($1, $2, 'A', 'D', 1, $3, 'high', $4, $5, $6, $7, $7)",
                &params![id, case, due, status, closed, check.map(str::to_string), created],
            )?;
        }
        Ok(())
    })
    .await
    .expect("fill");
}

fn quarter() -> Period {
    // 2026-01-01 to 2026-04-01 UTC
    Period {
        from_ms: 1_767_225_600_000,
        to_ms: 1_775_001_600_000,
    }
}

fn check_facts(e: Engine, f: &Facts) {
    assert_eq!(f.people, 6, "{e:?}: the disabled account is not counted");
    assert_eq!(f.team_sizes, [(1, 5), (2, 1)], "{e:?}");
    assert_eq!(f.cases.len(), 4);
    let c1 = &f.cases[0];
    assert_eq!(c1.reported_ms, Some(T0 + 4 * H));
    assert_eq!(c1.kinds, [Kind::Incident]);
    assert_eq!(c1.systems, ["vpn", "billing api"]);
    // the restricted factor's category is not read
    assert_eq!(c1.categories, ["procedure"]);
    assert!(c1.first_report_credited);
    let c2 = &f.cases[1];
    assert_eq!(c2.status, Status::Investigating);
    assert_eq!(c2.kinds, [Kind::NearMiss, Kind::Incident]);
    // its first report was anonymous
    assert!(!c2.first_report_credited);
    assert!(f.cases[3].drill);
    assert_eq!(f.reports.len(), 5);
    assert_eq!(f.actions.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_engines_give_the_same_facts_and_figures() {
    let as_of = T0 + 30 * DAY;
    let mut results = Vec::new();
    let mut keep = Vec::new();
    for e in [Engine::Sqlite, Engine::Postgres] {
        let (t, s) = open(e);
        fill(&s).await;
        let facts = s.metrics_facts().await.expect("facts");
        check_facts(e, &facts);
        let m = compute(
            &facts,
            &Filter::default(),
            quarter(),
            as_of,
            debrief_core::metrics::Tz::UTC,
        );
        // drills stay out: case 4 and its report and item
        assert_eq!((m.cases, m.drills), (3, 1), "{e:?}");
        assert_eq!(m.reports.total, 4, "{e:?}");
        assert_eq!(m.actions.total, 2, "{e:?}");
        let mttr = m.duration(Measure::Mttr).expect("mttr");
        // case 1 22 h, case 3 2 days; case 2 is still investigating
        assert_eq!((mttr.count, mttr.open, mttr.missing), (2, 1, 0), "{e:?}");
        // the repeat: case 2 shares (procedure, vpn) with case 1
        assert_eq!((m.repeats.classified, m.repeats.repeats), (2, 1), "{e:?}");
        results.push(serde_json::to_value(&m).expect("json"));
        keep.push(t);
    }
    assert_eq!(results[0], results[1], "SQLite and PostgreSQL disagree");
}
