//! Drivers: the plan's numeric inputs, each a number or a range, with a value
//! per scenario where one differs.

use super::super::action_button::ActionButton;
use super::super::plan_field::PlanField;
use super::super::state::PlanState;
use crate::editor::{Action, Field};
use leptos::prelude::*;

#[component]
pub fn Drivers() -> impl IntoView {
    let state = expect_context::<PlanState>();
    // Scenario names label the per-scenario fields, so a rename redraws them.
    let shape = Memo::new(move |_| {
        state.plan.with(|p| {
            let names: Vec<String> = p.plan().scenarios.iter().map(|s| s.name.clone()).collect();
            (p.plan().drivers.len(), names)
        })
    });
    view! {
        <p class="section-note">
            "Drivers feed the metric formulas. A scenario may set its own value; leave it empty to use the plan's."
        </p>
        {move || {
            let (drivers, scenarios) = shape.get();
            (0..drivers)
                .map(|driver| view! { <DriverCard driver scenarios=scenarios.clone() /> })
                .collect_view()
        }}
        <div class="add-row">
            <ActionButton action=Action::AddDriver label="Add driver" tone="add" />
        </div>
    }
}

#[component]
fn DriverCard(driver: usize, scenarios: Vec<String>) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let plan = state.plan;
    // A memo, so the card's labels follow a renaming, not every keystroke.
    let name = Memo::new(move |_| {
        plan.with(|p| {
            p.plan()
                .drivers
                .get(driver)
                .map(|d| d.name.clone())
                .unwrap_or_default()
        })
    });
    let plan_value =
        Memo::new(move |_| plan.with(|p| Field::DriverValue(driver).display(p.plan())));
    view! {
        <article class="card" aria-label=move || format!("Driver {}", name.read())>
            // The value gets a whole row: a range's distribution picker
            // sits beside it without squeezing the number.
            <div class="name-unit">
                <PlanField field=Field::DriverName(driver) />
                <PlanField field=Field::DriverUnit(driver) />
            </div>
            <PlanField field=Field::DriverValue(driver) />
            <PlanField field=Field::DriverDescription(driver) />
            {(scenarios.len() > 1)
                .then(|| {
                    view! {
                        <fieldset class="overrides">
                            <legend>"Per scenario"</legend>
                            <div class="field-grid">
                                {scenarios
                                    .iter()
                                    .enumerate()
                                    .map(|(scenario, _)| {
                                        view! {
                                            <PlanField
                                                field=Field::Override { scenario, driver }
                                                placeholder=plan_value
                                            />
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        </fieldset>
                    }
                })}
            <div class="card-actions">
                <ActionButton action=Action::DeleteDriver(driver) label="Delete" describe=move || format!("Delete driver {}", name.read()) tone="danger" />
            </div>
        </article>
    }
}
