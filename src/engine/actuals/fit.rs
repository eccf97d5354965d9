//! Fitting growth models to observed users by least squares — the "refit"
//! step of the monthly review (issue 15). Pure arithmetic on (month, users)
//! points; each parameter comes with a 90% range from its standard error
//! (Student's t), named as in the plan's growth model so the range can
//! become an uncertain value that Monte Carlo carries.
//!
//! - compound: `ln(users) = a + b × month` (log-linear), net growth `e^b − 1`;
//! - linear: `users[t] = (1 − churn) × users[t−1] + new_users_per_month`,
//!   over consecutive months;
//! - logistic: `users(t) = K / (1 + A × e^(−r t))`, Levenberg–Marquardt from
//!   a log-linear start, `K` above the largest observation;
//! - piecewise: log-linear with a change of slope at each chosen month
//!   (continuous), one growth rate per segment.
//!
//! Every failure is a [`FitError`] saying why, never a panic or a NaN.

use crate::engine::model::validate::MAX_MONTHLY_GROWTH;
use std::fmt;

/// One observation: users at a month (0 = the plan's month 0; history is negative).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub month: i32,
    pub users: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    Compound,
    Linear,
    Logistic,
    /// Segments ending at these months (increasing); the last runs on.
    Piecewise {
        ends: Vec<i32>,
    },
}

/// A fitted number and its 90% range.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub parameters: Vec<Parameter>,
    /// Share of the users' variance the fit explains (on the users scale).
    pub r_squared: f64,
    /// Observed minus fitted users, in the order of the observations.
    pub residuals: Vec<f64>,
    /// The month-to-month standard deviation of log users around the fit
    /// ([`volatility_of`]): what a plan's scenario `volatility` holds, so its
    /// bands carry the swings the history had, not only the uncertainty of
    /// the rates.
    pub volatility: f64,
}

impl Fit {
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    TooFewPoints {
        needed: usize,
        got: usize,
    },
    NotPositive {
        month: i32,
    },
    NotFinite {
        month: i32,
    },
    SameMonthTwice {
        month: i32,
    },
    /// Users change too little to tell a rate from noise (all equal, say).
    NoChange,
    /// The data show no slowing, so a market size cannot be pinned down.
    NoCurvature,
    SegmentTooShort {
        segment: usize,
    },
    NotConsecutive,
    /// A linear model adds users every month; these fall faster than churn explains.
    Shrinking,
    /// The fit implies numbers no plan can hold (over 1,000% growth a month).
    BeyondLimits,
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitError::TooFewPoints { needed, got } => write!(
                f,
                "fitting needs at least {needed} months of user actuals; there are {got}"
            ),
            FitError::NotPositive { month } => write!(
                f,
                "users at month {month} are 0 or below: growth is fitted on the logarithm of users"
            ),
            FitError::NotFinite { month } => write!(f, "users at month {month} are not a number"),
            FitError::SameMonthTwice { month } => {
                write!(f, "month {month} has two user actuals")
            }
            FitError::NoChange => write!(
                f,
                "users do not change enough to fit a rate (every month is about the same)"
            ),
            FitError::NoCurvature => write!(
                f,
                "users show no slowing yet, so a market size cannot be fitted: fit compound growth instead"
            ),
            FitError::SegmentTooShort { segment } => write!(
                f,
                "segment {} has fewer than two months of actuals",
                segment + 1
            ),
            FitError::Shrinking => write!(
                f,
                "users fall faster than a linear model (new users minus churn) can follow: fit compound growth instead"
            ),
            FitError::BeyondLimits => write!(
                f,
                "the fitted rates are beyond what a plan can hold (over 1,000% growth a month): check the actuals"
            ),
            FitError::NotConsecutive => write!(
                f,
                "a linear fit needs at least three pairs of consecutive months"
            ),
        }
    }
}

/// Fits `model` to `observations` (any order; sorted by month here).
pub fn fit(observations: &[Observation], model: &Model) -> Result<Fit, FitError> {
    let points = checked(observations)?;
    let fitted = match model {
        Model::Compound => fit_piecewise(&points, &[], true),
        Model::Piecewise { ends } => fit_piecewise(&points, ends, false),
        Model::Linear => fit_linear(&points),
        Model::Logistic => fit_logistic(&points),
    }?;
    // What a plan can hold: finite numbers, growth rates within 1,000% a month.
    let within = |p: &Parameter| {
        [p.low, p.value, p.high].iter().all(|v| v.is_finite())
            && (!p.name.ends_with("growth") || p.high <= MAX_MONTHLY_GROWTH)
    };
    if fitted.parameters.iter().all(within) && fitted.r_squared.is_finite() {
        let volatility = volatility_of(&points, &fitted.residuals);
        Ok(Fit {
            volatility,
            ..fitted
        })
    } else {
        Err(FitError::BeyondLimits)
    }
}

