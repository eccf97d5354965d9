//! A Markdown capacity-plan report laid out like the seeds: current capacity,
//! growth projections at milestone months, scaling events, costs.

use crate::engine::actuals::compare::{
    calibrate, calibration_sentence, compare, format_difference, format_value, headline,
    signed_percent,
};
use crate::engine::analyse::scenario::{Projection, ScenarioProjection};
use crate::engine::model::number::{format_count, format_in_unit, format_money, format_percent};
use crate::engine::model::plan::Plan;
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::months::cost_line_names;
use crate::engine::uncertainty::Bands;
use std::fmt::Write;

/// The report: the plan's header, then per scenario its current capacity,
/// growth and sizing at milestone months, cost breakdown, decisions,
/// actuals, events and uncertainty.
pub fn projection_markdown(
    valid: &ValidPlan,
    projection: &Projection,
    bands: Option<&Bands>,
    only: Option<&str>,
) -> String {
    let plan = valid.plan();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&plan.name));
    if !plan.description.is_empty() {
        let _ = writeln!(out, "{}\n", escape(&plan.description));
    }
    let _ = writeln!(
        out,
        "Starting {} with {} users; {} months projected.\n",
        plan.start_month,
        format_count(plan.baseline_users),
        plan.horizon_months
    );
    for scenario in super::describe::selected(&projection.scenarios, only) {
        let _ = writeln!(out, "## Scenario: {}\n", escape(&scenario.name));
        current_capacity(&mut out, plan, scenario);
        growth_projection(&mut out, plan, scenario);
        sizing_by_milestone(&mut out, plan, scenario);
        cost_breakdown(&mut out, plan, scenario);
        decisions_and_deadlines(&mut out, valid, scenario, bands);
        let scenario_bands =
            bands.and_then(|b| b.scenarios.iter().find(|s| s.name == scenario.name));
        plan_against_actuals(&mut out, valid, &compare(valid, scenario, scenario_bands));
        if !scenario.events.is_empty() {
            let _ = writeln!(out, "### Scaling triggers and events\n");
            for event in &scenario.events {
                let _ = writeln!(out, "- Month {}: {}", event.month, escape(&event.message));
            }
            out.push('\n');
        }
        if let Some(reason) = &scenario.stopped {
            let _ = writeln!(out, "> **Note:** {}\n", escape(reason));
        }
        if let Some(summary) =
            bands.and_then(|b| super::describe::uncertainty_summary(valid, b, &scenario.name))
        {
            let _ = writeln!(out, "### Risks and uncertainty\n\n```text\n{summary}```\n");
        }
    }
    out
}

/// Today's setup of each component that states one, against month 0.
fn current_capacity(out: &mut String, plan: &Plan, scenario: &ScenarioProjection) {
    let current: Vec<_> = plan
        .components
        .iter()
        .zip(&scenario.today)
        .filter_map(|(c, t)| t.as_ref().map(|t| (c, t)))
        .collect();
    if !current.is_empty() {
        let _ = writeln!(out, "### Current capacity\n\n| Component | Today | Utilization | Headroom | Status | Runs out |\n|---|---|---|---|---|---|");
        for (component, today) in current {
            let runs_out = today.runs_out.map_or_else(
                || "not within the horizon".to_string(),
                |m| format!("month {m}"),
            );
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                escape(component.name()),
                escape(&today.setup),
                format_percent(round2(today.utilization)),
                format_percent(round2(today.headroom)),
                today.status.label(),
                runs_out
            );
        }
        out.push('\n');
    }
}

/// Users, metrics and costs at the milestone months.
fn growth_projection(out: &mut String, plan: &Plan, scenario: &ScenarioProjection) {
    let money = |value: f64| format_money(value, &plan.currency);
    let _ = write!(out, "### Growth projection\n\n| Month | Users |");
    for metric in &plan.metrics {
        let _ = write!(out, " {} |", escape(&metric.name));
    }
    let _ = write!(out, " Monthly cost | Cumulative |\n|---|---|");
    for _ in &plan.metrics {
        out.push_str("---|");
    }
    out.push_str("---|---|\n");
    for month in super::describe::milestone_months(plan.horizon_months) {
        let Some(result) = scenario.at(month) else {
            continue;
        };
        let _ = write!(out, "| {} | {} |", month, format_count(result.users));
        for (metric, value) in plan.metrics.iter().zip(&result.metrics) {
            let _ = write!(out, " {} |", format_in_unit(*value, &metric.unit));
        }
        let _ = writeln!(
            out,
            " {} | {} |",
            money(result.total_cost),
            money(result.cumulative_cost)
        );
    }
    out.push('\n');
}

