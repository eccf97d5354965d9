//! Decisions: by when each change must start so it is live before it is
//! needed (act-by), and how many units to commit for a term.
//!
//! A **step** is a change a component will need: growing past today's setup,
//! each tier change the deterministic projection takes, and a horizontal
//! component outgrowing its `max_units`. A step is **needed** in the first
//! month its setup's load goes past the red threshold or over capacity
//! (`load > min(red, 1) × capacity` for some load it carries). The act-by
//! month is the needed month minus the component's lead time; under
//! uncertainty the needed month is the (1 − confidence) quantile over the
//! Monte Carlo paths, so the change is live in time on at least that share.

use crate::engine::model::number::units_text;
use crate::engine::model::plan::{Component, Horizontal, Plan, Tiered};
use crate::engine::model::validate::{Quantity, TierTable, ValidPlan};
use crate::engine::project::months::{MonthResult, ScenarioMonths};
use crate::engine::project::sizing::{units_in_service, LatencyLimits};

/// What kind of change a step is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// Growing past the setup the component has today.
    Today,
    /// Moving from one tier to another, as the projection does.
    Tier { from: String, to: String },
    /// A horizontal component outgrowing its `max_units`.
    MaxUnits,
}

/// One change a component will need, and the loads that make it needed.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub component: usize,
    pub kind: StepKind,
    /// What the change is, for people: "move from Pro+ to Team".
    pub label: String,
    /// The step is needed when any of these loads exceeds its threshold.
    pub thresholds: Vec<(Quantity, f64)>,
}

impl Step {
    /// An identifier for outputs: `today`, `tier:Team`, `max_units`.
    pub fn id(&self) -> String {
        match &self.kind {
            StepKind::Today => "today".into(),
            StepKind::Tier { to, .. } => format!("tier:{to}"),
            StepKind::MaxUnits => "max_units".into(),
        }
    }

    /// Whether the loads of a month make the step needed.
    fn needed_at(&self, load: impl Fn(Quantity) -> f64) -> bool {
        self.thresholds
            .iter()
            .any(|(quantity, threshold)| load(*quantity) > *threshold)
    }
}

/// When a step must start.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ActBy {
    pub component: String,
    pub step: String,
    pub label: String,
    /// The month the step is needed (at the confidence, under uncertainty);
    /// `None` when it is not needed within the horizon at that confidence.
    pub needed_month: Option<u32>,
    /// `needed_month − lead time`; negative when already late.
    pub act_by_month: Option<i32>,
    pub lead_time_months: u32,
    /// The share of futures on which starting by `act_by_month` is in time
    /// (1 for a plan without uncertainty).
    pub confidence: f64,
    /// The last month the step was judged on: the horizon, or the last
    /// month projected when a projection stopped early.
    pub judged_through: u32,
}

impl ActBy {
    /// Late by this many months (the act-by month is before month 0).
    pub fn late_by(&self) -> Option<u32> {
        self.act_by_month
            .filter(|month| *month < 0)
            .map(i32::unsigned_abs)
    }

    fn lead(&self) -> String {
        match self.lead_time_months {
            0 => "no lead time".into(),
            1 => "lead time 1 month".into(),
            n => format!("lead time {n} months"),
        }
    }

    /// For the timeline and the report: "Supabase: move from Pro+ to Team —
    /// needed at month 9; start by month 7 (lead time 2 months)", or "late
    /// by 2 months — start now", or "not needed within 24 months at 90%".
    pub fn description(&self, horizon: u32) -> String {
        let sure = sure_text(self.confidence);
        match (self.needed_month, self.act_by_month) {
            (Some(needed), Some(_)) if self.late_by().is_some() => format!(
                "{}: {} — needed at month {needed}{sure}, {}: late by {} — start now",
                self.component,
                self.label,
                self.lead(),
                months_text(self.late_by().unwrap_or(0))
            ),
            (Some(needed), Some(act_by)) => format!(
                "{}: {} — needed at month {needed}{sure}; start by month {act_by} ({})",
                self.component,
                self.label,
                self.lead()
            ),
            _ => format!(
                "{}: {} — {}",
                self.component,
                self.label,
                self.not_needed(horizon)
            ),
        }
    }

    /// "not needed within 24 months at 90%", "not needed within 1 month",
    /// or, when the projection stopped early, "not needed by month 5, where
    /// the projection stops".
    pub fn not_needed(&self, horizon: u32) -> String {
        if self.judged_through < horizon {
            format!(
                "not needed by month {}{}, where the projection stops",
                self.judged_through,
                at_confidence(self.confidence)
            )
        } else {
            format!(
                "not needed within {}{}",
                months_text(horizon),
                at_confidence(self.confidence)
            )
        }
    }
}

