//! `lockstep reminders install|status|remove`: the command line of the daily reminder job
//! (showing the plan and asking before anything is written), and what the TUI needs to offer
//! the job once.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use super::output::out;
use super::{AppError, Cli, Clock, ExitStatus};
use crate::app::ics_feed;
use crate::app::{job, job_data_dir, record_offer};
use crate::guard::{clean, line};
use crate::reminders::{self, AtTime, Backend, Environment, InstallReport, SystemRunner};
use crate::store::{self, Paths};

#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// Install a daily job that runs `lockstep notify`: shows what it writes and asks first.
    Install {
        /// Time of day to run, HH:MM on a 24-hour clock (local time).
        #[arg(long, value_name = "HH:MM", default_value_t = AtTime::DEFAULT)]
        at: AtTime,
        /// Where to schedule it (default: systemd if it runs, else cron, else launchd on macOS).
        #[arg(long, value_name = "BACKEND", value_parser = backend_parser())]
        backend: Option<Backend>,
        /// Install without asking.
        #[arg(long, short)]
        yes: bool,
        /// Also keep this iCalendar file current: after every save and by the daily job.
        #[arg(long, value_name = "FILE")]
        ics: Option<PathBuf>,
    },
    /// What is installed, where, and when it next runs.
    Status,
    /// Remove exactly what `install` wrote (from every backend, or only --backend).
    Remove {
        #[arg(long, value_name = "BACKEND", value_parser = backend_parser())]
        backend: Option<Backend>,
    },
}

fn backend_parser() -> impl TypedValueParser<Value = Backend> {
    PossibleValuesParser::new(Backend::ALL.map(Backend::name))
        .map(|s| s.parse::<Backend>().expect("one of the possible values"))
}

/// Runs a `reminders` subcommand.
pub(super) fn run(
    cli: &Cli,
    paths: &Paths,
    cmd: &RemindersCommand,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    match cmd {
        RemindersCommand::Install {
            at,
            backend,
            yes,
            ics,
        } => install(cli, paths, *at, *backend, *yes, ics.as_deref(), clock),
        RemindersCommand::Status => status(paths, clock),
        RemindersCommand::Remove { backend } => remove(paths, *backend),
    }
}

/// Whether `found` notifies this data directory (a job without `--data-dir` notifies the
/// default one, as the job sees it: no `XDG_DATA_HOME`).
fn serves_here(found: &reminders::Installed, env: &Environment, paths: &Paths) -> Option<bool> {
    let default = match env.os {
        reminders::TargetOs::MacOs => env.home.join("Library/Application Support/lockstep"),
        _ => env.home.join(".local/share/lockstep"),
    };
    found.serves(&paths.data_dir, &default)
}

/// What is said of a job that serves another data directory.
fn other_dir_note(found: &reminders::Installed) -> String {
    format!(
        "this job is for another data directory (it runs `{}`): lockstep with this data \
         directory gets no daily reminder. There is one daily job per user; installing here \
         replaces it.",
        found.command.as_deref().unwrap_or("?")
    )
}

fn install(
    cli: &Cli,
    paths: &Paths,
    at: AtTime,
    forced: Option<Backend>,
    yes: bool,
    ics: Option<&Path>,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    let env = Environment::detect()?;
    let backend = reminders::choose_backend(&env, forced)?;
    let ics = ics
        .map(|f| ics_feed::checked_feed_file(paths, f))
        .transpose()?;
    let dir = job_data_dir(cli.data_dir.as_deref(), paths);
    let job = job(dir.as_deref(), at, ics.as_deref())?;
    let plan = reminders::plan(&env, backend, &job);
    let record = paths.data_dir.join(ics_feed::ICS_PATH_FILE);
    let old_feed = ics_feed::feed_path(paths).unwrap_or(None);
    let mut preview = plan.preview();
    for r in reminders::replaces(backend, &env, &SystemRunner::new()) {
        preview.push_str(&format!("\n{r}\n"));
    }
    if let Ok(Some(found)) = reminders::inspect(backend, &env, &SystemRunner::new())
        && serves_here(&found, &env, paths) == Some(false)
    {
        preview.push_str(&format!(
            "\nReplaces the daily job installed for another data directory (it runs `{}`): \
             there is one daily job per user, and that directory will get no daily reminder.\n",
            found.command.as_deref().unwrap_or("?")
        ));
    }
    match (&ics, &old_feed) {
        (Some(f), _) => preview.push_str(&format!(
            "\nWrites the calendar {} now, and records its path in {}: every change you save \
             rewrites it, and so does the daily job.\n",
            f.display(),
            record.display()
        )),
        (None, Some(old)) => preview.push_str(&format!(
            "\nStops keeping the calendar {} current (deletes {}; the calendar file stays).\n",
            old.display(),
            record.display()
        )),
        (None, None) => {}
    }
    // The job talks to the desktop's notification server: say so now if none answers.
    let desktop = crate::notify::check_desktop(env.os, std::env::var_os("PATH").as_deref())
        .err()
        .map(|why| crate::notify::desktop_advice(env.os, &why));
    if let Some(advice) = &desktop {
        preview.push_str(&format!("\nNote: {advice}.\n"));
    }
    out(&clean(&preview, true))?;
    if !yes && !confirm("Install this daily reminder? [y/N] ")? {
        out("Nothing was installed.\n")?;
        return Ok(0);
    }
    if let Some(f) = &ics {
        // First, so that a calendar path that cannot be written stops the install.
        let loaded = store::load(paths)?;
        ics_feed::write_feed(paths, f, &loaded.state, clock.today, clock.now)?;
    }
    let mut report = reminders::install(&plan, &env, &SystemRunner::new())?;
    report.warnings.extend(desktop);
    print_install(&report, &crate::app::shell_line_for(&plan.job))?;
    if report.not_scheduled.is_some() {
        // Not installed as a running job: the offer stays, nothing else is recorded.
        return Ok(2);
    }
    // The TUI's one-time offer has nothing left to offer.
    if let Err(e) = record_offer(paths, true) {
        eprintln!("lockstep: warning: {e}");
    }
    match (&ics, &old_feed) {
        (Some(f), _) => {
            ics_feed::set_feed_path(paths, Some(f))?;
            out(&format!(
                "wrote {}; it is rewritten after every save and by the daily job\n",
                line(&f.display().to_string())
            ))?;
        }
        (None, Some(old)) => {
            ics_feed::set_feed_path(paths, None)?;
            out(&format!(
                "{} is no longer kept current\n",
                line(&old.display().to_string())
            ))?;
        }
        (None, None) => {}
    }
    Ok(0)
}

