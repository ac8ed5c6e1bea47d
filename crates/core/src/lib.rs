//! The domain of lockstep: checklists, progress, schedule, score and exports.
//!
//! Pure by construction: this crate depends on nothing that touches the operating system or the
//! terminal, and never reads the disk or the clock. `now` (UTC), `today` (the user's local date)
//! and file contents are passed in; where the catalog needs checklist files it asks through
//! [`checklist::ChecklistFiles`], which the shell implements. A test
//! (`tests/purity.rs` at the workspace root) fails if that changes.

pub mod checklist;
pub mod export;
pub mod fnv;
pub mod ids;
pub mod jsonpos;
pub mod notice;
pub mod schedule;
pub mod score;
pub mod state;

/// The guard, re-exported so the domain and its users name it in one place.
pub use lockstep_guard as guard;
