//! Decisions (issue 16): act-by months on a hand-computed plan, act-by
//! quantiles against a closed form, the commitment optimum against brute
//! force, and the monotonicity properties.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::analyse::decisions::{quantile_month, ActBy, NeededMonths, UnitsTally};
use headroom::engine::analyse::scenario::project;
use headroom::engine::model::document::load_plan;
use headroom::engine::model::plan::{Component, Horizontal, Thresholds};
use headroom::engine::model::validate::ValidPlan;
use headroom::engine::uncertainty::simulate_plan;
use proptest::prelude::*;

/// 100 users growing 10% a month (100 × 1.1^m: 110, 121, 133.1, 146.41,
/// 161.05, … 235.79 at month 9, 259.37 at month 10).
/// - API (horizontal, 100 users a unit, red 80%, today 2 units, at most 3,
///   lead 2): today's 2 units are past red above 0.8 × 100 × 2 = 160 users,
///   first at month 5 (161.05), so act by month 3; its most, 3 units, above
///   240 users, first at month 10 (259.37): act by month 8.
/// - DB (tiered S 150, M 300, L 1000, target 80%, red 80%, today S, lead
///   3): the projection leaves S when users pass 0.8 × 150 = 120 (month 2,
///   121) and M when they pass 240 (month 10). S goes past red at the same
///   120 users: needed at month 2, act by 2 − 3 = −1 (late by a month); M
///   past red above 240: month 10, act by 7.
fn hand_plan() -> ValidPlan {
    load_plan(
        r#"{"schema": 5, "name": "decisions", "horizon_months": 12, "baseline_users": 100,
        "components": [
          {"kind": "horizontal", "name": "API", "metric": "users", "capacity_per_unit": 100,
           "target_utilization": 1, "min_units": 1, "max_units": 3, "unit_cost": 10,
           "current_units": 2, "lead_time_months": 2},
          {"kind": "tiered", "name": "DB", "metrics": ["users"], "target_utilization": 0.8,
           "current_tier": "S", "lead_time_months": 3,
           "tiers": [{"name": "S", "price": 10, "limits": {"users": 150}},
                     {"name": "M", "price": 20, "limits": {"users": 300}},
                     {"name": "L", "price": 40, "limits": {"users": 1000}}]}
        ],
        "scenarios": [{"name": "Base", "growth": {"model": "compound", "growth": 0.1, "churn": 0}}]}"#,
    )
    .unwrap_or_else(|error| panic!("{error}"))
}

fn summary(act_by: &[ActBy]) -> Vec<(String, String, Option<u32>, Option<i32>)> {
    act_by
        .iter()
        .map(|a| {
            (
                a.component.clone(),
                a.step.clone(),
                a.needed_month,
                a.act_by_month,
            )
        })
        .collect()
}

