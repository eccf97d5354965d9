//! Scenarios: their names, growth models and the driver values they set.

use super::checker::{shorten, Checker};
use super::limits::*;
use crate::engine::model::number::{format_compact, format_percent};
use crate::engine::model::plan::*;

/// Every scenario: a unique name, a sound growth model, and driver values
/// for drivers the plan has.
pub(super) fn check_scenarios(check: &mut Checker, plan: &Plan) {
    check.count("scenarios", plan.scenarios.len(), 1, "scenario");
    check.unique(
        |i| format!("scenarios[{i}].name"),
        plan.scenarios.iter().map(|s| s.name.as_str()),
        "scenario",
    );
    for (index, scenario) in plan.scenarios.iter().enumerate() {
        let at = |field: &str| format!("scenarios[{index}].{field}");
        check.text(at("name"), &scenario.name, true, MAX_NAME_CHARS);
        check_growth(check, &at("growth"), &scenario.growth, plan.baseline_users);
        check_seasonality_and_volatility(check, index, scenario);
        for (name, value) in &scenario.drivers {
            let path = format!("scenarios[{index}].drivers.{name}");
            if !plan.drivers.iter().any(|driver| &driver.name == name) {
                check.fail(
                    path,
                    format!("'{}' is not a driver of this plan", shorten(name)),
                );
            } else {
                check.value(path, value, -MAX_VALUE, MAX_VALUE, format_compact);
            }
        }
    }
}

/// Twelve positive seasonal factors, a volatility of 0% to 100% a month.
fn check_seasonality_and_volatility(check: &mut Checker, index: usize, scenario: &Scenario) {
    let at = |field: &str| format!("scenarios[{index}].{field}");
    if let Some(factors) = &scenario.seasonality {
        if factors.len() != 12 {
            check.fail(
                at("seasonality"),
                format!(
                    "needs twelve factors, one per calendar month from January, not {}",
                    factors.len()
                ),
            );
        } else {
            for (month, factor) in factors.iter().enumerate() {
                let path = format!("scenarios[{index}].seasonality[{month}]");
                if factor.is_finite() && *factor <= 0.0 {
                    check.fail(path, "must be more than 0 (1 is an ordinary month)");
                } else {
                    check.range(path, *factor, 0.0, MAX_SEASONAL_FACTOR);
                }
            }
        }
    }
    if let Some(volatility) = scenario.volatility {
        check.rate(at("volatility"), volatility, 0.0, MAX_VOLATILITY);
    }
}

fn check_growth(check: &mut Checker, path: &str, growth: &Growth, baseline: f64) {
    // Every number of the model: a share (growth, churn) reads in percent.
    for (label, value, low, high) in growth.parameters() {
        let show = if label.ends_with("growth") || label.ends_with("churn") {
            format_percent
        } else {
            format_compact
        };
        check.value(format!("{path}.{label}"), &value, low, high, show);
    }
    let at = |field: &str| format!("{path}.{field}");
    if let Growth::Compound {
        damping: Some(damping),
        ..
    } = growth
    {
        if !(damping.is_finite() && *damping > 0.0 && *damping <= 1.0) {
            check.fail(
                at("damping"),
                "must be more than 0 and at most 1 (1 is no damping)",
            );
        }
    }
    match growth {
        Growth::Piecewise { segments } => {
            check.count(&at("segments"), segments.len(), 1, "segment");
            let mut previous = 0;
            for (index, segment) in segments.iter().enumerate() {
                if segment.until_month <= previous || segment.until_month > 10 * MAX_HORIZON_MONTHS
                {
                    check.fail(
                        format!("{path}.segments[{index}].until_month"),
                        "segments must end at increasing months, from 1",
                    );
                }
                previous = segment.until_month;
            }
        }
        Growth::Milestones { points } => {
            check.count(&at("points"), points.len(), 1, "milestone");
            if baseline.is_finite() && baseline <= 0.0 {
                check.fail(
                    "baseline_users",
                    "must be more than 0 for milestone growth (it grows geometrically)",
                );
            }
            let mut previous = 0;
            for (index, point) in points.iter().enumerate() {
                if point.month <= previous || point.month > 10 * MAX_HORIZON_MONTHS {
                    check.fail(
                        format!("{path}.points[{index}].month"),
                        "milestones must be at increasing months, from 1",
                    );
                }
                previous = point.month;
            }
            // Continuing the last rate for ten years must stay finite, even at
            // the extremes of uncertain milestones.
            if let (Some(last), true) = (points.last(), baseline > 0.0) {
                let (from_month, from_users) = match points.len() {
                    1 => (0, baseline),
                    n => (points[n - 2].month, points[n - 2].users.bounds().0),
                };
                let to_users = last.users.bounds().1;
                if to_users > 0.0 && from_users > 0.0 && last.month > from_month {
                    let rate = libm::pow(
                        to_users / from_users,
                        1.0 / f64::from(last.month - from_month),
                    );
                    if rate > 1.0 + MAX_MONTHLY_GROWTH {
                        check.fail(
                            at("points"),
                            "these milestones imply more than 1,000% growth a month",
                        );
                    }
                }
            }
        }
        Growth::Compound { .. } | Growth::Linear { .. } | Growth::Logistic { .. } => {}
    }
}
