//! Configuration: command-line flags, then `DEBRIEF_*` environment variables,
//! then an optional TOML file (`--config` or `DEBRIEF_CONFIG`), then defaults.

use serde::Deserialize;
use std::path::Path;

pub const DEFAULT_DATABASE: &str = "sqlite://debrief.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The optional file. Unknown keys are errors, so typos do not pass silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database: Option<String>,
    pub listen: Option<String>,
    pub secure_cookies: Option<bool>,
    pub log: Option<String>,
    pub log_format: Option<String>,
    pub key_file: Option<String>,
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> Result<FileConfig, String> {
        let Some(path) = path else {
            return Ok(FileConfig::default());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            let msg = e.message().to_string();
            let line = e
                .span()
                .map(|s| text.get(..s.start).unwrap_or(&text).matches('\n').count() + 1);
            match line {
                Some(l) => format!("config file {}, line {l}: {msg}", path.display()),
                None => format!("config file {}: {msg}", path.display()),
            }
        })
    }
}

/// The value that wins: the flag (clap already folded the environment in), else
/// the file, else the default.
pub fn pick(flag_or_env: Option<String>, file: Option<String>, default: &str) -> String {
    flag_or_env.or(file).unwrap_or_else(|| default.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_file_beat_defaults() {
        assert_eq!(pick(Some("a".into()), Some("b".into()), "c"), "a");
        assert_eq!(pick(None, Some("b".into()), "c"), "b");
        assert_eq!(pick(None, None, "c"), "c");
    }

    #[test]
    fn bad_file_names_the_line() {
        let dir = std::env::temp_dir().join(format!("debrief-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let p = dir.join("bad.toml");
        std::fs::write(&p, "listen = \"127.0.0.1:1\"\n\ndatabse = \"x\"\n").unwrap_or_default();
        let err = FileConfig::load(Some(&p)).err().unwrap_or_default();
        assert!(err.contains("line 3"), "{err}");
        std::fs::write(&p, "listen = \"127.0.0.1:1\"\n").unwrap_or_default();
        assert_eq!(
            FileConfig::load(Some(&p))
                .map(|c| c.listen)
                .unwrap_or_default()
                .as_deref(),
            Some("127.0.0.1:1")
        );
    }
}
