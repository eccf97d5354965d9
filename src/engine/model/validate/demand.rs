//! Drivers and metrics: names, values, units, and the metric formulas
//! compiled into one chain.

use super::checker::Checker;
use super::limits::{MAX_NAME_CHARS, MAX_TEXT_CHARS, MAX_VALUE};
use crate::engine::formula::Chain;
use crate::engine::model::number::format_compact;
use crate::engine::model::plan::Plan;

/// Drivers and metrics: the demand chain, compiled when every name and
/// formula is sound (formula problems are reported only when the names are).
pub(super) fn check_demand(check: &mut Checker, plan: &Plan) -> Option<Chain> {
    check_drivers(check, plan);
    check_metrics(check, plan);
    compile_chain(check, plan)
}

fn check_drivers(check: &mut Checker, plan: &Plan) {
    check.count("drivers", plan.drivers.len(), 0, "drivers");
    for (index, driver) in plan.drivers.iter().enumerate() {
        check.identifier(format!("drivers[{index}].name"), &driver.name);
        check.value(
            format!("drivers[{index}].value"),
            &driver.value,
            -MAX_VALUE,
            MAX_VALUE,
            format_compact,
        );
        check.text(
            format!("drivers[{index}].unit"),
            &driver.unit,
            false,
            MAX_NAME_CHARS,
        );
        check.text(
            format!("drivers[{index}].description"),
            &driver.description,
            false,
            MAX_TEXT_CHARS,
        );
    }
    check.unique(
        |i| format!("drivers[{i}].name"),
        plan.drivers.iter().map(|d| d.name.as_str()),
        "driver",
    );
}

fn check_metrics(check: &mut Checker, plan: &Plan) {
    check.count("metrics", plan.metrics.len(), 0, "metrics");
    for (index, metric) in plan.metrics.iter().enumerate() {
        check.identifier(format!("metrics[{index}].name"), &metric.name);
        if plan.drivers.iter().any(|driver| driver.name == metric.name) {
            check.fail(
                format!("metrics[{index}].name"),
                format!("'{}' is already a driver's name", metric.name),
            );
        }
        check.text(
            format!("metrics[{index}].unit"),
            &metric.unit,
            false,
            MAX_NAME_CHARS,
        );
    }
    check.unique(
        |i| format!("metrics[{i}].name"),
        plan.metrics.iter().map(|m| m.name.as_str()),
        "metric",
    );
}

/// The metric formulas as one chain; its problems are reported only when
/// every driver and metric name is sound (a bad name explains them).
fn compile_chain(check: &mut Checker, plan: &Plan) -> Option<Chain> {
    let inputs: Vec<&str> = std::iter::once("users")
        .chain(plan.drivers.iter().map(|d| d.name.as_str()))
        .collect();
    let metrics: Vec<(&str, &str)> = plan
        .metrics
        .iter()
        .map(|m| (m.name.as_str(), m.formula.as_str()))
        .collect();
    match Chain::compile(&inputs, &metrics) {
        Ok(chain) => Some(chain),
        Err(errors) => {
            if check
                .errors
                .iter()
                .all(|e| !e.path.starts_with("metrics") && !e.path.starts_with("drivers"))
            {
                for error in errors {
                    let index = error
                        .metric
                        .as_ref()
                        .and_then(|m| plan.metrics.iter().position(|x| &x.name == m));
                    let path = match index {
                        Some(index) => format!("metrics[{index}].formula"),
                        None => "metrics".to_string(),
                    };
                    let mut message = error.kind.to_string();
                    if let Some(column) = error.column {
                        message = format!("at column {column}: {message}");
                    }
                    check.fail(path, message);
                }
            }
            None
        }
    }
}
