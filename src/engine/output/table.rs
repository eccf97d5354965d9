//! A readable fixed-width table per scenario, for the terminal.

use crate::engine::actuals::compare::{calibrate, calibration_sentence, compare, headline};
use crate::engine::analyse::scenario::{Projection, ScenarioProjection};
use crate::engine::model::number::{format_count, format_in_unit, format_money};
use crate::engine::model::plan::Plan;
use crate::engine::model::validate::ValidPlan;
use crate::engine::uncertainty::Bands;
use std::fmt::Write;

pub fn projection_table(
    valid: &ValidPlan,
    projection: &Projection,
    bands: Option<&Bands>,
    only: Option<&str>,
) -> String {
    let plan = valid.plan();
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", plan.name);
    for scenario in super::describe::selected(&projection.scenarios, only) {
        let _ = writeln!(out, "Scenario: {}", scenario.name);
        write_month_table(&mut out, plan, scenario);
        if !scenario.events.is_empty() {
            let _ = writeln!(out, "\nEvents:");
            for event in &scenario.events {
                let _ = writeln!(out, "  month {:>3}  {}", event.month, event.message);
            }
        }
        if let Some(reason) = &scenario.stopped {
            let _ = writeln!(out, "\nNote: {reason}");
        }
        let (act_by, commitments) = super::describe::decisions(scenario, bands);
        if !act_by.is_empty() || !commitments.is_empty() {
            let _ = writeln!(out, "\nDecisions and deadlines:");
            for a in &act_by {
                let _ = writeln!(out, "  {}", a.description(plan.horizon_months));
            }
            for r in commitments {
                let _ = writeln!(
                    out,
                    "  {}",
                    super::describe::describe_commitment(r, &plan.currency)
                );
            }
        }
        let scenario_bands =
            bands.and_then(|b| b.scenarios.iter().find(|s| s.name == scenario.name));
        let points = compare(valid, scenario, scenario_bands);
        if let Some(line) = headline(valid, &points) {
            let _ = writeln!(out, "\nAgainst actuals: {line}");
            for calibration in calibrate(&points) {
                let _ = writeln!(out, "  {}", calibration_sentence(&calibration));
            }
        }
        if let Some(summary) =
            bands.and_then(|b| super::describe::uncertainty_summary(valid, b, &scenario.name))
        {
            let _ = write!(out, "\n{summary}");
        }
        out.push('\n');
    }
    out
}

/// The months as a right-aligned table: users, metrics, each component's
/// size and status, and the costs.
fn write_month_table(out: &mut String, plan: &Plan, scenario: &ScenarioProjection) {
    let money = |value: f64| format_money(value, &plan.currency);
    let mut header: Vec<String> = vec!["Month".into(), "Users".into()];
    header.extend(plan.metrics.iter().map(|m| m.name.clone()));
    header.extend(plan.components.iter().map(|c| c.name().to_string()));
    header.extend([
        "Monthly cost".into(),
        "Cumulative".into(),
        "Per user".into(),
    ]);
    let mut rows = vec![header];
    for month in &scenario.months {
        let mut row = vec![month.month.to_string(), format_count(month.users)];
        row.extend(
            plan.metrics
                .iter()
                .zip(&month.metrics)
                .map(|(m, v)| format_in_unit(*v, &m.unit)),
        );
        row.extend(
            plan.components
                .iter()
                .zip(&month.components)
                .map(|(component, sizing)| {
                    let latency = super::describe::describe_response_time(component, sizing)
                        .map(|text| format!(", {text}"))
                        .unwrap_or_default();
                    format!(
                        "{} ({}{latency})",
                        super::describe::describe_size(component, sizing),
                        sizing.status.label()
                    )
                }),
        );
        row.push(money(month.total_cost));
        row.push(money(month.cumulative_cost));
        row.push(month.cost_per_user.map_or_else(|| "—".into(), money));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:>width$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
}
