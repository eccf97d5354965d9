//! Sizing one component for its load: units or tier, utilization, status
//! and cost.
//!
//! The deterministic projection sizes one path at a time
//! ([`size_component`]); Monte Carlo sizes a whole column of paths at once
//! ([`size_column`]). A path's cost and status are bit-identical either way:
//! the column loops run the same arithmetic, count statuses instead of
//! branching on them, and skip only divisions whose answer is certain
//! without them; in WebAssembly, vector lanes run it two paths at a time
//! (`lanes`). Tests hold the two to each other at every boundary, natively
//! and in Chromium.

use crate::engine::model::plan::{Component, Horizontal, Latency, Thresholds, Tiered};
use crate::engine::model::validate::{Staircase, TierTable, MAX_TIER_METRICS};
use crate::engine::project::queueing::Queue;

// WebAssembly's vector lanes for the column loops (natively, plain loops).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Status {
    Green = 0,
    Yellow = 1,
    Red = 2,
    /// Even the largest setup cannot hold the load.
    OverCapacity = 3,
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
    /// The predicted response time (ms) at the target's percentile, for a
    /// component sized for latency with traffic this month (none with no
    /// load; infinite when its queue is unstable; at most the target when
    /// the target is met).
    pub response_time_ms: Option<f64>,
    /// Whether the response-time target is met (none without a target; met
    /// with no traffic).
    pub latency_met: Option<bool>,
    /// The latency target, not utilization, set the unit count.
    pub latency_forced: bool,
}

/// Over capacity if `over`; else red above the red threshold, yellow from
/// the yellow one, green below. Counted rather than branched on, so it costs
/// the same on every path (statuses differ from path to path, and a
/// mispredicted branch waits on the divisions before it). Validation keeps
/// `yellow ≤ red`, which makes the count the level.
#[inline(always)]
pub(crate) fn status(utilization: f64, over: bool, thresholds: Thresholds) -> Status {
    let level = u8::from(utilization >= thresholds.yellow) + u8::from(utilization > thresholds.red);
    status_of_level(level, over)
}

#[inline(always)]
fn status_of_level(level: u8, over: bool) -> Status {
    match if over { 3 } else { level } {
        0 => Status::Green,
        1 => Status::Yellow,
        2 => Status::Red,
        _ => Status::OverCapacity,
    }
}

/// The most requests per second `n` units carry within a component's
/// response-time target, worked out when first asked and kept: every path
/// and month of a run asks about the same few unit counts, and each answer
/// costs a 64-step search (`Queue::max_rate_within`). The same answers
/// whether kept or not, so one path and a column of paths agree bit for bit.
#[derive(Debug, Clone, Default)]
pub struct LatencyLimits {
    latency: Option<Latency>,
    /// `known[n]`: the rate for `n` units, or NaN when not yet worked out.
    known: Vec<f64>,
}

impl LatencyLimits {
    pub fn new(component: &Component) -> LatencyLimits {
        LatencyLimits::of(match component {
            Component::Horizontal(h) => h.latency,
            Component::Tiered(_) => None,
        })
    }

    /// For a horizontal component's latency target, if it has one.
    pub fn of(latency: Option<Latency>) -> LatencyLimits {
        LatencyLimits {
            latency,
            known: Vec::new(),
        }
    }

    /// One per component, in plan order.
    pub fn for_components(components: &[Component]) -> Vec<LatencyLimits> {
        components.iter().map(LatencyLimits::new).collect()
    }

    /// What one unit carries within the target (infinite without one).
    #[inline(always)]
    pub fn one_unit_rate(&mut self) -> f64 {
        match self.known.get(1) {
            Some(rate) if !rate.is_nan() => *rate,
            _ => self.max_rate(1),
        }
    }

    /// The most requests per second `units` units carry within the target
    /// (infinite without a latency target).
    pub fn max_rate(&mut self, units: u32) -> f64 {
        let Some(latency) = self.latency else {
            return f64::INFINITY;
        };
        let index = units as usize;
        if let Some(rate) = self.known.get(index).filter(|rate| !rate.is_nan()) {
            return *rate;
        }
        let rate = Queue::for_latency(&latency, f64::from(units))
            .max_rate_within(latency.percentile, latency.target_ms / 1000.0);
        if index >= self.known.len() {
            self.known.resize(index + 1, f64::NAN);
        }
        self.known[index] = rate;
        rate
    }
}

