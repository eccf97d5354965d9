//! The forecast backtest (issue 27): every real series in `backtest/series`,
//! 24 and 36 months of history from origins every 6 months, the next 12
//! months forecast. Each forecast is what a user would see: the fitted
//! scenario put in a plan and its Monte Carlo users band read at P5, P50
//! and P95. Prints per method and group (tune, held-out, all): the cases,
//! the mean absolute percentage error, the share of actuals inside the 90%
//! band, the interval (Winkler) score divided by the actual, and the share
//! of cases refused. `scripts/backtest` runs it beside statsmodels' ETS.
//!
//! `cargo run --release --example backtest [-- --samples N]`

use headroom::engine::actuals::choose::{choose, Forecast, Trend};
use headroom::engine::actuals::fit::Observation;
use headroom::engine::model::plan::{month_label, parse_month_count, Plan, Scenario, Uncertainty};
use headroom::engine::model::validate::validate;
use headroom::engine::uncertainty::simulate_plan;
use std::collections::BTreeMap;
use std::path::Path;

const HISTORIES: [usize; 2] = [24, 36];
const AHEAD: usize = 12;
const STEP: usize = 6;
/// The interval's miss rate: a 90% band.
const MISS: f64 = 0.10;

struct Series {
    group: String,
    first_month: i32,
    values: Vec<f64>,
}

fn read_series(folder: &Path) -> Result<Vec<Series>, String> {
    let mut entries: Vec<_> = std::fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "csv"))
        .collect();
    entries.sort();
    entries
        .iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut lines = text.lines();
            let group = lines
                .next()
                .and_then(|line| line.trim_start_matches("# ").split(':').next())
                .unwrap_or("tune")
                .to_string();
            let rows: Vec<(i32, f64)> = lines
                .skip(1)
                .filter_map(|line| {
                    let (month, value) = line.split_once(',')?;
                    Some((parse_month_count(month)?, value.trim().parse().ok()?))
                })
                .collect();
            Ok(Series {
                group,
                first_month: rows.first().map_or(0, |r| r.0),
                values: rows.iter().map(|r| r.1).collect(),
            })
        })
        .collect()
}

/// One case's record for one method.
#[derive(Default, Clone)]
struct Tally {
    cases: usize,
    refused: usize,
    ape: f64,
    inside: f64,
    score: f64,
}

impl Tally {
    fn add(&mut self, band: Option<&[(f64, f64, f64)]>, future: &[f64]) {
        self.cases += 1;
        let Some(band) = band else {
            self.refused += 1;
            return;
        };
        let n = future.len() as f64;
        for ((low, mid, high), actual) in band.iter().zip(future) {
            self.ape += (actual - mid).abs() / actual / n;
            self.inside += f64::from(u8::from(*low <= *actual && *actual <= *high)) / n;
            let penalty = (2.0 / MISS) * ((low - actual).max(0.0) + (actual - high).max(0.0));
            self.score += (high - low + penalty) / actual / n;
        }
    }

    fn row(&self, method: &str, group: &str) -> String {
        let fitted = (self.cases - self.refused).max(1) as f64;
        format!(
            "| {method} | {group} | {} | {:.1}% | {:.0}% | {:.3} | {:.0}% |",
            self.cases,
            100.0 * self.ape / fitted,
            100.0 * self.inside / fitted,
            self.score / fitted,
            100.0 * self.refused as f64 / self.cases.max(1) as f64
        )
    }
}

