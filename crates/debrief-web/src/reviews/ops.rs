//! Review operations the pages and the API share.

use crate::AppState;
use crate::platform::auth::Identity;
use debrief_store::reviews::ReviewDetail;

/// Records that `ident` is shown a review's interview notes (never their content).
/// Called before the notes are sent; when it fails, they are not sent.
pub async fn audit_interview_read(
    state: &AppState,
    ident: &Identity,
    d: &ReviewDetail,
) -> Result<(), debrief_store::StoreError> {
    if d.interviews.is_empty() {
        return Ok(());
    }
    let n = d.interviews.len();
    state
        .store
        .audit(
            ident.actor(),
            "interview_notes.read",
            format!("case:{}", d.review.case_id),
            format!("{n} note{}", if n == 1 { "" } else { "s" }),
        )
        .await
        .map(|_| ())
}
