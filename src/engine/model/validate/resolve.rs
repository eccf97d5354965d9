//! Names resolved once for a valid plan, so the projection's inner loops
//! never look a name up: what each component and cost line reads, and tier
//! tables ready for sizing.

use crate::engine::model::plan::{Component, CostLine, Plan, Tiered};
use std::collections::HashMap;

/// What a component or cost line reads each month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Users,
    Metric(usize),
}

/// Names resolved once, so the projection's inner loops never look a name up.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Per component, the quantity of each metric it carries.
    pub component_loads: Vec<Vec<Quantity>>,
    /// Per cost line, the quantity a usage line is priced on.
    pub line_quantity: Vec<Option<Quantity>>,
    /// Per cost line, for a percentage line, the indices (in the cost
    /// breakdown: components first) of the lines it is a share of.
    pub percentage_of: Vec<Vec<usize>>,
    /// The requests metric, for the cost per 1,000 requests.
    pub requests: Option<Quantity>,
    /// Per component, its tiers as a table (empty for horizontal components).
    pub tier_tables: Vec<TierTable>,
}

/// A tiered component's tiers, ready for sizing: each tier's limits in the
/// order of the component's metrics, and the tiers in order of price (then
/// plan order), so the first that fits is the cheapest.
#[derive(Debug, Clone, Default)]
pub struct TierTable {
    /// `limits[tier][metric]`, tiers in plan order.
    pub limits: Vec<Vec<f64>>,
    /// Tier indices, cheapest first.
    pub by_price: Vec<usize>,
    /// For a component carrying one metric, the tier chosen for each load.
    pub staircase: Option<Staircase>,
}

/// A one-metric tiered component's choice as steps: the cheapest tier that
/// holds a load at the target is the first tier in price order whose
/// `limit × target` reaches it, which is always one that holds more than
/// every cheaper tier. Only those tiers are steps; counting the steps below
/// a load finds its tier without branching on it.
#[derive(Debug, Clone, Default)]
pub struct Staircase {
    /// The load each step holds at the target, rising.
    pub holds: Vec<f64>,
    /// Per step, and one more for loads no step holds (the last tier in plan
    /// order): the tier's index, its limit and its price.
    pub tiers: Vec<usize>,
    pub limits: Vec<f64>,
    pub prices: Vec<f64>,
}

impl Staircase {
    pub(super) fn new(t: &Tiered, limits: &[Vec<f64>], by_price: &[usize]) -> Staircase {
        let mut staircase = Staircase::default();
        let step = |staircase: &mut Staircase, tier: usize| {
            staircase.tiers.push(tier);
            staircase.limits.push(limits[tier][0]);
            staircase.prices.push(t.tiers[tier].price);
        };
        for tier in by_price {
            let holds = limits[*tier][0] * t.target_utilization;
            if staircase
                .holds
                .last()
                .is_none_or(|highest| holds > *highest)
            {
                staircase.holds.push(holds);
                step(&mut staircase, *tier);
            }
        }
        step(&mut staircase, t.tiers.len() - 1);
        staircase
    }

    /// The step for `load` (a number; formulas never yield NaN): how many
    /// steps do not hold it.
    #[inline(always)]
    pub fn step(&self, load: f64) -> usize {
        self.holds.iter().filter(|holds| **holds < load).count()
    }
}

/// Resolves every name the projection reads; only called on a valid plan.
pub(super) fn resolve(plan: &Plan, quantities: &HashMap<String, Quantity>) -> Resolved {
    let quantity = |name: &str| quantities.get(name).copied().unwrap_or(Quantity::Users);
    let line_names: Vec<&str> = plan
        .components
        .iter()
        .map(Component::name)
        .chain(plan.costs.iter().map(CostLine::name))
        .collect();
    let offset = plan.components.len();
    let is_percentage = |index: usize| {
        index >= offset && matches!(plan.costs[index - offset], CostLine::Percentage { .. })
    };
    Resolved {
        component_loads: plan
            .components
            .iter()
            .map(|component| match component {
                Component::Horizontal(h) => vec![quantity(&h.metric)],
                Component::Tiered(t) => t.metrics.iter().map(|m| quantity(m)).collect(),
            })
            .collect(),
        line_quantity: plan
            .costs
            .iter()
            .map(|line| match line {
                CostLine::Usage { metric, .. } => Some(quantity(metric)),
                _ => None,
            })
            .collect(),
        percentage_of: plan
            .costs
            .iter()
            .map(|line| match line {
                CostLine::Percentage { of, .. } => (0..line_names.len())
                    .filter(|index| {
                        !is_percentage(*index)
                            && (of.is_empty() || of.iter().any(|name| name == line_names[*index]))
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect(),
        requests: plan.requests_metric.as_deref().map(quantity),
        tier_tables: plan
            .components
            .iter()
            .map(|component| match component {
                Component::Horizontal(_) => TierTable::default(),
                Component::Tiered(t) => {
                    let limits: Vec<Vec<f64>> = t
                        .tiers
                        .iter()
                        .map(|tier| {
                            t.metrics
                                .iter()
                                .map(|m| tier.limits.get(m).copied().unwrap_or(f64::INFINITY))
                                .collect()
                        })
                        .collect();
                    let mut by_price: Vec<usize> = (0..t.tiers.len()).collect();
                    by_price.sort_by(|a, b| {
                        t.tiers[*a]
                            .price
                            .total_cmp(&t.tiers[*b].price)
                            .then(a.cmp(b))
                    });
                    let staircase =
                        (t.metrics.len() == 1).then(|| Staircase::new(t, &limits, &by_price));
                    TierTable {
                        limits,
                        by_price,
                        staircase,
                    }
                }
            })
            .collect(),
    }
}
