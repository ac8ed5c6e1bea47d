//! State storage: the data directory, the state snapshot (`state.json`, small: current statuses,
//! reviews, incidents) beside an append-only history log (`history.jsonl`), crash-safe saves,
//! the writer lock, migration of older formats, and safe loading of hand-edited or damaged files.
//!
//! Read-only commands (`due`, `status`) read only the snapshot; a change appends its events to
//! the log and rewrites only the snapshot, so neither grows with history.

mod checklists;
pub mod fileio;

mod due_index;
mod error;
mod file;
mod format;
mod history;
mod lock;
mod merge;
mod paths;
pub mod sys;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use checklists::DiskFiles;
pub use due_index::DUE_INDEX_FILE;
pub use error::StoreError;
pub use file::{ensure_dir, read_regular, write_atomic};
pub use format::{Parsed, parse_state, to_json};
pub use history::{History, HistoryProblem};
pub use merge::merge;
pub use paths::Paths;

#[cfg(test)]
use lockstep_core::checklist;
use lockstep_core::{jsonpos, state};

use crate::state::{Event, State};

pub const STATE_FILE: &str = "state.json";
pub const BACKUP_FILE: &str = "state.json.bak";
pub const HISTORY_FILE: &str = "history.jsonl";
/// Where a version 1 state file is kept after its migration.
pub const V1_BACKUP_FILE: &str = "state.v1.json.bak";
pub const LOCK_FILE: &str = "lock";
/// Largest state file lockstep reads (version 1 files held the whole history).
pub const STATE_LIMIT: u64 = 256 << 20;
/// How long a writer waits for the lock by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(2);

/// Outcome of reading the state.
#[derive(Debug)]
pub struct Loaded {
    pub state: State,
    /// True when no state file existed yet.
    pub fresh: bool,
    /// Non-fatal findings (loose permissions ...), to print on stderr.
    pub warnings: Vec<String>,
    /// The file is still in the version 1 layout; its history, split out in memory. The first
    /// write migrates it on disk.
    pub v1_history: Option<Vec<(String, Vec<Event>)>>,
    /// The state file's bytes as read (for change detection by the writer).
    bytes: Option<Vec<u8>>,
}

/// The user's local date of a UTC instant (used once, when migrating version 1 files).
fn local_date(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    at.with_timezone(&chrono::Local).date_naive()
}

/// Another writer's snapshot as this writer sees it: the current format as it is, a version 1
/// file migrated in memory (its history split off and not needed here).
fn parse_current(file: &Path, bytes: &[u8]) -> Result<State, StoreError> {
    Ok(match parse_state(file, bytes)? {
        Parsed::Current(s) => s,
        Parsed::V1(v1) => v1.migrate(local_date).0,
    })
}

/// Reads the state without taking the lock (for read-only commands). A missing file is a fresh
/// state. Reads only the snapshot, never the history.
pub fn load(paths: &Paths) -> Result<Loaded, StoreError> {
    let file = paths.state_file();
    let mut warnings = Vec::new();
    let Some(bytes) = read_regular(&file, STATE_LIMIT)? else {
        return Ok(Loaded {
            state: State::default(),
            fresh: true,
            warnings,
            v1_history: None,
            bytes: None,
        });
    };
    warnings.extend(file::mode_warning(&paths.data_dir, 0o700));
    // Every file that holds progress or notes is private: the snapshot and the log alike.
    warnings.extend(file::mode_warning(&file, 0o600));
    warnings.extend(file::mode_warning(&paths.history_file(), 0o600));
    let (state, v1_history) = match parse_state(&file, &bytes)? {
        Parsed::Current(s) => (s, None),
        Parsed::V1(v1) => {
            let (s, h) = v1.migrate(local_date);
            (s, Some(h))
        }
    };
    Ok(Loaded {
        state,
        fresh: false,
        warnings,
        v1_history,
        bytes: Some(bytes),
    })
}

/// What `lockstep due` reads: the due index when it matches the state file (see
/// [`due_index`]), else the state itself. The accounts of an index hold only what `due`'s text
/// output needs (checklist, setup start, reviews, open incident): not for anything else.
pub fn load_for_due(paths: &Paths) -> Result<Loaded, StoreError> {
    if let Some(state) = due_index::read(&paths.data_dir, &paths.state_file()) {
        return Ok(Loaded {
            state,
            fresh: false,
            warnings: Vec::new(),
            v1_history: None,
            bytes: None,
        });
    }
    load(paths)
}

/// Reads the whole history (every account), for the commands and screens that show it.
pub fn read_history(paths: &Paths) -> Result<History, StoreError> {
    let loaded = load(paths)?;
    if let Some(v1) = loaded.v1_history {
        return Ok(History {
            events: v1.into_iter().collect(),
            problems: Vec::new(),
        });
    }
    history::read(&paths.history_file())
}

