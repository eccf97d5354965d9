//! The figures a reader wants first, for the chosen scenario: users and cost
//! at month 12 and at the horizon (with their 90% range when the plan is
//! uncertain), what runs out first and when, and break-even. The words come
//! from [`crate::headline`], which the page's first look shares.

use super::state::PlanState;
use super::{BandsState, ProjectionMemo};
use crate::engine::uncertainty::Percentiles;
use crate::headline::{calendar, callouts, headline_months, Callout, FIGURES};
use leptos::prelude::*;

#[component]
pub fn Headline() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let bands = expect_context::<BandsState>();
    let plan = state.plan;
    let months = Memo::new(move |_| headline_months(plan.with(|p| p.plan().horizon_months)));
    let scenario_name = move || {
        projection.with(|p| {
            p.scenarios
                .get(state.selected.get())
                .map(|s| s.name.clone())
                .unwrap_or_default()
        })
    };
    let row = move |month: u32| {
        let currency = plan.with(|p| p.plan().currency.clone());
        let label = plan.with(|p| calendar(p, month));
        let figures = projection.with(|p| {
            p.scenarios
                .get(state.selected.get())
                .and_then(|s| s.at(month).cloned())
        });
        let cards = FIGURES
            .iter()
            .map(|figure| {
                let value = figure.text(figures.as_ref(), &currency);
                // A range that reads as one number says nothing: leave it out.
                let range = bands
                    .percentiles(state.selected.get(), figure.quantity, month)
                    .map(|Percentiles { p5, p95, .. }| (figure.show(p5, &currency), figure.show(p95, &currency)))
                    .filter(|(low, high)| low != high)
                    .map(|(low, high)| format!("90% likely {low} – {high}"));
                view! {
                    <div class="headline-card">
                        <p class="headline-label">{figure.label}</p>
                        <p class="headline-value" data-test=format!("headline-{}-{month}", figure.test_id)>{value}</p>
                        {range.map(|range| view! { <p class="headline-range" class:stale=move || bands.stale.get()>{range}</p> })}
                    </div>
                }
            })
            .collect_view();
        view! {
            <div class="headline-row">
                <p class="headline-month">{format!("Month {month} · {label}")}</p>
                <div class="headline-grid">{cards}</div>
            </div>
        }
    };
    let callouts = move || {
        let index = state.selected.get();
        let said = bands.bands.with(|b| {
            plan.with(|valid| {
                projection.with(|p| {
                    p.scenarios
                        .get(index)
                        .map(|scenario| callouts(valid, scenario, b.as_ref()))
                })
            })
        })?;
        let callout = |Callout {
                           title,
                           test_id,
                           when,
                           what,
                           tone,
                       }: Callout| {
            view! {
                <div class=format!("callout {tone}") data-test=test_id>
                    <p class="callout-title">{title}</p>
                    <p class="callout-when">{when}</p>
                    <p class="callout-what">{what}</p>
                </div>
            }
        };
        Some(view! { <div class="callouts">{said.into_iter().map(callout).collect_view()}</div> })
    };
    view! {
        <section class="headlines" aria-labelledby="headline-title">
            <h2 id="headline-title">{move || format!("{} scenario", scenario_name())}</h2>
            {move || months.get().into_iter().map(row).collect_view()}
            {callouts}
        </section>
    }
}
