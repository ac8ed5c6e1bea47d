//! Progress: the model (per-account step status, reviews, incidents, history), its events and
//! the operations that change it. Pure: every operation takes `now` (UTC) and, where dates
//! matter, the user's local `today`.

pub mod delta;
mod event;
mod follow;
mod model;
mod ops;
mod time;
mod unique;
mod v1;

pub use event::{EventKind, change_summary};
pub use follow::{MAX_LABEL, Orphan, Switched};
pub use model::*;
pub use ops::OpError;
pub use time::fast_utc;
pub use v1::StateV1;

#[cfg(test)]
mod tests;
