//! `headroom`: the planning engine on the command line (see `headroom::cli`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    headroom::cli::main()
}

/// A command line has no place in a browser: linting every binary for
/// wasm32 builds this empty one.
#[cfg(target_arch = "wasm32")]
fn main() {}
