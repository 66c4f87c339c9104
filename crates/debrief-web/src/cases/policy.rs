//! Who may do what with one case: pure rules over the caller, the case and
//! its people, used by the case pages (and by the API where it needs more
//! than a route's roles).

use crate::platform::auth::{Identity, may};
use debrief_store::User;

/// Who may open a case: those who triage.
pub fn may_open(ident: &Identity) -> bool {
    may(ident, "POST", "/cases")
}

/// Who may change a case: its details, times, lifecycle and timeline. Other
/// case readers (facilitators, leadership) read it without the forms.
pub fn may_change(ident: &Identity) -> bool {
    may(ident, "POST", "/cases/{id}/transition")
}

/// Who may mark a case as a drill or exercise, or unmark it: security leads.
/// A drill is left out of every learning metric, so this is not left to
/// everyone who changes a case.
pub fn may_mark_drill(ident: &Identity) -> bool {
    may(ident, "POST", "/cases/{id}/drill")
}

/// Who may follow a case's reports to their handling page: those who triage.
/// Other case readers see each report's number, title, mode and time, never
/// its text or who sent it.
pub fn opens_reports(ident: &Identity) -> bool {
    may(ident, "GET", "/triage/{id}")
}

/// Who may be offered as a case's lead: an active responder or security lead.
pub fn may_lead(u: &User) -> bool {
    !u.disabled && u.roles.any(debrief_core::case::lead_roles())
}
