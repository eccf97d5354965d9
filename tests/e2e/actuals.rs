//! The monthly loop of issue 15 in the real app: a bad file of actuals is
//! refused with its located message and changes nothing; the example file is
//! previewed, added, drawn and compared; a cell is fixed in the grid; growth
//! is refitted into a new scenario with a range; the plan is re-forecast from
//! the last actual, keeping the old plan as a saved copy.

use super::open_app;
use std::io::Write;

const EXAMPLE: &str = include_str!("../../examples/actuals.csv");
const MONTH_9_USERS: &str = "tr[data-month=\"9\"] td";
const SAVED_PLANS: &str = "return Object.keys(localStorage).filter(k => k.startsWith('headroom.plans.')).map(k => localStorage.getItem(k)).join('\\n');";

/// A script: whether the saved plans' text contains `text`.
fn saved_plans_contain(text: &str) -> String {
    format!(
        "return Object.keys(localStorage).filter(k => k.startsWith('headroom.plans.')).some(k => localStorage.getItem(k).includes({}));",
        serde_json::json!(text)
    )
}

/// Pastes `text` into the CSV box (as a paste does: the value, then an input event).
const PASTE: &str = "const box = document.getElementById('actuals-csv'); box.value = arguments[0]; box.dispatchEvent(new Event('input', { bubbles: true }));";

#[tokio::test]
async fn actuals_are_imported_compared_refitted_and_reforecast() {
    let (_server, browser) = open_app().await;
    browser.open_editor_sections().await;
    let chart_before = browser.canvas_image("canvas[data-test=users-chart]").await;
    let saved_before = browser.run_js(SAVED_PLANS).await;

    // A bad file, opened from disk: its problem located, nothing changed.
    let path = std::env::temp_dir().join(format!("headroom-e2e-{}-bad.csv", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut file| file.write_all(b"month,users\n2026-01,100\nMars 2026,120\n"))
        .expect("write the bad file");
    browser
        .find("#actuals-file")
        .await
        .send_keys(path.to_str().expect("a path"))
        .await
        .expect("choose the file");
    let refused = browser
        .wait_for_text("[data-test=import-errors]", |t| !t.is_empty())
        .await;
    assert!(
        refused.contains("row 3, column A (\"month\"): 'Mars 2026' is not a month")
            && refused.contains("Nothing was changed"),
        "{refused}"
    );
    assert!(!browser.text(MONTH_9_USERS).await.contains("actual"));
    assert_eq!(browser.run_js(SAVED_PLANS).await, saved_before);
    browser.assert_accessible("a refused file of actuals").await;

    // The example file, pasted: a preview first, then the actuals.
    browser
        .client
        .execute(PASTE, vec![serde_json::json!(EXAMPLE)])
        .await
        .expect("paste");
    browser.click("[data-test=preview-actuals]").await;
    let preview = browser.text("[data-test=import-preview]").await;
    for expected in [
        "13 months (Oct 2025 to Oct 2026) × 5 series",
        "DB size MB",
        "db_size_mb",
        "“Notes”",
    ] {
        assert!(
            preview.contains(expected),
            "{expected} missing from {preview}"
        );
    }
    browser
        .assert_accessible("the preview of a file of actuals")
        .await;
    browser.click("[data-test=accept-actuals]").await;

    // Compared: the month table, the headline, the chart, saved.
    let users = browser
        .wait_for_text(MONTH_9_USERS, |t| t.contains("actual 326"))
        .await;
    assert!(users.contains("85 (21%)"), "{users}");
    let against = browser.text("[data-test=against-actuals]").await;
    assert!(
        against.contains("Oct 2026") && against.contains("Users 21% below plan"),
        "{against}"
    );
    assert_ne!(
        browser.canvas_image("canvas[data-test=users-chart]").await,
        chart_before,
        "the actuals are drawn"
    );
    browser
        .wait_until(&saved_plans_contain("\"actuals\""), "the actuals are saved")
        .await;
    browser.assert_accessible("a plan with actuals").await;

    // Fixed in the grid: Oct 2026 was 330.
    browser
        .type_into("input[data-actual=\"users@9\"]", "330\n")
        .await;
    browser
        .wait_for_text(MONTH_9_USERS, |t| t.contains("actual 330"))
        .await;

    // Refit: a new scenario with a growth range, chosen and simulated.
    browser.click("[data-test=fit-actuals]").await;
    let fitted = browser.text("[data-test=fit-result]").await;
    assert!(fitted.contains("growth a month"), "{fitted}");
    // Every model's record on held-out months, and why one is recommended.
    let record = browser.text("[data-test=fit-record]").await;
    assert!(
        record.contains("Damped trend") && record.contains("(chosen)"),
        "{record}"
    );
    assert!(
        fitted.contains("would have predicted the last 6 months"),
        "{fitted}"
    );
    browser.click("[data-test=add-fitted]").await;
    browser
        .wait_for_text(".panel-head .scenario-tabs", |t| {
            t.contains("Fitted to actuals")
        })
        .await;
    browser
        .wait_for_text("#headline-title", |t| t.contains("Fitted to actuals"))
        .await;
    browser
        .wait_for_text(".headline-range", |t| t.contains("90% likely"))
        .await;

    // Re-forecast from Oct 2026, keeping the end: 3 months left, the old plan kept.
    browser.click("[data-test=reforecast]").await;
    browser
        .wait_for_text("tr[data-month=\"0\"] td", |t| t.starts_with("330"))
        .await;
    browser
        .wait_for_text("tr[data-month=\"0\"] th", |t| t.contains("Oct 2026"))
        .await;
    browser
        .wait_until(
            &saved_plans_contain("before re-forecast from Oct 2026"),
            "the plan as it was is kept",
        )
        .await;
    let _ = std::fs::remove_file(path);
    browser.close().await;
}
