//! Monte Carlo: bands, probabilities and sensitivity.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::analyse::scenario::project;
use headroom::engine::model::document::read_plan;
use headroom::engine::model::inputs::scenario_inputs;
use headroom::engine::model::plan::{Distribution, Range, Uncertainty, Value};
use headroom::engine::model::templates::{self, TEMPLATES};
use headroom::engine::model::validate::{validate, ValidPlan};
use headroom::engine::uncertainty::{
    bands_digest, percentiles, simulate, simulate_plan, Bands, Columns,
};

fn settings(samples: u32, seed: u64) -> Uncertainty {
    Uncertainty { samples, seed }
}

fn plan_from(json: &str) -> ValidPlan {
    validate(&read_plan(json).expect("readable")).unwrap_or_else(|errors| panic!("{errors:?}"))
}

fn zero_width(value: &mut Value) {
    let median = value.median();
    *value = Value::Range(Range {
        distribution: Distribution::Interval,
        low: median,
        high: median,
        mode: None,
    });
}

/// Every template with every driver and growth parameter turned into a
/// zero-width range: each percentile of each quantity equals the
/// deterministic projection, bit for bit.
#[test]
fn zero_width_ranges_collapse_onto_the_deterministic_projection() {
    for template in &TEMPLATES {
        let mut plan = templates::load(template.id)
            .unwrap()
            .unwrap()
            .plan()
            .clone();
        for driver in &mut plan.drivers {
            zero_width(&mut driver.value);
        }
        for scenario in &mut plan.scenarios {
            for value in scenario.drivers.values_mut() {
                zero_width(value);
            }
            let json = serde_json::to_string(&scenario.growth).unwrap();
            // Every number inside the growth model becomes {low: x, high: x}.
            let mut growth: serde_json::Value = serde_json::from_str(&json).unwrap();
            widen_numbers(&mut growth);
            scenario.growth = serde_json::from_value(growth).unwrap();
        }
        let valid = validate(&plan).expect("still valid");
        let projection = project(&valid);
        let bands = simulate_plan(&valid, settings(50, 3));
        for (deterministic, banded) in projection.scenarios.iter().zip(&bands.scenarios) {
            assert_eq!(deterministic.months.len(), banded.months.len());
            for (month, band) in deterministic.months.iter().zip(&banded.months) {
                let mut expected = vec![month.users];
                expected.extend(&month.metrics);
                expected.extend([month.total_cost, month.cumulative_cost]);
                expected.push(month.cost_per_user.unwrap_or(f64::NAN));
                for ((value, band), name) in expected
                    .iter()
                    .zip(&band.percentiles)
                    .zip(&bands.quantities)
                {
                    match band {
                        Some(p) => {
                            for q in [p.p5, p.p10, p.p50, p.p90, p.p95] {
                                assert_eq!(
                                    q.to_bits(),
                                    value.to_bits(),
                                    "{} {} month {} {name}",
                                    template.id,
                                    deterministic.name,
                                    month.month
                                );
                            }
                        }
                        None => assert!(
                            value.is_nan(),
                            "{name}: no band only where there is no value"
                        ),
                    }
                }
            }
        }
    }
}

fn widen_numbers(value: &mut serde_json::Value) {
    // A range already: replace it whole by its median, zero-width.
    if value.get("low").is_some() {
        let median = serde_json::from_value::<Value>(value.clone())
            .expect("a range")
            .median();
        *value = serde_json::json!({ "low": median, "high": median });
        return;
    }
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if key == "until_month" || key == "month" {
                    continue;
                }
                match item.as_f64() {
                    Some(number) => *item = serde_json::json!({ "low": number, "high": number }),
                    None => widen_numbers(item),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(widen_numbers),
        _ => {}
    }
}

const ONE_DRIVER: &str = r#"{"schema": 5, "name": "t", "horizon_months": 1, "baseline_users": 1,
    "drivers": [{"name": "x", "value": DRIVER}], "metrics": [{"name": "m", "formula": "x"}],
    "scenarios": [{"name": "s", "growth": {"model": "compound", "growth": 0, "churn": 0}}]}"#;

