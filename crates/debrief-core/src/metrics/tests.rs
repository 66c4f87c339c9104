//! Every metric on a small fixed data set, with the values worked out by hand
//! (in the comments). The organisation's zone is Europe/Berlin.

use super::counts::Guarded;
use super::durations::Measure;
use super::*;
use crate::case::{Severity, Status};
use crate::report::{Confidentiality, Kind};
use crate::review::{ActionStatus, CheckOutcome};
use chrono::NaiveDate;

const H: i64 = 3_600_000;
const M: i64 = 60_000;
const D: i64 = 24 * H;

fn t(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.timestamp_millis())
        .unwrap_or(i64::MIN)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn tz() -> Tz {
    chrono_tz::Europe::Berlin
}

fn as_of() -> i64 {
    t("2026-05-01T00:00:00Z")
}

fn q(year: i32, q: u8) -> Period {
    Quarter { year, q }.period(tz()).unwrap_or(Period {
        from_ms: 0,
        to_ms: 0,
    })
}

fn case(id: i64, status: Status, team: i64, severity: Severity) -> CaseFacts {
    CaseFacts {
        id,
        status,
        severity,
        team_id: Some(team),
        drill: false,
        opened_ms: 0,
        occurred_ms: None,
        detected_ms: None,
        reported_ms: None,
        acknowledged_ms: None,
        contained_ms: None,
        resolved_ms: None,
        published_ms: None,
        kinds: Vec::new(),
        systems: Vec::new(),
        categories: Vec::new(),
        first_report_credited: false,
    }
}

