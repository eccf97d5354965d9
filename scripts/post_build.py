#!/usr/bin/env python3
"""Trunk post-build hook: name the app's files, lock the page down and make
it work offline.

1. The app: Trunk builds two modules. The first (headroom-start, Trunk's
   "main") paints a plan's headline and first chart; the app (headroom-web,
   built as a Trunk "worker" so that Trunk builds it without loading it) and
   its stylesheet (app.css) follow. Trunk leaves those names plain, so they
   are named here by their content, like every other file, and a small
   loader module is written that loads the stylesheet, imports the app's
   JavaScript and starts its WebAssembly, dispatching `headroom-app-failed`
   on the window if anything fails (src/start/loader.rs then offers a
   retry). The page names the loader in <meta name="headroom-app">.
   The workbook module (headroom-workbook, the Excel writer, also a Trunk
   "worker") is named the same way, with a loader of its own that the app
   adds only when a workbook is asked for (WORKBOOK_LOADER, named in
   <meta name="headroom-workbook">; src/ui/files/workbook.rs). So is the
   Monte Carlo module (headroom-montecarlo), with the script the app's Web
   Workers run (MONTECARLO_WORKER, named in <meta name="headroom-montecarlo">;
   src/ui/montecarlo/).
2. The first module's loader: Trunk's inline loader is replaced by one that
   first checks the browser can run it (WebAssembly with SIMD) and says so
   in place of the loading notice when it cannot, or when the module fails
   to load or start (FIRST_LOADER). Trunk's preload link of the module's
   WebAssembly is replaced by a fetch in the page's first lines
   (EARLY_FETCH): WebKit downloaded the preloaded module a second time.
   Both inline scripts' hashes go into the policy.
   Content-Security-Policy: that loader is an inline module script whose
   text changes with every build (it names the hashed files), so its SHA-256
   is computed here and written into the policy in place of the placeholder.
   No 'unsafe-inline', no 'unsafe-eval'.
3. Service worker: sw.js is written with this build's exact file list (both
   modules, so a reader who went offline after the first look still gets the
   app; the Monte Carlo workers' module; and the workbook module, so a
   workbook can be written offline) and
   a version derived from their contents, so a new release installs
   a new cache and removes the old one as a whole: never old JavaScript with
   new wasm.

Runs with the staging directory in TRUNK_STAGING_DIR (or the first argument).
"""

import base64
import hashlib
import os
import re
import sys

PLACEHOLDER = "'sha256-TRUNK-LOADER'"
APP_PLACEHOLDER = 'content="TRUNK-APP"'
WORKBOOK_PLACEHOLDER = 'content="TRUNK-WORKBOOK"'
MONTECARLO_PLACEHOLDER = 'content="TRUNK-MONTECARLO"'
# What Trunk writes for the app (index.html: data-bin="headroom-web", data-type="worker").
APP_FILES = {"js": "headroom-web.js", "wasm": "headroom-web_bg.wasm", "css": "app.css"}
# The Excel writer (index.html: data-bin="headroom-workbook", data-type="worker").
WORKBOOK_FILES = {"js": "headroom-workbook.js", "wasm": "headroom-workbook_bg.wasm"}
# The Monte Carlo workers' module (index.html: data-bin="headroom-montecarlo", data-type="worker").
MONTECARLO_FILES = {"js": "headroom-montecarlo.js", "wasm": "headroom-montecarlo_bg.wasm"}


