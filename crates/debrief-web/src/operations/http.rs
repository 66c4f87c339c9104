//! Request latency, recorded by a layer around every route of the product's
//! listener: a histogram by method, route template and status class. The
//! route is the template the router matched (`/cases/{id}`), never the path
//! as sent, so ids and query strings never become labels; a request no route
//! matched counts as `unmatched`.
//!
//! The anonymous routes (the report form, intake, receipts) must not be
//! datable more finely than their minute by any other route, and a histogram
//! scraped every few seconds would date them to the scrape. Their
//! observations are held back and added once their minute has ended, as the
//! request log does with their lines.

use crate::platform::headers::anonymous_route;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use debrief_core::times::to_minute;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The route label of a request that no route matched.
pub const UNMATCHED: &str = "unmatched";

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Observations of anonymous routes held back at most; beyond that they are
/// dropped (and the number dropped is logged), so memory stays bounded.
const MAX_HELD: usize = 100_000;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status_class: String,
}

pub type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

fn new_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// One held observation of an anonymous route and the minute it belongs to.
#[derive(Debug)]
struct Held {
    minute: i64,
    labels: RequestLabels,
    seconds: f64,
}

/// What the server process records for `/metrics` in memory: request
/// latency and when it started.
#[derive(Debug)]
pub struct ServerMetrics {
    latency: LatencyFamily,
    held: Mutex<Vec<Held>>,
    /// When this server started, in seconds since the Unix epoch.
    pub started_s: i64,
}

impl Default for ServerMetrics {
    fn default() -> Self {
        ServerMetrics {
            latency: Family::new_with_constructor(new_histogram),
            held: Mutex::new(Vec::new()),
            started_s: chrono::Utc::now().timestamp(),
        }
    }
}

/// The method as a label: the methods HTTP defines for resources, and `other`
/// for anything else a client sends, so that made-up methods add no series.
pub fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// `2xx`, `4xx` … of a status code.
pub fn status_class(code: u16) -> &'static str {
    match code / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

impl ServerMetrics {
    /// The latency histograms (shared: a clone sees every later observation).
    /// Held observations whose minute ended before `now_ms` are added first.
    pub fn latency(&self, now_ms: i64) -> LatencyFamily {
        self.release(now_ms);
        self.latency.clone()
    }

    /// Records one request. `held_from` is the time an anonymous route's
    /// request arrived: its observation waits until that minute has ended.
    pub fn observe(&self, labels: RequestLabels, seconds: f64, held_from: Option<i64>) {
        let now = debrief_store::now_ms();
        match held_from {
            None => self.latency.get_or_create(&labels).observe(seconds),
            Some(at) => {
                let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
                if held.len() < MAX_HELD {
                    held.push(Held {
                        minute: to_minute(at),
                        labels,
                        seconds,
                    });
                } else {
                    tracing::warn!(
                        held = MAX_HELD,
                        "latency of an anonymous route dropped: too many held back"
                    );
                }
            }
        }
        self.release(now);
    }

    /// Adds the held observations of every minute that ended before `now_ms`.
    pub fn release(&self, now_ms: i64) {
        let minute = to_minute(now_ms);
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if !held.iter().any(|h| h.minute < minute) {
            return;
        }
        let (due, keep): (Vec<Held>, Vec<Held>) = held.drain(..).partition(|h| h.minute < minute);
        *held = keep;
        drop(held);
        for h in due {
            self.latency.get_or_create(&h.labels).observe(h.seconds);
        }
    }

    /// How many observations are held back now.
    pub fn held(&self) -> usize {
        self.held.lock().map(|h| h.len()).unwrap_or(0)
    }
}

/// The layer that times every request of the product's listener.
pub(crate) async fn record_latency(
    State(metrics): State<Arc<ServerMetrics>>,
    req: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, |p| p.as_str())
        .to_string();
    let held_from = anonymous_route(req.method(), req.uri().path()).then(debrief_store::now_ms);
    let res = next.run(req).await;
    let labels = RequestLabels {
        method: method.to_string(),
        route,
        status_class: status_class(res.status().as_u16()).to_string(),
    };
    metrics.observe(labels, start.elapsed().as_secs_f64(), held_from);
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use prometheus_client::registry::Registry;

    fn labels(route: &str) -> RequestLabels {
        RequestLabels {
            method: "POST".into(),
            route: route.into(),
            status_class: "2xx".into(),
        }
    }

    fn count(m: &ServerMetrics, route: &str, now: i64) -> u64 {
        let mut reg = Registry::default();
        reg.register("t", "t", m.latency(now));
        let mut s = String::new();
        prometheus_client::encoding::text::encode(&mut s, &reg).unwrap();
        s.lines()
            .find(|l| l.starts_with("t_count{") && l.contains(&format!("route=\"{route}\"")))
            .and_then(|l| l.rsplit(' ').next())
            .map_or(0, |v| v.parse().unwrap())
    }

    #[test]
    fn anonymous_observations_wait_for_the_end_of_their_minute() {
        let m = ServerMetrics::default();
        let minute = to_minute(debrief_store::now_ms()) + 3_600_000;
        // held: an anonymous request at 20 s past a minute an hour from now
        m.observe(labels("/report"), 0.02, Some(minute + 20_000));
        m.observe(labels("/report"), 0.03, Some(minute + 59_999));
        m.observe(labels("/cases/{id}"), 0.01, None);
        assert_eq!(m.held(), 2);
        assert_eq!(count(&m, "/cases/{id}", minute + 30_000), 1);
        assert_eq!(count(&m, "/report", minute + 30_000), 0);
        assert_eq!(count(&m, "/report", minute + 59_999), 0);
        // the minute has ended: both join the histogram at once
        assert_eq!(count(&m, "/report", minute + 60_000), 2);
        assert_eq!(m.held(), 0);
    }

    #[test]
    fn labels_are_bounded() {
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(status_class(204), "2xx");
        assert_eq!(status_class(404), "4xx");
        assert_eq!(status_class(503), "5xx");
    }
}
