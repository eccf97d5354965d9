//! The Excel workbook export. The writer is its own module, loaded the
//! first time a workbook is asked for (the first module and the app never
//! carry it): `scripts/post_build.py` writes its loader, named in
//! `<meta name="headroom-workbook">`, which sets `self.headroomWorkbook` and
//! dispatches `headroom-workbook-ready` on the window, or
//! `headroom-workbook-failed`. Each try after a failed one asks for the
//! loader with `?attempt=N`: a module URL that failed once stays failed.

use std::cell::Cell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{Function, Promise, Reflect, Uint8Array};

const LOADER_META: &str = "meta[name=\"headroom-workbook\"]";
const WRITER: &str = "headroomWorkbook";
pub const MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

thread_local! {
    /// Tries to load the module so far (each retry asks for a fresh URL).
    static ATTEMPT: Cell<u32> = const { Cell::new(0) };
}

/// What went wrong, in a sentence for the Export / Import panel.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkbookError {
    /// The module did not arrive (offline before it was ever cached, a
    /// dropped connection, a blocked script).
    NotLoaded,
    /// The page names no workbook module (an incomplete build).
    Missing,
    /// The writer refused or failed.
    NotWritten(String),
}

impl WorkbookError {
    pub fn message(&self) -> String {
        match self {
            WorkbookError::NotLoaded => "The Excel writer did not load: the connection may have dropped. Try again when you are online; your plan is unchanged.".into(),
            WorkbookError::Missing => "This copy of Headroom has no Excel writer: reload the page; if this stays, the site needs a fresh build.".into(),
            WorkbookError::NotWritten(why) => format!("The workbook could not be written: {why}."),
        }
    }
}

/// The workbook of a plan document: its file name and bytes.
///
/// A writer that stops on a trap (rather than refusing the plan, which it
/// does in a sentence) is left behind: its instance may be broken, and the
/// browser may have run short of memory for it a moment ago. The workbook
/// is tried once more in a fresh instance before the trap is reported.
pub async fn write(document: &str) -> Result<(String, Vec<u8>), WorkbookError> {
    let written = match write_with(&writer().await?, document).await {
        Err(Stopped::Trapped(_)) => {
            if let Some(window) = web_sys::window() {
                let _ = Reflect::delete_property(&window, &WRITER.into());
            }
            write_with(&writer().await?, document).await
        }
        written => written,
    };
    let written = written.map_err(|stopped| {
        WorkbookError::NotWritten(match stopped {
            Stopped::Refused(why) => why,
            Stopped::Trapped(what) => format!("the writer stopped ({what})"),
        })
    })?;
    let name = Reflect::get(&written, &"name".into())
        .ok()
        .and_then(|name| name.as_string());
    let bytes = Reflect::get(&written, &"bytes".into())
        .ok()
        .and_then(|bytes| bytes.dyn_into::<Uint8Array>().ok());
    match (name, bytes) {
        (Some(name), Some(bytes)) => Ok((name, bytes.to_vec())),
        _ => Err(WorkbookError::NotWritten(
            "the writer gave back no file".into(),
        )),
    }
}

/// Why a call of the writer gave no workbook.
enum Stopped {
    /// The writer's own sentence (the plan cannot be read, say).
    Refused(String),
    /// A trap inside the module, as the browser describes it.
    Trapped(String),
}

/// Calls `writer` on `document`, once "Preparing…" has been painted (the
/// writer runs on this thread, and a large plan's bands take a moment).
async fn write_with(writer: &Function, document: &str) -> Result<JsValue, Stopped> {
    crate::ui::next_task_after(std::time::Duration::ZERO).await;
    writer
        .call1(&JsValue::NULL, &JsValue::from_str(document))
        .map_err(|error| match error.as_string() {
            Some(why) => Stopped::Refused(why),
            None => Stopped::Trapped(
                error
                    .dyn_ref::<web_sys::js_sys::Error>()
                    .map(|error| String::from(error.to_string()))
                    .unwrap_or_else(|| "no reason given".into()),
            ),
        })
}

/// The loaded writer, loading its module first when it is not there.
async fn writer() -> Result<Function, WorkbookError> {
    let window = web_sys::window().ok_or(WorkbookError::NotLoaded)?;
    if let Some(writer) = loaded(&window) {
        return Ok(writer);
    }
    let loader = window
        .document()
        .and_then(|d| d.query_selector(LOADER_META).ok().flatten())
        .and_then(|meta| meta.get_attribute("content"))
        .filter(|url| url.starts_with("./") && url.ends_with(".js"))
        .ok_or(WorkbookError::Missing)?;
    let attempt = ATTEMPT.with(|a| a.replace(a.get() + 1));
    let url = match attempt {
        0 => loader,
        n => format!("{loader}?attempt={n}"),
    };
    wasm_bindgen_futures::JsFuture::from(load(&window, &url))
        .await
        .map_err(|_| WorkbookError::NotLoaded)?;
    loaded(&window).ok_or(WorkbookError::NotLoaded)
}

/// `self.headroomWorkbook`, when the module has set it.
fn loaded(window: &web_sys::Window) -> Option<Function> {
    Reflect::get(window, &WRITER.into())
        .ok()
        .and_then(|writer| writer.dyn_into::<Function>().ok())
}

/// Adds the loader's script; the promise settles when the module says it
/// is ready, or that it failed, or the script itself did not load.
fn load(window: &web_sys::Window, url: &str) -> Promise {
    let window = window.clone();
    let url = url.to_string();
    Promise::new(&mut |resolve: Function, reject: Function| {
        let fail = reject.clone();
        let settle = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let _ = if event.type_() == "headroom-workbook-ready" {
                resolve.call0(&JsValue::NULL)
            } else {
                reject.call0(&JsValue::NULL)
            };
        });
        let listener = settle.as_ref().unchecked_ref::<Function>();
        for name in ["headroom-workbook-ready", "headroom-workbook-failed"] {
            let _ = window.add_event_listener_with_callback(name, listener);
        }
        let script = window
            .document()
            .and_then(|d| d.create_element("script").ok());
        match (script, window.document().and_then(|d| d.head())) {
            (Some(script), Some(head)) => {
                let _ = script.set_attribute("type", "module");
                let _ = script.set_attribute("src", &url);
                let _ = script.add_event_listener_with_callback("error", listener);
                let _ = head.append_child(&script);
            }
            // No document to add it to: failed at once.
            _ => {
                let _ = fail.call0(&JsValue::NULL);
            }
        }
        // Kept for the page's life: a few bytes per try, and a listener
        // that outlives its promise only settles it again, which does nothing.
        settle.forget();
    })
}
