//! The checker's TOML configuration.
//!
//! ```toml
//! [rules]
//! person-agent = "error"      # error | warning | note | off
//! person-named = "off"
//! hindsight = { severity = "warning" }
//! blame = { enabled = true }
//!
//! [words]
//! blame = ["muppet", "asleep on the job"]
//! hindsight = ["in retrospect it was clear"]
//! human-error = ["finger trouble"]
//! failure-verbs = ["nuked"]
//!
//! [names]
//! allow = ["Sentinel", "Marvin"]   # tools and bots named like people
//! people = ["Ngozi Okafor"]        # added to the people directory
//!
//! [sarif]
//! information-uri = "https://wiki.example.org/blameless-reviews"
//! ```

use super::{Rule, Severity};
use serde::Deserialize;
use std::fmt;

/// A rule's setting: a severity, "off", or a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
    Off,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RuleSetting {
    Level(Level),
    Table(RuleTable),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleTable {
    enabled: Option<bool>,
    severity: Option<Level>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RulesFile {
    person_agent: Option<RuleSetting>,
    person_named: Option<RuleSetting>,
    blame: Option<RuleSetting>,
    hindsight: Option<RuleSetting>,
    human_error: Option<RuleSetting>,
    sanction: Option<RuleSetting>,
    suppression: Option<RuleSetting>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WordsFile {
    #[serde(default)]
    blame: Vec<String>,
    #[serde(default)]
    hindsight: Vec<String>,
    #[serde(default)]
    human_error: Vec<String>,
    #[serde(default)]
    failure_verbs: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamesFile {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    people: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct SarifFile {
    information_uri: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: RulesFile,
    #[serde(default)]
    words: WordsFile,
    #[serde(default)]
    names: NamesFile,
    #[serde(default)]
    sarif: SarifFile,
}

/// What the checker flags and how loudly. `Default` is the built-in behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintConfig {
    /// The severity of each rule, or `None` when the rule is off.
    pub severities: Vec<(Rule, Option<Severity>)>,
    /// Extra blame words and phrases.
    pub blame_words: Vec<String>,
    /// Extra hindsight phrases.
    pub hindsight_phrases: Vec<String>,
    /// Extra phrases that mean "human error".
    pub human_error_phrases: Vec<String>,
    /// Extra verbs that make their subject the agent of a failure.
    pub failure_verbs: Vec<String>,
    /// Names that are tools or bots, never people.
    pub allowed_names: Vec<String>,
    /// People added to the directory.
    pub people: Vec<String>,
    /// Where SARIF output tells readers to learn about the checker (an
    /// absolute URI, such as the organisation's page about blameless reviews).
    pub information_uri: Option<String>,
}

impl Default for LintConfig {
    fn default() -> Self {
        LintConfig {
            severities: Rule::ALL
                .iter()
                .map(|&r| (r, Some(r.default_severity())))
                .collect(),
            blame_words: Vec::new(),
            hindsight_phrases: Vec::new(),
            human_error_phrases: Vec::new(),
            failure_verbs: Vec::new(),
            allowed_names: Vec::new(),
            people: Vec::new(),
            information_uri: None,
        }
    }
}

/// A configuration file that could not be used, with the line at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl LintConfig {
    /// Parses the TOML configuration; an error names the line.
    pub fn from_toml(text: &str) -> Result<LintConfig, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| ConfigError {
            line: e
                .span()
                .map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() + 1),
            message: e.message().trim().to_string(),
        })?;
        let mut c = LintConfig::default();
        let r = file.rules;
        for (rule, setting) in [
            (Rule::PersonAgent, r.person_agent),
            (Rule::PersonNamed, r.person_named),
            (Rule::Blame, r.blame),
            (Rule::Hindsight, r.hindsight),
            (Rule::HumanError, r.human_error),
            (Rule::Sanction, r.sanction),
            (Rule::Suppression, r.suppression),
        ] {
            let Some(setting) = setting else { continue };
            let level = match setting {
                RuleSetting::Level(l) => Some(l),
                RuleSetting::Table(t) => match (t.enabled, t.severity) {
                    (Some(false), _) => Some(Level::Off),
                    (_, Some(l)) => Some(l),
                    _ => None,
                },
            };
            if let Some(level) = level {
                c.set(rule, level);
            }
        }
        let nonempty = |v: Vec<String>| -> Vec<String> {
            v.into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        c.blame_words = nonempty(file.words.blame);
        c.hindsight_phrases = nonempty(file.words.hindsight);
        c.human_error_phrases = nonempty(file.words.human_error);
        c.failure_verbs = nonempty(file.words.failure_verbs);
        c.allowed_names = nonempty(file.names.allow);
        c.people = nonempty(file.names.people);
        if let Some(u) = file.sarif.information_uri {
            let u = u.trim();
            let scheme = u.split_once(':').map(|(s, _)| s).unwrap_or("");
            let absolute = !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            if !absolute || u.chars().any(char::is_whitespace) {
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with("information-uri"))
                    .map(|i| i + 1);
                return Err(ConfigError {
                    line,
                    message: format!(
                        "information-uri must be an absolute URI such as https://…, not '{u}'"
                    ),
                });
            }
            c.information_uri = Some(u.to_string());
        }
        Ok(c)
    }

    /// Sets a rule's severity, or turns it off.
    pub fn set(&mut self, rule: Rule, level: Level) {
        let sev = match level {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Note => Some(Severity::Note),
            Level::Off => None,
        };
        match self.severities.iter_mut().find(|(r, _)| *r == rule) {
            Some(slot) => slot.1 = sev,
            None => self.severities.push((rule, sev)),
        }
    }

    /// The severity of a rule, `None` when it is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        self.severities
            .iter()
            .find(|(r, _)| *r == rule)
            .map_or(Some(rule.default_severity()), |(_, s)| *s)
    }
}
