//! The core journeys in every browser engine (issue 28): the whole suite
//! runs in Chromium, and these run in Chromium, Firefox and WebKit alike —
//! a stakeholder opening a shared plan on an iPhone is in WebKit whatever
//! the browser's name. Each journey ends, as every journey does, with no
//! Content-Security-Policy violation (`Browser::close`).

use super::{
    serve_release_build, server::StaticServer, Browser, CHART, HEADLINE_USERS, MODERATE_GROWTH,
    MONTH_12_USERS,
};
use crate::browser::{Engine, Feature};

/// The release build served, and a fresh `engine` browser showing it.
async fn open_app_in(engine: Engine) -> (StaticServer, Browser) {
    let server = serve_release_build();
    let browser = Browser::start_in(engine).await;
    browser.open(&server.url).await;
    (server, browser)
}

/// Whether the page is no wider than its window (no sideways scrolling).
const FITS_ITS_WIDTH: &str =
    "return document.documentElement.scrollWidth <= window.innerWidth + 1;";

/// The first module paints the worked example's first look, then the app
/// takes over with the same figures; both screens are audited and
/// photographed at desktop and phone width (target/screenshots/ENGINE-…).
pub async fn first_look_then_app(engine: Engine) {
    let (_server, browser) = open_app_in(engine).await;
    browser.first_look_and_app_times().await;
    the_worked_example_is_shown(&browser).await;
    let name = engine.name();
    browser.screenshot(&format!("{name}-app-1280")).await;
    browser.assert_accessible("the app at 1280 px").await;
    browser.resize_to_phone().await;
    browser
        .wait_until(FITS_ITS_WIDTH, "no sideways scrolling at phone width")
        .await;
    browser.screenshot(&format!("{name}-app-390")).await;
    browser.scroll_to("[data-test=users-chart]").await;
    browser.screenshot(&format!("{name}-chart-390")).await;
    browser.assert_accessible("the app at phone width").await;
    browser.close().await;
}

/// The worked example as the app shows it: month 12's users in the table and
/// the headline, the plan's name, the users chart drawn, and the bands
/// simulated.
pub async fn the_worked_example_is_shown(browser: &Browser) {
    // Seed 000, Moderate: 100 × 1.17¹² = 658.01 (its own table prints 664).
    assert_eq!(browser.text(MONTH_12_USERS).await, "658");
    assert_eq!(browser.text(HEADLINE_USERS).await, "658");
    let title = browser.text("h1").await;
    assert!(title.contains("Managed SaaS"), "{title}");
    assert!(
        browser.inked_pixels(CHART).await > 1000,
        "the chart is drawn"
    );
    // The uncertain drivers give the monthly cost a 90% range once simulated.
    browser
        .wait_for_text("[data-test=risks]", |text| {
            text.contains("2000 simulated futures")
        })
        .await;
}

/// The parts of the page a person scrolls through, each photographed.
const SCREENS: [(&str, &str); 5] = [
    ("details.editor-section", "editor"),
    ("[data-test=scenario-summary]", "scenarios"),
    ("canvas[data-test=cost-chart]", "cost-chart"),
    ("canvas[data-test=per-user-chart]", "per-user-chart"),
    ("canvas[data-test=tornado-chart]", "tornado-chart"),
];

/// Every part of the page and the Share panel at desktop and phone width,
/// photographed for a person to compare across engines
/// (target/screenshots/ENGINE-PART-WIDTH.png), the Share panel audited.
pub async fn every_screen_at_desktop_and_phone_width(engine: Engine) {
    let (_server, browser) = open_app_in(engine).await;
    the_worked_example_is_shown(&browser).await;
    browser.open_editor_sections().await;
    for (width, height) in [(1280, 900), (390, 844)] {
        browser.resize_to(width, height).await;
        for (css, part) in SCREENS {
            browser.scroll_to(css).await;
            browser
                .screenshot(&format!("{}-{part}-{width}", engine.name()))
                .await;
        }
        browser.share_link().await;
        browser.scroll_to("#share-link").await;
        browser
            .screenshot(&format!("{}-share-{width}", engine.name()))
            .await;
        browser
            .assert_accessible(&format!("the Share panel at {width} px"))
            .await;
        // Closed again, for the next width.
        browser
            .click_xpath("//button[normalize-space()='Share']")
            .await;
    }
    browser.close().await;
}

