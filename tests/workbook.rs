//! Finance's workbook (issue 30), read back with a reader crate (calamine):
//! its sheets, every value against the projection, totals that are Excel
//! formulas evaluating (here, by the test) to the projection's totals,
//! native charts, number formats in the plan's currency, every input on the
//! Assumptions sheet as the editor shows it, and names that stay text
//! whatever they look like.
#![cfg(not(target_arch = "wasm32"))]

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use headroom::editor::inputs::plan_inputs;
use headroom::engine::analyse::scenario::project;
use headroom::engine::model::plan::Uncertainty;
use headroom::engine::model::templates;
use headroom::engine::model::validate::{validate, ValidPlan};
use headroom::engine::uncertainty::bands::simulate_plan;
use headroom::engine::uncertainty::Bands;
use headroom::export::{projection_workbook, workbook_file_name};
use proptest::prelude::*;
use std::io::Cursor;

type Book = Xlsx<Cursor<Vec<u8>>>;

/// The sheets of a three-scenario plan's workbook (the worked example and
/// managed-saas): the summary, the inputs, then a sheet per scenario.
const WORKED_EXAMPLE_SHEETS: [&str; 5] = [
    "Summary",
    "Assumptions",
    "Conservative",
    "Moderate",
    "Aggressive",
];

fn bands_of(valid: &ValidPlan) -> Bands {
    simulate_plan(
        valid,
        Uncertainty {
            samples: 500,
            seed: 42,
        },
    )
}

fn workbook(valid: &ValidPlan, bands: Option<&Bands>) -> (Vec<u8>, Book) {
    let projection = project(valid);
    let bytes = projection_workbook(valid, &projection, bands, None).expect("written");
    let book = open_workbook_from_rs(Cursor::new(bytes.clone())).expect("a valid .xlsx");
    (bytes, book)
}

