//! Loading the app's module behind the first look, and saying so when it
//! does not arrive (a network that dropped after the first paint), with a
//! way to try again. Nothing the first look shows is taken away.
//!
//! `scripts/post_build.py` writes a small loader module for each build (its
//! name is in `<meta name="headroom-app">`), which imports the app's
//! JavaScript, starts its WebAssembly, and dispatches `headroom-app-failed`
//! on the window when either fails. Each try after the first asks for the
//! loader with `?attempt=N`, which the loader passes on to its import: a
//! module URL that failed once stays failed for the page's lifetime.

use super::dom::{add, document, listen};
use std::cell::Cell;
use std::rc::Rc;
use web_sys::Element;

/// The meta element naming this build's app loader.
const LOADER_META: &str = "meta[name=\"headroom-app\"]";
const FIRST_LOOK_STATUS: &str = "#first-look .first-look-status";
pub const LOADING: &str = "Loading the editor and the rest of the plan…";

/// The app's loading: its loader and how many tries were made.
struct Loading {
    loader: String,
    attempt: Cell<u32>,
}

/// Where the app's loading is reported: the first look's status line, or
/// the loading notice when there is no first look; and which it is.
fn status() -> Option<(Element, bool)> {
    let document = document()?;
    match document.query_selector(FIRST_LOOK_STATUS).ok().flatten() {
        Some(status) => Some((status, true)),
        None => Some((document.get_element_by_id("loading")?, false)),
    }
}

/// Starts loading the app: called before the first look is painted, so the
/// app's files are on their way while the first look is drawn (the first
/// module's own files have all arrived by then, so nothing competes with
/// them). Failures are reported where [`status`] says. Returns false when
/// the page names no loader (a broken build): then call [`incomplete`] once
/// the first look is up.
pub fn load_app() -> bool {
    let Some(loader) = document()
        .and_then(|d| d.query_selector(LOADER_META).ok().flatten())
        .and_then(|meta| meta.get_attribute("content"))
        .filter(|url| url.starts_with("./") && url.ends_with(".js"))
    else {
        return false;
    };
    let loading = Rc::new(Loading {
        loader,
        attempt: Cell::new(0),
    });
    if let Some(window) = web_sys::window() {
        let loading = loading.clone();
        listen(&window, "headroom-app-failed", move |_| failed(&loading));
    }
    request(&loading);
    true
}

/// Says the page names no app to load.
pub fn incomplete() {
    if let Some((status, _)) = status() {
        status.set_text_content(Some(
            "This copy of Headroom is incomplete: the app's module is not named. Reload the page; if this stays, the site needs a fresh build.",
        ));
    }
}

/// Adds the loader's script element for the current attempt.
fn request(loading: &Rc<Loading>) {
    let Some(document) = document() else {
        return;
    };
    let Ok(script) = document.create_element("script") else {
        return;
    };
    let url = match loading.attempt.get() {
        0 => loading.loader.clone(),
        n => format!("{}?attempt={n}", loading.loader),
    };
    let _ = script.set_attribute("type", "module");
    let _ = script.set_attribute("src", &url);
    let on_error = loading.clone();
    listen(&script, "error", move |_| failed(&on_error));
    if let Some(head) = document.head() {
        let _ = head.append_child(&script);
    }
}

/// Says the app did not load and offers to try again.
fn failed(loading: &Rc<Loading>) {
    let Some((status, first_look)) = status() else {
        return;
    };
    status.set_text_content(Some(if first_look {
        "The editor and the rest of Headroom did not load: the connection may have dropped. The figures shown are complete. "
    } else {
        "Headroom did not load: the connection may have dropped. "
    }));
    status.set_class_name(if first_look {
        "first-look-status failed"
    } else {
        "loading failed"
    });
    let Some(retry) = add(&status, "button", "secondary", "Try again") else {
        return;
    };
    let _ = retry.set_attribute("type", "button");
    let loading = loading.clone();
    listen(&retry, "click", move |_| {
        loading.attempt.set(loading.attempt.get() + 1);
        status.set_text_content(Some(if first_look {
            LOADING
        } else {
            "Loading Headroom…"
        }));
        status.set_class_name(if first_look {
            "first-look-status"
        } else {
            "loading"
        });
        request(&loading);
    });
}
