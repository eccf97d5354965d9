//! What a change of assumptions does to the results: per scenario present
//! in both plans (matched by name, or by a rename the plan diff found), the
//! figures at month 12 and at the horizon (P50 and the 90% range where the
//! plan is uncertain), when things happen, and the chances of trouble.

use super::{plan_changes, Change, Detail};
use crate::engine::analyse::scenario::{Projection, ScenarioProjection};
use crate::engine::model::number::{format_count, format_money, format_percent};
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::sizing::Status;
use crate::engine::uncertainty::{Bands, ScenarioBands};

/// One plan's side: the plan, its projection, and its bands if it has any.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub plan: &'a ValidPlan,
    pub projection: &'a Projection,
    pub bands: Option<&'a Bands>,
}

/// A figure: the value (P50 under uncertainty) and its 90% range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub range: Option<(f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Users,
    Money,
    /// A probability.
    Chance,
}

/// One figure in both plans.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `Monthly cost at month 12`.
    pub label: String,
    pub measure: Measure,
    pub old: Option<Figure>,
    pub new: Option<Figure>,
}

impl Row {
    /// `new − old`, when both have the figure.
    pub fn delta(&self) -> Option<f64> {
        Some(self.new?.value - self.old?.value)
    }

    /// The delta as a share of the old value (absent from 0).
    pub fn relative(&self) -> Option<f64> {
        let old = self.old?.value;
        (old != 0.0).then(|| self.delta().map(|d| d / old.abs()))?
    }
}

/// When something happens, in both plans: a month and what it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// `First to run out`, `Earliest act-by`, `Break-even`.
    pub label: String,
    pub old: Option<(String, i64)>,
    pub new: Option<(String, i64)>,
}

impl Timing {
    /// Months later (positive) or earlier, when both happen.
    pub fn delta(&self) -> Option<i64> {
        Some(self.new.as_ref()?.1 - self.old.as_ref()?.1)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioComparison {
    pub name: String,
    /// Its name in the old plan, when it was renamed.
    pub old_name: Option<String>,
    pub rows: Vec<Row>,
    pub timings: Vec<Timing>,
}

/// Two plans compared: what changed, and what it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub changes: Vec<Change>,
    pub scenarios: Vec<ScenarioComparison>,
    /// Scenarios in only one of the plans.
    pub only_old: Vec<String>,
    pub only_new: Vec<String>,
    pub currency: String,
}

/// Compares two plans and their results.
pub fn compare_results(old: Side<'_>, new: Side<'_>) -> Comparison {
    let changes = plan_changes(old.plan.plan(), new.plan.plan());
    let renamed = |name: &str| {
        changes.iter().find_map(|c| match &c.detail {
            Detail::Renamed { from } if c.kind == "scenario" && from == name => {
                Some(c.name.clone())
            }
            _ => None,
        })
    };
    let mut scenarios = Vec::new();
    let mut only_old = Vec::new();
    let mut matched_new = Vec::new();
    for old_scenario in &old.projection.scenarios {
        let new_name = renamed(&old_scenario.name).unwrap_or_else(|| old_scenario.name.clone());
        match new.projection.scenarios.iter().find(|s| s.name == new_name) {
            Some(new_scenario) => {
                matched_new.push(new_name.clone());
                scenarios.push(compare_scenario(old, old_scenario, new, new_scenario));
            }
            None => only_old.push(old_scenario.name.clone()),
        }
    }
    let only_new = new
        .projection
        .scenarios
        .iter()
        .filter(|s| !matched_new.contains(&s.name))
        .map(|s| s.name.clone())
        .collect();
    Comparison {
        changes,
        scenarios,
        only_old,
        only_new,
        currency: new.plan.plan().currency.clone(),
    }
}

fn bands_of<'a>(side: Side<'a>, name: &str) -> Option<(&'a Bands, &'a ScenarioBands)> {
    let bands = side.bands?;
    Some((bands, bands.scenarios.iter().find(|s| s.name == name)?))
}

