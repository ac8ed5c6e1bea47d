//! The application layer, the one the command line and the TUI both call: which account and
//! checklist a command works on, opening the state for reading or writing, the one write path
//! after an operation (settle, save, refresh the calendar), the calendar feed, and the daily
//! reminder's one-time offer. It knows nothing of clap or the terminal.

mod context;
mod error;
pub mod ics_feed;
mod offer;
mod save;

use std::path::PathBuf;
use std::time::Duration;

pub use context::{
    Clock, ForRead, ForWrite, catalog, implied_account, new_checklist, open_existing, open_for_tui,
    open_for_write, open_read, origin_words, print_notices, resolve_all, resolve_one,
    validate_account_name, wanted,
};
pub use error::{AppError, did_you_mean};
pub use ics_feed::{IcsFeedError, refresh_ics};
pub use offer::{
    OFFER_FILE, OfferError, job, job_data_dir, offer_plan, record_offer, shell_line,
    shell_line_for, should_offer,
};
pub use save::{Committed, Write, commit, warn_after_save};

/// What a command works on, as the user said it (the command line's global options, or the
/// TUI's start): the account, the checklist of a new account, and how long to wait for another
/// writer.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// `--account NAME`.
    pub account: Option<String>,
    /// The default account from the environment (`LOCKSTEP_ACCOUNT`).
    pub env_account: Option<String>,
    /// `--checklist ID` for a new account.
    pub checklist: Option<String>,
    /// `--checklist-file PATH` for a new account.
    pub checklist_file: Option<PathBuf>,
    /// How long a writer waits for the lock.
    pub wait: Duration,
}

impl Target {
    /// The account named with `--account`, else with `LOCKSTEP_ACCOUNT`.
    pub fn named_account(&self) -> Option<&str> {
        self.account.as_deref().or(self.env_account.as_deref())
    }

    /// True when `--checklist` or `--checklist-file` asks for a new account's checklist.
    pub fn wants_checklist(&self) -> bool {
        self.checklist.is_some() || self.checklist_file.is_some()
    }

    /// How long a writer waits for the lock.
    pub fn wait(&self) -> Duration {
        self.wait
    }
}
