//! The browser's local storage as the library's [`Store`].
//!
//! Storage is untrusted and may be missing: blocked by the browser (reading
//! `window.localStorage` itself throws, and `gloo_storage::LocalStorage::raw()`
//! panics then, so availability is checked through web-sys first), full, or
//! holding text that is not a plan. Every case becomes a [`StoreError`] the
//! page can explain; nothing here panics.

use crate::library::{Store, StoreError};
use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::{JsCast, JsValue};

/// Local storage, once it is known to be usable.
pub struct BrowserStore {
    storage: web_sys::Storage,
}

impl BrowserStore {
    /// Local storage, or why it cannot be used.
    pub fn open() -> Result<BrowserStore, StoreError> {
        let window = web_sys::window().ok_or(StoreError::Blocked)?;
        match window.local_storage() {
            // Only now is gloo's accessor safe to call.
            Ok(Some(_)) => Ok(BrowserStore {
                storage: LocalStorage::raw(),
            }),
            Ok(None) | Err(_) => Err(StoreError::Blocked),
        }
    }
}

fn store_error(error: JsValue) -> StoreError {
    match error.dyn_ref::<web_sys::DomException>().map(|e| e.name()) {
        Some(name) if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" => {
            StoreError::Full
        }
        Some(name) if name == "SecurityError" => StoreError::Blocked,
        Some(name) => StoreError::Other(name),
        None => StoreError::Other("unknown error".into()),
    }
}

impl Store for BrowserStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.storage.get_item(key).map_err(store_error)
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.storage.set_item(key, value).map_err(store_error)
    }

    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.storage.remove_item(key).map_err(store_error)
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let count = self.storage.length().map_err(store_error)?;
        (0..count)
            .map(|index| self.storage.key(index).map_err(store_error))
            .filter_map(Result::transpose)
            .collect()
    }
}

/// Milliseconds since 1970, for save times.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map(|performance| performance.time_origin() + performance.now())
        .unwrap_or(0.0)
}
