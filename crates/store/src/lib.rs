//! State storage: the data directory, the state snapshot (`state.json`, small: current statuses,
//! reviews, incidents) beside an append-only history log (`history.jsonl`), crash-safe saves,
//! the writer lock, migration of older formats, and safe loading of hand-edited or damaged files.
//!
//! The log is the truth (format 3): a change is one line with a unique id, its events and its
//! delta, acknowledged once appended and fsynced; the snapshot is a checkpoint naming the last
//! change it reflects. Loading reads the snapshot and the changes after it, so neither reads
//! nor changes grow with history.

mod checklists;
pub mod fileio;

mod combine;
mod due_index;
mod error;
mod file;
mod forget;
mod format;
mod history;
mod lock;
pub mod machine;
mod paths;
mod record;
pub mod sync;
pub mod sys;
pub mod union;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use checklists::DiskFiles;
pub use due_index::DUE_INDEX_FILE;
pub use error::StoreError;
pub use file::{ensure_dir, read_regular, write_atomic};
pub use format::{Parsed, parse_state, to_json};
pub use history::{History, HistoryProblem, Logged};
pub use paths::Paths;

#[cfg(test)]
use lockstep_core::checklist;
use lockstep_core::ids::StepId;
use lockstep_core::{jsonpos, state};

use crate::state::delta;
use crate::state::{Event, LogPosition, STATE_VERSION, State};

pub const STATE_FILE: &str = "state.json";
pub const BACKUP_FILE: &str = "state.json.bak";
pub const HISTORY_FILE: &str = "history.jsonl";
/// Where a version 1 state file is kept after its migration.
pub const V1_BACKUP_FILE: &str = "state.v1.json.bak";
pub const LOCK_FILE: &str = "lock";
/// Where a damaged state file is kept when the state was rebuilt from the log.
pub const DAMAGED_FILE: &str = "state.json.damaged";
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
    /// Non-fatal findings (loose permissions, a snapshot rebuilt from the log ...), for stderr.
    pub warnings: Vec<String>,
    /// The file is still in the version 1 layout; its history, split out in memory. The first
    /// write migrates it on disk.
    pub v1_history: Option<Vec<(String, Vec<Event>)>>,
    /// What a merge of conflict copies brought in (also in `warnings`), for the commands that
    /// print no other warning (`due` at shell start-up still tells it, once).
    pub merged: Vec<String>,
    /// The outlines of the bundled checklists the accounts follow, when `load_for_due` found
    /// them in the due index (else empty: the checklists are read).
    pub outlines: std::collections::BTreeMap<String, lockstep_core::checklist::Outline>,
    /// The state file's bytes as read.
    bytes: Option<Vec<u8>>,
    /// The state file on disk is damaged and the state was rebuilt from the log instead.
    damaged_snapshot: bool,
}

impl Loaded {
    fn new(state: State) -> Loaded {
        Loaded {
            state,
            fresh: false,
            warnings: Vec::new(),
            v1_history: None,
            merged: Vec::new(),
            outlines: std::collections::BTreeMap::new(),
            bytes: None,
            damaged_snapshot: false,
        }
    }
}

/// The user's local date of a UTC instant (used once, when migrating version 1 files).
fn local_date(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    at.with_timezone(&chrono::Local).date_naive()
}

/// Reads the state without taking the lock (for read-only commands, and by writers to see what
/// is saved): the snapshot, caught up with the changes logged after it. A snapshot that is
/// missing or damaged beside a log of changes is rebuilt from the log, with a notice; a missing
/// one with no log is a fresh start.
pub fn load(paths: &Paths) -> Result<Loaded, StoreError> {
    let files = file::scan(&paths.data_dir)?;
    // A sync tool's conflict copies are merged first, under the writer lock (taken only then).
    let mut notices = Vec::new();
    if sync::any_conflict_copy(&files) {
        let dir = &paths.data_dir;
        match lock::acquire(&dir.join(LOCK_FILE), dir, DEFAULT_WAIT) {
            Ok(_lock) => notices = sync::merge_conflict_copies(paths)?,
            Err(e) => notices.push(format!(
                "warning: conflict copies from a sync tool are waiting to be merged ({})",
                first_line(&e.to_string())
            )),
        }
    }
    let mut loaded = read_state(paths)?;
    loaded.warnings.splice(0..0, notices.iter().cloned());
    loaded.merged = notices;
    Ok(loaded)
}

