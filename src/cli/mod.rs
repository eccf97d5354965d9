//! `headroom`: the planning engine on the command line. The binary only
//! calls [`main`]; arguments are read by clap (help for every command,
//! `--version`, `--opt=value`, did-you-mean), and the commands are plain
//! functions over the engine.
//!
//! Every failure is one line on stderr and exit status 2: never a panic or a
//! backtrace, and input is read with a size cap so time and memory stay bounded.

mod args;

use crate::engine::actuals::import::{read_actuals_csv, MAX_CSV_BYTES};
use crate::engine::actuals::refit::{
    apply, method_named, refit, user_observations, Method, Refit, METHOD_NAMES,
};
use crate::engine::analyse::scenario::project;
use crate::engine::diff::plan_changes;
use crate::engine::diff::results::{compare_results, Side};
use crate::engine::model::document::save_plan;
use crate::engine::model::document::{load_plan, MAX_DOCUMENT_BYTES};
use crate::engine::model::link::{decode_link, encode_link, link_start};
use crate::engine::model::number::{format_compact, format_percent, parse_number};
use crate::engine::model::plan::{parse_month_count, Growth};
use crate::engine::model::templates::{self, TEMPLATES};
use crate::engine::model::validate::{ValidPlan, MAX_SAMPLES, MIN_SAMPLES};
use crate::engine::output::{
    changes_since, comparison_json, comparison_markdown, comparison_table, projection_csv,
    projection_json, projection_markdown, projection_table,
};
use crate::engine::uncertainty::{has_uncertainty, simulate_plan};
use args::{Cli, Command, DiffArgs, FitArgs, ForecastArgs, Source};
use clap::Parser;
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    Xlsx,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Xlsx => "xlsx",
        }
    }

    /// The format `text` names among those a command takes (`md` is
    /// Markdown), or a message listing them.
    fn named(text: &str, allowed: &[Format]) -> Result<Format, String> {
        let wanted = if text == "md" { "markdown" } else { text };
        allowed
            .iter()
            .copied()
            .find(|format| format.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
                let (last, rest) = names.split_last().unwrap_or((&"", &[]));
                format!("unknown format '{text}' ({} or {last})", rest.join(", "))
            })
    }
}

/// Runs the command line on the process's arguments: what it prints, and
/// its exit status (0, or 2 with one line on stderr).
pub fn main() -> ExitCode {
    match run(std::env::args_os()) {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            // One line, whatever the message holds.
            eprintln!("headroom: {}", message.replace(['\n', '\r'], " "));
            ExitCode::from(2)
        }
    }
}

/// The output of one run, or its one-line error (help and `--version` are
/// output).
pub fn run<I, T>(args: I) -> Result<String, String>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => return args::help_or_error(error),
    };
    match cli.command {
        None => Ok(args::long_help()),
        Some(Command::Templates) => Ok(TEMPLATES
            .iter()
            .map(|t| format!("{:<20} {}\n", t.id, t.summary))
            .collect()),
        Some(Command::Template { id }) => templates::find(&id)
            .map(|t| t.json.to_string())
            .ok_or_else(|| unknown_template(&id)),
        Some(Command::Forecast(args)) => forecast(args),
        Some(Command::Link { plan }) => link(&plan),
        Some(Command::Fit(args)) => fit_command(args),
        Some(Command::Diff(args)) => diff_command(args),
    }
}

fn unknown_template(id: &str) -> String {
    let ids: Vec<&str> = TEMPLATES.iter().map(|t| t.id).collect();
    format!("no template called '{id}' (templates: {})", ids.join(", "))
}

fn link(path: &str) -> Result<String, String> {
    let text = read_capped(path)?;
    let plan = load_plan(&text).map_err(|error| format!("{path}: {error}"))?;
    Ok(format!("#{}\n", encode_link(plan.plan())))
}

