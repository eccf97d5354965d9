//! A button that makes a structural edit (add, duplicate, delete) and, if the
//! edit cannot be made, says why right beside it.

use super::state::PlanState;
use crate::editor::Action;
use leptos::prelude::*;

#[component]
pub fn ActionButton(
    action: Action,
    #[prop(into)] label: String,
    /// What the button acts on, for screen readers: `Delete scenario Moderate`.
    #[prop(into, optional)]
    describe: Signal<String>,
    /// `secondary` (default), `danger` or `add`.
    #[prop(into, optional)]
    tone: String,
) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let error = RwSignal::new(None::<String>);
    let class = format!(
        "action {}",
        if tone.is_empty() {
            "secondary"
        } else {
            tone.as_str()
        }
    );
    let aria_label = move || describe.with(|d| (!d.is_empty()).then(|| d.clone()));
    view! {
        <span class="action-wrap">
            <button
                type="button"
                class=class
                aria-label=aria_label
                on:click=move |_| error.set(state.act(&action).err())
            >
                {label}
            </button>
            {move || error.get().map(|message| view! { <span class="action-error" role="alert">{message}</span> })}
        </span>
    }
}
