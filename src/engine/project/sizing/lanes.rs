//! The column loops of [`super::size_column`] two paths at a time, in
//! WebAssembly's 128-bit lanes (compiled only there, with SIMD).
//!
//! Chromium's compiler does not find lanes in the plain loops, and there a
//! component's month took 1.5 to 1.8 times what it does natively. Each lane runs
//! the one-path arithmetic in its order, and IEEE operations are correctly
//! rounded in a lane as outside one; a comparison's mask stands in for each
//! branch. So every bit agrees with the plain loops:
//! `tests::a_column_sizes_every_path_as_one_path_does` runs in Chromium too.
//! A lane divides on every path, where a plain loop skips divisions whose
//! answer is sure; natively the plain loops' well-predicted branches win.

use core::arch::wasm32::*;

use super::{HorizontalRule, Staircase, Status, Thresholds, FLAGGED};

/// A path's utilization level from the thresholds, as `status` counts it:
/// each comparison's mask is −1 where it holds, so their sum negated is
/// 0 (green), 1 (yellow) or 2 (red).
#[inline(always)]
fn level(utilization: v128, yellow: v128, red: v128) -> v128 {
    i64x2_neg(i64x2_add(
        f64x2_ge(utilization, yellow),
        f64x2_gt(utilization, red),
    ))
}

/// Writes two paths' costs and status bytes (an `i64` lane each, below 256).
#[inline(always)]
fn store(costs: &mut [f64], statuses: &mut [u8], cost: v128, status: v128) {
    costs[0] = f64x2_extract_lane::<0>(cost);
    costs[1] = f64x2_extract_lane::<1>(cost);
    statuses[0] = i64x2_extract_lane::<0>(status) as u8;
    statuses[1] = i64x2_extract_lane::<1>(status) as u8;
}

/// The paths of `loads` two at a time, as one vector, with their two cost
/// and status slots; an odd last path is not among them.
fn pairs<'a>(
    loads: &'a [f64],
    costs: &'a mut [f64],
    statuses: &'a mut [u8],
) -> impl Iterator<Item = (v128, &'a mut [f64], &'a mut [u8])> {
    loads
        .chunks_exact(2)
        .zip(costs.chunks_exact_mut(2))
        .zip(statuses.chunks_exact_mut(2))
        .map(|((load, cost), status)| (f64x2(load[0], load[1]), cost, status))
}

/// A horizontal component on every path, as
/// [`HorizontalRule::cost_and_status_saturating`] sizes one:
/// - a load beyond the largest setup needs at least `max` units (see that
///   function), so the clamp gives `max`, and the status is over capacity
///   whatever the level;
/// - a lane cannot search for the units a latency target needs: a path
///   where one might (a positive load within the largest setup that the
///   units do not carry at one unit's rate each; or NaN) gets [`FLAGGED`]
///   in its status byte, as does an odd last path.
///
/// Returns the first path that may be flagged (the odd last one when no
/// other is), for the caller to size those one at a time.
pub(super) fn horizontal(
    rule: &HorizontalRule,
    loads: &[f64],
    costs: &mut [f64],
    statuses: &mut [u8],
) -> usize {
    let splat = f64x2_splat;
    let units = UnitLanes::new(rule);
    let capacity = splat(rule.capacity_per_unit);
    let (yellow, red) = (splat(rule.thresholds.yellow), splat(rule.thresholds.red));
    let (spare, committed) = (splat(rule.spare_units), splat(rule.committed));
    let (unit_cost, committed_cost) = (splat(rule.unit_cost), splat(rule.committed_cost));
    let zero = splat(0.0);
    let over_capacity = i64x2_splat(i64::from(Status::OverCapacity as u8));
    let flag = i64x2_splat(i64::from(FLAGGED));
    let mut flags = i64x2_splat(0);
    for (load, costs, statuses) in pairs(loads, costs, statuses) {
        let Active {
            positive,
            active,
            over,
            sure,
        } = units.active(load);
        let utilization = v128_and(f64x2_div(load, f64x2_mul(capacity, active)), positive);
        let status = v128_bitselect(over_capacity, level(utilization, yellow, red), over);
        let flagged = v128_andnot(flag, sure);
        flags = v128_or(flags, flagged);
        // As `cost_of(active + spare)`.
        let above = f64x2_sub(f64x2_add(active, spare), committed);
        let above = v128_and(above, f64x2_gt(above, zero));
        let cost = f64x2_add(committed_cost, f64x2_mul(above, unit_cost));
        store(costs, statuses, cost, v128_or(status, flagged));
    }
    let done = loads.len() / 2 * 2;
    for status in &mut statuses[done..] {
        *status = FLAGGED;
    }
    if v128_any_true(flags) {
        0
    } else {
        done
    }
}

/// A horizontal component's active units, two paths at a time, as
/// `HorizontalRule::active` counts them before any latency search.
struct UnitLanes {
    per_unit: v128,
    min: v128,
    max: v128,
    over_above: v128,
    one_unit_rate: v128,
}

/// Two paths' active units, which of them carry a positive load and a load
/// beyond the largest setup, and on which the units are sure (no latency
/// search could ask for more).
struct Active {
    positive: v128,
    active: v128,
    over: v128,
    sure: v128,
}

impl UnitLanes {
    fn new(rule: &HorizontalRule) -> UnitLanes {
        let splat = f64x2_splat;
        UnitLanes {
            per_unit: splat(rule.per_unit_at_target),
            min: splat(rule.min_units),
            max: splat(rule.max_units),
            over_above: splat(rule.over_above),
            one_unit_rate: splat(rule.one_unit_rate),
        }
    }

