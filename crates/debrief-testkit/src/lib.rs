//! The test harness of the integration suites: starts the real server on a
//! random port against a throwaway database on the engine `DEBRIEF_TEST_DB`
//! names (sqlite by default, or postgres), with one account per role, and
//! signs callers in as a browser or with an API token. Used by the web
//! crate's HTTP tests and by the binary's tests that need a running server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use debrief_core::{Role, RoleSet};
use debrief_store::accounts::NewUser;
use debrief_store::testkit::{TestDb, off_runtime};
use debrief_store::{Store, User, now_ms};
use reqwest::header::{HeaderMap, HeaderValue};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

pub const PASSWORD: &str = "correct horse battery staple";

/// One Argon2 hash shared by every test user (hashing is deliberately slow).
pub fn password_hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| debrief_core::secret::hash_password(PASSWORD).unwrap())
        .clone()
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub store: Store,
    pub db: TestDb,
    /// One account per role (holding only that role), plus "reporter".
    pub users: HashMap<Role, User>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Sends an API request, with a bearer token and a JSON body when given.
pub async fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let mut r = client().request(method, app.url(path));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

/// The problem document of `r`, which must have status `want` and the
/// `application/problem+json` type; `what` names the case in a failure.
pub async fn problem(
    r: reqwest::Response,
    want: reqwest::StatusCode,
    what: &str,
) -> serde_json::Value {
    assert_eq!(r.status(), want, "{what}");
    assert_eq!(
        r.headers()["content-type"],
        "application/problem+json",
        "{what}"
    );
    r.json().await.unwrap()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Default::default()).await
    }

    async fn add_user_to(store: &Store, email: &str, roles: RoleSet) -> User {
        let nu = NewUser {
            email: email.into(),
            name: format!("Test {email}"),
            password_hash: password_hash(),
            roles,
        };
        store
            .write(move |c| debrief_store::accounts::insert_user(c, &nu, now_ms()))
            .await
            .unwrap()
    }

    pub async fn add_user(&self, email: &str, roles: RoleSet) -> User {
        Self::add_user_to(&self.store, email, roles).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A fresh signed-in session for `user`; returns the Cookie header value
    /// (session and CSRF cookie) and the CSRF token.
    pub async fn session(&self, user: &User) -> Session {
        let sid = debrief_core::secret::random_hex(32);
        let now = now_ms();
        self.store
            .create_session(
                debrief_core::secret::sha256_hex(&sid),
                user.id,
                now,
                now + 3_600_000,
            )
            .await
            .unwrap();
        let csrf = debrief_core::secret::random_hex(32);
        Session {
            cookie: format!("debrief_session={sid}; debrief_csrf={csrf}"),
            csrf,
            sid,
        }
    }

    pub async fn session_for(&self, role: Role) -> Session {
        let u = self.users[&role].clone();
        self.session(&u).await
    }

    /// A live API token for `user`.
    pub async fn token(&self, user: &User) -> String {
        let t = debrief_core::secret::new_api_token();
        self.store
            .create_token(
                user.id,
                "test".into(),
                debrief_core::secret::sha256_hex(&t),
                "dbt_test".into(),
                now_ms(),
            )
            .await
            .unwrap();
        t
    }

    /// An anonymous browser's cookie jar: just a CSRF cookie.
    pub fn anonymous(&self) -> Session {
        let csrf = debrief_core::secret::random_hex(32);
        Session {
            cookie: format!("debrief_csrf={csrf}"),
            csrf,
            sid: String::new(),
        }
    }

    /// Headers a same-origin browser form post carries.
    pub fn browser_headers(&self, s: &Session) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("cookie", HeaderValue::from_str(&s.cookie).unwrap());
        h.insert("origin", HeaderValue::from_str(&self.base).unwrap());
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        h
    }

    /// Posts a form as a same-origin browser would, with the CSRF field.
    pub async fn post_form(
        &self,
        s: &Session,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf", s.csrf.as_str())];
        all.extend_from_slice(fields);
        client()
            .post(self.url(path))
            .headers(self.browser_headers(s))
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, s: &Session, path: &str) -> reqwest::Response {
        client()
            .get(self.url(path))
            .headers(self.browser_headers(s))
            .send()
            .await
            .unwrap()
    }

    pub async fn audit_count(&self, action: &str) -> i64 {
        let action = action.to_string();
        self.store
            .read(move |c| {
                c.query_one(
                    "SELECT COUNT(*) FROM audit_log WHERE action = $1",
                    &debrief_store::params![action],
                )?
                .i64(0)
            })
            .await
            .unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
    pub sid: String,
}

