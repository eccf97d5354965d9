//! Property tests of the formula language over random expressions.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::formula::{parse, BinaryOp, Chain, Expr, Function};
use proptest::prelude::*;

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
            let single: Vec<Result<u64, String>> = paths
                .iter_mut()
                .zip(&grown)
                .map(|(state, users)| {
                    chain
                        .evaluate_scalar(state, month, &[*users, 150.0])
                        .map(|_| state.metric(0).to_bits())
                        .map_err(|error| error.to_string())
                })
                .collect();
            match column {
                // Every path succeeds, with the very same bits.
                Ok(()) => {
                    for (path, value) in single.iter().enumerate() {
                        prop_assert_eq!(value, &Ok(columns.metric(0)[path].to_bits()));
                    }
                }
                // The column fails exactly when a path fails, with that path's message.
                Err(error) => {
                    let first_failure = single.iter().find_map(|value| value.clone().err());
                    prop_assert_eq!(Some(error.to_string()), first_failure);
                    break;
                }
            }
        }
    }

    #[test]
    fn any_text_parses_or_fails_cleanly(text in ".{0,200}") {
        let _ = parse(&text);
        let _ = Chain::compile(&INPUTS, &[("m", text.as_str())]);
    }
}