/// [`load`] without looking for conflict copies (for a writer that holds the lock and merged
/// them itself).
fn read_state(paths: &Paths) -> Result<Loaded, StoreError> {
    let file = paths.state_file();
    let log = paths.history_file();
    let Some(bytes) = read_regular(&file, STATE_LIMIT)? else {
        return load_without_snapshot(paths);
    };
    let mut warnings = Vec::new();
    warnings.extend(file::mode_warning(&paths.data_dir, 0o700));
    // Every file that holds progress or notes is private: the snapshot and the log alike.
    warnings.extend(file::mode_warning(&file, 0o600));
    warnings.extend(file::mode_warning(&log, 0o600));
    let parsed = match parse_state(&file, &bytes) {
        Ok(p) => p,
        Err(e @ StoreError::Corrupt { .. }) => {
            let Some((state, r)) = record::rebuild(&log)? else {
                return Err(e);
            };
            let mut loaded = Loaded::new(state);
            loaded.warnings = warnings;
            loaded.warnings.push(format!(
                "note: {}\nlockstep rebuilt the state from the {} changes in {} instead; the \
                 damaged file is kept as {} at the next change.",
                first_line(&e.to_string()),
                r.applied,
                log.display(),
                DAMAGED_FILE
            ));
            loaded.damaged_snapshot = true;
            return Ok(loaded);
        }
        Err(e) => return Err(e),
    };
    let (mut state, v1_history) = match parsed {
        Parsed::Current(s) => (s, None),
        Parsed::V1(v1) => {
            let (s, h) = v1.migrate(local_date);
            (s, Some(h))
        }
    };
    if let Some(pos) = state.log.clone() {
        match record::catch_up(&log, &mut state, &pos) {
            Ok(record::CaughtUp::Ok(r)) => {
                state.log = r.position.map(|p| LogPosition {
                    seq: p.seq.max(pos.seq),
                    ..p
                });
            }
            Ok(record::CaughtUp::Rebuilt(rebuilt)) => state = rebuilt,
            // Reading goes on with the snapshot (a change would fail on the log and say so).
            Err(e) => warnings.push(format!(
                "warning: {}; showing {} as last saved",
                first_line(&e.to_string()),
                file.display()
            )),
            Ok(record::CaughtUp::NotInLog) => warnings.push(format!(
                "warning: {} does not hold the change {} was last saved after (it was replaced \
                 or restored from an older copy); the saved state is used as it is",
                log.display(),
                file.display()
            )),
        }
    }
    Ok(Loaded {
        state,
        fresh: false,
        warnings,
        v1_history,
        merged: Vec::new(),
        outlines: std::collections::BTreeMap::new(),
        bytes: Some(bytes),
        damaged_snapshot: false,
    })
}

/// The first line of a message.
fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// No state file: rebuilt from the log's changes; else the previous save (`state.json.bak`)
/// beside a log of an older lockstep; else, with any history at all, a refusal (never a silent
/// fresh start over someone's history); else fresh.
fn load_without_snapshot(paths: &Paths) -> Result<Loaded, StoreError> {
    let file = paths.state_file();
    let log = paths.history_file();
    if let Some((state, r)) = record::rebuild(&log)? {
        let mut loaded = Loaded::new(state);
        loaded.warnings.push(format!(
            "note: {} is missing; lockstep rebuilt it from the {} changes in {} (it is written \
             again at the next change)",
            file.display(),
            r.applied,
            log.display()
        ));
        return Ok(loaded);
    }
    let lines = read_regular(&log, history::HISTORY_LIMIT)?.map_or(0, |b| {
        b.split(|c| *c == b'\n').filter(|l| !l.is_empty()).count()
    });
    if lines == 0 {
        let mut loaded = Loaded::new(State::default());
        loaded.fresh = true;
        return Ok(loaded);
    }
    let bak = paths.data_dir.join(BACKUP_FILE);
    if let Some(bytes) = read_regular(&bak, STATE_LIMIT)?
        && let Ok(Parsed::Current(state)) = parse_state(&bak, &bytes)
    {
        let mut loaded = Loaded::new(state);
        loaded.warnings.push(format!(
            "warning: {} is missing; lockstep uses {}, the save before the last one (the last \
             change may be missing: see `lockstep history`)",
            file.display(),
            bak.display()
        ));
        return Ok(loaded);
    }
    Err(StoreError::SnapshotLost {
        file: file.display().to_string(),
        log: log.display().to_string(),
        backup: bak.display().to_string(),
        lines,
    })
}

