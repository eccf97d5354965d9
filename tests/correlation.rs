//! Rank correlations between uncertain inputs (issue 18): resolved names,
//! refused matrices, the ranks the samples get, and what it does to bands.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::model::correlations::strength_words;
use headroom::engine::model::document::load_plan;
use headroom::engine::model::inputs::{scenario_inputs, Target};
use headroom::engine::model::plan::{Correlation, Plan, Uncertainty};
use headroom::engine::model::validate::{validate, ValidPlan};
use headroom::engine::uncertainty::correlation::spearman;
use headroom::engine::uncertainty::{simulate_plan, Columns};
use proptest::prelude::*;

/// Users growing 5–15% a month (a 90% interval), requests per user 100–300
/// (log-normal), MB per user 1–5 (uniform), a fixed churn; the cost is
/// usage-priced requests, so growth and usage both drive it.
const PLAN: &str = r#"{"schema": 5, "name": "moves together", "horizon_months": 12,
  "baseline_users": 1000,
  "drivers": [
    {"name": "requests_per_user", "value": {"low": 100, "high": 300}},
    {"name": "mb_per_user", "value": {"distribution": "uniform", "low": 1, "high": 5}},
    {"name": "fixed_one", "value": 3}],
  "metrics": [
    {"name": "requests", "formula": "users * requests_per_user"},
    {"name": "storage_mb", "formula": "users * mb_per_user"}],
  "costs": [{"kind": "usage", "name": "Requests", "metric": "requests", "price": 0.001}],
  "scenarios": [
    {"name": "Base", "growth": {"model": "compound", "growth": {"low": 0.05, "high": 0.15}, "churn": 0.01}},
    {"name": "Fast/aggressive", "growth": {"model": "compound", "growth": {"low": 0.1, "high": 0.3}, "churn": 0.01}}]}"#;

fn plan_with(correlations: &[(&str, &str, f64)]) -> Plan {
    let mut plan = load_plan(PLAN).expect("the test plan reads").plan().clone();
    plan.correlations = correlations
        .iter()
        .map(|(a, b, rank)| Correlation {
            inputs: [a.to_string(), b.to_string()],
            rank: *rank,
        })
        .collect();
    plan
}

fn valid(correlations: &[(&str, &str, f64)]) -> ValidPlan {
    validate(&plan_with(correlations)).expect("valid")
}

fn refusal(correlations: &[(&str, &str, f64)]) -> String {
    match validate(&plan_with(correlations)) {
        Ok(_) => panic!("{correlations:?} should be refused"),
        Err(errors) => errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The sampled column of `target` in scenario `scenario`.
fn column(plan: &Plan, scenario: usize, paths: usize, seed: u64, target: Target) -> Vec<f64> {
    let inputs = scenario_inputs(plan, scenario);
    let columns = Columns::correlated(plan, scenario, &inputs, paths, seed);
    match target {
        Target::Driver(index) => columns.drivers[index].clone(),
        Target::Growth(index) => columns.growth[index].clone(),
    }
}

const REQUESTS: Target = Target::Driver(0);
const STORAGE: Target = Target::Driver(1);
const GROWTH: Target = Target::Growth(0);

#[test]
fn at_ten_thousand_paths_the_ranks_match_the_request() {
    for (pairs, scenario, checks) in [
        (
            vec![("requests_per_user", "mb_per_user", 0.6)],
            0,
            vec![(REQUESTS, STORAGE, 0.6)],
        ),
        (
            vec![("requests_per_user", "Base/growth.growth", 0.8)],
            0,
            vec![(REQUESTS, GROWTH, 0.8)],
        ),
        (
            vec![
                ("Fast/aggressive/growth.growth", "requests_per_user", -0.5),
                ("mb_per_user", "requests_per_user", 0.3),
                ("Fast/aggressive/growth.growth", "mb_per_user", 0.2),
            ],
            1,
            vec![
                (GROWTH, REQUESTS, -0.5),
                (STORAGE, REQUESTS, 0.3),
                (GROWTH, STORAGE, 0.2),
            ],
        ),
        (
            vec![("Base/requests_per_user", "Base/mb_per_user", 0.95)],
            0,
            vec![(REQUESTS, STORAGE, 0.95)],
        ),
    ] {
        let plan = valid(&pairs).plan().clone();
        for (a, b, wanted) in checks {
            let x = column(&plan, scenario, 10_000, 3, a);
            let y = column(&plan, scenario, 10_000, 3, b);
            let measured = spearman(&x, &y);
            assert!(
                (measured - wanted).abs() <= 0.03,
                "{pairs:?}: {a:?}–{b:?} measured {measured}, wanted {wanted}"
            );
        }
    }
}

#[test]
fn each_input_keeps_its_own_samples_exactly() {
    let independent = valid(&[]).plan().clone();
    let correlated = valid(&[
        ("requests_per_user", "Base/growth.growth", 0.7),
        ("mb_per_user", "requests_per_user", -0.4),
    ])
    .plan()
    .clone();
    for target in [REQUESTS, STORAGE, GROWTH] {
        let mut before = column(&independent, 0, 5_000, 9, target);
        let mut after = column(&correlated, 0, 5_000, 9, target);
        assert_ne!(before, after, "{target:?} was reordered");
        before.sort_by(f64::total_cmp);
        after.sort_by(f64::total_cmp);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&before), bits(&after), "{target:?}: same samples");
    }
    // A pair that applies only in the other scenario leaves this one alone.
    let elsewhere = valid(&[("requests_per_user", "Fast/aggressive/growth.growth", 0.7)])
        .plan()
        .clone();
    assert_eq!(
        column(&elsewhere, 0, 2_000, 9, REQUESTS),
        column(&independent, 0, 2_000, 9, REQUESTS)
    );
}

