//! From a valid plan to month-by-month figures: users, metrics, sizing of
//! every component, costs by line, revenue and flags, per scenario.
//! One plan in, one projection out.

use crate::engine::model::number::units_text;
use crate::engine::model::plan::{Component, CostLine, Plan};
use crate::engine::model::validate::{Quantity, ValidPlan};
use crate::engine::project::growth::{project_users, scenario_seasonality};
use crate::engine::project::sizing::{
    size_component, status, tier_utilization, units_needed, utilization_of, LatencyLimits, Sizing,
    Status,
};

/// More users than people on Earth: figures past this are flagged, not hidden.
pub const IMPLAUSIBLE_USERS: f64 = 8e9;

/// One scenario's months, as projected: what the later stages
/// ([`crate::engine::analyse`]) read.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioMonths {
    pub name: String,
    /// Months 0 (the baseline) to the horizon, or to the month before a
    /// formula failed (see `stopped`).
    pub months: Vec<MonthResult>,
    /// Per component: today's setup, if the plan states it.
    pub today: Vec<Option<TodaysCapacity>>,
    /// Why the projection ended early, if it did.
    pub stopped: Option<String>,
}

impl ScenarioMonths {
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

/// The names of the cost lines, in the order of [`MonthResult::costs`].
pub fn cost_line_names(plan: &Plan) -> Vec<&str> {
    plan.components
        .iter()
        .map(Component::name)
        .chain(plan.costs.iter().map(CostLine::name))
        .collect()
}

/// Projects scenario `index` month by month over the plan's horizon (or
/// until a formula fails or costs overflow).
pub fn project_months(valid: &ValidPlan, index: usize) -> ScenarioMonths {
    let plan = valid.plan();
    let scenario = &plan.scenarios[index];
    let mut users = project_users(&scenario.growth, plan.baseline_users, plan.horizon_months);
    // Seasonality on the growth model's users; volatility's shocks have a
    // median of none, so this is the median path.
    if let Some(multipliers) = scenario_seasonality(valid, index) {
        for (users, multiplier) in users.iter_mut().zip(multipliers) {
            *users *= multiplier;
        }
    }
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
    let mut latency_limits = LatencyLimits::for_components(&plan.components);
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
            .zip(&mut latency_limits)
            .map(|((component, (loads, table)), limits)| {
                size_component(component, table, month, limits, |k| value_of(loads[k]))
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
    ScenarioMonths {
        name: scenario.name.clone(),
        months,
        today,
        stopped,
    }
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

/// Fills the plan's cost lines, one column of paths each (indexed like
/// [`cost_line_names`]; the component columns already hold their costs):
/// fixed, usage and one-off lines, then percentage lines from the others.
/// The deterministic projection calls it with one path; Monte Carlo with many.
pub(crate) fn fill_line_costs<'a>(
    plan: &Plan,
    resolved: &crate::engine::model::validate::Resolved,
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

/// Whether a line is a share of others (which needs every line's column).
pub(crate) fn has_percentage_lines(plan: &Plan) -> bool {
    plan.costs
        .iter()
        .any(|line| matches!(line, CostLine::Percentage { .. }))
}

/// Adds each cost line into `total` (which holds the components' costs) as
/// it is worked out, in line order: the sums [`fill_line_costs`] then
/// [`sum_lines`] make, without a column per line, for a plan without
/// percentage lines ([`has_percentage_lines`]; they are skipped here).
/// A line that is one amount on every path adds it; a line that is zero
/// adds nothing (`total` is never minus zero, so `x + 0` is `x`).
pub(crate) fn add_cost_lines<'a>(
    plan: &Plan,
    resolved: &crate::engine::model::validate::Resolved,
    month: u32,
    column_of: &impl Fn(Quantity) -> &'a [f64],
    total: &mut [f64],
) {
    let add = |total: &mut [f64], amount: f64| {
        for sum in total.iter_mut() {
            *sum += amount;
        }
    };
    for (index, line) in plan.costs.iter().enumerate() {
        match line {
            CostLine::Fixed { amount, .. } => add(total, *amount),
            CostLine::Usage {
                price,
                free,
                volume_tiers,
                ..
            } => {
                if let Some(quantity) = resolved.line_quantity[index] {
                    for (sum, amount) in total.iter_mut().zip(column_of(quantity)) {
                        *sum += usage_cost(*amount, *price, *free, volume_tiers);
                    }
                }
            }
            CostLine::OneOff {
                month: when,
                amount,
                ..
            } if *when == month => add(total, *amount),
            CostLine::OneOff { .. } | CostLine::Percentage { .. } => {}
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
///
/// The floor at zero and the cap at a tier's top are comparisons rather
/// than `f64::max` and `f64::min`: the same numbers (a NaN quantity bills
/// nothing either way, and a zero of either sign adds nothing), but in
/// WebAssembly `max` and `min` are calls, where a comparison lets the
/// Monte Carlo's column of paths run in vector lanes.
pub fn usage_cost(
    quantity: f64,
    price: f64,
    free: f64,
    tiers: &[crate::engine::model::plan::VolumeTier],
) -> f64 {
    let billable = at_least_zero(quantity - free);
    let mut cost = 0.0;
    let mut lower = 0.0;
    let mut current_price = price;
    for tier in tiers {
        if billable > lower {
            let top = if billable < tier.above {
                billable
            } else {
                tier.above
            };
            cost += at_least_zero(top - lower) * current_price;
        }
        lower = tier.above;
        current_price = tier.price;
    }
    if billable > lower {
        cost += (billable - lower) * current_price;
    }
    cost
}

/// `x` when above zero, else zero (NaN included): `x.max(0.0)` as a
/// comparison.
fn at_least_zero(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
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
            // Out of room when utilization needs more units, or the
            // response-time target does.
            let mut limits = LatencyLimits::new(component);
            let runs_out = months
                .iter()
                .find(|month| {
                    let load = quantity(month, &h.metric);
                    units_needed(h, load) > f64::from(active)
                        || (load > 0.0 && load > limits.max_rate(active))
                })
                .map(|month| month.month);
            Some(TodaysCapacity {
                setup: units_text(current),
                utilization,
                headroom: 1.0 - utilization,
                // At least red when today's units already miss the
                // response-time target.
                status: status(
                    utilization,
                    load > h.capacity() * f64::from(active),
                    h.utilization_thresholds(),
                )
                .max(if load > 0.0 && load > limits.max_rate(active) {
                    Status::Red
                } else {
                    Status::Green
                }),
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
mod tests {
    use super::*;
    use crate::engine::model::plan::VolumeTier;
    use crate::engine::model::templates;

    /// The usage price with comparisons is the one written with `max` and
    /// `min` (the plan format's formula), bit for bit: quantities below,
    /// at and above the allowance and each tier's top, zeros of both signs,
    /// NaN and infinities, with and without volume tiers.
    #[test]
    fn usage_cost_is_the_max_and_min_formula() {
        let written = |quantity: f64, price: f64, free: f64, tiers: &[VolumeTier]| {
            let billable = (quantity - free).max(0.0);
            let (mut cost, mut lower, mut current_price) = (0.0, 0.0, price);
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
        };
        let tier = |above: f64, price: f64| VolumeTier { above, price };
        let tier_sets = [
            vec![],
            vec![tier(1000.0, 0.05)],
            vec![tier(100.0, 0.5), tier(100.0, 0.25), tier(5000.0, 0.0)],
        ];
        let quantities = [
            -0.0,
            0.0,
            -5.0,
            1.0,
            99.0,
            100.0,
            100.5,
            1000.0,
            1100.0,
            1e12,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            5100.0,
        ];
        let mut checked = 0;
        for tiers in &tier_sets {
            for free in [0.0, -0.0, 100.0] {
                for price in [0.0, 0.023, 2.5] {
                    for quantity in quantities {
                        let got = usage_cost(quantity, price, free, tiers);
                        let want = written(quantity, price, free, tiers);
                        assert_eq!(
                            got.to_bits(),
                            want.to_bits(),
                            "{quantity} at {price} above {free} with {tiers:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 3 * 3 * 3 * quantities.len());
    }

    /// Adding each cost line into the total as it is worked out gives the
    /// sums a column per line gives, bit for bit: every template without a
    /// percentage line, every month of two years (the one-off migrations
    /// among them), on paths whose components cost different amounts
    /// (zero among them) and whose quantities differ.
    #[test]
    fn cost_lines_added_as_worked_out_sum_as_their_columns_do() {
        let paths = 37;
        let mut checked = 0;
        for template in templates::TEMPLATES {
            let valid = templates::load(template.id)
                .and_then(Result::ok)
                .and_then(|plan| plan.with_overrides(Some(24), None).ok())
                .expect("a valid template");
            let (plan, resolved) = (valid.plan(), valid.resolved());
            if has_percentage_lines(plan) {
                continue;
            }
            let spread = |seed: usize, scale: f64| -> Vec<f64> {
                (0..paths)
                    .map(|path| ((seed * 31 + path * 17) % 23) as f64 * scale)
                    .collect()
            };
            let components: Vec<Vec<f64>> = (0..plan.components.len())
                .map(|index| spread(index, 13.7))
                .collect();
            let metrics: Vec<Vec<f64>> = (0..plan.metrics.len())
                .map(|index| spread(index + 5, 1234.5))
                .collect();
            let users = spread(11, 977.0);
            let column_of = |quantity: Quantity| -> &[f64] {
                match quantity {
                    Quantity::Users => &users,
                    Quantity::Metric(index) => &metrics[index],
                }
            };
            for month in 0..=plan.horizon_months {
                let mut lines = components.clone();
                lines.extend(vec![vec![0.0; paths]; plan.costs.len()]);
                fill_line_costs(plan, resolved, month, &column_of, &mut lines);
                let mut by_columns = vec![f64::NAN; paths];
                sum_lines(&lines, &mut by_columns);
                let mut added = vec![f64::NAN; paths];
                sum_lines(&components, &mut added);
                add_cost_lines(plan, resolved, month, &column_of, &mut added);
                let bits = |column: &[f64]| column.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    bits(&added),
                    bits(&by_columns),
                    "{} month {month}",
                    template.id
                );
                checked += 1;
            }
        }
        assert!(checked >= 4 * 25, "four templates have no percentage line");
    }
}
