//! The monthly loop of issue 15 in the real app: a bad file of actuals is
//! refused with its located message and changes nothing; the example file is
//! previewed, added, drawn and compared; a cell is fixed in the grid; growth
//! is refitted into a new scenario with a range; the plan is re-forecast from
//! the last actual, keeping the old plan as a saved copy.

use super::{open_app, CHART};
use fantoccini::key::Key;
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

/// Three years of users with a season (busy Decembers, quiet summers),
/// steady growth and a little deterministic noise, ending at the plan's
/// month 0 (Jan 2026).
fn seasonal_history() -> String {
    const SEASON: [f64; 12] = [
        0.95, 0.92, 0.97, 1.0, 0.98, 0.9, 0.88, 0.93, 1.02, 1.06, 1.15, 1.24,
    ];
    let mut csv = String::from("Month,Users\n");
    for t in 0..36 {
        let (year, month) = (2023 + (t + 1) / 12, (t + 1) % 12);
        let users = 200.0
            * 1.012f64.powi(t)
            * SEASON[month as usize]
            * (1.0 + 0.015 * (1.7 * f64::from(t)).sin());
        csv.push_str(&format!("{year}-{:02},{}\n", month + 1, users.round()));
    }
    csv
}

const USERS_READOUT: &str = "figure:has(canvas[data-test=users-chart]) .readout";

/// The ratio of a band's ends in the users chart's read-out: `… – …`, on
/// the band's line or the next.
fn band_ratio(readout: &str, band: &str) -> f64 {
    let mut lines = readout.lines().skip_while(|line| !line.contains(band));
    let own = lines
        .next()
        .unwrap_or_else(|| panic!("no {band} in {readout}"))
        .replace(band, "");
    let line = if own.contains(" – ") {
        own
    } else {
        lines.next().unwrap_or_default().to_string()
    };
    let ends: Vec<f64> = line
        .split(" – ")
        .map(|end| end.replace(',', "").trim().parse::<f64>().expect("a count"))
        .collect();
    ends[1] / ends[0]
}

