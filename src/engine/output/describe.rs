//! What every output says the same way: milestone months, the first limit,
//! a component's size and response time, act-by dates and commitments, the
//! uncertainty summary, and which scenarios are shown.

use crate::engine::analyse::decisions::{ActBy, Recommendation};
use crate::engine::analyse::events::{Event, EventKind};
use crate::engine::analyse::scenario::ScenarioProjection;
use crate::engine::model::number::{
    format_count, format_money, format_percent, format_response_time,
};
use crate::engine::model::plan::Component;
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::sizing::Sizing;
use crate::engine::uncertainty::Bands;
use std::fmt::Write;

/// The seeds' milestone months within a horizon: 1, 3, 6, 9, 12, 18, 24, then yearly.
pub fn milestone_months(horizon: u32) -> Vec<u32> {
    let mut months: Vec<u32> = [0, 1, 3, 6, 9, 12, 18]
        .into_iter()
        .chain((24..=120).step_by(12))
        .filter(|month| *month <= horizon)
        .collect();
    if months.last() != Some(&horizon) {
        months.push(horizon);
    }
    months
}

/// The first thing that needs action: today's setup running out, a
/// component going red or running out of room, whichever comes first.
pub fn first_limit(events: &[Event]) -> Option<&Event> {
    events.iter().find(|event| {
        matches!(
            event.kind,
            EventKind::TodayExhausted | EventKind::FirstRed | EventKind::OverCapacity
        )
    })
}

/// The month revenue first covers the monthly cost, if it does.
pub fn break_even_month(events: &[Event]) -> Option<u32> {
    events
        .iter()
        .find(|event| event.kind == EventKind::BreakEven)
        .map(|event| event.month)
}

/// How a component's size reads: `3 units` or the tier's name.
pub fn describe_size(component: &Component, sizing: &Sizing) -> String {
    match (component, sizing.tier) {
        (Component::Tiered(t), Some(tier)) => t
            .tiers
            .get(tier)
            .map_or_else(String::new, |t| t.name.clone()),
        _ => {
            let units = sizing.units.unwrap_or(0);
            crate::engine::model::number::units_text(units)
        }
    }
}

/// A latency-sized component's predicted response time at its target's
/// percentile: `p95 182 ms` (a tenth of a millisecond below 10 ms),
/// `p95: no traffic` in a month without load, or `p95 unbounded
/// (overloaded)` when requests come faster than its units can ever serve
/// them.
pub fn describe_response_time(component: &Component, sizing: &Sizing) -> Option<String> {
    let Component::Horizontal(h) = component else {
        return None;
    };
    let latency = h.latency?;
    Some(match sizing.response_time_ms {
        None => format!("{}: no traffic", latency.percentile_label()),
        ms => format!(
            "{} {}",
            latency.percentile_label(),
            format_response_time(ms)
        ),
    })
}

/// A scenario's decisions: from its bands when the plan is uncertain (at the
/// plan's confidence), else from the projection alone. Act-by entries in
/// date order (not needed last); commitments in plan order.
pub fn decisions<'a>(
    scenario: &'a ScenarioProjection,
    bands: Option<&'a Bands>,
) -> (Vec<&'a ActBy>, &'a [Recommendation]) {
    let simulated = bands.and_then(|b| b.scenarios.iter().find(|s| s.name == scenario.name));
    let (act_by, commitments) = match simulated {
        Some(s) => (&s.act_by, &s.commitments),
        None => (&scenario.act_by, &scenario.commitments),
    };
    let mut ordered: Vec<&ActBy> = act_by.iter().collect();
    ordered.sort_by_key(|a| (a.act_by_month.is_none(), a.act_by_month));
    (ordered, commitments.as_slice())
}

/// One commitment in words: "commit 12 units for 12 months from month 0:
/// saves $4,320 over the term (expected); 0.4 units idle a month; 18%
/// chance of an idle unit".
pub fn describe_commitment(r: &Recommendation, currency: &str) -> String {
    if r.units == 0 {
        return format!(
            "{}: no commitment pays for {} months from month {} (committed units would sit idle too often)",
            r.component, r.term_months, r.start_month
        );
    }
    let mut text = format!(
        "{}: commit {} unit{} for {} months from month {}",
        r.component,
        r.units,
        if r.units == 1 { "" } else { "s" },
        r.term_months,
        r.start_month
    );
    text.push_str(&format!(
        " — saves {} over the term against all on demand ({})",
        format_money(r.expected_saving, currency),
        format_money(r.on_demand_cost, currency)
    ));
    text.push_str(&format!(
        "; {} committed units idle a month on average; {} chance some sit idle",
        (r.expected_idle_units * 10.0).round() / 10.0,
        crate::engine::analyse::decisions::percent(r.idle_probability)
    ));
    text
}

