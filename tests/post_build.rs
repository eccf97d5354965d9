//! The release build's post-build step (`scripts/post_build.py`, run by
//! Trunk): the Content-Security-Policy gets the loader's exact hash, and each
//! build's service worker names that build's files under a version of their
//! contents, so a new release is a new cache and the old one is dropped whole.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

const LOADER: &str = "\nimport init from './app-1.js';\nawait init('./app-1_bg.wasm');\n";

fn staging(name: &str, wasm: &[u8]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("headroom-post-build-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a staging folder");
    let index = format!(
        "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self' 'sha256-TRUNK-LOADER'\" />\
         <script type=\"module\">{LOADER}</script></head></html>"
    );
    std::fs::write(dir.join("index.html"), index).expect("index");
    std::fs::write(dir.join("app-1.js"), "export default 1;").expect("js");
    std::fs::write(dir.join("app-1_bg.wasm"), wasm).expect("wasm");
    dir
}

fn run(dir: &Path) {
    let status = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/post_build.py"
        ))
        .env("TRUNK_STAGING_DIR", dir)
        .status()
        .expect("python3 runs (scripts/setup.sh checks it is installed)");
    assert!(status.success());
}

fn version(sw: &str) -> &str {
    sw.split("const VERSION = \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a version")
}

#[test]
fn the_policy_gets_the_loaders_hash_and_the_worker_this_builds_files() {
    let dir = staging("one", b"\0asm one");
    run(&dir);
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
    assert!(index.contains(LOADER), "the loader itself is untouched");
    let sw = std::fs::read_to_string(dir.join("sw.js")).expect("sw.js");
    for file in [
        "\"./\"",
        "\"./index.html\"",
        "\"./app-1.js\"",
        "\"./app-1_bg.wasm\"",
    ] {
        assert!(sw.contains(file), "{file} not cached");
    }
    assert!(
        !sw.contains("\"./sw.js\""),
        "the worker does not cache itself"
    );

    // A new release (different wasm) gets a new version; the same files, the same one.
    let same = staging("same", b"\0asm one");
    run(&same);
    let next = staging("next", b"\0asm two");
    run(&next);
    let read = |dir: &Path| std::fs::read_to_string(dir.join("sw.js")).expect("sw.js");
    assert_eq!(version(&read(&same)), version(&sw));
    assert_ne!(version(&read(&next)), version(&sw));
    for dir in [dir, same, next] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
