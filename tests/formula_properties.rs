//! Property tests of the formula language over random expressions.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::formula::{
    parse, BinaryOp, Chain, ColumnState, Expr, FormulaError, Function, ScalarState,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const INPUTS: [&str; 2] = ["users", "rpu"];

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (0.0..1e6f64).prop_map(Expr::Number),
        (0u32..100).prop_map(|n| Expr::Number(f64::from(n))),
        prop::sample::select(vec!["users", "rpu", "month"]).prop_map(|name| Expr::Name {
            name: name.to_string(),
            column: 0
        }),
        prop::sample::select(vec!["users", "rpu"]).prop_map(|name| Expr::Prev {
            name: name.to_string(),
            column: 0,
            initial: None
        }),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    let ops = vec![
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Pow,
        BinaryOp::Less,
        BinaryOp::LessEqual,
        BinaryOp::Greater,
        BinaryOp::GreaterEqual,
        BinaryOp::Equal,
        BinaryOp::NotEqual,
    ];
    leaf().prop_recursive(5, 40, 3, move |inner| {
        let ops = ops.clone();
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Negate(Box::new(e))),
            (prop::sample::select(ops), inner.clone(), inner.clone()).prop_map(|(op, l, r)| {
                Expr::Binary {
                    op,
                    left: Box::new(l),
                    right: Box::new(r),
                    column: 0,
                }
            }),
            (
                prop::sample::select(Function::ALL.to_vec()),
                prop::collection::vec(inner.clone(), 1..4)
            )
                .prop_map(|(function, mut args)| {
                    match function {
                        Function::Min | Function::Max => {}
                        Function::If => {
                            while args.len() < 3 {
                                args.push(Expr::Number(1.0));
                            }
                            args.truncate(3);
                        }
                        _ => args.truncate(1),
                    }
                    Expr::Call {
                        function,
                        args,
                        column: 0,
                    }
                }),
            (prop::sample::select(vec!["users", "rpu"]), inner).prop_map(|(name, initial)| {
                Expr::Prev {
                    name: name.to_string(),
                    column: 0,
                    initial: Some(Box::new(initial)),
                }
            }),
        ]
    })
}

/// Evaluates `formula` for three months over `users` paths; per path, the
/// bits of each month's value up to its first error's text.
fn evaluate_scalar(formula: &str, users: &[f64]) -> Vec<Result<Vec<u64>, String>> {
    let chain = Chain::compile(&INPUTS, &[("m", formula)]).expect("compiles");
    users
        .iter()
        .map(|users| {
            let mut state = chain.scalar_state();
            (0..3u32)
                .map(|month| {
                    let grown = users * (1.0 + f64::from(month));
                    chain
                        .evaluate_scalar(&mut state, month, &[grown, 150.0])
                        .map(|_| state.metric(0).to_bits())
                        .map_err(|error| error.to_string())
                })
                .collect()
        })
        .collect()
}

/// Each path of `states` evaluated alone for `month` (an input is one value
/// for every path, or one each): the bits of each of the chain's `metrics`,
/// or the error's text.
fn each_path_alone(
    chain: &Chain,
    metrics: usize,
    states: &mut [ScalarState],
    month: u32,
    inputs: &[&[f64]],
) -> Vec<Result<Vec<u64>, String>> {
    states
        .iter_mut()
        .enumerate()
        .map(|(path, state)| {
            let given: Vec<f64> = inputs
                .iter()
                .map(|column| column[if column.len() == 1 { 0 } else { path }])
                .collect();
            chain
                .evaluate_scalar(state, month, &given)
                .map(|_| (0..metrics).map(|m| state.metric(m).to_bits()).collect())
                .map_err(|error| error.to_string())
        })
        .collect()
}

