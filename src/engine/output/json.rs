//! The projection as JSON, in the shape the command line documents.

use crate::engine::actuals::compare::{calibrate, compare, headline, ActualPoint, Bias};
use crate::engine::analyse::events::Event;
use crate::engine::analyse::scenario::{Projection, ScenarioProjection};
use crate::engine::model::plan::{Component, Plan};
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::months::{cost_line_names, MonthResult, TodaysCapacity};
use crate::engine::project::sizing::Sizing;
use crate::engine::uncertainty::{Bands, MonthBands, ScenarioBands};
use serde_json::{json, Map, Value};

/// `{"plan": ..., "scenarios": [{"name", "months": [...], "events": [...]}]}`.
/// Every number is finite: the projection never holds NaN or infinity.
pub fn projection_json(
    valid: &ValidPlan,
    projection: &Projection,
    bands: Option<&Bands>,
    only: Option<&str>,
) -> Value {
    let scenarios: Vec<Value> = super::describe::selected(&projection.scenarios, only)
        .into_iter()
        .map(|scenario| scenario_json(valid, scenario, bands))
        .collect();
    json!({ "plan": valid.plan(), "scenarios": scenarios })
}

/// One scenario: its months, events, today's setup and stop; its bands'
/// summary under uncertainty; act-by dates and commitments; and how its
/// actuals compare.
fn scenario_json(valid: &ValidPlan, scenario: &ScenarioProjection, bands: Option<&Bands>) -> Value {
    let plan = valid.plan();
    let lines = cost_line_names(plan);
    let scenario_bands = bands.and_then(|b| b.scenarios.iter().find(|s| s.name == scenario.name));
    let points = compare(valid, scenario, scenario_bands);
    let months: Vec<Value> = scenario
        .months
        .iter()
        .map(|month| {
            let mut entry = month_json(valid, &lines, month);
            let month_bands = scenario_bands.and_then(|b| b.months.get(month.month as usize));
            if let (Some(bands), Some(month_bands), Value::Object(map)) =
                (bands, month_bands, &mut entry)
            {
                map.insert("percentiles".into(), percentiles_json(bands, month_bands));
                map.insert(
                    "probabilities".into(),
                    probabilities_json(valid, month_bands),
                );
            }
            if let Value::Object(map) = &mut entry {
                actuals_json(map, &points, month.month);
            }
            entry
        })
        .collect();
    let mut entry = json!({
        "name": scenario.name,
        "months": months,
        "events": events_json(&scenario.events),
        "today": today_json(plan, &scenario.today),
        "stopped": scenario.stopped,
    });
    if let (Some(bands), Some(scenario_bands), Value::Object(map)) =
        (bands, scenario_bands, &mut entry)
    {
        map.insert(
            "uncertainty".into(),
            json!({ "paths": bands.paths, "seed": bands.seed, "stopped": scenario_bands.stopped }),
        );
        map.insert("first_red".into(), first_red_json(valid, scenario_bands));
        map.insert("sensitivity".into(), sensitivity_json(scenario_bands));
    }
    if let Value::Object(map) = &mut entry {
        let (act_by, commitments) = super::describe::decisions(scenario, bands);
        map.insert("act_by".into(), act_by_json(&act_by));
        map.insert("commitments".into(), commitments_json(commitments));
    }
    if let (false, Value::Object(map)) = (points.is_empty(), &mut entry) {
        map.insert("actuals_headline".into(), json!(headline(valid, &points)));
        map.insert("calibration".into(), calibration_json(&points));
    }
    entry
}

