//! Actuals (issue 15): the plan field and its migration, the CSV import and
//! every message it gives, variance, percentile of the band and calibration
//! against hand-computed figures, refitting and re-forecasting.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::actuals::choose::Trend;
use headroom::engine::actuals::compare::{calibrate, compare, headline, sign_test, Bias, Variance};
use headroom::engine::actuals::import::{column_letter, parse_month, read_actuals_csv};
use headroom::engine::actuals::refit::{
    fit_drivers, refit, reforecast, with_initial, KeepHorizon, Method, FITTED_SCENARIO,
};
use headroom::engine::analyse::scenario::project;
use headroom::engine::model::document::{load_plan, read_plan, save_plan};
use headroom::engine::model::link::{decode_link, encode_link};
use headroom::engine::model::plan::{month_count, Actuals, Growth, Series, Value, CURRENT_SCHEMA};
use headroom::engine::model::templates;
use headroom::engine::model::validate::{validate, ValidPlan};
use headroom::engine::uncertainty::{percentile_rank, simulate_plan};
use std::collections::BTreeMap;

const EXAMPLE_CSV: &str = include_str!("../examples/actuals.csv");

fn example() -> ValidPlan {
    templates::worked_example().expect("the worked example loads")
}

fn import(csv: &str) -> ValidPlan {
    match read_actuals_csv(csv, &example()) {
        Ok(preview) => preview.plan,
        Err(errors) => panic!("refused: {errors:?}"),
    }
}

fn first_error(csv: &str) -> String {
    match read_actuals_csv(csv, &example()) {
        Ok(_) => panic!("accepted: {csv}"),
        Err(errors) => errors[0].to_string(),
    }
}

/// A small plan: 100 users growing 10% a month for 6 months from 2026-01,
/// one metric `storage = users * gb_per_user` with gb_per_user 2.
fn small_plan(actuals: &str) -> ValidPlan {
    let text = format!(
        r#"{{"schema": 5, "name": "t", "start_month": "2026-01", "horizon_months": 6,
        "baseline_users": 100,
        "drivers": [{{"name": "gb_per_user", "value": 2}}],
        "metrics": [{{"name": "storage", "formula": "users * gb_per_user"}}],
        "costs": [{{"kind": "fixed", "name": "Hosting", "amount": 50}}],
        "scenarios": [{{"name": "Base", "growth": {{"model": "compound", "growth": 0.1, "churn": 0}}}}]
        {actuals}}}"#
    );
    load_plan(&text).unwrap_or_else(|error| panic!("{error}"))
}

// ---------------------------------------------------------------- the field

#[test]
fn a_plan_with_actuals_goes_through_json_and_a_link_unchanged() {
    let plan = import(EXAMPLE_CSV);
    let actuals = plan.plan().actuals.as_ref().expect("imported");
    assert_eq!(actuals.from, "2025-10");
    assert_eq!(actuals.users.len(), 13);
    let again = load_plan(&save_plan(&plan)).expect("reads back");
    assert_eq!(again.plan(), plan.plan());
    let link = encode_link(plan.plan());
    assert_eq!(decode_link(&link).expect("opens").plan(), plan.plan());
}

#[test]
fn schema_2_files_open_migrated_and_may_not_carry_actuals() {
    let old = include_str!("fixtures/plan-schema-2.json");
    let plan = load_plan(old).expect("a schema 2 plan opens");
    assert_eq!(plan.plan().schema, CURRENT_SCHEMA);
    assert_eq!(plan.plan(), example().plan());
    assert!(plan.plan().actuals.is_none());
    let with_actuals = old.replacen(
        "\"schema\": 2,",
        "\"schema\": 2, \"actuals\": {\"from\": \"2026-01\", \"users\": [1]},",
        1,
    );
    let error = read_plan(&with_actuals).expect_err("refused").to_string();
    assert_eq!(
        error,
        "the plan has 1 problem; actuals: is not part of schema 2 (it came with schema 3)"
    );
    // Schema 1 still migrates all the way.
    let v1 = load_plan(include_str!("fixtures/plan-schema-1.json")).expect("opens");
    assert_eq!(v1.plan().schema, CURRENT_SCHEMA);
}