fn compare_scenario(
    old: Side<'_>,
    old_scenario: &ScenarioProjection,
    new: Side<'_>,
    new_scenario: &ScenarioProjection,
) -> ScenarioComparison {
    let old_bands = bands_of(old, &old_scenario.name);
    let new_bands = bands_of(new, &new_scenario.name);
    let horizon = |s: &ScenarioProjection| s.last().map_or(0, |m| m.month);
    let (old_end, new_end) = (horizon(old_scenario), horizon(new_scenario));
    let mut rows = Vec::new();
    let mut at = |old_month: u32, new_month: u32, when: String| {
        for (label, measure, quantity) in [
            ("Users", Measure::Users, "users"),
            ("Monthly cost", Measure::Money, "total_cost"),
            ("Cumulative cost", Measure::Money, "cumulative_cost"),
            ("Cost per user", Measure::Money, "cost_per_user"),
        ] {
            rows.push(Row {
                label: format!("{label} {when}"),
                measure,
                old: figure(old_scenario, old_bands, old_month, quantity),
                new: figure(new_scenario, new_bands, new_month, quantity),
            });
        }
    };
    if old_end >= 12 && new_end >= 12 {
        at(12, 12, "at month 12".into());
    }
    let when = if old_end == new_end {
        format!("at the horizon (month {new_end})")
    } else {
        format!("at the horizon (month {old_end} → {new_end})")
    };
    if old_end != 12 || new_end != 12 {
        at(old_end, new_end, when);
    }
    // The chances, where both plans have bands.
    if let (Some((_, a)), Some((_, b))) = (old_bands, new_bands) {
        let chance = |value: f64| Some(Figure { value, range: None });
        rows.push(Row {
            label: "Chance something goes red".into(),
            measure: Measure::Chance,
            old: chance(1.0 - a.never_red),
            new: chance(1.0 - b.never_red),
        });
        let over_budget = |s: &ScenarioBands| {
            s.months
                .iter()
                .filter_map(|m| m.over_budget)
                .fold(None, |most: Option<f64>, p| {
                    Some(most.map_or(p, |m| m.max(p)))
                })
        };
        if let (Some(x), Some(y)) = (over_budget(a), over_budget(b)) {
            rows.push(Row {
                label: "Chance over budget in the worst month".into(),
                measure: Measure::Chance,
                old: chance(x),
                new: chance(y),
            });
        }
    }
    let timings = vec![
        Timing {
            label: "First to run out".into(),
            old: first_red(old, old_scenario),
            new: first_red(new, new_scenario),
        },
        Timing {
            label: "Earliest act-by".into(),
            old: earliest_act_by(old_scenario, old_bands.map(|(_, s)| s)),
            new: earliest_act_by(new_scenario, new_bands.map(|(_, s)| s)),
        },
        Timing {
            label: "Break-even".into(),
            old: break_even(old_scenario),
            new: break_even(new_scenario),
        },
    ];
    ScenarioComparison {
        name: new_scenario.name.clone(),
        old_name: (old_scenario.name != new_scenario.name).then(|| old_scenario.name.clone()),
        rows,
        timings,
    }
}

/// A quantity in a month: its P50 and 90% range from the bands, else the
/// projection's value.
fn figure(
    scenario: &ScenarioProjection,
    bands: Option<(&Bands, &ScenarioBands)>,
    month: u32,
    quantity: &str,
) -> Option<Figure> {
    if let Some((bands, scenario_bands)) = bands {
        let index = bands.quantities.iter().position(|q| q == quantity)?;
        let percentiles = scenario_bands
            .months
            .get(month as usize)?
            .percentiles
            .get(index)?;
        return percentiles.map(|p| Figure {
            value: p.p50,
            range: (p.p5 != p.p95).then_some((p.p5, p.p95)),
        });
    }
    let result = scenario.at(month)?;
    let value = match quantity {
        "users" => Some(result.users),
        "total_cost" => Some(result.total_cost),
        "cumulative_cost" => Some(result.cumulative_cost),
        _ => result.cost_per_user,
    }?;
    Some(Figure { value, range: None })
}

/// The first component to go red (or over capacity), and when.
fn first_red(side: Side<'_>, scenario: &ScenarioProjection) -> Option<(String, i64)> {
    scenario.months.iter().find_map(|month| {
        let index = month
            .components
            .iter()
            .position(|c| c.status >= Status::Red)?;
        let name = side.plan.plan().components.get(index)?.name().to_string();
        Some((name, i64::from(month.month)))
    })
}

