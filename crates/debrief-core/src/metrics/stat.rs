//! The statistics behind the learning metrics: exact tests for counts and
//! shares, the log-rank test for durations, and intervals for counts and
//! shares. Small, deterministic functions (no random resampling), so the same
//! data gives the same answer on every engine and every run.

/// The significance level below which a change is called a trend.
pub const ALPHA: f64 = 0.05;

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; relative error
/// below 1e-13 over the range used here).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // reflection: Γ(x) Γ(1 − x) = π / sin(πx)
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ln C(n, k).
fn ln_choose(n: u64, k: u64) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// The probability of exactly `k` successes in `n` trials with success
/// probability `p`.
pub fn binomial_pmf(k: u64, n: u64, p: f64) -> f64 {
    if k > n {
        return 0.0;
    }
    if p <= 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    if p >= 1.0 {
        return if k == n { 1.0 } else { 0.0 };
    }
    (ln_choose(n, k) + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp()
}

/// Two-sided exact p-value of observing `sum(pmf(i) ≤ pmf(observed))`, the
/// usual "as or less likely" rule. A small relative tolerance keeps outcomes
/// of equal probability together despite rounding.
fn two_sided(observed: f64, probs: impl Iterator<Item = f64>) -> f64 {
    let limit = observed * (1.0 + 1e-7);
    probs.filter(|&q| q <= limit).sum::<f64>().min(1.0)
}

/// Two-sided exact binomial test of `k` successes in `n` trials against `p`.
pub fn binomial_test(k: u64, n: u64, p: f64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let obs = binomial_pmf(k, n, p);
    two_sided(obs, (0..=n).map(|i| binomial_pmf(i, n, p)))
}

/// Do two counts of events differ more than chance allows, given how long each
/// was observed for? Conditional exact test for two Poisson rates: given the
/// total, the first count is binomial with p = `t1 / (t1 + t2)` when the
/// rates are equal. Returns the two-sided p-value.
pub fn poisson_rates_test(c1: u64, t1: f64, c2: u64, t2: f64) -> f64 {
    if t1 <= 0.0 || t2 <= 0.0 {
        return 1.0;
    }
    binomial_test(c1, c1 + c2, t1 / (t1 + t2))
}

/// Fisher's exact test, two-sided, for the 2×2 table
/// `[[a, b], [c, d]]` (first group a of a + b, second group c of c + d).
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let row1 = a + b;
    let row2 = c + d;
    let col1 = a + c;
    let n = row1 + row2;
    if row1 == 0 || row2 == 0 || col1 == 0 || col1 == n {
        return 1.0;
    }
    let denom = ln_choose(n, col1);
    let pmf = |x: u64| (ln_choose(row1, x) + ln_choose(row2, col1 - x) - denom).exp();
    let lo = col1.saturating_sub(row2);
    let hi = col1.min(row1);
    two_sided(pmf(a), (lo..=hi).map(pmf))
}

