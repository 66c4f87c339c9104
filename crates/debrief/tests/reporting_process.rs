//! Reporting against the real binary: anonymity across the database and the
//! server's log, durability of acknowledged reports across a SIGKILL, and
//! offline proof verification with `debrief verify-receipt`.

use debrief_store::testkit::TestDb;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_debrief");

struct Server {
    child: Child,
    addr: String,
}

#[allow(clippy::zombie_processes)]
fn start(
    db: &str,
    listen: &str,
    key_file: &std::path::Path,
    log: Option<&std::path::Path>,
) -> Server {
    let stderr = match log {
        Some(p) => Stdio::from(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .unwrap(),
        ),
        None => Stdio::null(),
    };
    let mut child = Command::new(BIN)
        .args(["serve", "--database", db, "--listen", listen, "--key-file"])
        .arg(key_file)
        .env("DEBRIEF_LOG", if log.is_some() { "debug" } else { "warn" })
        .env_remove("DEBRIEF_SECRET_KEY")
        // the crash test floods intake from one address; the limits have tests of their own
        .env("DEBRIEF_ANONYMOUS_REPORTS_PER_MINUTE", "0")
        .env("DEBRIEF_ANONYMOUS_REPORTS_GLOBAL_PER_MINUTE", "0")
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("server did not start");
        }
        if let Some(a) = line.trim().strip_prefix("Debrief listening on http://") {
            return Server {
                child,
                addr: a.to_string(),
            };
        }
    }
}

fn terminate(mut s: Server) {
    Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    s.child.wait().unwrap();
}

/// One HTTP/1.1 request on a fresh connection; `None` if the connection failed.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let status = resp.split(' ').nth(1)?.parse().ok()?;
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

fn json_field(body: &str, key: &str) -> Option<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()?
        .get(key)
        .cloned()
}

/// Every table's rows as text (PostgreSQL), or the database files' bytes (SQLite).
fn database_text(db: &TestDb, sqlite_dir: Option<&std::path::Path>) -> String {
    if let Some(dir) = sqlite_dir {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.file_name().unwrap().to_string_lossy().contains(".db") {
                all.extend(std::fs::read(&p).unwrap());
            }
        }
        return String::from_utf8_lossy(&all).into_owned();
    }
    let store = debrief_store::Store::connect(&db.url).unwrap();
    store
        .db()
        .read_blocking(|c| {
            let tables: Vec<String> = c
                .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()", &[])?
                .iter()
                .map(|r| r.text(0))
                .collect::<Result<_, _>>()?;
            let mut out = String::new();
            for t in tables {
                for r in c.query(&format!("SELECT t::text FROM {t} t"), &[])? {
                    out.push_str(&r.text(0)?);
                    out.push('\n');
                }
            }
            Ok(out)
        })
        .unwrap()
}

fn sqlite_dir(db: &TestDb) -> Option<std::path::PathBuf> {
    db.url
        .strip_prefix("sqlite://")
        .map(|p| std::path::Path::new(p).parent().unwrap().to_path_buf())
}

