//! Decisions in the real app (issue 16), on seed 004's template: a lead time
//! moves the act-by card, the changes-ahead table and the timeline; a
//! recommended commitment, once used, changes the component's cost.

use super::browser::Browser;
use super::open_app;

/// Waits until the Monte Carlo bands have caught up with the last edit
/// (they follow it 250 ms later; until then the ranges show faded).
pub(super) async fn settle(browser: &Browser) {
    // Three checks in a row, 300 ms apart, with nothing faded.
    let mut calm = 0;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let faded = browser
            .run_js("return document.querySelectorAll('.stale').length;")
            .await;
        calm = if faded == serde_json::json!(0) {
            calm + 1
        } else {
            0
        };
        if calm == 3 {
            return;
        }
    }
    panic!("the bands never settled");
}

const BACKEND_LEAD: &str = "#field-components-0-lead_time_months";
const BACKEND: &str = "[data-test=sizing-table][data-component=Backend]";

#[tokio::test]
async fn a_lead_time_moves_the_act_by_date_and_a_commitment_changes_the_cost() {
    let (_server, browser) = open_app().await;
    browser
        .click("#template-picker option[value=realtime-platform]")
        .await;
    browser
        .wait_for_text("h1", |text| text.contains("Real-time platform"))
        .await;
    // With the bands: Backend's today's 4 units are needed at month 1 (90%).
    let steps = browser
        .wait_for_text(&format!("{BACKEND} [data-test=act-by-table]"), |t| {
            t.contains("90%")
        })
        .await;
    assert!(steps.contains("grow past today's 4 units"), "{steps}");
    assert!(steps.contains("Feb 2026 (month 1)"), "{steps}");
    settle(&browser).await;
    browser
        .assert_accessible("decisions beside the sizing")
        .await;

    // A three-month lead time: Backend is late by two months, first in line.
    browser.open_editor_sections().await;
    browser.type_into(BACKEND_LEAD, "3").await;
    let card = browser
        .wait_for_text("[data-test=act-by]", |t| t.contains("Backend"))
        .await;
    assert!(
        card.contains("Start now") && card.contains("late by 2 months"),
        "{card}"
    );
    let steps = browser
        .wait_for_text(&format!("{BACKEND} [data-test=act-by-table]"), |t| {
            t.contains("late by 2 months")
        })
        .await;
    assert!(steps.contains("a lead time of 3 months"), "{steps}");
    let timeline = browser
        .wait_for_text("[data-test=events]", |t| t.contains("lead time 3 months"))
        .await;
    assert!(timeline.contains("Act by"), "{timeline}");

    // The commitment: month 0's Backend cost goes from 3 units at the
    // reserved share's price (3 × $100 × (1 − 50% × 40%) = $240) to the
    // committed units at 40% off, used or not.
    let month_0 = format!("{BACKEND} [data-test=sizing-months] tbody tr:first-child td:last-child");
    assert_eq!(browser.text(&month_0).await, "$240");
    let recommendation = browser
        .text(&format!("{BACKEND} [data-test=commitment-recommendation]"))
        .await;
    let units: u32 = recommendation
        .trim_start_matches("Commit ")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("units in {recommendation}"));
    browser
        .click_xpath("//button[normalize-space()='Use this commitment']")
        .await;
    let expected = format!("${}", units * 60);
    browser.wait_for_text(&month_0, |t| t == expected).await;
    let committed = browser
        .wait_for_text(&format!("{BACKEND} [data-test=commitment]"), |t| {
            t.contains("Committed:")
        })
        .await;
    assert!(
        committed.contains(&format!("Committed: {units} units for 12 months")),
        "{committed}"
    );
    settle(&browser).await;
    browser
        .assert_accessible("a component with a commitment")
        .await;
    browser.close().await;
}
