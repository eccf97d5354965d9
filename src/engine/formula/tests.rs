//! Tests of the formula language: every operator, function and error message,
//! and the seeds' own formulas written as formulas.

use super::*;

/// Evaluates one formula at month `month` for a single path with the given inputs.
fn eval_at(formula: &str, inputs: &[(&str, f64)], month: u32) -> Result<f64, FormulaError> {
    let names: Vec<&str> = inputs.iter().map(|(name, _)| *name).collect();
    let values: Vec<f64> = inputs.iter().map(|(_, value)| *value).collect();
    let chain =
        Chain::compile(&names, &[("result", formula)]).map_err(|mut errors| errors.remove(0))?;
    let mut state = chain.scalar_state();
    chain.evaluate_scalar(&mut state, month, &values)?;
    Ok(state.metric(0))
}

fn eval(formula: &str) -> f64 {
    eval_at(formula, &[("users", 1000.0)], 0).unwrap_or_else(|error| panic!("{formula}: {error}"))
}

fn error(formula: &str) -> String {
    match eval_at(formula, &[("users", 1000.0)], 0) {
        Ok(value) => panic!("{formula} should fail, gave {value}"),
        Err(error) => error.to_string(),
    }
}

/// A chain of metrics over inputs, evaluated for months 0..=months for one path.
fn run_chain(inputs: &[(&str, f64)], metrics: &[(&str, &str)], months: u32) -> Vec<Vec<f64>> {
    let names: Vec<&str> = inputs.iter().map(|(name, _)| *name).collect();
    let values: Vec<f64> = inputs.iter().map(|(_, value)| *value).collect();
    let chain = Chain::compile(&names, metrics).unwrap_or_else(|errors| panic!("{errors:?}"));
    let mut state = chain.scalar_state();
    (0..=months)
        .map(|month| {
            chain.evaluate_scalar(&mut state, month, &values).unwrap();
            state.metrics().to_vec()
        })
        .collect()
}

#[test]
fn arithmetic_and_precedence() {
    assert_eq!(eval("1 + 2 * 3"), 7.0);
    assert_eq!(eval("(1 + 2) * 3"), 9.0);
    assert_eq!(eval("10 - 4 - 3"), 3.0);
    assert_eq!(eval("24 / 4 / 3"), 2.0);
    assert_eq!(eval("2 ^ 10"), 1024.0);
    assert_eq!(eval("2 ^ 3 ^ 2"), 512.0);
    assert_eq!(eval("-2 ^ 2"), -4.0);
    assert_eq!(eval("2 ^ -1"), 0.5);
    assert_eq!(eval("-users"), -1000.0);
    assert_eq!(eval("--3"), 3.0);
    assert_eq!(eval("users / 8"), 125.0);
    assert_eq!(eval("3 - users"), -997.0);
}

#[test]
fn number_forms() {
    assert_eq!(eval("1.5k"), 1500.0);
    assert_eq!(eval("2M"), 2e6);
    assert_eq!(eval("3G"), 3e9);
    assert_eq!(eval("25%"), 0.25);
    assert_eq!(eval("1e6"), 1e6);
    assert_eq!(eval("users * 15%"), 150.0);
}

/// Every number form docs/plan-format.md lists, and the near misses it refuses.
#[test]
fn number_forms_as_documented() {
    assert_eq!(eval(".5"), 0.5);
    assert_eq!(eval("5."), 5.0);
    assert_eq!(eval("1E2"), 100.0);
    assert_eq!(eval("2.5e-3"), 0.0025);
    assert_eq!(eval("1e+2"), 100.0);
    // A sign is an operator, not part of the number: any number of them.
    assert_eq!(eval("+2"), 2.0);
    assert_eq!(eval("--2"), 2.0);
    assert_eq!(eval("-+-2"), 2.0);
    // A suffix comes after the exponent and scales the whole number.
    assert_eq!(eval("1e3k"), 1e6);
    assert_eq!(eval("1.5e2%"), 1.5);
    assert_eq!(
        error("1e"),
        "in metric 'result', at column 1: '1e' is not a number this formula can use"
    );
    assert_eq!(
        error("1kk"),
        "in metric 'result', at column 1: '1kk' is not a number this formula can use"
    );
    assert_eq!(
        error("1_000"),
        "in metric 'result', at column 1: '1_000' is not a number this formula can use"
    );
    assert_eq!(
        error("5m"),
        "in metric 'result', at column 1: '5m' is not a number this formula can use"
    );
    assert!(error("1,000").contains("at column 2"));
    assert!(error(". 5").contains("unexpected character '.'"));
}

