//! Actuals: what really happened, against the plan. Reading them from a CSV
//! file ([`import`]), comparing them with the projection and its bands
//! ([`compare`]), and refitting the plan's assumptions to them ([`refit`], which chooses
//! among trends by held-out error in [`choose`] and shows how the chosen one
//! would have done on the last months in [`hindsight`]).
//! Fitting growth models to a history ([`fit`]) lives here too. Uses
//! [`crate::engine::uncertainty`] (where actuals fall in the bands) and the
//! layers below it.
//!
//! The actuals themselves are part of the plan document
//! ([`crate::engine::model::plan::Actuals`]) and are checked by validation like
//! every other field; everything here starts from a [`ValidPlan`].
//!
//! [`ValidPlan`]: crate::engine::model::validate::ValidPlan

pub mod choose;
pub mod compare;
pub mod fit;
pub mod hindsight;
pub mod import;
pub mod refit;
pub mod sample;
pub mod season;
pub mod smoothing;

use crate::engine::model::plan::Series;
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::months::cost_line_names;

/// Every series the plan could have actuals for: users, each metric, each
/// component and cost line, total cost.
pub fn all_series(valid: &ValidPlan) -> Vec<Series> {
    let plan = valid.plan();
    std::iter::once(Series::Users)
        .chain(plan.metrics.iter().map(|m| Series::Metric(m.name.clone())))
        .chain(
            cost_line_names(plan)
                .into_iter()
                .map(|name| Series::Cost(name.to_string())),
        )
        .chain(std::iter::once(Series::TotalCost))
        .collect()
}
