//! Who learns who sent one report: pure rules over the caller and the report,
//! used by the triage pages and the reports API alike.

use crate::platform::auth::{Identity, may};
use debrief_core::report::Confidentiality;
use debrief_store::reports::Report;

/// The reporter a handler may name with a report: the reporter of a named
/// report only. A confidential report's reporter stays sealed until a
/// security lead reveals it; an anonymous one has none.
pub fn shown_reporter(r: &Report) -> Option<i64> {
    match r.confidentiality {
        Confidentiality::Named => r.reporter_id,
        Confidentiality::Confidential | Confidentiality::Anonymous => None,
    }
}

/// Why a reporter may not be revealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealRefusal {
    /// Only a security lead reveals a reporter.
    NotSecurityLead,
    /// The report keeps no sealed identity: it is named (its reporter is
    /// shown already) or anonymous (nobody knows who sent it).
    NothingSealed,
}

impl RevealRefusal {
    pub fn message(self) -> &'static str {
        match self {
            RevealRefusal::NotSecurityLead => {
                "Only a security lead can reveal a confidential reporter."
            }
            RevealRefusal::NothingSealed => {
                "This report is not confidential: there is no sealed identity."
            }
        }
    }
}

/// Whether the caller may reveal who sent a report with (or without) a sealed
/// identity: a security lead, for a confidential report. The password check
/// and the audit entry come with every reveal on top of this.
pub fn reveal(ident: &Identity, has_sealed_identity: bool) -> Result<(), RevealRefusal> {
    if !may(ident, "POST", "/api/v1/reports/{id}/reveal") {
        Err(RevealRefusal::NotSecurityLead)
    } else if !has_sealed_identity {
        Err(RevealRefusal::NothingSealed)
    } else {
        Ok(())
    }
}
