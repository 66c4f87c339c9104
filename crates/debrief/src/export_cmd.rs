//! `debrief export summary|review --case ID --format md|html|pdf [-o FILE]`:
//! the one-page leadership summary or the full review of a case, as everyone
//! may read it (no interview notes, nothing restricted).

use crate::Fail;
use debrief_export::{Format, Kind};
use debrief_store::{Store, StoreError};
use std::io::Write;
use std::path::PathBuf;

pub fn run(
    store: Store,
    kind: Kind,
    case: i64,
    format: &str,
    output: Option<PathBuf>,
) -> Result<(), Fail> {
    let format: Format = format
        .parse()
        .map_err(|e: debrief_export::UnknownFormat| crate::usage(e.to_string()))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| crate::usage(format!("cannot start: {e}")))?;
    let doc = rt
        .block_on(debrief_web::export::review_document(
            &store,
            case,
            format!("case {case} in Debrief (/cases/{case}/review)"),
            debrief_web::export::Version::Case,
        ))
        .map_err(|e| match e {
            StoreError::NotFound => crate::usage(format!("there is no case {case}")),
            other => other.into(),
        })?
        .ok_or_else(|| {
            crate::usage(format!(
                "case {case} has no review yet (it opens when the case moves to in_review)"
            ))
        })?;
    let bytes = debrief_export::render(&doc, kind, format)
        .map_err(|e| crate::usage(format!("cannot render the export: {e}")))?;
    match output {
        Some(path) => std::fs::write(&path, &bytes)
            .map_err(|e| crate::usage(format!("cannot write {}: {e}", path.display())))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|_| out.flush())
                .map_err(|e| crate::usage(format!("cannot write the export: {e}")))?;
        }
    }
    Ok(())
}
