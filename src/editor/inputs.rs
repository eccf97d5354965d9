//! Every input of a plan, grouped and ordered as the editor shows them, each
//! with its label, value and hint as the editor shows them: what the
//! workbook's Assumptions sheet lists, so finance reads the same words there
//! as on screen.

use super::action::GrowthModel;
use super::field::{ComponentPart, CostPart, Field, Kind};
use super::label::{distribution_label, readable};
use crate::engine::model::correlations::strength_words;
use crate::engine::model::number::format_percent;
use crate::engine::model::plan::{Component, CostLine, Growth, Plan, DEFAULT_CONFIDENCE};

/// A group of inputs under a heading (`Scenario Moderate`, `Driver …`).
#[derive(Debug, Clone, PartialEq)]
pub struct InputGroup {
    pub heading: String,
    pub inputs: Vec<Input>,
}

/// One input: its label, its value as the field shows it, the hint beside
/// it, and for a range how it is read.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub label: String,
    pub value: String,
    pub hint: String,
    pub read_as: String,
}

impl Input {
    fn of(field: Field, plan: &Plan) -> Input {
        let mut value = field.display(plan);
        if value.is_empty() {
            // What an empty field means, as its placeholder says on screen.
            value = match (field, field.kind(plan)) {
                (Field::Confidence, _) => {
                    format!("{} (the default)", format_percent(DEFAULT_CONFIDENCE))
                }
                (Field::Seasonality(_), _) | (_, Kind::Number { optional: true, .. }) => {
                    "none".into()
                }
                _ => value,
            };
        }
        Input {
            label: field.label(plan),
            value,
            hint: field.hint(plan),
            read_as: field
                .distribution(plan)
                .map(|d| distribution_label(d).to_string())
                .unwrap_or_default(),
        }
    }

    fn text(label: &str, value: String) -> Input {
        Input {
            label: label.to_string(),
            value,
            hint: String::new(),
            read_as: String::new(),
        }
    }
}

/// The plan's inputs, group by group in the editor's order.
pub fn plan_inputs(plan: &Plan) -> Vec<InputGroup> {
    let group = |heading: String, fields: Vec<Field>| InputGroup {
        heading,
        inputs: fields.into_iter().map(|f| Input::of(f, plan)).collect(),
    };
    let mut groups = vec![group(
        "Plan".into(),
        vec![
            Field::PlanName,
            Field::Description,
            Field::BaselineUsers,
            Field::HorizonMonths,
            Field::StartMonth,
            Field::Currency,
            Field::RequestsMetric,
            Field::Samples,
            Field::Seed,
            Field::Confidence,
            Field::CommitmentTerm,
            Field::CommitmentStart,
        ],
    )];
    groups.extend((0..plan.scenarios.len()).map(|s| scenario_inputs(plan, s)));
    groups.extend(plan.drivers.iter().enumerate().map(|(d, driver)| {
        let fields = vec![
            Field::DriverValue(d),
            Field::DriverUnit(d),
            Field::DriverDescription(d),
        ];
        let mut group = group(format!("Driver {}", driver.name), fields);
        // A scenario's own value, where one is set (blank in the editor means
        // the plan's value): labelled with the scenario, as in the editor.
        for scenario in 0..plan.scenarios.len() {
            let field = Field::Override {
                scenario,
                driver: d,
            };
            if !field.display(plan).is_empty() {
                let mut input = Input::of(field, plan);
                input.hint = if driver.unit.is_empty() {
                    "in this scenario".to_string()
                } else {
                    format!("{}, in this scenario", driver.unit)
                };
                group.inputs.push(input);
            }
        }
        group
    }));
    groups.extend(plan.metrics.iter().enumerate().map(|(m, metric)| {
        group(
            format!("Metric {}", metric.name),
            vec![Field::MetricFormula(m), Field::MetricUnit(m)],
        )
    }));
    groups.extend((0..plan.components.len()).map(|c| component_inputs(plan, c)));
    groups.extend((0..plan.costs.len()).map(|l| cost_inputs(plan, l)));
    groups.extend(finance_inputs(plan));
    if !plan.correlations.is_empty() {
        groups.push(InputGroup {
            heading: "Inputs that move together".into(),
            inputs: (0..plan.correlations.len())
                .map(|i| {
                    let mut input = Input::of(Field::CorrelationRank(i), plan);
                    input.hint = strength_words(plan.correlations[i].rank).to_string();
                    input
                })
                .collect(),
        });
    }
    groups
}

