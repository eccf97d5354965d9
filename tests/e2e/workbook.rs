//! Finance's workbook from the app (issue 30): the Excel writer arrives only
//! when a workbook is asked for, says so when it cannot load and loads on a
//! second try, writes the same workbook as the engine does natively for the
//! same plan (the command line's writer), from a shared link's read-only
//! view too, and offline after one visit.

use super::browser::{Browser, Engine};
use super::{serve_release_build, CAPTURE_DOWNLOADS, MODERATE_GROWTH, MONTH_12_USERS};
use base64::Engine as _;
use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use std::io::Cursor;

const FILES: &str = "//button[normalize-space()='Export / Import']";
const EXPORT_WORKBOOK: &str = "//button[normalize-space()='Export Excel workbook (.xlsx)']";
const EXPORT_PLAN: &str = "//button[normalize-space()='Export plan (JSON)']";
/// How many of the page's own requests were for the workbook module.
const WORKBOOK_REQUESTS: &str = "return performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('headroom-workbook')).length;";

/// Every sheet of a workbook, by name, as calamine reads its values.
fn sheets(bytes: Vec<u8>) -> Vec<(String, Range<Data>)> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a valid .xlsx");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("the sheet");
            (name, range)
        })
        .collect()
}

/// Clicks the workbook export and waits for its message; returns the
/// message and the files the page offered since `CAPTURE_DOWNLOADS`.
async fn export_workbook(browser: &Browser) -> (String, Vec<serde_json::Value>) {
    let started = std::time::Instant::now();
    browser.click_xpath(EXPORT_WORKBOOK).await;
    let said = browser
        .wait_for_text(".menu-message", |t| {
            !t.is_empty() && !t.contains("Preparing")
        })
        .await;
    // A measurement for the closing notes (polled every 100 ms), not a limit.
    println!(
        "MEASURED workbook, click to message: {} ms",
        started.elapsed().as_millis()
    );
    let downloads = browser.run_js("return window.__downloads;").await;
    (said, downloads.as_array().cloned().unwrap_or_default())
}

