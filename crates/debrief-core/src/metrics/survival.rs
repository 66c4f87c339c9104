//! The Kaplan–Meier estimate of how long something takes when some of the
//! things measured have not finished yet.
//!
//! A case still open has not been given an end: it counts as "still running
//! after this long" (censored at the time of the calculation), which keeps a
//! long-open case in the estimate instead of silently dropping it or inventing
//! an end for it. With no open cases the estimate's quantiles are the plain
//! empirical quantiles (the smallest duration with at least the share q of
//! durations at or below it).

/// One duration: its length (milliseconds) and whether it ended (`true`) or is
/// still running (`false`).
pub type Observation = (i64, bool);

/// One step of the survival curve: at `at`, the estimated share of the cases
/// still running falls to `surviving`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub at: i64,
    pub surviving: f64,
}

/// The Kaplan–Meier curve: `S(t) = Π over ended durations tᵢ ≤ t of (1 − dᵢ/nᵢ)`,
/// with dᵢ the durations ending at tᵢ and nᵢ those still running just before
/// it. Open durations that tie with an ending one are counted as still running
/// at that time (the usual convention).
pub fn curve(observations: &[Observation]) -> Vec<Step> {
    let mut obs = observations.to_vec();
    obs.sort_by_key(|&(t, ended)| (t, !ended));
    let mut at_risk = obs.len() as f64;
    let mut surviving = 1.0;
    let mut steps = Vec::new();
    let mut i = 0;
    while i < obs.len() {
        let t = obs[i].0;
        let (mut ended, mut open) = (0.0, 0.0);
        while i < obs.len() && obs[i].0 == t {
            if obs[i].1 {
                ended += 1.0;
            } else {
                open += 1.0;
            }
            i += 1;
        }
        if ended > 0.0 {
            surviving *= 1.0 - ended / at_risk;
            steps.push(Step { at: t, surviving });
        }
        at_risk -= ended + open;
    }
    steps
}

/// The q-quantile (0 < q < 1) of the duration: the smallest duration at
/// which the estimated share still running is at most `1 − q`. `None` when
/// the curve never falls that far, because too many cases are still open
/// (the quantile is not reached yet, and no number would be honest).
pub fn quantile(steps: &[Step], q: f64) -> Option<i64> {
    // a tiny tolerance so that exactly 0.5 after rounding counts as 0.5
    let target = 1.0 - q + 1e-12;
    steps.iter().find(|s| s.surviving <= target).map(|s| s.at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_open_cases_the_quantiles_are_the_empirical_ones() {
        let obs: Vec<Observation> = [5, 1, 4, 2, 3].iter().map(|&t| (t, true)).collect();
        let c = curve(&obs);
        assert_eq!(quantile(&c, 0.5), Some(3));
        assert_eq!(quantile(&c, 0.9), Some(5));
        // an even count: the median is the lower middle value, where the
        // share still running first reaches one half
        let obs: Vec<Observation> = [10, 20, 30, 40].iter().map(|&t| (t, true)).collect();
        let c = curve(&obs);
        assert_eq!(quantile(&c, 0.5), Some(20));
        assert_eq!(quantile(&c, 0.9), Some(40));
    }

    #[test]
    fn open_cases_stay_in_the_estimate() {
        // ended: 1, 2, 3; open after 2 and after 10
        // t=1: 5 at risk, S = 4/5; t=2: 4 at risk (the open one at 2 counts
        // as running), S = 4/5 · 3/4 = 3/5; the open at 2 leaves; t=3: 2 at
        // risk, S = 3/5 · 1/2 = 3/10
        let obs = [(1, true), (2, true), (2, false), (3, true), (10, false)];
        let c = curve(&obs);
        let s: Vec<(i64, f64)> = c.iter().map(|s| (s.at, s.surviving)).collect();
        assert_eq!(s.len(), 3);
        assert!((s[0].1 - 0.8).abs() < 1e-12);
        assert!((s[1].1 - 0.6).abs() < 1e-12);
        assert!((s[2].1 - 0.3).abs() < 1e-12);
        assert_eq!(quantile(&c, 0.5), Some(3));
        // the curve stops at 0.3: a p90 is not reached while a case is open
        assert_eq!(quantile(&c, 0.9), None);
        // dropping the open cases would have given a median of 2
        let ended: Vec<Observation> = obs.iter().copied().filter(|o| o.1).collect();
        assert_eq!(quantile(&curve(&ended), 0.5), Some(2));
    }

    #[test]
    fn mostly_open_means_no_median_yet() {
        // t=3: 3 at risk, S = 2/3, and the rest is still open
        let obs = [(1, false), (2, false), (3, true), (4, false), (5, false)];
        assert_eq!(quantile(&curve(&obs), 0.5), None);
        assert!(curve(&[]).is_empty());
        assert_eq!(quantile(&curve(&[]), 0.5), None);
    }
}