fn print_install(report: &InstallReport, shell: &str) -> Result<(), AppError> {
    let mut s = String::new();
    for d in report.done.iter().chain(&report.replaced) {
        s.push_str(&format!("{}\n", clean(d, true)));
    }
    if let Some(why) = &report.not_scheduled {
        s.push_str(&format!(
            "The daily reminder is NOT installed as a running job: {}\n",
            clean(why, true)
        ));
        for k in &report.kept {
            s.push_str(&format!("{}\n", capitalized(&clean(k, true))));
        }
        s.push_str(&format!(
            "To be reminded at every shell start instead, add this line to ~/.bashrc or \
             ~/.zshrc:\n    {}\n",
            clean(shell, true)
        ));
    } else if !report.changed {
        s.push_str("The daily reminder was already installed exactly so: nothing changed.\n");
    } else {
        s.push_str("The daily reminder is installed. `lockstep reminders status` shows it.\n");
    }
    out(&s)?;
    for w in &report.warnings {
        eprintln!("lockstep: warning: {}", clean(w, true));
    }
    Ok(())
}

/// `s` with its first letter in upper case (a sentence of its own).
fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Asks `question` on the terminal. Without a terminal on stdin, refuses (the caller says how
/// to go on without the question).
fn confirm(question: &str) -> Result<bool, AppError> {
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        return Err(AppError::NeedsYes);
    }
    let mut o = io::stdout().lock();
    let _ = write!(o, "{question}");
    let _ = o.flush();
    drop(o);
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(AppError::Terminal)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

fn status(paths: &Paths, clock: Clock) -> Result<ExitStatus, AppError> {
    let env = Environment::detect()?;
    let local = clock.now.with_timezone(&chrono::Local).naive_local();
    let mut report = reminders::status(&env, &SystemRunner::new(), local);
    for found in &mut report.installed {
        if serves_here(found, &env, paths) == Some(false) {
            let note = other_dir_note(found);
            found.notes.push(note);
        }
    }
    let mut s = report.text();
    match ics_feed::feed_path(paths) {
        Ok(Some(f)) => s.push_str(&format!(
            "Calendar kept current: {} (rewritten after every save and by the daily job)\n",
            f.display()
        )),
        Ok(None) => {}
        Err(e) => eprintln!("lockstep: warning: {e}"),
    }
    out(&clean(&s, true))?;
    Ok(0)
}

fn remove(paths: &Paths, only: Option<Backend>) -> Result<ExitStatus, AppError> {
    let env = Environment::detect()?;
    // Removing another data directory's job would silence that directory: refuse, and say how.
    let others: Vec<String> = reminders::installed_jobs(&env, &SystemRunner::new(), only)
        .into_iter()
        .filter(|f| serves_here(f, &env, paths) == Some(false))
        .map(|f| {
            format!(
                "the {} runs `{}`",
                f.backend.describe(),
                f.command.as_deref().unwrap_or("?")
            )
        })
        .collect();
    if !others.is_empty() {
        return Err(AppError::OtherDataDir(others.join("; ")));
    }
    let report = reminders::remove(&env, &SystemRunner::new(), only)?;
    let mut s = String::new();
    for r in &report.removed {
        s.push_str(&format!("{}\n", clean(r, true)));
    }
    if only.is_none()
        && let Some(old) = ics_feed::set_feed_path(paths, None)?
    {
        s.push_str(&format!(
            "{} is no longer kept current (the file stays)\n",
            old.display()
        ));
    }
    if s.is_empty() {
        s.push_str("Nothing to remove: no daily reminder was installed.\n");
    }
    out(&clean(&s, true))?;
    for w in &report.warnings {
        eprintln!("lockstep: warning: {}", clean(w, true));
    }
    for f in &report.failed {
        eprintln!("lockstep: error: cannot remove the {}", clean(f, true));
    }
    Ok(if report.failed.is_empty() { 0 } else { 2 })
}
