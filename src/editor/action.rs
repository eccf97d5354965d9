//! Edits that change a plan's shape: adding, duplicating and deleting
//! scenarios, drivers, metrics, components, tiers and cost lines; switching a
//! growth model; turning revenue and a budget on or off.
//!
//! New parts start from values that make sense for the plan at hand (a new
//! tier ladder is sized around the load it will carry), so an added part
//! shows something meaningful at once and the plan stays valid.

use super::field::Field;
use super::references::{list_in_words, uses_in_correlations, uses_of_cost_line, uses_of_quantity};
use super::Edited;
use crate::engine::analyse::scenario::project;
use crate::engine::model::plan::{
    Budget, Component, Correlation, CostLine, Distribution, Driver, Growth, Horizontal, Latency,
    Metric, Milestone, Plan, Range, Revenue, Segment, Thresholds, Tier, Tiered, Value, VolumeTier,
};
use crate::engine::model::validate::validate;
use crate::engine::project::growth::project_users;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrowthModel {
    Compound,
    Piecewise,
    Milestones,
    Linear,
    Logistic,
}

impl GrowthModel {
    pub const ALL: [GrowthModel; 5] = [
        GrowthModel::Compound,
        GrowthModel::Piecewise,
        GrowthModel::Milestones,
        GrowthModel::Linear,
        GrowthModel::Logistic,
    ];

    pub fn of(growth: &Growth) -> GrowthModel {
        match growth {
            Growth::Compound { .. } => GrowthModel::Compound,
            Growth::Piecewise { .. } => GrowthModel::Piecewise,
            Growth::Milestones { .. } => GrowthModel::Milestones,
            Growth::Linear { .. } => GrowthModel::Linear,
            Growth::Logistic { .. } => GrowthModel::Logistic,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            GrowthModel::Compound => "compound",
            GrowthModel::Piecewise => "piecewise",
            GrowthModel::Milestones => "milestones",
            GrowthModel::Linear => "linear",
            GrowthModel::Logistic => "logistic",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GrowthModel::Compound => "Compound: % growth and churn each month",
            GrowthModel::Piecewise => "Periods: compound rates that change over time",
            GrowthModel::Milestones => "Milestones: user targets at given months",
            GrowthModel::Linear => "Linear: new users a month, less churn",
            GrowthModel::Logistic => "S-curve: growth that slows towards a market size",
        }
    }

