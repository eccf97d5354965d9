//! What each component must be, month by month: its size, utilization,
//! status (by colour and in words) and cost; and how today's setup fares.

use super::decisions::ComponentDecisions;
use super::state::PlanState;
use super::{calendar, shown_months, ProjectionMemo, ShowAllMonths};
use crate::engine::model::number::{
    format_milliseconds, format_money, format_percent, format_response_time,
};
use crate::engine::model::plan::{Component, Latency};
use crate::engine::output::describe_size;
use crate::engine::project::sizing::Status;
use leptos::prelude::*;

/// A status's class: a coloured dot and the word.
fn status_class(status: Status) -> &'static str {
    match status {
        Status::Green => "status green",
        Status::Yellow => "status yellow",
        Status::Red => "status red",
        Status::OverCapacity => "status over",
    }
}

/// A status as a badge: a coloured dot and the word, so colour is never
/// the only cue. It follows the status as it changes, rewriting only its
/// class and word.
fn status_badge(status: impl Fn() -> Status + Send + Sync + Copy + 'static) -> impl IntoView {
    view! { <span class=move || status_class(status())><span class="dot" aria-hidden="true"></span>{move || status().label()}</span> }
}

/// What a component's table is built around: it is rebuilt only when these
/// change (a component added, renamed or given a response-time target),
/// never while a value is typed.
#[derive(Debug, Clone, PartialEq)]
struct ComponentShape {
    name: String,
    latency: Option<Latency>,
    /// Sized for its response time alone (no utilization target).
    latency_alone: bool,
}

/// One month of a component's table, as shown.
#[derive(Debug, Clone, PartialEq)]
struct SizingRow {
    month: u32,
    calendar: String,
    size: String,
    utilization: String,
    response: String,
    status: Status,
    cost: String,
}

impl Default for SizingRow {
    fn default() -> Self {
        SizingRow {
            month: 0,
            calendar: String::new(),
            size: String::new(),
            utilization: String::new(),
            response: String::new(),
            status: Status::Green,
            cost: String::new(),
        }
    }
}

/// Today's setup: what it is, its status, and when it runs out.
#[derive(Debug, Clone, PartialEq)]
struct TodayLine {
    setup: String,
    status: Status,
    runs_out: String,
}

