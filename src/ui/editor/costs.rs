//! Cost lines: fixed, usage-priced (with a free allowance and volume tiers),
//! one-off, and a percentage of other lines.

use super::super::action_button::ActionButton;
use super::super::plan_field::PlanField;
use super::super::state::PlanState;
use super::{quantity_options, PlanSelect};
use crate::editor::{Action, CostKind, CostPart, Field};
use crate::engine::model::plan::{Component, CostLine};
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Fixed,
    Usage { volume_tiers: usize },
    OneOff,
    Percentage,
}

#[component]
pub fn Costs() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let shapes = Memo::new(move |_| {
        state.plan.with(|p| {
            p.plan()
                .costs
                .iter()
                .map(|line| match line {
                    CostLine::Fixed { .. } => Shape::Fixed,
                    CostLine::Usage { volume_tiers, .. } => Shape::Usage {
                        volume_tiers: volume_tiers.len(),
                    },
                    CostLine::OneOff { .. } => Shape::OneOff,
                    CostLine::Percentage { .. } => Shape::Percentage,
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <p class="section-note">"Components cost what their size costs; these are the other lines of the bill."</p>
        {move || {
            shapes
                .get()
                .into_iter()
                .enumerate()
                .map(|(line, shape)| view! { <CostCard line shape /> })
                .collect_view()
        }}
        <div class="add-row">
            <ActionButton action=Action::AddCost(CostKind::Fixed) label="Add fixed cost" tone="add" />
            <ActionButton action=Action::AddCost(CostKind::Usage) label="Add usage cost" tone="add" />
            <ActionButton action=Action::AddCost(CostKind::OneOff) label="Add one-off cost" tone="add" />
            <ActionButton action=Action::AddCost(CostKind::Percentage) label="Add percentage cost" tone="add" />
        </div>
    }
}

#[component]
fn CostCard(line: usize, shape: Shape) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let plan = state.plan;
    // A memo, so the card's labels follow a renaming, not every keystroke.
    let name = Memo::new(move |_| {
        plan.with(|p| {
            p.plan()
                .costs
                .get(line)
                .map(|c| c.name().to_string())
                .unwrap_or_default()
        })
    });
    let part = move |part: CostPart| Field::Cost { line, part };
    let (kind, body) = match shape {
        Shape::Fixed => (
            "Fixed, every month",
            view! { <PlanField field=part(CostPart::Amount) /> }.into_any(),
        ),
        Shape::OneOff => (
            "One-off",
            view! {
                <div class="field-grid">
                    <PlanField field=part(CostPart::Amount) />
                    <PlanField field=part(CostPart::Month) />
                </div>
            }
            .into_any(),
        ),
        Shape::Usage { volume_tiers } => (
            "Priced by usage",
            view! {
                <div class="field-grid">
                    <PlanSelect field=part(CostPart::Metric) options=quantity_options(state) />
                    <PlanField field=part(CostPart::Price) />
                    <PlanField field=part(CostPart::Free) />
                </div>
                {(volume_tiers > 0)
                    .then(|| {
                        view! {
                            <table class="edit-table">
                                <caption>"Volume pricing: units above a level cost less"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Above"</th>
                                        <th scope="col">"Price per unit"</th>
                                        <th scope="col"><span class="visually-hidden">"Remove"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {(0..volume_tiers)
                                        .map(|tier| {
                                            view! {
                                                <tr>
                                                    <td><PlanField field=part(CostPart::VolumeAbove(tier)) hidden_label=true /></td>
                                                    <td><PlanField field=part(CostPart::VolumePrice(tier)) hidden_label=true /></td>
                                                    <td><ActionButton action=Action::DeleteVolumeTier { line, tier } label="✕" describe=format!("Remove volume tier {}", tier + 1) tone="icon" /></td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                    })}
                <ActionButton action=Action::AddVolumeTier(line) label="Add volume price" tone="add" />
            }
            .into_any(),
        ),
        Shape::Percentage => {
            let bases: Signal<Vec<(String, bool)>> = Signal::from(Memo::new(move |_| {
                plan.with(|p| {
                    let plan = p.plan();
                    let of = match plan.costs.get(line) {
                        Some(CostLine::Percentage { of, .. }) => of.clone(),
                        _ => Vec::new(),
                    };
                    plan.components
                        .iter()
                        .map(Component::name)
                        .chain(
                            plan.costs
                                .iter()
                                .filter(|c| !matches!(c, CostLine::Percentage { .. }))
                                .map(CostLine::name),
                        )
                        .map(|name| (name.to_string(), of.iter().any(|o| o == name)))
                        .collect::<Vec<_>>()
                })
            }));
            (
                "A share of other lines",
                view! {
                    <PlanField field=part(CostPart::Share) />
                    <fieldset class="checks">
                        <legend>"Of (none ticked: every other line)"</legend>
                        {move || {
                            bases
                                .get()
                                .into_iter()
                                .map(|(name, checked)| {
                                    let toggle = Action::TogglePercentageOf { line, name: name.clone() };
                                    view! {
                                        <label class="check">
                                            <input type="checkbox" prop:checked=checked on:change=move |_| { let _ = state.act(&toggle); } />
                                            {name}
                                        </label>
                                    }
                                })
                                .collect_view()
                        }}
                    </fieldset>
                }
                .into_any(),
            )
        }
    };
    view! {
        <article class="card" aria-label=move || format!("Cost line {}", name.read())>
            <div class="card-head">
                <PlanField field=part(CostPart::Name) />
                <span class="kind-badge">{kind}</span>
            </div>
            {body}
            <div class="card-actions">
                <ActionButton action=Action::DeleteCost(line) label="Delete" describe=move || format!("Delete cost line {}", name.read()) tone="danger" />
            </div>
        </article>
    }
}