/// Active units for a load and what set them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Active {
    units: f64,
    utilization: f64,
    /// The response-time target needed more units than utilization did.
    latency_forced: bool,
    /// The response-time target is missed (the most units are not enough).
    latency_missed: bool,
    /// Requests arrive faster than the units could ever serve them.
    unstable: bool,
}

/// A horizontal component's constants, worked out once for many loads.
struct HorizontalRule {
    capacity_per_unit: f64,
    /// What one unit carries at the target utilization.
    per_unit_at_target: f64,
    min_units: f64,
    max_units: f64,
    spare_units: f64,
    /// A unit's price after the reserved share's discount.
    unit_cost: f64,
    /// Units committed this month (0 outside a commitment's term) and what
    /// they cost, used or not.
    committed: f64,
    committed_cost: f64,
    /// Loads above this are more than the largest setup can carry.
    over_above: f64,
    thresholds: Thresholds,
    latency: Option<Latency>,
    /// With a latency target, what one unit carries within it: `n` units
    /// carry at least `n` times that, so most loads need no more checking
    /// (worked out once, before a column's loop).
    one_unit_rate: f64,
}

impl HorizontalRule {
    /// The rule in plan month `month` (a commitment covers some months).
    fn new(h: &Horizontal, month: u32, limits: &mut LatencyLimits) -> HorizontalRule {
        let committed = h
            .commitment
            .filter(|c| c.covers(month))
            .map_or(0.0, |c| f64::from(c.units));
        HorizontalRule {
            committed,
            committed_cost: committed * h.unit_cost * (1.0 - h.reserved_discount),
            capacity_per_unit: h.capacity(),
            per_unit_at_target: h.capacity() * h.utilization_target(),
            min_units: f64::from(h.min_units),
            max_units: f64::from(h.max_units),
            spare_units: f64::from(h.spare_units),
            unit_cost: h.unit_cost * (1.0 - h.reserved_share * h.reserved_discount),
            over_above: h.capacity() * f64::from(h.max_units),
            thresholds: h.utilization_thresholds(),
            latency: h.latency,
            one_unit_rate: if h.latency.is_some() {
                limits.one_unit_rate()
            } else {
                f64::INFINITY
            },
        }
    }

    /// [`HorizontalRule::active_and_utilization`], then, under a latency
    /// target, the fewest units from there up to `max_units` whose queue
    /// keeps the response time within it: the search starts at the
    /// utilization count (or the first count that keeps the queue stable,
    /// if more) and steps up one unit at a time.
    #[inline(always)]
    fn active(&self, load: f64, limits: &mut LatencyLimits) -> Active {
        let (units, utilization) = self.active_and_utilization(load);
        let mut active = Active {
            units,
            utilization,
            latency_forced: false,
            latency_missed: false,
            unstable: false,
        };
        let Some(latency) = self.latency else {
            return active;
        };
        if load <= 0.0 {
            return active;
        }
        // Met without asking the queue: at a fixed utilization more servers
        // wait less (Erlang C falls and the wait's rate rises with c), so
        // `n` units carry at least `n` times what one unit does.
        if load <= self.one_unit_rate * units || load <= limits.max_rate(units as u32) {
            return active;
        }
        // Stable needs servers above `load × s`: units above that ÷ concurrency.
        let stable_from =
            load * latency.service_time_ms / 1000.0 / f64::from(latency.concurrency_per_unit);
        let mut candidate = if stable_from >= self.max_units {
            self.max_units
        } else {
            (stable_from.floor() + 1.0)
                .max(units + 1.0)
                .min(self.max_units)
        };
        loop {
            let n = candidate as u32;
            if load <= limits.max_rate(n) {
                break;
            }
            if candidate >= self.max_units {
                active.latency_missed = true;
                active.unstable = load >= Queue::for_latency(&latency, candidate).saturation();
                break;
            }
            candidate += 1.0;
        }
        active.latency_forced = candidate > units;
        active.units = candidate;
        active.utilization = load / (self.capacity_per_unit * candidate);
        active
    }

    /// The status of `active` units carrying `load`: the utilization's, at
    /// least red when the response-time target is missed, over capacity
    /// when the load is beyond the largest setup or the queue is unstable.
    #[inline(always)]
    fn status_of(&self, load: f64, active: &Active) -> Status {
        let level = u8::from(active.utilization >= self.thresholds.yellow)
            + u8::from(active.utilization > self.thresholds.red);
        let level = if active.latency_missed {
            level.max(2)
        } else {
            level
        };
        status_of_level(level, load > self.over_above || active.unstable)
    }

