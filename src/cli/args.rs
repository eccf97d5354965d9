//! The command line's arguments, read by clap; and clap's refusals as the
//! one-line messages the command line has always given ("unknown option
//! '--bogus'", "--template needs a value"), with its did-you-mean.
//!
//! Values are taken as text and read by the commands, so a bad number is
//! refused in the same words as before (`--months takes a whole number of
//! months, not 'x'`).

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "headroom",
    version,
    about = "headroom — capacity and cost planner",
    long_about = "headroom — capacity and cost planner: projects users, the demand they put on \
                  every component, when each must scale and what it all costs.",
    after_help = "Exit status 0 on success; 2 on bad input, with one line on stderr.",
    disable_help_subcommand = false
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// List the built-in templates
    Templates,
    /// Print a template's plan JSON
    Template {
        /// The template's ID (see 'headroom templates')
        id: String,
    },
    /// Print the month-by-month projection
    #[command(
        after_help = "Plans with uncertain values (ranges) always get bands, probabilities and a \
                      sensitivity ranking; --samples or --seed asks for them on any plan."
    )]
    Forecast(ForecastArgs),
    /// Print the plan's share-link fragment (#h1.…)
    Link {
        /// The plan file (JSON)
        plan: String,
    },
    /// Fit growth models to the user actuals
    Fit(FitArgs),
    /// Compare two plans (files or share links): what changed and what it does to the results
    #[command(after_help = "Exit status 0 whether or not the plans differ; 2 on bad input.")]
    Diff(DiffArgs),
}

/// Where a plan comes from (exactly one), a file of actuals and a scenario.
#[derive(Args)]
pub struct Source {
    /// A plan file (JSON)
    #[arg(value_name = "PLAN.json")]
    pub plan: Option<String>,
    /// A built-in template instead of a file (see 'headroom templates')
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub template: Option<String>,
    /// A share link (#h1.…, or a URL holding one) instead of a file
    #[arg(long, value_name = "LINK", allow_hyphen_values = true)]
    pub link: Option<String>,
    /// Monthly actuals (a month column, then users, metrics, cost lines or total cost), merged into the plan's own
    #[arg(long, value_name = "FILE.csv", allow_hyphen_values = true)]
    pub actuals: Option<String>,
    /// Only this scenario (forecast), or the one a fit is based on (fit; default: the first)
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub scenario: Option<String>,
}

#[derive(Args)]
pub struct ForecastArgs {
    #[command(flatten)]
    pub source: Source,
    /// Horizon in months (1-120), overriding the plan's
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub months: Option<String>,
    /// Users at month 0, overriding the plan's (1500, 1.5k)
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub initial_users: Option<String>,
    /// table (default), csv, json, markdown or xlsx (an Excel workbook: needs --output, or a pipe)
    #[arg(long, value_name = "FORMAT", allow_hyphen_values = true)]
    pub format: Option<String>,
    /// Write to FILE instead of standard output
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    pub output: Option<String>,
    #[command(flatten)]
    pub paths: Paths,
    /// With markdown or table: add 'What changed since' OLD (a plan file or share link)
    #[arg(long, value_name = "OLD", allow_hyphen_values = true)]
    pub since: Option<String>,
}

#[derive(Args)]
pub struct FitArgs {
    #[command(flatten)]
    pub source: Source,
    /// auto (default: the trend that predicts held-out months best), damped, compound, linear, logistic or piecewise (needs --ends)
    #[arg(long, value_name = "MODEL", allow_hyphen_values = true)]
    pub model: Option<String>,
    /// Months at which piecewise segments end: calendar months (2025-06) or plan months (-12, 3)
    #[arg(long, value_name = "M,M,...", allow_hyphen_values = true)]
    pub ends: Option<String>,
    /// Print the whole plan as JSON, re-forecast from the last user actual, with the fitted scenario added
    #[arg(long)]
    pub apply: bool,
    /// table (default) or json
    #[arg(long, value_name = "FORMAT", allow_hyphen_values = true)]
    pub format: Option<String>,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The old plan, then the new (files or share links)
    #[arg(value_name = "PLAN", num_args = 0..)]
    pub plans: Vec<String>,
    /// Only this scenario's results
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub scenario: Option<String>,
    /// markdown (default: made to paste into a pull request), json or table
    #[arg(long, value_name = "FORMAT", allow_hyphen_values = true)]
    pub format: Option<String>,
    /// For both plans' bands.
    #[command(flatten)]
    pub paths: Paths,
}

/// The Monte Carlo paths asked for.
#[derive(Args)]
pub struct Paths {
    /// Monte Carlo paths (10-100000; default: the plan's, or 2000)
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub samples: Option<String>,
    /// Random seed for the paths (default: the plan's, or 1)
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub seed: Option<String>,
}

/// The whole command line's help, for `headroom` alone.
pub fn long_help() -> String {
    Cli::command().render_long_help().to_string()
}

/// Help and `--version` are output; any other refusal one line.
pub fn help_or_error(error: clap::Error) -> Result<String, String> {
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Ok(error.render().to_string()),
        _ => Err(one_line(&error)),
    }
}

/// clap's refusal in the command line's own words.
fn one_line(error: &clap::Error) -> String {
    let text = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(value)) => Some(value.clone()),
        Some(ContextValue::Strings(values)) => values.first().cloned(),
        _ => None,
    };
    // "--template <ID>" → "--template".
    let invalid_arg = text(ContextKind::InvalidArg)
        .map(|arg| arg.split([' ', '=']).next().unwrap_or_default().to_string());
    // " (did you mean 'forecast'? try 'headroom --help')".
    let suggestion = |kind: ContextKind| {
        let guess = text(kind)
            .map(|s| format!("did you mean '{s}'? "))
            .unwrap_or_default();
        format!(" ({guess}try 'headroom --help')")
    };
    match error.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "unknown command '{}'{}",
            text(ContextKind::InvalidSubcommand).unwrap_or_default(),
            suggestion(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::UnknownArgument => {
            let arg = invalid_arg.unwrap_or_default();
            if arg.starts_with('-') {
                format!(
                    "unknown option '{arg}'{}",
                    suggestion(ContextKind::SuggestedArg)
                )
            } else {
                format!("unexpected argument '{arg}': give one plan file")
            }
        }
        ErrorKind::InvalidValue | ErrorKind::NoEquals => {
            format!("{} needs a value", invalid_arg.unwrap_or_default())
        }
        ErrorKind::MissingRequiredArgument => match invalid_arg.as_deref() {
            Some("<ID>") => "template needs an ID (see 'headroom templates')".into(),
            Some("<PLAN>") => "link needs one plan file: headroom link PLAN.json".into(),
            Some(arg) => format!("{arg} is needed"),
            None => plain_first_line(error),
        },
        _ => plain_first_line(error),
    }
}

/// The first line of clap's message, without its `error: `.
fn plain_first_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}
