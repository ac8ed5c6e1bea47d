//! Progress: the model (per-account step status, reviews, incidents, history), its events and
//! the operations that change it. Pure: every operation takes `now` (UTC) and, where dates
//! matter, the user's local `today`.

mod event;
mod model;
mod ops;
mod time;

pub use event::EventKind;
pub use model::*;
pub use ops::OpError;

#[cfg(test)]
mod tests;