/// Typing a growth rate recomputes the table and the headline.
pub async fn an_edit_updates_the_headline(engine: Engine) {
    let (_server, browser) = open_app_in(engine).await;
    browser.type_into(MODERATE_GROWTH, "30%").await;
    // 100 × (1 + 0.30 − 0.08)¹² = 1,087.22 (Moderate's churn is 8%).
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "1,087")
        .await;
    browser
        .wait_for_text(HEADLINE_USERS, |text| text == "1,087")
        .await;
    browser.close().await;
}

/// A reload shows the plan as it was left, field and figures.
pub async fn a_reload_restores_the_saved_plan(engine: Engine) {
    let (_server, browser) = open_app_in(engine).await;
    browser.open_editor_sections().await;
    browser.type_into(super::BASELINE, "1.5k").await;
    // 1,500 × 1.17¹² = 9,870.1
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "9,870")
        .await;

    browser.client.refresh().await.expect("reload");
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "9,870")
        .await;
    browser.open_editor_sections().await;
    let field = browser.find(super::BASELINE).await;
    assert_eq!(
        field.prop("value").await.expect("value").as_deref(),
        Some("1500")
    );
    browser.close().await;
}

const SAVED_PLANS: &str =
    "return Object.keys(localStorage).filter(k => k.startsWith('headroom.plans.')).length;";

/// A link made in one browser opens read-only in a fresh one, saving
/// nothing until "Save a copy", which keeps it across a reload.
pub async fn a_share_link_opens_read_only_and_a_copy_can_be_saved(engine: Engine) {
    let server = serve_release_build();
    let sender = Browser::start_in(engine).await;
    sender.open(&server.url).await;
    sender.type_into(MODERATE_GROWTH, "30%").await;
    sender.wait_for_text(MONTH_12_USERS, |t| t == "1,087").await;
    let link = sender.share_link().await;
    assert!(
        link.contains("#h2.") && link.len() < 2_100,
        "{} characters",
        link.len()
    );
    sender.close().await;

    // Another person: a fresh browser profile, nothing saved.
    let receiver = Browser::start_in(engine).await;
    receiver.client.goto(&link).await.expect("open the link");
    receiver
        .wait_for_text("[data-test=shared-banner]", |t| t.contains("read-only"))
        .await;
    receiver
        .wait_for_text(MONTH_12_USERS, |t| t == "1,087")
        .await;
    let editors = receiver
        .run_js("return document.querySelectorAll('.editor').length;")
        .await;
    assert_eq!(editors, serde_json::json!(0), "a shared plan is read-only");
    assert_eq!(
        receiver.run_js(SAVED_PLANS).await,
        serde_json::json!(0),
        "opening a link saves nothing"
    );
    receiver.resize_to_phone().await;
    receiver
        .wait_until(FITS_ITS_WIDTH, "no sideways scrolling at phone width")
        .await;
    receiver
        .screenshot(&format!("{}-shared-390", engine.name()))
        .await;
    receiver
        .assert_accessible("a shared plan at phone width")
        .await;
    receiver
        .click_xpath("//button[normalize-space()='Save a copy']")
        .await;
    receiver.find(".editor").await;
    assert_eq!(receiver.run_js(SAVED_PLANS).await, serde_json::json!(1));
    receiver.client.refresh().await.expect("reload");
    receiver
        .wait_for_text(MONTH_12_USERS, |t| t == "1,087")
        .await;
    receiver.close().await;
}

