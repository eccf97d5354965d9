//! What the editor calls each field, the hint beside it and how a range is
//! read: one place, so the app's labels and the workbook's Assumptions
//! sheet (`crate::export`) always name an input the same way.

use super::field::{ComponentPart, CostPart, Field};
use super::moves_together::input_label;
use crate::engine::model::plan::{Component, CostLine, Distribution, Growth, Plan, Value};

/// How a range can be read, with the words the editor's picker shows.
pub const DISTRIBUTIONS: [(Distribution, &str, &str); 3] = [
    (Distribution::Interval, "interval", "90% likely range"),
    (Distribution::Uniform, "uniform", "Any value equally"),
    (
        Distribution::Triangular,
        "triangular",
        "Low – likely – high",
    ),
];

/// The picker's words for how a range is read.
pub fn distribution_label(distribution: Distribution) -> &'static str {
    DISTRIBUTIONS
        .iter()
        .find(|(d, ..)| *d == distribution)
        .map_or("90% likely range", |(_, _, label)| label)
}

/// A name written with underscores, as people read it.
pub fn readable(name: &str) -> String {
    name.replace('_', " ")
}

impl Field {
    /// The label beside the field's input.
    pub fn label(self, plan: &Plan) -> String {
        match self {
            Field::PlanName => "Plan name".into(),
            Field::Description | Field::DriverDescription(_) => "Description".into(),
            Field::Currency => "Currency".into(),
            Field::StartMonth => "Month 0 is".into(),
            Field::BaselineUsers => "Users today".into(),
            Field::HorizonMonths => "Horizon".into(),
            Field::Samples => "Simulated paths".into(),
            Field::Seed => "Seed".into(),
            Field::RequestsMetric => "Requests metric (for cost per 1,000 requests)".into(),
            Field::Confidence => "Confidence".into(),
            Field::CommitmentTerm => "Commitment term".into(),
            Field::CommitmentStart => "Commitment starts".into(),
            Field::ScenarioName(_) => "Scenario name".into(),
            Field::Seasonality(_) => "Busier or quieter months".into(),
            Field::Volatility(_) => "Month-to-month swing".into(),
            Field::Damping(_) => "Damping".into(),
            Field::GrowthParameter { scenario, index } => growth_label(plan, scenario, index).0,
            Field::SegmentUntil { segment, .. } => format!("Period {} until month", segment + 1),
            Field::MilestoneMonth { point, .. } => format!("Milestone {} month", point + 1),
            Field::DriverName(_) | Field::MetricName(_) => "Name".into(),
            Field::DriverValue(_) => "Value".into(),
            Field::DriverUnit(_) | Field::MetricUnit(_) => "Unit".into(),
            Field::Override { scenario, .. } => plan
                .scenarios
                .get(scenario)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            Field::MetricFormula(_) => "Formula".into(),
            Field::Component { component, part } => component_label(plan, component, part),
            Field::Cost { line, part } => cost_label(plan, line, part),
            Field::RevenueShare => "Paying users".into(),
            Field::RevenuePrice => "Price a month".into(),
            Field::MonthlyCap => "Monthly cap".into(),
            Field::CostPerUserCap => "Cost per user cap".into(),
            Field::CorrelationRank(index) => plan.correlations.get(index).map_or_else(
                || "Strength".into(),
                |c| {
                    format!(
                        "Strength of {} with {}",
                        input_label(&c.inputs[0]),
                        input_label(&c.inputs[1])
                    )
                },
            ),
        }
    }

