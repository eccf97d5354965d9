//! The inputs of a scenario that Monte Carlo samples: each driver (as it
//! resolves for the scenario) and each growth parameter, fixed or a range,
//! in one fixed order that names their sampling streams. Correlations name
//! them; validation and the simulation read them.

use crate::engine::model::plan::{Plan, Value};
use crate::engine::model::validate::limits::MAX_VALUE;

/// One uncertain (or fixed) input of a scenario, and where it goes.
#[derive(Debug, Clone)]
pub struct Input {
    /// How people read it: `driver requests_per_user_month`, `growth churn`.
    pub label: String,
    /// Its sampling stream's key.
    pub key: String,
    pub target: Target,
    pub value: Value,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Driver(usize),
    Growth(usize),
}

/// Every input of a scenario: each driver (its scenario value) and each
/// growth parameter, in a fixed order.
pub fn scenario_inputs(plan: &Plan, scenario: usize) -> Vec<Input> {
    let drivers = (0..plan.drivers.len()).map(|index| {
        let name = &plan.drivers[index].name;
        Input {
            label: format!("driver {name}"),
            key: format!("driver:{name}"),
            target: Target::Driver(index),
            value: plan.driver_value(scenario, index),
            min: -MAX_VALUE,
            max: MAX_VALUE,
        }
    });
    let growth = plan.scenarios[scenario]
        .growth
        .parameters()
        .into_iter()
        .enumerate()
        .map(|(index, (label, value, min, max))| Input {
            label: format!("growth {label}"),
            key: format!("growth:{label}"),
            target: Target::Growth(index),
            value,
            min,
            max,
        });
    drivers.chain(growth).collect()
}
