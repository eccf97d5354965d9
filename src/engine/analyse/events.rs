//! What happens when: the timeline a scenario's projection implies.

use crate::engine::analyse::decisions::ActBy;
use crate::engine::model::number::{
    format_count, format_milliseconds, format_milliseconds_pair, format_money, format_percent,
};
use crate::engine::model::plan::{Component, Horizontal, Plan};
use crate::engine::project::months::{MonthResult, ScenarioMonths};
use crate::engine::project::sizing::{status, Sizing, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    ScaleUp,
    ScaleDown,
    TierChange,
    Threshold,
    OverCapacity,
    TodayExhausted,
    FirstRed,
    BudgetBroken,
    CostPerUserBroken,
    BreakEven,
    Stopped,
    /// The month a change must start to be live in time.
    ActBy,
}

impl EventKind {
    pub fn id(self) -> &'static str {
        match self {
            EventKind::ScaleUp => "scale_up",
            EventKind::ScaleDown => "scale_down",
            EventKind::TierChange => "tier_change",
            EventKind::Threshold => "threshold",
            EventKind::OverCapacity => "over_capacity",
            EventKind::TodayExhausted => "today_exhausted",
            EventKind::FirstRed => "first_red",
            EventKind::BudgetBroken => "budget_broken",
            EventKind::CostPerUserBroken => "cost_per_user_broken",
            EventKind::BreakEven => "break_even",
            EventKind::Stopped => "stopped",
            EventKind::ActBy => "act_by",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub month: u32,
    pub kind: EventKind,
    pub component: Option<String>,
    pub message: String,
}

/// "API's p95 response time reaches 412 ms, over its 300 ms target even at
/// its most units (8)", or, when requests come faster than those units can
/// ever serve, "… has no bound: requests arrive faster than its most units
/// (8) can serve them".
fn latency_missed_text(h: &Horizontal, response_time_ms: Option<f64>) -> Option<String> {
    let latency = h.latency?;
    let label = latency.percentile_label();
    let name = &h.name;
    let most = format_count(f64::from(h.max_units));
    Some(match response_time_ms {
        Some(ms) if ms.is_finite() => match format_milliseconds_pair(ms, latency.target_ms) {
            // Over by less than a millionth of a millisecond.
            (ms, target) if ms == target => format!(
                "{name}'s {label} response time is just over its {} ms target even at its most units ({most})",
                format_milliseconds(latency.target_ms)
            ),
            (ms, target) => format!(
                "{name}'s {label} response time reaches {ms} ms, over its {target} ms target even at its most units ({most})"
            ),
        },
        _ => format!(
            "{name}'s {label} response time has no bound: requests arrive faster than its most units ({most}) can serve them"
        ),
    })
}

/// The events found so far, each pushed in the order the rules run; sorted
/// by month at the end (a stable sort, so one month's events keep it).
struct Timeline(Vec<Event>);

impl Timeline {
    fn push(&mut self, month: u32, kind: EventKind, component: Option<&str>, message: String) {
        self.0.push(Event {
            month,
            kind,
            component: component.map(str::to_string),
            message,
        });
    }
}

/// Every event of a projected scenario, in month order: each component's
/// changes and statuses, then what the whole plan meets (first red, budget,
/// break-even, a stop), then when each change must start (`act_by`).
pub fn derive_events(plan: &Plan, projection: &ScenarioMonths, act_by: &[ActBy]) -> Vec<Event> {
    let mut timeline = Timeline(Vec::new());
    for (index, component) in plan.components.iter().enumerate() {
        component_events(&mut timeline, component, index, projection);
    }
    let months = &projection.months;
    first_red_event(&mut timeline, plan, months);
    budget_events(&mut timeline, plan, months);
    if let Some(month) = months
        .iter()
        .find(|m| m.margin.is_some_and(|margin| margin >= 0.0))
    {
        timeline.push(
            month.month,
            EventKind::BreakEven,
            None,
            "revenue covers the monthly cost (break-even)".to_string(),
        );
    }
    if let Some(reason) = &projection.stopped {
        timeline.push(
            months.len() as u32,
            EventKind::Stopped,
            None,
            reason.clone(),
        );
    }
    // When each change must start: at month 0 when already late.
    for act_by in act_by {
        if let Some(month) = act_by.act_by_month {
            timeline.push(
                month.max(0) as u32,
                EventKind::ActBy,
                Some(&act_by.component),
                act_by.description(plan.horizon_months),
            );
        }
    }
    let mut events = timeline.0;
    events.sort_by_key(|event| event.month);
    events
}

/// One component's events: month by month its scaling or tier changes and
/// the statuses it reaches, then when today's setup runs out.
fn component_events(
    timeline: &mut Timeline,
    component: &Component,
    index: usize,
    projection: &ScenarioMonths,
) {
    let name = component.name();
    let months = &projection.months;
    let mut over_seen = false;
    for (t, month) in months.iter().enumerate() {
        let now = &month.components[index];
        let before = t.checked_sub(1).map(|p| &months[p].components[index]);
        if let Some(before) = before {
            change_event(timeline, component, month.month, before, now);
        }
        status_events(
            timeline,
            component,
            month.month,
            before,
            now,
            &mut over_seen,
        );
    }
    if let Some(today) = projection.today.get(index).and_then(Option::as_ref) {
        if let Some(month) = today.runs_out {
            timeline.push(
                month,
                EventKind::TodayExhausted,
                Some(name),
                format!("today's {name} ({}) is no longer enough", today.setup),
            );
        }
    }
}

/// A horizontal component scaling up or down, or a tiered one changing tier.
fn change_event(
    timeline: &mut Timeline,
    component: &Component,
    month: u32,
    before: &Sizing,
    now: &Sizing,
) {
    let name = component.name();
    match component {
        Component::Horizontal(h) => {
            let (from, to) = (before.units.unwrap_or(0), now.units.unwrap_or(0));
            if to == from {
                return;
            }
            let (kind, verb) = if to > from {
                (EventKind::ScaleUp, "scales up")
            } else {
                (EventKind::ScaleDown, "scales down")
            };
            // Say so when the response-time target, not utilization, asked
            // for the units.
            let why = match h.latency {
                Some(latency) if now.latency_forced && to > from => format!(
                    ", for its {} response-time target of {} ms",
                    latency.percentile_label(),
                    format_milliseconds(latency.target_ms)
                ),
                _ => String::new(),
            };
            timeline.push(
                month,
                kind,
                Some(name),
                format!("{name} {verb} from {from} to {to} units{why}"),
            );
        }
        Component::Tiered(t) if before.tier != now.tier => {
            let tier = |i: Option<usize>| {
                i.and_then(|i| t.tiers.get(i))
                    .map_or("?", |tier| tier.name.as_str())
            };
            timeline.push(
                month,
                EventKind::TierChange,
                Some(name),
                format!(
                    "{name} moves from {} to {}",
                    tier(before.tier),
                    tier(now.tier)
                ),
            );
        }
        Component::Tiered(_) => {}
    }
}

/// A missed response-time target, a threshold crossed upward (yellow, red)
/// and the first month over capacity.
fn status_events(
    timeline: &mut Timeline,
    component: &Component,
    month: u32,
    before: Option<&Sizing>,
    now: &Sizing,
    over_seen: &mut bool,
) {
    let name = component.name();
    let previous = before.map_or(Status::Green, |b| b.status);
    let missed = |sizing: &Sizing| sizing.latency_met == Some(false);
    let latency_miss = match component {
        Component::Horizontal(h) if missed(now) && !before.is_some_and(missed) => {
            latency_missed_text(h, now.response_time_ms)
        }
        _ => None,
    };
    // A status the missed target raised (not utilization) is said by the
    // target's own event, not as a utilization.
    let raised_by_latency = match component {
        Component::Horizontal(h) if missed(now) => {
            status(now.utilization, false, h.utilization_thresholds()) < now.status
        }
        _ => false,
    };
    if let Some(text) = latency_miss {
        timeline.push(month, EventKind::Threshold, Some(name), text);
    }
    if now.status > previous
        && matches!(now.status, Status::Yellow | Status::Red)
        && !raised_by_latency
    {
        timeline.push(
            month,
            EventKind::Threshold,
            Some(name),
            format!(
                "{name} reaches {} utilization ({})",
                format_percent(round_share(now.utilization)),
                now.status.label()
            ),
        );
    }
    if now.status == Status::OverCapacity && !*over_seen {
        *over_seen = true;
        timeline.push(
            month,
            EventKind::OverCapacity,
            Some(name),
            format!("{name} runs out of room: even its largest setup cannot hold the load"),
        );
    }
}

/// The first component to go red, and when.
fn first_red_event(timeline: &mut Timeline, plan: &Plan, months: &[MonthResult]) {
    let first_red = months.iter().find_map(|month| {
        month
            .components
            .iter()
            .position(|sizing| sizing.status >= Status::Red)
            .map(|index| (month.month, index))
    });
    if let Some((month, index)) = first_red {
        let name = plan.components[index].name();
        timeline.push(
            month,
            EventKind::FirstRed,
            Some(name),
            format!("{name} is the first thing to break (red at month {month})"),
        );
    }
}

/// The first month over the monthly budget, and over the cost per user cap.
fn budget_events(timeline: &mut Timeline, plan: &Plan, months: &[MonthResult]) {
    let Some(budget) = &plan.budget else {
        return;
    };
    let money = |value| format_money(value, &plan.currency);
    if let Some(cap) = budget.monthly_cap {
        if let Some(month) = months.iter().find(|m| m.total_cost > cap) {
            timeline.push(
                month.month,
                EventKind::BudgetBroken,
                None,
                format!(
                    "monthly cost of {} passes the budget of {}",
                    money(month.total_cost),
                    money(cap)
                ),
            );
        }
    }
    if let Some(cap) = budget.cost_per_user_cap {
        let over = months
            .iter()
            .find_map(|m| m.cost_per_user.filter(|c| *c > cap).map(|c| (m.month, c)));
        if let Some((month, per_user)) = over {
            timeline.push(
                month,
                EventKind::CostPerUserBroken,
                None,
                format!(
                    "cost per user of {} is over the cap of {}",
                    money(per_user),
                    money(cap)
                ),
            );
        }
    }
}

/// Utilization rounded to a whole percent, for messages.
fn round_share(share: f64) -> f64 {
    (share * 100.0).round() / 100.0
}
