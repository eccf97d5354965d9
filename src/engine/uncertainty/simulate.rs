//! The column engine: one scenario over many paths at once, month by month.
//!
//! Buffers are allocated once per run and reused every month; per path the
//! work is arithmetic on those buffers, with the same sizing and cost
//! functions as the deterministic projection.

use super::sample::{polar_normals, polar_normals_of, sample_column, stream};
use crate::engine::model::inputs::{Input, Target};
use crate::engine::model::plan::Plan;
use crate::engine::model::validate::{Quantity, ValidPlan};
use crate::engine::project::growth::{next_users, scenario_seasonality};
use crate::engine::project::months::{
    add_cost_lines, fill_line_costs, has_percentage_lines, sum_lines,
};
use crate::engine::project::sizing::Status;
use crate::engine::project::sizing::{size_column, LatencyLimits};

/// Per-path values of every input: one value shared by all paths, or one each.
#[derive(Debug, Clone)]
pub struct Columns {
    pub drivers: Vec<Vec<f64>>,
    pub growth: Vec<Vec<f64>>,
    /// The seed of the paths' monthly shocks (a scenario's volatility):
    /// none for runs that hold every input fixed (the sensitivity's), which
    /// take the median path.
    pub shocks_seed: Option<u64>,
    /// For a share of a scenario's paths (`engine::uncertainty::split`): its
    /// first path and how many paths the scenario has, so that each path
    /// draws its own shocks; `None` when the columns hold every path.
    pub share: Option<(usize, usize)>,
}

impl Columns {
    /// Samples every input of a scenario.
    pub fn sampled(inputs: &[Input], paths: usize, seed: u64) -> Columns {
        Columns {
            shocks_seed: Some(seed),
            ..Columns::build(inputs, |_, input| {
                sample_column(&input.value, input.min, input.max, paths, seed, &input.key)
            })
        }
    }

    /// Samples every input of scenario `scenario` of `plan`, with the plan's
    /// correlations in force there imposed on their ranks
    /// (`engine::uncertainty::correlation`); without any, exactly [`Columns::sampled`].
    pub fn correlated(
        plan: &Plan,
        scenario: usize,
        inputs: &[Input],
        paths: usize,
        seed: u64,
    ) -> Columns {
        let pairs = crate::engine::model::correlations::in_scenario(plan, scenario);
        if pairs.is_empty() {
            return Columns::sampled(inputs, paths, seed);
        }
        let mut sampled: Vec<Vec<f64>> = inputs
            .iter()
            .map(|input| sample_column(&input.value, input.min, input.max, paths, seed, &input.key))
            .collect();
        crate::engine::uncertainty::correlation::impose(inputs, &mut sampled, &pairs, paths, seed);
        Columns {
            shocks_seed: Some(seed),
            ..Columns::build(inputs, |index, _| std::mem::take(&mut sampled[index]))
        }
    }

    /// Paths `paths` of these columns, which hold all `all` of a scenario's
    /// paths: a column with one value shared by every path stays one value.
    pub fn share(&self, paths: std::ops::Range<usize>, all: usize) -> Columns {
        let cut = |column: &Vec<f64>| match column.len() {
            1 => column.clone(),
            _ => column.get(paths.clone()).unwrap_or_default().to_vec(),
        };
        Columns {
            drivers: self.drivers.iter().map(cut).collect(),
            growth: self.growth.iter().map(cut).collect(),
            shocks_seed: self.shocks_seed,
            share: Some((paths.start, all)),
        }
    }

    /// A column per input, from `column(index, input)`: one value shared by
    /// every path, or one per path.
    pub fn build(inputs: &[Input], mut column: impl FnMut(usize, &Input) -> Vec<f64>) -> Columns {
        let mut columns = Columns {
            drivers: Vec::new(),
            growth: Vec::new(),
            shocks_seed: None,
            share: None,
        };
        for (index, input) in inputs.iter().enumerate() {
            let values = column(index, input);
            match input.target {
                Target::Driver(_) => columns.drivers.push(values),
                Target::Growth(_) => columns.growth.push(values),
            }
        }
        columns
    }

    /// Whether users differ between paths (some growth parameter is sampled).
    pub fn growth_varies(&self) -> bool {
        self.growth.iter().any(|column| column.len() > 1)
    }