/// Each component's size, utilization and status at the milestone months.
fn sizing_by_milestone(out: &mut String, plan: &Plan, scenario: &ScenarioProjection) {
    if !plan.components.is_empty() {
        let _ = write!(out, "### Sizing by milestone\n\n| Month |");
        for component in &plan.components {
            let _ = write!(out, " {} |", escape(component.name()));
        }
        out.push_str("\n|---|");
        for _ in &plan.components {
            out.push_str("---|");
        }
        out.push('\n');
        for month in super::describe::milestone_months(plan.horizon_months) {
            let Some(result) = scenario.at(month) else {
                continue;
            };
            let _ = write!(out, "| {month} |");
            for (component, sizing) in plan.components.iter().zip(&result.components) {
                let latency = super::describe::describe_response_time(component, sizing)
                    .map(|text| format!(", {text}"))
                    .unwrap_or_default();
                let _ = write!(
                    out,
                    " {} ({}, {}{latency}) |",
                    escape(&super::describe::describe_size(component, sizing)),
                    format_percent(round2(sizing.utilization)),
                    sizing.status.label()
                );
            }
            out.push('\n');
        }
        out.push('\n');
    }
}

/// The cost lines in the last month projected.
fn cost_breakdown(out: &mut String, plan: &Plan, scenario: &ScenarioProjection) {
    let money = |value: f64| format_money(value, &plan.currency);
    if let Some(last) = scenario.last() {
        let _ = writeln!(
            out,
            "### Monthly cost breakdown (month {})\n\n| Line | Cost |\n|---|---|",
            last.month
        );
        for (name, cost) in cost_line_names(plan).iter().zip(&last.costs) {
            let _ = writeln!(out, "| {} | {} |", escape(name), money(*cost));
        }
        let _ = writeln!(out, "| **Total** | **{}** |\n", money(last.total_cost));
        if let Some(per_user) = last.cost_per_user {
            let _ = writeln!(out, "Cost per user: {} a month.\n", money(per_user));
        }
    }
}

/// What to start and by when (date order), and what to commit.
fn decisions_and_deadlines(
    out: &mut String,
    valid: &ValidPlan,
    scenario: &crate::engine::analyse::scenario::ScenarioProjection,
    bands: Option<&Bands>,
) {
    let plan = valid.plan();
    let (act_by, commitments) = super::describe::decisions(scenario, bands);
    if act_by.is_empty() && commitments.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Decisions and deadlines\n");
    for a in &act_by {
        let when = match a.act_by_month {
            Some(month) if month < 0 => "Now".to_string(),
            Some(month) => format!(
                "By {}",
                crate::engine::model::plan::month_name(&valid.calendar_label_of(month))
            ),
            None => "Not yet".to_string(),
        };
        let _ = writeln!(
            out,
            "- **{when}**: {}",
            escape(&a.description(plan.horizon_months))
        );
    }
    for r in commitments {
        let _ = writeln!(
            out,
            "- **Commit**: {}",
            escape(&super::describe::describe_commitment(r, &plan.currency))
        );
    }
    out.push('\n');
}

/// The monthly review: where the last actual month stands, every actual
/// against the plan, and per series whether the bands held.
fn plan_against_actuals(
    out: &mut String,
    valid: &ValidPlan,
    points: &[crate::engine::actuals::compare::ActualPoint],
) {
    if points.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Plan against actuals\n");
    if let Some(line) = headline(valid, points) {
        let _ = writeln!(out, "**{}**\n", escape(&line));
    }
    let ranked = points.iter().any(|p| p.percentile.is_some());
    let _ = write!(
        out,
        "| Month | Series | Actual | Plan | Variance | Variance % |{}\n|---|---|---|---|---|---|{}\n",
        if ranked { " Percentile of band |" } else { "" },
        if ranked { "---|" } else { "" }
    );
    for point in points {
        let _ = write!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            escape(&crate::engine::model::plan::month_name(
                &valid.calendar_label(point.month)
            )),
            escape(&point.series.label()),
            escape(&format_value(valid, &point.series, point.actual)),
            escape(&format_value(valid, &point.series, point.plan)),
            escape(&format_difference(
                valid,
                &point.series,
                point.variance.absolute
            )),
            point.variance.percent.map_or("—".into(), signed_percent),
        );
        if ranked {
            let _ = write!(
                out,
                " {} |",
                point
                    .percentile
                    .map_or("—".into(), |p| format!("P{}", p.round()))
            );
        }
        out.push('\n');
    }
    out.push('\n');
    for calibration in calibrate(points) {
        let _ = writeln!(out, "- {}", escape(&calibration_sentence(&calibration)));
    }
    out.push('\n');
}

fn round2(share: f64) -> f64 {
    (share * 100.0).round() / 100.0
}

/// Text from the plan, made inert in Markdown: no HTML, no table breaks, no links.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}
