//! Where Headroom cannot run, the page says so instead of "Loading…" for
//! ever (issue 28): a browser without WebAssembly's SIMD instructions
//! (Safari before 16.4), one without WebAssembly at all (Lockdown Mode), and
//! a first module that fails to load. Chromium stands in for them: a script
//! run before the page takes the feature away.

use super::{serve_release_build, Browser};
use headroom::engine::model::link::encode_link;
use headroom::engine::model::templates;

const MESSAGE: &str = "#loading.cannot-run";

/// The first module's WebAssembly in this build.
fn first_wasm() -> String {
    super::dist_file("headroom-start-", "_bg.wasm")
}

#[tokio::test]
async fn a_browser_without_webassembly_simd_is_told_so_even_for_a_share_link() {
    let server = serve_release_build();
    let plan = templates::load("managed-saas")
        .expect("listed")
        .expect("valid");
    let browser = Browser::start().await;
    // As in Safari before 16.4: WebAssembly, but no SIMD instructions.
    browser
        .before_every_page("WebAssembly.validate = () => false;")
        .await;
    browser
        .goto(&format!("{}#{}", server.url, encode_link(plan.plan())))
        .await;
    let message = browser
        .wait_for_text(MESSAGE, |t| t.contains("cannot run Headroom"))
        .await;
    for expected in [
        "SIMD instructions",
        "Safari on iOS and macOS 16.4 or later",
        "Chrome and Edge 91 or later",
        "Firefox 89 or later",
        "Lockdown Mode",
        "The plan itself is safe in this link",
    ] {
        assert!(
            message.contains(expected),
            "{expected} missing from {message}"
        );
    }
    browser.assert_accessible("the no-SIMD message").await;
    browser.resize_to_phone().await;
    browser.screenshot("cannot-run-no-simd-390").await;
    browser
        .assert_accessible("the no-SIMD message at phone width")
        .await;
    browser.close().await;

    // As in Lockdown Mode: no WebAssembly at all; not a link, so nothing
    // about one.
    let browser = Browser::start().await;
    browser
        .before_every_page("delete globalThis.WebAssembly;")
        .await;
    browser.goto(&server.url).await;
    let message = browser
        .wait_for_text(MESSAGE, |t| t.contains("cannot run Headroom"))
        .await;
    assert!(
        message.contains("does not have or has turned off") && !message.contains("this link"),
        "{message}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_first_module_that_does_not_load_says_so() {
    let server = serve_release_build();
    server.refuse(Some(&first_wasm()));
    let browser = Browser::start().await;
    browser.goto(&server.url).await;
    let message = browser
        .wait_for_text(MESSAGE, |t| t.contains("Headroom could not start"))
        .await;
    assert!(message.contains("reload the page"), "{message}");
    browser
        .assert_accessible("a first module that did not load")
        .await;
    browser.close().await;
}