    /// Whether users differ between paths in scenario `scenario`: a growth
    /// parameter is sampled, or the scenario's volatility shocks them.
    pub fn users_vary(&self, plan: &Plan, scenario: usize) -> bool {
        self.growth_varies() || self.shocks_volatility(plan, scenario) > 0.0
    }

    /// The volatility this run's shocks have: the scenario's, or 0 for a
    /// run without shocks.
    fn shocks_volatility(&self, plan: &Plan, scenario: usize) -> f64 {
        self.shocks_seed
            .map_or(0.0, |_| plan.scenarios[scenario].volatility())
    }
}

#[inline(always)]
fn at(column: &[f64], path: usize) -> f64 {
    if column.len() == 1 {
        column[0]
    } else {
        column[path]
    }
}

/// What the observer sees each month, for every path.
pub struct MonthView<'a> {
    pub month: u32,
    pub paths: usize,
    pub users: &'a [f64],
    pub metrics: &'a [&'a [f64]],
    /// Whether each metric holds one value on every path this month.
    pub uniform_metrics: &'a [bool],
    pub total_cost: &'a [f64],
    pub cumulative_cost: &'a [f64],
    /// Paths whose monthly cost is over the budget this month.
    pub over_budget: usize,
    /// Paths whose cost per user is over its cap this month.
    pub cost_per_user_over: usize,
    /// Paths whose revenue has covered the monthly cost by this month.
    pub broke_even_by: usize,
}

/// When each path first went red (or worse) and first went over capacity,
/// per component: the month, or [`Crossings::NEVER`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Crossings {
    paths: usize,
    /// `red[component * paths + path]`.
    red: Vec<u16>,
    over: Vec<u16>,
    /// Per component, the paths that have not been over capacity yet.
    not_yet_over: Vec<usize>,
}

impl Crossings {
    pub const NEVER: u16 = u16::MAX;

    /// Records `month` for each path whose status (a [`Status`] as its
    /// `u8`) is red or over capacity for the first time: a pass of its own
    /// after the sizing, masks rather than branches on a path's status.
    fn record(&mut self, component: usize, month: u16, statuses: &[u8]) {
        if self.not_yet_over[component] == 0 {
            // Every path has been over capacity (so red too): nothing
            // more to record.
            return;
        }
        let paths = component * self.paths..(component + 1) * self.paths;
        let (red, over) = (&mut self.red[paths.clone()], &mut self.over[paths]);
        // This month if the status says so, else NEVER: masks, not branches.
        let month_if = |crossed: bool| month | !u16::from(crossed).wrapping_neg();
        let mut newly_over = 0;
        for ((red, over), status) in red.iter_mut().zip(over.iter_mut()).zip(statuses) {
            let now_over = *status == Status::OverCapacity as u8;
            newly_over += usize::from(now_over & (*over == Crossings::NEVER));
            *red = (*red).min(month_if(*status >= Status::Red as u8));
            *over = (*over).min(month_if(now_over));
        }
        self.not_yet_over[component] -= newly_over;
    }

    fn new(components: usize, paths: usize) -> Crossings {
        Crossings {
            paths,
            red: vec![Crossings::NEVER; components * paths],
            over: vec![Crossings::NEVER; components * paths],
            not_yet_over: vec![paths; components],
        }
    }

    /// The crossings of all of a scenario's paths from those of its shares,
    /// in path order (`engine::uncertainty::split`); `None` when the shares
    /// do not have the same components.
    pub fn joined(shares: &[&Crossings]) -> Option<Crossings> {
        let components = shares.first().map_or(0, |share| share.not_yet_over.len());
        let paths = shares.iter().map(|share| share.paths).sum();
        let mut joined = Crossings::new(components, paths);
        joined.red.clear();
        joined.over.clear();
        for component in 0..components {
            for share in shares {
                let fits = share.not_yet_over.len() == components
                    && share.red.len() == components * share.paths
                    && share.over.len() == share.red.len();
                if !fits {
                    return None;
                }
                let own = component * share.paths..(component + 1) * share.paths;
                joined.red.extend_from_slice(&share.red[own.clone()]);
                joined.over.extend_from_slice(&share.over[own]);
            }
        }
        for (component, left) in joined.not_yet_over.iter_mut().enumerate() {
            *left = shares
                .iter()
                .map(|share| share.not_yet_over[component])
                .sum();
        }
        Some(joined)
    }