def content_name(staging: str, name: str, stem: str, suffix: str) -> str:
    """Renames a file of the staging directory to stem-<hash>suffix."""
    with open(os.path.join(staging, name), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    named = f"{stem}-{digest}{suffix}"
    os.replace(os.path.join(staging, name), os.path.join(staging, named))
    return named


def name_the_app(staging: str) -> str:
    """Names the app's files by content and writes their loader; returns the loader's name."""
    missing = [name for name in APP_FILES.values() if not os.path.isfile(os.path.join(staging, name))]
    if missing:
        raise SystemExit(f"post_build: the app's files are missing from the build: {', '.join(missing)}")
    js = content_name(staging, APP_FILES["js"], "headroom-web", ".js")
    wasm = content_name(staging, APP_FILES["wasm"], "headroom-web", "_bg.wasm")
    css = content_name(staging, APP_FILES["css"], "app", ".css")
    loader = APP_LOADER.replace("__JS__", js).replace("__WASM__", wasm).replace("__CSS__", css)
    digest = hashlib.sha256(loader.encode("utf-8")).hexdigest()[:16]
    name = f"headroom-app-{digest}.js"
    with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
        f.write(loader)
    return name


def name_the_workbook(staging: str) -> str:
    """Names the workbook module's files by content and writes its loader;
    returns the loader's name."""
    return name_on_demand(staging, "the workbook module", WORKBOOK_FILES, "headroom-workbook", WORKBOOK_LOADER)


def name_the_montecarlo(staging: str) -> str:
    """Names the Monte Carlo module's files by content and writes the
    workers' script; returns the script's name."""
    return name_on_demand(staging, "the Monte Carlo module", MONTECARLO_FILES, "headroom-montecarlo", MONTECARLO_WORKER)


def name_on_demand(staging: str, what: str, files: dict, stem: str, template: str) -> str:
    """Names a module the app starts later (a Trunk "worker") by content and
    writes the script that starts it, `stem-loader-<hash>.js`; returns its name."""
    missing = [name for name in files.values() if not os.path.isfile(os.path.join(staging, name))]
    if missing:
        raise SystemExit(f"post_build: {what}'s files are missing from the build: {', '.join(missing)}")
    js = content_name(staging, files["js"], stem, ".js")
    wasm = content_name(staging, files["wasm"], stem, "_bg.wasm")
    loader = template.replace("__JS__", js).replace("__WASM__", wasm)
    digest = hashlib.sha256(loader.encode("utf-8")).hexdigest()[:16]
    name = f"{stem}-loader-{digest}.js"
    with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
        f.write(loader)
    return name


def guarded_loader(trunk_loader: str) -> str:
    """Trunk's loader of the first module, behind a check that the browser
    can run it: without WebAssembly, or without its SIMD instructions (Safari
    before 16.4, iOS Lockdown Mode), or when the module fails to load or
    start, the loading notice becomes a message saying so, never an endless
    "Loading"."""
    js = re.search(r"from '(\./[^']+\.js)'", trunk_loader)
    wasm = re.search(r"'(\./[^']+_bg\.wasm)'", trunk_loader)
    if not js or not wasm:
        raise SystemExit("post_build: Trunk's loader does not name the first module's files")
    return FIRST_LOADER.replace("__JS__", js.group(1)).replace("__WASM__", wasm.group(1))


def wasm_name(loader: str) -> str:
    """The first module's WebAssembly, as the guarded loader names it."""
    found = re.search(r'self\.headroomStartWasm \|\| fetch\("(\./[^"]+_bg\.wasm)"\)', loader)
    if not found:
        raise SystemExit("post_build: the loader does not name the first module's WebAssembly")
    return found.group(1)


def without_wasm_preload(index: str) -> tuple[str, str]:
    """Takes out Trunk's <link rel="preload"> of the first module's
    WebAssembly, returning the page and the link's integrity ("" if none),
    which the loader's own request keeps."""
    link = re.search(r'<link rel="preload" href="\./[^"]+_bg\.wasm"[^>]*>', index)
    if not link:
        return index, ""
    integrity = re.search(r'integrity="([^"]+)"', link.group(0))
    return index.replace(link.group(0), ""), integrity.group(1) if integrity else ""


def main() -> int:
    staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "")
    index_path = os.path.join(staging, "index.html")
    if not staging or not os.path.isfile(index_path):
        print(f"post_build: no index.html in '{staging}'", file=sys.stderr)
        return 1
    with open(index_path, encoding="utf-8") as f:
        index = f.read()

    scripts = re.findall(r"<script type=\"module\">(.*?)</script>", index, flags=re.S)
    placeholders = (PLACEHOLDER, APP_PLACEHOLDER, WORKBOOK_PLACEHOLDER, MONTECARLO_PLACEHOLDER)
    if len(scripts) != 1 or any(placeholder not in index for placeholder in placeholders):
        print("post_build: expected one inline loader script and the CSP, app, workbook and Monte Carlo placeholders", file=sys.stderr)
        return 1
    index = index.replace(APP_PLACEHOLDER, f'content="./{name_the_app(staging)}"')
    index = index.replace(WORKBOOK_PLACEHOLDER, f'content="./{name_the_workbook(staging)}"')
    index = index.replace(MONTECARLO_PLACEHOLDER, f'content="./{name_the_montecarlo(staging)}"')
    index, integrity = without_wasm_preload(index)
    guarded = guarded_loader(scripts[0])
    index = index.replace(f'<script type="module">{scripts[0]}</script>', f'<script type="module">{guarded}</script>')
    # The early fetch goes straight after the policy, before any stylesheet:
    # a script after one would wait for it (a round trip on a phone).
    policy = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', index)
    if not policy:
        print("post_build: no Content-Security-Policy meta element", file=sys.stderr)
        return 1
    early = EARLY_FETCH.replace("__WASM__", wasm_name(guarded)).replace("__INTEGRITY__", integrity)
    index = index.replace(policy.group(0), f"{policy.group(0)}\n    <script>{early}</script>", 1)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
        for text in (early, guarded)
    )
    index = index.replace(PLACEHOLDER, hashes)
    with open(index_path, "w", encoding="utf-8") as f:
        f.write(index)

    shell = sorted(
        name
        for name in os.listdir(staging)
        if os.path.isfile(os.path.join(staging, name)) and name != "sw.js"
    )
    version = hashlib.sha256()
    for name in shell:
        with open(os.path.join(staging, name), "rb") as f:
            version.update(name.encode() + b"\0" + hashlib.sha256(f.read()).digest())
    files = ",\n  ".join(f'"./{name}"' for name in ["", *shell] if name != "index.html") + ',\n  "./index.html"'
    with open(os.path.join(staging, "sw.js"), "w", encoding="utf-8") as f:
        f.write(SERVICE_WORKER.replace("__VERSION__", version.hexdigest()[:16]).replace("__FILES__", files))
    return 0


