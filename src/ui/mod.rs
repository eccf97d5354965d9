//! The browser app (wasm32 only): edits a plan and shows its projection.
//!
//! Each component lives in its own folder. State is one signal holding the
//! last good plan; the projection is a memo of it, so data flows one way:
//! plan → validate → engine → projection → views and charts. Effects are used
//! only to sync with the outside world (the canvas and local storage).

mod app;
mod headline;
mod month_table;
mod number_field;
mod scenario_tabs;
pub mod storage;
mod users_chart;

pub use app::App;

/// Mounts the app on the page's body, replacing the loading notice.
pub fn mount() {
    console_error_panic_hook::set_once();
    if let Some(loading) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("loading"))
    {
        loading.remove();
    }
    leptos::mount::mount_to_body(App);
}
