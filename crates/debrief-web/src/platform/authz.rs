//! The authorization table: every route, and who may call it. It is the single
//! source of truth: the router refuses to register a route missing from it, the
//! `authorize` middleware enforces it on every request, and the matrix test walks it.

use debrief_core::{Role, RoleSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Signing in is the point (login, setup): anyone.
    Anonymous,
    /// Any signed-in account (every account holds `reporter`).
    SignedIn,
    /// Signed in with at least one of these roles.
    Roles(&'static [Role]),
}

#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    /// The route pattern as registered with axum, e.g. `/api/v1/users/{id}`.
    pub path: &'static str,
    pub access: Access,
}

const fn r(method: &'static str, path: &'static str, access: Access) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
    }
}

use Access::*;
use Role::*;

const ADMIN: Access = Roles(&[Admin]);
const AUDITORS: Access = Roles(&[Admin, SecurityLead]);
const RESPONDERS: Access = Roles(&[Responder, SecurityLead]);
const CASE_READERS: Access = Roles(&[Responder, SecurityLead, Facilitator, Leadership]);
const DASHBOARD_READERS: Access = Roles(&[Leadership, SecurityLead, Responder, Facilitator, Admin]);
const PROGRAMME: Access = Roles(&[Champion, SecurityLead, Leadership, Admin]);
const CONDUCT: Access = Roles(&[ConductReviewer]);
const SECURITY_LEAD: Access = Roles(&[SecurityLead]);
/// Who writes blameless reviews.
const REVIEWERS: Access = Roles(&[Facilitator, SecurityLead]);
/// Debrief interview notes are private to facilitators.
const FACILITATORS: Access = Roles(&[Facilitator]);
/// Who creates action items and changes their details.
const ACTION_MANAGERS: Access = Roles(&[Facilitator, SecurityLead, Responder]);

