//! The Summary sheet: the plan, then per scenario and milestone month the
//! headline figures with their 90% ranges where simulated, what runs out
//! first, the next act-by date, break-even and the budget; a chart of users
//! by scenario.

use super::Formats;
use crate::engine::analyse::events::{Event, EventKind};
use crate::engine::analyse::scenario::ScenarioProjection;
use crate::engine::model::number::format_percent;
use crate::engine::model::validate::ValidPlan;
use crate::engine::uncertainty::bands::{quantity_names, ScenarioBands};
use crate::engine::uncertainty::Bands;
use rust_xlsxwriter::{
    Chart, ChartLegendPosition, ChartType, Format, Workbook, Worksheet, XlsxError,
};

/// The columns of the scenario table, after the scenario's name and month.
const FIGURES: [(&str, &str); 4] = [
    ("users", "Users"),
    ("total_cost", "Monthly cost"),
    ("cumulative_cost", "Cumulative cost"),
    ("cost_per_user", "Cost per user"),
];

pub(super) fn write(
    workbook: &mut Workbook,
    valid: &ValidPlan,
    scenarios: &[&ScenarioProjection],
    sheets: &[String],
    bands: Option<&Bands>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let plan = valid.plan();
    let worksheet = workbook.add_worksheet().set_name("Summary")?;
    worksheet.write_string_with_format(0, 0, plan.name.as_str(), &formats.title)?;
    let facts = [
        ("Description", plan.description.clone()),
        ("Start month", plan.start_month.clone()),
        ("Horizon", format!("{} months", plan.horizon_months)),
        ("Currency", plan.currency.clone()),
        (
            "Confidence",
            format!(
                "{} (act-by dates: a change is live before it is needed in this share of simulated futures)",
                format_percent(plan.confidence())
            ),
        ),
    ];
    for (i, (label, value)) in facts.into_iter().enumerate() {
        let row = 2 + i as u32;
        worksheet.write_string_with_format(row, 0, label, &formats.label)?;
        if i == 0 {
            // The description across the table's width, wrapped.
            worksheet.merge_range(row, 1, row, 10, &value, &formats.wrapped)?;
            let lines = (value.chars().count() / 120 + 1).min(8);
            worksheet.set_row_height(row, 15 * lines as u32)?;
        } else {
            worksheet.write_string_with_format(row, 1, value, &formats.text)?;
        }
    }
    let table = 9;
    table_header(worksheet, table, formats)?;
    let milestones = milestones(plan.horizon_months);
    let mut row = table + 1;
    for scenario in scenarios {
        let scenario_bands =
            bands.and_then(|b| b.scenarios.iter().find(|s| s.name == scenario.name));
        for &month in &milestones {
            scenario_row(
                worksheet,
                valid,
                scenario,
                scenario_bands,
                month,
                row,
                formats,
            )?;
            row += 1;
        }
    }
    // What happens, in words, below the figures: wide enough to read, and
    // the figures' table stays narrow enough to print on a page's width.
    row += 1;
    outlook_header(worksheet, row, formats)?;
    row += 1;
    for scenario in scenarios {
        for &month in &milestones {
            outlook_row(worksheet, valid, scenario, month, row, formats)?;
            row += 1;
        }
    }
    worksheet.set_column_width(0, 18)?;
    worksheet.set_column_width(1, 12)?;
    for column in 2..(2 + 3 * FIGURES.len() as u16) {
        worksheet.set_column_width(column, 12)?;
    }
    worksheet.set_freeze_panes(table + 1, 1)?;
    worksheet.set_landscape();
    worksheet.set_print_fit_to_pages(1, 0);
    let rows_each = milestones.len() as u32;
    users_chart(worksheet, scenarios, sheets, table + 1, rows_each, row + 1)
}

/// The outlook's columns: a heading and the figure columns it spans.
const OUTLOOK: [(&str, u16, u16); 4] = [
    ("First to run out", 2, 5),
    ("Act by", 6, 9),
    ("Break-even", 10, 11),
    ("Budget", 12, 13),
];

fn outlook_header(worksheet: &mut Worksheet, row: u32, formats: &Formats) -> Result<(), XlsxError> {
    worksheet.write_string_with_format(row, 0, "Scenario", &formats.header)?;
    worksheet.write_string_with_format(row, 1, "Month", &formats.header)?;
    for (name, first, last) in OUTLOOK {
        worksheet.merge_range(row, first, row, last, name, &formats.header)?;
    }
    Ok(())
}

/// Month 12 (when the plan reaches it) and the horizon.
fn milestones(horizon: u32) -> Vec<u32> {
    let mut months = vec![];
    if horizon > 12 {
        months.push(12);
    }
    months.push(horizon);
    months
}

