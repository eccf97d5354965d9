//! Component tests in headless Chromium (wasm-bindgen-test): the real
//! browser's local storage, DOM and canvas, driven through the app's own code.
//! Run with `cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use headroom::engine::plan::Growth;
use headroom::engine::templates;
use headroom::engine::validate::validate;
use headroom::ui::storage::{self, Loaded, PLAN_KEY};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn local_storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .expect("the test browser has local storage")
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Mounts a fresh app in its own container and returns the container.
fn mount_app() -> (HtmlElement, impl Drop) {
    let container: HtmlElement = document()
        .create_element("div")
        .expect("create div")
        .dyn_into()
        .expect("a div is an HtmlElement");
    document()
        .body()
        .expect("body")
        .append_child(&container)
        .expect("append");
    let handle = leptos::mount::mount_to(container.clone(), headroom::ui::App);
    (container, handle)
}

fn text_of(container: &HtmlElement, selector: &str) -> String {
    container
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|element| element.text_content())
        .unwrap_or_default()
}

fn month_users(container: &HtmlElement, month: u32) -> String {
    text_of(container, &format!("tr[data-month=\"{month}\"] td"))
}

fn type_into(container: &HtmlElement, selector: &str, text: &str) {
    let input: HtmlInputElement = container
        .query_selector(selector)
        .ok()
        .flatten()
        .expect("the input exists")
        .dyn_into()
        .expect("an input");
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).expect("event");
    input.dispatch_event(&event).expect("dispatch");
}

#[wasm_bindgen_test]
fn a_saved_plan_reads_back_from_real_local_storage() {
    local_storage().clear().expect("clear");
    let mut plan = templates::worked_example()
        .expect("the worked example")
        .plan()
        .clone();
    plan.scenarios[1].growth = Growth::Compound {
        growth: 0.3.into(),
        churn: 0.08.into(),
    };
    let plan = validate(&plan).expect("valid");
    storage::save(&plan).expect("saved");
    match storage::load() {
        Loaded::Plan(loaded) => assert_eq!(*loaded, plan),
        _ => panic!("the saved plan should load"),
    }
}

#[wasm_bindgen_test]
fn an_unreadable_entry_is_kept_aside_untouched() {
    let storage_area = local_storage();
    storage_area.clear().expect("clear");
    storage_area.set_item(PLAN_KEY, "{broken").expect("set");
    let Loaded::Unreadable { error, kept_as } = storage::load() else {
        panic!("a broken entry must be reported");
    };
    assert!(error.to_string().contains("not valid JSON"), "{error}");
    let key = kept_as.expect("kept under its own key");
    assert_eq!(
        storage_area.get_item(&key).ok().flatten().as_deref(),
        Some("{broken")
    );
    assert_eq!(
        storage_area.get_item(PLAN_KEY).ok().flatten().as_deref(),
        Some("{broken")
    );
}

#[wasm_bindgen_test]
fn a_plan_from_a_newer_version_is_refused() {
    local_storage().clear().expect("clear");
    local_storage()
        .set_item(PLAN_KEY, r#"{"schema": 99}"#)
        .expect("set");
    let Loaded::Unreadable { error, .. } = storage::load() else {
        panic!("a future schema must be refused");
    };
    assert!(
        error.to_string().contains("newer version of Headroom"),
        "{error}"
    );
}

#[wasm_bindgen_test]
async fn the_app_opens_on_the_worked_example_and_draws_its_chart() {
    local_storage().clear().expect("clear");
    let (container, _app) = mount_app();
    // Seed 000 Moderate: 100 × 1.17¹² = 658.01 users at month 12.
    assert_eq!(month_users(&container, 12), "658");
    assert_eq!(text_of(&container, "[data-test=headline-users]"), "658");
    sleep(50).await;
    let canvas: web_sys::HtmlCanvasElement = container
        .query_selector("canvas")
        .ok()
        .flatten()
        .expect("a canvas")
        .dyn_into()
        .expect("a canvas element");
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .expect("2d context")
        .dyn_into()
        .expect("a 2d context");
    let pixels = context
        .get_image_data(
            0.0,
            0.0,
            f64::from(canvas.width()),
            f64::from(canvas.height()),
        )
        .expect("image data")
        .data();
    let inked = pixels
        .chunks(4)
        .filter(|px| px[0] < 200 || px[1] < 200 || px[2] < 200)
        .count();
    assert!(
        inked > 500,
        "the chart should draw lines and labels, found {inked} dark pixels"
    );
}

#[wasm_bindgen_test]
async fn a_bad_value_shows_its_message_and_keeps_the_results() {
    local_storage().clear().expect("clear");
    let (container, _app) = mount_app();
    type_into(&container, "#churn", "150%");
    sleep(10).await;
    assert_eq!(text_of(&container, "#churn-error"), "Cannot be above 100%");
    assert_eq!(
        month_users(&container, 12),
        "658",
        "the last good results stay"
    );
    type_into(&container, "#growth", "30%");
    sleep(10).await;
    // 100 × (1 + 0.30 − 0.08)¹² = 1,087.22
    assert_eq!(month_users(&container, 12), "1,087");
}

/// The same plan and seed give the same bands in the browser as natively,
/// bit for bit: the digest is the one `tests/uncertainty.rs` pins.
#[wasm_bindgen_test]
fn monte_carlo_bands_match_the_native_digest() {
    use headroom::engine::plan::Uncertainty;
    use headroom::engine::uncertainty::{bands_digest, simulate_plan};
    let plan = templates::load("managed-saas")
        .expect("listed")
        .expect("valid");
    let digest = bands_digest(&simulate_plan(
        &plan,
        Uncertainty {
            samples: 500,
            seed: 7,
        },
    ));
    assert_eq!(
        format!("{digest:#018x}"),
        include_str!("fixtures/bands-digest.txt").trim()
    );
}

/// How long 10,000 paths × 120 months of the richest template take in
/// Chromium. A measurement, not a timed test: it only logs the figure
/// (run with `--release` for the number that matters).
#[wasm_bindgen_test]
fn monte_carlo_timing_in_the_browser() {
    use headroom::engine::plan::Uncertainty;
    use headroom::engine::uncertainty::simulate_plan;
    let plan = templates::load("microservices-aws")
        .expect("listed")
        .expect("valid")
        .with_overrides(Some(120), None)
        .expect("120 months");
    let mut one = plan.plan().clone();
    one.scenarios.truncate(1);
    let one = validate(&one).expect("valid");
    let performance = web_sys::window()
        .and_then(|w| w.performance())
        .expect("performance");
    let start = performance.now();
    let bands = simulate_plan(
        &one,
        Uncertainty {
            samples: 10_000,
            seed: 1,
        },
    );
    let elapsed = performance.now() - start;
    assert_eq!(bands.scenarios[0].months.len(), 121);
    wasm_bindgen_test::console_log!(
        "Monte Carlo in Chromium: 10,000 paths × 120 months, 1 scenario: {elapsed:.1} ms"
    );
}