pub const ROUTES: &[RouteSpec] = &[
    // operations
    r("GET", "/healthz", Public),
    r("GET", "/readyz", Public),
    r("GET", "/assets/{file}", Public),
    r("GET", "/api/openapi.json", Public),
    // signing in
    r("GET", "/login", Anonymous),
    r("POST", "/login", Anonymous),
    r("GET", "/setup/{token}", Anonymous),
    r("POST", "/setup/{token}", Anonymous),
    r("POST", "/logout", SignedIn),
    // pages
    r("GET", "/", SignedIn),
    r("GET", "/account", SignedIn),
    r("POST", "/account/password", SignedIn),
    r("POST", "/account/tokens", SignedIn),
    r("POST", "/account/tokens/{id}/revoke", SignedIn),
    r("GET", "/report", Public),
    r("POST", "/report", Public),
    r("GET", "/receipt", Public),
    r("POST", "/receipt", Public),
    r("POST", "/receipt/reply", Public),
    r("POST", "/receipt/proof", Public),
    r("GET", "/verify", Public),
    r("POST", "/verify", Public),
    r("GET", "/my-reports", SignedIn),
    r("POST", "/my-reports/{id}/messages", SignedIn),
    r("GET", "/my-reports/{id}/proof", SignedIn),
    r("GET", "/triage", RESPONDERS),
    r("GET", "/triage/{id}", RESPONDERS),
    r("POST", "/triage/{id}/case", RESPONDERS),
    r("POST", "/triage/{id}/attach", RESPONDERS),
    r("POST", "/triage/{id}/duplicate", RESPONDERS),
    r("POST", "/triage/{id}/message", RESPONDERS),
    r("POST", "/triage/{id}/close", RESPONDERS),
    r("POST", "/triage/{id}/reveal", SECURITY_LEAD),
    r("GET", "/cases", CASE_READERS),
    r("POST", "/cases", RESPONDERS),
    r("GET", "/cases/{id}", CASE_READERS),
    r("POST", "/cases/{id}/transition", RESPONDERS),
    r("POST", "/cases/{id}/timeline", RESPONDERS),
    // reviews: drafts are for case readers; published reviews are for everyone
    r("GET", "/cases/{id}/review", CASE_READERS),
    r("POST", "/cases/{id}/review", REVIEWERS),
    r("POST", "/cases/{id}/review/{part}", REVIEWERS),
    r("GET", "/cases/{id}/review/export", CASE_READERS),
    r("POST", "/cases/{id}/interviews", FACILITATORS),
    r("POST", "/cases/{id}/action-items", ACTION_MANAGERS),
    r("GET", "/library", SignedIn),
    r("GET", "/library/{id}", SignedIn),
    r("GET", "/library/{id}/export", SignedIn),
    // action items: owners act on their own (checked per item in the handler)
    r("GET", "/action-items", SignedIn),
    r("GET", "/action-items/all", CASE_READERS),
    r("GET", "/action-items/{id}", SignedIn),
    r("POST", "/action-items/{id}", SignedIn),
    r("POST", "/action-items/{id}/check", SignedIn),
    r("POST", "/notices/read", SignedIn),
    r("GET", "/dashboards", DASHBOARD_READERS),
    r("GET", "/programme", PROGRAMME),
    r("GET", "/conduct", CONDUCT),
    r("GET", "/admin/users", ADMIN),
    r("POST", "/admin/users", ADMIN),
    r("GET", "/admin/users/{id}", ADMIN),
    r("POST", "/admin/users/{id}/roles", ADMIN),
    r("POST", "/admin/users/{id}/status", ADMIN),
    r("POST", "/admin/users/{id}/teams", ADMIN),
    r("GET", "/admin/teams", ADMIN),
    r("POST", "/admin/teams", ADMIN),
    r("GET", "/admin/settings", ADMIN),
    r("POST", "/admin/settings", ADMIN),
    r("GET", "/admin/audit", AUDITORS),
    r("GET", "/admin/jobs", ADMIN),
    r("GET", "/admin/factors", ADMIN),
    r("POST", "/admin/factors", ADMIN),
    // JSON API
    r("GET", "/api/v1/me", SignedIn),
    r("GET", "/api/v1/me/tokens", SignedIn),
    r("POST", "/api/v1/me/tokens", SignedIn),
    r("DELETE", "/api/v1/me/tokens/{id}", SignedIn),
    r("GET", "/api/v1/users", ADMIN),
    r("POST", "/api/v1/users", ADMIN),
    r("GET", "/api/v1/users/{id}", ADMIN),
    r("PUT", "/api/v1/users/{id}/roles", ADMIN),
    r("PUT", "/api/v1/users/{id}/status", ADMIN),
    r("GET", "/api/v1/teams", SignedIn),
    r("POST", "/api/v1/teams", ADMIN),
    r("GET", "/api/v1/audit", AUDITORS),
    r("GET", "/api/v1/jobs", ADMIN),
    // reports: anyone may report and follow up through a receipt
    r("POST", "/api/v1/reports", Public),
    r("GET", "/api/v1/receipts/{receipt}", Public),
    r("POST", "/api/v1/receipts/{receipt}/messages", Public),
    r("GET", "/api/v1/receipts/{receipt}/proof", Public),
    r("GET", "/api/v1/reports", RESPONDERS),
    r("GET", "/api/v1/reports/{id}", RESPONDERS),
    r("POST", "/api/v1/reports/{id}/messages", RESPONDERS),
    r("POST", "/api/v1/reports/{id}/close", RESPONDERS),
    r("POST", "/api/v1/reports/{id}/duplicate", RESPONDERS),
    r("POST", "/api/v1/reports/{id}/attach", RESPONDERS),
    r("POST", "/api/v1/reports/{id}/reveal", SECURITY_LEAD),
    // cases
    r("POST", "/api/v1/cases", RESPONDERS),
    r("GET", "/api/v1/cases", CASE_READERS),
    r("GET", "/api/v1/cases/{id}", CASE_READERS),
    r("POST", "/api/v1/cases/{id}/transitions", RESPONDERS),
    r("POST", "/api/v1/cases/{id}/timeline", RESPONDERS),
    r("PUT", "/api/v1/cases/{id}/times", RESPONDERS),
    r("PATCH", "/api/v1/cases/{id}", RESPONDERS),
    // reviews and action items
    r("GET", "/api/v1/cases/{id}/review", CASE_READERS),
    r("POST", "/api/v1/cases/{id}/review", REVIEWERS),
    r("PATCH", "/api/v1/cases/{id}/review", REVIEWERS),
    r("POST", "/api/v1/cases/{id}/review/state", REVIEWERS),
    r("GET", "/api/v1/cases/{id}/action-items", CASE_READERS),
    r("POST", "/api/v1/cases/{id}/action-items", ACTION_MANAGERS),
    r("GET", "/api/v1/action-items", SignedIn),
    r("PATCH", "/api/v1/action-items/{id}", SignedIn),
    r("POST", "/api/v1/lint", SignedIn),
    r("POST", "/cases/{id}/details", RESPONDERS),
    r("POST", "/cases/{id}/times", RESPONDERS),
];

pub fn lookup(method: &str, path: &str) -> Option<&'static RouteSpec> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

/// Whether a caller with `roles` (`None` when not signed in) may call the route.
pub fn allows(access: Access, roles: Option<RoleSet>) -> bool {
    match (access, roles) {
        (Public | Anonymous, _) => true,
        (SignedIn, Some(_)) => true,
        (Roles(list), Some(have)) => list.iter().any(|r| have.contains(*r)),
        (SignedIn | Roles(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_no_duplicates() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {} twice",
                    a.method,
                    a.path
                );
            }
        }
    }

    #[test]
    fn allows_follows_roles() {
        assert!(allows(ADMIN, Some(RoleSet::from_roles([Admin]))));
        assert!(!allows(ADMIN, Some(RoleSet::from_roles([SecurityLead]))));
        assert!(!allows(SignedIn, None));
        assert!(allows(Public, None));
    }
}
