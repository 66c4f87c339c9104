//! `debrief serve --metrics-listen`: the operations listener of the real
//! binary, named by the flag, `DEBRIEF_METRICS_LISTEN` or the config file
//! (in that order), off when none names it, and stopped with the server.

use debrief_store::testkit::TestDb;
use openmetrics_parser::PrometheusValue;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_debrief");
const SECRET: &str = "0202020202020202020202020202020202020202020202020202020202020202";

struct Server {
    child: Child,
    addr: String,
    /// The operations listener's address, when the server printed one.
    metrics: Option<String>,
}

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(BIN);
    c.env("DEBRIEF_SECRET_KEY", SECRET)
        .env_remove("DEBRIEF_METRICS_LISTEN")
        .env_remove("DEBRIEF_LISTEN")
        .env("DEBRIEF_LOG", "warn")
        .arg("serve")
        .args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

#[allow(clippy::zombie_processes)]
fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = command(args, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut metrics = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("server did not start");
        }
        let line = line.trim();
        if let Some(m) = line.strip_prefix("metrics on http://") {
            metrics = Some(m.trim_end_matches("/metrics").to_string());
        }
        if let Some(a) = line.strip_prefix("Debrief listening on http://") {
            return Server {
                child,
                addr: a.to_string(),
                metrics,
            };
        }
    }
}

fn stop(mut s: Server) {
    Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    let status = s.child.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
}

/// One GET on a fresh connection: status, headers and body.
fn get(addr: &str, path: &str) -> (u16, String, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let (head, body) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
    let status = head.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

#[test]
fn the_metrics_listener_serves_only_metrics_and_stops_with_the_server() {
    let db = TestDb::new();
    let s = start(
        &[
            "--database",
            &db.url,
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            "127.0.0.1:0",
        ],
        &[],
    );
    let metrics = s.metrics.clone().expect("the metrics address is printed");
    assert_ne!(metrics, s.addr);
    let (status, _, _) = get(&s.addr, "/healthz");
    assert_eq!(status, 200);
    let (status, _, _) = get(&s.addr, "/metrics");
    assert_eq!(status, 404, "not on the product's listener");
    let (status, _, _) = get(&metrics, "/healthz");
    assert_eq!(
        status, 404,
        "nothing of the product on the metrics listener"
    );

    let (status, head, body) = get(&metrics, "/metrics");
    assert_eq!(status, 200);
    assert!(
        head.contains("content-type: text/plain; version=0.0.4; charset=utf-8"),
        "{head}"
    );
    let e = openmetrics_parser::prometheus::parse_prometheus(&body)
        .unwrap_or_else(|e| panic!("{e:?}\n{body}"));
    let gauge = |family: &str, label: Option<(&str, &str)>| -> Vec<f64> {
        e.families[family]
            .iter_samples()
            .filter(|s| {
                label.is_none_or(|(k, v)| s.get_labelset().unwrap().get_label_value(k) == Some(v))
            })
            .map(|s| match &s.value {
                PrometheusValue::Gauge(n) => n.as_f64(),
                PrometheusValue::Histogram(h) => h.count.unwrap_or(0) as f64,
                other => panic!("{family}: {other:?}"),
            })
            .collect()
    };
    assert_eq!(gauge("debrief_database_up", None), vec![1.0]);
    // the job kinds the server runs, each with its series
    for kind in ["sessions.purge", "action_items.remind"] {
        assert_eq!(
            gauge("debrief_jobs", Some(("kind", kind))).len(),
            2,
            "{kind}: queued and running"
        );
    }
    // one state for both listeners: the product's requests are timed
    assert!(
        gauge(
            "debrief_http_request_duration_seconds",
            Some(("route", "/healthz"))
        )
        .iter()
        .sum::<f64>()
            >= 1.0,
        "{body}"
    );
    stop(s);
}

#[test]
fn metrics_listen_comes_from_flag_env_or_file_and_is_off_otherwise() {
    let db = TestDb::new();
    let base = ["--database", db.url.as_str(), "--listen", "127.0.0.1:0"];
    let off = start(&base, &[]);
    assert!(off.metrics.is_none(), "off unless asked for");
    stop(off);

    let by_env = start(&base, &[("DEBRIEF_METRICS_LISTEN", "127.0.0.1:0")]);
    let m = by_env.metrics.clone().expect("DEBRIEF_METRICS_LISTEN");
    assert_eq!(get(&m, "/metrics").0, 200);
    stop(by_env);

    // the file names a port that is taken: used alone it stops the start,
    // with one line naming the address
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile_dir();
    let file = dir.join("debrief.toml");
    std::fs::write(&file, format!("metrics_listen = \"{taken_addr}\"\n")).unwrap();
    let cfg = file.to_str().unwrap();
    let mut args = base.to_vec();
    args.extend(["--config", cfg]);
    let out = command(&args, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "cannot listen on {taken_addr}: address already in use"
        )),
        "{err}"
    );
    // the environment beats the file, and the flag beats the environment
    let by_env = start(&args, &[("DEBRIEF_METRICS_LISTEN", "127.0.0.1:0")]);
    assert!(by_env.metrics.as_deref().is_some_and(|m| m != taken_addr));
    stop(by_env);
    let mut flagged = args.clone();
    flagged.extend(["--metrics-listen", "127.0.0.1:0"]);
    let by_flag = start(&flagged, &[("DEBRIEF_METRICS_LISTEN", &taken_addr)]);
    assert!(by_flag.metrics.as_deref().is_some_and(|m| m != taken_addr));
    stop(by_flag);
    // and the file alone works once its port is free
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let free_addr = free.local_addr().unwrap().to_string();
    drop(free);
    std::fs::write(&file, format!("metrics_listen = \"{free_addr}\"\n")).unwrap();
    let by_file = start(&args, &[]);
    assert_eq!(by_file.metrics.as_deref(), Some(free_addr.as_str()));
    stop(by_file);
    drop(taken);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "debrief-metrics-{}-{}",
        std::process::id(),
        debrief_core::secret::random_hex(4)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
