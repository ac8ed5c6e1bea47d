//! The due index (`due-index.json`): what `lockstep due` needs of every account (checklist, the
//! date setup started, each review's schedule data, an open incident), written beside the state
//! after each save. `due` runs at every shell start; the index spares it reading the whole state.
//!
//! It is a cache, never the truth: it records the size, modification time and save counter of
//! the state file it was made from, and is used only while all three still match. Anything else
//! (a hand-edited state, a missing or damaged index, a kill between the two writes) falls back to
//! reading the state itself. Hence no fsync: a lost index only costs one slower `due`.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::state::{Account, State};

/// File name of the index in the data directory.
pub const DUE_INDEX_FILE: &str = "due-index.json";
/// Format of the index (a different one is ignored, not an error).
const INDEX_VERSION: u32 = 1;
/// An index larger than this is not one lockstep wrote.
const INDEX_LIMIT: u64 = 4 << 20;

#[derive(Debug, Serialize, Deserialize)]
struct DueIndex {
    version: u32,
    /// The state file this was made from: size, modification time (ns), save counter.
    state_len: u64,
    state_mtime_ns: i64,
    rev: u64,
    /// Each account without its step statuses and closed incidents (the bulk of the state), its
    /// setup start filled in from them.
    accounts: BTreeMap<String, Account>,
}

fn stamp(state_file: &Path) -> Option<(u64, i64)> {
    let m = fs::metadata(state_file).ok()?;
    Some((m.len(), m.mtime() * 1_000_000_000 + m.mtime_nsec()))
}

/// Writes the index for `state`, just saved to `state_file`. Failures are ignored (see above).
pub fn write(dir: &Path, state_file: &Path, state: &State) {
    let Some((state_len, state_mtime_ns)) = stamp(state_file) else {
        return;
    };
    let index = DueIndex {
        version: INDEX_VERSION,
        state_len,
        state_mtime_ns,
        rev: state.rev,
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
    let ok = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .and_then(|mut f| f.write_all(&bytes))
        .and_then(|_| fs::rename(&tmp, &target));
    if ok.is_err() {
        let _ = fs::remove_file(&tmp);
    }
}

/// The state as far as `due` needs it, from the index, when the index matches the state file.
/// Accounts hold no step statuses and only an open incident.
pub fn read(dir: &Path, state_file: &Path) -> Option<State> {
    let bytes = crate::fileio::read_bounded(&dir.join(DUE_INDEX_FILE), INDEX_LIMIT).ok()??;
    let index: DueIndex = serde_json::from_slice(&bytes).ok()?;
    let (len, mtime) = stamp(state_file)?;
    if index.version != INDEX_VERSION || index.state_len != len || index.state_mtime_ns != mtime {
        return None;
    }
    Some(State {
        rev: index.rev,
        accounts: index.accounts,
        ..State::default()
    })
}