    /// Active units (spares not counted, a whole number) and their
    /// utilization for `load`: `clamp(ceil(load / (capacity × target)), min, max)`.
    /// Selects rather than branches: loads differ from path to path.
    #[inline(always)]
    fn active_and_utilization(&self, load: f64) -> (f64, f64) {
        let positive = load > 0.0;
        let needed = if positive {
            ceil_non_negative(load / self.per_unit_at_target)
        } else {
            0.0
        };
        let active = self.clamp(needed);
        // With no active unit, a positive load divides by zero: infinity,
        // which reads as red.
        let utilization = if positive {
            load / (self.capacity_per_unit * active)
        } else {
            0.0
        };
        (active, utilization)
    }

    #[inline(always)]
    fn clamp(&self, needed: f64) -> f64 {
        if needed < self.min_units {
            self.min_units
        } else if needed > self.max_units {
            self.max_units
        } else {
            needed
        }
    }

    /// Units in service cost the unit price, except committed ones, which
    /// cost their discounted price whether used or not. With nothing
    /// committed this is `units × unit_cost` exactly (`0 + x` is `x`).
    #[inline(always)]
    fn cost_of(&self, units: f64) -> f64 {
        let above = units - self.committed;
        let above = if above > 0.0 { above } else { 0.0 };
        self.committed_cost + above * self.unit_cost
    }

    #[inline(always)]
    fn cost_and_status(&self, load: f64, limits: &mut LatencyLimits) -> (f64, Status) {
        let active = self.active(load, limits);
        (
            self.cost_of(active.units + self.spare_units),
            self.status_of(load, &active),
        )
    }

    /// [`HorizontalRule::cost_and_status`], without its divisions for a load
    /// beyond the largest setup: that load is over `capacity × max ≥
    /// capacity × target × max`, so its rounded quotient is at least `max`
    /// (rounding never crosses a whole number it lies beyond) and the units
    /// clamp to `max` (a latency target can ask no more); over capacity
    /// outranks any utilization.
    #[inline(always)]
    fn cost_and_status_saturating(&self, load: f64, limits: &mut LatencyLimits) -> (f64, Status) {
        if load > self.over_above {
            (
                self.cost_of(self.max_units + self.spare_units),
                Status::OverCapacity,
            )
        } else {
            self.cost_and_status(load, limits)
        }
    }

    /// Every path's cost into `costs` and status into `statuses`, as
    /// [`HorizontalRule::cost_and_status_saturating`] gives them. Natively
    /// one path at a time: its branches, well predicted as most paths agree,
    /// beat lanes that divide on every path. In WebAssembly the lanes first
    /// (`lanes::horizontal`), then the paths they flag.
    #[inline(always)]
    fn size_paths(
        &self,
        loads: &[f64],
        costs: &mut [f64],
        statuses: &mut [u8],
        limits: &mut LatencyLimits,
    ) {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        let (first, only_flagged) = (lanes::horizontal(self, loads, costs, statuses), true);
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        let (first, only_flagged) = (0, false);
        let paths = loads.iter().zip(costs.iter_mut()).zip(statuses.iter_mut());
        for ((load, cost), status) in paths.skip(first) {
            if !only_flagged || *status & FLAGGED != 0 {
                let (path_cost, path_status) = self.cost_and_status_saturating(*load, limits);
                *cost = path_cost;
                *status = path_status as u8;
            }
        }
    }
}

/// Units in service for each of `loads`, in order: active units (as
/// [`size_horizontal`] counts them, with any latency target) plus spares.
/// The rule's constants are worked out once for all of them.
/// In WebAssembly the lanes (`lanes::active_units`) count all but the paths
/// they cannot be sure of, which are counted here one at a time; on return
/// every entry of `units` is `Some`.
pub fn units_in_service(
    h: &Horizontal,
    loads: &[f64],
    limits: &mut LatencyLimits,
    units: &mut Vec<Option<u32>>,
) {
    let rule = HorizontalRule::new(h, u32::MAX, limits);
    units.clear();
    units.resize(loads.len(), None);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    lanes::active_units(&rule, loads, units);
    for (load, units) in loads.iter().zip(units.iter_mut()) {
        // A whole number between two u32 bounds.
        let active = units.unwrap_or_else(|| rule.active(*load, limits).units as u32);
        *units = Some(active.saturating_add(h.spare_units));
    }
}