/// " at 90%" under uncertainty; nothing for a single projection.
fn at_confidence(confidence: f64) -> String {
    if confidence < 1.0 {
        format!(" at {}", percent(confidence))
    } else {
        String::new()
    }
}

/// " (90% sure)" under uncertainty; nothing for a single projection.
fn sure_text(confidence: f64) -> String {
    if confidence < 1.0 {
        format!(" ({} sure)", percent(confidence))
    } else {
        String::new()
    }
}

/// A confidence as people say it: `90%`, `99.5%`.
pub fn percent(confidence: f64) -> String {
    crate::engine::model::number::format_percent((confidence * 1000.0).round() / 1000.0)
}

/// `1 month`, `3 months`.
pub fn months_text(months: u32) -> String {
    if months == 1 {
        "1 month".into()
    } else {
        format!("{months} months")
    }
}

/// The share of red (or capacity, whichever comes first) a threshold uses.
fn red_share(red: f64) -> f64 {
    red.min(1.0)
}

/// The steps of every component in a scenario, from its deterministic
/// projection: in plan order, each component's in the order they come.
pub fn steps(valid: &ValidPlan, projection: &ScenarioMonths) -> Vec<Step> {
    let plan = valid.plan();
    let resolved = valid.resolved();
    let mut steps = Vec::new();
    for (index, component) in plan.components.iter().enumerate() {
        let loads = &resolved.component_loads[index];
        match component {
            Component::Horizontal(h) => steps.extend(horizontal_steps(index, component, h, loads)),
            Component::Tiered(t) => {
                let table = &resolved.tier_tables[index];
                steps.extend(tiered_steps(index, t, loads, table, projection));
            }
        }
    }
    steps
}

/// A horizontal component's steps: growing past today's units, if the plan
/// states them, then outgrowing its most.
fn horizontal_steps(
    index: usize,
    component: &Component,
    h: &Horizontal,
    loads: &[Quantity],
) -> Vec<Step> {
    let share = red_share(h.utilization_thresholds().red);
    // Up to the red line, and within any response-time target.
    let mut limits = LatencyLimits::new(component);
    // What `active` serving units carry.
    let mut carried = |active: u32| {
        let by_utilization = share * h.capacity() * f64::from(active);
        vec![(loads[0], by_utilization.min(limits.max_rate(active)))]
    };
    let mut steps = Vec::new();
    if let Some(current) = h.current_units {
        // Today's units include the spares; only the rest serve.
        steps.push(Step {
            component: index,
            kind: StepKind::Today,
            label: format!("grow past today's {}", units_text(current)),
            thresholds: carried(current.saturating_sub(h.spare_units)),
        });
    }
    // `max_units` counts serving units: the spares come on top.
    steps.push(Step {
        component: index,
        kind: StepKind::MaxUnits,
        label: format!("outgrow its most, {}", units_text(h.max_units)),
        thresholds: carried(h.max_units),
    });
    steps
}

/// A tiered component's steps: each move up to a dearer tier the projection
/// makes (from today's tier first, if the plan states it), or outgrowing
/// today's tier when the projection never moves up from it.
fn tiered_steps(
    index: usize,
    t: &Tiered,
    loads: &[Quantity],
    table: &TierTable,
    projection: &ScenarioMonths,
) -> Vec<Step> {
    let share = red_share(t.thresholds.red);
    let limits_of = |tier: usize| -> Vec<(Quantity, f64)> {
        loads
            .iter()
            .zip(&table.limits[tier])
            .map(|(quantity, limit)| (*quantity, share * limit))
            .collect()
    };
    let current = t
        .current_tier
        .as_ref()
        .and_then(|name| t.tiers.iter().position(|tier| &tier.name == name));
    let sequence = tier_sequence(index, current, projection);
    let mut steps = Vec::new();
    let mut today_seen = false;
    for pair in sequence.windows(2) {
        // Load forces only moves up; a move to a cheaper tier (users
        // falling, or today's tier more than month 0 needs) is never a
        // deadline.
        if t.tiers[pair[1]].price <= t.tiers[pair[0]].price {
            continue;
        }
        let (from, to) = (&t.tiers[pair[0]].name, &t.tiers[pair[1]].name);
        let today = !today_seen && current == Some(pair[0]);
        today_seen |= today;
        steps.push(Step {
            component: index,
            kind: if today {
                StepKind::Today
            } else {
                StepKind::Tier {
                    from: from.clone(),
                    to: to.clone(),
                }
            },
            label: format!("move from {from} to {to}"),
            thresholds: limits_of(pair[0]),
        });
    }
    // Today's tier, when the projection never moves up from it: first.
    if let (Some(current), false) = (current, today_seen) {
        steps.insert(
            0,
            Step {
                component: index,
                kind: StepKind::Today,
                label: format!("outgrow today's {}", t.tiers[current].name),
                thresholds: limits_of(current),
            },
        );
    }
    steps
}

