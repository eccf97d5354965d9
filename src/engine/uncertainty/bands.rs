//! A plan's bands: every scenario over many paths, each month summarised as
//! exact percentiles and probabilities, with act-by dates and commitments
//! at the plan's confidence, where actuals fell among the paths, and which
//! inputs move the cost most.

use super::percentile::{Percentiles, Selector};
use super::simulate::{simulate_with, Columns, Crossings, MonthView};
use crate::engine::analyse::decisions::{
    commitable, judged_through, steps, term_fits, ActBy, NeededMonths, Recommendation, UnitsTally,
};
use crate::engine::analyse::scenario::{project, ScenarioProjection};
use crate::engine::formula::{Source, Spread};
use crate::engine::model::inputs::{scenario_inputs, Input};
use crate::engine::model::plan::{CommitmentTerm, Horizontal, Plan, Series, Uncertainty};
use crate::engine::model::rename::BUILT_IN_SERIES;
use crate::engine::model::validate::{Quantity, ValidPlan};
use crate::engine::project::sizing::LatencyLimits;
use serde::{Deserialize, Serialize};

/// The bands of every scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    pub paths: usize,
    pub seed: u64,
    /// What each entry of [`MonthBands::percentiles`] measures: `users`, each
    /// metric, `total_cost`, `cumulative_cost`, `cost_per_user`.
    pub quantities: Vec<String>,
    pub scenarios: Vec<ScenarioBands>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioBands {
    pub name: String,
    pub months: Vec<MonthBands>,
    /// Per component, the share of paths on which it is the first to go red.
    pub first_red: Vec<f64>,
    /// The share of paths on which nothing goes red.
    pub never_red: f64,
    /// The inputs that move the outcome most, largest swing first.
    pub sensitivity: Vec<Sensitivity>,
    pub stopped: Option<String>,
    /// By when each change must start, at the plan's confidence over the paths.
    pub act_by: Vec<ActBy>,
    /// The commitment per horizontal component that minimises the expected
    /// cost of the term over the paths.
    pub commitments: Vec<Recommendation>,
    /// Where each actual of users, a metric or the total cost fell among
    /// the paths of its month, in month order; none where every path has
    /// the same value (no band).
    pub actual_percentiles: Vec<ActualPercentile>,
}

/// An actual's place among the simulated paths of its month: the share of
/// paths below it, ties counting half, from 0 to 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActualPercentile {
    pub month: u32,
    pub series: Series,
    pub percentile: f64,
}

/// The percentile rank of `actual` among `values`: 100 × (paths below +
/// half the paths equal) ÷ paths.
pub fn percentile_rank(values: &[f64], actual: f64) -> f64 {
    let (below, equal) = values.iter().fold((0usize, 0usize), |(b, e), v| {
        (b + usize::from(*v < actual), e + usize::from(*v == actual))
    });
    percentile_rank_of(below, equal, values.len())
}

/// [`percentile_rank`] from the counts: `below` and `equal` of `paths`.
pub fn percentile_rank_of(below: usize, equal: usize, paths: usize) -> f64 {
    100.0 * (below as f64 + equal as f64 / 2.0) / paths.max(1) as f64
}

/// Ranks this month's actuals among the paths' values of their quantity.
pub(super) fn rank_actuals(
    view: &MonthView,
    actuals: &[RankedActual],
    ranked: &mut Vec<ActualPercentile>,
) {
    for RankedActual {
        series,
        quantity,
        value: actual,
    } in actuals
    {
        let values = quantity_values(view, *quantity);
        // A quantity the same on every path has no band to fall in.
        let first = values.first().copied().unwrap_or_default();
        if values.iter().all(|v| *v == first) {
            continue;
        }
        ranked.push(ActualPercentile {
            month: view.month,
            series: series.clone(),
            percentile: percentile_rank(values, *actual),
        });
    }
}

/// An actual the simulation ranks, and the quantity of
/// [`Bands::quantities`] whose paths it is ranked among.
#[derive(Debug, Clone)]
pub(super) struct RankedActual {
    pub series: Series,
    pub quantity: usize,
    pub value: f64,
}

