//! Who sees which parts of one review: pure rules over the caller, used by the
//! pages and the API alike.

use crate::platform::auth::{Identity, may};
use debrief_core::Role;

/// Debrief interview notes are private to facilitators.
pub fn sees_interviews(ident: &Identity) -> bool {
    ident.roles().contains(Role::Facilitator)
}

/// Restricted parts (whys, factors, lessons marked restricted) are for those
/// who write reviews; other case readers see the review without them.
pub fn sees_restricted(ident: &Identity) -> bool {
    may(ident, "POST", "/cases/{id}/review/{part}")
}
