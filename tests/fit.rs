//! Fitting growth models to user actuals (issue 15's refit), checked against
//! synthetic data with known parameters.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::actuals::fit::{fit, t_quantile_95, FitError, Model, Observation};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

fn series(
    months: std::ops::RangeInclusive<i32>,
    mut users: impl FnMut(i32) -> f64,
) -> Vec<Observation> {
    months
        .map(|month| Observation {
            month,
            users: users(month),
        })
        .collect()
}

/// Exact compound data: 500 × 1.12^t gives growth 12% exactly, a range of
/// zero width and R² = 1.
#[test]
fn compound_recovers_exact_growth() {
    let points = series(0..=11, |t| 500.0 * 1.12f64.powi(t));
    let fitted = fit(&points, &Model::Compound).expect("fits");
    let growth = fitted.parameter("growth").expect("growth");
    assert!((growth.value - 0.12).abs() < 1e-9, "{growth:?}");
    assert!((growth.high - growth.low).abs() < 1e-9);
    assert!((fitted.r_squared - 1.0).abs() < 1e-12);
    assert!(fitted.residuals.iter().all(|r| r.abs() < 1e-6));
}

/// The check: growth 12% with noise over 12 months is fitted within
/// 0.3 points on average, and the 90% range covers 12% in about 90% of 1,000
/// seeded trials. Noise: users × e^ε, ε ~ N(0, 0.02) — the log-linear
/// model's own assumption, so coverage should be 90% up to sampling error
/// (± 3 standard errors of a proportion over 1,000 trials ≈ ± 2.8 points).
#[test]
fn compound_ranges_cover_the_truth_about_nine_times_in_ten() {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(2026);
    let noise: Normal<f64> = Normal::new(0.0, 0.02).expect("a normal");
    let mut covered = 0;
    let mut total_error = 0.0;
    for _ in 0..1000 {
        let points = series(0..=11, |t| {
            1000.0 * 1.12f64.powi(t) * noise.sample(&mut rng).exp()
        });
        let fitted = fit(&points, &Model::Compound).expect("fits");
        let growth = fitted.parameter("growth").expect("growth");
        total_error += (growth.value - 0.12).abs();
        if growth.low <= 0.12 && 0.12 <= growth.high {
            covered += 1;
        }
    }
    let mean_error_points = total_error / 1000.0 * 100.0;
    println!("growth 12%, 12 months, 1,000 trials: covered {covered}, mean error {mean_error_points:.3} points");
    assert!(
        mean_error_points < 0.3,
        "mean error {mean_error_points} points"
    );
    assert!((872..=928).contains(&covered), "covered {covered} of 1000");
}

/// users[t] = 0.97 × users[t−1] + 200 from 1,000: churn 3%, 200 new a month.
#[test]
fn linear_recovers_churn_and_new_users() {
    let mut users = vec![1000.0];
    for _ in 0..11 {
        let last = users[users.len() - 1];
        users.push(0.97 * last + 200.0);
    }
    let points: Vec<Observation> = users
        .iter()
        .enumerate()
        .map(|(month, users)| Observation {
            month: month as i32 - 6,
            users: *users,
        })
        .collect();
    let fitted = fit(&points, &Model::Linear).expect("fits");
    assert!((fitted.parameter("churn").expect("churn").value - 0.03).abs() < 1e-9);
    let new_users = fitted.parameter("new_users_per_month").expect("new users");
    assert!((new_users.value - 200.0).abs() < 1e-6, "{new_users:?}");
    assert!(fitted.r_squared > 0.999_999);
}

/// K = 10,000, r = 0.3, A = 99 (100 users at t = 0): recovered within 0.5%.
#[test]
fn logistic_recovers_market_size_and_rate() {
    let points = series(0..=23, |t| {
        10_000.0 / (1.0 + 99.0 * (-0.3 * f64::from(t)).exp())
    });
    let fitted = fit(&points, &Model::Logistic).expect("fits");
    let market = fitted.parameter("market_size").expect("market");
    assert!((market.value / 10_000.0 - 1.0).abs() < 0.005, "{market:?}");
    let growth = fitted.parameter("growth").expect("growth");
    assert!((growth.value - 0.3f64.exp_m1()).abs() < 0.005, "{growth:?}");
    assert!(fitted.r_squared > 0.9999);
}

#[test]
fn a_logistic_needs_curvature() {
    let points = series(0..=11, |t| 100.0 * 1.2f64.powi(t));
    assert_eq!(fit(&points, &Model::Logistic), Err(FitError::NoCurvature));
    let few = series(0..=2, |t| 100.0 + f64::from(t));
    assert_eq!(
        fit(&few, &Model::Logistic),
        Err(FitError::TooFewPoints { needed: 4, got: 3 })
    );
}

