//! lockstep: a terminal app that walks you through hardening exchange accounts and keeps them hardened.
//!
//! Pure core (`checklist`, `state`, `schedule`, `score`, `guard`, `export`, `notify`'s
//! composition), one storage module (`store`), the operating-system side of reminders
//! (`reminders`), the command line (`cli`, `startup`) and a thin TUI shell (`tui`: `app` state
//! machine, `keymap`, `ui` rendering). ARCHITECTURE.md describes how they fit together.

pub mod checklist;
pub mod cli;
pub mod export;
pub mod fileio;
pub mod guard;
pub mod jsonpos;
pub mod notify;
pub mod reminders;
pub mod schedule;
pub mod score;
pub mod startup;
pub mod state;
pub mod store;
pub mod tui;
