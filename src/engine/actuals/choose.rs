//! Choosing a growth model by how well it predicts (issue 27): every trend
//! is fitted to the history (seasonally adjusted when the history shows a
//! season), each is asked to forecast months it did not see (rolling
//! origins inside the history), and the one with the smallest error is
//! recommended, with its reason in words.
//!
//! Each fitted trend becomes what a plan can carry: users at the last month
//! as fitted (the level, not the raw last actual, which may be a peak or
//! noise), a growth model, the seasonal factors and a volatility, with the
//! growth rate's range and the volatility set so the plan's Monte Carlo
//! bands have the spread the method's forecast errors have.

use super::fit::{checked, fit, FitError, Model, Observation};
use super::season::{calendar_month, deseasonalised, seasonal_profile, Profile};
use super::smoothing::smooth;
use crate::engine::model::plan::{Growth, Value, Z_95};
use crate::engine::project::growth::project_users;

/// The trends a history is fitted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// Exponential smoothing with a damped trend: growth that fades.
    Damped,
    /// One compound rate over the whole history (log-linear).
    Compound,
    /// New users a month less a share churned.
    Linear,
    /// Growth that slows towards a market size.
    Logistic,
}

impl Trend {
    pub const ALL: [Trend; 4] = [
        Trend::Damped,
        Trend::Compound,
        Trend::Linear,
        Trend::Logistic,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Trend::Damped => "damped",
            Trend::Compound => "compound",
            Trend::Linear => "linear",
            Trend::Logistic => "logistic",
        }
    }

    pub fn named(name: &str) -> Option<Trend> {
        Trend::ALL
            .into_iter()
            .find(|trend| trend.name() == name.trim().to_lowercase())
    }

    /// How the trend reads in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            Trend::Damped => "damped trend",
            Trend::Compound => "compound growth",
            Trend::Linear => "linear growth",
            Trend::Logistic => "logistic growth",
        }
    }
}

/// How many months ahead the spread is matched over: the forecasts a
/// monthly review and a year's plan lean on.
const MATCHED_MONTHS: u32 = 12;

/// The spread of the method's errors is widened by this factor: the
/// models' own variance leaves out that their parameters and even their
/// form are estimated. Set on the backtest's "tune" series only (see
/// `backtest/README.md`); the held-out series then check it.
pub const SPREAD_FACTOR: f64 = 1.6;

/// Each history also widens its own spread when its held-out months fell
/// further out than the spread says: the mean squared standardised error,
/// shrunk towards 1 as if this many more months had fitted exactly (a
/// history never narrows it).
pub const CALIBRATION_PRIOR: f64 = 6.0;

/// Another trend is recommended over the damped trend only when its
/// held-out error is below this share of the damped trend's. Short
/// histories give few held-out months, so a small lead is mostly luck; on
/// the backtest's tune series, always taking the smallest error gave 8.3%
/// error against 7.0% with this rule (and 6.8% for damped alone).
pub const SWITCH_MARGIN: f64 = 0.6;

/// A trend fitted to a history: what a plan needs to carry it forward.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub trend: Trend,
    /// The month of the last actual: the forecast's month 0.
    pub last_month: i32,
    /// Users at the last month as fitted, its seasonal factor included.
    pub level: f64,
    pub growth: Growth,
    pub profile: Option<Profile>,
    /// The month-to-month standard deviation of log users for the plan.
    pub volatility: f64,
    /// The net monthly growth rate now (the trend's, before damping).
    pub rate: f64,
}

impl Forecast {
    /// Users for months 1..=months after the last actual: the growth model
    /// from the level, times each month's seasonal factor over the last
    /// month's (the plan's own arithmetic, so a plan projects the same).
    pub fn users(&self, months: u32, calendar_of_zero: usize) -> Vec<f64> {
        let path = project_users(&self.growth, self.level, months);
        let factor = |month: i32| {
            self.profile.as_ref().map_or(1.0, |profile| {
                profile.factors[calendar_month(calendar_of_zero, month)]
            })
        };
        let base = factor(self.last_month);
        path.iter()
            .enumerate()
            .skip(1)
            .map(|(step, users)| users * factor(self.last_month + step as i32) / base)
            .collect()
    }