fn forecast(args: ForecastArgs) -> Result<String, String> {
    let months = match &args.months {
        Some(text) => Some(
            text.parse::<u32>()
                .map_err(|_| format!("--months takes a whole number of months, not '{text}'"))?,
        ),
        None => None,
    };
    let users = match &args.initial_users {
        Some(text) => {
            Some(parse_number(text).map_err(|error| format!("--initial-users: {error}"))?)
        }
        None => None,
    };
    let (samples, seed) = args.paths.read()?;
    let format = match &args.format {
        Some(text) => Format::named(
            text,
            &[
                Format::Table,
                Format::Csv,
                Format::Json,
                Format::Markdown,
                Format::Xlsx,
            ],
        )?,
        None => Format::Table,
    };
    if format == Format::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err("an Excel workbook is a binary file: name one with --output FILE.xlsx (or pipe the output)".into());
    }
    let output = args.output;
    let since = args.since;
    let common = args.source;
    let scenario = common.scenario.clone();
    let plan = common.plan("forecast")?;
    let plan = apply_overrides(plan, months, users)?;
    // A scenario named loosely (`conservative`) is the plan's own name from here on.
    let scenario = match &scenario {
        Some(name) => Some(plan.plan().scenario_named(name)?.name.clone()),
        None => None,
    };
    let projection = project(&plan);
    let only = scenario.as_deref();
    let bands = bands_for(&plan, samples, seed, false);
    let bands = bands.as_ref();
    let since = match since {
        Some(source) => {
            let old = plan_from(&source)?;
            Some((source, plan_changes(old.plan(), plan.plan())))
        }
        None => None,
    };
    let changed_since = |markdown: bool| -> String {
        since
            .as_ref()
            .map(|(source, changes)| changes_since(source, changes, markdown))
            .unwrap_or_default()
    };
    let text = match format {
        Format::Xlsx => {
            let workbook = crate::export::projection_workbook(&plan, &projection, bands, only)?;
            return deliver_binary(workbook, output.as_deref());
        }
        Format::Table => projection_table(&plan, &projection, bands, only) + &changed_since(false),
        Format::Csv => projection_csv(&plan, &projection, bands, only),
        Format::Json => {
            let json = projection_json(&plan, &projection, bands, only);
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json).map_err(|error| error.to_string())?
            )
        }
        Format::Markdown => {
            projection_markdown(&plan, &projection, bands, only) + &changed_since(true)
        }
    };
    match output {
        Some(path) => write_file(&path, text.as_bytes()),
        None => Ok(text),
    }
}

/// Writes `bytes` to the file `path`; nothing is printed.
fn write_file(path: &str, bytes: &[u8]) -> Result<String, String> {
    std::fs::write(path, bytes).map_err(|error| format!("{path}: {error}"))?;
    Ok(String::new())
}

/// Writes a binary file to `output`, or to standard output (a pipe or a
/// file: a terminal was refused before any work).
fn deliver_binary(bytes: Vec<u8>, output: Option<&str>) -> Result<String, String> {
    if let Some(path) = output {
        return write_file(path, &bytes);
    }
    use std::io::Write;
    let mut stdout = std::io::stdout();
    stdout
        .write_all(&bytes)
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("standard output: {error}"))?;
    Ok(String::new())
}

impl args::Paths {
    /// `--samples` and `--seed`, read.
    fn read(&self) -> Result<(Option<u32>, Option<u64>), String> {
        Ok((
            self.samples.as_deref().map(parse_samples).transpose()?,
            self.seed.as_deref().map(parse_seed).transpose()?,
        ))
    }
}

/// `--samples`: a whole number of paths within the limits.
fn parse_samples(text: &str) -> Result<u32, String> {
    let parsed = parse_number(text)
        .ok()
        .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= f64::from(u32::MAX));
    let count = parsed.ok_or(format!(
        "--samples takes a whole number of paths, not '{text}'"
    ))? as u32;
    if !(MIN_SAMPLES..=MAX_SAMPLES).contains(&count) {
        return Err(format!(
            "--samples must be {MIN_SAMPLES} to {MAX_SAMPLES}, not {count}"
        ));
    }
    Ok(count)
}

/// `--seed`: a whole number.
fn parse_seed(text: &str) -> Result<u64, String> {
    text.parse::<u64>().map_err(|_| {
        format!(
            "--seed takes a whole number from 0 to {}, not '{text}'",
            u64::MAX
        )
    })
}

/// The plan's bands, when it is uncertain, asked for, or `always`.
fn bands_for(
    plan: &ValidPlan,
    samples: Option<u32>,
    seed: Option<u64>,
    always: bool,
) -> Option<crate::engine::uncertainty::Bands> {
    (always || samples.is_some() || seed.is_some() || has_uncertainty(plan.plan())).then(|| {
        let mut settings = plan.plan().uncertainty.unwrap_or_default();
        settings.samples = samples.unwrap_or(settings.samples);
        settings.seed = seed.unwrap_or(settings.seed);
        simulate_plan(plan, settings)
    })
}

/// A plan from a file, or from a share link (`#h1.…`, `h1.…` or a URL
/// holding one).
fn plan_from(source: &str) -> Result<ValidPlan, String> {
    if let Some(at) = link_start(source) {
        return decode_link(&source[at..]).map_err(|error| format!("{}: {error}", shorten(source)));
    }
    let text = read_capped(source)?;
    load_plan(&text).map_err(|error| format!("{source}: {error}"))
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}