#[test]
fn validation_locates_every_bad_actual() {
    let mut plan = small_plan("").plan().clone();
    plan.actuals = Some(Actuals {
        from: "2026-13".into(),
        users: vec![Some(-1.0), None, Some(f64::NAN)],
        metrics: BTreeMap::from([("storag".to_string(), vec![Some(1.0)])]),
        costs: BTreeMap::from([("Hostin".to_string(), vec![Some(1.0)])]),
        total_cost: vec![Some(f64::INFINITY)],
    });
    let errors = validate(&plan).expect_err("refused");
    let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
    for expected in [
        "actuals.from: '2026-13' is not a month written YYYY-MM",
        "actuals.users[0]: cannot be below 0",
        "actuals.users[2]: must be a finite number",
        "actuals.metrics.storag: 'storag' is not a metric of this plan",
        "actuals.costs.Hostin: 'Hostin' is not a component or cost line of this plan",
        "actuals.total_cost[0]: must be a finite number",
    ] {
        assert!(
            found.iter().any(|e| e == expected),
            "{expected} not in {found:?}"
        );
    }
    plan.actuals = Some(Actuals {
        from: "2026-01".into(),
        users: vec![Some(1.0); 241],
        ..Actuals::default()
    });
    let errors = validate(&plan).expect_err("too long");
    assert_eq!(
        errors[0].to_string(),
        "actuals.users: has 241 months; actuals cover at most 240"
    );
}

#[test]
fn setting_and_clearing_values_keeps_the_lists_tidy() {
    let series = Series::Users;
    let jan = month_count(2026, 1);
    let actuals = Actuals::default()
        .with_value(&series, jan, Some(5.0))
        .expect("one value");
    assert_eq!(
        (actuals.from.as_str(), actuals.users.clone()),
        ("2026-01", vec![Some(5.0)])
    );
    // A month before `from` moves the start earlier.
    let earlier = actuals
        .with_value(&Series::TotalCost, jan - 2, Some(9.0))
        .expect("two values");
    assert_eq!(earlier.from, "2025-11");
    assert_eq!(earlier.users, vec![None, None, Some(5.0)]);
    assert_eq!(earlier.total_cost, vec![Some(9.0)]);
    // Clearing the first value moves the start later; clearing all leaves nothing.
    let later = earlier
        .with_value(&Series::TotalCost, jan - 2, None)
        .expect("one left");
    assert_eq!(
        (later.from.as_str(), later.users.clone()),
        ("2026-01", vec![Some(5.0)])
    );
    assert_eq!(later.with_value(&series, jan, None), None);
}

#[test]
fn merging_lays_the_newer_values_over_the_older() {
    let older = Actuals {
        from: "2026-01".into(),
        users: vec![Some(1.0), Some(2.0)],
        ..Actuals::default()
    };
    let newer = Actuals {
        from: "2026-02".into(),
        users: vec![Some(20.0), Some(30.0)],
        total_cost: vec![Some(7.0)],
        ..Actuals::default()
    };
    let merged = older.merged(&newer);
    assert_eq!(merged.from, "2026-01");
    assert_eq!(merged.users, vec![Some(1.0), Some(20.0), Some(30.0)]);
    assert_eq!(merged.total_cost, vec![None, Some(7.0)]);
}

// ---------------------------------------------------------------- the CSV

#[test]
fn every_month_format_reads_as_the_same_month() {
    let start = month_count(2026, 1);
    let march = month_count(2026, 3);
    for text in [
        "2026-03",
        "2026/03",
        "2026-3",
        "2026-03-01",
        "2026-03-31",
        "Mar 2026",
        "March 2026",
        "mar-2026",
        "2",
    ] {
        assert_eq!(parse_month(text, start), Ok(march), "{text}");
    }
    assert_eq!(parse_month("-3", start), Ok(month_count(2025, 10)));
    for bad in ["Mars 2026", "2026-13", "13/2026", "2026-03-45", "x"] {
        let message = parse_month(bad, start).expect_err(bad);
        assert_eq!(
            message,
            format!(
                "'{bad}' is not a month (expected 2026-03, Mar 2026, 2026-03-01 or a month number)"
            )
        );
    }
    assert_eq!(
        parse_month("500", start),
        Err("month number 500 is more than 240 months from month 0".into())
    );
}

