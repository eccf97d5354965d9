#!/usr/bin/env python3
"""Time to the first screen on an emulated mid-range phone.

Serves a built dist/ the way a static host does (each file precompressed with
brotli at quality 11 and sent with Content-Encoding: br), then opens it in
fresh headless Chromium sessions through ChromeDriver with Lighthouse's
mobile preset: 4x CPU slowdown, 150 ms round trip, 1.6 Mbps down and 750 kbps
up (set through the DevTools protocol), a 412 x 823 phone screen, the HTTP
cache disabled and a new profile per load (so no service worker).

For each page it prints the median of N cold loads:
  PHONE <page>_first_screen_ms   navigation to the headline and first chart on
                                 screen (window.__headroomFirstLook, or the
                                 app's __headroomRendered on a build without
                                 a first look)
  PHONE <page>_app_ms            navigation to the app rendered
  PHONE <page>_first_screen_kb   bytes transferred before the first screen
                                 (the page's resource timing)

Usage: phone_bench.py DIST [--runs N] [--page NAME=FRAGMENT]... [--webkit-like]
(--webkit-like: a preloaded WebAssembly module is downloaded twice, as WebKit
does, and each figure is named webkit_like_…)
(the worked example, page "example" with no fragment, is always measured).
Needs chromedriver and chromium (CHROMEDRIVER, CHROME) and the brotli command.
This is a measurement, not a test: it never fails on a slow figure.
"""

import argparse
import functools
import http.server
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

COMPRESSED = (".html", ".js", ".wasm", ".css", ".svg", ".json", ".webmanifest")
# Lighthouse's mobile preset (its "slow 4G"): 1.6 Mbps down, 750 kbps up, 150 ms.
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
# In the page: when the first screen and the app were on screen (ms since
# navigation), and the bytes transferred for what finished before the first.
FIGURES = """
const first = window.__headroomFirstLook || window.__headroomRendered || null;
const entries = performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"));
const bytes = first === null ? 0 : entries
  .filter((entry) => entry.responseEnd <= first)
  .reduce((sum, entry) => sum + entry.transferSize, 0);
return [window.__headroomFirstLook || null, window.__headroomRendered || null, bytes];
"""


class BrotliHandler(http.server.SimpleHTTPRequestHandler):
    """Serves FILE.br for FILE with Content-Encoding: br."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.translate_path(self.path.split("?")[0].split("#")[0])
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        compressed = path + ".br"
        if "br" in self.headers.get("Accept-Encoding", "") and os.path.isfile(compressed):
            with open(compressed, "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", "br")
        elif os.path.isfile(path):
            with open(path, "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
        else:
            self.send_error(404)
            return
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)


BrotliHandler.extensions_map = {
    **http.server.SimpleHTTPRequestHandler.extensions_map,
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".webmanifest": "application/manifest+json",
}


def webkit_like(root: str) -> None:
    """Makes Chromium download a preloaded WebAssembly module twice, as
    WebKit does (it does not hand a <link rel=preload> response to a later
    fetch()): the preload link names the file under another URL, so the
    module's own fetch cannot reuse it. A build without such a link (the
    first module's loader fetches its WebAssembly itself) is unchanged."""
    index = os.path.join(root, "index.html")
    with open(index, encoding="utf-8") as f:
        page = f.read()
    page = re.sub(r'(<link rel="preload" href="[^"]+\.wasm)"', r'\1?preloaded"', page)
    with open(index, "w", encoding="utf-8") as f:
        f.write(page)


def precompressed_copy(dist: str, like_webkit: bool) -> str:
    root = tempfile.mkdtemp(prefix="headroom-phone-")
    shutil.copytree(dist, root, dirs_exist_ok=True)
    if like_webkit:
        webkit_like(root)
    for name in os.listdir(root):
        if name.endswith(COMPRESSED):
            path = os.path.join(root, name)
            subprocess.run(["brotli", "-q", "11", "-f", "-o", path + ".br", path], check=True)
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    """The little of WebDriver this needs, plus ChromeDriver's DevTools passthrough."""

    def __init__(self, chromedriver: str, chrome: str):
        self.port = free_port()
        self.process = subprocess.Popen(
            [chromedriver, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.time() + 20
        while True:
            try:
                self.request("GET", "/status")
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("phone_bench: chromedriver did not start")
                time.sleep(0.1)
        self.chrome = chrome

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)

    def cold_load(self, url: str) -> dict:
        profile = tempfile.mkdtemp(prefix="headroom-profile-")
        options = {
            "binary": self.chrome,
            "mobileEmulation": {"deviceMetrics": {"width": 412, "height": 823, "pixelRatio": 1.75}},
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile}",
            ],
        }
        session = self.request("POST", "/session", {
            "capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}
        })["value"]["sessionId"]
        base = f"/session/{session}"
        cdp = lambda cmd, params: self.request("POST", f"{base}/goog/cdp/execute", {"cmd": cmd, "params": params})
        try:
            cdp("Network.enable", {})
            cdp("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp("Network.emulateNetworkConditions", NETWORK)
            cdp("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            self.request("POST", f"{base}/url", {"url": url})
            deadline = time.time() + 90
            figures = None
            while time.time() < deadline:
                figures = self.request("POST", f"{base}/execute/sync", {"script": FIGURES, "args": []})["value"]
                if figures[1] is not None:
                    break
                time.sleep(0.2)
            if not figures or figures[1] is None:
                raise SystemExit(f"phone_bench: the app did not render at {url} within 90 s")
            first, app, transferred = figures
            return {
                "first_screen_ms": first if first is not None else app,
                "app_ms": app,
                "first_screen_kb": transferred / 1000,
            }
        finally:
            self.request("DELETE", base)
            shutil.rmtree(profile, ignore_errors=True)

    def close(self):
        self.process.kill()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dist")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", action="append", default=[], help="NAME=FRAGMENT")
    parser.add_argument("--webkit-like", action="store_true",
                        help="download a preloaded module twice, as WebKit does (figures prefixed webkit_like_)")
    args = parser.parse_args()
    root = precompressed_copy(args.dist, args.webkit_like)
    prefix = "webkit_like_" if args.webkit_like else ""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(BrotliHandler, directory=root)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    driver = Driver(os.environ.get("CHROMEDRIVER", "chromedriver"), os.environ.get("CHROME", "chromium"))
    pages = [("example", "")] + [tuple(page.split("=", 1)) for page in args.page]
    try:
        for name, fragment in pages:
            runs = [driver.cold_load(origin + (f"#{fragment}" if fragment else "")) for _ in range(args.runs)]
            for figure in ("first_screen_ms", "app_ms", "first_screen_kb"):
                values = [run[figure] for run in runs]
                print(f"PHONE {prefix}{name}_{figure} {statistics.median(values):.0f} "
                      f"(runs: {', '.join(f'{v:.0f}' for v in values)})")
    finally:
        driver.close()
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
