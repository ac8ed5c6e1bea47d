//! Start-up: parse the command line, resolve the data directory, then run one command or the TUI;
//! errors become a readable report on stderr and exit status 2.

use std::process::ExitCode;

use crate::cli::{self, AppError, Cli, Clock};
use crate::guard;
use crate::store::Paths;
use crate::tui;

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

fn run() -> Result<i32, AppError> {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // A shell asking for completions (`COMPLETE=bash lockstep -- WORDS`): candidates only.
    if cli::complete::answer(&argv)? {
        return Ok(0);
    }
    let args = match cli::fast::due_args(&argv) {
        Some(a) => a,
        None => match cli::pruned::parse(&argv) {
            Ok(a) => a,
            Err(e) => return Ok(argument_error(&e)),
        },
    };
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
        return Err(AppError::NoTerminal);
    }
    run_tui(&args, &paths)
}

/// Prints clap's message (usage errors, `--help`, `--version`) with every control and bidi
/// character of the user's arguments escaped, and returns clap's exit status (2 for errors).
fn argument_error(e: &clap::Error) -> i32 {
    let text = e.render().to_string();
    let text = guard::clean(&text, true);
    if e.use_stderr() {
        eprint!("{text}");
    } else {
        let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
    }
    e.exit_code()
}

fn run_tui(args: &Cli, paths: &Paths) -> Result<i32, AppError> {
    let start = tui::Start {
        target: args.target(),
        data_dir: args.data_dir.clone(),
        color: match args.color {
            cli::ColorChoice::Always => true,
            cli::ColorChoice::Never => false,
            cli::ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        },
    };
    tui::start(&start, paths)
}