/// `units = clamp(ceil(load / (capacity × target)), min, max) + spare`,
/// priced outside any commitment's term; with a latency target, more if the
/// queue needs them.
pub fn size_horizontal(h: &Horizontal, load: f64) -> Sizing {
    size_horizontal_in(h, load, u32::MAX, &mut LatencyLimits::of(h.latency))
}

/// [`size_horizontal`] in plan month `month`, where a commitment may apply.
pub fn size_horizontal_in(
    h: &Horizontal,
    load: f64,
    month: u32,
    limits: &mut LatencyLimits,
) -> Sizing {
    let rule = HorizontalRule::new(h, month, limits);
    let active = rule.active(load, limits);
    // No traffic, no response time. Otherwise the percentile, reported as
    // the decision saw it: a target judged met is never reported above it,
    // nor one judged missed below it (the decision's search and the
    // percentile's may differ in the last bits: 1e-12 ms).
    let response_time_ms = h.latency.filter(|_| load > 0.0).map(|latency| {
        let ms = Queue::for_latency(&latency, active.units).response_time(load, latency.percentile)
            * 1000.0;
        if active.latency_missed {
            ms.max(latency.target_ms)
        } else {
            ms.min(latency.target_ms)
        }
    });
    Sizing {
        latency_met: h.latency.map(|_| !active.latency_missed),
        // A whole number between two u32 bounds.
        units: Some((active.units as u32).saturating_add(h.spare_units)),
        tier: None,
        utilization: active.utilization,
        status: rule.status_of(load, &active),
        cost: rule.cost_of(active.units + rule.spare_units),
        response_time_ms,
        latency_forced: active.latency_forced,
    }
}

/// Units the load needs at the target (0 for no load), before the bounds.
pub(crate) fn units_needed(h: &Horizontal, load: f64) -> f64 {
    if load <= 0.0 {
        0.0
    } else {
        ceil_non_negative(load / (h.capacity() * h.utilization_target()))
    }
}

/// `x.ceil()` for x ≥ 0 (or +∞), in plain arithmetic: no library call on
/// targets without a rounding instruction, and it vectorises. Below 2⁵²,
/// adding and taking away 2⁵² rounds to the nearest whole number (the
/// spacing of floats there is 1); one step up if that fell below `x`. From
/// 2⁵² on, every float is already whole.
#[inline(always)]
fn ceil_non_negative(x: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let nearest = if x < TWO_52 { (x + TWO_52) - TWO_52 } else { x };
    if nearest < x {
        nearest + 1.0
    } else {
        nearest
    }
}

pub(crate) fn utilization_of(h: &Horizontal, load: f64, active: u32) -> f64 {
    if load <= 0.0 {
        0.0
    } else if active == 0 {
        f64::INFINITY
    } else {
        load / (h.capacity() * f64::from(active))
    }
}

/// The cheapest tier whose every limit holds its load at the target; if none
/// does, the last (largest) tier. `loads[metric]` in the component's order.
pub fn size_tiered(t: &Tiered, table: &TierTable, loads: &[f64]) -> Sizing {
    let chosen = choose_tier(t, table, loads);
    let limits = &table.limits[chosen];
    let utilization = tier_utilization(limits, loads);
    Sizing {
        units: None,
        tier: Some(chosen),
        utilization,
        status: status(utilization, !fits(limits, loads, 1.0), t.thresholds),
        cost: t.tiers[chosen].price,
        response_time_ms: None,
        latency_met: None,
        latency_forced: false,
    }
}

#[inline(always)]
fn choose_tier(t: &Tiered, table: &TierTable, loads: &[f64]) -> usize {
    match &table.staircase {
        Some(staircase) => staircase.tiers[staircase.step(loads[0])],
        None => table
            .by_price
            .iter()
            .copied()
            .find(|tier| fits(&table.limits[*tier], loads, t.target_utilization))
            .unwrap_or(t.tiers.len() - 1),
    }
}

/// How far below a threshold line, relative to it, a load must be for its
/// utilization to be surely below the threshold without dividing: far more
/// than the roundings (each ~1.1e-16) between the product and the quotient.
const CLEARLY: f64 = 1e-12;

