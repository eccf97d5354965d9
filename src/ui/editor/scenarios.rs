//! Scenarios: name, growth model and its parameters; add, duplicate, delete.

use super::super::action_button::ActionButton;
use super::super::plan_field::PlanField;
use super::super::scenario_tabs::swatch_class;
use super::super::state::PlanState;
use crate::editor::{Action, Field, GrowthModel};
use crate::engine::model::plan::Growth;
use leptos::prelude::*;

/// What decides how a scenario's editor looks.
#[derive(Clone, PartialEq)]
struct Shape {
    model: GrowthModel,
    rows: usize,
}

fn shape(growth: &Growth) -> Shape {
    Shape {
        model: GrowthModel::of(growth),
        rows: match growth {
            Growth::Piecewise { segments } => segments.len(),
            Growth::Milestones { points } => points.len(),
            _ => 0,
        },
    }
}

#[component]
pub fn Scenarios() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let shapes = Memo::new(move |_| {
        state.plan.with(|p| {
            p.plan()
                .scenarios
                .iter()
                .map(|s| shape(&s.growth))
                .collect::<Vec<_>>()
        })
    });
    view! {
        {move || {
            shapes
                .get()
                .into_iter()
                .enumerate()
                .map(|(scenario, shape)| view! { <ScenarioCard scenario shape /> })
                .collect_view()
        }}
        <div class="add-row">
            <ActionButton action=Action::AddScenario label="Add scenario" tone="add" />
        </div>
    }
}

#[component]
fn ScenarioCard(scenario: usize, shape: Shape) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let name = Signal::derive(move || {
        state.plan.with(|p| {
            p.plan()
                .scenarios
                .get(scenario)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        })
    });
    let swatch = swatch_class(scenario);
    let model_id = format!("scenario-{scenario}-model");
    let choose_model = move |event: leptos::ev::Event| {
        if let Some(model) = GrowthModel::from_id(&event_target_value(&event)) {
            let _ = state.act(&Action::SetGrowthModel { scenario, model });
        }
    };
    let parameter = move |index: usize| {
        view! { <PlanField field=Field::GrowthParameter { scenario, index } /> }
    };
    let parameters = match shape.model {
        GrowthModel::Compound => view! {
            <div class="field-grid">
                {parameter(0)}
                {parameter(1)}
            </div>
        }
        .into_any(),
        GrowthModel::Linear => view! {
            <div class="field-grid">
                {parameter(0)}
                {parameter(1)}
            </div>
        }
        .into_any(),
        GrowthModel::Logistic => view! {
            <div class="field-grid">
                {parameter(0)}
                {parameter(1)}
                {parameter(2)}
            </div>
        }
        .into_any(),
        GrowthModel::Piecewise => view! {
            <table class="edit-table">
                <caption class="visually-hidden">"Growth periods"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Until month"</th>
                        <th scope="col">"Growth"</th>
                        <th scope="col">"Churn"</th>
                        <th scope="col"><span class="visually-hidden">"Remove"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {(0..shape.rows)
                        .map(|segment| {
                            view! {
                                <tr>
                                    <td><PlanField field=Field::SegmentUntil { scenario, segment } hidden_label=true /></td>
                                    <td><PlanField field=Field::GrowthParameter { scenario, index: segment * 2 } hidden_label=true /></td>
                                    <td><PlanField field=Field::GrowthParameter { scenario, index: segment * 2 + 1 } hidden_label=true /></td>
                                    <td><ActionButton action=Action::DeleteSegment { scenario, segment } label="✕" describe=format!("Remove period {}", segment + 1) tone="icon" /></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <ActionButton action=Action::AddSegment(scenario) label="Add period" tone="add" />
        }
        .into_any(),
        GrowthModel::Milestones => view! {
            <table class="edit-table">
                <caption class="visually-hidden">"Milestones"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Month"</th>
                        <th scope="col">"Users"</th>
                        <th scope="col"><span class="visually-hidden">"Remove"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {(0..shape.rows)
                        .map(|point| {
                            view! {
                                <tr>
                                    <td><PlanField field=Field::MilestoneMonth { scenario, point } hidden_label=true /></td>
                                    <td><PlanField field=Field::GrowthParameter { scenario, index: point } hidden_label=true /></td>
                                    <td><ActionButton action=Action::DeleteMilestone { scenario, point } label="✕" describe=format!("Remove milestone {}", point + 1) tone="icon" /></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <ActionButton action=Action::AddMilestone(scenario) label="Add milestone" tone="add" />
        }
        .into_any(),
    };
    view! {
        <article class="card" aria-label=move || format!("Scenario {}", name.get())>
            <div class="card-head">
                <span class=swatch aria-hidden="true"></span>
                <PlanField field=Field::ScenarioName(scenario) />
                <button
                    type="button"
                    class="secondary show-results"
                    aria-pressed=move || if state.selected.get() == scenario { "true" } else { "false" }
                    on:click=move |_| state.selected.set(scenario)
                >
                    {move || if state.selected.get() == scenario { "Shown in results" } else { "Show in results" }}
                </button>
            </div>
            <div class="field">
                <label for=model_id.clone()>"Growth model"</label>
                <select id=model_id data-test="growth-model" on:change=choose_model>
                    {GrowthModel::ALL
                        .into_iter()
                        .map(|model| view! { <option value=model.id() selected=model == shape.model>{model.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            {parameters}
            <SeasonsAndSwings scenario compound=shape.model == GrowthModel::Compound />
            <div class="card-actions">
                <ActionButton action=Action::DuplicateScenario(scenario) label="Duplicate" describe=move || format!("Duplicate scenario {}", name.get()) />
                <ActionButton action=Action::DeleteScenario(scenario) label="Delete" describe=move || format!("Delete scenario {}", name.get()) tone="danger" />
            </div>
        </article>
    }
}

/// What moves users off the growth curve: a yearly pattern, month-to-month
/// swings and (for compound growth) growth that fades. Each field says what
/// it does in words, since the names alone mean little to most readers.
#[component]
fn SeasonsAndSwings(scenario: usize, compound: bool) -> impl IntoView {
    let damping = compound.then(|| {
        view! {
            <PlanField
                field=Field::Damping(scenario)
                placeholder="none".to_string()
            />
        }
    });
    view! {
        <fieldset class="latency seasons" data-test="seasons-and-swings">
            <legend>"Seasons and swings"</legend>
            <PlanField
                field=Field::Seasonality(scenario)
                placeholder="e.g. Nov +20%, Dec +45%".to_string()
            />
            <p class="section-note">
                "Users follow these months every year, rescaled so a year's average is unchanged; capacity is sized for the peak and commitments for the troughs. Fitting actuals finds them for you."
            </p>
            <div class="field-grid">
                <PlanField
                    field=Field::Volatility(scenario)
                    placeholder="none".to_string()
                />
                {damping}
            </div>
            <p class="section-note">
                "A swing of 4% means users typically land within ±4% of the curve in any month; the bands widen with the horizon because of it. A damping of 0.9 makes growth fade: each month grows at 90% of the month before's rate (blank or 1: no fading)."
            </p>
        </fieldset>
    }
}
