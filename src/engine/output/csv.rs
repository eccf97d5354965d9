//! The projection as CSV (RFC 4180): one row per scenario and month, numbers
//! as plain numbers, and text cells that a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`, tab or CR) neutralised with a leading `'`.

use crate::engine::actuals::compare::{compare, ActualPoint};
use crate::engine::analyse::decisions::ActBy;
use crate::engine::analyse::scenario::{Projection, ScenarioProjection};
use crate::engine::model::plan::{Component, Series};
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::months::{cost_line_names, MonthResult};
use crate::engine::uncertainty::Bands;

/// One row per scenario and month, under a header naming every column.
pub fn projection_csv(
    valid: &ValidPlan,
    projection: &Projection,
    bands: Option<&Bands>,
    only: Option<&str>,
) -> String {
    let series = valid.actual_series();
    let mut out = String::new();
    push_row(
        &mut out,
        header(valid, &series).iter().map(|cell| text(cell)),
    );
    for scenario in super::describe::selected(&projection.scenarios, only) {
        let points = compare(valid, scenario, None);
        let (act_by, _) = super::describe::decisions(scenario, bands);
        for month in &scenario.months {
            let row = month_row(valid, scenario, month, &act_by, &points, &series);
            push_row(&mut out, row.into_iter());
        }
    }
    out
}

/// The columns: scenario and month, users, metrics, each component's size,
/// utilization, status (and response time), each cost line, the totals,
/// flags, act-by, and actual, variance and variance % per series with
/// actuals.
fn header(valid: &ValidPlan, series: &[Series]) -> Vec<String> {
    let plan = valid.plan();
    let mut header: Vec<String> = vec![
        "scenario".into(),
        "month".into(),
        "calendar_month".into(),
        "users".into(),
    ];
    header.extend(plan.metrics.iter().map(|m| m.name.clone()));
    for component in &plan.components {
        let name = component.name();
        header.extend([
            format!("{name} size"),
            format!("{name} utilization"),
            format!("{name} status"),
        ]);
        if let Some(latency) = latency_of(component) {
            header.push(format!("{name} {} ms", latency.percentile_label()));
        }
    }
    header.extend(
        cost_line_names(plan)
            .iter()
            .map(|name| format!("{name} cost")),
    );
    header.extend(
        [
            "total_cost",
            "cumulative_cost",
            "cost_per_user",
            "revenue",
            "margin",
            "flags",
            "act_by",
        ]
        .map(String::from),
    );
    // Actual, variance and variance % per series that has actuals.
    for key in series {
        let key = key.key();
        header.extend([
            format!("{key} actual"),
            format!("{key} variance"),
            format!("{key} variance %"),
        ]);
    }
    header
}

/// One scenario's month as cells, in [`header`]'s order.
fn month_row(
    valid: &ValidPlan,
    scenario: &ScenarioProjection,
    month: &MonthResult,
    act_by: &[&ActBy],
    points: &[ActualPoint],
    series: &[Series],
) -> Vec<String> {
    let plan = valid.plan();
    let mut row = vec![
        text(&scenario.name),
        month.month.to_string(),
        text(&valid.calendar_label(month.month)),
        number(month.users),
    ];
    row.extend(month.metrics.iter().map(|value| number(*value)));
    for (component, sizing) in plan.components.iter().zip(&month.components) {
        row.push(text(&super::describe::describe_size(component, sizing)));
        row.push(number(sizing.utilization));
        row.push(text(sizing.status.label()));
        if latency_of(component).is_some() {
            // Empty with no traffic, or when the queue is
            // overloaded (no finite time).
            row.push(sizing.response_time_ms.map_or_else(String::new, number));
        }
    }
    row.extend(month.costs.iter().map(|value| number(*value)));
    row.push(number(month.total_cost));
    row.push(number(month.cumulative_cost));
    row.push(month.cost_per_user.map_or_else(String::new, number));
    row.push(month.revenue.map_or_else(String::new, number));
    row.push(month.margin.map_or_else(String::new, number));
    row.push(text(&month.flags.join("; ")));
    // The changes that must start this month (month 0: and the late ones).
    let due: Vec<String> = act_by
        .iter()
        .filter(|a| {
            a.act_by_month
                .is_some_and(|m| m.max(0) as u32 == month.month)
        })
        .map(|a| a.description(valid.plan().horizon_months))
        .collect();
    row.push(text(&due.join("; ")));
    for key in series {
        match points
            .iter()
            .find(|p| p.month == month.month && &p.series == key)
        {
            Some(point) => row.extend([
                number(point.actual),
                number(point.variance.absolute),
                point.variance.percent.map_or_else(String::new, number),
            ]),
            None => row.extend([String::new(), String::new(), String::new()]),
        }
    }
    row
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    let cells: Vec<String> = cells.collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

fn latency_of(component: &Component) -> Option<crate::engine::model::plan::Latency> {
    match component {
        Component::Horizontal(h) => h.latency,
        Component::Tiered(_) => None,
    }
}

fn number(value: f64) -> String {
    if value.is_finite() {
        // Plain decimal, never an exponent a spreadsheet might misread.
        let text = format!("{value:.6}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if text == "-0" {
            "0".to_string()
        } else {
            text.to_string()
        }
    } else {
        String::new()
    }
}

/// A text cell: neutralised if a spreadsheet would treat it as a formula,
/// quoted if it holds a comma, quote or line break.
pub fn text(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cells_are_quoted_and_neutralised() {
        assert_eq!(text("Moderate"), "Moderate");
        assert_eq!(text("a,b"), "\"a,b\"");
        assert_eq!(text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text("=1+2"), "'=1+2");
        assert_eq!(text("+SUM(A1)"), "'+SUM(A1)");
        assert_eq!(text("-2"), "'-2");
        assert_eq!(text("@cmd"), "'@cmd");
        assert_eq!(text("\tx"), "'\tx");
        assert_eq!(
            text("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
    }

    #[test]
    fn numbers_are_plain() {
        assert_eq!(number(658.006_738_2), "658.006738");
        assert_eq!(number(1e20), "100000000000000000000");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(2.5), "2.5");
    }
}
