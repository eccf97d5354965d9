//! Files made from a plan and its projection that need more than the
//! engine: the Excel workbook lists every input as the editor names it, so
//! it sits above both [`crate::engine`] and [`crate::editor`]. Used by the
//! command line and by the app's on-demand workbook module
//! (`src/bin/headroom_workbook.rs`).

mod workbook;

pub use workbook::{projection_workbook, workbook_file_name};

use crate::engine::analyse::scenario::project;
use crate::engine::model::document::load_plan;
use crate::engine::uncertainty::{has_uncertainty, simulate_plan};

/// A plan document's workbook as the app shows the plan: its projection,
/// and its bands from the plan's own samples and seed when anything in it
/// is uncertain (the same bands the app draws, since a seed gives the same
/// paths everywhere). Returns the file name and the bytes, or what went
/// wrong in a sentence. The app's workbook module calls this with the open
/// plan's document.
pub fn plan_workbook(document: &str) -> Result<(String, Vec<u8>), String> {
    let valid = load_plan(document).map_err(|error| format!("the plan cannot be read: {error}"))?;
    let plan = valid.plan();
    let bands =
        has_uncertainty(plan).then(|| simulate_plan(&valid, plan.uncertainty.unwrap_or_default()));
    let bytes = projection_workbook(&valid, &project(&valid), bands.as_ref(), None)?;
    Ok((workbook_file_name(&plan.name), bytes))
}