#[test]
fn the_example_file_reads_with_its_preview() {
    let preview = read_actuals_csv(EXAMPLE_CSV, &example()).expect("reads");
    assert_eq!(
        preview.summary(),
        "13 months (Oct 2025 to Oct 2026) × 5 series"
    );
    let series: Vec<(String, String, usize)> = preview
        .series
        .iter()
        .map(|(s, header, count)| (s.key(), header.clone(), *count))
        .collect();
    assert_eq!(
        series,
        vec![
            ("users".into(), "Users".into(), 13),
            ("db_size_mb".into(), "DB size MB".into(), 13),
            ("ai_requests".into(), "AI requests".into(), 13),
            ("OpenAI API cost".into(), "OpenAI API cost".into(), 10),
            ("total_cost".into(), "Total cost".into(), 10),
        ]
    );
    assert_eq!(preview.ignored.len(), 1);
    assert_eq!(preview.ignored[0].header, "Notes");
    // Thousands separators and currency signs: "$1,204.50"-style cells.
    let plan = preview.plan;
    assert_eq!(
        plan.actual(&Series::Metric("db_size_mb".into()), -3),
        Some(6483.0)
    );
    assert_eq!(plan.actual(&Series::TotalCost, 0), Some(324.63));
    assert_eq!(
        plan.actual(&Series::Cost("OpenAI API".into()), 9),
        Some(360.18)
    );
    assert_eq!(plan.actual(&Series::TotalCost, -1), None);
}

#[test]
fn headers_match_ignoring_case_spaces_and_underscores_with_did_you_mean() {
    let csv = "MONTH , Users,Db Size_MB,redis mb,total,Supabase cost,db_sise_mb,,=cmd|'/c calc'!A1,<img src=x>\n\
               2026-01,1,2,3,4,5,6,7,8,9\n";
    let preview = read_actuals_csv(csv, &example()).expect("reads");
    let keys: Vec<String> = preview.series.iter().map(|(s, _, _)| s.key()).collect();
    assert_eq!(
        keys,
        [
            "users",
            "db_size_mb",
            "redis_mb",
            "total_cost",
            "Supabase cost"
        ]
    );
    let ignored: Vec<(String, String)> = preview
        .ignored
        .iter()
        .map(|i| (i.header.clone(), i.reason.clone()))
        .collect();
    assert_eq!(
        ignored,
        vec![
            ("db_sise_mb".into(), "not a series of this plan; did you mean 'db_size_mb'?".into()),
            ("".into(), "it has no header".into()),
            // Formulas and markup are names like any other: kept as text, never run.
            ("=cmd|'/c calc'!A1".into(), "not a series of this plan (users, a metric, a component or cost line, or total cost)".into()),
            ("<img src=x>".into(), "not a series of this plan (users, a metric, a component or cost line, or total cost)".into()),
        ]
    );
}

#[test]
fn semicolons_tabs_and_a_byte_order_mark_are_read() {
    // A file written with `;` comes from a locale that writes 1.234,5.
    let semicolons = "\u{feff}Date;users;Total cost\n2026-01-01;1.200;€1.234,5\n";
    let plan = import(semicolons);
    assert_eq!(plan.actual(&Series::Users, 0), Some(1200.0));
    assert_eq!(plan.actual(&Series::TotalCost, 0), Some(1234.5));
    let tabs = "month\tusers\n2026-02\t1,250\n";
    assert_eq!(import(tabs).actual(&Series::Users, 1), Some(1250.0));
}