    /// Per component, for months `0..months`: how many paths have been red
    /// (or worse) by then.
    pub fn red_by_month(&self, months: usize) -> Vec<Vec<usize>> {
        self.by_month(&self.red, months)
    }

    /// Per component, for months `0..months`: how many paths have been over
    /// capacity by then.
    pub fn over_by_month(&self, months: usize) -> Vec<Vec<usize>> {
        self.by_month(&self.over, months)
    }

    fn by_month(&self, crossed: &[u16], months: usize) -> Vec<Vec<usize>> {
        crossed
            .chunks(self.paths.max(1))
            .map(|component| {
                let mut counts = vec![0usize; months];
                for month in component {
                    if let Some(count) = counts.get_mut(usize::from(*month)) {
                        *count += 1;
                    }
                }
                let mut running = 0;
                for count in &mut counts {
                    running += *count;
                    *count = running;
                }
                counts
            })
            .collect()
    }

    /// Per path, the component that went red first (the earliest month; on a
    /// tie, the first in plan order), or `None`.
    pub fn first_red(&self) -> Vec<Option<usize>> {
        let components: Vec<&[u16]> = self.red.chunks(self.paths.max(1)).collect();
        (0..self.paths)
            .map(|path| {
                let mut first: Option<(u16, usize)> = None;
                for (index, months) in components.iter().enumerate() {
                    let month = months[path];
                    if month != Crossings::NEVER && first.is_none_or(|(m, _)| month < m) {
                        first = Some((month, index));
                    }
                }
                first.map(|(_, index)| index)
            })
            .collect()
    }
}

