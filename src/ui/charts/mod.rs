//! The chart panels: users by scenario (with bands and a log-scale switch),
//! cost by line, utilization, cumulative cost against revenue, cost per user
//! and the sensitivity tornado, all for the chosen scenario.

use super::chart_canvas::{ChartCanvas, Drawing};
use super::state::PlanState;
use super::{BandsState, ProjectionMemo};
use crate::chart::spec;
use leptos::prelude::*;

/// Users by scenario, with the chosen scenario's bands and a log-scale switch.
#[component]
pub fn UsersChart() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let bands = expect_context::<BandsState>();
    let log = RwSignal::new(false);
    let drawing = Memo::new(move |_| {
        let chosen = state.selected.get();
        let log = log.get();
        bands.bands.with(|bands| {
            state.plan.with(|valid| {
                projection.with(|p| {
                    Drawing::Lines(spec::users_chart(valid, p, bands.as_ref(), chosen, log))
                })
            })
        })
    });
    view! {
        <label class="check chart-switch">
            <input type="checkbox" prop:checked=log on:change=move |e| log.set(event_target_checked(&e)) />
            "Log scale"
        </label>
        <ChartCanvas drawing=drawing name="users-chart" height=300.0 />
    }
}

/// The five charts of the chosen scenario.
#[component]
pub fn ScenarioCharts() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let bands = expect_context::<BandsState>();
    type Build = fn(
        &crate::engine::model::validate::ValidPlan,
        &crate::engine::analyse::scenario::ScenarioProjection,
    ) -> spec::ChartSpec;
    let chart = move |build: Build| {
        Memo::new(move |_| {
            let chosen = state.selected.get();
            state.plan.with(|valid| {
                projection.with(|p| {
                    p.scenarios
                        .get(chosen)
                        .map(|scenario| Drawing::Lines(build(valid, scenario)))
                        .unwrap_or_else(|| Drawing::Lines(spec::ChartSpec::empty("")))
                })
            })
        })
    };
    let cost = chart(spec::cost_chart);
    let utilization = chart(spec::utilization_chart);
    let cumulative = chart(spec::cumulative_chart);
    let per_user = chart(spec::cost_per_user_chart);
    let tornado = Memo::new(move |_| {
        let chosen = state.selected.get();
        bands.bands.with(|bands| {
            state.plan.with(|valid| {
                projection.with(|p| match p.scenarios.get(chosen) {
                    Some(scenario) => Drawing::Tornado(spec::tornado_chart(
                        valid,
                        scenario,
                        bands.as_ref(),
                        chosen,
                    )),
                    None => Drawing::Lines(spec::ChartSpec::empty("")),
                })
            })
        })
    });
    let card = |title: &'static str, drawing: Memo<Drawing>, name: &'static str| {
        view! {
            <section class="chart-card" aria-label=title>
                <h3>{title}</h3>
                <ChartCanvas drawing=drawing name=name height=260.0 />
            </section>
        }
    };
    view! {
        <div class="chart-grid">
            {card("Monthly cost by line", cost, "cost-chart")}
            {card("Utilization by component", utilization, "utilization-chart")}
            {card("Cumulative cost and revenue", cumulative, "cumulative-chart")}
            {card("Cost per user", per_user, "per-user-chart")}
            <section class="chart-card wide" aria-label="What moves the cost most">
                <h3>"What moves the cost most"</h3>
                <ChartCanvas drawing=tornado name="tornado-chart" height=240.0 />
            </section>
        </div>
    }
}