fn facts() -> Facts {
    // c1: the whole way through, in January
    let mut c1 = case(1, Status::Published, 1, Severity::High);
    c1.occurred_ms = Some(t("2026-01-10T08:00:00Z"));
    c1.detected_ms = Some(t("2026-01-10T10:00:00Z"));
    c1.reported_ms = Some(t("2026-01-10T11:00:00Z"));
    c1.acknowledged_ms = Some(t("2026-01-10T10:30:00Z"));
    c1.contained_ms = Some(t("2026-01-10T12:00:00Z"));
    c1.resolved_ms = Some(t("2026-01-11T10:00:00Z"));
    c1.published_ms = Some(t("2026-01-20T10:00:00Z"));
    c1.kinds = vec![Kind::Incident];
    c1.systems = vec!["vpn".into()];
    c1.categories = vec!["procedure".into()];
    c1.first_report_credited = true;
    // c2: no occurred time; containment skipped; resolved, review not yet published
    let mut c2 = case(2, Status::Resolved, 2, Severity::Medium);
    c2.detected_ms = Some(t("2026-02-01T09:00:00Z"));
    c2.reported_ms = Some(t("2026-02-01T09:20:00Z"));
    c2.acknowledged_ms = Some(t("2026-02-01T10:00:00Z"));
    c2.resolved_ms = Some(t("2026-02-02T09:00:00Z"));
    c2.kinds = vec![Kind::NearMiss];
    c2.systems = vec!["mail".into()];
    c2.categories = vec!["tooling".into()];
    // c3: still being investigated; the same class as c1
    let mut c3 = case(3, Status::Investigating, 1, Severity::High);
    c3.occurred_ms = Some(t("2026-03-05T08:00:00Z"));
    c3.detected_ms = Some(t("2026-03-05T09:00:00Z"));
    c3.reported_ms = Some(t("2026-03-05T09:30:00Z"));
    c3.acknowledged_ms = Some(t("2026-03-05T09:45:00Z"));
    c3.kinds = vec![Kind::Incident, Kind::NearMiss];
    c3.systems = vec!["vpn".into()];
    c3.categories = vec!["procedure".into()];
    c3.first_report_credited = true;
    // c4: happened at 23:30 on 31 March in Berlin (Q1), detected at 00:30 on
    // 1 April there (Q2)
    let mut c4 = case(4, Status::Resolved, 2, Severity::Low);
    c4.occurred_ms = Some(t("2026-03-31T21:30:00Z"));
    c4.detected_ms = Some(t("2026-03-31T22:30:00Z"));
    c4.reported_ms = Some(t("2026-04-01T00:00:00Z"));
    c4.acknowledged_ms = Some(t("2026-03-31T23:00:00Z"));
    c4.contained_ms = Some(t("2026-04-02T00:00:00Z"));
    c4.resolved_ms = Some(t("2026-04-10T00:00:00Z"));
    c4.kinds = vec![Kind::Incident];
    c4.systems = vec!["vpn".into()];
    c4.categories = vec!["tooling".into()];
    // c5: acknowledged back-dated to before it was detected; closed without
    // containment or a review
    let mut c5 = case(5, Status::Closed, 1, Severity::Medium);
    c5.detected_ms = Some(t("2026-01-15T10:00:00Z"));
    c5.reported_ms = Some(t("2026-01-15T10:05:00Z"));
    c5.acknowledged_ms = Some(t("2026-01-15T09:00:00Z"));
    c5.resolved_ms = Some(t("2026-01-16T10:00:00Z"));
    c5.kinds = vec![Kind::Concern];
    c5.first_report_credited = true;
    // c6: a drill, fast and tidy, which must change nothing
    let mut c6 = case(6, Status::Closed, 1, Severity::High);
    c6.drill = true;
    c6.occurred_ms = Some(t("2026-02-10T08:00:00Z"));
    c6.detected_ms = Some(t("2026-02-10T08:05:00Z"));
    c6.reported_ms = Some(t("2026-02-10T08:10:00Z"));
    c6.acknowledged_ms = Some(t("2026-02-10T08:06:00Z"));
    c6.resolved_ms = Some(t("2026-02-10T09:00:00Z"));
    c6.kinds = vec![Kind::NearMiss];
    c6.systems = vec!["vpn".into()];
    c6.categories = vec!["procedure".into()];
    c6.first_report_credited = true;

    let report = |id, kind, conf, at: &str, who: Option<i64>, case: Option<i64>| ReportFacts {
        id,
        kind,
        confidentiality: conf,
        received_ms: t(at),
        reporter_id: who,
        case_id: case,
    };
    use Confidentiality::*;
    let reports = vec![
        report(
            1,
            Kind::Incident,
            Named,
            "2026-01-10T11:00:00Z",
            Some(101),
            Some(1),
        ),
        report(
            2,
            Kind::NearMiss,
            Anonymous,
            "2026-02-01T09:20:00Z",
            None,
            Some(2),
        ),
        report(
            3,
            Kind::Incident,
            Named,
            "2026-03-05T09:30:00Z",
            Some(102),
            Some(3),
        ),
        report(
            4,
            Kind::NearMiss,
            Named,
            "2026-03-06T10:00:00Z",
            Some(101),
            Some(3),
        ),
        report(
            5,
            Kind::Incident,
            Confidential,
            "2026-04-01T00:00:00Z",
            None,
            Some(4),
        ),
        report(
            6,
            Kind::Concern,
            Named,
            "2026-01-15T10:05:00Z",
            Some(103),
            Some(5),
        ),
        report(
            7,
            Kind::NearMiss,
            Named,
            "2026-02-10T08:10:00Z",
            Some(104),
            Some(6),
        ),
        report(
            8,
            Kind::NearMiss,
            Anonymous,
            "2026-03-20T12:00:00Z",
            None,
            None,
        ),
    ];
    let action =
        |id, case_id, status, created: &str, closed: Option<&str>, due: &str, check| ActionFacts {
            id,
            case_id,
            status,
            created_ms: t(created),
            closed_ms: closed.map(t),
            due_day: day(due),
            check_outcome: check,
        };
    use ActionStatus::*;
    let actions = vec![
        action(
            1,
            1,
            Done,
            "2026-01-21T09:00:00Z",
            Some("2026-01-31T09:00:00Z"),
            "2026-01-31",
            Some(CheckOutcome::Effective),
        ),
        action(2, 1, Open, "2026-01-21T09:00:00Z", None, "2026-04-01", None),
        action(
            3,
            2,
            WontDo,
            "2026-02-05T09:00:00Z",
            Some("2026-02-06T09:00:00Z"),
            "2026-03-01",
            None,
        ),
        action(
            4,
            3,
            InProgress,
            "2026-03-10T09:00:00Z",
            None,
            "2026-04-21",
            None,
        ),
        action(5, 6, Open, "2026-02-11T09:00:00Z", None, "2026-02-20", None),
        action(
            6,
            5,
            Done,
            "2026-01-20T09:00:00Z",
            Some("2026-01-22T09:00:00Z"),
            "2026-02-01",
            Some(CheckOutcome::NotEffective),
        ),
    ];
    Facts {
        cases: vec![c1, c2, c3, c4, c5, c6],
        reports,
        actions,
        people: 40,
        team_sizes: vec![(1, 25), (2, 3)],
    }
}

