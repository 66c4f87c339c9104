//! Users, teams, sessions, API tokens, login throttling and setup links.

use crate::db::Conn;
use crate::rows::{FromRow, row};
use crate::{Result, Store, StoreError, params};
use debrief_core::RoleSet;
use serde::Serialize;

row! {
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct User from "users u" {
        pub id: i64 = "u.id",
        pub email: String = "u.email",
        pub name: String = "u.name",
        #[serde(skip)]
        pub roles: RoleSet = "u.roles",
        pub disabled: bool = "u.disabled",
        pub created_ms: i64 = "u.created_ms",
    }
}

row! {
    /// A user and their password hash, for signing in.
    pub(crate) struct LoginRow from "users u" {
        user: User = nested,
        password_hash: String = "u.password_hash",
    }
}

row! {
    /// An API token's owner and the token's id.
    pub(crate) struct TokenUser from "api_tokens t JOIN users u ON u.id = t.user_id" {
        user: User = nested,
        token_id: i64 = "t.id",
    }
}

row! {
    /// A user's roles and disabled flag, as they stand before a change.
    pub(crate) struct AdminState from "users" {
        roles: RoleSet = "roles",
        disabled: bool = "disabled",
    }
}

row! {
    /// A throttling key's failures and the time of its last attempt.
    pub(crate) struct Attempts from "login_throttle" {
        failures: i64 = "failures",
        last_ms: i64 = "last_ms",
    }
}

/// How failed password attempts under one key slow the next ones: `free`
/// attempts at full speed, then each further attempt must wait twice as long as
/// the previous one (from `first_wait_ms`, at most `max_wait_ms`). A key that
/// saw no attempt for `forget_ms` starts afresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: i64,
    pub first_wait_ms: i64,
    pub max_wait_ms: i64,
    pub forget_ms: i64,
}

impl Backoff {
    /// The wait after `failures` failures, before the next attempt.
    pub fn wait_ms(&self, failures: i64) -> i64 {
        if failures < self.free {
            return 0;
        }
        let doublings = (failures - self.free).clamp(0, 40) as u32;
        self.first_wait_ms
            .saturating_mul(1i64 << doublings)
            .min(self.max_wait_ms)
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct Team from "teams t" {
        pub id: i64 = "t.id",
        pub name: String = "t.name",
        pub description: String = "t.description",
        pub members: i64 = "(SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id)",
    }
}

row! {
    #[derive(Debug, Clone, Serialize)]
    pub struct ApiToken from "api_tokens" {
        pub id: i64 = "id",
        pub name: String = "name",
        /// The first characters of the token, to recognise it; never the whole token.
        pub prefix: String = "prefix",
        pub created_ms: i64 = "created_ms",
        pub last_used_ms: Option<i64> = "last_used_ms",
        pub revoked_ms: Option<i64> = "revoked_ms",
    }
}

row! {
    /// A live session with its user, as looked up on every request.
    #[derive(Debug, Clone)]
    pub struct SessionUser from "sessions s JOIN users u ON u.id = s.user_id" {
        pub user: User = nested,
        pub last_seen_ms: i64 = "s.last_seen_ms",
        pub reauth_ms: i64 = "s.reauth_ms",
    }
}

pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub roles: RoleSet,
}

/// Inserts a user inside an open transaction.
pub fn insert_user(c: &mut dyn Conn, u: &NewUser, now: i64) -> Result<User> {
    let r = c.query_one(
        "INSERT INTO users (email, name, password_hash, roles, disabled, created_ms, password_changed_ms)
         VALUES ($1, $2, $3, $4, 0, $5, $5) RETURNING id",
        &params![u.email.clone(), u.name.clone(), u.password_hash.clone(), i64::from(u.roles.bits()), now],
    )?;
    Ok(User {
        id: r.i64(0)?,
        email: u.email.clone(),
        name: u.name.clone(),
        roles: u.roles,
        disabled: false,
        created_ms: now,
    })
}