/// The column of the header cell `name` in row 0.
fn column(range: &Range<Data>, name: &str) -> usize {
    (0..range.width())
        .find(|&c| matches!(range.get((0, c)), Some(Data::String(s)) if s == name))
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn number(range: &Range<Data>, row: usize, column: usize) -> f64 {
    match range.get((row, column)) {
        Some(Data::Float(v)) => *v,
        Some(Data::Int(v)) => *v as f64,
        other => panic!("({row}, {column}) is {other:?}, not a number"),
    }
}

/// `B13` as zero-based (row, column).
fn cell(reference: &str) -> (usize, usize) {
    let split = reference
        .find(|c: char| c.is_ascii_digit())
        .expect("a row number");
    let column = reference[..split]
        .trim_start_matches('$')
        .bytes()
        .fold(0usize, |n, b| n * 26 + usize::from(b - b'A' + 1))
        - 1;
    let row: usize = reference[split..].parse().expect("a row number");
    (row - 1, column)
}

/// Evaluates the formulas this workbook uses (`SUM(A1:B1)`, `A1+B1`, `A1`)
/// over the sheet's cell values, as Excel would.
fn evaluate(formula: &str, values: &Range<Data>) -> f64 {
    let formula = formula.trim_start_matches('=');
    if let Some(inner) = formula
        .strip_prefix("SUM(")
        .and_then(|f| f.strip_suffix(')'))
    {
        let (from, to) = inner.split_once(':').expect("a range");
        let ((r0, c0), (r1, c1)) = (cell(from), cell(to));
        let mut sum = 0.0;
        for row in r0..=r1 {
            for col in c0..=c1 {
                if let Some(Data::Float(v)) = values.get((row, col)) {
                    sum += v;
                }
            }
        }
        return sum;
    }
    formula
        .split('+')
        .map(|part| {
            let (row, col) = cell(part);
            number(values, row, col)
        })
        .sum()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn the_workbook_holds_the_projection_with_live_totals_and_charts() {
    let plan = templates::worked_example().expect("valid");
    let bands = bands_of(&plan);
    let (bytes, mut book) = workbook(&plan, Some(&bands));
    assert_eq!(book.sheet_names(), WORKED_EXAMPLE_SHEETS);
    let projection = project(&plan);
    let moderate = &projection.scenarios[1];
    let values = book.worksheet_range("Moderate").expect("the sheet");
    let formulas = book.worksheet_formula("Moderate").expect("its formulas");
    let (users, total, cumulative) = (
        column(&values, "Users"),
        column(&values, "Total cost"),
        column(&values, "Cumulative cost"),
    );
    let first_cost = column(&values, "Supabase cost");
    for month in &moderate.months {
        let row = month.month as usize + 1;
        assert!(close(number(&values, row, users), month.users));
        for (i, cost) in month.costs.iter().enumerate() {
            assert!(close(number(&values, row, first_cost + i), *cost));
        }
        // The total is a formula over the cost cells: evaluated here, it is
        // the projection's total; its cached value is the same.
        let sum = formulas
            .get_value((row as u32, total as u32))
            .expect("a total formula");
        assert!(sum.starts_with("SUM("), "{sum}");
        assert!(close(evaluate(sum, &values), month.total_cost), "{sum}");
        assert!(close(number(&values, row, total), month.total_cost));
        let running = formulas
            .get_value((row as u32, cumulative as u32))
            .expect("a cumulative formula");
        assert!(
            close(evaluate(running, &values), month.cumulative_cost),
            "{running}"
        );
    }
    // Month 12's bands: P5 ≤ P50 ≤ P95 around the users.
    let (p5, p95) = (column(&values, "Users P5"), column(&values, "Users P95"));
    assert!(number(&values, 13, p5) <= number(&values, 13, p95));
    // The month column is a date, shown as a month.
    assert!(matches!(values.get((1, 0)), Some(Data::DateTime(_))));
    // Native charts: one on the Summary, two on each scenario's sheet.
    let charts = bytes
        .windows(b"xl/charts/chart".len())
        .filter(|w| *w == b"xl/charts/chart")
        .count();
    // Each chart is named twice in the zip (its entry and the directory).
    assert_eq!(charts, 2 * (1 + 2 * 3), "charts in the workbook");

    let summary = book.worksheet_range("Summary").expect("the summary");
    assert_eq!(
        summary.get((0, 0)),
        Some(&Data::String(plan.plan().name.clone()))
    );
}

/// A plan with no components and no cost lines: the total is a plain 0
/// (a sum over no cells would have been a circular reference to itself).
#[test]
fn a_plan_without_costs_has_no_circular_total() {
    let mut plan = templates::worked_example().expect("valid").plan().clone();
    plan.components.clear();
    plan.costs.clear();
    plan.budget = None;
    plan.revenue = None;
    plan.correlations.clear();
    let Ok(valid) = validate(&plan) else {
        // Validation refuses such a plan: nothing to write.
        return;
    };
    let (_, mut book) = workbook(&valid, None);
    let values = book.worksheet_range("Moderate").expect("the sheet");
    let formulas = book.worksheet_formula("Moderate").expect("formulas");
    let total = column(&values, "Total cost");
    assert_eq!(number(&values, 1, total), 0.0);
    assert!(formulas
        .get_value((1, total as u32))
        .is_none_or(|f| f.is_empty()));
}

#[test]
fn file_names_come_from_the_plan_name() {
    assert_eq!(
        workbook_file_name("Managed SaaS — 12-month capacity plan"),
        "Managed-SaaS-12-month-capacity-plan.xlsx"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever a plan or scenario is called — formula-looking, markup,
    /// very long, non-Latin — the workbook opens and the names are text.
    #[test]
    fn any_names_stay_text(
        name in prop_oneof![
            Just("=HYPERLINK(\"http://evil\",\"x\")".to_string()),
            Just("+cmd|' /C calc'!A0".to_string()),
            Just("<img src=x onerror=alert(1)>".to_string()),
            Just("計画 — 予算".to_string()),
            "[=+@\\-]?[^\\x00-\\x1f]{1,120}",
        ],
        scenario in "[=+@'\\[\\]:*?/\\\\]?[^\\x00-\\x1f]{1,60}",
    ) {
        let mut plan = templates::worked_example().expect("valid").plan().clone();
        plan.name = name.clone();
        plan.description = name.clone();
        plan.scenarios[0].name = scenario.clone();
        let Ok(valid) = validate(&plan) else {
            // Refused names never reach an export.
            return Ok(());
        };
        let (_, mut book) = workbook(&valid, None);
        let names = book.sheet_names();
        prop_assert_eq!(names.len(), 5);
        prop_assert!(names.iter().all(|n| n.encode_utf16().count() <= 31
            && !n.contains(['[', ']', ':', '*', '?', '/', '\\'])));
        let summary = book.worksheet_range("Summary").expect("the summary");
        prop_assert_eq!(summary.get((0, 0)), Some(&Data::String(valid.plan().name.clone())));
        let formulas = book.worksheet_formula("Summary").expect("formulas");
        prop_assert!(formulas.used_cells().count() == 0, "no formula on the summary");
        let assumptions = book.worksheet_formula("Assumptions").expect("formulas");
        prop_assert!(assumptions.used_cells().count() == 0, "no formula among the assumptions");
        let inputs = book.worksheet_range("Assumptions").expect("the assumptions");
        prop_assert!(inputs.used_cells().any(|(_, _, cell)| cell == &Data::String(valid.plan().name.clone())));
        let first = names[2].clone();
        let sheet = book.worksheet_range(&first).expect("the scenario's sheet");
        prop_assert!(sheet.height() > 1);
    }
}

/// `headroom forecast --format xlsx`: to a file with --output, or down a
/// pipe; the file opens with the same sheets.
#[test]
fn the_command_line_writes_the_workbook() {
    let path = std::env::temp_dir().join(format!("headroom-{}.xlsx", std::process::id()));
    let path_text = path.to_str().expect("a UTF-8 path");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
            .args(args)
            .output()
            .expect("headroom runs")
    };
    let written = run(&[
        "forecast",
        "--template",
        "managed-saas",
        "--format",
        "xlsx",
        "--output",
        path_text,
    ]);
    assert!(written.status.success(), "{written:?}");
    assert!(written.stdout.is_empty(), "nothing printed with --output");
    let bytes = std::fs::read(&path).expect("the file");
    let _ = std::fs::remove_file(&path);
    let book: Book = open_workbook_from_rs(Cursor::new(bytes)).expect("a valid .xlsx");
    assert_eq!(book.sheet_names(), WORKED_EXAMPLE_SHEETS);
    // Down a pipe (the test's standard output is not a terminal).
    let piped = run(&["forecast", "--template", "lean-mvp", "--format", "xlsx"]);
    assert!(piped.status.success());
    assert!(piped.stdout.starts_with(b"PK"), "a zip file");
    // A file that cannot be written: a message, exit 2.
    let refused = run(&[
        "forecast",
        "--template",
        "lean-mvp",
        "--format",
        "xlsx",
        "--output",
        "/nonexistent-folder/plan.xlsx",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("/nonexistent-folder/plan.xlsx"),
        "{message}"
    );
}

/// Every template, at its own horizon, one month and ten years, with bands:
/// the workbook is written, and on every scenario's sheet each month's
/// total evaluates to the projection's.
#[test]
fn every_template_at_any_horizon_writes_a_workbook_whose_totals_hold() {
    for template in templates::TEMPLATES {
        let valid = templates::load(template.id)
            .expect("listed")
            .expect("valid");
        for horizon in [None, Some(1), Some(120)] {
            let mut plan = valid.plan().clone();
            if let Some(months) = horizon {
                plan.horizon_months = months;
            }
            let valid = validate(&plan).expect("a template at any horizon is valid");
            let bands = bands_of(&valid);
            let (_, mut book) = workbook(&valid, Some(&bands));
            let projection = project(&valid);
            for (scenario, sheet) in projection
                .scenarios
                .iter()
                .zip(book.sheet_names().into_iter().skip(2))
            {
                let values = book.worksheet_range(&sheet).expect("the sheet");
                let formulas = book.worksheet_formula(&sheet).expect("its formulas");
                let total = column(&values, "Total cost");
                for month in &scenario.months {
                    let row = month.month + 1;
                    let sum = formulas.get_value((row, total as u32)).expect("a formula");
                    assert!(
                        close(evaluate(sum, &values), month.total_cost),
                        "{} {sheet} month {}: {sum}",
                        template.id,
                        month.month
                    );
                }
            }
        }
    }
}

/// The Assumptions sheet lists every input, in the editor's groups, with
/// the editor's label, the value as its field shows it, its hint and how a
/// range is read, all as text (a formula stays its words).
#[test]
fn the_assumptions_sheet_shows_every_input_as_the_editor_does() {
    for template in templates::TEMPLATES {
        let valid = templates::load(template.id)
            .expect("listed")
            .expect("valid");
        let (_, mut book) = workbook(&valid, None);
        let sheet = book.worksheet_range("Assumptions").expect("the sheet");
        let formulas = book.worksheet_formula("Assumptions").expect("formulas");
        assert_eq!(formulas.used_cells().count(), 0, "no formulas");
        let text = |row: usize, column: usize| match sheet.get((row, column)) {
            Some(Data::String(s)) => s.clone(),
            None | Some(Data::Empty) => String::new(),
            other => panic!("{} ({row}, {column}) is {other:?}, not text", template.id),
        };
        assert_eq!(text(0, 0), "Input");
        assert_eq!(text(0, 1), "Value");
        let mut row = 1;
        for group in plan_inputs(valid.plan()) {
            row += 1;
            assert_eq!(text(row, 0), group.heading, "{}", template.id);
            row += 1;
            for input in group.inputs {
                let cells = [input.label, input.value, input.hint, input.read_as];
                for (column, expected) in cells.iter().enumerate() {
                    assert_eq!(&text(row, column), expected, "{} row {row}", template.id);
                }
                row += 1;
            }
        }
        assert_eq!(sheet.height(), row, "nothing after the last input");
    }
    // The worked example: a label, a growth rate and a formula, as typed.
    let valid = templates::worked_example().expect("valid");
    let (_, mut book) = workbook(&valid, None);
    let sheet = book.worksheet_range("Assumptions").expect("the sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let find = |label: &str| {
        rows.iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("no row {label}"))
            .clone()
    };
    assert_eq!(find("Users today")[2], "month 0");
    assert!(find("Monthly growth")[1].ends_with('%'));
    let formula = &valid.plan().metrics[0].formula;
    assert!(rows.iter().any(|r| r[0] == "Formula" && &r[1] == formula));
}

/// The entry `name` of the workbook's zip, inflated (sizes and offsets
/// from the central directory: the local headers leave them to a trailer).
fn zip_entry(bytes: &[u8], name: &str) -> String {
    let central = bytes
        .windows(46 + name.len())
        .position(|w| w.starts_with(b"PK\x01\x02") && &w[46..] == name.as_bytes())
        .unwrap_or_else(|| panic!("no {name} in the workbook"));
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let half = |at: usize| usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]));
    let (method, size, local) = (
        half(central + 10),
        word(central + 20) as usize,
        word(central + 42) as usize,
    );
    let start = local + 30 + half(local + 26) + half(local + 28);
    let data = &bytes[start..start + size];
    let raw = match method {
        0 => data.to_vec(),
        8 => miniz_oxide::inflate::decompress_to_vec(data).expect("deflated"),
        other => panic!("compression method {other}"),
    };
    String::from_utf8(raw).expect("XML")
}

/// Money in the plan's currency (symbol before, or code after), counts
/// with separators, months as `Jan 2027`.
#[test]
fn cells_are_formatted_in_the_plans_currency() {
    for (currency, money) in [
        ("USD", "&quot;$&quot;#,##0.00"),
        ("EUR", "&quot;€&quot;#,##0.00"),
        ("CHF", "#,##0.00 &quot;CHF&quot;"),
    ] {
        let mut plan = templates::worked_example().expect("valid").plan().clone();
        plan.currency = currency.into();
        let valid = validate(&plan).expect("valid");
        let (bytes, _) = workbook(&valid, None);
        let styles = zip_entry(&bytes, "xl/styles.xml");
        for code in [money, "#,##0", "#,##0.00", "mmm yyyy"] {
            assert!(
                styles.contains(&format!("formatCode=\"{code}\"")),
                "{currency}: no format {code} in {styles}"
            );
        }
    }
}
