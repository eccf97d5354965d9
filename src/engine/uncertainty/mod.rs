//! Uncertainty: Monte Carlo bands, breach probabilities and sensitivity.
//!
//! Every uncertain input of a scenario is sampled once per path ([`sample`]),
//! reordered so stated pairs move together ([`correlation`]); the scenario
//! then runs over all paths at once ([`simulate`]), and each month is
//! summarised as exact percentiles ([`percentile`]) and probabilities
//! ([`bands`]). The same plan and seed give identical output natively and in
//! WASM. A scenario's bands depend on the plan and that scenario alone
//! ([`reuse`] keys them so, for the app to keep them across an edit to
//! another). Uses [`crate::engine::analyse`] and the layers below it.

pub mod bands;
pub mod correlation;
pub mod percentile;
pub mod reuse;
pub mod sample;
pub mod select;
pub mod simulate;
pub mod split;
pub mod wire;

pub use bands::*;
pub use percentile::{percentiles, Percentiles, Selector};
pub use simulate::{simulate, simulate_with, Columns, Crossings, MonthView};
