//! Files made from a plan and its projection that need more than the
//! engine: the Excel workbook lists every input as the editor names it, so
//! it sits above both [`crate::engine`] and [`crate::editor`]. Used by the
//! command line and by the app's on-demand workbook module
//! (`src/bin/headroom_workbook.rs`).

mod workbook;

pub use workbook::{projection_workbook, workbook_file_name};
