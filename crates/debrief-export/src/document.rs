//! The input of every export: a blameless review as the exporter sees it.
//! Everything is already formatted for people (labels, times in the reader's
//! zone); the exporter only arranges, escapes and shortens.

use serde::Serialize;

/// A blameless review ready to be exported.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewDocument {
    pub case_id: i64,
    pub title: String,
    /// Severity label, e.g. "High".
    pub severity: String,
    /// "Draft", "In review" or "Published".
    pub state: String,
    pub facilitator: Option<String>,
    /// When the export was produced, e.g. "2026-11-23 16:40 UTC".
    pub generated_at: String,
    /// Where the full review lives, e.g. a URL or "Case 12 in Debrief"; the
    /// summary's "shortened, see the full review" pointer uses it.
    pub full_review_ref: String,
    /// Milestones in order: ("Occurred", "2026-11-02 03:10 UTC"), ("Detected", …), …
    pub times: Vec<(String, String)>,
    /// The responders' case timeline: facts, decisions and communications in
    /// time order.
    pub timeline: Vec<TimelineItem>,
    /// This version of the review leaves the case timeline out (the learning
    /// library's, which every employee reads): no timeline section at all.
    pub without_timeline: bool,
    /// The facts narrative.
    pub what_happened: String,
    /// Interpretations, always labelled as such.
    pub interpretations: String,
    pub impact: Impact,
    pub whys: Vec<WhyChain>,
    pub factors: Vec<Factor>,
    pub went_well: String,
    pub got_lucky: String,
    pub lessons: Vec<Lesson>,
    /// Already ordered by importance (priority, then due date).
    pub action_items: Vec<ActionItem>,
}

/// One timeline entry: a fact, a decision or a communication.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TimelineItem {
    pub at: String,
    pub kind: String,
    pub body: String,
}

/// The quantified impact of the incident.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Impact {
    pub duration_minutes: Option<i64>,
    pub people_affected: Option<i64>,
    pub records_affected: Option<i64>,
    pub services: String,
    pub cost: Option<String>,
    pub notes: String,
}

/// One five-whys chain, from the problem to the systemic condition.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WhyChain {
    pub problem: String,
    pub steps: Vec<String>,
    pub systemic_condition: String,
}

/// A contributing factor; `category` is a label, e.g. "Tooling and design".
#[derive(Debug, Clone, Default, Serialize)]
pub struct Factor {
    pub category: String,
    pub explanation: String,
}

/// A lesson learned; `level` is a label: "Organisation", "Business process"
/// or "Information system".
#[derive(Debug, Clone, Default, Serialize)]
pub struct Lesson {
    pub level: String,
    pub body: String,
}

/// A follow-up tracked outside the document.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActionItem {
    pub title: String,
    pub owner: String,
    pub due: String,
    pub priority: String,
    pub status: String,
    /// The contributing factor it addresses (its category label or text).
    pub factor: Option<String>,
    pub tracker_url: Option<String>,
}