/// The tiers component `index` moves through in the projection, in order,
/// starting from today's tier if the plan states it.
fn tier_sequence(index: usize, current: Option<usize>, projection: &ScenarioMonths) -> Vec<usize> {
    let mut sequence: Vec<usize> = Vec::new();
    for month in &projection.months {
        if let Some(tier) = month.components[index].tier {
            if sequence.last() != Some(&tier) {
                sequence.push(tier);
            }
        }
    }
    if let Some(current) = current {
        if sequence.first() != Some(&current) {
            sequence.insert(0, current);
        }
    }
    sequence
}

/// The first month of `months` in which `step` is needed.
pub fn needed_month(step: &Step, months: &[MonthResult]) -> Option<u32> {
    months
        .iter()
        .find(|month| {
            step.needed_at(|quantity| match quantity {
                Quantity::Users => month.users,
                Quantity::Metric(index) => month.metrics[index],
            })
        })
        .map(|month| month.month)
}

fn act_by(
    plan: &Plan,
    step: &Step,
    needed: Option<u32>,
    confidence: f64,
    judged_through: u32,
) -> ActBy {
    let component = &plan.components[step.component];
    let lead = component.lead_time_months();
    ActBy {
        component: component.name().to_string(),
        step: step.id(),
        label: step.label.clone(),
        needed_month: needed,
        act_by_month: needed.map(|month| month as i32 - lead as i32),
        lead_time_months: lead,
        confidence,
        judged_through,
    }
}

/// Act-by months from the deterministic projection alone (confidence 1),
/// judged on the months projected.
pub fn deterministic_act_by(valid: &ValidPlan, projection: &ScenarioMonths) -> Vec<ActBy> {
    let through = judged_through(projection.months.len());
    steps(valid, projection)
        .iter()
        .map(|step| {
            act_by(
                valid.plan(),
                step,
                needed_month(step, &projection.months),
                1.0,
                through,
            )
        })
        .collect()
}

/// The last month of `months` months projected (0 when none were).
pub fn judged_through(months: usize) -> u32 {
    months.saturating_sub(1) as u32
}

/// Each step's needed month at a confidence, gathered month by month over
/// a Monte Carlo run. The needed month at confidence `c` is the one ranked
/// `r = floor((1 − c) × paths)` from the earliest ([`quantile_month`]): the
/// first month by which more than `r` paths have needed the step. So only a
/// flag per path (needed yet?) and a count are kept, and a step is done with
/// as soon as its count passes `r`.
#[derive(Debug, Clone)]
pub struct NeededMonths {
    pub steps: Vec<Step>,
    paths: usize,
    rank: usize,
    /// `crossed[step * paths + path]`: the path has needed the step.
    crossed: Vec<bool>,
    counts: Vec<usize>,
    found: Vec<Option<u32>>,
}

impl NeededMonths {
    /// A path that never needs a step, for [`quantile_month`].
    pub const NEVER: u16 = u16::MAX;

    pub fn new(steps: Vec<Step>, paths: usize, confidence: f64) -> NeededMonths {
        let rank =
            (((1.0 - confidence) * paths as f64).floor() as usize).min(paths.saturating_sub(1));
        NeededMonths {
            crossed: vec![false; steps.len() * paths],
            counts: vec![0; steps.len()],
            found: vec![None; steps.len()],
            steps,
            paths,
            rank,
        }
    }

    /// For a share of `paths` of a Monte Carlo's `all` paths
    /// (`engine::uncertainty::split`): counts the share's paths that need
    /// each step, with the whole run's rank. The shares' counts, summed,
    /// settle each step's month through [`NeededMonths::observe_counts`].
    /// A share stops counting a step once its own count passes the rank:
    /// the sum has passed it by then too, so the month is settled no later,
    /// and the counts up to it are exact.
    pub fn counting(steps: Vec<Step>, paths: usize, all: usize, confidence: f64) -> NeededMonths {
        NeededMonths {
            rank: NeededMonths::new(Vec::new(), all, confidence).rank,
            ..NeededMonths::new(steps, paths, confidence)
        }
    }

    /// Per step, the paths that have needed it so far.
    pub fn counts(&self) -> &[usize] {
        &self.counts
    }

