//! The Assumptions sheet: every input of the plan, grouped and named as the
//! editor shows them ([`crate::editor::inputs`]), with its value as typed,
//! the hint beside it and how a range is read. Everything is written as
//! text: `25%` and `80 – 120` read as the editor shows them, and a formula
//! stays the words its author wrote.

use super::Formats;
use crate::editor::inputs::plan_inputs;
use crate::engine::model::plan::Plan;
use rust_xlsxwriter::{Workbook, XlsxError};

pub(super) const SHEET: &str = "Assumptions";

const COLUMNS: [(&str, f64); 4] = [
    ("Input", 34.0),
    ("Value", 44.0),
    ("Unit or note", 30.0),
    ("A range is read as", 22.0),
];

pub(super) fn write(
    workbook: &mut Workbook,
    plan: &Plan,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let worksheet = workbook.add_worksheet().set_name(SHEET)?;
    for (column, (name, width)) in COLUMNS.iter().enumerate() {
        worksheet.write_string_with_format(0, column as u16, *name, &formats.header)?;
        worksheet.set_column_width(column as u16, *width)?;
    }
    let mut row = 1;
    for group in plan_inputs(plan) {
        row += 1;
        worksheet.write_string_with_format(row, 0, group.heading.as_str(), &formats.group)?;
        for column in 1..COLUMNS.len() as u16 {
            worksheet.write_blank(row, column, &formats.group)?;
        }
        row += 1;
        for input in group.inputs {
            let cells = [input.label, input.value, input.hint, input.read_as];
            // Tall enough for its longest wrapped cell: not every viewer
            // grows a row to fit its text.
            let lines = cells
                .iter()
                .zip(COLUMNS)
                .map(|(text, (_, width))| super::wrapped_lines(text, width))
                .max()
                .unwrap_or(1);
            if lines > 1 {
                worksheet.set_row_height(row, 15.0 * lines as f64)?;
            }
            for (column, text) in cells.into_iter().enumerate() {
                worksheet.write_string_with_format(row, column as u16, text, &formats.wrapped)?;
            }
            row += 1;
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    worksheet.set_repeat_rows(0, 0)?;
    worksheet.set_print_fit_to_pages(1, 0);
    Ok(())
}
