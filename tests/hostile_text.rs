//! Names and descriptions are text, never markup or formulas: a plan whose
//! names carry HTML, script or spreadsheet formulas comes out inert in every
//! export (the page and the share view are checked end to end).
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::analyse::scenario::project;
use headroom::engine::model::link::{decode_link, encode_link};
use headroom::engine::model::plan::{Component, CostLine};
use headroom::engine::model::templates;
use headroom::engine::model::validate::validate;
use headroom::engine::output::{projection_csv, projection_markdown};

const HOSTILE: &str = "<img src=x onerror=alert(1)><script>alert(2)</script>";

#[test]
fn hostile_names_stay_text_in_the_report_the_csv_and_the_link() {
    let mut plan = templates::worked_example().expect("valid").plan().clone();
    plan.name = format!("Plan {HOSTILE}");
    plan.description = format!("About {HOSTILE} | [link](javascript:alert(3))");
    plan.scenarios[1].name = format!("=HYPERLINK(\"http://evil\") {HOSTILE}");
    if let Component::Tiered(t) = &mut plan.components[0] {
        t.name = format!("@SUM(A1) {HOSTILE}");
    }
    if let CostLine::Fixed { name, .. } = &mut plan.costs[0] {
        *name = format!("+cmd {HOSTILE}");
    }
    let valid = validate(&plan).expect("hostile names are still names");
    let projection = project(&valid);

    let report = projection_markdown(&valid, &projection, None, None);
    assert!(
        !report.contains("<img") && !report.contains("<script"),
        "raw HTML in the report"
    );
    assert!(report.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // Brackets are escaped, so Markdown makes no link of it.
    assert!(report.contains("\\[link\\](javascript:"), "no live links");

    let csv = projection_csv(&valid, &projection, None, None);
    for line in csv.lines() {
        for cell in line.split(',') {
            let unquoted = cell.trim_start_matches('"');
            assert!(
                !unquoted.starts_with(['=', '+', '@']) || unquoted.starts_with('\''),
                "a cell a spreadsheet would run: {cell}"
            );
        }
    }
    assert!(csv.contains("'=HYPERLINK"), "{csv}");

    // Through a link, the names come back exactly as typed (the page shows them as text).
    let back = decode_link(&encode_link(valid.plan())).expect("the link opens");
    assert_eq!(back.plan().name, format!("Plan {HOSTILE}"));
}