FIRST_LOADER = """
// Headroom's first module, loaded only where it can run (scripts/post_build.py).
const cannotRun = (title, why) => {
  const page = document.createElement("main");
  page.id = "loading";
  page.className = "cannot-run";
  const box = document.createElement("div");
  box.setAttribute("role", "alert");
  page.append(box);
  const heading = document.createElement("h1");
  heading.textContent = title;
  box.append(heading);
  const shared = location.hash.length > 1
    ? "The plan itself is safe in this link: open the same link in one of those browsers, or on a computer."
    : "";
  for (const text of [why, "Headroom works in Safari on iOS and macOS 16.4 or later, Chrome and Edge 91 or later, and Firefox 89 or later. On an iPhone or iPad, Lockdown Mode turns WebAssembly off: allow this site in Lockdown Mode's settings, or open it elsewhere.", shared]) {
    if (text) {
      const line = document.createElement("p");
      line.textContent = text;
      box.append(line);
    }
  }
  const notice = document.getElementById("loading");
  if (notice) notice.replaceWith(page); else document.body.append(page);
};
// The smallest module that uses a SIMD instruction (i8x16.splat, i8x16.popcnt).
const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
let runs = false;
try {
  runs = typeof WebAssembly === "object" && WebAssembly.validate(simd);
} catch (error) {
  runs = false;
}
if (!runs) {
  cannotRun("This browser cannot run Headroom",
    typeof WebAssembly === "object"
      ? "Headroom runs on WebAssembly with its SIMD instructions, which this browser does not have."
      : "Headroom runs on WebAssembly, which this browser does not have or has turned off.");
} else {
  try {
    // The WebAssembly is on its way since the page's first lines
    // (EARLY_FETCH); the fallback only serves a page without them.
    const response = self.headroomStartWasm || fetch("__WASM__");
    const bindings = await import("__JS__");
    const wasm = await bindings.default({ module_or_path: response });
    window.wasmBindings = bindings;
    dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
  } catch (error) {
    cannotRun("Headroom could not start",
      "Its program did not load or start (" + String(error).slice(0, 200) + "). Check the connection and reload the page.");
  }
}
"""

# The first module's WebAssembly, fetched as the page starts, with the
# integrity Trunk gave it, in place of Trunk's preload link: WebKit does not
# hand a preloaded response to a later fetch, and Firefox does not when that
# fetch names an integrity, so one engine or the other downloaded the module
# twice. A classic script before the stylesheets runs at once; the module
# loader, like any script after a stylesheet, waits for it.
EARLY_FETCH = """
if (typeof WebAssembly === "object") { // without it, the loader says so: nothing to fetch
  self.headroomStartWasm = fetch("__WASM__", { integrity: "__INTEGRITY__" });
  self.headroomStartWasm.catch(() => {}); // reported by the loader that awaits it
}
"""

