//! End-to-end tests: the release build in `dist/`, served on loopback and
//! driven in real Chromium through ChromeDriver, asserting on what a person
//! sees. Run through `scripts/test.sh`, which builds `dist/` first.

mod browser;
mod server;

use browser::Browser;
use server::StaticServer;
use std::path::PathBuf;

fn serve_release_build() -> StaticServer {
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist");
    assert!(
        dist.join("index.html").is_file(),
        "no release build in {}: run scripts/test.sh (it runs `trunk build --release --offline` first)",
        dist.display()
    );
    StaticServer::start(dist)
}

const MONTH_12_USERS: &str = "tr[data-month=\"12\"] td";
const CHART: &str = "canvas[data-test=users-chart]";

#[tokio::test]
async fn opens_on_the_worked_example_with_month_12_users_and_a_chart() {
    let server = serve_release_build();
    let browser = Browser::start().await;
    browser.open(&server.url).await;

    let title = browser.client.title().await.expect("title");
    assert!(title.contains("Headroom"), "title: {title}");
    // Seed 000, Moderate: 100 × 1.17¹² = 658.01 (its own table prints 664).
    assert_eq!(browser.text(MONTH_12_USERS).await, "658");
    assert_eq!(browser.text("[data-test=headline-users]").await, "658");
    assert!(browser.text("h1").await.contains("Managed SaaS"));
    let summary = browser.text("[data-test=scenario-summary]").await;
    for expected in [
        "Conservative",
        "180",
        "Moderate",
        "658",
        "Aggressive",
        "5,669",
    ] {
        assert!(
            summary.contains(expected),
            "{expected} missing from {summary}"
        );
    }
    assert!(
        browser.inked_pixels(CHART).await > 1000,
        "the chart is drawn"
    );
    browser.close().await;
}

#[tokio::test]
async fn changing_growth_updates_the_table_and_the_chart() {
    let server = serve_release_build();
    let browser = Browser::start().await;
    browser.open(&server.url).await;
    let chart_before = browser.canvas_image(CHART).await;

    browser.type_into("#growth", "30%").await;
    // 100 × (1 + 0.30 − 0.08)¹² = 1,087.22
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "1,087")
        .await;
    assert_eq!(browser.text("[data-test=headline-users]").await, "1,087");
    // 1,087.22 × 150 / 30 = 5,436 daily requests
    assert_eq!(
        browser
            .text("tr[data-month=\"12\"] td:nth-of-type(2)")
            .await,
        "5,436"
    );
    let chart_after = browser.canvas_image(CHART).await;
    assert_ne!(chart_before, chart_after, "the chart redraws");
    browser.close().await;
}

#[tokio::test]
async fn a_reload_restores_the_saved_plan() {
    let server = serve_release_build();
    let browser = Browser::start().await;
    browser.open(&server.url).await;
    browser.type_into("#baseline-users", "1.5k").await;
    // 1,500 × 1.17¹² = 9,870.1
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "9,870")
        .await;

    browser.client.refresh().await.expect("reload");
    browser
        .wait_for_text(MONTH_12_USERS, |text| text == "9,870")
        .await;
    let field = browser.find("#baseline-users").await;
    assert_eq!(
        field.prop("value").await.expect("value").as_deref(),
        Some("1500")
    );
    browser.close().await;
}

#[tokio::test]
async fn a_bad_value_gets_a_message_beside_it_and_the_results_stay() {
    let server = serve_release_build();
    let browser = Browser::start().await;
    browser.open(&server.url).await;
    browser.type_into("#churn", "abc").await;
    let message = browser
        .wait_for_text("#churn-error", |text| !text.is_empty())
        .await;
    assert_eq!(
        message,
        "\"abc\" is not a number (try 1500, 1,500, 1.5k or 25%)"
    );
    assert_eq!(
        browser.text(MONTH_12_USERS).await,
        "658",
        "the last good results stay"
    );

    browser.type_into("#churn", "8%").await;
    browser.wait_for_text("#churn-error", str::is_empty).await;
    browser.close().await;
}

#[tokio::test]
async fn a_corrupt_saved_plan_is_reported_and_kept() {
    let server = serve_release_build();
    let browser = Browser::start().await;
    browser.open(&server.url).await;
    browser
        .run_js("localStorage.setItem('headroom.plan', '{\"schema\": 1, \"name\": 3');")
        .await;
    browser.client.refresh().await.expect("reload");
    let notice = browser
        .wait_for_text(".notice", |text| !text.is_empty())
        .await;
    assert!(notice.contains("could not be opened"), "{notice}");
    assert_eq!(
        browser.text(MONTH_12_USERS).await,
        "658",
        "the worked example opens"
    );
    let kept = browser
        .run_js(
            "return Object.keys(localStorage).filter(k => k.startsWith('headroom.plan.unreadable.'))
                .map(k => localStorage.getItem(k));",
        )
        .await;
    assert_eq!(kept, serde_json::json!(["{\"schema\": 1, \"name\": 3"]));
    browser.close().await;
}
