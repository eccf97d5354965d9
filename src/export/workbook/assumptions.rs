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
                .map(|(text, (_, width))| wrapped_lines(text, width))
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

/// About how many lines `text` takes in a column `width` characters wide
/// (words are not split; a word longer than the line takes its own lines).
fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width - 2.0).max(1.0) as usize;
    let mut lines = 1;
    let mut used = 0;
    for word in text.split_whitespace() {
        let length = word.chars().count();
        if used > 0 && used + 1 + length > per_line {
            lines += 1;
            used = 0;
        }
        used += if used > 0 { 1 + length } else { length };
        while used > per_line {
            lines += 1;
            used -= per_line;
        }
    }
    lines.min(30)
}

#[cfg(test)]
mod tests {
    use super::wrapped_lines;

    #[test]
    fn long_text_takes_more_lines() {
        assert_eq!(wrapped_lines("", 34.0), 1);
        assert_eq!(wrapped_lines("Users today", 34.0), 1);
        let description = "Seed 000: a product on managed services (Supabase, Redis Cloud, Vercel, OpenAI). Users grow as its projection does";
        assert_eq!(wrapped_lines(description, 44.0), 3);
        assert_eq!(wrapped_lines(&"x".repeat(90), 32.0), 3);
        assert_eq!(wrapped_lines(&"word ".repeat(10_000), 10.0), 30);
    }
}
