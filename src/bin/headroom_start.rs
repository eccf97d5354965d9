//! The first module a page loads: the headline and first chart, then the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    headroom::start::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("headroom-start is the browser build: run ./scripts/serve.sh to build and serve it");
    std::process::exit(2);
}
