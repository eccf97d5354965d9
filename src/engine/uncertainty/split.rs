//! One scenario's paths shared among workers, bit for bit the bands of a
//! single run.
//!
//! A scenario's Monte Carlo runs in two rounds:
//!
//! 1. **Paths.** Share `k` of `n` simulates paths `k·P/n .. (k+1)·P/n` of the
//!    `P` paths ([`simulate_share`]). Every share samples the inputs of all
//!    `P` paths (cheap, and the correlations reorder ranks over all of them)
//!    and keeps its own; the volatility shocks of the paths before its own
//!    are drawn and dropped ([`super::sample::polar_normals_of`]), so each
//!    path sees exactly the numbers a single run gives it. What needs only
//!    the share's paths is counted there: crossings, act-by counts, units
//!    for commitments, paths over the budget. The month-by-month values of
//!    every quantity are kept in `n` blocks of months, one per summary.
//! 2. **Months.** Summary `j` of `n` takes block `j` of every share, puts
//!    each month's paths back in order, and takes the exact percentiles and
//!    the ranks of actuals exactly as a single run does
//!    ([`summarise_months`]).
//!
//! [`assemble_scenario`] joins the two rounds into the scenario's bands. A
//! share on which a formula fails stops early, and the failing path decides
//! the message a single run gives; such a scenario is run whole instead
//! ([`PathShare::stopped`]), which the app's coordinator does.

use super::bands::{
    finish, paths, rank_actuals, ranked_actuals, sensitivity_with, MonthCounts, MonthSummary,
    Outcome, PathDecisions, ScenarioBands, Sensitivity,
};
use super::percentile::Percentiles;
use super::simulate::{simulate_with, Columns, Crossings, MonthView};
use crate::engine::analyse::decisions::{steps, NeededMonths, TallyPart, UnitsTally};
use crate::engine::analyse::scenario::project_scenario;
use crate::engine::model::inputs::scenario_inputs;
use crate::engine::model::plan::Uncertainty;
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::sizing::LatencyLimits;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Part `part` of `count` things cut into `of` near-equal runs, in order.
pub fn part_of(count: usize, part: usize, of: usize) -> Range<usize> {
    let of = of.max(1);
    let part = part.min(of);
    (count * part / of)..(count * (part + 1).min(of) / of)
}

/// How many values a quantity has each month: users, each metric, the
/// total cost and the cumulative cost (cost per user is worked out from
/// the total and users).
fn quantities(valid: &ValidPlan) -> usize {
    valid.plan().metrics.len() + 3
}

/// What share `share` of `of` found on its paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathShare {
    pub share: usize,
    pub of: usize,
    /// How many paths it ran.
    pub paths: usize,
    /// Per month simulated, its paths over the budget and cap, broken even.
    pub counts: Vec<MonthCounts>,
    pub crossings: Crossings,
    /// Per act-by step, per month: its paths that have needed the step by then.
    pub needed: Vec<Vec<usize>>,
    /// Per commitable component, the units its paths had in service.
    pub tallies: Vec<TallyPart>,
    /// The scenario's sensitivity (it reads no path), from share 0 only.
    pub sensitivity: Vec<Sensitivity>,
    /// Why a formula stopped the run early on one of its paths.
    pub stopped: Option<String>,
    /// Per block of months (`of` of them, [`part_of`] the months), each
    /// month's values `[month][quantity][path]`. They cross between workers
    /// as their own buffers ([`values_to_bytes`]), so not with the rest.
    #[serde(skip)]
    pub values: Vec<Vec<f64>>,
}

