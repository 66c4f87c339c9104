//! The prose of the demo reviews, kept as data files beside the generator in
//! `demo_stories/`: one TOML file per kind of incident, and `pools.toml` for
//! the sentences any review may borrow. The files are compiled into the binary
//! and read once; the generator in `demo_reviews` picks from them.

use debrief_core::review::{ActionPriority, LessonLevel};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// A five-whys chain: the problem, each answer to "why?", and the condition of
/// the system it ends in.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Why {
    pub problem: String,
    pub steps: Vec<String>,
    pub systemic: String,
}

/// A follow-up: what to do, the factor category it addresses, the team that
/// usually owns it (none: anyone), and what changed once done.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Action {
    pub title: String,
    pub description: String,
    pub factor: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub team: String,
    pub priority: ActionPriority,
    pub done: String,
}

/// Impact figures as inclusive ranges; `[0, 0]` leaves a figure empty.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImpactSpec {
    pub minutes: (i64, i64),
    pub people: (i64, i64),
    pub records: (i64, i64),
    pub services: String,
    pub cost: Vec<String>,
    pub notes: String,
}

/// A contributing factor: a category key of the built-in taxonomy and why it
/// applies.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Factor {
    pub category: String,
    pub explanation: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Lesson {
    pub level: LessonLevel,
    pub text: String,
}

/// Debrief interview notes. `who` is [`LEAD`], [`REPORTER`], [`ANYONE`] or a
/// team name.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Interview {
    pub who: String,
    pub notes: String,
}

/// The case lead.
pub(crate) const LEAD: &str = "lead";
/// Someone who reported the case and is not named in the notes' heading.
pub(crate) const REPORTER: &str = "reporter";
/// Anyone who is neither the facilitator nor the lead.
pub(crate) const ANYONE: &str = "anyone";

/// Everything a review of one kind of case can say. Narratives may use
/// `{duration}`, `{people}` and `{records}`, filled from the impact figures.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Story {
    pub title: String,
    pub what: Vec<String>,
    pub interpretations: String,
    pub went_well: Vec<String>,
    pub got_lucky: Vec<String>,
    pub impact: ImpactSpec,
    pub whys: Vec<Why>,
    /// Each category once.
    pub factors: Vec<Factor>,
    pub lessons: Vec<Lesson>,
    pub actions: Vec<Action>,
    pub interviews: Vec<Interview>,
}

/// Sentences any review may borrow, whatever the case.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Pools {
    pub went_well: Vec<String>,
    pub got_lucky: Vec<String>,
    /// Why an action item was closed as "won't do".
    pub wont_do: Vec<String>,
    /// Effectiveness checks that found the change worked.
    pub check_effective: Vec<String>,
    /// Effectiveness checks that found it did not.
    pub check_not_effective: Vec<String>,
    pub lessons: Vec<Lesson>,
    /// Lessons kept to the review's readers: they name contracts, insurers or
    /// negotiations, not people.
    pub restricted_lessons: Vec<Lesson>,
}

pub(crate) struct Prose {
    pub stories: Vec<Story>,
    pub pools: Pools,
}