/// P(Z > z) for a standard normal Z, via erfc (W. J. Cody's rational
/// approximations are overkill here; this is Numerical Recipes' erfc with a
/// fractional error below 1.2e-7).
pub fn normal_upper(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// One group's survival data for the log-rank test: durations and whether
/// each ended (`true`) or is still open (`false`, censored).
pub type Observations<'a> = &'a [(i64, bool)];

/// The log-rank test of two groups of durations, some of them still open.
/// Returns the two-sided p-value (χ² with one degree of freedom), or 1 when
/// there is nothing to compare.
pub fn log_rank(a: Observations<'_>, b: Observations<'_>) -> f64 {
    let mut all: Vec<(i64, bool, bool)> = a
        .iter()
        .map(|&(t, e)| (t, e, true))
        .chain(b.iter().map(|&(t, e)| (t, e, false)))
        .collect();
    all.sort_by_key(|&(t, e, _)| (t, !e));
    let mut at_risk_a = a.len() as f64;
    let mut at_risk_b = b.len() as f64;
    let (mut observed_minus_expected, mut variance) = (0.0_f64, 0.0_f64);
    let mut i = 0;
    while i < all.len() {
        let t = all[i].0;
        let (mut d_a, mut d_b, mut c_a, mut c_b) = (0.0, 0.0, 0.0, 0.0);
        while i < all.len() && all[i].0 == t {
            let (_, event, in_a) = all[i];
            match (event, in_a) {
                (true, true) => d_a += 1.0,
                (true, false) => d_b += 1.0,
                (false, true) => c_a += 1.0,
                (false, false) => c_b += 1.0,
            }
            i += 1;
        }
        let n = at_risk_a + at_risk_b;
        let d = d_a + d_b;
        if d > 0.0 && n > 1.0 {
            observed_minus_expected += d_a - d * at_risk_a / n;
            variance += d * (at_risk_a / n) * (at_risk_b / n) * (n - d) / (n - 1.0);
        }
        at_risk_a -= d_a + c_a;
        at_risk_b -= d_b + c_b;
    }
    if variance <= 0.0 {
        return 1.0;
    }
    let z = observed_minus_expected.abs() / variance.sqrt();
    (2.0 * normal_upper(z)).min(1.0)
}

/// The Wilson score interval (95%) for a share of `k` in `n`.
pub fn wilson_interval(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let z = 1.959_963_984_540_054_f64;
    let n = n as f64;
    let p = k as f64 / n;
    let centre = p + z * z / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    let denom = 1.0 + z * z / n;
    Some((
        ((centre - half) / denom).max(0.0),
        ((centre + half) / denom).min(1.0),
    ))
}

/// P(X ≤ k) for X ~ Poisson(mu).
fn poisson_cdf(k: u64, mu: f64) -> f64 {
    if mu <= 0.0 {
        return 1.0;
    }
    // sum in log space from the mode outwards would be faster; the counts
    // this is used for are small (larger ones take the approximation)
    let mut term = (-mu).exp();
    let mut sum = term;
    for i in 1..=k {
        term *= mu / i as f64;
        sum += term;
    }
    sum.min(1.0)
}

/// The exact (Garwood) 95% interval for the mean of a Poisson count `k`, by
/// bisection on the Poisson distribution for counts up to 200, and by the
/// Wilson–Hilferty approximation of the χ² quantiles above that (relative
/// error below 0.1% there).
pub fn poisson_interval(k: u64) -> (f64, f64) {
    if k > 200 {
        let z = 1.959_963_984_540_054_f64;
        let chi2 = |df: f64, z: f64| {
            let a = 2.0 / (9.0 * df);
            df * (1.0 - a + z * a.sqrt()).powi(3)
        };
        let lo = chi2(2.0 * k as f64, -z) / 2.0;
        let hi = chi2(2.0 * (k as f64 + 1.0), z) / 2.0;
        return (lo, hi);
    }
    let bisect = |f: &dyn Fn(f64) -> f64, mut lo: f64, mut hi: f64| {
        // f is decreasing in mu; find f(mu) = 0.025
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if f(mid) > 0.025 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    };
    let top = k as f64 * 3.0 + 20.0;
    let upper = bisect(&|mu| poisson_cdf(k, mu), 0.0, top);
    let lower = if k == 0 {
        0.0
    } else {
        // P(X ≥ k | mu) = 0.025, i.e. 1 − P(X ≤ k − 1) = 0.025
        bisect(&|mu| poisson_cdf(k - 1, mu) - 0.95, 0.0, top) // finds cdf = 0.975
    };
    (lower, upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut f = 1.0_f64;
        for n in 1..30u32 {
            f *= n as f64;
            assert!(close(ln_gamma(n as f64 + 1.0), f.ln(), 1e-9), "{n}");
        }
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
    }

    #[test]
    fn binomial_test_matches_hand_computed_values() {
        // 9 of 10 with p = 0.5: P = (1 + 10 + 10 + 1) / 1024 = 22/1024
        assert!(close(binomial_test(9, 10, 0.5), 22.0 / 1024.0, 1e-12));
        // 5 of 10 is the most likely outcome: p = 1
        assert!(close(binomial_test(5, 10, 0.5), 1.0, 1e-12));
        assert_eq!(binomial_test(0, 0, 0.5), 1.0);
    }

    #[test]
    fn poisson_rates_compare_counts_over_their_exposure() {
        // 9 then 17 in equal quarters: 26 trials, 9 successes, p = 0.5
        let p = poisson_rates_test(9, 1.0, 17, 1.0);
        assert!(close(p, binomial_test(9, 26, 0.5), 1e-15));
        assert!(p > ALPHA, "9 → 17 is not a clear change: {p}");
        // 5 then 30: clearly different
        assert!(poisson_rates_test(5, 1.0, 30, 1.0) < 0.001);
        // the same counts over a twice-as-long first period are the same rate
        assert!(close(poisson_rates_test(20, 2.0, 10, 1.0), 1.0, 1e-9));
    }

    #[test]
    fn fisher_matches_the_tea_tasting_table() {
        // Fisher's lady tasting tea: [[3, 1], [1, 3]], two-sided p = 34/70
        assert!(close(fisher_exact(3, 1, 1, 3), 34.0 / 70.0, 1e-12));
        // [[4, 0], [0, 4]]: two-sided p = 2/70
        assert!(close(fisher_exact(4, 0, 0, 4), 2.0 / 70.0, 1e-12));
        assert_eq!(fisher_exact(0, 0, 3, 4), 1.0);
    }

    #[test]
    fn normal_tail_is_right() {
        assert!(close(normal_upper(0.0), 0.5, 1e-7));
        assert!(close(normal_upper(1.959_964), 0.025, 1e-6));
        assert!(close(normal_upper(-1.959_964), 0.975, 1e-6));
    }

    #[test]
    fn log_rank_of_identical_groups_is_one_and_of_separated_groups_small() {
        let a = [(1, true), (2, true), (3, true), (4, false)];
        assert!(close(log_rank(&a, &a), 1.0, 1e-9));
        let fast: Vec<(i64, bool)> = (1..=15).map(|t| (t, true)).collect();
        let slow: Vec<(i64, bool)> = (100..115).map(|t| (t, true)).collect();
        assert!(log_rank(&fast, &slow) < 0.001);
        assert_eq!(log_rank(&[], &[]), 1.0);
    }

    #[test]
    fn log_rank_matches_a_hand_computed_example() {
        // group A: 1, 3 (both ended); group B: 2 (ended), 4 (open)
        // t=1: n=4 (2,2), d=1 in A: O−E = 1 − 2/4 = 0.5, V = 1·(2/4)(2/4)(3/3) = 0.25
        // t=2: n=3 (1,2), d=1 in B: O−E = 0 − 1/3, V = (1/3)(2/3)(2/2) = 2/9
        // t=3: n=2 (1,1), d=1 in A: O−E = 1 − 1/2, V = (1/2)(1/2)(1/1) = 0.25
        // sum O−E = 2/3, V = 13/18; z = (2/3)/sqrt(13/18)
        let a = [(1, true), (3, true)];
        let b = [(2, true), (4, false)];
        let z = (2.0 / 3.0) / (13.0_f64 / 18.0).sqrt();
        assert!(close(log_rank(&a, &b), 2.0 * normal_upper(z), 1e-12));
    }

    #[test]
    fn wilson_interval_contains_the_share() {
        let (lo, hi) = wilson_interval(9, 10).unwrap_or_default();
        assert!(lo < 0.9 && 0.9 < hi);
        // published value for 9/10: 0.5958 – 0.9821
        assert!(close(lo, 0.5958, 1e-4) && close(hi, 0.9821, 1e-4));
        assert!(wilson_interval(0, 0).is_none());
    }

    #[test]
    fn poisson_interval_matches_tables() {
        // Garwood intervals: k = 0 → (0, 3.689), k = 9 → (4.115, 17.08),
        // k = 17 → (9.903, 27.22)
        let (lo, hi) = poisson_interval(0);
        assert!(close(lo, 0.0, 1e-9) && close(hi, 3.689, 1e-3));
        let (lo, hi) = poisson_interval(9);
        assert!(close(lo, 4.115, 1e-3) && close(hi, 17.08, 1e-2));
        let (lo, hi) = poisson_interval(17);
        assert!(close(lo, 9.903, 1e-3) && close(hi, 27.22, 1e-2));
        // the approximation joins the exact values smoothly
        let (lo, hi) = poisson_interval(400);
        assert!(close(lo, 361.8, 0.5) && close(hi, 441.1, 0.5), "{lo} {hi}");
    }
}