    /// This month's count of paths having needed each step (by step), over
    /// all paths: the same months settle as when [`NeededMonths::observe`]
    /// counts them itself.
    pub fn observe_counts(&mut self, month: u32, counts: impl Fn(usize) -> usize) {
        for (index, found) in self.found.iter_mut().enumerate() {
            if found.is_none() {
                self.counts[index] = counts(index);
                if self.counts[index] > self.rank {
                    *found = Some(month);
                }
            }
        }
    }

    /// Marks every path on which a step's loads pass their thresholds this
    /// month. `column(quantity)` is that quantity on every path.
    pub fn observe<'a>(&mut self, month: u32, column: impl Fn(Quantity) -> &'a [f64]) {
        for (index, step) in self.steps.iter().enumerate() {
            if self.found[index].is_some() {
                continue;
            }
            let crossed = &mut self.crossed[index * self.paths..(index + 1) * self.paths];
            let mut count = self.counts[index];
            for (quantity, threshold) in &step.thresholds {
                for (flag, load) in crossed.iter_mut().zip(column(*quantity)) {
                    // Counted, not branched on: paths differ.
                    let newly = (*load > *threshold) & !*flag;
                    *flag |= newly;
                    count += usize::from(newly);
                }
            }
            self.counts[index] = count;
            if count > self.rank {
                self.found[index] = Some(month);
            }
        }
    }

    /// Act-by months at the confidence given to [`NeededMonths::new`],
    /// judged on the months observed up to `judged_through`.
    pub fn act_by(&self, plan: &Plan, confidence: f64, judged_through: u32) -> Vec<ActBy> {
        self.steps
            .iter()
            .zip(&self.found)
            .map(|(step, needed)| act_by(plan, step, *needed, confidence, judged_through))
            .collect()
    }
}

/// The needed month at `confidence`: the value ranked
/// `floor((1 − confidence) × n)` (0-based) from the earliest; `None` when
/// that path never needs the step (`NEVER`).
pub fn quantile_month(months: &mut [u16], confidence: f64) -> Option<u32> {
    if months.is_empty() {
        return None;
    }
    let rank = (((1.0 - confidence) * months.len() as f64).floor() as usize).min(months.len() - 1);
    let (_, value, _) = months.select_nth_unstable(rank);
    (*value != NeededMonths::NEVER).then_some(u32::from(*value))
}

/// A commitment worth making, and what it is expected to do.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Recommendation {
    pub component: String,
    pub units: u32,
    pub term_months: u32,
    pub start_month: u32,
    /// Expected cost of the term all on demand minus with the commitment.
    pub expected_saving: f64,
    /// Expected committed units in service with nothing to do, a month.
    pub expected_idle_units: f64,
    /// The share of futures with at least one committed unit idle in some
    /// month of the term.
    pub idle_probability: f64,
    /// The term's expected cost all on demand.
    pub on_demand_cost: f64,
}

/// A [`UnitsTally`] of a share of the paths, to cross between workers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TallyPart {
    counts: Vec<u64>,
    fewest: Vec<u32>,
    months: u32,
}

/// Units in service on every path, for the months of a commitment's term.
#[derive(Debug, Clone)]
pub struct UnitsTally {
    pub component: usize,
    /// `counts[u]`: (path, month) pairs with `u` units in service.
    counts: Vec<u64>,
    /// Per path, its fewest units in any month of the term.
    fewest: Vec<u32>,
    months: u32,
    latency: LatencyLimits,
    /// This month's units on every path (kept to be reused).
    units: Vec<Option<u32>>,
}

impl UnitsTally {
    pub fn new(component: usize, h: &Horizontal, paths: usize) -> UnitsTally {
        UnitsTally {
            component,
            counts: vec![0; (h.max_units + h.spare_units) as usize + 1],
            fewest: vec![u32::MAX; paths],
            months: 0,
            latency: LatencyLimits::of(h.latency),
            units: Vec::new(),
        }
    }

    /// What this tally has counted, for [`UnitsTally::joined`].
    pub fn part(&self) -> TallyPart {
        TallyPart {
            counts: self.counts.clone(),
            fewest: self.fewest.clone(),
            months: self.months,
        }
    }

    /// The tally of all paths from the parts of its shares, in path order:
    /// counts add up, each path keeps its fewest units. `None` when the
    /// parts were not all counted over the same months and units.
    pub fn joined(component: usize, h: &Horizontal, parts: &[&TallyPart]) -> Option<UnitsTally> {
        let mut tally = UnitsTally::new(component, h, 0);
        tally.months = parts.first().map_or(0, |part| part.months);
        for part in parts {
            if part.months != tally.months || part.counts.len() != tally.counts.len() {
                return None;
            }
            for (count, more) in tally.counts.iter_mut().zip(&part.counts) {
                *count += more;
            }
            tally.fewest.extend_from_slice(&part.fewest);
        }
        Some(tally)
    }