/// The data files, in the order the generator draws on them.
pub(crate) const STORY_FILES: &[(&str, &str)] = &[
    (
        "01-customer-export-left-in-a-public-storage-bucket.toml",
        include_str!("demo_stories/01-customer-export-left-in-a-public-storage-bucket.toml"),
    ),
    (
        "02-credential-stuffing-against-the-customer-login.toml",
        include_str!("demo_stories/02-credential-stuffing-against-the-customer-login.toml"),
    ),
    (
        "03-phishing-mail-led-to-a-compromised-mailbox.toml",
        include_str!("demo_stories/03-phishing-mail-led-to-a-compromised-mailbox.toml"),
    ),
    (
        "04-deploy-token-printed-in-a-public-ci-log.toml",
        include_str!("demo_stories/04-deploy-token-printed-in-a-public-ci-log.toml"),
    ),
    (
        "05-ransomware-blocked-on-a-support-laptop.toml",
        include_str!("demo_stories/05-ransomware-blocked-on-a-support-laptop.toml"),
    ),
    (
        "06-production-database-password-pasted-into-team-chat.toml",
        include_str!("demo_stories/06-production-database-password-pasted-into-team-chat.toml"),
    ),
    (
        "07-almost-approved-a-firewall-change-to-the-wrong-environment.toml",
        include_str!(
            "demo_stories/07-almost-approved-a-firewall-change-to-the-wrong-environment.toml"
        ),
    ),
    (
        "08-backup-restore-test-found-an-unencrypted-copy.toml",
        include_str!("demo_stories/08-backup-restore-test-found-an-unencrypted-copy.toml"),
    ),
    (
        "09-usb-stick-with-test-data-found-in-a-meeting-room.toml",
        include_str!("demo_stories/09-usb-stick-with-test-data-found-in-a-meeting-room.toml"),
    ),
    (
        "10-alert-about-a-vulnerable-vpn-appliance-sat-until-monday.toml",
        include_str!(
            "demo_stories/10-alert-about-a-vulnerable-vpn-appliance-sat-until-monday.toml"
        ),
    ),
    (
        "11-admin-interface-reachable-from-the-internet.toml",
        include_str!("demo_stories/11-admin-interface-reachable-from-the-internet.toml"),
    ),
    (
        "12-outdated-tls-library-in-the-payments-gateway.toml",
        include_str!("demo_stories/12-outdated-tls-library-in-the-payments-gateway.toml"),
    ),
    (
        "13-password-reset-link-does-not-expire.toml",
        include_str!("demo_stories/13-password-reset-link-does-not-expire.toml"),
    ),
    (
        "14-security-reviews-skipped-to-meet-the-release-date.toml",
        include_str!("demo_stories/14-security-reviews-skipped-to-meet-the-release-date.toml"),
    ),
    (
        "15-shared-admin-account-still-used-by-the-data-team.toml",
        include_str!("demo_stories/15-shared-admin-account-still-used-by-the-data-team.toml"),
    ),
    (
        "16-on-call-engineer-alone-for-incidents-at-night.toml",
        include_str!("demo_stories/16-on-call-engineer-alone-for-incidents-at-night.toml"),
    ),
    (
        "17-expired-tls-certificate-took-the-partner-api-offline.toml",
        include_str!("demo_stories/17-expired-tls-certificate-took-the-partner-api-offline.toml"),
    ),
    (
        "18-intrusion-alerts-routed-to-a-retired-mailbox.toml",
        include_str!("demo_stories/18-intrusion-alerts-routed-to-a-retired-mailbox.toml"),
    ),
    (
        "19-supplier-breach-exposed-support-ticket-attachments.toml",
        include_str!("demo_stories/19-supplier-breach-exposed-support-ticket-attachments.toml"),
    ),
    (
        "20-laptop-with-cached-customer-data-lost-on-a-train.toml",
        include_str!("demo_stories/20-laptop-with-cached-customer-data-lost-on-a-train.toml"),
    ),
];

pub(crate) const POOLS_FILE: (&str, &str) = ("pools.toml", include_str!("demo_stories/pools.toml"));

