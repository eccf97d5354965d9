//! The projection as an Excel workbook for finance (issue 30): a Summary
//! sheet with the headline figures per scenario and a users chart, an
//! Assumptions sheet with every input as the editor names it, then one
//! sheet per scenario, month by month, whose totals, cumulative cost, cost
//! per user and margin are Excel formulas over the cost cells (change a cost
//! and the totals move), each with the projection's value cached so a
//! viewer that does not recalculate shows the same numbers; native charts of
//! the cost by line and the cumulative cost against revenue.
//!
//! Text from the plan (names, descriptions) is always written as a string
//! cell: a name that looks like a formula stays text.

mod assumptions;
mod scenario;
mod summary;

use crate::engine::analyse::scenario::{Projection, ScenarioProjection};
use crate::engine::model::number::currency_affixes;
use crate::engine::model::validate::ValidPlan;
use crate::engine::project::sizing::Status;
use crate::engine::uncertainty::Bands;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

/// The workbook's bytes (an `.xlsx` file), or why it could not be written.
pub fn projection_workbook(
    valid: &ValidPlan,
    projection: &Projection,
    bands: Option<&Bands>,
    only: Option<&str>,
) -> Result<Vec<u8>, String> {
    let scenarios: Vec<&ScenarioProjection> =
        crate::engine::output::describe::selected(&projection.scenarios, only);
    let sheets = sheet_names(scenarios.iter().map(|s| s.name.as_str()));
    let formats = Formats::new(&valid.plan().currency);
    let mut workbook = Workbook::new();
    let written = (|| -> Result<(), XlsxError> {
        summary::write(&mut workbook, valid, &scenarios, &sheets, bands, &formats)?;
        assumptions::write(&mut workbook, valid.plan(), &formats)?;
        for (scenario, sheet) in scenarios.iter().zip(&sheets) {
            let scenario_bands =
                bands.and_then(|b| b.scenarios.iter().find(|s| s.name == scenario.name));
            scenario::write(
                &mut workbook,
                valid,
                scenario,
                sheet,
                scenario_bands,
                &formats,
            )?;
        }
        Ok(())
    })();
    written
        .and_then(|()| workbook.save_to_buffer())
        .map_err(|error| format!("could not write the workbook: {error}"))
}

/// The file name for a plan's workbook: its name with anything a file
/// system or a download could trip on replaced, never empty.
pub fn workbook_file_name(plan_name: &str) -> String {
    let safe: String = plan_name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = safe.split_whitespace().collect();
    let stem: String = words.join("-").chars().take(80).collect();
    if stem.is_empty() {
        "headroom-plan.xlsx".to_string()
    } else {
        format!("{stem}.xlsx")
    }
}

/// Excel's sheet names: at most 31 UTF-16 units, none of `[]:*?/\`, not
/// starting or ending with `'`, unique ignoring case, never "Summary" or
/// "Assumptions".
fn sheet_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = vec!["summary".to_string(), "assumptions".to_string()];
    names
        .map(|name| {
            let clean: String = name
                .chars()
                .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
                .collect();
            // Trimmed after cutting too: the cut may end on an apostrophe.
            let trim = |text: &str| text.trim().trim_matches('\'').trim().to_string();
            let base = trim(&within_utf16(&trim(&clean), 31));
            let base = if base.is_empty() {
                "Scenario".to_string()
            } else {
                base
            };
            let mut candidate = base.clone();
            let mut n = 2;
            while taken.contains(&candidate.to_lowercase()) {
                let suffix = format!(" ({n})");
                candidate = format!("{}{suffix}", within_utf16(&base, 31 - suffix.len()));
                n += 1;
            }
            taken.push(candidate.to_lowercase());
            candidate
        })
        .collect()
}

/// The longest start of `text` within `units` UTF-16 code units (Excel
/// counts a character outside the Basic Multilingual Plane as two).
fn within_utf16(text: &str, units: usize) -> String {
    let mut used = 0;
    text.chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= units
        })
        .collect()
}

/// A plan month in words, `Nov 2026`, as the cells show a month.
fn month_words(valid: &ValidPlan, month: u32) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let label = valid.calendar_label(month);
    match label.split_once('-') {
        Some((year, number)) => match number.parse::<usize>() {
            Ok(n @ 1..=12) => format!("{} {year}", NAMES[n - 1]),
            _ => label,
        },
        None => label,
    }
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

/// A number cell; nothing where the value is not finite (an empty cell, not
/// Excel's error).
fn write_finite(
    worksheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    column: u16,
    value: f64,
    format: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    if value.is_finite() {
        worksheet.write_number_with_format(row, column, value, format)?;
    }
    Ok(())
}

/// How a month reads in cells and on chart axes.
const MONTH_FORMAT: &str = "mmm yyyy";

