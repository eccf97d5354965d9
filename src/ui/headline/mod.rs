//! The figures a reader wants first, for the chosen scenario: users and cost
//! at month 12 and at the horizon (with their 90% range when the plan is
//! uncertain), what runs out first and when, and break-even.

use super::state::PlanState;
use super::{calendar, BandsState, ProjectionMemo};
use crate::editor::capitalise;
use crate::engine::number::{format_count, format_money};
use crate::engine::output::{break_even_month, first_limit};
use crate::engine::projection::MonthResult;
use crate::engine::uncertainty::Percentiles;
use leptos::prelude::*;

/// A headline figure: its label, its quantity in the bands, how it reads.
struct Figure {
    label: &'static str,
    quantity: &'static str,
    test_id: &'static str,
    value: fn(&MonthResult) -> Option<f64>,
    money: bool,
}

const FIGURES: [Figure; 4] = [
    Figure {
        label: "Users",
        quantity: "users",
        test_id: "users",
        value: |m| Some(m.users),
        money: false,
    },
    Figure {
        label: "Monthly cost",
        quantity: "total_cost",
        test_id: "cost",
        value: |m| Some(m.total_cost),
        money: true,
    },
    Figure {
        label: "Cumulative cost",
        quantity: "cumulative_cost",
        test_id: "cumulative",
        value: |m| Some(m.cumulative_cost),
        money: true,
    },
    Figure {
        label: "Cost per user",
        quantity: "cost_per_user",
        test_id: "per-user",
        value: |m| m.cost_per_user,
        money: true,
    },
];

#[component]
pub fn Headline() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let bands = expect_context::<BandsState>();
    let plan = state.plan;
    let months = Memo::new(move |_| {
        let horizon = plan.with(|p| p.plan().horizon_months);
        if horizon > 12 {
            vec![12, horizon]
        } else {
            vec![horizon]
        }
    });
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
                let show = |value: f64| if figure.money { format_money(value, &currency) } else { format_count(value) };
                let value = figures.as_ref().and_then(figure.value).map_or_else(|| "—".to_string(), show);
                // A range that reads as one number says nothing: leave it out.
                let range = bands
                    .percentiles(state.selected.get(), figure.quantity, month)
                    .map(|Percentiles { p5, p95, .. }| (show(p5), show(p95)))
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
        projection.with(|p| {
            let scenario = p.scenarios.get(index)?;
            let (has_revenue, has_budget, has_components) = plan.with(|v| {
                let p = v.plan();
                (
                    p.revenue.is_some(),
                    p.budget.is_some(),
                    !p.components.is_empty(),
                )
            });
            let when =
                |month: u32| plan.with(|v| format!("month {month} · {}", calendar(v, month)));
            let said = |title: &str, text: &str, tone: &'static str| {
                (title.to_string(), text.to_string(), tone)
            };
            let limit = match first_limit(&scenario.events) {
                Some(event) => (when(event.month), capitalise(&event.message), "warn"),
                None if has_components => said(
                    "Nothing runs out",
                    "Every component holds its load through the horizon.",
                    "ok",
                ),
                None => said(
                    "No components yet",
                    "Add components to see when each must scale.",
                    "neutral",
                ),
            };
            let break_even = if !has_revenue {
                (
                    "No revenue modelled".to_string(),
                    "Add revenue under Revenue and budget to see break-even.".to_string(),
                    "neutral",
                )
            } else {
                match break_even_month(&scenario.events) {
                    Some(month) => (
                        when(month),
                        "Revenue covers the monthly cost from then on.".to_string(),
                        "ok",
                    ),
                    None => (
                        "Not within the horizon".to_string(),
                        "Revenue stays below the monthly cost.".to_string(),
                        "warn",
                    ),
                }
            };
            let budget = has_budget.then(|| {
                scenario
                    .events
                    .iter()
                    .find(|e| {
                        matches!(
                            e.kind,
                            crate::engine::events::EventKind::BudgetBroken
                                | crate::engine::events::EventKind::CostPerUserBroken
                        )
                    })
                    .map_or_else(
                        || {
                            (
                                "Within budget".to_string(),
                                "Costs stay under every cap.".to_string(),
                                "ok",
                            )
                        },
                        |event| (when(event.month), capitalise(&event.message), "warn"),
                    )
            });
            let callout =
                |title: &'static str,
                 test: &'static str,
                 (when, what, tone): (String, String, &'static str)| {
                    view! {
                        <div class=format!("callout {tone}") data-test=test>
                            <p class="callout-title">{title}</p>
                            <p class="callout-when">{when}</p>
                            <p class="callout-what">{what}</p>
                        </div>
                    }
                };
            let against = plan.with(|v| against_actuals(v, scenario));
            let act_by: Vec<crate::engine::decisions::ActBy> = bands.bands.with(|b| {
                crate::engine::output::decisions(scenario, b.as_ref())
                    .0
                    .into_iter()
                    .cloned()
                    .collect()
            });
            let act_by = plan.with(|v| super::decisions::headline_text(v, &act_by));
            Some(view! {
                <div class="callouts">
                    {act_by.map(|act_by| callout("Act by", "act-by", act_by))}
                    {against.map(|against| callout("Against actuals", "against-actuals", against))}
                    {callout("First to run out", "first-limit", limit)}
                    {callout("Break-even", "break-even", break_even)}
                    {budget.map(|budget| callout("Budget", "budget", budget))}
                </div>
            })
        })
    };
    view! {
        <section class="headlines" aria-labelledby="headline-title">
            <h2 id="headline-title">{move || format!("{} scenario", scenario_name())}</h2>
            {move || months.get().into_iter().map(row).collect_view()}
            {callouts}
        </section>
    }
}

/// Where the last month with a user or cost actual stands against the plan:
/// its month, "Users 21% below plan, cost 49% below plan", and a warning
/// tone when either is 10% or more off.
fn against_actuals(
    valid: &crate::engine::validate::ValidPlan,
    scenario: &crate::engine::projection::ScenarioProjection,
) -> Option<(String, String, &'static str)> {
    use crate::engine::actuals::compare::{compare, standing};
    let standing = standing(&compare(valid, scenario, None))?;
    let tone = if standing.largest_percent >= 10.0 {
        "warn"
    } else {
        "ok"
    };
    Some((
        format!(
            "{} · month {}",
            calendar(valid, standing.month),
            standing.month
        ),
        capitalise(&standing.text),
        tone,
    ))
}
