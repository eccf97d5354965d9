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
    let metrics = Signal::derive(move || {
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
    });
    view! {
        <PlanField field=Field::PlanName label="Plan name" />
        <PlanField field=Field::Description label="Description" />
        <div class="field-grid">
            <PlanField field=Field::BaselineUsers label="Users today" hint="month 0".to_string() />
            <PlanField field=Field::HorizonMonths label="Horizon" hint="months, 1–120".to_string() />
            <PlanField field=Field::StartMonth label="Month 0 is" hint="YYYY-MM".to_string() />
            <PlanField field=Field::Currency label="Currency" hint="USD, EUR, GBP…".to_string() />
        </div>
        <PlanSelect field=Field::RequestsMetric label="Requests metric (for cost per 1,000 requests)" options=metrics />
        <h3>"Uncertainty"</h3>
        <p class="section-note">
            "When any driver or growth rate is a range, the results show how likely each outcome is, from this many simulated futures. The same seed always gives the same answer."
        </p>
        <div class="field-grid">
            <PlanField field=Field::Samples label="Simulated paths" hint="10 to 100,000".to_string() />
            <PlanField field=Field::Seed label="Seed" />
        </div>
        <h3>"Decisions"</h3>
        <p class="section-note">
            "Act-by dates are set so a change is live before it is needed in this share of the simulated futures. Commitments are sized for a term starting at a month."
        </p>
        <div class="field-grid">
            <PlanField field=Field::Confidence label="Confidence" hint="50% to 99.9%".to_string() placeholder="90%".to_string() />
            <PlanField field=Field::CommitmentTerm label="Commitment term" hint="12 or 36 months".to_string() />
            <PlanField field=Field::CommitmentStart label="Commitment starts" hint="month".to_string() />
        </div>
    }
}
