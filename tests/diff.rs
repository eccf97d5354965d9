//! Comparing plans (issue 19): every kind of change named as the editor
//! names it, renames matched, a plan against itself unchanged, and swapping
//! sides negating every delta.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::analyse::scenario::project;
use headroom::engine::diff::plan_changes;
use headroom::engine::diff::results::{compare_results, summary_line, Comparison, Side};
use headroom::engine::model::plan::{Plan, Uncertainty};
use headroom::engine::model::templates;
use headroom::engine::model::validate::{validate, ValidPlan};
use headroom::engine::uncertainty::simulate_plan;
use proptest::prelude::*;
use serde_json::{json, Value};

fn template(id: &str) -> Plan {
    templates::load(id)
        .expect("listed")
        .expect("valid")
        .plan()
        .clone()
}

/// `template` with `edit` applied to its JSON.
fn edited(id: &str, edit: impl Fn(&mut Value)) -> Plan {
    let mut value = serde_json::to_value(template(id)).expect("a plan is JSON");
    edit(&mut value);
    serde_json::from_value(value).expect("still a plan")
}

#[test]
fn every_kind_of_change_is_named_as_the_editor_names_it() {
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "managed-saas",
            Box::new(|p| p["horizon_months"] = json!(18)),
            "horizon (months) 12 → 18",
        ),
        (
            "managed-saas",
            Box::new(|p| p["baseline_users"] = json!(150)),
            "users at month 0 100 → 150",
        ),
        (
            "managed-saas",
            Box::new(|p| p["scenarios"][1]["growth"]["growth"] = json!(0.3)),
            "Moderate growth 25% → 30%",
        ),
        (
            "managed-saas",
            Box::new(|p| p["scenarios"][1]["growth"]["churn"] = json!({"low": 0.01, "high": 0.05})),
            "Moderate growth churn 8% → 1% – 5%",
        ),
        (
            "managed-saas",
            Box::new(|p| {
                p["scenarios"][1]["growth"] =
                    json!({"model": "linear", "new_users_per_month": 50, "churn": 0.02})
            }),
            "Moderate growth model compound → linear",
        ),
        (
            "managed-saas",
            Box::new(|p| p["scenarios"][1]["drivers"] = json!({"requests_per_user_month": 40})),
            "Moderate requests per user month (own value) 150 → 40",
        ),
        (
            "managed-saas",
            Box::new(|p| p["drivers"][0]["value"] = json!(7)),
            "requests_per_user_month value 150 → 7",
        ),
        (
            "managed-saas",
            Box::new(|p| p["metrics"][0]["formula"] = json!("users * 6")),
            "daily_requests formula users * requests_per_user_month / 30 → users * 6",
        ),
        (
            "managed-saas",
            Box::new(|p| p["components"][0]["tiers"][1]["price"] = json!(30)),
            "Supabase tier Pro price 25 → 30",
        ),
        (
            "microservices-aws",
            Box::new(|p| p["components"][0]["target_utilization"] = json!(0.6)),
            "API Gateway target utilization 70% → 60%",
        ),
        (
            "microservices-aws",
            Box::new(|p| p["components"][0]["latency"]["target_ms"] = json!(400)),
            "API Gateway latency target ms 500 → 400",
        ),
        (
            "managed-saas",
            Box::new(|p| p["costs"][0]["amount"] = json!(25)),
            "Vercel amount 20 → 25",
        ),
        (
            "managed-saas",
            Box::new(|p| {
                p["costs"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"kind": "fixed", "name": "Search", "amount": 40}))
            }),
            "added cost line Search",
        ),
        (
            "managed-saas",
            Box::new(|p| {
                p["costs"].as_array_mut().unwrap().remove(4);
            }),
            "removed cost line Monitoring",
        ),
        (
            "managed-saas",
            Box::new(|p| p["revenue"] = json!({"paying_share": 0.05, "price_per_month": 20})),
            "added revenue",
        ),
        (
            "managed-saas",
            Box::new(|p| p["budget"]["cost_per_user_cap"] = json!(4)),
            "budget cost per user cap 3 → 4",
        ),
        (
            "managed-saas",
            Box::new(
                |p| p["correlations"] = json!([{"inputs": ["ai_requests_per_user_month", "Moderate/growth.growth"], "rank": 0.5}]),
            ),
            "added correlation ai_requests_per_user_month with Moderate/growth.growth",
        ),
        (
            "managed-saas",
            Box::new(|p| p["actuals"] = json!({"from": "2026-01", "users": [100, 118, null]})),
            "actuals users: 2 months added",
        ),
        (
            "managed-saas",
            Box::new(|p| p["confidence"] = json!(0.95)),
            "confidence none → 95%",
        ),
    ];
    for (id, edit, expected) in cases {
        let old = template(id);
        let new = edited(id, edit);
        let changes: Vec<String> = plan_changes(&old, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            changes.iter().any(|c| c.contains(expected)),
            "{id}: expected '{expected}' in {changes:?}"
        );
    }
}