    /// The same forecast with its spread (volatility and rate range) `k`
    /// times as wide.
    pub fn widened(&self, k: f64) -> Forecast {
        let mut wider = self.clone();
        wider.volatility = (self.volatility * k).min(1.0);
        if let Growth::Compound { damping, .. } = &self.growth {
            wider.growth = compound_growth(self.rate, rate_spread(&self.growth) * k, *damping);
        }
        wider
    }

    /// The 5th–95th percentile spread of log users `h` months ahead that the
    /// plan's paths have: volatility² h plus the rate's variance times the
    /// (damped) months of growth, squared.
    pub fn log_variance(&self, h: u32) -> f64 {
        let tau = rate_spread(&self.growth);
        self.volatility.powi(2) * f64::from(h) + (tau * growth_months(&self.growth, h)).powi(2)
    }
}

/// Months of growth by month `h`: h, or `φ + φ² + … + φ^h` when damped.
pub fn growth_months(growth: &Growth, h: u32) -> f64 {
    match growth {
        Growth::Compound {
            damping: Some(phi), ..
        } => (1..=h).map(|k| libm::pow(*phi, f64::from(k))).sum(),
        _ => f64::from(h),
    }
}

/// The standard deviation of the net rate a plan's growth range implies.
fn rate_spread(growth: &Growth) -> f64 {
    let Growth::Compound { growth, .. } = growth else {
        return 0.0;
    };
    match growth {
        Value::Range(range) if range.low > 0.0 => {
            libm::log(range.high / range.low) / (2.0 * Z_95) * libm::sqrt(range.low * range.high)
        }
        Value::Range(range) => (range.high - range.low) / (2.0 * Z_95),
        Value::Fixed(_) => 0.0,
    }
}

/// A net monthly rate `rate` with standard deviation `spread` as a plan's
/// compound growth and churn, the median exactly `rate`: a log-symmetric
/// range (log-normal) when the rate is clearly positive, else a normal
/// range on the net rate, churn lifting growth's low end to 0.
pub fn compound_growth(rate: f64, spread: f64, damping: Option<f64>) -> Growth {
    let (growth, churn) = if spread <= 0.0 {
        (Value::Fixed(rate.max(0.0)), Value::Fixed((-rate).max(0.0)))
    } else if rate > Z_95 * spread {
        let s = spread / rate;
        (
            Value::interval(rate * libm::exp(-Z_95 * s), rate * libm::exp(Z_95 * s)),
            Value::Fixed(0.0),
        )
    } else {
        let churn = Z_95 * spread - rate;
        (
            Value::interval(0.0, 2.0 * Z_95 * spread),
            Value::Fixed(churn.min(1.0)),
        )
    };
    Growth::Compound {
        growth,
        churn,
        damping,
    }
}

/// The volatility and rate spread whose plan variance `v h + τ² D(h)²`
/// best matches `variance(h)` for h = 1..=12, relative to its size,
/// neither negative.
fn matched_spread(variance: impl Fn(u32) -> f64, months: impl Fn(u32) -> f64) -> (f64, f64) {
    let (mut shh, mut shd, mut sdd, mut shv, mut sdv) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for h in 1..=MATCHED_MONTHS {
        let v = variance(h);
        if !(v > 0.0 && v.is_finite()) {
            continue;
        }
        let w = 1.0 / (v * v);
        let (a, d) = (f64::from(h), months(h).powi(2));
        shh += w * a * a;
        shd += w * a * d;
        sdd += w * d * d;
        shv += w * a * v;
        sdv += w * d * v;
    }
    let det = shh * sdd - shd * shd;
    let (mut walk, mut rate) = if det.abs() > 1e-300 {
        ((shv * sdd - sdv * shd) / det, (sdv * shh - shv * shd) / det)
    } else {
        (0.0, 0.0)
    };
    if walk < 0.0 || !walk.is_finite() {
        walk = 0.0;
        rate = if sdd > 0.0 { sdv / sdd } else { 0.0 };
    }
    if rate < 0.0 || !rate.is_finite() {
        rate = 0.0;
        walk = if shh > 0.0 { shv / shh } else { 0.0 };
    }
    (
        libm::sqrt(walk.max(0.0)) * SPREAD_FACTOR,
        libm::sqrt(rate.max(0.0)) * SPREAD_FACTOR,
    )
}