/// Halves round away from zero; comparisons chain from the left; min and
/// max skip NaN but keep infinities.
#[test]
fn rounding_chains_and_extremes_as_documented() {
    assert_eq!(eval("round(0.5)"), 1.0);
    assert_eq!(eval("round(1.5)"), 2.0);
    assert_eq!(eval("round(-0.5)"), -1.0);
    assert_eq!(eval("round(-1.5)"), -2.0);
    assert_eq!(eval("round(2.4999)"), 2.0);
    // (3 > 2) > 1 = 1 > 1 = 0; (1 < 2) < 3 = 1 < 3 = 1.
    assert_eq!(eval("3 > 2 > 1"), 0.0);
    assert_eq!(eval("1 < 2 < 3"), 1.0);
    assert_eq!(eval("1 == 1 == 1"), 1.0);
    // Comparisons bind loosest: 1 + 1 == 2 is (1 + 1) == 2.
    assert_eq!(eval("2 == 1 + 1"), 1.0);
    // A non-finite value on the way is absorbed when the result is finite.
    assert_eq!(eval("min(1, 1/0)"), 1.0);
    assert_eq!(eval("max(-1/0, 3)"), 3.0);
    assert_eq!(eval("1 / (1/0)"), 0.0);
    assert_eq!(eval("if(1, 2, 1/0)"), 2.0);
    assert_eq!(eval("(1/0) > 5"), 1.0);
    // NaN from 0/0 is skipped by min and max (IEEE minNum/maxNum).
    assert_eq!(eval("max(0/0, 4)"), 4.0);
    assert_eq!(eval("min(4, 0/0)"), 4.0);
    // A non-finite result is an error, located at the first division by zero.
    assert_eq!(
        error("max(1, 1/0)"),
        "in metric 'result', at column 9: division by zero at month 0"
    );
    assert!(error("sqrt(0 - 1)").ends_with("the result is not a number at month 0"));
    assert!(error("ln(0)").ends_with("the result is infinite at month 0"));
    assert!(error("10 ^ 400").ends_with("the result is infinite at month 0"));
}

#[test]
fn comparisons_give_one_or_zero() {
    assert_eq!(eval("users < 1001"), 1.0);
    assert_eq!(eval("users < 1000"), 0.0);
    assert_eq!(eval("users <= 1000"), 1.0);
    assert_eq!(eval("users > 999"), 1.0);
    assert_eq!(eval("users >= 1001"), 0.0);
    assert_eq!(eval("users == 1k"), 1.0);
    assert_eq!(eval("users != 1k"), 0.0);
    assert_eq!(eval("1 + 1 == 2"), 1.0);
}

#[test]
fn every_function() {
    assert_eq!(eval("min(3, users, 2)"), 2.0);
    assert_eq!(eval("max(3, users, 2)"), 1000.0);
    assert_eq!(eval("min(users)"), 1000.0);
    assert_eq!(eval("ceil(users / 300)"), 4.0);
    assert_eq!(eval("floor(users / 300)"), 3.0);
    assert_eq!(eval("round(2.5)"), 3.0);
    assert_eq!(eval("round(-2.5)"), -3.0);
    assert_eq!(eval("abs(0 - users)"), 1000.0);
    assert_eq!(eval("sqrt(users * 1000)"), 1000.0);
    assert_eq!(eval("ln(exp(2))"), 2.0);
    assert_eq!(eval("exp(0)"), 1.0);
    assert_eq!(eval("if(users > 500, 1, 2)"), 1.0);
    assert_eq!(eval("if(users > 5000, 1, 2)"), 2.0);
    assert_eq!(eval("if(0, 1, users)"), 1000.0);
}

