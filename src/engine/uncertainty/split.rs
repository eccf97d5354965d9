//! One scenario's paths shared among workers, bit for bit the bands of a
//! single run.
//!
//! Share `k` of `n` simulates paths `k·P/n .. (k+1)·P/n` of the scenario's
//! `P` paths ([`simulate_share`]). Every share samples the inputs of all `P`
//! paths (cheap, and the correlations reorder ranks over all of them) and
//! keeps its own; the volatility shocks of the other paths are drawn and
//! dropped ([`super::sample::polar_normals_of`]), so each path sees exactly
//! the numbers a single run gives it. What needs only the share's paths is
//! counted there: crossings, act-by counts, units for commitments, paths
//! over the budget, each actual's paths below and equal. The percentiles
//! need every path's value: each share keeps its values, as keys, for the
//! rounds of [`super::select`] (its spreads go with the share; its counts
//! per bucket and its keys in the target buckets are asked for next), and
//! [`assemble_scenario`] puts the scenario's bands together through the
//! same [`super::bands`] code as a single run.
//!
//! A share on which a formula fails stops early, and which path failed
//! first decides the message a single run gives; such a scenario is run
//! whole instead ([`PathShare::stopped`]), which the app's coordinator does.

use super::bands::{
    finish, paths, percentile_rank_of, quantity_values, ranked_actuals, sensitivity_with,
    ActualPercentile, MonthCounts, Outcome, PathDecisions, RankedActual, ScenarioBands,
    Sensitivity,
};
use super::percentile::{ordered, Percentiles};
use super::select::{
    gather, histograms, select, targets, Buckets, KeyColumns, Spread, Tally, Targets,
};
use super::simulate::{simulate_with, Columns, Crossings, MonthView};
use crate::engine::analyse::decisions::{steps, NeededMonths, TallyPart, UnitsTally};
use crate::engine::analyse::scenario::project_scenario;
use crate::engine::model::inputs::scenario_inputs;
use crate::engine::model::plan::{Series, Uncertainty};
use crate::engine::model::rename::BUILT_IN_SERIES;
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

/// How many columns a month has: users, each metric, the total cost, the
/// cumulative cost and the cost per user ([`super::Bands::quantities`]).
fn quantities(valid: &ValidPlan) -> usize {
    1 + valid.plan().metrics.len() + BUILT_IN_SERIES.len()
}

/// An actual's paths below it and equal to it, in one share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActualCount {
    /// The column its paths' values are in (month × quantities + quantity).
    pub column: u32,
    pub below: u32,
    pub equal: u32,
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
    /// Per column (each month's quantities in turn), its values' spread.
    pub spreads: Vec<Spread>,
    /// Per actual the simulation ranks, in month order, its paths below and equal.
    pub actuals: Vec<ActualCount>,
    /// Per column, its values as keys: kept where the share ran for the
    /// rounds of [`super::select`], never sent.
    #[serde(skip)]
    pub kept: KeyColumns,
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
    simulate_share_into(valid, scenario, settings, (share, of), Vec::new())
}

/// [`simulate_share`] of share `share.0` of `share.1`, keeping its values
/// in `buffer` (a worker hands back the last run's, so that the memory is
/// not claimed afresh every run).
pub fn simulate_share_into(
    valid: &ValidPlan,
    scenario: usize,
    settings: Uncertainty,
    (share, of): (usize, usize),
    buffer: Vec<u64>,
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
    let mut decisions = PathDecisions::counting(valid, &deterministic, count, all);
    let months = plan.horizon_months as usize + 1;
    let mut kept = KeyColumns::reusing(buffer, months * quantities(valid) * count);
    let mut needed = vec![Vec::with_capacity(months); decisions.needed.steps.len()];
    let mut counts = Vec::with_capacity(months);
    let actuals = ranked_actuals(valid);
    let mut actual_counts = Vec::new();
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
            if let Some(here) = actuals.get(view.month as usize) {
                count_actuals(view, here, kept.len(), &mut actual_counts);
            }
            keep_month(&mut kept, view);
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
        spreads: kept.iter().map(Spread::of).collect(),
        actuals: actual_counts,
        kept,
    })
}

/// A column of values as keys (they sort like the numbers).
fn keys(values: &[f64]) -> impl Iterator<Item = u64> + '_ {
    values.iter().map(|v| ordered(v.to_bits()))
}

/// Appends a month's columns of keys, in [`quantities`]' order.
fn keep_month(kept: &mut KeyColumns, view: &MonthView) {
    kept.push(keys(view.users));
    for metric in view.metrics {
        kept.push(keys(metric));
    }
    kept.push(keys(view.total_cost));
    kept.push(keys(view.cumulative_cost));
    // Cost per user, over the paths with at least one user (as a single run
    // takes it).
    let per_user = view
        .total_cost
        .iter()
        .zip(view.users)
        .filter(|(_, users)| **users >= 1.0)
        .map(|(cost, users)| ordered((cost / users).to_bits()));
    kept.push(per_user);
}

