//! The first look: the small first module paints a plan's headline and users
//! chart before the app has loaded, and says so (with a way to try again)
//! when the app's module does not arrive.

use super::{serve_release_build, Browser, HEADLINE_USERS, MONTH_12_USERS};
use headroom::engine::model::link::encode_link;
use headroom::engine::model::templates;

const FAILED: &str = "#first-look .first-look-status.failed";
const TRY_AGAIN: &str = "#first-look .first-look-status button";
const FIRST_LOOK_VALUES: &str =
    "return [...document.querySelectorAll('#first-look .headline-value')].map(e => e.textContent);";
const APP_VALUES: &str =
    "return [...document.querySelectorAll('.headlines .headline-value')].map(e => e.textContent);";

/// The app's WebAssembly in this build.
fn app_wasm() -> String {
    super::dist_file("headroom-web-", "_bg.wasm")
}

#[tokio::test]
async fn the_worked_example_shows_before_the_app_and_a_failed_app_can_be_tried_again() {
    let server = serve_release_build();
    // The network drops after the first module: the app's files never come.
    server.refuse(Some("headroom-web-"));
    let browser = Browser::start().await;
    browser.goto(&server.url).await;
    let status = browser
        .wait_for_text(FAILED, |t| t.contains("did not load"))
        .await;
    assert!(
        status.contains("The figures shown are complete"),
        "{status}"
    );
    // Seed 000, Moderate at month 12: 100 × 1.17¹² = 658.01 users. A month's
    // cost: fixed $90, OpenAI 658.01 × √(25 × 100) × $0.02 = $658.01, S3
    // 658.01 × √(1 × 4) × $0.023 = $30.27, Supabase on Team $599 (transfer
    // 658.01 × √(250 × 1000) / 1000 = 329 GB is past Pro+'s 250 GB) and Redis
    // on the 16 GB cluster $360 (6,580 MB is 82% of 8 GB, past its 80%
    // target): $1,737.28.
    let values = browser.run_js(FIRST_LOOK_VALUES).await;
    assert_eq!(values[0], serde_json::json!("658"), "{values}");
    assert_eq!(values[1], serde_json::json!("$1,737"), "{values}");
    let first_limit = browser.text("#first-look .callouts").await;
    assert!(first_limit.contains("month 3 · Apr 2026"), "{first_limit}");
    assert!(
        browser.inked_pixels("#first-look canvas").await > 1000,
        "the users chart is drawn"
    );
    browser
        .assert_accessible("the first look, the app not loaded")
        .await;
    browser.resize_to_phone().await;
    browser
        .assert_accessible("the first look at phone width, the app not loaded")
        .await;

    // Still no network: trying again asks for the loader anew (a module URL
    // that failed stays failed), fails again, and says so again.
    browser.click(TRY_AGAIN).await;
    browser
        .wait_until(
            "return !!document.querySelector('script[src$=\"?attempt=1\"]');",
            "a second try with its own URL",
        )
        .await;
    browser
        .wait_for_text(FAILED, |t| t.contains("did not load"))
        .await;

    // The network is back: the next try brings the app, which takes over.
    server.refuse(None);
    browser.click(TRY_AGAIN).await;
    browser.wait_for_text(MONTH_12_USERS, |t| t == "658").await;
    assert_eq!(browser.text(HEADLINE_USERS).await, "658");
    assert!(browser.text("h1").await.contains("Managed SaaS"));
    browser
        .wait_until(
            "return !document.getElementById('first-look') && !!document.querySelector('link[data-headroom-app]');",
            "the app replaced the first look, with its stylesheet",
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_shared_link_shows_the_same_figures_first_as_the_app_then_shows() {
    let plan = templates::load("realtime-platform")
        .expect("a template")
        .expect("a valid template");
    let link = encode_link(plan.plan());
    let server = serve_release_build();
    // Only the app's WebAssembly fails: its JavaScript arrives, starting it does not.
    server.refuse(Some(&app_wasm()));
    let browser = Browser::start().await;
    browser.goto(&format!("{}#{link}", server.url)).await;
    browser
        .wait_for_text(FAILED, |t| t.contains("did not load"))
        .await;
    assert_eq!(browser.text("#first-look h1").await, plan.plan().name);
    let read_only = browser
        .run_js("return [!!document.querySelector('#first-look .layout.read-only'), !document.querySelector('.first-look-editor')];")
        .await;
    assert_eq!(
        read_only,
        serde_json::json!([true, true]),
        "no editor for a shared plan"
    );
    let first_look = browser.run_js(FIRST_LOOK_VALUES).await;
    assert_eq!(first_look.as_array().map(Vec::len), Some(8), "{first_look}");
    browser
        .assert_accessible("the first look of a shared link, the app not loaded")
        .await;

    server.refuse(None);
    browser.click(TRY_AGAIN).await;
    browser
        .wait_for_text("[data-test=shared-banner]", |t| t.contains("read-only"))
        .await;
    assert_eq!(
        browser.run_js(APP_VALUES).await,
        first_look,
        "the app shows what the first look showed"
    );
    browser.close().await;
}

#[tokio::test]
async fn saved_plans_open_straight_in_the_app() {
    let server = serve_release_build();
    server.refuse(Some("headroom-web-"));
    let browser = Browser::start().await;
    browser.goto(&server.url).await;
    browser
        .wait_for_text(FAILED, |t| t.contains("did not load"))
        .await;
    // A library on this device (the plan open last): the app opens it, so
    // there is no first look of the worked example.
    browser
        .run_js("localStorage.setItem('headroom.open', 'p1'); return true;")
        .await;
    browser.goto(&server.url).await;
    let status = browser
        .wait_for_text("#loading", |t| t.contains("did not load"))
        .await;
    assert!(
        !status.contains("figures shown"),
        "no figures to speak of: {status}"
    );
    assert_eq!(
        browser
            .run_js("return !!document.getElementById('first-look');")
            .await,
        serde_json::json!(false)
    );
    server.refuse(None);
    browser.click("#loading button").await;
    browser.wait_for_text(MONTH_12_USERS, |t| t == "658").await;
    browser.close().await;
}

#[tokio::test]
async fn after_one_visit_a_share_link_opens_offline_with_both_modules() {
    let server = serve_release_build();
    let browser = Browser::start().await;
    browser.open(&server.url).await;
    browser.wait_for_service_worker().await;
    let plan = templates::load("lean-mvp")
        .expect("a template")
        .expect("a valid template");
    let link = encode_link(plan.plan());
    let url = format!("{}#{link}", server.url);
    // The network goes away; the link, pasted into the same tab (only the
    // fragment changes, so the app loads the page again), still opens.
    drop(server);
    browser.goto(&url).await;
    browser
        .wait_for_text("[data-test=shared-banner]", |t| t.contains("read-only"))
        .await;
    assert_eq!(browser.text("h1").await, plan.plan().name);
    browser.close().await;
}
