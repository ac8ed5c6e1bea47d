//! Starting the TUI: open the state for writing, resolve every account's checklist, offer the
//! checklists to a new account, start on the accounts screen when several accounts are tracked
//! and none was named, run, and save what is left.

use crate::checklist::Loaded;
use crate::cli::{self, Cli, CliError, Clock, ColorChoice, ForWrite};
use crate::store::Paths;

use super::app::App;

/// Runs the TUI on the account `args` names (or implies); returns the exit status.
pub fn start(args: &Cli, paths: &Paths) -> Result<i32, CliError> {
    let c = Clock::system();
    let ForWrite {
        mut store,
        state,
        name,
        loaded,
        notices,
        created,
        changed,
    } = cli::open_for_tui(args, paths, c)?;
    let fresh = !paths.state_file().exists();
    let checklists = cli::resolve_all(paths, &state)
        .into_iter()
        .map(|(n, r)| (n, r.map_err(|e| e.to_string())))
        .collect();
    let several = state.accounts.len() > 1;
    // A brand-new account without --checklist / --checklist-file may choose among the installed
    // checklists: every one that can be chosen by id, and the user files that cannot (choosing
    // one of those asks first and shows its path). The list says what a note about a file with
    // the default checklist's id would.
    let choose = created && !args.wants_checklist();
    let notices = if choose { Vec::new() } else { notices };
    let mut app = App::open(loaded, checklists, state, &name, notices, c.now, c.today);
    if choose {
        let catalog = cli::catalog(paths);
        let mut choices: Vec<Loaded> = catalog.checklists;
        for conflict in catalog.conflicts {
            choices.extend(conflict.files);
        }
        app.offer_checklists(choices);
    }
    if several && args.named_account().is_none() {
        app.start_with_accounts();
    }
    app.color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    if (fresh || created || changed) && app.choices.is_empty() {
        // Record the new account (or what it saw of its checklist) right away so `lockstep due`
        // knows about it. When there is a checklist to choose, choosing records it (quitting at
        // that question leaves no trace).
        app.dirty = true;
    }
    let mut offer = super::OfferShell::new(cli::job_data_dir(args.data_dir.as_deref(), paths));
    if cli::should_offer(paths) {
        app.allow_reminder_offer();
    }
    super::run(&mut app, &mut store, &mut offer).map_err(CliError::Terminal)?;
    if app.dirty {
        // The last save failed (the TUI showed why); try once more before giving up.
        store.save(&mut app.state)?;
    }
    Ok(0)
}