/// The earliest act-by month of any change (from the bands when there are).
fn earliest_act_by(
    scenario: &ScenarioProjection,
    bands: Option<&ScenarioBands>,
) -> Option<(String, i64)> {
    let act_by = bands.map_or(&scenario.act_by, |b| &b.act_by);
    act_by
        .iter()
        .filter_map(|a| {
            Some((
                format!("{}: {}", a.component, a.label),
                i64::from(a.act_by_month?),
            ))
        })
        .min_by_key(|(_, month)| *month)
}

/// The first month revenue covers the cost.
fn break_even(scenario: &ScenarioProjection) -> Option<(String, i64)> {
    scenario
        .months
        .iter()
        .find(|m| m.margin.is_some_and(|margin| margin >= 0.0))
        .map(|m| ("revenue covers cost".to_string(), i64::from(m.month)))
}

/// A figure for reading: `$1,240`, `1,087`, `12.5%`.
pub fn show(value: f64, measure: Measure, currency: &str) -> String {
    match measure {
        Measure::Users => format_count(value),
        Measure::Money => format_money(value, currency),
        Measure::Chance => format_percent((value * 1000.0).round() / 1000.0),
    }
}

/// A delta for reading, with its sign: `+$420 (+24%)`, `−3`, `+5 pts`.
pub fn show_delta(row: &Row, currency: &str) -> Option<String> {
    let delta = row.delta()?;
    let sign = if delta > 0.0 {
        "+"
    } else if delta < 0.0 {
        "−"
    } else {
        "±"
    };
    let magnitude = delta.abs();
    Some(match row.measure {
        Measure::Chance => format!("{sign}{} pts", (magnitude * 1000.0).round() / 10.0),
        measure => {
            let amount = show(magnitude, measure, currency);
            match row.relative() {
                Some(share) if delta != 0.0 => format!(
                    "{sign}{amount} ({sign}{})",
                    format_percent((share.abs() * 1000.0).round() / 1000.0)
                ),
                _ => format!("{sign}{amount}"),
            }
        }
    })
}

/// `2 months earlier`, `1 month later`, `now at month 7`, `no longer`.
pub fn describe_timing(timing: &Timing) -> Option<String> {
    let months = |n: i64| {
        if n.abs() == 1 {
            "1 month".to_string()
        } else {
            format!("{} months", n.abs())
        }
    };
    match (&timing.old, &timing.new) {
        (None, None) => None,
        (Some(_), None) => Some("no longer within the horizon".into()),
        (None, Some((what, month))) => Some(format!("now {what} at month {month}")),
        (Some((a, x)), Some((b, y))) if a == b && x == y => None,
        (Some((a, x)), Some((b, y))) if a == b => Some(format!(
            "{} {}",
            months(y - x),
            if y < x { "earlier" } else { "later" }
        )),
        (Some((a, x)), Some((b, y))) => Some(format!("{b} at month {y} (was {a} at month {x})")),
    }
}

/// The pull-request line for a scenario: `Moderate: month-12 cost +$420
/// (+24%), Redis runs out 2 months earlier`.
pub fn summary_line(scenario: &ScenarioComparison, currency: &str) -> String {
    let mut parts = Vec::new();
    let cost = scenario
        .rows
        .iter()
        .find(|r| r.label.starts_with("Monthly cost at month 12"))
        .or_else(|| {
            scenario
                .rows
                .iter()
                .find(|r| r.label.starts_with("Monthly cost"))
        });
    if let Some(row) = cost {
        if let Some(delta) = show_delta(row, currency).filter(|_| row.delta() != Some(0.0)) {
            let when = if row.label.contains("month 12") {
                "month-12"
            } else {
                "horizon"
            };
            parts.push(format!("{when} cost {delta}"));
        }
    }
    if let Some(timing) = scenario.timings.first() {
        if let Some(text) = describe_timing(timing) {
            let subject = timing
                .new
                .as_ref()
                .or(timing.old.as_ref())
                .map_or(String::new(), |(what, _)| what.clone());
            parts.push(match (&timing.old, &timing.new) {
                (Some((a, _)), Some((b, _))) if a == b => format!("{subject} runs out {text}"),
                (Some((a, _)), None) => format!("{a} no longer runs out within the horizon"),
                (None, Some((b, month))) => format!("{b} now runs out at month {month}"),
                _ => format!("first to run out: {text}"),
            });
        }
    }
    if parts.is_empty() {
        format!("{}: no change in the results", scenario.name)
    } else {
        format!("{}: {}", scenario.name, parts.join(", "))
    }
}
