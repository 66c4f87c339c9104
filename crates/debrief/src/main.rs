//! `debrief`: the one binary. See `debrief --help`.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod backup_cmd;
mod config;
mod demo;
mod demo_activity;
mod demo_reviews;
mod demo_stories;
mod export_cmd;
mod keyfile;
mod lint_cmd;
mod logs;

use clap::{Args, Parser, Subcommand};
use config::{DEFAULT_DATABASE, DEFAULT_LISTEN, FileConfig, LimitArgs, pick};
use debrief_core::account::UserDraft;
use debrief_core::{Role, Validation};
use debrief_store::audit::Verification;
use debrief_store::{Store, StoreError, now_ms};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "debrief",
    version,
    about = "Incident response as a learning system under a Just Culture."
)]
struct Cli {
    /// Optional TOML configuration file (flags and DEBRIEF_* variables take precedence).
    #[arg(long, global = true, env = "DEBRIEF_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArg {
    /// sqlite://PATH (default sqlite://debrief.db) or postgres://USER@HOST/DB.
    #[arg(long, env = "DEBRIEF_DATABASE_URL")]
    database: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrations are applied first).
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "DEBRIEF_LISTEN")]
        listen: Option<String>,
        /// Also serve GET /metrics (Prometheus) on this address, and nothing else
        /// there (default: not served). Reachable by whoever can reach the address.
        #[arg(long, env = "DEBRIEF_METRICS_LISTEN")]
        metrics_listen: Option<String>,
        /// Load realistic sample people and teams.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (set this when users reach Debrief over HTTPS).
        #[arg(long, env = "DEBRIEF_SECURE_COOKIES")]
        secure_cookies: Option<bool>,
        /// The deployment's key file (default: debrief.key beside the SQLite database).
        /// DEBRIEF_SECRET_KEY (64 hex digits) takes precedence over any file.
        #[arg(long, env = "DEBRIEF_KEY_FILE")]
        key_file: Option<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Generate N realistic cases with their reports over the last six quarters.
    Demo {
        #[command(flatten)]
        db: DbArg,
        /// How many cases to generate.
        #[arg(long)]
        scale: usize,
        /// The deployment's key file (see `serve --key-file`).
        #[arg(long, env = "DEBRIEF_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// Seed for the generator (the same seed gives the same data).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Check a proof-of-report file's signature offline: exit 0 valid, 1 invalid.
    VerifyReceipt {
        /// The proof file (JSON), as downloaded with the report.
        file: PathBuf,
        /// Also require that it was signed by this key: the whole public key shown
        /// at /verify, in base64 or hex (a short fingerprint is refused).
        #[arg(long)]
        key: Option<String>,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Check postmortems for blameful language: exit 0 clean, 1 with warnings or errors, 2 on bad input.
    Lint {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: lint_cmd::Format,
        /// The people directory: one name per line, or a CSV export of users with a name column.
        #[arg(long, value_name = "FILE")]
        people: Option<PathBuf>,
        /// The checker's TOML configuration (default: .debrief-lint.toml when present).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Files, or directories to search for .md, .markdown and .txt files; "-" reads standard input.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Export a case's review: the one-page leadership summary or the full review.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Write a backup of the whole database from one consistent snapshot (the
    /// server may keep running). The deployment key is not in it.
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// The backup file to write (replaced if it exists).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// Load a backup into an empty database, SQLite or PostgreSQL (either engine's
    /// backup restores into either).
    Restore {
        #[command(flatten)]
        db: DbArg,
        /// The backup file, as written by `debrief backup`.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. Without --password-stdin a strong password is generated and printed once.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// A role to grant (repeatable): responder, security_lead, facilitator, leadership, champion, conduct_reviewer, admin.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for an account; prints the token and nothing else.
    Create {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "created with debrief token create")]
        name: String,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The one-page leadership summary (fits one A4 page).
    Summary(ExportArgs),
    /// The full technical review.
    Review(ExportArgs),
}

#[derive(Args)]
struct ExportArgs {
    #[command(flatten)]
    db: DbArg,
    /// The case whose review to export.
    #[arg(long)]
    case: i64,
    /// md (Markdown for a wiki), html (standalone, prints well) or pdf.
    #[arg(long)]
    format: String,
    /// Where to write it (default: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the hash chain: exit 0 when intact, 1 naming the first bad entry.
    Verify {
        #[command(flatten)]
        db: DbArg,
    },
}

/// A failure that ends the command with a one-line message.
struct Fail {
    code: u8,
    message: String,
}

/// Field errors as the command line names them: `--email: …; --role: …`.
fn flag_errors(errors: &[debrief_core::FieldError]) -> String {
    errors
        .iter()
        .map(|e| {
            let flag = match e.field.as_str() {
                "roles" => "role",
                other => other,
            };
            format!("--{flag}: {}", e.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn usage(message: impl Into<String>) -> Fail {
    Fail {
        code: 2,
        message: message.into(),
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        usage(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("debrief: {}", f.message.lines().next().unwrap_or("error"));
            ExitCode::from(f.code)
        }
    }
}

fn init_logs(file: &FileConfig) {
    let filter = std::env::var("DEBRIEF_LOG")
        .ok()
        .or_else(|| file.log.clone())
        .unwrap_or_else(|| "info".into());
    let json = std::env::var("DEBRIEF_LOG_FORMAT")
        .ok()
        .or_else(|| file.log_format.clone())
        .is_some_and(|f| f == "json");
    logs::init(filter, json);
}

fn open(db: &DbArg, file: &FileConfig, migrate: bool) -> Result<Store, Fail> {
    let url = pick(db.database.clone(), file.database.clone(), DEFAULT_DATABASE);
    let store = Store::connect(&url)?;
    if migrate {
        store.migrate_blocking()?;
    } else if store.schema_version_blocking()? == 0 {
        return Err(usage(
            "the database has no Debrief schema yet; run `debrief migrate` or `debrief serve` first",
        ));
    }
    Ok(store)
}

/// Loads the deployment keys for a command that appends to the audit log, so that
/// it anchors the chain like the server does (the key file is created if missing).
fn anchor_audit(db: &DbArg, file: &FileConfig) -> Result<(), Fail> {
    let url = pick(db.database.clone(), file.database.clone(), DEFAULT_DATABASE);
    let path = std::env::var("DEBRIEF_KEY_FILE")
        .ok()
        .or_else(|| file.key_file.clone())
        .map(PathBuf::from)
        .unwrap_or_else(|| keyfile::default_path(&url));
    let keys = keyfile::load(&path).map_err(usage)?;
    debrief_store::audit::anchor_with(&keys);
    Ok(())
}

fn run(cli: Cli) -> Result<(), Fail> {
    // `debrief lint --config` names the checker's own file, not the server's
    let file = match &cli.command {
        Command::Lint { .. } => FileConfig::default(),
        _ => FileConfig::load(cli.config.as_deref()).map_err(usage)?,
    };
    match cli.command {
        Command::Serve {
            db,
            listen,
            metrics_listen,
            demo,
            secure_cookies,
            key_file,
            limits,
        } => {
            init_logs(&file);
            let (trusted_proxies, limits) = config::web_settings(&limits, &file).map_err(usage)?;
            let listen = pick(listen, file.listen.clone(), DEFAULT_LISTEN);
            // take the ports first, so that a port in use is the one thing reported
            let listener = bind(&listen)?;
            let metrics = metrics_listen
                .or_else(|| file.metrics_listen.clone())
                .map(|a| bind(&a))
                .transpose()?;
            let url = pick(db.database.clone(), file.database.clone(), DEFAULT_DATABASE);
            let key_path = key_file
                .or_else(|| file.key_file.clone().map(PathBuf::from))
                .unwrap_or_else(|| keyfile::default_path(&url));
            let store = open(&db, &file, true)?;
            let keys = keyfile::load(&key_path).map_err(usage)?;
            debrief_store::audit::anchor_with(&keys);
            let secure = secure_cookies.or(file.secure_cookies).unwrap_or(false);
            let web = debrief_web::WebConfig {
                secure_cookies: secure,
                trusted_proxies,
                limits,
            };
            serve(store, keys, (listener, metrics), demo, web)
        }
        Command::Migrate { db } => {
            let store = open(&db, &file, false).or_else(|_| {
                let url = pick(db.database.clone(), file.database.clone(), DEFAULT_DATABASE);
                Store::connect(&url).map_err(Fail::from)
            })?;
            let n = store.migrate_blocking()?;
            println!(
                "applied {n} migration(s); schema version {}",
                store.schema_version_blocking()?
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    email,
                    name,
                    roles,
                    password_stdin,
                },
        } => {
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| usage(format!("cannot read the password: {e}")))?;
                (line.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                (debrief_core::secret::random_hex(12), true)
            };
            let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
            let user = UserDraft {
                name: &name,
                email: &email,
                password: &password,
                roles: &roles,
            }
            .parse()
            .map_err(|(_, errors)| usage(flag_errors(&errors)))?;
            let (email, name, set) = (user.email, user.name, user.roles);
            let store = open(&db, &file, true)?;
            anchor_audit(&db, &file)?;
            let hash =
                debrief_core::secret::hash_password(&password).map_err(|e| usage(e.to_string()))?;
            let nu = debrief_store::accounts::NewUser {
                email: email.clone(),
                name,
                password_hash: hash,
                roles: set,
            };
            let user = store
                .db()
                .write_blocking(|c| {
                    let now = now_ms();
                    let u = debrief_store::accounts::insert_user(c, &nu, now)?;
                    let roles: Vec<&str> = set.iter().map(Role::as_str).collect();
                    debrief_store::audit::append(
                        c,
                        now,
                        "cli",
                        "user.created",
                        &format!("user:{}", u.id),
                        &format!("roles={}", roles.join(",")),
                    )?;
                    Ok(u)
                })
                .map_err(|e| match e {
                    StoreError::Unique { field: "email", .. } => {
                        usage(format!("an account with email {email} exists already"))
                    }
                    other => other.into(),
                })?;
            println!(
                "created user {} <{}> (id {})",
                user.name, user.email, user.id
            );
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { db, email, name },
        } => {
            let mut v = Validation::new();
            let name = debrief_core::account::token_name(&mut v, &name);
            v.finish().map_err(|errors| usage(flag_errors(&errors)))?;
            let store = open(&db, &file, false)?;
            anchor_audit(&db, &file)?;
            let email = email.trim().to_lowercase();
            let token = debrief_core::secret::new_api_token();
            let hash = debrief_core::secret::sha256_hex(&token);
            let prefix: String = token.chars().take(10).collect();
            store
                .db()
                .write_blocking(|c| {
                    let r = c
                        .query_opt("SELECT id, disabled FROM users WHERE email = $1", &debrief_store::params![email.clone()])?
                        .ok_or(StoreError::NotFound)?;
                    let (uid, disabled) = (r.i64(0)?, r.bool(1)?);
                    if disabled {
                        return Err(StoreError::State(format!("the account {email} is disabled")));
                    }
                    let now = now_ms();
                    let id = c
                        .query_one(
                            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                            &debrief_store::params![uid, name.clone(), hash.clone(), prefix.clone(), now],
                        )?
                        .i64(0)?;
                    debrief_store::audit::append(c, now, "cli", "token.created", &format!("token:{id}"), &format!("user:{uid}"))?;
                    Ok(())
                })
                .map_err(|e| match e {
                    StoreError::NotFound => usage(format!("no account with email {email}")),
                    other => other.into(),
                })?;
            println!("{token}");
            Ok(())
        }
        Command::Demo {
            db,
            scale,
            key_file,
            seed,
        } => {
            if scale == 0 || scale > 100_000 {
                return Err(usage("--scale must be between 1 and 100000"));
            }
            let url = pick(db.database.clone(), file.database.clone(), DEFAULT_DATABASE);
            let key_path = key_file
                .or_else(|| file.key_file.clone().map(PathBuf::from))
                .unwrap_or_else(|| keyfile::default_path(&url));
            let store = open(&db, &file, true)?;
            let keys = keyfile::load(&key_path).map_err(usage)?;
            debrief_store::audit::anchor_with(&keys);
            demo::load(&store)?;
            let bar = demo::progress_bar(scale);
            let generated = demo_activity::generate(&store, &keys, scale, seed, &|n| {
                bar.set_position(n as u64)
            });
            bar.finish_and_clear();
            let (n, receipt) = generated?;
            println!("generated {n} cases with their reports");
            if let Some(code) = receipt {
                println!("try the receipt page with the anonymous receipt code {code}");
            }
            Ok(())
        }
        Command::VerifyReceipt { file: path, key } => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
            match debrief_core::report::verify_proof(&text) {
                Ok(p) => {
                    if let Some(k) = key {
                        // the whole key, never the short fingerprint: 64 bits can be matched
                        let Some(expected) = debrief_core::keys::parse_public_key(&k) else {
                            return Err(Fail {
                                code: 1,
                                message: "--key needs the whole public key shown at /verify (base64, or 64 hex digits); a short fingerprint does not prove who signed".into(),
                            });
                        };
                        if debrief_core::keys::parse_public_key(&p.public_key) != Some(expected) {
                            return Err(Fail {
                                code: 1,
                                message: format!(
                                    "signature valid, but made by key {} — not the expected one",
                                    p.public_key
                                ),
                            });
                        }
                    }
                    println!(
                        "valid: report {} with content {} received {}, signed by key {}",
                        p.report_id, p.content_sha256, p.received_at, p.public_key
                    );
                    Ok(())
                }
                Err(debrief_core::report::ProofError::NotAProof(m)) if text.trim().is_empty() => {
                    Err(usage(format!("{} is empty: {m}", path.display())))
                }
                Err(e) => Err(Fail {
                    code: 1,
                    message: format!("invalid: {e}"),
                }),
            }
        }
        Command::Lint {
            format,
            people,
            config,
            paths,
        } => {
            let from_flag = std::env::args_os()
                .any(|a| a == "--config" || a.to_string_lossy().starts_with("--config="));
            let outcome = lint_cmd::run(format, people, config, from_flag, paths);
            match outcome.code {
                0 => Ok(()),
                code => Err(Fail {
                    code,
                    message: outcome.message.unwrap_or_default(),
                }),
            }
        }
        Command::Export { command } => {
            let (kind, args) = match command {
                ExportCommand::Summary(a) => (debrief_export::Kind::Summary, a),
                ExportCommand::Review(a) => (debrief_export::Kind::Review, a),
            };
            let store = open(&args.db, &file, false)?;
            export_cmd::run(store, kind, args.case, &args.format, args.output)
        }
        Command::Backup { db, output } => {
            let store = open(&db, &file, false)?;
            backup_cmd::backup(&store, &output)
        }
        Command::Restore { db, file: path } => {
            let url = pick(db.database.clone(), file.database.clone(), DEFAULT_DATABASE);
            let store = Store::connect(&url)?;
            backup_cmd::restore(&store, &url, &path)
        }
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => {
            let store = open(&db, &file, false)?;
            // the chain's end is checked against its keyed anchor when the key is at
            // hand; a missing key file is not created here
            let url = pick(db.database.clone(), file.database.clone(), DEFAULT_DATABASE);
            let key_path = std::env::var("DEBRIEF_KEY_FILE")
                .ok()
                .or_else(|| file.key_file.clone())
                .map(PathBuf::from)
                .unwrap_or_else(|| keyfile::default_path(&url));
            let have_key = std::env::var("DEBRIEF_SECRET_KEY").is_ok() || key_path.exists();
            if have_key {
                debrief_store::audit::anchor_with(&keyfile::load(&key_path).map_err(usage)?);
            }
            match store.verify_audit_blocking()? {
                Verification::Intact { entries } => {
                    if have_key {
                        println!(
                            "audit log intact: {entries} entries verified, the last one against its keyed anchor"
                        );
                    } else {
                        println!(
                            "audit log intact: {entries} entries verified (without the deployment key, deletions at the very end cannot be detected)"
                        );
                    }
                    Ok(())
                }
                Verification::Tampered(e) => Err(Fail {
                    code: 1,
                    message: format!("audit log tampered: {e}"),
                }),
            }
        }
    }
}

/// Binds a listening socket for the server's runtime.
fn bind(addr: &str) -> Result<std::net::TcpListener, Fail> {
    let listener = std::net::TcpListener::bind(addr).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::AddrInUse {
            "address already in use".to_string()
        } else {
            e.to_string()
        };
        usage(format!("cannot listen on {addr}: {why}"))
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| usage(e.to_string()))?;
    Ok(listener)
}

/// Runs the server on the product's listener and, when given, the operations
/// listener (`GET /metrics` only).
fn serve(
    store: Store,
    keys: debrief_core::keys::Keys,
    (listener, metrics): (std::net::TcpListener, Option<std::net::TcpListener>),
    demo: bool,
    web: debrief_web::WebConfig,
) -> Result<(), Fail> {
    // Database work runs on blocking threads. More of them than the database can
    // serve at once (4 SQLite readers and one writer, or 16 PostgreSQL connections)
    // only adds contention, so the pool is capped and requests queue instead.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(16)
        .build()
        .map_err(|e| usage(format!("cannot start the runtime: {e}")))?;
    if demo {
        let n = demo::load(&store)?;
        if n > 0 {
            tracing::info!(people = n, "loaded demo data");
            let (cases, receipt) = demo_activity::generate(&store, &keys, 60, 2026, &|_| {})?;
            tracing::info!(cases, "generated demo cases and reports");
            if let Some(code) = receipt {
                say(&format!("demo receipt code (anonymous report): {code}"));
            }
        }
        say(&format!(
            "demo accounts: admin@{} and others @{}, password {}",
            demo::DOMAIN,
            demo::DOMAIN,
            demo::DEMO_PASSWORD
        ));
    }
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| usage(e.to_string()))?;
        let addr = listener.local_addr().map_err(|e| usage(e.to_string()))?;
        if store.count_admins().await? == 0 {
            let token = debrief_core::secret::random_hex(24);
            let now = now_ms();
            store.create_setup_token(debrief_core::secret::sha256_hex(&token), now, now + 24 * 3600 * 1000).await?;
            // printed on the console for the operator, never logged
            say(&format!("no administrator yet: open http://{addr}/setup/{token} within 24 hours to create one"));
        }
        let shutdown = shutdown_signal();
        let engine = store.engine().name();
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let worker_id = format!("{}-{}", std::process::id(), debrief_core::secret::random_hex(4));
        let jobs = debrief_jobs::standard::kinds(debrief_jobs::standard::Settings {
            session_idle_ms: debrief_web::auth::SESSION_IDLE_MS,
        });
        let job_kinds = jobs.iter().map(|k| k.name.to_string()).collect();
        let runner = debrief_jobs::Runner::new(store.clone(), debrief_jobs::Config::new(worker_id), jobs);
        let mut stopped = stop_rx.clone();
        let worker = tokio::spawn(runner.run(stop_rx));
        let state = debrief_web::AppState::new(store, keys, web);
        // the operations listener stops with the product's, after its grace period
        let metrics = match metrics {
            Some(l) => {
                let l = tokio::net::TcpListener::from_std(l).map_err(|e| usage(e.to_string()))?;
                let at = l.local_addr().map_err(|e| usage(e.to_string()))?;
                say(&format!("metrics on http://{at}/metrics"));
                tracing::info!(%at, "serving metrics");
                let stop = async move { let _ = stopped.changed().await; };
                Some(tokio::spawn(debrief_web::operations::serve_metrics(l, state.clone(), job_kinds, stop)))
            }
            None => None,
        };
        say(&format!("Debrief listening on http://{addr}"));
        tracing::info!(%addr, engine, "serving");
        let result = debrief_web::serve(listener, state, shutdown).await;
        let _ = stop_tx.send(true);
        let _ = worker.await;
        if let Some(m) = metrics {
            let _ = m.await;
        }
        tracing::info!("stopped");
        // lines of anonymous routes held back until the end of their minute
        logs::flush();
        result.map_err(usage)
    })
}

/// A line for the operator on standard output. A closed stdout (the operator's
/// pipe went away) must not stop the server.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is
/// called, before the server says it is listening, not when the future is
/// first polled: a SIGTERM that arrives right after start is a clean stop,
/// not the default kill. Call it inside the runtime.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (int, term) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(int) => {}
                _ = wait(term) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}
