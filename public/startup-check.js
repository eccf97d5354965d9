// Headroom's WebAssembly uses SIMD, which every current browser runs
// (Chrome and Edge 91+, Firefox 89+, Safari 16.4+). Where it is missing, or
// the app does not start for another reason, say so instead of showing
// "Loading Headroom…" for ever. (A file of its own: the page's
// Content-Security-Policy allows no inline script but Trunk's loader.)
(function () {
  "use strict";
  var notice = document.getElementById("loading");
  if (!notice) {
    return;
  }
  function explain(text) {
    // The app removes the notice when it starts; then there is nothing to say.
    if (notice.isConnected) {
      notice.textContent = text;
      notice.className = "loading unsupported";
    }
  }
  // The smallest module using a SIMD instruction (i8x16.popcnt), as the
  // wasm-feature-detect project tests for it.
  var simd = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0,
    253, 15, 253, 98, 11,
  ]);
  var supported = false;
  try {
    supported = typeof WebAssembly === "object" && WebAssembly.validate(simd);
  } catch (error) {
    supported = false;
  }
  if (!supported) {
    explain(
      "Headroom needs a newer browser: Chrome or Edge 91 or later, Firefox 89 or later, or " +
        "Safari 16.4 or later. Please update your browser or open this page in another one."
    );
    return;
  }
  window.setTimeout(function () {
    explain(
      "Headroom is taking unusually long to start. Reload the page; if this keeps happening, " +
        "your browser may be blocking WebAssembly (some security settings and extensions do)."
    );
  }, 20000);
})();
