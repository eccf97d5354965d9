//! The page: assumptions on the left, results on the right.

use super::headline::Headline;
use super::month_table::MonthTable;
use super::number_field::NumberField;
use super::scenario_tabs::ScenarioTabs;
use super::storage::{self, Loaded};
use super::users_chart::UsersChart;
use crate::editor::Field;
use crate::engine::number::{format_count, format_money, format_percent};
use crate::engine::plan::{Growth, Value};
use crate::engine::projection::{project, Projection};
use crate::engine::templates;
use crate::engine::validate::ValidPlan;
use leptos::prelude::*;

/// The scenario the worked example opens on (Moderate, seed 000's headline case).
const DEFAULT_SCENARIO: usize = 1;

/// The open plan and whether it is being saved: provided as context so any
/// component can read the plan or commit a new valid one.
#[derive(Clone, Copy)]
pub struct OpenPlan {
    pub plan: RwSignal<ValidPlan>,
}

#[component]
pub fn App() -> impl IntoView {
    let worked_example = templates::worked_example;
    let loaded = storage::load();
    // If a stored entry could not be kept aside, never write over it.
    let may_save = RwSignal::new(!matches!(loaded, Loaded::Unreadable { kept_as: None, .. }));
    let (initial, notice) = match loaded {
        Loaded::Plan(plan) => (Some(*plan), None),
        Loaded::Nothing => (None, None),
        Loaded::Unreadable { error, kept_as } => (
            None,
            Some(match kept_as {
                Some(key) => format!(
                    "Your saved plan could not be opened ({error}). It is kept unchanged under \"{key}\", and the worked example is open instead."
                ),
                None => format!(
                    "Your saved plan could not be opened ({error}). It was left as it is and will not be saved over; the worked example is open instead."
                ),
            }),
        ),
        Loaded::Unavailable => (None, Some(storage::unavailable_message())),
    };
    let Some(initial) = initial.or_else(|| worked_example().ok()) else {
        return view! { <p class="notice">"The worked example failed to load."</p> }.into_any();
    };
    let plan = RwSignal::new(initial);
    provide_context(OpenPlan { plan });
    let notice = RwSignal::new(notice);
    let selected =
        RwSignal::new(DEFAULT_SCENARIO.min(plan.with_untracked(|p| p.plan().scenarios.len() - 1)));

    // Save every accepted change. Only valid plans reach here.
    let first_run = StoredValue::new(true);
    Effect::new(move |_| {
        let current = plan.get();
        if first_run.get_value() {
            first_run.set_value(false);
            return;
        }
        if !may_save.get_untracked() {
            return;
        }
        if let Err(message) = storage::save(&current) {
            notice.set(Some(message));
        }
    });

    let projection: Memo<Projection> = Memo::new(move |_| plan.with(project));
    let scenario_names = Signal::derive(move || {
        plan.with(|p| {
            p.plan()
                .scenarios
                .iter()
                .map(|s| s.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let chosen =
        Signal::derive(move || projection.with(|p| p.scenarios.get(selected.get()).cloned()));
    let horizon_figures =
        Signal::derive(move || chosen.get().and_then(|s| s.months.last().cloned()));
    let currency = Signal::derive(move || plan.with(|p| p.plan().currency.clone()));
    let metrics = Signal::derive(move || plan.with(|p| p.plan().metrics.clone()));

    let field = move |field: Field, id: String, label: String, hint: String| {
        view! {
            <NumberField
                id=id
                label=label
                hint=hint
                value=Signal::derive(move || plan.with(|p| field.display(p.plan())))
                read=move |text: &str| {
                    let edited = field.apply(&plan.get_untracked().plan().clone(), text)?;
                    plan.set(edited);
                    Ok(())
                }
            />
        }
    };

    let reset = move |_| {
        if let Ok(example) = worked_example() {
            plan.set(example);
            selected.set(DEFAULT_SCENARIO);
        }
    };

    view! {
        <header class="app-header">
            <div class="brand">
                <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
                    <rect width="32" height="32" rx="7" fill="#0b2e47"></rect>
                    <path
                        d="M6 24 L13 17 L18 20 L26 9"
                        fill="none"
                        stroke="#7dd3fc"
                        stroke-width="3"
                        stroke-linecap="round"
                        stroke-linejoin="round"
                    ></path>
                    <path d="M6 8 H26" stroke="#fbbf24" stroke-width="2" stroke-dasharray="3 2"></path>
                </svg>
                <div>
                    <p class="product">"Headroom"</p>
                    <p class="tagline">"Capacity & cost planner"</p>
                </div>
            </div>
            <h1 class="plan-name">{move || plan.with(|p| p.plan().name.clone())}</h1>
        </header>
        {move || {
            notice
                .get()
                .map(|text| {
                    view! {
                        <div class="notice" role="status">
                            <p>{text}</p>
                            <button type="button" class="link-button" on:click=move |_| notice.set(None)>
                                "Dismiss"
                            </button>
                        </div>
                    }
                })
        }}
        <main class="layout">
            <section class="panel assumptions" aria-labelledby="assumptions-title">
                <h2 id="assumptions-title">"Assumptions"</h2>
                {field(Field::BaselineUsers, "baseline-users".into(), "Users today".into(), "month 0".into())}
                {field(Field::HorizonMonths, "horizon".into(), "Horizon".into(), "months, 1–120".into())}
                <h3>"Scenario"</h3>
                <ScenarioTabs names=scenario_names selected=selected />
                {move || {
                    // Rebuilt when the scenario changes, so drafts never leak between scenarios.
                    let scenario = selected.get();
                    let (compound, drivers) = plan.with_untracked(|p| {
                        let p = p.plan();
                        let compound = p
                            .scenarios
                            .get(scenario)
                            .is_some_and(|s| matches!(s.growth, Growth::Compound { .. }));
                        let drivers: Vec<(usize, String, String)> = p
                            .drivers
                            .iter()
                            .enumerate()
                            .map(|(index, d)| (index, d.name.clone(), d.unit.clone()))
                            .collect();
                        (compound, drivers)
                    });
                    view! {
                        <div class="scenario-fields">
                            {compound
                                .then(|| {
                                    view! {
                                        {field(Field::Growth { scenario }, "growth".into(), "Monthly growth".into(), "% of users".into())}
                                        {field(Field::Churn { scenario }, "churn".into(), "Monthly churn".into(), "% of users".into())}
                                    }
                                })}
                            <h3>"Drivers"</h3>
                            {drivers
                                .into_iter()
                                .map(|(driver, name, unit)| {
                                    field(
                                        Field::Driver { scenario, driver },
                                        format!("driver-{name}"),
                                        name.replace('_', " "),
                                        unit,
                                    )
                                })
                                .collect_view()}
                        </div>
                    }
                }}
                <p class="model-note">
                    "Each scenario has its own growth and may set its own driver values. Metrics are formulas over users and drivers; components are sized from them each month."
                </p>
                <button type="button" class="secondary" on:click=reset>"Reset to worked example"</button>
            </section>
            <section class="results" aria-label="Results">
                <div class="panel">
                    <Headline
                        figures=horizon_figures
                        scenario=Signal::derive(move || chosen.with(|s| s.as_ref().map(|s| s.name.clone()).unwrap_or_default()))
                        currency=currency
                    />
                </div>
                <div class="panel">
                    <h2>"Users by scenario"</h2>
                    <UsersChart projection=projection highlighted=selected />
                    <ScenarioSummary projection=projection selected=selected />
                </div>
                <div class="panel">
                    <h2>"Month by month"</h2>
                    <MonthTable scenario=chosen metrics=metrics currency=currency />
                </div>
            </section>
        </main>
        <footer class="app-footer">
            <p>"Runs entirely in your browser. Your plan is saved on this device only."</p>
        </footer>
    }
    .into_any()
}

/// Every scenario at the horizon, side by side.
#[component]
fn ScenarioSummary(
    #[prop(into)] projection: Signal<Projection>,
    selected: RwSignal<usize>,
) -> impl IntoView {
    let plan = expect_context::<OpenPlan>().plan;
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Scenarios at the horizon">
        <table class="summary-table" data-test="scenario-summary">
            <caption>"Scenarios at the horizon"</caption>
            <thead>
                <tr>
                    <th scope="col">"Scenario"</th>
                    <th scope="col">"Users at horizon"</th>
                    <th scope="col">"Monthly cost"</th>
                    <th scope="col">"Growth model"</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    let scenarios = plan.with(|p| p.plan().scenarios.clone());
                    let currency = plan.with(|p| p.plan().currency.clone());
                    projection
                        .get()
                        .scenarios
                        .into_iter()
                        .zip(scenarios)
                        .enumerate()
                        .map(|(index, (projected, scenario))| {
                            let users = projected.months.last().map(|m| m.users).unwrap_or(0.0);
                            let cost = projected.months.last().map(|m| m.total_cost).unwrap_or(0.0);
                            view! {
                                <tr class:selected=move || selected.get() == index>
                                    <th scope="row">{projected.name}</th>
                                    <td>{format_count(users)}</td>
                                    <td>{format_money(cost, &currency)}</td>
                                    <td>{describe_growth(&scenario.growth)}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
        </div>
    }
}

/// A growth model in a few words: `25% growth, 8% churn`; ranges as `20–30%`.
fn describe_growth(growth: &Growth) -> String {
    let percent = |value: &Value| describe_value(value, format_percent);
    let count = |value: &Value| describe_value(value, format_count);
    match growth {
        Growth::Compound { growth, churn } => {
            format!("{} growth, {} churn", percent(growth), percent(churn))
        }
        Growth::Piecewise { segments } => format!("{} periods of compound growth", segments.len()),
        Growth::Milestones { points } => format!("{} milestones", points.len()),
        Growth::Linear {
            new_users_per_month,
            churn,
        } => {
            format!(
                "{} new users a month, {} churn",
                count(new_users_per_month),
                percent(churn)
            )
        }
        Growth::Logistic { market_size, .. } => format!("S-curve to {} users", count(market_size)),
    }
}

fn describe_value(value: &Value, show: fn(f64) -> String) -> String {
    match value {
        Value::Fixed(value) => show(*value),
        Value::Range(range) => format!("{}–{}", show(range.low), show(range.high)),
    }
}
