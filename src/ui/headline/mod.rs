//! The figures a reader wants first, for the chosen scenario: users and cost
//! at month 12 and at the horizon (with their 90% range when the plan is
//! uncertain), what runs out first and when, and break-even. The words come
//! from [`crate::headline`], which the page's first look shares.

use super::state::PlanState;
use super::{BandsState, ProjectionMemo};
use crate::engine::uncertainty::Percentiles;
use crate::headline::{calendar, callouts, headline_months, Callout, FigureLength, FIGURES};
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
    // The cards and call-outs are built once and keep their elements:
    // a keystroke rewrites only the figures that changed (issue 29).
    let figures_at = move |month: u32| {
        Memo::new(move |_| {
            projection.with(|p| {
                p.scenarios
                    .get(state.selected.get())
                    .and_then(|s| s.at(month).cloned())
            })
        })
    };
    let row = move |month: u32| {
        let figures = figures_at(month);
        let cards = FIGURES
            .iter()
            .map(|figure| {
                let value = Memo::new(move |_| {
                    let currency = plan.with(|p| p.plan().currency.clone());
                    figures.with(|f| figure.text(f.as_ref(), &currency))
                });
                let length = Memo::new(move |_| value.with(|text| FigureLength::of(text)));
                // A range that reads as one number says nothing: leave it out.
                let range = Memo::new(move |_| {
                    let currency = plan.with(|p| p.plan().currency.clone());
                    bands
                        .percentiles(state.selected.get(), figure.quantity, month)
                        .map(|Percentiles { p5, p95, .. }| (figure.show(p5, &currency), figure.show(p95, &currency)))
                        .filter(|(low, high)| low != high)
                        .map(|(low, high)| format!("90% likely {low} – {high}"))
                });
                let has_range = Memo::new(move |_| range.with(Option::is_some));
                view! {
                    <div class="headline-card">
                        <p class="headline-label">{figure.label}</p>
                        <p class="headline-value" class:long=move || length.get() == FigureLength::Long class:longer=move || length.get() == FigureLength::Longer data-test=format!("headline-{}-{month}", figure.test_id)>{value}</p>
                        {move || has_range.get().then(|| view! {
                            <p class="headline-range" class:stale=move || bands.stale.get()>
                                {move || range.get().unwrap_or_default()}
                            </p>
                        })}
                    </div>
                }
            })
            .collect_view();
        view! {
            <div class="headline-row">
                <p class="headline-month">{move || format!("Month {month} · {}", plan.with(|p| calendar(p, month)))}</p>
                <div class="headline-grid">{cards}</div>
            </div>
        }
    };
    let said = Memo::new(move |_| {
        let index = state.selected.get();
        bands.bands.with(|b| {
            plan.with(|valid| {
                projection.with(|p| {
                    p.scenarios
                        .get(index)
                        .map(|scenario| callouts(valid, scenario, b.as_ref()))
                        .unwrap_or_default()
                })
            })
        })
    });
    let count = Memo::new(move |_| said.with(Vec::len));
    let callouts = view! {
        <div class="callouts">
            <For each=move || 0..count.get() key=|index| *index let:index>
                {
                    let callout = Memo::new(move |_| said.with(|said| said.get(index).cloned()));
                    let part = move |read: fn(&Callout) -> String| move || callout.with(|c| c.as_ref().map(read).unwrap_or_default());
                    view! {
                        <div
                            class=move || format!("callout {}", callout.with(|c| c.as_ref().map_or("", |c| c.tone)))
                            data-test=move || callout.with(|c| c.as_ref().map_or("", |c| c.test_id))
                        >
                            <p class="callout-title">{part(|c| c.title.to_string())}</p>
                            <p class="callout-when">{part(|c| c.when.clone())}</p>
                            <p class="callout-what">{part(|c| c.what.clone())}</p>
                        </div>
                    }
                }
            </For>
        </div>
    };
    view! {
        <section class="headlines" aria-labelledby="headline-title">
            <h2 id="headline-title">{move || format!("{} scenario", scenario_name())}</h2>
            {move || months.get().into_iter().map(row).collect_view()}
            {callouts}
        </section>
    }
}
