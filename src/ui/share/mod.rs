//! Sharing: the plan as a link (the whole plan in the fragment, nothing sent
//! anywhere), and the read-only view a link opens, with "Save a copy".

use super::library::Library;
use super::state::PlanState;
use crate::engine::model::link::encode_link;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// This page's address with the plan's link fragment.
fn share_url(fragment: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| {
            let location = w.location();
            Some(format!(
                "{}{}",
                location.origin().ok()?,
                location.pathname().ok()?
            ))
        })
        .unwrap_or_default();
    format!("{base}#{fragment}")
}

/// Asks the browser to copy `text`; `false` if it cannot (no clipboard API,
/// or not allowed), so the page can ask the user to copy it.
fn copy_to_clipboard(text: &str) -> bool {
    use web_sys::js_sys::{Function, Reflect};
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    let Ok(clipboard) = Reflect::get(&navigator, &JsValue::from_str("clipboard")) else {
        return false;
    };
    if clipboard.is_undefined() {
        return false;
    }
    let Some(write) = Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return false;
    };
    write.call1(&clipboard, &JsValue::from_str(text)).is_ok()
}

/// Removes the link from the address bar, so a reload opens the user's own plans.
pub fn clear_link() {
    if let Some(window) = web_sys::window() {
        let path = window.location().pathname().unwrap_or_default();
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
        }
    }
}

#[component]
pub fn SharePanel() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let url = Memo::new(move |_| state.plan.with(|p| share_url(&encode_link(p.plan()))));
    let status = RwSignal::new(String::new());
    let copy = move |_| {
        let copied = copy_to_clipboard(&url.get_untracked());
        status.set(if copied {
            "Link copied. Anyone who opens it sees this plan, read-only; nothing is uploaded anywhere.".into()
        } else {
            "Select the link above and copy it (Ctrl+C).".into()
        });
    };
    view! {
        <div class="panel-menu" role="group" aria-label="Share">
            <label for="share-link">"Link to this plan"</label>
            <div class="menu-row">
                <input
                    id="share-link"
                    class="share-link"
                    type="text"
                    readonly=true
                    prop:value=url
                    on:focus=move |e| {
                        if let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }
                />
                <button type="button" class="primary" on:click=copy>"Copy link"</button>
            </div>
            <p class="menu-message">{move || format!("{} characters. {}", url.with(String::len), status.get())}</p>
        </div>
    }
}

/// Shown above a shared plan: what it is, and how to keep it.
#[component]
pub fn SharedBanner() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let library = expect_context::<Library>();
    // Saving the copy also takes the link out of the address bar (Library::add).
    let save_copy = move |_| library.add(state.plan.get_untracked());
    let close = move |_| {
        clear_link();
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <div class="shared-banner" role="region" aria-label="Shared plan" data-test="shared-banner">
            <p>
                <strong>"A shared plan, read-only. "</strong>
                "It came in the link; nothing here changes your saved plans. Save a copy to edit it."
            </p>
            <div class="menu-row">
                <button type="button" class="primary" on:click=save_copy>"Save a copy"</button>
                <button type="button" class="secondary" on:click=close>"Close"</button>
            </div>
        </div>
    }
}
