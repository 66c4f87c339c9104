//! The `debrief` binary as an operator uses it: exit codes, one-line errors,
//! users and tokens, audit verification, configuration layering, the setup link,
//! graceful shutdown, and the serving process's memory under a burst of sign-ins.

use debrief_store::testkit::TestDb;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use debrief_testkit::client;
use reqwest::StatusCode;

const BIN: &str = env!("CARGO_BIN_EXE_debrief");

/// Every process of these tests shares one deployment key, so that no key file
/// is created in the working directory.
const SECRET: &str = "0101010101010101010101010101010101010101010101010101010101010101";

fn debrief(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .env("DEBRIEF_SECRET_KEY", SECRET)
        .args(args)
        .env_remove("DEBRIEF_DATABASE_URL")
        .env_remove("DEBRIEF_LISTEN")
        .output()
        .unwrap()
}

fn debrief_stdin(args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(BIN)
        .env("DEBRIEF_SECRET_KEY", SECRET)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn one_line_error(out: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line on stderr, got: {err}"
    );
    err
}

struct Server {
    child: Child,
    base: String,
    stdout_lines: Vec<String>,
}

// the returned Server owns the child; `stop` waits for it
#[allow(clippy::zombie_processes)]
fn start(args: &[&str]) -> Server {
    start_logging(args, None)
}

/// Starts a server; with `log`, its info-level log goes to that file.
#[allow(clippy::zombie_processes)]
fn start_logging(args: &[&str], log: Option<&std::path::Path>) -> Server {
    let stderr = match log {
        Some(p) => Stdio::from(std::fs::File::create(p).unwrap()),
        None => Stdio::null(),
    };
    let mut child = Command::new(BIN)
        .env("DEBRIEF_SECRET_KEY", SECRET)
        .arg("serve")
        .args(args)
        .env("DEBRIEF_LOG", if log.is_some() { "info" } else { "warn" })
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("server did not start: {lines:?}");
        }
        if let Some(addr) = line.trim().strip_prefix("Debrief listening on ") {
            let base = addr.to_string();
            lines.push(line.trim().to_string());
            return Server {
                child,
                base,
                stdout_lines: lines,
            };
        }
        lines.push(line.trim().to_string());
    }
}

fn http(base: &str, path: &str, bearer: Option<&str>) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let auth = bearer
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
    (status, resp)
}

