//! Issue 18 in the real app: a response-time target in the components
//! editor (and a load test working out the service time), and inputs that
//! move together in their own editor section and under "How sure is this?".

use super::browser::Browser;
use super::decisions::settle;
use super::open_app;

const CONCURRENCY: &str = "#field-components-0-latency-concurrency_per_unit";
const TARGET: &str = "#field-components-0-latency-target_ms";
const SERVICE: &str = "#field-components-0-latency-service_time_ms";
const BACKEND: &str = "[data-test=sizing-table][data-component=Backend]";

async fn open_template(browser: &Browser, id: &str, title: &str) {
    browser
        .click(&format!("#template-picker option[value={id}]"))
        .await;
    browser
        .wait_for_text("h1", |text| text.contains(title))
        .await;
}

#[tokio::test]
async fn a_response_time_target_sizes_units_and_a_load_test_sets_the_service_time() {
    let (_server, browser) = open_app().await;
    open_template(&browser, "realtime-platform", "Real-time platform").await;
    // Seed 004's Backend is sized for a p95 within 200 ms: the sizing table
    // says so and shows the predicted p95 each month.
    let note = browser
        .wait_for_text(&format!("{BACKEND} [data-test=latency-note]"), |t| {
            t.contains("p95")
        })
        .await;
    assert!(note.contains("within 200 ms"), "{note}");
    let head = browser
        .text(&format!("{BACKEND} [data-test=sizing-months] thead"))
        .await;
    assert!(head.to_lowercase().contains("p95 response"), "{head}");

    // One request at a time per unit instead of two: the queue, not
    // utilization, now asks for more units, and the timeline says so.
    browser.open_editor_sections().await;
    browser.type_into(CONCURRENCY, "1").await;
    let timeline = browser
        .wait_for_text("[data-test=events]", |t| {
            t.contains("for its p95 response-time target of 200 ms")
        })
        .await;
    assert!(timeline.contains("Backend scales up"), "{timeline}");
    let rows = browser
        .wait_for_text(&format!("{BACKEND} [data-test=sizing-months] tbody"), |t| {
            t.contains('▲')
        })
        .await;
    assert!(rows.contains(" ms"), "{rows}");
    settle(&browser).await;
    browser
        .assert_accessible("a component sized for latency")
        .await;

    // A target the service alone cannot meet is refused where it was typed,
    // and the plan keeps its last good value.
    browser.type_into(TARGET, "100").await;
    let error = browser
        .wait_for_text(".field.invalid .field-error", |t| !t.is_empty())
        .await;
    assert!(
        error.contains("A p95 of 100 ms cannot be met when a request takes 50 ms on average"),
        "{error}"
    );
    browser.type_into(TARGET, "200").await;
    browser
        .wait_until(
            "return document.querySelectorAll('.field.invalid').length === 0;",
            "the field accepted again",
        )
        .await;

    // From a load test: 40 requests a second at a p95 of 400 ms on 2 units.
    browser
        .run_js("document.querySelector('.load-test').open = true;")
        .await;
    browser
        .type_into("[data-test=load-test-throughput]", "40")
        .await;
    browser
        .type_into("[data-test=load-test-measured]", "400")
        .await;
    browser.type_into("[data-test=load-test-units]", "2").await;
    browser
        .click_xpath("//details[@class='load-test']//button[contains(., 'Work out')]")
        .await;
    let derivation = browser
        .wait_for_text("[data-test=load-test-derivation]", |t| !t.is_empty())
        .await;
    assert!(
        derivation.starts_with("40 requests a second on 2 units × 1 at once = 2 servers."),
        "{derivation}"
    );
    browser.assert_accessible("a load test worked out").await;
    browser
        .click_xpath("//details[@class='load-test']//button[starts-with(., 'Use ')]")
        .await;
    browser
        .wait_until(
            &format!("return document.querySelector('{SERVICE}').value !== '50';"),
            "the service time used",
        )
        .await;
    assert!(browser.csp_violations().await.is_empty());
    browser.close().await;
}

#[tokio::test]
async fn inputs_said_to_move_together_are_listed_and_in_force() {
    let (_server, browser) = open_app().await;
    open_template(&browser, "microservices-aws", "Microservices on AWS").await;
    browser.open_editor_sections().await;
    // The first two uncertain inputs, strongly together (the defaults).
    browser.click("[data-test=add-correlation] button").await;
    let listed = browser
        .wait_for_text("[data-test=correlations]", |t| {
            t.contains("move together strongly")
        })
        .await;
    assert!(
        listed.contains("requests per user day") && listed.contains("peak factor"),
        "{listed}"
    );
    let in_force = browser
        .wait_for_text("[data-test=correlations-in-force]", |t| !t.is_empty())
        .await;
    assert!(
        in_force.contains("requests per user day and peak factor move together strongly (0.8)"),
        "{in_force}"
    );
    settle(&browser).await;
    browser.assert_accessible("a correlation listed").await;

    // Too strong is refused at the field; opposite reads as opposite.
    const RANK: &str = "#field-correlations-0-rank";
    browser.type_into(RANK, "0.99").await;
    let error = browser
        .wait_for_text(".field.invalid .field-error", |t| !t.is_empty())
        .await;
    assert!(error.contains("between −0.95 and 0.95"), "{error}");
    browser.type_into(RANK, "-0.5").await;
    browser
        .wait_for_text("[data-test=correlations-in-force]", |t| {
            t.contains("move opposite (-0.5)")
        })
        .await;

    // Removed: the list and the read-out are empty again.
    browser
        .click_xpath("//ul[@data-test='correlations']//button[contains(., 'Remove')]")
        .await;
    browser
        .wait_until(
            "return document.querySelectorAll('[data-test=correlations] li').length === 0 && !document.querySelector('[data-test=correlations-in-force]');",
            "the correlation removed",
        )
        .await;
    browser.resize_to_phone().await;
    browser
        .assert_accessible("the correlations editor at phone width")
        .await;
    assert!(browser.csp_violations().await.is_empty());
    browser.close().await;
}