#[test]
fn month_is_always_available() {
    assert_eq!(eval_at("month * 2", &[], 7), Ok(14.0));
    assert_eq!(eval_at("prev(month)", &[], 7), Ok(6.0));
}

/// `prev(name)` is last month's value after month 0 and 0 at month 0;
/// `prev(name, initial)` is `initial` at month 0. The same rule for every
/// kind of name: `month`, `users`, a driver, another metric, the metric
/// itself. Checked for one path and for a column of paths.
#[test]
fn prev_follows_one_rule_for_every_kind_of_name() {
    let metrics = [
        ("m", "month * 10 + users"),
        ("a", "prev(month)"),
        ("b", "prev(month, 7)"),
        ("c", "prev(users)"),
        ("d", "prev(users, -5)"),
        ("e", "prev(rate)"),
        ("f", "prev(rate, 0.5)"),
        ("g", "prev(m)"),
        ("h", "prev(m, 99)"),
        ("i", "prev(i) + 1"),
        ("j", "prev(j, 40) + 2"),
    ];
    // users 100, 117, 136; rate 0.1, 0.2, 0.3 in months 0, 1, 2.
    let users = [100.0, 117.0, 136.0];
    let rates = [0.1, 0.2, 0.3];
    let expected: [[f64; 11]; 3] = [
        // m = 0·10 + 100; every prev without an initial value is 0, with one it is the initial value.
        [100.0, 0.0, 7.0, 0.0, -5.0, 0.0, 0.5, 0.0, 99.0, 1.0, 42.0],
        // m = 10 + 117; prev(month) = 0; prev(users) = 100; prev(rate) = 0.1; prev(m) = 100.
        [
            127.0, 0.0, 0.0, 100.0, 100.0, 0.1, 0.1, 100.0, 100.0, 2.0, 44.0,
        ],
        [
            156.0, 1.0, 1.0, 117.0, 117.0, 0.2, 0.2, 127.0, 127.0, 3.0, 46.0,
        ],
    ];
    let chain = Chain::compile(&["users", "rate"], &metrics).unwrap();
    let mut scalar = chain.scalar_state();
    let mut columns = chain.column_state(2);
    for month in 0..3 {
        chain
            .evaluate_scalar(&mut scalar, month as u32, &[users[month], rates[month]])
            .unwrap();
        assert_eq!(scalar.metrics(), expected[month], "month {month}");
        let path_users = [users[month], users[month]];
        chain
            .evaluate_columns(&mut columns, month as u32, &[&path_users, &[rates[month]]])
            .unwrap();
        for (slot, want) in expected[month].iter().enumerate() {
            assert_eq!(
                columns.metric(slot),
                [*want, *want],
                "month {month} metric {slot}"
            );
        }
    }
}

#[test]
fn prev_reads_last_month_and_starts_from_its_initial_value() {
    // A stock: storage grows by 2 GB (2,000 MB) a month from 5 GB.
    let months = run_chain(&[], &[("storage_mb", "prev(storage_mb, 5000) + 2000")], 3);
    let storage: Vec<f64> = months.iter().map(|m| m[0]).collect();
    assert_eq!(storage, [7000.0, 9000.0, 11000.0, 13000.0]);
    // Without an initial value, prev is 0 at month 0.
    let months = run_chain(&[], &[("count", "prev(count) + 1")], 2);
    assert_eq!(
        months.iter().map(|m| m[0]).collect::<Vec<_>>(),
        [1.0, 2.0, 3.0]
    );
}

#[test]
fn prev_of_an_input_and_of_another_metric() {
    let names = ["users"];
    let chain = Chain::compile(
        &names,
        &[
            ("new_users", "users - prev(users, users)"),
            ("last", "prev(new_users, -1)"),
        ],
    )
    .unwrap();
    let mut state = chain.scalar_state();
    let mut seen = Vec::new();
    for (month, users) in [100.0, 117.0, 136.89].into_iter().enumerate() {
        chain
            .evaluate_scalar(&mut state, month as u32, &[users])
            .unwrap();
        seen.push((state.metric(0), state.metric(1)));
    }
    assert_eq!(seen[0], (0.0, -1.0));
    assert_eq!(seen[1], (17.0, 0.0));
    assert!((seen[2].0 - 19.89).abs() < 1e-9 && seen[2].1 == 17.0);
}

