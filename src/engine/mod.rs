//! The planning engine: pure Rust, deterministic, no web-sys.
//!
//! Each folder is a layer, and a layer uses only the layers listed before it
//! (`tests/architecture.rs` checks this, and that no modules import each
//! other in a circle):
//!
//! 1. [`formula`]: the metric formula language (lex, parse, compile, evaluate).
//! 2. [`model`]: the plan as data; reading documents and links, numbers,
//!    templates; validation into a [`model::validate::ValidPlan`], the only
//!    door untrusted input comes in by.
//! 3. [`project`]: growth, sizing, queueing and the month-by-month projection.
//! 4. [`analyse`]: what a finished projection means (events, act-by dates,
//!    commitments), and the one function that runs a scenario through it all.
//! 5. [`uncertainty`]: Monte Carlo paths, correlations, bands and probabilities.
//! 6. [`actuals`]: what happened (imports), measured against the plan, and
//!    growth refitted to it.
//! 7. [`diff`]: what changed between two plans and what it does to the results.
//! 8. [`output`]: the projection as a table, CSV, JSON or Markdown.

pub mod actuals;
pub mod analyse;
pub mod diff;
pub mod formula;
pub mod model;
pub mod output;
pub mod project;
pub mod uncertainty;
