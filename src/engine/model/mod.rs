//! The plan as data, and the door untrusted input comes in by.
//!
//! Owns the plan's types ([`plan`]), reading a document from JSON with its
//! migrations ([`document`], [`shape`], [`rename`]), share links ([`link`]),
//! the built-in [`templates`], reading and writing numbers ([`number`]) and seasonality ([`seasons`]), the
//! uncertain inputs a plan states ([`inputs`]) and the correlations between
//! them ([`correlations`]), and [`validate`], which turns a plan into a
//! [`validate::ValidPlan`]: every layer above takes a `ValidPlan`, never a
//! raw one. Uses only [`crate::engine::formula`].

pub mod correlations;
pub mod document;
pub mod inputs;
pub mod link;
pub mod number;
pub mod plan;
pub mod rename;
pub mod seasons;
pub mod shape;
pub mod templates;
pub mod validate;
