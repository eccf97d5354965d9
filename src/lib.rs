//! Headroom: a capacity and cost planner.
//!
//! - [`engine`]: the pure planning engine (no web-sys), tested natively.
//! - [`chart`]: charts drawn against any plotters backend.
//! - [`export`]: files made from a plan and its projection that need more than
//!   the engine (the Excel workbook names inputs as the editor does).
//! - `ui` (wasm32, feature `app`): the Leptos app that edits a plan and shows its projection.
//! - `start` (wasm32 only): the first look a page paints before the app has loaded.
//! - `cli` (native only): the `headroom` command line over the engine.

pub mod chart;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod editor;
pub mod engine;
#[cfg(any(not(target_arch = "wasm32"), feature = "workbook"))]
pub mod export;
pub mod headline;
pub mod library;
pub mod versions;
pub mod workers;

#[cfg(target_arch = "wasm32")]
pub mod start;
#[cfg(all(target_arch = "wasm32", feature = "app"))]
pub mod ui;