    pub fn from_id(id: &str) -> Option<GrowthModel> {
        GrowthModel::ALL.into_iter().find(|model| model.id() == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentKind {
    Horizontal,
    Tiered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostKind {
    Fixed,
    Usage,
    OneOff,
    Percentage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    AddScenario,
    DuplicateScenario(usize),
    DeleteScenario(usize),
    SetGrowthModel {
        scenario: usize,
        model: GrowthModel,
    },
    AddSegment(usize),
    DeleteSegment {
        scenario: usize,
        segment: usize,
    },
    AddMilestone(usize),
    DeleteMilestone {
        scenario: usize,
        point: usize,
    },
    AddDriver,
    DeleteDriver(usize),
    AddMetric,
    DeleteMetric(usize),
    AddComponent(ComponentKind),
    DeleteComponent(usize),
    AddTier(usize),
    DeleteTier {
        component: usize,
        tier: usize,
    },
    /// Adds the metric to a tiered component (with limits in every tier) or removes it.
    ToggleTierMetric {
        component: usize,
        metric: String,
    },
    AddCost(CostKind),
    DeleteCost(usize),
    AddVolumeTier(usize),
    DeleteVolumeTier {
        line: usize,
        tier: usize,
    },
    /// Adds `name` to a percentage line's base, or removes it.
    TogglePercentageOf {
        line: usize,
        name: String,
    },
    SetRevenue(bool),
    SetBudget(bool),
    /// Commits a horizontal component's units for a term (replacing its
    /// reserved share), or with `None` removes its commitment.
    Commit {
        component: usize,
        commitment: Option<crate::engine::model::plan::Commitment>,
    },
    /// Sizes a horizontal component for a response-time target too (starting
    /// from a 50 ms request on one worker, p95 within 200 ms), or with
    /// `false` stops.
    SetLatency {
        component: usize,
        on: bool,
    },
    /// States that two inputs move together.
    AddCorrelation {
        inputs: [String; 2],
        rank: f64,
    },
    DeleteCorrelation(usize),
    /// Changes how a range is read; a fixed value is left alone.
    SetDistribution {
        field: Field,
        distribution: Distribution,
    },
}

/// The parts of a plan an action can change, each with its own function.
#[derive(Debug, Clone, Copy)]
enum Part {
    Scenarios,
    Growth,
    Demand,
    Components,
    Tiers,
    Costs,
    Settings,
}

/// The refusal for an action on something that has gone (a stale button).
fn missing() -> String {
    "That part of the plan no longer exists".to_string()
}

impl Action {
    /// The validated plan this action makes of `plan`, or why it cannot.
    pub fn apply(&self, plan: &Plan) -> Edited {
        let mut edited = plan.clone();
        self.change(&mut edited)?;
        super::validated(&edited).map_err(|errors| super::explain(&errors, "", &edited))
    }

    /// Makes the change on `plan` (not yet validated), by the part of the
    /// plan it is about.
    fn change(&self, plan: &mut Plan) -> Result<(), String> {
        match self.part() {
            Part::Scenarios => self.change_scenarios(plan),
            Part::Growth => self.change_growth(plan),
            Part::Demand => self.change_demand(plan),
            Part::Components => self.change_components(plan),
            Part::Tiers => self.change_tiers(plan),
            Part::Costs => self.change_costs(plan),
            Part::Settings => self.change_settings(plan),
        }
    }

    /// Which part of the plan the action changes.
    fn part(&self) -> Part {
        match self {
            Action::AddScenario
            | Action::DuplicateScenario { .. }
            | Action::DeleteScenario { .. }
            | Action::SetGrowthModel { .. } => Part::Scenarios,
            Action::AddSegment { .. }
            | Action::DeleteSegment { .. }
            | Action::AddMilestone { .. }
            | Action::DeleteMilestone { .. } => Part::Growth,
            Action::AddDriver
            | Action::DeleteDriver { .. }
            | Action::AddMetric
            | Action::DeleteMetric { .. } => Part::Demand,
            Action::AddComponent { .. }
            | Action::DeleteComponent { .. }
            | Action::Commit { .. }
            | Action::SetLatency { .. } => Part::Components,
            Action::AddTier { .. }
            | Action::DeleteTier { .. }
            | Action::ToggleTierMetric { .. } => Part::Tiers,
            Action::AddCost { .. }
            | Action::DeleteCost { .. }
            | Action::AddVolumeTier { .. }
            | Action::DeleteVolumeTier { .. }
            | Action::TogglePercentageOf { .. } => Part::Costs,
            Action::AddCorrelation { .. }
            | Action::DeleteCorrelation { .. }
            | Action::SetRevenue { .. }
            | Action::SetBudget { .. }
            | Action::SetDistribution { .. } => Part::Settings,
        }
    }

    /// Scenarios and which growth model each follows.
    fn change_scenarios(&self, plan: &mut Plan) -> Result<(), String> {
        match self {
            Action::AddScenario => {
                let growth = plan.scenarios.last().map_or(
                    Growth::Compound {
                        growth: 0.1.into(),
                        churn: 0.03.into(),
                        damping: None,
                    },
                    |s| s.growth.clone(),
                );
                let name = unique_name(
                    "Scenario",
                    " ",
                    plan.scenarios.iter().map(|s| s.name.as_str()),
                );
                plan.scenarios
                    .push(crate::engine::model::plan::Scenario::new(name, growth));
            }
            Action::DuplicateScenario(s) => {
                let mut copy = plan.scenarios.get(*s).ok_or_else(missing)?.clone();
                copy.name = unique_name(
                    &format!("{} copy", copy.name),
                    " ",
                    plan.scenarios.iter().map(|s| s.name.as_str()),
                );
                plan.scenarios.insert(s + 1, copy);
            }
            Action::DeleteScenario(s) => {
                let name = plan.scenarios.get(*s).ok_or_else(missing)?.name.clone();
                refuse_if_used(&name, uses_in_correlations(plan, None, Some(&name)))?;
                remove_keeping_one(
                    &mut plan.scenarios,
                    *s,
                    "A plan needs at least one scenario",
                )?;
            }
            Action::SetGrowthModel { scenario, model } => {
                let horizon = plan.horizon_months;
                let baseline = plan.baseline_users;
                let current = &mut plan
                    .scenarios
                    .get_mut(*scenario)
                    .ok_or_else(missing)?
                    .growth;
                *current = convert_growth(current, *model, baseline, horizon);
            }
            // Not this function's (see the guard above).
            _ => {}
        }
        Ok(())
    }

    /// The periods and milestones of a growth model.
    fn change_growth(&self, plan: &mut Plan) -> Result<(), String> {
        match self {
            Action::AddSegment(s) => {
                let horizon = plan.horizon_months;
                let Growth::Piecewise { segments } =
                    &mut plan.scenarios.get_mut(*s).ok_or_else(missing)?.growth
                else {
                    return Err(missing());
                };
                let mut next = segments.last().cloned().ok_or_else(missing)?;
                next.until_month = (next.until_month + 6).min(horizon.max(next.until_month + 1));
                segments.push(next);
            }
            Action::DeleteSegment { scenario, segment } => {
                let Growth::Piecewise { segments } = &mut plan
                    .scenarios
                    .get_mut(*scenario)
                    .ok_or_else(missing)?
                    .growth
                else {
                    return Err(missing());
                };
                remove_keeping_one(segments, *segment, "Periods need at least one period")?;
            }
            Action::AddMilestone(s) => {
                let Growth::Milestones { points } =
                    &mut plan.scenarios.get_mut(*s).ok_or_else(missing)?.growth
                else {
                    return Err(missing());
                };
                let last = points.last().cloned().ok_or_else(missing)?;
                points.push(Milestone {
                    month: last.month + 6,
                    users: Value::Fixed(two_figures(last.users.median() * 2.0)),
                });
            }
            Action::DeleteMilestone { scenario, point } => {
                let Growth::Milestones { points } = &mut plan
                    .scenarios
                    .get_mut(*scenario)
                    .ok_or_else(missing)?
                    .growth
                else {
                    return Err(missing());
                };
                remove_keeping_one(points, *point, "Milestones need at least one milestone")?;
            }
            // Not this function's (see the guard above).
            _ => {}
        }
        Ok(())
    }

    /// Drivers and metrics.
    fn change_demand(&self, plan: &mut Plan) -> Result<(), String> {
        match self {
            Action::AddDriver => {
                let name = unique_name("driver", "_", taken_quantity_names(plan));
                plan.drivers.push(Driver {
                    name,
                    value: Value::Fixed(1.0),
                    unit: String::new(),
                    description: String::new(),
                });
            }
            Action::DeleteDriver(d) => {
                let name = plan.drivers.get(*d).ok_or_else(missing)?.name.clone();
                refuse_if_used(&name, uses_of_quantity(plan, &name))?;
                plan.drivers.remove(*d);
                for scenario in &mut plan.scenarios {
                    scenario.drivers.remove(&name);
                }
            }
            Action::AddMetric => {
                let name = unique_name("metric", "_", taken_quantity_names(plan));
                plan.metrics.push(Metric {
                    name,
                    formula: "users".into(),
                    unit: String::new(),
                });
            }
            Action::DeleteMetric(m) => {
                let name = plan.metrics.get(*m).ok_or_else(missing)?.name.clone();
                refuse_if_used(&name, uses_of_quantity(plan, &name))?;
                plan.metrics.remove(*m);
            }
            // Not this function's (see the guard above).
            _ => {}
        }
        Ok(())
    }

    /// Components, their commitments and response-time targets.
    fn change_components(&self, plan: &mut Plan) -> Result<(), String> {
        match self {
            Action::AddComponent(kind) => {
                let metric = plan
                    .metrics
                    .first()
                    .map_or_else(|| "users".to_string(), |m| m.name.clone());
                let peak = peak_load(plan, &metric);
                let name = unique_name("Component", " ", cost_line_names(plan));
                plan.components
                    .push(new_component(*kind, name, metric, peak));
            }
            Action::DeleteComponent(c) => {
                let name = plan
                    .components
                    .get(*c)
                    .ok_or_else(missing)?
                    .name()
                    .to_string();
                refuse_if_used(&name, uses_of_cost_line(plan, &name))?;
                plan.components.remove(*c);
            }
            Action::Commit {
                component,
                commitment,
            } => match plan.components.get_mut(*component) {
                Some(Component::Horizontal(h)) => {
                    h.commitment = *commitment;
                    if commitment.is_some() {
                        h.reserved_share = 0.0;
                    }
                }
                _ => return Err(missing()),
            },
            Action::SetLatency { component, on } => match plan.components.get_mut(*component) {
                Some(Component::Horizontal(h)) => {
                    h.latency = on.then_some(Latency {
                        service_time_ms: 50.0,
                        concurrency_per_unit: 1,
                        percentile: 0.95,
                        target_ms: 200.0,
                    });
                }
                _ => return Err(missing()),
            },
            // Not this function's (see the guard above).
            _ => {}
        }
        Ok(())
    }

    /// A tiered component's tiers and the metrics they limit.
    fn change_tiers(&self, plan: &mut Plan) -> Result<(), String> {
        match self {
            Action::AddTier(c) => {
                let Some(Component::Tiered(t)) = plan.components.get_mut(*c) else {
                    return Err(missing());
                };
                let name = unique_name("Tier", " ", t.tiers.iter().map(|t| t.name.as_str()));
                let mut next = t.tiers.last().cloned().ok_or_else(missing)?;
                next.name = name;
                next.price = if next.price > 0.0 {
                    next.price * 2.0
                } else {
                    100.0
                };
                for limit in next.limits.values_mut() {
                    *limit = if *limit > 0.0 { *limit * 2.0 } else { 1000.0 };
                }
                t.tiers.push(next);
            }
            Action::DeleteTier { component, tier } => {
                let Some(Component::Tiered(t)) = plan.components.get_mut(*component) else {
                    return Err(missing());
                };
                let removed = remove_keeping_one(
                    &mut t.tiers,
                    *tier,
                    "A tiered component needs at least one tier",
                )?;
                if t.current_tier.as_deref() == Some(removed.name.as_str()) {
                    t.current_tier = None;
                }
            }
            Action::ToggleTierMetric { component, metric } => {
                let peak = peak_load(plan, metric);
                let Some(Component::Tiered(t)) = plan.components.get_mut(*component) else {
                    return Err(missing());
                };
                if let Some(position) = t.metrics.iter().position(|m| m == metric) {
                    if t.metrics.len() == 1 {
                        return Err("A tiered component needs at least one metric".into());
                    }
                    t.metrics.remove(position);
                    for tier in &mut t.tiers {
                        tier.limits.remove(metric);
                    }
                } else {
                    t.metrics.push(metric.clone());
                    // Each tier holds twice the last: the top one twice the peak.
                    let count = t.tiers.len() as i32;
                    for (index, tier) in t.tiers.iter_mut().enumerate() {
                        let steps = count - 1 - index as i32;
                        tier.limits
                            .insert(metric.clone(), round_nicely(2.0 * peak / 4f64.powi(steps)));
                    }
                }
            }
            // Not this function's (see the guard above).
            _ => {}
        }
        Ok(())
    }

    /// Cost lines, their volume tiers and what a percentage is of.
    fn change_costs(&self, plan: &mut Plan) -> Result<(), String> {
        match self {
            Action::AddCost(kind) => {
                let name = unique_name("Cost line", " ", cost_line_names(plan));
                let metric = plan
                    .metrics
                    .first()
                    .map_or_else(|| "users".to_string(), |m| m.name.clone());
                plan.costs.push(match kind {
                    CostKind::Fixed => CostLine::Fixed {
                        name,
                        amount: 100.0,
                    },
                    CostKind::Usage => CostLine::Usage {
                        name,
                        metric,
                        price: 0.01,
                        free: 0.0,
                        volume_tiers: Vec::new(),
                    },
                    CostKind::OneOff => CostLine::OneOff {
                        name,
                        month: 1.min(plan.horizon_months),
                        amount: 1000.0,
                    },
                    CostKind::Percentage => CostLine::Percentage {
                        name,
                        share: 0.1,
                        of: Vec::new(),
                    },
                });
            }
            Action::DeleteCost(l) => {
                let name = plan.costs.get(*l).ok_or_else(missing)?.name().to_string();
                refuse_if_used(&name, uses_of_cost_line(plan, &name))?;
                plan.costs.remove(*l);
            }
            Action::AddVolumeTier(l) => {
                let Some(CostLine::Usage {
                    price,
                    volume_tiers,
                    ..
                }) = plan.costs.get_mut(*l)
                else {
                    return Err(missing());
                };
                let (above, last_price) = volume_tiers
                    .last()
                    .map_or((100_000.0, *price), |tier| (tier.above * 10.0, tier.price));
                volume_tiers.push(VolumeTier {
                    above,
                    price: last_price / 2.0,
                });
            }
            Action::DeleteVolumeTier { line, tier } => {
                let Some(CostLine::Usage { volume_tiers, .. }) = plan.costs.get_mut(*line) else {
                    return Err(missing());
                };
                remove(volume_tiers, *tier)?;
            }
            Action::TogglePercentageOf { line, name } => {
                let Some(CostLine::Percentage { of, .. }) = plan.costs.get_mut(*line) else {
                    return Err(missing());
                };
                if let Some(position) = of.iter().position(|n| n == name) {
                    of.remove(position);
                } else {
                    of.push(name.clone());
                }
            }
            // Not this function's (see the guard above).
            _ => {}
        }
        Ok(())
    }

    /// Correlations, revenue, the budget and a range's distribution.
    fn change_settings(&self, plan: &mut Plan) -> Result<(), String> {
        match self {
            Action::AddCorrelation { inputs, rank } => {
                plan.correlations.push(Correlation {
                    inputs: inputs.clone(),
                    rank: *rank,
                });
            }
            Action::DeleteCorrelation(index) => {
                if *index >= plan.correlations.len() {
                    return Err(missing());
                }
                plan.correlations.remove(*index);
            }
            Action::SetRevenue(on) => {
                plan.revenue = on.then_some(Revenue {
                    paying_share: 0.05,
                    price_per_month: 20.0,
                });
            }
            Action::SetBudget(on) => {
                plan.budget = if *on {
                    let peak = validate(plan).ok().map_or(1000.0, |valid| {
                        project(&valid)
                            .scenarios
                            .iter()
                            .flat_map(|s| s.months.iter().map(|m| m.total_cost))
                            .fold(0.0, f64::max)
                    });
                    Some(Budget {
                        monthly_cap: Some(round_nicely(peak * 1.5)),
                        cost_per_user_cap: None,
                    })
                } else {
                    None
                };
            }
            Action::SetDistribution {
                field,
                distribution,
            } => {
                let value = value_of(plan, *field).ok_or_else(missing)?;
                if let Value::Range(range) = *value {
                    *value = Value::Range(Range {
                        distribution: *distribution,
                        mode: (*distribution == Distribution::Triangular)
                            .then(|| range.mode.unwrap_or((range.low + range.high) / 2.0)),
                        ..range
                    });
                }
            }
            // Not this function's (see the guard above).
            _ => {}
        }
        Ok(())
    }
}

/// A new component of `kind` on `metric`, sized so today's peak load
/// (`peak`) sits well inside it: four units of a quarter of it, or tiers
/// from an eighth to twice it.
fn new_component(kind: ComponentKind, name: String, metric: String, peak: f64) -> Component {
    match kind {
        ComponentKind::Horizontal => Component::Horizontal(Horizontal {
            name,
            capacity_per_unit: Some(round_nicely(peak / 4.0)),
            metric,
            target_utilization: 0.8,
            min_units: 1,
            max_units: 100,
            spare_units: 0,
            unit_cost: 100.0,
            reserved_share: 0.0,
            reserved_discount: 0.0,
            thresholds: Thresholds::default(),
            current_units: None,
            lead_time_months: 0,
            commitment: None,
            latency: None,
        }),
        ComponentKind::Tiered => Component::Tiered(Tiered {
            name,
            tiers: [
                ("Small", 25.0, 8.0),
                ("Medium", 100.0, 2.0),
                ("Large", 400.0, 0.5),
            ]
            .into_iter()
            .map(|(tier, price, divisor)| Tier {
                name: tier.into(),
                price,
                limits: BTreeMap::from([(metric.clone(), round_nicely(peak / divisor))]),
            })
            .collect(),
            metrics: vec![metric],
            target_utilization: 0.8,
            thresholds: Thresholds::default(),
            current_tier: None,
            lead_time_months: 0,
        }),
    }
}

/// The value a range-taking field edits.
fn value_of(plan: &mut Plan, field: Field) -> Option<&mut Value> {
    match field {
        Field::GrowthParameter { scenario, index } => plan
            .scenarios
            .get_mut(scenario)?
            .growth
            .parameter_mut(index),
        Field::DriverValue(d) => Some(&mut plan.drivers.get_mut(d)?.value),
        Field::Override { scenario, driver } => {
            let name = plan.drivers.get(driver)?.name.clone();
            plan.scenarios.get_mut(scenario)?.drivers.get_mut(&name)
        }
        _ => None,
    }
}

/// A growth model of `model`'s kind that starts where `current` goes:
/// the same rates where the models share them, milestones on its curve.
fn convert_growth(current: &Growth, model: GrowthModel, baseline: f64, horizon: u32) -> Growth {
    if GrowthModel::of(current) == model {
        return current.clone();
    }
    let users = project_users(current, baseline, horizon);
    let at = |month: u32| users.get(month as usize).copied().unwrap_or(baseline);
    let (growth, churn) = match current {
        Growth::Compound { growth, churn, .. } | Growth::Logistic { growth, churn, .. } => {
            (*growth, *churn)
        }
        Growth::Piecewise { segments } => segments
            .first()
            .map_or((0.1.into(), 0.03.into()), |s| (s.growth, s.churn)),
        Growth::Linear { churn, .. } => {
            let month_one = (at(1) - baseline) / baseline.max(1.0);
            (Value::Fixed(round_rate(month_one + churn.median())), *churn)
        }
        Growth::Milestones { .. } => {
            let monthly = (at(horizon) / baseline.max(1.0)).powf(1.0 / f64::from(horizon.max(1)));
            (Value::Fixed(round_rate(monthly - 1.0).max(0.0)), 0.0.into())
        }
    };
    match model {
        GrowthModel::Compound => Growth::Compound {
            growth,
            churn,
            damping: None,
        },
        GrowthModel::Piecewise => Growth::Piecewise {
            segments: vec![Segment {
                until_month: horizon,
                growth,
                churn,
            }],
        },
        GrowthModel::Milestones => {
            let middle = (horizon / 2).max(1);
            let months = if middle < horizon {
                vec![middle, horizon]
            } else {
                vec![horizon]
            };
            Growth::Milestones {
                points: months
                    .into_iter()
                    .map(|month| Milestone {
                        month,
                        users: Value::Fixed(two_figures(at(month).max(1.0))),
                    })
                    .collect(),
            }
        }
        GrowthModel::Linear => Growth::Linear {
            new_users_per_month: Value::Fixed(two_figures(baseline * growth.median()).max(1.0)),
            churn,
        },
        GrowthModel::Logistic => Growth::Logistic {
            growth,
            churn,
            market_size: Value::Fixed(two_figures(at(horizon).max(baseline) * 10.0).max(1.0)),
        },
    }
}

/// The highest value `quantity` reaches in the middle scenario (by that
/// peak), for sizing new parts around the load they will carry.
fn peak_load(plan: &Plan, quantity: &str) -> f64 {
    let Ok(valid) = validate(plan) else {
        return 1000.0;
    };
    let index = plan.metrics.iter().position(|m| m.name == quantity);
    let mut peaks: Vec<f64> = project(&valid)
        .scenarios
        .iter()
        .map(|s| {
            s.months
                .iter()
                .map(|m| index.map_or(m.users, |i| m.metrics.get(i).copied().unwrap_or(0.0)))
                .fold(0.0, f64::max)
        })
        .collect();
    peaks.sort_by(f64::total_cmp);
    let peak = peaks.get(peaks.len() / 2).copied().unwrap_or(0.0);
    if peak > 0.0 && peak.is_finite() {
        peak
    } else {
        1000.0
    }
}

/// `value` rounded to 1, 2 or 5 times a power of ten, so defaults read well.
fn round_nicely(value: f64) -> f64 {
    if !(value.is_finite() && value > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    let scaled = value / power;
    let step = if scaled < 1.5 {
        1.0
    } else if scaled < 3.5 {
        2.0
    } else if scaled < 7.5 {
        5.0
    } else {
        10.0
    };
    step * power
}

/// `value` to two significant figures: 658 → 660.
fn two_figures(value: f64) -> f64 {
    if !(value.is_finite() && value > 0.0) {
        return 0.0;
    }
    let power = 10f64.powf(value.log10().floor() - 1.0);
    (value / power).round() * power
}

fn round_rate(rate: f64) -> f64 {
    (rate * 1000.0).round() / 1000.0
}

fn taken_quantity_names(plan: &Plan) -> impl Iterator<Item = &str> {
    plan.drivers
        .iter()
        .map(|d| d.name.as_str())
        .chain(plan.metrics.iter().map(|m| m.name.as_str()))
}

fn cost_line_names(plan: &Plan) -> impl Iterator<Item = &str> {
    plan.components
        .iter()
        .map(Component::name)
        .chain(plan.costs.iter().map(CostLine::name))
}

/// `stem 1`, `stem 2`, ...: the first not already taken.
/// A copy's name (`Moderate copy`) is used as it is when free.
fn unique_name<'a>(stem: &str, separator: &str, taken: impl Iterator<Item = &'a str>) -> String {
    let taken: Vec<&str> = taken.collect();
    if stem.ends_with(" copy") && !taken.contains(&stem) {
        return stem.to_string();
    }
    (1..)
        .map(|n| format!("{stem}{separator}{n}"))
        .find(|name| !taken.contains(&name.as_str()))
        .unwrap_or_else(|| stem.to_string())
}

fn refuse_if_used(name: &str, uses: Vec<String>) -> Result<(), String> {
    if uses.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name} is used by {}: change those first",
            list_in_words(&uses)
        ))
    }
}

