//! Seasonality, volatility and damped growth (schema 5, issue 27): the
//! projection by hand from docs/plan-format.md's rules, the Monte Carlo
//! paths against the random walk's closed form, and every refusal located.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::analyse::scenario::project;
use headroom::engine::model::document::load_plan;
use headroom::engine::model::plan::Uncertainty;
use headroom::engine::model::validate::ValidPlan;
use headroom::engine::uncertainty::{has_uncertainty, simulate_plan};

/// A one-scenario plan of 1,000 users at `start`, with `scenario`'s extra
/// fields (growth and the rest) spliced in.
fn plan(start: &str, horizon: u32, scenario: &str) -> Result<ValidPlan, String> {
    load_plan(&format!(
        r#"{{"schema": 5, "name": "movements", "start_month": "{start}",
        "horizon_months": {horizon}, "baseline_users": 1000,
        "scenarios": [{{"name": "S", {scenario}}}]}}"#
    ))
    .map_err(|error| error.to_string())
}

fn users(plan: &ValidPlan) -> Vec<f64> {
    project(plan).scenarios[0]
        .months
        .iter()
        .map(|month| month.users)
        .collect()
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0)
}

/// `u × (1 + (growth − churn) × φ^t)`, growth 10%, churn 0, φ = 0.5:
/// month 1: 1000 × (1 + 0.1 × 0.5) = 1050; month 2: 1050 × (1 + 0.1 × 0.25)
/// = 1076.25; month 3: 1076.25 × (1 + 0.1 × 0.125) = 1089.703125. The
/// growth fades towards a level: the sum of 0.1 × 0.5^t is 0.1, so users
/// never pass 1000 × e^0.1 ≈ 1105.2.
#[test]
fn damped_growth_fades_by_its_factor_a_month() {
    let damped = plan(
        "2026-01",
        120,
        r#""growth": {"model": "compound", "growth": 0.1, "churn": 0, "damping": 0.5}"#,
    )
    .expect("valid");
    let users = users(&damped);
    for (month, expected) in [(0, 1000.0), (1, 1050.0), (2, 1076.25), (3, 1089.703125)] {
        assert!(
            close(users[month], expected),
            "month {month}: {}",
            users[month]
        );
    }
    assert!(users.iter().all(|u| *u < 1000.0 * 0.1f64.exp()));
    // φ = 1 is no damping: the same users as the undamped model.
    let undamped = |damping: &str| {
        let growth =
            format!(r#""growth": {{"model": "compound", "growth": 0.1, "churn": 0.02{damping}}}"#);
        self::users(&plan("2026-01", 24, &growth).expect("valid"))
    };
    let (none, one) = (undamped(""), undamped(r#", "damping": 1"#));
    for (a, b) in none.iter().zip(&one) {
        assert!(close(*a, *b), "{a} against {b}");
    }
}

/// Start November 2026; factors 1 except November 1.2 and December 1.5;
/// flat growth. Month 0 (Nov) is the baseline, 1000. Month 1 (Dec):
/// 1000 × 1.5 / 1.2 = 1250. Month 2 (Jan): 1000 × 1 / 1.2 = 833.33….
/// Month 12 (Nov again): 1000. Doubling every factor changes nothing.
#[test]
fn seasonality_moves_users_by_the_calendar_month_from_the_baseline() {
    let factors = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 1.5];
    let scenario = |factors: &[f64]| {
        format!(
            r#""growth": {{"model": "compound", "growth": 0, "churn": 0}}, "seasonality": {factors:?}"#
        )
    };
    let seasonal = plan("2026-11", 24, &scenario(&factors)).expect("valid");
    let users = users(&seasonal);
    for (month, expected) in [
        (0, 1000.0),
        (1, 1250.0),
        (2, 1000.0 / 1.2),
        (12, 1000.0),
        (13, 1250.0),
    ] {
        assert!(
            close(users[month], expected),
            "month {month}: {}",
            users[month]
        );
    }
    let doubled: Vec<f64> = factors.iter().map(|f| f * 2.0).collect();
    let twice = self::users(&plan("2026-11", 24, &scenario(&doubled)).expect("valid"));
    for (a, b) in users.iter().zip(&twice) {
        assert!(close(*a, *b), "{a} against {b}");
    }
    // The growth model runs on its own users: 10% growth with seasonality is
    // 10% growth times the multiplier (month 2, Jan: 1000 × 1.1² / 1.2).
    let growing = plan(
        "2026-11",
        24,
        &format!(
            r#""growth": {{"model": "compound", "growth": 0.1, "churn": 0}}, "seasonality": {factors:?}"#
        ),
    )
    .expect("valid");
    let users = self::users(&growing);
    assert!(close(users[2], 1000.0 * 1.1 * 1.1 / 1.2), "{}", users[2]);
}

/// Flat growth, volatility 10% a month: log users at month t are normal
/// with mean log 1000 and standard deviation 0.1 × √t. At month 12 the
/// median is 1000 and the 95th percentile 1000 × exp(1.6449 × 0.1 × √12) =
/// 1000 × exp(0.56980) = 1767.9; the 5th, 1000 × exp(−0.56980) = 565.6.
/// With 20,000 paths the sample percentiles land within a few percent. The
/// deterministic projection is the median path: 1000 every month.
#[test]
fn volatility_is_a_random_walk_of_log_users_around_the_projection() {
    let volatile = plan(
        "2026-01",
        24,
        r#""growth": {"model": "compound", "growth": 0, "churn": 0}, "volatility": 0.1"#,
    )
    .expect("valid");
    assert!(
        has_uncertainty(volatile.plan()),
        "volatility makes the plan uncertain"
    );
    assert!(users(&volatile).iter().all(|u| *u == 1000.0));
    let bands = simulate_plan(
        &volatile,
        Uncertainty {
            samples: 20_000,
            seed: 7,
        },
    );
    let users_at = |month: usize| {
        bands.scenarios[0].months[month].percentiles[0].expect("users have percentiles")
    };
    assert_eq!(users_at(0).p5, 1000.0);
    assert_eq!(users_at(0).p95, 1000.0);
    let spread = 1.644_853_626_951_472_2 * 0.1 * 12f64.sqrt();
    let at_12 = users_at(12);
    assert!((at_12.p50 / 1000.0 - 1.0).abs() < 0.02, "{at_12:?}");
    assert!(
        (at_12.p95 / (1000.0 * spread.exp()) - 1.0).abs() < 0.03,
        "{at_12:?}"
    );
    assert!(
        (at_12.p5 / (1000.0 * (-spread).exp()) - 1.0).abs() < 0.03,
        "{at_12:?}"
    );
    // The band widens with the horizon.
    let width = |month: usize| users_at(month).p95 - users_at(month).p5;
    assert!(width(1) < width(6) && width(6) < width(12) && width(12) < width(24));
    // The same seed gives the same paths.
    let again = simulate_plan(
        &volatile,
        Uncertainty {
            samples: 20_000,
            seed: 7,
        },
    );
    assert_eq!(again, bands);
}

#[test]
fn bad_seasonality_volatility_and_damping_are_refused_where_they_are() {
    let refusal = |scenario: &str| plan("2026-01", 12, scenario).expect_err("refused");
    let compound = r#""growth": {"model": "compound", "growth": 0.1, "churn": 0}"#;
    let error = refusal(&format!(r#"{compound}, "seasonality": [1, 1, 1]"#));
    assert!(
        error.contains(
            "scenarios[0].seasonality: needs twelve factors, one per calendar month from January, not 3"
        ),
        "{error}"
    );
    let error = refusal(&format!(
        r#"{compound}, "seasonality": [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]"#
    ));
    assert!(
        error.contains("scenarios[0].seasonality[5]: must be more than 0 (1 is an ordinary month)"),
        "{error}"
    );
    let error = refusal(&format!(r#"{compound}, "volatility": 1.5"#));
    assert!(
        error.contains("scenarios[0].volatility: cannot be above 100%"),
        "{error}"
    );
    let error = refusal(&format!(r#"{compound}, "volatility": -0.1"#));
    assert!(
        error.contains("scenarios[0].volatility: cannot be below 0%"),
        "{error}"
    );
    for damping in ["0", "1.01", "-1"] {
        let error = refusal(&format!(
            r#""growth": {{"model": "compound", "growth": 0.1, "churn": 0, "damping": {damping}}}"#
        ));
        assert!(
            error.contains(
                "scenarios[0].growth.damping: must be more than 0 and at most 1 (1 is no damping)"
            ),
            "{damping}: {error}"
        );
    }
}

#[test]
fn a_schema_4_document_cannot_hold_the_new_fields() {
    let schema_4 = |scenario: &str| {
        load_plan(&format!(
            r#"{{"schema": 4, "name": "old", "horizon_months": 12, "baseline_users": 10,
            "scenarios": [{{"name": "S", {scenario}}}]}}"#
        ))
    };
    let compound = r#""growth": {"model": "compound", "growth": 0.1, "churn": 0}"#;
    assert!(
        schema_4(compound).is_ok(),
        "a schema 4 plan reads as schema 5"
    );
    for (extra, path) in [
        (r#", "volatility": 0.1"#, "scenarios[0].volatility"),
        (
            r#", "seasonality": [1,1,1,1,1,1,1,1,1,1,1,1]"#,
            "scenarios[0].seasonality",
        ),
    ] {
        let error = schema_4(&format!("{compound}{extra}"))
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains(&format!(
                "{path}: is not part of schema 4 (it came with schema 5)"
            )),
            "{error}"
        );
    }
    let error =
        schema_4(r#""growth": {"model": "compound", "growth": 0.1, "churn": 0, "damping": 0.9}"#)
            .expect_err("refused")
            .to_string();
    assert!(
        error.contains(
            "scenarios[0].growth.damping: is not part of schema 4 (it came with schema 5)"
        ),
        "{error}"
    );
}
