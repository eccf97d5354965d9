//! Issue 19 in the real app: edit, hide the page (the session ends and a
//! version is kept), edit again, open History, compare with the earlier
//! version, restore it; then compare with a shared link.

use super::browser::Browser;
use super::{open_app, BASELINE, MODERATE_GROWTH, MONTH_12_USERS};

/// What a browser does when the tab is hidden: `document.hidden` turns true
/// and `visibilitychange` fires.
async fn hide_page(browser: &Browser) {
    browser
        .run_js(
            "Object.defineProperty(document, 'hidden', {value: true, configurable: true});
             document.dispatchEvent(new Event('visibilitychange', {bubbles: true}));
             Object.defineProperty(document, 'hidden', {value: false, configurable: true});
             return true;",
        )
        .await;
}

async fn open_menu(browser: &Browser, label: &str) {
    browser
        .click_xpath(&format!(
            "//button[contains(@class, 'toolbar-button') and normalize-space(.)='{label}']"
        ))
        .await;
}

#[tokio::test]
async fn edit_hide_edit_compare_with_the_earlier_version_and_restore_it() {
    let (_server, browser) = open_app().await;
    browser.open_editor_sections().await;
    // Edit: Moderate at 30% (month 12: 100 × 1.22¹² = 1,087).
    browser.type_into(MODERATE_GROWTH, "30%").await;
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "1,087")
        .await;
    hide_page(&browser).await;
    // Edit again: 150 users at month 0 (150 × 1.22¹² = 1,631).
    browser.type_into(BASELINE, "150").await;
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "1,631")
        .await;
    hide_page(&browser).await;

    open_menu(&browser, "History").await;
    let versions = browser
        .wait_for_text("[data-test=versions]", |t| t.contains("first version"))
        .await;
    assert!(
        versions.contains("users at month 0 100 → 150"),
        "{versions}"
    );
    assert!(versions.contains("Moderate growth 25% → 30%"), "{versions}");
    browser.assert_accessible("the history of a plan").await;

    // Compare with the version before the second edit.
    browser
        .click_xpath("(//li[@data-test='version'])[2]//button[normalize-space(.)='Compare']")
        .await;
    let summary = browser
        .wait_for_text("[data-test=comparison-summary]", |t| t.contains("Moderate"))
        .await;
    assert!(summary.contains("Moderate: month-12 cost +$"), "{summary}");
    let changes = browser.text("[data-test=comparison-changes]").await;
    assert!(changes.contains("users at month 0 100 → 150"), "{changes}");
    assert!(!changes.contains("growth"), "{changes}");
    let results = browser.text("[data-test=comparison-results]").await;
    assert!(
        results.contains("1,087") && results.contains("1,631"),
        "{results}"
    );
    assert!(results.contains("▲ +544"), "{results}");
    browser
        .assert_accessible("a comparison with an earlier version")
        .await;

    // Restore it: the plan is back at 100 users, and the history keeps both.
    open_menu(&browser, "History").await;
    browser
        .click_xpath("(//li[@data-test='version'])[2]//button[normalize-space(.)='Restore']")
        .await;
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "1,087")
        .await;
    let versions = browser
        .wait_for_text("[data-test=versions]", |t| {
            t.contains("users at month 0 150 → 100")
        })
        .await;
    assert_eq!(versions.matches("Restore").count(), 4, "{versions}");
    assert!(browser.csp_violations().await.is_empty());
    browser.close().await;
}

#[tokio::test]
async fn a_plan_compares_with_a_shared_link_and_views_a_version_read_only() {
    let (_server, browser) = open_app().await;
    let link = browser.share_link().await;
    browser.type_into(MODERATE_GROWTH, "30%").await;
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "1,087")
        .await;
    open_menu(&browser, "Compare").await;
    browser.type_into("[data-test=compare-link]", &link).await;
    browser
        .click_xpath("//button[normalize-space(.)='Compare with the link']")
        .await;
    let changes = browser
        .wait_for_text("[data-test=comparison-changes]", |t| !t.is_empty())
        .await;
    assert!(changes.contains("Moderate growth 25% → 30%"), "{changes}");
    let results = browser.text("[data-test=comparison-results]").await;
    assert!(
        results.contains("658") && results.contains("1,087"),
        "{results}"
    );
    browser.resize_to_phone().await;
    browser
        .assert_accessible("a comparison at phone width")
        .await;

    // A version viewed read-only: no editor, a banner, and back again.
    hide_page(&browser).await;
    open_menu(&browser, "History").await;
    browser
        .click_xpath("(//li[@data-test='version'])[last()]//button[normalize-space(.)='View']")
        .await;
    let banner = browser
        .wait_for_text("[data-test=version-banner]", |t| t.contains("read-only"))
        .await;
    assert!(banner.contains("Restore this version"), "{banner}");
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "658")
        .await;
    browser
        .assert_accessible("a version viewed read-only")
        .await;
    browser
        .click_xpath("//button[normalize-space(.)='Back to the plan now']")
        .await;
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "1,087")
        .await;

    // Any two sides: the first version (before the edit) against the link
    // it was shared as — the same plan, so nothing changed.
    open_menu(&browser, "Compare").await;
    browser
        .run_js(
            "const base = document.querySelector('[data-test=compare-base]');
             base.value = base.querySelector('option[value^=\"version:\"]:last-of-type').value;
             base.dispatchEvent(new Event('change', {bubbles: true}));
             return true;",
        )
        .await;
    browser.type_into("[data-test=compare-link]", &link).await;
    browser
        .click_xpath("//button[normalize-space(.)='Compare with the link']")
        .await;
    let meta = browser
        .wait_for_text("[data-test=comparison] .plan-meta", |t| {
            t.starts_with("The version from")
        })
        .await;
    assert!(
        meta.ends_with("against the shared link (dashed)."),
        "{meta}"
    );
    browser
        .wait_for_text("[data-test=comparison]", |t| {
            t.contains("No change in the assumptions.")
        })
        .await;
    assert!(browser.csp_violations().await.is_empty());
    browser.close().await;
}