fn scenario_inputs(plan: &Plan, scenario: usize) -> InputGroup {
    let growth = &plan.scenarios[scenario].growth;
    let mut inputs = vec![Input::text(
        "Growth model",
        GrowthModel::of(growth).label().to_string(),
    )];
    let parameter = |index| Field::GrowthParameter { scenario, index };
    let mut fields = Vec::new();
    match growth {
        Growth::Piecewise { segments } => {
            for segment in 0..segments.len() {
                fields.push(Field::SegmentUntil { scenario, segment });
                fields.push(parameter(segment * 2));
                fields.push(parameter(segment * 2 + 1));
            }
        }
        Growth::Milestones { points } => {
            for point in 0..points.len() {
                fields.push(Field::MilestoneMonth { scenario, point });
                fields.push(parameter(point));
            }
        }
        _ => fields.extend((0..growth.parameters().len()).map(parameter)),
    }
    fields.push(Field::Seasonality(scenario));
    fields.push(Field::Volatility(scenario));
    if matches!(growth, Growth::Compound { .. }) {
        fields.push(Field::Damping(scenario));
    }
    inputs.extend(fields.into_iter().map(|f| Input::of(f, plan)));
    InputGroup {
        heading: format!("Scenario {}", plan.scenarios[scenario].name),
        inputs,
    }
}

fn component_inputs(plan: &Plan, component: usize) -> InputGroup {
    use ComponentPart as P;
    let part = |part| Field::Component { component, part };
    let common = [P::TargetUtilization, P::Yellow, P::Red, P::LeadTime];
    let mut inputs = Vec::new();
    let name = match &plan.components[component] {
        Component::Horizontal(horizontal) => {
            let mut parts = vec![
                P::Metric,
                P::CapacityPerUnit,
                P::UnitCost,
                P::MinUnits,
                P::MaxUnits,
                P::SpareUnits,
                P::ReservedShare,
                P::ReservedDiscount,
                P::CurrentUnits,
            ];
            parts.extend(common);
            if horizontal.latency.is_some() {
                parts.extend([
                    P::ServiceTime,
                    P::Concurrency,
                    P::LatencyPercentile,
                    P::LatencyTarget,
                ]);
            }
            inputs.extend(parts.into_iter().map(|p| Input::of(part(p), plan)));
            &horizontal.name
        }
        Component::Tiered(tiered) => {
            let limited_by: Vec<String> = tiered.metrics.iter().map(|m| readable(m)).collect();
            inputs.push(Input::text("Limited by", limited_by.join(", ")));
            for tier in 0..tiered.tiers.len() {
                let mut parts = vec![P::TierName(tier), P::TierPrice(tier)];
                parts.extend((0..tiered.metrics.len()).map(|metric| P::TierLimit { tier, metric }));
                inputs.extend(parts.into_iter().map(|p| Input::of(part(p), plan)));
            }
            let mut parts = vec![P::CurrentTier];
            parts.extend(common);
            inputs.extend(parts.into_iter().map(|p| Input::of(part(p), plan)));
            &tiered.name
        }
    };
    InputGroup {
        heading: format!("Component {name}"),
        inputs,
    }
}

fn cost_inputs(plan: &Plan, line: usize) -> InputGroup {
    let part = |part| Field::Cost { line, part };
    let cost = &plan.costs[line];
    let (kind, parts, of) = match cost {
        CostLine::Fixed { .. } => ("Fixed, every month", vec![CostPart::Amount], None),
        CostLine::OneOff { .. } => ("One-off", vec![CostPart::Amount, CostPart::Month], None),
        CostLine::Usage { volume_tiers, .. } => {
            let mut parts = vec![CostPart::Metric, CostPart::Price, CostPart::Free];
            for tier in 0..volume_tiers.len() {
                parts.extend([CostPart::VolumeAbove(tier), CostPart::VolumePrice(tier)]);
            }
            ("Priced by usage", parts, None)
        }
        CostLine::Percentage { of, .. } => (
            "A share of other lines",
            vec![CostPart::Share],
            Some(if of.is_empty() {
                "every other line".to_string()
            } else {
                of.join(", ")
            }),
        ),
    };
    let mut inputs = vec![Input::text("Kind", kind.to_string())];
    inputs.extend(parts.into_iter().map(|p| Input::of(part(p), plan)));
    if let Some(of) = of {
        inputs.push(Input::text("Of", of));
    }
    InputGroup {
        heading: format!("Cost line {}", cost.name()),
        inputs,
    }
}