/// Fits `trend` to `points` (sorted, positive) after dividing out
/// `profile`; `calendar_of_zero` places the months in the year.
pub fn fit_trend(
    trend: Trend,
    points: &[Observation],
    profile: Option<&Profile>,
    calendar_of_zero: usize,
) -> Result<Forecast, FitError> {
    let adjusted = match profile {
        Some(profile) => deseasonalised(points, profile, calendar_of_zero),
        None => points.to_vec(),
    };
    let last = *adjusted
        .last()
        .ok_or(FitError::TooFewPoints { needed: 3, got: 0 })?;
    let (level, growth, volatility, rate) = match trend {
        Trend::Damped => damped(&adjusted)?,
        Trend::Compound => compound(&adjusted)?,
        Trend::Linear | Trend::Logistic => {
            let model = if trend == Trend::Linear {
                Model::Linear
            } else {
                Model::Logistic
            };
            let fitted = fit(&adjusted, &model)?;
            let level = last.users - fitted.residuals.last().copied().unwrap_or(0.0);
            let fixed = |name: &str| {
                fitted
                    .parameter(name)
                    .map_or(Value::Fixed(0.0), |p| Value::Fixed(p.value))
            };
            let growth = if trend == Trend::Linear {
                Growth::Linear {
                    new_users_per_month: fixed("new_users_per_month"),
                    churn: fixed("churn"),
                }
            } else {
                Growth::Logistic {
                    growth: fixed("growth"),
                    churn: fixed("churn"),
                    market_size: fixed("market_size"),
                }
            };
            let rate = project_users(&growth, level, 1)[1] / level - 1.0;
            (level, growth, fitted.volatility * SPREAD_FACTOR, rate)
        }
    };
    if !(level.is_finite() && level > 0.0 && rate.is_finite()) {
        return Err(FitError::BeyondLimits);
    }
    let seasonal = profile.map_or(1.0, |p| {
        p.factors[calendar_month(calendar_of_zero, last.month)]
    });
    Ok(Forecast {
        trend,
        last_month: last.month,
        level: level * seasonal,
        growth,
        profile: profile.cloned(),
        volatility,
        rate,
    })
}

/// The damped trend: level and rate from exponential smoothing, the
/// spread matched to the method's own forecast variance.
fn damped(points: &[Observation]) -> Result<(f64, Growth, f64, f64), FitError> {
    let smoothed = smooth(points).ok_or(FitError::TooFewPoints {
        needed: 4,
        got: points.len(),
    })?;
    let phi = smoothed.phi;
    let (walk, spread) = matched_spread(
        |h| smoothed.variance(h),
        |h| (1..=h).map(|k| libm::pow(phi, f64::from(k))).sum(),
    );
    let rate = libm::expm1(smoothed.trend);
    if rate.abs() > 1.0 {
        return Err(FitError::BeyondLimits);
    }
    Ok((
        libm::exp(smoothed.level),
        compound_growth(rate, spread, Some(phi)),
        walk,
        rate,
    ))
}

/// One compound rate by least squares on log users; the level is the
/// fitted line at the last month, the spread the regression's prediction
/// variance `s² (1 + 1/n + (t − t̄)² / Sxx)`.
fn compound(points: &[Observation]) -> Result<(f64, Growth, f64, f64), FitError> {
    let n = points.len() as f64;
    let ts: Vec<f64> = points.iter().map(|p| f64::from(p.month)).collect();
    let ys: Vec<f64> = points.iter().map(|p| libm::log(p.users)).collect();
    let mean_t = ts.iter().sum::<f64>() / n;
    let mean_y = ys.iter().sum::<f64>() / n;
    let sxx: f64 = ts.iter().map(|t| (t - mean_t).powi(2)).sum();
    if n < 3.0 || sxx <= 0.0 {
        return Err(FitError::TooFewPoints {
            needed: 3,
            got: points.len(),
        });
    }
    let slope = ts
        .iter()
        .zip(&ys)
        .map(|(t, y)| (t - mean_t) * (y - mean_y))
        .sum::<f64>()
        / sxx;
    let sse: f64 = ts
        .iter()
        .zip(&ys)
        .map(|(t, y)| (y - mean_y - slope * (t - mean_t)).powi(2))
        .sum();
    let s2 = sse / (n - 2.0);
    let last_t = ts[ts.len() - 1];
    let (walk, spread) = matched_spread(
        |h| s2 * (1.0 + 1.0 / n + (last_t + f64::from(h) - mean_t).powi(2) / sxx),
        f64::from,
    );
    let rate = libm::expm1(slope);
    if rate.abs() > 1.0 {
        return Err(FitError::BeyondLimits);
    }
    let level = libm::exp(mean_y + slope * (last_t - mean_t));
    Ok((level, compound_growth(rate, spread, None), walk, rate))
}

