//! The projection as JSON, in the shape the command line documents.

use crate::engine::plan::Component;
use crate::engine::projection::{cost_line_names, Projection};
use crate::engine::validate::ValidPlan;
use serde_json::{json, Map, Value};

/// `{"plan": ..., "scenarios": [{"name", "months": [...], "events": [...]}]}`.
/// Every number is finite: the projection never holds NaN or infinity.
pub fn projection_json(valid: &ValidPlan, projection: &Projection, only: Option<&str>) -> Value {
    let plan = valid.plan();
    let lines = cost_line_names(plan);
    let number = |value: f64| {
        if value.is_finite() {
            json!(value)
        } else {
            Value::Null
        }
    };
    let scenarios: Vec<Value> = super::selected(&projection.scenarios, only)
        .into_iter()
        .map(|scenario| {
            let months: Vec<Value> = scenario
                .months
                .iter()
                .map(|month| {
                    let metrics: Map<String, Value> = plan
                        .metrics
                        .iter()
                        .zip(&month.metrics)
                        .map(|(metric, value)| (metric.name.clone(), number(*value)))
                        .collect();
                    let components: Vec<Value> = plan
                        .components
                        .iter()
                        .zip(&month.components)
                        .map(|(component, sizing)| {
                            let mut entry = Map::new();
                            entry.insert("name".into(), json!(component.name()));
                            match component {
                                Component::Horizontal(_) => {
                                    entry.insert("units".into(), json!(sizing.units.unwrap_or(0)));
                                }
                                Component::Tiered(_) => {
                                    entry.insert(
                                        "tier".into(),
                                        json!(super::describe_size(component, sizing)),
                                    );
                                }
                            }
                            entry.insert("utilization".into(), number(sizing.utilization));
                            entry.insert("status".into(), json!(sizing.status.label()));
                            entry.insert("cost".into(), number(sizing.cost));
                            Value::Object(entry)
                        })
                        .collect();
                    let costs: Map<String, Value> = lines
                        .iter()
                        .zip(&month.costs)
                        .map(|(name, cost)| (name.to_string(), number(*cost)))
                        .collect();
                    let optional = |value: Option<f64>| value.map_or(Value::Null, number);
                    json!({
                        "month": month.month,
                        "calendar_month": super::calendar_label(plan, month.month),
                        "users": number(month.users),
                        "metrics": metrics,
                        "components": components,
                        "costs": costs,
                        "total_cost": number(month.total_cost),
                        "cumulative_cost": number(month.cumulative_cost),
                        "cost_per_user": optional(month.cost_per_user),
                        "cost_per_1k_requests": optional(month.cost_per_1k_requests),
                        "revenue": optional(month.revenue),
                        "cumulative_revenue": optional(month.cumulative_revenue),
                        "margin": optional(month.margin),
                        "break_even_users": optional(month.break_even_users),
                        "flags": month.flags,
                    })
                })
                .collect();
            let events: Vec<Value> = scenario
                .events
                .iter()
                .map(|event| {
                    json!({
                        "month": event.month,
                        "kind": event.kind.id(),
                        "component": event.component,
                        "message": event.message,
                    })
                })
                .collect();
            let today: Vec<Value> = plan
                .components
                .iter()
                .zip(&scenario.today)
                .filter_map(|(component, today)| {
                    today.as_ref().map(|today| {
                        json!({
                            "component": component.name(),
                            "setup": today.setup,
                            "utilization": number(today.utilization),
                            "headroom": number(today.headroom),
                            "status": today.status.label(),
                            "runs_out_month": today.runs_out,
                        })
                    })
                })
                .collect();
            json!({
                "name": scenario.name,
                "months": months,
                "events": events,
                "today": today,
                "stopped": scenario.stopped,
            })
        })
        .collect();
    json!({ "plan": plan, "scenarios": scenarios })
}
