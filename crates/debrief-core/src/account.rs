//! Accounts, teams and API tokens as an administrator or a person types them,
//! and the rules they must meet: a name, an email address, a password that is
//! not common nor built on the account (see [`crate::validate::password_problem`]),
//! known roles, a team name, a token name. The administration pages, the API,
//! the set-up page and the command line read them through these drafts.

use crate::{FieldError, Role, RoleSet, Validation};

/// The longest name of a person, in characters.
pub const NAME_MAX: usize = 200;
/// The longest team name.
pub const TEAM_NAME_MAX: usize = 100;
/// The longest team description.
pub const TEAM_DESCRIPTION_MAX: usize = 500;
/// The longest name of an API token.
pub const TOKEN_NAME_MAX: usize = 100;

/// A new account before validation. `reporter` is always among its roles.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserDraft<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub roles: &'a [&'a str],
}

/// An account that meets every rule; the password is still to be hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUser {
    pub name: String,
    /// Trimmed and lower-cased.
    pub email: String,
    pub password: String,
    pub roles: RoleSet,
}

/// Known role names; each unknown one is named under `roles`.
pub fn parse_roles(v: &mut Validation, names: &[&str]) -> RoleSet {
    let mut roles = RoleSet::default();
    for n in names {
        match n.parse::<Role>() {
            Ok(r) => roles.insert(r),
            Err(e) => v.add("roles", e.to_string()),
        }
    }
    roles
}

impl UserDraft<'_> {
    /// Checks every rule and names every field that breaks one. On failure the
    /// name, email and roles read so far come back with the errors, for a form
    /// to show again.
    pub fn parse(&self) -> Result<ValidUser, (ValidUser, Vec<FieldError>)> {
        let mut v = Validation::new();
        let name = v.text("name", self.name, NAME_MAX);
        let email = v.email("email", self.email);
        v.new_password("password", self.password, &email, &name);
        let roles = parse_roles(&mut v, self.roles);
        let user = ValidUser {
            name,
            email,
            password: self.password.to_string(),
            roles,
        };
        if v.is_ok() {
            Ok(user)
        } else {
            Err((
                ValidUser {
                    password: String::new(),
                    ..user
                },
                v.errors,
            ))
        }
    }
}

/// A team before validation.
#[derive(Debug, Clone, Copy, Default)]
pub struct TeamDraft<'a> {
    pub name: &'a str,
    pub description: &'a str,
}

/// A team that meets every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTeam {
    pub name: String,
    pub description: String,
}

impl TeamDraft<'_> {
    pub fn parse(&self) -> Result<ValidTeam, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = v.text("name", self.name, TEAM_NAME_MAX);
        let description = v.optional_text("description", self.description, TEAM_DESCRIPTION_MAX);
        v.finish()?;
        Ok(ValidTeam { name, description })
    }
}

/// The name of a new API token (what it is for), trimmed.
pub fn token_name(v: &mut Validation, name: &str) -> String {
    v.text("name", name, TOKEN_NAME_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: &[FieldError]) -> Vec<&str> {
        e.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_new_account_is_named_reachable_and_safe() {
        let u = UserDraft {
            name: " Grace Hopper ",
            email: " Grace@Example.ORG",
            password: "lantern orchard pebble violin",
            roles: &["responder"],
        }
        .parse()
        .unwrap();
        assert_eq!(u.name, "Grace Hopper");
        assert_eq!(u.email, "grace@example.org");
        assert!(u.roles.contains(Role::Responder) && u.roles.contains(Role::Reporter));
    }

    #[test]
    fn every_broken_rule_of_an_account_is_named_and_the_form_kept() {
        let (kept, errors) = UserDraft {
            name: &"n".repeat(NAME_MAX + 1),
            email: "grace at example",
            password: "password1234",
            roles: &["boss", "admin"],
        }
        .parse()
        .unwrap_err();
        assert_eq!(fields(&errors), ["name", "email", "password", "roles"]);
        assert!(errors[3].message.contains("boss"), "{errors:?}");
        assert_eq!(kept.email, "grace at example");
        assert!(kept.roles.contains(Role::Admin));
        assert!(kept.password.is_empty());
    }

    #[test]
    fn teams_and_tokens_have_names_within_limits() {
        let t = TeamDraft {
            name: " Platform ",
            description: "",
        }
        .parse()
        .unwrap();
        assert_eq!(t.name, "Platform");
        let e = TeamDraft {
            name: "",
            description: &"d".repeat(TEAM_DESCRIPTION_MAX + 1),
        }
        .parse()
        .unwrap_err();
        assert_eq!(fields(&e), ["name", "description"]);
        let mut v = Validation::new();
        assert_eq!(token_name(&mut v, " ci deploy "), "ci deploy");
        token_name(&mut v, &"t".repeat(TOKEN_NAME_MAX + 1));
        token_name(&mut v, "bell\u{7}");
        assert_eq!(fields(&v.errors), ["name", "name"]);
    }
}