fn load() -> Result<Prose, String> {
    let parse_err = |name: &str, e: toml::de::Error| format!("demo_stories/{name}: {e}");
    let stories = STORY_FILES
        .iter()
        .map(|(name, text)| toml::from_str::<Story>(text).map_err(|e| parse_err(name, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let pools = toml::from_str::<Pools>(POOLS_FILE.1).map_err(|e| parse_err(POOLS_FILE.0, e))?;
    if stories.is_empty() {
        return Err("demo_stories: no stories".into());
    }
    Ok(Prose { stories, pools })
}

static PROSE: LazyLock<Result<Prose, String>> = LazyLock::new(load);

/// The demo prose, or why the built-in files could not be read.
pub(crate) fn prose() -> Result<&'static Prose, String> {
    PROSE.as_ref().map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use debrief_core::lint::{LintConfig, Linter, People};

    #[test]
    fn every_data_file_is_compiled_in() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo_stories");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = STORY_FILES.iter().map(|f| f.0.to_string()).collect();
        listed.push(POOLS_FILE.0.to_string());
        listed.sort();
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn every_case_template_has_a_story_and_stories_are_well_formed() {
        let prose = prose().unwrap();
        for title in crate::demo_activity::template_titles() {
            assert!(
                prose.stories.iter().any(|s| s.title == title),
                "no review story for {title}"
            );
        }
        let keys: Vec<&str> = debrief_core::review::FACTOR_CATEGORIES
            .iter()
            .map(|k| k.0)
            .collect();
        let teams = crate::demo::team_names();
        for s in &prose.stories {
            assert!(s.what.len() >= 2 && !s.whys.is_empty(), "{}", s.title);
            assert!(s.factors.len() >= 4, "{}: at least four factors", s.title);
            for f in &s.factors {
                assert!(
                    keys.contains(&f.category.as_str()),
                    "{}: unknown factor {}",
                    s.title,
                    f.category
                );
            }
            let mut cats: Vec<&str> = s.factors.iter().map(|f| f.category.as_str()).collect();
            cats.sort_unstable();
            cats.dedup();
            assert_eq!(cats.len(), s.factors.len(), "{}: factor twice", s.title);
            for level in LessonLevel::ALL {
                assert!(
                    s.lessons.iter().any(|l| l.level == *level),
                    "{}: no {level} lesson",
                    s.title
                );
            }
            assert!(s.actions.len() >= 4, "{}", s.title);
            for a in &s.actions {
                assert!(
                    keys.contains(&a.factor.as_str()),
                    "{}: {}",
                    s.title,
                    a.factor
                );
                assert!(
                    a.team.is_empty() || teams.contains(&a.team.as_str()),
                    "{}: team {}",
                    s.title,
                    a.team
                );
            }
            assert!(s.interviews.len() >= 2, "{}", s.title);
            for i in &s.interviews {
                assert!(
                    [LEAD, REPORTER, ANYONE].contains(&i.who.as_str())
                        || teams.contains(&i.who.as_str()),
                    "{}: interviewee {}",
                    s.title,
                    i.who
                );
            }
            let (lo, hi) = s.impact.minutes;
            assert!(lo <= hi && !s.impact.cost.is_empty(), "{}", s.title);
        }
        let p = &prose.pools;
        for pool in [
            &p.went_well,
            &p.got_lucky,
            &p.wont_do,
            &p.check_effective,
            &p.check_not_effective,
        ] {
            assert!(!pool.is_empty());
        }
        assert!(!p.restricted_lessons.is_empty());
        for level in LessonLevel::ALL {
            assert!(
                p.lessons.iter().any(|l| l.level == *level),
                "no generic {level} lesson"
            );
        }
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_name() {
        let err = toml::from_str::<Story>("title = 1").unwrap_err();
        assert!(err.to_string().contains("title"), "{err}");
        let err = toml::from_str::<Pools>("went_well = []\nsurprise = 1").unwrap_err();
        assert!(err.to_string().contains("surprise"), "{err}");
    }

    #[test]
    fn the_texts_pass_the_blameless_language_checker() {
        let people: String = crate::demo::people_names().join("\n");
        let linter = Linter::new(LintConfig::default(), People::parse(&people));
        let prose = prose().unwrap();
        let mut texts: Vec<&str> = Vec::new();
        for s in &prose.stories {
            texts.extend(s.what.iter().map(String::as_str));
            texts.push(&s.interpretations);
            texts.extend([s.impact.services.as_str(), &s.impact.notes]);
            texts.extend(s.impact.cost.iter().map(String::as_str));
            for w in &s.whys {
                texts.push(&w.problem);
                texts.extend(w.steps.iter().map(String::as_str));
                texts.push(&w.systemic);
            }
            texts.extend(s.factors.iter().map(|f| f.explanation.as_str()));
            texts.extend(s.lessons.iter().map(|l| l.text.as_str()));
            texts.extend(s.went_well.iter().map(String::as_str));
            texts.extend(s.got_lucky.iter().map(String::as_str));
            texts.extend(s.interviews.iter().map(|i| i.notes.as_str()));
            for a in &s.actions {
                texts.extend([a.title.as_str(), &a.description, &a.done]);
            }
        }
        let p = &prose.pools;
        for pool in [
            &p.went_well,
            &p.got_lucky,
            &p.wont_do,
            &p.check_effective,
            &p.check_not_effective,
        ] {
            texts.extend(pool.iter().map(String::as_str));
        }
        texts.extend(
            p.lessons
                .iter()
                .chain(&p.restricted_lessons)
                .map(|l| l.text.as_str()),
        );
        let mut problems = Vec::new();
        for t in texts {
            for f in linter.check(t) {
                problems.push(format!("{} {:?} in: {t}", f.rule, f.matched));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
