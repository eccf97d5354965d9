//! Refitting the plan to its actuals: a growth model fitted to the user
//! actuals and per-user drivers estimated from metric actuals, offered as a
//! new scenario; and re-forecasting, which moves month 0 to the last month
//! with a user actual.

use crate::engine::actuals::choose::{choose, Choice, Forecast, Trend};
use crate::engine::actuals::fit::{fit, FitError, Model, Observation};
use crate::engine::actuals::hindsight::{hindsight, Hindsight};
use crate::engine::formula::names_in;
use crate::engine::model::plan::{
    month_label, CostLine, Growth, Plan, Scenario, Segment, Series, Value,
};
use crate::engine::model::validate::{validate, PlanError, ValidPlan};
use std::fmt;

/// What the new scenario is called (numbered when taken).
pub const FITTED_SCENARIO: &str = "Fitted to actuals";

/// How to fit: the trend that predicts best, a named trend, or the
/// piecewise model with segments ending at given plan months.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    Auto,
    Trend(Trend),
    Piecewise { ends: Vec<i32> },
}

/// The methods as the command line and the app name them.
pub const METHOD_NAMES: [&str; 6] = [
    "auto",
    "damped",
    "compound",
    "linear",
    "logistic",
    "piecewise",
];

/// Which method `name` is (`auto`, a trend, or `piecewise` with `ends`).
pub fn method_named(name: &str, piecewise_ends: &[i32]) -> Option<Method> {
    match name.trim().to_lowercase().as_str() {
        "auto" => Some(Method::Auto),
        "piecewise" => Some(Method::Piecewise {
            ends: piecewise_ends.to_vec(),
        }),
        other => Trend::named(other).map(Method::Trend),
    }
}

/// The calendar month (0 = January) of the plan's month 0.
pub fn calendar_of_zero(valid: &ValidPlan) -> usize {
    valid.start_count().rem_euclid(12) as usize
}

/// Every trend fitted to the user actuals and scored on held-out months.
pub fn choice_for(valid: &ValidPlan) -> Result<Choice, FitError> {
    choose(&user_observations(valid), calendar_of_zero(valid))
}

/// A driver estimated from actuals: a metric that is `users × driver`,
/// its actual divided by the user actual of the same month.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedDriver {
    pub driver: String,
    pub metric: String,
    pub months: usize,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// A growth fit and the scenario built from it.
#[derive(Debug, Clone)]
pub struct Refit {
    pub method: Method,
    /// Every trend's fit and held-out record (not for piecewise).
    pub choice: Option<Choice>,
    /// The fit the scenario carries.
    pub forecast: Forecast,
    /// How the same trend would have forecast the last months from before
    /// them (not for piecewise, nor a history under a year).
    pub hindsight: Option<Hindsight>,
    pub drivers: Vec<FittedDriver>,
    /// The plan with the fitted scenario added (last), validated.
    pub plan: ValidPlan,
    pub scenario: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RefitError {
    Fit(FitError),
    /// The fitted values do not make a valid plan (rare: a fit at a limit).
    Invalid(Vec<PlanError>),
    /// Month 0 could not move to the last user actual.
    Reforecast(String),
}

impl fmt::Display for RefitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefitError::Fit(error) => write!(f, "{error}"),
            RefitError::Reforecast(reason) => write!(f, "{reason}"),
            RefitError::Invalid(errors) => write!(
                f,
                "the fitted scenario is not a valid plan: {}",
                errors.first().map(ToString::to_string).unwrap_or_default()
            ),
        }
    }
}

/// The user actuals as fitting observations (plan months, history negative).
pub fn user_observations(valid: &ValidPlan) -> Vec<Observation> {
    valid
        .actuals_of(&Series::Users)
        .into_iter()
        .map(|(month, users)| Observation { month, users })
        .collect()
}

/// Fits the user actuals by `method` and adds a scenario built on `base`
/// (its driver values kept, growth, seasonality and volatility replaced,
/// per-user drivers fitted).
pub fn refit(valid: &ValidPlan, base: usize, method: &Method) -> Result<Refit, RefitError> {
    let (choice, forecast) = fitted(valid, method)?;
    let hindsight = hindsight_of(valid, choice.as_ref(), &forecast);
    let drivers = fit_drivers(valid);
    let scenario = fitted_scenario(valid.plan(), base, &forecast, &drivers);
    let name = scenario.name.clone();
    let mut changed = valid.plan().clone();
    changed.scenarios.push(scenario);
    let valid = validate(&changed).map_err(RefitError::Invalid)?;
    Ok(Refit {
        method: method.clone(),
        choice,
        forecast,
        hindsight,
        drivers,
        plan: valid,
        scenario: name,
    })
}

