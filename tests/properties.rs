//! Property tests of the engine over random valid plans.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::document::{load_plan, save_plan};
use headroom::engine::number::{format_count, parse_number};
use headroom::engine::plan::{Plan, Scenario, CURRENT_SCHEMA};
use headroom::engine::projection::project;
use proptest::prelude::*;

fn scenario() -> impl Strategy<Value = Scenario> {
    (0.0..=10.0f64, 0.0..=1.0f64, 0.0..=1e6f64).prop_map(|(growth, churn, requests)| Scenario {
        name: String::new(),
        monthly_growth: growth,
        churn_rate: churn,
        requests_per_user_month: requests,
    })
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        0.0..=1e12f64,
        1u32..=120,
        0.0..=1e6f64,
        0.0..=1e6f64,
        prop::collection::vec(scenario(), 1..5),
    )
        .prop_map(|(baseline, horizon, db, cache, scenarios)| Plan {
            schema: CURRENT_SCHEMA,
            name: "Random plan ✓ <b>é</b>".into(),
            baseline_users: baseline,
            horizon_months: horizon,
            db_mb_per_user: db,
            cache_mb_per_user: cache,
            scenarios: scenarios
                .into_iter()
                .enumerate()
                .map(|(index, scenario)| Scenario {
                    name: format!("Scenario {index}"),
                    ..scenario
                })
                .collect(),
        })
}

proptest! {
    #[test]
    fn every_valid_plan_projects_finite_non_negative_figures(plan in plan()) {
        let valid = plan.validate().expect("generated plans are valid");
        let projection = project(&valid);
        prop_assert_eq!(projection.scenarios.len(), plan.scenarios.len());
        for scenario in &projection.scenarios {
            prop_assert_eq!(scenario.months.len(), plan.horizon_months as usize + 1);
            for figures in &scenario.months {
                for value in [figures.users, figures.daily_requests, figures.db_size_mb, figures.cache_mb] {
                    prop_assert!(value.is_finite() && value >= 0.0, "{:?}", figures);
                }
            }
        }
    }

    #[test]
    fn more_growth_never_means_fewer_users(plan in plan(), extra in 0.0..=1.0f64) {
        let mut faster = plan.clone();
        faster.scenarios[0].monthly_growth = (faster.scenarios[0].monthly_growth + extra).min(10.0);
        let slow = project(&plan.validate().unwrap());
        let fast = project(&faster.validate().unwrap());
        for (a, b) in slow.scenarios[0].months.iter().zip(&fast.scenarios[0].months) {
            prop_assert!(b.users >= a.users);
        }
    }

    #[test]
    fn a_saved_plan_always_reads_back(plan in plan()) {
        let valid = plan.validate().unwrap();
        prop_assert_eq!(load_plan(&save_plan(&valid)), Ok(valid));
    }

    #[test]
    fn a_formatted_count_parses_back_to_the_rounded_value(value in 0.0..1e14f64) {
        prop_assert_eq!(parse_number(&format_count(value)), Ok(value.round()));
    }

    #[test]
    fn parsing_never_panics_and_never_returns_non_finite(text in ".{0,80}") {
        if let Ok(value) = parse_number(&text) {
            prop_assert!(value.is_finite());
        }
    }
}
