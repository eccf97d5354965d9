//! A labelled number input that reads `1,500`, `1.5k` or `25%`, shows its
//! error beside it, and only commits a value that makes a valid plan.

use leptos::prelude::*;

/// `read` gets the typed text and returns `Ok(())` once it has committed it,
/// or the message to show. `value` is the committed value as text; it is shown
/// whenever the field is not being edited.
#[component]
pub fn NumberField(
    /// Unique id, also used to link the label and the error message.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    /// A short hint after the label, such as the unit.
    #[prop(into, optional)]
    hint: String,
    #[prop(into)] value: Signal<String>,
    read: impl Fn(&str) -> Result<(), String> + 'static,
) -> impl IntoView {
    let draft = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let error_id = format!("{id}-error");
    let described_by = error_id.clone();
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>
                {label}
                {(!hint.is_empty()).then(|| view! { <span class="hint">{hint.clone()}</span> })}
            </label>
            <input
                id=id
                type="text"
                inputmode="decimal"
                autocomplete="off"
                spellcheck="false"
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=described_by
                prop:value=move || draft.get().unwrap_or_else(|| value.get())
                on:input=move |event| {
                    let text = event_target_value(&event);
                    error.set(read(&text).err());
                    draft.set(Some(text));
                }
                on:blur=move |_| {
                    // A committed field shows the value as the plan holds it;
                    // a refused one keeps the typed text beside its message.
                    // Only notify when there is a draft, so a blur without an
                    // edit never re-renders over what the browser shows.
                    if error.with(Option::is_none) && draft.with(Option::is_some) {
                        draft.set(None);
                    }
                }
            />
            <p class="field-error" id=error_id role="alert">
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}
