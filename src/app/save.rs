//! The one write path after an operation, for the command line and the TUI alike: the account
//! records its local dates, the store saves (merging what another writer saved meanwhile), or
//! purges a note and saves, and a calendar file kept by `reminders install --ics` follows.

use super::{AppError, Clock, ics_feed};
use crate::state::State;
use crate::store::{Forgotten, Store};

/// What a save writes besides the accounts' new events.
#[derive(Debug, Clone)]
pub enum Write {
    /// The changes only.
    Changes,
    /// The changes, and the note of `step` purged everywhere (`lockstep forget`); `old_text` is
    /// the note as it was.
    Purge {
        step: String,
        old_text: Option<String>,
    },
}

/// What a save did.
#[derive(Debug, Default)]
pub struct Committed {
    /// What a purge removed.
    pub forgotten: Option<Forgotten>,
    /// The calendar file could not be refreshed (the change itself is saved): why, in words.
    pub calendar_warning: Option<String>,
    /// What the store has to say about the save (an upgrade of the files, an item another
    /// writer changed too, a torn log line set aside ...), one line each.
    pub notices: Vec<String>,
}

/// Saves the changes in `state`: settles the local dates of `account` (the one an operation
/// changed; None for changes to the list of accounts), saves (or purges a note
/// and saves), then refreshes a calendar kept by `reminders install --ics`. On an error nothing
/// was saved and the events wait in the account for the next try.
pub fn commit(
    store: &mut Store,
    state: &mut State,
    account: Option<&str>,
    write: Write,
    clock: Clock,
) -> Result<Committed, AppError> {
    if let Some(a) = account.and_then(|name| state.accounts.get_mut(name)) {
        a.settle(clock.today);
    }
    let (forgotten, saved) = match write {
        Write::Changes => (None, store.save(state)?),
        Write::Purge { step, old_text } => {
            let account = account.expect("a purge names its account");
            let (f, saved) = store.forget_note(state, account, &step, old_text.as_deref())?;
            (Some(f), saved)
        }
    };
    let calendar_warning = ics_feed::refresh_ics(store.paths(), state, clock.today, clock.now)
        .err()
        .map(|e| format!("your change is saved; only the calendar file was not updated: {e}"));
    Ok(Committed {
        forgotten,
        calendar_warning,
        notices: saved.notices,
    })
}

/// Says on stderr what a command's save left undone (the change itself is saved).
pub fn warn_after_save(c: &Committed) {
    for n in &c.notices {
        eprintln!("lockstep: {}", crate::guard::line(n));
    }
    if let Some(w) = &c.calendar_warning {
        eprintln!("lockstep: warning: {}", crate::guard::line(w));
    }
}
