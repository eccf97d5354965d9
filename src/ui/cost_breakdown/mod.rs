//! The bill line by line at the milestone months, like the seeds' "Monthly
//! Cost Breakdown", with each line's share of the last month.

use super::state::PlanState;
use super::variance::variance_note;
use super::{calendar, shown_months, ProjectionMemo, ShowAllMonths};
use crate::engine::model::number::{format_money, format_percent};
use crate::engine::model::plan::Series;
use crate::engine::project::months::cost_line_names;
use leptos::prelude::*;

#[component]
pub fn CostBreakdown() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let all = expect_context::<ShowAllMonths>().0;
    let plan = state.plan;
    move || {
        let index = state.selected.get();
        plan.with(|valid| {
            let p = valid.plan();
            let months = shown_months(p.horizon_months, all.get());
            let names = cost_line_names(p);
            projection.with(|projection| {
                let scenario = projection.scenarios.get(index)?;
                let columns: Vec<_> = months.iter().filter_map(|m| scenario.at(*m)).collect();
                let last = columns.last()?;
                let head = columns
                    .iter()
                    .map(|m| view! { <th scope="col">{format!("Month {}", m.month)}<span class="cell-note">{calendar(valid, m.month)}</span></th> })
                    .collect_view();
                let rows = names
                    .iter()
                    .enumerate()
                    .map(|(line, name)| {
                        let share = if last.total_cost > 0.0 { last.costs[line] / last.total_cost } else { 0.0 };
                        view! {
                            <tr>
                                <th scope="row">{name.to_string()}</th>
                                {columns.iter().map(|m| {
                                    let series = Series::Cost(name.to_string());
                                    let note = valid
                                        .actual(&series, m.month as i32)
                                        .map(|actual| variance_note(valid, &series, actual, m.costs[line]));
                                    view! { <td>{format_money(m.costs[line], &p.currency)}{note}</td> }
                                }).collect_view()}
                                <td>{format_percent((share * 1000.0).round() / 1000.0)}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                Some(view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Monthly cost breakdown">
                        <table data-test="cost-breakdown">
                            <thead>
                                <tr>
                                    <th scope="col">"Line"</th>
                                    {head}
                                    <th scope="col">"Share"<span class="cell-note">{format!("of month {}", last.month)}</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                            <tfoot>
                                <tr>
                                    <th scope="row">"Total"</th>
                                    {columns.iter().map(|m| {
                                        let note = valid
                                            .actual(&Series::TotalCost, m.month as i32)
                                            .map(|actual| variance_note(valid, &Series::TotalCost, actual, m.total_cost));
                                        view! { <td>{format_money(m.total_cost, &p.currency)}{note}</td> }
                                    }).collect_view()}
                                    <td>"100%"</td>
                                </tr>
                            </tfoot>
                        </table>
                    </div>
                })
            })
        })
    }
}