/// `headroom diff OLD NEW`: what changed between two plans and what it does.
fn diff_command(args: DiffArgs) -> Result<String, String> {
    let (samples, seed) = args.paths.read()?;
    let format = match &args.format {
        Some(text) => Format::named(text, &[Format::Markdown, Format::Json, Format::Table])?,
        None => Format::Markdown,
    };
    let scenario = args.scenario;
    let [old_source, new_source] = <[String; 2]>::try_from(args.plans).map_err(|sides| {
        format!(
            "diff needs two plans, old then new (files or share links), not {}",
            sides.len()
        )
    })?;
    let (old, new) = (plan_from(&old_source)?, plan_from(&new_source)?);
    let only = match &scenario {
        Some(name) => Some(new.plan().scenario_named(name)?.name.clone()),
        None => None,
    };
    // Bands for both when either is uncertain, so the figures compare alike.
    let uncertain = has_uncertainty(old.plan()) || has_uncertainty(new.plan());
    let (old_projection, new_projection) = (project(&old), project(&new));
    let old_bands = bands_for(&old, samples, seed, uncertain);
    let new_bands = bands_for(&new, samples, seed, uncertain);
    let comparison = compare_results(
        Side {
            plan: &old,
            projection: &old_projection,
            bands: old_bands.as_ref(),
        },
        Side {
            plan: &new,
            projection: &new_projection,
            bands: new_bands.as_ref(),
        },
    );
    let only = only.as_deref();
    Ok(match format {
        Format::Markdown => comparison_markdown(
            &comparison,
            &shorten(&old_source),
            &shorten(&new_source),
            only,
        ),
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&comparison_json(&comparison, only))
                .map_err(|error| error.to_string())?
        ),
        Format::Table | Format::Csv | Format::Xlsx => comparison_table(&comparison, only),
    })
}

impl Source {
    /// The plan, with the file of actuals merged in.
    fn plan(self, command: &str) -> Result<ValidPlan, String> {
        let plan = load_source(command, self.plan, self.template, self.link)?;
        with_actuals(plan, self.actuals.as_deref())
    }
}

/// The plan from a file, a template or a link (exactly one).
fn load_source(
    command: &str,
    file: Option<String>,
    template: Option<String>,
    link: Option<String>,
) -> Result<ValidPlan, String> {
    match (file, template, link) {
        (Some(path), None, None) => {
            let text = read_capped(&path)?;
            load_plan(&text).map_err(|error| format!("{path}: {error}"))
        }
        (None, Some(id), None) => templates::load(&id)
            .ok_or_else(|| unknown_template(&id))?
            .map_err(|error| format!("template {id}: {error}")),
        (None, None, Some(link)) => decode_link(&link).map_err(|error| error.to_string()),
        (None, None, None) => Err(format!(
            "{command} needs a plan file, --template ID or --link LINK"
        )),
        _ => Err("give one of a plan file, --template or --link".into()),
    }
}

/// The plan with a CSV file's actuals merged in; the file's first problem,
/// located, otherwise.
fn with_actuals(plan: ValidPlan, path: Option<&str>) -> Result<ValidPlan, String> {
    let Some(path) = path else {
        return Ok(plan);
    };
    let text = read_file(path, MAX_CSV_BYTES, "a file of actuals")?;
    read_actuals_csv(&text, &plan)
        .map(|preview| preview.plan)
        .map_err(|errors| {
            let more = match errors.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            format!("{path}: {}{more}", errors[0])
        })
}

/// `headroom fit`: every growth trend fitted to the user actuals and scored
/// on months it did not see, the recommendation and why, per-user drivers
/// fitted to metric actuals; with `--apply`, the plan re-forecast from the
/// last actual with the fitted scenario added, as JSON.
fn fit_command(args: FitArgs) -> Result<String, String> {
    let json = match &args.format {
        Some(text) => Format::named(text, &[Format::Table, Format::Json])? == Format::Json,
        None => false,
    };
    let model = args.model.unwrap_or_else(|| "auto".into());
    let common = args.source;
    let scenario = common.scenario.clone();
    let plan = common.plan("fit")?;
    let ends = match &args.ends {
        Some(text) => parse_ends(text, &plan)?,
        None => Vec::new(),
    };
    let base = match &scenario {
        Some(name) => {
            let found = plan.plan().scenario_named(name)?.name.clone();
            plan.plan()
                .scenarios
                .iter()
                .position(|s| s.name == found)
                .unwrap_or(0)
        }
        None => 0,
    };
    let method = method_named(&model, &ends).ok_or(format!(
        "unknown model '{model}' ({})",
        METHOD_NAMES.join(", ")
    ))?;
    if matches!(method, Method::Piecewise { .. }) && ends.is_empty() {
        return Err(
            "--model piecewise needs --ends (the months segments end at, such as 2025-06 or -6)"
                .into(),
        );
    }
    let observations = user_observations(&plan);
    if observations.is_empty() {
        return Err(
            "there are no user actuals to fit (give --actuals FILE.csv with a users column)".into(),
        );
    }
    if args.apply {
        let applied =
            apply(&plan, base, &method).map_err(|error| format!("cannot fit: {error}"))?;
        return Ok(save_plan(&applied.plan));
    }
    let result = refit(&plan, base, &method).map_err(|error| format!("cannot fit: {error}"))?;
    Ok(if json {
        let value = fit_json(&plan, observations.len(), &result);
        format!(
            "{}\n",
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
        )
    } else {
        fit_table(&plan, observations.len(), &result)
    })
}