/// Simulates share `share` of `of` of scenario `scenario`'s paths; `None`
/// for a scenario the plan has not, or a share past the last.
pub fn simulate_share(
    valid: &ValidPlan,
    scenario: usize,
    settings: Uncertainty,
    share: usize,
    of: usize,
) -> Option<PathShare> {
    let plan = valid.plan();
    if scenario >= plan.scenarios.len() || share >= of {
        return None;
    }
    let all = paths(settings);
    let own = part_of(all, share, of);
    let count = own.len();
    let inputs = scenario_inputs(plan, scenario);
    let columns = Columns::correlated(plan, scenario, &inputs, all, settings.seed);
    let columns = columns.share(own, all);
    let deterministic = project_scenario(valid, scenario);
    let mut decisions = PathDecisions::counting(valid, &deterministic, count);
    let months = plan.horizon_months as usize + 1;
    let blocks: Vec<Range<usize>> = (0..of).map(|block| part_of(months, block, of)).collect();
    let width = quantities(valid) * count;
    let mut values: Vec<Vec<f64>> = blocks
        .iter()
        .map(|block| Vec::with_capacity(block.len() * width))
        .collect();
    let mut needed = vec![Vec::with_capacity(months); decisions.needed.steps.len()];
    let mut counts = Vec::with_capacity(months);
    let mut latency_limits = LatencyLimits::for_components(&plan.components);
    let (crossings, stopped) = simulate_with(
        valid,
        scenario,
        &columns,
        count,
        &mut latency_limits,
        |view| {
            decisions.observe(valid, view);
            for (history, now) in needed.iter_mut().zip(decisions.needed.counts()) {
                history.push(*now);
            }
            counts.push(MonthCounts::of(view));
            let month = view.month as usize;
            if let Some(block) = blocks.iter().position(|block| block.contains(&month)) {
                keep_month(&mut values[block], view);
            }
        },
    );
    Some(PathShare {
        share,
        of,
        paths: count,
        counts,
        crossings,
        needed,
        tallies: decisions.tallies.iter().map(UnitsTally::part).collect(),
        sensitivity: if share == 0 {
            sensitivity_with(valid, scenario, &inputs, &mut latency_limits)
        } else {
            Vec::new()
        },
        stopped,
        values,
    })
}

/// Appends a month's values, in [`quantities`]' order.
fn keep_month(block: &mut Vec<f64>, view: &MonthView) {
    block.extend_from_slice(view.users);
    for metric in view.metrics {
        block.extend_from_slice(metric);
    }
    block.extend_from_slice(view.total_cost);
    block.extend_from_slice(view.cumulative_cost);
}

/// What summary `block` of `of` found in its months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthsSummary {
    pub block: usize,
    /// Per month of the block, as [`super::MonthBands::percentiles`].
    pub percentiles: Vec<Vec<Option<Percentiles>>>,
    pub actual_percentiles: Vec<super::ActualPercentile>,
}

/// Summarises block `block` of `of` of scenario `scenario`'s months from
/// that block of every share's values (`blocks[k]` from share `k`), or
/// says why the values do not fit the plan.
pub fn summarise_months(
    valid: &ValidPlan,
    scenario: usize,
    settings: Uncertainty,
    block: usize,
    blocks: &[&[f64]],
) -> Result<MonthsSummary, String> {
    let plan = valid.plan();
    let of = blocks.len();
    if scenario >= plan.scenarios.len() || block >= of {
        return Err(format!(
            "there is no block {block} of {of} in scenario {scenario}"
        ));
    }
    let all = paths(settings);
    let months = part_of(plan.horizon_months as usize + 1, block, of);
    let quantities = quantities(valid);
    let shares: Vec<usize> = (0..of).map(|share| part_of(all, share, of).len()).collect();
    for (share, (values, count)) in blocks.iter().zip(&shares).enumerate() {
        let expected = months.len() * quantities * count;
        if values.len() != expected {
            return Err(format!(
                "share {share} sent {} values for months {months:?}, not {expected}",
                values.len()
            ));
        }
    }
    let inputs = scenario_inputs(plan, scenario);
    let columns = Columns::correlated(plan, scenario, &inputs, all, settings.seed);
    let mut summary = MonthSummary::new(valid, scenario, &columns, all);
    let actuals = ranked_actuals(valid);
    let mut summarised = MonthsSummary {
        block,
        percentiles: Vec::with_capacity(months.len()),
        actual_percentiles: Vec::new(),
    };
    // Each quantity's column over all paths, in path order.
    let mut columns: Vec<Vec<f64>> = vec![Vec::with_capacity(all); quantities];
    for (offset, month) in months.enumerate() {
        columns.iter_mut().for_each(Vec::clear);
        for (values, count) in blocks.iter().zip(&shares) {
            let width = quantities * count;
            let month_values = &values[offset * width..(offset + 1) * width];
            for (quantity, column) in columns.iter_mut().enumerate() {
                column.extend_from_slice(&month_values[quantity * count..(quantity + 1) * count]);
            }
        }
        let (users, rest) = columns.split_at(1);
        let (metrics, costs) = rest.split_at(quantities - 3);
        let metrics: Vec<&[f64]> = metrics.iter().map(Vec::as_slice).collect();
        let view = MonthView {
            month: month as u32,
            paths: all,
            users: &users[0],
            metrics: &metrics,
            total_cost: &costs[0],
            cumulative_cost: &costs[1],
            over_budget: 0,
            cost_per_user_over: 0,
            broke_even_by: 0,
        };
        summarised.percentiles.push(summary.percentiles(&view));
        if let Some(here) = actuals.get(month) {
            rank_actuals(plan, &view, here, &mut summarised.actual_percentiles);
        }
    }
    Ok(summarised)
}

