//! Where a plan refers to its own names, so a rename carries through and a
//! delete can say what still needs the thing deleted.

use crate::engine::formula::names_in;
use crate::engine::model::plan::{Actuals, Component, CostLine, Plan};
use crate::engine::model::rename::correlation_names;
pub use crate::engine::model::rename::rename_quantity;

/// Renames a scenario: correlations naming its inputs follow.
pub fn rename_scenario(plan: &mut Plan, old: &str, new: &str) {
    let prefix = format!("{old}/");
    for name in correlation_names(plan) {
        if let Some(rest) = name.strip_prefix(&prefix) {
            *name = format!("{new}/{rest}");
        }
    }
}

/// The correlations naming `driver` (alone or in a scenario) or, with
/// `scenario`, any input of that scenario, in words.
pub fn uses_in_correlations(
    plan: &Plan,
    driver: Option<&str>,
    scenario: Option<&str>,
) -> Vec<String> {
    let names = |name: &str| {
        driver.is_some_and(|driver| {
            name == driver
                || name
                    .rsplit_once('/')
                    .is_some_and(|(_, rest)| rest == driver)
        }) || scenario.is_some_and(|scenario| name.starts_with(&format!("{scenario}/")))
    };
    plan.correlations
        .iter()
        .filter(|c| c.inputs.iter().any(|name| names(name)))
        .map(|c| format!("the correlation of {} with {}", c.inputs[0], c.inputs[1]))
        .collect()
}

/// Renames a tier of one component: its current tier follows.
pub fn rename_tier(plan: &mut Plan, component: usize, old: &str, new: &str) {
    if let Some(Component::Tiered(t)) = plan.components.get_mut(component) {
        if t.current_tier.as_deref() == Some(old) {
            t.current_tier = Some(new.to_string());
        }
    }
}

/// Renames a cost line (a component is one too): percentage lines and its
/// actuals follow.
pub fn rename_cost_line(plan: &mut Plan, old: &str, new: &str) {
    if let Some(actuals) = &mut plan.actuals {
        if let Some(values) = actuals.costs.remove(old) {
            actuals.costs.insert(new.to_string(), values);
        }
    }
    for line in &mut plan.costs {
        if let CostLine::Percentage { of, .. } = line {
            for name in of.iter_mut().filter(|name| *name == old) {
                *name = new.to_string();
            }
        }
    }
}

/// What uses the driver or metric `name`, in words: `metric monthly_requests`,
/// `component Supabase`, `cost line OpenAI API`.
pub fn uses_of_quantity(plan: &Plan, name: &str) -> Vec<String> {
    let mut uses: Vec<String> = plan
        .metrics
        .iter()
        .filter(|m| m.name != name && names_in(&m.formula).iter().any(|n| n == name))
        .map(|m| format!("metric {}", m.name))
        .collect();
    uses.extend(
        plan.components
            .iter()
            .filter(|c| match c {
                Component::Horizontal(h) => h.metric == name,
                Component::Tiered(t) => t.metrics.iter().any(|m| m == name),
            })
            .map(|c| format!("component {}", c.name())),
    );
    uses.extend(
        plan.costs
            .iter()
            .filter(|line| matches!(line, CostLine::Usage { metric, .. } if metric == name))
            .map(|line| format!("cost line {}", line.name())),
    );
    if plan.requests_metric.as_deref() == Some(name) {
        uses.push("the requests metric (Settings)".into());
    }
    uses.extend(actuals_of(plan, |a| a.metrics.contains_key(name)));
    uses.extend(uses_in_correlations(plan, Some(name), None));
    uses
}

/// "its actuals", when the plan has actuals `held` says are about the thing.
fn actuals_of(plan: &Plan, held: impl Fn(&Actuals) -> bool) -> Option<String> {
    plan.actuals
        .as_ref()
        .filter(|actuals| held(actuals))
        .map(|_| "its actuals (clear them under Actuals)".to_string())
}

/// The percentage lines that are a share of the line `name`, and its actuals.
pub fn uses_of_cost_line(plan: &Plan, name: &str) -> Vec<String> {
    let mut uses: Vec<String> = plan
        .costs
        .iter()
        .filter(
            |line| matches!(line, CostLine::Percentage { of, .. } if of.iter().any(|n| n == name)),
        )
        .map(|line| format!("cost line {}", line.name()))
        .collect();
    uses.extend(actuals_of(plan, |a| a.costs.contains_key(name)));
    uses
}

/// `a`, `a and b`, `a, b and c`.
pub fn list_in_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