/// A tiered component's cost and status for one path, exactly as
/// [`size_tiered`] gives them, without its divisions where the answer is
/// sure: over capacity, or every load clearly below its yellow line
/// (`load < yellow × limit × (1 − 1e-12)` puts `load / limit`, rounded,
/// below `yellow`: green, as `yellow > 0`).
#[inline(always)]
fn tiered_cost_and_status(t: &Tiered, table: &TierTable, loads: &[f64]) -> (f64, Status) {
    let chosen = choose_tier(t, table, loads);
    let limits = &table.limits[chosen];
    let yellow = t.thresholds.yellow;
    let clearly_green = yellow > 0.0
        && limits
            .iter()
            .zip(loads)
            .all(|(limit, load)| *load < yellow * limit * (1.0 - CLEARLY));
    let status = if !fits(limits, loads, 1.0) {
        Status::OverCapacity
    } else if clearly_green {
        Status::Green
    } else {
        status(tier_utilization(limits, loads), false, t.thresholds)
    };
    (t.tiers[chosen].price, status)
}

#[inline(always)]
fn fits(limits: &[f64], loads: &[f64], share: f64) -> bool {
    limits
        .iter()
        .zip(loads)
        .all(|(limit, load)| *load <= limit * share)
}

pub(crate) fn tier_utilization(limits: &[f64], loads: &[f64]) -> f64 {
    limits
        .iter()
        .zip(loads)
        .map(|(limit, load)| load / limit)
        .fold(0.0, f64::max)
}

