//! The web entry point Trunk builds: mounts the app on the page.

#[cfg(target_arch = "wasm32")]
fn main() {
    headroom::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("headroom-web is the browser build: run ./scripts/serve.sh to build and serve it");
    std::process::exit(2);
}