#[test]
fn every_bad_cell_is_located_by_row_and_column() {
    let cases = [
        ("month,users\nMars 2026,5\n", "row 2, column A (\"month\"): 'Mars 2026' is not a month (expected 2026-03, Mar 2026, 2026-03-01 or a month number)"),
        ("month,users\n,5\n", "row 2, column A (\"month\"): the month is missing (expected 2026-03, Mar 2026, 2026-03-01 or a month number)"),
        ("month,users\n2026-01,12x\n", "row 2, column B (\"users\"): '12x' is not a number (expected a figure such as 1,250 or $3,400.50)"),
        ("month,users\n2026-01,-4\n", "row 2, column B (\"users\"): users cannot be below 0"),
        ("month,Total cost\n2026-01,-$4\n", "row 2, column B (\"Total cost\"): total cost cannot be below 0"),
        ("month,users\n2026-01,1\nJan 2026,2\n", "row 3, column A (\"month\"): Jan 2026 is already in row 2"),
        ("month,users\n2026-01,1,7\n", "row 2: has 3 cells; the header has 2 columns"),
        ("month,users,Users\n2026-01,1,2\n", "row 1, column C (\"Users\"): users is already read from column B"),
        ("month,notes\n2026-01,x\n", "row 1: no column is a series of this plan: name columns users, a metric, a component or cost line, or total cost"),
        ("", "the file is empty: expected a header row (month, then one column per series)"),
        ("month,users\n", "the file has a header but no months"),
        ("month,users\n2026-01,1e400\n", "row 2, column B (\"users\"): '1e400' is not a number (expected a figure such as 1,250 or $3,400.50)"),
        ("month,users\n2026-01,2e12\n", "actuals.users[0]: cannot be above 1T"),
        ("month,users\n1900-01,1\n2200-01,1\n", "with the plan's actuals these cover 3601 months (Jan 1900 to Jan 2200); actuals cover at most 240"),
    ];
    for (csv, expected) in cases {
        assert_eq!(first_error(csv), expected, "{csv:?}");
    }
    // Negative metrics are allowed (a margin may be negative).
    let plan = import("month,db_size_mb\n2026-01,-4\n");
    assert_eq!(
        plan.actual(&Series::Metric("db_size_mb".into()), 0),
        Some(-4.0)
    );
}

#[test]
fn many_problems_are_all_listed_up_to_a_limit() {
    let mut csv = String::from("month,users\n");
    for row in 0..30 {
        csv.push_str(&format!("2026-{:02},bad\n", row % 12 + 1));
    }
    let errors = read_actuals_csv(&csv, &example()).expect_err("refused");
    assert_eq!(errors.len(), 21);
    // 12 bad numbers, then 18 months seen before: 30 problems.
    assert_eq!(errors[20].to_string(), "and 10 more problems");
}

#[test]
fn column_letters_count_like_a_spreadsheet() {
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(25), "Z");
    assert_eq!(column_letter(26), "AA");
    assert_eq!(column_letter(701), "ZZ");
    assert_eq!(column_letter(702), "AAA");
}

#[test]
fn an_import_merges_into_the_plans_actuals() {
    let first = import("month,users\n2026-01,100\n2026-02,110\n");
    let preview = read_actuals_csv(
        "month,users,total\n2026-02,111,40\n2026-03,125,41\n",
        &first,
    )
    .expect("reads");
    let plan = preview.plan;
    assert_eq!(
        plan.actuals_of(&Series::Users),
        vec![(0, 100.0), (1, 111.0), (2, 125.0)]
    );
    assert_eq!(
        plan.actuals_of(&Series::TotalCost),
        vec![(1, 40.0), (2, 41.0)]
    );
}

// ---------------------------------------------------------------- comparing

/// Users actuals 100, 105, 126 at months 0–2 against the plan's 100, 110,
/// 121 (100 × 1.1^t); storage actual 230 at month 1 against 2 × 110 = 220.
#[test]
fn variance_is_actual_minus_plan_and_its_share_of_the_plan() {
    let plan = small_plan(
        r#","actuals": {"from": "2025-12", "users": [90, 100, 105, 126], "metrics": {"storage": [null, null, 230]}}"#,
    );
    let projection = project(&plan);
    let points = compare(&plan, &projection.scenarios[0], None);
    let users: Vec<(u32, f64, f64, f64)> = points
        .iter()
        .filter(|p| p.series == Series::Users)
        .map(|p| (p.month, p.actual, p.plan, p.variance.absolute))
        .collect();
    // Month −1 (history) is not compared.
    assert_eq!(users.len(), 3);
    assert_eq!((users[1].0, users[1].1), (1, 105.0));
    assert!((users[1].2 - 110.0).abs() < 1e-9);
    assert!((users[1].3 + 5.0).abs() < 1e-9);
    let five_below = points[1].variance.percent.expect("percent");
    assert!((five_below + 100.0 * 5.0 / 110.0).abs() < 1e-9);
    let storage = points
        .iter()
        .find(|p| p.series == Series::Metric("storage".into()))
        .expect("storage");
    assert_eq!(storage.month, 1);
    assert!((storage.variance.absolute - 10.0).abs() < 1e-9);
    // 126 against 121: +4.13% → "4.1% above plan".
    assert_eq!(
        headline(&plan, &points).as_deref(),
        Some("Mar 2026: users 4.1% above plan")
    );
    assert_eq!(Variance::of(5.0, 0.0).percent, None);
}

