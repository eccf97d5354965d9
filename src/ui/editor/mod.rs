//! The plan editor: one collapsible section per part of the plan. Sections
//! re-render only when the plan's shape changes (a part added or removed, a
//! model switched), never while a field is being typed into, so focus stays
//! where the user is.

mod components;
mod correlations;
mod costs;
mod drivers;
mod finance;
mod metrics;
mod scenarios;
mod settings;

use super::plan_field::field_id;
use super::state::PlanState;
use crate::editor::Field;
use leptos::prelude::*;

#[component]
pub fn PlanEditor() -> impl IntoView {
    view! {
        <section class="editor" aria-labelledby="editor-title">
            <h2 id="editor-title">"Plan"</h2>
            <p class="editor-intro">
                "Every change recalculates at once. Numbers accept 1,500, 1.5k or 25%; type 80 – 120 for an uncertain range."
            </p>
            <Section title="Scenarios and growth" open=true>
                <scenarios::Scenarios />
            </Section>
            <Section title="Drivers" open=true>
                <drivers::Drivers />
            </Section>
            <Section title="Inputs that move together">
                <correlations::Correlations />
            </Section>
            <Section title="Metrics">
                <metrics::Metrics />
            </Section>
            <Section title="Components">
                <components::Components />
            </Section>
            <Section title="Costs">
                <costs::Costs />
            </Section>
            <Section title="Actuals">
                <crate::ui::actuals::Actuals />
            </Section>
            <Section title="Revenue and budget">
                <finance::Finance />
            </Section>
            <Section title="Settings">
                <settings::Settings />
            </Section>
        </section>
    }
}

#[component]
fn Section(
    #[prop(into)] title: String,
    #[prop(optional)] open: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <details class="editor-section" open=open>
            <summary>{title}</summary>
            <div class="section-body">{children()}</div>
        </details>
    }
}

/// A labelled drop-down bound to a text [`Field`] (a metric, a tier).
#[component]
fn PlanSelect(
    /// Labelled as the field names itself ([`Field::label`]).
    field: Field,
    /// `(value, label)` pairs.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let error = RwSignal::new(None::<String>);
    // One subscription to the plan for all the select shows (see PlanField).
    let facts = Memo::new(move |_| {
        state.plan.with(|p| {
            (
                field.path(p.plan()),
                field.display(p.plan()),
                field.label(p.plan()),
            )
        })
    });
    let path = Memo::new(move |_| facts.with(|(path, ..)| path.clone()));
    let current = Memo::new(move |_| facts.with(|(_, shown, _)| shown.clone()));
    let id = move || field_id(&path.get());
    let label = Memo::new(move |_| facts.with(|(.., label)| label.clone()));
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            <select
                id=id
                data-field=path
                on:change=move |event| error.set(state.edit(field, &event_target_value(&event)).err())
            >
                {move || {
                    let selected = current.get();
                    options
                        .get()
                        .into_iter()
                        .map(|(value, label)| {
                            let chosen = value == selected;
                            view! { <option value=value selected=chosen>{label}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </div>
    }
}

/// The quantities a component or cost line can be driven by: users and every metric.
fn quantity_options(state: PlanState) -> Signal<Vec<(String, String)>> {
    // A memo: the options are rebuilt when the metrics change, not on every
    // keystroke.
    Signal::from(Memo::new(move |_| {
        state.plan.with(|p| {
            std::iter::once(("users".to_string(), "users".to_string()))
                .chain(
                    p.plan()
                        .metrics
                        .iter()
                        .map(|m| (m.name.clone(), m.name.replace('_', " "))),
                )
                .collect()
        })
    }))
}
