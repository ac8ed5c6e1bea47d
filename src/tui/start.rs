//! Starting the TUI: open the state for writing, resolve every account's checklist, offer the
//! checklists to a new account, start on the accounts screen when several accounts are tracked
//! and none was named, run, and save what is left.

use std::path::PathBuf;

use crate::app::{self as layer, AppError, Clock, ForWrite, Target};
use crate::checklist::Loaded;
use crate::store::Paths;

use super::app::App;

/// How the TUI was asked to start (from the command line, through the application layer's
/// [`Target`]; no command-line type reaches the TUI).
#[derive(Debug, Clone, Default)]
pub struct Start {
    /// The account and the checklist of a new account.
    pub target: Target,
    /// The data directory given with `--data-dir` or `LOCKSTEP_DATA_DIR` (the daily job is told).
    pub data_dir: Option<PathBuf>,
    /// Colour on.
    pub color: bool,
}

/// Runs the TUI on the account `args` names (or implies); returns the exit status.
pub fn start(args: &Start, paths: &Paths) -> Result<i32, AppError> {
    let c = Clock::system();
    let ForWrite {
        mut store,
        state,
        name,
        loaded,
        notices,
        created,
        changed,
    } = layer::open_for_tui(&args.target, paths, c)?;
    let fresh = !paths.state_file().exists();
    let checklists = layer::resolve_all(paths, &state)
        .into_iter()
        .map(|(n, r)| (n, r.map_err(|e| e.to_string())))
        .collect();
    let several = state.accounts.len() > 1;
    // A brand-new account without --checklist / --checklist-file may choose among the installed
    // checklists: every one that can be chosen by id, and the user files that cannot (choosing
    // one of those asks first and shows its path). The list says what a note about a file with
    // the default checklist's id would.
    let choose = created && !args.target.wants_checklist();
    let notices = if choose { Vec::new() } else { notices };
    let mut app = App::open(loaded, checklists, state, &name, notices, c.now, c.today);
    if choose {
        let catalog = layer::catalog(paths);
        let mut choices: Vec<Loaded> = catalog.checklists;
        for conflict in catalog.conflicts {
            choices.extend(conflict.files);
        }
        app.offer_checklists(choices);
    }
    if several && args.target.named_account().is_none() {
        app.start_with_accounts();
    }
    app.color = args.color;
    if (fresh || created || changed) && app.choices().is_empty() {
        // Record the new account (or what it saw of its checklist) right away so `lockstep due`
        // knows about it. When there is a checklist to choose, choosing records it (quitting at
        // that question leaves no trace).
        app.dirty = true;
    }
    let mut offer = super::OfferShell::new(layer::job_data_dir(args.data_dir.as_deref(), paths));
    if layer::should_offer(paths) {
        app.allow_reminder_offer();
    }
    super::run(&mut app, &mut store, &mut offer).map_err(AppError::Terminal)?;
    if app.dirty {
        // The last save failed (the TUI showed why); try once more before giving up.
        let account = app.account.clone();
        let done = layer::commit(
            &mut store,
            &mut app.state,
            Some(&account),
            layer::Write::Changes,
            c,
        )?;
        layer::warn_after_save(&done);
    }
    Ok(0)
}
