//! Components: horizontal (units of capacity) or tiered (a ladder of plans,
//! the tier table editable row by row), thresholds and today's setup.

use super::super::action_button::ActionButton;
use super::super::plan_field::PlanField;
use super::super::state::PlanState;
use super::{quantity_options, PlanSelect};
use crate::editor::readable;
use crate::editor::{Action, ComponentKind, ComponentPart, Field};
use crate::engine::model::plan::Component;
use leptos::prelude::*;

/// What decides how a component's editor looks.
#[derive(Clone, PartialEq)]
enum Shape {
    /// With or without a response-time target.
    Horizontal {
        latency: bool,
    },
    Tiered {
        metrics: Vec<String>,
        tiers: usize,
    },
}

#[component]
pub fn Components() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let shapes = Memo::new(move |_| {
        state.plan.with(|p| {
            p.plan()
                .components
                .iter()
                .map(|c| match c {
                    Component::Horizontal(h) => Shape::Horizontal {
                        latency: h.latency.is_some(),
                    },
                    Component::Tiered(t) => Shape::Tiered {
                        metrics: t.metrics.clone(),
                        tiers: t.tiers.len(),
                    },
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <p class="section-note">
            "Each month a component is sized to carry its load at the target utilization: horizontal ones add units, tiered ones move to the cheapest tier that holds every limit."
        </p>
        {move || {
            shapes
                .get()
                .into_iter()
                .enumerate()
                .map(|(component, shape)| view! { <ComponentCard component shape /> })
                .collect_view()
        }}
        <div class="add-row">
            <ActionButton action=Action::AddComponent(ComponentKind::Horizontal) label="Add horizontal component" tone="add" />
            <ActionButton action=Action::AddComponent(ComponentKind::Tiered) label="Add tiered component" tone="add" />
        </div>
    }
}

#[component]
fn ComponentCard(component: usize, shape: Shape) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let plan = state.plan;
    // A memo, so the card's labels follow a renaming, not every keystroke.
    let name = Memo::new(move |_| {
        plan.with(|p| {
            p.plan()
                .components
                .get(component)
                .map(|c| c.name().to_string())
                .unwrap_or_default()
        })
    });
    let part = move |part: ComponentPart| Field::Component { component, part };
    let field = move |part: ComponentPart| {
        view! { <PlanField field=Field::Component { component, part } /> }
    };
    let common = view! {
        {field(ComponentPart::TargetUtilization)}
        {field(ComponentPart::Yellow)}
        {field(ComponentPart::Red)}
        {field(ComponentPart::LeadTime)}
    };
    let body = match shape {
        Shape::Horizontal { latency } => view! {
            <div class="field-grid">
                <PlanSelect field=part(ComponentPart::Metric) options=quantity_options(state) />
                {field(ComponentPart::CapacityPerUnit)}
                <PlanField field=part(ComponentPart::UnitCost) />
                {field(ComponentPart::MinUnits)}
                {field(ComponentPart::MaxUnits)}
                {field(ComponentPart::SpareUnits)}
                {field(ComponentPart::ReservedShare)}
                {field(ComponentPart::ReservedDiscount)}
                {field(ComponentPart::CurrentUnits)}
                {common}
            </div>
            <ResponseTime component latency />
        }
        .into_any(),
        Shape::Tiered { metrics, tiers } => {
            let tier_options = Signal::from(Memo::new(move |_| {
                plan.with(|p| match p.plan().components.get(component) {
                    Some(Component::Tiered(t)) => {
                        std::iter::once((String::new(), "Not set".to_string()))
                            .chain(
                                t.tiers
                                    .iter()
                                    .map(|tier| (tier.name.clone(), tier.name.clone())),
                            )
                            .collect()
                    }
                    _ => Vec::new(),
                })
            }));
            let choices = quantity_options(state);
            let carried = metrics.clone();
            view! {
                <fieldset class="checks">
                    <legend>"Limited by"</legend>
                    {move || {
                        choices
                            .get()
                            .into_iter()
                            .map(|(metric, label)| {
                                let checked = carried.contains(&metric);
                                let toggle = Action::ToggleTierMetric { component, metric };
                                view! {
                                    <label class="check">
                                        <input type="checkbox" prop:checked=checked on:change=move |_| { let _ = state.act(&toggle); } />
                                        {label}
                                    </label>
                                }
                            })
                            .collect_view()
                    }}
                </fieldset>
                <div class="table-scroll">
                    <table class="edit-table tier-table" data-test="tier-table">
                        <caption>"Tiers: each month the cheapest tier that holds every limit is chosen"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Tier"</th>
                                <th scope="col">"Price a month"</th>
                                {metrics.iter().map(|m| view! { <th scope="col">{format!("{} limit", readable(m))}</th> }).collect_view()}
                                <th scope="col"><span class="visually-hidden">"Remove"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {(0..tiers)
                                .map(|tier| {
                                    let limits = (0..metrics.len())
                                        .map(|metric| {
                                            view! {
                                                <td><PlanField field=part(ComponentPart::TierLimit { tier, metric }) hidden_label=true /></td>
                                            }
                                        })
                                        .collect_view();
                                    view! {
                                        <tr>
                                            <td><PlanField field=part(ComponentPart::TierName(tier)) hidden_label=true /></td>
                                            <td><PlanField field=part(ComponentPart::TierPrice(tier)) hidden_label=true /></td>
                                            {limits}
                                            <td><ActionButton action=Action::DeleteTier { component, tier } label="✕" describe=format!("Remove tier {}", tier + 1) tone="icon" /></td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
                <ActionButton action=Action::AddTier(component) label="Add tier" tone="add" />
                <div class="field-grid">
                    <PlanSelect field=part(ComponentPart::CurrentTier) options=tier_options />
                    {common}
                </div>
            }
            .into_any()
        }
    };
    view! {
        <article class="card" aria-label=move || format!("Component {}", name.read())>
            <PlanField field=part(ComponentPart::Name) />
            {body}
            <div class="card-actions">
                <ActionButton action=Action::DeleteComponent(component) label="Delete" describe=move || format!("Delete component {}", name.read()) tone="danger" />
            </div>
        </article>
    }
}

/// A horizontal component's response-time target: off (a button to start),
/// or its four fields, a load-test calibration and a button to stop.
#[component]
fn ResponseTime(component: usize, latency: bool) -> impl IntoView {
    let field = move |part: ComponentPart| {
        view! { <PlanField field=Field::Component { component, part } /> }
    };
    let body = if latency {
        view! {
            <div class="field-grid">
                {field(ComponentPart::ServiceTime)}
                {field(ComponentPart::Concurrency)}
                {field(ComponentPart::LatencyPercentile)}
                {field(ComponentPart::LatencyTarget)}
            </div>
            <LoadTest component />
            <ActionButton action=Action::SetLatency { component, on: false } label="Stop sizing for response time" />
        }
        .into_any()
    } else {
        view! {
            <p class="section-note">
                "Units can also be the fewest that keep a response-time percentile within a target (an M/M/c queue). The load is then read as requests per second."
            </p>
            <ActionButton action=Action::SetLatency { component, on: true } label="Size for a response-time target" tone="add" />
        }
        .into_any()
    };
    view! {
        <fieldset class="latency" data-test="latency">
            <legend>"Response time"</legend>
            {body}
        </fieldset>
    }
}

/// Works out the service time from a load test and offers to use it.
#[component]
fn LoadTest(component: usize) -> impl IntoView {
    use crate::editor::moves_together::{calibrate, Calibration};
    let state = expect_context::<PlanState>();
    let throughput = RwSignal::new(String::new());
    let measured = RwSignal::new(String::new());
    let units = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<Calibration, String>>);
    let latency = move || {
        state
            .plan
            .with(|p| match p.plan().components.get(component) {
                Some(Component::Horizontal(h)) => h.latency,
                _ => None,
            })
    };
    let work_out = move |_| {
        let Some(latency) = latency() else {
            return;
        };
        result.set(Some(calibrate(
            &throughput.get(),
            &measured.get(),
            &units.get(),
            latency.concurrency_per_unit,
            latency.percentile,
        )));
    };
    let id = |what: &str| format!("load-test-{component}-{what}");
    let input = move |what: &'static str, label: String, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id(what)>{label}</label>
                <input id=id(what) type="text" inputmode="decimal" data-test=format!("load-test-{what}")
                    prop:value=move || value.get()
                    on:input=move |event| value.set(event_target_value(&event)) />
            </div>
        }
    };
    let percentile = move || latency().map(|l| l.percentile_label()).unwrap_or_default();
    view! {
        <details class="load-test">
            <summary>"From a load test"</summary>
            <div class="field-grid">
                {input("throughput", "Requests a second".into(), throughput)}
                {input("measured", format!("Measured {} (ms)", percentile()), measured)}
                {input("units", "Units in the test".into(), units)}
            </div>
            <button type="button" class="action secondary" on:click=work_out>"Work out the service time"</button>
            {move || match result.get() {
                None => ().into_any(),
                Some(Err(message)) => view! { <p class="field-error" role="alert">{message}</p> }.into_any(),
                Some(Ok(calibration)) => {
                    let text = calibration.text.clone();
                    let use_it = move |_| {
                        if state
                            .edit(Field::Component { component, part: ComponentPart::ServiceTime }, &text)
                            .is_ok()
                        {
                            result.set(None);
                        }
                    };
                    view! {
                        <p class="derivation" data-test="load-test-derivation">{calibration.derivation.clone()}</p>
                        <button type="button" class="action add" on:click=use_it>{format!("Use {} ms", calibration.text)}</button>
                    }
                    .into_any()
                }
            }}
        </details>
    }
}
