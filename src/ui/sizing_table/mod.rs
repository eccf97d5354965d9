//! What each component must be, month by month: its size, utilization,
//! status (by colour and in words) and cost; and how today's setup fares.

use super::decisions::ComponentDecisions;
use super::state::PlanState;
use super::{calendar, shown_months, ProjectionMemo, ShowAllMonths};
use crate::engine::model::number::{
    format_milliseconds, format_money, format_percent, format_response_time,
};
use crate::engine::output::describe_size;
use crate::engine::project::sizing::Status;
use leptos::prelude::*;

/// A status as a badge: a coloured dot and the word, so colour is never the only cue.
pub fn status_badge(status: Status) -> impl IntoView {
    let class = match status {
        Status::Green => "status green",
        Status::Yellow => "status yellow",
        Status::Red => "status red",
        Status::OverCapacity => "status over",
    };
    view! { <span class=class><span class="dot" aria-hidden="true"></span>{status.label()}</span> }
}

#[component]
pub fn SizingTables() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let all = expect_context::<ShowAllMonths>().0;
    let plan = state.plan;
    move || {
        let index = state.selected.get();
        let months = plan.with(|p| shown_months(p.plan().horizon_months, all.get()));
        plan.with(|valid| {
            let p = valid.plan();
            if p.components.is_empty() {
                return view! { <p class="empty">"No components yet: add one under Components to size it month by month."</p> }.into_any();
            }
            projection.with(|projection| {
                let Some(scenario) = projection.scenarios.get(index) else {
                    return ().into_any();
                };
                p.components
                    .iter()
                    .enumerate()
                    .map(|(c, component)| {
                        let today = scenario.today.get(c).and_then(Option::as_ref).map(|today| {
                            let runs_out = today.runs_out.map_or_else(
                                || "holds through the horizon".to_string(),
                                |month| format!("no longer enough at month {month} ({})", calendar(valid, month)),
                            );
                            view! {
                                <p class="today">
                                    {format!("Today: {} at {} ", today.setup, format_percent(round_share(today.utilization)))}
                                    {status_badge(today.status)}
                                    {format!(" — {runs_out}")}
                                </p>
                            }
                        });
                        let (latency, alone) = match component {
                            crate::engine::model::plan::Component::Horizontal(h) => (h.latency, h.sized_by_latency_alone()),
                            crate::engine::model::plan::Component::Tiered(_) => (None, false),
                        };
                        let latency_head = latency.map(|l| {
                            view! { <th scope="col">{format!("{} response", l.percentile_label())}</th> }
                        });
                        let latency_note = latency.map(|l| {
                            view! {
                                <p class="section-note" data-test="latency-note">
                                    {if alone {
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
                                    }}
                                </p>
                            }
                        });
                        let rows = months
                            .iter()
                            .filter_map(|m| scenario.at(*m))
                            .map(|month| {
                                let sizing = &month.components[c];
                                let response = latency.map(|_| {
                                    let text = format_response_time(sizing.response_time_ms);
                                    let forced = if sizing.latency_forced { " ▲" } else { "" };
                                    view! { <td>{format!("{text}{forced}")}</td> }
                                });
                                view! {
                                    <tr>
                                        <th scope="row">{month.month}<span class="cell-note">{calendar(valid, month.month)}</span></th>
                                        <td>{describe_size(component, sizing)}</td>
                                        <td>{format_percent(round_share(sizing.utilization))}</td>
                                        {response}
                                        <td class="status-cell">{status_badge(sizing.status)}</td>
                                        <td>{format_money(sizing.cost, &p.currency)}</td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                            <div class="sizing" data-test="sizing-table" data-component=component.name().to_string()>
                                <h3>{component.name().to_string()}</h3>
                                {today}
                                {latency_note}
                                <ComponentDecisions component=c />
                                <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{} sizing", component.name())>
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
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            </div>
                        }
                    })
                    .collect_view()
                    .into_any()
            })
        })
    }
}

/// Utilization to the nearest tenth of a percent, for reading.
fn round_share(share: f64) -> f64 {
    (share * 1000.0).round() / 1000.0
}
