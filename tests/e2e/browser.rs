//! Chromium driven through ChromeDriver (WebDriver), with waits that poll for
//! what a person would see rather than sleeping.

use fantoccini::{elements::Element, key::Key, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long to wait for the page to show something before failing: generous,
/// for a loaded machine (a share link's fresh profile compiles both modules
/// while another build may hold a core); a passing wait returns at once.
const PATIENCE: Duration = Duration::from_secs(45);

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium with a fresh profile (so
    /// local storage starts empty).
    pub async fn start() -> Browser {
        let driver_path =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chrome_path = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("could not start {driver_path} ({error}): run scripts/test.sh, which installs it")
            });
        let profile = TempDir::new();
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chrome_path,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.0.display()),
                ]
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("built as an object"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            let connected = ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await;
            match connected {
                Ok(client) => break client,
                Err(error) if started.elapsed() > PATIENCE => {
                    panic!("could not start a Chromium session through {driver_path}: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    pub async fn open(&self, url: &str) {
        self.goto(url).await;
        self.wait_for_text("tr[data-month=\"0\"] td", |text| !text.is_empty())
            .await;
    }

    pub async fn find(&self, css: &str) -> Element {
        let started = Instant::now();
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => return element,
                Err(_) if started.elapsed() < PATIENCE => {
                    tokio::time::sleep(Duration::from_millis(50)).await
                }
                Err(error) => panic!("{css} never appeared: {error}"),
            }
        }
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    /// Waits until the text of `css` satisfies `ok`; returns it.
    pub async fn wait_for_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if ok(&text) {
                return text;
            }
            if started.elapsed() > PATIENCE {
                // What the page said instead, to tell a slow load from a failed one.
                let page = self
                    .client
                    .execute(
                        "return document.body ? document.body.innerText.slice(0, 600) : '';",
                        vec![],
                    )
                    .await
                    .unwrap_or_default();
                panic!("{css} still reads {text:?}; the page reads {page}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Replaces the text of an input as a person does: select all, then type.
    pub async fn type_into(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input.click().await.expect("focus the field");
        let select_all = format!("{}a{}", char::from(Key::Control), char::from(Key::Null));
        input.send_keys(&select_all).await.expect("select all");
        input.send_keys(text).await.expect("type");
    }

    /// The canvas as a PNG data URL, to tell whether the chart changed.
    pub async fn canvas_image(&self, css: &str) -> String {
        let script = "return document.querySelector(arguments[0]).toDataURL('image/png');";
        self.client
            .execute(script, vec![serde_json::json!(css)])
            .await
            .expect("read the canvas")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs `script` in every page before the page's own scripts (Chromium's
    /// DevTools `Page.addScriptToEvaluateOnNewDocument`, through ChromeDriver).
    pub async fn before_every_page(&self, script: &str) {
        self.client
            .issue_cmd(DevTools {
                method: "Page.addScriptToEvaluateOnNewDocument",
                params: serde_json::json!({ "source": script }),
            })
            .await
            .expect("ChromeDriver runs the DevTools command");
    }

    /// Saves what the window shows as `target/screenshots/NAME.png`, for a
    /// person to look at (the journeys that change a screen take one at
    /// desktop and phone width).
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&folder).expect("create target/screenshots");
        std::fs::write(folder.join(format!("{name}.png")), png).expect("save the screenshot");
    }

    /// Scrolls the element `css` to the top of the window.
    pub async fn scroll_to(&self, css: &str) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' });",
                vec![serde_json::json!(css)],
            )
            .await
            .expect("scroll");
    }

    /// Count of non-white pixels on a canvas: zero means nothing was drawn.
    pub async fn inked_pixels(&self, css: &str) -> u64 {
        let script = "const c = document.querySelector(arguments[0]);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 0; i < d.length; i += 4) { if (d[i] < 200 || d[i+1] < 200 || d[i+2] < 200) n++; }
            return n;";
        self.client
            .execute(script, vec![serde_json::json!(css)])
            .await
            .expect("read the canvas")
            .as_u64()
            .unwrap_or(0)
    }

    /// Opens every collapsed section of the plan editor.
    pub async fn open_editor_sections(&self) {
        self.run_js(
            "document.querySelectorAll('details.editor-section').forEach(d => d.open = true);",
        )
        .await;
    }

    /// Clicks the element at `xpath` (a button by its text, say).
    pub async fn click_xpath(&self, xpath: &str) {
        self.client
            .find(Locator::XPath(xpath))
            .await
            .unwrap_or_else(|error| panic!("{xpath} is not there: {error}"))
            .click()
            .await
            .expect("click");
    }

    /// Opens the Share panel and reads the plan's link from it.
    pub async fn share_link(&self) -> String {
        self.click_xpath("//button[normalize-space()='Share']")
            .await;
        self.find("#share-link")
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    /// Clicks the element `css` once it has appeared.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// Presses a key with Control held (and Shift when asked) in the field `css`.
    pub async fn press_control(&self, css: &str, key: char, shift: bool) {
        let input = self.find(css).await;
        let shift = if shift {
            char::from(Key::Shift).to_string()
        } else {
            String::new()
        };
        let chord = format!(
            "{}{shift}{key}{}",
            char::from(Key::Control),
            char::from(Key::Null)
        );
        input.send_keys(&chord).await.expect("press keys");
    }

    /// Presses one key in the element `css`.
    pub async fn press_key(&self, css: &str, key: Key) {
        let element = self.find(css).await;
        element
            .send_keys(&char::from(key).to_string())
            .await
            .expect("press a key");
    }

    pub async fn run_js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .expect("run script")
    }

    /// Waits until `script` returns `true` in the page.
    pub async fn wait_until(&self, script: &str, what: &str) {
        let started = Instant::now();
        loop {
            if self.client.execute(script, vec![]).await.ok() == Some(serde_json::json!(true)) {
                return;
            }
            if started.elapsed() > PATIENCE {
                panic!("waited in vain: {what}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the service worker controls the page (this build's files cached).
    pub async fn wait_for_service_worker(&self) {
        self.wait_until(
            "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);",
            "the service worker controls the page",
        )
        .await;
    }

    /// Every Content-Security-Policy violation the page recorded (the app
    /// keeps them in `window.__cspViolations`).
    pub async fn csp_violations(&self) -> Vec<String> {
        let found = self
            .run_js("return (window.__cspViolations || []).slice();")
            .await;
        strings(&found).unwrap_or_default()
    }

    /// Ends the session; every journey must end without a Content-Security-Policy violation.
    pub async fn close(mut self) {
        let violations = self.csp_violations().await;
        assert!(
            violations.is_empty(),
            "Content-Security-Policy violations: {violations:?}"
        );
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A JSON list of strings as strings; `None` if it is not a list.
fn strings(found: &serde_json::Value) -> Option<Vec<String>> {
    found.as_array().map(|list| {
        list.iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// A throw-away browser profile directory, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "headroom-e2e-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&path).expect("create a profile directory");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// axe-core's script, installed by scripts/setup.sh (which exports its path).
fn axe_source() -> String {
    let path = std::env::var("HEADROOM_AXE").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/headroom-tools/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!("axe-core is not at {path} ({error}): run scripts/test.sh, which installs it")
    })
}

impl Browser {
    /// Audits the page as it stands with axe-core (every rule it runs by
    /// default: WCAG 2 A and AA and best practices) and fails on any
    /// violation of any impact, listing each with the elements it found.
    /// The script goes in through WebDriver, not a `<script>` tag, so the
    /// page's Content-Security-Policy stays as strict as it ships.
    pub async fn assert_accessible(&self, state: &str) {
        let violations = self.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "accessibility violations on {state}:\n  {}",
            violations.join("\n  ")
        );
    }

    /// axe-core's violations on the page as it stands, one line each.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let present = self.run_js("return typeof window.axe === 'object';").await;
        if present != serde_json::json!(true) {
            self.client
                .execute(&axe_source(), vec![])
                .await
                .expect("load axe-core into the page");
        }
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document).then(
                results => done(results.violations.map(v =>
                    `${v.impact} ${v.id}: ${v.help} — ` +
                    v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))),
                error => done([`axe failed: ${error}`]));";
        let found = self
            .client
            .execute_async(script, vec![])
            .await
            .expect("run axe-core");
        strings(&found).unwrap_or_else(|| vec![format!("axe returned {found}")])
    }

    /// Narrows the window to a phone's width and waits until the page has
    /// laid itself out for it.
    pub async fn resize_to_phone(&self) {
        self.client.set_window_size(390, 844).await.expect("resize");
        self.wait_until("return window.innerWidth <= 400;", "a phone-width window")
            .await;
    }

    /// Goes to `url` without waiting for the worked example (a link that
    /// may not open, say).
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// The element with the keyboard focus: its id (or tag and text) and
    /// whether the focus shows (`:focus-visible` with an outline drawn).
    pub async fn focused(&self) -> (String, bool) {
        let found = self
            .run_js(
                "const e = document.activeElement;
                 if (!e || e === document.body) return ['(body)', false];
                 const s = getComputedStyle(e);
                 const shows = e.matches(':focus-visible') && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                 return [e.id || (e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30)), shows];",
            )
            .await;
        (
            found[0].as_str().unwrap_or_default().to_string(),
            found[1].as_bool().unwrap_or(false),
        )
    }

    /// Presses `key` wherever the focus is, as a keyboard does.
    pub async fn press(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("a focused element")
            .send_keys(keys)
            .await
            .expect("press keys");
    }
}

/// A Chromium DevTools command, sent through ChromeDriver's `goog/cdp/execute`.
#[derive(Debug)]
struct DevTools {
    method: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
