//! Browsers driven through WebDriver (Chromium through ChromeDriver, Firefox
//! through geckodriver, WebKitGTK through WebKitWebDriver), with waits that
//! poll for what a person would see rather than sleeping.

use fantoccini::{elements::Element, key::Key, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long to wait for the page to show something before failing: generous,
/// for a loaded machine (a share link's fresh profile compiles both modules
/// while another build may hold a core); a passing wait returns at once.
const PATIENCE: Duration = Duration::from_secs(45);

/// The three browser engines the journeys run in: the whole suite in
/// Chromium, the core journeys (tests/e2e/engines.rs) in Firefox and WebKit
/// too, as the people opening a shared plan on an iPhone use WebKit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
    WebKit,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }
}

pub struct Browser {
    pub client: Client,
    pub engine: Engine,
    driver: Child,
    /// WebKitGTK needs a display: a virtual one (Xvfb) per browser.
    display: Option<Child>,
    _profile: TempDir,
}

/// A program's path from `variable`, else the first of `defaults` that
/// exists, else the first default (so the error names where it was looked for).
fn program(variable: &str, defaults: &[&str]) -> String {
    std::env::var(variable).unwrap_or_else(|_| {
        defaults
            .iter()
            .find(|path| std::path::Path::new(path).exists())
            .unwrap_or(&defaults[0])
            .to_string()
    })
}

/// How each engine's WebDriver server is started and asked for a browser.
struct Launch {
    driver: String,
    arguments: Vec<String>,
    capabilities: serde_json::Value,
}

fn launch(engine: Engine, port: u16, profile: &TempDir, feature_off: Option<Feature>) -> Launch {
    match engine {
        Engine::Chromium => Launch {
            driver: program("CHROMEDRIVER", &["/usr/bin/chromedriver"]),
            arguments: vec![format!("--port={port}")],
            capabilities: serde_json::json!({
                "goog:chromeOptions": {
                    "binary": program("CHROME", &["/usr/bin/chromium"]),
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                        format!("--user-data-dir={}", profile.0.display()),
                    ]
                }
            }),
        },
        Engine::Firefox => {
            let home = std::env::var("HOME").unwrap_or_default();
            let geckodriver = format!("{home}/.cargo/bin/geckodriver");
            let mut prefs = serde_json::json!({
                // No calls home from a test browser on a closed network.
                "network.captive-portal-service.enabled": false,
                "network.connectivity-service.enabled": false,
                "browser.safebrowsing.update.enabled": false,
                "extensions.update.enabled": false,
                "toolkit.legacyUserProfileCustomizations.stylesheets": true,
            });
            match feature_off {
                Some(Feature::WebAssembly) => prefs["javascript.options.wasm"] = false.into(),
                Some(Feature::WasmSimd) => panic!("Firefox 153 cannot switch SIMD off alone"),
                None => {}
            }
            // Firefox's own toolbar holds its window at 500 px at least:
            // hidden (userChrome.css), the window narrows to a phone's 390.
            let chrome = profile.0.join("chrome");
            std::fs::create_dir_all(&chrome).expect("a Firefox chrome folder");
            std::fs::write(chrome.join("userChrome.css"), FIREFOX_WITHOUT_TOOLBAR)
                .expect("Firefox's userChrome.css");
            Launch {
                driver: program("GECKODRIVER", &[&geckodriver, "/usr/bin/geckodriver"]),
                arguments: vec![format!("--port={port}")],
                capabilities: serde_json::json!({
                    "browserName": "firefox",
                    "moz:firefoxOptions": {
                        "binary": program("FIREFOX", &["/usr/bin/firefox-esr", "/usr/bin/firefox"]),
                        "args": ["-headless", "-profile", profile.0.display().to_string()],
                        "prefs": prefs,
                    }
                }),
            }
        }
        Engine::WebKit => Launch {
            driver: program("WEBKITWEBDRIVER", &["/usr/bin/WebKitWebDriver"]),
            arguments: vec![format!("--port={port}")],
            capabilities: serde_json::json!({
                "webkitgtk:browserOptions": {
                    "binary": program("MINIBROWSER", &[
                        "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
                        "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
                    ]),
                    "args": ["--automation"],
                }
            }),
        },
    }
}