#[test]
fn act_by_months_match_the_hand_computation() {
    let plan = hand_plan();
    let projection = project(&plan);
    let base = &projection.scenarios[0];
    assert_eq!(
        summary(&base.act_by),
        vec![
            ("API".into(), "today".into(), Some(5), Some(3)),
            ("API".into(), "max_units".into(), Some(10), Some(8)),
            ("DB".into(), "today".into(), Some(2), Some(-1)),
            ("DB".into(), "tier:L".into(), Some(10), Some(7)),
        ]
    );
    let late = &base.act_by[2];
    assert_eq!(late.late_by(), Some(1));
    assert_eq!(
        late.description(12),
        "DB: move from S to M — needed at month 2, lead time 3 months: late by 1 month — start now"
    );
    assert_eq!(
        base.act_by[0].description(12),
        "API: grow past today's 2 units — needed at month 5; start by month 3 (lead time 2 months)"
    );
    // The timeline carries them, a late one at month 0.
    let act_by_events: Vec<(u32, String)> = base
        .events
        .iter()
        .filter(|e| e.kind == headroom::engine::analyse::events::EventKind::ActBy)
        .map(|e| (e.month, e.component.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        act_by_events,
        vec![
            (0, "DB".into()),
            (3, "API".into()),
            (7, "DB".into()),
            (8, "API".into())
        ]
    );
}

/// One uncertain driver, d: a 90% interval from 1 to 4, so log-normal with
/// median 2 and σ = ln 4 ÷ (2 × 1.644854) = 0.421404. The load is
/// users × d, users 100 × 1.3^m; 41 units of 100 go past red above
/// 0.8 × 100 × 41 = 3,280, i.e. when d > 32.8 ÷ 1.3^m. So
/// P(needed by month 8) = P(d > 4.0209) = 1 − Φ((ln 4.0209 − ln 2) ÷ σ) =
/// 1 − Φ(1.657) = 4.9%, and P(needed by month 9) = P(d > 3.0930) =
/// 1 − Φ(1.034) = 15.1%. At 90% confidence the needed month is the path
/// ranked at 10% from the earliest: month 9 (the 10% point lies 5 points
/// from either side, some 17 standard errors at 10,000 paths). Lead time 2:
/// act by month 7. Without uncertainty (d = 2) it is needed when
/// 1.3^m > 16.4: month 11 (ln 16.4 ÷ ln 1.3 = 10.66).
#[test]
fn act_by_quantile_matches_the_closed_form() {
    let plan = load_plan(
        r#"{"schema": 5, "name": "quantile", "horizon_months": 24, "baseline_users": 100,
        "drivers": [{"name": "d", "value": {"low": 1, "high": 4}}],
        "metrics": [{"name": "load", "formula": "users * d"}],
        "components": [
          {"kind": "horizontal", "name": "API", "metric": "load", "capacity_per_unit": 100,
           "target_utilization": 1, "min_units": 1, "max_units": 1000, "unit_cost": 10,
           "current_units": 41, "lead_time_months": 2}
        ],
        "uncertainty": {"samples": 10000, "seed": 16},
        "scenarios": [{"name": "Base", "growth": {"model": "compound", "growth": 0.3, "churn": 0}}]}"#,
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let deterministic = &project(&plan).scenarios[0].act_by[0];
    assert_eq!(
        (deterministic.needed_month, deterministic.act_by_month),
        (Some(11), Some(9))
    );
    let bands = simulate_plan(&plan, plan.plan().uncertainty.expect("set"));
    let today = &bands.scenarios[0].act_by[0];
    assert_eq!(today.step, "today");
    assert_eq!(today.confidence, 0.9);
    assert_eq!((today.needed_month, today.act_by_month), (Some(9), Some(7)));
    // At 50% the median path: d = 2, month 11 as without uncertainty.
    let mut half = plan.plan().clone();
    half.confidence = Some(0.5);
    let half = headroom::engine::model::validate::validate(&half).expect("valid");
    let bands = simulate_plan(&half, half.plan().uncertainty.expect("set"));
    assert_eq!(bands.scenarios[0].act_by[0].needed_month, Some(11));
}

/// `max_units` counts serving units; spares come on top (issue 25). H has
/// 10 a unit, at most 6 serving and 1 spare, red at the default 80%: its
/// most holds 0.8 × 10 × 6 = 48. The load is 30, 41, 49: month 1 runs 6
/// serving units at 41 ÷ 60 = 68% (yellow), month 2 at 49 ÷ 60 = 82% (red,
/// past 48): needed at month 2, act by 2 (no lead time). Judged against
/// 6 − 1 = 5 units (40) it would wrongly say month 1.
fn max_units_plan(load: &str, uncertainty: &str) -> ValidPlan {
    load_plan(&format!(
        r#"{{"schema": 5, "name": "max_units step", "horizon_months": 2, "baseline_users": 1000,
        "drivers": [{{"name": "d", "value": {{"low": 0.999, "high": 1.001}}}}],
        "metrics": [{{"name": "load", "formula": "{load}"}}],
        "components": [{{"kind": "horizontal", "name": "H", "metric": "load", "capacity_per_unit": 10,
                         "target_utilization": 0.5, "max_units": 6, "spare_units": 1, "unit_cost": 8}}],
        {uncertainty}
        "scenarios": [{{"name": "A", "growth": {{"model": "compound", "growth": 0, "churn": 0}}}}]}}"#
    ))
    .unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn the_max_units_step_counts_serving_units_not_spares() {
    let plan = max_units_plan("if(month == 0, 30, if(month == 1, 41, 49))", "");
    let projection = project(&plan);
    let base = &projection.scenarios[0];
    // Month 1 is yellow, not past red: the step is not yet needed there.
    let month1 = &base.months[1].components[0];
    assert_eq!(month1.units, Some(7));
    assert!((month1.utilization - 41.0 / 60.0).abs() < 1e-12);
    assert_eq!(
        summary(&base.act_by),
        vec![("H".into(), "max_units".into(), Some(2), Some(2))]
    );
    assert_eq!(base.act_by[0].label, "outgrow its most, 6 units");
    // The Monte Carlo path judges the same threshold: the load times d
    // (0.999 to 1.001) is 40.96 to 41.04 at month 1, under 48 on every
    // path, and 48.95 to 49.05 at month 2, over it on every path.
    let plan = max_units_plan(
        "if(month == 0, 30, if(month == 1, 41, 49)) * d",
        r#""uncertainty": {"samples": 2000, "seed": 25},"#,
    );
    let bands = simulate_plan(&plan, plan.plan().uncertainty.expect("set"));
    assert_eq!(
        summary(&bands.scenarios[0].act_by),
        vec![("H".into(), "max_units".into(), Some(2), Some(2))]
    );
}

