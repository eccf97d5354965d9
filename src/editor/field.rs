//! Every editable value of a plan, addressed by a [`Field`]: what it shows,
//! how its text is read, and the validated plan an edit makes.

use super::references;
use super::value_text::{read_number, read_value, show_number, show_value};
use super::{explain, Edited};
use crate::engine::model::plan::{Component, CostLine, Growth, Plan, Value};
use crate::engine::model::seasons::{format_seasonality, parse_seasonality};

/// One editable value of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    PlanName,
    Description,
    Currency,
    StartMonth,
    BaselineUsers,
    HorizonMonths,
    Samples,
    Seed,
    /// The metric counted as requests (empty: none).
    RequestsMetric,
    /// How sure act-by dates must be (empty: 90%).
    Confidence,
    /// The term commitment recommendations are sized for, and its start.
    CommitmentTerm,
    CommitmentStart,
    ScenarioName(usize),
    /// A scenario's seasonality, typed as `Nov +20%, Dec +45%` (empty: none).
    Seasonality(usize),
    /// A scenario's month-to-month volatility: `4%` or `±4% a month`
    /// (empty: none).
    Volatility(usize),
    /// A compound scenario's damping φ: growth fades by it each month
    /// (empty: none).
    Damping(usize),
    /// A growth parameter, by its index in [`Growth::parameters`].
    GrowthParameter {
        scenario: usize,
        index: usize,
    },
    SegmentUntil {
        scenario: usize,
        segment: usize,
    },
    MilestoneMonth {
        scenario: usize,
        point: usize,
    },
    DriverName(usize),
    DriverValue(usize),
    DriverUnit(usize),
    DriverDescription(usize),
    /// A driver's value in one scenario; empty text means "the plan's value".
    Override {
        scenario: usize,
        driver: usize,
    },
    MetricName(usize),
    MetricFormula(usize),
    MetricUnit(usize),
    Component {
        component: usize,
        part: ComponentPart,
    },
    Cost {
        line: usize,
        part: CostPart,
    },
    RevenueShare,
    RevenuePrice,
    MonthlyCap,
    CostPerUserCap,
    /// The rank of the plan's correlation at this index.
    CorrelationRank(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComponentPart {
    Name,
    /// A horizontal component's metric.
    Metric,
    CapacityPerUnit,
    TargetUtilization,
    MinUnits,
    MaxUnits,
    SpareUnits,
    UnitCost,
    ReservedShare,
    ReservedDiscount,
    Yellow,
    Red,
    CurrentUnits,
    CurrentTier,
    /// Months to make the next change live.
    LeadTime,
    /// A latency target's parts (horizontal components sized for latency).
    ServiceTime,
    Concurrency,
    LatencyPercentile,
    LatencyTarget,
    TierName(usize),
    TierPrice(usize),
    /// A tier's limit for the component's metric at index `metric`.
    TierLimit {
        tier: usize,
        metric: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CostPart {
    Name,
    Amount,
    Metric,
    Price,
    Free,
    Month,
    Share,
    VolumeAbove(usize),
    VolumePrice(usize),
}

/// How a field's text reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A number; `percent` fields show and take `25%`; `range` fields also
    /// take a range; `optional` fields may be left empty.
    Number {
        percent: bool,
        range: bool,
        optional: bool,
    },
}

/// A mutable view of the value a field edits.
enum Slot<'a> {
    Text(&'a mut String),
    OptionalText(&'a mut Option<String>),
    Number(&'a mut f64),
    OptionalNumber(&'a mut Option<f64>),
    Whole(&'a mut u32),
    OptionalWhole(&'a mut Option<u32>),
    Seed(&'a mut u64),
    Value(&'a mut Value),
}

impl Field {
    /// The field's path in the plan document, as validation errors name it.
    pub fn path(self, plan: &Plan) -> String {
        match self {
            Field::PlanName => "name".into(),
            Field::Description => "description".into(),
            Field::Currency => "currency".into(),
            Field::StartMonth => "start_month".into(),
            Field::BaselineUsers => "baseline_users".into(),
            Field::HorizonMonths => "horizon_months".into(),
            Field::Samples => "uncertainty.samples".into(),
            Field::Seed => "uncertainty.seed".into(),
            Field::RequestsMetric => "requests_metric".into(),
            Field::Confidence => "confidence".into(),
            Field::CommitmentTerm => "commitment_term.term_months".into(),
            Field::CommitmentStart => "commitment_term.start_month".into(),
            Field::ScenarioName(s) => format!("scenarios[{s}].name"),
            Field::Seasonality(s) => format!("scenarios[{s}].seasonality"),
            Field::Volatility(s) => format!("scenarios[{s}].volatility"),
            Field::Damping(s) => format!("scenarios[{s}].growth.damping"),
            Field::GrowthParameter { scenario, index } => {
                let label = plan
                    .scenarios
                    .get(scenario)
                    .and_then(|s| s.growth.parameters().into_iter().nth(index))
                    .map_or_else(String::new, |(label, ..)| label);
                format!("scenarios[{scenario}].growth.{label}")
            }
            Field::SegmentUntil { scenario, segment } => {
                format!("scenarios[{scenario}].growth.segments[{segment}].until_month")
            }
            Field::MilestoneMonth { scenario, point } => {
                format!("scenarios[{scenario}].growth.points[{point}].month")
            }
            Field::DriverName(d) => format!("drivers[{d}].name"),
            Field::DriverValue(d) => format!("drivers[{d}].value"),
            Field::DriverUnit(d) => format!("drivers[{d}].unit"),
            Field::DriverDescription(d) => format!("drivers[{d}].description"),
            Field::Override { scenario, driver } => {
                let name = plan.drivers.get(driver).map_or("", |d| d.name.as_str());
                format!("scenarios[{scenario}].drivers.{name}")
            }
            Field::MetricName(m) => format!("metrics[{m}].name"),
            Field::MetricFormula(m) => format!("metrics[{m}].formula"),
            Field::MetricUnit(m) => format!("metrics[{m}].unit"),
            Field::Component { component, part } => {
                let field = match part {
                    ComponentPart::Name => "name".to_string(),
                    ComponentPart::Metric => "metric".into(),
                    ComponentPart::CapacityPerUnit => "capacity_per_unit".into(),
                    ComponentPart::TargetUtilization => "target_utilization".into(),
                    ComponentPart::MinUnits => "min_units".into(),
                    ComponentPart::MaxUnits => "max_units".into(),
                    ComponentPart::SpareUnits => "spare_units".into(),
                    ComponentPart::UnitCost => "unit_cost".into(),
                    ComponentPart::ReservedShare => "reserved_share".into(),
                    ComponentPart::ReservedDiscount => "reserved_discount".into(),
                    ComponentPart::Yellow => "thresholds.yellow".into(),
                    ComponentPart::Red => "thresholds.red".into(),
                    ComponentPart::CurrentUnits => "current_units".into(),
                    ComponentPart::CurrentTier => "current_tier".into(),
                    ComponentPart::LeadTime => "lead_time_months".into(),
                    ComponentPart::ServiceTime => "latency.service_time_ms".into(),
                    ComponentPart::Concurrency => "latency.concurrency_per_unit".into(),
                    ComponentPart::LatencyPercentile => "latency.percentile".into(),
                    ComponentPart::LatencyTarget => "latency.target_ms".into(),
                    ComponentPart::TierName(t) => format!("tiers[{t}].name"),
                    ComponentPart::TierPrice(t) => format!("tiers[{t}].price"),
                    ComponentPart::TierLimit { tier, metric } => {
                        let name = match plan.components.get(component) {
                            Some(Component::Tiered(t)) => {
                                t.metrics.get(metric).map_or("", String::as_str)
                            }
                            _ => "",
                        };
                        format!("tiers[{tier}].limits.{name}")
                    }
                };
                format!("components[{component}].{field}")
            }
            Field::Cost { line, part } => {
                let field = match part {
                    CostPart::Name => "name".to_string(),
                    CostPart::Amount => "amount".into(),
                    CostPart::Metric => "metric".into(),
                    CostPart::Price => "price".into(),
                    CostPart::Free => "free".into(),
                    CostPart::Month => "month".into(),
                    CostPart::Share => "share".into(),
                    CostPart::VolumeAbove(v) => format!("volume_tiers[{v}].above"),
                    CostPart::VolumePrice(v) => format!("volume_tiers[{v}].price"),
                };
                format!("costs[{line}].{field}")
            }
            Field::RevenueShare => "revenue.paying_share".into(),
            Field::RevenuePrice => "revenue.price_per_month".into(),
            Field::MonthlyCap => "budget.monthly_cap".into(),
            Field::CostPerUserCap => "budget.cost_per_user_cap".into(),
            Field::CorrelationRank(c) => format!("correlations[{c}].rank"),
        }
    }

    /// Whether a new value typed here changes what this field alone shows:
    /// true for numbers. No field's path, kind, label, hint or value reads
    /// another field's number (labels and hints read names, units, the
    /// currency and the growth model: text and choices, whose edits may
    /// change any field). After such an edit the page re-reads this field
    /// only, not all 150-odd (`ui::state::PlanState`); a test checks the
    /// claim for every number field of every template.
    pub fn shows_only_itself(self, plan: &Plan) -> bool {
        matches!(self.kind(plan), Kind::Number { .. })
    }

    /// How the field's text reads in `plan`.
    pub fn kind(self, plan: &Plan) -> Kind {
        let number = |percent: bool| Kind::Number {
            percent,
            range: false,
            optional: false,
        };
        let share_unit = |driver: usize| {
            plan.drivers
                .get(driver)
                .is_some_and(|d| matches!(d.unit.as_str(), "share" | "%"))
        };
        match self {
            Field::PlanName
            | Field::Description
            | Field::Currency
            | Field::StartMonth
            | Field::RequestsMetric
            | Field::ScenarioName(_)
            | Field::Seasonality(_)
            | Field::DriverName(_)
            | Field::DriverUnit(_)
            | Field::DriverDescription(_)
            | Field::MetricName(_)
            | Field::MetricFormula(_)
            | Field::MetricUnit(_)
            | Field::Component {
                part:
                    ComponentPart::Name
                    | ComponentPart::Metric
                    | ComponentPart::CurrentTier
                    | ComponentPart::TierName(_),
                ..
            }
            | Field::Cost {
                part: CostPart::Name | CostPart::Metric,
                ..
            } => Kind::Text,
            Field::GrowthParameter { scenario, index } => {
                let label = plan
                    .scenarios
                    .get(scenario)
                    .and_then(|s| s.growth.parameters().into_iter().nth(index))
                    .map(|(label, ..)| label)
                    .unwrap_or_default();
                Kind::Number {
                    percent: label.ends_with("growth") || label.ends_with("churn"),
                    range: true,
                    optional: false,
                }
            }
            Field::DriverValue(driver) => Kind::Number {
                percent: share_unit(driver),
                range: true,
                optional: false,
            },
            Field::Override { driver, .. } => Kind::Number {
                percent: share_unit(driver),
                range: true,
                optional: true,
            },
            // Capacity may be left blank beside a response-time target
            // (sized by latency alone); validation says so otherwise.
            Field::Component {
                part: ComponentPart::CurrentUnits | ComponentPart::CapacityPerUnit,
                ..
            }
            | Field::MonthlyCap
            | Field::CostPerUserCap
            | Field::Damping(_) => Kind::Number {
                percent: false,
                range: false,
                optional: true,
            },
            Field::Confidence | Field::Volatility(_) => Kind::Number {
                percent: true,
                range: false,
                optional: true,
            },
            Field::Component {
                part:
                    ComponentPart::TargetUtilization
                    | ComponentPart::ReservedShare
                    | ComponentPart::ReservedDiscount
                    | ComponentPart::Yellow
                    | ComponentPart::Red
                    | ComponentPart::LatencyPercentile,
                ..
            }
            | Field::Cost {
                part: CostPart::Share,
                ..
            }
            | Field::RevenueShare => number(true),
            _ => number(false),
        }
    }

    /// The field's current value in the plan, as the field shows it.
    pub fn display(self, plan: &Plan) -> String {
        let percent = matches!(self.kind(plan), Kind::Number { percent: true, .. });
        if let Field::Override { scenario, driver } = self {
            return plan
                .drivers
                .get(driver)
                .and_then(|d| plan.scenarios.get(scenario)?.drivers.get(&d.name))
                .map_or_else(String::new, |value| show_value(value, percent));
        }
        if let Field::Seasonality(scenario) = self {
            return plan
                .scenarios
                .get(scenario)
                .and_then(|s| s.seasonality.as_deref())
                .map_or_else(String::new, format_seasonality);
        }
        let mut copy = plan.clone();
        match self.slot(&mut copy) {
            Some(Slot::Text(text)) => text.clone(),
            Some(Slot::OptionalText(text)) => text.clone().unwrap_or_default(),
            Some(Slot::Number(number)) => show_number(*number, percent),
            Some(Slot::OptionalNumber(number)) => {
                number.map_or_else(String::new, |n| show_number(n, percent))
            }
            Some(Slot::Whole(whole)) => whole.to_string(),
            Some(Slot::OptionalWhole(whole)) => whole.map_or_else(String::new, |w| w.to_string()),
            Some(Slot::Seed(seed)) => seed.to_string(),
            Some(Slot::Value(value)) => show_value(value, percent),
            None => String::new(),
        }
    }

    /// The plan with this field set from `text`, validated; or the message to
    /// show next to the field.
    pub fn apply(self, plan: &Plan, text: &str) -> Edited {
        let mut edited = plan.clone();
        self.write(&mut edited, text)?;
        super::validated(&edited).map_err(|errors| explain(&errors, &self.path(plan), plan))
    }

    /// Writes `text` into the field of `plan`, renaming references when a
    /// name changes.
    fn write(self, plan: &mut Plan, text: &str) -> Result<(), String> {
        if let Field::Seasonality(scenario) = self {
            let factors = parse_seasonality(text)?;
            plan.scenarios
                .get_mut(scenario)
                .ok_or("That scenario no longer exists")?
                .seasonality = factors;
            return Ok(());
        }
        let text = match self {
            Field::Volatility(_) => without_plus_minus_a_month(text),
            _ => text,
        };
        let Kind::Number {
            percent, optional, ..
        } = self.kind(plan)
        else {
            return self.write_text(plan, text);
        };
        let empty = text.trim().is_empty();
        if let Field::Override { scenario, driver } = self {
            let name = plan
                .drivers
                .get(driver)
                .ok_or("That driver no longer exists")?
                .name
                .clone();
            let overrides = &mut plan
                .scenarios
                .get_mut(scenario)
                .ok_or("That scenario no longer exists")?
                .drivers;
            if empty {
                overrides.remove(&name);
            } else {
                let value = read_value(text, percent, overrides.get(&name))?;
                overrides.insert(name, value);
            }
            return Ok(());
        }
        let slot = self.slot(plan).ok_or_else(|| gone(self))?;
        if empty && optional {
            match slot {
                Slot::OptionalNumber(number) => *number = None,
                Slot::OptionalWhole(whole) => *whole = None,
                _ => {}
            }
            return Ok(());
        }
        match slot {
            Slot::Value(value) => *value = read_value(text, percent, Some(value))?,
            Slot::Number(number) => *number = read_number(text, percent)?,
            Slot::OptionalNumber(number) => *number = Some(read_number(text, percent)?),
            Slot::Whole(whole) => *whole = read_whole(text, u32::MAX.into())? as u32,
            Slot::OptionalWhole(whole) => *whole = Some(read_whole(text, u32::MAX.into())? as u32),
            Slot::Seed(seed) => *seed = read_whole(text, 2f64.powi(53))? as u64,
            Slot::Text(_) | Slot::OptionalText(_) => {}
        }
        Ok(())
    }

    fn write_text(self, plan: &mut Plan, text: &str) -> Result<(), String> {
        let renamed = match self {
            Field::DriverName(d) => plan.drivers.get(d).map(|d| d.name.clone()),
            Field::MetricName(m) => plan.metrics.get(m).map(|m| m.name.clone()),
            Field::Component {
                component,
                part: ComponentPart::Name,
            } => plan.components.get(component).map(|c| c.name().to_string()),
            Field::Component {
                component,
                part: ComponentPart::TierName(tier),
            } => match plan.components.get(component) {
                Some(Component::Tiered(t)) => t.tiers.get(tier).map(|t| t.name.clone()),
                _ => None,
            },
            Field::Cost {
                line,
                part: CostPart::Name,
            } => plan.costs.get(line).map(|c| c.name().to_string()),
            Field::ScenarioName(s) => plan.scenarios.get(s).map(|s| s.name.clone()),
            _ => None,
        };
        let text = match self {
            // Names and formulas are kept as typed apart from surrounding spaces.
            Field::Description => text.to_string(),
            _ => text.trim().to_string(),
        };
        match self.slot(plan).ok_or_else(|| gone(self))? {
            Slot::Text(slot) => *slot = text.clone(),
            Slot::OptionalText(slot) => *slot = (!text.is_empty()).then(|| text.clone()),
            _ => {}
        }
        if let Some(old) = renamed.filter(|old| *old != text) {
            match self {
                Field::DriverName(_) | Field::MetricName(_) => {
                    references::rename_quantity(plan, &old, &text)
                }
                Field::Component {
                    component,
                    part: ComponentPart::TierName(_),
                } => references::rename_tier(plan, component, &old, &text),
                Field::ScenarioName(_) => references::rename_scenario(plan, &old, &text),
                _ => references::rename_cost_line(plan, &old, &text),
            }
        }
        Ok(())
    }

    fn slot(self, plan: &mut Plan) -> Option<Slot<'_>> {
        Some(match self {
            Field::PlanName => Slot::Text(&mut plan.name),
            Field::Description => Slot::Text(&mut plan.description),
            Field::Currency => Slot::Text(&mut plan.currency),
            Field::StartMonth => Slot::Text(&mut plan.start_month),
            Field::BaselineUsers => Slot::Number(&mut plan.baseline_users),
            Field::HorizonMonths => Slot::Whole(&mut plan.horizon_months),
            Field::Samples => Slot::Whole(&mut plan.uncertainty.get_or_insert_default().samples),
            Field::Seed => Slot::Seed(&mut plan.uncertainty.get_or_insert_default().seed),
            Field::RequestsMetric => Slot::OptionalText(&mut plan.requests_metric),
            Field::Confidence => Slot::OptionalNumber(&mut plan.confidence),
            Field::CommitmentTerm => {
                Slot::Whole(&mut plan.commitment_term.get_or_insert_default().term_months)
            }
            Field::CommitmentStart => {
                Slot::Whole(&mut plan.commitment_term.get_or_insert_default().start_month)
            }
            Field::ScenarioName(s) => Slot::Text(&mut plan.scenarios.get_mut(s)?.name),
            Field::Seasonality(_) | Field::Override { .. } => return None,
            Field::Volatility(s) => {
                Slot::OptionalNumber(&mut plan.scenarios.get_mut(s)?.volatility)
            }
            Field::Damping(s) => match &mut plan.scenarios.get_mut(s)?.growth {
                Growth::Compound { damping, .. } => Slot::OptionalNumber(damping),
                _ => return None,
            },
            Field::GrowthParameter { scenario, index } => Slot::Value(
                plan.scenarios
                    .get_mut(scenario)?
                    .growth
                    .parameter_mut(index)?,
            ),
            Field::SegmentUntil { scenario, segment } => {
                match &mut plan.scenarios.get_mut(scenario)?.growth {
                    Growth::Piecewise { segments } => {
                        Slot::Whole(&mut segments.get_mut(segment)?.until_month)
                    }
                    _ => return None,
                }
            }
            Field::MilestoneMonth { scenario, point } => {
                match &mut plan.scenarios.get_mut(scenario)?.growth {
                    Growth::Milestones { points } => Slot::Whole(&mut points.get_mut(point)?.month),
                    _ => return None,
                }
            }
            Field::DriverName(d) => Slot::Text(&mut plan.drivers.get_mut(d)?.name),
            Field::DriverValue(d) => Slot::Value(&mut plan.drivers.get_mut(d)?.value),
            Field::DriverUnit(d) => Slot::Text(&mut plan.drivers.get_mut(d)?.unit),
            Field::DriverDescription(d) => Slot::Text(&mut plan.drivers.get_mut(d)?.description),
            Field::MetricName(m) => Slot::Text(&mut plan.metrics.get_mut(m)?.name),
            Field::MetricFormula(m) => Slot::Text(&mut plan.metrics.get_mut(m)?.formula),
            Field::MetricUnit(m) => Slot::Text(&mut plan.metrics.get_mut(m)?.unit),
            Field::Component { component, part } => {
                component_slot(plan.components.get_mut(component)?, part)?
            }
            Field::Cost { line, part } => cost_slot(plan.costs.get_mut(line)?, part)?,
            Field::RevenueShare => Slot::Number(&mut plan.revenue.as_mut()?.paying_share),
            Field::RevenuePrice => Slot::Number(&mut plan.revenue.as_mut()?.price_per_month),
            Field::MonthlyCap => Slot::OptionalNumber(&mut plan.budget.as_mut()?.monthly_cap),
            Field::CostPerUserCap => {
                Slot::OptionalNumber(&mut plan.budget.as_mut()?.cost_per_user_cap)
            }
            Field::CorrelationRank(c) => Slot::Number(&mut plan.correlations.get_mut(c)?.rank),
        })
    }
}

fn component_slot(component: &mut Component, part: ComponentPart) -> Option<Slot<'_>> {
    Some(match (component, part) {
        (Component::Horizontal(h), part) => match part {
            ComponentPart::Name => Slot::Text(&mut h.name),
            ComponentPart::Metric => Slot::Text(&mut h.metric),
            ComponentPart::CapacityPerUnit => Slot::OptionalNumber(&mut h.capacity_per_unit),
            ComponentPart::TargetUtilization => Slot::Number(&mut h.target_utilization),
            ComponentPart::MinUnits => Slot::Whole(&mut h.min_units),
            ComponentPart::MaxUnits => Slot::Whole(&mut h.max_units),
            ComponentPart::SpareUnits => Slot::Whole(&mut h.spare_units),
            ComponentPart::UnitCost => Slot::Number(&mut h.unit_cost),
            ComponentPart::ReservedShare => Slot::Number(&mut h.reserved_share),
            ComponentPart::ReservedDiscount => Slot::Number(&mut h.reserved_discount),
            ComponentPart::Yellow => Slot::Number(&mut h.thresholds.yellow),
            ComponentPart::Red => Slot::Number(&mut h.thresholds.red),
            ComponentPart::CurrentUnits => Slot::OptionalWhole(&mut h.current_units),
            ComponentPart::LeadTime => Slot::Whole(&mut h.lead_time_months),
            ComponentPart::ServiceTime => Slot::Number(&mut h.latency.as_mut()?.service_time_ms),
            ComponentPart::Concurrency => {
                Slot::Whole(&mut h.latency.as_mut()?.concurrency_per_unit)
            }
            ComponentPart::LatencyPercentile => Slot::Number(&mut h.latency.as_mut()?.percentile),
            ComponentPart::LatencyTarget => Slot::Number(&mut h.latency.as_mut()?.target_ms),
            _ => return None,
        },
        (Component::Tiered(t), part) => match part {
            ComponentPart::Name => Slot::Text(&mut t.name),
            ComponentPart::TargetUtilization => Slot::Number(&mut t.target_utilization),
            ComponentPart::Yellow => Slot::Number(&mut t.thresholds.yellow),
            ComponentPart::Red => Slot::Number(&mut t.thresholds.red),
            ComponentPart::CurrentTier => Slot::OptionalText(&mut t.current_tier),
            ComponentPart::LeadTime => Slot::Whole(&mut t.lead_time_months),
            ComponentPart::TierName(tier) => Slot::Text(&mut t.tiers.get_mut(tier)?.name),
            ComponentPart::TierPrice(tier) => Slot::Number(&mut t.tiers.get_mut(tier)?.price),
            ComponentPart::TierLimit { tier, metric } => {
                let name = t.metrics.get(metric)?.clone();
                Slot::Number(t.tiers.get_mut(tier)?.limits.entry(name).or_insert(0.0))
            }
            _ => return None,
        },
    })
}

fn cost_slot(line: &mut CostLine, part: CostPart) -> Option<Slot<'_>> {
    Some(match (line, part) {
        (line, CostPart::Name) => Slot::Text(match line {
            CostLine::Fixed { name, .. }
            | CostLine::Usage { name, .. }
            | CostLine::OneOff { name, .. }
            | CostLine::Percentage { name, .. } => name,
        }),
        (CostLine::Fixed { amount, .. } | CostLine::OneOff { amount, .. }, CostPart::Amount) => {
            Slot::Number(amount)
        }
        (CostLine::OneOff { month, .. }, CostPart::Month) => Slot::Whole(month),
        (CostLine::Usage { metric, .. }, CostPart::Metric) => Slot::Text(metric),
        (CostLine::Usage { price, .. }, CostPart::Price) => Slot::Number(price),
        (CostLine::Usage { free, .. }, CostPart::Free) => Slot::Number(free),
        (CostLine::Usage { volume_tiers, .. }, CostPart::VolumeAbove(v)) => {
            Slot::Number(&mut volume_tiers.get_mut(v)?.above)
        }
        (CostLine::Usage { volume_tiers, .. }, CostPart::VolumePrice(v)) => {
            Slot::Number(&mut volume_tiers.get_mut(v)?.price)
        }
        (CostLine::Percentage { share, .. }, CostPart::Share) => Slot::Number(share),
        _ => return None,
    })
}

fn gone(field: Field) -> String {
    format!("This field no longer exists ({field:?})")
}

/// `±4% a month` as `4%`: a volatility reads as people say it.
fn without_plus_minus_a_month(text: &str) -> &str {
    let text = text.trim();
    let text = ["\u{b1}", "+/-", "+-"]
        .iter()
        .find_map(|sign| text.strip_prefix(sign))
        .unwrap_or(text);
    [
        " a month",
        " per month",
        "/month",
        " / month",
        " monthly",
        "/mo",
    ]
    .iter()
    .find_map(|tail| text.strip_suffix(tail))
    .unwrap_or(text)
    .trim()
}

fn read_whole(text: &str, max: f64) -> Result<f64, String> {
    let value = read_number(text, false)?;
    if value.fract() != 0.0 || value < 0.0 {
        return Err("Must be a whole number".into());
    }
    if value > max {
        return Err(format!("Must be at most {max}"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::plan::Distribution;
    const MODERATE: usize = 1;

    use crate::editor::tests::example;

    fn growth(scenario: usize) -> Field {
        Field::GrowthParameter { scenario, index: 0 }
    }

    fn churn(scenario: usize) -> Field {
        Field::GrowthParameter { scenario, index: 1 }
    }

    /// A component's parts, with its `i`th tier's.
    fn every_component_part(i: usize) -> Vec<ComponentPart> {
        let mut parts = vec![
            ComponentPart::Name,
            ComponentPart::Metric,
            ComponentPart::CapacityPerUnit,
            ComponentPart::TargetUtilization,
            ComponentPart::MinUnits,
            ComponentPart::MaxUnits,
            ComponentPart::SpareUnits,
            ComponentPart::UnitCost,
            ComponentPart::ReservedShare,
            ComponentPart::ReservedDiscount,
            ComponentPart::Yellow,
            ComponentPart::Red,
            ComponentPart::CurrentUnits,
            ComponentPart::CurrentTier,
            ComponentPart::LeadTime,
            ComponentPart::ServiceTime,
            ComponentPart::Concurrency,
            ComponentPart::LatencyPercentile,
            ComponentPart::LatencyTarget,
            ComponentPart::TierName(i),
            ComponentPart::TierPrice(i),
        ];
        parts.extend((0..3).map(|metric| ComponentPart::TierLimit { tier: i, metric }));
        parts
    }

    /// A cost line's parts, with its `i`th volume step's.
    fn every_cost_part(i: usize) -> [CostPart; 9] {
        [
            CostPart::Name,
            CostPart::Amount,
            CostPart::Metric,
            CostPart::Price,
            CostPart::Free,
            CostPart::Month,
            CostPart::Share,
            CostPart::VolumeAbove(i),
            CostPart::VolumePrice(i),
        ]
    }

    /// Every field a plan of up to `n` of each part can have (some beyond
    /// the plan's parts: they show nothing, before and after).
    fn every_field(n: usize) -> Vec<Field> {
        let mut fields = vec![
            Field::PlanName,
            Field::Description,
            Field::Currency,
            Field::StartMonth,
            Field::BaselineUsers,
            Field::HorizonMonths,
            Field::Samples,
            Field::Seed,
            Field::RequestsMetric,
            Field::Confidence,
            Field::CommitmentTerm,
            Field::CommitmentStart,
            Field::RevenueShare,
            Field::RevenuePrice,
            Field::MonthlyCap,
            Field::CostPerUserCap,
        ];
        for i in 0..n {
            fields.extend([
                Field::ScenarioName(i),
                Field::Seasonality(i),
                Field::Volatility(i),
                Field::Damping(i),
                Field::DriverName(i),
                Field::DriverValue(i),
                Field::DriverUnit(i),
                Field::DriverDescription(i),
                Field::MetricName(i),
                Field::MetricFormula(i),
                Field::MetricUnit(i),
                Field::CorrelationRank(i),
            ]);
            for j in 0..n {
                fields.extend([
                    Field::GrowthParameter {
                        scenario: i,
                        index: j,
                    },
                    Field::SegmentUntil {
                        scenario: i,
                        segment: j,
                    },
                    Field::MilestoneMonth {
                        scenario: i,
                        point: j,
                    },
                    Field::Override {
                        scenario: i,
                        driver: j,
                    },
                ]);
                fields.extend(
                    every_component_part(j)
                        .into_iter()
                        .map(|part| Field::Component { component: i, part }),
                );
                fields.extend(
                    every_cost_part(j)
                        .into_iter()
                        .map(|part| Field::Cost { line: i, part }),
                );
            }
        }
        fields
    }

    type Facts = (String, Kind, String, Option<Distribution>, String, String);

    fn facts(field: Field, plan: &Plan) -> Facts {
        (
            field.path(plan),
            field.kind(plan),
            field.display(plan),
            field.distribution(plan),
            field.label(plan),
            field.hint(plan),
        )
    }

    /// The claim `PlanState` relies on to re-read only the typed field:
    /// a number typed into any number field of any template (a few values
    /// tried until one makes a valid plan) leaves every other field's path,
    /// kind, value, range, label and hint as they were. Text fields are not
    /// claimed (a renamed metric relabels the components that carry it),
    /// and this checks that the claim is not vacuous.
    #[test]
    fn a_number_typed_changes_what_no_other_field_shows() {
        let fields = every_field(9);
        let mut checked = 0;
        for template in crate::engine::model::templates::TEMPLATES {
            let plan = crate::engine::model::templates::load(template.id)
                .and_then(Result::ok)
                .expect("a valid template")
                .plan()
                .clone();
            let before: Vec<Facts> = fields.iter().map(|f| facts(*f, &plan)).collect();
            for (at, field) in fields.iter().enumerate() {
                if !field.shows_only_itself(&plan) || before[at].2.is_empty() {
                    continue;
                }
                let typed = ["7", "3", "0.5", "50%", "1", "2", "90%", "10 - 20", "2030"]
                    .into_iter()
                    .filter(|text| *text != before[at].2)
                    .find_map(|text| field.apply(&plan, text).ok());
                let Some(edited) = typed else { continue };
                checked += 1;
                for (other, was) in fields.iter().zip(&before) {
                    if other != field {
                        assert_eq!(
                            &facts(*other, edited.plan()),
                            was,
                            "{}: typing into {field:?} changed {other:?}",
                            template.id
                        );
                    }
                }
            }
        }
        assert!(checked > 150, "only {checked} number fields took a value");
    }

    #[test]
    fn fields_show_the_plan_as_people_write_it() {
        let plan = example();
        assert_eq!(Field::BaselineUsers.display(&plan), "100");
        assert_eq!(Field::HorizonMonths.display(&plan), "12");
        assert_eq!(growth(MODERATE).display(&plan), "25%");
        assert_eq!(churn(MODERATE).display(&plan), "8%");
        assert_eq!(Field::DriverValue(3).display(&plan), "250 – 1000");
        // requests_per_user_month: Moderate overrides it with 150; the plan's value is 150 too.
        let requests = Field::Override {
            scenario: MODERATE,
            driver: 0,
        };
        assert_eq!(requests.display(&plan), "150");
        // db_mb_per_user has no override: the field is empty.
        let storage = Field::Override {
            scenario: MODERATE,
            driver: 1,
        };
        assert_eq!(storage.display(&plan), "");
        assert_eq!(
            Field::MetricFormula(2).display(&plan),
            "users * db_mb_per_user"
        );
        let supabase_pro_limit = Field::Component {
            component: 0,
            part: ComponentPart::TierLimit { tier: 1, metric: 0 },
        };
        assert_eq!(supabase_pro_limit.display(&plan), "8000");
        let target = Field::Component {
            component: 0,
            part: ComponentPart::TargetUtilization,
        };
        assert_eq!(target.display(&plan), "75%");
        assert_eq!(Field::CostPerUserCap.display(&plan), "3");
        assert_eq!(Field::MonthlyCap.display(&plan), "");
        assert_eq!(Field::Seed.display(&plan), "42");
        assert_eq!(Field::RequestsMetric.display(&plan), "monthly_requests");
    }

    #[test]
    fn a_valid_edit_changes_only_its_field() {
        let plan = example();
        let edited = growth(MODERATE).apply(&plan, "30%").unwrap();
        let mut expected = plan.clone();
        expected.scenarios[MODERATE].growth = Growth::Compound {
            growth: 0.30.into(),
            churn: 0.08.into(),
            damping: None,
        };
        assert_eq!(edited.plan(), &expected);
        let storage = Field::Override {
            scenario: MODERATE,
            driver: 1,
        };
        let edited = storage.apply(&plan, "120").unwrap();
        assert_eq!(
            edited.plan().scenarios[MODERATE].drivers["db_mb_per_user"],
            Value::Fixed(120.0)
        );
        assert_eq!(edited.plan().drivers[1].value, Value::Fixed(100.0));
        // Clearing an override goes back to the plan's value.
        let cleared = storage.apply(edited.plan(), " ").unwrap();
        assert_eq!(cleared.plan(), &plan);
        let edited = Field::MonthlyCap.apply(&plan, "5k").unwrap();
        assert_eq!(
            edited.plan().budget.as_ref().unwrap().monthly_cap,
            Some(5000.0)
        );
    }

    #[test]
    fn ranges_can_be_typed_into_value_fields() {
        let plan = example();
        let edited = growth(MODERATE).apply(&plan, "20 – 30").unwrap();
        assert_eq!(growth(MODERATE).display(edited.plan()), "20% – 30%");
        let edited = Field::DriverValue(1).apply(&plan, "80-120").unwrap();
        assert_eq!(Field::DriverValue(1).display(edited.plan()), "80 – 120");
    }

    #[test]
    fn renaming_a_metric_renames_its_uses() {
        let plan = example();
        // daily_requests feeds monthly_requests' formula.
        let edited = Field::MetricName(0).apply(&plan, "requests_a_day").unwrap();
        assert_eq!(edited.plan().metrics[1].formula, "requests_a_day * 30");
        // db_size_mb is a Supabase tier metric with a limit in every tier.
        let edited = Field::MetricName(2).apply(&plan, "database_mb").unwrap();
        let Component::Tiered(supabase) = &edited.plan().components[0] else {
            panic!("Supabase is tiered");
        };
        assert_eq!(supabase.metrics[0], "database_mb");
        assert!(supabase
            .tiers
            .iter()
            .all(|t| t.limits.contains_key("database_mb")));
        // A driver: formulas and scenario overrides follow.
        let edited = Field::DriverName(0).apply(&plan, "calls_per_user").unwrap();
        assert_eq!(
            edited.plan().metrics[0].formula,
            "users * calls_per_user / 30"
        );
        assert!(edited.plan().scenarios[MODERATE]
            .drivers
            .contains_key("calls_per_user"));
        // A tier: the component's current tier follows.
        let pro_plus = Field::Component {
            component: 0,
            part: ComponentPart::TierName(2),
        };
        let edited = pro_plus.apply(&plan, "Pro Plus").unwrap();
        let Component::Tiered(supabase) = &edited.plan().components[0] else {
            panic!("Supabase is tiered");
        };
        assert_eq!(supabase.current_tier.as_deref(), Some("Pro Plus"));
    }

    #[test]
    fn an_invalid_edit_reports_its_own_field() {
        let plan = example();
        assert_eq!(
            churn(MODERATE).apply(&plan, "150%"),
            Err("Cannot be above 100%".into())
        );
        assert_eq!(
            Field::BaselineUsers.apply(&plan, "-5"),
            Err("Cannot be below 0".into())
        );
        assert_eq!(
            Field::HorizonMonths.apply(&plan, "2.5"),
            Err("Must be a whole number".into())
        );
        assert_eq!(
            Field::HorizonMonths.apply(&plan, "10000"),
            Err("Must be 1 to 120 months, not 10000".into())
        );
        assert_eq!(
            Field::BaselineUsers.apply(&plan, "lots"),
            Err("\"lots\" is not a number (try 1500, 1,500, 1.5k or 25%)".into())
        );
        assert!(churn(9)
            .apply(&plan, "5%")
            .unwrap_err()
            .starts_with("This field no longer exists"));
        let message = Field::MetricFormula(2)
            .apply(&plan, "users * db_mb_per_usr")
            .unwrap_err();
        assert!(message.contains("db_mb_per_user"), "{message}");
        assert!(message.contains("column 9"), "{message}");
    }

    #[test]
    fn an_edit_that_breaks_another_part_names_that_part() {
        let plan = example();
        // A metric's name must stay unique: the clash is the field's own error.
        assert_eq!(
            Field::MetricName(1).apply(&plan, "daily_requests"),
            Err("Another metric is already called 'daily_requests'".into())
        );
        // A driver may not take a metric's name: the error belongs to the
        // metric, and the message says which part of the plan it is about.
        assert_eq!(
            Field::DriverName(0).apply(&plan, "daily_requests"),
            Err("Metric \u{201c}daily_requests\u{201d}, name: 'daily_requests' is already a driver's name".into())
        );
    }

    /// Seasonality, volatility and damping are typed as people say them;
    /// a mistake is refused with its own message and the plan is unchanged.
    #[test]
    fn seasonality_volatility_and_damping_are_typed_and_checked() {
        let plan = example();
        let seasonality = Field::Seasonality(MODERATE);
        let edited = seasonality
            .apply(&plan, "Nov +20%, Dec +45%")
            .expect("valid");
        let factors = edited.plan().scenarios[MODERATE].seasonality.clone();
        let mut expected = vec![1.0; 12];
        expected[10] = 1.2;
        expected[11] = 1.45;
        assert_eq!(factors, Some(expected));
        assert_eq!(seasonality.display(edited.plan()), "Nov +20%, Dec +45%");
        assert_eq!(seasonality.path(&plan), "scenarios[1].seasonality");
        let cleared = seasonality.apply(edited.plan(), "").expect("valid");
        assert_eq!(cleared.plan(), &plan);
        assert_eq!(
            seasonality.apply(&plan, "Dec +45%, December +5%"),
            Err("Dec is given twice: say each month once".into())
        );

        let volatility = Field::Volatility(MODERATE);
        for typed in ["4%", "±4% a month", "+/-4", " 4 per month "] {
            let edited = volatility.apply(&plan, typed).expect(typed);
            assert_eq!(
                edited.plan().scenarios[MODERATE].volatility,
                Some(0.04),
                "{typed}"
            );
            assert_eq!(volatility.display(edited.plan()), "4%");
        }
        assert_eq!(
            volatility.apply(&plan, "120%"),
            Err("Cannot be above 100%".into())
        );
        assert_eq!(
            volatility.apply(&plan, "-3%"),
            Err("Cannot be below 0%".into())
        );
        assert_eq!(volatility.apply(&plan, "").expect("none").plan(), &plan);

        let damping = Field::Damping(MODERATE);
        let edited = damping.apply(&plan, "0.9").expect("valid");
        let Growth::Compound { damping: phi, .. } = edited.plan().scenarios[MODERATE].growth else {
            panic!("compound");
        };
        assert_eq!(phi, Some(0.9));
        assert_eq!(damping.display(edited.plan()), "0.9");
        assert_eq!(damping.path(&plan), "scenarios[1].growth.damping");
        for outside in ["0", "1.2", "-0.5"] {
            assert_eq!(
                damping.apply(&plan, outside),
                Err("Must be more than 0 and at most 1 (1 is no damping)".into()),
                "{outside}"
            );
        }
    }

    /// A capacity left blank beside a response-time target sizes the
    /// component by latency alone; without one, it is refused beside it.
    #[test]
    fn capacity_may_be_blank_only_beside_a_latency_target() {
        let plan = crate::engine::model::templates::load("microservices-aws")
            .expect("listed")
            .expect("valid");
        let capacity = |component| Field::Component {
            component,
            part: ComponentPart::CapacityPerUnit,
        };
        let gateway = capacity(0).apply(plan.plan(), "").expect("latency alone");
        let Component::Horizontal(h) = &gateway.plan().components[0] else {
            panic!("horizontal");
        };
        assert!(h.sized_by_latency_alone());
        assert_eq!(capacity(0).display(gateway.plan()), "");
        let refused = capacity(1).apply(plan.plan(), "").expect_err("needed");
        assert!(
            refused.starts_with("Enter what one unit carries"),
            "{refused}"
        );
    }
}