fn table_header(worksheet: &mut Worksheet, row: u32, formats: &Formats) -> Result<(), XlsxError> {
    let mut names = vec!["Scenario".to_string(), "Month".to_string()];
    for (_, label) in FIGURES {
        names.extend([
            label.to_string(),
            format!("{label} P5"),
            format!("{label} P95"),
        ]);
    }
    for (column, name) in names.into_iter().enumerate() {
        worksheet.write_string_with_format(row, column as u16, name, &formats.header)?;
    }
    worksheet.set_row_height(row, 45)?;
    Ok(())
}

fn scenario_row(
    worksheet: &mut Worksheet,
    valid: &ValidPlan,
    scenario: &ScenarioProjection,
    bands: Option<&ScenarioBands>,
    month: u32,
    row: u32,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let Some(result) = scenario.months.iter().find(|m| m.month == month) else {
        return Ok(());
    };
    worksheet.write_string_with_format(row, 0, scenario.name.as_str(), &formats.label)?;
    super::write_month(worksheet, valid, row, 1, month, formats)?;
    let values = [
        Some(result.users),
        Some(result.total_cost),
        Some(result.cumulative_cost),
        result.cost_per_user,
    ];
    let names = quantity_names(valid.plan());
    let month_bands = bands.and_then(|b| b.months.iter().find(|m| m.month == month));
    for (i, ((quantity, _), value)) in FIGURES.iter().zip(values).enumerate() {
        let format: &Format = if i == 0 {
            &formats.count
        } else {
            &formats.money
        };
        let column = 2 + 3 * i as u16;
        if let Some(value) = value {
            super::write_finite(worksheet, row, column, value, format)?;
        }
        let range = month_bands.and_then(|m| {
            let index = names.iter().position(|n| n == quantity)?;
            m.percentiles.get(index).copied().flatten()
        });
        if let Some(p) = range.filter(|p| p.p5.is_finite() && p.p95.is_finite()) {
            worksheet.write_number_with_format(row, column + 1, p.p5, format)?;
            worksheet.write_number_with_format(row, column + 2, p.p95, format)?;
        }
    }
    Ok(())
}

/// A scenario's month in words: what runs out first, the first act-by,
/// break-even and the budget, each across the figure columns below it.
fn outlook_row(
    worksheet: &mut Worksheet,
    valid: &ValidPlan,
    scenario: &ScenarioProjection,
    month: u32,
    row: u32,
    formats: &Formats,
) -> Result<(), XlsxError> {
    worksheet.write_string_with_format(row, 0, scenario.name.as_str(), &formats.label)?;
    super::write_month(worksheet, valid, row, 1, month, formats)?;
    let in_words = |event: &Event| {
        format!(
            "month {} · {}: {}",
            event.month,
            super::month_words(valid, event.month),
            event.message
        )
    };
    let describe = crate::engine::output::describe::first_limit(&scenario.events).map(in_words);
    let horizon = valid.plan().horizon_months;
    let act_by = scenario
        .act_by
        .iter()
        .find(|a| a.act_by_month.is_some())
        .map(|a| a.description(horizon));
    let break_even = crate::engine::output::describe::break_even_month(&scenario.events)
        .map(|m| format!("month {m} · {}", super::month_words(valid, m)));
    let budget = valid.plan().budget.as_ref().map(|_| {
        scenario
            .events
            .iter()
            .find(|e| e.kind == EventKind::BudgetBroken && e.month <= month)
            .map_or_else(|| format!("within budget to month {month}"), in_words)
    });
    let texts = [describe, act_by, break_even, budget].map(|t| t.unwrap_or_else(|| "—".into()));
    let mut lines = 1;
    for (text, (_, first, last)) in texts.iter().zip(OUTLOOK) {
        worksheet.merge_range(row, first, row, last, text, &formats.wrapped)?;
        let width = 12.0 * f64::from(last - first + 1);
        lines = lines.max(super::wrapped_lines(text, width));
    }
    if lines > 1 {
        worksheet.set_row_height(row, 15.0 * lines as f64)?;
    }
    Ok(())
}

/// Users month by month, a line per scenario, read from the scenario
/// sheets; each line named by the scenario's cell in the table (a name is
/// never given as text Excel would parse as a reference).
fn users_chart(
    worksheet: &mut Worksheet,
    scenarios: &[&ScenarioProjection],
    sheets: &[String],
    first_row: u32,
    rows_each: u32,
    row: u32,
) -> Result<(), XlsxError> {
    let mut chart = Chart::new(ChartType::Line);
    chart.title().set_name("Users by scenario");
    chart.x_axis().set_num_format(super::MONTH_FORMAT);
    for (i, (scenario, sheet)) in scenarios.iter().zip(sheets).enumerate() {
        let last = scenario.months.len() as u32;
        let name_row = first_row + rows_each * i as u32;
        chart
            .add_series()
            .set_name(("Summary", name_row, 0))
            .set_categories((sheet.as_str(), 1, 0, last, 0))
            .set_values((sheet.as_str(), 1, 2, last, 2));
    }
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(720).set_height(360);
    if !scenarios.is_empty() {
        worksheet.insert_chart(row, 0, &chart)?;
    }
    Ok(())
}