/// `--ends`: plan months (`6`, `-12`) or calendar months (`2025-06`, as
/// the CSV writes them), separated by commas.
fn parse_ends(text: &str, plan: &ValidPlan) -> Result<Vec<i32>, String> {
    text.split(',')
        .map(|part| {
            let part = part.trim();
            part.parse::<i32>()
                .ok()
                .or_else(|| parse_month_count(part).map(|count| count - plan.start_count()))
                .ok_or(format!(
                    "--ends takes plan months (6, -12) or calendar months (2025-06) separated by commas, not '{part}'"
                ))
        })
        .collect()
}

fn fit_json(plan: &ValidPlan, observations: usize, result: &Refit) -> serde_json::Value {
    use serde_json::json;
    let models: Vec<serde_json::Value> = result
        .choice
        .iter()
        .flat_map(|choice| &choice.candidates)
        .map(|(trend, scored)| match scored {
            Ok(scored) => json!({
                "model": trend.name(),
                "held_out_error": scored.error,
                "last_6_months_error": scored.last_months_error,
                "level": scored.forecast.level,
                "rate": scored.forecast.rate,
                "growth": scored.forecast.growth,
                "volatility": scored.forecast.volatility,
            }),
            Err(error) => json!({ "model": trend.name(), "error": error.to_string() }),
        })
        .collect();
    let profile = result.forecast.profile.as_ref();
    json!({
        "plan": plan.plan().name,
        "observations": observations,
        "fitted": fitted_name(result),
        "reason": result.choice.as_ref().map(|c| c.reason()),
        "seasonality": profile.map(|p| p.factors.to_vec()),
        "seasonality_explains": profile.map(|p| p.explained),
        "models": models,
        "hindsight": result.hindsight.as_ref().map(|seen| json!({
            "error": seen.error(),
            "inside": seen.inside(),
            "months": seen.held_out.iter().map(|m| json!({
                "month": crate::engine::model::plan::month_label(plan.start_count() + m.month),
                "actual": m.actual, "p5": m.low, "p50": m.median, "p95": m.high,
            })).collect::<Vec<_>>(),
        })),
        "scenario": result.plan.plan().scenarios.last(),
        "drivers": result.drivers.iter().map(|d| json!({
            "driver": d.driver, "metric": d.metric, "months": d.months,
            "value": d.value, "low": d.low, "high": d.high,
        })).collect::<Vec<_>>(),
    })
}

/// The fitted model's name: the trend, or piecewise.
fn fitted_name(result: &Refit) -> &'static str {
    match result.method {
        Method::Piecewise { .. } => "piecewise",
        _ => result.forecast.trend.name(),
    }
}

fn fit_table(plan: &ValidPlan, observations: usize, result: &Refit) -> String {
    let mut out = format!(
        "{}: {observations} months of user actuals\n\n",
        plan.plan().name
    );
    if let Some(choice) = &result.choice {
        out.push_str(&fit_record(choice, result.forecast.trend));
    }
    if let Some(seen) = &result.hindsight {
        out.push_str(&format!(
            "hindsight: fitted to the history before its last {} months, it forecast them within {:.1}%, {} of {} inside its 90% band\n",
            seen.held_out.len(),
            seen.error() * 100.0,
            seen.inside(),
            seen.held_out.len()
        ));
    }
    out.push_str(&fitted_scenario_text(result));
    out
}

