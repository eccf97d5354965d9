//! Actuals: what really happened, against the plan. Reading them from a CSV
//! file ([`import`]), comparing them with the projection and its bands
//! ([`compare`]), and refitting the plan's assumptions to them ([`refit`]).
//!
//! The actuals themselves are part of the plan document
//! ([`crate::engine::plan::Actuals`]) and are checked by validation like
//! every other field; everything here starts from a [`ValidPlan`].
//!
//! [`ValidPlan`]: crate::engine::validate::ValidPlan

pub mod compare;
pub mod import;
pub mod refit;