#[test]
fn the_headline_names_users_and_cost_of_the_last_actual_month() {
    let plan = import(EXAMPLE_CSV);
    let projection = project(&plan);
    let moderate = projection.scenario("Moderate").expect("Moderate");
    let points = compare(&plan, moderate, None);
    // Oct 2026 is month 9: plan users 100 × 1.17^9 = 410.4 → actual 326 is
    // 20.6% below; plan cost $1,238.74 (from the forecast) → $628.36 is 49% below.
    assert_eq!(
        headline(&plan, &points).as_deref(),
        Some("Oct 2026: users 21% below plan, cost 49% below plan")
    );
    // The larger of the two: (628.36 − 1,238.74) ÷ 1,238.74 = −49.3%.
    let standing =
        headroom::engine::actuals::compare::standing(&points, "USD").expect("a standing");
    assert_eq!(standing.month, 9);
    assert!(
        (standing.largest_percent - 49.27).abs() < 0.01,
        "{}",
        standing.largest_percent
    );
}

/// A plan figure of 0 has no percentage: the standing gives the actual
/// itself, in the series' own terms, and counts it as wholly off (the
/// warning tone). Percentages drop a trailing ".0".
#[test]
fn a_plan_of_zero_is_said_with_the_actual_itself() {
    use headroom::engine::actuals::compare::{percent_text, standing, ActualPoint};
    let point = |series: Series, actual: f64, plan: f64| ActualPoint {
        month: 3,
        series,
        actual,
        plan,
        variance: Variance::of(actual, plan),
        percentile: None,
    };
    let zero = standing(
        &[
            point(Series::Users, 1200.0, 0.0),
            point(Series::TotalCost, 35.5, 0.0),
        ],
        "EUR",
    )
    .expect("a standing");
    assert_eq!(
        zero.text,
        "users 1,200 against a plan of 0, cost €35.50 against a plan of 0"
    );
    assert_eq!(zero.largest_percent, 100.0);
    let both_zero = standing(&[point(Series::Users, 0.0, 0.0)], "USD").expect("a standing");
    assert_eq!(
        (both_zero.text.as_str(), both_zero.largest_percent),
        ("users on plan", 0.0)
    );
    // 107 against 100 is 7.0%: "7%"; 107.3 is "7.3%"; 112 is "12%".
    assert_eq!(percent_text(7.0), "7%");
    assert_eq!(percent_text(7.3), "7.3%");
    assert_eq!(percent_text(9.96), "10%");
    assert_eq!(percent_text(12.0), "12%");
}

#[test]
fn percentile_rank_counts_paths_below_and_half_the_ties() {
    let values = [1.0, 2.0, 3.0, 4.0];
    assert_eq!(percentile_rank(&values, 0.5), 0.0);
    assert_eq!(percentile_rank(&values, 2.5), 50.0);
    assert_eq!(percentile_rank(&values, 3.0), 62.5);
    assert_eq!(percentile_rank(&values, 9.0), 100.0);
}

