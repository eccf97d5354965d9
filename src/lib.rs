//! Headroom: a capacity and cost planner.
//!
//! - [`engine`]: the pure planning engine (no web-sys), tested natively.
//! - [`chart`]: charts drawn against any plotters backend.
//! - `ui` (wasm32 only): the Leptos app that edits a plan and shows its projection.

pub mod chart;
pub mod editor;
pub mod engine;
pub mod library;
pub mod versions;

#[cfg(target_arch = "wasm32")]
pub mod ui;
