//! The `/metrics` document: the database's counts as of the scrape, the
//! request latency this process recorded and its start time, in the
//! Prometheus text format (0.0.4), or in the OpenMetrics text format for a
//! scraper that asks for it in `Accept` (as Prometheus does).

use crate::operations::http::ServerMetrics;
use debrief_core::case::{Severity, Status};
use debrief_core::report::Kind;
use debrief_store::operations::{Counts, JOB_STATES};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

/// The two text formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The Prometheus text exposition format, version 0.0.4.
    Prometheus,
    /// OpenMetrics 1.0 text.
    OpenMetrics,
}

impl Format {
    /// OpenMetrics when the `Accept` header names it, else the Prometheus format.
    pub fn from_accept(accept: Option<&str>) -> Format {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Format::OpenMetrics,
            _ => Format::Prometheus,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Prometheus => prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CaseLabels {
    severity: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: String,
    state: String,
}

/// Writes the document. `counts` is `None` when the database could not be
/// read: the in-memory metrics are still written, with `debrief_database_up 0`.
/// `job_kinds` are the kinds this server runs: each gets its series even
/// with no job queued, so that a dashboard sees 0 rather than nothing.
pub fn render(
    format: Format,
    counts: Option<&Counts>,
    server: &ServerMetrics,
    job_kinds: &[String],
    now_ms: i64,
) -> Result<String, std::fmt::Error> {
    let mut reg = Registry::default();
    let up = Gauge::<i64>::default();
    up.set(i64::from(counts.is_some()));
    reg.register(
        "debrief_database_up",
        "Whether this scrape could read the database (1) or not (0); without it the database-backed metrics are missing",
        up,
    );
    if let Some(c) = counts {
        register_counts(&mut reg, c, job_kinds, now_ms);
    }
    reg.register(
        "debrief_http_request_duration_seconds",
        "Time to answer a request of the product's listener, until the response headers, by method, route template and status class",
        server.latency(now_ms),
    );
    let started = Gauge::<i64>::default();
    started.set(server.started_s);
    reg.register(
        "process_start_time_seconds",
        "When this server process started, in seconds since the Unix epoch",
        started,
    );
    let mut out = String::new();
    match format {
        Format::Prometheus => prometheus_client::encoding::prometheus_text::encode(&mut out, &reg)?,
        Format::OpenMetrics => prometheus_client::encoding::text::encode(&mut out, &reg)?,
    }
    Ok(out)
}

fn register_counts(reg: &mut Registry, c: &Counts, job_kinds: &[String], now_ms: i64) {
    let cases = Family::<CaseLabels, Gauge>::default();
    for s in Severity::ALL {
        for st in Status::ALL.into_iter().filter(|st| *st != Status::Closed) {
            let n = c
                .open_cases
                .iter()
                .find(|(sv, stt, _)| *sv == s && *stt == st)
                .map_or(0, |x| x.2);
            cases
                .get_or_create(&CaseLabels {
                    severity: s.as_str().into(),
                    status: st.as_str().into(),
                })
                .set(n);
        }
    }
    reg.register(
        "debrief_open_cases",
        "Cases not closed, by severity and status; drills left out",
        cases,
    );
    let overdue = Gauge::<i64>::default();
    overdue.set(c.overdue_action_items);
    reg.register(
        "debrief_overdue_action_items",
        "Open or in-progress action items past their due day (UTC); items of drills left out",
        overdue,
    );
    let reports = Family::<KindLabel, Counter>::default();
    for k in Kind::ALL {
        let n = c.reports.iter().find(|(kk, _)| *kk == k).map_or(0, |x| x.1);
        reports
            .get_or_create(&KindLabel {
                kind: k.as_str().into(),
            })
            .inc_by(u64::try_from(n).unwrap_or(0));
    }
    reg.register(
        "debrief_reports_received",
        "Reports received since the database was created, by kind; anonymous and confidential reports count once their minute has ended",
        reports,
    );
    let jobs = Family::<JobLabels, Gauge>::default();
    let oldest = Family::<KindLabel, Gauge<f64, AtomicU64>>::default();
    let mut kinds: Vec<&str> = job_kinds.iter().map(String::as_str).collect();
    kinds.extend(c.jobs.iter().map(|j| j.kind.as_str()));
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let j = c.jobs.iter().find(|j| j.kind == kind);
        for state in JOB_STATES {
            let n = j.map_or(0, |j| {
                if state == "queued" {
                    j.queued
                } else {
                    j.running
                }
            });
            jobs.get_or_create(&JobLabels {
                kind: kind.into(),
                state: state.into(),
            })
            .set(n);
        }
        let age_ms = j
            .and_then(|j| j.oldest_due_ms)
            .map_or(0, |due| (now_ms - due).max(0));
        oldest
            .get_or_create(&KindLabel { kind: kind.into() })
            .set(age_ms as f64 / 1000.0);
    }
    reg.register(
        "debrief_jobs",
        "Unfinished background jobs, by kind and state (queued or running)",
        jobs,
    );
    reg.register(
        "debrief_job_oldest_due_age_seconds",
        "How long the longest-waiting job a runner could claim now has been claimable (0 when none is)",
        oldest,
    );
}
