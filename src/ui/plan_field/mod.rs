//! A labelled input bound to one [`Field`] of the open plan. It reads
//! `1,500`, `1.5k`, `25%` and ranges, commits on every keystroke that makes a
//! valid plan, and otherwise keeps the typed text with its message beside it
//! while the last good results stay on screen.

use super::state::PlanState;
use crate::editor::{Action, Field, Kind, DISTRIBUTIONS};
use crate::engine::model::plan::Distribution;
use leptos::prelude::*;

/// An element id for a field, from its plan path: `scenarios[1].growth.churn`
/// → `field-scenarios-1-growth-churn`.
pub fn field_id(path: &str) -> String {
    let mut id = String::from("field");
    for part in path.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
        if !part.is_empty() {
            id.push('-');
            id.push_str(part);
        }
    }
    id
}

/// What a field shows of the plan, read in one pass.
#[derive(Debug, Clone, PartialEq)]
struct FieldFacts {
    path: String,
    kind: Kind,
    shown: String,
    distribution: Option<Distribution>,
    label: String,
    hint: String,
}

impl FieldFacts {
    fn of(field: Field, plan: &crate::engine::model::plan::Plan) -> FieldFacts {
        FieldFacts {
            path: field.path(plan),
            kind: field.kind(plan),
            shown: field.display(plan),
            distribution: field.distribution(plan),
            label: field.label(plan),
            hint: field.hint(plan),
        }
    }
}

#[component]
pub fn PlanField(
    /// Its label and hint are the field's own ([`Field::label`]), so the app
    /// and the workbook's Assumptions sheet name an input alike.
    field: Field,
    /// Shown when the field is empty (an override shows the plan's value).
    #[prop(into, optional)]
    placeholder: Signal<String>,
    /// Formulas: monospace and full width.
    #[prop(optional)]
    formula: bool,
    /// Only a screen reader hears the label (the field sits in a labelled table).
    #[prop(optional)]
    hidden_label: bool,
) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let plan = state.plan;
    let draft = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    // Undo, redo and structural edits replace what the field shows.
    Effect::new(move |previous: Option<u64>| {
        let revision = state.revision.get();
        if previous.is_some_and(|p| p != revision) {
            draft.set(None);
            error.set(None);
        }
        revision
    });
    // One memo reads the plan for everything the field shows, and the parts
    // read that memo. Every memo re-run leaves and rejoins its sources'
    // subscriber lists, an order-keeping removal from a list as long as the
    // source has subscribers (issue 29: the plan had about a thousand, ~6 ms
    // of each keystroke). The memo follows only what may change the field,
    // not the plan: a number typed elsewhere leaves it alone
    // (`PlanState::track_field`).
    let facts = Memo::new(move |_| {
        state.track_field(field);
        plan.with_untracked(|p| FieldFacts::of(field, p.plan()))
    });
    let path = Memo::new(move |_| facts.with(|f| f.path.clone()));
    let id = Memo::new(move |_| field_id(&path.get()));
    let kind = Memo::new(move |_| facts.with(|f| f.kind));
    let shown = Memo::new(move |_| facts.with(|f| f.shown.clone()));
    let numeric = move || matches!(kind.get(), Kind::Number { .. });
    let ranged = move || matches!(kind.get(), Kind::Number { range: true, .. });
    let range_value = Memo::new(move |_| facts.with(|f| f.distribution));
    // Memos: the label's text is written only when it changes, not on
    // every keystroke in any field.
    let label = Memo::new(move |_| facts.with(|f| f.label.clone()));
    let hint = Memo::new(move |_| facts.with(|f| f.hint.clone()));
    let error_id = move || format!("{}-error", id.get());
    view! {
        <div
            class="field"
            class:formula=formula
            class:invalid=move || error.with(Option::is_some)
        >
            <label for=move || id.get() class:visually-hidden=hidden_label>
                {label}
                <span class="hint">{hint}</span>
            </label>
            <div class="input-row">
                <input
                    id=move || id.get()
                    data-field=move || path.get()
                    type="text"
                    inputmode=move || if numeric() && !ranged() { "decimal" } else { "text" }
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=move || placeholder.get()
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    aria-describedby=error_id
                    prop:value=move || draft.get().unwrap_or_else(|| shown.get())
                    on:input=move |event| {
                        let text = event_target_value(&event);
                        error.set(state.edit(field, &text).err());
                        draft.set(Some(text));
                    }
                    on:blur=move |_| {
                        state.seal();
                        // A committed field shows the value as the plan holds
                        // it; a refused one keeps the typed text beside its
                        // message. Only notify when there is a draft, so a
                        // blur without an edit never re-renders the input.
                        if error.with(Option::is_none) && draft.with(Option::is_some) {
                            draft.set(None);
                        }
                    }
                />
                {move || range_value.get().map(|current| view! { <DistributionPicker field current /> })}
            </div>
            <p class="field-error" id=error_id role="alert">
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// How a range field's range is read: a 90% interval, uniform or triangular.
#[component]
fn DistributionPicker(field: Field, current: Distribution) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let choose = move |event: leptos::ev::Event| {
        let distribution = match event_target_value(&event).as_str() {
            "uniform" => Distribution::Uniform,
            "triangular" => Distribution::Triangular,
            _ => Distribution::Interval,
        };
        let _ = state.act(&Action::SetDistribution {
            field,
            distribution,
        });
    };
    let options = DISTRIBUTIONS;
    view! {
        <select class="distribution" aria-label="How to read this range" on:change=choose>
            {options
                .into_iter()
                .map(|(distribution, id, label)| {
                    view! { <option value=id selected=distribution == current>{label}</option> }
                })
                .collect_view()}
        </select>
    }
}
