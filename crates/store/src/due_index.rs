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

use chrono::NaiveDate;

use crate::state::{Account, State};
use lockstep_core::checklist::{BUNDLED_FINGERPRINT, Outline};
use lockstep_core::ids::AccountName;

/// File name of the index in the data directory.
pub const DUE_INDEX_FILE: &str = "due-index.json";
/// Format of the index (a different one is ignored, not an error). Version 2 added the inode
/// and change time of the state file, version 3 the length of the log the state reflects,
/// version 4 keeps only each review's latest completions, version 5 the outlines of the bundled
/// checklists the accounts follow.
const INDEX_VERSION: u32 = 5;
/// How many of each review's latest completions the index keeps: the latest one not from a
/// wrong clock is what schedules count, and a reader falls back to the state when every kept one
/// is from a wrong clock.
const KEPT: usize = 2;
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
    /// Some review kept more completions than the [`KEPT`] latest written here.
    #[serde(default)]
    trimmed: bool,
    /// Each account without its step statuses and closed incidents (the bulk of the state), its
    /// setup start filled in from them.
    accounts: BTreeMap<AccountName, Account>,
    /// The bundled checklists of the build that wrote the outlines below
    /// ([`lockstep_core::checklist::BUNDLED_FINGERPRINT`]).
    #[serde(default)]
    bundled: u64,
    /// The outline of each bundled checklist an account follows, by id: reading it from the
    /// checklist's JSON (skipping every step) is most of what `due` does on a large state.
    #[serde(default)]
    outlines: BTreeMap<String, Outline>,
}

