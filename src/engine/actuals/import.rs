//! Actuals from a CSV file: one row per month, a month column, one column
//! per series. The file is untrusted: every problem is located (row, column,
//! what was expected), and nothing is returned unless the whole file reads
//! and the plan with its actuals validates.

use crate::engine::formula::closest;
use crate::engine::model::number::parse_number;
use crate::engine::model::plan::{
    month_count, month_label, month_name, parse_month_count, Actuals, Series, FULL_MONTH_NAMES,
    MONTH_NAMES,
};
use crate::engine::model::validate::{validate, ValidPlan};
use std::collections::BTreeMap;
use std::fmt;

/// Largest file read, in bytes: 240 months × 200 columns of long numbers fit.
pub const MAX_CSV_BYTES: usize = 1_000_000;
/// Most columns a file may have.
pub const MAX_CSV_COLUMNS: usize = 200;
/// At most this many problems are listed; the rest are counted.
const MAX_PROBLEMS: usize = 20;

/// One problem with a file, located where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file's row, 1 being the header.
    pub row: Option<usize>,
    /// The column: its letter (as a spreadsheet shows it) and header.
    pub column: Option<(usize, String)>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.row, &self.column) {
            (Some(row), Some((column, header))) => write!(
                f,
                "row {row}, column {} ({}): ",
                column_letter(*column),
                shown_header(header)
            )?,
            (Some(row), None) => write!(f, "row {row}: ")?,
            (None, Some((column, header))) => write!(
                f,
                "column {} ({}): ",
                column_letter(*column),
                shown_header(header)
            )?,
            (None, None) => {}
        }
        write!(f, "{}", self.message)
    }
}

/// A column the import did not use, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoredColumn {
    pub column: usize,
    pub header: String,
    pub reason: String,
}

/// What a file holds, for the user to accept or not.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    /// The file's values alone.
    pub imported: Actuals,
    /// The plan with them merged into its actuals (a file's value replaces
    /// the plan's for the same series and month), validated.
    pub plan: ValidPlan,
    /// Rows with a month.
    pub months: usize,
    /// The first and last month, `YYYY-MM`.
    pub first: String,
    pub last: String,
    /// Each series read: the column's header and how many values it had.
    pub series: Vec<(Series, String, usize)>,
    pub ignored: Vec<IgnoredColumn>,
}

impl ImportPreview {
    /// One line for the preview: "24 months (Jan 2025 to Dec 2026) × 4 series".
    pub fn summary(&self) -> String {
        format!(
            "{} month{} ({} to {}) × {} series",
            self.months,
            if self.months == 1 { "" } else { "s" },
            month_name(&self.first),
            month_name(&self.last),
            self.series.len()
        )
    }
}

/// Reads a CSV file of actuals against `plan`.
pub fn read_actuals_csv(text: &str, plan: &ValidPlan) -> Result<ImportPreview, Vec<ImportError>> {
    let whole = |message: String| {
        vec![ImportError {
            row: None,
            column: None,
            message,
        }]
    };
    if text.len() > MAX_CSV_BYTES {
        return Err(whole(format!(
            "the file is {} bytes; files of actuals are at most {MAX_CSV_BYTES} bytes",
            text.len()
        )));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let row = error.position().map(|p| p.line() as usize);
                return Err(vec![ImportError {
                    row,
                    column: None,
                    message: "the file is not readable as CSV (is it a spreadsheet saved as CSV, in UTF-8?)".into(),
                }]);
            }
        };
        let line = record
            .position()
            .map_or(rows.len() + 1, |p| p.line() as usize);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        rows.push((line, record.iter().map(str::to_string).collect()));
        if rows.len() > crate::engine::model::validate::MAX_ACTUAL_MONTHS + 1 {
            return Err(whole(format!(
                "the file has more than {} months; import at most {} at a time",
                crate::engine::model::validate::MAX_ACTUAL_MONTHS,
                crate::engine::model::validate::MAX_ACTUAL_MONTHS
            )));
        }
    }
    let Some((_, headers)) = rows.first().cloned() else {
        return Err(whole(
            "the file is empty: expected a header row (month, then one column per series)".into(),
        ));
    };
    if headers.len() > MAX_CSV_COLUMNS {
        return Err(whole(format!(
            "the file has {} columns; at most {MAX_CSV_COLUMNS}",
            headers.len()
        )));
    }
    let mut layout = match_headers(&headers, plan)?;
    layout.decimal_comma = delimiter == b';';
    let read = read_rows(&rows[1..], &headers, &layout, plan)?;
    let mut preview = assemble(read, &layout, &headers, plan)?;
    preview.ignored = layout.ignored;
    Ok(preview)
}