    #[inline(always)]
    fn active(&self, load: v128) -> Active {
        let zero = f64x2_splat(0.0);
        // As `active_and_utilization`.
        let positive = f64x2_gt(load, zero);
        let needed = v128_and(f64x2_ceil(f64x2_div(load, self.per_unit)), positive);
        let active = v128_bitselect(self.max, needed, f64x2_gt(needed, self.max));
        let active = v128_bitselect(self.min, active, f64x2_lt(needed, self.min));
        let over = f64x2_gt(load, self.over_above);
        // As `active`'s first answers, before its search.
        let sure = v128_or(
            v128_or(f64x2_le(load, zero), over),
            f64x2_le(load, f64x2_mul(self.one_unit_rate, active)),
        );
        Active {
            positive,
            active,
            over,
            sure,
        }
    }
}

/// A horizontal component's active units on every path, as
/// `HorizontalRule::active` counts them, into `units`: where a latency
/// search might ask for more (see [`horizontal`]), and on an odd last
/// path, `None`, for the caller to count one at a time.
pub(super) fn active_units(rule: &HorizontalRule, loads: &[f64], units: &mut [Option<u32>]) {
    let lanes = UnitLanes::new(rule);
    let pairs = loads.chunks_exact(2).zip(units.chunks_exact_mut(2));
    for (load, units) in pairs {
        let Active { active, sure, .. } = lanes.active(f64x2(load[0], load[1]));
        // A whole number between two u32 bounds, as the one-path count.
        let count = |active: f64, sure: i64| (sure != 0).then_some(active as u32);
        units[0] = count(
            f64x2_extract_lane::<0>(active),
            i64x2_extract_lane::<0>(sure),
        );
        units[1] = count(
            f64x2_extract_lane::<1>(active),
            i64x2_extract_lane::<1>(sure),
        );
    }
    if loads.len() % 2 == 1 {
        if let Some(last) = units.last_mut() {
            *last = None;
        }
    }
}

/// A one-metric tiered component on every path but an odd last one, as
/// `staircase_pass`'s loop sizes one; returns the first path not sized.
/// The steps' holds rise, so the steps below a load are the first ones:
/// each step that does not hold it moves a lane's limit and price on to
/// the next step's, ending on the step [`Staircase::step`] counts (a NaN
/// moves nothing, as it counts none). A lane divides even over capacity,
/// where the status is over capacity whatever the quotient.
pub(super) fn staircase(
    staircase: &Staircase,
    thresholds: Thresholds,
    loads: &[f64],
    costs: &mut [f64],
    statuses: &mut [u8],
) -> usize {
    let splat = f64x2_splat;
    let (yellow, red) = (splat(thresholds.yellow), splat(thresholds.red));
    let zero = splat(0.0);
    let over_capacity = i64x2_splat(i64::from(Status::OverCapacity as u8));
    // Only the steps some lane moves past and some does not are run: a
    // step holding every load moves none (nor do those after it, holding
    // more), and with no NaN among the loads every lane moves past a step
    // below the smallest load, so all start beyond it.
    let (lowest, highest, any_nan) = extent(loads);
    let holds = &staircase.holds;
    let moved = holds.iter().take_while(|hold| **hold < highest).count();
    let passed = if any_nan {
        0
    } else {
        holds[..moved]
            .iter()
            .take_while(|hold| **hold < lowest)
            .count()
    };
    let first = (
        splat(staircase.limits[passed]),
        splat(staircase.prices[passed]),
    );
    // Step `s` holds up to `holds[s]`; a load beyond it moves on to the
    // limit and price at `s + 1`.
    let next = passed + 1..moved + 1;
    let steps: Vec<(v128, v128, v128)> = holds[passed..moved]
        .iter()
        .zip(&staircase.limits[next.clone()])
        .zip(&staircase.prices[next])
        .map(|((holds, limit), price)| (splat(*holds), splat(*limit), splat(*price)))
        .collect();
    for (load, costs, statuses) in pairs(loads, costs, statuses) {
        let (mut limit, mut price) = first;
        for (holds, next_limit, next_price) in &steps {
            let beyond = f64x2_lt(*holds, load);
            limit = v128_bitselect(*next_limit, limit, beyond);
            price = v128_bitselect(*next_price, price, beyond);
        }
        // `tier_utilization` for one limit: max(0, load / limit).
        let ratio = f64x2_div(load, limit);
        let utilization = v128_and(ratio, f64x2_gt(ratio, zero));
        let over = f64x2_gt(load, limit);
        let status = v128_bitselect(over_capacity, level(utilization, yellow, red), over);
        store(costs, statuses, price, status);
    }
    loads.len() / 2 * 2
}

/// The smallest and largest of the loads the lanes size (all but an odd
/// last one), NaN left out, and whether there is a NaN among them.
/// No loads give +∞ and −∞.
fn extent(loads: &[f64]) -> (f64, f64, bool) {
    let (mut low, mut high) = (f64x2_splat(f64::INFINITY), f64x2_splat(f64::NEG_INFINITY));
    let mut not_numbers = i64x2_splat(0);
    for pair in loads.chunks_exact(2) {
        let load = f64x2(pair[0], pair[1]);
        low = v128_bitselect(load, low, f64x2_lt(load, low));
        high = v128_bitselect(load, high, f64x2_gt(load, high));
        not_numbers = v128_or(not_numbers, f64x2_ne(load, load));
    }
    let lanes = |v: v128| (f64x2_extract_lane::<0>(v), f64x2_extract_lane::<1>(v));
    let ((low_0, low_1), (high_0, high_1)) = (lanes(low), lanes(high));
    (
        if low_1 < low_0 { low_1 } else { low_0 },
        if high_1 > high_0 { high_1 } else { high_0 },
        v128_any_true(not_numbers),
    )
}
