//! The one metrics operation the API and the dashboard pages share: load the
//! facts, the organisation's time zone and the teams ([`load`]), read the
//! reader's query ([`Loaded::select`]), and compute the period, the period
//! before it of the same length, and each headline figure's change between
//! them ([`Loaded::view`]). Every calculation is the core's
//! (`debrief_core::metrics`); nothing here computes a figure of its own.

use crate::dashboards::query::{self, Context, Refused, Selection};
use debrief_core::metrics::counts::Guarded;
use debrief_core::metrics::durations::Measure;
use debrief_core::metrics::{
    Change, Facts, Filter, Metrics, Period, Tz, compute, count_change, duration_change,
    share_change,
};
use debrief_store::accounts::Team;
use debrief_store::{Store, StoreError};

/// Everything a metrics answer is computed from, read once per request.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub facts: Facts,
    /// The organisation's time zone (days and quarters are counted in it).
    pub tz: Tz,
    /// The moment of the calculation: open cases are open as of it.
    pub as_of_ms: i64,
    /// The teams, for the `team` filter and its names.
    pub teams: Vec<Team>,
}

/// Reads the facts, the zone and the teams, as of now.
pub async fn load(store: &Store) -> Result<Loaded, StoreError> {
    Ok(Loaded {
        facts: store.metrics_facts().await?,
        tz: store.time_zone().await?,
        teams: store.list_teams().await?,
        as_of_ms: debrief_store::now_ms(),
    })
}

/// The change of each headline figure from the previous period to this one.
#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    /// Each duration (log-rank test), in the order of [`Measure::ALL`].
    pub durations: Vec<(Measure, Change)>,
    /// All reports (exact test for two Poisson rates; more is healthy).
    pub reports: Change,
    /// Near-miss reports (as above; more is healthy).
    pub near_miss: Change,
    /// The anonymous share (Fisher's exact test); withheld, like the share,
    /// for a group of fewer than five people.
    pub anonymous_share: Guarded<Change>,
    /// The repeat-incident rate: repeats among classified cases (Fisher).
    pub repeat_rate: Change,
    /// Action-item completion: done among the items created (Fisher).
    pub completion: Change,
}

/// One period's figures, the previous period's, and the change between them.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub selection: Selection,
    pub tz: Tz,
    pub as_of_ms: i64,
    pub current: Metrics,
    pub previous: Metrics,
    pub changes: Changes,
}

impl Loaded {
    /// What [`query::read`] needs besides the parameters.
    pub fn context(&self) -> Context<'_> {
        Context {
            tz: self.tz,
            now_ms: self.as_of_ms,
            teams: &self.teams,
        }
    }

    /// Reads a query string's `(name, value)` pairs.
    pub fn select(&self, pairs: &[(String, String)]) -> Result<Selection, Refused> {
        query::read(pairs, &self.context())
    }

    /// Every figure of one period and breakdown (e.g. one quarter of a trend).
    pub fn compute(&self, filter: &Filter, period: Period) -> Metrics {
        compute(&self.facts, filter, period, self.as_of_ms, self.tz)
    }

    /// The selected period, the one before it, and the changes.
    pub fn view(&self, selection: Selection) -> View {
        let current = self.compute(&selection.filter, selection.period);
        let previous = self.compute(&selection.filter, selection.previous);
        let changes = changes(&previous, &current);
        View {
            selection,
            tz: self.tz,
            as_of_ms: self.as_of_ms,
            current,
            previous,
            changes,
        }
    }
}

/// The change of each headline figure from `before` to `after`.
pub fn changes(before: &Metrics, after: &Metrics) -> Changes {
    let durations = Measure::ALL
        .iter()
        .filter_map(|&m| Some((m, duration_change(before.duration(m)?, after.duration(m)?))))
        .collect();
    let (rb, ra) = (&before.reports, &after.reports);
    let withheld = rb.anonymous_share.shown().is_none() || ra.anonymous_share.shown().is_none();
    Changes {
        durations,
        reports: count_change(
            "Reports",
            (rb.total, &before.period),
            (ra.total, &after.period),
            true,
        ),
        near_miss: count_change(
            "Near-miss reports",
            (rb.near_miss, &before.period),
            (ra.near_miss, &after.period),
            true,
        ),
        anonymous_share: Guarded::when(
            !withheld,
            share_change(
                "The anonymous share",
                (rb.anonymous, rb.total),
                (ra.anonymous, ra.total),
            ),
        ),
        repeat_rate: share_change(
            "The repeat-incident rate",
            (before.repeats.repeats, before.repeats.classified),
            (after.repeats.repeats, after.repeats.classified),
        ),
        completion: share_change(
            "Action-item completion",
            (before.actions.done, before.actions.total),
            (after.actions.done, after.actions.total),
        ),
    }
}

/// Why a metrics request gets no figures.
#[derive(Debug)]
pub enum MetricsError {
    /// The query cannot be used (422 naming each parameter).
    Refused(Refused),
    Store(StoreError),
}

impl From<StoreError> for MetricsError {
    fn from(e: StoreError) -> Self {
        MetricsError::Store(e)
    }
}

/// The whole operation: load, read the query, compute.
pub async fn metrics(store: &Store, pairs: &[(String, String)]) -> Result<View, MetricsError> {
    let loaded = load(store).await?;
    let selection = loaded.select(pairs).map_err(MetricsError::Refused)?;
    Ok(loaded.view(selection))
}
