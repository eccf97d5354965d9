//! Metrics: formulas over users, month, drivers and other metrics, each with
//! its live value at a chosen month and its error, located, beside it.

use super::super::action_button::ActionButton;
use super::super::plan_field::PlanField;
use super::super::state::PlanState;
use super::super::ProjectionMemo;
use crate::editor::{Action, Field};
use crate::engine::model::number::format_figure;
use leptos::prelude::*;

#[component]
pub fn Metrics() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let count = Memo::new(move |_| state.plan.with(|p| p.plan().metrics.len()));
    let horizon = Memo::new(move |_| state.plan.with(|p| p.plan().horizon_months));
    let month = RwSignal::new(12u32);
    let shown_month = Signal::derive(move || month.get().min(horizon.get()));
    view! {
        <p class="section-note">
            "Formulas use users, month, drivers and other metrics: + − × / ^, min, max, ceil, floor, round, if, prev(name)."
        </p>
        <div class="field inline">
            <label for="metric-month">"Show values at month"</label>
            <select id="metric-month" on:change=move |event| {
                if let Ok(chosen) = event_target_value(&event).parse() {
                    month.set(chosen);
                }
            }>
                {move || {
                    let shown = shown_month.get();
                    (0..=horizon.get())
                        .map(|m| view! { <option value=m selected=m == shown>{m}</option> })
                        .collect_view()
                }}
            </select>
        </div>
        {move || (0..count.get()).map(|metric| view! { <MetricCard metric month=shown_month /> }).collect_view()}
        <div class="add-row">
            <ActionButton action=Action::AddMetric label="Add metric" tone="add" />
        </div>
    }
}

#[component]
fn MetricCard(metric: usize, #[prop(into)] month: Signal<u32>) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let plan = state.plan;
    // A memo, so the card's labels follow a renaming, not every keystroke.
    let name = Memo::new(move |_| {
        plan.with(|p| {
            p.plan()
                .metrics
                .get(metric)
                .map(|m| m.name.clone())
                .unwrap_or_default()
        })
    });
    let live = move || {
        let unit = plan.with(|p| {
            p.plan()
                .metrics
                .get(metric)
                .map(|m| m.unit.clone())
                .unwrap_or_default()
        });
        let scenario_index = state.selected.get();
        projection.with(|projection| {
            let scenario = projection.scenarios.get(scenario_index)?;
            let value = scenario.at(month.get())?.metrics.get(metric).copied()?;
            Some(format!(
                "= {} {} at month {} ({})",
                format_figure(value, &unit),
                if matches!(unit.as_str(), "MB" | "GB" | "share" | "ratio") {
                    ""
                } else {
                    unit.as_str()
                },
                month.get(),
                scenario.name
            ))
        })
    };
    view! {
        <article class="card" aria-label=move || format!("Metric {}", name.read())>
            <div class="name-unit">
                <PlanField field=Field::MetricName(metric) />
                <PlanField field=Field::MetricUnit(metric) />
            </div>
            <PlanField field=Field::MetricFormula(metric) formula=true />
            <p class="live-value" data-test="metric-value">{move || live().unwrap_or_default()}</p>
            <div class="card-actions">
                <ActionButton action=Action::DeleteMetric(metric) label="Delete" describe=move || format!("Delete metric {}", name.read()) tone="danger" />
            </div>
        </article>
    }
}
