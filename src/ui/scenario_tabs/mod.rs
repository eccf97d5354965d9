//! Buttons to pick the scenario shown in the form, headlines and table.

use crate::chart::SERIES_COLOURS;
use leptos::prelude::*;

/// The class giving a scenario's swatch its series colour (`series-0` …),
/// styled in the stylesheet: the Content-Security-Policy allows no inline styles.
pub fn swatch_class(index: usize) -> String {
    format!("swatch series-{}", index % SERIES_COLOURS.len())
}

#[component]
pub fn ScenarioTabs(
    #[prop(into)] names: Signal<Vec<String>>,
    selected: RwSignal<usize>,
) -> impl IntoView {
    view! {
        <div class="scenario-tabs" role="group" aria-label="Scenario">
            {move || {
                names
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(index, name)| {
                        let swatch = swatch_class(index);
                        view! {
                            <button
                                type="button"
                                class="scenario-tab"
                                aria-pressed=move || {
                                    if selected.get() == index { "true" } else { "false" }
                                }
                                on:click=move |_| selected.set(index)
                            >
                                <span class=swatch aria-hidden="true"></span>
                                {name}
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