APP_LOADER = """// Headroom's app loader, written by scripts/post_build.py for one build.
// The first module (src/start/) adds it as <script type="module"> as it
// starts (the first look is drawn meanwhile), with ?attempt=N on each retry:
// the query is passed on, because a module URL that failed to load stays failed.
const attempt = new URL(import.meta.url).search;
const failed = (error) =>
  window.dispatchEvent(new CustomEvent("headroom-app-failed", { detail: String(error) }));
// The app's stylesheet first, so the app never shows unstyled.
const styled = new Promise((resolve, reject) => {
  if (document.querySelector("link[data-headroom-app]")) {
    resolve();
    return;
  }
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "./__CSS__" + attempt;
  link.onload = () => {
    link.dataset.headroomApp = "";
    resolve();
  };
  link.onerror = () => {
    link.remove();
    reject(new Error("the app's stylesheet did not load"));
  };
  document.head.append(link);
});
// All three at once: the WebAssembly downloads while the JavaScript and the
// stylesheet arrive (a failed fetch is not remembered, so no query is needed).
const wasm = fetch("./__WASM__");
wasm.catch(() => {}); // reported through the chain below, not as unhandled
Promise.all([import("./__JS__" + attempt), styled])
  .then(([app]) => app.default({ module_or_path: wasm }))
  .catch(failed);
"""

WORKBOOK_LOADER = """// Headroom's workbook loader, written by scripts/post_build.py for one build.
// The app (src/ui/files/workbook.rs) adds it as <script type="module"> the
// first time a workbook is asked for, with ?attempt=N on each retry (a module
// URL that failed to load stays failed, so the query is passed on).
const attempt = new URL(import.meta.url).search;
import("./__JS__" + attempt)
  .then((module) => module.default({ module_or_path: "./__WASM__" }).then(() => module))
  .then((module) => {
    self.headroomWorkbook = module.writeWorkbook;
    window.dispatchEvent(new CustomEvent("headroom-workbook-ready"));
  })
  .catch((error) =>
    window.dispatchEvent(new CustomEvent("headroom-workbook-failed", { detail: String(error) })));
"""

MONTECARLO_WORKER = """// Headroom's Monte Carlo worker, written by scripts/post_build.py for one build.
// The app (src/ui/montecarlo/) starts it as a module worker. Each job
// { run, scenario, kind, share, of, document, given } is answered
// { run, scenario, kind, share, of, bytes } (engine::uncertainty::wire), the
// bytes handed over rather than copied, or { run, scenario, failed }:
// - kind "whole": the scenario's bands;
// - kind "paths": share `share` of `of` of its paths (its values stay here);
// - kind "counts", "gather": the rounds of exact percentiles over that
//   share's values (engine::uncertainty::select), given as bytes.
// It says { ready: true } once its WebAssembly has started, or { failed }.
import init, { simulateScenario, simulatePaths, countBuckets, gatherKeys } from "./__JS__";
const ready = init({ module_or_path: "./__WASM__" });
ready.then(() => postMessage({ ready: true }), (error) => postMessage({ failed: String(error) }));
const jobs = {
  whole: ({ document, scenario }) => simulateScenario(document, scenario),
  paths: ({ document, scenario, share, of }) => simulatePaths(document, scenario, share, of),
  counts: ({ document, scenario, share, given }) => countBuckets(document, scenario, share, given),
  gather: ({ document, scenario, share, given }) => gatherKeys(document, scenario, share, given),
};
onmessage = async (event) => {
  const { run, scenario, kind, share, of } = event.data;
  try {
    await ready;
    const bytes = jobs[kind](event.data);
    postMessage({ run, scenario, kind, share, of, bytes }, [bytes.buffer]);
  } catch (error) {
    postMessage({ run, scenario, failed: String(error) });
  }
};
"""

SERVICE_WORKER = """// Headroom's service worker, written by scripts/post_build.py for one build.
// The app shell of this build is cached whole under its own version; a new
// build's worker caches its own shell and deletes the old one.
const VERSION = "__VERSION__";
const CACHE = "headroom-" + VERSION;
const SHELL = [
  __FILES__
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("headroom-") && key !== CACHE).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    // The page itself: the network's newest when it answers within a few
    // seconds, this build's shell when it does not (offline, or a network
    // that accepts connections and never answers).
    const cached = () => caches.open(CACHE).then((cache) => cache.match("./index.html"));
    const slow = new Promise((resolve) => setTimeout(resolve, 3000)).then(cached);
    event.respondWith(
      Promise.race([fetch(request).catch(cached), slow]).then((response) => response || fetch(request))
    );
    return;
  }
  // Everything else is named by its content hash: the cache is always right
  // (a retried module's ?attempt=N names the same file).
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request))
    )
  );
});
"""

if __name__ == "__main__":
    sys.exit(main())