#[test]
fn metrics_are_evaluated_in_dependency_order() {
    let chain = Chain::compile(
        &["users"],
        &[("c", "b * 2"), ("b", "a + 1"), ("a", "users")],
    )
    .unwrap();
    assert_eq!(chain.evaluation_order(), ["a", "b", "c"]);
    let mut state = chain.scalar_state();
    chain.evaluate_scalar(&mut state, 0, &[10.0]).unwrap();
    assert_eq!(state.metric(chain.metric_index("c").unwrap()), 22.0);
}

/// Seed 000's `projectCapacity`: month 1 of Moderate has 117 users
/// (100 × 1.17); daily requests = 117 × 150 / 30 = 585; DB = 117 × 100 MB =
/// 11,700 MB; Redis = 117 × 10 MB = 1,170 MB.
#[test]
fn seed_000_demand_formulas() {
    let months = run_chain(
        &[
            ("users", 117.0),
            ("requests_per_user_month", 150.0),
            ("db_mb_per_user", 100.0),
            ("redis_mb_per_user", 10.0),
        ],
        &[
            ("daily_requests", "users * requests_per_user_month / 30"),
            ("db_size_mb", "users * db_mb_per_user"),
            ("redis_mb", "users * redis_mb_per_user"),
        ],
        0,
    );
    assert_eq!(months[0], [585.0, 11_700.0, 1_170.0]);
}

/// Seed 001: launch has 10M daily requests: 10,000,000 / 86,400 = 115.74
/// average RPS (its table rounds to 120); peak ≈ 3× average = 347.2 (table:
/// 350). 50,000 users × 5% concurrent = 2,500 peak concurrent; × 1.2 headroom
/// = 3,000 required capacity (the table's figures exactly).
#[test]
fn seed_001_traffic_and_concurrency_formulas() {
    let months = run_chain(
        &[
            ("users", 50_000.0),
            ("daily_requests", 10e6),
            ("peak_factor", 3.0),
            ("concurrent_ratio", 0.05),
        ],
        &[
            ("avg_rps", "daily_requests / 86400"),
            ("peak_rps", "avg_rps * peak_factor"),
            ("peak_concurrent", "users * concurrent_ratio"),
            ("required_capacity", "peak_concurrent * 1.2"),
        ],
        0,
    );
    let [avg, peak, concurrent, required] = months[0][..] else {
        panic!()
    };
    assert!((avg - 115.740_740_740_7).abs() < 1e-9);
    assert!((peak - 347.222_222_222_2).abs() < 1e-9);
    assert_eq!(concurrent, 2_500.0);
    assert_eq!(required, 3_000.0);
}

/// Seed 003: RPS per vCPU = efficiency / response time = 0.7 / 0.2 s = 3.5;
/// 100 RPS needs ceil(100 / 3.5) = 29 vCPUs (the seed says "~30").
/// Connections = containers × pool + workers × each: 2 × 10 + 5 × 5 = 45
/// (tier 1) and 5 × 10 + 25 = 75 (tier 2), as its table prints.
/// Storage = users × files × size + database: 100 × 10 × 2 MB + 1,000 MB =
/// 3,000 MB (its "2GB files + 1GB DB = 3GB").
#[test]
fn seed_003_sizing_formulas() {
    let metrics = [
        ("rps_per_vcpu", "efficiency / avg_response_s"),
        ("vcpus_for_100_rps", "ceil(100 / rps_per_vcpu)"),
        (
            "db_connections",
            "containers * pool_size + workers * connections_each",
        ),
        (
            "storage_mb",
            "users * files_per_user * file_mb + database_mb",
        ),
    ];
    let inputs = |containers: f64| {
        [
            ("users", 100.0),
            ("efficiency", 0.7),
            ("avg_response_s", 0.2),
            ("containers", containers),
            ("pool_size", 10.0),
            ("workers", 5.0),
            ("connections_each", 5.0),
            ("files_per_user", 10.0),
            ("file_mb", 2.0),
            ("database_mb", 1_000.0),
        ]
    };
    let tier_1 = &run_chain(&inputs(2.0), &metrics, 0)[0];
    assert!((tier_1[0] - 3.5).abs() < 1e-12);
    assert_eq!(tier_1[1], 29.0);
    assert_eq!(tier_1[2], 45.0);
    assert_eq!(tier_1[3], 3_000.0);
    assert_eq!(run_chain(&inputs(5.0), &metrics, 0)[0][2], 75.0);
}

