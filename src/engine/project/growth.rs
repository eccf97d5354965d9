//! Users month by month under each growth model (month 0 = baseline).
//!
//! A model's numbers are read through a parameter accessor, in the order of
//! [`Growth::parameters`]: the deterministic projection passes each range's
//! median, a Monte Carlo path passes its own samples, and both run the very
//! same arithmetic. Powers use `libm`, so results match natively and in WASM.

use crate::engine::model::plan::{Growth, Milestone};
use crate::engine::model::validate::ValidPlan;

/// Users for months 0..=horizon with every parameter at its median.
pub fn project_users(growth: &Growth, baseline: f64, horizon: u32) -> Vec<f64> {
    let medians: Vec<f64> = growth
        .parameters()
        .iter()
        .map(|(_, value, _, _)| value.median())
        .collect();
    let parameter = |index: usize| medians[index];
    let mut users = Vec::with_capacity(horizon as usize + 1);
    users.push(baseline);
    let mut current = baseline;
    for month in 1..=horizon {
        current = next_users(growth, &parameter, baseline, month, current);
        users.push(current);
    }
    users
}

/// What seasonality multiplies the growth model's users by, per month 0 to
/// `horizon`: the factor of the month's calendar month over the factor of
/// month 0's (`start_index`: 0 for January), so month 0 is the baseline as
/// stated. Normalising the factors to a mean of 1 would cancel in the ratio.
/// `None` without seasonality.
pub fn seasonal_multipliers(
    factors: Option<&[f64]>,
    start_index: usize,
    horizon: u32,
) -> Option<Vec<f64>> {
    let factors = factors.filter(|factors| factors.len() == 12)?;
    let base = factors[start_index % 12];
    Some(
        (0..=horizon as usize)
            .map(|month| factors[(start_index + month) % 12] / base)
            .collect(),
    )
}

/// [`seasonal_multipliers`] of scenario `scenario` of a valid plan.
pub fn scenario_seasonality(valid: &ValidPlan, scenario: usize) -> Option<Vec<f64>> {
    let plan = valid.plan();
    let start_index = valid.start_count().rem_euclid(12) as usize;
    seasonal_multipliers(
        plan.scenarios[scenario].seasonality.as_deref(),
        start_index,
        plan.horizon_months,
    )
}

/// Users at `month` (≥ 1) from last month's `current`. Validation bounds every
/// rate, so values stay finite; a model that would go below zero stops at zero.
pub fn next_users(
    growth: &Growth,
    parameter: &impl Fn(usize) -> f64,
    baseline: f64,
    month: u32,
    current: f64,
) -> f64 {
    match growth {
        Growth::Compound { damping: None, .. } => current * (1.0 + parameter(0) - parameter(1)),
        // The net rate fades by φ a month: month 1 grows at φ × the rate.
        Growth::Compound {
            damping: Some(damping),
            ..
        } => {
            current * (1.0 + (parameter(0) - parameter(1)) * libm::pow(*damping, f64::from(month)))
        }
        Growth::Piecewise { segments } => {
            // The segment whose period holds `month`; past the last, the last continues.
            let index = segments
                .iter()
                .position(|segment| month <= segment.until_month)
                .unwrap_or(segments.len().saturating_sub(1));
            current * (1.0 + parameter(2 * index) - parameter(2 * index + 1))
        }
        Growth::Milestones { points } => milestone_users(points, parameter, baseline, month),
        Growth::Linear { .. } => current * (1.0 - parameter(1)) + parameter(0),
        Growth::Logistic { .. } => {
            let (rate, churn, market) = (parameter(0), parameter(1), parameter(2));
            current + rate * current * (1.0 - current / market) - churn * current
        }
    }
    .max(0.0)
}

/// Geometric (log-linear) interpolation between milestones, starting from the
/// baseline at month 0; after the last milestone its incoming rate continues.
fn milestone_users(
    points: &[Milestone],
    users: &impl Fn(usize) -> f64,
    baseline: f64,
    month: u32,
) -> f64 {
    let mut from = (0u32, baseline);
    for (index, point) in points.iter().enumerate() {
        let point = (point.month, users(index));
        if month <= point.0 {
            return interpolate(from, point, month);
        }
        from = point;
    }
    // Past the last milestone: continue the rate that led to it.
    let last = points.len() - 1;
    let before = if last >= 1 {
        (points[last - 1].month, users(last - 1))
    } else {
        (0, baseline)
    };
    interpolate(before, from, month)
}

