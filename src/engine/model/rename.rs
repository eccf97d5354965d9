//! Renaming a driver or metric everywhere a plan refers to it: the editor's
//! renames, and the reading of stored plans whose metric took a name that
//! became built in (see [`BUILT_IN_SERIES`]).

use crate::engine::formula::rename_in;
use crate::engine::model::plan::{Component, CostLine, Plan};

/// Series every projection has, which outputs and actuals name alone (and
/// the bands list after the metrics, in this order): a driver or metric
/// cannot take these names.
pub const BUILT_IN_SERIES: [&str; 3] = ["total_cost", "cumulative_cost", "cost_per_user"];

/// Renames a driver or metric everywhere it is used: formulas, scenario
/// overrides, component metrics and tier limits, usage lines, the requests metric.
pub fn rename_quantity(plan: &mut Plan, old: &str, new: &str) {
    let swap = |name: &mut String| {
        if name == old {
            *name = new.to_string();
        }
    };
    for metric in &mut plan.metrics {
        metric.formula = rename_in(&metric.formula, old, new);
    }
    for scenario in &mut plan.scenarios {
        if let Some(value) = scenario.drivers.remove(old) {
            scenario.drivers.insert(new.to_string(), value);
        }
    }
    for component in &mut plan.components {
        match component {
            Component::Horizontal(h) => swap(&mut h.metric),
            Component::Tiered(t) => {
                t.metrics.iter_mut().for_each(swap);
                for tier in &mut t.tiers {
                    if let Some(limit) = tier.limits.remove(old) {
                        tier.limits.insert(new.to_string(), limit);
                    }
                }
            }
        }
    }
    for line in &mut plan.costs {
        if let CostLine::Usage { metric, .. } = line {
            swap(metric);
        }
    }
    if let Some(requests) = &mut plan.requests_metric {
        swap(requests);
    }
    if let Some(actuals) = &mut plan.actuals {
        if let Some(values) = actuals.metrics.remove(old) {
            actuals.metrics.insert(new.to_string(), values);
        }
    }
    // Correlations name a driver alone or after its scenario's name.
    let scenarios: Vec<String> = plan.scenarios.iter().map(|s| s.name.clone()).collect();
    for name in correlation_names(plan) {
        if name == old {
            *name = new.to_string();
        } else if let Some(scenario) = scenarios
            .iter()
            .find(|scenario| name.strip_prefix(scenario.as_str()) == Some(&format!("/{old}")))
        {
            *name = format!("{scenario}/{new}");
        }
    }
}

/// Every input name the plan's correlations hold.
pub fn correlation_names(plan: &mut Plan) -> impl Iterator<Item = &mut String> {
    plan.correlations
        .iter_mut()
        .flat_map(|correlation| correlation.inputs.iter_mut())
}

/// A stored plan's driver or metric named like a built-in series (allowed
/// before schema 4's rule) is renamed `<name>_metric` (`_metric2`, … when
/// taken), with every reference, so it opens and nothing it held is lost.
pub fn rename_built_in_names(plan: &mut Plan) {
    let taken = |plan: &Plan, name: &str| {
        plan.drivers.iter().any(|d| d.name == name) || plan.metrics.iter().any(|m| m.name == name)
    };
    for built_in in BUILT_IN_SERIES {
        if !taken(plan, built_in) {
            continue;
        }
        let mut new = format!("{built_in}_metric");
        let mut suffix = 2;
        while taken(plan, &new) {
            new = format!("{built_in}_metric{suffix}");
            suffix += 1;
        }
        for driver in &mut plan.drivers {
            if driver.name == built_in {
                driver.name = new.clone();
            }
        }
        for metric in &mut plan.metrics {
            if metric.name == built_in {
                metric.name = new.clone();
            }
        }
        rename_quantity(plan, built_in, &new);
    }
}
