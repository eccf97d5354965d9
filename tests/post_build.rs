//! The release build's post-build step (`scripts/post_build.py`, run by
//! Trunk): the app's files are named by their content and get a loader the
//! page names; the Content-Security-Policy gets the first module's loader's
//! exact hash; and each build's service worker names that build's files (both
//! modules) under a version of their contents, so a new release is a new
//! cache and the old one is dropped whole.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LOADER: &str =
    "\nimport init from './headroom-start-1.js';\nawait init('./headroom-start-1_bg.wasm');\n";

/// What Trunk's preload link of the first module's WebAssembly says of it.
const WASM_INTEGRITY: &str = "sha384-OWEWKAopMy9BLQpfwJ3Mnvc";

/// A staging folder as Trunk leaves it: the first module (main), the app and
/// the workbook and Monte Carlo modules as plain-named "workers", the app's stylesheet, and
/// the page with its placeholders.
fn staging(name: &str, app_wasm: &[u8]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("headroom-post-build-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a staging folder");
    let index = format!(
        "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self' 'sha256-TRUNK-LOADER'\" />\
         <meta name=\"headroom-app\" content=\"TRUNK-APP\" />\
         <meta name=\"headroom-workbook\" content=\"TRUNK-WORKBOOK\" />\
         <meta name=\"headroom-montecarlo\" content=\"TRUNK-MONTECARLO\" />\
         <script type=\"module\">{LOADER}</script>\
         <link rel=\"modulepreload\" href=\"./headroom-start-1.js\" crossorigin=\"anonymous\" integrity=\"sha384-JS\">\
         <link rel=\"preload\" href=\"./headroom-start-1_bg.wasm\" crossorigin=\"anonymous\" integrity=\"{WASM_INTEGRITY}\" as=\"fetch\" type=\"application/wasm\"></head></html>"
    );
    std::fs::write(dir.join("index.html"), index).expect("index");
    std::fs::write(dir.join("headroom-start-1.js"), "export default 1;").expect("js");
    std::fs::write(dir.join("headroom-start-1_bg.wasm"), b"\0asm start").expect("wasm");
    std::fs::write(dir.join("headroom-web.js"), "export default 2;").expect("app js");
    std::fs::write(dir.join("headroom-web_bg.wasm"), app_wasm).expect("app wasm");
    std::fs::write(dir.join("app.css"), "body { margin: 0 }").expect("app css");
    std::fs::write(dir.join("headroom-workbook.js"), "export default 3;").expect("workbook js");
    std::fs::write(dir.join("headroom-workbook_bg.wasm"), b"\0asm xlsx").expect("workbook wasm");
    std::fs::write(dir.join("headroom-montecarlo.js"), "export default 4;").expect("montecarlo js");
    std::fs::write(dir.join("headroom-montecarlo_bg.wasm"), b"\0asm paths")
        .expect("montecarlo wasm");
    dir
}

fn run(dir: &Path) -> Output {
    Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/post_build.py"
        ))
        .env("TRUNK_STAGING_DIR", dir)
        .output()
        .expect("python3 runs (scripts/setup.sh checks it is installed)")
}

fn version(sw: &str) -> &str {
    sw.split("const VERSION = \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a version")
}

/// The one file in `dir` whose name starts with `stem` and ends with `suffix`.
fn named(dir: &Path, stem: &str, suffix: &str) -> String {
    let found = every_named(dir, stem, suffix);
    assert_eq!(found.len(), 1, "{stem}…{suffix}: {found:?}");
    found[0].clone()
}

/// Every file in `dir` whose name starts with `stem` and ends with `suffix`.
fn every_named(dir: &Path, stem: &str, suffix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read staging")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(stem) && name.ends_with(suffix))
        .collect()
}

