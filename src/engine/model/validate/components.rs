//! Components: horizontal (units of capacity) and tiered (a ladder of
//! plans), with their targets, thresholds, lead times, commitments and
//! response-time targets.

use super::checker::{shorten, Checker};
use super::limits::*;
use crate::engine::model::number::{format_milliseconds, format_milliseconds_pair};
use crate::engine::model::plan::*;

/// Every component: a unique name, then the fields of its kind.
pub(super) fn check_components(check: &mut Checker, plan: &Plan) {
    check.count("components", plan.components.len(), 0, "components");
    check.unique(
        |i| format!("components[{i}].name"),
        plan.components.iter().map(Component::name),
        "component",
    );
    for (index, component) in plan.components.iter().enumerate() {
        let at = |field: &str| format!("components[{index}].{field}");
        check.text(at("name"), component.name(), true, MAX_NAME_CHARS);
        match component {
            Component::Horizontal(h) => check_horizontal(check, plan, index, h),
            Component::Tiered(t) => check_tiered(check, plan, index, t),
        }
    }
}

fn check_horizontal(check: &mut Checker, plan: &Plan, index: usize, h: &Horizontal) {
    let at = |field: &str| format!("components[{index}].{field}");
    check.quantity(at("metric"), plan, &h.metric);
    match h.capacity_per_unit {
        Some(capacity) => check.positive(at("capacity_per_unit"), capacity),
        None if h.latency.is_none() => check.fail(
            at("capacity_per_unit"),
            "enter what one unit carries (it may be left out only beside a response-time target, to size the component by latency alone)",
        ),
        None => {}
    }
    check_target(check, at("target_utilization"), h.target_utilization);
    if h.min_units > h.max_units {
        check.fail(
            at("min_units"),
            format!("{} is more than max_units ({})", h.min_units, h.max_units),
        );
    }
    if h.max_units == 0 || h.max_units > 1_000_000 {
        check.fail(at("max_units"), "must be 1 to 1,000,000");
    }
    if h.spare_units > 1_000 {
        check.fail(at("spare_units"), "cannot be above 1,000");
    }
    check.range(at("unit_cost"), h.unit_cost, 0.0, MAX_VALUE);
    check.rate(at("reserved_share"), h.reserved_share, 0.0, 1.0);
    check.rate(at("reserved_discount"), h.reserved_discount, 0.0, 1.0);
    check_thresholds(check, &at("thresholds"), h.thresholds);
    if h.current_units.is_some_and(|units| units > 1_000_000) {
        check.fail(at("current_units"), "cannot be above 1,000,000");
    }
    check_lead_time(check, at("lead_time_months"), h.lead_time_months);
    if let Some(commitment) = &h.commitment {
        check_commitment(check, &at("commitment"), commitment, h);
    }
    if let Some(latency) = &h.latency {
        check_latency(check, &at("latency"), latency);
    }
}

fn check_tiered(check: &mut Checker, plan: &Plan, index: usize, t: &Tiered) {
    let at = |field: &str| format!("components[{index}].{field}");
    check.count(&at("metrics"), t.metrics.len(), 1, "metric");
    if t.metrics.len() > MAX_TIER_METRICS {
        check.fail(
            at("metrics"),
            format!("a tiered component carries at most {MAX_TIER_METRICS} metrics"),
        );
    }
    for (m, name) in t.metrics.iter().enumerate() {
        check.quantity(format!("components[{index}].metrics[{m}]"), plan, name);
    }
    check.count(&at("tiers"), t.tiers.len(), 1, "tier");
    check.unique(
        |i| format!("components[{index}].tiers[{i}].name"),
        t.tiers.iter().map(|tier| tier.name.as_str()),
        "tier",
    );
    for (ti, tier) in t.tiers.iter().enumerate() {
        let tat = |field: &str| format!("components[{index}].tiers[{ti}].{field}");
        check.text(tat("name"), &tier.name, true, MAX_NAME_CHARS);
        check.range(tat("price"), tier.price, 0.0, MAX_VALUE);
        for name in &t.metrics {
            match tier.limits.get(name) {
                Some(limit) => check.positive(
                    format!("components[{index}].tiers[{ti}].limits.{name}"),
                    *limit,
                ),
                None => check.fail(
                    tat("limits"),
                    format!("has no limit for '{}'", shorten(name)),
                ),
            }
        }
        for name in tier.limits.keys() {
            if !t.metrics.contains(name) {
                check.fail(
                    format!("components[{index}].tiers[{ti}].limits.{}", shorten(name)),
                    "is not one of the component's metrics",
                );
            }
        }
    }
    check_target(check, at("target_utilization"), t.target_utilization);
    check_thresholds(check, &at("thresholds"), t.thresholds);
    check_lead_time(check, at("lead_time_months"), t.lead_time_months);
    if let Some(current) = &t.current_tier {
        if !t.tiers.iter().any(|tier| &tier.name == current) {
            check.fail(
                at("current_tier"),
                format!("'{}' is not one of its tiers", shorten(current)),
            );
        }
    }
}

