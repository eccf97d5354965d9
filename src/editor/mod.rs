//! The plan editor's logic, kept out of the UI so it is tested natively:
//! which part of a plan each input edits ([`Field`]), the edits that change
//! a plan's shape ([`Action`]), undo and redo ([`History`]).
//!
//! An edit never touches the open plan unless the whole edited plan
//! validates, so an invalid field leaves the last good plan (and its results)
//! in place, and its message says what to fix.

mod action;
pub mod actuals;
mod field;
mod history;
pub mod inputs;
mod label;
pub mod moves_together;
mod references;
mod value_text;

pub use action::{Action, ComponentKind, CostKind, GrowthModel};
pub use field::{ComponentPart, CostPart, Field, Kind};
pub use history::History;
pub use label::{distribution_label, readable, DISTRIBUTIONS};
pub use value_text::capitalise;

use crate::engine::model::plan::Plan;
use crate::engine::model::validate::{validate, PlanError, ValidPlan};

/// The plan an edit makes, or the message to show where the user is looking.
pub type Edited = Result<ValidPlan, String>;

fn validated(plan: &Plan) -> Result<ValidPlan, Vec<PlanError>> {
    validate(plan)
}

/// The message for an edit of the field at `path` that `errors` refused:
/// the field's own error if it has one, else the first error, saying which
/// part of the plan it is about.
fn explain(errors: &[PlanError], path: &str, plan: &Plan) -> String {
    let own = |error: &&PlanError| {
        !path.is_empty()
            && (error.path == path
                || error.path.starts_with(&format!("{path}."))
                || error.path.starts_with(&format!("{path}[")))
    };
    if let Some(error) = errors.iter().find(own) {
        return capitalise(&error.message);
    }
    errors.first().map_or_else(String::new, |error| {
        format!("{}: {}", describe_path(plan, &error.path), error.message)
    })
}

/// A plan path in words: `metrics[1].formula` → `Metric "monthly_requests", formula`.
fn describe_path(plan: &Plan, path: &str) -> String {
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    let indexed = head
        .split_once('[')
        .and_then(|(list, index)| Some((list, index.strip_suffix(']')?.parse::<usize>().ok()?)));
    let named = match indexed {
        Some(("scenarios", i)) => plan.scenarios.get(i).map(|s| ("Scenario", s.name.as_str())),
        Some(("drivers", i)) => plan.drivers.get(i).map(|d| ("Driver", d.name.as_str())),
        Some(("metrics", i)) => plan.metrics.get(i).map(|m| ("Metric", m.name.as_str())),
        Some(("components", i)) => plan.components.get(i).map(|c| ("Component", c.name())),
        Some(("costs", i)) => plan.costs.get(i).map(|c| ("Cost line", c.name())),
        _ => None,
    };
    let rest = rest.replace('_', " ");
    match named {
        Some((kind, name)) if rest.is_empty() => format!("{kind} \u{201c}{name}\u{201d}"),
        Some((kind, name)) => format!("{kind} \u{201c}{name}\u{201d}, {rest}"),
        None => capitalise(&path.replace('_', " ")),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::model::templates;

    /// The worked example's plan, which the editor's tests edit.
    pub(crate) fn example() -> Plan {
        templates::worked_example()
            .expect("the worked example is valid")
            .plan()
            .clone()
    }

    #[test]
    fn paths_read_as_words() {
        let plan = templates::load("managed-saas")
            .unwrap()
            .unwrap()
            .plan()
            .clone();
        assert_eq!(
            describe_path(&plan, "metrics[1].formula"),
            "Metric \u{201c}monthly_requests\u{201d}, formula"
        );
        assert_eq!(
            describe_path(&plan, "components[0].tiers[1].limits.db_size_mb"),
            "Component \u{201c}Supabase\u{201d}, tiers[1].limits.db size mb"
        );
        assert_eq!(
            describe_path(&plan, "budget.monthly_cap"),
            "Budget.monthly cap"
        );
    }
}
