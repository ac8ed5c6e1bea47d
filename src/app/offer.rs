//! The daily reminder as the application layer knows it: the job this lockstep installs (its
//! path, data directory and calendar), and the TUI's one-time offer to install it (asked once per
//! data directory, the answer recorded in `reminders-offer`).

use std::path::{Path, PathBuf};

use crate::reminders::{self, AtTime, Environment, Job, Plan, ReminderError};
use crate::store::{self, Paths};

/// The data directory the daily job must be told about: the one given (`--data-dir` or
/// `LOCKSTEP_DATA_DIR`, which the job does not see), or the one `XDG_DATA_HOME` chose when that is
/// not the default `~/.local/share` (cron and launchd jobs do not get the variable either).
pub fn job_data_dir(given: Option<&Path>, paths: &Paths) -> Option<PathBuf> {
    if let Some(d) = given {
        return Some(d.to_path_buf());
    }
    let xdg = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())?;
    let default = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share"));
    (default.as_deref() != Some(xdg.as_path())).then(|| paths.data_dir.clone())
}

/// The daily job for this lockstep: its absolute path, `--data-dir` when one was given (on the
/// command line or in `LOCKSTEP_DATA_DIR`), and `--ics FILE` when a calendar is kept current.
pub fn job(data_dir: Option<&Path>, at: AtTime, ics: Option<&Path>) -> Result<Job, ReminderError> {
    let job = Job::for_current_exe(data_dir, at)?;
    match ics {
        None => Ok(job),
        Some(f) => {
            let f = f
                .to_str()
                .ok_or_else(|| ReminderError::NotUtf8(f.to_path_buf()))?;
            job.with_extra_args(vec!["--ics".into(), f.into()])
        }
    }
}

/// Remembers in the data directory that the TUI asked (and the answer), so it asks only once.
pub const OFFER_FILE: &str = "reminders-offer";

/// True until the TUI has asked once (whatever the answer). The TUI asks when the 5-minute
/// essentials are first all done.
pub fn should_offer(paths: &Paths) -> bool {
    !paths.data_dir.join(OFFER_FILE).exists()
}

/// Why the answer to the TUI's question could not be recorded (nothing else is at stake: no
/// progress is lost).
#[derive(Debug, thiserror::Error)]
pub enum OfferError {
    #[error("cannot write {file}: {source}")]
    Write {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(store::StoreError),
}

/// Records the answer to the TUI's question (written atomically, 0600). The error says which file
/// could not be written and why.
pub fn record_offer(paths: &Paths, accepted: bool) -> Result<(), OfferError> {
    let file = paths.data_dir.join(OFFER_FILE);
    let text: &[u8] = if accepted { b"yes\n" } else { b"no\n" };
    store::ensure_dir(&paths.data_dir)
        .and_then(|()| store::write_atomic(&file, text, None))
        .map_err(|e| match e {
            store::StoreError::Write { source, .. } => OfferError::Write {
                file: file.display().to_string(),
                source,
            },
            e => OfferError::Store(e),
        })
}

/// What the TUI shows before asking: the plan of a default install (09:00, the backend chosen
/// for `env`, `--data-dir` as given). Nothing is written.
pub fn offer_plan(env: &Environment, data_dir: Option<&Path>) -> Result<Plan, ReminderError> {
    let backend = reminders::choose_backend(env, None)?;
    let job = job(data_dir, AtTime::DEFAULT, None)?;
    Ok(reminders::plan(env, backend, &job))
}

// The tests set file modes and build non-UTF-8 paths.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn paths(dir: &Path) -> Paths {
        Paths {
            data_dir: dir.join("data"),
            config_dir: None,
        }
    }

    #[test]
    fn the_tui_offer_is_made_once_whatever_the_answer() {
        for answer in [false, true] {
            let d = tempfile::tempdir().unwrap();
            let p = paths(d.path());
            assert!(should_offer(&p));
            record_offer(&p, answer).unwrap();
            assert!(!should_offer(&p));
            let file = p.data_dir.join(OFFER_FILE);
            let text = std::fs::read_to_string(&file).unwrap();
            assert_eq!(text, if answer { "yes\n" } else { "no\n" });
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_job_runs_this_binary_with_the_data_dir_and_the_calendar() {
        let j = job(None, AtTime::DEFAULT, None).unwrap();
        assert!(Path::new(j.exe()).is_absolute());
        assert_eq!(j.argv()[1..], ["notify"]);
        let j = job(
            Some(Path::new("rel/data")),
            AtTime::DEFAULT,
            Some(Path::new("/home/u/cal.ics")),
        )
        .unwrap();
        let argv = j.argv();
        assert_eq!(argv[1], "--data-dir");
        assert!(Path::new(argv[2]).is_absolute() && argv[2].ends_with("rel/data"));
        assert_eq!(argv[3..], ["notify", "--ics", "/home/u/cal.ics"]);
        use std::os::unix::ffi::OsStrExt;
        let bad = Path::new(std::ffi::OsStr::from_bytes(b"/home/\xff.ics"));
        assert!(matches!(
            job(None, AtTime::DEFAULT, Some(bad)),
            Err(ReminderError::NotUtf8(_))
        ));
    }
}

/// The line for a shell's rc file that lists what is due at every shell start (the alternative
/// when no scheduler runs the daily job): the binary `job` runs (the running lockstep, by its
/// real path) with the data directory it names, each quoted for a POSIX shell. Like the job, it
/// does not depend on the binary's name or on `PATH`.
pub fn shell_line_for(job: &Job) -> String {
    let mut words = vec![job.exe()];
    if let Some(d) = job.data_dir() {
        words.extend(["--data-dir", d]);
    }
    words.extend(["due", "--quiet", "--soon"]);
    words
        .into_iter()
        .map(reminders::job::sh_quote)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The line for a shell's rc file that lists what is due at every shell start, naming this
/// binary as the daily job would (its absolute path, the data directory the job would have
/// named): where no scheduler works, what the TUI offers instead.
pub fn shell_line(data_dir: Option<&Path>) -> Result<String, ReminderError> {
    Ok(shell_line_for(&job(data_dir, AtTime::DEFAULT, None)?))
}