impl Store {
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        self.read(move |c| {
            c.query_opt(
                &format!("SELECT {} FROM users u WHERE u.id = $1", User::columns()),
                &params![id],
            )?
            .map(|r| User::decode(&r))
            .transpose()
        })
        .await
    }

    /// The user and their password hash, for signing in.
    pub async fn user_for_login(&self, email: &str) -> Result<Option<(User, String)>> {
        let email = email.to_lowercase();
        self.read(move |c| {
            c.query_opt(
                &format!(
                    "SELECT {} FROM users u WHERE u.email = $1",
                    LoginRow::columns()
                ),
                &params![email],
            )?
            .map(|r| LoginRow::decode(&r).map(|l| (l.user, l.password_hash)))
            .transpose()
        })
        .await
    }

    pub async fn password_hash(&self, user_id: i64) -> Result<String> {
        self.read(move |c| {
            c.query_one(
                "SELECT password_hash FROM users WHERE id = $1",
                &params![user_id],
            )?
            .text(0)
        })
        .await
    }

    /// Accounts by name; `search` matches a part of the name or email, any case.
    pub async fn list_users(
        &self,
        limit: i64,
        offset: i64,
        search: Option<String>,
    ) -> Result<(Vec<User>, i64)> {
        let pattern = like_pattern(search.as_deref().unwrap_or(""));
        self.read(move |c| {
            let filter = "(LOWER(u.name) LIKE $1 ESCAPE '\\' OR u.email LIKE $1 ESCAPE '\\')";
            let total = c
                .query_one(
                    &format!("SELECT COUNT(*) FROM users u WHERE {filter}"),
                    &params![pattern.clone()],
                )?
                .i64(0)?;
            let rows = c.query(
                &format!(
                    "SELECT {} FROM users u WHERE {filter} ORDER BY u.name, u.id LIMIT $2 OFFSET $3",
                    User::columns()
                ),
                &params![pattern, limit, offset],
            )?;
            Ok((User::decode_all(&rows)?, total))
        })
        .await
    }

    pub async fn count_admins(&self) -> Result<i64> {
        let bit = i64::from(debrief_core::Role::Admin.bit());
        self.read(move |c| {
            c.query_one(
                "SELECT COUNT(*) FROM users WHERE disabled = 0 AND (roles & $1) <> 0",
                &params![bit],
            )?
            .i64(0)
        })
        .await
    }

    /// Changes a user's roles, refusing to remove the admin role from the last
    /// enabled administrator. Rights are read from the user row on every request,
    /// so the change applies to their very next request.
    pub async fn set_roles(&self, user_id: i64, roles: RoleSet) -> Result<()> {
        self.write(move |c| {
            keep_an_admin(c, user_id, Some(roles), None)?;
            let n = c.execute(
                "UPDATE users SET roles = $1 WHERE id = $2",
                &params![i64::from(roles.bits()), user_id],
            )?;
            if n == 0 {
                Err(StoreError::NotFound)
            } else {
                Ok(())
            }
        })
        .await
    }

    /// Disables or re-enables an account, refusing to disable the last enabled
    /// administrator. Disabling ends all its sessions and revokes its tokens.
    pub async fn set_disabled(&self, user_id: i64, disabled: bool, now: i64) -> Result<()> {
        self.write(move |c| {
            keep_an_admin(c, user_id, None, Some(disabled))?;
            let n = c.execute("UPDATE users SET disabled = $1 WHERE id = $2", &params![disabled, user_id])?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            if disabled {
                c.execute("DELETE FROM sessions WHERE user_id = $1", &params![user_id])?;
                c.execute(
                    "UPDATE api_tokens SET revoked_ms = $1 WHERE user_id = $2 AND revoked_ms IS NULL",
                    &params![now, user_id],
                )?;
            }
            Ok(())
        })
        .await
    }

    /// Sets a new password, ends every other session of the user and revokes
    /// all of their API tokens (a token made by someone who knew the old password
    /// must not outlive it). Returns how many tokens were revoked.
    pub async fn set_password(
        &self,
        user_id: i64,
        hash: String,
        keep_session: Option<String>,
        now: i64,
    ) -> Result<u64> {
        self.write(move |c| {
            let n = c.execute(
                "UPDATE users SET password_hash = $1, password_changed_ms = $2 WHERE id = $3",
                &params![hash, now, user_id],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            c.execute(
                "DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2",
                &params![user_id, keep_session.unwrap_or_default()],
            )?;
            c.execute(
                "UPDATE api_tokens SET revoked_ms = $1 WHERE user_id = $2 AND revoked_ms IS NULL",
                &params![now, user_id],
            )
        })
        .await
    }

    // ------------------------------------------------------------ sessions

    pub async fn create_session(
        &self,
        id_hash: String,
        user_id: i64,
        now: i64,
        expires_ms: i64,
    ) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO sessions (id_hash, user_id, created_ms, last_seen_ms, expires_ms, reauth_ms) VALUES ($1, $2, $3, $3, $4, $3)",
                &params![id_hash, user_id, now, expires_ms],
            )
            .map(|_| ())
        })
        .await
    }

    /// The session's user if the session exists, has not expired and the account is enabled.
    pub async fn session_user(&self, id_hash: String, now: i64) -> Result<Option<SessionUser>> {
        self.read(move |c| {
            c.query_opt(
                &format!(
                    "SELECT {} FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.id_hash = $1 AND s.expires_ms > $2 AND u.disabled = 0",
                    SessionUser::columns()
                ),
                &params![id_hash, now],
            )?
            .map(|r| SessionUser::decode(&r))
            .transpose()
        })
        .await
    }

    pub async fn touch_session(&self, id_hash: String, now: i64) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "UPDATE sessions SET last_seen_ms = $1 WHERE id_hash = $2",
                &params![now, id_hash],
            )
            .map(|_| ())
        })
        .await
    }

    /// Records that the user just confirmed their password in this session.
    pub async fn mark_reauth(&self, id_hash: String, now: i64) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "UPDATE sessions SET reauth_ms = $1 WHERE id_hash = $2",
                &params![now, id_hash],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn delete_session(&self, id_hash: String) -> Result<()> {
        self.write(move |c| {
            c.execute("DELETE FROM sessions WHERE id_hash = $1", &params![id_hash])
                .map(|_| ())
        })
        .await
    }

    /// Removes sessions that expired or sat idle past `idle_before`; returns how many.
    pub async fn purge_sessions(&self, now: i64, idle_before: i64) -> Result<u64> {
        self.write(move |c| {
            c.execute(
                "DELETE FROM sessions WHERE expires_ms <= $1 OR last_seen_ms < $2",
                &params![now, idle_before],
            )
        })
        .await
    }

    // ------------------------------------------------------------ API tokens

    pub async fn create_token(
        &self,
        user_id: i64,
        name: String,
        token_hash: String,
        prefix: String,
        now: i64,
    ) -> Result<i64> {
        self.write(move |c| {
            c.query_one(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &params![user_id, name, token_hash, prefix, now],
            )?
            .i64(0)
        })
        .await
    }

    /// The token's owner, if the token is live and the account enabled.
    pub async fn token_user(&self, token_hash: String) -> Result<Option<(User, i64)>> {
        self.read(move |c| {
            c.query_opt(
                &format!(
                    "SELECT {} FROM api_tokens t JOIN users u ON u.id = t.user_id
                     WHERE t.token_hash = $1 AND t.revoked_ms IS NULL AND u.disabled = 0",
                    TokenUser::columns()
                ),
                &params![token_hash],
            )?
            .map(|r| TokenUser::decode(&r).map(|t| (t.user, t.token_id)))
            .transpose()
        })
        .await
    }

    pub async fn touch_token(&self, token_id: i64, now: i64) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "UPDATE api_tokens SET last_used_ms = $1 WHERE id = $2 AND (last_used_ms IS NULL OR last_used_ms < $3)",
                &params![now, token_id, now - 60_000],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn list_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>> {
        self.read(move |c| {
            ApiToken::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
                    ApiToken::columns()
                ),
                &params![user_id],
            )?)
        })
        .await
    }

    /// Revokes one of the user's own tokens; NotFound if it is not theirs.
    pub async fn revoke_token(&self, user_id: i64, token_id: i64, now: i64) -> Result<()> {
        self.write(move |c| {
            let n = c.execute(
                "UPDATE api_tokens SET revoked_ms = $1 WHERE id = $2 AND user_id = $3 AND revoked_ms IS NULL",
                &params![now, token_id, user_id],
            )?;
            if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
        })
        .await
    }

    // ------------------------------------------------------------ login throttling

    /// Reserves one password attempt under every key, before the password is
    /// checked: each key's row is locked (an upsert), its back-off is applied, and
    /// the attempt is counted as a failure until [`Store::clear_attempts`] clears
    /// it. Parallel attempts therefore see each other. `Ok(None)`: go ahead;
    /// `Ok(Some(ms))`: refused, the longest wait among the keys.
    pub async fn reserve_attempt(
        &self,
        mut keys: Vec<(String, Backoff)>,
        now: i64,
    ) -> Result<Option<i64>> {
        // lock rows in one order on every path, so two reservations cannot deadlock
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        keys.dedup_by(|a, b| a.0 == b.0);
        self.write(move |c| {
            let forget = keys.iter().map(|(_, b)| b.forget_ms).max().unwrap_or(0);
            c.execute(
                "DELETE FROM login_throttle WHERE last_ms < $1",
                &params![now - forget],
            )?;
            let mut seen = Vec::with_capacity(keys.len());
            let mut wait = 0i64;
            for (k, b) in &keys {
                let row = c.query_one(
                    &format!(
                        "INSERT INTO login_throttle (key_hash, failures, last_ms) VALUES ($1, 0, $2)
                         ON CONFLICT (key_hash) DO UPDATE SET key_hash = excluded.key_hash
                         RETURNING {}",
                        Attempts::columns()
                    ),
                    &params![k.clone(), now],
                )?;
                let Attempts {
                    mut failures,
                    last_ms: last,
                } = Attempts::decode(&row)?;
                if now - last > b.forget_ms {
                    failures = 0;
                }
                wait = wait.max(last + b.wait_ms(failures) - now);
                seen.push(failures);
            }
            if wait > 0 {
                return Ok(Some(wait));
            }
            for ((k, _), failures) in keys.iter().zip(seen) {
                c.execute(
                    "UPDATE login_throttle SET failures = $1, last_ms = $2 WHERE key_hash = $3",
                    &params![failures + 1, now, k.clone()],
                )?;
            }
            Ok(None)
        })
        .await
    }

    /// Forgets the counters under these keys (after a correct password).
    pub async fn clear_attempts(&self, keys: Vec<String>) -> Result<()> {
        self.write(move |c| {
            for k in keys {
                c.execute(
                    "DELETE FROM login_throttle WHERE key_hash = $1",
                    &params![k],
                )?;
            }
            Ok(())
        })
        .await
    }

    // ------------------------------------------------------------ setup links

    pub async fn create_setup_token(
        &self,
        token_hash: String,
        now: i64,
        expires_ms: i64,
    ) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO setup_tokens (token_hash, created_ms, expires_ms) VALUES ($1, $2, $3)",
                &params![token_hash, now, expires_ms],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn setup_token_valid(&self, token_hash: String, now: i64) -> Result<bool> {
        self.read(move |c| {
            Ok(c.query_opt(
                "SELECT 1 FROM setup_tokens WHERE token_hash = $1 AND used_ms IS NULL AND expires_ms > $2",
                &params![token_hash, now],
            )?
            .is_some())
        })
        .await
    }

    /// Uses a setup link to create the first administrator, in one transaction:
    /// the link must be unused and unexpired, and no enabled admin may exist yet.
    pub async fn consume_setup_token(
        &self,
        token_hash: String,
        user: NewUser,
        now: i64,
    ) -> Result<User> {
        let admin = i64::from(debrief_core::Role::Admin.bit());
        self.write(move |c| {
            let n = c.execute(
                "UPDATE setup_tokens SET used_ms = $1 WHERE token_hash = $2 AND used_ms IS NULL AND expires_ms > $1",
                &params![now, token_hash],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            let admins = c.query_one("SELECT COUNT(*) FROM users WHERE disabled = 0 AND (roles & $1) <> 0", &params![admin])?.i64(0)?;
            if admins > 0 {
                return Err(StoreError::State("An administrator exists already.".into()));
            }
            let u = insert_user(c, &user, now)?;
            crate::audit::append(c, now, &format!("user:{}", u.id), "setup.first_admin", &format!("user:{}", u.id), "")?;
            Ok(u)
        })
        .await
    }

    // ------------------------------------------------------------ teams

    pub async fn list_teams(&self) -> Result<Vec<Team>> {
        self.read(|c| {
            Team::decode_all(&c.query(
                &format!("SELECT {} FROM teams t ORDER BY t.name", Team::columns()),
                &[],
            )?)
        })
        .await
    }

    pub async fn teams_of_user(&self, user_id: i64) -> Result<Vec<Team>> {
        self.read(move |c| {
            Team::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM teams t JOIN team_members tm ON tm.team_id = t.id WHERE tm.user_id = $1 ORDER BY t.name",
                    Team::columns()
                ),
                &params![user_id],
            )?)
        })
        .await
    }

    /// The names of the user's teams, and whether any team exists at all, in one read.
    pub async fn home_teams(&self, user_id: i64) -> Result<(Vec<String>, bool)> {
        self.read(move |c| {
            let mine: Vec<String> = c
                .query(
                    "SELECT t.name FROM teams t JOIN team_members tm ON tm.team_id = t.id WHERE tm.user_id = $1 ORDER BY t.name",
                    &params![user_id],
                )?
                .iter()
                .map(|r| r.text(0))
                .collect::<Result<_>>()?;
            let any = !mine.is_empty() || c.query_opt("SELECT id FROM teams LIMIT 1", &[])?.is_some();
            Ok((mine, any))
        })
        .await
    }

    pub async fn team_members(&self, team_id: i64) -> Result<Vec<User>> {
        self.read(move |c| {
            User::decode_all(&c.query(
                &format!(
                    "SELECT {} FROM users u JOIN team_members tm ON tm.user_id = u.id WHERE tm.team_id = $1 ORDER BY u.name",
                    User::columns()
                ),
                &params![team_id],
            )?)
        })
        .await
    }
}