#[test]
fn the_policy_gets_the_loaders_hash_and_the_worker_this_builds_files() {
    let dir = staging("one", b"\0asm one");
    assert!(run(&dir).status.success());
    let index = std::fs::read_to_string(dir.join("index.html")).expect("index");
    // The placeholder became a SHA-256 (44 base64 characters). That it is the
    // right one, the end-to-end run shows: Chromium runs the loader under the
    // policy, and any violation fails the run.
    assert!(!index.contains("TRUNK-LOADER"), "{index}");
    let hash = index
        .split("'sha256-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a hash");
    assert_eq!(hash.len(), 44, "{hash}");
    // Trunk's loader is replaced by one that first checks the browser can
    // run the module (WebAssembly with SIMD) and says so when it cannot or
    // when the module fails to start; it loads the same two files.
    assert!(!index.contains(LOADER), "Trunk's loader is replaced");
    for expected in [
        "WebAssembly.validate(simd)",
        "await import(\"./headroom-start-1.js\")",
        "module_or_path: response",
        "self.headroomStartWasm || fetch(\"./headroom-start-1_bg.wasm\")",
        "This browser cannot run Headroom",
        "Headroom could not start",
        "Lockdown Mode",
    ] {
        assert!(index.contains(expected), "{expected} missing from {index}");
    }
    assert_eq!(index.matches("<script type=\"module\">").count(), 1);
    // WebKit does not reuse a preloaded response for a later fetch(): the
    // preload link of the WebAssembly is gone and the loader fetches it
    // itself, once, keeping its integrity. The JavaScript's stays.
    assert!(!index.contains("rel=\"preload\""), "{index}");
    assert!(index.contains("rel=\"modulepreload\""), "{index}");
    // The fetch starts in a classic script straight after the policy,
    // before anything that would hold it up, and the policy names its hash
    // beside the loader's.
    let fetch = format!(
        "  self.headroomStartWasm = fetch(\"./headroom-start-1_bg.wasm\", {{ integrity: \"{WASM_INTEGRITY}\" }});"
    );
    let early = index.find(&fetch).expect("the early fetch");
    assert!(index[..early].ends_with("<script>\nif (typeof WebAssembly === \"object\") { // without it, the loader says so: nothing to fetch\n"), "{index}");
    assert!(early < index.find("<meta name=\"headroom-app\"").expect("meta"));
    assert_eq!(index.matches("'sha256-").count(), 2, "{index}");

    // The app's files are named by their content (16 hex digits) and the
    // page names their loader, which names them.
    let app_js = named(&dir, "headroom-web-", ".js");
    let app_wasm = named(&dir, "headroom-web-", "_bg.wasm");
    let app_css = named(&dir, "app-", ".css");
    assert_eq!(
        app_js.len(),
        "headroom-web-".len() + 16 + ".js".len(),
        "{app_js}"
    );
    for plain in ["headroom-web.js", "headroom-web_bg.wasm", "app.css"] {
        assert!(!dir.join(plain).exists(), "{plain} was renamed");
    }
    let loader = named(&dir, "headroom-app-", ".js");
    assert!(
        index.contains(&format!(
            "<meta name=\"headroom-app\" content=\"./{loader}\" />"
        )),
        "{index}"
    );
    let loader_text = std::fs::read_to_string(dir.join(&loader)).expect("the loader");
    for file in [&app_js, &app_wasm, &app_css] {
        assert!(
            loader_text.contains(&format!("./{file}")),
            "{file} not loaded"
        );
    }
    assert!(
        loader_text.contains("headroom-app-failed"),
        "failures are reported"
    );

    // The workbook module too, and its loader, which sets the writer and
    // says whether it is ready.
    let [workbook_js, workbook_wasm, workbook_loader] =
        on_demand_module(&dir, &index, "headroom-workbook", |js, wasm| {
            vec![
                format!("import(\"./{js}\" + attempt)"),
                format!("module_or_path: \"./{wasm}\""),
                "self.headroomWorkbook = module.writeWorkbook".to_string(),
                "headroom-workbook-ready".to_string(),
                "headroom-workbook-failed".to_string(),
            ]
        });
    // The Monte Carlo module, and the script its Web Workers run: it starts
    // the module, says when it is ready or failed, and answers each run's
    // job (a scenario whole, a share of its paths, a round over a share's
    // values) with bytes handed over rather than copied.
    let [montecarlo_js, montecarlo_wasm, worker] = on_demand_module(
        &dir,
        &index,
        "headroom-montecarlo",
        |js, wasm| {
            vec![
                format!(
                    "import init, {{ simulateScenario, simulatePaths, countBuckets, gatherKeys }} from \"./{js}\""
                ),
                format!("module_or_path: \"./{wasm}\""),
                "postMessage({ ready: true })".to_string(),
                "postMessage({ failed: String(error) })".to_string(),
                "postMessage({ run, scenario, kind, share, of, bytes }, [bytes.buffer])".to_string(),
                "postMessage({ run, scenario, failed: String(error) })".to_string(),
            ]
        },
    );

    let sw = std::fs::read_to_string(dir.join("sw.js")).expect("sw.js");
    for file in [
        format!("./{montecarlo_js}"),
        format!("./{montecarlo_wasm}"),
        format!("./{worker}"),
        format!("./{workbook_js}"),
        format!("./{workbook_wasm}"),
        format!("./{workbook_loader}"),
        "./".to_string(),
        "./index.html".to_string(),
        "./headroom-start-1.js".to_string(),
        "./headroom-start-1_bg.wasm".to_string(),
        format!("./{app_js}"),
        format!("./{app_wasm}"),
        format!("./{app_css}"),
        format!("./{loader}"),
    ] {
        assert!(sw.contains(&format!("\"{file}\"")), "{file} not cached");
    }
    assert!(
        !sw.contains("\"./sw.js\""),
        "the worker does not cache itself"
    );

    // A new release (a different app) gets a new version and new names; the
    // same files, the same ones.
    let same = staging("same", b"\0asm one");
    assert!(run(&same).status.success());
    let next = staging("next", b"\0asm two");
    assert!(run(&next).status.success());
    let read = |dir: &Path| std::fs::read_to_string(dir.join("sw.js")).expect("sw.js");
    assert_eq!(version(&read(&same)), version(&sw));
    assert_eq!(named(&same, "headroom-web-", "_bg.wasm"), app_wasm);
    assert_ne!(version(&read(&next)), version(&sw));
    assert_ne!(named(&next, "headroom-web-", "_bg.wasm"), app_wasm);
    for dir in [dir, same, next] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A module the app starts later: its JavaScript, WebAssembly and loader
/// named by content, the page's meta naming the loader, and the loader
/// saying what `expected(js, wasm)` lists.
fn on_demand_module(
    dir: &Path,
    index: &str,
    stem: &str,
    expected: impl Fn(&str, &str) -> Vec<String>,
) -> [String; 3] {
    let js = every_named(dir, &format!("{stem}-"), ".js")
        .into_iter()
        .find(|n| !n.starts_with(&format!("{stem}-loader-")))
        .unwrap_or_else(|| panic!("{stem}'s JavaScript"));
    let wasm = named(dir, &format!("{stem}-"), "_bg.wasm");
    let loader = named(dir, &format!("{stem}-loader-"), ".js");
    assert!(
        index.contains(&format!("<meta name=\"{stem}\" content=\"./{loader}\" />")),
        "{index}"
    );
    let text = std::fs::read_to_string(dir.join(&loader)).expect("the loader");
    for expected in expected(&js, &wasm) {
        assert!(text.contains(&expected), "{expected} missing from {text}");
    }
    [js, wasm, loader]
}

#[test]
fn a_build_without_the_app_stops_with_a_message() {
    let dir = staging("no-app", b"\0asm one");
    std::fs::remove_file(dir.join("headroom-web_bg.wasm")).expect("remove");
    let output = run(&dir);
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("the app's files are missing from the build: headroom-web_bg.wasm"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_build_without_a_module_the_app_starts_later_stops_with_a_message() {
    for (file, message) in [
        (
            "headroom-workbook.js",
            "the workbook module's files are missing from the build: headroom-workbook.js",
        ),
        (
            "headroom-montecarlo_bg.wasm",
            "the Monte Carlo module's files are missing from the build: headroom-montecarlo_bg.wasm",
        ),
    ] {
        let dir = staging(&format!("no-{file}"), b"\0asm one");
        std::fs::remove_file(dir.join(file)).expect("remove");
        let output = run(&dir);
        assert!(!output.status.success(), "{file}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains(message), "{said}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
