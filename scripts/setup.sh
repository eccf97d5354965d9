#!/usr/bin/env bash
# Installs what Headroom's build and tests need, skipping what is already there:
# the wasm32 Rust target, Trunk, wasm-bindgen-cli (at Cargo.lock's version),
# wasm-opt (npm `binaryen`), axe-core (npm, for the end-to-end accessibility
# audit), Chromium and ChromeDriver, Firefox ESR, WebKitWebDriver and Xvfb
# (Debian packages), geckodriver (crates.io).
#
# Everything comes from crates.io, npm or Debian: nothing is downloaded from
# anywhere else. Sourced by scripts/serve.sh and scripts/test.sh so the tools
# land on their PATH; can also be run on its own.

TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"
AXE_CORE_VERSION="4.14.1"
GECKODRIVER_VERSION="0.37.1"
HEADROOM_TOOLS="${HEADROOM_TOOLS:-$HOME/.cache/headroom-tools}"
PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

export PATH="$HEADROOM_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf '\n\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

need_command() { # name, how to get it
  command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed. $2"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "installing system packages needs root: run '$*' as root, then try again."
  fi
}

wasm_bindgen_version() { # the wasm-bindgen version Cargo.lock pins
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
    "$PROJECT_ROOT/Cargo.lock"
}

setup_rust_target() {
  need_command python3 "Install Python 3 (Debian: apt-get install python3); the build's post-build step (scripts/post_build.py) runs on it."
  need_command cargo "Install Rust with rustup (a stable toolchain, 1.95 or newer)."
  need_command rustup "Headroom needs rustup to add the wasm32 target."
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    note "wasm32-unknown-unknown target: present"
  else
    step "Adding the wasm32-unknown-unknown Rust target"
    rustup target add wasm32-unknown-unknown || die "could not add the wasm32 target with rustup."
  fi
}

cargo_install_tool() { # crate, version, how long it takes
  if [ "$("$1" --version 2>/dev/null | head -n1 | awk '{print $2}')" = "$2" ]; then
    note "$1 $2: present"
  else
    step "Installing $1 $2 from crates.io ($3 on 2 cores)"
    cargo install "$1" --version "$2" --locked || die "could not install $1 $2 with cargo."
  fi
}

setup_trunk() {
  cargo_install_tool trunk "$TRUNK_VERSION" "about 12 minutes"
}

setup_wasm_bindgen() {
  local version
  version="$(wasm_bindgen_version)"
  [ -n "$version" ] || die "Cargo.lock does not pin wasm-bindgen; run 'cargo generate-lockfile'."
  if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $version" ] \
    && command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
    note "wasm-bindgen-cli $version: present"
  else
    step "Installing wasm-bindgen-cli $version from crates.io (about 4 minutes)"
    # Not --locked: its own lock file pins a crate version the registry lacks.
    cargo install wasm-bindgen-cli --version "$version" --force \
      || die "could not install wasm-bindgen-cli $version with cargo."
  fi
}

npm_install_tool() { # package@version, what it is for
  need_command npm "Install Node.js and npm (Debian: apt-get install nodejs npm); they fetch $2."
  step "Installing $2 (npm $1) into $HEADROOM_TOOLS"
  mkdir -p "$HEADROOM_TOOLS"
  npm install --prefix "$HEADROOM_TOOLS" --no-audit --no-fund --loglevel=error "$1" \
    || die "could not install $1 with npm."
}

setup_wasm_opt() {
  if wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    note "wasm-opt ${BINARYEN_VERSION%%.*}: present"
  else
    npm_install_tool "binaryen@$BINARYEN_VERSION" "wasm-opt"
    wasm-opt --version >/dev/null || die "wasm-opt was installed but does not run."
  fi
}

# The end-to-end tests inject axe-core's script into each screen they audit.
setup_axe_core() {
  local installed="$HEADROOM_TOOLS/node_modules/axe-core/package.json"
  if [ -f "$installed" ] && grep -q "\"version\": \"$AXE_CORE_VERSION\"" "$installed"; then
    note "axe-core $AXE_CORE_VERSION: present"
  else
    npm_install_tool "axe-core@$AXE_CORE_VERSION" "axe-core"
  fi
  [ -f "$HEADROOM_TOOLS/node_modules/axe-core/axe.min.js" ] \
    || die "axe-core was installed but $HEADROOM_TOOLS/node_modules/axe-core/axe.min.js is missing."
  export HEADROOM_AXE="$HEADROOM_TOOLS/node_modules/axe-core/axe.min.js"
}

# Every journey runs in Chromium; the core journeys also run in Firefox
# (through geckodriver) and WebKit (WebKitGTK's MiniBrowser through
# WebKitWebDriver, on a virtual display). One apt-get for what is missing.
setup_browsers() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
  [ -x /usr/bin/WebKitWebDriver ] || missing+=(webkit2gtk-driver)
  [ -x /usr/bin/Xvfb ] || missing+=(xvfb)
  if [ "${#missing[@]}" = 0 ]; then
    note "chromium, chromedriver, firefox-esr, WebKitWebDriver and Xvfb: present"
  else
    need_command apt-get "Install ${missing[*]} from your system's packages."
    step "Installing ${missing[*]} (Debian packages)"
    as_root apt-get update -q || die "apt-get update failed."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" \
      || die "could not install ${missing[*]} with apt-get."
  fi
  cargo_install_tool geckodriver "$GECKODRIVER_VERSION" "about 5 minutes"
  export GECKODRIVER="${GECKODRIVER:-$(command -v geckodriver)}"
}

# What building the app needs (scripts/serve.sh).
headroom_setup_build() {
  step "Checking tools"
  setup_rust_target
  setup_trunk
  setup_wasm_bindgen
  setup_wasm_opt
}

# That, and what the tests need: axe-core and the three browsers.
headroom_setup() {
  headroom_setup_build
  setup_axe_core
  setup_browsers
}

headroom_build() {
  step "Building the release app with Trunk"
  (cd "$PROJECT_ROOT" && trunk build --release --offline) || die "trunk build failed (see above)."
}

# Run directly: set everything up. Sourced: the caller decides.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  headroom_setup
fi
