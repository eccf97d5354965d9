//! The pipeline for one plan: each scenario projected month by month, then
//! read for act-by dates and commitments, then for the timeline of events.
//! [`project`] is what the app, the command line and every export call.

use std::ops::Deref;

use crate::engine::analyse::decisions::{
    deterministic_act_by, deterministic_commitments, ActBy, Recommendation,
};
use crate::engine::analyse::events::{derive_events, Event};
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::months::{project_months, ScenarioMonths};

/// Every scenario of a plan, projected and read.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub scenarios: Vec<ScenarioProjection>,
}

impl Projection {
    pub fn scenario(&self, name: &str) -> Option<&ScenarioProjection> {
        self.scenarios.iter().find(|scenario| scenario.name == name)
    }
}

/// One scenario's full result: its months (reached through `Deref`, as
/// `scenario.months`, `scenario.today`) and what was read from them.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioProjection {
    pub projected: ScenarioMonths,
    pub events: Vec<Event>,
    /// By when each change must start, from this projection alone.
    pub act_by: Vec<ActBy>,
    /// The commitment to make per horizontal component, from this
    /// projection alone (the fewest units the term needs).
    pub commitments: Vec<Recommendation>,
}

/// A scenario's result is its months plus what was read from them: reading
/// it reads the months.
impl Deref for ScenarioProjection {
    type Target = ScenarioMonths;

    fn deref(&self) -> &ScenarioMonths {
        &self.projected
    }
}

/// Projects every scenario of the plan over its horizon.
pub fn project(valid: &ValidPlan) -> Projection {
    Projection {
        scenarios: (0..valid.plan().scenarios.len())
            .map(|index| project_scenario(valid, index))
            .collect(),
    }
}

/// One scenario, in the order the data flows: months, then act-by dates and
/// commitments from them, then the events (act-by dates among them).
pub fn project_scenario(valid: &ValidPlan, index: usize) -> ScenarioProjection {
    let projected = project_months(valid, index);
    let act_by = deterministic_act_by(valid, &projected);
    let commitments = deterministic_commitments(valid, &projected);
    let events = derive_events(valid.plan(), &projected, &act_by);
    ScenarioProjection {
        projected,
        events,
        act_by,
        commitments,
    }
}