/// Counts this month's paths below and equal to each actual, among the
/// values [`super::bands::rank_actuals`] ranks it in.
fn count_actuals(
    view: &MonthView,
    actuals: &[RankedActual],
    first_column: usize,
    counted: &mut Vec<ActualCount>,
) {
    for actual in actuals {
        let values = quantity_values(view, actual.quantity);
        let (below, equal) = values.iter().fold((0u32, 0u32), |(b, e), v| {
            (
                b + u32::from(*v < actual.value),
                e + u32::from(*v == actual.value),
            )
        });
        counted.push(ActualCount {
            column: (first_column + actual.quantity) as u32,
            below,
            equal,
        });
    }
}

/// Each column's buckets, from all the shares' spreads (the first round
/// after the shares, [`super::select`]).
pub fn shares_buckets<'a>(shares: impl IntoIterator<Item = &'a PathShare>) -> Vec<Buckets> {
    let spreads: Vec<&[Spread]> = shares.into_iter().map(|s| s.spreads.as_slice()).collect();
    Buckets::for_columns(&spreads)
}

/// The scenario's bands from all its shares (in share order), the columns'
/// buckets and targets, and every share's gathered keys (in share order),
/// or why they do not make up the scenario.
pub fn assemble_scenario(
    valid: &ValidPlan,
    scenario: usize,
    settings: Uncertainty,
    shares: &[PathShare],
    rounds: (&[Buckets], &[Targets]),
    gathered: &[&[Tally]],
) -> Result<ScenarioBands, String> {
    let plan = valid.plan();
    let of = shares.len();
    let months = plan.horizon_months as usize + 1;
    let all = paths(settings);
    // Each share in its place, with the paths its place holds.
    let in_order = shares.iter().enumerate().all(|(index, share)| {
        share.share == index && share.of == of && share.paths == part_of(all, index, of).len()
    });
    if scenario >= plan.scenarios.len() || of == 0 || !in_order || gathered.len() != of {
        return Err(format!("the shares of scenario {scenario} are not all in"));
    }
    if let Some(share) = shares.iter().find(|share| share.stopped.is_some()) {
        return Err(format!(
            "share {} stopped early; the scenario must run whole",
            share.share
        ));
    }
    let (buckets, targets) = rounds;
    let quantities = quantities(valid);
    let complete = buckets.len() == months * quantities
        && shares.iter().all(|share| {
            share.counts.len() == months
                && share.needed.iter().all(|n| n.len() == months)
                && share.actuals.len() == shares[0].actuals.len()
        });
    if !complete {
        return Err(format!("scenario {scenario}'s shares are missing months"));
    }
    let selected = select(buckets, targets, gathered)?;
    let percentiles: Vec<Vec<Option<Percentiles>>> =
        selected.chunks(quantities).map(<[_]>::to_vec).collect();
    let counts = (0..months)
        .map(|month| {
            shares.iter().fold(MonthCounts::default(), |sum, share| {
                sum.add(share.counts[month])
            })
        })
        .collect();
    let decisions = joined_decisions(valid, scenario, shares, all)?;
    let commitments = decisions.commitments(plan);
    let crossings = Crossings::joined(&shares.iter().map(|s| &s.crossings).collect::<Vec<_>>())
        .ok_or_else(|| format!("scenario {scenario}'s shares cross other components"))?;
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
            actual_percentiles: actual_percentiles(valid, shares, buckets, all)?,
        },
    ))
}

/// The act-by counts and commitment tallies of all paths, from the shares'.
fn joined_decisions<'a>(
    valid: &'a ValidPlan,
    scenario: usize,
    shares: &[PathShare],
    all: usize,
) -> Result<PathDecisions<'a>, String> {
    let plan = valid.plan();
    let months = plan.horizon_months as usize + 1;
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
    let mut nth = 0;
    PathDecisions::joined(valid, needed, |component, h| {
        let parts: Option<Vec<&TallyPart>> =
            shares.iter().map(|share| share.tallies.get(nth)).collect();
        nth += 1;
        UnitsTally::joined(component, h, &parts?)
    })
    .ok_or_else(|| format!("scenario {scenario}'s shares tally other components"))
}

