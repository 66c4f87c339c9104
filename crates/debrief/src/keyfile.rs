//! The deployment's master secret, kept outside the database: `DEBRIEF_SECRET_KEY`
//! (64 hex digits), or a key file — `--key-file`, `DEBRIEF_KEY_FILE`, the config
//! file's `key_file`, or by default `debrief.key` beside the SQLite database (in the
//! working directory for PostgreSQL). A missing key file is created on first run,
//! readable by its owner only. Every node of a deployment needs the same secret.

use debrief_core::keys::Keys;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn default_path(database_url: &str) -> PathBuf {
    let sqlite = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"));
    match sqlite.map(Path::new).and_then(Path::parent) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join("debrief.key"),
        _ => PathBuf::from("debrief.key"),
    }
}

pub fn load(path: &Path) -> Result<Keys, String> {
    if let Ok(hex) = std::env::var("DEBRIEF_SECRET_KEY") {
        return Keys::from_hex(&hex).map_err(|e| format!("DEBRIEF_SECRET_KEY: {e}"));
    }
    match std::fs::read_to_string(path) {
        Ok(text) => Keys::from_hex(&text).map_err(|e| format!("key file {}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let hex = Keys::generate_hex().map_err(|e| e.to_string())?;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts
                .open(path)
                .map_err(|e| format!("cannot create key file {}: {e}", path.display()))?;
            f.write_all(format!("{hex}\n").as_bytes())
                .map_err(|e| format!("cannot write key file {}: {e}", path.display()))?;
            f.sync_all()
                .map_err(|e| format!("cannot write key file {}: {e}", path.display()))?;
            tracing::info!(path = %path.display(), "created a new deployment key; back it up with the database");
            Keys::from_hex(&hex).map_err(|e| e.to_string())
        }
        Err(e) => Err(format!("cannot read key file {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_lives_beside_the_sqlite_database() {
        assert_eq!(
            default_path("sqlite:///var/lib/debrief/d.db"),
            PathBuf::from("/var/lib/debrief/debrief.key")
        );
        assert_eq!(
            default_path("sqlite://debrief.db"),
            PathBuf::from("debrief.key")
        );
        assert_eq!(
            default_path("postgres://h/db"),
            PathBuf::from("debrief.key")
        );
    }

    #[test]
    fn a_missing_key_file_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("debrief-key-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let p = dir.join("debrief.key");
        let _ = std::fs::remove_file(&p);
        let a = load(&p).map(|k| k.public_key_b64()).unwrap_or_default();
        let b = load(&p).map(|k| k.public_key_b64()).unwrap_or_default();
        assert!(!a.is_empty());
        assert_eq!(a, b);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0);
            assert_eq!(mode, 0o600);
        }
        let _ = std::fs::write(&p, "not a key");
        assert!(load(&p).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
