//! The column engine: one scenario over many paths at once, month by month.
//!
//! Buffers are allocated once per run and reused every month; per path the
//! work is arithmetic on those buffers, with the same sizing and cost
//! functions as the deterministic projection.

use super::sample::sample_column;
use crate::engine::growth::next_users;
use crate::engine::plan::Plan;
use crate::engine::projection::{fill_line_costs, sum_lines, Status};
use crate::engine::sizing::size_column;
use crate::engine::validate::{Quantity, ValidPlan};

/// One uncertain (or fixed) input of a scenario, and where it goes.
#[derive(Debug, Clone)]
pub struct Input {
    /// How people read it: `driver requests_per_user_month`, `growth churn`.
    pub label: String,
    /// Its sampling stream's key.
    pub key: String,
    pub target: Target,
    pub value: crate::engine::plan::Value,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Driver(usize),
    Growth(usize),
}

/// Every input of a scenario: each driver (its scenario value) and each
/// growth parameter, in a fixed order.
pub fn scenario_inputs(plan: &Plan, scenario: usize) -> Vec<Input> {
    let drivers = (0..plan.drivers.len()).map(|index| {
        let name = &plan.drivers[index].name;
        Input {
            label: format!("driver {name}"),
            key: format!("driver:{name}"),
            target: Target::Driver(index),
            value: plan.driver_value(scenario, index),
            min: -crate::engine::validate::MAX_VALUE,
            max: crate::engine::validate::MAX_VALUE,
        }
    });
    let growth = plan.scenarios[scenario]
        .growth
        .parameters()
        .into_iter()
        .enumerate()
        .map(|(index, (label, value, min, max))| Input {
            label: format!("growth {label}"),
            key: format!("growth:{label}"),
            target: Target::Growth(index),
            value,
            min,
            max,
        });
    drivers.chain(growth).collect()
}

/// Per-path values of every input: one value shared by all paths, or one each.
#[derive(Debug, Clone)]
pub struct Columns {
    pub drivers: Vec<Vec<f64>>,
    pub growth: Vec<Vec<f64>>,
}

impl Columns {
    /// Samples every input of a scenario.
    pub fn sampled(inputs: &[Input], paths: usize, seed: u64) -> Columns {
        Columns::build(inputs, |_, input| {
            sample_column(&input.value, input.min, input.max, paths, seed, &input.key)
        })
    }

