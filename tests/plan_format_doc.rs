//! docs/plan-format.md is a contract: its complete example loads and
//! projects, and every limit its table states is the validator's, checked at
//! both boundaries, so the documentation cannot drift from the code.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::analyse::scenario::project;
use headroom::engine::formula::{MAX_FORMULA_CHARS, MAX_NESTING};
use headroom::engine::model::document::{load_plan, read_plan};
use headroom::engine::model::validate::validate;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const DOC: &str = include_str!("../docs/plan-format.md");

#[test]
fn the_documented_example_loads_and_projects() {
    let example = DOC
        .find("## A complete example")
        .expect("the example's section");
    let start =
        example + DOC[example..].find("```json\n").expect("a JSON example") + "```json\n".len();
    let end = start + DOC[start..].find("```").expect("closed");
    let plan = load_plan(&DOC[start..end]).unwrap_or_else(|error| panic!("{error}"));
    let projection = project(&plan);
    assert_eq!(projection.scenarios.len(), 5);
    for scenario in &projection.scenarios {
        assert_eq!(scenario.months.len(), 25, "{}", scenario.name);
        assert!(scenario.stopped.is_none());
    }
    // The actuals: Jul 2026 (month 0) has 2,000 users against the plan's 2,000.
    assert_eq!(
        plan.actual(&headroom::engine::model::plan::Series::Users, 0),
        Some(2000.0)
    );
    assert_eq!(
        plan.actuals_of(&headroom::engine::model::plan::Series::Users)
            .len(),
        5
    );
    // Month 6 carries the one-off migration and 10% support on API + Database only.
    let base = &projection.scenarios[0];
    assert!(base.months[6].costs[4] == 3000.0);
    let support = base.months[6].costs[5];
    let expected = 0.1 * (base.months[6].costs[0] + base.months[6].costs[1]);
    assert!((support - expected).abs() < 1e-9);
}

/// A plan with one of every field the limits table names, each set well
/// inside its limits (thresholds at 0 and 10, so either may reach its bound
/// without crossing the other; one segment, one volume tier, so "increasing"
/// rules do not interfere). With `milestones`, a milestone scenario too,
/// whose rate stays at 1 whatever month or users (within limits) it is given.
fn base_plan(milestones: bool) -> Value {
    let mut plan = json!({
        "schema": 5, "name": "limits", "horizon_months": 12, "baseline_users": 1000,
        "drivers": [{"name": "r", "value": 1}],
        "metrics": [{"name": "m", "formula": "users * r"}],
        "components": [
            {"kind": "horizontal", "name": "H", "metric": "m", "capacity_per_unit": 100,
             "target_utilization": 0.8, "min_units": 1, "max_units": 10, "spare_units": 1,
             "unit_cost": 10, "reserved_share": 0.5, "reserved_discount": 0.3,
             "thresholds": {"yellow": 0, "red": 10}, "current_units": 2, "lead_time_months": 1,
             "latency": {"service_time_ms": 1000, "concurrency_per_unit": 2, "percentile": 0.5,
                         "target_ms": 3600000}},
            {"kind": "tiered", "name": "T", "metrics": ["m"], "target_utilization": 0.8,
             "lead_time_months": 1,
             "tiers": [{"name": "S", "price": 5, "limits": {"m": 5000}}]}
        ],
        "costs": [
            {"kind": "fixed", "name": "F", "amount": 5},
            {"kind": "usage", "name": "U", "metric": "m", "price": 0.1, "free": 10,
             "volume_tiers": [{"above": 100, "price": 0.05}]},
            {"kind": "one_off", "name": "O", "month": 3, "amount": 100},
            {"kind": "percentage", "name": "P", "share": 0.1}
        ],
        "revenue": {"paying_share": 0.1, "price_per_month": 10},
        "budget": {"monthly_cap": 1000, "cost_per_user_cap": 1},
        "uncertainty": {"samples": 100, "seed": 1},
        "confidence": 0.9,
        "commitment_term": {"term_months": 12, "start_month": 0},
        "correlations": [{"inputs": ["r", "C/growth.growth"], "rank": 0.5}],
        "actuals": {"from": "2026-01", "users": [1000], "metrics": {"m": [5]},
                    "costs": {"F": [5]}, "total_cost": [10]},
        "scenarios": [
            {"name": "C", "growth": {"model": "compound", "growth": 0.1, "churn": 0.01,
                                     "damping": 0.9},
             "drivers": {"r": 2}, "volatility": 0.04,
             "seasonality": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1.2, 1.3, 1.5]},
            {"name": "P", "growth": {"model": "piecewise", "segments": [{"until_month": 6, "growth": 0.1, "churn": 0.01}]}},
            {"name": "L", "growth": {"model": "linear", "new_users_per_month": 10, "churn": 0.01}},
            {"name": "G", "growth": {"model": "logistic", "growth": 0.1, "churn": 0.01, "market_size": 1e6}}
        ]
    });
    if milestones {
        if let Some(scenarios) = plan["scenarios"].as_array_mut() {
            scenarios.push(json!({"name": "M", "growth": {"model": "milestones",
                "points": [{"month": 1200, "users": 1000}]}}));
        }
    }
    plan
}

