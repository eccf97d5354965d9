//! One scenario's sheet: a row per month, the totals as formulas over the
//! cost cells, the bands and actuals beside them, and two native charts.

use super::Formats;
use crate::engine::actuals::compare::compare;
use crate::engine::analyse::scenario::ScenarioProjection;
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::months::{cost_line_names, MonthResult};
use crate::engine::uncertainty::bands::{quantity_names, ScenarioBands};
use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{
    Chart, ChartLegendPosition, ChartType, Formula, Workbook, Worksheet, XlsxError,
};

/// Where each group of columns starts, for formulas and charts.
pub(super) struct Columns {
    pub users: u16,
    metrics: u16,
    components: u16,
    pub costs: u16,
    cost_count: u16,
    pub total: u16,
    pub cumulative: u16,
    pub per_user: u16,
    /// Revenue, cumulative revenue and margin, when the plan has revenue.
    pub revenue: Option<u16>,
    bands: Option<u16>,
    actuals: u16,
}

impl Columns {
    fn new(valid: &ValidPlan, has_revenue: bool, has_bands: bool) -> Columns {
        let plan = valid.plan();
        let users = 2;
        let metrics = users + 1;
        let components = metrics + plan.metrics.len() as u16;
        let costs = components + 2 * plan.components.len() as u16;
        let cost_count = cost_line_names(plan).len() as u16;
        let total = costs + cost_count;
        let revenue = has_revenue.then_some(total + 3);
        let after_revenue = total + 3 + if has_revenue { 3 } else { 0 };
        Columns {
            users,
            metrics,
            components,
            costs,
            cost_count,
            total,
            cumulative: total + 1,
            per_user: total + 2,
            revenue,
            bands: has_bands.then_some(after_revenue),
            actuals: after_revenue + if has_bands { 6 } else { 0 },
        }
    }
}

/// The scenario's sheet, named `sheet`.
pub(super) fn write(
    workbook: &mut Workbook,
    valid: &ValidPlan,
    scenario: &ScenarioProjection,
    sheet: &str,
    bands: Option<&ScenarioBands>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let has_revenue = scenario.months.iter().any(|m| m.revenue.is_some());
    let columns = Columns::new(valid, has_revenue, bands.is_some());
    let worksheet = workbook.add_worksheet().set_name(sheet)?;
    header(worksheet, valid, &columns, formats)?;
    let points = compare(valid, scenario, None);
    let series = valid.actual_series();
    let names = quantity_names(valid.plan());
    for (index, month) in scenario.months.iter().enumerate() {
        let row = index as u32 + 1;
        month_cells(worksheet, valid, month, row, &columns, formats)?;
        totals(worksheet, month, row, &columns, formats)?;
        if let (Some(first), Some(bands)) = (columns.bands, bands) {
            let cells = BandCells {
                bands,
                names: &names,
                first,
            };
            cells.write(worksheet, month.month, row, formats)?;
        }
        for (offset, key) in series.iter().enumerate() {
            let column = columns.actuals + 2 * offset as u16;
            if let Some(point) = points
                .iter()
                .find(|p| p.month == month.month && &p.series == key)
            {
                worksheet.write_number_with_format(row, column, point.actual, &formats.number)?;
                worksheet.write_number_with_format(
                    row,
                    column + 1,
                    point.variance.absolute,
                    &formats.number,
                )?;
            }
        }
    }
    for (offset, key) in series.iter().enumerate() {
        let column = columns.actuals + 2 * offset as u16;
        let key = key.key();
        worksheet.write_string_with_format(0, column, format!("{key} actual"), &formats.header)?;
        worksheet.write_string_with_format(
            0,
            column + 1,
            format!("{key} variance"),
            &formats.header,
        )?;
    }
    worksheet.set_freeze_panes(1, 1)?;
    // Printed (or saved as PDF) landscape, the header row and the month
    // column on every page.
    worksheet.set_landscape();
    worksheet.set_repeat_rows(0, 0)?;
    worksheet.set_repeat_columns(0, 0)?;
    worksheet.set_row_height(0, 45)?;
    worksheet.set_column_width(0, 11)?;
    widen_for_numbers(worksheet, scenario, &columns)?;
    let months = scenario.months.len() as u32;
    charts(worksheet, valid, sheet, months, &columns)
}

