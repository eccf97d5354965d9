//! The planning engine: pure Rust, deterministic, no web-sys.
//!
//! Data flows one way: a [`plan::Plan`] is checked by [`validate::validate`]
//! into a [`validate::ValidPlan`], [`projection::project`] turns it into a
//! [`projection::Projection`], and views, charts and exports only read
//! projections ([`output`]).

pub mod actuals;
pub mod correlation;
pub mod decisions;
pub mod diff;
pub mod document;
pub mod events;
pub mod fit;
pub mod formula;
pub mod growth;
pub mod link;
pub mod number;
pub mod output;
pub mod plan;
pub mod projection;
pub mod queueing;
pub mod rename;
pub mod shape;
pub mod sizing;
pub mod templates;
pub mod uncertainty;
pub mod validate;
