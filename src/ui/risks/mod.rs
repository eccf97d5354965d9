//! How sure the plan is, when some inputs are ranges: the chance each
//! component goes red, the budget holds, the plan breaks even, and which
//! inputs move the cost most.

use super::state::PlanState;
use super::BandsState;
use crate::engine::model::number::{format_money, format_percent};
use leptos::prelude::*;

/// How the plan has done against its actuals, per series: how many fell in
/// its bands (with ranges) and whether it runs hot or cold.
#[component]
fn Calibration() -> impl IntoView {
    use crate::engine::actuals::compare::{calibrate, calibration_sentence, compare};
    let state = expect_context::<PlanState>();
    let bands = expect_context::<BandsState>();
    let projection = expect_context::<super::ProjectionMemo>().0;
    move || {
        let index = state.selected.get();
        let sentences = bands.bands.with(|all| {
            let scenario_bands = all.as_ref().and_then(|b| b.scenarios.get(index));
            state.plan.with(|valid| {
                projection.with(|p| {
                    let scenario = p.scenarios.get(index)?;
                    let points = compare(valid, scenario, scenario_bands);
                    (!points.is_empty()).then(|| {
                        calibrate(&points)
                            .iter()
                            .map(calibration_sentence)
                            .collect::<Vec<_>>()
                    })
                })
            })
        })?;
        Some(view! {
            <div class="calibration" data-test="calibration">
                <h3>"Against actuals"</h3>
                <ul class="facts">{sentences.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
            </div>
        })
    }
}

/// The correlations in force in the selected scenario, in words.
#[component]
fn MovingTogether() -> impl IntoView {
    use crate::editor::moves_together::in_force_sentences;
    let state = expect_context::<PlanState>();
    let sentences = Memo::new(move |_| {
        state
            .plan
            .with(|p| in_force_sentences(p.plan(), state.selected.get()))
    });
    move || {
        let sentences = sentences.get();
        (!sentences.is_empty()).then(|| {
            view! {
                <div class="moving-together" data-test="correlations-in-force">
                    <h3>"Inputs that move together"</h3>
                    <ul class="facts">{sentences.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                </div>
            }
        })
    }
}

#[component]
pub fn Risks() -> impl IntoView {
    view! {
        <Calibration />
        <Chances />
        <MovingTogether />
    }
}

#[component]
fn Chances() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let bands = expect_context::<BandsState>();
    let plan = state.plan;
    // What the tables need of the plan, a memo: they are rebuilt when the
    // bands arrive, not on every keystroke.
    let of_plan = Memo::new(move |_| {
        plan.with(|p| {
            (
                p.plan()
                    .components
                    .iter()
                    .map(|c| c.name().to_string())
                    .collect::<Vec<_>>(),
                p.plan().currency.clone(),
                p.plan().horizon_months,
            )
        })
    });
    move || {
        let index = state.selected.get();
        let (components, currency, horizon) = of_plan.get();
        bands.bands.with(|all| {
            let Some(all) = all.as_ref() else {
                return view! {
                    <p class="empty">
                        "Every input is a single number, so there is one future. Type a range such as 80 – 120 into a driver or growth rate to see how likely each outcome is."
                    </p>
                }
                .into_any();
            };
            let Some(scenario) = all.scenarios.get(index) else {
                return ().into_any();
            };
            let Some(last) = scenario.months.last() else {
                return ().into_any();
            };
            let percent = |share: f64| format_percent((share * 1000.0).round() / 1000.0);
            let rows = components
                .iter()
                .enumerate()
                .map(|(c, name)| {
                    let red = last.red.get(c).copied().unwrap_or(0.0);
                    let over = last.over_capacity.get(c).copied().unwrap_or(0.0);
                    let first = scenario.first_red.get(c).copied().unwrap_or(0.0);
                    // How likely trouble is, in words and colour.
                    let (likelihood, tone) = if red >= 0.1 {
                        ("likely", "red")
                    } else if red >= 0.01 {
                        ("possible", "yellow")
                    } else {
                        ("unlikely", "green")
                    };
                    view! {
                        <tr>
                            <th scope="row">{name.clone()}</th>
                            <td>{percent(red)}</td>
                            <td>{percent(over)}</td>
                            <td>{percent(first)}</td>
                            <td class="status-cell"><span class=format!("status {tone}")><span class="dot" aria-hidden="true"></span>{likelihood}</span></td>
                        </tr>
                    }
                })
                .collect_view();
            let mut facts = Vec::new();
            if let Some(p) = last.over_budget {
                facts.push(format!("Monthly cost over budget at month {horizon}: {}", percent(p)));
            }
            if let Some(p) = last.cost_per_user_over_cap {
                facts.push(format!("Cost per user over its cap at month {horizon}: {}", percent(p)));
            }
            if let Some(p) = last.broken_even {
                facts.push(format!("Broken even by month {horizon}: {}", percent(p)));
            }
            facts.push(format!("Nothing goes red on {} of the {} simulated futures.", percent(scenario.never_red), all.paths));
            let sensitivity = scenario
                .sensitivity
                .iter()
                .take(5)
                .map(|s| {
                    view! {
                        <tr>
                            <th scope="row">{s.display_name()}</th>
                            <td>{format_money(s.cumulative_cost.0, &currency)}</td>
                            <td>{format_money(s.cumulative_cost.1, &currency)}</td>
                            <td>{format_money(s.swing(), &currency)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class:stale=move || bands.stale.get() data-test="risks">
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Chance of trouble by component">
                        <table>
                            <caption>{format!("By month {horizon}, across {} simulated futures (seed {})", all.paths, all.seed)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Component"</th>
                                    <th scope="col">"Red"</th>
                                    <th scope="col">"Over capacity"</th>
                                    <th scope="col">"First to go red"</th>
                                    <th scope="col">"Trouble is"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <ul class="facts">{facts.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Inputs ranked by how much they move the cost">
                        <table>
                            <caption>{format!("What moves the cumulative cost at month {horizon} most (input at its low and high bound, the rest at their medians)")}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Input"</th>
                                    <th scope="col">"Low"</th>
                                    <th scope="col">"High"</th>
                                    <th scope="col">"Swing"</th>
                                </tr>
                            </thead>
                            <tbody>{sensitivity}</tbody>
                        </table>
                    </div>
                </div>
            }
            .into_any()
        })
    }
}
