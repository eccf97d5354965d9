//! The bill line by line at the milestone months, like the seeds' "Monthly
//! Cost Breakdown", with each line's share of the last month.

use super::state::PlanState;
use super::variance::{noted_cell, NotedFigure};
use super::{calendar, shown_months, ProjectionMemo, ShowAllMonths};
use crate::engine::model::number::{format_money, format_percent};
use crate::engine::model::plan::Series;
use crate::engine::project::months::cost_line_names;
use leptos::prelude::*;

/// The breakdown as shown: a column per month shown, a row per line.
#[derive(Debug, Clone, Default, PartialEq)]
struct Breakdown {
    /// Per column: "Month 6" and its calendar month.
    months: Vec<(String, String)>,
    /// Per line: its name, its cost each month shown, its share of the last.
    lines: Vec<(String, Vec<NotedFigure>, String)>,
    totals: Vec<NotedFigure>,
    last_month: u32,
}

/// The chosen scenario's breakdown at the months shown.
fn breakdown_memo() -> Memo<Option<Breakdown>> {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let all = expect_context::<ShowAllMonths>().0;
    Memo::new(move |_| {
        let index = state.selected.get();
        state.plan.with(|valid| {
            let p = valid.plan();
            let months = shown_months(p.horizon_months, all.get());
            let names = cost_line_names(p);
            projection.with(|projection| {
                let scenario = projection.scenarios.get(index)?;
                let columns: Vec<_> = months.iter().filter_map(|m| scenario.at(*m)).collect();
                let last = columns.last()?;
                let money = |value: f64| format_money(value, &p.currency);
                let lines = names
                    .iter()
                    .enumerate()
                    .map(|(line, name)| {
                        let share = if last.total_cost > 0.0 {
                            last.costs[line] / last.total_cost
                        } else {
                            0.0
                        };
                        let series = Series::Cost(name.to_string());
                        let costs = columns
                            .iter()
                            .map(|m| {
                                NotedFigure::new(
                                    valid,
                                    money(m.costs[line]),
                                    Some(series.clone()),
                                    m.month,
                                    |_| Some(m.costs[line]),
                                )
                            })
                            .collect();
                        (
                            name.to_string(),
                            costs,
                            format_percent((share * 1000.0).round() / 1000.0),
                        )
                    })
                    .collect();
                let totals = columns
                    .iter()
                    .map(|m| {
                        NotedFigure::new(
                            valid,
                            money(m.total_cost),
                            Some(Series::TotalCost),
                            m.month,
                            |_| Some(m.total_cost),
                        )
                    })
                    .collect();
                Some(Breakdown {
                    months: columns
                        .iter()
                        .map(|m| (format!("Month {}", m.month), calendar(valid, m.month)))
                        .collect(),
                    lines,
                    totals,
                    last_month: last.month,
                })
            })
        })
    })
}

/// The table keeps its cells between edits and rewrites only the figures
/// that changed; it is rebuilt when its shape (lines, months) changes
/// (issue 29).
#[component]
pub fn CostBreakdown() -> impl IntoView {
    let breakdown = breakdown_memo();
    let shape = Memo::new(move |_| {
        breakdown.with(|b| {
            b.as_ref().map(|b| {
                (
                    b.months.clone(),
                    b.lines
                        .iter()
                        .map(|(name, ..)| name.clone())
                        .collect::<Vec<_>>(),
                    b.last_month,
                )
            })
        })
    });
    move || {
        let (months, names, last_month) = shape.get()?;
        let months_shown = months.len();
        let head = months
            .into_iter()
            .map(|(month, calendar)| view! { <th scope="col">{month}<span class="cell-note">{calendar}</span></th> })
            .collect_view();
        let figure = move |line: Option<usize>, column: usize| {
            move || {
                breakdown.with(|b| {
                    let b = b.as_ref()?;
                    match line {
                        Some(line) => b.lines.get(line)?.1.get(column).cloned(),
                        None => b.totals.get(column).cloned(),
                    }
                })
            }
        };
        let rows = names
            .into_iter()
            .enumerate()
            .map(|(line, name)| {
                let share = move || breakdown.with(|b| b.as_ref().and_then(|b| b.lines.get(line)).map(|l| l.2.clone()).unwrap_or_default());
                view! {
                    <tr>
                        <th scope="row">{name}</th>
                        {(0..months_shown).map(|column| noted_cell(figure(Some(line), column))).collect_view()}
                        <td>{share}</td>
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
                            <th scope="col">"Share"<span class="cell-note">{format!("of month {last_month}")}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"Total"</th>
                            {(0..months_shown).map(|column| noted_cell(figure(None, column))).collect_view()}
                            <td>"100%"</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        })
    }
}