fn header(
    worksheet: &mut Worksheet,
    valid: &ValidPlan,
    columns: &Columns,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let plan = valid.plan();
    let mut names: Vec<(u16, String)> = vec![
        (0, "Month".into()),
        (1, "Month #".into()),
        (columns.users, "Users".into()),
    ];
    for (i, metric) in plan.metrics.iter().enumerate() {
        names.push((columns.metrics + i as u16, metric.name.clone()));
    }
    for (i, component) in plan.components.iter().enumerate() {
        let column = columns.components + 2 * i as u16;
        names.push((column, format!("{} size", component.name())));
        names.push((column + 1, format!("{} status", component.name())));
    }
    for (i, line) in cost_line_names(plan).into_iter().enumerate() {
        names.push((columns.costs + i as u16, format!("{line} cost")));
    }
    names.push((columns.total, "Total cost".into()));
    names.push((columns.cumulative, "Cumulative cost".into()));
    names.push((columns.per_user, "Cost per user".into()));
    if let Some(revenue) = columns.revenue {
        names.push((revenue, "Revenue".into()));
        names.push((revenue + 1, "Cumulative revenue".into()));
        names.push((revenue + 2, "Margin".into()));
    }
    if let Some(bands) = columns.bands {
        for (i, name) in [
            "Users P5",
            "Users P50",
            "Users P95",
            "Total cost P5",
            "Total cost P50",
            "Total cost P95",
        ]
        .into_iter()
        .enumerate()
        {
            names.push((bands + i as u16, name.into()));
        }
    }
    for (column, name) in names {
        worksheet.write_string_with_format(0, column, name, &formats.header)?;
        worksheet.set_column_width(column, 13)?;
    }
    Ok(())
}

/// What the projection computed: month, users, metrics, sizes and
/// statuses, and each cost line.
fn month_cells(
    worksheet: &mut Worksheet,
    valid: &ValidPlan,
    month: &MonthResult,
    row: u32,
    columns: &Columns,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let plan = valid.plan();
    super::write_month(worksheet, valid, row, 0, month.month, formats)?;
    worksheet.write_number_with_format(row, 1, f64::from(month.month), &formats.count)?;
    worksheet.write_number_with_format(row, columns.users, month.users, &formats.count)?;
    write_finite_run(
        worksheet,
        row,
        columns.metrics,
        &month.metrics,
        &formats.number,
    )?;
    for (i, (component, sizing)) in plan.components.iter().zip(&month.components).enumerate() {
        let column = columns.components + 2 * i as u16;
        let size = crate::engine::output::describe::describe_size(component, sizing);
        worksheet.write_string_with_format(row, column, size, &formats.text)?;
        worksheet.write_string_with_format(
            row,
            column + 1,
            sizing.status.label(),
            &formats.status(sizing.status),
        )?;
    }
    write_finite_run(worksheet, row, columns.costs, &month.costs, &formats.money)
}

/// `values` in a row from `first` on, each as [`super::write_finite`] writes it.
fn write_finite_run(
    worksheet: &mut Worksheet,
    row: u32,
    first: u16,
    values: &[f64],
    format: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    for (i, value) in values.iter().enumerate() {
        super::write_finite(worksheet, row, first + i as u16, *value, format)?;
    }
    Ok(())
}

/// The totals as formulas over the cells to their left, each with the
/// projection's own value cached.
fn totals(
    worksheet: &mut Worksheet,
    month: &MonthResult,
    row: u32,
    columns: &Columns,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let cell = |column: u16| row_col_to_cell(row, column);
    let above = |column: u16| row_col_to_cell(row - 1, column);
    if columns.cost_count == 0 {
        // No cost lines (no components, no costs): nothing to sum.
        worksheet.write_number_with_format(row, columns.total, 0.0, &formats.money)?;
    } else {
        let first_cost = cell(columns.costs);
        let last_cost = cell(columns.costs + columns.cost_count - 1);
        let total = Formula::new(format!("=SUM({first_cost}:{last_cost})"))
            .set_result(month.total_cost.to_string());
        worksheet.write_formula_with_format(row, columns.total, total, &formats.money)?;
    }
    let cumulative = if row == 1 {
        format!("={}", cell(columns.total))
    } else {
        format!("={}+{}", above(columns.cumulative), cell(columns.total))
    };
    let cumulative = Formula::new(cumulative).set_result(month.cumulative_cost.to_string());
    worksheet.write_formula_with_format(row, columns.cumulative, cumulative, &formats.money)?;
    let per_user = Formula::new(format!(
        "=IF({users}>=1,{total}/{users},\"\")",
        users = cell(columns.users),
        total = cell(columns.total)
    ))
    .set_result(
        month
            .cost_per_user
            .map_or_else(String::new, |v| v.to_string()),
    );
    worksheet.write_formula_with_format(row, columns.per_user, per_user, &formats.money)?;
    if let Some(revenue) = columns.revenue {
        super::write_finite(
            worksheet,
            row,
            revenue,
            month.revenue.unwrap_or(0.0),
            &formats.money,
        )?;
        let cumulative_revenue = if row == 1 {
            format!("={}", cell(revenue))
        } else {
            format!("={}+{}", above(revenue + 1), cell(revenue))
        };
        let cumulative_revenue = Formula::new(cumulative_revenue)
            .set_result(month.cumulative_revenue.unwrap_or(0.0).to_string());
        worksheet.write_formula_with_format(
            row,
            revenue + 1,
            cumulative_revenue,
            &formats.money,
        )?;
        let margin = Formula::new(format!("={}-{}", cell(revenue), cell(columns.total)))
            .set_result(month.margin.unwrap_or(0.0).to_string());
        worksheet.write_formula_with_format(row, revenue + 2, margin, &formats.money)?;
    }
    Ok(())
}

