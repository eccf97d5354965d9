//! Forecasts that hold (issue 27): seasonal factors, damping, volatility
//! and spreads recovered from series made with known values, the bands' coverage on a
//! simulated process, and flat and falling histories fitted rather than
//! refused. Every series here is generated from stated numbers; the
//! expected values are those numbers, not outputs of the code.

use headroom::engine::actuals::choose::{choose, Forecast, Trend};
use headroom::engine::actuals::fit::Observation;
use headroom::engine::actuals::season::seasonal_profile;
use headroom::engine::actuals::smoothing::smooth;
use headroom::engine::model::plan::{month_label, Plan, Scenario, Uncertainty, CURRENT_SCHEMA};
use headroom::engine::model::validate::validate;
use headroom::engine::uncertainty::simulate_plan;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;

/// A small deterministic wobble in −1..1, the same every run.
fn wobble(month: i32) -> f64 {
    (f64::from(month) * 2.3).sin()
}

fn points(values: &[f64]) -> Vec<Observation> {
    let last = values.len() as i32 - 1;
    values
        .iter()
        .enumerate()
        .map(|(i, users)| Observation {
            month: i as i32 - last,
            users: *users,
        })
        .collect()
}

/// Known factors, geometric mean 1 (their logs sum to zero): a December
/// peak of +40% and a February trough of −25%, the rest set to balance.
fn known_factors() -> [f64; 12] {
    let mut logs = [
        0.0, -0.2877, 0.05, 0.02, -0.05, 0.03, 0.0, -0.03, 0.02, 0.04, 0.1, 0.3365,
    ];
    let mean = logs.iter().sum::<f64>() / 12.0;
    for log in &mut logs {
        *log -= mean;
    }
    logs.map(f64::exp)
}

#[test]
fn seasonal_factors_are_recovered_from_a_series_with_known_factors() {
    // 36 months ending in December (month 0 is calendar month 11): 1,000
    // users growing 2% a month, times the known factor, times a ±0.5%
    // wobble. The regression on logs with a quadratic trend sees the 2%
    // as trend, so each factor comes back within about the wobble.
    let factors = known_factors();
    let values: Vec<f64> = (0..36)
        .map(|i| {
            let calendar = i % 12;
            1000.0 * 1.02_f64.powi(i as i32) * factors[calendar] * (1.0 + 0.005 * wobble(i as i32))
        })
        .collect();
    // Month −35 is January: calendar of month 0 is December (11).
    let profile = seasonal_profile(&points(&values), 11).expect("clearly seasonal");
    for (month, (found, known)) in profile.factors.iter().zip(factors).enumerate() {
        assert!(
            (found / known - 1.0).abs() < 0.01,
            "calendar month {month}: found {found}, made with {known}"
        );
    }
    assert!(profile.explained > 0.95, "{}", profile.explained);
}

#[test]
fn a_series_without_a_season_gets_no_profile() {
    // 36 months of 2% growth with the same ±0.5% wobble: eleven factors
    // buy nothing, so AIC keeps them out.
    let values: Vec<f64> = (0..36)
        .map(|i| 1000.0 * 1.02_f64.powi(i) * (1.0 + 0.005 * wobble(i)))
        .collect();
    assert_eq!(seasonal_profile(&points(&values), 11), None);
}

#[test]
fn a_damped_series_gives_back_its_damping() {
    // Log users grow by 0.08 × 0.9^t in month t (no noise): the damped
    // method's grid holds φ = 0.9, and the one-step errors vanish there.
    let mut log = libm::log(1000.0);
    let mut values = vec![1000.0];
    for t in 1..48 {
        log += 0.08 * 0.9_f64.powi(t);
        values.push(libm::exp(log));
    }
    let smoothed = smooth(&points(&values)).expect("fits");
    assert_eq!(smoothed.phi, 0.9, "{smoothed:?}");
    assert!(smoothed.sigma < 1e-3, "{smoothed:?}");
}

/// The plan band a forecast shows, P5 and P95 of users for months 1..=12
/// after its last month (with the last month as `last`, a month count).
fn band(forecast: &Forecast, last: i32, samples: u32, seed: u64) -> Vec<(f64, f64)> {
    let mut scenario = Scenario::new("Fitted".into(), forecast.growth.clone());
    scenario.seasonality = forecast.profile.as_ref().map(|p| p.factors.to_vec());
    scenario.volatility = (forecast.volatility > 0.0).then_some(forecast.volatility);
    let mut plan: Plan = serde_json::from_value(serde_json::json!({
        "schema": CURRENT_SCHEMA,
        "name": "coverage",
        "start_month": month_label(last),
        "horizon_months": 12,
        "baseline_users": forecast.level,
        "scenarios": [],
    }))
    .expect("a plan");
    plan.scenarios.push(scenario);
    let valid = validate(&plan).expect("valid");
    let bands = simulate_plan(&valid, Uncertainty { samples, seed });
    bands.scenarios[0].months[1..]
        .iter()
        .map(|m| {
            let p = m.percentiles[0].expect("users");
            (p.p5, p.p95)
        })
        .collect()
}