/// 25% a month to month 6, then 10%: one rate per segment.
#[test]
fn piecewise_recovers_each_segment() {
    let users = |t: i32| {
        if t <= 6 {
            100.0 * 1.25f64.powi(t)
        } else {
            100.0 * 1.25f64.powi(6) * 1.1f64.powi(t - 6)
        }
    };
    let points = series(0..=15, users);
    let fitted = fit(&points, &Model::Piecewise { ends: vec![6] }).expect("fits");
    let first = fitted.parameter("segments[0].growth").expect("first");
    let second = fitted.parameter("segments[1].growth").expect("second");
    assert!((first.value - 0.25).abs() < 1e-9, "{first:?}");
    assert!((second.value - 0.10).abs() < 1e-9, "{second:?}");
    assert_eq!(
        fit(&points, &Model::Piecewise { ends: vec![0] }),
        Err(FitError::SegmentTooShort { segment: 0 })
    );
}

#[test]
fn bad_series_are_refused_with_a_reason() {
    let two = series(0..=1, |_| 5.0);
    assert_eq!(
        fit(&two, &Model::Compound).map_err(|e| e.to_string()),
        Err("fitting needs at least 3 months of user actuals; there are 2".to_string())
    );
    let zero = series(0..=4, f64::from);
    assert_eq!(
        fit(&zero, &Model::Compound),
        Err(FitError::NotPositive { month: 0 })
    );
    let mut twice = series(0..=4, |_| 5.0);
    twice[3].month = 2;
    assert_eq!(
        fit(&twice, &Model::Compound),
        Err(FitError::SameMonthTwice { month: 2 })
    );
    let mut nan = series(0..=4, |_| 5.0);
    nan[1].users = f64::NAN;
    assert_eq!(
        fit(&nan, &Model::Compound),
        Err(FitError::NotFinite { month: 1 })
    );
    let gaps: Vec<Observation> = [0, 2, 4, 6]
        .iter()
        .map(|m| Observation {
            month: *m,
            users: 10.0,
        })
        .collect();
    assert_eq!(fit(&gaps, &Model::Linear), Err(FitError::NotConsecutive));
}

/// Known t quantiles: df 10 → 1.8125, df 60 → 1.6706, df 1000 → 1.6464.
#[test]
fn t_quantiles() {
    assert_eq!(t_quantile_95(10), 1.8125);
    assert!((t_quantile_95(60) - 1.6706).abs() < 2e-4);
    assert!((t_quantile_95(1000) - 1.6464).abs() < 2e-4);
}

proptest! {
    /// Any finite series: every model returns a fit with finite numbers, or a reason.
    #[test]
    fn fitting_never_panics(users in prop::collection::vec(-1e6f64..1e12, 0..30), start in -60i32..60) {
        let points: Vec<Observation> = users
            .iter()
            .enumerate()
            .map(|(i, u)| Observation { month: start + i as i32, users: *u })
            .collect();
        for model in [Model::Compound, Model::Linear, Model::Logistic, Model::Piecewise { ends: vec![start + 3] }] {
            if let Ok(fitted) = fit(&points, &model) {
                for p in &fitted.parameters {
                    prop_assert!(p.value.is_finite() && p.low.is_finite() && p.high.is_finite(), "{p:?}");
                    prop_assert!(p.low <= p.value + 1e-9 * p.value.abs().max(1.0));
                    prop_assert!(p.value <= p.high + 1e-9 * p.value.abs().max(1.0));
                }
                prop_assert!(fitted.r_squared.is_finite());
            }
        }
    }
}

/// Users on a random walk of log users: `log u_t = log 1000 + 0.03 t +
/// Σ σ z`, σ = 5% a month, 120 months. A compound fit's volatility is the
/// root mean square of the month-to-month change in log(observed ÷
/// fitted): the shocks themselves, less a trend error that is small over
/// 120 months. Its standard error is about σ ÷ √(2 × 119) = 0.32 points; over
/// 200 seeded series the mean lands within 0.5 points and each within 1.5.
/// Noise around a curve (no walk) gives increments of √2 × its spread.
#[test]
fn volatility_recovers_the_month_to_month_swings() {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(27);
    let shock: Normal<f64> = Normal::new(0.0, 0.05).expect("a normal");
    let mut sum = 0.0;
    for _ in 0..200 {
        let mut walk = 0.0;
        let points = series(0..=119, |t| {
            if t > 0 {
                walk += shock.sample(&mut rng);
            }
            1000.0 * (0.03 * f64::from(t) + walk).exp()
        });
        let fitted = fit(&points, &Model::Compound).expect("fits");
        assert!(
            (fitted.volatility - 0.05).abs() < 0.015,
            "volatility {}",
            fitted.volatility
        );
        sum += fitted.volatility;
    }
    let mean = sum / 200.0;
    assert!((mean - 0.05).abs() < 0.005, "mean volatility {mean}");
    // An exact curve has none.
    let exact = series(0..=23, |t| 1000.0 * 1.05f64.powi(t));
    let fitted = fit(&exact, &Model::Compound).expect("fits");
    assert!(fitted.volatility < 1e-6, "{}", fitted.volatility);
}