/// Where each actual fell among all paths, from the shares' counts (in
/// month order, as a single run ranks them); none where every path has the
/// same value.
fn actual_percentiles(
    valid: &ValidPlan,
    shares: &[PathShare],
    buckets: &[Buckets],
    all: usize,
) -> Result<Vec<ActualPercentile>, String> {
    let quantities = quantities(valid);
    let ranked = ranked_actuals(valid);
    // The actuals the shares counted, in their order.
    let listed: Vec<(u32, &Series)> = ranked
        .iter()
        .enumerate()
        .flat_map(|(month, actuals)| actuals.iter().map(move |a| (month as u32, &a.series)))
        .collect();
    let counted = shares.first().map_or(0, |share| share.actuals.len());
    if counted != listed.len() {
        return Err("the shares ranked other actuals".into());
    }
    let mut found = Vec::new();
    for (index, (month, series)) in listed.into_iter().enumerate() {
        let column = shares[0].actuals[index].column as usize;
        let same_column = shares
            .iter()
            .all(|s| s.actuals[index].column as usize == column);
        let spread = buckets
            .get(column)
            .filter(|_| same_column && column / quantities == month as usize)
            .ok_or("the shares ranked an actual in another month")?
            .spread;
        // A quantity the same on every path has no band to fall in.
        if spread.single() {
            continue;
        }
        let below = shares.iter().map(|s| s.actuals[index].below as usize).sum();
        let equal = shares.iter().map(|s| s.actuals[index].equal as usize).sum();
        found.push(ActualPercentile {
            month,
            series: series.clone(),
            percentile: percentile_rank_of(below, equal, all),
        });
    }
    Ok(found)
}

/// A scenario run in `of` shares and the rounds of [`super::select`], one
/// after the other, and assembled; a scenario stopped early on some path is
/// run whole. What the app's workers do, for tests and the benchmark.
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
    let buckets = shares_buckets(&shares);
    let counts: Vec<Vec<u32>> = shares
        .iter()
        .map(|share| histograms(&share.kept, &buckets))
        .collect::<Result<_, _>>()
        .ok()?;
    let counts: Vec<&[u32]> = counts.iter().map(Vec::as_slice).collect();
    let targets = targets(&buckets, &counts).ok()?;
    let gathered: Vec<Vec<Tally>> = shares
        .iter()
        .map(|share| gather(&share.kept, &buckets, &targets))
        .collect::<Result<_, _>>()
        .ok()?;
    let gathered: Vec<&[Tally]> = gathered.iter().map(Vec::as_slice).collect();
    assemble_scenario(
        valid,
        scenario,
        settings,
        &shares,
        (&buckets, &targets),
        &gathered,
    )
    .ok()
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
    use crate::engine::model::plan::Plan;
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
        plan.correlations = crate::engine::actuals::sample::richest_correlations(&first);
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
        // Users at months 1 and 2 (at month 0 every path has the baseline's
        // 100: no band) and storage at months 0 to 3: six ranked.
        assert_eq!(
            whole.actual_percentiles.len(),
            6,
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
        let refused = assemble_scenario(
            &valid,
            0,
            settings,
            &shares,
            (&[], &[]),
            &[&[], &[], &[], &[]],
        )
        .unwrap_err();
        assert!(refused.contains("must run whole"), "{refused}");
        shares_agree(&valid, "stopped");
    }

    /// Rounds that do not fit the shares make no bands: missing, out of
    /// order, or a share's keys left out.
    #[test]
    fn rounds_that_do_not_fit_are_refused() {
        let valid = with_paths(template("managed-saas").plan(), 50, 2);
        let settings = valid.plan().uncertainty.unwrap_or_default();
        let shares: Vec<PathShare> = (0..2)
            .map(|share| simulate_share(&valid, 0, settings, share, 2).expect("a share"))
            .collect();
        let buckets = shares_buckets(&shares);
        let counts: Vec<Vec<u32>> = shares
            .iter()
            .map(|share| histograms(&share.kept, &buckets).expect("counted"))
            .collect();
        assert!(histograms(&KeyColumns::default(), &buckets).is_err());
        let counts: Vec<&[u32]> = counts.iter().map(Vec::as_slice).collect();
        assert!(targets(&buckets, &counts[..1]).is_err());
        let targets = targets(&buckets, &counts).expect("targets");
        let gathered: Vec<Vec<Tally>> = shares
            .iter()
            .map(|share| gather(&share.kept, &buckets, &targets).expect("gathered"))
            .collect();
        let both: Vec<&[Tally]> = gathered.iter().map(Vec::as_slice).collect();
        let rounds = (buckets.as_slice(), targets.as_slice());
        assert!(assemble_scenario(&valid, 0, settings, &shares, rounds, &both).is_ok());
        let swapped = [shares[1].clone(), shares[0].clone()];
        assert!(assemble_scenario(&valid, 0, settings, &swapped, rounds, &both).is_err());
        let mut miscounted = shares.clone();
        miscounted[1].paths += 1;
        assert!(assemble_scenario(&valid, 0, settings, &miscounted, rounds, &both).is_err());
        assert!(assemble_scenario(&valid, 0, settings, &shares[..1], rounds, &both[..1]).is_err());
        let empty = vec![Vec::new(); buckets.len()];
        let left_out = [both[0], empty.as_slice()];
        assert!(assemble_scenario(&valid, 0, settings, &shares, rounds, &left_out).is_err());
        assert!(assemble_scenario(&valid, 9, settings, &shares, rounds, &both).is_err());
    }
}