#[test]
fn bands_hold_90_percent_of_a_simulated_process() {
    // 1,000 seeded histories of a random walk with drift on log users —
    // 2% a month, shocks of 4% a month — 36 months each, then 12 more.
    // The recommended fit's plan band (500 paths) should hold about 90% of
    // those 12 months: 90% ± 3 points over all trials. A model that only
    // knew the rate's uncertainty held 12% of real data.
    let mut rng = Pcg64Mcg::seed_from_u64(27);
    let (mut inside, mut total) = (0usize, 0usize);
    for trial in 0..1000 {
        let mut log = libm::log(5000.0);
        let values: Vec<f64> = (0..48)
            .map(|_| {
                let shock: f64 = StandardNormal.sample(&mut rng);
                log += 0.02 + 0.04 * shock;
                libm::exp(log)
            })
            .collect();
        let (history, future) = values.split_at(36);
        let calendar = (trial % 12) as usize;
        let choice = choose(&points(history), calendar).expect("fits");
        let forecast = &choice.recommended().forecast;
        let last = 2025 * 12 + calendar as i32;
        for ((low, high), actual) in band(forecast, last, 500, trial).iter().zip(future) {
            inside += usize::from(low <= actual && actual <= high);
            total += 1;
        }
    }
    let share = inside as f64 / total as f64;
    eprintln!("coverage of the simulated process: {share:.4}");
    assert!((0.87..=0.93).contains(&share), "{share}");
}

#[test]
fn flat_and_falling_histories_are_fitted() {
    // Noisy but flat-to-rising: the history the old fit refused three ways.
    let noisy = points(&[1000.0, 1030.0, 1005.0, 1040.0, 1020.0, 1050.0]);
    let choice = choose(&noisy, 0).expect("fits");
    let rate = choice.recommended().forecast.rate;
    assert!((-0.02..0.03).contains(&rate), "{rate}");
    // Falling 1% a month with a ±0.3% wobble: a negative net rate.
    let falling: Vec<f64> = (0..18)
        .map(|i| 2000.0 * 0.99_f64.powi(i) * (1.0 + 0.003 * wobble(i)))
        .collect();
    let choice = choose(&points(&falling), 0).expect("fits");
    let forecast = &choice.recommended().forecast;
    assert!((-0.013..-0.007).contains(&forecast.rate), "{forecast:?}");
    // Falling 10 users a month from 1,000: about −1% a month.
    let linear: Vec<f64> = (0..12).map(|i| 1000.0 - 10.0 * f64::from(i)).collect();
    let choice = choose(&points(&linear), 0).expect("fits");
    let forecast = &choice.recommended().forecast;
    assert!(forecast.rate < 0.0, "{forecast:?}");
    // Every fitted scenario is one a plan can hold.
    for scored in choice
        .candidates
        .iter()
        .filter_map(|(_, s)| s.as_ref().ok())
    {
        let mut scenario = Scenario::new("x".into(), scored.forecast.growth.clone());
        scenario.volatility = Some(scored.forecast.volatility.max(0.0));
        let plan: Plan = serde_json::from_value(serde_json::json!({
            "schema": CURRENT_SCHEMA, "name": "x", "horizon_months": 12,
            "baseline_users": scored.forecast.level, "scenarios": [scenario],
        }))
        .expect("a plan");
        assert!(validate(&plan).is_ok(), "{:?}", scored.forecast);
    }
    // And the trend names read back.
    assert_eq!(Trend::named("Damped"), Some(Trend::Damped));
}

#[test]
fn volatility_is_recovered_within_its_standard_error() {
    // Random walks with drift on log users: 1.5% a month, shocks of σ = 5%
    // a month, 120 months each. A fit's volatility is the root mean square
    // of the month-to-month changes of its log residuals (docs/plan-format.md),
    // which for such a walk estimates σ with the standard error of a sample
    // standard deviation, σ ÷ √(2(n − 1)) = 0.05 ÷ √238 = 0.00324. Each of
    // 50 seeded walks within 4 standard errors (0.013), and their mean within
    // 3 standard errors of a mean of 50, 3 × 0.00324 ÷ √50 = 0.00137.
    use headroom::engine::actuals::fit::{fit, Model};
    const SIGMA: f64 = 0.05;
    let standard_error = SIGMA / (2.0 * 119.0f64).sqrt();
    let mut rng = Pcg64Mcg::seed_from_u64(2027);
    let estimates: Vec<f64> = (0..50)
        .map(|_| {
            let mut log = libm::log(20_000.0);
            let values: Vec<f64> = (0..120)
                .map(|_| {
                    let shock: f64 = StandardNormal.sample(&mut rng);
                    log += 0.015 + SIGMA * shock;
                    libm::exp(log)
                })
                .collect();
            fit(&points(&values), &Model::Compound)
                .expect("fits")
                .volatility
        })
        .collect();
    for estimate in &estimates {
        assert!(
            (estimate - SIGMA).abs() < 4.0 * standard_error,
            "{estimate} against {SIGMA}"
        );
    }
    let mean = estimates.iter().sum::<f64>() / estimates.len() as f64;
    assert!(
        (mean - SIGMA).abs() < 3.0 * standard_error / 50f64.sqrt(),
        "mean {mean} against {SIGMA}"
    );
}
