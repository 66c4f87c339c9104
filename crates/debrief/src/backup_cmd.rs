//! `debrief backup` and `debrief restore`: the command-line side of
//! [`debrief_store::backup`] (file handling, progress bars, messages).

use crate::{Fail, usage};
use debrief_store::Store;
use debrief_store::backup::{BackupError, Progress};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::Path;

fn fail(path: &Path, e: BackupError) -> Fail {
    match e {
        // a database error is about the database, not the file
        BackupError::Store(e) => usage(e.to_string()),
        other => usage(format!("{}: {other}", path.display())),
    }
}

/// A bar on standard error, hidden when that is not a terminal.
fn bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len} rows ({eta} left)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Follows a backup or restore on `bar`.
fn follow(bar: ProgressBar, verb: &'static str) -> impl FnMut(Progress) {
    move |p| match p {
        Progress::Snapshot => bar.set_message("taking a snapshot"),
        Progress::Start { rows, .. } => {
            bar.set_length(rows);
            bar.set_position(0);
        }
        Progress::Table(t) => bar.set_message(format!("{verb} {t}")),
        Progress::Rows(n) => bar.inc(n),
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 10 << 20 => format!("{} MiB", b >> 20),
        b if b >= 10 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Writes the backup next to `output` under a temporary name, readable by its
/// owner only, and renames it into place once complete: a failed backup never
/// leaves a partial file under the name asked for.
pub fn backup(store: &Store, output: &Path) -> Result<(), Fail> {
    let dir = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".debrief-backup-")
        .tempfile_in(dir)
        .map_err(|e| usage(format!("cannot write in {}: {e}", dir.display())))?;
    let bar = bar();
    let header = {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        let header = store
            .backup_blocking(&mut out, &mut follow(bar.clone(), "exporting"))
            .map_err(|e| fail(output, e))?;
        out.flush()
            .map_err(|e| usage(format!("cannot write {}: {e}", output.display())))?;
        header
    };
    bar.finish_and_clear();
    tmp.as_file()
        .sync_all()
        .map_err(|e| usage(format!("cannot write {}: {e}", output.display())))?;
    let len = tmp.as_file().metadata().map(|m| m.len()).unwrap_or(0);
    tmp.persist(output)
        .map_err(|e| usage(format!("cannot write {}: {}", output.display(), e.error)))?;
    println!(
        "backed up {} tables, {} rows (schema version {}) to {} ({}, content SHA-256 {})",
        header.tables,
        header.rows,
        header.schema_version,
        output.display(),
        size(len),
        header.content_sha256
    );
    println!(
        "the deployment key is not in the backup: keep the key file (or DEBRIEF_SECRET_KEY) safe, apart from it"
    );
    Ok(())
}

pub fn restore(store: &Store, url: &str, file: &Path) -> Result<(), Fail> {
    let bar = bar();
    let restored = store.restore_blocking(file, &mut follow(bar.clone(), "loading"));
    bar.finish_and_clear();
    let header = restored.map_err(|e| fail(file, e))?;
    println!(
        "restored {} tables, {} rows (schema version {}, taken {} on {}) into {}",
        header.tables,
        header.rows,
        header.schema_version,
        header.created_at,
        header.source_engine,
        debrief_store::db::redact_url(url)
    );
    Ok(())
}