/// Sizes one component; `load(k)` is the k-th quantity it carries.
#[inline(always)]
pub(crate) fn size_component(
    component: &Component,
    table: &TierTable,
    month: u32,
    limits: &mut LatencyLimits,
    load: impl Fn(usize) -> f64,
) -> Sizing {
    match component {
        Component::Horizontal(h) => size_horizontal_in(h, load(0), month, limits),
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

/// Sizes one component on every path: `loads[k][path]` is the k-th quantity
/// it carries on `path`. Writes each path's cost into `costs` and its
/// [`Status`] (as its `u8`) into `statuses`, exactly as [`size_component`]
/// would give them.
///
/// Natively one path at a time. In WebAssembly, where Chromium finds no
/// vector lanes in such loops, horizontal and one-metric tiered components
/// run two paths at a time in lanes written for it (`lanes`), which leave
/// what they cannot answer without branching (a latency target's search)
/// to a second pass, one path at a time.
#[inline(always)]
pub(crate) fn size_column(
    component: &Component,
    table: &TierTable,
    month: u32,
    limits: &mut LatencyLimits,
    loads: &[&[f64]],
    costs: &mut [f64],
    statuses: &mut [u8],
) {
    match (component, &table.staircase) {
        (Component::Horizontal(h), _) => {
            let rule = HorizontalRule::new(h, month, limits);
            rule.size_paths(loads[0], costs, statuses, limits);
        }
        (Component::Tiered(t), Some(staircase)) => {
            staircase_pass(staircase, t.thresholds, loads[0], costs, statuses);
        }
        (Component::Tiered(t), None) => {
            let metrics = loads.len().min(MAX_TIER_METRICS);
            let mut path_loads = [0.0; MAX_TIER_METRICS];
            for (path, (cost, status)) in costs.iter_mut().zip(statuses.iter_mut()).enumerate() {
                for (load, column) in path_loads.iter_mut().zip(loads) {
                    *load = column[path];
                }
                let (path_cost, path_status) =
                    tiered_cost_and_status(t, table, &path_loads[..metrics]);
                *cost = path_cost;
                *status = path_status as u8;
            }
        }
    }
}

/// The bit of a status byte that marks a path to size again one at a time
/// (`lanes::horizontal`); statuses fit in the bits below.
const FLAGGED: u8 = 1 << 7;

/// A one-metric tiered component's cost and status (as its `u8`) on every
/// path: the price and limit of the load's step, over capacity beyond the
/// limit (no division then), else the utilization's level. In WebAssembly
/// the lanes (`lanes::staircase`) size all but an odd last path.
#[inline(always)]
fn staircase_pass(
    staircase: &Staircase,
    thresholds: Thresholds,
    loads: &[f64],
    costs: &mut [f64],
    statuses: &mut [u8],
) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let first = lanes::staircase(staircase, thresholds, loads, costs, statuses);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let first = 0;
    let paths = loads.iter().zip(costs.iter_mut()).zip(statuses.iter_mut());
    for ((load, cost), path_status) in paths.skip(first) {
        let step = staircase.step(*load);
        let limit = staircase.limits[step];
        *cost = staircase.prices[step];
        *path_status = if *load > limit {
            Status::OverCapacity
        } else {
            // `tier_utilization` for one limit: max(0, load / limit).
            let ratio = load / limit;
            let utilization = if ratio > 0.0 { ratio } else { 0.0 };
            status(utilization, false, thresholds)
        } as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates;

    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
    use crate::engine::model::validate::{validate, ValidPlan};

    #[test]
    fn ceil_matches_the_library() {
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
            4503599627370496.0,
            9e15,
            1e18,
            1e19,
            1e300,
            f64::INFINITY,
            f64::MIN_POSITIVE,
            5e-324,
        ] {
            assert_eq!(
                ceil_non_negative(x).to_bits(),
                f64::ceil(x).to_bits(),
                "{x}"
            );
        }
    }

    /// Loads around every boundary a component has (its tiers' limits, the
    /// loads where its unit count steps, its thresholds), a few floats either
    /// side, and spread values: the column gives each path what one-path
    /// sizing gives it, bit for bit.
    /// Components at the edges of what validation allows: no minimum, no
    /// yellow band, everything red, a 1% target, tiny and huge capacities.
    const ODD_COMPONENTS: &str = r#"{"schema": 5, "name": "odd", "horizon_months": 1,
        "baseline_users": 1,
        "components": [
          {"kind": "horizontal", "name": "h0", "metric": "users", "capacity_per_unit": 3,
           "target_utilization": 0.7, "min_units": 0, "max_units": 50, "unit_cost": 2,
           "thresholds": {"yellow": 0, "red": 0}},
          {"kind": "horizontal", "name": "h1", "metric": "users", "capacity_per_unit": 0.001,
           "target_utilization": 0.01, "min_units": 1, "max_units": 1000000, "spare_units": 2,
           "unit_cost": 0.37, "reserved_share": 0.5, "reserved_discount": 0.25,
           "thresholds": {"yellow": 0.3, "red": 0.3}},
          {"kind": "horizontal", "name": "h2", "metric": "users", "capacity_per_unit": 1e9,
           "target_utilization": 1, "min_units": 2, "max_units": 3, "unit_cost": 10,
           "thresholds": {"yellow": 1, "red": 10}},
          {"kind": "horizontal", "name": "h3", "metric": "users", "capacity_per_unit": 40,
           "target_utilization": 0.9, "min_units": 1, "max_units": 60, "spare_units": 1,
           "unit_cost": 3, "thresholds": {"yellow": 0.5, "red": 0.8},
           "latency": {"service_time_ms": 120, "concurrency_per_unit": 3, "percentile": 0.99,
                       "target_ms": 900}},
          {"kind": "tiered", "name": "t0", "metrics": ["users"], "target_utilization": 0.33,
           "thresholds": {"yellow": 0, "red": 0.1},
           "tiers": [{"name": "a", "price": 5, "limits": {"users": 0.3}},
                     {"name": "b", "price": 1, "limits": {"users": 7e12}}]}],
        "scenarios": [{"name": "s", "growth": {"model": "compound", "growth": 0, "churn": 0}}]}"#;

    // Also run in headless Chromium (scripts/test.sh): there the columns
    // run in WebAssembly's vector lanes, written apart from the loops here.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_column_sizes_every_path_as_one_path_does() {
        let odd: crate::engine::model::plan::Plan =
            serde_json::from_str(ODD_COMPONENTS).expect("a plan");
        let odd = validate(&odd).expect("valid");
        let templates = templates::TEMPLATES.map(|template| {
            let plan = templates::load(template.id)
                .expect("listed")
                .expect("valid");
            (template.id, plan)
        });
        for (id, plan) in templates.iter().chain([&("odd", odd)]) {
            let resolved = plan.resolved();
            for (index, component) in plan.plan().components.iter().enumerate() {
                let table = &resolved.tier_tables[index];
                let loads = interesting_loads(component, table);
                let mut sorted = loads.clone();
                sorted.sort_by(f64::total_cmp);
                // The whole column, then for tiered components neighbouring
                // loads three and four at a time: the lanes skip the steps
                // no load in a column reaches, or every load passes.
                let tiered = matches!(component, Component::Tiered(_));
                let windows = sorted
                    .windows(3)
                    .chain(sorted.windows(4))
                    .filter(|_| tiered);
                let at = format!("{id}, component {index}");
                for column in std::iter::once(loads.as_slice()).chain(windows) {
                    assert_column_sizes_as_one_path(plan, index, column, &at);
                }
            }
        }
    }

    /// Sizes `loads` as a column on component `index` of `plan`, and each
    /// path alone, and asserts they agree bit for bit. Multi-metric
    /// components get the same load on each metric and, separately, loads
    /// offset against each other.
    fn assert_column_sizes_as_one_path(plan: &ValidPlan, index: usize, loads: &[f64], at: &str) {
        let component = &plan.plan().components[index];
        let resolved = plan.resolved();
        let table = &resolved.tier_tables[index];
        let carried = resolved.component_loads[index].len();
        let columns: Vec<Vec<f64>> = (0..carried)
            .map(|k| {
                loads
                    .iter()
                    .map(|load| load * (1.0 + k as f64 * 0.37))
                    .collect()
            })
            .collect();
        let column_refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
        let mut costs = vec![f64::NAN; loads.len()];
        let mut statuses = vec![u8::MAX; loads.len()];
        size_column(
            component,
            table,
            0,
            &mut LatencyLimits::new(component),
            &column_refs,
            &mut costs,
            &mut statuses,
        );
        // A horizontal component's units in service over the column (a
        // commitment's tally) are one-path sizing's too.
        let mut units = Vec::new();
        if let Component::Horizontal(h) = component {
            units_in_service(h, loads, &mut LatencyLimits::new(component), &mut units);
        }
        for path in 0..loads.len() {
            let mut limits = LatencyLimits::new(component);
            let one = size_component(component, table, 0, &mut limits, |k| columns[k][path]);
            if let Component::Horizontal(h) = component {
                let alone = size_horizontal(h, loads[path]).units;
                assert_eq!(units[path], alone, "{at}, units at load {}", loads[path]);
            }
            assert_eq!(
                (costs[path].to_bits(), statuses[path]),
                (one.cost.to_bits(), one.status as u8),
                "{at}, load {}",
                loads[path]
            );
        }
    }

    fn interesting_loads(component: &Component, table: &TierTable) -> Vec<f64> {
        // NaN and infinity too: formulas never yield them, but the lanes and
        // the one-path sizing must still agree on them.
        let mut edges: Vec<f64> = vec![
            0.0,
            -0.0,
            -5.0,
            1e-300,
            5e-324,
            1e15,
            f64::NAN,
            f64::INFINITY,
        ];
        match component {
            Component::Horizontal(h) => {
                let per_unit = h.capacity() * h.utilization_target();
                for units in 0..=h.max_units.min(400) + 2 {
                    let units = f64::from(units);
                    edges.push(units * per_unit);
                    for share in [h.thresholds.yellow, h.thresholds.red, 1.0] {
                        edges.push(units * h.capacity() * share);
                    }
                }
                // Where a latency target's unit count steps, and where the
                // queue saturates.
                let mut limits = LatencyLimits::new(component);
                if let Some(latency) = h.latency {
                    for units in 1..=h.max_units.min(400) + 2 {
                        edges.push(limits.max_rate(units));
                        edges.push(Queue::for_latency(&latency, f64::from(units)).saturation());
                    }
                }
            }
            Component::Tiered(t) => {
                for limits in &table.limits {
                    for limit in limits {
                        for share in [
                            t.target_utilization,
                            t.thresholds.yellow,
                            t.thresholds.red,
                            1.0,
                        ] {
                            edges.push(limit * share);
                        }
                    }
                }
            }
        }
        let mut loads = Vec::new();
        for edge in edges {
            loads.push(edge);
            let (mut up, mut down) = (edge, edge);
            for _ in 0..3 {
                up =
                    f64::from_bits(
                        up.to_bits()
                            .wrapping_add(if up >= 0.0 { 1 } else { u64::MAX }),
                    );
                down = f64::from_bits(down.to_bits().wrapping_sub(if down > 0.0 {
                    1
                } else {
                    u64::MAX
                }));
                loads.extend([up, down]);
            }
        }
        loads.retain(|load| load.is_finite());
        loads.extend((0..2000).map(|i| f64::from(i).powf(2.7)));
        // Spread over many magnitudes, from a fixed little generator.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        loads.extend((0..20_000).map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            10f64.powf(unit * 16.0 - 6.0)
        }));
        loads
    }

    #[test]
    fn a_staircase_picks_the_cheapest_tier_that_holds() {
        // Prices out of step with limits: B is dearer than A but holds
        // less, D dearer than C but holds less.
        let plan: crate::engine::model::plan::Plan = serde_json::from_str(
            r#"{"schema": 5, "name": "t", "horizon_months": 1, "baseline_users": 1,
                "components": [{"kind": "tiered", "name": "db", "metrics": ["users"], "target_utilization": 1,
                  "tiers": [
                    {"name": "A", "price": 10, "limits": {"users": 100}},
                    {"name": "C", "price": 30, "limits": {"users": 1000}},
                    {"name": "B", "price": 20, "limits": {"users": 50}},
                    {"name": "D", "price": 40, "limits": {"users": 500}}]}],
                "scenarios": [{"name": "s", "growth": {"model": "compound", "growth": 0, "churn": 0}}]}"#,
        )
        .expect("a plan");
        let valid = validate(&plan).expect("valid");
        let table = &valid.resolved().tier_tables[0];
        let staircase = table.staircase.as_ref().expect("one metric");
        // Price order A(100), B(50), C(1000), D(500): B and D never hold
        // more than a cheaper tier, so the steps are A then C, then the last
        // tier in plan order (D) when nothing holds.
        assert_eq!(staircase.holds, vec![100.0, 1000.0]);
        assert_eq!(staircase.tiers, vec![0, 1, 3]);
        let pick = |load: f64| staircase.tiers[staircase.step(load)];
        assert_eq!(
            (pick(100.0), pick(100.5), pick(1000.0), pick(1e6)),
            (0, 1, 1, 3)
        );
    }
}