#[test]
fn without_correlations_the_samples_are_todays() {
    let plan = valid(&[]).plan().clone();
    let inputs = scenario_inputs(&plan, 0);
    let today = Columns::sampled(&inputs, 3_000, 5);
    let now = Columns::correlated(&plan, 0, &inputs, 3_000, 5);
    assert_eq!(today.drivers, now.drivers);
    assert_eq!(today.growth, now.growth);
    // A pair with a fixed input is stated but changes nothing.
    let fixed = valid(&[("fixed_one", "requests_per_user", 0.9)])
        .plan()
        .clone();
    let with_fixed = Columns::correlated(&fixed, 0, &inputs, 3_000, 5);
    assert_eq!(today.drivers, with_fixed.drivers);
}

#[test]
fn impossible_matrices_are_refused_naming_the_pairs_that_conflict() {
    // a–b and b–c together, a–c opposite, each at 0.6: no three quantities
    // can do that (as normal scores, r = 2·sin(0.1π) = 0.618 each way, and
    // the matrix's determinant is 1 − 2·0.618³ − 3·0.618² = −0.618). Any two
    // of them hold, with the third pair independent (determinant
    // 1 − 2·0.618² = 0.236), so all three are named. The fourth is not part
    // of it.
    let message = refusal(&[
        ("requests_per_user", "mb_per_user", 0.6),
        ("mb_per_user", "Base/growth.growth", 0.6),
        ("requests_per_user", "Base/growth.growth", -0.6),
        ("fixed_one", "mb_per_user", 0.1),
    ]);
    assert!(
        message.contains("correlations[2].rank: in Base these cannot all hold at once (pairs not stated move independently): correlations[0] (driver requests_per_user with driver mb_per_user, 0.6), correlations[1] (driver mb_per_user with growth growth, 0.6), correlations[2] (driver requests_per_user with growth growth, -0.6); weaken one of them"),
        "{message}"
    );
    assert!(!message.contains("correlations[3]"), "{message}");
    // Two strong pairs through one input force the third: stated as
    // independent, it cannot be.
    let forced = refusal(&[
        ("mb_per_user", "Base/growth.growth", 0.9),
        ("requests_per_user", "Base/growth.growth", -0.9),
    ]);
    assert!(forced.contains("cannot all hold at once"), "{forced}");
    // Weakened, the same three hold.
    valid(&[
        ("requests_per_user", "mb_per_user", 0.5),
        ("mb_per_user", "Base/growth.growth", 0.5),
        ("requests_per_user", "Base/growth.growth", -0.2),
    ]);
}