/// Where each field of the limits table lives in [`base_plan`], whether it
/// is a whole number, and whether it needs the milestone scenario. The
/// table on the page and this list must name the same fields.
const FIELDS: [(&str, &str, bool, bool); 57] = [
    ("horizon_months", "/horizon_months", true, false),
    ("baseline_users", "/baseline_users", false, false),
    ("uncertainty.samples", "/uncertainty/samples", true, false),
    ("drivers[].value", "/drivers/0/value", false, false),
    (
        "scenarios[].drivers.NAME",
        "/scenarios/0/drivers/r",
        false,
        false,
    ),
    (
        "compound.growth",
        "/scenarios/0/growth/growth",
        false,
        false,
    ),
    ("compound.churn", "/scenarios/0/growth/churn", false, false),
    (
        "compound.damping",
        "/scenarios/0/growth/damping",
        false,
        false,
    ),
    (
        "scenarios[].volatility",
        "/scenarios/0/volatility",
        false,
        false,
    ),
    (
        "scenarios[].seasonality[]",
        "/scenarios/0/seasonality/0",
        false,
        false,
    ),
    (
        "piecewise.segments[].growth",
        "/scenarios/1/growth/segments/0/growth",
        false,
        false,
    ),
    (
        "piecewise.segments[].churn",
        "/scenarios/1/growth/segments/0/churn",
        false,
        false,
    ),
    (
        "piecewise.segments[].until_month",
        "/scenarios/1/growth/segments/0/until_month",
        true,
        false,
    ),
    (
        "milestones.points[].month",
        "/scenarios/4/growth/points/0/month",
        true,
        true,
    ),
    (
        "milestones.points[].users",
        "/scenarios/4/growth/points/0/users",
        false,
        true,
    ),
    (
        "linear.new_users_per_month",
        "/scenarios/2/growth/new_users_per_month",
        false,
        false,
    ),
    ("linear.churn", "/scenarios/2/growth/churn", false, false),
    (
        "logistic.growth",
        "/scenarios/3/growth/growth",
        false,
        false,
    ),
    ("logistic.churn", "/scenarios/3/growth/churn", false, false),
    (
        "logistic.market_size",
        "/scenarios/3/growth/market_size",
        false,
        false,
    ),
    (
        "horizontal.capacity_per_unit",
        "/components/0/capacity_per_unit",
        false,
        false,
    ),
    (
        "horizontal.target_utilization",
        "/components/0/target_utilization",
        false,
        false,
    ),
    (
        "tiered.target_utilization",
        "/components/1/target_utilization",
        false,
        false,
    ),
    (
        "horizontal.max_units",
        "/components/0/max_units",
        true,
        false,
    ),
    (
        "horizontal.spare_units",
        "/components/0/spare_units",
        true,
        false,
    ),
    (
        "horizontal.current_units",
        "/components/0/current_units",
        true,
        false,
    ),
    (
        "horizontal.unit_cost",
        "/components/0/unit_cost",
        false,
        false,
    ),
    (
        "tiered.tiers[].price",
        "/components/1/tiers/0/price",
        false,
        false,
    ),
    (
        "horizontal.reserved_share",
        "/components/0/reserved_share",
        false,
        false,
    ),
    (
        "horizontal.reserved_discount",
        "/components/0/reserved_discount",
        false,
        false,
    ),
    (
        "thresholds.yellow",
        "/components/0/thresholds/yellow",
        false,
        false,
    ),
    (
        "thresholds.red",
        "/components/0/thresholds/red",
        false,
        false,
    ),
    (
        "tiered.tiers[].limits.NAME",
        "/components/1/tiers/0/limits/m",
        false,
        false,
    ),
    ("fixed.amount", "/costs/0/amount", false, false),
    ("one_off.amount", "/costs/2/amount", false, false),
    ("usage.price", "/costs/1/price", false, false),
    ("usage.free", "/costs/1/free", false, false),
    (
        "usage.volume_tiers[].above",
        "/costs/1/volume_tiers/0/above",
        false,
        false,
    ),
    (
        "usage.volume_tiers[].price",
        "/costs/1/volume_tiers/0/price",
        false,
        false,
    ),
    ("one_off.month", "/costs/2/month", true, false),
    ("percentage.share", "/costs/3/share", false, false),
    (
        "revenue.paying_share",
        "/revenue/paying_share",
        false,
        false,
    ),
    (
        "revenue.price_per_month",
        "/revenue/price_per_month",
        false,
        false,
    ),
    ("budget.monthly_cap", "/budget/monthly_cap", false, false),
    (
        "budget.cost_per_user_cap",
        "/budget/cost_per_user_cap",
        false,
        false,
    ),
    (
        "horizontal.lead_time_months",
        "/components/0/lead_time_months",
        true,
        false,
    ),
    (
        "tiered.lead_time_months",
        "/components/1/lead_time_months",
        true,
        false,
    ),
    ("confidence", "/confidence", false, false),
    (
        "commitment_term.start_month",
        "/commitment_term/start_month",
        true,
        false,
    ),
    (
        "horizontal.latency.service_time_ms",
        "/components/0/latency/service_time_ms",
        false,
        false,
    ),
    (
        "horizontal.latency.concurrency_per_unit",
        "/components/0/latency/concurrency_per_unit",
        true,
        false,
    ),
    (
        "horizontal.latency.percentile",
        "/components/0/latency/percentile",
        false,
        false,
    ),
    ("correlations[].rank", "/correlations/0/rank", false, false),
    ("actuals.users[]", "/actuals/users/0", false, false),
    (
        "actuals.metrics.NAME[]",
        "/actuals/metrics/m/0",
        false,
        false,
    ),
    ("actuals.costs.NAME[]", "/actuals/costs/F/0", false, false),
    (
        "actuals.total_cost[]",
        "/actuals/total_cost/0",
        false,
        false,
    ),
];

