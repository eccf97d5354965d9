//! Revenue (paying share × price) and the budget (a monthly cap, a cap on
//! cost per user): each switched on or off.

use super::super::plan_field::PlanField;
use super::super::state::PlanState;
use crate::editor::{Action, Field};
use leptos::prelude::*;

#[component]
pub fn Finance() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let plan = state.plan;
    let has_revenue = Memo::new(move |_| plan.with(|p| p.plan().revenue.is_some()));
    let has_budget = Memo::new(move |_| plan.with(|p| p.plan().budget.is_some()));
    view! {
        <label class="check switch">
            <input
                type="checkbox"
                data-test="revenue-switch"
                prop:checked=has_revenue
                on:change=move |event| { let _ = state.act(&Action::SetRevenue(event_target_checked(&event))); }
            />
            "Model revenue (for margin and break-even)"
        </label>
        {move || {
            has_revenue
                .get()
                .then(|| {
                    view! {
                        <div class="field-grid">
                            <PlanField field=Field::RevenueShare />
                            <PlanField field=Field::RevenuePrice />
                        </div>
                    }
                })
        }}
        <label class="check switch">
            <input
                type="checkbox"
                data-test="budget-switch"
                prop:checked=has_budget
                on:change=move |event| { let _ = state.act(&Action::SetBudget(event_target_checked(&event))); }
            />
            "Set a budget"
        </label>
        {move || {
            has_budget
                .get()
                .then(|| {
                    view! {
                        <div class="field-grid">
                            <PlanField field=Field::MonthlyCap placeholder="none".to_string() />
                            <PlanField field=Field::CostPerUserCap placeholder="none".to_string() />
                        </div>
                    }
                })
        }}
    }
}
