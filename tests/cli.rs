//! The `headroom` command line, run as a user would.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::process::{Command, Output};

fn headroom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(args)
        .output()
        .expect("run headroom")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs `headroom` with `args`, which must succeed, and reads its JSON.
fn json_of(args: &[&str]) -> serde_json::Value {
    let output = headroom(args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout(&output)).expect("JSON")
}

/// Asserts a failure: exit status 2 and exactly one line on stderr
/// containing `expected`, no panic, nothing on stdout.
fn assert_refused(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in {stderr}"
    );
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"));
    assert!(output.stdout.is_empty());
}

/// A file in the temporary directory, removed when the test is done with it
/// (each run's files once stayed behind).
struct TempFile(std::path::PathBuf);

impl std::ops::Deref for TempFile {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempFile {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_file(name: &str, contents: &[u8]) -> TempFile {
    let path = std::env::temp_dir().join(format!("headroom-cli-{}-{name}", std::process::id()));
    let mut file = std::fs::File::create(&path).expect("create temp file");
    file.write_all(contents).expect("write temp file");
    TempFile(path)
}

#[test]
fn version_and_help() {
    let version = headroom(&["--version"]);
    assert!(version.status.success());
    assert_eq!(
        stdout(&version),
        format!("headroom {}\n", env!("CARGO_PKG_VERSION"))
    );
    let help = stdout(&headroom(&["--help"]));
    assert!(help.contains("Usage: headroom [COMMAND]"), "{help}");
    // Alone, the tool prints its help and succeeds.
    let alone = headroom(&[]);
    assert!(alone.status.success());
    assert!(stdout(&alone).contains("Usage: headroom [COMMAND]"));
}

#[test]
fn templates_are_listed_and_printable() {
    let list = stdout(&headroom(&["templates"]));
    for id in [
        "managed-saas",
        "microservices-aws",
        "quarterly-service",
        "lean-mvp",
        "realtime-platform",
    ] {
        assert!(list.contains(id), "{id} missing");
        let json = stdout(&headroom(&["template", id]));
        let value: serde_json::Value = serde_json::from_str(&json).expect("a template is JSON");
        assert_eq!(value["schema"], 5);
    }
}

/// The issue's check: Moderate users 117, 137, 160, 187, … 658 (100 × 1.17^t),
/// daily requests users × 5, database users × 100 MB.
/// Seed 004's script takes `--scenario conservative`: a name that matches
/// one scenario ignoring case is that scenario; two that differ only in case
/// are named, not guessed between.
#[test]
fn scenario_names_match_ignoring_case_when_unambiguous() {
    let json = json_of(&[
        "forecast",
        "--template",
        "managed-saas",
        "--scenario",
        "conservative",
        "--format",
        "json",
    ]);
    assert_eq!(json["scenarios"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["scenarios"][0]["name"], "Conservative");
    let plan = r#"{"schema": 5, "name": "t", "horizon_months": 2, "baseline_users": 10,
        "scenarios": [{"name": "Base", "growth": {"model": "compound", "growth": 0.1, "churn": 0}},
                      {"name": "BASE", "growth": {"model": "compound", "growth": 0.2, "churn": 0}}]}"#;
    let path = temp_file("two-bases.json", plan.as_bytes());
    let path = path.to_string_lossy();
    let exact = headroom(&["forecast", &path, "--scenario", "BASE", "--format", "json"]);
    assert!(exact.status.success());
    assert!(stdout(&exact).contains("\"name\": \"BASE\""));
    assert_refused(
        &headroom(&["forecast", &path, "--scenario", "base"]),
        "'base' could be any of 'Base', 'BASE': give the name exactly",
    );
}

#[test]
fn forecast_json_for_managed_saas_moderate() {
    let json = json_of(&[
        "forecast",
        "--template",
        "managed-saas",
        "--scenario",
        "Moderate",
        "--months",
        "12",
        "--format",
        "json",
    ]);
    let scenarios = json["scenarios"].as_array().expect("scenarios");
    assert_eq!(scenarios.len(), 1);
    assert_eq!(scenarios[0]["name"], "Moderate");
    let months = scenarios[0]["months"].as_array().expect("months");
    assert_eq!(months.len(), 13);
    let users: Vec<f64> = months
        .iter()
        .map(|m| m["users"].as_f64().unwrap().round())
        .collect();
    assert_eq!(
        users,
        [100., 117., 137., 160., 187., 219., 257., 300., 351., 411., 481., 562., 658.]
    );
    for month in months {
        let users = month["users"].as_f64().unwrap();
        assert!((month["metrics"]["daily_requests"].as_f64().unwrap() - users * 5.0).abs() < 1e-6);
        assert!((month["metrics"]["db_size_mb"].as_f64().unwrap() - users * 100.0).abs() < 1e-6);
        for key in [
            "components",
            "costs",
            "total_cost",
            "cumulative_cost",
            "cost_per_user",
            "revenue",
            "flags",
        ] {
            assert!(month.get(key).is_some(), "{key} missing");
        }
    }
    assert!(months[12]["components"][0].get("tier").is_some());
    assert!(scenarios[0]["events"].is_array());
}

#[test]
fn every_template_forecasts_in_every_format() {
    for id in [
        "managed-saas",
        "microservices-aws",
        "quarterly-service",
        "lean-mvp",
        "realtime-platform",
    ] {
        for format in ["table", "csv", "json", "markdown"] {
            let output = headroom(&["forecast", "--template", id, "--format", format]);
            assert!(
                output.status.success(),
                "{id} {format}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let text = stdout(&output);
            assert!(text.len() > 200, "{id} {format} printed little");
            match format {
                "json" => assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok()),
                "csv" => assert!(text.starts_with("scenario,month,calendar_month,users")),
                "markdown" => {
                    assert!(text.starts_with("# ") && text.contains("### Growth projection"))
                }
                _ => assert!(text.contains("Scenario: ")),
            }
        }
    }
}

#[test]
fn overrides_change_the_horizon_and_baseline() {
    let json = json_of(&[
        "forecast",
        "--template",
        "managed-saas",
        "--months",
        "24",
        "--initial-users",
        "1.5k",
        "--format",
        "json",
    ]);
    let months = json["scenarios"][1]["months"].as_array().unwrap();
    assert_eq!(months.len(), 25);
    assert_eq!(months[0]["users"], 1500.0);
    // 1,500 × 1.17¹² = 9,870.1
    assert_eq!(months[12]["users"].as_f64().unwrap().round(), 9870.0);
}

#[test]
fn a_plan_file_forecasts_like_its_template() {
    let json = stdout(&headroom(&["template", "lean-mvp"]));
    let path = temp_file("lean.json", json.as_bytes());
    let from_file = headroom(&["forecast", path.to_str().unwrap(), "--format", "csv"]);
    let from_template = headroom(&["forecast", "--template", "lean-mvp", "--format", "csv"]);
    assert!(from_file.status.success());
    assert_eq!(from_file.stdout, from_template.stdout);
}

#[test]
fn bad_commands_and_options_are_one_line_and_exit_2() {
    assert_refused(&headroom(&["frobnicate"]), "unknown command 'frobnicate'");
    assert_refused(
        &headroom(&["template", "nope"]),
        "no template called 'nope'",
    );
    assert_refused(
        &headroom(&["forecast"]),
        "needs a plan file, --template ID or --link LINK",
    );
    assert_refused(
        &headroom(&["forecast", "--template", "lean-mvp", "--format", "xml"]),
        "unknown format 'xml'",
    );
    assert_refused(
        &headroom(&["forecast", "--template", "lean-mvp", "--scenario", "Nope"]),
        "no scenario called 'Nope' (scenarios: 'Steady', 'Word of mouth', 'Podcast spike')",
    );
    assert_refused(
        &headroom(&["forecast", "--template", "lean-mvp", "--months", "0"]),
        "--months: must be 1 to 120 months, not 0",
    );
    assert_refused(
        &headroom(&["forecast", "--template", "lean-mvp", "--months", "10000"]),
        "--months: must be 1 to 120 months",
    );
    assert_refused(
        &headroom(&["forecast", "--template", "lean-mvp", "--months", "-3"]),
        "--months takes a whole number",
    );
    assert_refused(
        &headroom(&[
            "forecast",
            "--template",
            "lean-mvp",
            "--initial-users",
            "-5",
        ]),
        "--initial-users: cannot be below 0",
    );
    assert_refused(
        &headroom(&[
            "forecast",
            "--template",
            "lean-mvp",
            "--initial-users",
            "lots",
        ]),
        "--initial-users: \"lots\" is not a number",
    );
    assert_refused(
        &headroom(&["forecast", "--template"]),
        "--template needs a value",
    );
    assert_refused(
        &headroom(&["forecast", "--bogus"]),
        "unknown option '--bogus'",
    );
}

#[test]
fn bad_plan_files_are_one_line_and_exit_2() {
    let check = |name: &str, contents: &[u8], expected: &str| {
        let path = temp_file(name, contents);
        assert_refused(&headroom(&["forecast", path.to_str().unwrap()]), expected);
    };
    assert_refused(
        &headroom(&["forecast", "/nonexistent/plan.json"]),
        "cannot open /nonexistent/plan.json: no such file",
    );
    check("empty.json", b"", "the plan is empty");
    check("text.json", b"hello, world", "not valid JSON");
    check("binary.json", &[0xff, 0xfe, 0x00, 0x01], "not text (UTF-8)");
    check("array.json", b"[1, 2, 3]", "no schema number");
    check(
        "future.json",
        br#"{"schema": 99, "name": "x"}"#,
        "made by a newer version of Headroom (schema 99",
    );
    check(
        "shape.json",
        br#"{"schema": 5, "name": "x", "horizon_months": "twelve"}"#,
        "horizon_months: expected a whole number, found the text \"twelve\"",
    );
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    check("deep.json", deep.as_bytes(), "not valid JSON");
    let huge = format!(
        "{{\"schema\": 2, \"name\": \"{}\"}}",
        "x".repeat(20_000_000)
    );
    check("huge.json", huge.as_bytes(), "larger than 1000000 bytes");
    let template = stdout(&headroom(&["template", "managed-saas"]));
    let bad = template
        .replacen("\"baseline_users\": 100", "\"baseline_users\": -100", 1)
        .replacen("\"churn\": 0.08", "\"churn\": 1.5", 1)
        .replacen("\"horizon_months\": 12", "\"horizon_months\": 10000", 1);
    check(
        "ranges.json",
        bad.as_bytes(),
        "the plan has 3 problems; horizon_months: must be 1 to 120 months, not 10000; baseline_users: cannot be below 0; scenarios[1].growth.churn: cannot be above 100%",
    );
    let nan = template.replacen("\"baseline_users\": 100", "\"baseline_users\": 1e999", 1);
    check("overflow.json", nan.as_bytes(), "not valid JSON");
    let cycle = template.replacen(
        "\"formula\": \"daily_requests * 30\"",
        "\"formula\": \"monthly_requests * 2\"",
        1,
    );
    check("cycle.json", cycle.as_bytes(), "metrics[1].formula: these metrics depend on each other in a cycle: monthly_requests → monthly_requests");
    let unknown = template.replacen("users * db_mb_per_user", "usres * db_mb_per_user", 1);
    check(
        "unknown.json",
        unknown.as_bytes(),
        "metrics[2].formula: at column 1: unknown name 'usres' (did you mean 'users'?)",
    );
}

#[test]
fn a_link_round_trips_through_the_command_line() {
    let template = stdout(&headroom(&["template", "lean-mvp"]));
    let path = temp_file("link-plan.json", template.as_bytes());
    let output = headroom(&["link", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0));
    let fragment = stdout(&output);
    assert!(
        fragment.starts_with("#h2.") && fragment.ends_with('\n'),
        "{fragment}"
    );
    // A whole URL works as well as the fragment, with any other forecast option.
    let url = format!("https://example.org/headroom/{}", fragment.trim());
    let from_link = headroom(&[
        "forecast",
        "--link",
        &url,
        "--scenario",
        "Steady",
        "--format",
        "csv",
    ]);
    let from_file = headroom(&[
        "forecast",
        path.to_str().expect("utf-8 path"),
        "--scenario",
        "Steady",
        "--format",
        "csv",
    ]);
    assert_eq!(from_link.status.code(), Some(0));
    assert_eq!(stdout(&from_link), stdout(&from_file));
}

#[test]
fn a_damaged_link_is_one_line_and_exit_2() {
    let template = stdout(&headroom(&["template", "managed-saas"]));
    let path = temp_file("link-damaged.json", template.as_bytes());
    let fragment = stdout(&headroom(&["link", path.to_str().expect("utf-8 path")]));
    let cut = &fragment.trim()[..fragment.len() / 2];
    assert_refused(
        &headroom(&["forecast", "--link", cut]),
        "the link is damaged",
    );
    assert_refused(
        &headroom(&["forecast", "--link", "#h7.abc"]),
        "newer version of Headroom",
    );
    // Only the checksum changed: the plan inside still reads, but the link
    // is refused as damaged (issue 31).
    let mut checked = fragment.trim().to_string();
    let last = checked.pop().expect("not empty");
    checked.push(if last == 'A' { 'B' } else { 'A' });
    assert_refused(
        &headroom(&["forecast", "--link", &checked]),
        "the link is damaged",
    );
    assert!(fragment.starts_with("#h2."), "{fragment}");
    assert_refused(&headroom(&["forecast", "--link"]), "--link needs a value");
    assert_refused(&headroom(&["link"]), "link needs one plan file");
    assert_refused(
        &headroom(&["forecast", "--link", "#h1.abc", "--template", "lean-mvp"]),
        "give one of a plan file, --template or --link",
    );
}

const EXAMPLE_ACTUALS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/actuals.csv");

/// `forecast --actuals`: each month with actuals carries `actual`,
/// `variance {absolute, percent}` and, with bands, `percentile_of_actual`,
/// keyed by series; the scenario carries its calibration.
#[test]
fn forecast_with_actuals_gives_variances_and_percentiles() {
    let json = json_of(&[
        "forecast",
        "--template",
        "managed-saas",
        "--actuals",
        EXAMPLE_ACTUALS,
        "--scenario",
        "Moderate",
        "--format",
        "json",
    ]);
    let scenario = &json["scenarios"][0];
    let month_1 = &scenario["months"][1];
    // Feb 2026: 114 users against 117 planned (100 × 1.17).
    assert_eq!(month_1["actual"]["users"], 114.0);
    let variance = &month_1["variance"]["users"];
    assert!((variance["absolute"].as_f64().unwrap() + 3.0).abs() < 1e-9);
    assert!((variance["percent"].as_f64().unwrap() + 300.0 / 117.0).abs() < 1e-9);
    assert_eq!(month_1["actual"]["OpenAI API cost"], 128.39);
    let percentile = month_1["percentile_of_actual"]["ai_requests"]
        .as_f64()
        .unwrap();
    assert!((0.0..=100.0).contains(&percentile));
    // Months without actuals (10–12) have none of the three.
    assert!(scenario["months"][11].get("actual").is_none());
    assert_eq!(scenario["calibration"][0]["series"], "users");
    assert_eq!(scenario["calibration"][0]["bias"], "hot");
    assert_eq!(
        scenario["actuals_headline"],
        "Oct 2026: users 21% below plan, cost 49% below plan"
    );
    let markdown = stdout(&headroom(&[
        "forecast",
        "--template",
        "managed-saas",
        "--actuals",
        EXAMPLE_ACTUALS,
        "--format",
        "markdown",
    ]));
    assert!(markdown.contains("### Plan against actuals"));
    let csv = stdout(&headroom(&[
        "forecast",
        "--template",
        "managed-saas",
        "--actuals",
        EXAMPLE_ACTUALS,
        "--format",
        "csv",
    ]));
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .contains("users actual,users variance,users variance %"));
}

#[test]
fn fit_reports_each_model_with_its_held_out_error_and_recommends_one() {
    let json = json_of(&[
        "fit",
        "--template",
        "managed-saas",
        "--actuals",
        EXAMPLE_ACTUALS,
        "--format",
        "json",
    ]);
    let models: Vec<&str> = json["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model"].as_str().unwrap())
        .collect();
    assert_eq!(models, ["damped", "compound", "linear", "logistic"]);
    let compound = &json["models"][1];
    // The example's users grow about 14% a month.
    let rate = compound["rate"].as_f64().unwrap();
    assert!((rate - 0.14).abs() < 0.005, "{rate}");
    assert!(compound["held_out_error"].as_f64().unwrap() < 0.05);
    assert!(json["reason"]
        .as_str()
        .unwrap()
        .contains("would have predicted the last 6 months within"));
    assert_eq!(json["scenario"]["name"], "Fitted to actuals");
    assert_eq!(json["drivers"][0]["driver"], "db_mb_per_user");
    // Hindsight: the chosen trend fitted without the last 6 months (May to
    // Oct 2026), each forecast with its band beside what happened.
    let held_out = json["hindsight"]["months"].as_array().unwrap();
    let months: Vec<&str> = held_out
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(
        months,
        ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    );
    assert_eq!(held_out[5]["actual"], 326.0);
    for month in held_out {
        let (p5, p50, p95) = (
            month["p5"].as_f64().unwrap(),
            month["p50"].as_f64().unwrap(),
            month["p95"].as_f64().unwrap(),
        );
        assert!(p5 < p50 && p50 < p95, "{month}");
    }
    let inside = held_out
        .iter()
        .filter(|m| {
            m["p5"].as_f64() <= m["actual"].as_f64() && m["actual"].as_f64() <= m["p95"].as_f64()
        })
        .count();
    assert_eq!(json["hindsight"]["inside"], inside);
    // Piecewise, its segment ends given as calendar months.
    let piecewise = json_of(&[
        "fit",
        "--template",
        "managed-saas",
        "--actuals",
        EXAMPLE_ACTUALS,
        "--format",
        "json",
        "--model",
        "piecewise",
        "--ends",
        "2026-01,2026-05",
    ]);
    assert_eq!(piecewise["fitted"], "piecewise");
    assert!(piecewise["scenario"]["growth"]["segments"].is_array());
    let table = stdout(&headroom(&[
        "fit",
        "--template",
        "managed-saas",
        "--actuals",
        EXAMPLE_ACTUALS,
        "--model",
        "logistic",
    ]));
    assert!(
        table.contains("*logistic") && table.contains("market_size"),
        "{table}"
    );
}