#[test]
fn a_count_of_one_is_one_unit() {
    let plan = load_plan(
        r#"{"schema": 5, "name": "one", "horizon_months": 2, "baseline_users": 10,
        "components": [{"kind": "horizontal", "name": "H", "metric": "users", "capacity_per_unit": 100,
                        "max_units": 1, "current_units": 1, "unit_cost": 8}],
        "scenarios": [{"name": "A", "growth": {"model": "compound", "growth": 0, "churn": 0}}]}"#,
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let labels: Vec<String> = project(&plan).scenarios[0]
        .act_by
        .iter()
        .map(|a| a.label.clone())
        .collect();
    assert_eq!(
        labels,
        ["grow past today's 1 unit", "outgrow its most, 1 unit"]
    );
}

#[test]
fn a_step_never_needed_in_time_has_no_act_by_month() {
    let mut months = vec![NeededMonths::NEVER; 95];
    months.extend([3, 4, 5, 6, 7]);
    // 5% of paths need it: at 90% (rank 10) the path never needs it.
    assert_eq!(quantile_month(&mut months.clone(), 0.9), None);
    // At 99% (rank 1): month 4.
    assert_eq!(quantile_month(&mut months, 0.99), Some(4));
}

fn unit_component(discount: f64) -> Horizontal {
    Horizontal {
        name: "Pool".into(),
        metric: "users".into(),
        capacity_per_unit: Some(1.0),
        target_utilization: 1.0,
        min_units: 1,
        max_units: 8,
        spare_units: 0,
        unit_cost: 10.0,
        reserved_share: 0.0,
        reserved_discount: discount,
        thresholds: Thresholds::default(),
        current_units: None,
        lead_time_months: 0,
        commitment: None,
        latency: None,
    }
}

/// Three paths over a four-month term, units as `ceil(load)` (at least 1):
/// A 1, 2, 3, 4; B 2, 2, 2, 2; C 1, 3, 5, 6. Every commitment from 0 to 8
/// units priced by brute force: k × 10 × (1 − discount) per month, plus 10
/// for each unit above k, averaged over the paths.
#[test]
fn the_recommended_commitment_is_the_brute_force_optimum() {
    let paths: [[f64; 4]; 3] = [
        [1.0, 2.0, 3.0, 4.0],
        [2.0, 2.0, 2.0, 2.0],
        [0.5, 3.0, 5.0, 6.0],
    ];
    for discount in [0.1, 0.3, 0.4, 0.5, 0.6, 0.9] {
        let h = unit_component(discount);
        let mut tally = UnitsTally::new(0, &h, 3);
        for month in 0..4 {
            let loads: Vec<f64> = paths.iter().map(|p| p[month]).collect();
            tally.observe(&h, &loads);
        }
        let units = |load: f64| (load.ceil() as u32).max(1);
        let cost = |k: u32| {
            paths
                .iter()
                .flat_map(|p| p.iter())
                .map(|load| {
                    f64::from(k) * 10.0 * (1.0 - discount)
                        + f64::from(units(*load).saturating_sub(k)) * 10.0
                })
                .sum::<f64>()
                / 3.0
        };
        let best = (0..=8)
            .min_by(|a, b| cost(*a).total_cmp(&cost(*b)))
            .expect("some");
        let r = tally.recommend(&h, 12, 0);
        assert_eq!(r.units, best, "discount {discount}");
        assert!((r.expected_saving - (cost(0) - cost(best))).abs() < 1e-9);
        assert!((r.on_demand_cost - cost(0)).abs() < 1e-9);
        let idle: u32 = paths
            .iter()
            .flat_map(|p| p.iter())
            .map(|load| best.saturating_sub(units(*load)))
            .sum();
        assert!((r.expected_idle_units - f64::from(idle) / 12.0).abs() < 1e-9);
        let idle_paths = paths
            .iter()
            .filter(|p| p.iter().any(|load| units(*load) < best))
            .count();
        assert!((r.idle_probability - idle_paths as f64 / 3.0).abs() < 1e-9);
    }
    // Worked: at 40% off, committing k costs 6k a month against 10 for each
    // unit above k; units ≥ 2 on 11 of 12 path-months, ≥ 3 on 5 (below
    // 60%), so 2 units: (2 × 6 × 12 + 10 × 12) ÷ 3 = 88 against 333.3 … on demand.
    let h = unit_component(0.4);
    let mut tally = UnitsTally::new(0, &h, 3);
    for month in 0..4 {
        tally.observe(&h, &paths.iter().map(|p| p[month]).collect::<Vec<_>>());
    }
    assert_eq!(tally.recommend(&h, 12, 0).units, 2);
}

