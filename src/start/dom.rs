//! A few DOM helpers over web-sys, so the first look needs no framework.

use super::chart_backend::{ChartBackend, KnownFont};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys;
use web_sys::{Document, Element};

pub fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// Appends `<tag class="class">text</tag>` to `parent`.
pub fn add(parent: &Element, tag: &str, class: &str, text: &str) -> Option<Element> {
    let element = document()?.create_element(tag).ok()?;
    if !class.is_empty() {
        element.set_class_name(class);
    }
    if !text.is_empty() {
        element.set_text_content(Some(text));
    }
    parent.append_child(&element).ok()?;
    Some(element)
}

/// Sets attributes, ignoring the (never expected) refusals.
pub fn set(element: &Element, attributes: &[(&str, &str)]) {
    for (name, value) in attributes {
        let _ = element.set_attribute(name, value);
    }
}

/// Appends an SVG element with its attributes.
pub fn add_svg(parent: &Element, tag: &str, attributes: &[(&str, &str)]) -> Option<Element> {
    let element = document()?
        .create_element_ns(Some("http://www.w3.org/2000/svg"), tag)
        .ok()?;
    set(&element, attributes);
    parent.append_child(&element).ok()?;
    Some(element)
}

/// Calls `handler` on every `event` at `target`, for the page's lifetime.
pub fn listen(
    target: &web_sys::EventTarget,
    event: &str,
    handler: impl FnMut(web_sys::Event) + 'static,
) {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}

/// A canvas sized in device pixels to its laid-out width (at least 280 CSS
/// pixels) and `height` CSS pixels, so lines and text stay sharp on
/// high-density screens: its plotters backend and the scale (device pixels
/// per CSS pixel). The app's charts and the first look draw through this;
/// `font` is the one the canvas was last given, if the caller kept it.
pub fn sized_backend(
    canvas: web_sys::HtmlCanvasElement,
    height: f64,
    known_width: Option<f64>,
    font: Option<KnownFont>,
) -> Option<(ChartBackend, f64)> {
    let scale = web_sys::window()
        .map(|window| window.device_pixel_ratio())
        .filter(|ratio| ratio.is_finite() && *ratio > 0.0)
        .unwrap_or(1.0);
    // Reading the width lays the page out first if anything changed: the
    // app passes the width its ResizeObserver reported instead.
    let css_width = known_width
        .unwrap_or_else(|| f64::from(canvas.client_width()))
        .max(280.0);
    let (width, height) = (
        (css_width * scale).round() as u32,
        (height * scale).round() as u32,
    );
    // Setting a size, even the same one, resets the canvas: only on a change
    // (every chart paints its whole area first).
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
    ChartBackend::new(canvas, font).map(|backend| (backend, scale))
}

/// Sets `window[name]` to a number (the measurements read them).
pub fn mark(name: &str, value: f64) {
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &JsValue::from_str(name), &JsValue::from_f64(value));
    }
}

/// Milliseconds since navigation started.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Keeps every Content-Security-Policy violation in `window.__cspViolations`
/// (and the console), so the end-to-end tests can require there are none.
/// Set up by the first module, so violations before the app count too.
pub fn record_csp_violations() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let violations = js_sys::Array::new();
    let _ = js_sys::Reflect::set(&window, &JsValue::from_str("__cspViolations"), &violations);
    listen(&window, "securitypolicyviolation", move |event| {
        let field = |name: &str| {
            js_sys::Reflect::get(&event, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let described = format!(
            "{} blocked {}",
            field("violatedDirective"),
            field("blockedURI")
        );
        web_sys::console::warn_1(&JsValue::from_str(&format!(
            "Content-Security-Policy: {described}"
        )));
        violations.push(&JsValue::from_str(&described));
    });
}