/// `gb_per_user` uniform from 1 to 3 and users certain (100 at month 0), so
/// storage at month 0 is uniform from 100 to 300: an actual of 150 sits at
/// the 25th percentile, 250 at the 75th, 290 at the 95th (± sampling error
/// of 10,000 paths, σ ≈ 0.45 points).
#[test]
fn an_actuals_percentile_matches_the_hand_computed_band() {
    let text = r#"{"schema": 5, "name": "t", "start_month": "2026-01", "horizon_months": 2,
        "baseline_users": 100,
        "drivers": [{"name": "gb_per_user", "value": {"distribution": "uniform", "low": 1, "high": 3}}],
        "metrics": [{"name": "storage", "formula": "users * gb_per_user"}],
        "uncertainty": {"samples": 10000, "seed": 7},
        "scenarios": [{"name": "Base", "growth": {"model": "compound", "growth": 0, "churn": 0}}],
        "actuals": {"from": "2026-01", "users": [100], "metrics": {"storage": [150, 250, 290]}}}"#;
    let plan = load_plan(text).expect("valid");
    let bands = simulate_plan(&plan, plan.plan().uncertainty.expect("set"));
    let projection = project(&plan);
    let points = compare(&plan, &projection.scenarios[0], Some(&bands.scenarios[0]));
    let storage: Vec<f64> = points
        .iter()
        .filter(|p| p.series == Series::Metric("storage".into()))
        .map(|p| p.percentile.expect("ranked"))
        .collect();
    for (got, expected) in storage.iter().zip([25.0, 75.0, 95.0]) {
        assert!((got - expected).abs() < 1.5, "{got} vs {expected}");
    }
    // Users are certain (the same on every path): there is no band to rank in.
    let users = points
        .iter()
        .find(|p| p.series == Series::Users)
        .expect("users");
    assert_eq!(users.percentile, None);
    let calibration = calibrate(&points);
    let storage = calibration
        .iter()
        .find(|c| c.series == Series::Metric("storage".into()))
        .expect("storage");
    // 25 and 75 are at the 50% band's edges (inside up to sampling error
    // either way), 95 at the 90% band's edge: count only what is sure.
    assert_eq!((storage.actuals, storage.ranked), (3, 3));
    assert!(storage.inside_90 >= 2);
}

#[test]
fn the_sign_test_matches_the_binomial_by_hand() {
    // 5 of 5 on one side: 2 × (1/2)^5 = 0.0625.
    assert!((sign_test(5, 0) - 0.0625).abs() < 1e-12);
    // 4 of 5: 2 × (1 + 5)/32 = 0.375.
    assert!((sign_test(1, 4) - 0.375).abs() < 1e-12);
    // 8 of 10: 2 × (1 + 10 + 45)/1024 = 0.109375 (not a bias at 10%).
    assert!((sign_test(8, 2) - 0.109_375).abs() < 1e-12);
    assert_eq!(sign_test(0, 0), 1.0);
    assert_eq!(sign_test(3, 3), 1.0);
}

#[test]
fn a_plan_that_keeps_forecasting_too_much_runs_hot() {
    let plan = import(EXAMPLE_CSV);
    let projection = project(&plan);
    let moderate = projection.scenario("Moderate").expect("Moderate");
    let calibration = calibrate(&compare(&plan, moderate, None));
    let users = calibration
        .iter()
        .find(|c| c.series == Series::Users)
        .expect("users");
    // Month 0 equals the plan; months 1–9 are all below: 9 of 9.
    assert_eq!((users.actuals, users.above, users.below), (10, 0, 9));
    assert_eq!(users.bias, Bias::Hot);
    // ai_requests land on both sides: no bias.
    let ai = calibration
        .iter()
        .find(|c| c.series == Series::Metric("ai_requests".into()))
        .expect("ai");
    assert_eq!(ai.bias, Bias::None);
}

// ---------------------------------------------------------------- refitting

#[test]
fn a_fitted_scenario_carries_the_growth_range_and_per_user_drivers() {
    let plan = import(EXAMPLE_CSV);
    let refit = refit(&plan, 1, &Method::Trend(Trend::Compound)).expect("fits");
    let scenario = refit.plan.plan().scenarios.last().expect("added");
    assert_eq!(scenario.name, FITTED_SCENARIO);
    assert_eq!(refit.scenario, FITTED_SCENARIO);
    let Growth::Compound { growth, churn, .. } = &scenario.growth else {
        panic!("compound expected");
    };
    // The example's users grow about 14% a month (log-linear slope
    // ln 1.1406). The spread is the forecast's, matched to the regression's
    // prediction variance and carried as volatility and the rate's range,
    // not only the rate's standard error (which alone gave 14.00%–14.12%,
    // a band a fraction of a percent wide a month ahead).
    assert!((growth.median() - 0.1406).abs() < 0.0005, "{growth:?}");
    // The example's users wobble about 1% around the curve: the scenario's
    // volatility holds that (3.5‰ a month once matched), where the old
    // rate-only range gave ±0.06% a month.
    assert!(
        scenario.volatility.is_some_and(|v| v > 0.002),
        "{:?}",
        refit.forecast
    );
    assert_eq!(*churn, Value::Fixed(0.0));
    // db_size_mb = users × db_mb_per_user: about 95.8 MB per user.
    let db = scenario.drivers.get("db_mb_per_user").expect("fitted");
    let (low, high) = db.bounds();
    assert!(low < 95.8 && 95.8 < high, "{low} {high}");
    // requests_per_user_month feeds `users * requests_per_user_month / 30`,
    // not a plain per-user rate: not fitted.
    assert!(!fit_drivers(&plan)
        .iter()
        .any(|d| d.driver == "requests_per_user_month"));
    // The plan's other scenarios are untouched, and a second fit is numbered.
    assert_eq!(
        &refit.plan.plan().scenarios[..3],
        &plan.plan().scenarios[..]
    );
    let again =
        headroom::engine::actuals::refit::refit(&refit.plan, 0, &Method::Trend(Trend::Linear))
            .expect("fits");
    assert_eq!(again.scenario, format!("{FITTED_SCENARIO} 2"));
}

