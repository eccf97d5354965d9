//! Damped-trend exponential smoothing on the logarithm of users (Gardner &
//! McKenzie's damped Holt method; ETS(A,Ad,N) in Hyndman's taxonomy): a
//! level and a trend that follow the history, the trend fading by φ a
//! month into the future. The best single method in the M3 and M4
//! forecasting competitions, and the plan's `damping` carries it exactly:
//! the log of users grows by `trend × φ^h` in month h.
//!
//! The smoothing weights and φ are chosen on a fixed grid by the sum of
//! squared one-step errors, so a fit is deterministic and costs a few
//! thousand passes over the history at most.

use super::fit::Observation;

/// The fitted state at the last month and how it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Smoothed {
    /// Log users at the last month, as the method sees it.
    pub level: f64,
    /// The log growth of the last month.
    pub trend: f64,
    pub alpha: f64,
    pub beta: f64,
    pub phi: f64,
    /// The standard deviation of the one-step errors (logs).
    pub sigma: f64,
    /// The one-step fitted log users, month by month from the first.
    pub fitted: Vec<f64>,
}

const ALPHAS: [f64; 10] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
/// β as a share of α (β ≤ α keeps the method stable).
const BETA_SHARES: [f64; 5] = [0.0, 0.05, 0.1, 0.2, 0.4];
/// Hyndman's recommended range for φ: below 0.8 the trend is gone in months.
pub const PHIS: [f64; 5] = [0.8, 0.85, 0.9, 0.95, 0.98];

/// Log users month by month from the first point to the last, a month
/// without an actual filled on the straight line between its neighbours.
pub fn monthly_logs(points: &[Observation]) -> Vec<f64> {
    let mut logs = Vec::new();
    for pair in points.windows(2) {
        let (a, b) = (libm::log(pair[0].users), libm::log(pair[1].users));
        let gap = pair[1].month - pair[0].month;
        for step in 0..gap {
            logs.push(a + (b - a) * f64::from(step) / f64::from(gap));
        }
    }
    if let Some(last) = points.last() {
        logs.push(libm::log(last.users));
    }
    logs
}

/// One pass of the method: the final (level, trend), the sum of squared
/// one-step errors from the third month, and the one-step fits.
fn pass(logs: &[f64], alpha: f64, beta: f64, phi: f64) -> (f64, f64, f64, Vec<f64>) {
    // Start from the first two months: their level and their step.
    let mut level = logs[1];
    let mut trend = logs[1] - logs[0];
    let mut sse = 0.0;
    let mut fitted = vec![logs[0], logs[1]];
    for &value in logs.iter().skip(2) {
        let forecast = level + phi * trend;
        let error = value - forecast;
        fitted.push(forecast);
        sse += error * error;
        level = forecast + alpha * error;
        trend = phi * trend + beta * error;
    }
    (level, trend, sse, fitted)
}

/// The damped trend fitted to `points` (sorted, positive, at least four
/// months from first to last); `None` when shorter.
pub fn smooth(points: &[Observation]) -> Option<Smoothed> {
    let logs = monthly_logs(points);
    if logs.len() < 4 {
        return None;
    }
    let mut best: Option<(f64, f64, f64, f64)> = None;
    for alpha in ALPHAS {
        for share in BETA_SHARES {
            for phi in PHIS {
                let (_, _, sse, _) = pass(&logs, alpha, alpha * share, phi);
                if sse.is_finite() && best.is_none_or(|(b, ..)| sse < b) {
                    best = Some((sse, alpha, alpha * share, phi));
                }
            }
        }
    }
    let (sse, alpha, beta, phi) = best?;
    let (level, trend, _, fitted) = pass(&logs, alpha, beta, phi);
    let errors = (logs.len() - 2) as f64;
    Some(Smoothed {
        level,
        trend,
        alpha,
        beta,
        phi,
        sigma: libm::sqrt(sse / errors.max(1.0)),
        fitted,
    })
}

impl Smoothed {
    /// The variance of the log forecast `h` months ahead under the method's
    /// own model: `σ² (1 + Σ_{j<h} (α + β φ_j)²)`, `φ_j = φ + … + φ^j`.
    pub fn variance(&self, h: u32) -> f64 {
        let mut sum = 1.0;
        let mut phi_j = 0.0;
        for j in 1..h {
            phi_j += libm::pow(self.phi, f64::from(j));
            sum += (self.alpha + self.beta * phi_j).powi(2);
        }
        self.sigma * self.sigma * sum
    }
}
