//! Every state a user can reach passes an axe-core audit with no violation
//! of any impact, at desktop and phone widths; and the main journey works
//! from the keyboard alone, with the focus always visible.

use super::browser::Browser;
use super::{open_app, MODERATE_GROWTH, MONTH_12_USERS};
use fantoccini::key::Key;

#[tokio::test]
async fn every_screen_passes_an_accessibility_audit() {
    let (server, browser) = open_app().await;
    browser.assert_accessible("the worked example").await;
    browser.open_editor_sections().await;
    browser
        .assert_accessible("the worked example with every editor section open")
        .await;
    for (menu, what) in [
        ("Plans", "the Plans list"),
        ("Share", "the Share menu"),
        ("Export / Import", "the Export / Import menu"),
    ] {
        browser
            .click_xpath(&format!("//button[normalize-space()='{menu}']"))
            .await;
        browser.find(".menu-panel").await;
        browser.assert_accessible(what).await;
    }
    browser
        .click_xpath("//button[normalize-space()='Close']")
        .await;
    // A bad value: its message beside the field.
    browser.type_into(MODERATE_GROWTH, "lots").await;
    browser
        .wait_for_text(".field.invalid .field-error", |t| !t.is_empty())
        .await;
    browser
        .assert_accessible("a field with an error message")
        .await;

    // The phone width, with its editor open below the results.
    browser.resize_to_phone().await;
    browser.assert_accessible("the phone width").await;
    // The audit is live: an image without a text alternative is caught.
    browser
        .run_js("const i = document.createElement('img'); i.src = 'favicon.svg'; document.querySelector('main').append(i);")
        .await;
    let caught = browser.accessibility_violations().await;
    assert!(caught.iter().any(|v| v.contains("image-alt")), "{caught:?}");
    browser.close().await;

    // The share view of a link, and an error notice (a damaged link).
    let browser = Browser::start().await;
    browser.open(&server.url).await;
    let link = browser.share_link().await;
    browser.close().await;
    let browser = Browser::start().await;
    browser.open(&link).await;
    browser.find("[data-test=shared-banner]").await;
    browser.assert_accessible("the share view of a link").await;
    browser.resize_to_phone().await;
    browser
        .assert_accessible("the share view at phone width")
        .await;
    browser.close().await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}#h1.AAAAbroken", server.url)).await;
    browser
        .wait_for_text(".notice", |t| t.contains("link is damaged"))
        .await;
    browser.wait_for_text(MONTH_12_USERS, |t| t == "658").await;
    browser.assert_accessible("an error notice").await;
    browser.close().await;
}

/// Tabs until `id` has the focus, checking at every stop that the focus
/// shows; returns how many presses it took.
async fn tab_to(browser: &Browser, id: &str, backwards: bool, limit: usize) -> usize {
    for presses in 1..=limit {
        let key = if backwards {
            format!(
                "{}{}{}",
                char::from(Key::Shift),
                char::from(Key::Tab),
                char::from(Key::Null)
            )
        } else {
            char::from(Key::Tab).to_string()
        };
        browser.press(&key).await;
        let (focused, shows) = browser.focused().await;
        assert!(
            shows,
            "the focus on {focused} is not visible (press {presses})"
        );
        if focused == id {
            return presses;
        }
    }
    panic!("{id} not reached in {limit} presses of Tab");
}

#[tokio::test]
async fn the_main_journey_works_from_the_keyboard_alone() {
    let (_server, browser) = open_app().await;
    // Record what the page copies (a headless browser has no clipboard to read).
    browser
        .run_js(
            "window.__copied = null;
             Object.defineProperty(navigator.clipboard, 'writeText', {
                 value: text => { window.__copied = text; return Promise.resolve(); } });",
        )
        .await;
    browser
        .run_js("document.activeElement.blur(); window.focus();")
        .await;
    // From the first Tab to the Moderate scenario's growth rate.
    let growth_id = MODERATE_GROWTH.trim_start_matches('#');
    let presses = tab_to(&browser, growth_id, false, 120).await;
    assert!(presses >= 3, "the growth field is {presses} presses in");
    let select_all = format!("{}a{}", char::from(Key::Control), char::from(Key::Null));
    browser.press(&select_all).await;
    browser.press("30%").await;
    // 100 × (1 + 0.30 − 0.08)¹² = 1,087.22
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "1,087")
        .await;
    // Back up to the toolbar's Share button and open it with Enter.
    let back = tab_to(&browser, "BUTTON Share", true, 150).await;
    assert!(back >= 1);
    browser.press(&char::from(Key::Enter).to_string()).await;
    browser.find("#share-link").await;
    // On to "Copy link", and copy with the space bar.
    tab_to(&browser, "BUTTON Copy link", false, 10).await;
    browser.press(" ").await;
    browser
        .wait_until(
            "return typeof window.__copied === 'string';",
            "the link copied",
        )
        .await;
    let copied = browser.run_js("return window.__copied;").await;
    let shown = browser
        .find("#share-link")
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(copied.as_str(), Some(shown.as_str()));
    assert!(shown.contains("#h2."), "{shown}");
    browser
        .wait_for_text(".menu-message", |t| t.contains("Link copied"))
        .await;
    browser.close().await;
}
