//! The month-by-month projection of the chosen scenario: users, every metric
//! and the cost, as in seed 000's "12-Month Projection" table.

use super::months_switch::MonthsSwitch;
use super::state::PlanState;
use super::variance::{noted_cell, NotedFigure};
use super::{calendar, shown_months, ProjectionMemo, ShowAllMonths};
use crate::engine::actuals::compare::plan_value;
use crate::engine::model::number::{
    format_count, format_figure, format_money, format_response_time, heading_unit,
};
use crate::engine::model::plan::{Component, Series};
use leptos::prelude::*;

/// A month of the table, as shown: users, every metric, each response time,
/// the monthly, cumulative and per-user cost.
#[derive(Debug, Clone, Default, PartialEq)]
struct MonthRow {
    month: u32,
    calendar: String,
    cells: Vec<NotedFigure>,
}

/// The rows of the chosen scenario at the months shown.
fn rows_memo(
    latency_columns: impl Fn() -> Vec<(usize, String)> + Send + Sync + 'static,
) -> Memo<Vec<MonthRow>> {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let all = expect_context::<ShowAllMonths>().0;
    let plan = state.plan;
    Memo::new(move |_| {
        let latency = latency_columns();
        plan.with(|valid| {
            let p = valid.plan();
            let months = shown_months(p.horizon_months, all.get());
            projection.with(|projection| {
                let Some(scenario) = projection.scenarios.get(state.selected.get()) else {
                    return Vec::new();
                };
                months
                    .iter()
                    .filter_map(|month| scenario.at(*month))
                    .map(|month| {
                        // An actual for this month, under the plan's figure.
                        let cell = |text: String, series: Option<Series>| {
                            NotedFigure::new(valid, text, series, month.month, |series| {
                                plan_value(valid, month, series)
                            })
                        };
                        let mut cells = vec![cell(format_count(month.users), Some(Series::Users))];
                        cells.extend(month.metrics.iter().zip(&p.metrics).map(
                            |(value, metric)| {
                                cell(
                                    format_figure(*value, &metric.unit),
                                    Some(Series::Metric(metric.name.clone())),
                                )
                            },
                        ));
                        cells.extend(latency.iter().map(|(index, _)| {
                            let time = month
                                .components
                                .get(*index)
                                .and_then(|c| c.response_time_ms);
                            cell(format_response_time(time), None)
                        }));
                        cells.push(cell(
                            format_money(month.total_cost, &p.currency),
                            Some(Series::TotalCost),
                        ));
                        cells.push(cell(format_money(month.cumulative_cost, &p.currency), None));
                        cells.push(cell(
                            month
                                .cost_per_user
                                .map_or_else(|| "—".to_string(), |v| format_money(v, &p.currency)),
                            None,
                        ));
                        MonthRow {
                            month: month.month,
                            calendar: calendar(valid, month.month),
                            cells,
                        }
                    })
                    .collect()
            })
        })
    })
}

#[component]
pub fn MonthTable() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let plan = state.plan;
    // The columns' names, a memo: the header is rebuilt when a metric is
    // renamed or added, not on every keystroke.
    let metrics = Memo::new(move |_| {
        plan.with(|p| {
            p.plan()
                .metrics
                .iter()
                .map(|m| (m.name.clone(), m.unit.clone()))
                .collect::<Vec<_>>()
        })
    });
    let header = move || {
        metrics.with(|metrics| {
            metrics
                .iter()
                .map(|(name, unit)| {
                    // Named as written; the unit once, and only where the
                    // cells do not carry it (sizes read "10 GB" in the cells).
                    let unit = heading_unit(unit)
                        .map(|unit| view! { <span class="cell-note">{unit.to_string()}</span> });
                    // Long names break after an underscore, never mid-word.
                    let name = name
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
    let latency_columns = Memo::new(move |_| {
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
    });
    let latency_header = move || {
        latency_columns
            .get()
            .into_iter()
            .map(|(_, title)| view! { <th scope="col" class="metric-head">{title}</th> })
            .collect_view()
    };
    let rows = rows_memo(move || latency_columns.get());
    let count = Memo::new(move |_| rows.with(Vec::len));
    // The cells of a row follow its figures; the rows are rebuilt only when
    // the columns change (a metric or a response-time target added), never
    // while a value is typed (issue 29).
    let columns =
        Memo::new(move |_| rows.with(|rows| rows.first().map_or(0, |row| row.cells.len())));
    let body = move || {
        let columns = columns.get();
        view! {
            <For each=move || 0..count.get() key=|index| *index let:index>
                {
                    let row = Memo::new(move |_| rows.with(|rows| rows.get(index).cloned().unwrap_or_default()));
                    let cells = (0..columns)
                        .map(|cell| noted_cell(move || row.with(|r| r.cells.get(cell).cloned())))
                        .collect_view();
                    view! {
                        <tr data-month=move || row.with(|r| r.month)>
                            <th scope="row">{move || row.with(|r| r.month)}<span class="cell-note">{move || row.with(|r| r.calendar.clone())}</span></th>
                            {cells}
                        </tr>
                    }
                }
            </For>
        }
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