/// The month-to-month volatility of log users around a fit: with `d` the
/// log of observed over fitted users at each observation (month order),
/// `sqrt(Σ (d_i − d_{i−1})² ÷ gap_i ÷ (n − 1))`, a gap of k months counting
/// as k months of a random walk. The increments are not centred: a trend the
/// model misses is forecast error too. 0 where a fitted value is not above
/// 0; at most 100% a month (the plan's limit).
pub fn volatility_of(points: &[Observation], residuals: &[f64]) -> f64 {
    let deviations: Option<Vec<(i32, f64)>> = points
        .iter()
        .zip(residuals)
        .map(|(point, residual)| {
            let fitted = point.users - residual;
            (fitted > 0.0).then(|| (point.month, libm::log(point.users / fitted)))
        })
        .collect();
    let Some(deviations) = deviations.filter(|d| d.len() >= 2) else {
        return 0.0;
    };
    let sum: f64 = deviations
        .windows(2)
        .map(|pair| {
            let gap = f64::from((pair[1].0 - pair[0].0).max(1));
            (pair[1].1 - pair[0].1).powi(2) / gap
        })
        .sum();
    let volatility = libm::sqrt(sum / (deviations.len() - 1) as f64);
    if volatility.is_finite() {
        volatility.min(1.0)
    } else {
        0.0
    }
}

/// Sorted, finite, positive, one per month, at least three.
pub(crate) fn checked(observations: &[Observation]) -> Result<Vec<Observation>, FitError> {
    let mut points = observations.to_vec();
    points.sort_by_key(|p| p.month);
    for pair in points.windows(2) {
        if pair[0].month == pair[1].month {
            return Err(FitError::SameMonthTwice {
                month: pair[0].month,
            });
        }
    }
    for point in &points {
        if !point.users.is_finite() {
            return Err(FitError::NotFinite { month: point.month });
        }
        if point.users <= 0.0 {
            return Err(FitError::NotPositive { month: point.month });
        }
    }
    if points.len() < 3 {
        return Err(FitError::TooFewPoints {
            needed: 3,
            got: points.len(),
        });
    }
    Ok(points)
}

/// Student's t quantile at 0.95 (two-sided 90%) for `df` degrees of freedom:
/// the table to 30, then the Cornish–Fisher expansion (error < 1e-4).
pub fn t_quantile_95(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        6.3138, 2.9200, 2.3534, 2.1318, 2.0150, 1.9432, 1.8946, 1.8595, 1.8331, 1.8125, 1.7959,
        1.7823, 1.7709, 1.7613, 1.7531, 1.7459, 1.7396, 1.7341, 1.7291, 1.7247, 1.7207, 1.7171,
        1.7139, 1.7109, 1.7081, 1.7056, 1.7033, 1.7011, 1.6991, 1.6973,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        _ => {
            let z = 1.644_853_626_951_472_f64;
            let v = df as f64;
            z + (z.powi(3) + z) / (4.0 * v)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        }
    }
}

/// Ordinary least squares of `y` on the columns of `x` (rows of equal
/// length): coefficients and their covariance matrix (σ² (XᵀX)⁻¹), or
/// `None` when the columns are not independent.
pub(crate) fn least_squares(x: &[Vec<f64>], y: &[f64]) -> Option<(Vec<f64>, Vec<Vec<f64>>, f64)> {
    let p = x.first()?.len();
    let n = y.len();
    let mut xtx = vec![vec![0.0; p]; p];
    let mut xty = vec![0.0; p];
    for (row, target) in x.iter().zip(y) {
        for i in 0..p {
            xty[i] += row[i] * target;
            for j in 0..p {
                xtx[i][j] += row[i] * row[j];
            }
        }
    }
    let inverse = invert(&xtx)?;
    let beta: Vec<f64> = (0..p)
        .map(|i| (0..p).map(|j| inverse[i][j] * xty[j]).sum())
        .collect();
    let sse: f64 = x
        .iter()
        .zip(y)
        .map(|(row, target)| {
            let fitted: f64 = row.iter().zip(&beta).map(|(a, b)| a * b).sum();
            (target - fitted).powi(2)
        })
        .sum();
    let variance = if n > p { sse / (n - p) as f64 } else { 0.0 };
    let covariance = inverse
        .iter()
        .map(|row| row.iter().map(|v| v * variance).collect())
        .collect();
    Some((beta, covariance, variance))
}

