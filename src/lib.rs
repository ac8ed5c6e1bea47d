//! lockstep: a terminal app that walks you through hardening exchange accounts and keeps them hardened.
//!
//! This package is the application: the command line (`cli`, `startup`), the TUI (`tui`) and
//! the one application layer both call (`app`: open, apply an operation, save, refresh the
//! calendar, the daily-reminder offer). The libraries live under `crates/`: the pure domain
//! (`lockstep-core`), the guard (`lockstep-guard`), the storage (`lockstep-store`) and the
//! operating-system side of reminders (`lockstep-os`). ARCHITECTURE.md describes how they fit.

pub mod app;
pub mod cli;
pub mod startup;
pub mod tui;

pub use lockstep_core::{checklist, export, ids, jsonpos, schedule, score, state};
pub use lockstep_guard as guard;
pub use lockstep_os::{dbus, notify, reminders, sys as os_sys};
pub use lockstep_store::{self as store, fileio};
