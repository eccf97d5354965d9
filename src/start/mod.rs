//! The first module a page loads (wasm32 only, no Leptos): it paints the
//! plan's headline and first chart, then starts the app.
//!
//! The app (the editor, Monte Carlo, the library, files, history) is a
//! module of its own, about two and a half times this one's size. A reader who opens
//! a shared link on a phone should not wait for all of it to see what the
//! plan says, so this module reads the link (or the worked example on a
//! first visit), validates and projects it with the same engine, and draws
//! the same headline ([`crate::headline`]) and users chart
//! ([`crate::chart::spec::users_chart`]) the app shows. The app, asked for
//! just before the first look is drawn, replaces it when it mounts; if the
//! app's module fails to arrive, the first look says so and offers to try
//! again.
//!
//! A returning visitor with saved plans gets no first look (the app opens
//! the plan they had open, which this module does not read); their modules
//! come from the service worker's cache.

/// Also used by the app: the charts' canvas backend.
pub mod chart_backend;
/// Also used by the app: canvas sizing and the measurement marks.
pub(crate) mod dom;
mod first_look;
mod loader;

use crate::engine::model::link::decode_link;
use crate::engine::model::templates;
use crate::engine::model::validate::ValidPlan;
use crate::library::{ENTRY_PREFIX, LEGACY_KEY, OPEN_KEY};

pub use first_look::{paint_first_look, FIRST_LOOK_ID};

/// What the page opens on, as far as the first look is concerned.
enum Opening {
    /// A plan in the link, read-only.
    Shared(ValidPlan),
    /// A first visit: the worked example.
    FirstVisit(ValidPlan),
    /// Saved plans (or a link the app will explain): no first look.
    AppOnly,
}

/// Starts loading the app, then paints the first look where there is one.
pub fn run() {
    dom::record_csp_violations();
    let opening = opening();
    // The app's files start on their way while the first look is drawn.
    let loading = loader::load_app();
    match opening {
        Opening::Shared(plan) => paint_first_look(&plan, true),
        Opening::FirstVisit(plan) => paint_first_look(&plan, false),
        Opening::AppOnly => None,
    };
    if !loading {
        loader::incomplete();
    }
}

fn opening() -> Opening {
    let Some(window) = web_sys::window() else {
        return Opening::AppOnly;
    };
    let hash = window.location().hash().unwrap_or_default();
    if hash.len() > 1 {
        // A damaged link is explained by the app, which also opens the
        // reader's own plans instead.
        return decode_link(&hash).map_or(Opening::AppOnly, Opening::Shared);
    }
    let has_library = match window.local_storage() {
        Ok(Some(storage)) => (0..storage.length().unwrap_or(0)).any(|index| {
            storage.key(index).ok().flatten().is_some_and(|key| {
                key == OPEN_KEY || key == LEGACY_KEY || key.starts_with(ENTRY_PREFIX)
            })
        }),
        // Blocked storage: the app opens the worked example, unsaved.
        _ => false,
    };
    if has_library {
        return Opening::AppOnly;
    }
    templates::worked_example().map_or(Opening::AppOnly, Opening::FirstVisit)
}