#[cfg(test)]
mod commitment_tests {
    use super::*;
    use crate::engine::model::plan::Commitment;

    fn backend(commitment: Option<Commitment>) -> Horizontal {
        Horizontal {
            name: "Backend".into(),
            metric: "users".into(),
            capacity_per_unit: Some(100.0),
            target_utilization: 1.0,
            min_units: 1,
            max_units: 20,
            spare_units: 1,
            unit_cost: 100.0,
            reserved_share: 0.0,
            reserved_discount: 0.4,
            thresholds: Thresholds::default(),
            current_units: None,
            lead_time_months: 0,
            commitment,
            latency: None,
        }
    }

    /// 3 units committed for months 2–13 at 40% off a $100 unit: $180 a
    /// month used or not, and $100 for each unit in service above 3.
    // Also in headless Chromium, where the column runs in vector lanes.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn committed_units_are_paid_in_the_term_whether_used_or_not() {
        let h = backend(Some(Commitment {
            units: 3,
            term_months: 12,
            start_month: 2,
        }));
        // 450 users: 5 active + 1 spare = 6 units: 180 + 3 × 100.
        assert_eq!(
            size_horizontal_in(&h, 450.0, 2, &mut LatencyLimits::default()).cost,
            480.0
        );
        // 50 users: 1 active + 1 spare = 2 units, under the 3 committed: 180.
        assert_eq!(
            size_horizontal_in(&h, 50.0, 13, &mut LatencyLimits::default()).cost,
            180.0
        );
        // Before and after the term: every unit at $100.
        assert_eq!(
            size_horizontal_in(&h, 450.0, 1, &mut LatencyLimits::default()).cost,
            600.0
        );
        assert_eq!(
            size_horizontal_in(&h, 450.0, 14, &mut LatencyLimits::default()).cost,
            600.0
        );
        // Without a commitment the price is the plain one, bit for bit.
        let plain = backend(None);
        assert_eq!(
            size_horizontal_in(&plain, 450.0, 5, &mut LatencyLimits::default()).cost,
            600.0
        );
        // A column sizes every path as one path does, in and out of the term.
        let component = Component::Horizontal(h);
        let table = TierTable::default();
        let loads: Vec<f64> = (0..40).map(|i| f64::from(i) * 61.0).collect();
        for month in [0, 2, 13, 14] {
            let mut costs = vec![f64::NAN; loads.len()];
            let mut limits = LatencyLimits::default();
            size_column(
                &component,
                &table,
                month,
                &mut limits,
                &[&loads],
                &mut costs,
                &mut vec![0; loads.len()],
            );
            for (path, load) in loads.iter().enumerate() {
                let one = size_component(&component, &table, month, &mut limits, |_| *load);
                assert_eq!(
                    costs[path].to_bits(),
                    one.cost.to_bits(),
                    "month {month}, load {load}"
                );
            }
        }
    }
}
