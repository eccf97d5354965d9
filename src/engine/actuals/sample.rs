//! A synthetic file of actuals for a plan, for benchmarks and tests: `months`
//! rows ending at month 0 (history, as a team importing its past would have)
//! and `columns` columns after the month: users, then the plan's metrics,
//! cost lines and total cost, then extra columns that are not series (so
//! the file has exactly `columns`). Values grow 3% a month with a wobble,
//! written as exports write them (thousands separators, currency signs).

use crate::engine::model::plan::{month_label, Series};
use crate::engine::model::validate::ValidPlan;

pub fn synthetic_csv(valid: &ValidPlan, months: usize, columns: usize) -> String {
    let mut series: Vec<Series> = super::all_series(valid);
    series.truncate(columns);
    let mut header = vec!["Month".to_string()];
    header.extend(series.iter().map(Series::label));
    header.extend((series.len()..columns).map(|i| format!("Note {i}")));
    let mut out = header.join(",");
    out.push('\n');
    let first = valid.start_count() - months as i32 + 1;
    for row in 0..months {
        let mut cells = vec![month_label(first + row as i32)];
        let scale = 1.03_f64.powi(row as i32) * (1.0 + 0.02 * ((row * 7) % 5) as f64);
        for (index, key) in series.iter().enumerate() {
            let value = (100.0 + 37.0 * index as f64) * scale;
            cells.push(if key.is_money() {
                format!("\"${value:.2}\"")
            } else {
                format!("{}", value.round())
            });
        }
        cells.extend((series.len()..columns).map(|_| "n/a".to_string()));
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// `months` of user actuals ending at month 0 that saturate (a logistic to
/// 50,000 with a 1% deterministic wobble): a series every model can fit.
pub fn saturating_users(months: i32) -> Vec<crate::engine::actuals::fit::Observation> {
    (0..months)
        .map(|month| {
            let t = f64::from(month);
            let wobble = 1.0 + 0.01 * (t * 1.7).sin();
            crate::engine::actuals::fit::Observation {
                month: month - (months - 1),
                users: 50_000.0 / (1.0 + 99.0 * (-0.08 * t).exp()) * wobble,
            }
        })
        .collect()
}

/// The four growth models as the benchmarks fit them (the piecewise with a
/// break half way through 120 months).
pub fn every_model() -> [crate::engine::actuals::fit::Model; 4] {
    use crate::engine::actuals::fit::Model;
    [
        Model::Compound,
        Model::Linear,
        Model::Logistic,
        Model::Piecewise { ends: vec![-60] },
    ]
}

/// A season: busy Decembers, quiet summers (January first).
const SEASON: [f64; 12] = [
    0.95, 0.92, 0.97, 1.0, 0.98, 0.9, 0.88, 0.93, 1.02, 1.06, 1.15, 1.24,
];

/// `months` of user actuals ending at month 0 with a season (busy
/// Decembers, quiet summers), 1.5% growth a month and a deterministic
/// wobble: a history on which every trend and the seasonal profile are
/// fitted and cross-validated (month 0 is January).
pub fn seasonal_users(months: i32) -> Vec<crate::engine::actuals::fit::Observation> {
    (0..months)
        .map(|step| {
            let month = step - (months - 1);
            let wobble = 1.0 + 0.02 * (f64::from(step) * 1.7).sin();
            crate::engine::actuals::fit::Observation {
                month,
                users: 2_000.0
                    * 1.015f64.powi(step)
                    * SEASON[month.rem_euclid(12) as usize]
                    * wobble,
            }
        })
        .collect()
}

/// A plan with seasonality and a month-to-month swing on every scenario
/// (the factors above, 4% a month), for measuring what they cost the
/// Monte Carlo.
pub fn with_seasons_and_swings(
    valid: &ValidPlan,
) -> Result<ValidPlan, Vec<crate::engine::model::validate::PlanError>> {
    let mut plan = valid.plan().clone();
    for scenario in &mut plan.scenarios {
        scenario.seasonality = Some(SEASON.to_vec());
        scenario.volatility = Some(0.04);
    }
    crate::engine::model::validate::validate(&plan)
}

/// Two pairs of the richest template's (`microservices-aws`) uncertain
/// inputs that move together, for measuring and testing correlations: its
/// request rate with its peak factor, and its concurrent share with
/// scenario `scenario`'s users at its second milestone.
pub fn richest_correlations(scenario: &str) -> Vec<crate::engine::model::plan::Correlation> {
    use crate::engine::model::plan::Correlation;
    vec![
        Correlation {
            inputs: ["requests_per_user_day".into(), "peak_factor".into()],
            rank: 0.6,
        },
        Correlation {
            inputs: [
                "concurrent_ratio".into(),
                format!("{scenario}/growth.points[1].users"),
            ],
            rank: 0.5,
        },
    ]
}
