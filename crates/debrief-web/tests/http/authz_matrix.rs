//! The authorization matrix: every route in the table, called by every role and
//! by an anonymous caller, through the browser session and (for the API) with a
//! bearer token, is allowed or denied exactly as the table says.

use debrief_core::{Role, RoleSet};
use debrief_testkit::{TestApp, client};
use debrief_web::authz::{Access, ROUTES, RouteSpec, allows};
use reqwest::StatusCode;

fn concrete_path(spec: &RouteSpec, target_user: i64, setup_token: &str) -> String {
    spec.path
        .replace("{id}", &target_user.to_string())
        .replace("{file}", "app.css")
        .replace("{token}", setup_token)
        .replace("{part}", "what")
}

/// A body the handler can read (its content may still be rejected, with 4xx other than 401/403).
fn form_fields(spec: &RouteSpec) -> Vec<(&'static str, &'static str)> {
    match spec.path {
        "/admin/users/{id}/status" => vec![("disabled", "false")],
        _ => vec![("name", "x")],
    }
}

fn json_body(spec: &RouteSpec) -> serde_json::Value {
    match spec.path {
        "/api/v1/users/{id}/status" => serde_json::json!({"disabled": false}),
        "/api/v1/users/{id}/roles" => serde_json::json!({"roles": []}),
        _ => serde_json::json!({"name": ""}),
    }
}

