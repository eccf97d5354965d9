//! `headroom`: the planning engine on the command line.
//!
//! Every failure is one line on stderr and exit status 2: never a panic or a
//! backtrace, and input is read with a size cap so time and memory stay bounded.

use headroom::engine::actuals::import::{read_actuals_csv, MAX_CSV_BYTES};
use headroom::engine::actuals::refit::{
    fit_drivers, model_name, model_named, refit, user_observations, Refit, RefitError,
};
use headroom::engine::diff::plan_changes;
use headroom::engine::diff::results::{compare_results, Side};
use headroom::engine::document::{load_plan, MAX_DOCUMENT_BYTES};
use headroom::engine::fit::Model;
use headroom::engine::link::{decode_link, encode_link};
use headroom::engine::number::{format_compact, format_percent, parse_number};
use headroom::engine::output::{
    changes_since, comparison_json, comparison_markdown, comparison_table, projection_csv,
    projection_json, projection_markdown, projection_table,
};
use headroom::engine::projection::project;
use headroom::engine::templates::{self, TEMPLATES};
use headroom::engine::uncertainty::{has_uncertainty, simulate_plan};
use headroom::engine::validate::{ValidPlan, MAX_SAMPLES, MIN_SAMPLES};
use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "\
headroom — capacity and cost planner

Usage:
  headroom templates                 List the built-in templates
  headroom template ID               Print a template's plan JSON
  headroom forecast (PLAN.json | --template ID | --link LINK) [options]
                                     Print the month-by-month projection
  headroom link PLAN.json            Print the plan's share-link fragment (#h1.…)
  headroom fit (PLAN.json | --template ID | --link LINK) --actuals FILE.csv [options]
                                     Fit growth models to the user actuals
  headroom diff OLD NEW [options]    Compare two plans (files or share links):
                                     what changed and what it does to the results

Forecast and fit:
  --actuals FILE.csv     Monthly actuals (a month column, then users, metrics,
                         cost lines or total cost), merged into the plan's own