/// Serialises every change to who is an enabled administrator, across processes.
const ADMINS_LOCK: i64 = 0x6465_6272_6965_6603;

/// The message when a change would leave no enabled administrator.
pub const LAST_ADMIN: &str =
    "This is the last enabled administrator; make someone else an administrator first.";

/// Refuses, inside the write transaction that is about to change `user_id`'s
/// roles and/or disabled flag, a change that would leave no enabled
/// administrator. It takes the administrators' lock first (PostgreSQL: an
/// advisory lock held to the end of the transaction; SQLite: the write
/// transaction already holds the single write lock), so two administrators
/// changing each other at the same moment are counted one after the other and
/// the second is refused. Returns the user's roles and disabled flag before the
/// change; NotFound if there is no such user.
pub fn keep_an_admin(
    c: &mut dyn Conn,
    user_id: i64,
    roles_after: Option<RoleSet>,
    disabled_after: Option<bool>,
) -> Result<(RoleSet, bool)> {
    c.lock(ADMINS_LOCK)?;
    let r = c
        .query_opt(
            &format!("SELECT {} FROM users WHERE id = $1", AdminState::columns()),
            &params![user_id],
        )?
        .ok_or(StoreError::NotFound)?;
    let AdminState {
        roles: before,
        disabled: was_disabled,
    } = AdminState::decode(&r)?;
    let admin = debrief_core::Role::Admin;
    let was_admin = before.contains(admin) && !was_disabled;
    let will_be_admin =
        roles_after.unwrap_or(before).contains(admin) && !disabled_after.unwrap_or(was_disabled);
    if was_admin && !will_be_admin {
        let admins = c
            .query_one(
                "SELECT COUNT(*) FROM users WHERE disabled = 0 AND (roles & $1) <> 0",
                &params![i64::from(admin.bit())],
            )?
            .i64(0)?;
        if admins <= 1 {
            return Err(StoreError::State(LAST_ADMIN.into()));
        }
    }
    Ok((before, was_disabled))
}

/// Creates a team inside an open transaction.
pub fn insert_team(c: &mut dyn Conn, name: &str, description: &str, now: i64) -> Result<i64> {
    c.query_one(
        "INSERT INTO teams (name, description, created_ms) VALUES ($1, $2, $3) RETURNING id",
        &params![name, description, now],
    )?
    .i64(0)
}

/// Adds a member inside an open transaction (no error if already a member).
pub fn add_team_member(c: &mut dyn Conn, team_id: i64, user_id: i64) -> Result<()> {
    c.execute(
        "INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &params![team_id, user_id],
    )
    .map(|_| ())
}

pub fn remove_team_member(c: &mut dyn Conn, team_id: i64, user_id: i64) -> Result<()> {
    c.execute(
        "DELETE FROM team_members WHERE team_id = $1 AND user_id = $2",
        &params![team_id, user_id],
    )
    .map(|_| ())
}

/// A LIKE pattern matching `text` anywhere, lower-cased, with `%`, `_` and `\`
/// taken literally.
pub fn like_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for ch in text.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}