/// Removes an item of a list that must keep at least one.
fn remove_keeping_one<T>(items: &mut Vec<T>, index: usize, last_one: &str) -> Result<T, String> {
    if items.len() == 1 {
        return Err(last_one.to_string());
    }
    remove(items, index)
}

fn remove<T>(items: &mut Vec<T>, index: usize) -> Result<T, String> {
    if index < items.len() {
        Ok(items.remove(index))
    } else {
        Err("That part of the plan no longer exists".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::project::sizing::Status;

    use crate::editor::tests::example;

    #[test]
    fn scenarios_are_added_duplicated_and_deleted() {
        let plan = example();
        let added = Action::AddScenario.apply(&plan).unwrap();
        assert_eq!(added.plan().scenarios[3].name, "Scenario 1");
        let copied = Action::DuplicateScenario(1).apply(&plan).unwrap();
        assert_eq!(copied.plan().scenarios[2].name, "Moderate copy");
        assert_eq!(copied.plan().scenarios[2].growth, plan.scenarios[1].growth);
        let deleted = Action::DeleteScenario(0).apply(&plan).unwrap();
        assert_eq!(deleted.plan().scenarios[0].name, "Moderate");
        let mut single = plan.clone();
        single.scenarios.truncate(1);
        assert_eq!(
            Action::DeleteScenario(0).apply(&single),
            Err("A plan needs at least one scenario".into())
        );
    }

    #[test]
    fn a_used_metric_cannot_be_deleted() {
        let plan = example();
        assert_eq!(
            Action::DeleteMetric(2).apply(&plan),
            Err("db_size_mb is used by component Supabase: change those first".into())
        );
        assert_eq!(
            Action::DeleteDriver(0).apply(&plan),
            Err(
                "requests_per_user_month is used by metric daily_requests: change those first"
                    .into()
            )
        );
        let added = Action::AddMetric.apply(&plan).unwrap();
        let fresh = added.plan().metrics.len() - 1;
        assert_eq!(added.plan().metrics[fresh].name, "metric_1");
        let deleted = Action::DeleteMetric(fresh).apply(added.plan()).unwrap();
        assert_eq!(deleted.plan(), &plan);
    }

    #[test]
    fn a_new_tiered_component_scales_within_the_horizon() {
        let plan = example();
        let added = Action::AddComponent(ComponentKind::Tiered)
            .apply(&plan)
            .unwrap();
        let index = added.plan().components.len() - 1;
        let moderate = &project(&added).scenarios[1];
        let first = moderate.months[0].components[index].tier;
        let last = moderate.months.last().unwrap().components[index].tier;
        assert!(
            last > first,
            "the ladder is sized around the load: {first:?} → {last:?}"
        );
        assert_ne!(
            moderate.months.last().unwrap().components[index].status,
            Status::OverCapacity
        );
        let more = Action::AddTier(index).apply(added.plan()).unwrap();
        let Component::Tiered(t) = &more.plan().components[index] else {
            panic!("tiered");
        };
        assert_eq!(t.tiers.len(), 4);
        assert_eq!(t.tiers[3].price, 800.0);
    }

    #[test]
    fn growth_models_convert_from_the_current_curve() {
        let plan = example();
        let to_periods = Action::SetGrowthModel {
            scenario: 1,
            model: GrowthModel::Piecewise,
        };
        let edited = to_periods.apply(&plan).unwrap();
        // One period at the same rates gives the same users.
        assert_eq!(
            project(&edited).scenarios[1].months[12].users,
            project(&validate(&plan).unwrap()).scenarios[1].months[12].users
        );
        let to_milestones = Action::SetGrowthModel {
            scenario: 1,
            model: GrowthModel::Milestones,
        };
        let edited = to_milestones.apply(&plan).unwrap();
        let Growth::Milestones { points } = &edited.plan().scenarios[1].growth else {
            panic!("milestones");
        };
        // Moderate reaches 658 users at month 12 (seed 000), kept to two figures.
        assert_eq!(points.iter().map(|p| p.month).collect::<Vec<_>>(), [6, 12]);
        assert_eq!(points[1].users, Value::Fixed(660.0));
    }

    #[test]
    fn nice_numbers() {
        assert_eq!(round_nicely(658.0), 500.0);
        assert_eq!(round_nicely(1400.0), 1000.0);
        assert_eq!(round_nicely(0.03), 0.02);
        assert_eq!(round_nicely(8.0), 10.0);
        assert_eq!(round_nicely(f64::NAN), 1.0);
        assert_eq!(two_figures(658.0), 660.0);
        assert_eq!(two_figures(0.01234), 0.012);
    }
}

#[cfg(test)]
mod decision_fields {
    use crate::editor::{Action, ComponentPart, Field};
    use crate::engine::model::plan::{Commitment, Component};
    use crate::engine::model::templates;

    fn seed_004() -> crate::engine::model::validate::ValidPlan {
        templates::load("realtime-platform")
            .expect("listed")
            .expect("valid")
    }

    #[test]
    fn lead_times_confidence_and_terms_are_checked_where_they_are_typed() {
        let plan = seed_004();
        let lead = Field::Component {
            component: 0,
            part: ComponentPart::LeadTime,
        };
        let edited = lead.apply(plan.plan(), "3").expect("valid");
        assert_eq!(edited.plan().components[0].lead_time_months(), 3);
        assert_eq!(
            lead.apply(plan.plan(), "61").expect_err("refused"),
            "Must be 0 to 60 months, not 61"
        );
        assert_eq!(
            Field::Confidence
                .apply(plan.plan(), "40%")
                .expect_err("refused"),
            "Cannot be below 50%"
        );
        assert_eq!(
            Field::Confidence
                .apply(plan.plan(), "99.95%")
                .expect_err("refused"),
            "Cannot be above 99.9%"
        );
        let sure = Field::Confidence.apply(plan.plan(), "95%").expect("valid");
        assert!((sure.plan().confidence.unwrap_or_default() - 0.95).abs() < 1e-12);
        assert_eq!(
            Field::CommitmentTerm
                .apply(plan.plan(), "24")
                .expect_err("refused"),
            "Terms are 12 or 36 months, not 24"
        );
        let longer = Field::CommitmentTerm
            .apply(plan.plan(), "36")
            .expect("valid");
        assert_eq!(
            longer.plan().commitment_term.map(|t| t.term_months),
            Some(36)
        );
    }

    #[test]
    fn a_commitment_replaces_the_reserved_share_and_is_checked() {
        let plan = seed_004();
        let commit = |units| Action::Commit {
            component: 0,
            commitment: Some(Commitment {
                units,
                term_months: 12,
                start_month: 0,
            }),
        };
        let edited = commit(8).apply(plan.plan()).expect("valid");
        let Component::Horizontal(h) = &edited.plan().components[0] else {
            panic!("horizontal");
        };
        assert_eq!(
            (h.reserved_share, h.commitment.map(|c| c.units)),
            (0.0, Some(8))
        );
        let refused = commit(151).apply(plan.plan()).expect_err("above max_units");
        assert!(
            refused.contains("must be 1 to max_units (150), not 151"),
            "{refused}"
        );
        let removed = Action::Commit {
            component: 0,
            commitment: None,
        }
        .apply(edited.plan())
        .expect("valid");
        assert!(
            matches!(&removed.plan().components[0], Component::Horizontal(h) if h.commitment.is_none())
        );
        // A tiered component takes no commitment.
        assert!(Action::Commit {
            component: 1,
            commitment: None
        }
        .apply(plan.plan())
        .is_err());
    }
}
