//! Cost lines (fixed, usage with volume tiers, one-off, a percentage of
//! other lines), revenue, the budget and the plan's other settings.

use super::checker::{shorten, Checker};
use super::components::check_term;
use super::limits::*;
use crate::engine::model::plan::*;

/// Cost lines share one namespace with components: both are lines of the
/// cost breakdown.
pub(super) fn check_costs(check: &mut Checker, plan: &Plan) {
    check.count("costs", plan.costs.len(), 0, "cost lines");
    check.unique(
        |i| {
            if i < plan.components.len() {
                format!("components[{i}].name")
            } else {
                format!("costs[{}].name", i - plan.components.len())
            }
        },
        plan.components
            .iter()
            .map(Component::name)
            .chain(plan.costs.iter().map(CostLine::name)),
        "cost line or component",
    );
    for (index, line) in plan.costs.iter().enumerate() {
        let at = |field: &str| format!("costs[{index}].{field}");
        check.text(at("name"), line.name(), true, MAX_NAME_CHARS);
        match line {
            CostLine::Fixed { amount, .. } => check.range(at("amount"), *amount, 0.0, MAX_VALUE),
            CostLine::Usage {
                metric,
                price,
                free,
                volume_tiers,
                ..
            } => {
                check.quantity(at("metric"), plan, metric);
                check.range(at("price"), *price, 0.0, MAX_VALUE);
                check.range(at("free"), *free, 0.0, MAX_VALUE);
                let mut previous = 0.0;
                for (ti, tier) in volume_tiers.iter().enumerate() {
                    check.range(
                        format!("costs[{index}].volume_tiers[{ti}].above"),
                        tier.above,
                        0.0,
                        MAX_VALUE,
                    );
                    check.range(
                        format!("costs[{index}].volume_tiers[{ti}].price"),
                        tier.price,
                        0.0,
                        MAX_VALUE,
                    );
                    if tier.above <= previous && ti > 0 {
                        check.fail(
                            format!("costs[{index}].volume_tiers[{ti}].above"),
                            "tiers must start at increasing volumes",
                        );
                    }
                    previous = tier.above;
                }
            }
            CostLine::OneOff { month, amount, .. } => {
                if *month > MAX_HORIZON_MONTHS {
                    check.fail(at("month"), format!("must be 0 to {MAX_HORIZON_MONTHS}"));
                }
                check.range(at("amount"), *amount, 0.0, MAX_VALUE);
            }
            CostLine::Percentage { share, of, .. } => {
                check.rate(at("share"), *share, 0.0, 10.0);
                for (oi, target) in of.iter().enumerate() {
                    let known_line = plan.components.iter().any(|c| c.name() == target)
                        || plan.costs.iter().any(|c| {
                            c.name() == target && !matches!(c, CostLine::Percentage { .. })
                        });
                    if !known_line {
                        check.fail(
                            format!("costs[{index}].of[{oi}]"),
                            format!(
                                "'{}' is not a component or a non-percentage cost line",
                                shorten(target)
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// Revenue, the budget, the Monte Carlo settings and the requests metric.
pub(super) fn check_money_and_settings(check: &mut Checker, plan: &Plan) {
    if let Some(revenue) = &plan.revenue {
        check.rate("revenue.paying_share", revenue.paying_share, 0.0, 1.0);
        check.range(
            "revenue.price_per_month",
            revenue.price_per_month,
            0.0,
            MAX_VALUE,
        );
    }
    if let Some(budget) = &plan.budget {
        if let Some(cap) = budget.monthly_cap {
            check.positive("budget.monthly_cap", cap);
        }
        if let Some(cap) = budget.cost_per_user_cap {
            check.positive("budget.cost_per_user_cap", cap);
        }
    }
    if let Some(uncertainty) = &plan.uncertainty {
        if !(MIN_SAMPLES..=MAX_SAMPLES).contains(&uncertainty.samples) {
            check.fail(
                "uncertainty.samples",
                format!(
                    "must be {MIN_SAMPLES} to {MAX_SAMPLES}, not {}",
                    uncertainty.samples
                ),
            );
        }
    }
    if let Some(requests) = &plan.requests_metric {
        if !plan.metrics.iter().any(|m| &m.name == requests) {
            check.fail(
                "requests_metric",
                format!("'{}' is not a metric of this plan", shorten(requests)),
            );
        }
    }
}

/// The confidence act-by dates are judged at, and the commitment term.
pub(super) fn check_confidence_and_term(check: &mut Checker, plan: &Plan) {
    if let Some(confidence) = plan.confidence {
        check.rate("confidence", confidence, MIN_CONFIDENCE, MAX_CONFIDENCE);
    }
    if let Some(term) = &plan.commitment_term {
        check_term(check, "commitment_term", term.term_months, term.start_month);
    }
}
