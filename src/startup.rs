//! Start-up: parse the command line, resolve the data directory, then run one command or the TUI;
//! errors become a readable report on stderr and exit status 2.

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{self, Cli, CliError, Clock, ColorChoice};
use crate::guard;
use crate::store::Paths;
use crate::tui::{self, app::App};

/// The whole program: what `main` calls.
pub fn main() -> ExitCode {
    ExitCode::from(main_code() as u8)
}

/// The whole program, returning the exit status (0 ok, 1 "something is due", 2 error). Output
/// is flushed before it returns.
pub fn main_code() -> i32 {
    let code = match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lockstep: error: {}", guard::clean(&e.to_string(), true));
            2
        }
    };
    let _ = std::io::Write::flush(&mut std::io::stdout());
    code
}

fn run() -> Result<i32, CliError> {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let args = cli::fast::due_args(&argv).unwrap_or_else(|| Cli::parse_from(&argv));
    let paths = Paths::resolve(args.data_dir.clone())?;
    if let Some(cmd) = &args.command {
        return cli::run(&args, cmd, &paths, Clock::system());
    }
    if std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
        // No cursor addressing: the plain walkthrough instead of the TUI.
        let walk = cli::Command::Walk { section: None };
        return cli::run(&args, &walk, &paths, Clock::system());
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(CliError::NoTerminal);
    }
    run_tui(&args, &paths)
}

fn run_tui(args: &Cli, paths: &Paths) -> Result<i32, CliError> {
    let c = Clock::system();
    let (mut store, state, cl) = cli::open_for_write(args, paths, c)?;
    let fresh = !paths.state_file().exists();
    // A brand-new account (created just now, with this clock reading) without --checklist may
    // choose among the installed checklists.
    let new_account = state.accounts[args.account_name()].created == c.now;
    let mut app = App::new(cl, state, args.account_name(), c.now, c.today);
    if new_account && args.checklist.is_none() {
        let catalog = cli::catalog(paths);
        app.offer_checklists(
            catalog
                .checklists
                .into_iter()
                .map(|l| l.checklist)
                .collect(),
        );
    }
    app.color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    if (fresh || new_account) && app.choices.is_empty() {
        // Record the new account right away so `lockstep due` knows about it. When there is a
        // checklist to choose, choosing records it (quitting at that question leaves no trace).
        app.dirty = true;
    }
    tui::run(&mut app, &mut store).map_err(CliError::Terminal)?;
    if app.dirty {
        // The last save failed (the TUI showed why); try once more before giving up.
        store.save(&mut app.state)?;
    }
    Ok(0)
}