/// Revenue and the budget, each only when the plan models it.
fn finance_inputs(plan: &Plan) -> Vec<InputGroup> {
    let group = |heading: &str, fields: [Field; 2]| InputGroup {
        heading: heading.to_string(),
        inputs: fields.into_iter().map(|f| Input::of(f, plan)).collect(),
    };
    let mut groups = Vec::new();
    if plan.revenue.is_some() {
        groups.push(group("Revenue", [Field::RevenueShare, Field::RevenuePrice]));
    }
    if plan.budget.is_some() {
        groups.push(group("Budget", [Field::MonthlyCap, Field::CostPerUserCap]));
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates::{load, TEMPLATES};

    #[test]
    fn every_template_lists_its_inputs_as_the_editor_shows_them() {
        for template in TEMPLATES {
            let valid = load(template.id).expect("a template").expect("valid");
            let plan = valid.plan();
            let groups = plan_inputs(plan);
            let headings: Vec<&str> = groups.iter().map(|g| g.heading.as_str()).collect();
            assert_eq!(headings[0], "Plan");
            for scenario in &plan.scenarios {
                assert!(headings.contains(&format!("Scenario {}", scenario.name).as_str()));
            }
            let count = |prefix: &str| headings.iter().filter(|h| h.starts_with(prefix)).count();
            assert_eq!(count("Driver "), plan.drivers.len(), "{}", template.id);
            assert_eq!(count("Metric "), plan.metrics.len());
            assert_eq!(count("Component "), plan.components.len());
            assert_eq!(count("Cost line "), plan.costs.len());
            // Every metric's formula appears exactly as written.
            for metric in &plan.metrics {
                assert!(groups
                    .iter()
                    .flat_map(|g| &g.inputs)
                    .any(|i| i.label == "Formula" && i.value == metric.formula));
            }
            // No input is unlabelled.
            for input in groups.iter().flat_map(|g| &g.inputs) {
                assert!(!input.label.is_empty(), "{}: {input:?}", template.id);
            }
        }
    }

    #[test]
    fn only_set_overrides_and_empty_fields_say_what_they_mean() {
        let valid = load("managed-saas").expect("a template").expect("valid");
        let groups = plan_inputs(valid.plan());
        let driver = |name: &str| {
            groups
                .iter()
                .find(|g| g.heading == format!("Driver {name}"))
                .expect("the driver")
                .clone()
        };
        // Each scenario sets its own requests; nobody overrides storage.
        let requests = driver("requests_per_user_month");
        let labels: Vec<&str> = requests.inputs.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Value",
                "Unit",
                "Description",
                "Conservative",
                "Moderate",
                "Aggressive"
            ]
        );
        assert_eq!(requests.inputs[3].hint, "requests, in this scenario");
        assert_eq!(driver("db_mb_per_user").inputs.len(), 3);
        let plan = &groups[0].inputs;
        let value = |label: &str| {
            plan.iter()
                .find(|i| i.label == label)
                .map(|i| i.value.clone())
                .expect("the input")
        };
        assert_eq!(value("Confidence"), "90% (the default)");
        let moderate = &groups[2];
        let swing = moderate
            .inputs
            .iter()
            .find(|i| i.label == "Month-to-month swing")
            .expect("the swing");
        assert_eq!(swing.value, "none");
    }

    #[test]
    fn a_range_says_how_it_is_read() {
        let valid = load("managed-saas").expect("a template").expect("valid");
        let mut plan = valid.plan().clone();
        plan.drivers[0].value =
            crate::engine::model::plan::Value::Range(crate::engine::model::plan::Range {
                distribution: crate::engine::model::plan::Distribution::Uniform,
                low: 1.0,
                high: 3.0,
                mode: None,
            });
        let groups = plan_inputs(&plan);
        let driver = groups
            .iter()
            .find(|g| g.heading.starts_with("Driver "))
            .expect("a driver");
        assert_eq!(driver.inputs[0].label, "Value");
        assert_eq!(driver.inputs[0].value, "1 – 3");
        assert_eq!(driver.inputs[0].read_as, "Any value equally");
    }
}
