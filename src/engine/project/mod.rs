//! From a valid plan to month-by-month figures, one scenario at a time.
//!
//! Owns growth curves ([`growth`]), sizing a component for a month's load
//! ([`sizing`], with [`queueing`] for response-time targets) and the
//! projection loop itself ([`months`]): users, metrics, sizing, costs,
//! revenue and flags per month. It writes a projection and reads nothing of
//! what is made of one. Uses [`crate::engine::model`] and
//! [`crate::engine::formula`].

pub mod growth;
pub mod months;
pub mod queueing;
pub mod sizing;