/// Seed 004: peak concurrent = 15% of registered users; 100K users → 15,000.
#[test]
fn seed_004_concurrency_formula() {
    assert_eq!(
        eval_at(
            "users * concurrent_ratio",
            &[("users", 100e3), ("concurrent_ratio", 0.15)],
            0
        ),
        Ok(15_000.0)
    );
}

#[test]
fn unknown_names_suggest_the_closest() {
    assert_eq!(
        error("usres * 2"),
        "in metric 'result', at column 1: unknown name 'usres' (did you mean 'users'?)"
    );
    assert_eq!(
        error("2 * mnoth"),
        "in metric 'result', at column 5: unknown name 'mnoth' (did you mean 'month'?)"
    );
    assert_eq!(
        error("zebra"),
        "in metric 'result', at column 1: unknown name 'zebra'"
    );
    assert_eq!(
        error("prev(userz)"),
        "in metric 'result', at column 6: unknown name 'userz' (did you mean 'users'?)"
    );
}

#[test]
fn syntax_errors_name_the_metric_and_column() {
    assert_eq!(
        error("users $ 2"),
        "in metric 'result', at column 7: unexpected character '$'"
    );
    assert_eq!(
        error("(users + 1"),
        "in metric 'result', at column 1: missing ')' to close this '('"
    );
    assert_eq!(
        error("max(users)(2)"),
        "in metric 'result', at column 11: unexpected '('"
    );
    assert_eq!(
        error("round(1, 2)"),
        "in metric 'result', at column 1: round() takes 1 argument, but was given 2 arguments"
    );
}

#[test]
fn cycles_are_named() {
    let errors = Chain::compile(
        &["users"],
        &[("a", "b + 1"), ("b", "c * 2"), ("c", "a"), ("d", "users")],
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        "in metric 'a': these metrics depend on each other in a cycle: a → b → c → a (use prev() to refer to last month)"
    );
    let errors = Chain::compile(&[], &[("a", "a + 1")]).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "in metric 'a': these metrics depend on each other in a cycle: a → a (use prev() to refer to last month)"
    );
    // Through prev, a metric may refer to itself and others freely.
    assert!(Chain::compile(&[], &[("a", "prev(b) + 1"), ("b", "a")]).is_ok());
}

#[test]
fn metric_names_are_checked() {
    let errors = Chain::compile(
        &["users"],
        &[
            ("users", "1"),
            ("max", "1"),
            ("2x", "1"),
            ("ok", "1"),
            ("ok", "2"),
        ],
    )
    .unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "in metric 'users': there are two metrics named 'users'",
            "in metric 'max': 'max' cannot be a metric name: use letters, digits and _, starting with a letter, and not a built-in name",
            "in metric '2x': '2x' cannot be a metric name: use letters, digits and _, starting with a letter, and not a built-in name",
            "in metric 'ok': there are two metrics named 'ok'",
        ]
    );
}

#[test]
fn every_bad_formula_is_reported_at_once() {
    let errors = Chain::compile(
        &["users"],
        &[("a", "users +"), ("b", "foo"), ("c", "users")],
    )
    .unwrap_err();
    let metrics: Vec<_> = errors.iter().map(|e| e.metric.clone().unwrap()).collect();
    assert_eq!(metrics, ["a", "b"]);
}

