//! What happens when in the chosen scenario: scaling, tier changes,
//! thresholds, today's setup running out, budget breaches, break-even.

use super::state::PlanState;
use super::{calendar, ProjectionMemo};
use crate::editor::capitalise;
use crate::engine::events::EventKind;
use leptos::prelude::*;

fn kind_label(kind: EventKind) -> (&'static str, &'static str) {
    match kind {
        EventKind::ScaleUp => ("Scale up", "info"),
        EventKind::ScaleDown => ("Scale down", "info"),
        EventKind::TierChange => ("Tier change", "info"),
        EventKind::Threshold => ("Threshold", "warn"),
        EventKind::OverCapacity => ("Over capacity", "bad"),
        EventKind::TodayExhausted => ("Act by", "warn"),
        EventKind::FirstRed => ("First to break", "bad"),
        EventKind::BudgetBroken => ("Budget", "bad"),
        EventKind::CostPerUserBroken => ("Cost per user", "bad"),
        EventKind::BreakEven => ("Break-even", "good"),
        EventKind::Stopped => ("Stopped", "bad"),
    }
}

#[component]
pub fn EventsTimeline() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    move || {
        let index = state.selected.get();
        state.plan.with(|valid| {
            projection.with(|projection| {
                let scenario = projection.scenarios.get(index)?;
                if scenario.events.is_empty() {
                    return Some(view! { <p class="empty">"Nothing changes within the horizon."</p> }.into_any());
                }
                Some(
                    view! {
                        <ol class="timeline" data-test="events">
                            {scenario
                                .events
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
        })
    }
}
