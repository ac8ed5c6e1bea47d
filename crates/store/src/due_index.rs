//! The due index (`due-index.json`): what `lockstep due` needs of every account (checklist, the
//! date setup started, each review's schedule data, an open incident), written beside the state
//! after each save. `due` runs at every shell start; the index spares it reading the whole state.
//!
//! It is a cache, never the truth: it records the state file it was made from (inode number,
//! size, modification time, change time, save counter) and is used only while all of them still
//! match. The change time (ctime) is set by the kernel on every write, rename or `touch`, and no
//! program can set it back, so an edit that keeps the size and restores the modification time is
//! still seen. Anything else (a hand-edited state, a missing or damaged index, a kill between the
//! two writes) falls back to reading the state itself. Hence no fsync: a lost index only costs
//! one slower `due`.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::state::{Account, State};

/// File name of the index in the data directory.
pub const DUE_INDEX_FILE: &str = "due-index.json";
/// Format of the index (a different one is ignored, not an error). Version 2 added the inode
/// and change time of the state file, version 3 the length of the log the state reflects.
const INDEX_VERSION: u32 = 3;
/// An index larger than this is not one lockstep wrote.
const INDEX_LIMIT: u64 = 4 << 20;

#[derive(Debug, Serialize, Deserialize)]
struct DueIndex {
    version: u32,
    /// The state file this was made from.
    stamp: Stamp,
    /// Its save counter.
    rev: u64,
    /// The length of the history log the state reflects (absent for a version 2 state, which
    /// does not say): a longer log holds changes made after it, and the index is not used.
    #[serde(default)]
    log_end: Option<u64>,
    /// Each account without its step statuses and closed incidents (the bulk of the state), its
    /// setup start filled in from them.
    accounts: BTreeMap<String, Account>,
}

/// What identifies one version of the state file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    state_inode: u64,
    state_len: u64,
    /// Modification time, ns since the epoch.
    state_mtime_ns: i64,
    /// Change time (inode change, which `touch` cannot set), ns since the epoch.
    state_ctime_ns: i64,
}

impl Stamp {
    fn of(m: &fs::Metadata) -> Stamp {
        let (state_inode, state_mtime_ns, state_ctime_ns) = crate::sys::identity(m);
        Stamp {
            state_inode,
            state_len: m.len(),
            state_mtime_ns,
            state_ctime_ns,
        }
    }
}

/// Writes the index for `state`, just saved as the file `saved` (its metadata as renamed into
/// place). Failures are ignored (see above).
pub fn write(dir: &Path, saved: &fs::Metadata, state: &State) {
    let index = DueIndex {
        version: INDEX_VERSION,
        stamp: Stamp::of(saved),
        rev: state.rev,
        log_end: state.log.as_ref().map(|p| p.end),
        accounts: state
            .accounts
            .iter()
            .map(|(name, a)| {
                let mut light = a.clone();
                light.setup_started = a.setup_started_on();
                light.steps.clear();
                light.incidents.retain(|i| i.closed.is_none());
                light.new_events.clear();
                (name.clone(), light)
            })
            .collect(),
    };
    let Ok(bytes) = serde_json::to_vec(&index) else {
        return;
    };
    let target = dir.join(DUE_INDEX_FILE);
    let tmp = dir.join(format!(
        "{}{DUE_INDEX_FILE}.{}",
        super::file::TEMP_PREFIX,
        std::process::id()
    ));
    let ok = crate::sys::private_file(
        fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true),
    )
    .open(&tmp)
    .and_then(|mut f| f.write_all(&bytes))
    .and_then(|_| fs::rename(&tmp, &target));
    if ok.is_err() {
        let _ = fs::remove_file(&tmp);
    }
}

/// The state as far as `due` needs it, from the index, when the index matches the state file.
/// Accounts hold no step statuses and only an open incident.
pub fn read(dir: &Path, state_file: &Path, log: &Path) -> Option<State> {
    let bytes = crate::fileio::read_bounded(&dir.join(DUE_INDEX_FILE), INDEX_LIMIT).ok()??;
    let index: DueIndex = serde_json::from_slice(&bytes).ok()?;
    let now = Stamp::of(&fs::metadata(state_file).ok()?);
    if index.version != INDEX_VERSION || index.stamp != now {
        return None;
    }
    // A change logged after the state was written (the writer was killed before its checkpoint):
    // the state itself is read and caught up.
    if let Some(end) = index.log_end
        && fs::metadata(log).map_or(0, |m| m.len()) != end
    {
        return None;
    }
    Some(State {
        rev: index.rev,
        accounts: index.accounts,
        ..State::default()
    })
}
