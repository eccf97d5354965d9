//! The plan's own settings: name, currency, start, baseline, horizon, the
//! requests metric and the Monte Carlo settings.

use super::super::plan_field::PlanField;
use super::super::state::PlanState;
use super::PlanSelect;
use crate::editor::Field;
use leptos::prelude::*;

#[component]
pub fn Settings() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let metrics = Signal::from(Memo::new(move |_| {
        state.plan.with(|p| {
            std::iter::once((String::new(), "None".to_string()))
                .chain(
                    p.plan()
                        .metrics
                        .iter()
                        .map(|m| (m.name.clone(), m.name.replace('_', " "))),
                )
                .collect()
        })
    }));
    view! {
        <PlanField field=Field::PlanName />
        <PlanField field=Field::Description />
        <div class="field-grid">
            <PlanField field=Field::BaselineUsers />
            <PlanField field=Field::HorizonMonths />
            <PlanField field=Field::StartMonth />
            <PlanField field=Field::Currency />
        </div>
        <PlanSelect field=Field::RequestsMetric options=metrics />
        <h3>"Uncertainty"</h3>
        <p class="section-note">
            "When any driver or growth rate is a range, the results show how likely each outcome is, from this many simulated futures. The same seed always gives the same answer."
        </p>
        <div class="field-grid">
            <PlanField field=Field::Samples />
            <PlanField field=Field::Seed />
        </div>
        <h3>"Decisions"</h3>
        <p class="section-note">
            "Act-by dates are set so a change is live before it is needed in this share of the simulated futures. Commitments are sized for a term starting at a month."
        </p>
        <div class="field-grid">
            <PlanField field=Field::Confidence placeholder="90%".to_string() />
            <PlanField field=Field::CommitmentTerm />
            <PlanField field=Field::CommitmentStart />
        </div>
    }
}
