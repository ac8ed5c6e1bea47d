//! The non-interactive commands: arguments, what each command opens, and its output.

mod accounts;
mod args;
pub mod complete;
mod due;
pub mod fast;
mod notify;
mod output;
pub mod pruned;
mod read;
mod reminders;
pub mod walk;
mod worst;
mod write;

pub use accounts::{REMOVED_DIR, remove as remove_account};
pub use args::{AccountsCommand, Cli, ColorChoice, Command, ExportFormat, IncidentCommand};
pub use reminders::RemindersCommand;

pub use crate::app::{AppError, Clock};

use crate::store::Paths;

/// Exit status requested by a command that succeeded (1 = "something is due").
pub type ExitStatus = i32;

/// Runs a non-TUI command.
pub fn run(cli: &Cli, cmd: &Command, paths: &Paths, clock: Clock) -> Result<ExitStatus, AppError> {
    use write::{mutate, title};
    let now = clock.now;
    match cmd {
        Command::Status { json, all: true } => read::status_all(paths, *json, clock),
        Command::Status { json, all: false } => read::status(cli, paths, *json, clock),
        Command::Due {
            quiet,
            exit_code,
            soon,
            json,
        } => due::due(cli, paths, clock.today, *quiet, *exit_code, *soon, *json),
        Command::Check { step } => mutate(cli, paths, clock, |a, cl| {
            Ok(if a.check(cl, step, now)? {
                format!("done: {}", title(cl, step))
            } else {
                format!("already done: {}", title(cl, step))
            })
        }),
        Command::Uncheck { step } => mutate(cli, paths, clock, |a, cl| {
            a.uncheck(cl, step, now)?;
            Ok(format!("to do: {}", title(cl, step)))
        }),
        Command::Skip { step, reason } => mutate(cli, paths, clock, |a, cl| {
            let reason = reason.join(" ");
            a.skip(cl, step, &reason, now)?;
            Ok(format!("skipped: {} ({})", title(cl, step), reason.trim()))
        }),
        Command::Na { step } => mutate(cli, paths, clock, |a, cl| {
            a.not_applicable(cl, step, now)?;
            Ok(format!("not applicable: {}", title(cl, step)))
        }),
        Command::Note { step, text } => mutate(cli, paths, clock, |a, cl| {
            a.set_note(cl, step, &text.join(" "), now)?;
            Ok(format!("note saved on {}", title(cl, step)))
        }),
        Command::Forget { step } => write::forget(cli, paths, step, clock),
        Command::Review { section } => mutate(cli, paths, clock, |a, cl| {
            write::review(a, cl, section, clock)
        }),
        Command::Snooze {
            section,
            days,
            undo,
        } => mutate(cli, paths, clock, |a, cl| {
            write::snooze(a, cl, section, *days, *undo, clock)
        }),
        Command::Personas { personas } => mutate(cli, paths, clock, |a, cl| {
            write::personas(a, cl, personas, clock)
        }),
        Command::Compromised => write::compromised_command(cli, paths, clock),
        Command::Card => read::card(cli, paths, clock),
        Command::Incident {
            command: IncidentCommand::Report { id },
        } => read::incident_report(cli, paths, *id, clock),
        Command::Incident { command } => {
            let (msg, warning) = write::apply(cli, paths, clock, |a, cl| {
                write::incident(a, cl, command, clock)
            })?;
            output::out(&format!("{}\n", crate::guard::clean(&msg, true)))?;
            if let Some(w) = warning {
                eprintln!("lockstep: warning: {}", crate::guard::clean(&w, true));
            }
            Ok(0)
        }
        Command::Export { format, output } => {
            read::export(cli, paths, *format, output.as_ref(), clock)
        }
        Command::Checklists { template: true, .. } => read::template(clock.today),
        Command::Checklists { schema: true, .. } => read::schema(),
        Command::Checklists { .. } => read::checklists(paths),
        Command::Validate { files } => read::validate(files),
        Command::History { json } => read::history(cli, paths, *json, clock),
        Command::Merge { path, dry_run } => {
            let m = crate::store::merge_from(paths, path, *dry_run, cli.wait())?;
            let from = path.display().to_string();
            let mut text = format!(
                "{}\n",
                crate::guard::line(&crate::store::sync::summary(&m, &from, paths))
            );
            if *dry_run && !m.added.is_empty() {
                text.push_str("(dry run: nothing was changed; run without --dry-run to merge)\n");
            }
            output::out(&text)?;
            Ok(0)
        }
        Command::Accounts { command } => accounts::run(cli, paths, command.as_ref(), clock),
        Command::Walk { section } => walk::run(
            cli,
            paths,
            section.as_deref(),
            Clock::system,
            &mut std::io::stdin().lock(),
            &mut std::io::stdout().lock(),
        ),
        Command::Completions { shell } => read::completions(*shell),
        Command::Man => read::man(),
        Command::Reminders { command } => reminders::run(cli, paths, command, clock),
        Command::Notify { ics } => notify::notify(cli, paths, ics.as_deref(), clock),
    }
}