fn q1() -> Metrics {
    compute(&facts(), &Filter::default(), q(2026, 1), as_of(), tz())
}

fn get(m: &Metrics, which: Measure) -> durations::Summary {
    m.duration(which)
        .cloned()
        .unwrap_or_else(|| panic!("{which:?}"))
}

#[test]
fn time_to_report_starts_at_occurred_else_detected() {
    // c1 3 h, c2 20 min (from detected), c3 1.5 h, c4 2.5 h (Q1 by when it
    // happened), c5 5 min: median the 3rd of 5, p90 the 5th
    let s = get(&q1(), Measure::TimeToReport);
    assert_eq!((s.count, s.open, s.missing, s.inconsistent), (5, 0, 0, 0));
    assert_eq!(s.median_ms, Some(90 * M));
    assert_eq!(s.p90_ms, Some(3 * H));
    let ms: Vec<i64> = s.points.iter().map(|p| p.ms).collect();
    assert_eq!(ms, [5 * M, 20 * M, 90 * M, 150 * M, 3 * H]);
}

#[test]
fn cases_without_an_occurred_time_are_missing_from_mttd() {
    // c1 2 h, c3 1 h, c4 1 h; c2 and c5 have no occurred time
    let s = get(&q1(), Measure::Mttd);
    assert_eq!((s.count, s.open, s.missing), (3, 0, 2));
    assert_eq!(s.median_ms, Some(H));
    assert_eq!(s.p90_ms, Some(2 * H));
    assert_eq!(
        s.coverage(),
        "from 3 of 5 cases; 2 without the needed times"
    );
}

#[test]
fn a_back_dated_acknowledgement_is_counted_apart_not_as_negative() {
    // c1 30 min, c2 1 h, c3 45 min; c4 was detected in Q2 (Berlin); c5's
    // acknowledgement is recorded before its detection
    let s = get(&q1(), Measure::Mtta);
    assert_eq!((s.count, s.open, s.missing, s.inconsistent), (3, 0, 0, 1));
    assert_eq!(s.median_ms, Some(45 * M));
    assert!(s.points.iter().all(|p| p.ms >= 0));
}

#[test]
fn open_cases_are_never_given_an_end() {
    // MTTC: c1 2 h; c3 still investigating (open); c2 skipped containment
    // and c5 closed without it (missing). KM: at 2 h, 1 of 2 at risk ends:
    // S = 1/2, so the median is 2 h; the p90 is not reached
    let s = get(&q1(), Measure::Mttc);
    assert_eq!((s.count, s.open, s.missing), (1, 1, 2));
    assert_eq!(s.median_ms, Some(2 * H));
    assert_eq!(s.p90_ms, None);
    let open: Vec<&durations::Point> = s.points.iter().filter(|p| p.open).collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].case_id, 3);
    assert_eq!(open[0].ms, as_of() - t("2026-03-05T09:00:00Z"));
    // MTTR: c1, c2, c5 took 24 h each; c3 open: S(24 h) = 1/4
    let s = get(&q1(), Measure::Mttr);
    assert_eq!((s.count, s.open, s.missing), (3, 1, 0));
    assert_eq!(s.median_ms, Some(24 * H));
    assert_eq!(s.p90_ms, None);
}

#[test]
fn review_lag_counts_only_resolved_cases() {
    // c1 9 days; c2 resolved and waiting for its review (open); c5 closed
    // without one (missing); c3 is not resolved, so not part of it
    let s = get(&q1(), Measure::ReviewLag);
    assert_eq!((s.count, s.open, s.missing), (1, 1, 1));
    assert_eq!(s.median_ms, Some(9 * D));
}