/// The scenarios to show: all, or the one named.
pub fn selected<'a>(
    scenarios: &'a [ScenarioProjection],
    only: Option<&str>,
) -> Vec<&'a ScenarioProjection> {
    scenarios
        .iter()
        .filter(|scenario| only.is_none_or(|name| scenario.name == name))
        .collect()
}

/// A plain-text summary of a scenario's bands: the spread at the horizon,
/// the chance each component goes red, and the inputs that matter most.
pub fn uncertainty_summary(valid: &ValidPlan, bands: &Bands, scenario: &str) -> Option<String> {
    let plan = valid.plan();
    let scenario_bands = bands.scenarios.iter().find(|s| s.name == scenario)?;
    let last = scenario_bands.months.last()?;
    let money = |value: f64| format_money(value, &plan.currency);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Uncertainty ({} paths, seed {}), at month {}:",
        bands.paths, bands.seed, last.month
    );
    let last_index = bands.quantities.len();
    let rows = [
        (0, "Users", false),
        (last_index - 3, "Monthly cost", true),
        (last_index - 2, "Cumulative cost", true),
    ];
    for (index, label, is_money) in rows {
        if let Some(p) = last.percentiles.get(index).copied().flatten() {
            let show = |value: f64| {
                if is_money {
                    money(value)
                } else {
                    format_count(value)
                }
            };
            let _ = writeln!(
                out,
                "  {label:<16} P5 {}  P50 {}  P95 {}",
                show(p.p5),
                show(p.p50),
                show(p.p95)
            );
        }
    }
    for (component, (red, first)) in plan
        .components
        .iter()
        .zip(last.red.iter().zip(&scenario_bands.first_red))
    {
        let _ = writeln!(
            out,
            "  {:<16} red by month {}: {}; first to go red on {} of paths",
            component.name(),
            last.month,
            format_percent(*red),
            format_percent(*first)
        );
    }
    if let Some(over) = last.over_budget {
        let _ = writeln!(
            out,
            "  Over the monthly budget at month {}: {}",
            last.month,
            format_percent(over)
        );
    }
    if let Some(even) = last.broken_even {
        let _ = writeln!(
            out,
            "  Broken even by month {}: {}",
            last.month,
            format_percent(even)
        );
    }
    if !scenario_bands.sensitivity.is_empty() {
        let _ = writeln!(
            out,
            "  What moves the cumulative cost most (low → high bound):"
        );
        for s in scenario_bands.sensitivity.iter().take(5) {
            let _ = writeln!(
                out,
                "    {:<34} {} → {}",
                s.display_name(),
                money(s.cumulative_cost.0),
                money(s.cumulative_cost.1)
            );
        }
    }
    if let Some(reason) = &scenario_bands.stopped {
        let _ = writeln!(out, "  Note: {reason}");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_labels_count_from_the_start_month() {
        let plan = crate::engine::model::templates::worked_example().expect("valid");
        // managed-saas starts 2026-01: month 2 is March, month 12 the next January.
        assert_eq!(plan.calendar_label(0), "2026-01");
        assert_eq!(plan.calendar_label(2), "2026-03");
        assert_eq!(plan.calendar_label(12), "2027-01");
        assert_eq!(plan.calendar_label(119), "2035-12");
    }

    #[test]
    fn the_first_limit_is_the_earliest_call_to_act() {
        let plan = crate::engine::model::templates::worked_example().expect("valid");
        let projection = crate::engine::analyse::scenario::project(&plan);
        // Moderate: Redis reaches yellow at month 2 (not a limit); today's
        // 2 GB Redis is no longer enough at month 3 (see the events list).
        let moderate = &projection.scenarios[1];
        let first = first_limit(&moderate.events).expect("Redis runs out");
        assert_eq!((first.month, first.kind), (3, EventKind::TodayExhausted));
        assert_eq!(first.component.as_deref(), Some("Redis"));
        // No revenue in this plan: no break-even.
        assert_eq!(break_even_month(&moderate.events), None);
        // Seed 003 breaks even (its own golden test derives the users needed).
        let lean = crate::engine::model::templates::load("lean-mvp")
            .unwrap()
            .unwrap();
        let projection = crate::engine::analyse::scenario::project(&lean);
        let month = break_even_month(&projection.scenarios[0].events).expect("breaks even");
        let at = &projection.scenarios[0].months[month as usize];
        assert!(at.revenue.unwrap() >= at.total_cost);
        if let Some(before) = month.checked_sub(1) {
            let before = &projection.scenarios[0].months[before as usize];
            assert!(before.revenue.unwrap() < before.total_cost);
        }
    }

    #[test]
    fn milestone_months_follow_the_seeds() {
        assert_eq!(milestone_months(12), [0, 1, 3, 6, 9, 12]);
        assert_eq!(milestone_months(24), [0, 1, 3, 6, 9, 12, 18, 24]);
        assert_eq!(milestone_months(30), [0, 1, 3, 6, 9, 12, 18, 24, 30]);
        assert_eq!(milestone_months(2), [0, 1, 2]);
    }
}