/// The scenario's bands from all its shares (in share order) and all its
/// summaries (in block order), or why they do not make up the scenario.
pub fn assemble_scenario(
    valid: &ValidPlan,
    scenario: usize,
    settings: Uncertainty,
    shares: &[PathShare],
    summaries: &[MonthsSummary],
) -> Result<ScenarioBands, String> {
    let plan = valid.plan();
    let of = shares.len();
    let months = plan.horizon_months as usize + 1;
    let in_order = shares
        .iter()
        .enumerate()
        .all(|(index, share)| share.share == index && share.of == of)
        && summaries.len() == of
        && summaries.iter().enumerate().all(|(i, s)| s.block == i);
    if scenario >= plan.scenarios.len() || of == 0 || !in_order {
        return Err(format!("the shares of scenario {scenario} are not all in"));
    }
    if let Some(share) = shares.iter().find(|share| share.stopped.is_some()) {
        return Err(format!(
            "share {} stopped early; the scenario must run whole",
            share.share
        ));
    }
    let percentiles: Vec<_> = summaries
        .iter()
        .flat_map(|summary| summary.percentiles.iter().cloned())
        .collect();
    let complete = percentiles.len() == months
        && shares.iter().all(|share| {
            share.counts.len() == months && share.needed.iter().all(|n| n.len() == months)
        });
    if !complete {
        return Err(format!("scenario {scenario}'s shares are missing months"));
    }
    let counts = (0..months)
        .map(|month| {
            shares.iter().fold(MonthCounts::default(), |sum, share| {
                sum.add(share.counts[month])
            })
        })
        .collect();
    let all = paths(settings);
    let deterministic = project_scenario(valid, scenario);
    let mut needed = NeededMonths::new(steps(valid, &deterministic), all, plan.confidence());
    let step_count = needed.steps.len();
    if shares.iter().any(|share| share.needed.len() != step_count) {
        return Err(format!("scenario {scenario}'s shares count other steps"));
    }
    for month in 0..months {
        needed.observe_counts(month as u32, |step| {
            shares.iter().map(|share| share.needed[step][month]).sum()
        });
    }
    let crossings = Crossings::joined(&shares.iter().map(|s| &s.crossings).collect::<Vec<_>>())
        .ok_or_else(|| format!("scenario {scenario}'s shares cross other components"))?;
    let mut nth = 0;
    let decisions = PathDecisions::joined(valid, needed, |component, h| {
        let parts: Option<Vec<&TallyPart>> =
            shares.iter().map(|share| share.tallies.get(nth)).collect();
        nth += 1;
        UnitsTally::joined(component, h, &parts?)
    })
    .ok_or_else(|| format!("scenario {scenario}'s shares tally other components"))?;
    let commitments = decisions.commitments(plan);
    Ok(finish(
        valid,
        scenario,
        Outcome {
            paths: all,
            percentiles,
            counts,
            crossings,
            needed: decisions.needed,
            commitments,
            sensitivity: shares[0].sensitivity.clone(),
            stopped: None,
            actual_percentiles: summaries
                .iter()
                .flat_map(|summary| summary.actual_percentiles.iter().cloned())
                .collect(),
        },
    ))
}