/// Per plan month, the actuals the simulation ranks: users, the plan's
/// metrics and the total cost (the paths keep no per-line costs).
pub(super) fn ranked_actuals(valid: &ValidPlan) -> Vec<Vec<RankedActual>> {
    let plan = valid.plan();
    let mut by_month = vec![Vec::new(); plan.horizon_months as usize + 1];
    for series in valid.actual_series() {
        let quantity = match &series {
            Series::Users => 0,
            Series::Metric(name) => match plan.metrics.iter().position(|m| &m.name == name) {
                Some(index) => 1 + index,
                None => continue,
            },
            Series::Cost(_) => continue,
            _ => 1 + plan.metrics.len(),
        };
        for (month, value) in valid.actuals_of(&series) {
            if let Some(slot) = usize::try_from(month)
                .ok()
                .and_then(|m| by_month.get_mut(m))
            {
                slot.push(RankedActual {
                    series: series.clone(),
                    quantity,
                    value,
                });
            }
        }
    }
    by_month
}

/// A month's values of quantity `quantity` of [`Bands::quantities`] on
/// every path, for the quantities actuals are ranked in (users, metrics,
/// total cost).
pub(super) fn quantity_values<'a>(view: &MonthView<'a>, quantity: usize) -> &'a [f64] {
    match quantity.checked_sub(1) {
        None => view.users,
        Some(metric) => view.metrics.get(metric).copied().unwrap_or(view.total_cost),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthBands {
    pub month: u32,
    /// By quantity (see [`Bands::quantities`]); `None` where no path has a
    /// value (cost per user with fewer than one user).
    pub percentiles: Vec<Option<Percentiles>>,
    /// Per component, the probability it has been red (or worse) by this month.
    pub red: Vec<f64>,
    /// Per component, the probability it has been over capacity by this month.
    pub over_capacity: Vec<f64>,
    /// The probability this month's cost is over the monthly budget.
    pub over_budget: Option<f64>,
    /// The probability this month's cost per user is over its cap.
    pub cost_per_user_over_cap: Option<f64>,
    /// The probability revenue has covered the monthly cost by this month.
    pub broken_even: Option<f64>,
}

/// How much one input moves the outcome between its low and high bounds,
/// the others at their medians.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    pub input: String,
    pub low: f64,
    pub high: f64,
    /// Cumulative cost at the horizon with the input at its low and high bound.
    pub cumulative_cost: (f64, f64),
    /// Monthly cost at `month` (month 12, or the horizon if sooner).
    pub monthly_cost: (f64, f64),
    pub month: u32,
}

impl Sensitivity {
    /// The input as the plan's author wrote it, for charts and tables: a
    /// driver by its own name (`ai_requests_per_user_month`), a growth
    /// parameter by what the editor calls it. JSON keeps [`Sensitivity::input`].
    pub fn display_name(&self) -> String {
        if let Some(driver) = self.input.strip_prefix("driver ") {
            return driver.to_string();
        }
        let parameter = self.input.strip_prefix("growth ").unwrap_or(&self.input);
        let numbered = |rest: &str| -> Option<(usize, String)> {
            let (index, field) = rest.split_once("].")?;
            Some((index.parse::<usize>().ok()? + 1, field.to_string()))
        };
        let plain = |field: &str| match field {
            "growth" => "growth rate".to_string(),
            "new_users_per_month" => "new users a month".to_string(),
            other => other.replace('_', " "),
        };
        if let Some((number, field)) = parameter.strip_prefix("segments[").and_then(numbered) {
            return format!("{}, period {number}", plain(&field));
        }
        if let Some((number, _)) = parameter.strip_prefix("points[").and_then(numbered) {
            return format!("users at milestone {number}");
        }
        plain(parameter)
    }

    /// The swing in cumulative cost at the horizon, the ranking's measure.
    pub fn swing(&self) -> f64 {
        (self.cumulative_cost.1 - self.cumulative_cost.0).abs()
    }

    pub fn monthly_swing(&self) -> f64 {
        (self.monthly_cost.1 - self.monthly_cost.0).abs()
    }
}

/// Whether any scenario of the plan is uncertain ([`scenario_is_uncertain`]:
/// a volatility, or a range with `low < high`; a range whose ends are equal
/// is a fixed number).
pub fn has_uncertainty(plan: &Plan) -> bool {
    (0..plan.scenarios.len()).any(|s| scenario_is_uncertain(plan, s))
}