#[test]
fn a_fit_is_refused_with_its_reason() {
    let plan = import("month,users\n2026-01,100\n2026-02,110\n");
    let error = refit(&plan, 0, &Method::Auto).expect_err("two points");
    assert_eq!(
        error.to_string(),
        "fitting needs at least 3 months of user actuals; there are 2"
    );
}

#[test]
fn piecewise_segments_before_month_0_are_history_only() {
    let plan = import(EXAMPLE_CSV);
    let refit = refit(&plan, 0, &Method::Piecewise { ends: vec![-1, 4] }).expect("fits");
    let Growth::Piecewise { segments } = &refit.plan.plan().scenarios.last().expect("added").growth
    else {
        panic!("piecewise expected");
    };
    let ends: Vec<u32> = segments.iter().map(|s| s.until_month).collect();
    assert_eq!(ends, [4, 5]);
}

// ---------------------------------------------------------------- re-forecasting

#[test]
fn a_reforecast_starts_from_the_last_user_actual() {
    let plan = import(EXAMPLE_CSV);
    let kept_end = reforecast(&plan, KeepHorizon::End).expect("re-forecasts");
    let new = kept_end.plan.plan();
    // The last user actual is Oct 2026 (month 9): 326 users.
    assert_eq!(kept_end.shifted_by, 9);
    assert_eq!(new.start_month, "2026-10");
    assert_eq!(new.baseline_users, 326.0);
    assert_eq!(new.horizon_months, 3);
    assert_eq!(kept_end.plan.calendar_label(3), plan.calendar_label(12));
    // Actuals stay where they were in the calendar.
    assert_eq!(kept_end.plan.actual(&Series::Users, 0), Some(326.0));
    let kept_length = reforecast(&plan, KeepHorizon::Length).expect("re-forecasts");
    assert_eq!(kept_length.plan.plan().horizon_months, 12);
}

#[test]
fn a_reforecast_restarts_stocks_and_moves_counted_months() {
    let text = r#"{"schema": 5, "name": "t", "start_month": "2026-01", "horizon_months": 12,
        "baseline_users": 100,
        "metrics": [{"name": "stored_gb", "formula": "prev(stored_gb, 500) + users * 0.1"}],
        "costs": [{"kind": "one_off", "name": "Migration", "month": 2, "amount": 900},
                  {"kind": "one_off", "name": "Launch", "month": 8, "amount": 100}],
        "scenarios": [{"name": "Steps", "growth": {"model": "piecewise", "segments": [
            {"until_month": 3, "growth": 0.2, "churn": 0}, {"until_month": 10, "growth": 0.1, "churn": 0}]}}],
        "actuals": {"from": "2026-01", "users": [100, 120, 140, 170, 190],
                    "metrics": {"stored_gb": [510, 522, 536, 553.5]}}}"#;
    let plan = load_plan(text).expect("valid");
    let done = reforecast(&plan, KeepHorizon::Length).expect("re-forecasts");
    let new = done.plan.plan();
    assert_eq!(
        (new.start_month.as_str(), new.baseline_users),
        ("2026-05", 190.0)
    );
    // prev(stored_gb, …) at the new month 0 is the old month 3's actual.
    assert_eq!(
        new.metrics[0].formula,
        "prev(stored_gb, 553.5) + users * 0.1"
    );
    assert_eq!(done.stocks, ["stored_gb"]);
    // The migration (old month 2) is in the past; the launch moves to month 4.
    assert_eq!(new.costs.len(), 1);
    assert_eq!(new.costs[0].name(), "Launch");
    assert!(done.dropped.iter().any(|d| d.contains("Migration")));
    let Growth::Piecewise { segments } = &new.scenarios[0].growth else {
        panic!("piecewise");
    };
    let ends: Vec<u32> = segments.iter().map(|s| s.until_month).collect();
    assert_eq!(ends, [6]);
    let no_users = small_plan("");
    assert_eq!(
        reforecast(&no_users, KeepHorizon::End).expect_err("nothing to start from"),
        "re-forecasting needs at least one month with a user actual"
    );
}