impl TestApp {
    /// Like `spawn`, with the web state adjusted by `adjust` before the server starts
    /// (e.g. a shorter window for aggregated audit entries).
    pub async fn spawn_adjusted(adjust: impl FnOnce(&mut debrief_web::AppState)) -> TestApp {
        let mut app = TestApp::spawn().await;
        // replace the default server by one on the adjusted state, on a new port
        if let Some(tx) = app.stop.take() {
            let _ = tx.send(());
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut state = debrief_web::AppState::new(
            app.store.clone(),
            debrief_core::keys::Keys::from_master(&[9u8; 32]),
            Default::default(),
        );
        adjust(&mut state);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            debrief_web::serve(listener, state, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        app.addr = addr;
        app.base = format!("http://{addr}");
        app.stop = Some(tx);
        app
    }

    /// Like `spawn`, with the operations listener (`GET /metrics`) on a port of
    /// its own, sharing the product listener's state; returns its address.
    /// `job_kinds` are the job kinds the server says it runs.
    pub async fn spawn_with_metrics(job_kinds: &[&str]) -> (TestApp, SocketAddr) {
        let mut app = TestApp::spawn().await;
        if let Some(tx) = app.stop.take() {
            let _ = tx.send(());
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (addr, metrics_addr) = (
            listener.local_addr().unwrap(),
            metrics.local_addr().unwrap(),
        );
        let state = debrief_web::AppState::new(
            app.store.clone(),
            debrief_core::keys::Keys::from_master(&[9u8; 32]),
            Default::default(),
        );
        let (tx, rx) = tokio::sync::watch::channel(false);
        let mut stopped = rx.clone();
        let kinds = job_kinds.iter().map(|k| k.to_string()).collect();
        tokio::spawn(debrief_web::operations::serve_metrics(
            metrics,
            state.clone(),
            kinds,
            async move {
                let _ = stopped.changed().await;
            },
        ));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            debrief_web::serve(listener, state, async move {
                let _ = stop_rx.await;
            })
            .await
            .unwrap();
            let _ = tx.send(true);
        });
        app.addr = addr;
        app.base = format!("http://{addr}");
        app.stop = Some(stop_tx);
        (app, metrics_addr)
    }

    /// Asks the server to shut down gracefully; the database stays.
    pub fn stop_server(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }

    /// Like [`TestApp::spawn`], with a server configuration of the test's own
    /// (trusted proxies, small rate limits).
    pub async fn spawn_with(config: debrief_web::WebConfig) -> TestApp {
        let db = TestDb::new();
        let url = db.url.clone();
        let store = off_runtime(move || {
            let s = Store::connect(&url).expect("connect");
            s.migrate_blocking().expect("migrate");
            s
        });
        debrief_store::audit::anchor_with(&debrief_core::keys::Keys::from_master(&[9u8; 32]));
        let mut users = HashMap::new();
        for role in Role::ALL {
            let u = Self::add_user_to(
                &store,
                &format!("{}@example.org", role.as_str()),
                RoleSet::from_roles([role]),
            )
            .await;
            users.insert(role, u);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = debrief_web::AppState::new(
            store.clone(),
            debrief_core::keys::Keys::from_master(&[9u8; 32]),
            config,
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            debrief_web::serve(listener, state, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestApp {
            addr,
            base: format!("http://{addr}"),
            store,
            db,
            users,
            stop: Some(tx),
        }
    }
}

impl TestApp {
    /// A case led by the responder, with `report_ids` in it, moved along `path`
    /// (moving it to "in review" opens its review).
    pub async fn case_along(
        &self,
        title: &str,
        report_ids: Vec<i64>,
        path: &[debrief_core::case::Status],
    ) -> i64 {
        let lead = self.users[&Role::Responder].id;
        let id = self
            .store
            .create_case(
                debrief_store::cases::NewCase {
                    title: title.into(),
                    severity: debrief_core::case::Severity::High,
                    report_ids,
                    occurred_ms: None,
                    detected_ms: None,
                    urgent: false,
                    created_by: lead,
                },
                now_ms(),
            )
            .await
            .unwrap();
        for to in path {
            self.store
                .transition(id, *to, None, None, lead, now_ms())
                .await
                .unwrap();
        }
        id
    }

    /// A case that has reached "in review" (which opens its review).
    pub async fn case_in_review(&self, title: &str, report_ids: Vec<i64>) -> i64 {
        use debrief_core::case::Status;
        self.case_along(
            title,
            report_ids,
            &[Status::Investigating, Status::Resolved, Status::InReview],
        )
        .await
    }
}
