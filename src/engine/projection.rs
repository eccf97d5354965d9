//! From a valid plan to month-by-month figures: users, metrics, sizing of
//! every component, costs by line, revenue and flags, per scenario.
//! One plan in, one projection out.

use super::events::{derive_events, Event};
use super::growth::project_users;
use super::plan::{Component, CostLine, Horizontal, Plan, Tiered};
use super::validate::{Quantity, TierTable, ValidPlan, MAX_TIER_METRICS};

/// More users than people on Earth: figures past this are flagged, not hidden.
pub const IMPLAUSIBLE_USERS: f64 = 8e9;

#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub scenarios: Vec<ScenarioProjection>,
}

impl Projection {
    pub fn scenario(&self, name: &str) -> Option<&ScenarioProjection> {
        self.scenarios.iter().find(|scenario| scenario.name == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioProjection {
    pub name: String,
    /// Months 0 (the baseline) to the horizon, or to the month before a
    /// formula failed (see `stopped`).
    pub months: Vec<MonthResult>,
    pub events: Vec<Event>,
    /// Per component: today's setup, if the plan states it.
    pub today: Vec<Option<TodaysCapacity>>,
    /// Why the projection ended early, if it did.
    pub stopped: Option<String>,
}

impl ScenarioProjection {
    pub fn at(&self, month: u32) -> Option<&MonthResult> {
        self.months.get(month as usize)
    }

    pub fn last(&self) -> Option<&MonthResult> {
        self.months.last()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonthResult {
    pub month: u32,
    pub users: f64,
    /// By metric, in plan order.
    pub metrics: Vec<f64>,
    /// By component, in plan order.
    pub components: Vec<Sizing>,
    /// By cost line: components first, then the plan's cost lines, in order.
    pub costs: Vec<f64>,
    pub total_cost: f64,
    pub cumulative_cost: f64,
    /// Total cost ÷ users, when there is at least one user.
    pub cost_per_user: Option<f64>,
    pub cost_per_1k_requests: Option<f64>,
    pub revenue: Option<f64>,
    pub cumulative_revenue: Option<f64>,
    pub margin: Option<f64>,
    /// Users needed for revenue to cover this month's cost.
    pub break_even_users: Option<f64>,
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Green,
    Yellow,
    Red,
    /// Even the largest setup cannot hold the load.
    OverCapacity,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Green => "green",
            Status::Yellow => "yellow",
            Status::Red => "red",
            Status::OverCapacity => "over capacity",
        }
    }
}

/// One component in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct Sizing {
    /// Units in service including spares (horizontal components).
    pub units: Option<u32>,
    /// Index of the chosen tier (tiered components).
    pub tier: Option<usize>,
    /// The highest utilization of any limit, of the capacity in service.
    pub utilization: f64,
    pub status: Status,
    pub cost: f64,
}

/// Today's setup of a component, measured against month 0's load.
#[derive(Debug, Clone, PartialEq)]
pub struct TodaysCapacity {
    /// `3 units` or `Pro`.
    pub setup: String,
    pub utilization: f64,
    pub headroom: f64,
    pub status: Status,
    /// The first month today's setup no longer holds the load at its target.
    pub runs_out: Option<u32>,
}

/// Projects every scenario of the plan over its horizon.
pub fn project(valid: &ValidPlan) -> Projection {
    Projection {
        scenarios: valid
            .plan()
            .scenarios
            .iter()
            .enumerate()
            .map(|(index, _)| project_scenario(valid, index))
            .collect(),
    }
}

/// The names of the cost lines, in the order of [`MonthResult::costs`].
pub fn cost_line_names(plan: &Plan) -> Vec<&str> {
    plan.components
        .iter()
        .map(Component::name)
        .chain(plan.costs.iter().map(CostLine::name))
        .collect()
}

fn project_scenario(valid: &ValidPlan, index: usize) -> ScenarioProjection {
    let plan = valid.plan();
    let scenario = &plan.scenarios[index];
    let users = project_users(&scenario.growth, plan.baseline_users, plan.horizon_months);
    // Uncertain drivers at their medians: the deterministic projection.
    let mut inputs: Vec<f64> = std::iter::once(0.0)
        .chain((0..plan.drivers.len()).map(|driver| plan.driver_value(index, driver).median()))
        .collect();
    let chain = valid.chain();
    let mut state = chain.scalar_state();
    let mut months = Vec::with_capacity(users.len());
    let mut stopped = None;
    let mut cumulative_cost = 0.0;
    let mut cumulative_revenue = 0.0;
    let resolved = valid.resolved();
    let mut line_columns = vec![vec![0.0]; plan.components.len() + plan.costs.len()];
    for (month, users) in users.iter().enumerate() {
        let month = month as u32;
        inputs[0] = *users;
        if let Err(error) = chain.evaluate_scalar(&mut state, month, &inputs) {
            stopped = Some(format!("the projection stops at month {month}: {error}"));
            break;
        }
        let metrics = state.metrics().to_vec();
        let value_of = |quantity: Quantity| match quantity {
            Quantity::Users => *users,
            Quantity::Metric(index) => metrics[index],
        };
        let components: Vec<Sizing> = plan
            .components
            .iter()
            .zip(resolved.component_loads.iter().zip(&resolved.tier_tables))
            .map(|(component, (loads, table))| {
                size_component(component, table, |k| value_of(loads[k]))
            })
            .collect();
        let users_column = [*users];
        let column_of = |quantity: Quantity| -> &[f64] {
            match quantity {
                Quantity::Users => &users_column,
                Quantity::Metric(index) => &metrics[index..=index],
            }
        };
        for (column, sizing) in line_columns.iter_mut().zip(&components) {
            column[0] = sizing.cost;
        }
        fill_line_costs(plan, resolved, month, &column_of, &mut line_columns);
        let mut total = [0.0];
        sum_lines(&line_columns, &mut total);
        let total_cost = total[0];
        let costs: Vec<f64> = line_columns.iter().map(|column| column[0]).collect();
        let requests = resolved.requests.map(value_of);
        let result = finish_month(
            plan,
            month,
            *users,
            metrics.clone(),
            components,
            costs,
            total_cost,
            requests,
            &mut cumulative_cost,
            &mut cumulative_revenue,
        );
        if !result.total_cost.is_finite() || !result.cumulative_cost.is_finite() {
            stopped = Some(format!(
                "the projection stops at month {month}: costs exceed what can be computed"
            ));
            break;
        }
        months.push(result);
    }
    let today = plan
        .components
        .iter()
        .enumerate()
        .map(|(index, component)| todays_capacity(valid, index, component, &months))
        .collect();
    let mut projection = ScenarioProjection {
        name: scenario.name.clone(),
        months,
        events: Vec::new(),
        today,
        stopped,
    };
    projection.events = derive_events(plan, &projection);
    projection
}

#[allow(clippy::too_many_arguments)]
fn finish_month(
    plan: &Plan,
    month: u32,
    users: f64,
    metrics: Vec<f64>,
    components: Vec<Sizing>,
    costs: Vec<f64>,
    total_cost: f64,
    requests: Option<f64>,
    cumulative_cost: &mut f64,
    cumulative_revenue: &mut f64,
) -> MonthResult {
    *cumulative_cost += total_cost;
    let cost_per_user = (users >= 1.0).then(|| total_cost / users);
    let cost_per_1k_requests = requests
        .filter(|requests| *requests > 0.0)
        .map(|requests| total_cost / (requests / 1000.0));
    let (revenue, margin, break_even_users) = match &plan.revenue {
        Some(revenue) => {
            let per_user = revenue.paying_share * revenue.price_per_month;
            let income = users * per_user;
            *cumulative_revenue += income;
            let needed = (per_user > 0.0).then(|| (total_cost / per_user).ceil());
            (Some(income), Some(income - total_cost), needed)
        }
        None => (None, None, None),
    };
    let mut flags = Vec::new();
    let names = cost_line_names(plan);
    for (index, sizing) in components.iter().enumerate() {
        if sizing.status == Status::OverCapacity {
            flags.push(format!("{} is over capacity", names[index]));
        }
    }
    if let Some(budget) = &plan.budget {
        if budget.monthly_cap.is_some_and(|cap| total_cost > cap) {
            flags.push("over the monthly budget".to_string());
        }
        if let (Some(cap), Some(per_user)) = (budget.cost_per_user_cap, cost_per_user) {
            if per_user > cap {
                flags.push("cost per user over its cap".to_string());
            }
        }
    }
    if users > IMPLAUSIBLE_USERS {
        flags.push("users exceed the world's population: check the growth assumptions".to_string());
    }
    MonthResult {
        month,
        users,
        metrics,
        components,
        costs,
        total_cost,
        cumulative_cost: *cumulative_cost,
        cost_per_user,
        cost_per_1k_requests,
        revenue,
        cumulative_revenue: revenue.map(|_| *cumulative_revenue),
        margin,
        break_even_users,
        flags,
    }
}

fn status(utilization: f64, over: bool, thresholds: super::plan::Thresholds) -> Status {
    if over {
        Status::OverCapacity
    } else if utilization > thresholds.red {
        Status::Red
    } else if utilization >= thresholds.yellow {
        Status::Yellow
    } else {
        Status::Green
    }
}

/// `units = clamp(ceil(load / (capacity × target)), min, max) + spare`.
pub fn size_horizontal(h: &Horizontal, load: f64) -> Sizing {
    let needed = units_needed(h, load);
    let active = needed.clamp(f64::from(h.min_units), f64::from(h.max_units)) as u32;
    let units = active + h.spare_units;
    let utilization = utilization_of(h, load, active);
    let over = load > h.capacity_per_unit * f64::from(h.max_units);
    let unit_cost = h.unit_cost * (1.0 - h.reserved_share * h.reserved_discount);
    Sizing {
        units: Some(units),
        tier: None,
        utilization,
        status: status(utilization, over, h.thresholds),
        cost: f64::from(units) * unit_cost,
    }
}

fn units_needed(h: &Horizontal, load: f64) -> f64 {
    if load <= 0.0 {
        0.0
    } else {
        ceil_non_negative(load / (h.capacity_per_unit * h.target_utilization))
    }
}

/// `x.ceil()` for x ≥ 0, without a library call on targets lacking a native
/// rounding instruction: exact below 2⁶³, where every float is an integer
/// above 2⁵² anyway.
#[inline(always)]
fn ceil_non_negative(x: f64) -> f64 {
    // Through i64, not u64: one conversion instruction instead of a
    // branchy sequence, and the same value for every x below 9.2e18 (< 2⁶³).
    if x < 9.2e18 {
        let whole = x as i64 as f64;
        if whole < x {
            whole + 1.0
        } else {
            whole
        }
    } else {
        x
    }
}

fn utilization_of(h: &Horizontal, load: f64, active: u32) -> f64 {
    if load <= 0.0 {
        0.0
    } else if active == 0 {
        f64::INFINITY
    } else {
        load / (h.capacity_per_unit * f64::from(active))
    }
}

/// The cheapest tier whose every limit holds its load at the target; if none
/// does, the last (largest) tier. `loads[metric]` in the component's order.
pub fn size_tiered(t: &Tiered, table: &TierTable, loads: &[f64]) -> Sizing {
    #[inline(always)]
    fn fits(limits: &[f64], loads: &[f64], share: f64) -> bool {
        limits
            .iter()
            .zip(loads)
            .all(|(limit, load)| *load <= limit * share)
    }
    let found = if table.single_metric_fits.is_empty() {
        table
            .by_price
            .iter()
            .copied()
            .find(|tier| fits(&table.limits[*tier], loads, t.target_utilization))
    } else {
        // One metric: the same test, `load <= limit * target`, precomputed.
        let load = loads[0];
        table
            .single_metric_fits
            .iter()
            .position(|holds| load <= *holds)
            .map(|position| table.by_price[position])
    };
    let chosen = found.unwrap_or(t.tiers.len() - 1);
    let limits = &table.limits[chosen];
    let utilization = tier_utilization(limits, loads);
    Sizing {
        units: None,
        tier: Some(chosen),
        utilization,
        status: status(utilization, !fits(limits, loads, 1.0), t.thresholds),
        cost: t.tiers[chosen].price,
    }
}

fn tier_utilization(limits: &[f64], loads: &[f64]) -> f64 {
    limits
        .iter()
        .zip(loads)
        .map(|(limit, load)| load / limit)
        .fold(0.0, f64::max)
}

/// Sizes one component; `load(k)` is the k-th quantity it carries. Shared
/// by the deterministic projection and every Monte Carlo path.
#[inline(always)]
pub(crate) fn size_component(
    component: &Component,
    table: &TierTable,
    load: impl Fn(usize) -> f64,
) -> Sizing {
    match component {
        Component::Horizontal(h) => size_horizontal(h, load(0)),
        Component::Tiered(t) => {
            // On the stack: validation caps a tiered component's metrics.
            let mut loads = [0.0; MAX_TIER_METRICS];
            let count = t.metrics.len();
            for (k, slot) in loads[..count].iter_mut().enumerate() {
                *slot = load(k);
            }
            size_tiered(t, table, &loads[..count])
        }
    }
}

/// Fills the plan's cost lines, one column of paths each (indexed like
/// [`cost_line_names`]; the component columns already hold their costs):
/// fixed, usage and one-off lines, then percentage lines from the others.
/// The deterministic projection calls it with one path; Monte Carlo with many.
pub(crate) fn fill_line_costs<'a>(
    plan: &Plan,
    resolved: &super::validate::Resolved,
    month: u32,
    column_of: &impl Fn(Quantity) -> &'a [f64],
    columns: &mut [Vec<f64>],
) {
    let offset = plan.components.len();
    for (index, line) in plan.costs.iter().enumerate() {
        let out = &mut columns[offset + index];
        match line {
            CostLine::Fixed { amount, .. } => out.fill(*amount),
            CostLine::Usage {
                price,
                free,
                volume_tiers,
                ..
            } => match resolved.line_quantity[index] {
                Some(quantity) => {
                    for (cost, amount) in out.iter_mut().zip(column_of(quantity)) {
                        *cost = usage_cost(*amount, *price, *free, volume_tiers);
                    }
                }
                None => out.fill(0.0),
            },
            CostLine::OneOff {
                month: when,
                amount,
                ..
            } => out.fill(if *when == month { *amount } else { 0.0 }),
            CostLine::Percentage { .. } => {}
        }
    }
    for (index, line) in plan.costs.iter().enumerate() {
        if let CostLine::Percentage { share, .. } = line {
            let (before, rest) = columns.split_at_mut(offset + index);
            let Some((out, after)) = rest.split_first_mut() else {
                continue;
            };
            out.fill(0.0);
            for other in &resolved.percentage_of[index] {
                // Percentage lines never refer to percentage lines, so the
                // source is another line, before or after this one.
                let source = if *other < offset + index {
                    &before[*other]
                } else {
                    &after[*other - offset - index - 1]
                };
                for (cost, base) in out.iter_mut().zip(source) {
                    *cost += base;
                }
            }
            for cost in out.iter_mut() {
                *cost *= share;
            }
        }
    }
}

/// Sums the cost line columns into `total`, in line order.
pub(crate) fn sum_lines(columns: &[Vec<f64>], total: &mut [f64]) {
    total.fill(0.0);
    for column in columns {
        for (sum, cost) in total.iter_mut().zip(column) {
            *sum += cost;
        }
    }
}

/// Price per unit above a free allowance, with graduated volume tiers: the
/// units of the billable quantity above each tier's `above` cost its price.
pub fn usage_cost(quantity: f64, price: f64, free: f64, tiers: &[super::plan::VolumeTier]) -> f64 {
    let billable = (quantity - free).max(0.0);
    let mut cost = 0.0;
    let mut lower = 0.0;
    let mut current_price = price;
    for tier in tiers {
        if billable > lower {
            cost += (billable.min(tier.above) - lower).max(0.0) * current_price;
        }
        lower = tier.above;
        current_price = tier.price;
    }
    if billable > lower {
        cost += (billable - lower) * current_price;
    }
    cost
}

fn todays_capacity(
    valid: &ValidPlan,
    index: usize,
    component: &Component,
    months: &[MonthResult],
) -> Option<TodaysCapacity> {
    let first = months.first()?;
    let quantity = |month: &MonthResult, name: &str| match valid.quantity(name) {
        Quantity::Users => month.users,
        Quantity::Metric(index) => month.metrics[index],
    };
    match component {
        Component::Horizontal(h) => {
            let current = h.current_units?;
            let active = current.saturating_sub(h.spare_units);
            let load = quantity(first, &h.metric);
            let utilization = utilization_of(h, load, active);
            let runs_out = months
                .iter()
                .find(|month| units_needed(h, quantity(month, &h.metric)) > f64::from(active))
                .map(|month| month.month);
            Some(TodaysCapacity {
                setup: format!("{current} unit{}", if current == 1 { "" } else { "s" }),
                utilization,
                headroom: 1.0 - utilization,
                status: status(
                    utilization,
                    load > h.capacity_per_unit * f64::from(active),
                    h.thresholds,
                ),
                runs_out,
            })
        }
        Component::Tiered(t) => {
            let current = t.current_tier.as_ref()?;
            let tier = t.tiers.iter().position(|tier| &tier.name == current)?;
            let limits = &valid.resolved().tier_tables[index].limits[tier];
            let loads = |month: &MonthResult| {
                t.metrics
                    .iter()
                    .map(|m| quantity(month, m))
                    .collect::<Vec<_>>()
            };
            let utilization = tier_utilization(limits, &loads(first));
            let holds = |month: &MonthResult, share: f64| {
                limits
                    .iter()
                    .zip(loads(month))
                    .all(|(limit, load)| load <= limit * share)
            };
            let runs_out = months
                .iter()
                .find(|month| !holds(month, t.target_utilization))
                .map(|month| month.month);
            Some(TodaysCapacity {
                setup: current.clone(),
                utilization,
                headroom: 1.0 - utilization,
                status: status(utilization, !holds(first, 1.0), t.thresholds),
                runs_out,
            })
        }
    }
}

#[cfg(test)]
mod ceil_tests {
    use super::ceil_non_negative;

    #[test]
    fn matches_ceil() {
        for x in [
            0.0,
            0.1,
            0.5,
            1.0,
            1.0000001,
            2.5,
            8.16,
            1e9 + 0.5,
            4503599627370495.5,
            9e15,
            1e18,
            1e19,
            1e300,
        ] {
            assert_eq!(
                ceil_non_negative(x).to_bits(),
                f64::ceil(x).to_bits(),
                "{x}"
            );
        }
    }
}