/// Whether the scenario's users swing month to month (a volatility above 0)
/// or one of its own inputs (a driver as it resolves for the scenario, or a
/// growth parameter) is a range with `low < high`.
pub fn scenario_is_uncertain(plan: &Plan, scenario: usize) -> bool {
    plan.scenarios[scenario].volatility() > 0.0
        || scenario_inputs(plan, scenario)
            .iter()
            .any(|input| input.value.is_uncertain())
}

/// The names of the quantities with percentiles, in order.
pub fn quantity_names(plan: &Plan) -> Vec<String> {
    std::iter::once("users".to_string())
        .chain(plan.metrics.iter().map(|m| m.name.clone()))
        .chain(BUILT_IN_SERIES.map(String::from))
        .collect()
}

/// Runs every scenario of the plan over `settings.samples` paths.
pub fn simulate_plan(valid: &ValidPlan, settings: Uncertainty) -> Bands {
    // The steps act-by dates are about come from the deterministic projection.
    let projection = project(valid);
    let scenarios = projection
        .scenarios
        .iter()
        .enumerate()
        .map(|(scenario, deterministic)| {
            simulate_scenario(
                valid,
                scenario,
                deterministic,
                paths(settings),
                settings.seed,
            )
        })
        .collect();
    Bands::assemble(valid.plan(), settings, scenarios)
}

/// How many paths `settings` asks for (at least one).
pub(super) fn paths(settings: Uncertainty) -> usize {
    settings.samples.max(1) as usize
}

/// Runs one scenario of the plan over `settings.samples` paths: exactly
/// what [`simulate_plan`] computes for it, since each scenario's paths draw
/// from their own streams and read nothing of another scenario's. The app's
/// workers run a plan this way, a scenario each, and [`Bands::assemble`]
/// puts the results back in order. `None` for a scenario the plan has not.
pub fn simulate_one_scenario(
    valid: &ValidPlan,
    scenario: usize,
    settings: Uncertainty,
) -> Option<ScenarioBands> {
    if scenario >= valid.plan().scenarios.len() {
        return None;
    }
    let deterministic = crate::engine::analyse::scenario::project_scenario(valid, scenario);
    Some(simulate_scenario(
        valid,
        scenario,
        &deterministic,
        paths(settings),
        settings.seed,
    ))
}

impl Bands {
    /// A plan's bands from its scenarios' bands, in the plan's order.
    pub fn assemble(plan: &Plan, settings: Uncertainty, scenarios: Vec<ScenarioBands>) -> Bands {
        Bands {
            paths: paths(settings),
            seed: settings.seed,
            quantities: quantity_names(plan),
            scenarios,
        }
    }
}

fn simulate_scenario(
    valid: &ValidPlan,
    scenario: usize,
    deterministic: &ScenarioProjection,
    paths: usize,
    seed: u64,
) -> ScenarioBands {
    let plan = valid.plan();
    let inputs = scenario_inputs(plan, scenario);
    let columns = Columns::correlated(plan, scenario, &inputs, paths, seed);
    let months = plan.horizon_months as usize + 1;
    let mut percentiles = Vec::with_capacity(months);
    let mut counts = Vec::with_capacity(months);
    let mut summary = MonthSummary::new(valid, scenario, &columns, paths);
    let actuals = ranked_actuals(valid);
    let mut actual_percentiles = Vec::new();
    let mut decisions = PathDecisions::new(valid, deterministic, paths);
    let mut latency_limits = LatencyLimits::for_components(&plan.components);
    let (crossings, stopped) = simulate_with(
        valid,
        scenario,
        &columns,
        paths,
        &mut latency_limits,
        |view| {
            decisions.observe(valid, view);
            if let Some(here) = actuals.get(view.month as usize) {
                rank_actuals(view, here, &mut actual_percentiles);
            }
            percentiles.push(summary.percentiles(view));
            counts.push(MonthCounts::of(view));
        },
    );
    let commitments = decisions.commitments(plan);
    finish(
        valid,
        scenario,
        Outcome {
            paths,
            percentiles,
            counts,
            crossings,
            needed: decisions.needed,
            commitments,
            sensitivity: sensitivity_with(valid, scenario, &inputs, &mut latency_limits),
            stopped,
            actual_percentiles,
        },
    )
}

/// A month's counts of paths, as [`MonthView`] has them: over the budget,
/// over the cost-per-user cap, broken even by then.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCounts {
    pub over_budget: usize,
    pub cost_per_user_over: usize,
    pub broke_even_by: usize,
}

