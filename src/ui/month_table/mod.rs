//! The month-by-month projection of the chosen scenario: users, every metric
//! and the cost, as in seed 000's "12-Month Projection" table.

use super::months_switch::MonthsSwitch;
use super::state::PlanState;
use super::variance::variance_note;
use super::{calendar, shown_months, ProjectionMemo, ShowAllMonths};
use crate::engine::actuals::compare::plan_value;
use crate::engine::model::number::{
    format_count, format_figure, format_money, format_response_time, heading_unit,
};
use crate::engine::model::plan::{Component, Series};
use leptos::prelude::*;

#[component]
pub fn MonthTable() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let all = expect_context::<ShowAllMonths>().0;
    let plan = state.plan;
    let header = move || {
        plan.with(|p| {
            p.plan()
                .metrics
                .iter()
                .map(|metric| {
                    // Named as written; the unit once, and only where the
                    // cells do not carry it (sizes read "10 GB" in the cells).
                    let unit = heading_unit(&metric.unit)
                        .map(|unit| view! { <span class="cell-note">{unit.to_string()}</span> });
                    // Long names break after an underscore, never mid-word.
                    let name = metric
                        .name
                        .split_inclusive('_')
                        .map(|piece| view! { {piece.to_string()}<wbr /> })
                        .collect_view();
                    view! { <th scope="col" class="metric-head">{name}{unit}</th> }
                })
                .collect_view()
        })
    };
    // Components sized for a response time get a column of their predicted
    // time at the target's percentile.
    let latency_columns = move || {
        plan.with(|p| {
            p.plan()
                .components
                .iter()
                .enumerate()
                .filter_map(|(index, component)| match component {
                    Component::Horizontal(h) => h
                        .latency
                        .map(|l| (index, format!("{} {}", h.name, l.percentile_label()))),
                    Component::Tiered(_) => None,
                })
                .collect::<Vec<_>>()
        })
    };
    let latency_header = move || {
        latency_columns()
            .into_iter()
            .map(|(_, title)| view! { <th scope="col" class="metric-head">{title}</th> })
            .collect_view()
    };
    let body = move || {
        let (units, currency, months) = plan.with(|p| {
            (
                p.plan()
                    .metrics
                    .iter()
                    .map(|m| m.unit.clone())
                    .collect::<Vec<_>>(),
                p.plan().currency.clone(),
                shown_months(p.plan().horizon_months, all.get()),
            )
        });
        projection.with(|projection| {
            let scenario = projection.scenarios.get(state.selected.get())?;
            Some(
                months
                    .iter()
                    .filter_map(|month| scenario.at(*month))
                    .map(|month| {
                        // An actual for this month, under the plan's figure.
                        let note = |series: Series| {
                            plan.with(|p| {
                                let actual = p.actual(&series, month.month as i32)?;
                                let planned = plan_value(p, month, &series)?;
                                Some(variance_note(p, &series, actual, planned))
                            })
                        };
                        let names: Vec<String> = plan.with(|p| p.plan().metrics.iter().map(|m| m.name.clone()).collect());
                        let cells = month
                            .metrics
                            .iter()
                            .zip(&units)
                            .zip(names)
                            .map(|((value, unit), name)| view! { <td>{format_figure(*value, unit)}{note(Series::Metric(name))}</td> })
                            .collect_view();
                        let latency_cells = latency_columns()
                            .into_iter()
                            .map(|(index, _)| {
                                let text = format_response_time(month.components[index].response_time_ms);
                                view! { <td>{text}</td> }
                            })
                            .collect_view();
                        let label = plan.with(|p| calendar(p, month.month));
                        view! {
                            <tr data-month=month.month>
                                <th scope="row">{month.month}<span class="cell-note">{label}</span></th>
                                <td>{format_count(month.users)}{note(Series::Users)}</td>
                                {cells}
                                {latency_cells}
                                <td>{format_money(month.total_cost, &currency)}{note(Series::TotalCost)}</td>
                                <td>{format_money(month.cumulative_cost, &currency)}</td>
                                <td>{month.cost_per_user.map_or_else(|| "—".to_string(), |v| format_money(v, &currency))}</td>
                            </tr>
                        }
                    })
                    .collect_view(),
            )
        })
    };
    view! {
        <div class="panel-head">
            <h2>"Month by month"</h2>
            <MonthsSwitch />
        </div>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Month-by-month projection">
            <table class="month-table" data-test="month-table">
                <thead>
                    <tr>
                        <th scope="col">"Month"</th>
                        <th scope="col">"Users"</th>
                        {header}
                        {latency_header}
                        <th scope="col">"Monthly cost"</th>
                        <th scope="col">"Cumulative"</th>
                        <th scope="col">"Per user"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}