#[test]
fn division_by_zero_is_located_by_month_metric_and_column() {
    let chain = Chain::compile(&["users"], &[("per_user", "1000 / (users - 100)")]).unwrap();
    let mut state = chain.scalar_state();
    chain.evaluate_scalar(&mut state, 0, &[50.0]).unwrap();
    let error = chain.evaluate_scalar(&mut state, 1, &[100.0]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "in metric 'per_user', at column 6: division by zero at month 1"
    );
    assert_eq!(error.kind, ErrorKind::DivisionByZero { month: 1 });
}

#[test]
fn division_by_zero_in_the_branch_not_taken_is_fine() {
    assert_eq!(
        eval_at("if(users > 0, 100 / users, 0)", &[("users", 0.0)], 0),
        Ok(0.0)
    );
    assert_eq!(
        eval_at("if(users > 0, 100 / users, 0)", &[("users", 4.0)], 0),
        Ok(25.0)
    );
}

#[test]
fn non_finite_results_are_errors() {
    assert_eq!(
        error("sqrt(0 - users)"),
        "in metric 'result': the result is not a number at month 0"
    );
    assert_eq!(
        error("ln(users - 1000)"),
        "in metric 'result': the result is infinite at month 0"
    );
    assert_eq!(
        error("exp(users)"),
        "in metric 'result': the result is infinite at month 0"
    );
    assert_eq!(
        error("10 ^ 400"),
        "in metric 'result': the result is infinite at month 0"
    );
    assert_eq!(
        error("1 / 0"),
        "in metric 'result', at column 3: division by zero at month 0"
    );
}

#[test]
fn limits_are_reported() {
    let long = "1+".repeat(500) + "1";
    assert_eq!(
        error(&long),
        "in metric 'result': the formula is 1001 characters long; formulas are at most 1000 characters"
    );
    let deep = "(".repeat(200) + "1" + &")".repeat(200);
    assert!(error(&deep).ends_with("the formula nests more than 64 levels deep"));
}

#[test]
fn columns_match_single_paths_exactly() {
    let metrics = [
        ("daily", "users * rpu / 30"),
        ("peak", "max(daily / 86400 * 3, 0.5)"),
        ("units", "ceil(peak / 3.5)"),
        (
            "stock",
            "prev(stock, 10) * 1.01 + if(units > 2, units ^ 0.5, -units)",
        ),
        ("ratio", "min(stock, daily) / (1 + abs(stock - daily))"),
    ];
    let chain = Chain::compile(&["users", "rpu"], &metrics).unwrap();
    let users: Vec<f64> = (0..257).map(|i| 10.0 + f64::from(i) * 977.3).collect();
    let rpu = [150.0];
    let mut columns = chain.column_state(users.len());
    let mut scalars: Vec<ScalarState> = users.iter().map(|_| chain.scalar_state()).collect();
    for month in 0..24u32 {
        let grown: Vec<f64> = users
            .iter()
            .map(|u| u * 1.17f64.powi(month as i32))
            .collect();
        chain
            .evaluate_columns(&mut columns, month, &[&grown, &rpu])
            .unwrap();
        for (path, state) in scalars.iter_mut().enumerate() {
            chain
                .evaluate_scalar(state, month, &[grown[path], rpu[0]])
                .unwrap();
            for metric in 0..metrics.len() {
                assert_eq!(
                    columns.metric(metric)[path].to_bits(),
                    state.metric(metric).to_bits(),
                    "month {month} path {path} metric {metric}"
                );
            }
        }
    }
}

#[test]
fn column_errors_name_the_failing_path_month() {
    let chain = Chain::compile(&["users"], &[("per_user", "100 / users")]).unwrap();
    let mut state = chain.column_state(3);
    chain
        .evaluate_columns(&mut state, 0, &[&[1.0, 2.0, 4.0]])
        .unwrap();
    assert_eq!(state.metric(0), [100.0, 50.0, 25.0]);
    let error = chain
        .evaluate_columns(&mut state, 1, &[&[1.0, 0.0, 4.0]])
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "in metric 'per_user', at column 5: division by zero at month 1"
    );
}