    /// A column per input, from `column(index, input)`: one value shared by
    /// every path, or one per path.
    pub fn build(inputs: &[Input], column: impl Fn(usize, &Input) -> Vec<f64>) -> Columns {
        let mut columns = Columns {
            drivers: Vec::new(),
            growth: Vec::new(),
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
    pub total_cost: &'a [f64],
    pub cumulative_cost: &'a [f64],
    /// Per component: paths that have been red (or worse) by this month.
    pub red_by: &'a [usize],
    /// Per component: paths that have been over capacity by this month.
    pub over_by: &'a [usize],
    /// Paths whose monthly cost is over the budget this month.
    pub over_budget: usize,
    /// Paths whose cost per user is over its cap this month.
    pub cost_per_user_over: usize,
    /// Paths whose revenue has covered the monthly cost by this month.
    pub broke_even_by: usize,
}

/// Per path, the first component to go red (or `None`), after a run.
pub type FirstRed = Vec<Option<u16>>;

/// Runs one scenario over `paths` paths. Returns the first component to go
/// red on each path, or why the run stopped (a formula failing on some path).
pub fn simulate(
    valid: &ValidPlan,
    scenario: usize,
    columns: &Columns,
    paths: usize,
    mut observe: impl FnMut(&MonthView<'_>),
) -> (FirstRed, Option<String>) {
    let plan = valid.plan();
    let resolved = valid.resolved();
    let chain = valid.chain();
    let growth = &plan.scenarios[scenario].growth;
    let components = plan.components.len();
    let lines = components + plan.costs.len();

    let mut state = chain.column_state(paths);
    let mut users = vec![plan.baseline_users; paths];
    let mut total = vec![0.0; paths];
    let mut cumulative = vec![0.0; paths];
    let mut line_columns = vec![vec![0.0; paths]; lines];
    let mut statuses = vec![Status::Green; paths];
    let mut red = vec![false; components * paths];
    let mut over = vec![false; components * paths];
    let mut red_count = vec![0usize; components];
    let mut over_count = vec![0usize; components];
    let mut broke_even = vec![false; paths];
    let mut broke_even_count = 0;
    let mut first_red = vec![NOT_RED; paths];
    let budget = plan.budget.as_ref();
    let revenue_per_user = plan
        .revenue
        .as_ref()
        .map(|r| r.paying_share * r.price_per_month);
    let growth_varies = columns.growth_varies();

    for month in 0..=plan.horizon_months {
        if month > 0 && growth_varies {
            for (path, current) in users.iter_mut().enumerate() {
                let parameter = |index: usize| at(&columns.growth[index], path);
                *current = next_users(growth, &parameter, plan.baseline_users, month, *current);
            }
        } else if month > 0 {
            // Every path has the same growth: compute it once.
            let parameter = |index: usize| columns.growth[index][0];
            let next = next_users(growth, &parameter, plan.baseline_users, month, users[0]);
            users.fill(next);
        }
        let inputs: Vec<&[f64]> = std::iter::once(users.as_slice())
            .chain(columns.drivers.iter().map(Vec::as_slice))
            .collect();
        if let Err(error) = chain.evaluate_columns(&mut state, month, &inputs) {
            return (
                first_red_of(&first_red),
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
        // Components, one column at a time.
        let components = plan
            .components
            .iter()
            .zip(resolved.component_loads.iter().zip(&resolved.tier_tables));
        for (index, (component, (loads, table))) in components.enumerate() {
            let load_columns: Vec<&[f64]> =
                loads.iter().map(|quantity| column_of(*quantity)).collect();
            let (red, over) = (
                &mut red[index * paths..(index + 1) * paths],
                &mut over[index * paths..(index + 1) * paths],
            );
            size_column(
                component,
                table,
                &load_columns,
                &mut line_columns[index],
                &mut statuses,
            );
            let (newly_red, newly_over) =
                record_statuses(index as u16, &statuses, red, over, &mut first_red);
            red_count[index] += newly_red;
            over_count[index] += newly_over;
        }
        fill_line_costs(plan, resolved, month, &column_of, &mut line_columns);
        sum_lines(&line_columns, &mut total);
        for (cumulative, cost) in cumulative.iter_mut().zip(&total) {
            *cumulative += cost;
        }
        let mut over_budget = 0;
        let mut cost_per_user_over = 0;
        if let Some(cap) = budget.and_then(|b| b.monthly_cap) {
            over_budget = total.iter().filter(|cost| **cost > cap).count();
        }
        if let Some(cap) = budget.and_then(|b| b.cost_per_user_cap) {
            cost_per_user_over = total
                .iter()
                .zip(&users)
                .filter(|(cost, users)| **users >= 1.0 && **cost / **users > cap)
                .count();
        }
        if let Some(per_user) = revenue_per_user {
            for ((even, users), cost) in broke_even.iter_mut().zip(&users).zip(&total) {
                if !*even && users * per_user >= *cost {
                    *even = true;
                    broke_even_count += 1;
                }
            }
        }
        observe(&MonthView {
            month,
            paths,
            users: &users,
            metrics: &metrics,
            total_cost: &total,
            cumulative_cost: &cumulative,
            red_by: &red_count,
            over_by: &over_count,
            over_budget,
            cost_per_user_over,
            broke_even_by: broke_even_count,
        });
    }
    (first_red_of(&first_red), None)
}

/// In the per-path first-red column: no component has gone red.
const NOT_RED: u16 = u16::MAX;

fn first_red_of(column: &[u16]) -> FirstRed {
    column
        .iter()
        .map(|first| (*first != NOT_RED).then_some(*first))
        .collect()
}

/// Adds one component's statuses this month to each path's history: red
/// (or worse) yet, over capacity yet, and the first component to go red
/// (components are recorded in order, so the lowest index wins a month).
/// Returns how many paths went red and over capacity for the first time.
/// Without branches: statuses differ from path to path.
fn record_statuses(
    component: u16,
    statuses: &[Status],
    red: &mut [bool],
    over: &mut [bool],
    first_red: &mut [u16],
) -> (usize, usize) {
    let (mut newly_red, mut newly_over) = (0, 0);
    let paths = statuses.iter().zip(red).zip(over).zip(first_red);
    for (((status, red), over), first) in paths {
        let now_red = *status >= Status::Red;
        let now_over = *status == Status::OverCapacity;
        newly_red += usize::from(now_red & !*red);
        newly_over += usize::from(now_over & !*over);
        *red |= now_red;
        *over |= now_over;
        *first = if *first == NOT_RED && now_red {
            component
        } else {
            *first
        };
    }
    (newly_red, newly_over)
}