/// A 90% interval {low: 100, high: 400} is log-normal with its 5th and 95th
/// percentiles at the bounds: with 100,000 paths the sample P5 and P95 fall
/// within 2% of 100 and 400, and the median near √(100 × 400) = 200.
#[test]
fn a_log_normal_interval_puts_p5_and_p95_at_its_bounds() {
    let plan = plan_from(&ONE_DRIVER.replace("DRIVER", r#"{"low": 100, "high": 400}"#));
    let bands = simulate_plan(&plan, settings(100_000, 11));
    let metric = bands.scenarios[0].months[0].percentiles[1].expect("a band");
    assert!((metric.p5 / 100.0 - 1.0).abs() < 0.02, "P5 {}", metric.p5);
    assert!(
        (metric.p95 / 400.0 - 1.0).abs() < 0.02,
        "P95 {}",
        metric.p95
    );
    assert!(
        (metric.p50 / 200.0 - 1.0).abs() < 0.02,
        "P50 {}",
        metric.p50
    );
}

/// A bound at or below zero makes it normal: {low: −10, high: 10} has its
/// median at 0 and P5/P95 at ∓10.
#[test]
fn an_interval_through_zero_is_normal() {
    let plan = plan_from(&ONE_DRIVER.replace("DRIVER", r#"{"low": -10, "high": 10}"#));
    let p =
        simulate_plan(&plan, settings(100_000, 5)).scenarios[0].months[0].percentiles[1].unwrap();
    assert!(
        (p.p5 + 10.0).abs() < 0.2 && (p.p95 - 10.0).abs() < 0.2 && p.p50.abs() < 0.1,
        "{p:?}"
    );
}

#[test]
fn one_seed_gives_identical_output_and_another_differs() {
    let plan = templates::load("realtime-platform").unwrap().unwrap();
    let first = simulate_plan(&plan, settings(500, 9));
    assert_eq!(first, simulate_plan(&plan, settings(500, 9)));
    assert_ne!(first, simulate_plan(&plan, settings(500, 10)));
}

/// The digest the browser test also checks (tests/web.rs): the same seed
/// gives the same bands, bit for bit, natively and in WASM.
#[test]
fn the_bands_digest_is_pinned() {
    let plan = templates::load("managed-saas").unwrap().unwrap();
    let digest = bands_digest(&simulate_plan(&plan, settings(500, 7)));
    assert_eq!(
        format!("{digest:#018x}"),
        include_str!("fixtures/bands-digest.txt").trim()
    );
}

/// Cost = a × users + b × 10 + c × 0 over 12 months with 1,000 users:
/// a ∈ [1, 3] swings the cumulative cost by 2 × 1,000 × 12 = 24,000;
/// b ∈ [0, 50] by 50 × 10 × 12 = 6,000; c changes nothing. Ranking: a, b, c.
#[test]
fn sensitivity_ranks_inputs_by_their_swing() {
    let plan = plan_from(
        r#"{"schema": 5, "name": "t", "horizon_months": 12, "baseline_users": 1000,
        "drivers": [
            {"name": "c", "value": {"distribution": "uniform", "low": 0, "high": 100}},
            {"name": "b", "value": {"distribution": "uniform", "low": 0, "high": 50}},
            {"name": "a", "value": {"distribution": "uniform", "low": 1, "high": 3}}],
        "metrics": [{"name": "spend", "formula": "a * users + b * 10 + c * 0"}],
        "costs": [{"kind": "usage", "name": "Spend", "metric": "spend", "price": 1}],
        "scenarios": [{"name": "s", "growth": {"model": "compound", "growth": 0, "churn": 0}}]}"#,
    );
    let bands = simulate_plan(&plan, settings(100, 1));
    let ranking = &bands.scenarios[0].sensitivity;
    let names: Vec<&str> = ranking.iter().map(|s| s.input.as_str()).collect();
    assert_eq!(names, ["driver a", "driver b", "driver c"]);
    // Months 0..=12 are 13 months: a's swing is 2 × 1,000 × 13 = 26,000.
    assert!((ranking[0].swing() - 26_000.0).abs() < 1e-6);
    assert!((ranking[1].swing() - 6_500.0).abs() < 1e-6);
    assert_eq!(ranking[2].swing(), 0.0);
    // With the others at their medians (b = 25, c = 50): a = 1 gives 1,250 a month.
    assert!((ranking[0].monthly_cost.0 - 1_250.0).abs() < 1e-9 && ranking[0].month == 12);
}

/// Load uniform on [0, 100] against a component holding 100 at a 1.0
/// target with red above 80%: P(red) = 0.2, P(over capacity) = 0.
#[test]
fn probabilities_match_the_distribution() {
    let plan = plan_from(
        r#"{"schema": 5, "name": "t", "horizon_months": 2, "baseline_users": 1,
        "drivers": [{"name": "load", "value": {"distribution": "uniform", "low": 0, "high": 100}}],
        "metrics": [{"name": "m", "formula": "load"}],
        "components": [{"kind": "horizontal", "name": "Box", "metric": "m", "capacity_per_unit": 100,
            "target_utilization": 1, "min_units": 1, "max_units": 1, "unit_cost": 10}],
        "costs": [{"kind": "fixed", "name": "Fee", "amount": 5}],
        "budget": {"monthly_cap": 12},
        "revenue": {"paying_share": 1, "price_per_month": 20},
        "scenarios": [{"name": "s", "growth": {"model": "compound", "growth": 0, "churn": 0}}]}"#,
    );
    let bands: Bands = simulate_plan(&plan, settings(100_000, 2));
    let month = &bands.scenarios[0].months[2];
    assert!((month.red[0] - 0.2).abs() < 0.01, "{}", month.red[0]);
    assert_eq!(month.over_capacity[0], 0.0);
    // Cost 15 > cap 12 on every path; revenue 20 ≥ 15 on every path.
    assert_eq!(month.over_budget, Some(1.0));
    assert_eq!(month.broken_even, Some(1.0));
    assert!((bands.scenarios[0].first_red[0] - 0.2).abs() < 0.01);
    assert!((bands.scenarios[0].never_red - 0.8).abs() < 0.01);
}

/// "By month t" probabilities never decrease.
#[test]
fn probabilities_by_month_never_decrease() {
    for template in &TEMPLATES {
        let plan = templates::load(template.id).unwrap().unwrap();
        let bands = simulate_plan(&plan, settings(300, 4));
        for scenario in &bands.scenarios {
            for pair in scenario.months.windows(2) {
                for (a, b) in pair[0].red.iter().zip(&pair[1].red) {
                    assert!(b >= a);
                }
                assert!(pair[1].broken_even >= pair[0].broken_even);
            }
            let firsts: f64 = scenario.first_red.iter().sum::<f64>() + scenario.never_red;
            assert!((firsts - 1.0).abs() < 1e-9);
        }
    }
}

/// Metrics whose percentiles are read off another quantity's ranked paths
/// (a sampled driver's, users', another metric's), and the cost per user
/// derived from the cost's percentiles when growth is certain, get exactly
/// what selecting their own values gives: every quantity, month and
/// scenario of every template.
#[test]
fn percentiles_read_off_followed_paths_are_exact() {
    let (paths, seed) = (2_000, 3);
    for template in templates::TEMPLATES {
        let plan = templates::load(template.id)
            .unwrap()
            .unwrap()
            .with_overrides(Some(36), None)
            .unwrap();
        let bands = simulate_plan(&plan, settings(paths as u32, seed));
        for (scenario, expected) in bands.scenarios.iter().enumerate() {
            let inputs = scenario_inputs(plan.plan(), scenario);
            let columns = Columns::sampled(&inputs, paths, seed);
            let mut checked = 0;
            simulate(&plan, scenario, &columns, paths, |view| {
                let month = &expected.months[view.month as usize];
                assert_eq!(month.percentiles[0], percentiles(view.users), "users");
                for (index, metric) in view.metrics.iter().enumerate() {
                    assert_eq!(
                        month.percentiles[index + 1],
                        percentiles(metric),
                        "{}, {}, month {}, {}",
                        template.id,
                        expected.name,
                        view.month,
                        bands.quantities[index + 1]
                    );
                    checked += 1;
                }
                let per_user: Vec<f64> = view
                    .total_cost
                    .iter()
                    .zip(view.users)
                    .filter(|(_, users)| **users >= 1.0)
                    .map(|(cost, users)| cost / users)
                    .collect();
                let derived = &month.percentiles[view.metrics.len() + 1..];
                assert_eq!(
                    derived,
                    [
                        percentiles(view.total_cost),
                        percentiles(view.cumulative_cost),
                        percentiles(&per_user)
                    ],
                    "{}, {}, month {}: costs",
                    template.id,
                    expected.name,
                    view.month
                );
            });
            // Months 0 to 36 (the horizon set above), every metric.
            assert_eq!(checked, 37 * plan.plan().metrics.len());
        }
    }
}

/// The tornado and the tables name inputs as the plan's author wrote them:
/// `ai_requests_per_user_month`, not "driver ai requests per user month".
#[test]
fn sensitivity_inputs_read_as_written() {
    let named = |input: &str| {
        headroom::engine::uncertainty::Sensitivity {
            input: input.to_string(),
            low: 0.0,
            high: 1.0,
            cumulative_cost: (0.0, 0.0),
            monthly_cost: (0.0, 0.0),
            month: 0,
        }
        .display_name()
    };
    assert_eq!(
        named("driver ai_requests_per_user_month"),
        "ai_requests_per_user_month"
    );
    assert_eq!(named("growth growth"), "growth rate");
    assert_eq!(named("growth churn"), "churn");
    assert_eq!(named("growth new_users_per_month"), "new users a month");
    assert_eq!(named("growth market_size"), "market size");
    assert_eq!(named("growth segments[0].growth"), "growth rate, period 1");
    assert_eq!(named("growth segments[2].churn"), "churn, period 3");
    assert_eq!(named("growth points[1].users"), "users at milestone 2");
    // Every template's inputs get a name without the internal prefix.
    for template in headroom::engine::model::templates::TEMPLATES {
        let plan = headroom::engine::model::templates::load(template.id)
            .expect("listed")
            .expect("valid");
        let bands = simulate_plan(&plan, settings(20, 1));
        for scenario in &bands.scenarios {
            for s in &scenario.sensitivity {
                let name = s.display_name();
                assert!(
                    !name.starts_with("driver ") && !name.contains('['),
                    "{name}"
                );
            }
        }
    }
}

/// The bytes a worker hands the page are read defensively: whatever arrives
/// (a damaged message, a worker of another build, bytes cut short or
/// flipped), reading gives bands or a sentence, never a panic, and a
/// scenario's own bytes always read back to exactly its bands.
mod worker_bytes {
    use super::*;
    use headroom::engine::uncertainty::wire::{decode_scenario_bands, encode_scenario_bands};
    use proptest::prelude::*;

    fn scenario_bytes() -> Vec<u8> {
        let plan = templates::load("managed-saas").unwrap().unwrap();
        let bands = simulate_plan(&plan, settings(50, 3));
        encode_scenario_bands(&bands.scenarios[0]).expect("written")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn any_bytes_read_or_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = decode_scenario_bands(&bytes);
        }

        #[test]
        fn damaged_bytes_read_or_are_refused(cut in 0usize..2_000, flip in 0usize..2_000, bit in 0u8..8) {
            let bytes = scenario_bytes();
            let own = decode_scenario_bands(&bytes).expect("its own bytes read");
            prop_assert_eq!(&encode_scenario_bands(&own).expect("written"), &bytes);
            // Cut short: refused (every field is needed).
            prop_assert!(decode_scenario_bands(&bytes[..cut % bytes.len()]).is_err());
            // A bit flipped: read as something or refused, never a panic.
            let mut flipped = bytes.clone();
            flipped[flip % bytes.len()] ^= 1 << bit;
            let _ = decode_scenario_bands(&flipped);
        }
    }
}
