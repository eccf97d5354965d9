//! Seasonality found in a history: twelve calendar-month factors, estimated
//! on the logarithm of users together with a smooth trend, and kept only
//! when they explain the swings well enough to pay for their eleven
//! numbers (by Akaike's criterion, AIC).
//!
//! Why on logs with a quadratic trend: a growing product's seasonal swing
//! grows with it (multiplicative), and a curved trend left in the residuals
//! would otherwise be read as a season. Why AICc: seasonal and plain models
//! are nested least-squares fits on the same points, which is where the
//! criterion is sound; cross-validation cannot test seasonality on two years
//! of history without leaving a calendar month unseen.

use super::fit::{least_squares, Observation};

/// A history needs this many months (two of every calendar month) before
/// seasonality is looked for.
pub const MIN_SEASONAL_MONTHS: usize = 24;

/// Twelve factors, January first, with a geometric mean of 1: users in a
/// calendar month are the trend's users times its factor.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub factors: [f64; 12],
    /// How much the AIC fell when the factors were added (positive: kept).
    pub evidence: f64,
    /// The share of the variance left by the trend that the factors explain.
    pub explained: f64,
}

/// The calendar month (0 = January) of plan month `month`, with month 0 in
/// calendar month `calendar_of_zero`.
pub fn calendar_month(calendar_of_zero: usize, month: i32) -> usize {
    (calendar_of_zero as i32 + month).rem_euclid(12) as usize
}

/// The seasonal profile of `points` (sorted, positive), or `None` when the
/// history is too short, a calendar month is seen fewer than twice, or the
/// factors do not lower the AIC.
pub fn seasonal_profile(points: &[Observation], calendar_of_zero: usize) -> Option<Profile> {
    if points.len() < MIN_SEASONAL_MONTHS {
        return None;
    }
    let mut seen = [0usize; 12];
    for point in points {
        seen[calendar_month(calendar_of_zero, point.month)] += 1;
    }
    if seen.iter().any(|count| *count < 2) {
        return None;
    }
    let first = f64::from(points[0].month);
    let span = (f64::from(points[points.len() - 1].month) - first).max(1.0);
    let trend = |month: i32| {
        let t = (f64::from(month) - first) / span;
        vec![1.0, t, t * t]
    };
    let y: Vec<f64> = points.iter().map(|p| libm::log(p.users)).collect();
    let plain: Vec<Vec<f64>> = points.iter().map(|p| trend(p.month)).collect();
    // Effect coding: eleven columns, December the negative of their sum, so
    // the twelve log factors sum to zero (a geometric mean of 1).
    let seasonal: Vec<Vec<f64>> = points
        .iter()
        .map(|p| {
            let mut row = trend(p.month);
            let calendar = calendar_month(calendar_of_zero, p.month);
            row.extend((0..11).map(|m| match calendar {
                11 => -1.0,
                c if c == m => 1.0,
                _ => 0.0,
            }));
            row
        })
        .collect();
    let (_, _, plain_variance) = least_squares(&plain, &y)?;
    let (beta, _, seasonal_variance) = least_squares(&seasonal, &y)?;
    let n = points.len() as f64;
    let plain_sse = plain_variance * (n - 3.0);
    let seasonal_sse = seasonal_variance * (n - 14.0);
    // AIC: n ln(SSE) + 2k, the factors adding eleven numbers.
    let evidence =
        n * libm::log(plain_sse.max(f64::MIN_POSITIVE) / seasonal_sse.max(f64::MIN_POSITIVE))
            - 2.0 * 11.0;
    if evidence.is_nan() || evidence <= 0.0 {
        return None;
    }
    let mut logs = [0.0; 12];
    logs[..11].copy_from_slice(&beta[3..14]);
    logs[11] = -beta[3..14].iter().sum::<f64>();
    let factors = logs.map(libm::exp);
    factors
        .iter()
        .all(|f| f.is_finite() && *f > 0.0)
        .then(|| Profile {
            factors,
            evidence,
            explained: if plain_sse > 0.0 {
                1.0 - seasonal_sse / plain_sse
            } else {
                0.0
            },
        })
}

/// `points` with each month's seasonal factor divided out.
pub fn deseasonalised(
    points: &[Observation],
    profile: &Profile,
    calendar_of_zero: usize,
) -> Vec<Observation> {
    points
        .iter()
        .map(|p| Observation {
            month: p.month,
            users: p.users / profile.factors[calendar_month(calendar_of_zero, p.month)],
        })
        .collect()
}