fn check_target(check: &mut Checker, path: String, target: f64) {
    if target.is_finite() && target <= 0.0 {
        check.fail(path, "must be more than 0%");
    } else {
        check.rate(path, target, 0.0, 1.0);
    }
}

fn check_thresholds(check: &mut Checker, path: &str, thresholds: Thresholds) {
    check.rate(format!("{path}.yellow"), thresholds.yellow, 0.0, 10.0);
    check.rate(format!("{path}.red"), thresholds.red, 0.0, 10.0);
    if thresholds.yellow.is_finite()
        && thresholds.red.is_finite()
        && thresholds.yellow > thresholds.red
    {
        check.fail(
            format!("{path}.yellow"),
            "must not be above the red threshold",
        );
    }
}

fn check_latency(check: &mut Checker, path: &str, latency: &Latency) {
    let at = |field: &str| format!("{path}.{field}");
    // From a microsecond: below that the queue's rates overflow.
    if !(latency.service_time_ms.is_finite()
        && (MIN_SERVICE_TIME_MS..=MAX_LATENCY_MS).contains(&latency.service_time_ms))
    {
        check.fail(
            at("service_time_ms"),
            "must be 0.001 to 3,600,000 ms (a microsecond to an hour)",
        );
    }
    check.positive(at("target_ms"), latency.target_ms);
    if latency.target_ms > MAX_LATENCY_MS {
        check.fail(at("target_ms"), "cannot be above 3,600,000 ms (an hour)");
    }
    if !(1..=MAX_CONCURRENCY_PER_UNIT).contains(&latency.concurrency_per_unit) {
        check.fail(
            at("concurrency_per_unit"),
            format!("must be 1 to {MAX_CONCURRENCY_PER_UNIT} requests at once"),
        );
    }
    if !(latency.percentile.is_finite() && (0.5..=0.999).contains(&latency.percentile)) {
        check.fail(at("percentile"), "must be 0.5 to 0.999 (p50 to p99.9)");
        return;
    }
    // With no waiting at all the response time is the service time alone,
    // exponential: its percentile p is −ln(1 − p) service times.
    let fastest = latency.service_time_ms * -libm::log(1.0 - latency.percentile);
    if latency.service_time_ms >= MIN_SERVICE_TIME_MS
        && latency.target_ms > 0.0
        && latency.target_ms <= fastest
    {
        let label = latency.percentile_label();
        let (target, fastest) = format_milliseconds_pair(latency.target_ms, fastest);
        check.fail(
            at("target_ms"),
            format!(
                "a {label} of {target} ms cannot be met when a request takes {} ms on average: even with no waiting, {label} is {fastest} ms",
                format_milliseconds(latency.service_time_ms),
            ),
        );
    }
}

fn check_lead_time(check: &mut Checker, path: String, months: u32) {
    if months > MAX_LEAD_TIME_MONTHS {
        check.fail(
            path,
            format!("must be 0 to {MAX_LEAD_TIME_MONTHS} months, not {months}"),
        );
    }
}

/// A term of 12 or 36 months, starting at a month 0 to 120.
pub(super) fn check_term(check: &mut Checker, path: &str, term_months: u32, start_month: u32) {
    if !COMMITMENT_TERMS.contains(&term_months) {
        check.fail(
            format!("{path}.term_months"),
            format!("terms are 12 or 36 months, not {term_months}"),
        );
    }
    if start_month > MAX_HORIZON_MONTHS {
        check.fail(
            format!("{path}.start_month"),
            format!("must be 0 to {MAX_HORIZON_MONTHS}, not {start_month}"),
        );
    }
}

/// Committed units: at least 1 and at most `max_units`, a valid term, and
/// not alongside a reserved share (they are two ways to say the same thing).
fn check_commitment(check: &mut Checker, path: &str, commitment: &Commitment, h: &Horizontal) {
    check_term(check, path, commitment.term_months, commitment.start_month);
    if commitment.units == 0 || commitment.units > h.max_units {
        check.fail(
            format!("{path}.units"),
            format!(
                "must be 1 to max_units ({}), not {}",
                h.max_units, commitment.units
            ),
        );
    }
    if h.reserved_share > 0.0 {
        check.fail(
            format!("{path}.units"),
            "a component has a reserved share or committed units, not both: set reserved_share to 0",
        );
    }
}