/// A block of values as bytes (little-endian, eight a value), to cross
/// between workers as they are.
pub fn values_to_bytes(values: &[f64]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(values.len() * 8);
    for value in values {
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    bytes
}

/// [`values_to_bytes`] read back; `None` for a length not a multiple of eight.
pub fn values_from_bytes(bytes: &[u8]) -> Option<Vec<f64>> {
    if !bytes.len().is_multiple_of(8) {
        return None;
    }
    Some(
        bytes
            .chunks_exact(8)
            .map(|chunk| {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(chunk);
                f64::from_le_bytes(eight)
            })
            .collect(),
    )
}

/// A scenario run in `of` shares and `of` summaries, one after the other,
/// and assembled; a scenario stopped early on some path is run whole. What
/// the app's workers do, for tests and the benchmark.
pub fn simulate_in_shares(
    valid: &ValidPlan,
    scenario: usize,
    settings: Uncertainty,
    of: usize,
) -> Option<ScenarioBands> {
    let shares: Vec<PathShare> = (0..of)
        .map(|share| simulate_share(valid, scenario, settings, share, of))
        .collect::<Option<_>>()?;
    if shares.iter().any(|share| share.stopped.is_some()) {
        return super::simulate_one_scenario(valid, scenario, settings);
    }
    let summaries: Vec<MonthsSummary> = (0..of)
        .map(|block| {
            let blocks: Vec<&[f64]> = shares.iter().map(|s| s.values[block].as_slice()).collect();
            summarise_months(valid, scenario, settings, block, &blocks).ok()
        })
        .collect::<Option<_>>()?;
    assemble_scenario(valid, scenario, settings, &shares, &summaries).ok()
}

/// A plan whose formula fails on some paths (the square root of a negative
/// number at month 0), for tests of runs stopped early.
#[cfg(test)]
pub(crate) fn a_plan_stopping_early() -> ValidPlan {
    let text = r#"{"schema": 5, "name": "t", "start_month": "2026-01", "horizon_months": 12,
        "baseline_users": 100,
        "drivers": [{"name": "least", "value": {"distribution": "uniform", "low": 90, "high": 200}}],
        "metrics": [{"name": "odd", "formula": "sqrt(users - least) + users"}],
        "uncertainty": {"samples": 400, "seed": 3},
        "scenarios": [{"name": "Base", "growth": {"model": "compound", "growth": 0.05, "churn": 0}}]}"#;
    crate::engine::model::document::load_plan(text).expect("valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::document::load_plan;
    use crate::engine::model::plan::{Correlation, Plan};
    use crate::engine::model::templates;
    use crate::engine::model::validate::validate;
    use crate::engine::uncertainty::{bands_digest, simulate_one_scenario};

    fn template(id: &str) -> ValidPlan {
        templates::load(id)
            .and_then(Result::ok)
            .expect("a valid template")
    }

    fn with_paths(plan: &Plan, samples: u32, seed: u64) -> ValidPlan {
        let mut plan = plan.clone();
        plan.uncertainty = Some(Uncertainty { samples, seed });
        validate(&plan).expect("valid")
    }

    /// Every scenario of `valid`, run whole and in 1, 2, 3 and 4 shares:
    /// the same bands, bit for bit (the digest reads every number's bits).
    fn shares_agree(valid: &ValidPlan, label: &str) {
        let settings = valid.plan().uncertainty.unwrap_or_default();
        for scenario in 0..valid.plan().scenarios.len() {
            let whole = simulate_one_scenario(valid, scenario, settings).expect("a scenario");
            for of in 1..=4 {
                let shared = simulate_in_shares(valid, scenario, settings, of).expect("assembled");
                assert_eq!(shared, whole, "{label}, scenario {scenario}, {of} shares");
                let digest = |bands: ScenarioBands| {
                    bands_digest(&crate::engine::uncertainty::Bands::assemble(
                        valid.plan(),
                        settings,
                        vec![bands],
                    ))
                };
                assert_eq!(digest(shared), digest(whole.clone()));
            }
        }
    }

    #[test]
    fn parts_cover_everything_once_in_order() {
        for count in [0, 1, 2, 3, 10, 121, 10_000] {
            for of in 1..=9 {
                let parts: Vec<Range<usize>> = (0..of).map(|p| part_of(count, p, of)).collect();
                assert_eq!(parts[0].start, 0);
                assert_eq!(parts[of - 1].end, count);
                assert!(parts.windows(2).all(|w| w[0].end == w[1].start));
                let (most, least) = (
                    parts.iter().map(Range::len).max().unwrap_or(0),
                    parts.iter().map(Range::len).min().unwrap_or(0),
                );
                assert!(most - least <= 1, "{count} in {of}");
            }
        }
    }

    #[test]
    fn every_template_in_shares_is_the_whole_run_bit_for_bit() {
        for listed in templates::TEMPLATES {
            let valid = template(listed.id);
            // Fewer paths than the templates' own, an odd number (a
            // volatility pair straddles two shares), to keep the test quick.
            shares_agree(&with_paths(valid.plan(), 301, 5), listed.id);
        }
    }

    /// Seasonality and a monthly swing on every scenario (each path draws
    /// its own shocks from one stream), inputs moving together (ranks
    /// reordered over all paths), at 120 months (a block of months per
    /// summary, some components over capacity on every path).
    #[test]
    fn swings_and_correlations_in_shares_are_the_whole_run() {
        let richest = template("microservices-aws")
            .with_overrides(Some(120), None)
            .expect("120 months");
        let swinging =
            crate::engine::actuals::sample::with_seasons_and_swings(&richest).expect("valid");
        let mut plan = swinging.plan().clone();
        let first = plan.scenarios[0].name.clone();
        plan.correlations = vec![
            Correlation {
                inputs: ["requests_per_user_day".into(), "peak_factor".into()],
                rank: 0.6,
            },
            Correlation {
                inputs: [
                    "concurrent_ratio".into(),
                    format!("{first}/growth.points[1].users"),
                ],
                rank: 0.5,
            },
        ];
        shares_agree(&with_paths(&plan, 257, 9), "swings and correlations");
    }

    /// Actuals ranked among the paths, a month at a time, whichever
    /// summary holds their month; and the fewest paths a plan may ask for
    /// (10, and 11: shares of two and three paths).
    #[test]
    fn actuals_and_tiny_runs_in_shares_are_the_whole_run() {
        let text = r#"{"schema": 5, "name": "t", "start_month": "2026-01", "horizon_months": 5,
            "baseline_users": 100,
            "drivers": [{"name": "gb_per_user", "value": {"distribution": "uniform", "low": 1, "high": 3}}],
            "metrics": [{"name": "storage", "formula": "users * gb_per_user"}],
            "uncertainty": {"samples": 1000, "seed": 7},
            "scenarios": [{"name": "Base", "growth": {"model": "compound", "growth": 0.05, "churn": 0}, "volatility": 0.1}],
            "actuals": {"from": "2026-01", "users": [100, 104, 111], "metrics": {"storage": [150, 250, 290, 300]}}}"#;
        let valid = load_plan(text).expect("valid");
        let whole = simulate_one_scenario(&valid, 0, valid.plan().uncertainty.unwrap_or_default())
            .expect("a scenario");
        assert!(
            whole.actual_percentiles.len() >= 6,
            "{:?}",
            whole.actual_percentiles
        );
        shares_agree(&valid, "actuals");
        shares_agree(&with_paths(valid.plan(), 10, 1), "ten paths");
        shares_agree(&with_paths(valid.plan(), 11, 1), "eleven paths");
    }

    /// A formula that fails on some paths stops a share early: the scenario
    /// is run whole, and its message is the whole run's.
    #[test]
    fn a_share_stopped_early_sends_the_scenario_whole() {
        let valid = a_plan_stopping_early();
        let settings = valid.plan().uncertainty.unwrap_or_default();
        let shares: Vec<PathShare> = (0..4)
            .map(|share| simulate_share(&valid, 0, settings, share, 4).expect("a share"))
            .collect();
        assert!(shares.iter().any(|share| share.stopped.is_some()));
        let refused = assemble_scenario(&valid, 0, settings, &shares, &[]).unwrap_err();
        assert!(
            refused.contains("not all in") || refused.contains("whole"),
            "{refused}"
        );
        shares_agree(&valid, "stopped");
    }

    /// Values cross as bytes bit for bit; a block that does not fit the
    /// plan is refused with what is wrong, never summarised.
    #[test]
    fn blocks_cross_as_bytes_and_wrong_ones_are_refused() {
        let valid = with_paths(template("managed-saas").plan(), 50, 2);
        let settings = valid.plan().uncertainty.unwrap_or_default();
        let shares: Vec<PathShare> = (0..2)
            .map(|share| simulate_share(&valid, 0, settings, share, 2).expect("a share"))
            .collect();
        let crossed: Vec<Vec<f64>> = shares
            .iter()
            .map(|share| values_from_bytes(&values_to_bytes(&share.values[1])).expect("read"))
            .collect();
        assert!(crossed.iter().zip(&shares).all(|(c, s)| c
            .iter()
            .map(|v| v.to_bits())
            .eq(s.values[1].iter().map(|v| v.to_bits()))));
        assert_eq!(values_from_bytes(&[0; 7]), None);
        let short = &crossed[1][1..];
        let error = summarise_months(&valid, 0, settings, 1, &[&crossed[0], short]).unwrap_err();
        assert!(error.contains("share 1 sent"), "{error}");
        assert!(summarise_months(&valid, 0, settings, 2, &[&crossed[0], &crossed[1]]).is_err());
        assert!(summarise_months(&valid, 9, settings, 0, &[&crossed[0]]).is_err());
        // Summaries out of order, or missing, make no bands.
        let blocks = |block: usize| -> Vec<&[f64]> {
            shares.iter().map(|s| s.values[block].as_slice()).collect()
        };
        let first = summarise_months(&valid, 0, settings, 0, &blocks(0)).expect("summary");
        let second = summarise_months(&valid, 0, settings, 1, &blocks(1)).expect("summary");
        assert!(assemble_scenario(
            &valid,
            0,
            settings,
            &shares,
            &[second.clone(), first.clone()]
        )
        .is_err());
        assert!(assemble_scenario(
            &valid,
            0,
            settings,
            &shares[..1],
            std::slice::from_ref(&first)
        )
        .is_err());
        assert!(assemble_scenario(&valid, 0, settings, &shares, &[first, second]).is_ok());
    }
}
