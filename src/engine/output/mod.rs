//! A projection rendered for people and programs: JSON, a readable table,
//! CSV, a Markdown report and an Excel workbook. Shared by the command line and the app's exports.
//! The top layer of the engine: it reads every layer below and nothing reads
//! it but the app and the command line.

mod comparison;
mod csv;
pub mod describe;
mod json;
mod markdown;
mod table;
// Native only for now: the app's module cannot carry the writer yet (see Cargo.toml).
#[cfg(not(target_arch = "wasm32"))]
mod workbook;

pub use self::csv::projection_csv;
pub use comparison::{changes_since, comparison_json, comparison_markdown, comparison_table};
pub use describe::*;
pub use json::projection_json;
pub use markdown::projection_markdown;
pub use table::projection_table;
#[cfg(not(target_arch = "wasm32"))]
pub use workbook::{projection_workbook, workbook_file_name};
