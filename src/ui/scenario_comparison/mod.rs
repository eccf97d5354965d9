//! Every scenario side by side: where each ends up, what it costs, what runs
//! out first and when it breaks even.

use super::state::PlanState;
use super::ProjectionMemo;
use crate::engine::analyse::scenario::Projection;
use crate::engine::model::number::{format_count, format_money, format_percent};
use crate::engine::model::plan::{Growth, Plan, Value};
use crate::engine::output::{break_even_month, first_limit};
use leptos::prelude::*;

/// One scenario's line of the table, as text.
#[derive(Clone, PartialEq)]
struct Row {
    name: String,
    growth: String,
    users: String,
    monthly: String,
    cumulative: String,
    per_user: String,
    first_limit: String,
    break_even: String,
}

/// The table's lines for the plan and its projection.
fn rows(plan: &Plan, projection: &Projection) -> Vec<Row> {
    let money = |value: Option<f64>| {
        value.map_or_else(|| "—".to_string(), |v| format_money(v, &plan.currency))
    };
    projection
        .scenarios
        .iter()
        .zip(&plan.scenarios)
        .map(|(projected, scenario)| {
            let last = projected.last();
            Row {
                name: projected.name.clone(),
                growth: describe_growth(&scenario.growth),
                users: last.map_or_else(|| "—".to_string(), |m| format_count(m.users)),
                monthly: money(last.map(|m| m.total_cost)),
                cumulative: money(last.map(|m| m.cumulative_cost)),
                per_user: money(last.and_then(|m| m.cost_per_user)),
                first_limit: first_limit(&projected.events).map_or_else(
                    || "nothing".to_string(),
                    |event| {
                        format!(
                            "{} at month {}",
                            event.component.clone().unwrap_or_default(),
                            event.month
                        )
                    },
                ),
                break_even: match (plan.revenue.is_some(), break_even_month(&projected.events)) {
                    (false, _) => "—".to_string(),
                    (true, Some(month)) => format!("month {month}"),
                    (true, None) => "not yet".to_string(),
                },
            }
        })
        .collect()
}

#[component]
pub fn ScenarioComparison() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    // The lines as text, and their elements built once per scenario count:
    // a keystroke rewrites only the cells whose text changed (issue 29).
    let table = Memo::new(move |_| {
        state
            .plan
            .with(|valid| projection.with(|p| rows(valid.plan(), p)))
    });
    let count = Memo::new(move |_| table.with(Vec::len));
    let cell = move |index: usize, text: fn(&Row) -> &String| {
        move || {
            table.with(|rows| {
                rows.get(index)
                    .map(|row| text(row).clone())
                    .unwrap_or_default()
            })
        }
    };
    let lines = move || {
        (0..count.get())
            .map(|index| {
                view! {
                    <tr class:selected=move || state.selected.get() == index>
                        <th scope="row">
                            <button type="button" class="link-button" on:click=move |_| state.selected.set(index)>
                                {cell(index, |row| &row.name)}
                            </button>
                        </th>
                        <td class="text growth">{cell(index, |row| &row.growth)}</td>
                        <td>{cell(index, |row| &row.users)}</td>
                        <td>{cell(index, |row| &row.monthly)}</td>
                        <td>{cell(index, |row| &row.cumulative)}</td>
                        <td>{cell(index, |row| &row.per_user)}</td>
                        <td class="text">{cell(index, |row| &row.first_limit)}</td>
                        <td class="text">{cell(index, |row| &row.break_even)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Scenarios side by side">
            <table class="summary-table" data-test="scenario-summary">
                <caption>{move || format!("At the horizon, month {}", state.plan.with(|p| p.plan().horizon_months))}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Scenario"</th>
                        <th scope="col" class="text">"Growth"</th>
                        <th scope="col">"Users"</th>
                        <th scope="col">"Monthly cost"</th>
                        <th scope="col">"Cumulative"</th>
                        <th scope="col">"Per user"</th>
                        <th scope="col" class="text">"First to run out"</th>
                        <th scope="col" class="text">"Break-even"</th>
                    </tr>
                </thead>
                <tbody>{lines}</tbody>
            </table>
        </div>
    }
}

/// A growth model in a few words: `25% growth, 8% churn`; ranges as `20–30%`.
fn describe_growth(growth: &Growth) -> String {
    let percent = |value: &Value| describe_value(value, format_percent);
    let count = |value: &Value| describe_value(value, format_count);
    match growth {
        Growth::Compound { growth, churn, .. } => {
            format!("{} growth, {} churn", percent(growth), percent(churn))
        }
        Growth::Piecewise { segments } => format!("{} periods of compound growth", segments.len()),
        Growth::Milestones { points } => format!("{} milestones", points.len()),
        Growth::Linear {
            new_users_per_month,
            churn,
        } => format!(
            "{} new a month, {} churn",
            count(new_users_per_month),
            percent(churn)
        ),
        Growth::Logistic { market_size, .. } => {
            format!("S-curve to {} users", count(market_size))
        }
    }
}

fn describe_value(value: &Value, show: fn(f64) -> String) -> String {
    match value {
        Value::Fixed(value) => show(*value),
        Value::Range(range) => format!("{}–{}", show(range.low), show(range.high)),
    }
}