/// Commas, unless the header row has more semicolons or tabs (spreadsheets
/// in many locales write `;`).
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (header.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',')
}

/// Which column is the month, and which series each other column holds.
struct Layout {
    month: usize,
    /// Numbers are written `1.234,5` (files separated by `;`).
    decimal_comma: bool,
    columns: Vec<(usize, Series)>,
    ignored: Vec<IgnoredColumn>,
}

/// A header or name for matching: lower case, without spaces, `_` or `-`.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_month_header(folded: &str) -> bool {
    matches!(folded, "month" | "date" | "period" | "monthnumber")
}

/// Every series of the plan with the folded names a header may use.
fn candidates(plan: &ValidPlan) -> Vec<(String, Series)> {
    let plan = plan.plan();
    let mut all = vec![
        ("users".to_string(), Series::Users),
        ("totalcost".to_string(), Series::TotalCost),
        ("total".to_string(), Series::TotalCost),
    ];
    all.extend(
        plan.metrics
            .iter()
            .map(|m| (fold(&m.name), Series::Metric(m.name.clone()))),
    );
    for name in crate::engine::project::months::cost_line_names(plan) {
        all.push((fold(name), Series::Cost(name.to_string())));
        all.push((fold(name) + "cost", Series::Cost(name.to_string())));
    }
    all
}