/// How far ahead each rolling origin forecasts, and the origins: 6, 9
/// and 12 months before the end, each with at least this many months
/// before it.
/// Months forecast from each origin; the last origin's are "the last 6 months".
pub const HELD_OUT: u32 = 6;
const MIN_TRAINING: usize = 6;

/// One trend's out-of-sample record.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub forecast: Forecast,
    /// Mean absolute percentage error over every held-out month of every
    /// origin; `None` when the history is too short to hold any out.
    pub error: Option<f64>,
    /// The same over the last 6 months alone, forecast from before them.
    pub last_months_error: Option<f64>,
    /// Mean of (log error)² ÷ the plan's log variance over the held-out
    /// months, and how many there were.
    pub calibration: (f64, usize),
}

/// Every trend's fit and record, and which is recommended.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub candidates: Vec<(Trend, Result<Scored, FitError>)>,
    /// Index into `candidates` of the recommendation.
    pub best: usize,
    pub profile: Option<Profile>,
}

impl Choice {
    pub fn recommended(&self) -> &Scored {
        match &self.candidates[self.best].1 {
            Ok(scored) => scored,
            Err(_) => unreachable!("the recommendation is always a fitted candidate"),
        }
    }
}

/// The origins (number of months before each) of the cross-validation.
fn origins(count: usize) -> Vec<usize> {
    let held: Vec<usize> = [6, 9, 12]
        .into_iter()
        .filter(|back| count >= back + MIN_TRAINING)
        .map(|back| count - back)
        .collect();
    if held.is_empty() && count >= 6 {
        vec![count - count / 3]
    } else {
        held
    }
}

/// Mean absolute percentage errors (all origins, the last 6 months) of
/// `trend` forecasting the adjusted history from each origin.
fn cross_validate(
    trend: Trend,
    adjusted: &[Observation],
    calendar_of_zero: usize,
) -> (Option<f64>, Option<f64>, (f64, usize)) {
    let mut all = Vec::new();
    let mut z2 = Vec::new();
    let mut last = None;
    for origin in origins(adjusted.len()) {
        let Ok(forecast) = fit_trend(trend, &adjusted[..origin], None, calendar_of_zero) else {
            continue;
        };
        let held = &adjusted[origin..adjusted.len().min(origin + HELD_OUT as usize)];
        let ahead = (held[held.len() - 1].month - forecast.last_month).max(1) as u32;
        let path = forecast.users(ahead, calendar_of_zero);
        let errors: Vec<f64> = held
            .iter()
            .filter_map(|p| {
                let step = (p.month - forecast.last_month - 1) as usize;
                let f = path.get(step)?;
                let variance = forecast.log_variance(step as u32 + 1);
                if variance > 0.0 {
                    z2.push(libm::log(p.users / f).powi(2) / variance);
                }
                Some((f - p.users).abs() / p.users)
            })
            .collect();
        if origin + HELD_OUT as usize == adjusted.len() {
            last = mean(&errors);
        }
        all.extend(errors);
    }
    let calibration = (mean(&z2).unwrap_or(1.0), z2.len());
    (mean(&all), last, calibration)
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty())
        .then(|| values.iter().sum::<f64>() / values.len() as f64)
        .filter(|m| m.is_finite())
}

/// A history's seasonal profile (if it shows one) and the history with it
/// divided out, on which trends are cross-validated.
struct Season {
    profile: Option<Profile>,
    adjusted: Vec<Observation>,
}

impl Season {
    fn of(points: &[Observation], calendar_of_zero: usize) -> Season {
        let profile = seasonal_profile(points, calendar_of_zero);
        let adjusted = match &profile {
            Some(profile) => deseasonalised(points, profile, calendar_of_zero),
            None => points.to_vec(),
        };
        Season { profile, adjusted }
    }