#[test]
fn anonymous_reports_leave_no_trace_of_the_reporter() {
    let db = TestDb::new();
    let tmp = tempfile_dir("anon");
    let log = tmp.join("server.log");
    let server = start(&db.url, "127.0.0.1:0", &tmp.join("debrief.key"), Some(&log));
    let marker = format!("AnonMarkerAgent/{}", debrief_core::secret::random_hex(6));
    let source = "127.0.0.99";
    let forwarded = "198.51.100.23";
    // curl sends from a known loopback address of its own
    let curl = |args: &[&str]| {
        let out = Command::new("curl")
            .args([
                "-sS",
                "--interface",
                source,
                "-A",
                &marker,
                "-H",
                &format!("X-Forwarded-For: {forwarded}"),
                "-H",
                &format!("X-Real-IP: {forwarded}"),
            ])
            .args(args)
            .output()
            .expect("curl");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let base = format!("http://{}", server.addr);
    let body = curl(&[
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"kind":"concern","title":"Pressure to skip reviews","description":"Before the launch we were told to merge without review.","confidentiality":"anonymous"}"#,
        &format!("{base}/api/v1/reports"),
    ]);
    let receipt = json_field(&body, "receipt")
        .and_then(|v| v.as_str().map(str::to_string))
        .expect("receipt");
    curl(&[&format!("{base}/api/v1/receipts/{receipt}")]);
    curl(&[
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"body":"It happened twice."}"#,
        &format!("{base}/api/v1/receipts/{receipt}/messages"),
    ]);
    curl(&[&format!("{base}/report")]);
    terminate(server);

    let digits: String = receipt.chars().filter(char::is_ascii_digit).collect();
    let dir = sqlite_dir(&db);
    let data = database_text(&db, dir.as_deref());
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        data.contains("Pressure to skip reviews"),
        "the search reads the real data"
    );
    assert!(
        logged.contains("/api/v1/reports"),
        "the search reads the real log"
    );
    for (what, needle) in [
        ("user agent", marker.as_str()),
        ("address", source),
        ("forwarded address", forwarded),
        ("receipt code", digits.as_str()),
        ("receipt code", receipt.as_str()),
    ] {
        assert!(!data.contains(needle), "the {what} is in the database");
        assert!(!logged.contains(needle), "the {what} is in the log");
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "debrief-{name}-{}-{}",
        std::process::id(),
        debrief_core::secret::random_hex(4)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn every_acknowledged_report_survives_a_crash() {
    let db = TestDb::new();
    let tmp = tempfile_dir("durable");
    let key = tmp.join("debrief.key");
    let server = start(&db.url, "127.0.0.1:0", &key, None);
    let addr = server.addr.clone();
    let acked: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..8 {
        let (addr, acked, stop) = (addr.clone(), acked.clone(), stop.clone());
        workers.push(std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let title = format!("durability {w}-{n}");
                let body = format!(r#"{{"kind":"near_miss","title":"{title}","description":"d","confidentiality":"anonymous"}}"#);
                match request(&addr, "POST", "/api/v1/reports", &[("Content-Type", "application/json")], &body) {
                    Some((201, b)) => {
                        let id = json_field(&b, "id").and_then(|v| v.as_i64()).expect("id");
                        acked.lock().unwrap().push((id, title));
                    }
                    Some(_) => {}
                    None => break,
                }
                n += 1;
            }
        }));
    }
    // let reports flow, then kill the server without warning
    let t0 = Instant::now();
    while acked.lock().unwrap().len() < 200 && t0.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut child = server.child;
    child.kill().unwrap();
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 200,
        "enough reports were acknowledged before the crash: {}",
        acked.len()
    );

    let server = start(&db.url, "127.0.0.1:0", &key, None);
    let store = debrief_store::Store::connect(&db.url).unwrap();
    let stored: std::collections::HashMap<i64, String> = store
        .db()
        .read_blocking(|c| {
            c.query("SELECT id, title FROM reports", &[])?
                .iter()
                .map(|r| Ok((r.i64(0)?, r.text(1)?)))
                .collect()
        })
        .unwrap();
    for (id, title) in &acked {
        assert_eq!(
            stored.get(id),
            Some(title),
            "acknowledged report {id} is missing after the crash"
        );
    }
    drop(store);
    terminate(server);
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn proofs_verify_offline_with_the_cli() {
    let db = TestDb::new();
    let tmp = tempfile_dir("proof");
    let server = start(&db.url, "127.0.0.1:0", &tmp.join("debrief.key"), None);
    let (status, body) = request(
        &server.addr,
        "POST",
        "/api/v1/reports",
        &[("Content-Type", "application/json")],
        r#"{"kind":"vulnerability","title":"Open admin port","description":"Port 8443 answers from the internet.","confidentiality":"anonymous"}"#,
    )
    .unwrap();
    assert_eq!(status, 201);
    let receipt = json_field(&body, "receipt")
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let (status, proof) = request(
        &server.addr,
        "GET",
        &format!("/api/v1/receipts/{receipt}/proof"),
        &[],
        "",
    )
    .unwrap();
    assert_eq!(status, 200);
    terminate(server);

    let file = tmp.join("proof.json");
    std::fs::write(&file, &proof).unwrap();
    let out = Command::new(BIN)
        .arg("verify-receipt")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = json_field(&body, "id").unwrap().as_i64().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(&format!("valid: report {id}")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let public_key = json_field(&proof, "public_key")
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let out = Command::new(BIN)
        .arg("verify-receipt")
        .arg(&file)
        .args(["--key", &public_key])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = Command::new(BIN)
        .arg("verify-receipt")
        .arg(&file)
        .args(["--key", "AAAA:BBBB:CCCC:DDDD"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "another deployment's key");

    let received = json_field(&proof, "received_at")
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(&file, proof.replace(&received, "2001-01-01T00:00:00Z")).unwrap();
    let out = Command::new(BIN)
        .arg("verify-receipt")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a changed proof is invalid");
    let out = Command::new(BIN)
        .arg("verify-receipt")
        .arg(tmp.join("missing.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&tmp);
}

/// Adds an account with `roles` and an API token for it, straight in the database.
fn add_account(db: &TestDb, email: &str, roles: debrief_core::RoleSet) -> (i64, String) {
    let store = debrief_store::Store::connect(&db.url).unwrap();
    let token = debrief_core::secret::new_api_token();
    let hash = debrief_core::secret::sha256_hex(&token);
    let email = email.to_string();
    let id = store
        .db()
        .write_blocking(move |c| {
            let u = debrief_store::accounts::insert_user(
                c,
                &debrief_store::accounts::NewUser {
                    email: email.clone(),
                    name: email.clone(),
                    password_hash: "unused".into(),
                    roles,
                },
                1_700_000_000_000,
            )?;
            c.execute(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_ms) VALUES ($1, 'test', $2, 'dbt_', 1)",
                &debrief_store::params![u.id, hash],
            )?;
            Ok(u.id)
        })
        .unwrap();
    (id, token)
}

fn token_last_used(db: &TestDb, user_id: i64) -> Option<i64> {
    let store = debrief_store::Store::connect(&db.url).unwrap();
    store
        .db()
        .read_blocking(move |c| {
            c.query_one(
                "SELECT last_used_ms FROM api_tokens WHERE user_id = $1",
                &debrief_store::params![user_id],
            )?
            .opt_i64(0)
        })
        .unwrap()
}

/// Named, anonymous, anonymous, named in a row: nothing a responder, an
/// administrator, the audit log or the server's log can read places the
/// anonymous reports more finely than their minute.
#[test]
fn anonymous_reports_cannot_be_dated_to_the_second() {
    use debrief_core::{Role, RoleSet};
    let db = TestDb::new();
    let tmp = tempfile_dir("minute");
    let log = tmp.join("server.log");
    let server = start(&db.url, "127.0.0.1:0", &tmp.join("debrief.key"), Some(&log));
    let (_, named) = add_account(
        &db,
        "named@example.org",
        RoleSet::from_roles([Role::Reporter]),
    );
    let (lurker, lurker_token) = add_account(
        &db,
        "lurker@example.org",
        RoleSet::from_roles([Role::Reporter]),
    );
    let (_, responder) = add_account(
        &db,
        "responder@example.org",
        RoleSet::from_roles([Role::Responder]),
    );
    let (_, admin) = add_account(&db, "admin@example.org", RoleSet::from_roles([Role::Admin]));
    let addr = server.addr.clone();
    let report = |title: &str, mode: &str, extra: &[(&str, &str)]| {
        let body = format!(
            r#"{{"kind":"near_miss","title":"{title}","description":"d","confidentiality":"{mode}"}}"#
        );
        let mut headers = vec![("Content-Type", "application/json")];
        headers.extend_from_slice(extra);
        let (status, b) = request(&addr, "POST", "/api/v1/reports", &headers, &body).unwrap();
        assert_eq!(status, 201, "{b}");
        json_field(&b, "id").and_then(|v| v.as_i64()).unwrap()
    };
    let bearer = |t: &str| format!("Bearer {t}");
    let forged = "x status=200 path=/reveal forged-marker-7f3a";
    let n1 = report(
        "first named",
        "named",
        &[("Authorization", &bearer(&named))],
    );
    let a1 = report("first anonymous", "anonymous", &[("X-Request-Id", forged)]);
    // a signed-in person reporting anonymously: their token is not marked as used
    let lurker_auth = bearer(&lurker_token);
    let a2 = report(
        "second anonymous",
        "anonymous",
        &[
            ("Authorization", &lurker_auth),
            ("X-Request-Id", "0123456789abcdef"),
        ],
    );
    assert_eq!(
        token_last_used(&db, lurker),
        None,
        "anonymous intake marked the reporter's token as used"
    );
    let n2 = report(
        "second named",
        "named",
        &[("Authorization", &bearer(&named))],
    );

    // identifiers do not give the order of arrival
    let ids = [n1, a1, a2, n2];
    for id in ids {
        assert!(
            debrief_core::report::REPORT_ID_RANGE.contains(&id),
            "report id {id} is not a random one"
        );
    }
    assert!(
        ids.windows(2).all(|w| (w[1] - w[0]).abs() > 1),
        "report ids count up: {ids:?}"
    );

    // what a responder reads: anonymous reports are dated to the minute
    let (status, list) = request(
        &addr,
        "GET",
        "/api/v1/reports?limit=10",
        &[("Authorization", &bearer(&responder))],
        "",
    )
    .unwrap();
    assert_eq!(status, 200);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    for item in items {
        let id = item["id"].as_i64().unwrap();
        let at =
            chrono::DateTime::parse_from_rfc3339(item["received_at"].as_str().unwrap()).unwrap();
        if id == a1 || id == a2 {
            assert_eq!(at.timestamp_millis() % 60_000, 0, "{item}");
        }
    }

    // the audit log says nothing about the anonymous reports
    let (status, audit) = request(
        &addr,
        "GET",
        "/api/v1/audit?limit=1000",
        &[("Authorization", &bearer(&admin))],
        "",
    )
    .unwrap();
    assert_eq!(status, 200);
    assert!(audit.contains(&format!("report:{n1}")), "{audit}");
    for a in [a1, a2] {
        assert!(!audit.contains(&a.to_string()), "the audit log names {a}");
    }

    // a well-formed request id on another route is kept and returned; a malformed one is replaced
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /api/v1/me HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: {}\r\nX-Request-Id: trace-0000-1111\r\n\r\n",
        bearer(&named)
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(
        resp.to_ascii_lowercase()
            .contains("x-request-id: trace-0000-1111"),
        "{resp}"
    );
    terminate(server);

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("trace-0000-1111"),
        "the log keeps well-formed ids"
    );
    assert!(
        !logged.contains("forged-marker-7f3a"),
        "a forged request id reached the log"
    );
    assert!(
        !logged.contains("0123456789abcdef"),
        "a client id on an anonymous route reached the log"
    );
    // a line of an anonymous route comes after every other line of its minute:
    // its place among them must not date it either
    let lines: Vec<&str> = logged.lines().collect();
    let minute = |l: &str| l.get(..16).unwrap_or("").to_string();
    let coarse = |l: &str| l.split_whitespace().next().is_some_and(|s| s.len() == 17);
    for (i, line) in lines.iter().enumerate() {
        if coarse(line) {
            let m = minute(line);
            assert!(
                lines[i + 1..].iter().all(|l| coarse(l) || minute(l) != m),
                "a line of an anonymous route is followed by another line of its minute:\n{logged}"
            );
        }
    }
    let intake: Vec<&str> = logged
        .lines()
        .filter(|l| l.contains("/api/v1/reports") && l.contains("POST"))
        .collect();
    assert!(
        intake.len() >= 4,
        "the intake requests are in the log:\n{logged}"
    );
    for line in intake {
        let stamp = line.split_whitespace().next().unwrap_or("");
        assert!(
            stamp.len() == "2026-12-01T10:15Z".len() && stamp.ends_with('Z'),
            "an intake log line is timed finer than the minute: {line}"
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// `debrief verify-receipt` takes the deployment's whole public key (base64 or
/// hex), never the short fingerprint pages show beside it.
#[test]
fn the_cli_verifies_with_the_whole_key_only() {
    let keys = debrief_core::keys::Keys::from_master(&[9u8; 32]);
    let proof = debrief_core::report::make_proof(&keys, 7, "abc", 0);
    let json_text = serde_json::to_string(&proof).unwrap();
    let dir = std::env::temp_dir().join(format!("debrief-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("proof.json");
    std::fs::write(&file, &json_text).unwrap();
    let run = |key: &str| {
        std::process::Command::new(BIN)
            .arg("verify-receipt")
            .arg(&file)
            .args(["--key", key])
            .output()
            .unwrap()
    };
    assert_eq!(run(&keys.public_key_b64()).status.code(), Some(0));
    assert_eq!(run(&keys.public_key_hex()).status.code(), Some(0));
    let out = run(&keys.fingerprint());
    assert_eq!(
        out.status.code(),
        Some(1),
        "a 64-bit fingerprint is not enough"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("whole public key"));
    let other = debrief_core::keys::Keys::from_master(&[8u8; 32]);
    assert_eq!(run(&other.public_key_b64()).status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}