/// Checks a file lockstep is asked to write outside its data directory (`export -o`): only a new
/// file, or a regular file (itself or behind a symlink), may be written; a device, FIFO, socket,
/// directory or dangling symlink is refused and left as it is.
pub fn check_write_target(file: &Path) -> Result<(), StoreError> {
    let refuse = |what: String| StoreError::NotAFileTarget {
        file: file.display().to_string(),
        what,
    };
    match fileio::resolve(file) {
        Ok(None) => Ok(()),
        Ok(Some(target)) => match std::fs::metadata(&target) {
            Ok(m) if m.is_file() => Ok(()),
            Ok(m) => Err(refuse(fileio::kind_of(&m).to_string())),
            Err(e) => Err(refuse(format!("unreadable ({e})"))),
        },
        Err(p) => Err(refuse(p.to_string())),
    }
}

/// True when `file` would land inside the data directory (exports must never overwrite
/// lockstep's own files).
pub fn is_in_data_dir(paths: &Paths, file: &Path) -> bool {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        std::fs::canonicalize(&p).unwrap_or(p)
    };
    let dir = abs(&paths.data_dir);
    let target = match file::resolve(file) {
        Ok(Some(t)) => abs(&t),
        _ => {
            let parent = file.parent().filter(|p| !p.as_os_str().is_empty());
            abs(parent.unwrap_or(Path::new("."))).join(file.file_name().unwrap_or_default())
        }
    };
    target.starts_with(&dir)
}

/// A writer's handle on the state. A command holds the writer lock for its one short change; a
/// long-lived writer (the TUI) calls [`Store::release`] after opening, and each save then takes
/// the lock, catches up with what other writers saved (merged item by item), writes, and lets
/// the lock go, so nobody holds it while idle.
#[derive(Debug)]
pub struct Store {
    paths: Paths,
    /// The writer lock, while held.
    lock: Option<std::fs::File>,
    /// How long a save waits for another writer's lock.
    wait: Duration,
    /// The state as last loaded or saved (what this writer's changes are relative to).
    base: State,
    /// The state file's bytes as last loaded or saved.
    disk: Option<Vec<u8>>,
}

/// What a note purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forgotten {
    /// Past note events whose text was removed from the history.
    pub events: usize,
    /// Damaged history lines dropped because they may have held the note.
    pub damaged_lines: usize,
}

impl Store {
    /// Takes the writer lock (waiting up to `wait` for another lockstep), sweeps stale temp
    /// files, loads the state, and migrates an older format on disk.
    pub fn open(paths: &Paths, wait: Duration) -> Result<(Store, Loaded), StoreError> {
        ensure_dir(&paths.data_dir)?;
        file::check_owner(&paths.data_dir)?;
        let lock = lock::acquire(&paths.data_dir.join(LOCK_FILE), &paths.data_dir, wait)?;
        file::sweep_temps(&paths.data_dir);
        let mut loaded = load(paths)?;
        let mut store = Store {
            paths: paths.clone(),
            lock: Some(lock),
            wait,
            base: loaded.state.clone(),
            disk: loaded.bytes.take(),
        };
        if let Some(h) = loaded.v1_history.take() {
            store.migrate_v1(&mut loaded.state, h)?;
            loaded.warnings.push(format!(
                "note: upgraded {} to the current format (history now in {}; the old file is kept \
                 as {})",
                paths.state_file().display(),
                HISTORY_FILE,
                V1_BACKUP_FILE
            ));
        }
        Ok((store, loaded))
    }

    /// Version 1 to 2, losing nothing, in an order that survives a kill at any point: the old
    /// file is kept aside, the history is written whole (replacing any log a killed migration
    /// left), and only then the state file is replaced.
    fn migrate_v1(
        &mut self,
        state: &mut State,
        history: Vec<(String, Vec<Event>)>,
    ) -> Result<(), StoreError> {
        let dir = &self.paths.data_dir;
        let old = self.disk.clone().unwrap_or_default();
        write_atomic(&dir.join(V1_BACKUP_FILE), &old, None)?;
        let mut log = Vec::new();
        for (account, events) in &history {
            for e in events {
                log.extend(history::line(account, e));
            }
        }
        write_atomic(&self.paths.history_file(), &log, None)?;
        self.write_snapshot(state)
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Lets the writer lock go: every later save takes it for just as long as it writes.
    pub fn release(&mut self) {
        self.lock = None;
    }

    /// Runs `f` under the writer lock: the one held, or taken for this call only (waiting up to
    /// the store's wait for another writer) and let go after.
    fn locked<R>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        if self.lock.is_some() {
            return f(self);
        }
        let dir = &self.paths.data_dir;
        self.lock = Some(lock::acquire(&dir.join(LOCK_FILE), dir, self.wait)?);
        let r = f(self);
        self.lock = None;
        r
    }