#[test]
fn only_prev_of_the_metric_itself_gets_a_new_initial() {
    assert_eq!(
        with_initial("prev(a, 1) + prev(b, 2) + prev( a , min(3, 4))", "a", 7.5).as_deref(),
        Some("prev(a, 7.5) + prev(b, 2) + prev(a, 7.5)")
    );
    assert_eq!(with_initial("prev(a) + 1", "a", 2.0), None);
    assert_eq!(with_initial("myprev(a, 1)", "a", 2.0), None);
    assert_eq!(with_initial("prev(ab, 1)", "a", 2.0), None);
}

// ---------------------------------------------------------------- properties

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            1 => Just(None),
            4 => (0.0..1e9f64).prop_map(Some),
            1 => (0u32..100_000).prop_map(|n| Some(f64::from(n))),
            // Money in cents, as bills give it: packed exactly in a link.
            2 => (0u32..10_000_000).prop_map(|c| Some(f64::from(c) / 100.0)),
        ]
    }

    fn actuals() -> impl Strategy<Value = Actuals> {
        (
            -120i32..120,
            prop::collection::vec(value(), 0..40),
            prop::collection::vec(value(), 0..40),
            prop::collection::vec(value(), 0..40),
            prop::collection::vec(value(), 0..40),
        )
            .prop_map(|(offset, users, db, openai, total)| Actuals {
                from: headroom::engine::model::plan::month_label(month_count(2026, 1) + offset),
                users,
                metrics: BTreeMap::from([("db_size_mb".to_string(), db)]),
                costs: BTreeMap::from([("OpenAI API".to_string(), openai)]),
                total_cost: total,
            })
    }

    /// A CSV-ish line: cells of digits, separators, currency, month names,
    /// quotes and noise.
    fn csv_text() -> impl Strategy<Value = String> {
        let cell = prop_oneof![
            Just(String::new()),
            "[0-9]{1,7}",
            "\\$?[0-9]{1,3}(,[0-9]{3}){0,2}(\\.[0-9]{1,2})?",
            "(19|20|21|22)[0-9]{2}-[0-9]{1,2}(-[0-9]{1,2})?",
            "(Jan|Feb|Mar|Sept|December) [0-9]{4}",
            "-?[0-9]{1,4}",
            "(users|month|total|db size mb|OpenAI API cost|Supabase)",
            "[\"=;\t<>a-z ,.%kM-]{0,8}",
        ];
        prop::collection::vec(prop::collection::vec(cell, 1..6), 0..12).prop_map(|rows| {
            rows.into_iter()
                .map(|cells| cells.join(","))
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn a_plan_with_actuals_survives_json_and_a_link(actuals in actuals()) {
            let mut plan = example().plan().clone();
            plan.actuals = actuals.tidied();
            let valid = validate(&plan).expect("valid actuals");
            let json = load_plan(&save_plan(&valid)).expect("reads back");
            prop_assert_eq!(json.plan(), valid.plan());
            let link = decode_link(&encode_link(valid.plan())).expect("opens");
            prop_assert_eq!(link.plan(), valid.plan());
        }

        #[test]
        fn any_csv_is_read_or_refused_with_messages_never_a_panic(text in csv_text()) {
            let plan = example();
            match read_actuals_csv(&text, &plan) {
                Ok(preview) => {
                    // Whatever is accepted is a valid plan that reads back.
                    let again = load_plan(&save_plan(&preview.plan)).expect("reads back");
                    prop_assert_eq!(again.plan(), preview.plan.plan());
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    prop_assert!(errors.iter().all(|e| !e.to_string().is_empty()));
                }
            }
        }

        #[test]
        fn any_bytes_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = read_actuals_csv(&text, &example());
        }
    }
}