#[test]
fn names_and_strengths_are_checked_where_they_are_written() {
    for (pairs, expected) in [
        (
            vec![("requests_per_user", "mb_per_user", 0.99)],
            "correlations[0].rank: must be between −0.95 and 0.95",
        ),
        (
            vec![("requests_per_user", "mb_per_user", f64::NAN)],
            "correlations[0].rank: must be between −0.95 and 0.95",
        ),
        (
            vec![("requests", "mb_per_user", 0.5)],
            "correlations[0].inputs[0]: no driver is called 'requests'",
        ),
        (
            vec![("Slow/growth.growth", "mb_per_user", 0.5)],
            "correlations[0].inputs[0]: no scenario is called 'Slow'",
        ),
        (
            vec![("mb_per_user", "Base/growth.rate", 0.5)],
            "correlations[0].inputs[1]: Base's growth has no parameter 'rate' (it has growth, churn)",
        ),
        (
            vec![("mb_per_user", "Base/mb_per_user", 0.5)],
            "correlations[0]: in Base both names are driver mb_per_user: an input moves with itself",
        ),
        (
            vec![
                ("mb_per_user", "requests_per_user", 0.5),
                ("Base/requests_per_user", "mb_per_user", 0.2),
            ],
            "correlations[1]: in Base, driver requests_per_user and driver mb_per_user are already correlated by correlations[0]",
        ),
    ] {
        let message = refusal(&pairs);
        assert!(message.contains(expected), "{pairs:?}:\n{message}");
    }
}

#[test]
fn correlations_survive_a_file_a_link_and_a_schema_3_file_cannot_hold_them() {
    use headroom::engine::model::document::save_plan;
    use headroom::engine::model::link::{decode_link, encode_link};
    let plan = valid(&[("requests_per_user", "Fast/aggressive/growth.growth", 0.45)]);
    assert_eq!(
        load_plan(&save_plan(&plan)).expect("reads").plan(),
        plan.plan()
    );
    assert_eq!(
        decode_link(&encode_link(plan.plan()))
            .expect("opens")
            .plan(),
        plan.plan()
    );
    let schema_3 = save_plan(&plan).replace("\"schema\": 5", "\"schema\": 3");
    let error = load_plan(&schema_3).expect_err("refused").to_string();
    assert!(
        error.contains("correlations: is not part of schema 3 (it came with schema 4)"),
        "{error}"
    );
}

#[test]
fn strengths_have_words() {
    assert_eq!(strength_words(0.8), "move together strongly");
    assert_eq!(strength_words(0.5), "move together");
    assert_eq!(strength_words(0.2), "move together a little");
    assert_eq!(strength_words(-0.3), "move a little opposite");
    assert_eq!(strength_words(-0.9), "move strongly opposite");
}

fn cost_band_width(plan: &Plan, seed: u64) -> f64 {
    let valid = validate(plan).expect("valid");
    let bands = simulate_plan(
        &valid,
        Uncertainty {
            samples: 2_000,
            seed,
        },
    );
    let total = bands
        .quantities
        .iter()
        .position(|name| name == "total_cost")
        .expect("listed");
    let last = bands.scenarios[0].months.last().expect("months");
    let p = last.percentiles[total].expect("a band");
    p.p95 - p.p5
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Cost is users × requests per user: when faster growth comes with
    /// more requests per user the two compound, and the 90% cost band at the
    /// horizon is wider than with the two independent.
    #[test]
    fn growth_and_usage_moving_together_widen_the_cost_band(
        rank in 0.3..0.95f64,
        seed in 0u64..1_000,
    ) {
        let independent = cost_band_width(&plan_with(&[]), seed);
        let together = cost_band_width(
            &plan_with(&[("requests_per_user", "Base/growth.growth", rank)]),
            seed,
        );
        prop_assert!(together > independent, "{together} ≤ {independent} at {rank}");
    }
}

mod editing {
    use super::*;
    use headroom::editor::{Action, Field};