/// A plan month as an Excel date (the first of its calendar month), shown
/// `Jan 2027` and sortable as a date.
fn write_month(
    worksheet: &mut rust_xlsxwriter::Worksheet,
    valid: &ValidPlan,
    row: u32,
    column: u16,
    month: u32,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let label = valid.calendar_label(month);
    let mut parts = label.split('-').map(|part| part.parse::<u16>());
    let date = match (parts.next(), parts.next()) {
        (Some(Ok(year)), Some(Ok(month))) => {
            rust_xlsxwriter::ExcelDateTime::from_ymd(year, month as u8, 1).ok()
        }
        _ => None,
    };
    match date {
        Some(date) => worksheet.write_datetime_with_format(row, column, &date, &formats.month)?,
        None => worksheet.write_string_with_format(row, column, label, &formats.text)?,
    };
    Ok(())
}

/// The cell formats: headers, money in the plan's currency, counts,
/// percentages and the status colours (always with their word beside).
pub(crate) struct Formats {
    header: Format,
    label: Format,
    money: Format,
    count: Format,
    number: Format,
    text: Format,
    title: Format,
    month: Format,
    wrapped: Format,
    /// A heading row grouping inputs on the Assumptions sheet.
    group: Format,
}

impl Formats {
    fn new(currency: &str) -> Formats {
        let (before, after) = currency_affixes(currency);
        // The symbol or code quoted, so Excel reads it as text.
        let money = match (before, after) {
            (symbol, "") => format!("\"{symbol}\"#,##0.00"),
            (_, code) => format!("#,##0.00 \"{code}\""),
        };
        Formats {
            // Centred: over right-aligned numbers as over text.
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Center)
                .set_align(rust_xlsxwriter::FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0x0F3D5E))
                .set_font_color(Color::White)
                .set_border_bottom(FormatBorder::Thin),
            label: Format::new().set_bold(),
            money: Format::new().set_num_format(money),
            count: Format::new().set_num_format("#,##0"),
            // Two decimals always: Excel shows `#,##0.##` as `10,000.` for a whole number.
            number: Format::new().set_num_format("#,##0.00"),
            text: Format::new(),
            title: Format::new().set_bold().set_font_size(14),
            month: Format::new()
                .set_num_format(MONTH_FORMAT)
                .set_align(rust_xlsxwriter::FormatAlign::Left),
            wrapped: Format::new()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
            group: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xE2E8F0))
                .set_border_bottom(FormatBorder::Thin),
        }
    }

    /// A status cell: its word on a fill of its colour.
    fn status(&self, status: Status) -> Format {
        let fill = match status {
            Status::Green => 0xD1FAE5,
            Status::Yellow => 0xFEF3C7,
            Status::Red => 0xFECACA,
            Status::OverCapacity => 0xF87171,
        };
        Format::new().set_background_color(Color::RGB(fill))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_excel_safe_and_unique() {
        let names = sheet_names(
            [
                "Moderate",
                "moderate",
                "a/b:c*d?e[f]g\\h",
                "'quoted'",
                "Thirty characters long, quote' and more",
                "",
                "Summary",
                "A name much longer than thirty-one characters",
                "A name much longer than thirty-one characters too",
            ]
            .into_iter(),
        );
        assert_eq!(
            names,
            [
                "Moderate",
                "moderate (2)",
                "a-b-c-d-e-f-g-h",
                "quoted",
                "Thirty characters long, quote",
                "Scenario",
                "Summary (2)",
                "A name much longer than thirty-",
                "A name much longer than thi (2)",
            ]
        );
        assert!(names.iter().all(|n| n.encode_utf16().count() <= 31));
        let wide = sheet_names(["🕴".repeat(20).as_str()].into_iter());
        assert_eq!(wide[0], "🕴".repeat(15), "two UTF-16 units each");
    }

    #[test]
    fn months_read_as_words() {
        let plan = crate::engine::model::templates::worked_example().expect("valid");
        // managed-saas starts 2026-01: month 10 is November, 12 the next January.
        assert_eq!(month_words(&plan, 10), "Nov 2026");
        assert_eq!(month_words(&plan, 12), "Jan 2027");
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            workbook_file_name("Managed SaaS — 12-month plan"),
            "Managed-SaaS-12-month-plan.xlsx"
        );
        assert_eq!(workbook_file_name("../../etc/passwd"), "etc-passwd.xlsx");
        assert_eq!(
            workbook_file_name("=cmd|' /C calc'!A0"),
            "cmd-C-calc-A0.xlsx"
        );
        assert_eq!(workbook_file_name("   "), "headroom-plan.xlsx");
        assert_eq!(workbook_file_name("計画"), "計画.xlsx");
    }
}

#[cfg(test)]
mod wrapping_tests {
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