fn field(name: &str) -> (&'static str, bool, bool) {
    match FIELDS.iter().find(|(known, ..)| *known == name) {
        Some((_, pointer, whole, milestones)) => (pointer, *whole, *milestones),
        None => panic!("the limits table names `{name}`, which this test does not know"),
    }
}

/// The limits table: (field names, lowest, highest) per row.
fn documented_limits() -> Vec<(Vec<String>, String, String)> {
    let start = DOC
        .find("| field | lowest | highest |")
        .expect("the limits table");
    DOC[start..]
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let names = cells[0]
                .split('`')
                .skip(1)
                .step_by(2)
                .map(String::from)
                .collect();
            (names, cells[1].to_string(), cells[2].to_string())
        })
        .collect()
}

/// Validates `base_plan` with `value` at `pointer`: the paths of the errors.
fn errors_with(pointer: &str, milestones: bool, value: Value) -> Vec<String> {
    let mut plan = base_plan(milestones);
    match plan.pointer_mut(pointer) {
        Some(slot) => *slot = value,
        None => panic!("{pointer} is not in the base plan"),
    }
    let plan = read_plan(&plan.to_string()).unwrap_or_else(|error| panic!("{pointer}: {error}"));
    match validate(&plan) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| e.path).collect(),
    }
}

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("'{text}' is not a number in the limits table"))
}

