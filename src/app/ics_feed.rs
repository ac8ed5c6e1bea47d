//! Writing calendar files: the one rule for which files may be overwritten (only a calendar
//! lockstep wrote, or an empty file), and the calendar that `reminders install --ics FILE` keeps
//! current: where it is recorded (`ics-path` in the data directory), the SEQUENCE record that
//! keeps its events' SEQUENCE rising (`ics-sequence.json`), and rewriting it from the state after
//! every save and by the daily `notify --ics FILE` job.

use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};

use super::context::resolve_all;
use crate::export::{self, IcsAccount, SequenceRecord};
use crate::fileio::{self, ReadProblem};
use crate::state::State;
use crate::store::{self, Paths, StoreError};

/// The file in the data directory that names the calendar file to keep current.
pub const ICS_PATH_FILE: &str = "ics-path";
/// Longest `ics-path` file read.
const ICS_PATH_LIMIT: u64 = 4096;
/// The file in the data directory that remembers each event's last date and SEQUENCE.
pub const ICS_SEQUENCE_FILE: &str = "ics-sequence.json";
/// Longest `ics-sequence.json` read (a larger one is ignored, like a damaged one).
const ICS_SEQUENCE_LIMIT: u64 = 4 << 20;
/// Longest existing file read to see whether it is a calendar lockstep wrote.
const CALENDAR_LIMIT: u64 = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum IcsFeedError {
    #[error("{file}: {problem}; run `lockstep reminders install --ics FILE` again")]
    BadRecord { file: String, problem: &'static str },
    #[error(
        "{0} is inside the data directory; the calendar file must live elsewhere (e.g. ~/lockstep.ics)"
    )]
    InDataDir(String),
    #[error(
        "refusing to overwrite {file}: it is {what}; lockstep only replaces a calendar it wrote \
         or an empty file (choose another file name, or move that one aside)"
    )]
    NotOurs { file: String, what: String },
    #[error("cannot write the calendar {file}: {reason}")]
    Write { file: String, reason: String },
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
    let path = store::sys::path_from_bytes(bytes);
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
            let mut bytes = store::sys::path_bytes(f).to_vec();
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

/// `file` made absolute, refused when it lies inside the data directory or is something a
/// calendar may not overwrite ([`check_calendar_target`]).
pub fn checked_feed_file(paths: &Paths, file: &Path) -> Result<PathBuf, IcsFeedError> {
    let abs = std::path::absolute(file).map_err(|e| IcsFeedError::Io {
        file: file.display().to_string(),
        source: e,
    })?;
    if store::is_in_data_dir(paths, &abs) {
        return Err(IcsFeedError::InDataDir(abs.display().to_string()));
    }
    check_calendar_target(&abs)?;
    Ok(abs)
}

/// The one rule for every calendar lockstep writes: `file` may be written only when nothing is
/// there yet, or it is (or links to) an empty regular file or a calendar lockstep wrote
/// ([`export::is_lockstep_calendar`]). A directory, FIFO, device or socket, a dangling symlink,
/// and any other content (a symlink is judged by its target) are refused, untouched.
pub fn check_calendar_target(file: &Path) -> Result<(), IcsFeedError> {
    let not_ours = |what: String| IcsFeedError::NotOurs {
        file: file.display().to_string(),
        what,
    };
    // A symlink is judged by its target, and the message says where it points.
    let link = std::fs::symlink_metadata(file)
        .is_ok_and(|m| m.file_type().is_symlink())
        .then(|| fileio::resolve(file).ok().flatten())
        .flatten()
        .map(|t| format!("a symbolic link to {}, ", t.display()))
        .unwrap_or_default();
    let refuse = |what: &str| not_ours(format!("{link}{what}"));
    let bytes = match fileio::read_bounded(file, CALENDAR_LIMIT) {
        Ok(None) => return Ok(()),
        Ok(Some(bytes)) => bytes,
        Err(ReadProblem::NotRegular(what)) => return Err(refuse(what)),
        Err(ReadProblem::TooLarge(limit)) => {
            return Err(refuse(&format!("a file larger than {limit} bytes")));
        }
        Err(p @ ReadProblem::Dangling { .. }) => return Err(not_ours(p.to_string())),
        Err(ReadProblem::Io(e)) => {
            return Err(IcsFeedError::Write {
                file: file.display().to_string(),
                reason: format!("cannot read what is there: {e}"),
            });
        }
    };
    if bytes.is_empty() || export::is_lockstep_calendar(&bytes) {
        Ok(())
    } else {
        Err(refuse("a file that is not a calendar lockstep wrote"))
    }
}

/// Writes a calendar to `file` under [`check_calendar_target`]'s rule: atomically, 0600, a
/// symlink followed and kept. Every calendar lockstep writes to a file goes through here.
pub fn write_calendar(file: &Path, text: &str) -> Result<(), IcsFeedError> {
    check_calendar_target(file)?;
    write_checked(file, text)
}