/// Where a scenario's bands go: its percentiles, the names of the
/// quantities they follow (in the bands' order) and the first column.
struct BandCells<'a> {
    bands: &'a ScenarioBands,
    names: &'a [String],
    first: u16,
}

impl BandCells<'_> {
    /// Users and total cost at P5, P50 and P95 for the month, where simulated.
    fn write(
        &self,
        worksheet: &mut Worksheet,
        month: u32,
        row: u32,
        formats: &Formats,
    ) -> Result<(), XlsxError> {
        let Some(month_bands) = self.bands.months.iter().find(|m| m.month == month) else {
            return Ok(());
        };
        for (group, (quantity, format)) in
            [("users", &formats.count), ("total_cost", &formats.money)]
                .into_iter()
                .enumerate()
        {
            let Some(Some(p)) = self
                .names
                .iter()
                .position(|n| n == quantity)
                .and_then(|i| month_bands.percentiles.get(i))
            else {
                continue;
            };
            for (i, value) in [p.p5, p.p50, p.p95].into_iter().enumerate() {
                let column = self.first + 3 * group as u16 + i as u16;
                super::write_finite(worksheet, row, column, value, format)?;
            }
        }
        Ok(())
    }
}

/// Columns wide enough for their largest number with separators and two
/// decimals (never Excel's `###`): metrics, cost lines and the totals.
fn widen_for_numbers(
    worksheet: &mut Worksheet,
    scenario: &ScenarioProjection,
    columns: &Columns,
) -> Result<(), XlsxError> {
    let widest = |values: &mut dyn Iterator<Item = f64>| {
        values
            .filter(|v| v.is_finite())
            .fold(0.0f64, |most, v| most.max(v.abs()))
    };
    let width = |most: f64| {
        let digits = most.max(1.0).log10().floor() + 1.0;
        // Digits, a separator per three, the decimals, a symbol and a margin.
        (digits + (digits / 3.0).floor() + 3.0 + 4.0).max(13.0)
    };
    let months = &scenario.months;
    for i in 0..months.first().map_or(0, |m| m.metrics.len()) {
        let most = widest(&mut months.iter().map(|m| m.metrics[i]));
        worksheet.set_column_width(columns.metrics + i as u16, width(most))?;
    }
    for i in 0..columns.cost_count {
        let most = widest(
            &mut months
                .iter()
                .filter_map(|m| m.costs.get(i as usize).copied()),
        );
        worksheet.set_column_width(columns.costs + i, width(most))?;
    }
    let cumulative = widest(&mut months.iter().map(|m| m.cumulative_cost));
    for column in [columns.total, columns.cumulative, columns.per_user] {
        worksheet.set_column_width(column, width(cumulative))?;
    }
    Ok(())
}

/// Monthly cost stacked by line, and cumulative cost against cumulative
/// revenue, below the table. Ranges and series names are given as cells
/// (never as text Excel would parse), so no name can turn into a reference.
fn charts(
    worksheet: &mut Worksheet,
    valid: &ValidPlan,
    sheet: &str,
    months: u32,
    columns: &Columns,
) -> Result<(), XlsxError> {
    let categories = (sheet, 1, 0, months, 0);
    let values = |column: u16| (sheet, 1, column, months, column);
    let name = |column: u16| (sheet, 0, column);
    let mut cost = Chart::new(ChartType::AreaStacked);
    cost.title().set_name("Monthly cost by line");
    for i in 0..cost_line_names(valid.plan()).len() as u16 {
        let column = columns.costs + i;
        cost.add_series()
            .set_name(name(column))
            .set_categories(categories)
            .set_values(values(column));
    }
    // Below the plot: a cost line's name is read whole, not cut at the edge.
    cost.legend().set_position(ChartLegendPosition::Bottom);
    cost.x_axis().set_num_format(super::MONTH_FORMAT);
    cost.set_width(720).set_height(400);
    if columns.cost_count > 0 {
        // A chart needs a series: a plan without cost lines has none to stack.
        worksheet.insert_chart(months + 3, 0, &cost)?;
    }

    let mut cumulative = Chart::new(ChartType::Line);
    cumulative.title().set_name("Cumulative cost and revenue");
    let mut lines = vec![columns.cumulative];
    lines.extend(columns.revenue.map(|revenue| revenue + 1));
    for column in lines {
        cumulative
            .add_series()
            .set_name(name(column))
            .set_categories(categories)
            .set_values(values(column));
    }
    cumulative
        .legend()
        .set_position(ChartLegendPosition::Bottom);
    cumulative.x_axis().set_num_format(super::MONTH_FORMAT);
    cumulative.set_width(720).set_height(400);
    worksheet.insert_chart(months + 3, 8, &cumulative)?;
    Ok(())
}