#[test]
fn inputs_of_one_value_are_shared_by_all_paths() {
    let chain = Chain::compile(&["users", "rate"], &[("x", "users * rate")]).unwrap();
    let mut state = chain.column_state(3);
    chain
        .evaluate_columns(&mut state, 0, &[&[1.0, 2.0, 3.0], &[10.0]])
        .unwrap();
    assert_eq!(state.metric(0), [10.0, 20.0, 30.0]);
}

#[test]
fn renaming_touches_only_whole_names() {
    use super::{names_in, rename_in};
    assert_eq!(
        rename_in("users * users_per_x + 1.5k*users", "users", "people"),
        "people * users_per_x + 1.5k*people"
    );
    assert_eq!(rename_in("max(a,  b)", "b", "beta"), "max(a,  beta)");
    assert_eq!(
        rename_in("a + $", "a", "b"),
        "a + $",
        "unreadable formulas stay"
    );
    assert_eq!(names_in("min(a, 2k) / b_2"), ["min", "a", "b_2"]);
}

#[test]
fn metrics_that_follow_one_quantity_are_recognised() {
    use super::{Chain, Source, Spread};
    let metrics = [
        ("a", "users * fixed"),
        ("b", "a * 30"),
        ("c", "a / 86400 + 1"),
        ("d", "users * varying"),
        ("e", "ceil(b / 100) - month"),
        ("f", "max(a, 1)"),
        ("g", "prev(a)"),
        ("h", "a - users"),
        ("i", "2 - a"),
        ("j", "a * -2"),
        ("k", "d * 3"),
        ("l", "a / (fixed - 4)"),
        ("m", "sqrt(users) * month"),
        ("n", "varying * (month - 1)"),
        ("o", "varying * (month + fixed)"),
        ("p", "varying / month"),
        ("q", "prev(q, 10) + users * fixed"),
        ("r", "prev(r) + varying"),
        ("s", "q * varying"),
        ("t", "max(1, ceil(b / 7))"),
        ("u", "min(a, 5, c)"),
        ("v", "a + c * 2"),
        ("w", "max(a, d)"),
        ("x", "a + d"),
    ];
    let chain = Chain::compile(&["users", "fixed", "varying"], &metrics).unwrap();
    // `fixed` is 3 on every path; `varying` is sampled.
    let fixed = |input: usize| match input {
        1 => Spread::Fixed(3.0),
        _ => Spread::Varies,
    };
    let (users, varying) = (Some(Source::Input(0)), Some(Source::Input(2)));
    assert_eq!(
        chain.followed_sources(fixed),
        [
            users,
            users,
            users,
            None, // two quantities vary
            users,
            users, // max(a, 1)
            None,
            None,
            None, // 2 − a: order reversed
            None, // a × −2: order reversed
            Some(Source::Metric(3)),
            None,  // divided by 3 − 4 < 0: order reversed
            users, // times month, never negative
            None,  // month − 1 is −1 at month 0
            varying,
            None, // month may be 0: dividing by it is not order-safe
            None, // a running sum of users, which differ between paths
            None, // a running sum of a sampled driver
            None,
            users, // the larger of 1 and a function of users
            users, // the smallest of functions of users and a constant
            users, // the sum of two functions of users
            None,  // the larger of functions of users and of varying
            None,  // their sum
        ]
    );
    // Certain growth: users are the same on every path (and never negative),
    // so what they multiply follows the other factor.
    let same_users = |input: usize| match input {
        0 => Spread::SameNonNegative,
        1 => Spread::Fixed(3.0),
        _ => Spread::Varies,
    };
    let sources = chain.followed_sources(same_users);
    assert_eq!(sources[3], varying, "users × varying");
    assert_eq!(sources[10], varying, "d × 3 follows what d follows");
    let fixed = Some(Source::Fixed);
    assert_eq!(sources[0], fixed, "users × fixed is the same on every path");
    assert_eq!(sources[7], fixed, "so is a − users");
    assert_eq!(sources[16], fixed, "and a running sum of the same users");
    assert_eq!(sources[17], None, "a running sum of a sampled driver");
    assert_eq!(
        sources[18], None,
        "the sum times a driver: the sum's sign is not followed through prev"
    );
}