    /// `trend` fitted to `points` with this season, scored on held-out
    /// months, and its spread widened by its own held-out errors.
    fn score(
        &self,
        trend: Trend,
        points: &[Observation],
        calendar_of_zero: usize,
    ) -> Result<Scored, FitError> {
        let forecast = fit_trend(trend, points, self.profile.as_ref(), calendar_of_zero)?;
        let (error, last_months_error, calibration) =
            cross_validate(trend, &self.adjusted, calendar_of_zero);
        let (z2, count) = calibration;
        let k2 = (z2 * count as f64 + CALIBRATION_PRIOR) / (count as f64 + CALIBRATION_PRIOR);
        Ok(Scored {
            forecast: forecast.widened(libm::sqrt(k2.max(1.0))),
            error,
            last_months_error,
            calibration,
        })
    }
}

/// One trend fitted to `observations` exactly as [`choose`] fits it
/// (season, spread, widening), without fitting the others.
pub fn score_trend(
    trend: Trend,
    observations: &[Observation],
    calendar_of_zero: usize,
) -> Result<Scored, FitError> {
    let points = checked(observations)?;
    Season::of(&points, calendar_of_zero).score(trend, &points, calendar_of_zero)
}

/// Fits every trend to `observations` and recommends the one that would
/// have predicted the held-out months best (ties to the earlier in
/// [`Trend::ALL`]). An error only when no trend can be fitted: the first
/// trend's reason.
pub fn choose(observations: &[Observation], calendar_of_zero: usize) -> Result<Choice, FitError> {
    let points = checked(observations)?;
    let season = Season::of(&points, calendar_of_zero);
    let candidates: Vec<(Trend, Result<Scored, FitError>)> = Trend::ALL
        .into_iter()
        .map(|trend| (trend, season.score(trend, &points, calendar_of_zero)))
        .collect();
    let score = |entry: &(Trend, Result<Scored, FitError>)| match &entry.1 {
        Ok(scored) => {
            let error = scored.error.unwrap_or(f64::INFINITY);
            Some(if entry.0 == Trend::Damped {
                error * SWITCH_MARGIN
            } else {
                error
            })
        }
        Err(_) => None,
    };
    let best = (0..candidates.len())
        .filter(|i| score(&candidates[*i]).is_some())
        .min_by(|a, b| {
            let (a, b) = (score(&candidates[*a]), score(&candidates[*b]));
            a.unwrap_or(f64::INFINITY)
                .total_cmp(&b.unwrap_or(f64::INFINITY))
        });
    match best {
        Some(best) => Ok(Choice {
            candidates,
            best,
            profile: season.profile,
        }),
        None => Err(candidates
            .into_iter()
            .find_map(|(_, result)| result.err())
            .unwrap_or(FitError::NoChange)),
    }
}

impl Choice {
    /// Why the recommendation, in words: what it is, how it would have
    /// predicted the held-out months, and how the others did.
    pub fn reason(&self) -> String {
        let best = self.recommended();
        let trend = best.forecast.trend;
        let what = format!(
            "{}{}",
            trend.describe(),
            if self.profile.is_some() {
                " with seasonality"
            } else {
                ""
            }
        );
        let percent = |error: f64| format!("{:.1}%", error * 100.0);
        let record = match (best.last_months_error, best.error) {
            (Some(last), _) => format!(
                "it would have predicted the last {HELD_OUT} months within {} on average",
                percent(last)
            ),
            (None, Some(error)) => format!(
                "it predicted the months held out of the history within {} on average",
                percent(error)
            ),
            (None, None) => {
                "the history is too short to hold months out, so the steadiest trend is used"
                    .to_string()
            }
        };
        let others: Vec<String> = self
            .candidates
            .iter()
            .filter(|(other, _)| *other != trend)
            .map(|(other, result)| match result {
                Ok(Scored {
                    error: Some(error), ..
                }) => format!("{} {}", other.name(), percent(*error)),
                Ok(_) => format!("{} not testable", other.name()),
                Err(_) => format!("{} could not be fitted", other.name()),
            })
            .collect();
        let mut text = format!("{what}: {record}");
        if let Some(error) = best.error {
            text.push_str(&format!(
                " (held-out error {}; {})",
                percent(error),
                others.join(", ")
            ));
        }
        let beaten = self.candidates.iter().any(|(other, result)| {
            *other != trend
                && matches!(result, Ok(Scored { error: Some(e), .. }) if best.error.is_some_and(|b| *e < b))
        });
        if trend == Trend::Damped && beaten {
            text.push_str(&format!(
                "; another trend did a little better on these few months, but the damped trend is kept unless one predicts clearly better (under {:.0}% of its error)",
                SWITCH_MARGIN * 100.0
            ));
        }
        text
    }
}
