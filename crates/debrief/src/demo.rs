//! Realistic sample people and teams for `debrief serve --demo`.

use debrief_core::{Role, RoleSet};
use debrief_store::accounts::{NewUser, add_team_member, insert_team, insert_user};
use debrief_store::{Store, StoreError, now_ms};

/// Every demo account signs in with this password (printed when the demo loads).
pub const DEMO_PASSWORD: &str = "debrief-demo-2026";

const TEAMS: &[(&str, &str)] = &[
    (
        "Security Operations",
        "Detection, triage and incident response; owns the on-call rota.",
    ),
    (
        "Platform",
        "Kubernetes clusters, CI/CD, networking and the edge.",
    ),
    (
        "Payments",
        "Checkout, billing and the card-data environment.",
    ),
    (
        "Identity",
        "Single sign-on, customer accounts and access management.",
    ),
    ("Data", "Warehouse, analytics pipelines and data retention."),
    (
        "Customer Support",
        "Support desk and customer communications.",
    ),
];

/// (name, email local part, team index, roles)
const PEOPLE: &[(&str, &str, usize, &[Role])] = &[
    (
        "Amara Okafor",
        "amara.okafor",
        0,
        &[Role::SecurityLead, Role::Responder],
    ),
    ("Lukas Becker", "lukas.becker", 0, &[Role::Responder]),
    (
        "Mei Tanaka",
        "mei.tanaka",
        0,
        &[Role::Responder, Role::Facilitator],
    ),
    ("Diego Fernández", "diego.fernandez", 1, &[Role::Champion]),
    ("Priya Raman", "priya.raman", 1, &[Role::Facilitator]),
    ("Tomasz Nowak", "tomasz.nowak", 1, &[]),
    (
        "Fatima Zahra El Idrissi",
        "fatima.elidrissi",
        2,
        &[Role::Champion],
    ),
    ("Oliver Hughes", "oliver.hughes", 2, &[]),
    ("Sofia Rossi", "sofia.rossi", 3, &[Role::Champion]),
    ("Kwame Mensah", "kwame.mensah", 3, &[]),
    ("Ingrid Johansson", "ingrid.johansson", 4, &[Role::Champion]),
    ("Arjun Mehta", "arjun.mehta", 4, &[]),
    ("Chloé Martin", "chloe.martin", 5, &[]),
    ("Nguyen Van An", "an.nguyen", 5, &[]),
    ("Helen Carter", "helen.carter", 0, &[Role::Leadership]),
    ("Rafael Lima", "rafael.lima", 0, &[Role::ConductReviewer]),
    ("Ada Admin", "admin", 1, &[Role::Admin]),
];

pub const DOMAIN: &str = "demo.debrief.example";

/// The demo people's names, for checking demo texts against the directory.
#[cfg(test)]
pub(crate) fn people_names() -> Vec<&'static str> {
    PEOPLE.iter().map(|p| p.0).collect()
}

/// The demo teams' names, for checking that demo stories name real teams.
#[cfg(test)]
pub(crate) fn team_names() -> Vec<&'static str> {
    TEAMS.iter().map(|t| t.0).collect()
}

/// The bar `debrief demo` shows on standard error while it generates `cases`
/// cases (hidden when standard error is not a terminal).
pub fn progress_bar(cases: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(cases as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "generating cases [{bar:30}] {pos}/{len} ({eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Loads the demo people and teams unless they are there already. Returns the
/// number of people created.
pub fn load(store: &Store) -> Result<usize, StoreError> {
    let hash = debrief_core::secret::hash_password(DEMO_PASSWORD)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    store.db().write_blocking(move |c| {
        let admin_email = format!("admin@{DOMAIN}");
        if c.query_opt(
            "SELECT id FROM users WHERE email = $1",
            &debrief_store::params![admin_email],
        )?
        .is_some()
        {
            return Ok(0);
        }
        let now = now_ms();
        let mut team_ids = Vec::new();
        for (name, description) in TEAMS {
            let id = match c.query_opt(
                "SELECT id FROM teams WHERE name = $1",
                &debrief_store::params![*name],
            )? {
                Some(r) => r.i64(0)?,
                None => insert_team(c, name, description, now)?,
            };
            team_ids.push(id);
        }
        for (name, local, team, roles) in PEOPLE {
            let u = insert_user(
                c,
                &NewUser {
                    email: format!("{local}@{DOMAIN}"),
                    name: (*name).to_string(),
                    password_hash: hash.clone(),
                    roles: RoleSet::from_roles(roles.iter().copied()),
                },
                now,
            )?;
            add_team_member(c, team_ids[*team], u.id)?;
        }
        debrief_store::audit::append(
            c,
            now,
            "system",
            "demo.loaded",
            "demo",
            &format!("{} people, {} teams", PEOPLE.len(), TEAMS.len()),
        )?;
        Ok(PEOPLE.len())
    })
}