#[test]
fn a_case_spanning_the_quarter_boundary_is_placed_by_each_measures_start() {
    let m = compute(&facts(), &Filter::default(), q(2026, 2), as_of(), tz());
    // c4 happened in Q1 but was detected in Q2 (00:30 on 1 April in Berlin)
    let tta = get(&m, Measure::Mtta);
    assert_eq!((tta.count, tta.median_ms), (1, Some(30 * M)));
    let ttr = get(&m, Measure::TimeToReport);
    assert_eq!((ttr.count, ttr.median_ms, ttr.p90_ms), (0, None, None));
    let mttr = get(&m, Measure::Mttr);
    assert_eq!(
        mttr.median_ms,
        Some(t("2026-04-10T00:00:00Z") - t("2026-03-31T22:30:00Z"))
    );
    // in UTC the same detection is still in Q1
    let utc = Quarter { year: 2026, q: 1 }.period(chrono_tz::UTC);
    let m = compute(
        &facts(),
        &Filter::default(),
        utc.unwrap_or(q(2026, 1)),
        as_of(),
        chrono_tz::UTC,
    );
    assert_eq!(get(&m, Measure::Mtta).count, 4);
}

#[test]
fn a_period_without_data_says_so_with_zero_counts_and_no_medians() {
    let m = compute(&facts(), &Filter::default(), q(2025, 1), as_of(), tz());
    for s in &m.durations {
        assert_eq!(
            (s.count, s.open, s.missing, s.median_ms, s.p90_ms),
            (0, 0, 0, None, None)
        );
    }
    assert_eq!(m.reports.total, 0);
    assert_eq!(m.reports.near_miss_ratio, None);
    assert_eq!(m.reports.anonymous_share, Guarded::Shown(None));
    assert_eq!(m.repeats.rate, None);
    assert_eq!(m.actions.completion_rate, None);
    assert_eq!(m.actions.close_median_days, None);
    assert_eq!(m.cases, 0);
}

#[test]
fn report_counts_and_shares() {
    // Q1: reports 1, 2, 3, 4, 6 and the unattached 8; the drill's report 7 is
    // left out and report 5 arrived on 1 April
    let r = q1().reports;
    assert_eq!(r.total, 6);
    assert_eq!(
        r.by_kind,
        [
            (Kind::Incident, 2),
            (Kind::NearMiss, 3),
            (Kind::Vulnerability, 0),
            (Kind::Concern, 1)
        ]
    );
    assert_eq!(r.near_miss_ratio, Some(1.5));
    assert_eq!(r.anonymous, 2);
    assert_eq!(r.anonymous_share, Guarded::Shown(Some(2.0 / 6.0)));
    // reporters 101, 102, 103: fewer than five people, withheld
    assert_eq!(r.distinct_reporters, Guarded::Withheld);
    assert_eq!(r.per_100_people, Guarded::Shown(Some(15.0)));
    // first reports credited: c1, c3, c5 (c2 anonymous, c4 reported in Q2)
    assert_eq!(r.first_reports_credited, Guarded::Shown(3));
}

#[test]
fn a_small_teams_people_figures_are_withheld() {
    let f = Filter {
        team_id: Some(2),
        ..Filter::default()
    };
    let m = compute(&facts(), &f, q(2026, 1), as_of(), tz());
    // team 2 has 3 people; its Q1 report is c2's; the unattached report is
    // not any team's
    assert_eq!(m.reports.total, 1);
    assert_eq!(m.reports.anonymous_share, Guarded::Withheld);
    assert_eq!(m.reports.per_100_people, Guarded::Withheld);
    assert_eq!(m.reports.first_reports_credited, Guarded::Withheld);
}

#[test]
fn filters_by_severity_kind_and_system() {
    let high = Filter {
        severity: Some(Severity::High),
        ..Filter::default()
    };
    assert_eq!(compute(&facts(), &high, q(2026, 1), as_of(), tz()).cases, 2);
    let near_miss = Filter {
        kind: Some(Kind::NearMiss),
        ..Filter::default()
    };
    let m = compute(&facts(), &near_miss, q(2026, 1), as_of(), tz());
    // cases c2 and c3 have a near-miss report; reports 2, 4 and 8 are near-misses
    assert_eq!(m.cases, 2);
    assert_eq!(m.reports.total, 3);
    let vpn = Filter {
        system: Some(" VPN ".into()),
        ..Filter::default()
    };
    // c1, c3 and c4 (by when it happened)
    assert_eq!(compute(&facts(), &vpn, q(2026, 1), as_of(), tz()).cases, 3);
}

