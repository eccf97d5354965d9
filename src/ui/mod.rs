//! The browser app (wasm32 only): edits a plan and shows its projection.
//!
//! Each component lives in its own folder. State is one signal holding the
//! last good plan ([`state::PlanState`]); the projection is a memo of it and
//! the Monte Carlo bands follow it a moment later, so data flows one way:
//! plan → validate → engine → projection → views and charts. Effects are used
//! only to sync with the outside world (the canvas, timers, local storage).

mod action_button;
mod actuals;
mod app;
mod chart_canvas;
mod charts;
mod compare;
mod cost_breakdown;
mod decisions;
mod editor;
mod events_timeline;
pub mod files;
mod headline;
mod history;
pub mod library;
mod montecarlo;
mod month_table;
mod months_switch;
mod on_screen;
mod plan_field;
mod plans_panel;
mod risks;
mod scenario_comparison;
mod scenario_tabs;
mod share;
mod sizing_table;
pub mod state;
pub mod storage;
mod toolbar;
mod variance;

pub use app::App;

use crate::engine::analyse::scenario::Projection;
use crate::engine::output::milestone_months;
use crate::engine::uncertainty::{Bands, Percentiles};
use leptos::prelude::*;

/// The projection of the open plan, shared by every result view.
#[derive(Clone, Copy)]
pub struct ProjectionMemo(pub Memo<Projection>);

/// The Monte Carlo bands of the open plan, when it has ranges. They are
/// computed a moment after the last edit, so typing never waits for them;
/// until then the previous bands show, marked stale.
#[derive(Clone, Copy)]
pub struct BandsState {
    pub bands: RwSignal<Option<Bands>>,
    pub stale: RwSignal<bool>,
}

impl BandsState {
    /// The percentiles of `quantity` in a scenario at a month, if simulated.
    pub fn percentiles(&self, scenario: usize, quantity: &str, month: u32) -> Option<Percentiles> {
        self.bands.with(|bands| {
            let bands = bands.as_ref()?;
            let index = bands.quantities.iter().position(|q| q == quantity)?;
            let months = &bands.scenarios.get(scenario)?.months;
            months
                .iter()
                .find(|m| m.month == month)?
                .percentiles
                .get(index)
                .copied()
                .flatten()
        })
    }
}

/// Which menu under the toolbar is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    Plans,
    History,
    Compare,
    Share,
    Files,
}

#[derive(Clone, Copy)]
pub struct OpenMenu(pub RwSignal<Option<Menu>>);

/// Whether tables list every month or the seeds' milestone months.
#[derive(Clone, Copy)]
pub struct ShowAllMonths(pub RwSignal<bool>);

/// The months a table shows.
pub fn shown_months(horizon: u32, all: bool) -> Vec<u32> {
    if all {
        (0..=horizon).collect()
    } else {
        milestone_months(horizon)
    }
}

pub use crate::headline::calendar;

/// Resolves in a later task, `delay` from now at the soonest, after the
/// browser has had a chance to paint and to handle input.
pub(crate) async fn next_task_after(delay: std::time::Duration) {
    use wasm_bindgen::JsValue;
    use web_sys::js_sys::{Function, Promise};
    let waited = Promise::new(&mut |resolve: Function, _reject: Function| {
        let milliseconds = i32::try_from(delay.as_millis()).unwrap_or(i32::MAX);
        let scheduled = web_sys::window()
            .map(|window| {
                window
                    .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, milliseconds)
                    .is_ok()
            })
            .unwrap_or(false);
        if !scheduled {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(waited).await;
}

/// Registers the service worker that keeps the app working offline, where
/// the browser offers service workers (a secure context: https or localhost).
fn register_service_worker() {
    use web_sys::js_sys::Reflect;
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return;
    };
    if Reflect::has(
        &navigator,
        &wasm_bindgen::JsValue::from_str("serviceWorker"),
    )
    .unwrap_or(false)
    {
        let _ = navigator.service_worker().register("./sw.js");
    }
}

/// Mounts the app on the page's body, replacing the loading notice or the
/// first look (`crate::start`; it also records CSP violations).
pub fn mount() {
    console_error_panic_hook::set_once();
    register_service_worker();
    if let Some(document) = web_sys::window().and_then(|window| window.document()) {
        for id in ["loading", crate::start::FIRST_LOOK_ID] {
            if let Some(element) = document.get_element_by_id(id) {
                element.remove();
            }
        }
    }
    leptos::mount::mount_to_body(App);
    // When the app was first on screen, for the budget measurement.
    crate::start::dom::mark("__headroomRendered", crate::start::dom::now());
}