impl MonthCounts {
    pub(super) fn of(view: &MonthView) -> MonthCounts {
        MonthCounts {
            over_budget: view.over_budget,
            cost_per_user_over: view.cost_per_user_over,
            broke_even_by: view.broke_even_by,
        }
    }

    pub(super) fn add(self, other: MonthCounts) -> MonthCounts {
        MonthCounts {
            over_budget: self.over_budget + other.over_budget,
            cost_per_user_over: self.cost_per_user_over + other.cost_per_user_over,
            broke_even_by: self.broke_even_by + other.broke_even_by,
        }
    }
}

/// Everything a scenario's run found over all of its paths, whether one
/// run saw them all or shares of them were joined (`super::split`).
pub(super) struct Outcome {
    pub paths: usize,
    /// Per month simulated, [`MonthSummary::percentiles`].
    pub percentiles: Vec<Vec<Option<Percentiles>>>,
    pub counts: Vec<MonthCounts>,
    pub crossings: Crossings,
    pub needed: NeededMonths,
    pub commitments: Vec<Recommendation>,
    pub sensitivity: Vec<Sensitivity>,
    pub stopped: Option<String>,
    pub actual_percentiles: Vec<ActualPercentile>,
}

/// A scenario's bands from what its run found.
pub(super) fn finish(valid: &ValidPlan, scenario: usize, outcome: Outcome) -> ScenarioBands {
    let plan = valid.plan();
    let paths = outcome.paths;
    let share = |count: usize| count as f64 / paths as f64;
    let mut months: Vec<MonthBands> = outcome
        .percentiles
        .into_iter()
        .zip(&outcome.counts)
        .enumerate()
        .map(|(month, (percentiles, counts))| {
            month_bands(plan, month as u32, *counts, percentiles, share)
        })
        .collect();
    let crossings = &outcome.crossings;
    let red_by = crossings.red_by_month(months.len());
    let over_by = crossings.over_by_month(months.len());
    for (index, month) in months.iter_mut().enumerate() {
        month.red = red_by.iter().map(|counts| share(counts[index])).collect();
        month.over_capacity = over_by.iter().map(|counts| share(counts[index])).collect();
    }
    let mut first_counts = vec![0usize; plan.components.len()];
    let mut never = 0;
    for first in crossings.first_red() {
        match first {
            Some(index) => first_counts[index] += 1,
            None => never += 1,
        }
    }
    let through = judged_through(months.len());
    // A scenario with no range of its own has every path equal to its
    // projection: its deadlines are certain, whatever the plan's confidence.
    let confidence = if scenario_is_uncertain(plan, scenario) {
        plan.confidence()
    } else {
        1.0
    };
    ScenarioBands {
        name: plan.scenarios[scenario].name.clone(),
        months,
        first_red: first_counts.into_iter().map(share).collect(),
        never_red: share(never),
        sensitivity: outcome.sensitivity,
        act_by: outcome.needed.act_by(plan, confidence, through),
        commitments: outcome.commitments,
        stopped: outcome.stopped,
        actual_percentiles: outcome.actual_percentiles,
    }
}

/// A month's bands: its percentiles, and the shares of paths over the
/// budget, over the cost-per-user cap and broken even (the red and
/// over-capacity shares are filled in from the run's crossings once it is
/// over).
fn month_bands(
    plan: &Plan,
    month: u32,
    counts: MonthCounts,
    percentiles: Vec<Option<Percentiles>>,
    share: impl Fn(usize) -> f64,
) -> MonthBands {
    let budget = plan.budget.as_ref();
    MonthBands {
        month,
        percentiles,
        red: Vec::new(),
        over_capacity: Vec::new(),
        over_budget: budget
            .and_then(|b| b.monthly_cap)
            .map(|_| share(counts.over_budget)),
        cost_per_user_over_cap: budget
            .and_then(|b| b.cost_per_user_cap)
            .map(|_| share(counts.cost_per_user_over)),
        broken_even: plan.revenue.as_ref().map(|_| share(counts.broke_even_by)),
    }
}

/// What the act-by dates and commitments read off the paths as they run:
/// the month each step is needed on each path, and the units each
/// commitable component needs over the commitment's term.
pub(super) struct PathDecisions<'a> {
    pub needed: NeededMonths,
    pub tallies: Vec<UnitsTally>,
    term: CommitmentTerm,
    loads: &'a [Vec<Quantity>],
}