/// After one visit the service worker has the whole app: with the server
/// gone, a reload opens the last plan, its bands come from the Monte Carlo
/// workers, and the other saved plan opens too.
pub async fn after_one_visit_it_works_offline_including_saved_plans(engine: Engine) {
    let (server, browser) = open_app_in(engine).await;
    browser.wait_for_service_worker().await;
    browser
        .click("#template-picker option[value=lean-mvp]")
        .await;
    browser
        .wait_for_text("h1", |t| t.contains("Lean MVP"))
        .await;
    // The network goes away, and the page is opened again (not reloaded:
    // Firefox's WebDriver reload bypasses the service worker, as a forced
    // reload does).
    let url = server.url.clone();
    drop(server);
    browser.goto(&url).await;
    browser
        .wait_for_text("h1", |t| t.contains("Lean MVP"))
        .await;
    browser
        .wait_for_text(MONTH_12_USERS, |t| t == "1,294")
        .await;
    // Its bands come from the Monte Carlo workers, their module from the
    // service worker's cache too. In WebKit (WebKitGTK here) the workers do
    // not start offline — their module is not served from the cache to
    // them — so there the page runs the scenarios itself: the same bands
    // (the fallback's own test is in montecarlo.rs), on the page's thread.
    let from = if engine == Engine::WebKit {
        "root.dataset.montecarloWhy === \"a worker's script did not load or stopped\""
    } else {
        "(root.dataset.montecarlo || '').startsWith('workers')"
    };
    browser
        .wait_until(
            &format!(
                "const root = document.documentElement;
                 return {from}
                     && !!root.dataset.bandsDigest
                     && document.querySelectorAll('.stale').length === 0;"
            ),
            "the bands, offline",
        )
        .await;
    // The other saved plan opens too.
    browser.click("button.toolbar-button[aria-expanded]").await;
    let open = "//li[contains(., 'Managed SaaS')]//button[normalize-space()='Open']";
    browser.click_xpath(open).await;
    browser.wait_for_text(MONTH_12_USERS, |t| t == "658").await;
    browser.close().await;
}

/// Opens `fragment` as a share link in a fresh `engine` browser: the notice
/// says the link is damaged, and the browser's own plans (a first visit: the
/// worked example, 658 users at month 12) open instead.
pub async fn open_damaged_link(engine: Engine, fragment: &str) -> (StaticServer, Browser) {
    let server = serve_release_build();
    let browser = Browser::start_in(engine).await;
    browser.goto(&format!("{}#{fragment}", server.url)).await;
    let notice = browser.wait_for_text(".notice", |t| !t.is_empty()).await;
    assert!(notice.contains("link is damaged"), "{notice}");
    browser.wait_for_text(MONTH_12_USERS, |t| t == "658").await;
    (server, browser)
}

pub async fn a_damaged_link_says_so_and_opens_the_own_plans(engine: Engine) {
    let (_server, browser) = open_damaged_link(engine, "h1.AAAAbroken").await;
    browser.close().await;
}

/// Where the browser lacks `feature`, a share link says what is missing,
/// which browsers can open it and that the plan is safe in the link;
/// audited and photographed at phone width. The engines switch the feature
/// off themselves (Chromium's journeys, in tests/e2e/cannot_run.rs, inject
/// a script instead).
pub async fn without_a_feature_a_share_link_says_so(engine: Engine, feature: Feature) {
    let server = serve_release_build();
    let plan = headroom::engine::model::templates::load("managed-saas")
        .expect("listed")
        .expect("valid");
    let link = headroom::engine::model::link::encode_link(plan.plan());
    let browser = Browser::start_without(engine, Some(feature)).await;
    browser.resize_to_phone().await;
    browser.goto(&format!("{}#{link}", server.url)).await;
    let message = browser
        .wait_for_text("#loading.cannot-run", |t| t.contains("cannot run Headroom"))
        .await;
    let missing = match feature {
        Feature::WasmSimd => "SIMD instructions",
        Feature::WebAssembly => "does not have or has turned off",
    };
    for expected in [
        missing,
        "Safari on iOS and macOS 16.4 or later",
        "Lockdown Mode",
        "The plan itself is safe in this link",
    ] {
        assert!(
            message.contains(expected),
            "{expected} missing from {message}"
        );
    }
    browser
        .screenshot(&format!("{}-cannot-run-390", engine.name()))
        .await;
    browser
        .assert_accessible("the cannot-run message at phone width")
        .await;
    browser.close().await;
}

