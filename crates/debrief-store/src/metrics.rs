//! The plain facts the learning metrics are computed from (see
//! `debrief_core::metrics`): every case's times and classification, every
//! report's kind and mode, every action item's state.

use crate::Result;
use crate::Store;
use crate::params;
use crate::rows::{FromRow, row};
use debrief_core::case::{Severity, Status};
use debrief_core::metrics::facts::systems_of;
use debrief_core::metrics::{ActionFacts, CaseFacts, Facts, ReportFacts};
use debrief_core::report::{Confidentiality, Kind};
use debrief_core::review::{ActionStatus, CheckOutcome};
use std::collections::HashMap;

row! {
    pub(crate) struct CaseRow from "cases c" {
        id: i64 = "c.id",
        status: Status = "c.status",
        severity: Severity = "c.severity",
        team_id: Option<i64> = "c.team_id",
        drill: bool = "c.drill",
        opened_ms: i64 = "c.created_ms",
        occurred_ms: Option<i64> = "c.occurred_ms",
        detected_ms: Option<i64> = "c.detected_ms",
        reported_ms: Option<i64> = "c.reported_ms",
        acknowledged_ms: Option<i64> = "c.acknowledged_ms",
        contained_ms: Option<i64> = "c.contained_ms",
        resolved_ms: Option<i64> = "c.resolved_ms",
        published_ms: Option<i64> = "c.published_ms",
    }
}

row! {
    pub(crate) struct ReportRow from "reports r" {
        id: i64 = "r.id",
        kind: Kind = "r.kind",
        confidentiality: Confidentiality = "r.confidentiality",
        received_ms: i64 = "r.received_ms",
        reporter_id: Option<i64> = "r.reporter_id",
        case_id: Option<i64> = "r.case_id",
        systems: String = "r.systems",
    }
}

row! {
    /// A contributing-factor category of a case's review. Restricted factors
    /// belong to the conduct track and are left out.
    pub(crate) struct CategoryRow from "review_factors f JOIN reviews v ON v.id = f.review_id" {
        case_id: i64 = "v.case_id",
        category: String = "f.category",
    }
}

row! {
    pub(crate) struct ActionRow from "action_items a" {
        id: i64 = "a.id",
        case_id: i64 = "a.case_id",
        status: ActionStatus = "a.status",
        created_ms: i64 = "a.created_ms",
        closed_ms: Option<i64> = "a.closed_ms",
        due_day: String = "a.due_day",
        check_outcome: Option<CheckOutcome> = "a.check_outcome",
    }
}

impl Store {
    /// Everything the learning metrics read.
    pub async fn metrics_facts(&self) -> Result<Facts> {
        self.read(|c| {
            let cases = CaseRow::decode_all(&c.query(
                &format!("SELECT {} FROM cases c ORDER BY c.id", CaseRow::columns()),
                &[],
            )?)?;
            let reports = ReportRow::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM reports r ORDER BY r.received_ms, r.id",
                    ReportRow::columns()
                ),
                &[],
            )?)?;
            let categories = CategoryRow::decode_all(&c.query(
                &format!(
                    "SELECT DISTINCT {} FROM review_factors f JOIN reviews v ON v.id = f.review_id WHERE f.restricted = 0 ORDER BY 1, 2",
                    CategoryRow::columns()
                ),
                &[],
            )?)?;
            let actions = ActionRow::decode_all(&c.query(
                &format!("SELECT {} FROM action_items a ORDER BY a.id", ActionRow::columns()),
                &[],
            )?)?;
            let people = c
                .query_one("SELECT COUNT(*) FROM users WHERE disabled = 0", &[])?
                .i64(0)?;
            let team_sizes = c.query(
                "SELECT tm.team_id, COUNT(*) FROM team_members tm JOIN users u ON u.id = tm.user_id WHERE u.disabled = 0 GROUP BY tm.team_id ORDER BY tm.team_id",
                &[],
            )?;
            let mut sizes = Vec::with_capacity(team_sizes.len());
            for r in &team_sizes {
                sizes.push((r.i64(0)?, r.i64(1)?.max(0) as u64));
            }
            Ok(assemble(cases, reports, categories, actions, people.max(0) as u64, sizes))
        })
        .await
    }
}

/// The cases that share a contributing-factor category (not restricted)
/// with case `$1`.
const SHARING: &str = "SELECT v2.case_id FROM review_factors f2 JOIN reviews v2 ON v2.id = f2.review_id WHERE f2.restricted = 0 AND f2.category IN (SELECT f3.category FROM review_factors f3 JOIN reviews v3 ON v3.id = f3.review_id WHERE v3.case_id = $1 AND f3.restricted = 0)";