/// Writes a calendar already checked with [`check_calendar_target`].
fn write_checked(file: &Path, text: &str) -> Result<(), IcsFeedError> {
    store::write_atomic(file, text.as_bytes(), None).map_err(|e| IcsFeedError::Write {
        file: file.display().to_string(),
        reason: write_reason(e),
    })
}

/// Why a calendar write failed, without the wording about saved state that a store error carries
/// (the state is not what failed).
fn write_reason(e: StoreError) -> String {
    match e {
        StoreError::Write { dir, source, .. }
            if source.kind() == io::ErrorKind::NotFound && !Path::new(&dir).is_dir() =>
        {
            format!("its directory {dir} does not exist")
        }
        StoreError::Write { dir, source, .. } => format!("{source} (writing in {dir})"),
        e => e.to_string(),
    }
}

/// The SEQUENCE record of the data directory; empty when missing or unreadable (it is only
/// remembered numbers: the derived SEQUENCE is the fallback).
pub fn read_sequences(paths: &Paths) -> SequenceRecord {
    store::read_regular(&paths.data_dir.join(ICS_SEQUENCE_FILE), ICS_SEQUENCE_LIMIT)
        .ok()
        .flatten()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Saves the SEQUENCE record (atomically, 0600), creating the data directory when needed.
fn write_sequences(paths: &Paths, record: &SequenceRecord) -> Result<(), StoreError> {
    store::ensure_dir(&paths.data_dir)?;
    let mut bytes = serde_json::to_vec_pretty(record).expect("serialisable");
    bytes.push(b'\n');
    store::write_atomic(&paths.data_dir.join(ICS_SEQUENCE_FILE), &bytes, None)
}

/// Writes the calendar of every account in `state` to `file` (see [`write_calendar`]), with each
/// event's SEQUENCE from the data directory's record, which is saved first: so a SEQUENCE once
/// written is never written lower, even when the calendar write fails. Accounts whose checklist
/// is not available are left out.
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
                name: name.as_str(),
                checklist: &r.loaded.checklist,
                origin: &r.loaded.origin,
                account,
            })
        })
        .collect();
    check_calendar_target(file)?;
    let before = read_sequences(paths);
    let mut record = before.clone();
    let text = export::ics_feed_sequenced(&accounts, today, now, &mut record);
    if record != before {
        // A record that cannot be saved only means the next SEQUENCE may be derived again.
        let _ = write_sequences(paths, &record);
    }
    write_checked(file, &text)
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

// The tests make symlinks and FIFOs.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

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

    #[test]
    fn only_nothing_an_empty_file_or_a_lockstep_calendar_may_be_overwritten() {
        let d = tempfile::tempdir().unwrap();
        let at = |n: &str| d.path().join(n);
        assert!(check_calendar_target(&at("new.ics")).is_ok());
        std::fs::write(at("empty.ics"), "").unwrap();
        assert!(check_calendar_target(&at("empty.ics")).is_ok());
        let ours = export::ics_feed(&[], NaiveDate::MIN, Utc::now());
        std::fs::write(at("ours.ics"), &ours).unwrap();
        assert!(check_calendar_target(&at("ours.ics")).is_ok());
        std::os::unix::fs::symlink(at("ours.ics"), at("to-ours.ics")).unwrap();
        assert!(check_calendar_target(&at("to-ours.ics")).is_ok());

        std::fs::write(at("notes.txt"), "important user data\n").unwrap();
        std::fs::create_dir(at("dir.ics")).unwrap();
        std::os::unix::fs::symlink(at("notes.txt"), at("to-notes.ics")).unwrap();
        std::os::unix::fs::symlink(at("gone"), at("dangling.ics")).unwrap();
        let fifo = std::ffi::CString::new(at("fifo.ics").into_os_string().into_vec()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        for (name, what) in [
            ("notes.txt", "a file that is not a calendar lockstep wrote"),
            ("dir.ics", "a directory"),
            ("to-notes.ics", "a symbolic link to "),
            ("dangling.ics", "which does not exist"),
            ("fifo.ics", "a named pipe"),
            ("/dev/null", "a device"),
        ] {
            let e = check_calendar_target(&at(name)).unwrap_err();
            assert!(matches!(e, IcsFeedError::NotOurs { .. }), "{name}: {e}");
            let msg = e.to_string();
            assert!(msg.contains(&at(name).display().to_string()), "{msg}");
            assert!(msg.contains(what), "{name}: {msg}");
        }
        assert_eq!(
            std::fs::read(at("notes.txt")).unwrap(),
            b"important user data\n"
        );
    }

    #[test]
    fn a_missing_or_damaged_sequence_record_reads_as_empty() {
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        assert_eq!(read_sequences(&p), SequenceRecord::default());
        std::fs::create_dir_all(&p.data_dir).unwrap();
        std::fs::write(p.data_dir.join(ICS_SEQUENCE_FILE), "{ not json").unwrap();
        assert_eq!(read_sequences(&p), SequenceRecord::default());
        let mut r = SequenceRecord::default();
        r.next("u", NaiveDate::MIN, 5);
        write_sequences(&p, &r).unwrap();
        assert_eq!(read_sequences(&p), r);
    }
}