Forecast options:
  --scenario NAME        Only this scenario
  --months N             Horizon in months (1-120), overriding the plan's
  --initial-users N      Users at month 0, overriding the plan's (1500, 1.5k)
  --format FORMAT        table (default), csv, json or markdown
  --samples N            Monte Carlo paths (10-100000; default: the plan's, or 2000)
  --seed S               Random seed for the paths (default: the plan's, or 1)
  --since OLD            With markdown or table: add 'What changed since' OLD
                         (a plan file or share link)

  Plans with uncertain values (ranges) always get bands, probabilities and a
  sensitivity ranking; --samples or --seed asks for them on any plan.

Fit options:
  --model MODEL          compound, linear, logistic or piecewise (default: every
                         model that fits; piecewise needs --ends)
  --ends M,M,...         Months at which piecewise segments end (plan months)
  --scenario NAME        The scenario the fitted one is based on (default: first)
  --format FORMAT        table (default) or json

Diff options:
  --scenario NAME        Only this scenario's results
  --format FORMAT        markdown (default: made to paste into a pull request),
                         json or table
  --samples N, --seed S  Monte Carlo paths and seed for both plans' bands

  Exit status 0 whether or not the plans differ; 2 on bad input.

  headroom --version | --help
";

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Table,
    Csv,
    Json,
    Markdown,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "markdown",
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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
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

fn run(args: &[String]) -> Result<String, String> {
    match args.first().map(String::as_str) {
        None | Some("--help" | "-h" | "help") => Ok(USAGE.to_string()),
        Some("--version" | "-V") => Ok(format!("headroom {}\n", env!("CARGO_PKG_VERSION"))),
        Some("templates") => Ok(TEMPLATES
            .iter()
            .map(|t| format!("{:<20} {}\n", t.id, t.summary))
            .collect()),
        Some("template") => {
            let id = args
                .get(1)
                .ok_or("template needs an ID (see 'headroom templates')")?;
            templates::find(id)
                .map(|t| t.json.to_string())
                .ok_or_else(|| unknown_template(id))
        }
        Some("forecast") => forecast(&args[1..]),
        Some("link") => link(&args[1..]),
        Some("fit") => fit_command(&args[1..]),
        Some("diff") => diff_command(&args[1..]),
        Some(other) => Err(format!("unknown command '{other}' (try 'headroom --help')")),
    }
}

fn unknown_template(id: &str) -> String {
    let ids: Vec<&str> = TEMPLATES.iter().map(|t| t.id).collect();
    format!("no template called '{id}' (templates: {})", ids.join(", "))
}

fn link(args: &[String]) -> Result<String, String> {
    match args {
        [path] if !path.starts_with("--") => {
            let text = read_capped(path)?;
            let plan = load_plan(&text).map_err(|error| format!("{path}: {error}"))?;
            Ok(format!("#{}\n", encode_link(plan.plan())))
        }
        _ => Err("link needs one plan file: headroom link PLAN.json".into()),
    }
}

fn forecast(args: &[String]) -> Result<String, String> {
    let mut common = Common::default();
    let mut months = None;
    let mut users = None;
    let mut format = Format::Table;
    let mut samples = None;
    let mut seed = None;
    let mut since = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if common.take(arg, &mut rest)? {
            continue;
        }
        let mut value = |name: &str| rest.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--months" => {
                let text = value("--months")?;
                months = Some(text.parse::<u32>().map_err(|_| {
                    format!("--months takes a whole number of months, not '{text}'")
                })?);
            }
            "--initial-users" => {
                let text = value("--initial-users")?;
                users =
                    Some(parse_number(&text).map_err(|error| format!("--initial-users: {error}"))?);
            }
            "--samples" => samples = Some(parse_samples(&value("--samples")?)?),
            "--seed" => seed = Some(parse_seed(&value("--seed")?)?),
            "--since" => since = Some(value("--since")?),
            "--format" => {
                format = Format::named(
                    &value("--format")?,
                    &[Format::Table, Format::Csv, Format::Json, Format::Markdown],
                )?
            }
            other => return Err(Common::unexpected(other)),
        }
    }
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
    Ok(match format {
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
    })
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
) -> Option<headroom::engine::uncertainty::Bands> {
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
    if let Some(at) = source.find("h1.") {
        if at == 0 || source[..at].ends_with('#') {
            return decode_link(&source[at..])
                .map_err(|error| format!("{}: {error}", shorten(source)));
        }
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
fn diff_command(args: &[String]) -> Result<String, String> {
    let mut sides = Vec::new();
    let mut scenario = None;
    let mut format = Format::Markdown;
    let mut samples = None;
    let mut seed = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| rest.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--scenario" => scenario = Some(value("--scenario")?),
            "--samples" => samples = Some(parse_samples(&value("--samples")?)?),
            "--seed" => seed = Some(parse_seed(&value("--seed")?)?),
            "--format" => {
                format = Format::named(
                    &value("--format")?,
                    &[Format::Markdown, Format::Json, Format::Table],
                )?
            }
            other if other.starts_with("--") => return Err(Common::unexpected(other)),
            side => sides.push(side.to_string()),
        }
    }
    let [old_source, new_source] = <[String; 2]>::try_from(sides).map_err(|sides| {
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
        Format::Table | Format::Csv => comparison_table(&comparison, only),
    })
}

/// What `forecast` and `fit` both take: where the plan comes from, a file of
/// actuals, and a scenario.
#[derive(Default)]
struct Common {
    file: Option<String>,
    template: Option<String>,
    link: Option<String>,
    actuals: Option<String>,
    scenario: Option<String>,
}

impl Common {
    /// Takes `arg` (and its value from `rest`) when it is one of these.
    fn take(&mut self, arg: &str, rest: &mut std::slice::Iter<String>) -> Result<bool, String> {
        let slot = match arg {
            "--template" => &mut self.template,
            "--link" => &mut self.link,
            "--actuals" => &mut self.actuals,
            "--scenario" => &mut self.scenario,
            path if !path.starts_with("--") && self.file.is_none() => {
                self.file = Some(path.to_string());
                return Ok(true);
            }
            _ => return Ok(false),
        };
        *slot = Some(rest.next().cloned().ok_or(format!("{arg} needs a value"))?);
        Ok(true)
    }

    /// The message for an argument no one took.
    fn unexpected(arg: &str) -> String {
        if arg.starts_with("--") {
            format!("unknown option '{arg}' (try 'headroom --help')")
        } else {
            format!("unexpected argument '{arg}': give one plan file")
        }
    }