/// Runs one scenario over `paths` paths. Returns when each path crossed
/// each component's red and capacity lines, and why the run stopped early
/// if it did (a formula failing on some path).
pub fn simulate(
    valid: &ValidPlan,
    scenario: usize,
    columns: &Columns,
    paths: usize,
    observe: impl FnMut(&MonthView<'_>),
) -> (Crossings, Option<String>) {
    let mut latency_limits = LatencyLimits::for_components(&valid.plan().components);
    simulate_with(
        valid,
        scenario,
        columns,
        paths,
        &mut latency_limits,
        observe,
    )
}

/// [`simulate`], keeping what latency targets allow in `latency_limits`
/// (one per component) for the next run of the same plan: the band run and
/// the sensitivity runs ask about the same unit counts.
pub fn simulate_with(
    valid: &ValidPlan,
    scenario: usize,
    columns: &Columns,
    paths: usize,
    latency_limits: &mut [LatencyLimits],
    mut observe: impl FnMut(&MonthView<'_>),
) -> (Crossings, Option<String>) {
    let plan = valid.plan();
    let chain = valid.chain();

    let mut state = chain.column_state(paths);
    let mut users = vec![plan.baseline_users; paths];
    let mut movements = Movements::new(valid, scenario, columns, paths);
    let mut total = vec![0.0; paths];
    let mut cumulative = vec![0.0; paths];
    let mut crossings = Crossings::new(plan.components.len(), paths);
    let mut costs = MonthCosts::new(plan, paths);
    let mut break_even = BreakEven::new(plan, paths);

    // Without shocks or a sampled growth parameter every path has the same
    // users (seasons multiply them all alike): the formulas read one value.
    let users_uniform = !columns.users_vary(plan, scenario) && paths > 0;
    for month in 0..=plan.horizon_months {
        match &mut movements {
            // The growth model's users are the users.
            None if month > 0 => grow_users(plan, scenario, columns, month, &mut users),
            None => {}
            Some(movements) => {
                if month > 0 {
                    grow_users(plan, scenario, columns, month, &mut movements.trend);
                }
                movements.users(month, &mut users);
            }
        }
        let users_read = if users_uniform {
            &users[..1]
        } else {
            &users[..]
        };
        let inputs: Vec<&[f64]> = std::iter::once(users_read)
            .chain(columns.drivers.iter().map(Vec::as_slice))
            .collect();
        if let Err(error) = chain.evaluate_columns(&mut state, month, &inputs) {
            return (
                crossings,
                Some(format!("the projection stops at month {month}: {error}")),
            );
        }
        let metrics: Vec<&[f64]> = (0..plan.metrics.len())
            .map(|index| state.metric(index))
            .collect();
        let column_of = |quantity: Quantity| -> &[f64] {
            match quantity {
                Quantity::Users => &users,
                Quantity::Metric(index) => metrics[index],
            }
        };
        let limits = &mut *latency_limits;
        costs.total(valid, month, &column_of, limits, &mut total, &mut crossings);
        for (cumulative, cost) in cumulative.iter_mut().zip(&total) {
            *cumulative += cost;
        }
        let (over_budget, cost_per_user_over) = over_caps(plan, &total, &users);
        break_even.observe(&users, &total);
        observe(&MonthView {
            month,
            paths,
            users: &users,
            metrics: &metrics,
            uniform_metrics: state.uniform_metrics(),
            total_cost: &total,
            cumulative_cost: &cumulative,
            over_budget,
            cost_per_user_over,
            broke_even_by: break_even.count,
        });
    }
    (crossings, None)
}

/// Every path's users from last month's to `month`'s (from month 1).
fn grow_users(plan: &Plan, scenario: usize, columns: &Columns, month: u32, users: &mut [f64]) {
    let growth = &plan.scenarios[scenario].growth;
    if columns.growth_varies() {
        for (path, current) in users.iter_mut().enumerate() {
            let parameter = |index: usize| at(&columns.growth[index], path);
            *current = next_users(growth, &parameter, plan.baseline_users, month, *current);
        }
    } else {
        // Every path has the same growth: compute it once.
        let parameter = |index: usize| columns.growth[index][0];
        let next = next_users(growth, &parameter, plan.baseline_users, month, users[0]);
        users.fill(next);
    }
}

/// What moves a scenario's users off its growth model: seasonality (the
/// same on every path) and volatility (each path's own monthly shocks, a
/// random walk of log users with the scenario's standard deviation a month,
/// drawn from the seed's `volatility` stream, month by month and path by
/// path). `users = trend × exp(shock) × seasonal multiplier`.
struct Movements {
    /// The growth model's users, per path.
    trend: Vec<f64>,
    seasonal: Option<Vec<f64>>,
    volatility: f64,
    /// Per path, the sum of its shocks so far (log users).
    shocks: Vec<f64>,
    normals: Vec<f64>,
    rng: Option<rand_pcg::Pcg64Mcg>,
    /// A share's first path and the scenario's paths (see [`Columns::share`]).
    share: Option<(usize, usize)>,
}

impl Movements {
    /// `None` when nothing moves users off the model (the run is as before).
    fn new(
        valid: &ValidPlan,
        scenario: usize,
        columns: &Columns,
        paths: usize,
    ) -> Option<Movements> {
        let plan = valid.plan();
        let seasonal = scenario_seasonality(valid, scenario);
        let volatility = columns.shocks_volatility(plan, scenario);
        if seasonal.is_none() && volatility <= 0.0 {
            return None;
        }
        let rng = columns
            .shocks_seed
            .filter(|_| volatility > 0.0)
            .map(|seed| stream(seed, "volatility"));
        Some(Movements {
            trend: vec![plan.baseline_users; paths],
            seasonal,
            volatility,
            shocks: if rng.is_some() {
                vec![0.0; paths]
            } else {
                Vec::new()
            },
            normals: Vec::with_capacity(paths),
            rng,
            share: columns.share,
        })
    }

    /// This month's users of every path, from the trend (already grown).
    fn users(&mut self, month: u32, users: &mut [f64]) {
        let multiplier = self
            .seasonal
            .as_ref()
            .map_or(1.0, |seasonal| seasonal[month as usize]);
        match &mut self.rng {
            Some(rng) => {
                if month > 0 {
                    self.normals.clear();
                    match self.share {
                        Some((first, all)) => polar_normals_of(
                            &mut self.normals,
                            all,
                            first..first + users.len(),
                            rng,
                        ),
                        None => polar_normals(&mut self.normals, users.len(), rng),
                    }
                    for (shock, normal) in self.shocks.iter_mut().zip(&self.normals) {
                        *shock += self.volatility * normal;
                    }
                }
                for ((users, trend), shock) in users.iter_mut().zip(&self.trend).zip(&self.shocks) {
                    *users = trend * libm::exp(*shock) * multiplier;
                }
            }
            None => {
                for (users, trend) in users.iter_mut().zip(&self.trend) {
                    *users = trend * multiplier;
                }
            }
        }
    }
}

/// Where [`size_components`] puts each component's cost on every path.
enum CostsInto<'a> {
    /// Into its line's column (by component index).
    Lines(&'a mut [Vec<f64>]),
    /// Added into the running total.
    Total(&'a mut [f64]),
}

/// Sizes every component over all paths, one column at a time, its cost
/// where `into` says; and records the month each path first goes red and
/// over capacity.
fn size_components<'a>(
    valid: &ValidPlan,
    month: u32,
    column_of: &impl Fn(Quantity) -> &'a [f64],
    latency_limits: &mut [LatencyLimits],
    mut into: CostsInto,
    (sized_costs, statuses): (&mut [f64], &mut [u8]),
    crossings: &mut Crossings,
) {
    let plan = valid.plan();
    let resolved = valid.resolved();
    let components = plan
        .components
        .iter()
        .zip(resolved.component_loads.iter().zip(&resolved.tier_tables));
    for (index, (component, (loads, table))) in components.enumerate() {
        let load_columns: Vec<&[f64]> = loads.iter().map(|quantity| column_of(*quantity)).collect();
        let costs: &mut [f64] = match &mut into {
            CostsInto::Lines(columns) => &mut columns[index],
            CostsInto::Total(_) => &mut *sized_costs,
        };
        size_column(
            component,
            table,
            month,
            &mut latency_limits[index],
            &load_columns,
            costs,
            statuses,
        );
        if let CostsInto::Total(total) = &mut into {
            for (total, cost) in total.iter_mut().zip(&*sized_costs) {
                *total += cost;
            }
        }
        // Months count from 0 to the horizon, which validation bounds
        // well below `NEVER`.
        crossings.record(index, month as u16, statuses);
    }
}

/// What a month's costs are worked out in, kept from month to month: one
/// component's cost and status on every path, as [`size_column`] leaves
/// them, and each line's column when lines are kept apart.
struct MonthCosts {
    costs: Vec<f64>,
    statuses: Vec<u8>,
    /// Percentage lines read other lines' columns: only then is every line
    /// kept in a column of its own (else each is added into the total).
    line_by_line: bool,
    line_columns: Vec<Vec<f64>>,
}

impl MonthCosts {
    fn new(plan: &Plan, paths: usize) -> MonthCosts {
        let line_by_line = has_percentage_lines(plan);
        let lines = plan.components.len() + plan.costs.len();
        MonthCosts {
            costs: vec![0.0; paths],
            statuses: vec![0; paths],
            line_by_line,
            line_columns: vec![vec![0.0; paths]; if line_by_line { lines } else { 0 }],
        }
    }

    /// Every path's total cost in `month` into `total`, recording its
    /// components' crossings.
    fn total<'a>(
        &mut self,
        valid: &ValidPlan,
        month: u32,
        column_of: &impl Fn(Quantity) -> &'a [f64],
        latency_limits: &mut [LatencyLimits],
        total: &mut [f64],
        crossings: &mut Crossings,
    ) {
        let (plan, resolved) = (valid.plan(), valid.resolved());
        let into = if self.line_by_line {
            CostsInto::Lines(&mut self.line_columns)
        } else {
            // The same sums in the same order with no column per line: each
            // line added into the total from zero.
            total.fill(0.0);
            CostsInto::Total(&mut *total)
        };
        let sized = (&mut self.costs[..], &mut self.statuses[..]);
        size_components(
            valid,
            month,
            column_of,
            latency_limits,
            into,
            sized,
            crossings,
        );
        if self.line_by_line {
            fill_line_costs(plan, resolved, month, column_of, &mut self.line_columns);
            sum_lines(&self.line_columns, total);
        } else {
            add_cost_lines(plan, resolved, month, column_of, total);
        }
    }
}

/// How many paths this month cost more than the monthly budget, and how many
/// cost more per user than its cap (0 without a cap).
fn over_caps(plan: &Plan, total: &[f64], users: &[f64]) -> (usize, usize) {
    let budget = plan.budget.as_ref();
    let mut over_budget = 0;
    let mut cost_per_user_over = 0;
    if let Some(cap) = budget.and_then(|b| b.monthly_cap) {
        over_budget = total.iter().filter(|cost| **cost > cap).count();
    }
    if let Some(cap) = budget.and_then(|b| b.cost_per_user_cap) {
        cost_per_user_over = total
            .iter()
            .zip(users)
            .filter(|(cost, users)| **users >= 1.0 && **cost / **users > cap)
            .count();
    }
    (over_budget, cost_per_user_over)
}

/// Which paths' revenue has covered their monthly cost by now, and how many.
struct BreakEven {
    revenue_per_user: Option<f64>,
    broke_even: Vec<bool>,
    count: usize,
}

impl BreakEven {
    fn new(plan: &Plan, paths: usize) -> BreakEven {
        BreakEven {
            revenue_per_user: plan
                .revenue
                .as_ref()
                .map(|r| r.paying_share * r.price_per_month),
            broke_even: vec![false; paths],
            count: 0,
        }
    }

    fn observe(&mut self, users: &[f64], total: &[f64]) {
        let Some(per_user) = self.revenue_per_user else {
            return;
        };
        for ((even, users), cost) in self.broke_even.iter_mut().zip(users).zip(total) {
            if !*even && users * per_user >= *cost {
                *even = true;
                self.count += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::inputs::scenario_inputs;
    use crate::engine::model::templates;
    use crate::engine::project::sizing::size_component;
    use crate::engine::project::sizing::Status;

    /// The crossings a run keeps agree with sizing every path every month
    /// one by one, on every template over 120 months (long enough for some
    /// components to be over capacity on every path, when the run stops
    /// recording them).
    #[test]
    fn crossings_match_sizing_path_by_path() {
        let paths = 300;
        let mut saturated = 0;
        for template in templates::TEMPLATES {
            let plan = templates::load(template.id)
                .and_then(Result::ok)
                .and_then(|plan| plan.with_overrides(Some(120), None).ok())
                .expect("a valid template");
            let resolved = plan.resolved();
            let components = &plan.plan().components;
            for scenario in 0..plan.plan().scenarios.len() {
                let inputs = scenario_inputs(plan.plan(), scenario);
                let columns = Columns::sampled(&inputs, paths, 11);
                let mut red_since = vec![vec![Crossings::NEVER; paths]; components.len()];
                let mut over_since = red_since.clone();
                let mut limits = LatencyLimits::for_components(components);
                let (crossings, stopped) = simulate(&plan, scenario, &columns, paths, |view| {
                    let month = view.month as u16;
                    for (index, component) in components.iter().enumerate() {
                        let loads = &resolved.component_loads[index];
                        let table = &resolved.tier_tables[index];
                        for path in 0..paths {
                            let load = |k: usize| match loads[k] {
                                Quantity::Users => view.users[path],
                                Quantity::Metric(metric) => view.metrics[metric][path],
                            };
                            let status = size_component(
                                component,
                                table,
                                view.month,
                                &mut limits[index],
                                load,
                            )
                            .status;
                            let (red, over) =
                                (&mut red_since[index][path], &mut over_since[index][path]);
                            if status >= Status::Red && *red == Crossings::NEVER {
                                *red = month;
                            }
                            if status == Status::OverCapacity && *over == Crossings::NEVER {
                                *over = month;
                            }
                        }
                    }
                });
                assert_eq!(stopped, None, "{}", template.id);
                let flat = |since: &[Vec<u16>]| since.concat();
                assert_eq!(crossings.red, flat(&red_since), "{} red", template.id);
                assert_eq!(crossings.over, flat(&over_since), "{} over", template.id);
                saturated += crossings.not_yet_over.iter().filter(|n| **n == 0).count();
            }
        }
        assert!(
            saturated > 0,
            "some component is over capacity on every path"
        );
    }
}