async fn call(
    app: &TestApp,
    spec: &RouteSpec,
    path: &str,
    who: Option<Role>,
    by_token: bool,
) -> reqwest::Response {
    let method = reqwest::Method::from_bytes(spec.method.as_bytes()).unwrap();
    let is_api = spec.path.starts_with("/api/");
    let mut req = client().request(method.clone(), app.url(path));
    if by_token {
        let user = app.users[&who.unwrap()].clone();
        req = req.bearer_auth(app.token(&user).await);
    } else {
        let s = match who {
            Some(r) => app.session_for(r).await,
            None => app.anonymous(),
        };
        req = req.headers(app.browser_headers(&s));
        if method != reqwest::Method::GET && !is_api {
            let mut fields = vec![("csrf", s.csrf.clone())];
            fields.extend(
                form_fields(spec)
                    .into_iter()
                    .map(|(k, v)| (k, v.to_string())),
            );
            req = req.form(&fields);
        }
    }
    if method != reqwest::Method::GET && is_api {
        req = req.json(&json_body(spec));
    }
    req.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_allows_exactly_the_roles_in_the_table() {
    let app = TestApp::spawn().await;
    // an account for the per-user routes to act on, which no caller is
    let target = app.add_user("target@example.org", RoleSet::default()).await;
    let setup_token = debrief_core::secret::random_hex(24);
    let now = debrief_store::now_ms();
    app.store
        .create_setup_token(
            debrief_core::secret::sha256_hex(&setup_token),
            now,
            now + 3_600_000,
        )
        .await
        .unwrap();

    let mut callers: Vec<Option<Role>> = vec![None];
    callers.extend(Role::ALL.into_iter().map(Some));
    let mut failures = Vec::new();
    let mut checked = 0;
    for spec in ROUTES.iter() {
        let path = concrete_path(spec, target.id, &setup_token);
        for who in &callers {
            let roles = who.map(|r| RoleSet::from_roles([r]));
            let expect_allowed = allows(spec.access, roles);
            let ways: &[bool] = if spec.path.starts_with("/api/") && who.is_some() {
                &[false, true]
            } else {
                &[false]
            };
            for &by_token in ways {
                let resp = call(&app, spec, &path, *who, by_token).await;
                let status = resp.status();
                let location = resp
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let denied = status == StatusCode::UNAUTHORIZED
                    || status == StatusCode::FORBIDDEN
                    || (status == StatusCode::SEE_OTHER && location.starts_with("/login?next="));
                // the sign-in form answers a wrong password with 401 by design; it is not a denial
                let denied = denied && !(spec.path == "/login" && spec.method == "POST");
                checked += 1;
                if expect_allowed == denied {
                    failures.push(format!(
                        "{} {} as {} ({}): expected {}, got {} {}",
                        spec.method,
                        spec.path,
                        who.map_or("anonymous", Role::as_str),
                        if by_token { "token" } else { "session" },
                        if expect_allowed { "allowed" } else { "denied" },
                        status,
                        location
                    ));
                }
                if status == StatusCode::INTERNAL_SERVER_ERROR {
                    failures.push(format!("{} {} as {:?}: 500", spec.method, spec.path, who));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} calls wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > ROUTES.len() * 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_requests_are_audited_and_anonymous_api_calls_get_401() {
    let app = TestApp::spawn().await;
    let before = app.audit_count("access.denied").await;
    let s = app.session_for(Role::Reporter).await;
    assert_eq!(
        app.get(&s, "/admin/users").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&s, "/api/v1/users").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.audit_count("access.denied").await, before + 2);

    let r = client().get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[test]
fn every_registered_route_is_in_the_table() {
    // `app` refuses to build when a registered route is missing from the table;
    // building it needs a store, so use a throwaway SQLite one
    let db = debrief_store::testkit::TestDb::on(debrief_store::db::Engine::Sqlite);
    let store = debrief_store::Store::connect(&db.url).unwrap();
    let state = debrief_web::AppState::new(
        store,
        debrief_core::keys::Keys::from_master(&[9u8; 32]),
        Default::default(),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async { assert!(debrief_web::app(state).is_ok()) });
    // and the table lists no role-gated route that nobody can reach
    for spec in ROUTES.iter() {
        if let Access::Roles(list) = spec.access {
            assert!(
                !list.is_empty(),
                "{} {} allows no role",
                spec.method,
                spec.path
            );
        }
    }
}

/// Notes a row of an object-level table whose outcome differs from the table's.
fn check_row(failures: &mut Vec<String>, row: String, expect: bool, got: bool) {
    let word = |b: bool| if b { "allowed" } else { "denied" };
    if got != expect {
        failures.push(format!(
            "{row}: expected {}, got {}",
            word(expect),
            word(got)
        ));
    }
}

/// Object-level rules, beyond a route's roles: who one action item, one
/// review's interview notes and its restricted parts let in. Each row is an
/// actor, the object's situation, and whether the actor gets through; every
/// row is called against the real server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn object_level_rules_follow_each_objects_policy() {
    let app = TestApp::spawn().await;
    let id = app.case_in_review("Object-level rules", vec![]).await;
    let f = app.session_for(Role::Facilitator).await;
    for (path, fields) in [
        (
            format!("/cases/{id}/review/lesson"),
            vec![
                ("level", "information_system"),
                ("body", "RESTRICTED LESSON TEXT"),
                ("restricted", "on"),
            ],
        ),
        (
            format!("/cases/{id}/interviews"),
            vec![
                ("participant", "On-call engineer"),
                ("notes", "PRIVATE INTERVIEW WORDS"),
            ],
        ),
    ] {
        let r = app.post_form(&f, &path, &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
    }
    let owner = app.add_user("owner@example.org", RoleSet::default()).await;
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let ft = app.token(&app.users[&Role::Facilitator].clone()).await;
    let r = client()
        .post(app.url(&format!("/api/v1/cases/{id}/action-items")))
        .bearer_auth(&ft)
        .json(&serde_json::json!({"title": "Mask secrets", "owner_id": owner.id, "due_date": tomorrow}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let item: serde_json::Value = r.json().await.unwrap();
    let item = item["id"].as_i64().unwrap();

    #[derive(Clone, Copy, Debug)]
    enum Who {
        Owner,
        Role(Role),
    }
    #[derive(Clone, Copy, Debug)]
    enum Case {
        /// The item's page (`GET /action-items/{id}`).
        ItemPage,
        /// A change with no new owner or due date (`PATCH /api/v1/action-items/{id}`).
        ItemStatus,
        /// Giving the item another owner.
        ItemOwner,
        /// The review through the API shows interview notes.
        Interviews,
        /// The review through the API shows restricted parts.
        Restricted,
    }
    use Case::*;
    use Who::Role as R;
    let table: &[(Who, Case, bool)] = &[
        (Who::Owner, ItemPage, true),
        (R(Role::Reporter), ItemPage, false),
        (R(Role::Responder), ItemPage, true),
        (R(Role::Leadership), ItemPage, true),
        (Who::Owner, ItemStatus, true),
        (R(Role::Reporter), ItemStatus, false),
        (R(Role::Leadership), ItemStatus, false),
        (R(Role::Facilitator), ItemStatus, true),
        (Who::Owner, ItemOwner, false),
        (R(Role::Responder), ItemOwner, true),
        (R(Role::Facilitator), Interviews, true),
        (R(Role::SecurityLead), Interviews, false),
        (R(Role::Responder), Interviews, false),
        (R(Role::SecurityLead), Restricted, true),
        (R(Role::Facilitator), Restricted, true),
        (R(Role::Responder), Restricted, false),
        (R(Role::Leadership), Restricted, false),
    ];
    let mut failures = Vec::new();
    for &(who, case, expect) in table {
        let user = match who {
            Who::Owner => owner.clone(),
            Who::Role(r) => app.users[&r].clone(),
        };
        let token = app.token(&user).await;
        let api = |m: reqwest::Method, p: String| {
            client().request(m, app.url(&p)).bearer_auth(token.clone())
        };
        let got = match case {
            ItemPage => {
                let s = app.session(&user).await;
                let st = app.get(&s, &format!("/action-items/{item}")).await.status();
                assert!(
                    matches!(st.as_u16(), 200 | 403 | 404),
                    "{who:?} {case:?}: {st}"
                );
                st == StatusCode::OK
            }
            ItemStatus | ItemOwner => {
                let version = {
                    let r = client()
                        .get(app.url("/api/v1/action-items?limit=1000"))
                        .bearer_auth(&ft)
                        .send()
                        .await
                        .unwrap();
                    let v: serde_json::Value = r.json().await.unwrap();
                    v["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|i| i["id"] == item)
                        .map(|i| i["version"].as_i64().unwrap())
                        .unwrap()
                };
                let body = match case {
                    ItemOwner => serde_json::json!({"version": version, "owner_id": owner.id}),
                    _ => serde_json::json!({"version": version}),
                };
                let r = api(
                    reqwest::Method::PATCH,
                    format!("/api/v1/action-items/{item}"),
                )
                .json(&body)
                .send()
                .await
                .unwrap();
                let st = r.status();
                assert!(
                    matches!(st.as_u16(), 200 | 403 | 404),
                    "{who:?} {case:?}: {st}"
                );
                st == StatusCode::OK
            }
            Interviews | Restricted => {
                let r = api(reqwest::Method::GET, format!("/api/v1/cases/{id}/review"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK, "{who:?} {case:?}");
                let body = r.text().await.unwrap();
                match case {
                    Interviews => body.contains("PRIVATE INTERVIEW WORDS"),
                    _ => body.contains("RESTRICTED LESSON TEXT"),
                }
            }
        };
        check_row(&mut failures, format!("{who:?} {case:?}"), expect, got);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Object-level rules of triage and cases: who learns who sent a report (a
/// named report's reporter is shown to those who triage; a confidential one's
/// only when a security lead reveals it; an anonymous one's never), and what a
/// case's page lets each of its readers do. Every row is called against the
/// real server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn object_level_rules_of_triage_and_cases() {
    let app = TestApp::spawn().await;
    let reporter = app.users[&Role::Reporter].clone();
    let rt = app.token(&reporter).await;
    let mut ids = std::collections::HashMap::new();
    for mode in ["named", "confidential", "anonymous"] {
        let r = client()
            .post(app.url("/api/v1/reports"))
            .bearer_auth(&rt)
            .json(
                &serde_json::json!({"kind": "concern", "title": format!("A {mode} worry"),
                "description": "The shared drive lets everyone read the payroll folder.",
                "confidentiality": mode}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{mode}");
        let v: serde_json::Value = r.json().await.unwrap();
        ids.insert(mode, v["id"].as_i64().unwrap());
    }
    let case_id = app
        .case_along("Payroll folder", vec![ids["named"]], &[])
        .await;

    #[derive(Clone, Copy, Debug)]
    enum Check {
        /// `POST /api/v1/reports/{id}/reveal` with the right password answers the identity.
        Reveal(&'static str),
        /// The report's triage page offers the reveal form.
        RevealOffered(&'static str),
        /// The report's triage page and its API record name the reporter.
        ReporterShown(&'static str),
        /// The case page links its reports to their triage pages.
        LinksToReports,
        /// The case page offers its forms (details, times, lifecycle, timeline).
        ChangeForms,
    }
    use Check::*;
    let table: &[(Role, Check, bool)] = &[
        (Role::SecurityLead, Reveal("confidential"), true),
        (Role::SecurityLead, Reveal("named"), false),
        (Role::SecurityLead, Reveal("anonymous"), false),
        (Role::Responder, Reveal("confidential"), false),
        (Role::SecurityLead, RevealOffered("confidential"), true),
        (Role::SecurityLead, RevealOffered("named"), false),
        (Role::SecurityLead, RevealOffered("anonymous"), false),
        (Role::Responder, RevealOffered("confidential"), false),
        (Role::Responder, ReporterShown("named"), true),
        (Role::SecurityLead, ReporterShown("named"), true),
        (Role::Responder, ReporterShown("confidential"), false),
        (Role::SecurityLead, ReporterShown("confidential"), false),
        (Role::Responder, ReporterShown("anonymous"), false),
        (Role::Responder, LinksToReports, true),
        (Role::SecurityLead, LinksToReports, true),
        (Role::Facilitator, LinksToReports, false),
        (Role::Leadership, LinksToReports, false),
        (Role::Responder, ChangeForms, true),
        (Role::SecurityLead, ChangeForms, true),
        (Role::Facilitator, ChangeForms, false),
        (Role::Leadership, ChangeForms, false),
    ];
    let mut failures = Vec::new();
    for &(role, case, expect) in table {
        let user = app.users[&role].clone();
        let s = app.session(&user).await;
        let token = app.token(&user).await;
        let page = |path: String| {
            let s = s.clone();
            let app = &app;
            async move {
                let r = app.get(&s, &path).await;
                assert_eq!(r.status(), StatusCode::OK, "{role:?} {case:?} {path}");
                r.text().await.unwrap()
            }
        };
        let got = match case {
            Reveal(mode) => {
                let r = client()
                    .post(app.url(&format!("/api/v1/reports/{}/reveal", ids[mode])))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"password": debrief_testkit::PASSWORD}))
                    .send()
                    .await
                    .unwrap();
                let st = r.status();
                assert!(
                    matches!(st.as_u16(), 200 | 403 | 409),
                    "{role:?} {case:?}: {st}"
                );
                let body = r.text().await.unwrap();
                assert_eq!(st == StatusCode::OK, body.contains(&reporter.email));
                st == StatusCode::OK
            }
            RevealOffered(mode) => page(format!("/triage/{}", ids[mode]))
                .await
                .contains(&format!("action=\"/triage/{}/reveal\"", ids[mode])),
            ReporterShown(mode) => {
                let html = page(format!("/triage/{}", ids[mode])).await;
                let r = client()
                    .get(app.url(&format!("/api/v1/reports/{}", ids[mode])))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK);
                let json: serde_json::Value = r.json().await.unwrap();
                let in_page = html.contains(&reporter.name);
                let in_api = json["reporter_id"] == reporter.id;
                assert_eq!(in_page, in_api, "{role:?} {case:?}: page and API agree");
                assert!(!json.to_string().contains(&reporter.email));
                in_page && in_api
            }
            LinksToReports => page(format!("/cases/{case_id}"))
                .await
                .contains(&format!("href=\"/triage/{}\"", ids["named"])),
            ChangeForms => {
                let html = page(format!("/cases/{case_id}")).await;
                let forms = ["details", "times", "transition", "timeline"]
                    .map(|f| html.contains(&format!("action=\"/cases/{case_id}/{f}\"")));
                assert!(
                    forms.iter().all(|&f| f == forms[0]),
                    "{role:?}: all or none of the case forms: {forms:?}"
                );
                forms[0]
            }
        };
        check_row(&mut failures, format!("{role:?} {case:?}"), expect, got);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
