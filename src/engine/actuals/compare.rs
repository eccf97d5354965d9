//! Actuals against the plan: the variance of every actual inside the
//! projection, where it fell in the Monte Carlo band, and per series whether
//! the bands held and the plan runs hot or cold.

use crate::engine::analyse::scenario::ScenarioProjection;
use crate::engine::model::number::{format_count, format_in_unit, format_money};
use crate::engine::model::plan::month_name;
use crate::engine::model::plan::Series;
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::months::{cost_line_names, MonthResult};
use crate::engine::uncertainty::ScenarioBands;
use std::collections::HashMap;

/// Actual minus plan, and that as a percentage of the plan (absent when the
/// plan's value is 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Variance {
    pub absolute: f64,
    pub percent: Option<f64>,
}

impl Variance {
    pub fn of(actual: f64, plan: f64) -> Variance {
        let absolute = actual - plan;
        Variance {
            absolute,
            percent: (plan != 0.0).then(|| absolute / plan.abs() * 100.0),
        }
    }
}

/// One actual inside the projection, with the plan's figure for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualPoint {
    pub month: u32,
    pub series: Series,
    pub actual: f64,
    pub plan: f64,
    pub variance: Variance,
    /// Where the actual fell among the Monte Carlo paths (0–100), when the
    /// plan is uncertain and the series is users, a metric or the total cost.
    pub percentile: Option<f64>,
}

/// The plan's figure for `series` in one month.
pub fn plan_value(valid: &ValidPlan, month: &MonthResult, series: &Series) -> Option<f64> {
    let plan = valid.plan();
    match series {
        Series::Users => Some(month.users),
        Series::Metric(name) => plan
            .metrics
            .iter()
            .position(|m| &m.name == name)
            .and_then(|index| month.metrics.get(index).copied()),
        Series::Cost(name) => cost_line_names(plan)
            .iter()
            .position(|line| line == name)
            .and_then(|index| month.costs.get(index).copied()),
        Series::TotalCost => Some(month.total_cost),
    }
}

/// Every actual in the projected months (month 0 to the last projected),
/// in month order, then series order.
pub fn compare(
    valid: &ValidPlan,
    projection: &ScenarioProjection,
    bands: Option<&ScenarioBands>,
) -> Vec<ActualPoint> {
    // The simulation ranked the actuals in month order: look each up once.
    let ranked: HashMap<(u32, &Series), f64> = bands
        .map(|bands| {
            bands
                .actual_percentiles
                .iter()
                .map(|p| ((p.month, &p.series), p.percentile))
                .collect()
        })
        .unwrap_or_default();
    let series = valid.actual_series();
    let mut points = Vec::new();
    for month in &projection.months {
        for key in &series {
            let Some(actual) = valid.actual(key, month.month as i32) else {
                continue;
            };
            let Some(plan) = plan_value(valid, month, key) else {
                continue;
            };
            points.push(ActualPoint {
                month: month.month,
                series: key.clone(),
                actual,
                plan,
                variance: Variance::of(actual, plan),
                percentile: ranked.get(&(month.month, key)).copied(),
            });
        }
    }
    points
}

/// Whether actuals keep landing on one side of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bias {
    /// The plan is above what happens (actuals below it).
    Hot,
    /// The plan is below what happens.
    Cold,
    /// No side wins clearly, or too few actuals to say.
    None,
}

impl Bias {
    pub fn label(self) -> &'static str {
        match self {
            Bias::Hot => "runs hot",
            Bias::Cold => "runs cold",
            Bias::None => "no consistent bias",
        }
    }
}

/// How one series' actuals sat against the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub series: Series,
    pub actuals: usize,
    /// Actuals with a percentile (the plan is uncertain).
    pub ranked: usize,
    /// Of those, how many fell inside the middle 50% (P25–P75) and the 90%
    /// band (P5–P95).
    pub inside_50: usize,
    pub inside_90: usize,
    /// The mean of the percentage variances.
    pub mean_percent: Option<f64>,
    pub above: usize,
    pub below: usize,
    pub bias: Bias,
}

/// The two-sided sign-test level at which a bias is called: actuals on one
/// side of the plan this unlikely under a fair plan (a coin) are a bias.
pub const BIAS_LEVEL: f64 = 0.10;