    #[test]
    fn renames_carry_into_correlations_and_deletes_say_what_needs_them() {
        let plan = valid(&[
            ("requests_per_user", "Fast/aggressive/growth.growth", 0.5),
            ("Base/mb_per_user", "Base/requests_per_user", 0.3),
        ])
        .plan()
        .clone();
        let renamed = Field::DriverName(0).apply(&plan, "rpu").expect("renamed");
        assert_eq!(
            renamed.plan().correlations[0].inputs[0],
            "rpu",
            "a driver named alone"
        );
        assert_eq!(renamed.plan().correlations[1].inputs[1], "Base/rpu");
        let renamed = Field::ScenarioName(1)
            .apply(&plan, "Fast")
            .expect("renamed");
        assert_eq!(
            renamed.plan().correlations[0].inputs[1],
            "Fast/growth.growth"
        );
        assert_eq!(
            Action::DeleteDriver(1).apply(&plan),
            Err("mb_per_user is used by metric storage_mb and the correlation of Base/mb_per_user with Base/requests_per_user: change those first".into())
        );
        assert_eq!(
            Action::DeleteScenario(1).apply(&plan),
            Err("Fast/aggressive is used by the correlation of requests_per_user with Fast/aggressive/growth.growth: change those first".into())
        );
    }

    #[test]
    fn correlations_are_added_edited_and_removed_through_validation() {
        let plan = valid(&[]).plan().clone();
        let added = Action::AddCorrelation {
            inputs: ["requests_per_user".into(), "Base/growth.growth".into()],
            rank: 0.6,
        }
        .apply(&plan)
        .expect("added");
        assert_eq!(added.plan().correlations.len(), 1);
        let edited = Field::CorrelationRank(0)
            .apply(added.plan(), "-0.4")
            .expect("edited");
        assert_eq!(edited.plan().correlations[0].rank, -0.4);
        assert_eq!(
            Field::CorrelationRank(0).apply(added.plan(), "1.2"),
            Err("Must be between −0.95 and 0.95".into())
        );
        let refused = Action::AddCorrelation {
            inputs: ["requests_per_user".into(), "Base/growth.rate".into()],
            rank: 0.6,
        }
        .apply(&plan)
        .expect_err("refused");
        assert!(
            refused.contains("Base's growth has no parameter 'rate'"),
            "{refused}"
        );
        let removed = Action::DeleteCorrelation(0)
            .apply(added.plan())
            .expect("removed");
        assert!(removed.plan().correlations.is_empty());
    }
}

/// Names a person might type (right, near misses, scoped, odd), for the
/// property below.
fn any_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("requests_per_user".to_string()),
        Just("mb_per_user".to_string()),
        Just("fixed_one".to_string()),
        Just("Base/growth.growth".to_string()),
        Just("Base/growth.churn".to_string()),
        Just("Fast/aggressive/growth.growth".to_string()),
        Just("Fast/aggressive/mb_per_user".to_string()),
        Just("Fast/growth.growth".to_string()),
        Just("Base/".to_string()),
        Just("/".to_string()),
        Just("".to_string()),
        "[a-zA-Z_/.\\[\\]0-9]{0,30}",
        ".{0,40}",
    ]
}

fn any_rank() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1.0..1.0f64,
        Just(0.95),
        Just(-0.95),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(1.0),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever pairs a file states, validation answers without panicking,
    /// every refusal names a `correlations` path, and an accepted plan
    /// samples, keeps each input's samples, and survives a file.
    #[test]
    fn any_correlations_are_checked_and_accepted_ones_work(
        pairs in proptest::collection::vec((any_name(), any_name(), any_rank()), 0..6),
    ) {
        let mut plan = plan_with(&[]);
        plan.correlations = pairs
            .iter()
            .map(|(a, b, rank)| Correlation { inputs: [a.clone(), b.clone()], rank: *rank })
            .collect();
        match validate(&plan) {
            Err(errors) => {
                prop_assert!(errors.iter().all(|e| e.path.starts_with("correlations")), "{errors:?}");
            }
            Ok(valid) => {
                let independent = plan_with(&[]);
                for scenario in 0..2 {
                    for target in [REQUESTS, STORAGE, GROWTH] {
                        let mut before = column(&independent, scenario, 300, 4, target);
                        let mut after = column(valid.plan(), scenario, 300, 4, target);
                        before.sort_by(f64::total_cmp);
                        after.sort_by(f64::total_cmp);
                        prop_assert_eq!(before, after);
                    }
                }
                let text = headroom::engine::model::document::save_plan(&valid);
                let read = load_plan(&text).expect("reads back");
                prop_assert_eq!(read.plan(), valid.plan());
            }
        }
    }
}