/// Users at `month` on the geometric line through `from` and `to`. A stated
/// point gives exactly its users: `from × (to ÷ from)¹` can land an ulp
/// below (112.99999999999999 for 113), and `floor(users)` would be one off.
fn interpolate(from: (u32, f64), to: (u32, f64), month: u32) -> f64 {
    if month == to.0 {
        return to.1;
    }
    let span = f64::from(to.0 - from.0);
    let progress = (f64::from(month) - f64::from(from.0)) / span;
    from.1 * libm::pow(to.1 / from.1, progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::plan::Segment;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn compound_is_seed_000s_project_capacity() {
        let users = project_users(
            &Growth::Compound {
                growth: 0.25.into(),
                churn: 0.08.into(),
                damping: None,
            },
            100.0,
            12,
        );
        // 100 × 1.17¹² = 658.0067 (python: 100*1.17**12)
        assert!(close(users[12], 658.006_738_203_718_7));
        assert_eq!(users.len(), 13);
    }

    /// Seed 004's declining rates: 25% for months 1-6, 20% for 7-12, 15% for
    /// 13-24, no churn. From 10,000: 10,000 × 1.25⁶ × 1.2⁶ × 1.15¹² =
    /// 10,000 × 3.814697 × 2.985984 × 5.350250 = 609,426.93.
    #[test]
    fn piecewise_applies_each_period_and_continues_the_last() {
        let segment = |until_month, growth: f64| Segment {
            until_month,
            growth: growth.into(),
            churn: 0.0.into(),
        };
        let growth = Growth::Piecewise {
            segments: vec![segment(6, 0.25), segment(12, 0.20), segment(24, 0.15)],
        };
        let users = project_users(&growth, 10_000.0, 30);
        assert!(close(users[6], 10_000.0 * 1.25f64.powi(6)));
        assert!(close(
            users[12],
            10_000.0 * 1.25f64.powi(6) * 1.2f64.powi(6)
        ));
        assert!((users[24] - 609_426.926).abs() < 0.01, "{}", users[24]);
        assert!(close(users[30], users[24] * 1.15f64.powi(6)));
    }

    /// Seed 001: launch 50K, month 1 75K, month 3 150K, month 6 300K, month 12
    /// 500K. Month 2 lies geometrically between 75K and 150K: √(75K × 150K) =
    /// 106,066.0. After month 12 the month 6→12 rate continues:
    /// (500/300)^(1/6) a month, so month 13 = 500K × 1.088867 = 544,433.44.
    #[test]
    fn milestones_interpolate_geometrically() {
        let point = |month, users: f64| Milestone {
            month,
            users: users.into(),
        };
        let growth = Growth::Milestones {
            points: vec![
                point(1, 75e3),
                point(3, 150e3),
                point(6, 300e3),
                point(12, 500e3),
            ],
        };
        let users = project_users(&growth, 50e3, 13);
        assert!(close(users[1], 75e3));
        assert!((users[2] - 106_066.017).abs() < 0.01, "{}", users[2]);
        assert!(close(users[3], 150e3) && close(users[6], 300e3) && close(users[12], 500e3));
        assert!((users[13] - 544_433.444).abs() < 0.01, "{}", users[13]);
    }

    /// Every stated milestone is hit exactly, whatever the rounding on the
    /// way: from a baseline of 100 to 113 at month 3, `100 × (113 ÷ 100)¹`
    /// is 112.99999999999999 in floating point (python: 100*(113/100)**1.0),
    /// so `floor(users)` would read 112.
    #[test]
    fn milestone_months_give_exactly_their_users() {
        let point = |month, users: f64| Milestone {
            month,
            users: users.into(),
        };
        for (baseline, points) in [
            (100.0, vec![point(3, 113.0)]),
            (7.0, vec![point(3, 15_000.0)]),
            (3.0, vec![point(1, 7.0), point(5, 11.0), point(9, 1e9)]),
            (0.1, vec![point(12, 1e6), point(13, 3.3), point(40, 77.7)]),
        ] {
            let growth = Growth::Milestones {
                points: points.clone(),
            };
            let users = project_users(&growth, baseline, 40);
            assert_eq!(users[0], baseline);
            for point in &points {
                assert_eq!(
                    users[point.month as usize],
                    point.users.median(),
                    "month {}",
                    point.month
                );
            }
        }
    }

    /// Seed 003's "20 new users/month": from 100 with 2% churn, month 1 =
    /// 100 × 0.98 + 20 = 118; month 2 = 118 × 0.98 + 20 = 135.64.
    #[test]
    fn linear_adds_new_users_and_loses_churn() {
        let users = project_users(
            &Growth::Linear {
                new_users_per_month: 20.0.into(),
                churn: 0.02.into(),
            },
            100.0,
            2,
        );
        assert!(close(users[1], 118.0) && close(users[2], 135.64));
    }

    /// Logistic: u + g·u·(1 − u/K) − c·u. From 1,000 with g = 0.5, K = 10,000,
    /// c = 0: 1,000 + 500 × 0.9 = 1,450; it approaches but never passes K.
    #[test]
    fn logistic_slows_towards_the_market_size() {
        let growth = Growth::Logistic {
            growth: 0.5.into(),
            churn: 0.0.into(),
            market_size: 10_000.0.into(),
        };
        let users = project_users(&growth, 1_000.0, 120);
        assert!(close(users[1], 1_450.0));
        assert!(users.windows(2).all(|w| w[1] >= w[0]));
        assert!(users[120] <= 10_000.0 && users[120] > 9_999.0);
    }

    #[test]
    fn users_never_go_below_zero() {
        let growth = Growth::Logistic {
            growth: 1.0.into(),
            churn: 0.0.into(),
            market_size: 1.0.into(),
        };
        let users = project_users(&growth, 1e12, 3);
        assert!(users.iter().all(|u| *u >= 0.0 && u.is_finite()));
    }
}
