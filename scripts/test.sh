#!/usr/bin/env bash
# Runs every test: formatting, lints (native and wasm32), native unit and
# property tests, browser component tests in headless Chromium, and end-to-end
# tests driving the release build through WebDriver: every journey in
# Chromium, the core journeys in Firefox ESR and WebKit (WebKitGTK) as well.
# Any failure stops the run with a non-zero exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$PROJECT_ROOT"

headroom_setup
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROME="${CHROME:-/usr/bin/chromium}"
# The browser tests run as one page; allow a slow machine more than the runner's 20 s default.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"

step "Formatting (cargo fmt --check)"
cargo fmt --all --check

step "Lints, native (cargo clippy -D warnings)"
cargo clippy --locked --all-targets --all-features -- -D warnings

step "Lints, wasm32 (cargo clippy -D warnings)"
# Library, binaries and tests: the benchmarks are native only.
cargo clippy --locked --target wasm32-unknown-unknown --lib --bins --tests -- -D warnings
# The page's first module is built without the app (and without Leptos).
cargo clippy --locked --target wasm32-unknown-unknown --no-default-features --lib --bins -- -D warnings
# The workbook module: the Excel writer, built with only the `workbook` feature.
cargo clippy --locked --target wasm32-unknown-unknown --no-default-features --features workbook --lib --bins -- -D warnings

step "Architecture (engine layers, no import circles, functions under 100 lines)"
# tests/architecture.rs reads the source: a new circle or a long function fails here.
cargo test --locked --test architecture

step "Native tests (engine, charts, editor, command line)"
cargo test --locked

step "Browser component tests (wasm-bindgen-test in headless Chromium)"
cargo test --locked --target wasm32-unknown-unknown --test web
# The engine's own tests marked for the browser: where WebAssembly runs
# columns in vector lanes written apart from the native loops.
cargo test --locked --target wasm32-unknown-unknown --lib

headroom_build

step "End-to-end tests (release build in Chromium, Firefox and WebKit through WebDriver)"
cargo test --locked --features e2e --test e2e -- --test-threads=1

step "All tests passed"
