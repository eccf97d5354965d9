//! `headroom`: the planning engine on the command line.
//!
//! Every failure is one line on stderr and exit status 2: never a panic or a
//! backtrace, and input is read with a size cap so time and memory stay bounded.

use headroom::engine::document::{load_plan, MAX_DOCUMENT_BYTES};
use headroom::engine::link::{decode_link, encode_link};
use headroom::engine::number::parse_number;
use headroom::engine::output::{
    projection_csv, projection_json, projection_markdown, projection_table,
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

Forecast options:
  --scenario NAME        Only this scenario
  --months N             Horizon in months (1-120), overriding the plan's
  --initial-users N      Users at month 0, overriding the plan's (1500, 1.5k)
  --format FORMAT        table (default), csv, json or markdown
  --samples N            Monte Carlo paths (10-100000; default: the plan's, or 2000)
  --seed S               Random seed for the paths (default: the plan's, or 1)

  Plans with uncertain values (ranges) always get bands, probabilities and a
  sensitivity ranking; --samples or --seed asks for them on any plan.

  headroom --version | --help
";

enum Format {
    Table,
    Csv,
    Json,
    Markdown,
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
    let mut file = None;
    let mut template = None;
    let mut link = None;
    let mut scenario = None;
    let mut months = None;
    let mut users = None;
    let mut format = Format::Table;
    let mut samples = None;
    let mut seed = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| rest.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--template" => template = Some(value("--template")?),
            "--link" => link = Some(value("--link")?),
            "--scenario" => scenario = Some(value("--scenario")?),
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
            "--samples" => {
                let text = value("--samples")?;
                let parsed = parse_number(&text)
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
                samples = Some(count);
            }
            "--seed" => {
                let text = value("--seed")?;
                seed = Some(text.parse::<u64>().map_err(|_| {
                    format!(
                        "--seed takes a whole number from 0 to {}, not '{text}'",
                        u64::MAX
                    )
                })?);
            }
            "--format" => {
                format = match value("--format")?.as_str() {
                    "table" => Format::Table,
                    "csv" => Format::Csv,
                    "json" => Format::Json,
                    "markdown" | "md" => Format::Markdown,
                    other => {
                        return Err(format!(
                            "unknown format '{other}' (table, csv, json or markdown)"
                        ))
                    }
                }
            }
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option '{flag}' (try 'headroom --help')"))
            }
            path if file.is_none() => file = Some(path.to_string()),
            extra => return Err(format!("unexpected argument '{extra}': give one plan file")),
        }
    }
    let plan = match (file, template, link) {
        (Some(path), None, None) => {
            let text = read_capped(&path)?;
            load_plan(&text).map_err(|error| format!("{path}: {error}"))?
        }
        (None, Some(id), None) => templates::load(&id)
            .ok_or_else(|| unknown_template(&id))?
            .map_err(|error| format!("template {id}: {error}"))?,
        (None, None, Some(link)) => decode_link(&link).map_err(|error| error.to_string())?,
        (None, None, None) => {
            return Err("forecast needs a plan file, --template ID or --link LINK".into())
        }
        _ => return Err("give one of a plan file, --template or --link".into()),
    };
    let plan = apply_overrides(plan, months, users)?;
    // A scenario named loosely (`conservative`) is the plan's own name from here on.
    let scenario = match &scenario {
        Some(name) => Some(plan.plan().scenario_named(name)?.name.clone()),
        None => None,
    };
    let projection = project(&plan);
    let only = scenario.as_deref();
    let bands = (samples.is_some() || seed.is_some() || has_uncertainty(plan.plan())).then(|| {
        let mut settings = plan.plan().uncertainty.unwrap_or_default();
        settings.samples = samples.unwrap_or(settings.samples);
        settings.seed = seed.unwrap_or(settings.seed);
        simulate_plan(&plan, settings)
    });
    let bands = bands.as_ref();
    Ok(match format {
        Format::Table => projection_table(&plan, &projection, bands, only),
        Format::Csv => projection_csv(&plan, &projection, only),
        Format::Json => {
            let json = projection_json(&plan, &projection, bands, only);
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json).map_err(|error| error.to_string())?
            )
        }
        Format::Markdown => projection_markdown(&plan, &projection, bands, only),
    })
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
    let file = std::fs::File::open(path)
        .map_err(|error| format!("cannot open {path}: {}", plain(&error)))?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read {path}: {}", plain(&error)))?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(format!(
            "{path} is larger than {MAX_DOCUMENT_BYTES} bytes: not a plan"
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{path} is not text (UTF-8): not a plan"))
}

fn plain(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}