/// One month's figures: users, metrics, components, cost lines and totals.
fn month_json(valid: &ValidPlan, lines: &[&str], month: &MonthResult) -> Value {
    let plan = valid.plan();
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
        .map(|(component, sizing)| component_json(component, sizing))
        .collect();
    let costs: Map<String, Value> = lines
        .iter()
        .zip(&month.costs)
        .map(|(name, cost)| (name.to_string(), number(*cost)))
        .collect();
    let optional = |value: Option<f64>| value.map_or(Value::Null, number);
    json!({
        "month": month.month,
        "calendar_month": valid.calendar_label(month.month),
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
}

/// One component in one month: its size, utilization, response time (with
/// a target), status and cost.
fn component_json(component: &Component, sizing: &Sizing) -> Value {
    let mut entry = Map::new();
    entry.insert("name".into(), json!(component.name()));
    match component {
        Component::Horizontal(h) => {
            let units = sizing.units.unwrap_or(0);
            entry.insert("units".into(), json!(units));
            // Serving units: the spares are not.
            entry.insert(
                "active_units".into(),
                json!(units.saturating_sub(h.spare_units)),
            );
        }
        Component::Tiered(_) => {
            entry.insert(
                "tier".into(),
                json!(super::describe::describe_size(component, sizing)),
            );
        }
    }
    entry.insert("utilization".into(), number(sizing.utilization));
    if let Some(met) = sizing.latency_met {
        // Null with no traffic, or when the queue is overloaded (no finite
        // time).
        entry.insert(
            "response_time_ms".into(),
            sizing.response_time_ms.map_or(Value::Null, number),
        );
        entry.insert("latency_met".into(), json!(met));
        entry.insert("latency_forced".into(), json!(sizing.latency_forced));
    }
    entry.insert("status".into(), json!(sizing.status.label()));
    entry.insert("cost".into(), number(sizing.cost));
    Value::Object(entry)
}

fn events_json(events: &[Event]) -> Vec<Value> {
    events
        .iter()
        .map(|event| {
            json!({
                "month": event.month,
                "kind": event.kind.id(),
                "component": event.component,
                "message": event.message,
            })
        })
        .collect()
}

/// Today's setup of each component that states one.
fn today_json(plan: &Plan, today: &[Option<TodaysCapacity>]) -> Vec<Value> {
    plan.components
        .iter()
        .zip(today)
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
        .collect()
}

fn number(value: f64) -> Value {
    if value.is_finite() {
        json!(value)
    } else {
        Value::Null
    }
}

fn percentiles_json(bands: &Bands, month: &MonthBands) -> Value {
    let map: Map<String, Value> = bands
        .quantities
        .iter()
        .zip(&month.percentiles)
        .map(|(name, percentiles)| {
            let value = percentiles.map_or(Value::Null, |p| {
                json!({ "p5": number(p.p5), "p10": number(p.p10), "p50": number(p.p50), "p90": number(p.p90), "p95": number(p.p95) })
            });
            (name.clone(), value)
        })
        .collect();
    Value::Object(map)
}

fn probabilities_json(valid: &ValidPlan, month: &MonthBands) -> Value {
    let by_component = |shares: &[f64]| -> Map<String, Value> {
        valid
            .plan()
            .components
            .iter()
            .zip(shares)
            .map(|(c, share)| (c.name().to_string(), json!(share)))
            .collect()
    };
    json!({
        "red_by_month": by_component(&month.red),
        "over_capacity_by_month": by_component(&month.over_capacity),
        "over_budget": month.over_budget,
        "cost_per_user_over_cap": month.cost_per_user_over_cap,
        "broken_even_by_month": month.broken_even,
    })
}

fn first_red_json(valid: &ValidPlan, scenario: &ScenarioBands) -> Value {
    let mut map: Map<String, Value> = valid
        .plan()
        .components
        .iter()
        .zip(&scenario.first_red)
        .map(|(c, share)| (c.name().to_string(), json!(share)))
        .collect();
    map.insert("nothing goes red".into(), json!(scenario.never_red));
    Value::Object(map)
}

fn sensitivity_json(scenario: &ScenarioBands) -> Value {
    Value::Array(
        scenario
            .sensitivity
            .iter()
            .map(|s| {
                json!({
                    "input": s.input,
                    "low": number(s.low),
                    "high": number(s.high),
                    "cumulative_cost": { "at_low": number(s.cumulative_cost.0), "at_high": number(s.cumulative_cost.1), "swing": number(s.swing()) },
                    "monthly_cost": { "month": s.month, "at_low": number(s.monthly_cost.0), "at_high": number(s.monthly_cost.1), "swing": number(s.monthly_swing()) },
                })
            })
            .collect(),
    )
}

/// A month's `actual`, `variance` and (with bands) `percentile_of_actual`
/// objects, keyed by [`crate::engine::model::plan::Series::key`].
fn actuals_json(map: &mut Map<String, Value>, points: &[ActualPoint], month: u32) {
    let here: Vec<&ActualPoint> = points.iter().filter(|p| p.month == month).collect();
    if here.is_empty() {
        return;
    }
    let object = |value: &dyn Fn(&ActualPoint) -> Option<Value>| -> Value {
        Value::Object(
            here.iter()
                .filter_map(|p| value(p).map(|v| (p.series.key(), v)))
                .collect(),
        )
    };
    map.insert("actual".into(), object(&|p| Some(number(p.actual))));
    map.insert(
        "variance".into(),
        object(&|p| {
            Some(json!({
                "absolute": number(p.variance.absolute),
                "percent": p.variance.percent.map_or(Value::Null, number),
            }))
        }),
    );
    if here.iter().any(|p| p.percentile.is_some()) {
        map.insert(
            "percentile_of_actual".into(),
            object(&|p| p.percentile.map(number)),
        );
    }
}

fn calibration_json(points: &[ActualPoint]) -> Value {
    Value::Array(
        calibrate(points)
            .into_iter()
            .map(|c| {
                json!({
                    "series": c.series.key(),
                    "actuals": c.actuals,
                    "with_percentile": c.ranked,
                    "inside_50_band": c.inside_50,
                    "inside_90_band": c.inside_90,
                    "above_plan": c.above,
                    "below_plan": c.below,
                    "mean_variance_percent": c.mean_percent.map_or(Value::Null, number),
                    "bias": match c.bias {
                        Bias::Hot => "hot",
                        Bias::Cold => "cold",
                        Bias::None => "none",
                    },
                })
            })
            .collect(),
    )
}

fn act_by_json(act_by: &[&crate::engine::analyse::decisions::ActBy]) -> Value {
    Value::Array(
        act_by
            .iter()
            .map(|a| {
                json!({
                    "component": a.component,
                    "step": a.step,
                    "label": a.label,
                    "needed_month": a.needed_month,
                    "act_by_month": a.act_by_month,
                    "lead_time_months": a.lead_time_months,
                    "confidence": number(a.confidence),
                })
            })
            .collect(),
    )
}

fn commitments_json(commitments: &[crate::engine::analyse::decisions::Recommendation]) -> Value {
    Value::Array(
        commitments
            .iter()
            .map(|r| {
                json!({
                    "component": r.component,
                    "units": r.units,
                    "term_months": r.term_months,
                    "start_month": r.start_month,
                    "expected_saving": number(r.expected_saving),
                    "on_demand_cost": number(r.on_demand_cost),
                    "expected_idle_units": number(r.expected_idle_units),
                    "idle_probability": number(r.idle_probability),
                })
            })
            .collect(),
    )
}
