//! lockstep: a terminal app that walks you through hardening exchange accounts and keeps them hardened.
//!
//! Pure core (`checklist`, `state`, `schedule`, `score`, `guard`, `export`), one storage module
//! (`store`), and a thin TUI shell (`tui`: `app` state machine, `keymap`, `ui` rendering).

pub mod checklist;
pub mod cli;
pub mod export;
pub mod guard;
pub mod notify;
pub mod reminders;
pub mod schedule;
pub mod score;
pub mod state;
pub mod store;
pub mod tui;