/// A browser feature a journey takes away, as an older or locked-down
/// browser lacks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    /// WebAssembly's SIMD instructions (Safari before 16.4):
    /// `JSC_useWasmSIMD=0` in WebKit. Firefox has no switch for it any more,
    /// and Chromium none at all: its journey injects a script
    /// (`Browser::before_every_page`).
    WasmSimd,
    /// WebAssembly itself (an iPhone in Lockdown Mode): the preference
    /// `javascript.options.wasm` in Firefox, `JSC_useWebAssembly=0` in WebKit.
    WebAssembly,
}

/// GTK's style for MiniBrowser's own toolbar: as small as it can be, so the
/// window can narrow to a phone's 390 px.
const SLIM_TOOLBAR: &str =
    "headerbar, headerbar *, toolbar, toolbar *, entry, button { min-width: 0; padding: 0; margin: 0; font-size: 1px; }";

/// Firefox's window without its toolbar, and with no least size.
const FIREFOX_WITHOUT_TOOLBAR: &str = ":root, #main-window { min-width: 0 !important; min-height: 0 !important; } #navigator-toolbox { display: none !important; }";

/// A virtual X display for WebKitGTK, which cannot run without one: Xvfb
/// picks a free display number and writes it to its standard output.
fn virtual_display() -> (Child, String) {
    use std::io::BufRead;
    let xvfb = program("XVFB", &["/usr/bin/Xvfb"]);
    let mut display = Command::new(&xvfb)
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x1024x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| {
            panic!("could not start {xvfb} ({error}): run scripts/test.sh, which installs it")
        });
    let mut number = String::new();
    if let Some(out) = display.stdout.take() {
        let _ = std::io::BufReader::new(out).read_line(&mut number);
    }
    let number = number.trim().to_string();
    assert!(!number.is_empty(), "{xvfb} did not name its display");
    (display, format!(":{number}"))
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium with a fresh profile (so
    /// local storage starts empty).
    pub async fn start() -> Browser {
        Browser::start_in(Engine::Chromium).await
    }

    /// Starts `engine`'s WebDriver server and a browser with a fresh profile.
    pub async fn start_in(engine: Engine) -> Browser {
        Browser::start_without(engine, None).await
    }

    /// As `start_in`, with `feature_off` taken away from the browser.
    pub async fn start_without(engine: Engine, feature_off: Option<Feature>) -> Browser {
        let port = free_port();
        let profile = TempDir::new();
        let launch = launch(engine, port, &profile, feature_off);
        let mut command = Command::new(&launch.driver);
        command
            .args(&launch.arguments)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let display = if engine == Engine::WebKit {
            let (display, name) = virtual_display();
            // Its own settings and storage in the throw-away profile, and a
            // toolbar that does not hold its window wider than a phone
            // (MiniBrowser's is 447 px at least).
            let gtk = profile.0.join("gtk-3.0");
            std::fs::create_dir_all(&gtk).expect("a GTK settings folder");
            std::fs::write(gtk.join("gtk.css"), SLIM_TOOLBAR).expect("GTK settings");
            command
                .env("DISPLAY", name)
                .env("XDG_CONFIG_HOME", &profile.0)
                .env("XDG_DATA_HOME", profile.0.join("data"))
                .env("XDG_CACHE_HOME", profile.0.join("cache"));
            match feature_off {
                Some(Feature::WasmSimd) => command.env("JSC_useWasmSIMD", "0"),
                Some(Feature::WebAssembly) => command.env("JSC_useWebAssembly", "0"),
                None => &mut command,
            };
            Some(display)
        } else {
            None
        };
        let driver_path = launch.driver.clone();
        // Its own process group, so that a failed journey can end the
        // browser with its driver (see Drop).
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver = command.spawn().unwrap_or_else(|error| {
            panic!(
                "could not start {driver_path} ({error}): run scripts/test.sh, which installs it"
            )
        });
        let capabilities = match launch.capabilities {
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
                    panic!("could not start a {engine:?} session through {driver_path}: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        if engine != Engine::Chromium {
            // Chromium takes its size as an argument; the others as a command.
            client
                .set_window_size(1280, 900)
                .await
                .expect("size the window");
        }
        Browser {
            client,
            engine,
            driver,
            display,
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

    /// The text of `css` as the page lays it out (`innerText`, trimmed), once
    /// it has appeared. Not WebDriver's element text: WebKitWebDriver reads
    /// an element cut short by an ellipsis (the plan's name in the header)
    /// as empty.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await;
        self.laid_out_text(css).await.unwrap_or_default()
    }

    /// `innerText` of the first element matching `css`, trimmed; `None`
    /// when there is none.
    async fn laid_out_text(&self, css: &str) -> Option<String> {
        let script = "const e = document.querySelector(arguments[0]);
            return e ? e.innerText.trim() : null;";
        self.client
            .execute(script, vec![serde_json::json!(css)])
            .await
            .ok()?
            .as_str()
            .map(str::to_string)
    }

    /// Waits until the text of `css` satisfies `ok`; returns it.
    pub async fn wait_for_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let text = self.laid_out_text(css).await.unwrap_or_default();
            if ok(&text) {
                return text;
            }
            if started.elapsed() > PATIENCE {
                // What the page said instead, to tell a slow load from a failed one.
                let page = self
                    .client
                    .execute(
                        "return (document.body ? document.body.innerText.slice(0, 300) : '') +
                           ' [loaded: ' + performance.getEntriesByType('resource')
                             .map(e => e.name.split('/').pop().slice(0, 24) + ' ' + Math.round(e.responseEnd)).join(', ') + ']';",
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
        self.devtools(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": script }),
        )
        .await;
    }

    /// Sends Chromium a DevTools command through ChromeDriver; returns its result.
    pub async fn devtools(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> serde_json::Value {
        assert_eq!(self.engine, Engine::Chromium, "a DevTools command");
        self.client
            .issue_cmd(DevTools { method, params })
            .await
            .expect("ChromeDriver runs the DevTools command")
    }

    /// Saves what the window shows as `target/screenshots/NAME.png`, for a
    /// person to look at (the journeys that change a screen take one at
    /// desktop and phone width).
    pub async fn screenshot(&self, name: &str) {
        // What the page last laid out, painted: two animation frames.
        let painted = "const done = arguments[arguments.length - 1];
            requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        let _ = self.client.execute_async(painted, vec![]).await;
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
                let state = self
                    .client
                    .execute_async(WORKER_STATE, vec![])
                    .await
                    .unwrap_or_default();
                panic!("waited in vain: {what} (service worker: {state})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// When, after navigation, the first look and then the app were on
    /// screen (ms; the page records them in `window.__headroomFirstLook` and
    /// `window.__headroomRendered`), asserting the first look came first.
    pub async fn first_look_and_app_times(&self) -> (f64, f64) {
        let times = self
            .run_js("return [window.__headroomFirstLook, window.__headroomRendered];")
            .await;
        let first_look = times[0].as_f64().expect("the first look records its time");
        let rendered = times[1].as_f64().expect("the app records its first render");
        assert!(first_look < rendered, "the first look comes first");
        (first_look, rendered)
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
    pub async fn close(self) {
        let violations = self.csp_violations().await;
        assert!(
            violations.is_empty(),
            "Content-Security-Policy violations: {violations:?}"
        );
        let _ = self.client.clone().close().await;
        // The driver and the display end as the browser drops (below).
    }
}

/// A journey that fails (a panic) never reaches `close`: its driver, browser
/// and virtual display end here, so a failed run leaves nothing behind.
impl Drop for Browser {
    fn drop(&mut self) {
        // The driver's whole process group: the browser it started too
        // (left alone, an orphaned Chromium keeps a core busy).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        if let Some(display) = self.display.as_mut() {
            let _ = display.kill();
            let _ = display.wait();
        }
    }
}

/// Where the page's service worker stands, to tell why a wait failed.
const WORKER_STATE: &str = "const done = arguments[arguments.length - 1];
    const s = navigator.serviceWorker;
    if (!s) { done('none'); return; }
    s.getRegistrations().then(list => done({
      controller: !!s.controller,
      registrations: list.map(r => [r.installing, r.waiting, r.active].map(w => w && w.state)),
    }), error => done(String(error)));";

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
        self.resize_to(390, 844).await;
    }

    /// Sizes the window and waits until the page has the new width.
    pub async fn resize_to(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize");
        let laid_out = format!("return Math.abs(window.innerWidth - {width}) <= 20;");
        self.wait_until(&laid_out, &format!("a {width} px window"))
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
