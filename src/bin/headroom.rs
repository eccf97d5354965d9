//! `headroom`: the planning engine on the command line.

use std::process::ExitCode;

const USAGE: &str = "\
headroom — capacity and cost planner

Usage:
  headroom forecast    Print the worked example's projection (seed 000)
  headroom --version   Print the version
  headroom --help      Print this help
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("--help" | "-h" | "help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("--version" | "-V") => {
            println!("headroom {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("forecast") => {
            print!("{}", headroom::engine::report::worked_example_table());
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("headroom: unknown command '{other}' (try 'headroom --help')");
            ExitCode::from(2)
        }
    }
}