/// Issue 27's journey: a seasonal history pasted; the fit recommends a
/// model with a seasonal profile and shows how it would have done on the
/// last 6 months; added, its bands widen with the horizon. Seasonality and
/// volatility are typed into a scenario, and a mistake is refused beside
/// its field with nothing changed.
#[tokio::test]
async fn a_seasonal_history_is_fitted_honestly_and_its_bands_widen() {
    let (_server, browser) = open_app().await;
    browser.open_editor_sections().await;
    browser
        .client
        .execute(PASTE, vec![serde_json::json!(seasonal_history())])
        .await
        .expect("paste");
    browser.click("[data-test=preview-actuals]").await;
    browser
        .wait_for_text("[data-test=import-preview]", |t| {
            t.contains("36 months (Feb 2023 to Jan 2026)")
        })
        .await;
    browser.click("[data-test=accept-actuals]").await;
    browser
        .wait_for_text("tr[data-month=\"0\"] td", |t| t.contains("actual"))
        .await;

    browser.click("[data-test=fit-actuals]").await;
    let fitted = browser
        .wait_for_text("[data-test=fit-result]", |t| t.contains("with seasonality"))
        .await;
    assert!(
        fitted.contains("would have predicted the last 6 months"),
        "{fitted}"
    );
    assert!(fitted.contains("Users swing about"), "{fitted}");
    let profile = browser.text("[data-test=season-profile]").await;
    assert!(
        profile.contains("Dec") && profile.contains("Jul"),
        "{profile}"
    );
    let hindsight = browser.text("[data-test=hindsight-summary]").await;
    assert!(
        hindsight.contains("before Aug 2025")
            && hindsight.contains("of 6 actuals fell inside its 90% band"),
        "{hindsight}"
    );
    assert!(
        browser
            .inked_pixels("canvas[data-test=hindsight-chart]")
            .await
            > 1000,
        "the hindsight chart is drawn"
    );
    browser
        .assert_accessible("a seasonal fit with its hindsight")
        .await;
    // Tall windows, so one picture holds the whole panel.
    browser
        .client
        .set_window_size(1280, 1900)
        .await
        .expect("resize");
    browser.scroll_to("[data-test=fit-result]").await;
    browser.screenshot("fit-panel-1280").await;
    browser.resize_to_phone().await;
    browser
        .client
        .set_window_size(390, 2600)
        .await
        .expect("resize");
    browser.scroll_to("[data-test=fit-result]").await;
    browser.screenshot("fit-panel-390").await;
    // Nothing reaches past a phone's width (the page would scroll sideways:
    // a table's visually hidden label once did).
    let widths = browser
        .run_js(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
        )
        .await;
    assert!(
        widths[0].as_u64() <= widths[1].as_u64(),
        "the page scrolls sideways: {widths}"
    );
    browser
        .assert_accessible("the fit panel at phone width")
        .await;
    browser
        .client
        .set_window_size(1280, 900)
        .await
        .expect("resize");

    // Added: the chosen scenario's P5–P95 band, a month ahead and at the
    // horizon (the read-out steps through the months with the arrow keys).
    browser.click("[data-test=add-fitted]").await;
    browser
        .wait_for_text(".headline-range", |t| t.contains("90% likely"))
        .await;
    browser.press_key(CHART, Key::Right).await;
    browser.press_key(CHART, Key::Right).await;
    let first = browser
        .wait_for_text(USERS_READOUT, |t| t.contains("Month 1 ·"))
        .await;
    browser.press_key(CHART, Key::Escape).await;
    browser.press_key(CHART, Key::Left).await;
    let last = browser
        .wait_for_text(USERS_READOUT, |t| t.contains("Month 12 ·"))
        .await;
    let band = "Fitted to actuals P5–P95";
    let (near, far) = (band_ratio(&first, band), band_ratio(&last, band));
    // In logs the spread grows with the horizon (about √12 ≈ 3.5 times from
    // month 1 to 12 for swings alone, more with the rate's range).
    assert!(
        far.ln() > 2.0 * near.ln(),
        "the band widens: P95/P5 {near} a month ahead, {far} at month 12"
    );

    // Typed: seasonality and a swing; a mistake is refused where it is typed.
    let seasonality = "#field-scenarios-1-seasonality";
    browser.type_into(seasonality, "Nov +20%, Dec +45%").await;
    browser
        .wait_until(
            &saved_plans_contain(
                "\"seasonality\":[1.0,1.0,1.0,1.0,1.0,1.0,1.0,1.0,1.0,1.0,1.2,1.45]",
            ),
            "the typed seasonality is saved",
        )
        .await;
    browser
        .type_into("#field-scenarios-1-volatility", "±4% a month")
        .await;
    browser
        .wait_until(
            &saved_plans_contain("\"volatility\":0.04"),
            "the swing is saved",
        )
        .await;
    let saved = browser.run_js(SAVED_PLANS).await;
    browser.type_into(seasonality, "Nov +20%, Dex +45%").await;
    let refused = browser
        .wait_for_text("#field-scenarios-1-seasonality-error", |t| !t.is_empty())
        .await;
    assert!(
        refused.contains("“Dex +45%”: start each part with a month"),
        "{refused}"
    );
    assert_eq!(browser.run_js(SAVED_PLANS).await, saved, "nothing saved");
    browser.assert_accessible("a refused seasonality").await;
    browser.scroll_to("#field-scenarios-1-growth-growth").await;
    browser.screenshot("seasons-and-swings-1280").await;
    browser.resize_to_phone().await;
    browser.scroll_to("#field-scenarios-1-seasonality").await;
    browser.screenshot("seasons-and-swings-390").await;
    browser.close().await;
}