impl Store {
    /// What recurrence on a case's page reads: the facts of the case and of
    /// every case sharing a contributing-factor category with it (only those
    /// can be of the same class; see
    /// `debrief_core::metrics::counts::earlier_matches`). Restricted factors
    /// are left out, as in every metric. `None` when the case does not exist.
    pub async fn recurrence_facts(
        &self,
        case_id: i64,
    ) -> Result<Option<(CaseFacts, Vec<CaseFacts>)>> {
        self.read(move |c| {
            let cases = CaseRow::decode_all(&c.query(
                &format!("SELECT {} FROM cases c WHERE c.id = $1 OR c.id IN ({SHARING}) ORDER BY c.id", CaseRow::columns()),
                &params![case_id],
            )?)?;
            let reports = ReportRow::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM reports r WHERE r.case_id = $1 OR r.case_id IN ({SHARING}) ORDER BY r.received_ms, r.id",
                    ReportRow::columns()
                ),
                &params![case_id],
            )?)?;
            let categories = CategoryRow::decode_all(&c.query(
                &format!(
                    "SELECT DISTINCT {} FROM review_factors f JOIN reviews v ON v.id = f.review_id WHERE f.restricted = 0 AND (v.case_id = $1 OR v.case_id IN ({SHARING})) ORDER BY 1, 2",
                    CategoryRow::columns()
                ),
                &params![case_id],
            )?)?;
            let facts = assemble(cases, reports, categories, Vec::new(), 0, Vec::new());
            let mut all = facts.cases;
            let Some(at) = all.iter().position(|f| f.id == case_id) else {
                return Ok(None);
            };
            let case = all.remove(at);
            Ok(Some((case, all)))
        })
        .await
    }
}

fn assemble(
    cases: Vec<CaseRow>,
    reports: Vec<ReportRow>,
    categories: Vec<CategoryRow>,
    actions: Vec<ActionRow>,
    people: u64,
    team_sizes: Vec<(i64, u64)>,
) -> Facts {
    let mut facts: Vec<CaseFacts> = cases
        .into_iter()
        .map(|c| CaseFacts {
            id: c.id,
            status: c.status,
            severity: c.severity,
            team_id: c.team_id,
            drill: c.drill,
            opened_ms: c.opened_ms,
            occurred_ms: c.occurred_ms,
            detected_ms: c.detected_ms,
            reported_ms: c.reported_ms,
            acknowledged_ms: c.acknowledged_ms,
            contained_ms: c.contained_ms,
            resolved_ms: c.resolved_ms,
            published_ms: c.published_ms,
            kinds: Vec::new(),
            systems: Vec::new(),
            categories: Vec::new(),
            first_report_credited: false,
        })
        .collect();
    let at: HashMap<i64, usize> = facts.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    // reports come in the order received: the first one seen for a case is
    // its first report
    let mut seen_first: Vec<bool> = vec![false; facts.len()];
    let mut out_reports = Vec::with_capacity(reports.len());
    for r in reports {
        if let Some(&i) = r.case_id.as_ref().and_then(|id| at.get(id)) {
            let case = &mut facts[i];
            if !case.kinds.contains(&r.kind) {
                case.kinds.push(r.kind);
            }
            for s in systems_of(&r.systems) {
                if !case.systems.contains(&s) {
                    case.systems.push(s);
                }
            }
            if !seen_first[i] {
                seen_first[i] = true;
                case.first_report_credited = r.confidentiality == Confidentiality::Named;
            }
        }
        out_reports.push(ReportFacts {
            id: r.id,
            kind: r.kind,
            confidentiality: r.confidentiality,
            received_ms: r.received_ms,
            reporter_id: r.reporter_id,
            case_id: r.case_id,
        });
    }
    for k in categories {
        if let Some(&i) = at.get(&k.case_id) {
            facts[i].categories.push(k.category);
        }
    }
    let actions = actions
        .into_iter()
        .filter_map(|a| {
            // a due day that does not parse cannot be written through the
            // store; such a row is left out rather than guessed
            let due_day = chrono::NaiveDate::parse_from_str(&a.due_day, "%Y-%m-%d").ok()?;
            Some(ActionFacts {
                id: a.id,
                case_id: a.case_id,
                status: a.status,
                created_ms: a.created_ms,
                closed_ms: a.closed_ms,
                due_day,
                check_outcome: a.check_outcome,
            })
        })
        .collect();
    Facts {
        cases: facts,
        reports: out_reports,
        actions,
        people,
        team_sizes,
    }
}
