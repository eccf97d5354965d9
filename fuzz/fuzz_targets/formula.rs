//! Any text as a metric formula: parsing, compiling and evaluating must never
//! panic, printing must re-parse to the same formula, and evaluating by
//! columns must give exactly what evaluating each path alone gives.
#![no_main]

use headroom::engine::formula::{parse, Chain, ErrorKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(expr) = parse(&text) {
        let printed = expr.to_string();
        match parse(&printed) {
            Ok(again) => assert_eq!(again.to_string(), printed, "printing is stable"),
            // Full parenthesisation can make a valid formula too long or too deep.
            Err(error) => assert!(
                matches!(error.kind, ErrorKind::TooLong { .. } | ErrorKind::TooDeep),
                "printed form of {text:?} failed: {error}"
            ),
        }
    }

    let metrics = [("m", text.as_ref()), ("n", "m * 2 + prev(m, 1)")];
    let Ok(chain) = Chain::compile(&["users", "rate"], &metrics) else {
        return;
    };
    let users = [0.0, 1.0, 250.5, 1e9];
    let mut columns = chain.column_state(users.len());
    let mut paths: Vec<_> = users.iter().map(|_| chain.scalar_state()).collect();
    for month in 0..4u32 {
        let grown: Vec<f64> = users.iter().map(|u| u * f64::from(month + 1)).collect();
        let column = chain.evaluate_columns(&mut columns, month, &[&grown, &[0.25]]);
        let single: Vec<_> = paths
            .iter_mut()
            .zip(&grown)
            .map(|(state, u)| {
                chain
                    .evaluate_scalar(state, month, &[*u, 0.25])
                    .map(|_| [state.metric(0).to_bits(), state.metric(1).to_bits()])
                    .map_err(|error| error.to_string())
            })
            .collect();
        match column {
            Ok(()) => {
                for (path, value) in single.iter().enumerate() {
                    let expected = [
                        columns.metric(0)[path].to_bits(),
                        columns.metric(1)[path].to_bits(),
                    ];
                    assert_eq!(value, &Ok(expected), "path {path} month {month}");
                }
            }
            Err(error) => {
                // The columns run each metric on every path before the
                // next (m before n, which reads it): the error is the first
                // failing path's in the earliest metric failing anywhere.
                let failures: Vec<&String> =
                    single.iter().filter_map(|value| value.as_ref().err()).collect();
                let earliest = metrics.iter().find_map(|(name, _)| {
                    let prefix = format!("in metric '{name}'");
                    failures.iter().find(|failure| failure.starts_with(&prefix))
                });
                assert_eq!(Some(&&error.to_string()), earliest);
                break;
            }
        }
    }
});