/// Whether the columns' month (`outcome`) is what the paths alone gave:
/// every path's very bits; or, failing, the message of the first path
/// failing in the earliest metric that fails on any path (the columns run
/// each metric on every path before the next). `Ok(false)` once failed.
fn columns_agree(
    metrics: &[&str],
    columns: &ColumnState,
    outcome: Result<(), FormulaError>,
    alone: &[Result<Vec<u64>, String>],
) -> Result<bool, TestCaseError> {
    match outcome {
        Ok(()) => {
            for (path, value) in alone.iter().enumerate() {
                let bits: Vec<u64> = (0..metrics.len())
                    .map(|m| columns.metric(m)[path].to_bits())
                    .collect();
                prop_assert_eq!(value, &Ok(bits), "path {}", path);
            }
            Ok(true)
        }
        Err(error) => {
            let failures: Vec<&String> = alone
                .iter()
                .filter_map(|value| value.as_ref().err())
                .collect();
            let earliest = metrics.iter().find_map(|name| {
                let prefix = format!("in metric '{name}'");
                failures.iter().find(|failure| failure.starts_with(&prefix))
            });
            prop_assert_eq!(Some(&&error.to_string()), earliest);
            Ok(false)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn printing_and_reparsing_keeps_the_value(tree in expr()) {
        let printed = tree.to_string();
        prop_assume!(printed.chars().count() <= 1000);
        let reparsed = parse(&printed).expect("printed formulas parse");
        prop_assert_eq!(reparsed.to_string(), printed.clone());
        let users = [0.0, 1.0, 1234.5];
        prop_assert_eq!(evaluate_scalar(&printed, &users), evaluate_scalar(&reparsed.to_string(), &users));
    }

    #[test]
    fn columns_equal_single_paths(tree in expr(), users in prop::collection::vec(0.0..1e5f64, 1..6)) {
        let formula = tree.to_string();
        prop_assume!(formula.chars().count() <= 1000);
        let chain = Chain::compile(&INPUTS, &[("m", formula.as_str())]).expect("compiles");
        let mut columns = chain.column_state(users.len());
        let mut paths: Vec<_> = users.iter().map(|_| chain.scalar_state()).collect();
        for month in 0..3u32 {
            let grown: Vec<f64> = users.iter().map(|u| u * (1.0 + f64::from(month))).collect();
            let column = chain.evaluate_columns(&mut columns, month, &[&grown, &[150.0]]);
            let alone = each_path_alone(&chain, 1, &mut paths, month, &[&grown, &[150.0]]);
            if !columns_agree(&["m"], &columns, column, &alone)? {
                break;
            }
        }
    }

    /// A chain of two metrics, the second reading the first this month and
    /// last, over inputs that are one value for every path or one each: a
    /// metric reading only single values is worked out once and copied
    /// (`formula::eval`'s uniform metrics), with each path's bits and the
    /// first failing path's message.
    #[test]
    fn uniform_metrics_equal_single_paths(
        first in expr(),
        second in expr(),
        users in 0.0..1e5f64,
        rpu in prop::collection::vec(0.0..1e3f64, 1..5),
        paths in 1usize..5,
        spread in prop::collection::vec(any::<bool>(), 3),
    ) {
        let (first, second) = (first.to_string(), second.to_string());
        prop_assume!(first.chars().count() <= 1000 && second.chars().count() <= 1000);
        let second = format!("({second}) + a * 0.5 - prev(a, 2) / (month + 1)");
        let chain = Chain::compile(&INPUTS, &[("a", first.as_str()), ("b", second.as_str())])
            .expect("compiles");
        // Per-path rates when there is more than one, else one shared by all.
        let rates: Vec<f64> = if rpu.len() == 1 { rpu.clone() } else { (0..paths).map(|p| rpu[p % rpu.len()]).collect() };
        let mut columns = chain.column_state(paths);
        let mut singles: Vec<_> = (0..paths).map(|_| chain.scalar_state()).collect();
        for month in 0..3u32 {
            // Users one value for every path, or (in months `spread` says)
            // one each, so a metric can turn uniform or stop being so.
            let grown: Vec<f64> = if spread[month as usize] {
                (0..paths).map(|p| users * (1.0 + f64::from(month)) + p as f64).collect()
            } else {
                vec![users * (1.0 + f64::from(month))]
            };
            let column = chain.evaluate_columns(&mut columns, month, &[&grown, &rates]);
            let alone = each_path_alone(&chain, 2, &mut singles, month, &[&grown, &rates]);
            if !columns_agree(&["a", "b"], &columns, column, &alone)? {
                break;
            }
        }
    }

    #[test]
    fn any_text_parses_or_fails_cleanly(text in ".{0,200}") {
        let _ = parse(&text);
        let _ = Chain::compile(&INPUTS, &[("m", text.as_str())]);
    }
}