/// Gauss–Jordan inverse with partial pivoting; `None` if (nearly) singular.
fn invert(matrix: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = matrix.len();
    let scale = matrix
        .iter()
        .flatten()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    let mut a: Vec<Vec<f64>> = matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut row = row.clone();
            row.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
            row
        })
        .collect();
    for column in 0..n {
        let pivot =
            (column..n).max_by(|&r, &s| a[r][column].abs().total_cmp(&a[s][column].abs()))?;
        if a[pivot][column].abs() <= scale * 1e-13 {
            return None;
        }
        a.swap(column, pivot);
        let divisor = a[column][column];
        for value in a[column].iter_mut() {
            *value /= divisor;
        }
        let pivot_row = a[column].clone();
        for (index, row) in a.iter_mut().enumerate() {
            let factor = row[column];
            if index != column && factor != 0.0 {
                for (value, pivot_value) in row.iter_mut().zip(&pivot_row) {
                    *value -= factor * pivot_value;
                }
            }
        }
    }
    Some(a.into_iter().map(|row| row[n..].to_vec()).collect())
}

/// R² and residuals on the users scale.
fn goodness(points: &[Observation], fitted: impl Fn(f64) -> f64) -> (f64, Vec<f64>) {
    let residuals: Vec<f64> = points
        .iter()
        .map(|p| p.users - fitted(f64::from(p.month)))
        .collect();
    let mean = points.iter().map(|p| p.users).sum::<f64>() / points.len() as f64;
    let total: f64 = points.iter().map(|p| (p.users - mean).powi(2)).sum();
    let sse: f64 = residuals.iter().map(|r| r * r).sum();
    let r_squared = if total > 0.0 { 1.0 - sse / total } else { 0.0 };
    (r_squared, residuals)
}

/// A monthly rate from a log-slope and its standard error: `e^b − 1`.
fn rate(name: String, slope: f64, se: f64, t: f64) -> Parameter {
    Parameter {
        name,
        value: slope.exp_m1(),
        low: (slope - t * se).exp_m1(),
        high: (slope + t * se).exp_m1(),
    }
}

/// Log-linear with a change of slope at each of `ends`; with `compound`, one
/// segment named `growth`, else `segments[i].growth`.
fn fit_piecewise(points: &[Observation], ends: &[i32], compound: bool) -> Result<Fit, FitError> {
    let first = points[0].month;
    // Segment i covers months up to ends[i]; hinges at each end inside the data.
    for (index, _) in ends.iter().enumerate().skip(1) {
        if ends[index] <= ends[index - 1] {
            return Err(FitError::SegmentTooShort { segment: index });
        }
    }
    let segment_of = |month: i32| {
        ends.iter()
            .position(|end| month <= *end)
            .unwrap_or(ends.len())
    };
    for segment in 0..=ends.len() {
        if points
            .iter()
            .filter(|p| segment_of(p.month) == segment)
            .count()
            < 2
        {
            return Err(FitError::SegmentTooShort { segment });
        }
    }
    let hinge = |month: i32, at: i32| f64::from((month - at).max(0));
    let x: Vec<Vec<f64>> = points
        .iter()
        .map(|p| {
            let mut row = vec![1.0, f64::from(p.month - first)];
            row.extend(ends.iter().map(|end| hinge(p.month, *end)));
            row
        })
        .collect();
    let y: Vec<f64> = points.iter().map(|p| p.users.ln()).collect();
    let (beta, covariance, _) = least_squares(&x, &y).ok_or(FitError::NoChange)?;
    let t = t_quantile_95(points.len().saturating_sub(beta.len()));
    // Segment k's slope is b₁ + b₂ + … + b_{k+1}; its variance cᵀΣc.
    let parameters = (0..=ends.len())
        .map(|segment| {
            let terms: Vec<usize> = (1..=segment + 1).collect();
            let slope: f64 = terms.iter().map(|i| beta[*i]).sum();
            let variance: f64 = terms
                .iter()
                .flat_map(|i| terms.iter().map(move |j| (*i, *j)))
                .map(|(i, j)| covariance[i][j])
                .sum();
            let name = if compound {
                "growth".to_string()
            } else {
                format!("segments[{segment}].growth")
            };
            rate(name, slope, variance.max(0.0).sqrt(), t)
        })
        .collect();
    let (r_squared, residuals) = goodness(points, |month| {
        let month = month as i32;
        let mut log = beta[0] + beta[1] * f64::from(month - first);
        for (k, end) in ends.iter().enumerate() {
            log += beta[k + 2] * hinge(month, *end);
        }
        log.exp()
    });
    Ok(Fit {
        parameters,
        r_squared,
        residuals,
        volatility: 0.0,
    })
}