#[test]
fn fit_apply_re_forecasts_from_the_last_actual_with_bands() {
    let applied = stdout(&headroom(&[
        "fit",
        "--template",
        "managed-saas",
        "--actuals",
        EXAMPLE_ACTUALS,
        "--apply",
    ]));
    let plan: serde_json::Value = serde_json::from_str(&applied).expect("a plan as JSON");
    // The example's last user actual is Oct 2026.
    assert_eq!(plan["start_month"], "2026-10");
    let scenarios = plan["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.last().unwrap()["name"], "Fitted to actuals");
    let file = temp_file("applied.json", applied.as_bytes());
    let forecast = json_of(&[
        "forecast",
        file.to_str().unwrap(),
        "--scenario",
        "Fitted to actuals",
        "--format",
        "json",
    ]);
    let months = forecast["scenarios"][0]["months"].as_array().unwrap();
    let band = |i: usize| {
        let users = &months[i]["percentiles"]["users"];
        (
            users["p5"].as_f64().unwrap(),
            users["p95"].as_f64().unwrap(),
        )
    };
    // The band widens with the horizon, relative to the users.
    let (low1, high1) = band(1);
    let (low12, high12) = band(12);
    assert!(
        high12 / low12 > high1 / low1,
        "{low1} {high1} {low12} {high12}"
    );
}

#[test]
fn bad_actuals_and_fits_are_one_line_and_exit_2() {
    let bad = temp_file("bad.csv", b"month,users\n2026-01,100\nMars 2026,12\n");
    assert_refused(
        &headroom(&[
            "forecast",
            "--template",
            "managed-saas",
            "--actuals",
            bad.to_str().unwrap(),
        ]),
        "row 3, column A (\"month\"): 'Mars 2026' is not a month",
    );
    let two = temp_file("two.csv", b"month,users\n2026-01,100\n2026-02,110\n");
    let two = two.to_str().unwrap();
    assert_refused(
        &headroom(&[
            "fit",
            "--template",
            "managed-saas",
            "--actuals",
            two,
            "--model",
            "compound",
        ]),
        "cannot fit: fitting needs at least 3 months of user actuals; there are 2",
    );
    assert_refused(
        &headroom(&["fit", "--template", "managed-saas"]),
        "there are no user actuals to fit",
    );
    assert_refused(
        &headroom(&[
            "fit",
            "--template",
            "managed-saas",
            "--actuals",
            two,
            "--model",
            "cubic",
        ]),
        "unknown model 'cubic'",
    );
    assert_refused(
        &headroom(&[
            "fit",
            "--template",
            "managed-saas",
            "--actuals",
            two,
            "--model",
            "piecewise",
        ]),
        "--model piecewise needs --ends",
    );
    assert_refused(
        &headroom(&[
            "forecast",
            "--template",
            "managed-saas",
            "--actuals",
            "/no/such.csv",
        ]),
        "cannot open /no/such.csv: no such file",
    );
}

/// `headroom diff`: Markdown for a pull request by default, the summary line
/// first; a share link on either side; JSON deltas; exit 0 either way.
#[test]
fn diff_compares_two_plans_for_code_review() {
    let old = stdout(&headroom(&["template", "managed-saas"]));
    let new = old.replace(
        "\"growth\": 0.25, \"churn\": 0.08",
        "\"growth\": 0.3, \"churn\": 0.08",
    );
    assert_ne!(old, new, "the edit applies");
    let old_path = temp_file("diff-old.json", old.as_bytes());
    let new_path = temp_file("diff-new.json", new.as_bytes());
    let (old_path, new_path) = (old_path.to_str().unwrap(), new_path.to_str().unwrap());
    let markdown = stdout(&headroom(&["diff", old_path, new_path, "--samples", "200"]));
    let first = markdown.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("**Conservative: no change in the results**"),
        "{markdown}"
    );
    assert!(
        markdown.contains("**Moderate: month-12 cost +$"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- Moderate growth 25% → 30%"),
        "{markdown}"
    );
    assert!(markdown.contains("| Users at month 12 |"), "{markdown}");
    // The old side as a share link, JSON out: Moderate's month-12 users
    // 100 × 1.17^12 → 100 × 1.22^12.
    let link = stdout(&headroom(&["link", old_path]));
    let json = json_of(&[
        "diff",
        link.trim(),
        new_path,
        "--format",
        "json",
        "--scenario",
        "moderate",
    ]);
    let users = &json["scenarios"][0]["rows"][0];
    assert_eq!(users["label"], "Users at month 12");
    let delta = users["delta"].as_f64().expect("a delta");
    assert!(
        (delta - 100.0 * (1.22f64.powi(12) - 1.17f64.powi(12))).abs() < 1e-6,
        "{delta}"
    );
    // The same plan twice: no change, still exit 0.
    let same = headroom(&["diff", old_path, old_path, "--format", "table"]);
    assert!(same.status.success());
    assert!(stdout(&same).contains("nothing"));
    // Bad input: one line, exit 2.
    assert_refused(&headroom(&["diff", old_path]), "diff needs two plans");
    assert_refused(&headroom(&["diff", old_path, "#h1.damaged"]), "#h1.damaged");
    assert_refused(
        &headroom(&["diff", old_path, new_path, "--format", "pdf"]),
        "unknown format 'pdf'",
    );
}

#[test]
fn forecast_since_says_what_changed() {
    let old = stdout(&headroom(&["template", "managed-saas"]));
    let new = old.replace("\"baseline_users\": 100,", "\"baseline_users\": 120,");
    let old_path = temp_file("since-old.json", old.as_bytes());
    let new_path = temp_file("since-new.json", new.as_bytes());
    let report = stdout(&headroom(&[
        "forecast",
        new_path.to_str().unwrap(),
        "--format",
        "markdown",
        "--since",
        old_path.to_str().unwrap(),
    ]));
    assert!(report.contains("## What changed since"), "{report}");
    assert!(report.contains("- users at month 0 100 → 120"), "{report}");
}

/// clap reads the arguments (issue 25): help for the tool and every
/// command, `--version`, `--opt=value`, and did-you-mean for commands,
/// options and scenario names, each refusal still one line and exit 2.
#[test]
fn help_version_and_suggestions() {
    let help = stdout(&headroom(&["--help"]));
    for command in ["templates", "template", "forecast", "link", "fit", "diff"] {
        assert!(help.contains(command), "{command} in {help}");
        let own = headroom(&[command, "--help"]);
        assert!(own.status.success(), "{command} --help");
        assert!(stdout(&own).contains("Usage: headroom "), "{command}");
    }
    let fit = stdout(&headroom(&["fit", "--help"]));
    assert!(
        fit.contains("--model <MODEL>") && fit.contains("--ends"),
        "{fit}"
    );
    assert_eq!(
        stdout(&headroom(&["--version"])),
        format!("headroom {}\n", env!("CARGO_PKG_VERSION"))
    );
    // `--opt=value` reads as `--opt value`.
    assert_eq!(
        headroom(&[
            "forecast",
            "--template=lean-mvp",
            "--months=3",
            "--format=csv"
        ])
        .stdout,
        headroom(&[
            "forecast",
            "--template",
            "lean-mvp",
            "--months",
            "3",
            "--format",
            "csv"
        ])
        .stdout
    );
    assert_refused(
        &headroom(&["forcast"]),
        "unknown command 'forcast' (did you mean 'forecast'? try 'headroom --help')",
    );
    assert_refused(
        &headroom(&["forecast", "--template", "lean-mvp", "--fromat", "csv"]),
        "unknown option '--fromat' (did you mean '--format'? try 'headroom --help')",
    );
    assert_refused(
        &headroom(&["forecast", "--template", "managed-saas", "--scenario", "moderat"]),
        "no scenario called 'moderat' (did you mean 'Moderate'? scenarios: 'Conservative', 'Moderate', 'Aggressive')",
    );
    assert_refused(
        &headroom(&["forecast", "--template", "lean-mvp", "extra", "more"]),
        "unexpected argument 'more': give one plan file",
    );
}
