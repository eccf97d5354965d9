//! The `headroom` command line, run as a user would.

use std::process::Command;

fn headroom(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(args)
        .output()
        .expect("run headroom")
}

#[test]
fn version_and_help() {
    let version = headroom(&["--version"]);
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("headroom {}\n", env!("CARGO_PKG_VERSION"))
    );
    let help = headroom(&["--help"]);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage:"));
}

#[test]
fn forecast_prints_the_worked_example() {
    let output = headroom(&["forecast"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Moderate"));
    // Moderate month 12: 658 users, 3,290 daily requests (658.01 × 150 / 30).
    assert!(
        text.contains("   12             658           3,290"),
        "{text}"
    );
}

#[test]
fn an_unknown_command_is_one_line_and_exit_2() {
    let output = headroom(&["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("unknown command 'frobnicate'"));
}