/// `users[t] = α users[t−1] + n` over consecutive months; churn = 1 − α. A
/// series that accelerates (α ≥ 1) has no churn to find: then churn is 0 and
/// `n` the mean monthly increase.
fn fit_linear(points: &[Observation]) -> Result<Fit, FitError> {
    let pairs: Vec<(f64, f64)> = points
        .windows(2)
        .filter(|w| w[1].month == w[0].month + 1)
        .map(|w| (w[0].users, w[1].users))
        .collect();
    if pairs.len() < 3 {
        return Err(FitError::NotConsecutive);
    }
    let x: Vec<Vec<f64>> = pairs.iter().map(|(before, _)| vec![*before, 1.0]).collect();
    let y: Vec<f64> = pairs.iter().map(|(_, after)| *after).collect();
    let t = t_quantile_95(pairs.len() - 2);
    let (churn, new_users) = match least_squares(&x, &y) {
        // Some churn: it must stay below 100%, and new users at 0 or more.
        Some((beta, _, _)) if beta[0] < 1.0 && !(beta[0] > 0.0 && beta[1] >= 0.0) => {
            return Err(FitError::Shrinking)
        }
        Some((beta, covariance, _)) if beta[0] < 1.0 => {
            let se_alpha = covariance[0][0].max(0.0).sqrt();
            let se_n = covariance[1][1].max(0.0).sqrt();
            (
                Parameter {
                    name: "churn".into(),
                    value: 1.0 - beta[0],
                    low: (1.0 - beta[0] - t * se_alpha).max(0.0),
                    high: (1.0 - beta[0] + t * se_alpha).min(1.0),
                },
                Parameter {
                    name: "new_users_per_month".into(),
                    value: beta[1],
                    low: (beta[1] - t * se_n).max(0.0),
                    high: (beta[1] + t * se_n).max(0.0),
                },
            )
        }
        // No churn to find (α ≥ 1), or no spread in last month's users.
        _ => {
            let steps: Vec<f64> = pairs.iter().map(|(b, a)| a - b).collect();
            let m = steps.len() as f64;
            let mean = steps.iter().sum::<f64>() / m;
            let sd = (steps.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt();
            let t = t_quantile_95(steps.len() - 1);
            (
                Parameter {
                    name: "churn".into(),
                    value: 0.0,
                    low: 0.0,
                    high: 0.0,
                },
                Parameter {
                    name: "new_users_per_month".into(),
                    value: mean.max(0.0),
                    low: (mean - t * sd / m.sqrt()).max(0.0),
                    high: (mean + t * sd / m.sqrt()).max(0.0),
                },
            )
        }
    };
    if !(new_users.value.is_finite() && churn.value.is_finite()) {
        return Err(FitError::NoChange);
    }
    // Fitted path: from the first observation, month by month.
    let (alpha, n) = (1.0 - churn.value, new_users.value);
    let first = points[0];
    let (r_squared, residuals) = goodness(points, |month| {
        let steps = (month as i32 - first.month).max(0);
        (0..steps).fold(first.users, |u, _| alpha * u + n)
    });
    Ok(Fit {
        parameters: vec![new_users, churn],
        r_squared,
        residuals,
        volatility: 0.0,
    })
}

/// The logistic curve on (ln K, r, ln A): `K / (1 + A e^(−r t))`.
fn logistic(theta: &[f64; 3], t: f64) -> f64 {
    theta[0].exp() / (1.0 + (theta[2] - theta[1] * t).exp())
}

/// `JᵀJ` and `Jᵀr` of the logistic at `theta` over the observations.
fn logistic_normal_equations(
    theta: &[f64; 3],
    points: &[Observation],
    ts: &[f64],
) -> (Vec<Vec<f64>>, [f64; 3]) {
    let mut jtj = vec![vec![0.0; 3]; 3];
    let mut jtr = [0.0; 3];
    for (point, t) in points.iter().zip(ts) {
        let k = theta[0].exp();
        let e = (theta[2] - theta[1] * t).exp();
        let d = 1.0 + e;
        let row = [k / d, k * e * t / (d * d), -k * e / (d * d)];
        let residual = point.users - logistic(theta, *t);
        for i in 0..3 {
            jtr[i] += row[i] * residual;
            for j in 0..3 {
                jtj[i][j] += row[i] * row[j];
            }
        }
    }
    (jtj, jtr)
}

/// Levenberg–Marquardt from `theta`: the parameters where the sum of
/// squares stops falling, and that sum.
fn levenberg_marquardt(mut theta: [f64; 3], points: &[Observation], ts: &[f64]) -> ([f64; 3], f64) {
    let sse = |theta: &[f64; 3]| -> f64 {
        points
            .iter()
            .zip(ts)
            .map(|(p, t)| (p.users - logistic(theta, *t)).powi(2))
            .sum()
    };
    let mut lambda = 1e-3;
    let mut current = sse(&theta);
    for _ in 0..500 {
        let (jtj, jtr) = logistic_normal_equations(&theta, points, ts);
        let mut improved = false;
        while lambda < 1e12 {
            let mut damped = jtj.clone();
            for (i, row) in damped.iter_mut().enumerate() {
                row[i] += lambda * jtj[i][i].max(1e-12);
            }
            let Some(inverse) = invert(&damped) else {
                lambda *= 10.0;
                continue;
            };
            let step: Vec<f64> = (0..3)
                .map(|i| (0..3).map(|j| inverse[i][j] * jtr[j]).sum())
                .collect();
            let trial = [theta[0] + step[0], theta[1] + step[1], theta[2] + step[2]];
            let trial_sse = sse(&trial);
            if trial_sse.is_finite() && trial_sse < current {
                improved = current - trial_sse > 1e-12 * current.max(1e-300);
                theta = trial;
                current = trial_sse;
                lambda = (lambda / 10.0).max(1e-12);
                break;
            }
            lambda *= 10.0;
        }
        if !improved {
            break;
        }
    }
    (theta, current)
}

/// `K / (1 + A e^(−r t))` by Levenberg–Marquardt on (ln K, r, ln A), so K
/// and A stay positive, from a start at twice the largest observation and
/// the log-linear rate; refused when K runs away (no slowing in the data).
fn fit_logistic(points: &[Observation]) -> Result<Fit, FitError> {
    if points.len() < 4 {
        return Err(FitError::TooFewPoints {
            needed: 4,
            got: points.len(),
        });
    }
    let first = points[0].month;
    let largest = points.iter().map(|p| p.users).fold(0.0, f64::max);
    let ts: Vec<f64> = points.iter().map(|p| f64::from(p.month - first)).collect();
    let compound = fit_piecewise(points, &[], true)?;
    let slope = compound.parameters[0].value.ln_1p().max(0.01);
    let k0 = 2.0 * largest;
    let start = [k0.ln(), slope, (k0 / points[0].users - 1.0).max(1e-6).ln()];
    let (theta, sse) = levenberg_marquardt(start, points, &ts);
    let market = theta[0].exp();
    if !(market.is_finite() && theta[1] > 0.0) || market > 100.0 * largest {
        return Err(FitError::NoCurvature);
    }
    let n = points.len();
    let variance = sse / (n - 3) as f64;
    let (jtj, _) = logistic_normal_equations(&theta, points, &ts);
    let covariance = invert(&jtj).ok_or(FitError::NoCurvature)?;
    let t = t_quantile_95(n - 3);
    let se = |i: usize| (covariance[i][i] * variance).max(0.0).sqrt();
    let market_size = Parameter {
        name: "market_size".into(),
        value: market,
        low: (theta[0] - t * se(0)).exp(),
        high: (theta[0] + t * se(0)).exp(),
    };
    let growth = rate("growth".into(), theta[1], se(1), t);
    let (r_squared, residuals) =
        goodness(points, |month| logistic(&theta, month - f64::from(first)));
    Ok(Fit {
        parameters: vec![
            growth,
            Parameter {
                name: "churn".into(),
                value: 0.0,
                low: 0.0,
                high: 0.0,
            },
            market_size,
        ],
        r_squared,
        residuals,
        volatility: 0.0,
    })
}