/// Per series that has actuals in the projection, in series order.
pub fn calibrate(points: &[ActualPoint]) -> Vec<Calibration> {
    let mut all: Vec<Calibration> = Vec::new();
    for point in points {
        let index = match all.iter().position(|c| c.series == point.series) {
            Some(index) => index,
            None => {
                all.push(Calibration {
                    series: point.series.clone(),
                    actuals: 0,
                    ranked: 0,
                    inside_50: 0,
                    inside_90: 0,
                    mean_percent: None,
                    above: 0,
                    below: 0,
                    bias: Bias::None,
                });
                all.len() - 1
            }
        };
        let c = &mut all[index];
        c.actuals += 1;
        if let Some(p) = point.percentile {
            c.ranked += 1;
            c.inside_50 += usize::from((25.0..=75.0).contains(&p));
            c.inside_90 += usize::from((5.0..=95.0).contains(&p));
        }
        c.above += usize::from(point.variance.absolute > 0.0);
        c.below += usize::from(point.variance.absolute < 0.0);
    }
    for c in &mut all {
        let percents: Vec<f64> = points
            .iter()
            .filter(|p| p.series == c.series)
            .filter_map(|p| p.variance.percent)
            .collect();
        c.mean_percent =
            (!percents.is_empty()).then(|| percents.iter().sum::<f64>() / percents.len() as f64);
        c.bias = if sign_test(c.above, c.below) > BIAS_LEVEL {
            Bias::None
        } else if c.below > c.above {
            Bias::Hot
        } else {
            Bias::Cold
        };
    }
    all
}

/// The two-sided p-value of a sign test: the chance a fair coin gives a
/// split at least this uneven over `above + below` tosses. Ties (actual
/// equal to plan) are left out, as the test prescribes.
pub fn sign_test(above: usize, below: usize) -> f64 {
    let n = above + below;
    if n == 0 {
        return 1.0;
    }
    let fewer = above.min(below);
    // P(X ≤ fewer) for X ~ Binomial(n, ½), summed with exact binomials.
    let mut coefficient = 1.0_f64;
    let mut tail = 0.0;
    for k in 0..=fewer {
        if k > 0 {
            coefficient *= (n - k + 1) as f64 / k as f64;
        }
        tail += coefficient;
    }
    (2.0 * tail * 0.5_f64.powi(n as i32)).min(1.0)
}

/// Where the last month with a user or total-cost actual stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub month: u32,
    /// "users 7% above plan, cost 3% below plan".
    pub text: String,
    /// The larger of the two variances, in percent (0 when neither has one).
    pub largest_percent: f64,
}

/// The [`Standing`] of the last month with a users or total-cost actual;
/// money in `currency`.
pub fn standing(points: &[ActualPoint], currency: &str) -> Option<Standing> {
    let headline = |p: &&ActualPoint| matches!(p.series, Series::Users | Series::TotalCost);
    let month = points.iter().filter(headline).map(|p| p.month).max()?;
    let last: Vec<&ActualPoint> = points
        .iter()
        .filter(headline)
        .filter(|p| p.month == month)
        .collect();
    let text = last
        .iter()
        .map(|p| {
            let what = if p.series == Series::Users {
                "users"
            } else {
                "cost"
            };
            format!("{what} {}", describe(p, currency))
        })
        .collect::<Vec<_>>()
        .join(", ");
    // Against a plan of 0 there is no percentage: any actual is wholly off.
    let largest_percent = last
        .iter()
        .map(|p| match p.variance.percent {
            Some(percent) => percent.abs(),
            None if p.variance.absolute != 0.0 => 100.0,
            None => 0.0,
        })
        .fold(0.0_f64, f64::max);
    Some(Standing {
        month,
        text,
        largest_percent,
    })
}

/// "Mar 2026: users 7% above plan, cost 3% below".
pub fn headline(valid: &ValidPlan, points: &[ActualPoint]) -> Option<String> {
    let standing = standing(points, &valid.plan().currency)?;
    Some(format!(
        "{}: {}",
        month_name(&valid.calendar_label(standing.month)),
        standing.text
    ))
}

/// "7% above plan", "3% below plan", "on plan"; against a plan of 0, the
/// actual itself: "120 against a plan of 0", "$1,200 against a plan of 0".
fn describe(point: &ActualPoint, currency: &str) -> String {
    let variance = point.variance;
    match variance.percent {
        Some(percent) if percent.abs() < 0.5 => "on plan".into(),
        Some(percent) => format!(
            "{} {} plan",
            percent_text(percent.abs()),
            if percent > 0.0 { "above" } else { "below" }
        ),
        None if variance.absolute == 0.0 => "on plan".into(),
        None if point.series.is_money() => {
            format!(
                "{} against a plan of 0",
                format_money(point.actual, currency)
            )
        }
        None => format!("{} against a plan of 0", format_count(point.actual)),
    }
}

