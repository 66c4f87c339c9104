//! The authorization table: every route, and who may call it. It is made from
//! the capabilities' route declarations ([`crate::routes`]), where each route
//! names its access next to its handler, so a route cannot be registered
//! without a rule. The `authorize` middleware enforces it on every request, and
//! the matrix test walks it.

use debrief_core::{Role, RoleSet};
use std::sync::LazyLock;

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

pub use Access::*;
use Role::*;

pub const ADMIN: Access = Roles(&[Admin]);
pub const AUDITORS: Access = Roles(&[Admin, SecurityLead]);
pub const RESPONDERS: Access = Roles(&[Responder, SecurityLead]);
pub const CASE_READERS: Access = Roles(&[Responder, SecurityLead, Facilitator, Leadership]);
/// Who reads the learning metrics: leadership, and those who respond to and
/// learn from incidents. Administrators run the system; they read the
/// metrics only when they also hold one of these roles.
pub const DASHBOARD_READERS: Access = Roles(&[Leadership, SecurityLead, Responder, Facilitator]);
pub const PROGRAMME: Access = Roles(&[Champion, SecurityLead, Leadership, Admin]);
pub const CONDUCT: Access = Roles(&[ConductReviewer]);
pub const SECURITY_LEAD: Access = Roles(&[SecurityLead]);
/// Who writes blameless reviews.
pub const REVIEWERS: Access = Roles(&[Facilitator, SecurityLead]);
/// Debrief interview notes are private to facilitators.
pub const FACILITATORS: Access = Roles(&[Facilitator]);
/// Who creates action items and changes their details.
pub const ACTION_MANAGERS: Access = Roles(&[Facilitator, SecurityLead, Responder]);

/// Every route and its access, in the order the capabilities declare them.
pub static ROUTES: LazyLock<Vec<RouteSpec>> = LazyLock::new(|| {
    crate::routes()
        .into_iter()
        .map(|r| RouteSpec {
            method: r.method,
            // made once per process: the table lives as long as the process
            path: r.path.leak(),
            access: r.access,
        })
        .collect()
});

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