#[test]
fn bad_database_urls_and_unreachable_databases_exit_2_with_one_line() {
    let out = debrief(&["migrate", "--database", "mysql://x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("unsupported database URL"));

    let out = debrief(&[
        "migrate",
        "--database",
        "postgres://postgres:secret@127.0.0.1:1/none",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = one_line_error(&out);
    assert!(err.contains("PostgreSQL"), "{err}");
    assert!(!err.contains("secret"), "passwords never printed: {err}");

    let out = debrief(&[
        "serve",
        "--database",
        "sqlite:///nonexistent-dir/x/y.db",
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out);

    let out = debrief(&[
        "user",
        "add",
        "--email",
        "x",
        "--name",
        "X",
        "--role",
        "wizard",
        "--password-stdin",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn port_in_use_exits_2() {
    let db = TestDb::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = debrief(&["serve", "--database", &db.url, "--listen", &addr]);
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("address already in use"));
}

#[test]
fn users_tokens_and_audit_verification() {
    let db = TestDb::new();
    let out = debrief_stdin(
        &[
            "user",
            "add",
            "--database",
            &db.url,
            "--email",
            "Ops@Example.org",
            "--name",
            "Ops",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "correct horse battery staple\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = debrief_stdin(
        &[
            "user",
            "add",
            "--database",
            &db.url,
            "--email",
            "ops@example.org",
            "--name",
            "Ops",
            "--password-stdin",
        ],
        "correct horse battery staple\n",
    );
    assert_eq!(out.status.code(), Some(2), "duplicate");

    let out = debrief(&[
        "token",
        "create",
        "--database",
        &db.url,
        "--email",
        "ops@example.org",
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "the token and nothing else");
    let token = stdout.trim().to_string();
    assert!(token.starts_with("dbt_"));
    let out = debrief(&[
        "token",
        "create",
        "--database",
        &db.url,
        "--email",
        "nobody@example.org",
    ]);
    assert_eq!(out.status.code(), Some(2));

    let server = start(&["--database", &db.url, "--listen", "127.0.0.1:0"]);
    let (status, body) = http(&server.base, "/api/v1/me", Some(&token));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("ops@example.org"));
    stop(server);

    let out = debrief(&["audit", "verify", "--database", &db.url]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // tamper directly in the database
    let url = db.url.clone();
    let store = debrief_store::Store::connect(&url).unwrap();
    let disable = match store.engine() {
        debrief_store::db::Engine::Sqlite => "DROP TRIGGER audit_log_no_update",
        debrief_store::db::Engine::Postgres => {
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"
        }
    };
    store
        .db()
        .write_blocking(|c| {
            c.batch(&format!(
                "{disable}; UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2"
            ))
        })
        .unwrap();
    drop(store);
    let out = debrief(&["audit", "verify", "--database", &db.url]);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line_error(&out).contains("audit entry 2"));
}

#[test]
fn deleting_the_last_audit_entries_is_detected() {
    let db = TestDb::new();
    for (i, email) in ["a@example.org", "b@example.org", "c@example.org"]
        .iter()
        .enumerate()
    {
        let out = debrief_stdin(
            &[
                "user",
                "add",
                "--database",
                &db.url,
                "--email",
                email,
                "--name",
                &format!("P{i}"),
                "--password-stdin",
            ],
            "correct horse battery staple\n",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = debrief(&["audit", "verify", "--database", &db.url]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("keyed anchor"));

    let store = debrief_store::Store::connect(&db.url).unwrap();
    let disable = match store.engine() {
        debrief_store::db::Engine::Sqlite => "DROP TRIGGER audit_log_no_delete",
        debrief_store::db::Engine::Postgres => {
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"
        }
    };
    store
        .db()
        .write_blocking(|c| c.batch(&format!("{disable}; DELETE FROM audit_log WHERE seq = 3")))
        .unwrap();
    let out = debrief(&["audit", "verify", "--database", &db.url]);
    assert_eq!(out.status.code(), Some(1), "a shortened chain is detected");
    assert!(
        one_line_error(&out).contains("audit entry 3"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // removing the anchor as well does not hide it
    store
        .db()
        .write_blocking(|c| c.batch("DELETE FROM audit_head"))
        .unwrap();
    drop(store);
    let out = debrief(&["audit", "verify", "--database", &db.url]);
    assert_eq!(out.status.code(), Some(1));
    // and without the key the chain itself is still checked
    let out = Command::new(BIN)
        .args(["audit", "verify", "--database", &db.url])
        .env_remove("DEBRIEF_SECRET_KEY")
        .env("DEBRIEF_KEY_FILE", "/nonexistent/debrief.key")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("without the deployment key"));
}

fn stop(mut server: Server) {
    let pid = server.child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = server.child.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
}

#[test]
fn serve_prints_a_setup_link_when_no_admin_exists() {
    let db = TestDb::new();
    let log = std::env::temp_dir().join(format!("debrief-setup-log-{}", std::process::id()));
    let server = start_logging(
        &["--database", &db.url, "--listen", "127.0.0.1:0"],
        Some(&log),
    );
    let link = server
        .stdout_lines
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.contains("/setup/")))
        .expect("setup link printed")
        .to_string();
    let path = link.split_once("://").unwrap().1.split_once('/').unwrap().1;
    let (status, _) = http(&server.base, &format!("/{path}"), None);
    assert_eq!(status, 200);
    stop(server);
    let token = path.trim_start_matches("setup/");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("/setup/***"),
        "the request was logged: {logged}"
    );
    assert!(
        !logged.contains(token),
        "the set-up secret never reaches the log"
    );
    let _ = std::fs::remove_file(&log);
}

#[test]
fn in_flight_requests_complete_on_sigterm() {
    let db = TestDb::new();
    let server = start(&["--database", &db.url, "--listen", "127.0.0.1:0"]);
    let addr = server.base.trim_start_matches("http://").to_string();
    // a request whose body is still arriving when the signal comes
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    let body = "email=a%40b.org&password=x";
    write!(s, "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
    s.write_all(&body.as_bytes()[..5]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    s.write_all(&body.as_bytes()[5..]).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(
        resp.starts_with("HTTP/1.1 403"),
        "the request was answered (CSRF refusal is its proper answer): {resp}"
    );
    let mut child = server.child;
    assert!(child.wait().unwrap().success());
}

#[test]
fn configuration_layers_flags_env_file() {
    let db = TestDb::new();
    let dir = std::env::temp_dir().join(format!("debrief-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "database = \"sqlite://x.db\"\nport = 1\n").unwrap();
    let out = debrief(&["migrate", "--config", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("line 2"));

    let good = dir.join("good.toml");
    std::fs::write(
        &good,
        format!("database = \"{}\"\nlisten = \"127.0.0.1:1\"\n", db.url),
    )
    .unwrap();
    let out = debrief(&["migrate", "--config", good.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "the file's database is used: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // the environment beats the file, the flag beats the environment
    let out = Command::new(BIN)
        .env("DEBRIEF_SECRET_KEY", SECRET)
        .args(["serve", "--config", good.to_str().unwrap()])
        .env("DEBRIEF_LISTEN", "127.0.0.1:0")
        .env("DEBRIEF_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = out;
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.contains("setup") || line.contains("listening"),
        "{line}"
    );
    assert!(
        !line.contains("127.0.0.1:1/"),
        "not the file's port: {line}"
    );
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    let out = debrief(&[
        "serve",
        "--config",
        good.to_str().unwrap(),
        "--listen",
        "999.0.0.1:80",
    ]);
    assert_eq!(out.status.code(), Some(2), "the flag's address is used");
}

/// Several server processes share one PostgreSQL database: they migrate once
/// between them, both serve, and background jobs do not pile up. Always on
/// PostgreSQL, whichever engine the rest of the suite uses.
#[test]
fn two_servers_share_one_postgres_database() {
    let db = TestDb::on(debrief_store::db::Engine::Postgres);
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| start(&["--database", &db.url, "--listen", "127.0.0.1:0"]));
        let b = s.spawn(|| start(&["--database", &db.url, "--listen", "127.0.0.1:0"]));
        (a.join().unwrap(), b.join().unwrap())
    });
    for server in [&a, &b] {
        assert_eq!(http(&server.base, "/readyz", None).0, 200);
    }
    std::thread::sleep(Duration::from_millis(500));
    let store = debrief_store::Store::connect(&db.url).unwrap();
    let (migrations, pending) = store
        .db()
        .read_blocking(|c| {
            let m = c.query_one("SELECT COUNT(*) FROM schema_migrations", &[])?.i64(0)?;
            let p = c
                .query_one(
                    "SELECT COUNT(*) FROM jobs WHERE kind = 'sessions.purge' AND state IN ('queued', 'running')",
                    &[],
                )?
                .i64(0)?;
            Ok((m, p))
        })
        .unwrap();
    assert_eq!(
        migrations as usize,
        debrief_store::migrate::migrations(store.engine()).len()
    );
    assert!(
        pending <= 1,
        "at most one clean-up job waiting, found {pending}"
    );
    drop(store);
    stop(a);
    stop(b);
}

#[test]
fn the_cli_refuses_common_passwords() {
    let dir = std::env::temp_dir().join(format!("debrief-pw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("pw.db").display());
    let out = debrief_stdin(
        &[
            "user",
            "add",
            "--database",
            &db,
            "--email",
            "ops@example.org",
            "--name",
            "Ops",
            "--password-stdin",
        ],
        "password1234\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("most common passwords"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn rss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// A wrong sign-in, retried while the server answers 503 (busy), so that every
/// one of them is eventually hashed. Returns the final status and the 503s seen.
async fn anonymous_login(base: &str, from: &str, email: &str) -> (StatusCode, usize) {
    let mut busy = 0;
    loop {
        let s = anonymous_login_once(base, from, email).await;
        if s != StatusCode::SERVICE_UNAVAILABLE || busy >= 100 {
            return (s, busy);
        }
        busy += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn anonymous_login_once(base: &str, from: &str, email: &str) -> StatusCode {
    let csrf = debrief_core::secret::random_hex(32);
    client()
        .post(format!("{base}/login"))
        .header("cookie", format!("debrief_csrf={csrf}"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", from)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", "wrong password"),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_sign_ins_leaves_memory_within_100_mb() {
    let db = TestDb::new();
    let server = start(&[
        "--database",
        &db.url,
        "--listen",
        "127.0.0.1:0",
        "--trusted-proxies",
        "127.0.0.1",
    ]);
    let (mut child, base) = (server.child, server.base);
    // warm up: the first sign-in makes the dummy hash and touches every layer
    for i in 0..3 {
        anonymous_login(&base, &format!("192.0.2.{i}"), "warm@example.org").await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(child.id());
    let jobs: Vec<_> = (0..50)
        .map(|i| {
            let base = base.clone();
            tokio::spawn(async move {
                anonymous_login(
                    &base,
                    &format!("203.0.113.{i}"),
                    &format!("nobody{i}@example.org"),
                )
                .await
            })
        })
        .collect();
    let mut answered = Vec::new();
    for j in jobs {
        answered.push(j.await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let after = rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let unauthorized = answered
        .iter()
        .filter(|(s, _)| *s == StatusCode::UNAUTHORIZED)
        .count();
    let busy: usize = answered.iter().map(|(_, b)| b).sum();
    eprintln!(
        "RSS before {before} KiB, after {after} KiB, grew {} KiB; {unauthorized} of 50 checked, {busy} answers 503 (retried)",
        after.saturating_sub(before),
    );
    assert_eq!(
        unauthorized, 50,
        "every one is checked in the end: {answered:?}"
    );
    assert!(
        after.saturating_sub(before) < 100 * 1000,
        "RSS grew from {before} KiB to {after} KiB"
    );
}