/// The band a plan carrying `forecast` shows for the 12 months after the
/// last history month `last` (a calendar month count).
fn plan_band(forecast: &Forecast, last: i32, samples: u32) -> Option<Vec<(f64, f64, f64)>> {
    let mut scenario = Scenario::new("Fitted".into(), forecast.growth.clone());
    scenario.seasonality = forecast.profile.as_ref().map(|p| p.factors.to_vec());
    scenario.volatility = (forecast.volatility > 0.0).then_some(forecast.volatility);
    let mut plan: Plan = serde_json::from_value(serde_json::json!({
        "schema": headroom::engine::model::plan::CURRENT_SCHEMA,
        "name": "backtest",
        "start_month": month_label(last),
        "horizon_months": AHEAD,
        "baseline_users": forecast.level,
        "scenarios": [],
    }))
    .ok()?;
    plan.scenarios.push(scenario);
    let valid = validate(&plan).ok()?;
    let bands = simulate_plan(&valid, Uncertainty { samples, seed: 7 });
    let months = &bands.scenarios.first()?.months;
    months
        .iter()
        .skip(1)
        .take(AHEAD)
        .map(|m| {
            m.percentiles
                .first()
                .copied()
                .flatten()
                .map(|p| (p.p5, p.p50, p.p95))
        })
        .collect()
}

/// The seasonal naive forecast: the same calendar month a year before, its
/// band from the spread of the history's year-on-year changes (on logs,
/// widening with the whole years ahead).
fn seasonal_naive(history: &[f64]) -> Option<Vec<(f64, f64, f64)>> {
    if history.len() < 13 {
        return None;
    }
    let changes: Vec<f64> = (12..history.len())
        .map(|i| (history[i] / history[i - 12]).ln())
        .collect();
    let sd = (changes.iter().map(|c| c * c).sum::<f64>() / changes.len() as f64).sqrt();
    let z = 1.644_853_626_951_472;
    Some(
        (0..AHEAD)
            .map(|h| {
                let base = history[history.len() - 12 + h % 12];
                let years = (h / 12 + 1) as f64;
                let width = z * sd * years.sqrt();
                (base * (-width).exp(), base, base * width.exp())
            })
            .collect(),
    )
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let samples = args
        .iter()
        .position(|a| a == "--samples")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("backtest/series");
    let series = read_series(&folder)?;
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut chosen: BTreeMap<String, usize> = BTreeMap::new();
    for s in &series {
        for length in HISTORIES {
            let mut start = 0;
            while start + length + AHEAD <= s.values.len() {
                let history = &s.values[start..start + length];
                let future = &s.values[start + length..start + length + AHEAD];
                let last = s.first_month + (start + length) as i32 - 1;
                let calendar = last.rem_euclid(12) as usize;
                let points: Vec<Observation> = history
                    .iter()
                    .enumerate()
                    .map(|(i, users)| Observation {
                        month: i as i32 - (length as i32 - 1),
                        users: *users,
                    })
                    .collect();
                let mut record = |method: String, band: Option<Vec<(f64, f64, f64)>>| {
                    for group in [s.group.clone(), "all".to_string()] {
                        tallies
                            .entry((method.clone(), group))
                            .or_default()
                            .add(band.as_deref(), future);
                    }
                };
                let choice = choose(&points, calendar);
                let recommended = choice
                    .as_ref()
                    .ok()
                    .and_then(|c| plan_band(&c.recommended().forecast, last, samples));
                if let Ok(c) = &choice {
                    *chosen
                        .entry(c.recommended().forecast.trend.name().to_string())
                        .or_default() += 1;
                    let seasonal = if c.profile.is_some() {
                        "seasonal"
                    } else {
                        "not seasonal"
                    };
                    *chosen
                        .entry(format!("{length} months: {seasonal}"))
                        .or_default() += 1;
                }
                record("Headroom recommended".into(), recommended);
                for (index, trend) in Trend::ALL.into_iter().enumerate() {
                    let band = choice
                        .as_ref()
                        .ok()
                        .and_then(|c| c.candidates.get(index)?.1.as_ref().ok())
                        .and_then(|scored| plan_band(&scored.forecast, last, samples));
                    record(format!("Headroom {}", trend.name()), band);
                }
                record("seasonal naive".into(), seasonal_naive(history));
                start += STEP;
            }
        }
    }
    println!(
        "| method | series | cases | MAPE | inside 90% band | interval score ÷ actual | refused |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for ((method, group), tally) in &tallies {
        println!("{}", tally.row(method, group));
    }
    println!();
    for (what, count) in &chosen {
        println!("- {what}: {count} cases");
    }
    Ok(())
}
