#!/usr/bin/env python3
"""Trunk post-build hook: lock the page down and make it work offline.

1. Content-Security-Policy: Trunk's loader is an inline module script whose
   text changes with every build (it names the hashed files), so its SHA-256
   is computed here and written into the policy in place of the placeholder.
   No 'unsafe-inline', no 'unsafe-eval'.
2. Service worker: sw.js is written with this build's exact file list and a
   version derived from their contents, so a new release installs a new cache
   and removes the old one as a whole: never old JavaScript with new wasm.

Runs with the staging directory in TRUNK_STAGING_DIR (or the first argument).
"""

import base64
import hashlib
import os
import re
import sys

PLACEHOLDER = "'sha256-TRUNK-LOADER'"


def main() -> int:
    staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "")
    index_path = os.path.join(staging, "index.html")
    if not staging or not os.path.isfile(index_path):
        print(f"post_build: no index.html in '{staging}'", file=sys.stderr)
        return 1
    with open(index_path, encoding="utf-8") as f:
        index = f.read()

    scripts = re.findall(r"<script type=\"module\">(.*?)</script>", index, flags=re.S)
    if len(scripts) != 1 or PLACEHOLDER not in index:
        print("post_build: expected one inline loader script and the CSP placeholder", file=sys.stderr)
        return 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()
    index = index.replace(PLACEHOLDER, f"'sha256-{digest}'")
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
  // Everything else is named by its content hash: the cache is always right.
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request).then((hit) => hit || fetch(request))
    )
  );
});
"""

if __name__ == "__main__":
    sys.exit(main())
