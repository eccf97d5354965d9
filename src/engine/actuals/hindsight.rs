//! How a fit would have done: the last months of the history held out, the
//! same method fitted (season, trend, spread and all) to what came before
//! them, and its forecast with its 90% band set beside what happened. The
//! fit panel draws it so a reader sees, before trusting a band, whether
//! bands like it held on this very history.

use super::choose::{score_trend, Trend, HELD_OUT};
use super::fit::{checked, Observation};
use crate::engine::model::plan::Z_95;

/// Months held out at the end of the history: the same last months whose
/// error the fit record reports.
pub const HINDSIGHT_MONTHS: usize = HELD_OUT as usize;
/// Months of history before the held-out ones that the chart shows.
pub const HINDSIGHT_CONTEXT: usize = 12;
/// The fewest months a hindsight is fitted on (with the held-out ones, a
/// year of history).
const MIN_FITTED: usize = 6;

/// One held-out month: what happened, and the forecast's median and 90%
/// band for it from before the held-out months.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeldOutMonth {
    pub month: i32,
    pub actual: f64,
    pub low: f64,
    pub median: f64,
    pub high: f64,
}

impl HeldOutMonth {
    /// Whether the actual fell inside the 90% band.
    pub fn inside(&self) -> bool {
        (self.low..=self.high).contains(&self.actual)
    }
}

/// A method's forecast of the history's last months from before them.
#[derive(Debug, Clone, PartialEq)]
pub struct Hindsight {
    pub trend: Trend,
    /// The months before the held-out ones (at most [`HINDSIGHT_CONTEXT`]).
    pub context: Vec<Observation>,
    pub held_out: Vec<HeldOutMonth>,
}

impl Hindsight {
    /// How many held-out actuals fell inside their band.
    pub fn inside(&self) -> usize {
        self.held_out.iter().filter(|m| m.inside()).count()
    }

    /// Mean absolute percentage error of the medians.
    pub fn error(&self) -> f64 {
        let count = self.held_out.len().max(1) as f64;
        self.held_out
            .iter()
            .map(|m| (m.median - m.actual).abs() / m.actual)
            .sum::<f64>()
            / count
    }
}

/// `trend` fitted as [`super::choose::choose`] fits it to all but the last
/// [`HINDSIGHT_MONTHS`] observations, its forecast and band for each of
/// them. `None` when the history is too short (under a year) or the trend
/// cannot be fitted to the shorter history.
pub fn hindsight(
    observations: &[Observation],
    calendar_of_zero: usize,
    trend: Trend,
) -> Option<Hindsight> {
    let points = checked(observations).ok()?;
    if points.len() < MIN_FITTED + HINDSIGHT_MONTHS {
        return None;
    }
    let split = points.len() - HINDSIGHT_MONTHS;
    let (fitted_on, held) = points.split_at(split);
    let scored = score_trend(trend, fitted_on, calendar_of_zero).ok()?;
    let forecast = &scored.forecast;
    let ahead = (held.last()?.month - forecast.last_month).max(1) as u32;
    let path = forecast.users(ahead, calendar_of_zero);
    let held_out = held
        .iter()
        .filter_map(|point| {
            let step = (point.month - forecast.last_month).max(1) as u32;
            let median = *path.get(step as usize - 1)?;
            let spread = Z_95 * libm::sqrt(forecast.log_variance(step));
            Some(HeldOutMonth {
                month: point.month,
                actual: point.users,
                low: median * libm::exp(-spread),
                median,
                high: median * libm::exp(spread),
            })
        })
        .collect();
    Some(Hindsight {
        trend,
        context: fitted_on[fitted_on.len().saturating_sub(HINDSIGHT_CONTEXT)..].to_vec(),
        held_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observations(users: impl Fn(i32) -> f64, months: i32) -> Vec<Observation> {
        (-months + 1..=0)
            .map(|month| Observation {
                month,
                users: users(month),
            })
            .collect()
    }

    /// A steady 3% a month: the held-out months are forecast almost
    /// exactly, every one inside its band, and the band is narrowest a
    /// month ahead (it widens with the horizon).
    #[test]
    fn a_steady_history_is_forecast_inside_widening_bands() {
        let history = observations(|m| 1000.0 * 1.03f64.powi(m + 30), 30);
        let seen = hindsight(&history, 0, Trend::Compound).expect("fitted");
        assert_eq!(seen.held_out.len(), HINDSIGHT_MONTHS);
        assert_eq!(seen.context.len(), HINDSIGHT_CONTEXT);
        assert_eq!(seen.held_out[0].month, -5);
        assert_eq!(seen.context.last().map(|o| o.month), Some(-6));
        assert_eq!(seen.inside(), HINDSIGHT_MONTHS);
        assert!(seen.error() < 0.01, "{}", seen.error());
        let width = |m: &HeldOutMonth| m.high / m.low;
        assert!(seen
            .held_out
            .windows(2)
            .all(|pair| width(&pair[1]) >= width(&pair[0])));
    }

    /// A history that falls off a cliff in its last months: the band
    /// (fitted before the fall) does not hold them, and hindsight says so.
    #[test]
    fn a_break_in_the_last_months_falls_outside() {
        let history = observations(
            |m| {
                let steady = 1000.0 * 1.02f64.powi(m + 30) * (1.0 + 0.01 * f64::from(m % 3));
                if m > -6 {
                    steady * 0.5
                } else {
                    steady
                }
            },
            30,
        );
        let seen = hindsight(&history, 0, Trend::Damped).expect("fitted");
        assert_eq!(seen.inside(), 0);
        assert!(seen.error() > 0.5);
    }

    #[test]
    fn too_short_a_history_has_no_hindsight() {
        let history = observations(|m| 100.0 + f64::from(m), 11);
        assert_eq!(hindsight(&history, 0, Trend::Damped), None);
    }
}