/// The forecast `method` gives for the user actuals, with every trend's
/// record when trends were compared.
fn fitted(valid: &ValidPlan, method: &Method) -> Result<(Option<Choice>, Forecast), RefitError> {
    match method {
        Method::Piecewise { ends } => {
            let observations = user_observations(valid);
            let model = Model::Piecewise { ends: ends.clone() };
            let fit = fit(&observations, &model).map_err(RefitError::Fit)?;
            let last = observations.iter().map(|o| o.month).max().unwrap_or(0);
            Ok((
                None,
                Forecast {
                    trend: Trend::Compound,
                    last_month: last,
                    level: valid.plan().baseline_users,
                    growth: growth_from(&fit, &model),
                    profile: None,
                    volatility: fit.volatility,
                    rate: fit.parameters.last().map_or(0.0, |p| p.value),
                },
            ))
        }
        Method::Auto | Method::Trend(_) => {
            let choice = choice_for(valid).map_err(RefitError::Fit)?;
            let forecast = match method {
                Method::Trend(trend) => {
                    let (_, result) = choice
                        .candidates
                        .iter()
                        .find(|(t, _)| t == trend)
                        .ok_or(RefitError::Fit(FitError::NoChange))?;
                    result.clone().map_err(RefitError::Fit)?.forecast
                }
                _ => choice.recommended().forecast.clone(),
            };
            Ok((Some(choice), forecast))
        }
    }
}

/// How the chosen trend would have done on the last months, when trends
/// were compared (a piecewise fit has no held-out record).
fn hindsight_of(
    valid: &ValidPlan,
    choice: Option<&Choice>,
    forecast: &Forecast,
) -> Option<Hindsight> {
    choice?;
    hindsight(
        &user_observations(valid),
        calendar_of_zero(valid),
        forecast.trend,
    )
}

/// The scenario a forecast makes: `base`'s driver values, the forecast's
/// growth, seasonality and volatility, the fitted drivers' ranges.
fn fitted_scenario(
    plan: &Plan,
    base: usize,
    forecast: &Forecast,
    drivers: &[FittedDriver],
) -> Scenario {
    let mut scenario = plan
        .scenarios
        .get(base)
        .cloned()
        .unwrap_or_else(|| plan.scenarios[0].clone());
    scenario.name = unused_name(plan);
    scenario.growth = forecast.growth.clone();
    scenario.seasonality = forecast.profile.as_ref().map(|p| p.factors.to_vec());
    // The swings the history had, month to month: without them a fitted
    // band is only the uncertainty of the rates, a fraction of a percent
    // wide a month ahead.
    scenario.volatility = (forecast.volatility > 0.0).then_some(forecast.volatility);
    for driver in drivers {
        scenario.drivers.insert(
            driver.driver.clone(),
            range(driver.value, driver.low, driver.high),
        );
    }
    scenario
}

/// What `--apply` makes: the plan re-forecast so month 0 is the month of
/// the last user actual, its users the fitted level there (not the raw
/// actual, which may be a peak or noise), with the fitted scenario added
/// and uncertainty on so its bands are drawn.
pub fn apply(valid: &ValidPlan, base: usize, method: &Method) -> Result<Refit, RefitError> {
    let (choice, forecast) = fitted(valid, method)?;
    let hindsight = hindsight_of(valid, choice.as_ref(), &forecast);
    let drivers = fit_drivers(valid);
    let moved = reforecast(valid, KeepHorizon::Length).map_err(RefitError::Reforecast)?;
    let mut plan = moved.plan.plan().clone();
    if !matches!(method, Method::Piecewise { .. }) {
        plan.baseline_users = forecast.level;
    }
    if plan.uncertainty.is_none() {
        plan.uncertainty = Some(Default::default());
    }
    let scenario = fitted_scenario(&plan, base, &forecast, &drivers);
    let name = scenario.name.clone();
    plan.scenarios.push(scenario);
    let valid = validate(&plan).map_err(RefitError::Invalid)?;
    Ok(Refit {
        method: method.clone(),
        choice,
        forecast,
        hindsight,
        drivers,
        plan: valid,
        scenario: name,
    })
}

fn unused_name(plan: &Plan) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                FITTED_SCENARIO.to_string()
            } else {
                format!("{FITTED_SCENARIO} {n}")
            }
        })
        .find(|name| !plan.scenarios.iter().any(|s| &s.name == name))
        .unwrap_or_else(|| FITTED_SCENARIO.to_string())
}

/// A fitted number as a plan value: its 90% range, or the number itself when
/// the range has no width.
fn range(value: f64, low: f64, high: f64) -> Value {
    if low < high {
        Value::interval(low, high)
    } else {
        Value::Fixed(value)
    }
}

