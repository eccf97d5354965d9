//! Actuals in the plan document: where they start, which series they are,
//! and values in range.

use super::checker::{shorten, Checker};
use super::limits::{MAX_ACTUAL_MONTHS, MAX_USERS, MAX_VALUE};
use crate::engine::model::plan::{parse_month_count, Actuals, Component, CostLine, Plan, Series};

/// Actuals: a month to start from, lists of at most [`MAX_ACTUAL_MONTHS`],
/// names of this plan's metrics and cost lines, values in range.
pub(super) fn check_actuals(check: &mut Checker, plan: &Plan, actuals: &Actuals) {
    if parse_month_count(&actuals.from).is_none() {
        check.fail(
            "actuals.from",
            format!(
                "'{}' is not a month written YYYY-MM",
                shorten(&actuals.from)
            ),
        );
    }
    check.count("actuals.metrics", actuals.metrics.len(), 0, "series");
    check.count("actuals.costs", actuals.costs.len(), 0, "series");
    let lines: Vec<&str> = plan
        .components
        .iter()
        .map(Component::name)
        .chain(plan.costs.iter().map(CostLine::name))
        .collect();
    for (series, values) in actuals.series() {
        let path = match &series {
            Series::Users => "actuals.users".to_string(),
            Series::Metric(name) => format!("actuals.metrics.{}", shorten(name)),
            Series::Cost(name) => format!("actuals.costs.{}", shorten(name)),
            Series::TotalCost => "actuals.total_cost".to_string(),
        };
        match &series {
            Series::Metric(name) if !plan.metrics.iter().any(|m| &m.name == name) => {
                check.fail(
                    &path,
                    format!("'{}' is not a metric of this plan", shorten(name)),
                );
            }
            Series::Cost(name) if !lines.contains(&name.as_str()) => check.fail(
                &path,
                format!(
                    "'{}' is not a component or cost line of this plan",
                    shorten(name)
                ),
            ),
            _ => {}
        }
        if values.len() > MAX_ACTUAL_MONTHS {
            check.fail(
                &path,
                format!(
                    "has {} months; actuals cover at most {MAX_ACTUAL_MONTHS}",
                    values.len()
                ),
            );
            continue;
        }
        let (low, high) = match series {
            Series::Users => (0.0, MAX_USERS),
            Series::Metric(_) => (-MAX_VALUE, MAX_VALUE),
            Series::Cost(_) | Series::TotalCost => (0.0, MAX_VALUE),
        };
        for (index, value) in values.iter().enumerate() {
            if let Some(value) = value {
                check.range(format!("{path}[{index}]"), *value, low, high);
            }
        }
    }
}
