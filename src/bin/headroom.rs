//! `headroom`: the planning engine on the command line (see `headroom::cli`).

fn main() -> std::process::ExitCode {
    headroom::cli::main()
}