/// The fitted parameters as the plan's growth model; a rate the fit does not
/// estimate (churn, in the net-growth models) is 0.
fn growth_from(fitted: &crate::engine::actuals::fit::Fit, model: &Model) -> Growth {
    let value = |name: &str| {
        fitted
            .parameter(name)
            .map_or(Value::Fixed(0.0), |p| range(p.value, p.low, p.high))
    };
    match model {
        Model::Compound => Growth::Compound {
            growth: value("growth"),
            churn: value("churn"),
            damping: None,
        },
        Model::Linear => Growth::Linear {
            new_users_per_month: value("new_users_per_month"),
            churn: value("churn"),
        },
        Model::Logistic => Growth::Logistic {
            growth: value("growth"),
            churn: value("churn"),
            market_size: value("market_size"),
        },
        Model::Piecewise { ends } => {
            // Segment i runs to ends[i]; one ending before month 1 is
            // history only, and the last runs on past the final end.
            let mut segments: Vec<Segment> = Vec::new();
            for index in 0..=ends.len() {
                let growth = value(&format!("segments[{index}].growth"));
                let until_month = match ends.get(index) {
                    Some(end) if *end < 1 => continue,
                    Some(end) => u32::try_from(*end).unwrap_or(1),
                    None => segments.last().map_or(1, |s| s.until_month + 1),
                };
                segments.push(Segment {
                    until_month,
                    growth,
                    churn: Value::Fixed(0.0),
                });
            }
            Growth::Piecewise { segments }
        }
    }
}

/// Drivers that act as per-user rates: a metric whose formula is
/// `users * driver` (or `driver * users`), the driver's value the mean of
/// the metric's actual ÷ the users actual over the months that have both, its
/// range the 90% interval of that mean (needs three months).
pub fn fit_drivers(valid: &ValidPlan) -> Vec<FittedDriver> {
    let plan = valid.plan();
    let mut fitted = Vec::new();
    for metric in &plan.metrics {
        let compact: String = metric
            .formula
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let names = names_in(&metric.formula);
        let [a, b] = names.as_slice() else {
            continue;
        };
        let driver = if a == "users" { b } else { a };
        let is_rate = plan.drivers.iter().any(|d| &d.name == driver)
            && (compact == format!("users*{driver}") || compact == format!("{driver}*users"));
        if !is_rate {
            continue;
        }
        let ratios: Vec<f64> = valid
            .actuals_of(&Series::Metric(metric.name.clone()))
            .into_iter()
            .filter_map(|(month, value)| {
                let users = valid.actual(&Series::Users, month)?;
                (users > 0.0).then(|| value / users)
            })
            .collect();
        let n = ratios.len();
        if n < 3 {
            continue;
        }
        let mean = ratios.iter().sum::<f64>() / n as f64;
        let variance = ratios.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let half = crate::engine::actuals::fit::t_quantile_95(n - 1) * (variance / n as f64).sqrt();
        if !(mean.is_finite() && half.is_finite()) {
            continue;
        }
        // A rate of both signs has a normal range; a positive one keeps
        // its range positive so it reads as a log-normal interval.
        let low = if mean > 0.0 {
            (mean - half).max(mean / 10.0)
        } else {
            mean - half
        };
        fitted.push(FittedDriver {
            driver: driver.clone(),
            metric: metric.name.clone(),
            months: n,
            value: mean,
            low,
            high: mean + half,
        });
    }
    fitted
}

/// How a re-forecast sets the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepHorizon {
    /// The same last calendar month (the horizon shortens).
    End,
    /// The same number of months (the end moves later).
    Length,
}

/// What a re-forecast did, for the user to read.
#[derive(Debug, Clone)]
pub struct Reforecast {
    pub plan: ValidPlan,
    /// The old plan month that became month 0.
    pub shifted_by: i32,
    /// Metrics whose `prev(…, initial)` now starts from an actual.
    pub stocks: Vec<String>,
    /// Parts dropped because they lie before the new month 0.
    pub dropped: Vec<String>,
}