/// The README's worked example: seed 004's template, Conservative, without
/// uncertainty. Backend's units in months 0–11 of the projection are
/// 3, 4, 4, 4, 5, 5, 6, 6, 7, 8, 8, 9 (69 unit-months, $6,900 on demand at
/// $100). At 40% off a committed unit costs $60 a month used or not, so one
/// more committed unit pays when more than 60% of the months need it:
/// ≥ 5 units in 8 of 12 months (67%), ≥ 6 in 6 (50%): commit 5. Cost:
/// 5 × $60 × 12 = $3,600 plus $100 × (1+1+2+3+3+4 = 14 units above 5) =
/// $5,000; saving $1,900. (The fewest units, 3, would save 3 × $40 × 12 =
/// $1,440.) Idle: 2 units in month 0, 1 in months 1–3: 5 ÷ 12 a month.
#[test]
fn seed_004_commitment_checks_by_hand() {
    let plan = headroom::engine::model::templates::load("realtime-platform")
        .expect("listed")
        .expect("valid");
    let projection = project(&plan);
    let conservative = projection.scenario("Conservative").expect("Conservative");
    let units: Vec<u32> = conservative.months[..12]
        .iter()
        .map(|m| m.components[0].units.expect("horizontal"))
        .collect();
    assert_eq!(units, [3, 4, 4, 4, 5, 5, 6, 6, 7, 8, 8, 9]);
    let r = &conservative.commitments[0];
    assert_eq!(
        (r.component.as_str(), r.units, r.term_months, r.start_month),
        ("Backend", 5, 12, 0)
    );
    assert!((r.on_demand_cost - 6_900.0).abs() < 1e-9);
    assert!((r.expected_saving - 1_900.0).abs() < 1e-9);
    assert!((r.expected_idle_units - 5.0 / 12.0).abs() < 1e-12);
    assert_eq!(r.idle_probability, 1.0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_higher_confidence_never_gives_a_later_act_by(
        months in prop::collection::vec(prop_oneof![Just(NeededMonths::NEVER), 0u16..=120], 1..300),
        low in 0.5f64..0.999,
        more in 0.0f64..0.5,
    ) {
        let high = (low + more).min(0.999);
        let at = |c: f64| quantile_month(&mut months.clone(), c).map_or(u32::MAX, |m| m);
        prop_assert!(at(high) <= at(low));
    }

    #[test]
    fn a_longer_lead_time_never_gives_a_later_act_by(lead in 0u32..=60, longer in 0u32..=60) {
        let plan = hand_plan();
        let with_lead = |lead: u32| {
            let mut edited = plan.plan().clone();
            if let Component::Horizontal(h) = &mut edited.components[0] {
                h.lead_time_months = lead;
            }
            let valid = headroom::engine::model::validate::validate(&edited).expect("valid");
            project(&valid).scenarios[0].act_by[0].act_by_month
        };
        let longer = (lead + longer).min(60);
        prop_assert!(with_lead(longer) <= with_lead(lead));
    }

    #[test]
    fn a_larger_discount_never_commits_fewer_units(
        loads in prop::collection::vec(prop::collection::vec(0.0f64..8.0, 12), 1..20),
        discount in 0.01f64..0.99,
        more in 0.0f64..0.5,
    ) {
        let commit = |discount: f64| {
            let h = unit_component(discount);
            let mut tally = UnitsTally::new(0, &h, loads.len());
            for month in 0..12 {
                tally.observe(&h, &loads.iter().map(|p| p[month]).collect::<Vec<_>>());
            }
            tally.recommend(&h, 12, 0).units
        };
        prop_assert!(commit((discount + more).min(0.99)) >= commit(discount));
    }
}

/// The count-and-stop gathering over a run gives exactly the quantile of
/// every path's first needed month, whatever the loads do (they may fall).
#[test]
fn gathering_by_counts_is_the_quantile_of_the_paths_needed_months() {
    use headroom::engine::analyse::decisions::{Step, StepKind};
    use headroom::engine::model::validate::Quantity;
    let paths = 101;
    // Load on path p in month m: a wobbling ramp, different per path.
    let load = |p: usize, m: u32| {
        (p as f64 * 0.37 + f64::from(m) * 1.3) * (1.0 + 0.5 * ((p + m as usize) % 3) as f64 - 0.5)
    };
    let step = Step {
        component: 0,
        kind: StepKind::MaxUnits,
        label: "test".into(),
        thresholds: vec![(Quantity::Users, 40.0)],
    };
    for confidence in [0.5, 0.8, 0.9, 0.99] {
        let mut gathered = NeededMonths::new(vec![step.clone()], paths, confidence);
        let mut first: Vec<u16> = vec![NeededMonths::NEVER; paths];
        for m in 0..=30 {
            let column: Vec<f64> = (0..paths).map(|p| load(p, m)).collect();
            gathered.observe(m, |_| column.as_slice());
            for (p, slot) in first.iter_mut().enumerate() {
                if *slot == NeededMonths::NEVER && column[p] > 40.0 {
                    *slot = m as u16;
                }
            }
        }
        let plan = hand_plan();
        let got =
            gathered.act_by(plan.plan(), confidence, plan.plan().horizon_months)[0].needed_month;
        assert_eq!(
            got,
            quantile_month(&mut first, confidence),
            "confidence {confidence}"
        );
    }
}

/// Today's tier dearer than month 0 needs: the projection starts lower
/// (L → S) — a move no load forces, so not a step; the moves up are.
#[test]
fn a_move_to_a_cheaper_tier_is_never_a_deadline() {
    let mut plan = hand_plan().plan().clone();
    if let Component::Tiered(t) = &mut plan.components[1] {
        t.current_tier = Some("L".into());
    }
    let plan = headroom::engine::model::validate::validate(&plan).expect("valid");
    let steps: Vec<String> = project(&plan).scenarios[0]
        .act_by
        .iter()
        .filter(|a| a.component == "DB")
        .map(|a| a.step.clone())
        .collect();
    // Today's L is never moved up from: it is a step of its own, first.
    assert_eq!(steps, ["today", "tier:M", "tier:L"]);
}

#[test]
fn no_commitment_is_said_plainly() {
    let none = headroom::engine::analyse::decisions::Recommendation {
        component: "Pool".into(),
        units: 0,
        term_months: 36,
        start_month: 3,
        expected_saving: 0.0,
        expected_idle_units: 0.0,
        idle_probability: 0.0,
        on_demand_cost: 1200.0,
    };
    assert_eq!(
        headroom::engine::output::describe_commitment(&none, "USD"),
        "Pool: no commitment pays for 36 months from month 3 (committed units would sit idle too often)"
    );
}

/// Issue 25, rule 4. The load divides by `month − 3`, so the projection
/// stops at month 3 (division by zero): months 0 to 2 are projected. The
/// load is 100 ÷ (m − 3): −33.3, −50, −100, far below what 1 unit holds
/// (red at 80 of 100), so "outgrow its most" is not needed in the months
/// projected, said as "by month 2, where the projection stops". The
/// commitment's 12-month term from month 0 was not projected to its end:
/// none is offered, with or without ranges (d from 0.9 to 1.1).
#[test]
fn a_stopped_projection_judges_what_it_projected_and_offers_no_commitment() {
    for (load, uncertainty) in [
        ("100 / (month - 3)", ""),
        (
            "100 * d / (month - 3)",
            r#""uncertainty": {"samples": 200, "seed": 4},"#,
        ),
    ] {
        let plan = load_plan(&format!(
            r#"{{"schema": 5, "name": "stops", "horizon_months": 24, "baseline_users": 10,
            "drivers": [{{"name": "d", "value": {{"low": 0.9, "high": 1.1}}}}],
            "metrics": [{{"name": "load", "formula": "{load}"}}],
            "components": [{{"kind": "horizontal", "name": "H", "metric": "load", "capacity_per_unit": 100,
              "max_units": 1, "unit_cost": 8, "reserved_discount": 0.3}}],
            {uncertainty}
            "scenarios": [{{"name": "A", "growth": {{"model": "compound", "growth": 0, "churn": 0}}}}]}}"#
        ))
        .unwrap_or_else(|error| panic!("{error}"));
        let projection = project(&plan);
        let base = &projection.scenarios[0];
        assert_eq!(base.months.len(), 3, "{:?}", base.stopped);
        assert!(base.commitments.is_empty());
        let act_by = &base.act_by[0];
        assert_eq!((act_by.needed_month, act_by.judged_through), (None, 2));
        assert_eq!(
            act_by.description(24),
            "H: outgrow its most, 1 unit — not needed by month 2, where the projection stops"
        );
        if let Some(settings) = plan.plan().uncertainty {
            let bands = simulate_plan(&plan, settings);
            let simulated = &bands.scenarios[0];
            assert!(
                simulated.commitments.is_empty(),
                "{:?}",
                simulated.commitments
            );
            assert_eq!(simulated.act_by[0].judged_through, 2);
            assert_eq!(simulated.act_by[0].needed_month, None);
        }
    }
}