/// One test per journey and engine, so a failure names both.
macro_rules! in_every_engine {
    ($($engine_module:ident => $engine:expr;)*) => {$(
        mod $engine_module {
            use super::*;

            #[tokio::test]
            async fn first_look_then_app() {
                super::first_look_then_app($engine).await;
            }

            #[tokio::test]
            async fn an_edit_updates_the_headline() {
                super::an_edit_updates_the_headline($engine).await;
            }

            #[tokio::test]
            async fn a_reload_restores_the_saved_plan() {
                super::a_reload_restores_the_saved_plan($engine).await;
            }

            #[tokio::test]
            async fn a_share_link_opens_read_only_and_a_copy_can_be_saved() {
                super::a_share_link_opens_read_only_and_a_copy_can_be_saved($engine).await;
            }

            #[tokio::test]
            async fn after_one_visit_it_works_offline_including_saved_plans() {
                super::after_one_visit_it_works_offline_including_saved_plans($engine).await;
            }

            #[tokio::test]
            async fn a_damaged_link_says_so_and_opens_the_own_plans() {
                super::a_damaged_link_says_so_and_opens_the_own_plans($engine).await;
            }

            #[tokio::test]
            async fn every_screen_at_desktop_and_phone_width() {
                super::every_screen_at_desktop_and_phone_width($engine).await;
            }
        }
    )*};
}

in_every_engine! {
    chromium => Engine::Chromium;
    firefox => Engine::Firefox;
    webkit => Engine::WebKit;
}

#[tokio::test]
async fn firefox_without_webassembly_says_so() {
    without_a_feature_a_share_link_says_so(Engine::Firefox, Feature::WebAssembly).await;
}

#[tokio::test]
async fn webkit_without_simd_says_so() {
    without_a_feature_a_share_link_says_so(Engine::WebKit, Feature::WasmSimd).await;
}

/// In the page: for every resource that finished before the first look,
/// its name and the bytes it took over the network (the navigation too).
const BEFORE_THE_FIRST_LOOK: &str = "
const first = window.__headroomFirstLook;
return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
  .filter(entry => entry.responseEnd <= first)
  .map(entry => [entry.name.split('/').pop().split('#')[0], entry.transferSize]);";

/// What each engine downloads before the first look: every file once (WebKit
/// downloaded the first module's WebAssembly twice while the page preloaded
/// it), and the same bytes in every engine, within the page's own size (the
/// engines differ in headers and in whether they fetch the icon).
#[tokio::test]
async fn every_engine_downloads_the_same_bytes_once_before_the_first_look() {
    let server = serve_release_build();
    let page_size = std::fs::metadata(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist/index.html"),
    )
    .expect("dist/index.html")
    .len();
    let mut totals = Vec::new();
    for engine in [Engine::Chromium, Engine::Firefox, Engine::WebKit] {
        let browser = Browser::start_in(engine).await;
        browser.open(&server.url).await;
        let found = browser.run_js(BEFORE_THE_FIRST_LOOK).await;
        let entries: Vec<(String, u64)> = found
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|entry| {
                        let name = entry[0].as_str().unwrap_or_default().to_string();
                        (name, entry[1].as_u64().unwrap_or(0))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let wasm = super::dist_file("headroom-start-", "_bg.wasm");
        assert!(
            entries.iter().any(|(name, _)| *name == wasm),
            "{engine:?} loaded {wasm} before the first look: {entries:?}"
        );
        for (name, _) in &entries {
            let times = entries.iter().filter(|(other, _)| other == name).count();
            assert_eq!(
                times, 1,
                "{engine:?} downloaded {name} {times} times: {entries:?}"
            );
        }
        let total: u64 = entries.iter().map(|(_, bytes)| bytes).sum();
        println!("BUDGET first_look_bytes_{} {total}", engine.name());
        totals.push((engine, total));
        browser.close().await;
    }
    let least = totals.iter().map(|(_, bytes)| *bytes).min().unwrap_or(0);
    let most = totals.iter().map(|(_, bytes)| *bytes).max().unwrap_or(0);
    assert!(
        most - least <= page_size,
        "bytes before the first look differ by more than the page ({page_size} bytes): {totals:?}"
    );
}