/// One table a component; each keeps its rows between edits and rewrites
/// only the figures that changed (issue 29).
#[component]
pub fn SizingTables() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let shapes = Memo::new(move |_| {
        state.plan.with(|valid| {
            valid
                .plan()
                .components
                .iter()
                .map(|component| {
                    let (latency, latency_alone) = match component {
                        Component::Horizontal(h) => (h.latency, h.sized_by_latency_alone()),
                        Component::Tiered(_) => (None, false),
                    };
                    ComponentShape {
                        name: component.name().to_string(),
                        latency,
                        latency_alone,
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    move || {
        let shapes = shapes.get();
        if shapes.is_empty() {
            return view! { <p class="empty">"No components yet: add one under Components to size it month by month."</p> }.into_any();
        }
        shapes
            .into_iter()
            .enumerate()
            .map(|(component, shape)| view! { <ComponentSizing component shape /> })
            .collect_view()
            .into_any()
    }
}

#[component]
fn ComponentSizing(component: usize, shape: ComponentShape) -> impl IntoView {
    let today = today_memo(component);
    let rows = rows_memo(component);
    let count = Memo::new(move |_| rows.with(Vec::len));
    let latency = shape.latency;
    let latency_head = latency.map(|l| {
        view! { <th scope="col">{format!("{} response", l.percentile_label())}</th> }
    });
    let latency_note = latency.map(|l| latency_note(l, shape.latency_alone));
    // Built while there is a line at all; its parts follow it.
    let has_today = Memo::new(move |_| today.with(Option::is_some));
    let today_line = move || {
        has_today.get().then(|| {
            let status = move || today.with(|t| t.as_ref().map_or(Status::Green, |t| t.status));
            view! {
                <p class="today">
                    {move || today.with(|t| t.as_ref().map(|t| t.setup.clone()).unwrap_or_default())}
                    {status_badge(status)}
                    {move || today.with(|t| t.as_ref().map(|t| t.runs_out.clone()).unwrap_or_default())}
                </p>
            }
        })
    };
    view! {
        <div class="sizing" data-test="sizing-table" data-component=shape.name.clone()>
            <h3>{shape.name.clone()}</h3>
            {today_line}
            {latency_note}
            <ComponentDecisions component=component />
            <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{} sizing", shape.name)>
                <table data-test="sizing-months">
                    <thead>
                        <tr>
                            <th scope="col">"Month"</th>
                            <th scope="col">"Size"</th>
                            <th scope="col">"Utilization"</th>
                            {latency_head}
                            <th scope="col">"Status"</th>
                            <th scope="col">"Cost"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || 0..count.get() key=|index| *index let:index>
                            {
                                let row = Memo::new(move |_| rows.with(|rows| rows.get(index).cloned().unwrap_or_default()));
                                let response = latency.map(|_| view! { <td>{move || row.with(|r| r.response.clone())}</td> });
                                view! {
                                    <tr>
                                        <th scope="row">{move || row.with(|r| r.month)}<span class="cell-note">{move || row.with(|r| r.calendar.clone())}</span></th>
                                        <td>{move || row.with(|r| r.size.clone())}</td>
                                        <td>{move || row.with(|r| r.utilization.clone())}</td>
                                        {response}
                                        <td class="status-cell">{status_badge(move || row.with(|r| r.status))}</td>
                                        <td>{move || row.with(|r| r.cost.clone())}</td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// How a component sized for a response time is sized, in words.
fn latency_note(l: Latency, alone: bool) -> impl IntoView {
    let text = if alone {
        format!(
            "Sized for a {} response time within {} ms alone: {} ms a request, {} at once per unit (an M/M/c queue). Utilization is the share of time its servers are busy; its status is the target's: green while met, red when missed. ▲ marks months the target needed more units than a stable queue does.",
            l.percentile_label(),
            format_milliseconds(l.target_ms),
            l.service_time_ms,
            l.concurrency_per_unit
        )
    } else {
        format!(
            "Sized for a {} response time within {} ms as well as utilization: {} ms a request, {} at once per unit (an M/M/c queue). ▲ marks months the response time, not utilization, set the units.",
            l.percentile_label(),
            format_milliseconds(l.target_ms),
            l.service_time_ms,
            l.concurrency_per_unit
        )
    };
    view! { <p class="section-note" data-test="latency-note">{text}</p> }
}

/// Today's setup of `component` in the chosen scenario, as shown.
fn today_memo(component: usize) -> Memo<Option<TodayLine>> {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let plan = state.plan;
    Memo::new(move |_| {
        let index = state.selected.get();
        plan.with(|valid| {
            projection.with(|projection| {
                let today = projection
                    .scenarios
                    .get(index)?
                    .today
                    .get(component)?
                    .as_ref()?;
                Some(TodayLine {
                    setup: format!(
                        "Today: {} at {} ",
                        today.setup,
                        format_percent(round_share(today.utilization))
                    ),
                    status: today.status,
                    runs_out: today.runs_out.map_or_else(
                        || " — holds through the horizon".to_string(),
                        |month| {
                            format!(
                                " — no longer enough at month {month} ({})",
                                calendar(valid, month)
                            )
                        },
                    ),
                })
            })
        })
    })
}

/// The months of `component` in the chosen scenario, as shown.
fn rows_memo(component: usize) -> Memo<Vec<SizingRow>> {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let all = expect_context::<ShowAllMonths>().0;
    let plan = state.plan;
    Memo::new(move |_| {
        let index = state.selected.get();
        plan.with(|valid| {
            let p = valid.plan();
            let Some(definition) = p.components.get(component) else {
                return Vec::new();
            };
            let months = shown_months(p.horizon_months, all.get());
            projection.with(|projection| {
                let Some(scenario) = projection.scenarios.get(index) else {
                    return Vec::new();
                };
                months
                    .iter()
                    .filter_map(|m| scenario.at(*m))
                    .filter_map(|month| {
                        let sizing = month.components.get(component)?;
                        let forced = if sizing.latency_forced { " ▲" } else { "" };
                        Some(SizingRow {
                            month: month.month,
                            calendar: calendar(valid, month.month),
                            size: describe_size(definition, sizing),
                            utilization: format_percent(round_share(sizing.utilization)),
                            response: format!(
                                "{}{forced}",
                                format_response_time(sizing.response_time_ms)
                            ),
                            status: sizing.status,
                            cost: format_money(sizing.cost, &p.currency),
                        })
                    })
                    .collect::<Vec<_>>()
            })
        })
    })
}

/// Utilization to the nearest tenth of a percent, for reading.
fn round_share(share: f64) -> f64 {
    (share * 1000.0).round() / 1000.0
}
