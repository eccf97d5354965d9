//! The plan's toolbar: start from a template or a blank plan, undo and redo
//! (also Ctrl+Z and Ctrl+Shift+Z / Ctrl+Y anywhere on the page).

use super::library::Library;
use super::state::PlanState;
use super::{Menu, OpenMenu};
use crate::engine::model::templates::{self, TEMPLATES};
use leptos::prelude::*;

/// The picker's value for the blank plan.
const BLANK: &str = "blank";

#[component]
pub fn Toolbar() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let status = RwSignal::new(String::new());
    let picker = NodeRef::<leptos::html::Select>::new();
    let library = expect_context::<Library>();
    let menu = expect_context::<OpenMenu>().0;
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        if !(event.ctrl_key() || event.meta_key()) || event.alt_key() {
            return;
        }
        match event.key().to_lowercase().as_str() {
            "z" if event.shift_key() => {
                event.prevent_default();
                state.redo();
            }
            "z" => {
                event.prevent_default();
                state.undo();
            }
            "y" => {
                event.prevent_default();
                state.redo();
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let open = move |event: leptos::ev::Event| {
        let id = event_target_value(&event);
        let (loaded, title) = if id == BLANK {
            (templates::blank(), "a blank plan")
        } else {
            match templates::find(&id) {
                Some(template) => (
                    templates::load(&id)
                        .unwrap_or(Err(crate::engine::model::document::LoadError::Empty)),
                    template.title,
                ),
                None => return,
            }
        };
        match loaded {
            Ok(plan) => {
                library.add(plan);
                status.set(format!(
                    "Opened {title} as a new plan; your other plans are under Plans."
                ));
            }
            Err(error) => status.set(format!("That template could not be opened: {error}")),
        }
        if let Some(select) = picker.get() {
            select.set_value("");
        }
    };
    view! {
        <div class="toolbar">
            <div class="toolbar-field">
                <label for="template-picker">"Start from"</label>
                <select id="template-picker" node_ref=picker on:change=open>
                    <option value="" selected=true>"Choose a template…"</option>
                    {TEMPLATES.iter().map(|t| view! { <option value=t.id>{t.title}</option> }).collect_view()}
                    <option value=BLANK>"Blank plan"</option>
                </select>
            </div>
            {move || {
                [
                    (Menu::Plans, "Plans"),
                    (Menu::History, "History"),
                    (Menu::Compare, "Compare"),
                    (Menu::Share, "Share"),
                    (Menu::Files, "Export / Import"),
                ]
                    .into_iter()
                    .map(|(which, label)| {
                        view! {
                            <button
                                type="button"
                                class="toolbar-button"
                                aria-expanded=move || if menu.get() == Some(which) { "true" } else { "false" }
                                on:click=move |_| menu.update(|m| *m = if *m == Some(which) { None } else { Some(which) })
                            >
                                {label}
                            </button>
                        }
                    })
                    .collect_view()
            }}
            <button
                type="button"
                class="toolbar-button"
                class:hidden=move || library.read_only.get()
                aria-keyshortcuts="Control+Z"
                disabled=move || !state.can_undo.get()
                on:click=move |_| state.undo()
            >
                "Undo"
            </button>
            <button
                type="button"
                class="toolbar-button"
                class:hidden=move || library.read_only.get()
                aria-keyshortcuts="Control+Shift+Z"
                disabled=move || !state.can_redo.get()
                on:click=move |_| state.redo()
            >
                "Redo"
            </button>
            <p class="toolbar-status" role="status" aria-live="polite">{move || status.get()}</p>
        </div>
    }
}