impl<'a> PathDecisions<'a> {
    /// The steps are the deterministic projection's.
    pub fn new(valid: &'a ValidPlan, deterministic: &ScenarioProjection, paths: usize) -> Self {
        let plan = valid.plan();
        let needed = NeededMonths::new(steps(valid, deterministic), paths, plan.confidence());
        PathDecisions::with(valid, needed, |index, h| UnitsTally::new(index, h, paths))
    }

    /// For a share of `paths` of `all` paths: counts with the whole run's
    /// rank ([`NeededMonths::counting`]).
    pub fn counting(
        valid: &'a ValidPlan,
        deterministic: &ScenarioProjection,
        paths: usize,
        all: usize,
    ) -> Self {
        let confidence = valid.plan().confidence();
        let needed = NeededMonths::counting(steps(valid, deterministic), paths, all, confidence);
        PathDecisions::with(valid, needed, |index, h| UnitsTally::new(index, h, paths))
    }

    /// The decisions of the whole run from its shares' counts: the tallies
    /// from `tally(index, component)`, `None` when one cannot be made.
    pub fn joined(
        valid: &'a ValidPlan,
        needed: NeededMonths,
        tally: impl FnMut(usize, &Horizontal) -> Option<UnitsTally>,
    ) -> Option<Self> {
        let mut made = true;
        let mut tally = tally;
        let decisions = PathDecisions::with(valid, needed, |index, h| {
            tally(index, h).unwrap_or_else(|| {
                made = false;
                UnitsTally::new(index, h, 0)
            })
        });
        made.then_some(decisions)
    }

    fn with(
        valid: &'a ValidPlan,
        needed: NeededMonths,
        mut tally: impl FnMut(usize, &Horizontal) -> UnitsTally,
    ) -> Self {
        let plan = valid.plan();
        let term = plan.commitment_term.unwrap_or_default();
        let tallies = if term_fits(plan, term.term_months, term.start_month) {
            plan.components
                .iter()
                .enumerate()
                .filter_map(|(index, c)| commitable(c).map(|h| tally(index, h)))
                .collect()
        } else {
            Vec::new()
        };
        PathDecisions {
            needed,
            tallies,
            term,
            loads: &valid.resolved().component_loads,
        }
    }

    pub fn observe(&mut self, valid: &ValidPlan, view: &MonthView) {
        let column = |quantity: Quantity| match quantity {
            Quantity::Users => view.users,
            Quantity::Metric(index) => view.metrics[index],
        };
        self.needed.observe(view.month, column);
        let term = self.term;
        if view.month >= term.start_month && view.month - term.start_month < term.term_months {
            let components = &valid.plan().components;
            for tally in &mut self.tallies {
                if let Some(h) = commitable(&components[tally.component]) {
                    tally.observe(h, column(self.loads[tally.component][0]));
                }
            }
        }
    }

    /// The commitment per component whose whole term was projected.
    pub fn commitments(&self, plan: &Plan) -> Vec<Recommendation> {
        let term = self.term;
        self.tallies
            .iter()
            .filter(|tally| tally.complete(term.term_months))
            .filter_map(|tally| {
                let h = commitable(&plan.components[tally.component])?;
                Some(tally.recommend(h, term.term_months, term.start_month))
            })
            .collect()
    }
}

/// Each month's percentiles of every quantity, taken off the paths: exact
/// selection, except where a metric follows one input or metric (then its
/// percentiles sit on the same paths) or is the same on every path.
pub(super) struct MonthSummary {
    selector: Selector,
    per_user: Vec<f64>,
    users_vary: bool,
    followed: Vec<Option<Source>>,
    /// The paths at the five percentile ranks of each driver (chain inputs
    /// after users): a driver keeps its value all run. Users' and each
    /// selected metric's paths of this month are their [`Guides`].
    driver_ranks: Vec<[u32; 5]>,
    /// Metric indices in the order the chain evaluates them: a metric that
    /// follows another is summarised after it, so it reads that metric's
    /// paths of the same month.
    order: Vec<usize>,
    /// Where each selected quantity's five were last month: the first paths
    /// checked this month ([`Selector::percentiles_guided`]). Only the work
    /// depends on them; the percentiles are exact either way.
    guides: Guides,
}

