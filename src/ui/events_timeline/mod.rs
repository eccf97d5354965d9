//! What happens when in the chosen scenario: scaling, tier changes,
//! thresholds, today's setup running out, budget breaches, break-even.

use super::state::PlanState;
use super::{calendar, BandsState, ProjectionMemo};
use crate::editor::capitalise;
use crate::engine::analyse::events::{Event, EventKind};
use leptos::prelude::*;

fn kind_label(kind: EventKind) -> (&'static str, &'static str) {
    match kind {
        EventKind::ScaleUp => ("Scale up", "info"),
        EventKind::ScaleDown => ("Scale down", "info"),
        EventKind::TierChange => ("Tier change", "info"),
        EventKind::Threshold => ("Threshold", "warn"),
        EventKind::OverCapacity => ("Over capacity", "bad"),
        EventKind::TodayExhausted => ("Runs out", "warn"),
        EventKind::FirstRed => ("First to break", "bad"),
        EventKind::BudgetBroken => ("Budget", "bad"),
        EventKind::CostPerUserBroken => ("Cost per user", "bad"),
        EventKind::BreakEven => ("Break-even", "good"),
        EventKind::Stopped => ("Stopped", "bad"),
        EventKind::ActBy => ("Act by", "warn"),
    }
}

/// One line of the timeline, as shown.
#[derive(Debug, Clone, Default, PartialEq)]
struct EventRow {
    month: u32,
    calendar: String,
    label: &'static str,
    tone: &'static str,
    message: String,
}

/// The timeline keeps its lines between edits and rewrites only the words
/// that changed (issue 29): a keystroke in a growth target moves most events,
/// and rebuilding a few hundred lines each time was a fifth of the page's work.
#[component]
pub fn EventsTimeline() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let bands = expect_context::<BandsState>();
    let rows = Memo::new(move |_| {
        let index = state.selected.get();
        bands.bands.with(|bands| {
            state.plan.with(|valid| {
                projection.with(|projection| {
                    let Some(scenario) = projection.scenarios.get(index) else {
                        return Vec::new();
                    };
                    with_act_by(valid, scenario, bands.as_ref())
                        .into_iter()
                        .map(|event| {
                            let (label, tone) = kind_label(event.kind);
                            EventRow {
                                month: event.month,
                                calendar: calendar(valid, event.month),
                                label,
                                tone,
                                message: capitalise(&event.message),
                            }
                        })
                        .collect()
                })
            })
        })
    });
    let count = Memo::new(move |_| rows.with(Vec::len));
    view! {
        <Show
            when=move || { count.get() > 0 }
            fallback=|| view! { <p class="empty">"Nothing changes within the horizon."</p> }
        >
            <ol class="timeline" data-test="events">
                <For each=move || 0..count.get() key=|index| *index let:index>
                    {
                        let row = Memo::new(move |_| rows.with(|rows| rows.get(index).cloned().unwrap_or_default()));
                        view! {
                            <li class=move || format!("event {}", row.with(|r| r.tone))>
                                <span class="event-when">
                                    {move || format!("Month {}", row.with(|r| r.month))}
                                    <span class="cell-note">{move || row.with(|r| r.calendar.clone())}</span>
                                </span>
                                <span class="event-kind">{move || row.with(|r| r.label)}</span>
                                <span class="event-what">{move || row.with(|r| r.message.clone())}</span>
                            </li>
                        }
                    }
                </For>
            </ol>
        </Show>
    }
}

/// The projection's events with act-by entries from the bands when the plan
/// is uncertain (at the plan's confidence), in month order.
fn with_act_by(
    valid: &crate::engine::model::validate::ValidPlan,
    scenario: &crate::engine::analyse::scenario::ScenarioProjection,
    bands: Option<&crate::engine::uncertainty::Bands>,
) -> Vec<Event> {
    if bands.is_none() {
        return scenario.events.clone();
    }
    let horizon = valid.plan().horizon_months;
    let (act_by, _) = crate::engine::output::decisions(scenario, bands);
    let mut events: Vec<Event> = scenario
        .events
        .iter()
        .filter(|e| e.kind != EventKind::ActBy)
        .cloned()
        .chain(act_by.iter().filter_map(|a| {
            Some(Event {
                month: a.act_by_month?.max(0) as u32,
                kind: EventKind::ActBy,
                component: Some(a.component.clone()),
                message: a.description(horizon),
            })
        }))
        .collect();
    events.sort_by_key(|e| e.month);
    events
}
