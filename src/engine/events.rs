//! What happens when: the timeline a scenario's projection implies.

use super::number::{
    format_count, format_milliseconds, format_milliseconds_pair, format_money, format_percent,
};
use super::plan::{Component, Horizontal, Plan};
use super::projection::{ScenarioProjection, Sizing, Status};
use super::sizing::status;

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

/// Every event of a projected scenario, in month order.
pub fn derive_events(plan: &Plan, projection: &ScenarioProjection) -> Vec<Event> {
    let mut events = Vec::new();
    let months = &projection.months;
    let mut push = |month: u32, kind: EventKind, component: Option<&str>, message: String| {
        events.push(Event {
            month,
            kind,
            component: component.map(str::to_string),
            message,
        })
    };

    for (index, component) in plan.components.iter().enumerate() {
        let name = component.name();
        let mut over_seen = false;
        for (t, month) in months.iter().enumerate() {
            let now = &month.components[index];
            let before = t.checked_sub(1).map(|p| &months[p].components[index]);
            match (component, before) {
                (Component::Horizontal(_), Some(before)) => {
                    let (from, to) = (before.units.unwrap_or(0), now.units.unwrap_or(0));
                    if to != from {
                        let kind = if to > from {
                            EventKind::ScaleUp
                        } else {
                            EventKind::ScaleDown
                        };
                        let verb = if to > from {
                            "scales up"
                        } else {
                            "scales down"
                        };
                        // Say so when the response-time target, not
                        // utilization, asked for the units.
                        let why = match (component, now.latency_forced && to > from) {
                            (Component::Horizontal(h), true) => h
                                .latency
                                .map(|latency| {
                                    format!(
                                        ", for its {} response-time target of {} ms",
                                        latency.percentile_label(),
                                        format_milliseconds(latency.target_ms)
                                    )
                                })
                                .unwrap_or_default(),
                            _ => String::new(),
                        };
                        push(
                            month.month,
                            kind,
                            Some(name),
                            format!("{name} {verb} from {from} to {to} units{why}"),
                        );
                    }
                }
                (Component::Tiered(t), Some(before)) if before.tier != now.tier => {
                    let tier = |i: Option<usize>| {
                        i.and_then(|i| t.tiers.get(i))
                            .map_or("?", |tier| tier.name.as_str())
                    };
                    push(
                        month.month,
                        EventKind::TierChange,
                        Some(name),
                        format!(
                            "{name} moves from {} to {}",
                            tier(before.tier),
                            tier(now.tier)
                        ),
                    );
                }
                _ => {}
            }
            let previous = before.map_or(Status::Green, |b| b.status);
            let missed = |sizing: &Sizing| sizing.latency_met == Some(false);
            let latency_miss = match component {
                Component::Horizontal(h) if missed(now) && !before.is_some_and(missed) => {
                    latency_missed_text(h, now.response_time_ms)
                }
                _ => None,
            };
            // A status the missed target raised (not utilization) is said
            // by the target's own event, not as a utilization.
            let raised_by_latency = match component {
                Component::Horizontal(h) if missed(now) => {
                    status(now.utilization, false, h.utilization_thresholds()) < now.status
                }
                _ => false,
            };
            if let Some(text) = latency_miss {
                push(month.month, EventKind::Threshold, Some(name), text);
            }
            if now.status > previous
                && matches!(now.status, Status::Yellow | Status::Red)
                && !raised_by_latency
            {
                push(
                    month.month,
                    EventKind::Threshold,
                    Some(name),
                    format!(
                        "{name} reaches {} utilization ({})",
                        format_percent(round_share(now.utilization)),
                        now.status.label()
                    ),
                );
            }
            if now.status == Status::OverCapacity && !over_seen {
                over_seen = true;
                push(
                    month.month,
                    EventKind::OverCapacity,
                    Some(name),
                    format!("{name} runs out of room: even its largest setup cannot hold the load"),
                );
            }
        }
        if let Some(today) = projection.today.get(index).and_then(Option::as_ref) {
            if let Some(month) = today.runs_out {
                push(
                    month,
                    EventKind::TodayExhausted,
                    Some(name),
                    format!("today's {name} ({}) is no longer enough", today.setup),
                );
            }
        }
    }

    let first_red = months.iter().find_map(|month| {
        month
            .components
            .iter()
            .position(|sizing| sizing.status >= Status::Red)
            .map(|index| (month.month, index))
    });
    if let Some((month, index)) = first_red {
        let name = plan.components[index].name();
        push(
            month,
            EventKind::FirstRed,
            Some(name),
            format!("{name} is the first thing to break (red at month {month})"),
        );
    }
    if let Some(budget) = &plan.budget {
        if let Some(cap) = budget.monthly_cap {
            if let Some(month) = months.iter().find(|m| m.total_cost > cap) {
                let money = |value| format_money(value, &plan.currency);
                push(
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
                let money = |value| format_money(value, &plan.currency);
                push(
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
    if let Some(month) = months
        .iter()
        .find(|m| m.margin.is_some_and(|margin| margin >= 0.0))
    {
        push(
            month.month,
            EventKind::BreakEven,
            None,
            "revenue covers the monthly cost (break-even)".to_string(),
        );
    }
    if let Some(reason) = &projection.stopped {
        push(
            months.len() as u32,
            EventKind::Stopped,
            None,
            reason.clone(),
        );
    }
    // When each change must start: at month 0 when already late.
    for act_by in &projection.act_by {
        if let Some(month) = act_by.act_by_month {
            push(
                month.max(0) as u32,
                EventKind::ActBy,
                Some(&act_by.component),
                act_by.description(plan.horizon_months),
            );
        }
    }
    events.sort_by_key(|event| event.month);
    events
}

/// Utilization rounded to a whole percent, for messages.
fn round_share(share: f64) -> f64 {
    (share * 100.0).round() / 100.0
}