/// [`MonthSummary`]'s last-month paths, one per quantity it selects.
#[derive(Default)]
struct Guides {
    users: Option<[u32; 5]>,
    /// By metric index.
    metrics: Vec<Option<[u32; 5]>>,
    total: Option<[u32; 5]>,
    cumulative: Option<[u32; 5]>,
    per_user: Option<[u32; 5]>,
}

impl MonthSummary {
    pub fn new(
        valid: &ValidPlan,
        scenario: usize,
        columns: &Columns,
        paths: usize,
    ) -> MonthSummary {
        // Metrics that move with one quantity take their percentiles off its
        // paths. Chain input 0 is users, then the drivers in plan order.
        let users_vary = columns.users_vary(valid.plan(), scenario);
        let spread = |input: usize| match input.checked_sub(1) {
            None if users_vary => Spread::Varies,
            // Growth is certain: every path has the same users, never negative.
            None => Spread::SameNonNegative,
            Some(driver) => match columns.drivers.get(driver) {
                Some(column) if column.len() == 1 => Spread::Fixed(column[0]),
                _ => Spread::Varies,
            },
        };
        let followed = valid.chain().followed_sources(spread);
        let mut selector = Selector::default();
        // A driver keeps its value all run, so its ranks are found once.
        let driver_ranks: Vec<[u32; 5]> = columns
            .drivers
            .iter()
            .map(|column| {
                let ranked = (column.len() > 1)
                    .then(|| selector.percentiles_and_paths(column.iter().copied()))
                    .flatten();
                ranked.map_or([0; 5], |(_, ranks)| ranks)
            })
            .collect();
        let chain = valid.chain();
        MonthSummary {
            selector,
            per_user: Vec::with_capacity(paths),
            users_vary,
            followed,
            driver_ranks,
            guides: Guides {
                metrics: vec![None; valid.plan().metrics.len()],
                ..Guides::default()
            },
            order: chain
                .evaluation_order()
                .into_iter()
                .filter_map(|name| chain.metric_index(name))
                .collect(),
        }
    }

    /// Users, each metric, total cost, cumulative cost and cost per user
    /// ([`Bands::quantities`]'s order).
    pub fn percentiles(&mut self, view: &MonthView) -> Vec<Option<Percentiles>> {
        let mut bands = Vec::with_capacity(view.metrics.len() + 4);
        if self.users_vary {
            let users = self
                .selector
                .percentiles_guided(view.users, &mut self.guides.users);
            bands.push(users.map(|(percentiles, _)| percentiles));
        } else {
            bands.push(Some(Percentiles::same(view.users[0])));
        }
        let mut metrics = vec![None; view.metrics.len()];
        for at in 0..self.order.len() {
            let index = self.order[at];
            if let (Some(slot), Some(metric)) = (metrics.get_mut(index), view.metrics.get(index)) {
                let uniform = view.uniform_metrics.get(index).copied().unwrap_or(false);
                *slot = self.metric_percentiles(index, metric, uniform);
            }
        }
        bands.extend(metrics);
        let total = self
            .selector
            .percentiles_guided(view.total_cost, &mut self.guides.total)
            .map(|(percentiles, _)| percentiles);
        bands.push(total);
        bands.push(
            self.selector
                .percentiles_guided(view.cumulative_cost, &mut self.guides.cumulative)
                .map(|(percentiles, _)| percentiles),
        );
        let cost_per_user = if self.users_vary {
            self.per_user.clear();
            let with_users = view
                .total_cost
                .iter()
                .zip(view.users)
                .filter(|(_, users)| **users >= 1.0);
            self.per_user
                .extend(with_users.map(|(cost, users)| cost / users));
            self.selector
                .percentiles_guided(&self.per_user, &mut self.guides.per_user)
                .map(|(percentiles, _)| percentiles)
        } else {
            // The same users on every path: dividing by them keeps the cost's
            // order, so its percentiles divided are exactly theirs.
            let users = view.users[0];
            total
                .filter(|_| users >= 1.0)
                .map(|p| p.map(|cost| cost / users))
        };
        bands.push(cost_per_user);
        bands
    }