/// Each trend's held-out record (the recommended marked), why, and the
/// seasonal profile.
fn fit_record(
    choice: &crate::engine::actuals::choose::Choice,
    chosen: crate::engine::actuals::choose::Trend,
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    {
        let _ = writeln!(
            out,
            "{:<10} {:>16} {:>16} {:>18} {:>12}",
            "model", "held-out error", "last 6 months", "growth next month", "volatility"
        );
        for (trend, scored) in &choice.candidates {
            let mark = if *trend == chosen { "*" } else { " " };
            match scored {
                Ok(scored) => {
                    let error = |e: Option<f64>| {
                        e.map_or("–".to_string(), |e| format!("{:.1}%", e * 100.0))
                    };
                    let _ = writeln!(
                        out,
                        "{mark}{:<9} {:>16} {:>16} {:>18} {:>12}",
                        trend.name(),
                        error(scored.error),
                        error(scored.last_months_error),
                        format_percent((scored.forecast.rate * 10_000.0).round() / 10_000.0),
                        format_percent((scored.forecast.volatility * 1000.0).round() / 1000.0)
                    );
                }
                Err(error) => {
                    let _ = writeln!(out, "{mark}{:<9} not fitted: {error}", trend.name());
                }
            }
        }
        let _ = writeln!(out, "\n* {}", choice.reason());
        match &choice.profile {
            Some(profile) => {
                let _ = writeln!(
                    out,
                    "seasonality (explains {:.0}% of what the trend leaves): {}",
                    profile.explained * 100.0,
                    crate::engine::model::seasons::format_seasonality(&profile.factors)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "no seasonality found (it needs 24 months and must explain the swings)"
                );
            }
        }
    }
    out
}

/// The fitted scenario's growth, damping, volatility and fitted drivers.
fn fitted_scenario_text(result: &Refit) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nthe scenario '{}' ({}):",
        result.scenario,
        fitted_name(result)
    );
    if let Some(scenario) = result.plan.plan().scenarios.last() {
        for (name, value, _, _) in scenario.growth.parameters() {
            let (low, high) = match value {
                crate::engine::model::plan::Value::Range(r) => (r.low, r.high),
                crate::engine::model::plan::Value::Fixed(v) => (v, v),
            };
            let range = if low < high {
                format!(
                    "90% range {} to {}",
                    show_parameter(&name, low),
                    show_parameter(&name, high)
                )
            } else {
                "fixed".to_string()
            };
            let _ = writeln!(
                out,
                "  {:<24} {:>14}   {range}",
                name,
                show_parameter(&name, value.median()),
            );
        }
        if let Growth::Compound {
            damping: Some(phi), ..
        } = &scenario.growth
        {
            let _ = writeln!(out, "  {:<24} {:>14}", "damping", format!("{phi}"));
        }
        if let Some(volatility) = scenario.volatility {
            let _ = writeln!(
                out,
                "  {:<24} {:>14}",
                "volatility",
                format_percent((volatility * 1000.0).round() / 1000.0)
            );
        }
    }
    for d in &result.drivers {
        let _ = writeln!(
            out,
            "driver {} (from {} ÷ users, {} months): {} (90% range {} to {})",
            d.driver,
            d.metric,
            d.months,
            format_compact(d.value),
            format_compact(d.low),
            format_compact(d.high)
        );
    }
    out
}

/// Rates as percentages, everything else as a compact number.
fn show_parameter(name: &str, value: f64) -> String {
    if name.ends_with("growth") || name.ends_with("churn") {
        format_percent(value)
    } else {
        format_compact(value)
    }
}

fn apply_overrides(
    plan: ValidPlan,
    months: Option<u32>,
    users: Option<f64>,
) -> Result<ValidPlan, String> {
    if months.is_none() && users.is_none() {
        return Ok(plan);
    }
    plan.with_overrides(months, users).map_err(|errors| {
        let error = &errors[0];
        let option = match error.path.as_str() {
            "horizon_months" => "--months",
            "baseline_users" => "--initial-users",
            other => other,
        };
        format!("{option}: {}", error.message)
    })
}

/// Reads a plan file, refusing anything larger than a plan can be.
fn read_capped(path: &str) -> Result<String, String> {
    read_file(path, MAX_DOCUMENT_BYTES, "a plan")
}

/// Reads a text file of at most `limit` bytes.
fn read_file(path: &str, limit: usize, what: &str) -> Result<String, String> {
    let file = std::fs::File::open(path)
        .map_err(|error| format!("cannot open {path}: {}", plain(&error)))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read {path}: {}", plain(&error)))?;
    if bytes.len() > limit {
        return Err(format!("{path} is larger than {limit} bytes: not {what}"));
    }
    String::from_utf8(bytes).map_err(|_| format!("{path} is not text (UTF-8): not {what}"))
}

fn plain(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}
