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

#[component]
pub fn EventsTimeline() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let bands = expect_context::<BandsState>();
    move || {
        let index = state.selected.get();
        bands.bands.with(|bands| state.plan.with(|valid| {
            projection.with(|projection| {
                let scenario = projection.scenarios.get(index)?;
                let events = with_act_by(valid, scenario, bands.as_ref());
                if events.is_empty() {
                    return Some(view! { <p class="empty">"Nothing changes within the horizon."</p> }.into_any());
                }
                Some(
                    view! {
                        <ol class="timeline" data-test="events">
                            {events
                                .iter()
                                .map(|event| {
                                    let (label, tone) = kind_label(event.kind);
                                    view! {
                                        <li class=format!("event {tone}")>
                                            <span class="event-when">{format!("Month {}", event.month)}<span class="cell-note">{calendar(valid, event.month)}</span></span>
                                            <span class="event-kind">{label}</span>
                                            <span class="event-what">{capitalise(&event.message)}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    }
                    .into_any(),
                )
            })
        }))
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
