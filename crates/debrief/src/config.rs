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
    /// The operations listener (`GET /metrics`); none when not given.
    pub metrics_listen: Option<String>,
    pub secure_cookies: Option<bool>,
    pub log: Option<String>,
    pub log_format: Option<String>,
    pub key_file: Option<String>,
    /// Address blocks of the proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Option<Vec<String>>,
    pub anonymous_reports_per_minute: Option<u32>,
    pub anonymous_reports_burst: Option<u32>,
    pub anonymous_reports_global_per_minute: Option<u32>,
    pub anonymous_reports_global_burst: Option<u32>,
    pub receipt_failures_per_minute: Option<u32>,
    pub receipt_failures_burst: Option<u32>,
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

/// The proxy and rate-limit settings of `debrief serve` (flag, then the
/// `DEBRIEF_*` variable, then the file's key of the same name, then the default).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct LimitArgs {
    /// Comma-separated address blocks (CIDR) of the reverse proxies in front of
    /// Debrief; only their X-Forwarded-For names the client. Default: none.
    #[arg(long, env = "DEBRIEF_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    /// Anonymous reports per minute from one client address (0 switches it off).
    #[arg(long, env = "DEBRIEF_ANONYMOUS_REPORTS_PER_MINUTE")]
    pub anonymous_reports_per_minute: Option<u32>,
    /// Anonymous reports one client address may send at once.
    #[arg(long, env = "DEBRIEF_ANONYMOUS_REPORTS_BURST")]
    pub anonymous_reports_burst: Option<u32>,
    /// Anonymous reports per minute from everyone together (0 switches it off).
    #[arg(long, env = "DEBRIEF_ANONYMOUS_REPORTS_GLOBAL_PER_MINUTE")]
    pub anonymous_reports_global_per_minute: Option<u32>,
    /// Anonymous reports everyone together may send at once.
    #[arg(long, env = "DEBRIEF_ANONYMOUS_REPORTS_GLOBAL_BURST")]
    pub anonymous_reports_global_burst: Option<u32>,
    /// Wrong receipt codes per minute from one client address (0 switches it off).
    #[arg(long, env = "DEBRIEF_RECEIPT_FAILURES_PER_MINUTE")]
    pub receipt_failures_per_minute: Option<u32>,
    /// Wrong receipt codes one client address may send at once.
    #[arg(long, env = "DEBRIEF_RECEIPT_FAILURES_BURST")]
    pub receipt_failures_burst: Option<u32>,
}

/// The web server's proxy and limit settings from flags, environment and file.
pub fn web_settings(
    args: &LimitArgs,
    file: &FileConfig,
) -> Result<
    (
        Vec<debrief_web::client_addr::Cidr>,
        debrief_web::limiter::Limits,
    ),
    String,
> {
    use debrief_web::limiter::{Limits, Rate};
    let proxies = match (&args.trusted_proxies, &file.trusted_proxies) {
        (Some(flag), _) => debrief_web::client_addr::parse_list(flag),
        (None, Some(list)) => list
            .iter()
            .map(|p| debrief_web::client_addr::parse_cidr(p))
            .collect(),
        (None, None) => Ok(Vec::new()),
    }
    .map_err(|e| format!("trusted_proxies: {e}"))?;
    let d = Limits::default();
    let rate = |pm: Option<u32>, fpm: Option<u32>, b: Option<u32>, fb: Option<u32>, def: Rate| {
        Rate::new(
            pm.or(fpm).unwrap_or(def.per_minute),
            b.or(fb).unwrap_or(def.burst),
        )
    };
    let limits = Limits {
        intake_per_address: rate(
            args.anonymous_reports_per_minute,
            file.anonymous_reports_per_minute,
            args.anonymous_reports_burst,
            file.anonymous_reports_burst,
            d.intake_per_address,
        ),
        intake_global: rate(
            args.anonymous_reports_global_per_minute,
            file.anonymous_reports_global_per_minute,
            args.anonymous_reports_global_burst,
            file.anonymous_reports_global_burst,
            d.intake_global,
        ),
        receipt_failures: rate(
            args.receipt_failures_per_minute,
            file.receipt_failures_per_minute,
            args.receipt_failures_burst,
            file.receipt_failures_burst,
            d.receipt_failures,
        ),
    };
    Ok((proxies, limits))
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
    fn proxies_and_limits_come_from_flag_or_file() {
        let file: FileConfig = toml::from_str(
            "trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\nanonymous_reports_per_minute = 3\nreceipt_failures_burst = 7\n",
        )
        .unwrap_or_default();
        let (p, l) = web_settings(&LimitArgs::default(), &file).unwrap_or_default();
        assert_eq!(p.len(), 2);
        assert_eq!(l.intake_per_address.per_minute, 3);
        assert_eq!(l.receipt_failures.burst, 7);
        assert_eq!(
            l.intake_global,
            debrief_web::limiter::Limits::default().intake_global
        );
        let flag = LimitArgs {
            trusted_proxies: Some("127.0.0.1/32, 192.0.2.0/24".into()),
            anonymous_reports_per_minute: Some(9),
            ..Default::default()
        };
        let (p, l) = web_settings(&flag, &file).unwrap_or_default();
        assert_eq!(p.len(), 2);
        assert_eq!(l.intake_per_address.per_minute, 9);
        let bad = LimitArgs {
            trusted_proxies: Some("10.0.0.0/99".into()),
            ..Default::default()
        };
        let err = web_settings(&bad, &file).err().unwrap_or_default();
        assert!(err.contains("trusted_proxies"), "{err}");
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
