//! The roles of CONTRACT.md. Every account is a `reporter`; the others are granted.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Reporter,
    Responder,
    SecurityLead,
    Facilitator,
    Leadership,
    Champion,
    ConductReviewer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Reporter,
        Role::Responder,
        Role::SecurityLead,
        Role::Facilitator,
        Role::Leadership,
        Role::Champion,
        Role::ConductReviewer,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Responder => "responder",
            Role::SecurityLead => "security_lead",
            Role::Facilitator => "facilitator",
            Role::Leadership => "leadership",
            Role::Champion => "champion",
            Role::ConductReviewer => "conduct_reviewer",
            Role::Admin => "admin",
        }
    }

    /// Human wording for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Role::Reporter => "Reporter",
            Role::Responder => "Responder",
            Role::SecurityLead => "Security lead",
            Role::Facilitator => "Facilitator",
            Role::Leadership => "Leadership",
            Role::Champion => "Security champion",
            Role::ConductReviewer => "Conduct reviewer",
            Role::Admin => "Administrator",
        }
    }

    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role '{0}' (expected one of: reporter, responder, security_lead, facilitator, leadership, champion, conduct_reviewer, admin)"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// A set of roles. `reporter` is always in it: every account may report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleSet(u16);

impl Default for RoleSet {
    fn default() -> Self {
        RoleSet(Role::Reporter.bit())
    }
}

impl RoleSet {
    /// The empty set, used for anonymous callers only.
    pub const NONE: RoleSet = RoleSet(0);

    pub fn from_roles<I: IntoIterator<Item = Role>>(roles: I) -> Self {
        let mut set = RoleSet::default();
        for r in roles {
            set.0 |= r.bit();
        }
        set
    }
    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }
    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }
    pub fn any(self, other: RoleSet) -> bool {
        self.0 & other.0 != 0
    }
    pub fn bits(self) -> u16 {
        self.0
    }
    pub fn from_bits(bits: u16) -> Self {
        RoleSet(bits)
    }
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }
    /// Roles granted beyond `reporter`, for storage.
    pub fn granted(self) -> impl Iterator<Item = Role> {
        self.iter().filter(|r| *r != Role::Reporter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn every_account_is_a_reporter() {
        let set = RoleSet::from_roles([Role::Admin]);
        assert!(set.contains(Role::Reporter));
        assert!(set.contains(Role::Admin));
        assert!(!set.contains(Role::Responder));
        assert_eq!(set.granted().collect::<Vec<_>>(), vec![Role::Admin]);
        assert!(!RoleSet::NONE.contains(Role::Reporter));
    }
}