#[test]
fn renamed_parts_are_matched_not_removed_and_added() {
    let old = template("managed-saas");
    let new = edited("managed-saas", |p| {
        p["costs"][0]["name"] = json!("Vercel Pro");
        p["scenarios"][1]["name"] = json!("Expected");
    });
    let changes: Vec<String> = plan_changes(&old, &new)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        changes,
        [
            "renamed scenario Moderate → Expected",
            "renamed cost line Vercel → Vercel Pro"
        ]
    );
    // The renamed scenario is compared with itself.
    let comparison = compare(
        &validate(&old).expect("valid"),
        &validate(&new).expect("valid"),
        false,
    );
    let expected = comparison
        .scenarios
        .iter()
        .find(|s| s.name == "Expected")
        .expect("matched");
    assert_eq!(expected.old_name.as_deref(), Some("Moderate"));
    assert!(comparison.only_old.is_empty() && comparison.only_new.is_empty());
}

fn compare(old: &ValidPlan, new: &ValidPlan, bands: bool) -> Comparison {
    let settings = Uncertainty {
        samples: 300,
        seed: 3,
    };
    let (old_projection, new_projection) = (project(old), project(new));
    let old_bands = bands.then(|| simulate_plan(old, settings));
    let new_bands = bands.then(|| simulate_plan(new, settings));
    compare_results(
        Side {
            plan: old,
            projection: &old_projection,
            bands: old_bands.as_ref(),
        },
        Side {
            plan: new,
            projection: &new_projection,
            bands: new_bands.as_ref(),
        },
    )
}

#[test]
fn a_plan_compared_with_itself_shows_no_change() {
    for template in templates::TEMPLATES {
        let plan = templates::load(template.id)
            .expect("listed")
            .expect("valid");
        for bands in [false, true] {
            let comparison = compare(&plan, &plan, bands);
            assert!(comparison.changes.is_empty(), "{}", template.id);
            for scenario in &comparison.scenarios {
                assert!(scenario
                    .rows
                    .iter()
                    .all(|r| r.delta().is_none_or(|d| d == 0.0)));
                assert!(scenario.timings.iter().all(|t| t.old == t.new));
                assert_eq!(
                    summary_line(scenario, "USD"),
                    format!("{}: no change in the results", scenario.name)
                );
            }
        }
    }
}

/// By hand: managed-saas's Moderate grows 25% with 8% churn (month 12:
/// 100 × 1.17^12 = 658 users); at 22% it is 100 × 1.14^12 = 482.
#[test]
fn the_summary_line_says_what_moved() {
    let old = validate(&template("managed-saas")).expect("valid");
    let new = validate(&edited("managed-saas", |p| {
        p["scenarios"][1]["growth"]["growth"] = json!(0.22)
    }))
    .expect("valid");
    let comparison = compare(&old, &new, false);
    let moderate = comparison
        .scenarios
        .iter()
        .find(|s| s.name == "Moderate")
        .expect("both");
    let users = &moderate.rows[0];
    assert_eq!(users.label, "Users at month 12");
    assert!((users.old.expect("old").value - 100.0 * 1.17f64.powi(12)).abs() < 1e-6);
    assert!((users.new.expect("new").value - 100.0 * 1.14f64.powi(12)).abs() < 1e-6);
    let line = summary_line(moderate, "USD");
    assert!(line.starts_with("Moderate: month-12 cost −$"), "{line}");
    assert_eq!(comparison.changes.len(), 1);
    assert_eq!(
        comparison.changes[0].to_string(),
        "Moderate growth 25% → 22%"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Swapping the sides negates every delta and every timing's months,
    /// and lists each change the other way (as many of them).
    #[test]
    fn swapping_sides_negates_every_delta(
        growth in 0.0..0.5f64,
        baseline in 10.0..10_000.0f64,
        driver in 1.0..100.0f64,
        bands in any::<bool>(),
    ) {
        let a = validate(&template("managed-saas")).expect("valid");
        let b = validate(&edited("managed-saas", |p| {
            p["scenarios"][1]["growth"]["growth"] = json!(growth);
            p["baseline_users"] = json!(baseline);
            p["drivers"][0]["value"] = json!(driver);
        }));
        let Ok(b) = b else { return Ok(()); };
        let forward = compare(&a, &b, bands);
        let backward = compare(&b, &a, bands);
        prop_assert_eq!(forward.changes.len(), backward.changes.len());
        for (x, y) in forward.scenarios.iter().zip(&backward.scenarios) {
            for (r, s) in x.rows.iter().zip(&y.rows) {
                prop_assert_eq!(r.delta().map(|d| -d), s.delta(), "{}", r.label);
            }
            for (t, u) in x.timings.iter().zip(&y.timings) {
                prop_assert_eq!(t.delta().map(|d| -d), u.delta(), "{}", t.label);
            }
        }
    }
}
