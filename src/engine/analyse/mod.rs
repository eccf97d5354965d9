//! What a finished projection means, and the pipeline that makes one.
//!
//! [`events`] and [`decisions`] read a scenario's months (never write them):
//! the timeline of what happens, by when each change must start, which
//! commitment to make. [`scenario`] assembles a scenario's full result in the
//! order the data flows: months, then act-by dates and commitments, then
//! events. Uses [`crate::engine::project`] and the layers below it.

pub mod decisions;
pub mod events;
pub mod scenario;