#[test]
fn every_documented_limit_is_the_validators() {
    let base = read_plan(&base_plan(true).to_string()).expect("readable");
    assert_eq!(validate(&base).err(), None, "the base plan is valid");
    let mut seen = BTreeSet::new();
    for (names, lowest, highest) in documented_limits() {
        assert!(!names.is_empty(), "a row without a field");
        for name in names {
            let (pointer, whole, milestones) = field(&name);
            seen.insert(name.clone());
            // The path validation reports: `/components/0/max_units` → `components[0].max_units`.
            let accepted = |value: Value| errors_with(pointer, milestones, value).is_empty();
            let refused = |value: Value| {
                let errors = errors_with(pointer, milestones, value.clone());
                let leaf = pointer.rsplit('/').next().unwrap_or_default();
                assert!(
                    errors
                        .iter()
                        .any(|path| path.ends_with(leaf) || path.ends_with(&format!("[{leaf}]"))),
                    "{name} = {value}: expected an error at {leaf}, got {errors:?}"
                );
            };
            let as_value = |x: f64| if whole { json!(x as i64) } else { json!(x) };
            let step = |bound: f64| {
                if whole {
                    1.0
                } else {
                    (bound.abs() * 1e-9).max(1e-9)
                }
            };
            match lowest.strip_prefix("> ") {
                Some(bound) => {
                    let bound = number(bound);
                    refused(as_value(bound));
                    let above = if whole {
                        bound + 1.0
                    } else {
                        f64::MIN_POSITIVE
                    };
                    assert!(
                        accepted(as_value(above)),
                        "{name} = {above} should be accepted"
                    );
                }
                None => {
                    let low = number(&lowest);
                    assert!(accepted(as_value(low)), "{name} = {low} should be accepted");
                    if !(whole && low == 0.0) {
                        refused(as_value(low - step(low)));
                    }
                }
            }
            let high = number(&highest);
            assert!(
                accepted(as_value(high)),
                "{name} = {high} should be accepted"
            );
            refused(as_value(high + step(high)));
        }
    }
    // Every field the test knows is in the table (and, by `field`, the other way round).
    let known: BTreeSet<String> = FIELDS.iter().map(|(name, ..)| name.to_string()).collect();
    assert_eq!(seen, known);
}

#[test]
fn the_formula_limits_are_stated_as_enforced() {
    assert!(DOC.contains(&format!("Up to {MAX_NESTING} levels are accepted")));
    assert!(DOC.contains(&format!(
        "{MAX_NESTING} nested pairs of parentheses are fine, {} are refused",
        MAX_NESTING + 1
    )));
    assert!(DOC.contains("at most 1,000 characters") && MAX_FORMULA_CHARS == 1_000);
}

/// "these milestones imply more than 1,000% growth a month": from 1,000
/// users, 11,000 a month later is exactly 1,000% growth (accepted), and a
/// little more is refused.
#[test]
fn the_milestone_growth_rule_is_as_documented() {
    assert!(DOC.contains("these milestones imply more than 1,000% growth a month"));
    let with = |users: f64| {
        let mut plan = base_plan(true);
        plan["scenarios"][4]["growth"]["points"] = json!([{"month": 1, "users": users}]);
        let plan = read_plan(&plan.to_string()).expect("readable");
        validate(&plan).err().unwrap_or_default()
    };
    assert!(with(11_000.0).is_empty());
    let errors = with(11_001.0);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].message,
        "these milestones imply more than 1,000% growth a month"
    );
}