/// Month 0 moves to the last month with a user actual: its users become the
/// baseline, the start month moves, the horizon keeps its end or its length,
/// and every month the plan counts (growth segments and milestones, one-off
/// costs) is moved so it stays in its calendar month.
pub fn reforecast(valid: &ValidPlan, keep: KeepHorizon) -> Result<Reforecast, String> {
    let users = valid.actuals_of(&Series::Users);
    let Some(&(last, baseline)) = users.last() else {
        return Err("re-forecasting needs at least one month with a user actual".into());
    };
    let old = valid.plan();
    let mut plan = old.clone();
    plan.start_month = month_label(valid.start_count() + last);
    plan.baseline_users = baseline;
    if keep == KeepHorizon::End {
        let end = old.horizon_months as i32 - last;
        if end < 1 {
            return Err(format!(
                "the last user actual ({}) is at or after the horizon's last month; keep the horizon's length instead",
                month_label(valid.start_count() + last)
            ));
        }
        plan.horizon_months = end as u32;
    }
    let mut dropped = Vec::new();
    shift_growth(&mut plan, last, &mut dropped);
    plan.costs.retain_mut(|line| match line {
        CostLine::OneOff { name, month, .. } => {
            let moved = *month as i32 - last;
            if moved < 0 {
                dropped.push(format!("one-off cost '{name}' (before the new month 0)"));
                false
            } else {
                *month = moved as u32;
                true
            }
        }
        _ => true,
    });
    let stocks = restart_stocks(valid, &mut plan, last);
    let valid = validate(&plan).map_err(|errors| {
        format!(
            "the re-forecast plan is not valid: {}",
            errors.first().map(ToString::to_string).unwrap_or_default()
        )
    })?;
    Ok(Reforecast {
        plan: valid,
        shifted_by: last,
        stocks,
        dropped,
    })
}

/// Growth segments and milestones counted from the new month 0.
fn shift_growth(plan: &mut Plan, by: i32, dropped: &mut Vec<String>) {
    let shift = |month: u32| month as i32 - by;
    for scenario in &mut plan.scenarios {
        let Scenario { name, growth, .. } = scenario;
        match growth {
            Growth::Piecewise { segments } => {
                let last = segments.len().saturating_sub(1);
                let mut index = 0;
                segments.retain(|segment| {
                    let keep = index == last || shift(segment.until_month) >= 1;
                    index += 1;
                    keep
                });
                for segment in segments.iter_mut() {
                    segment.until_month = shift(segment.until_month).max(1) as u32;
                }
            }
            Growth::Milestones { points } => {
                let before = points.len();
                points.retain(|p| shift(p.month) > 0);
                for point in points.iter_mut() {
                    point.month = shift(point.month) as u32;
                }
                if points.len() < before {
                    dropped.push(format!("milestones of '{name}' before the new month 0"));
                }
                if points.is_empty() {
                    dropped.push(format!(
                        "'{name}' has no milestone after the new month 0 and keeps its users flat"
                    ));
                }
            }
            _ => {}
        }
    }
}

/// For each metric that reads `prev(itself, initial)` and has an actual at
/// the old month `last − 1` (else `last`), `initial` becomes that actual.
fn restart_stocks(valid: &ValidPlan, plan: &mut Plan, last: i32) -> Vec<String> {
    let mut stocks = Vec::new();
    for metric in &mut plan.metrics {
        let series = Series::Metric(metric.name.clone());
        let Some(actual) = valid
            .actual(&series, last - 1)
            .or_else(|| valid.actual(&series, last))
        else {
            continue;
        };
        if let Some(formula) = with_initial(&metric.formula, &metric.name, actual) {
            metric.formula = formula;
            stocks.push(metric.name.clone());
        }
    }
    stocks
}

/// `formula` with the `initial` of its `prev(name, initial)` calls replaced
/// by `value`; `None` when there is no such call.
pub fn with_initial(formula: &str, name: &str, value: f64) -> Option<String> {
    let mut out = String::new();
    let mut rest = formula;
    let mut changed = false;
    while let Some(at) = rest.find("prev(") {
        let boundary = at == 0 || {
            let before = rest[..at].chars().next_back().unwrap_or(' ');
            !(before.is_ascii_alphanumeric() || before == '_')
        };
        out.push_str(&rest[..at + 5]);
        rest = &rest[at + 5..];
        if !boundary {
            continue;
        }
        let inner = rest.trim_start();
        let Some(after_name) = inner.strip_prefix(name) else {
            continue;
        };
        let after_name_trimmed = after_name.trim_start();
        let Some(argument) = after_name_trimmed.strip_prefix(',') else {
            continue;
        };
        // The initial runs to the `)` that closes this call.
        let mut depth = 0usize;
        let Some(end) = argument.char_indices().find_map(|(i, c)| match c {
            '(' => {
                depth += 1;
                None
            }
            ')' if depth == 0 => Some(i),
            ')' => {
                depth -= 1;
                None
            }
            _ => None,
        }) else {
            continue;
        };
        out.push_str(&format!("{name}, {}", plain_number(value)));
        rest = &argument[end..];
        changed = true;
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// A number as the formula language reads it back exactly.
fn plain_number(value: f64) -> String {
    let text = format!("{value}");
    if text.contains('e') || text.contains("inf") || text.contains("NaN") {
        format!("{value:e}")
    } else {
        text
    }
}
