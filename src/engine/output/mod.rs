//! A projection rendered for people and programs: JSON, a readable table,
//! CSV and a Markdown report. Shared by the command line and the app's
//! exports (the Excel workbook, which also needs the editor's labels, is
//! [`crate::export`]).
//! The top layer of the engine: it reads every layer below and nothing reads
//! it but the app and the command line.

mod comparison;
mod csv;
pub mod describe;
mod json;
mod markdown;
mod table;

pub use self::csv::projection_csv;
pub use comparison::{changes_since, comparison_json, comparison_markdown, comparison_table};
pub use describe::*;
pub use json::projection_json;
pub use markdown::projection_markdown;
pub use table::projection_table;