#[test]
fn repeats_match_category_and_system_in_the_twelve_months_before() {
    // classified: c1, c2, c3, c4; c3 repeats c1 (procedure on vpn); c5 has
    // no category; the drill c6 neither counts nor is matched
    let r = q1().repeats;
    assert_eq!((r.classified, r.repeats, r.unclassified), (4, 1, 1));
    assert_eq!(r.rate, Some(0.25));
    let f = facts();
    let earlier: Vec<i64> = counts::earlier_matches(&f.cases[2], &f.cases)
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(earlier, [1]);
    // more than 12 months later it is no longer a repeat
    let mut late = f.cases[2].clone();
    late.id = 9;
    late.occurred_ms = Some(t("2027-01-11T08:00:00Z"));
    let mut all = f.cases.clone();
    all.retain(|c| c.id != 3);
    assert!(counts::earlier_matches(&late, &all).is_empty());
}

#[test]
fn action_items_completion_overdue_and_checks() {
    // Q1 items 1, 2, 3, 4, 6 (item 5 is the drill's): done 1 and 6, won't do 3
    let a = q1().actions;
    assert_eq!((a.total, a.done, a.wont_do, a.open), (5, 2, 1, 2));
    assert_eq!(a.completion_rate, Some(0.4));
    // on 1 May: item 2 is 30 days past due (1 April), item 4 10 days (21 April)
    assert_eq!(a.overdue, 2);
    assert_eq!(a.overdue_median_days, Some(10));
    assert_eq!(a.overdue_max_days, Some(30));
    // to close: 2 d, 10 d, and two still open: S(2 d) = 3/4, S(10 d) = 1/2
    assert_eq!(a.close_median_days, Some(10.0));
    assert_eq!(
        (a.checked, a.effective, a.effective_share),
        (2, 1, Some(0.5))
    );
}

#[test]
fn drills_are_counted_apart_and_change_nothing() {
    let with = q1();
    assert_eq!(with.drills, 1);
    assert_eq!(with.cases, 5);
    let mut f = facts();
    f.cases.retain(|c| !c.drill);
    f.reports.retain(|r| r.case_id != Some(6));
    f.actions.retain(|a| a.case_id != 6);
    let without = compute(&f, &Filter::default(), q(2026, 1), as_of(), tz());
    assert_eq!(without.durations, with.durations);
    assert_eq!(without.reports, with.reports);
    assert_eq!(without.repeats, with.repeats);
    assert_eq!(without.actions, with.actions);
}

#[test]
fn changes_are_only_called_trends_when_a_test_says_so() {
    let (a, b) = (q(2026, 1), q(2026, 2));
    let c = count_change("Near-miss reports", (9, &a), (17, &b), true);
    assert_eq!(c.direction, Direction::NoClearChange);
    assert!(c.reading.contains("no clear change"), "{}", c.reading);
    let c = count_change("Near-miss reports", (5, &a), (30, &b), true);
    assert_eq!(c.direction, Direction::Rose);
    assert_eq!(
        c.reading,
        "Near-miss reports rose from 5 to 30; more is the healthy direction."
    );
    let c = share_change("Anonymous share", (5, 50), (30, 50));
    assert_eq!(c.direction, Direction::Rose);
    let c = share_change("Anonymous share", (5, 50), (6, 50));
    assert_eq!(c.direction, Direction::NoClearChange);
}

#[test]
fn duration_changes_use_the_log_rank_test() {
    let summary = |ms: &[i64]| durations::Summary {
        measure: Measure::Mttr,
        count: ms.len(),
        open: 0,
        missing: 0,
        inconsistent: 0,
        median_ms: ms.get(ms.len() / 2).copied(),
        p90_ms: None,
        points: ms
            .iter()
            .enumerate()
            .map(|(i, &ms)| durations::Point {
                case_id: i as i64,
                ms,
                open: false,
            })
            .collect(),
    };
    let slow = summary(&(0..30).map(|i| (50 + i) * H).collect::<Vec<_>>());
    let fast = summary(&(0..30).map(|i| (1 + i) * H).collect::<Vec<_>>());
    let c = duration_change(&slow, &fast);
    assert_eq!(c.direction, Direction::Fell);
    let similar = summary(&(0..30).map(|i| (2 + i) * H).collect::<Vec<_>>());
    assert_eq!(
        duration_change(&fast, &similar).direction,
        Direction::NoClearChange
    );
}
