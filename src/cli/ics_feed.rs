//! The calendar file that `reminders install --ics FILE` keeps current: where it is recorded
//! (`ics-path` in the data directory), and rewriting it from the state after every save and by
//! the daily `notify --ics FILE` job.

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};

use super::Clock;
use super::context::resolve_all;
use crate::export::{self, IcsAccount};
use crate::guard::line;
use crate::state::State;
use crate::store::{self, Paths, StoreError};

/// The file in the data directory that names the calendar file to keep current.
pub const ICS_PATH_FILE: &str = "ics-path";
/// Longest `ics-path` file read.
const ICS_PATH_LIMIT: u64 = 4096;

#[derive(Debug, thiserror::Error)]
pub enum IcsFeedError {
    #[error("{file}: {problem}; run `lockstep reminders install --ics FILE` again")]
    BadRecord { file: String, problem: &'static str },
    #[error(
        "{0} is inside the data directory; the calendar file must live elsewhere (e.g. ~/lockstep.ics)"
    )]
    InDataDir(String),
    #[error("cannot keep the calendar {file} current: {source}")]
    Write {
        file: String,
        #[source]
        source: StoreError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: io::Error,
    },
}

fn record_file(paths: &Paths) -> PathBuf {
    paths.data_dir.join(ICS_PATH_FILE)
}

/// The calendar file recorded by `reminders install --ics`, if any.
pub fn feed_path(paths: &Paths) -> Result<Option<PathBuf>, IcsFeedError> {
    let file = record_file(paths);
    let Some(bytes) = store::read_regular(&file, ICS_PATH_LIMIT)? else {
        return Ok(None);
    };
    let bad = |problem| IcsFeedError::BadRecord {
        file: file.display().to_string(),
        problem,
    };
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
    if bytes.is_empty() || bytes.contains(&b'\n') || bytes.contains(&0) {
        return Err(bad("expected one absolute path on one line"));
    }
    let path = PathBuf::from(OsStr::from_bytes(bytes));
    if !path.is_absolute() {
        return Err(bad("the recorded calendar path is not absolute"));
    }
    Ok(Some(path))
}

/// Records `file` as the calendar to keep current (written atomically, 0600), or forgets it
/// (`None`). Returns the calendar that was recorded before, if any.
pub fn set_feed_path(paths: &Paths, file: Option<&Path>) -> Result<Option<PathBuf>, IcsFeedError> {
    let before = feed_path(paths).unwrap_or(None);
    let record = record_file(paths);
    match file {
        Some(f) => {
            store::ensure_dir(&paths.data_dir)?;
            let mut bytes = f.as_os_str().as_bytes().to_vec();
            bytes.push(b'\n');
            store::write_atomic(&record, &bytes, None)?;
        }
        None => match std::fs::remove_file(&record) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(IcsFeedError::Io {
                    file: record.display().to_string(),
                    source: e,
                });
            }
        },
    }
    Ok(before)
}

/// `file` made absolute, refused when it lies inside the data directory.
pub fn checked_feed_file(paths: &Paths, file: &Path) -> Result<PathBuf, IcsFeedError> {
    let abs = std::path::absolute(file).map_err(|e| IcsFeedError::Io {
        file: file.display().to_string(),
        source: e,
    })?;
    if store::is_in_data_dir(paths, &abs) {
        return Err(IcsFeedError::InDataDir(abs.display().to_string()));
    }
    Ok(abs)
}

/// Writes the calendar of every account in `state` to `file` (atomically; a symlink is followed
/// and kept). Accounts whose checklist is not available are left out.
pub fn write_feed(
    paths: &Paths,
    file: &Path,
    state: &State,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), IcsFeedError> {
    let resolved = resolve_all(paths, state);
    let mut state = state.clone();
    for (name, r) in &resolved {
        if let (Ok(r), Some(a)) = (r, state.accounts.get_mut(name)) {
            a.follow_aliases(&r.loaded.checklist, now);
        }
    }
    let accounts: Vec<IcsAccount<'_>> = state
        .accounts
        .iter()
        .filter_map(|(name, account)| {
            let r = resolved[name].as_ref().ok()?;
            Some(IcsAccount {
                name,
                checklist: &r.loaded.checklist,
                origin: &r.loaded.origin,
                account,
            })
        })
        .collect();
    let text = export::ics_feed(&accounts, today, now);
    store::write_atomic(file, text.as_bytes(), None).map_err(|source| IcsFeedError::Write {
        file: file.display().to_string(),
        source,
    })
}

/// Rewrites the calendar file recorded by `reminders install --ics`, if there is one: call after
/// every save. Returns the file written.
pub fn refresh_ics(
    paths: &Paths,
    state: &State,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<PathBuf>, IcsFeedError> {
    let Some(file) = feed_path(paths)? else {
        return Ok(None);
    };
    write_feed(paths, &file, state, today, now)?;
    Ok(Some(file))
}

/// [`refresh_ics`] after a command's save: a failure is a warning on stderr (the change itself
/// was saved).
pub(super) fn refresh_after_save(paths: &Paths, state: &State, clock: Clock) {
    if let Err(e) = refresh_ics(paths, state, clock.today, clock.now) {
        eprintln!("lockstep: warning: {}", line(&e.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(dir: &Path) -> Paths {
        Paths {
            data_dir: dir.join("data"),
            config_dir: None,
        }
    }

    #[test]
    fn the_feed_path_is_recorded_and_forgotten() {
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        assert_eq!(feed_path(&p).unwrap(), None);
        let cal = d.path().join("my cal.ics");
        assert_eq!(set_feed_path(&p, Some(&cal)).unwrap(), None);
        assert_eq!(feed_path(&p).unwrap(), Some(cal.clone()));
        assert_eq!(set_feed_path(&p, None).unwrap(), Some(cal));
        assert_eq!(feed_path(&p).unwrap(), None);
        assert_eq!(
            set_feed_path(&p, None).unwrap(),
            None,
            "forgetting twice is fine"
        );
    }

    #[test]
    fn a_damaged_record_is_an_error_that_says_how_to_fix_it() {
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        std::fs::create_dir_all(&p.data_dir).unwrap();
        for bad in ["", "\n", "relative.ics\n", "/a.ics\n/b.ics\n"] {
            std::fs::write(p.data_dir.join(ICS_PATH_FILE), bad).unwrap();
            let e = feed_path(&p).unwrap_err().to_string();
            assert!(e.contains("reminders install --ics FILE"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn refresh_without_a_recorded_feed_writes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let got = refresh_ics(&p, &State::default(), today, Utc::now()).unwrap();
        assert_eq!(got, None);
        assert!(!p.data_dir.exists());
    }

    #[test]
    fn a_calendar_inside_the_data_dir_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        std::fs::create_dir_all(&p.data_dir).unwrap();
        assert!(matches!(
            checked_feed_file(&p, &p.data_dir.join("x.ics")),
            Err(IcsFeedError::InDataDir(_))
        ));
        assert_eq!(
            checked_feed_file(&p, &d.path().join("x.ics")).unwrap(),
            d.path().join("x.ics")
        );
    }
}