/// What `lockstep due` reads: the due index when it matches the state file (see
/// [`due_index`]), else the state itself. The accounts of an index hold only what `due`'s text
/// output needs (checklist, setup start, reviews, open incident): not for anything else.
pub fn load_for_due(paths: &Paths, today: chrono::NaiveDate) -> Result<Loaded, StoreError> {
    if sync::any_conflict_copy(&file::scan(&paths.data_dir)?) {
        return load(paths);
    }
    if let Some(index) = due_index::read(
        &paths.data_dir,
        &paths.state_file(),
        &paths.history_file(),
        today,
    ) {
        return Ok(Loaded {
            outlines: index.outlines,
            ..Loaded::new(index.state)
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

/// Visits every account's events newest first (the order they were logged, last first) without
/// holding the history in memory: the log is read backwards (see [`history::rev_events`]).
/// `visit` gets where the event was logged (its account, its id, the machine that made it) and
/// returns false to stop. Returns the damaged lines met.
pub fn history_newest_first(
    paths: &Paths,
    mut visit: impl FnMut(&Logged, &Event) -> bool,
) -> Result<Vec<HistoryProblem>, StoreError> {
    let loaded = load(paths)?;
    if let Some(v1) = loaded.v1_history {
        // Not migrated yet: the history is inside the (bounded) version 1 file.
        let mut all: Vec<(&str, &Event)> = v1
            .iter()
            .flat_map(|(a, evs)| evs.iter().map(move |e| (a.as_str(), e)))
            .collect();
        all.sort_by_key(|(_, e)| e.at);
        for (a, e) in all.into_iter().rev() {
            if !history::visit_legacy(a, e, &mut visit) {
                break;
            }
        }
        return Ok(Vec::new());
    }
    history::rev_events(&paths.history_file(), visit)
}

/// `lockstep merge PATH`: merges another machine's log (a data directory or a history file)
/// into this one under the writer lock, and rebuilds the snapshot; with `dry_run` only says what
/// would come in. Idempotent: merging the same copy again brings nothing.
pub fn merge_from(
    paths: &Paths,
    other: &Path,
    dry_run: bool,
    wait: Duration,
) -> Result<sync::Merged, StoreError> {
    let theirs = sync::read_other(other)?;
    ensure_dir(&paths.data_dir)?;
    file::check_owner(&paths.data_dir)?;
    file::check_links(&paths.data_dir)?;
    let _lock = lock::acquire(&paths.data_dir.join(LOCK_FILE), &paths.data_dir, wait)?;
    sync::merge_logs(paths, &[theirs], dry_run)
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
/// the lock, catches up with what other writers logged, appends its change, writes the
/// checkpoint and lets the lock go, so nobody holds it while idle.
#[derive(Debug)]
pub struct Store {
    paths: Paths,
    /// The writer lock, while held.
    lock: Option<std::fs::File>,
    /// How long a save waits for another writer's lock.
    wait: Duration,
    /// The state as last loaded or saved (what this writer's changes are relative to).
    base: State,
    /// A version 1 file, migrated on disk by the first save.
    v1: Option<V1File>,
    /// The state file and the log as they were when `base` was read or written: while they are
    /// still so, a save need not read them again.
    stamp: Option<DiskStamp>,
    /// While `forget` saves: the (account, step) whose note is being purged, so that what is read
    /// from disk (a snapshot older than the purged log) does not bring it back.
    purging: Option<(String, StepId)>,
    /// This copy's machine, read (or made) by the first save and kept.
    machine: Option<machine::Machine>,
    /// False for a store that saves once ([`Store::for_one_save`]): its save moves the base
    /// into the new state instead of keeping a copy for a next save.
    keep_base: bool,
    /// A store for one save has saved (or failed to): it refuses another.
    spent: bool,
}

/// What identifies the state file and the log without reading them: the state file's inode,
/// modification and change times and length, and the log's length. The change time is set by
/// the kernel on every write or rename, so no edit keeps the stamp.
type DiskStamp = (u64, i64, i64, u64, u64);

fn disk_stamp(paths: &Paths) -> Option<DiskStamp> {
    let m = std::fs::metadata(paths.state_file()).ok()?;
    let (inode, mtime, ctime) = sys::identity(&m);
    let log = std::fs::metadata(paths.history_file()).map_or(0, |l| l.len());
    Some((inode, mtime, ctime, m.len(), log))
}

/// A version 1 state file as read: its bytes (kept aside by the migration) and its history.
#[derive(Debug)]
struct V1File {
    bytes: Vec<u8>,
    history: Vec<(String, Vec<Event>)>,
}

/// What a save did besides saving.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saved {
    /// What to tell the user (an upgrade of the files, an item another writer changed too, a torn
    /// log line set aside, a checkpoint that could not be written).
    pub notices: Vec<String>,
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
    /// files and loads the state. Nothing on disk changes before the first save (an older
    /// format is upgraded by it).
    pub fn open(paths: &Paths, wait: Duration) -> Result<(Store, Loaded), StoreError> {
        ensure_dir(&paths.data_dir)?;
        file::check_owner(&paths.data_dir)?;
        let files = file::scan(&paths.data_dir)?;
        let lock = lock::acquire(&paths.data_dir.join(LOCK_FILE), &paths.data_dir, wait)?;
        file::sweep_temps(&paths.data_dir);
        let merged = if sync::any_conflict_copy(&files) {
            sync::merge_conflict_copies(paths)?
        } else {
            Vec::new()
        };
        // Taken before reading: a change made meanwhile makes the next save read again.
        let stamp = disk_stamp(paths);
        let mut loaded = read_state(paths)?;
        loaded.warnings.splice(0..0, merged);
        let v1 = loaded.v1_history.clone().map(|history| V1File {
            bytes: loaded.bytes.clone().unwrap_or_default(),
            history,
        });
        let store = Store {
            paths: paths.clone(),
            lock: Some(lock),
            wait,
            base: loaded.state.clone(),
            v1,
            // A damaged snapshot is set aside by the first save, which must see it.
            stamp: stamp.filter(|_| !loaded.damaged_snapshot),
            purging: None,
            machine: None,
            keep_base: true,
            spent: false,
        };
        Ok((store, loaded))
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// This store will save once (a command): the save uses its base as the new state instead of
    /// copying it, and keeps no copy after, which spares two copies of the whole state (a good
    /// part of a command's time with many accounts). A second save is refused.
    pub fn for_one_save(mut self) -> Store {
        self.keep_base = false;
        self
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

    /// What other writers saved since this one last loaded or saved (read without the lock: a
    /// change is seen whole or not at all): the state now, when it differs from what this writer
    /// knows. This writer's base moves to it, so its next save carries only its own changes.
    pub fn catch_up(&mut self) -> Result<Option<State>, StoreError> {
        if self.spent {
            return Err(StoreError::Spent);
        }
        let stamp = disk_stamp(&self.paths);
        let copies = sync::any_conflict_copy(&file::scan(&self.paths.data_dir)?);
        if stamp.is_some() && stamp == self.stamp && !copies {
            return Ok(None);
        }
        let loaded = if copies {
            load(&self.paths)?
        } else {
            read_state(&self.paths)?
        };
        if !loaded.damaged_snapshot && !copies {
            self.stamp = stamp;
        }
        let now = loaded.state;
        if delta::diff(&self.base, &now).is_empty() {
            return Ok(None);
        }
        self.base = now.clone();
        Ok(Some(now))
    }

    /// Saves: under the lock, catches up with what other writers logged since this one loaded,
    /// applies this writer's changes on top (item by item; where both changed the same item,
    /// this later change wins and the notice says so), appends the change to the log (the
    /// commit point) and writes the snapshot as its checkpoint. On an error nothing was logged
    /// and the events wait in the accounts for the next try.
    pub fn save(&mut self, state: &mut State) -> Result<Saved, StoreError> {
        if self.spent {
            return Err(StoreError::Spent);
        }
        self.locked(|store| store.save_locked(state))
    }

    fn save_locked(&mut self, state: &mut State) -> Result<Saved, StoreError> {
        let mut events: Vec<(String, Event)> = Vec::new();
        for (name, a) in state.accounts.iter_mut() {
            events.extend(a.new_events.drain(..).map(|e| (name.to_string(), e)));
        }
        match self.commit(state, &events) {
            Ok(saved) => Ok(saved),
            Err(e) => {
                for (name, e) in events {
                    if let Some(a) = state.accounts.get_mut(name.as_str()) {
                        a.new_events.push(e);
                    }
                }
                Err(e)
            }
        }
    }

    /// What is on disk, and whether its snapshot was damaged: this writer's base itself when
    /// nothing changed it (borrowed, not copied: a state of many accounts costs a good part of a
    /// save to copy).
    fn on_disk(&self, unchanged: bool) -> Result<(Cow<'_, State>, bool), StoreError> {
        if unchanged && self.purging.is_none() {
            return Ok((Cow::Borrowed(&self.base), false));
        }
        let on_disk = if unchanged {
            Loaded::new(self.base.clone())
        } else {
            read_state(&self.paths)?
        };
        let mut theirs = on_disk.state;
        self.purge_in(&mut theirs);
        Ok((Cow::Owned(theirs), on_disk.damaged_snapshot))
    }

    fn commit(
        &mut self,
        state: &mut State,
        events: &[(String, Event)],
    ) -> Result<Saved, StoreError> {
        let mut saved = Saved::default();
        if sync::any_conflict_copy(&file::scan(&self.paths.data_dir)?) {
            saved.notices = sync::merge_conflict_copies(&self.paths)?;
        }
        // Unchanged since this writer read or wrote them: what is on disk is its base.
        let stamp = disk_stamp(&self.paths);
        let unchanged = stamp.is_some() && stamp == self.stamp && saved.notices.is_empty();
        let mut events = events.to_vec();
        combine::give_uids(&self.base, state, &mut events);
        let ours = delta::diff(&self.base, state);
        let (theirs, damaged_snapshot) = if unchanged && self.purging.is_none() && !self.keep_base {
            // Saving once: the base itself becomes the new state (no copy).
            self.spent = true;
            (Cow::Owned(std::mem::take(&mut self.base)), false)
        } else {
            self.on_disk(unchanged)?
        };
        let overlap: Vec<String> = if unchanged {
            Vec::new()
        } else {
            ours.items()
                .intersection(&delta::diff(&self.base, &theirs).items())
                .cloned()
                .collect()
        };
        let upgrade = self.v1.is_some() || theirs.version < STATE_VERSION;
        // What the rest needs of their state, before it becomes the merged one.
        let their_seq = theirs.log.as_ref().map_or(0, |p| p.seq);
        let rev = theirs.rev.max(self.base.rev);
        let baseline = upgrade.then(|| delta::Delta::baseline(&theirs));
        let mut merged = theirs.into_owned();
        saved
            .notices
            .extend(combine::apply_renumbering(&mut merged, &ours, &mut events));
        if ours.is_empty() && events.is_empty() && !upgrade {
            // Nothing of ours to apply (renumbering needs a change of ours): merged is theirs.
            self.keep(&merged);
            *state = merged;
            self.stamp = stamp;
            return Ok(saved);
        }
        if !overlap.is_empty() {
            saved.notices.push(format!(
                "another lockstep changed {} too since this one loaded; this change is the later \
                 one and counts (both are in `lockstep history`)",
                overlap.join(", ")
            ));
        }
        let log = self.paths.history_file();
        saved.notices.extend(history::set_aside_torn(&log)?);
        // The next sequence numbers after the log's highest (see `record`).
        let mut seq = their_seq;
        let mut bytes = Vec::new();
        if let Some(baseline) = baseline {
            seq += 1;
            bytes.extend(record::Record::new(seq, Vec::new(), baseline).line());
        }
        seq += 1;
        let mut record = record::Record::new(seq, events.to_vec(), ours);
        record.machine = Some(self.this_machine()?);
        let line = record.line();
        bytes.extend_from_slice(&line);
        let end = match self.v1.take() {
            Some(v1) => match self.migrate_v1(&v1, &bytes) {
                Ok(end) => end,
                Err(e) => {
                    self.v1 = Some(v1);
                    return Err(e);
                }
            },
            None => history::append(&log, &bytes)?,
        };
        if upgrade {
            saved.notices.push(format!(
                "note: upgraded {} to format {STATE_VERSION} (the history log is now the record \
                 of every change; nothing was lost)",
                self.paths.data_dir.display()
            ));
        }
        // Committed: the change is in the log. The checkpoint only saves the next reader work.
        merged.version = STATE_VERSION;
        merged.rev = rev;
        merged.log = Some(LogPosition {
            start: end - line.len() as u64,
            end,
            last: record.id.clone(),
            seq,
        });
        if damaged_snapshot {
            let file = self.paths.state_file();
            let _ = std::fs::rename(&file, self.paths.data_dir.join(DAMAGED_FILE));
        }
        if let Err(e) = self.write_snapshot(&mut merged, upgrade) {
            saved.notices.push(format!(
                "your change is saved in {}, but {} could not be brought up to date ({}); the \
                 next lockstep catches up from the log",
                log.display(),
                STATE_FILE,
                first_line(&e.to_string())
            ));
        }
        self.stamp = disk_stamp(&self.paths);
        self.keep(&merged);
        *state = merged;
        Ok(saved)
    }

    /// After a save: `merged` is what this writer's next changes are relative to (a store for
    /// one save keeps nothing, and makes no other save).
    fn keep(&mut self, merged: &State) {
        if self.keep_base {
            self.base = merged.clone();
        } else {
            self.spent = true;
        }
    }

    /// This copy's machine: read (or made) once, by the first save.
    fn this_machine(&mut self) -> Result<machine::Machine, StoreError> {
        if let Some(m) = &self.machine {
            return Ok(m.clone());
        }
        let m = machine::this(&self.paths)?;
        self.machine = Some(m.clone());
        Ok(m)
    }

    /// While `forget` saves, what is read from disk loses the note being purged.
    fn purge_in(&self, theirs: &mut State) {
        if let Some((account, step)) = &self.purging
            && let Some(s) = theirs
                .accounts
                .get_mut(account.as_str())
                .and_then(|a| a.steps.get_mut(step))
        {
            s.note = None;
        }
    }

    /// Version 1 to 3, losing nothing, in an order that survives a kill at any point: the old
    /// file is kept aside, the history is written whole (its events, then the baseline and this
    /// change, replacing any log a killed migration left), and only then the state file is
    /// replaced. Returns the log's length.
    fn migrate_v1(&self, v1: &V1File, records: &[u8]) -> Result<u64, StoreError> {
        let dir = &self.paths.data_dir;
        write_atomic(&dir.join(V1_BACKUP_FILE), &v1.bytes, None)?;
        let mut log = Vec::new();
        for (account, events) in &v1.history {
            for e in events {
                log.extend(history::line(account, e));
            }
        }
        log.extend_from_slice(records);
        write_atomic(&self.paths.history_file(), &log, None)?;
        Ok(log.len() as u64)
    }

    /// Writes the checkpoint (and the due index). `upgrade`: it replaces a file of an older
    /// format, which the log cannot catch up (a version 2 file names no place in the log; a
    /// version 1 file would be migrated again, over the log), so it must be on disk before the
    /// change is acknowledged; a checkpoint replacing a checkpoint need not be.
    fn write_snapshot(&mut self, state: &mut State, upgrade: bool) -> Result<(), StoreError> {
        let durable = if upgrade {
            file::Durable::Yes
        } else {
            file::Durable::Checkpoint
        };
        state.rev = self.base.rev.max(state.rev) + 1;
        let bytes = to_json(state);
        let bak = self.paths.data_dir.join(BACKUP_FILE);
        let meta = file::write_atomic_meta(&self.paths.state_file(), &bytes, Some(&bak), durable)?;
        due_index::write(&self.paths.data_dir, &meta, state);
        Ok(())
    }
}

// The tests make symlinks, FIFOs and modes with Unix APIs.
#[cfg(all(test, unix))]
mod tests;