    fn metric_percentiles(
        &mut self,
        index: usize,
        metric: &[f64],
        uniform: bool,
    ) -> Option<Percentiles> {
        // One value on every path: it is every percentile, and any path holds
        // them (the guide says so for metrics that follow this one).
        if uniform && !metric.is_empty() {
            self.guides.metrics[index] = Some([0; 5]);
            return Some(Percentiles::same(metric[0]));
        }
        // A guide holds the paths its last selection returned, so after this
        // month's selection it holds this month's; none when there were no
        // values (or users are the same on every path), and then any path
        // holds every percentile.
        let ranks = match self.followed.get(index).copied().flatten() {
            // The same on every path: any path holds every percentile.
            Some(Source::Fixed) => Some([0; 5]),
            Some(Source::Input(0)) => Some(self.guides.users.unwrap_or([0; 5])),
            Some(Source::Input(input)) => Some(self.driver_ranks[input - 1]),
            Some(Source::Metric(slot)) => Some(self.guides.metrics[slot].unwrap_or([0; 5])),
            None => None,
        };
        match ranks {
            Some(ranks) => {
                let at = |k: usize| metric[ranks[k] as usize];
                Some(Percentiles {
                    p5: at(0),
                    p10: at(1),
                    p50: at(2),
                    p90: at(3),
                    p95: at(4),
                })
            }
            None => {
                let guide = &mut self.guides.metrics[index];
                self.selector
                    .percentiles_guided(metric, guide)
                    .map(|(percentiles, _)| percentiles)
            }
        }
    }
}

/// For each uncertain input, the outcome with it at its low and at its high
/// bound and every other input at its median; largest swing first.
pub fn sensitivity(valid: &ValidPlan, scenario: usize, inputs: &[Input]) -> Vec<Sensitivity> {
    let mut latency_limits = LatencyLimits::for_components(&valid.plan().components);
    sensitivity_with(valid, scenario, inputs, &mut latency_limits)
}

pub(super) fn sensitivity_with(
    valid: &ValidPlan,
    scenario: usize,
    inputs: &[Input],
    latency_limits: &mut [LatencyLimits],
) -> Vec<Sensitivity> {
    let plan = valid.plan();
    let month = plan.horizon_months.min(12);
    let mut results: Vec<Sensitivity> = inputs
        .iter()
        .enumerate()
        .filter(|(_, input)| input.value.is_uncertain())
        .map(|(varied, input)| {
            let (low, high) = input.value.bounds();
            let (low, high) = (
                low.clamp(input.min, input.max),
                high.clamp(input.min, input.max),
            );
            let columns = Columns::build(inputs, |index, other| {
                if index == varied {
                    vec![low, high]
                } else {
                    vec![other.value.median()]
                }
            });
            let mut cumulative = (f64::NAN, f64::NAN);
            let mut monthly = (f64::NAN, f64::NAN);
            let (_, stopped) =
                simulate_with(valid, scenario, &columns, 2, latency_limits, |view| {
                    if view.month == month {
                        monthly = (view.total_cost[0], view.total_cost[1]);
                    }
                    cumulative = (view.cumulative_cost[0], view.cumulative_cost[1]);
                });
            let finite = stopped.is_none() && cumulative.0.is_finite() && cumulative.1.is_finite();
            Sensitivity {
                input: input.label.clone(),
                low,
                high,
                cumulative_cost: if finite { cumulative } else { (0.0, 0.0) },
                monthly_cost: if finite { monthly } else { (0.0, 0.0) },
                month,
            }
        })
        .collect();
    results.sort_by(|a, b| {
        b.swing()
            .total_cmp(&a.swing())
            .then_with(|| a.input.cmp(&b.input))
    });
    results
}

/// A fingerprint of every number in the bands (FNV-1a over their bits), to
/// check that two platforms computed exactly the same thing.
pub fn bands_digest(bands: &Bands) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |value: f64| {
        for byte in value.to_bits().to_le_bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for scenario in &bands.scenarios {
        for month in &scenario.months {
            for p in month.percentiles.iter().flatten() {
                [p.p5, p.p10, p.p50, p.p90, p.p95]
                    .into_iter()
                    .for_each(&mut mix);
            }
            month
                .red
                .iter()
                .chain(&month.over_capacity)
                .for_each(|v| mix(*v));
        }
        for s in &scenario.sensitivity {
            [
                s.cumulative_cost.0,
                s.cumulative_cost.1,
                s.monthly_cost.0,
                s.monthly_cost.1,
            ]
            .into_iter()
            .for_each(&mut mix);
        }
    }
    hash
}
