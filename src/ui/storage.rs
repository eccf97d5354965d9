//! The open plan in the browser's local storage.
//!
//! Storage is untrusted and may be missing: blocked by the browser (reading
//! `window.localStorage` itself throws), full, or holding text that is not a
//! plan. Every case is reported as a message; a stored entry that cannot be
//! read is copied aside before anything is written over it.

use crate::engine::document::{load_plan, LoadError};
use crate::engine::validate::ValidPlan;
use gloo_storage::{errors::StorageError, LocalStorage, Storage};

/// Where the open plan is kept.
pub const PLAN_KEY: &str = "headroom.plan";

/// What was found in storage at start-up.
pub enum Loaded {
    /// A saved plan, valid.
    Plan(Box<ValidPlan>),
    /// Nothing saved yet.
    Nothing,
    /// Something saved that cannot be opened; it was kept under `kept_as`.
    Unreadable {
        error: LoadError,
        kept_as: Option<String>,
    },
    /// Storage cannot be used at all.
    Unavailable,
}

/// Whether local storage can be used. Checked through web-sys because
/// `gloo_storage::LocalStorage::raw()` panics when storage is blocked.
pub fn is_available() -> bool {
    web_sys::window()
        .map(|window| matches!(window.local_storage(), Ok(Some(_))))
        .unwrap_or(false)
}

/// Reads the saved plan, if any.
pub fn load() -> Loaded {
    if !is_available() {
        return Loaded::Unavailable;
    }
    let text = match LocalStorage::raw().get_item(PLAN_KEY) {
        Ok(Some(text)) => text,
        Ok(None) => return Loaded::Nothing,
        Err(_) => return Loaded::Unavailable,
    };
    match load_plan(&text) {
        Ok(plan) => Loaded::Plan(Box::new(plan)),
        Err(error) => {
            let kept_as = keep_aside(&text);
            Loaded::Unreadable { error, kept_as }
        }
    }
}

/// Copies an unreadable entry to a key of its own so saving the open plan
/// never destroys it. Returns that key, or `None` if the copy failed.
fn keep_aside(text: &str) -> Option<String> {
    let key = format!("{PLAN_KEY}.unreadable.{}", js_sys_now());
    LocalStorage::raw().set_item(&key, text).ok().map(|_| key)
}

fn js_sys_now() -> u64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map(|performance| (performance.time_origin() + performance.now()) as u64)
        .unwrap_or(0)
}

/// Saves the plan. Only a validated plan can be saved, so no NaN or infinity
/// ever reaches storage.
pub fn save(plan: &ValidPlan) -> Result<(), String> {
    if !is_available() {
        return Err(unavailable_message());
    }
    LocalStorage::set(PLAN_KEY, plan.plan()).map_err(|error| match error {
        StorageError::JsError(js) if js.name == "QuotaExceededError" => {
            "Browser storage is full, so this change is not saved. Free some space (delete other sites' data) and edit again.".to_string()
        }
        other => format!("This change could not be saved ({other})."),
    })
}

pub fn unavailable_message() -> String {
    "This browser blocks local storage, so changes are not saved. They stay until you close this page.".to_string()
}