/// What `due` reads from the index.
#[derive(Debug, Default)]
pub struct ForDue {
    pub state: State,
    /// The outlines of the bundled checklists the accounts follow (empty when the index was
    /// written by a build with other bundled checklists).
    pub outlines: BTreeMap<String, Outline>,
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
    let mut trimmed = false;
    let accounts = state
        .accounts
        .iter()
        .map(|(name, a)| {
            // Built field by field, not cloned and cleared: the step statuses are the bulk of
            // a state, and copying them only to drop them was a good part of a save.
            let mut light = Account {
                checklist: a.checklist.clone(),
                personas: a.personas.clone(),
                personas_chosen: a.personas_chosen,
                created: a.created,
                setup_started: a.setup_started_on(),
                steps: BTreeMap::new(),
                reviews: a.reviews.clone(),
                incidents: a
                    .incidents
                    .iter()
                    .filter(|i| i.closed.is_none())
                    .cloned()
                    .collect(),
                label: a.label.clone(),
                checklist_file: a.checklist_file.clone(),
                seen: a.seen.clone(),
                former_names: a.former_names.clone(),
                new_events: Vec::new(),
            };
            for r in light.reviews.values_mut() {
                if r.completions.len() > KEPT {
                    trimmed = true;
                    r.completions.sort_by_key(|c| (c.date, c.at));
                    let extra = r.completions.len() - KEPT;
                    r.completions.drain(..extra);
                }
            }
            (name.clone(), light)
        })
        .collect();
    // Each bundled checklist once, however many accounts follow it.
    let ids: std::collections::BTreeSet<&str> = state
        .accounts
        .values()
        .filter(|a| a.checklist_file.is_none())
        .map(|a| a.checklist.as_str())
        .collect();
    let outlines = ids
        .into_iter()
        .filter_map(|id| Outline::bundled(id).map(|o| (id.to_string(), o)))
        .collect();
    let index = DueIndex {
        version: INDEX_VERSION,
        stamp: Stamp::of(saved),
        rev: state.rev,
        log_end: state.log.as_ref().map(|p| p.end),
        trimmed,
        accounts,
        bundled: BUNDLED_FINGERPRINT,
        outlines,
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
pub fn read(dir: &Path, state_file: &Path, log: &Path, today: NaiveDate) -> Option<ForDue> {
    let bytes = crate::fileio::read_bounded(&dir.join(DUE_INDEX_FILE), INDEX_LIMIT).ok()??;
    // Checked as UTF-8 once, so the parser does not check each string again (from_slice does).
    let text = std::str::from_utf8(&bytes).ok()?;
    let index: DueIndex = serde_json::from_str(text).ok()?;
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
    // Every kept completion of a review from a wrong clock: the ones before them, which the
    // index left out, decide; the state has them.
    let undecided = index.trimmed
        && index
            .accounts
            .values()
            .flat_map(|a| a.reviews.values())
            .any(|r| {
                !r.completions.is_empty()
                    && r.completions
                        .iter()
                        .all(|c| lockstep_core::schedule::from_wrong_clock(c.date, today))
            });
    if undecided {
        return None;
    }
    let outlines = if index.bundled == BUNDLED_FINGERPRINT {
        index.outlines
    } else {
        BTreeMap::new()
    };
    Some(ForDue {
        state: State {
            rev: index.rev,
            accounts: index.accounts,
            ..State::default()
        },
        outlines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Completion, Review};
    use chrono::{DateTime, Utc};

    #[test]
    fn only_the_latest_completions_are_kept_and_a_wrong_clock_falls_back_to_the_state() {
        let t = tempfile::tempdir().unwrap();
        let (dir, file, log) = (t.path(), t.path().join("s.json"), t.path().join("h.jsonl"));
        fs::write(&file, b"{}").unwrap();
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let mut r = Review::default();
        for d in [1, 2, 3, 20, 25] {
            r.completions.push(Completion {
                at: DateTime::<Utc>::UNIX_EPOCH,
                date: day(d),
            });
        }
        let mut a = Account::new("crypto-com", DateTime::UNIX_EPOCH);
        a.reviews.insert("monthly".into(), r);
        let mut s = State::default();
        s.accounts.insert("default".into(), a);
        write(dir, &fs::metadata(&file).unwrap(), &s);
        // On the 26th the two kept (20th, 25th) decide.
        let got = read(dir, &file, &log, day(26)).expect("index used").state;
        let kept: Vec<_> = got.accounts["default"].reviews["monthly"]
            .completions
            .iter()
            .map(|c| c.date)
            .collect();
        assert_eq!(kept, [day(20), day(25)]);
        // On the 4th both kept ones are from a wrong clock: the state decides.
        assert!(read(dir, &file, &log, day(4)).is_none());
    }

    #[test]
    fn the_bundled_outlines_are_kept_for_a_build_with_the_same_checklists() {
        let t = tempfile::tempdir().unwrap();
        let (dir, file, log) = (t.path(), t.path().join("s.json"), t.path().join("h.jsonl"));
        fs::write(&file, b"{}").unwrap();
        let mut s = State::default();
        s.accounts.insert(
            "a".into(),
            Account::new("crypto-com", DateTime::<Utc>::UNIX_EPOCH),
        );
        let mut mine = Account::new("crypto-com", DateTime::<Utc>::UNIX_EPOCH);
        mine.checklist_file = Some("/home/me/mine.json".into());
        s.accounts.insert("b".into(), mine);
        write(dir, &fs::metadata(&file).unwrap(), &s);
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let got = read(dir, &file, &log, day).expect("index used");
        assert_eq!(got.outlines.len(), 1);
        assert_eq!(
            got.outlines.get("crypto-com"),
            Outline::bundled("crypto-com").as_ref()
        );
        // Written by a build with other bundled checklists: the outlines are not used.
        let index = dir.join(DUE_INDEX_FILE);
        let mut v: serde_json::Value = serde_json::from_slice(&fs::read(&index).unwrap()).unwrap();
        v["bundled"] = serde_json::json!(BUNDLED_FINGERPRINT ^ 1);
        fs::write(&index, serde_json::to_vec(&v).unwrap()).unwrap();
        let got = read(dir, &file, &log, day).expect("index used");
        assert!(got.outlines.is_empty());
        assert_eq!(got.state.accounts.len(), 2);
    }
}