/// Issue 25, rule 3. "Sure" has the range; "Fixed" has none of its own (it
/// overrides the driver with a number), so in the uncertain plan its paths
/// all equal its projection and its deadline is certain: confidence 1, and
/// the same month as without uncertainty. A range with low = high is a
/// fixed number: a plan with only such ranges is not uncertain.
#[test]
fn a_scenario_without_a_range_of_its_own_is_certain() {
    use headroom::engine::uncertainty::has_uncertainty;
    let text = |value: &str| {
        format!(
            r#"{{"schema": 5, "name": "mixed", "horizon_months": 12, "baseline_users": 100,
            "drivers": [{{"name": "d", "value": {value}}}],
            "metrics": [{{"name": "load", "formula": "users * d"}}],
            "components": [{{"kind": "horizontal", "name": "H", "metric": "load", "capacity_per_unit": 100,
              "target_utilization": 1, "max_units": 1000, "unit_cost": 8, "current_units": 3}}],
            "uncertainty": {{"samples": 500, "seed": 3}},
            "scenarios": [{{"name": "Sure", "growth": {{"model": "compound", "growth": 0.2, "churn": 0}}}},
                          {{"name": "Fixed", "growth": {{"model": "compound", "growth": 0.2, "churn": 0}},
                           "drivers": {{"d": 1}}}}]}}"#
        )
    };
    let plan = load_plan(&text(r#"{"low": 0.5, "high": 2}"#)).unwrap_or_else(|e| panic!("{e}"));
    let bands = simulate_plan(&plan, plan.plan().uncertainty.expect("set"));
    assert_eq!(bands.scenarios[0].act_by[0].confidence, 0.9);
    let fixed = &bands.scenarios[1].act_by[0];
    assert_eq!(fixed.confidence, 1.0);
    // 3 units hold 0.8 × 300 = 240: 100 × 1.2^m passes it at month 5 (248.8).
    assert_eq!(fixed.needed_month, Some(5));
    assert_eq!(
        project(&plan).scenarios[1].act_by[0].needed_month,
        fixed.needed_month
    );
    let flat = load_plan(&text(r#"{"low": 1, "high": 1}"#)).unwrap_or_else(|e| panic!("{e}"));
    assert!(!has_uncertainty(flat.plan()));
}

/// Issue 25, rule 1: JSON (like the table and report) lists act-by entries
/// in date order, the latest-late first and not-needed last, ties in step
/// order. The hand plan's steps come in plan order as API today (act by 3),
/// API max_units (8), DB today (−1), DB tier:L (7).
#[test]
fn json_lists_act_by_in_date_order() {
    use headroom::engine::output::projection_json;
    let plan = hand_plan();
    let projection = project(&plan);
    let json = projection_json(&plan, &projection, None, None);
    let order: Vec<(String, i64)> = json["scenarios"][0]["act_by"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| {
            (
                format!(
                    "{} {}",
                    a["component"].as_str().unwrap_or(""),
                    a["step"].as_str().unwrap_or("")
                ),
                a["act_by_month"].as_i64().unwrap_or(i64::MAX),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![
            ("DB today".to_string(), -1),
            ("API today".to_string(), 3),
            ("DB tier:L".to_string(), 7),
            ("API max_units".to_string(), 8),
        ]
    );
}