    /// One month of the term: `loads` on every path.
    pub fn observe(&mut self, h: &Horizontal, loads: &[f64]) {
        self.months += 1;
        units_in_service(h, loads, &mut self.latency, &mut self.units);
        // Every path has its count (`units_in_service` leaves none out).
        for (fewest, units) in self
            .fewest
            .iter_mut()
            .zip(self.units.iter().flatten().copied())
        {
            if let Some(count) = self.counts.get_mut(units as usize) {
                *count += 1;
            }
            *fewest = (*fewest).min(units);
        }
    }

    /// Whether every month of a term of `term` months was observed: a
    /// projection that stopped before the term ended offers no commitment.
    pub fn complete(&self, term: u32) -> bool {
        self.months == term
    }

    /// The commitment that minimises the expected cost over the term:
    /// committed units at `unit_cost × (1 − discount)` every month, units
    /// above them at `unit_cost`. The fewest units on a tie.
    pub fn recommend(&self, h: &Horizontal, term: u32, start: u32) -> Recommendation {
        let pairs: u64 = self.counts.iter().sum();
        let paths = self.fewest.len().max(1) as f64;
        let price = h.unit_cost;
        let committed_price = h.unit_cost * (1.0 - h.reserved_discount);
        // `above[k]`: pairs with more than k units; `excess[k]`: Σ max(0, u − k).
        let top = self.counts.len();
        let mut above = vec![0u64; top + 1];
        let mut excess = vec![0u64; top + 1];
        for k in (0..top).rev() {
            above[k] = above[k + 1] + self.counts.get(k + 1).copied().unwrap_or(0);
            excess[k] = excess[k + 1] + above[k];
        }
        // The term's expected cost with k committed: over every (path,
        // month), k at the committed price and the units above k at the
        // full price, divided by the paths.
        let cost = |k: usize| {
            (k as f64 * committed_price * pairs as f64 + excess[k] as f64 * price) / paths
        };
        let mut best = 0;
        for k in 1..=(h.max_units as usize).min(top.saturating_sub(1)) {
            if cost(k) < cost(best) {
                best = k;
            }
        }
        let idle: u64 = (0..best).map(|u| self.counts[u] * (best - u) as u64).sum();
        let idle_paths = self.fewest.iter().filter(|f| (**f as usize) < best).count();
        Recommendation {
            component: h.name.clone(),
            units: best as u32,
            term_months: term,
            start_month: start,
            expected_saving: cost(0) - cost(best),
            expected_idle_units: idle as f64 / pairs.max(1) as f64,
            idle_probability: idle_paths as f64 / paths,
            on_demand_cost: cost(0),
        }
    }
}

/// Whether a component gets a commitment recommendation: horizontal, a unit
/// cost and a discount to commit at.
pub fn commitable(component: &Component) -> Option<&Horizontal> {
    match component {
        Component::Horizontal(h) if h.unit_cost > 0.0 && h.reserved_discount > 0.0 => Some(h),
        _ => None,
    }
}

/// Without uncertainty: the same choice over the single projection (one
/// path): the commitment with the lowest cost over the term. That is the
/// fewest units the term needs only when the discount is small; with seed
/// 004's 40% it commits every unit needed in more than 60% of the months.
pub fn deterministic_commitments(
    valid: &ValidPlan,
    projection: &ScenarioMonths,
) -> Vec<Recommendation> {
    let plan = valid.plan();
    let term = plan.commitment_term.unwrap_or_default();
    if !term_fits(plan, term.term_months, term.start_month) {
        return Vec::new();
    }
    let resolved = valid.resolved();
    plan.components
        .iter()
        .enumerate()
        .filter_map(|(index, component)| {
            let h = commitable(component)?;
            let mut tally = UnitsTally::new(index, h, 1);
            let quantity = resolved.component_loads[index][0];
            for month in term.start_month..term.start_month + term.term_months {
                let result = projection.at(month)?;
                let load = match quantity {
                    Quantity::Users => result.users,
                    Quantity::Metric(metric) => result.metrics[metric],
                };
                tally.observe(h, &[load]);
            }
            tally
                .complete(term.term_months)
                .then(|| tally.recommend(h, term.term_months, term.start_month))
        })
        .collect()
}

/// Whether a term starting at `start` ends within the horizon.
pub fn term_fits(plan: &Plan, term: u32, start: u32) -> bool {
    start + term - 1 <= plan.horizon_months
}