    /// The short hint after the label (a unit, a range), or "".
    pub fn hint(self, plan: &Plan) -> String {
        let money = || plan.currency.clone();
        let text = match self {
            Field::Currency => "USD, EUR, GBP…",
            Field::StartMonth => "YYYY-MM",
            Field::BaselineUsers => "month 0",
            Field::HorizonMonths => "months, 1–120",
            Field::Samples => "10 to 100,000",
            Field::Confidence => "50% to 99.9%",
            Field::CommitmentTerm => "12 or 36 months",
            Field::CommitmentStart => "month",
            Field::Seasonality(_) => "every year",
            Field::Volatility(_) => "± % a month",
            Field::Damping(_) => "0 – 1, e.g. 0.9",
            Field::GrowthParameter { scenario, index } => growth_label(plan, scenario, index).1,
            Field::DriverValue(driver) => {
                return plan
                    .drivers
                    .get(driver)
                    .map(|d| d.unit.clone())
                    .unwrap_or_default()
            }
            Field::Component { part, .. } => return component_hint(part, &plan.currency),
            Field::Cost {
                part: CostPart::Amount | CostPart::Price,
                ..
            }
            | Field::MonthlyCap
            | Field::CostPerUserCap => return money(),
            Field::Cost {
                part: CostPart::Share,
                ..
            } => "%",
            Field::RevenueShare => "% of users",
            Field::RevenuePrice => return format!("{} per user a month", money()),
            Field::CorrelationRank(_) => "−0.95 to 0.95",
            _ => "",
        };
        text.to_string()
    }

    /// How the field's range is read, when it holds a range.
    pub fn distribution(self, plan: &Plan) -> Option<Distribution> {
        let value = match self {
            Field::GrowthParameter { scenario, index } => plan
                .scenarios
                .get(scenario)?
                .growth
                .parameters()
                .into_iter()
                .nth(index)
                .map(|(_, value, ..)| value),
            Field::DriverValue(driver) => plan.drivers.get(driver).map(|d| d.value),
            Field::Override { scenario, driver } => {
                let name = &plan.drivers.get(driver)?.name;
                plan.scenarios.get(scenario)?.drivers.get(name).copied()
            }
            _ => None,
        }?;
        match value {
            Value::Range(range) => Some(range.distribution),
            Value::Fixed(_) => None,
        }
    }
}

/// A growth parameter's label and hint, by the scenario's growth model.
fn growth_label(plan: &Plan, scenario: usize, index: usize) -> (String, &'static str) {
    const CHURN: (&str, &str) = ("Monthly churn", "% of users");
    let Some(growth) = plan.scenarios.get(scenario).map(|s| &s.growth) else {
        return (String::new(), "");
    };
    let (label, hint) = match (growth, index) {
        (Growth::Compound { .. }, 0) => ("Monthly growth", "% of users"),
        (Growth::Linear { .. }, 0) => ("New users a month", "users"),
        (Growth::Logistic { .. }, 0) => ("Monthly growth", "while the market is empty"),
        (Growth::Logistic { .. }, 2) => ("Market size", "users"),
        (Growth::Compound { .. } | Growth::Linear { .. } | Growth::Logistic { .. }, _) => CHURN,
        (Growth::Piecewise { .. }, i) if i % 2 == 0 => {
            return (format!("Period {} growth", i / 2 + 1), "")
        }
        (Growth::Piecewise { .. }, i) => return (format!("Period {} churn", i / 2 + 1), ""),
        (Growth::Milestones { .. }, i) => return (format!("Milestone {} users", i + 1), ""),
    };
    (label.to_string(), hint)
}

fn component_label(plan: &Plan, component: usize, part: ComponentPart) -> String {
    let label = match part {
        ComponentPart::Name => "Name",
        ComponentPart::Metric => "Carries",
        ComponentPart::CapacityPerUnit => "Capacity per unit",
        ComponentPart::TargetUtilization => "Target utilization",
        ComponentPart::MinUnits => "Minimum units",
        ComponentPart::MaxUnits => "Maximum units",
        ComponentPart::SpareUnits => "Spare units",
        ComponentPart::UnitCost => "Cost per unit",
        ComponentPart::ReservedShare => "Reserved share",
        ComponentPart::ReservedDiscount => "Reserved discount",
        ComponentPart::Yellow => "Yellow from",
        ComponentPart::Red => "Red from",
        ComponentPart::CurrentUnits => "Units today",
        ComponentPart::CurrentTier => "Tier today",
        ComponentPart::LeadTime => "Lead time",
        ComponentPart::ServiceTime => "Service time",
        ComponentPart::Concurrency => "At once per unit",
        ComponentPart::LatencyPercentile => "Percentile",
        ComponentPart::LatencyTarget => "Response-time target",
        ComponentPart::TierName(tier) => return format!("Tier {} name", tier + 1),
        ComponentPart::TierPrice(tier) => return format!("Tier {} price", tier + 1),
        ComponentPart::TierLimit { tier, metric } => {
            let name = match plan.components.get(component) {
                Some(Component::Tiered(tiered)) => tiered.metrics.get(metric).cloned(),
                _ => None,
            };
            return format!(
                "Tier {} {} limit",
                tier + 1,
                readable(&name.unwrap_or_default())
            );
        }
    };
    label.to_string()
}

