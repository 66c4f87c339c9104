//! The jobs `debrief serve` runs.

use crate::runner::Kind;
use debrief_store::{Store, now_ms};

/// Removes ended sessions (expired, or idle too long).
pub const PURGE_SESSIONS: &str = "sessions.purge";
/// Turns due and overdue action items and due effectiveness checks into notices.
pub const REMIND_ACTION_ITEMS: &str = "action_items.remind";

/// What the jobs need from the rest of the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// A session unused for this long has ended (the web layer's idle limit).
    pub session_idle_ms: i64,
}

/// The standard kinds with their default limits and periods. Each is periodic
/// and keeps a single job queued, so one at a time per process is enough.
pub fn kinds(settings: Settings) -> Vec<Kind> {
    let idle = settings.session_idle_ms;
    vec![
        Kind::new(PURGE_SESSIONS, 1, move |store, _job| {
            purge_sessions(store, idle)
        })
        .every(3_600_000),
        Kind::new(REMIND_ACTION_ITEMS, 1, |store, _job| {
            remind_action_items(store)
        })
        .every(15 * 60_000),
    ]
}

async fn purge_sessions(store: Store, idle_ms: i64) -> Result<(), String> {
    let now = now_ms();
    let n = store
        .purge_sessions(now, now - idle_ms)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(removed = n, "purged ended sessions");
    Ok(())
}

async fn remind_action_items(store: Store) -> Result<(), String> {
    let now = now_ms();
    let n = store
        .remind_action_items(debrief_core::review::day_of(now), now)
        .await
        .map_err(|e| e.to_string())?;
    if n > 0 {
        tracing::info!(created = n, "action-item reminders");
    }
    Ok(())
}
