//! Buttons to pick the scenario shown in the form, headlines and table.

use crate::chart::series_colour;
use leptos::prelude::*;

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
                        let colour = series_colour(index);
                        let swatch = format!(
                            "background: rgb({}, {}, {})",
                            colour.0,
                            colour.1,
                            colour.2,
                        );
                        view! {
                            <button
                                type="button"
                                class="scenario-tab"
                                aria-pressed=move || {
                                    if selected.get() == index { "true" } else { "false" }
                                }
                                on:click=move |_| selected.set(index)
                            >
                                <span class="swatch" style=swatch aria-hidden="true"></span>
                                {name}
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