    /// What another writer saved since this one last loaded or saved: the state on disk, when it
    /// differs from what this writer knows (read without the lock; a save in progress is never
    /// seen half-written, as the snapshot is replaced by a rename). This writer's base moves to
    /// it, so its next save merges only its own changes.
    pub fn catch_up(&mut self) -> Result<Option<State>, StoreError> {
        let file = self.paths.state_file();
        let Some(bytes) = read_regular(&file, STATE_LIMIT)? else {
            return Ok(None);
        };
        if self.disk.as_deref() == Some(bytes.as_slice()) {
            return Ok(None);
        }
        let state = parse_current(&file, &bytes)?;
        self.base = state.clone();
        self.disk = Some(bytes);
        Ok(Some(state))
    }

    /// Saves: appends the accounts' new events to the history log, then rewrites the snapshot
    /// atomically (keeping the previous one as `state.json.bak`). If another lockstep saved since
    /// this one loaded, its changes are merged in first; when both changed the same item, this
    /// change is dropped, `state` becomes what is on disk, and the error says what was lost.
    pub fn save(&mut self, state: &mut State) -> Result<(), StoreError> {
        self.locked(|store| store.save_locked(state))
    }

    fn save_locked(&mut self, state: &mut State) -> Result<(), StoreError> {
        let mut events: Vec<(String, Event)> = Vec::new();
        for (name, a) in state.accounts.iter_mut() {
            events.extend(a.new_events.drain(..).map(|e| (name.clone(), e)));
        }
        let restore = |state: &mut State, events: Vec<(String, Event)>| {
            for (name, e) in events {
                if let Some(a) = state.accounts.get_mut(&name) {
                    a.new_events.push(e);
                }
            }
        };
        let file = self.paths.state_file();
        let on_disk = match read_regular(&file, STATE_LIMIT) {
            Ok(b) => b,
            Err(e) => {
                restore(state, events);
                return Err(e);
            }
        };
        if on_disk != self.disk
            && let Some(bytes) = &on_disk
        {
            let theirs = match parse_current(&file, bytes) {
                Ok(s) => s,
                Err(e) => {
                    restore(state, events);
                    return Err(e);
                }
            };
            match merge(&self.base, state, &theirs) {
                Ok(merged) => *state = merged,
                Err(conflicts) => {
                    *state = theirs.clone();
                    self.base = theirs;
                    self.disk = on_disk;
                    return Err(StoreError::Conflict {
                        file: file.display().to_string(),
                        what: conflicts.join(", "),
                    });
                }
            }
            self.base.rev = self.base.rev.max(state.rev);
        }
        let mut log = Vec::new();
        for (name, e) in &events {
            log.extend(history::line(name, e));
        }
        if let Err(e) = history::append(&self.paths.history_file(), &log) {
            restore(state, events);
            return Err(e);
        }
        self.write_snapshot(state)
    }

    fn write_snapshot(&mut self, state: &mut State) -> Result<(), StoreError> {
        state.rev = self.base.rev.max(state.rev) + 1;
        let bytes = to_json(state);
        let bak = self.paths.data_dir.join(BACKUP_FILE);
        let meta = file::write_atomic_meta(&self.paths.state_file(), &bytes, Some(&bak))?;
        due_index::write(&self.paths.data_dir, &meta, state);
        self.base = state.clone();
        self.disk = Some(bytes);
        Ok(())
    }

    /// Removes a step's note everywhere: from the state (through the domain operation, which
    /// records a "note forgotten" event), from every past note event in the history, from the
    /// backup of the previous save, and from a pre-migration backup that holds it. The one
    /// operation that rewrites the history.
    pub fn forget_note(
        &mut self,
        state: &mut State,
        account: &str,
        step: &str,
        old_text: Option<&str>,
    ) -> Result<Forgotten, StoreError> {
        self.locked(|store| store.forget_locked(state, account, step, old_text))
    }

    fn forget_locked(
        &mut self,
        state: &mut State,
        account: &str,
        step: &str,
        old_text: Option<&str>,
    ) -> Result<Forgotten, StoreError> {
        let (events, damaged_lines) =
            history::purge_note(&self.paths.history_file(), account, step)?;
        self.save_locked(state)?;
        // The backup still holds the previous save, note included: replace it with this one.
        if let Some(bytes) = &self.disk {
            write_atomic(&self.paths.data_dir.join(BACKUP_FILE), bytes, None)?;
        }
        let v1 = self.paths.data_dir.join(V1_BACKUP_FILE);
        if let (Some(text), Ok(Some(bytes))) = (old_text, read_regular(&v1, STATE_LIMIT)) {
            let needle = serde_json::to_string(text).unwrap_or_default();
            let needle = needle.trim_matches('"');
            if !needle.is_empty() && bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                std::fs::remove_file(&v1).map_err(|e| StoreError::Write {
                    file: v1.display().to_string(),
                    dir: self.paths.data_dir.display().to_string(),
                    source: e,
                })?;
            }
        }
        Ok(Forgotten {
            events,
            damaged_lines,
        })
    }
}

// The tests make symlinks, FIFOs and modes with Unix APIs.
#[cfg(all(test, unix))]
mod tests;