fn component_hint(part: ComponentPart, currency: &str) -> String {
    let hint = match part {
        ComponentPart::CapacityPerUnit => "of that metric",
        ComponentPart::UnitCost => return format!("{currency} a month"),
        ComponentPart::SpareUnits => "N+1 redundancy",
        ComponentPart::ReservedShare => "of units",
        ComponentPart::CurrentUnits => "optional",
        ComponentPart::TargetUtilization => "size to run at",
        ComponentPart::Yellow | ComponentPart::Red => "utilization",
        ComponentPart::LeadTime => "months to make a change live",
        ComponentPart::ServiceTime => "ms a request takes, on average",
        ComponentPart::Concurrency => "requests (cores or workers)",
        ComponentPart::LatencyPercentile => "95% is p95",
        ComponentPart::LatencyTarget => "ms at that percentile",
        _ => "",
    };
    hint.to_string()
}

fn cost_label(plan: &Plan, line: usize, part: CostPart) -> String {
    let label = match part {
        CostPart::Name => "Name",
        CostPart::Amount => match plan.costs.get(line) {
            Some(CostLine::Fixed { .. }) => "Amount a month",
            _ => "Amount",
        },
        CostPart::Metric => "Metered on",
        CostPart::Price => "Price per unit",
        CostPart::Free => "Free units a month",
        CostPart::Month => "In month",
        CostPart::Share => "Share",
        CostPart::VolumeAbove(tier) => return format!("Volume tier {} above", tier + 1),
        CostPart::VolumePrice(tier) => return format!("Volume tier {} price", tier + 1),
    };
    label.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates::TEMPLATES;

    #[test]
    fn labels_follow_the_growth_model_and_the_plan() {
        let plan = crate::engine::model::templates::worked_example()
            .expect("valid")
            .plan()
            .clone();
        let growth = Field::GrowthParameter {
            scenario: 0,
            index: 0,
        };
        assert_eq!(growth.label(&plan), "Monthly growth");
        assert_eq!(growth.hint(&plan), "% of users");
        assert_eq!(
            Field::Component {
                component: 0,
                part: ComponentPart::UnitCost
            }
            .hint(&plan),
            format!("{} a month", plan.currency)
        );
        assert_eq!(
            Field::RevenuePrice.hint(&plan),
            format!("{} per user a month", plan.currency)
        );
        // A field past the plan's end has an empty label, never a panic.
        assert_eq!(Field::ScenarioName(99).label(&plan), "Scenario name");
        assert_eq!(
            Field::GrowthParameter {
                scenario: 99,
                index: 0
            }
            .label(&plan),
            ""
        );
        for template in TEMPLATES {
            let valid = crate::engine::model::templates::load(template.id)
                .expect("a template")
                .expect("a valid template");
            for scenario in 0..valid.plan().scenarios.len() {
                let label = Field::Override {
                    scenario,
                    driver: 0,
                }
                .label(valid.plan());
                assert_eq!(label, valid.plan().scenarios[scenario].name);
            }
        }
    }

    #[test]
    fn every_distribution_has_its_picker_words() {
        assert_eq!(
            distribution_label(Distribution::Interval),
            "90% likely range"
        );
        assert_eq!(
            distribution_label(Distribution::Uniform),
            "Any value equally"
        );
        assert_eq!(
            distribution_label(Distribution::Triangular),
            "Low – likely – high"
        );
    }
}