fn match_headers(headers: &[String], plan: &ValidPlan) -> Result<Layout, Vec<ImportError>> {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let month = folded.iter().position(|h| is_month_header(h)).unwrap_or(0);
    let candidates = candidates(plan);
    let mut layout = Layout {
        month,
        decimal_comma: false,
        columns: Vec::new(),
        ignored: Vec::new(),
    };
    let mut errors = Vec::new();
    let mut taken: BTreeMap<Series, usize> = BTreeMap::new();
    for (column, header) in headers.iter().enumerate() {
        if column == month {
            continue;
        }
        let ignore = |reason: String| IgnoredColumn {
            column,
            header: header.clone(),
            reason,
        };
        if folded[column].is_empty() {
            layout.ignored.push(ignore("it has no header".into()));
            continue;
        }
        let mut matches: Vec<&Series> = candidates
            .iter()
            .filter(|(name, _)| *name == folded[column])
            .map(|(_, series)| series)
            .collect();
        matches.dedup();
        match matches.as_slice() {
            [series] => {
                if let Some(first) = taken.insert((*series).clone(), column) {
                    errors.push(ImportError {
                        row: Some(1),
                        column: Some((column, header.clone())),
                        message: format!(
                            "{} is already read from column {}",
                            series.label(),
                            column_letter(first)
                        ),
                    });
                } else {
                    layout.columns.push((column, (*series).clone()));
                }
            }
            [] => {
                let known: Vec<&str> = candidates.iter().map(|(name, _)| name.as_str()).collect();
                let reason = match closest(&folded[column], known.into_iter()).and_then(|near| {
                    candidates.iter().find(|(name, _)| *name == near)
                }) {
                    Some((_, series)) => format!(
                        "not a series of this plan; did you mean '{}'?",
                        series.name()
                    ),
                    None => "not a series of this plan (users, a metric, a component or cost line, or total cost)".into(),
                };
                layout.ignored.push(ignore(reason));
            }
            several => errors.push(ImportError {
                row: Some(1),
                column: Some((column, header.clone())),
                message: format!(
                    "could be {}: rename one of them in the plan",
                    several
                        .iter()
                        .map(|s| match s {
                            Series::Metric(name) => format!("metric '{name}'"),
                            Series::Cost(name) => format!("cost line '{name}'"),
                            other => format!("'{}'", other.name()),
                        })
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            }),
        }
    }
    if layout.columns.is_empty() && errors.is_empty() {
        errors.push(ImportError {
            row: Some(1),
            column: None,
            message: "no column is a series of this plan: name columns users, a metric, a component or cost line, or total cost".into(),
        });
    }
    if errors.is_empty() {
        Ok(layout)
    } else {
        Err(errors)
    }
}

/// Each row as (its line, the month count, its values by layout column).
type Rows = Vec<(usize, i32, Vec<Option<f64>>)>;

fn read_rows(
    rows: &[(usize, Vec<String>)],
    headers: &[String],
    layout: &Layout,
    plan: &ValidPlan,
) -> Result<Rows, Vec<ImportError>> {
    let mut errors = Vec::new();
    let mut read: Rows = Vec::new();
    let mut seen: BTreeMap<i32, usize> = BTreeMap::new();
    let at = |row: usize, column: usize, message: String| ImportError {
        row: Some(row),
        column: Some((column, headers.get(column).cloned().unwrap_or_default())),
        message,
    };
    for (line, cells) in rows {
        if cells.len() > headers.len()
            && cells[headers.len()..].iter().any(|c| !c.trim().is_empty())
        {
            errors.push(ImportError {
                row: Some(*line),
                column: None,
                message: format!(
                    "has {} cells; the header has {} columns",
                    cells.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let cell = |column: usize| cells.get(column).map_or("", |c| c.trim());
        let month = match parse_month(cell(layout.month), plan.start_count()) {
            Ok(month) => month,
            Err(message) => {
                errors.push(at(*line, layout.month, message));
                continue;
            }
        };
        if let Some(first) = seen.insert(month, *line) {
            errors.push(at(
                *line,
                layout.month,
                format!(
                    "{} is already in row {first}",
                    month_name(&month_label(month))
                ),
            ));
            continue;
        }
        let mut values = Vec::with_capacity(layout.columns.len());
        for (column, series) in &layout.columns {
            match parse_value(cell(*column), series, layout.decimal_comma) {
                Ok(value) => values.push(value),
                Err(message) => {
                    errors.push(at(*line, *column, message));
                    values.push(None);
                }
            }
        }
        read.push((*line, month, values));
    }
    if errors.is_empty() {
        Ok(read)
    } else {
        if errors.len() > MAX_PROBLEMS {
            let more = errors.len() - MAX_PROBLEMS;
            errors.truncate(MAX_PROBLEMS);
            errors.push(ImportError {
                row: None,
                column: None,
                message: format!("and {more} more problems"),
            });
        }
        Err(errors)
    }
}

fn assemble(
    rows: Rows,
    layout: &Layout,
    headers: &[String],
    plan: &ValidPlan,
) -> Result<ImportPreview, Vec<ImportError>> {
    let whole = |message: String| {
        vec![ImportError {
            row: None,
            column: None,
            message,
        }]
    };
    let months: Vec<i32> = rows.iter().map(|(_, month, _)| *month).collect();
    let (Some(first), Some(last)) = (months.iter().min(), months.iter().max()) else {
        return Err(whole("the file has a header but no months".into()));
    };
    let limit = crate::engine::model::validate::MAX_ACTUAL_MONTHS as i32;
    let existing = plan.plan().actuals.as_ref();
    let existing_from = existing.and_then(|a| parse_month_count(&a.from));
    let existing_len = existing.map_or(0, Actuals::len) as i32;
    let span_start = existing_from.map_or(*first, |from| from.min(*first));
    let span_end = existing_from.map_or(*last, |from| (from + existing_len - 1).max(*last));
    if span_end - span_start + 1 > limit {
        return Err(whole(format!(
            "with the plan's actuals these cover {} months ({} to {}); actuals cover at most {limit}",
            span_end - span_start + 1,
            month_name(&month_label(span_start)),
            month_name(&month_label(span_end)),
        )));
    }
    let mut imported = Actuals {
        from: month_label(*first),
        ..Actuals::default()
    };
    let mut series = Vec::new();
    for (index, (column, key)) in layout.columns.iter().enumerate() {
        let mut values = vec![None; (last - first + 1) as usize];
        for (_, month, row) in &rows {
            values[(month - first) as usize] = row[index];
        }
        let count = values.iter().flatten().count();
        imported.set_values(key, values);
        series.push((key.clone(), headers[*column].clone(), count));
    }
    let imported = imported.tidied().unwrap_or_default();
    let merged = plan
        .plan()
        .actuals
        .as_ref()
        .map_or_else(|| imported.clone(), |existing| existing.merged(&imported));
    let mut changed = plan.plan().clone();
    changed.actuals = merged.tidied();
    let valid = validate(&changed).map_err(|errors| {
        errors
            .into_iter()
            .map(|error| ImportError {
                row: None,
                column: None,
                message: error.to_string(),
            })
            .collect::<Vec<_>>()
    })?;
    Ok(ImportPreview {
        imported,
        plan: valid,
        months: rows.len(),
        first: month_label(*first),
        last: month_label(*last),
        series,
        ignored: Vec::new(),
    })
}

/// A value: empty is no value; thousands separators, currency signs and
/// spaces are dropped. With `decimal_comma`, `.` separates thousands and `,`
/// is the decimal point.
pub fn parse_value(
    text: &str,
    series: &Series,
    decimal_comma: bool,
) -> Result<Option<f64>, String> {
    let mut cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '$' | '€' | '£' | '¥' | '₹' | '\u{a0}'))
        .collect();
    if decimal_comma {
        cleaned = cleaned.replace('.', "").replace(',', ".");
    }
    if cleaned.is_empty() {
        return Ok(None);
    }
    let value = parse_number(&cleaned).map_err(|_| {
        format!(
            "'{}' is not a number (expected a figure such as 1,250 or $3,400.50)",
            shorten(text)
        )
    })?;
    let negative_refused = !matches!(series, Series::Metric(_));
    if value < 0.0 && negative_refused {
        return Err(format!("{} cannot be below 0", series.label()));
    }
    Ok(Some(value))
}

/// A month cell as a month count: `2026-03`, `2026/03`, `2026-03-01`,
/// `Mar 2026`, `March 2026`, or a plan month number (0 is `start`).
pub fn parse_month(text: &str, start: i32) -> Result<i32, String> {
    let expected = || {
        format!(
            "'{}' is not a month (expected 2026-03, Mar 2026, 2026-03-01 or a month number)",
            shorten(text)
        )
    };
    if text.is_empty() {
        return Err(
            "the month is missing (expected 2026-03, Mar 2026, 2026-03-01 or a month number)"
                .into(),
        );
    }
    if let Ok(number) = text.parse::<i32>() {
        let limit = crate::engine::model::validate::MAX_ACTUAL_MONTHS as i32;
        return if (-limit..=limit).contains(&number) {
            Ok(start + number)
        } else {
            Err(format!(
                "month number {number} is more than {limit} months from month 0"
            ))
        };
    }
    let numeric = |year: &str, month: &str| -> Option<i32> {
        let year: i32 = year.parse().ok().filter(|_| year.len() == 4)?;
        let month: u32 = month
            .parse()
            .ok()
            .filter(|_| (1..=2).contains(&month.len()))?;
        ((1900..=2200).contains(&year) && (1..=12).contains(&month))
            .then(|| month_count(year, month))
    };
    let parts: Vec<&str> = text
        .split(['-', '/', ' ', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let found = match parts.as_slice() {
        [year, month] if year.len() == 4 => numeric(year, month),
        [year, month, day] if year.len() == 4 && is_day(day) => numeric(year, month),
        [name, year] => named(name, year),
        _ => None,
    };
    found.ok_or_else(expected)
}

fn is_day(text: &str) -> bool {
    let day = text.split('T').next().unwrap_or_default();
    day.len() <= 2 && day.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

fn named(name: &str, year: &str) -> Option<i32> {
    let name = name.to_lowercase();
    let index = MONTH_NAMES
        .iter()
        .position(|m| m.eq_ignore_ascii_case(&name))
        .or_else(|| FULL_MONTH_NAMES.iter().position(|m| *m == name))
        .or_else(|| (name == "sept").then_some(8))?;
    let year: i32 = year.parse().ok().filter(|_| year.len() == 4)?;
    (1900..=2200)
        .contains(&year)
        .then(|| month_count(year, index as u32 + 1))
}

/// A spreadsheet's column letter: 0 → A, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        n -= 1;
        letters.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

fn shown_header(header: &str) -> String {
    if header.trim().is_empty() {
        "no header".into()
    } else {
        format!("\"{}\"", shorten(header))
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 30 {
        format!("{}…", text.chars().take(30).collect::<String>())
    } else {
        text.to_string()
    }
}