/// A variance percentage for reading: one decimal under 10%, whole above
/// (`7.3%`, `12%`), with its sign when `signed`.
pub fn percent_text(percent: f64) -> String {
    let text = if percent.abs() >= 9.95 {
        format!("{percent:.0}")
    } else {
        let one = format!("{percent:.1}");
        one.strip_suffix(".0").map(str::to_string).unwrap_or(one)
    };
    let text = if text == "-0" { "0".to_string() } else { text };
    format!("{text}%")
}

/// A signed variance percentage: `+7.3%`, `−3%`.
pub fn signed_percent(percent: f64) -> String {
    let text = percent_text(percent.abs());
    if percent.abs() < 0.05 {
        text
    } else if percent > 0.0 {
        format!("+{text}")
    } else {
        format!("−{text}")
    }
}

/// A value of `series` as the plan shows it: users as a count, a metric in
/// its unit, costs as money.
pub fn format_value(valid: &ValidPlan, series: &Series, value: f64) -> String {
    let plan = valid.plan();
    match series {
        Series::Users => format_count(value),
        Series::Metric(name) => {
            let unit = plan
                .metrics
                .iter()
                .find(|m| &m.name == name)
                .map_or("", |m| m.unit.as_str());
            format_in_unit(value, unit)
        }
        Series::Cost(_) | Series::TotalCost => format_money(value, &plan.currency),
    }
}

/// A signed difference of `series`: `+1,204`, `−$310`.
pub fn format_difference(valid: &ValidPlan, series: &Series, difference: f64) -> String {
    let text = format_value(valid, series, difference.abs());
    if difference > 0.0 {
        format!("+{text}")
    } else if difference < 0.0 {
        format!("−{text}")
    } else {
        text
    }
}

/// One sentence per series for "How sure is this?" and the report:
/// "users: 6 actuals; 5 of 6 inside the 90% band, 3 inside the 50% band;
/// on average 4.2% below plan — the plan runs hot".
pub fn calibration_sentence(c: &Calibration) -> String {
    let mut text = format!(
        "{}: {} actual{}",
        c.series.label(),
        c.actuals,
        if c.actuals == 1 { "" } else { "s" }
    );
    if c.ranked > 0 {
        text.push_str(&format!(
            "; {} of {} inside the 90% band, {} inside the 50% band",
            c.inside_90, c.ranked, c.inside_50
        ));
    }
    if let Some(mean) = c.mean_percent {
        let side = if mean >= 0.0 { "above" } else { "below" };
        text.push_str(&format!(
            "; on average {} {side} plan",
            percent_text(mean.abs())
        ));
    }
    match c.bias {
        Bias::Hot => text.push_str(" — the plan runs hot (it keeps forecasting more than happens)"),
        Bias::Cold => {
            text.push_str(" — the plan runs cold (it keeps forecasting less than happens)")
        }
        Bias::None => {}
    }
    text
}

/// Each component's utilization as the actuals put it: the actual load (its
/// metric's actual, or users') on the capacity the plan has in service that
/// month. A tiered component's is the highest over the limits whose loads
/// have an actual that month. `(component, month, utilization)`.
pub fn actual_utilization(
    valid: &ValidPlan,
    projection: &ScenarioProjection,
) -> Vec<(usize, u32, f64)> {
    use crate::engine::model::plan::Component;
    use crate::engine::project::sizing::{tier_utilization, utilization_of};
    let plan = valid.plan();
    let series_of = |name: &str| {
        if name == "users" {
            Series::Users
        } else {
            Series::Metric(name.to_string())
        }
    };
    let mut points = Vec::new();
    for (index, component) in plan.components.iter().enumerate() {
        for month in &projection.months {
            let actual = |name: &str| valid.actual(&series_of(name), month.month as i32);
            let Some(sizing) = month.components.get(index) else {
                continue;
            };
            let utilization = match component {
                Component::Horizontal(h) => actual(&h.metric).map(|load| {
                    let active = sizing.units.unwrap_or(0).saturating_sub(h.spare_units);
                    utilization_of(h, load, active)
                }),
                Component::Tiered(t) => {
                    let limits = sizing
                        .tier
                        .and_then(|tier| valid.resolved().tier_tables.get(index)?.limits.get(tier));
                    limits.and_then(|limits| {
                        let (limits, loads): (Vec<f64>, Vec<f64>) = t
                            .metrics
                            .iter()
                            .zip(limits)
                            .filter_map(|(metric, limit)| Some((*limit, actual(metric)?)))
                            .unzip();
                        (!loads.is_empty()).then(|| tier_utilization(&limits, &loads))
                    })
                }
            };
            if let Some(utilization) = utilization.filter(|u| u.is_finite()) {
                points.push((index, month.month, utilization));
            }
        }
    }
    points
}