/// The bytes of the workbook the page offered, from its data URL.
fn workbook_bytes(download: &serde_json::Value) -> Vec<u8> {
    let text = download["text"].as_str().expect("a data URL's payload");
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

#[tokio::test]
async fn chromium_writes_a_workbook_on_demand_from_a_plan_a_shared_link_and_offline() {
    a_workbook_is_written_on_demand(Engine::Chromium).await;
}

/// Finance on a Mac: Safari's engine.
#[tokio::test]
async fn webkit_writes_a_workbook_on_demand_from_a_plan_a_shared_link_and_offline() {
    a_workbook_is_written_on_demand(Engine::WebKit).await;
}

#[tokio::test]
async fn firefox_writes_a_workbook_on_demand_from_a_plan_a_shared_link_and_offline() {
    a_workbook_is_written_on_demand(Engine::Firefox).await;
}

async fn a_workbook_is_written_on_demand(engine: Engine) {
    let server = serve_release_build();
    let browser = Browser::start_in(engine).await;
    browser.open(&server.url).await;
    browser.wait_for_service_worker().await;
    browser.type_into(MODERATE_GROWTH, "30%").await;
    browser
        .wait_for_text(MONTH_12_USERS, |t| t == "1,087")
        .await;
    assert_eq!(
        browser.run_js(WORKBOOK_REQUESTS).await,
        serde_json::json!(0),
        "the page never asks for the writer before a workbook is wanted"
    );
    browser.run_js(CAPTURE_DOWNLOADS).await;
    browser.click_xpath(FILES).await;

    // The writer cannot load (its loader is gone): a message, nothing saved;
    // once it can, the next click loads it.
    let loader = browser
        .run_js("return document.querySelector('meta[name=headroom-workbook]').content;")
        .await;
    let loader = loader.as_str().expect("the loader's name").to_string();
    browser
        .run_js("document.querySelector('meta[name=headroom-workbook]').content = './headroom-workbook-gone.js';")
        .await;
    let (said, downloads) = export_workbook(&browser).await;
    assert!(said.contains("did not load"), "{said}");
    assert!(downloads.is_empty(), "nothing offered: {downloads:?}");
    browser
        .assert_accessible("the workbook's failure message")
        .await;
    browser
        .run_js(&format!(
            "document.querySelector('meta[name=headroom-workbook]').content = '{loader}';"
        ))
        .await;
    let (said, downloads) = export_workbook(&browser).await;
    assert!(said.starts_with("Saved "), "{said}");
    assert_eq!(downloads.len(), 1);
    let name = downloads[0]["name"].as_str().expect("a file name");
    assert_eq!(name, "Managed-SaaS-12-month-capacity-plan.xlsx");
    assert!(said.contains(name), "{said}");
    let in_app = sheets(workbook_bytes(&downloads[0]));
    assert!(
        browser.run_js(WORKBOOK_REQUESTS).await.as_u64() >= Some(3),
        "the loader, its JavaScript and its WebAssembly were fetched on demand"
    );

    // The same workbook as the native writer's for the same plan document.
    browser.click_xpath(EXPORT_PLAN).await;
    let downloads = browser.run_js("return window.__downloads;").await;
    let plan = downloads[1]["text"].as_str().expect("the plan").to_string();
    let (native_name, native) = headroom::export::plan_workbook(&plan).expect("written natively");
    assert_eq!(native_name, name);
    let native = sheets(native);
    let names: Vec<&str> = in_app.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Summary",
            "Assumptions",
            "Conservative",
            "Moderate",
            "Aggressive"
        ]
    );
    assert_eq!(
        in_app, native,
        "the app's workbook is the native one, cell by cell"
    );
    let moderate = &in_app[3].1;
    assert!(
        matches!(moderate.get((13, 2)), Some(Data::Float(users)) if users.round() == 1087.0),
        "month 12's users as the page shows them: {:?}",
        moderate.get((13, 2))
    );
    // A writer that stops on a trap, as one did once offline in WebKit
    // ("the writer stopped"), is left behind: its module is loaded afresh
    // and the workbook written all the same.
    let requests = browser.run_js(WORKBOOK_REQUESTS).await.as_u64();
    browser
        .run_js("window.headroomWorkbook = () => { throw new WebAssembly.RuntimeError('unreachable'); }; return true;")
        .await;
    let (said, downloads) = export_workbook(&browser).await;
    assert!(said.starts_with("Saved "), "after a trap: {said}");
    assert_eq!(downloads.len(), 3, "the workbook offered once more");
    assert_eq!(sheets(workbook_bytes(&downloads[2])), in_app);
    assert!(
        browser.run_js(WORKBOOK_REQUESTS).await.as_u64() > requests,
        "a fresh instance of the writer's module was loaded"
    );
    let name = engine.name();
    browser
        .screenshot(&format!("{name}-workbook-exported-1280"))
        .await;
    browser.resize_to_phone().await;
    browser
        .screenshot(&format!("{name}-workbook-exported-390"))
        .await;
    browser
        .assert_accessible("the Export panel at phone width")
        .await;

    // A shared link's read-only view writes the same workbook.
    let link = browser.share_link().await;
    let receiver = Browser::start_in(engine).await;
    receiver.client.goto(&link).await.expect("open the link");
    receiver
        .wait_for_text("[data-test=shared-banner]", |t| t.contains("read-only"))
        .await;
    receiver.run_js(CAPTURE_DOWNLOADS).await;
    receiver.click_xpath(FILES).await;
    let (said, downloads) = export_workbook(&receiver).await;
    assert!(said.starts_with("Saved "), "{said}");
    assert_eq!(sheets(workbook_bytes(&downloads[0])), in_app);
    receiver
        .assert_accessible("a shared plan's Export panel")
        .await;
    receiver.close().await;

    // Offline after one visit: the service worker keeps the writer too.
    let url = server.url.clone();
    drop(server);
    browser.goto(&url).await;
    browser
        .wait_for_text(MONTH_12_USERS, |t| t == "1,087")
        .await;
    browser.run_js(CAPTURE_DOWNLOADS).await;
    browser.click_xpath(FILES).await;
    let (said, downloads) = export_workbook(&browser).await;
    assert!(said.starts_with("Saved "), "offline: {said}");
    assert_eq!(sheets(workbook_bytes(&downloads[0])), in_app);
    browser.close().await;
}
