//! The planning engine: pure Rust, deterministic, no web-sys.
//!
//! Data flows one way: a [`plan::Plan`] is validated into a [`plan::ValidPlan`],
//! [`projection::project`] turns it into a [`projection::Projection`], and the
//! views, charts and exports only read projections.

pub mod document;
pub mod formula;
pub mod number;
pub mod plan;
pub mod projection;
pub mod report;