    /// The plan, with the file of actuals merged in.
    fn plan(self, command: &str) -> Result<ValidPlan, String> {
        let plan = load_source(command, self.file, self.template, self.link)?;
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

/// `headroom fit`: growth models fitted to the user actuals, per-user drivers
/// fitted to metric actuals, and the scenario a fit makes.
fn fit_command(args: &[String]) -> Result<String, String> {
    let mut common = Common::default();
    let mut model = None;
    let mut ends: Vec<i32> = Vec::new();
    let mut json = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if common.take(arg, &mut rest)? {
            continue;
        }
        let mut value = |name: &str| rest.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--model" => model = Some(value("--model")?),
            "--ends" => {
                let text = value("--ends")?;
                ends = text
                    .split(',')
                    .map(|part| part.trim().parse::<i32>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| {
                        format!("--ends takes months separated by commas (3,9), not '{text}'")
                    })?;
            }
            "--format" => {
                json = Format::named(&value("--format")?, &[Format::Table, Format::Json])?
                    == Format::Json
            }
            other => return Err(Common::unexpected(other)),
        }
    }
    let scenario = common.scenario.clone();
    let plan = common.plan("fit")?;
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
    let models: Vec<Model> = match &model {
        Some(name) => {
            let model = model_named(name, &ends).ok_or(format!(
                "unknown model '{name}' (compound, linear, logistic or piecewise)"
            ))?;
            if matches!(model, Model::Piecewise { .. }) && ends.is_empty() {
                return Err(
                    "--model piecewise needs --ends (the months segments end at, such as 3,9)"
                        .into(),
                );
            }
            vec![model]
        }
        None => {
            let mut all = vec![Model::Compound, Model::Linear, Model::Logistic];
            if !ends.is_empty() {
                all.push(Model::Piecewise { ends: ends.clone() });
            }
            all
        }
    };
    let observations = user_observations(&plan);
    if observations.is_empty() {
        return Err(
            "there are no user actuals to fit (give --actuals FILE.csv with a users column)".into(),
        );
    }
    let results: Vec<(Model, Result<Refit, RefitError>)> = models
        .into_iter()
        .map(|model| {
            let result = refit(&plan, base, &model);
            (model, result)
        })
        .collect();
    if model.is_some() {
        if let Some((_, Err(error))) = results.first() {
            return Err(format!("cannot fit: {error}"));
        }
    }
    Ok(if json {
        let value = fit_json(&plan, observations.len(), &results);
        format!(
            "{}\n",
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
        )
    } else {
        fit_table(&plan, observations.len(), &results)
    })
}

fn fit_json(
    plan: &ValidPlan,
    observations: usize,
    results: &[(Model, Result<Refit, RefitError>)],
) -> serde_json::Value {
    use serde_json::json;
    let models: Vec<serde_json::Value> = results
        .iter()
        .map(|(model, result)| match result {
            Ok(refit) => json!({
                "model": model_name(model),
                "parameters": refit.fit.parameters.iter().map(|p| json!({
                    "name": p.name, "value": p.value, "low": p.low, "high": p.high,
                })).collect::<Vec<_>>(),
                "r_squared": refit.fit.r_squared,
                "residuals": refit.fit.residuals,
                "scenario": refit.plan.plan().scenarios.last(),
            }),
            Err(error) => json!({ "model": model_name(model), "error": error.to_string() }),
        })
        .collect();
    let drivers = results
        .iter()
        .find_map(|(_, result)| result.as_ref().ok())
        .map(|refit| refit.drivers.clone())
        .unwrap_or_else(|| fit_drivers(plan));
    json!({
        "plan": plan.plan().name,
        "observations": observations,
        "models": models,
        "drivers": drivers.iter().map(|d| json!({
            "driver": d.driver, "metric": d.metric, "months": d.months,
            "value": d.value, "low": d.low, "high": d.high,
        })).collect::<Vec<_>>(),
    })
}

fn fit_table(
    plan: &ValidPlan,
    observations: usize,
    results: &[(Model, Result<Refit, RefitError>)],
) -> String {
    use std::fmt::Write;
    let mut out = format!(
        "{}: {observations} months of user actuals\n\n",
        plan.plan().name
    );
    for (model, result) in results {
        match result {
            Ok(refit) => {
                let _ = writeln!(out, "{} (R² {:.3})", model_name(model), refit.fit.r_squared);
                for p in &refit.fit.parameters {
                    let _ = writeln!(
                        out,
                        "  {:<24} {:>14}   90% range {} to {}",
                        p.name,
                        show_parameter(&p.name, p.value),
                        show_parameter(&p.name, p.low),
                        show_parameter(&p.name, p.high)
                    );
                }
            }
            Err(error) => {
                let _ = writeln!(out, "{}: not fitted: {error}", model_name(model));
            }
        }
        out.push('\n');
    }
    for d in fit_drivers(plan) {
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
