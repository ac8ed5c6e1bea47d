//! A data directory that lives in a synced folder or is merged by hand: conflict copies that
//! Syncthing, Dropbox, Nextcloud or ownCloud leave beside the log are merged into it (the union
//! of their changes, see [`crate::union`]) and set aside in `conflicts/`, never deleted; `lockstep
//! merge PATH` does the same with another machine's log. Text that comes in is checked by the
//! secret guard like text typed here.

use std::fs;
use std::path::{Path, PathBuf};

use super::record::{Record, rebuild};
use super::union::{Forgets, conflict_copy_of, purge_copy, union};
use super::{
    BACKUP_FILE, HISTORY_FILE, Paths, STATE_LIMIT, StoreError, due_index, file, history,
    read_regular, to_json, write_atomic,
};
use crate::state::EventKind;
use lockstep_core::ids::StepId;

/// Where conflict copies are set aside, in the data directory.
pub const CONFLICTS_DIR: &str = "conflicts";

/// The conflict copies in `dir` (file, and which lockstep file it is a copy of).
pub fn conflict_copies(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let Ok(rd) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = rd
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            conflict_copy_of(&name).map(|of| (e.path(), of))
        })
        .collect();
    out.sort();
    out
}

/// True when one of the directory's file names is a conflict copy.
pub fn any_conflict_copy(names: &[String]) -> bool {
    names.iter().any(|n| conflict_copy_of(n).is_some())
}

/// What a merge brought in.
#[derive(Debug, Default)]
pub struct Merged {
    /// The changes that were new here, in order.
    pub added: Vec<Record>,
    /// Changes left out because a note in them holds what looks like a secret.
    pub refused: Vec<String>,
    /// Incidents that had a number here and have another after the merge (both machines
    /// opened one with that number before they synced): "#2 -> #3 of 'default'".
    pub renumbered: Vec<String>,
    /// The notes forgotten in the merged log (purged from the copies kept aside too).
    pub forgets: Forgets,
}

/// A change that brings text the guard refuses (a note, an incident note or resolution that
/// looks like a seed phrase, a key or a password): why, or None.
fn refused(r: &Record) -> Option<String> {
    r.events.iter().find_map(|e| {
        let text = match &e.what {
            EventKind::StepNote { text, .. } => text.as_str(),
            EventKind::IncidentNote { text, .. } => text.as_str(),
            EventKind::IncidentClosed { resolution, .. } => resolution.as_str(),
            _ => return None,
        };
        lockstep_core::guard::check_secret(text)
            .err()
            .map(|e| e.to_string())
    })
}

/// Merges `others` (whole logs) into the data directory's log under the writer lock (held by the
/// caller), rebuilds the snapshot from the merged log, and returns what came in. With
/// `dry_run`, only says what would.
pub fn merge_logs(paths: &Paths, others: &[Vec<u8>], dry_run: bool) -> Result<Merged, StoreError> {
    let log = paths.history_file();
    let mine = read_regular(&log, history::HISTORY_LIMIT)?.unwrap_or_default();
    let refs: Vec<&[u8]> = others.iter().map(Vec::as_slice).collect();
    let first = union(&mine, &refs);
    // What the guard refuses stays out (and in the copy it came from).
    let mut merged = Merged::default();
    let bad: Vec<String> = first
        .added
        .iter()
        .filter_map(|r| refused(r).map(|why| (r.id.clone(), why)))
        .map(|(id, why)| {
            merged.refused.push(why);
            id
        })
        .collect();
    let u = if bad.is_empty() {
        first
    } else {
        let cleaned: Vec<Vec<u8>> = others
            .iter()
            .map(|o| {
                o.split_inclusive(|b| *b == b'\n')
                    .filter(|l| !bad.iter().any(|id| contains(l, id.as_bytes())))
                    .flatten()
                    .copied()
                    .collect()
            })
            .collect();
        let refs: Vec<&[u8]> = cleaned.iter().map(Vec::as_slice).collect();
        union(&mine, &refs)
    };
    merged.added = u.added;
    merged.forgets = u.forgets;
    if dry_run || merged.added.is_empty() {
        return Ok(merged);
    }
    let before = super::read_state(paths).ok().map(|l| l.state);
    write_atomic(&log, &u.bytes, None)?;
    if let Some((mut state, _)) = rebuild(&log)? {
        if let Some(before) = &before {
            merged.renumbered = renumbered(before, &state);
        }
        state.rev = rev_of(paths) + 1;
        let bytes = to_json(&state);
        let bak = paths.data_dir.join(BACKUP_FILE);
        // A failed checkpoint costs only a rebuild at the next command: the merge is in the log.
        if let Ok(meta) = file::write_atomic_meta(
            &paths.state_file(),
            &bytes,
            Some(&bak),
            file::Durable::Checkpoint,
        ) {
            due_index::write(&paths.data_dir, &meta, &state);
        }
    }
    Ok(merged)
}

/// The incidents whose number differs between two states (matched by their unique id).
fn renumbered(before: &crate::state::State, after: &crate::state::State) -> Vec<String> {
    let mut out = Vec::new();
    for (name, a) in &before.accounts {
        let Some(b) = after.accounts.get(name) else {
            continue;
        };
        for i in &a.incidents {
            if let Some(j) = b.incidents.iter().find(|j| j.key() == i.key())
                && j.id != i.id
            {
                out.push(format!("#{} -> #{} of '{name}'", i.id, j.id));
            }
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Merges the conflict copies beside the log (the writer lock held by the caller) and sets them
/// aside in `conflicts/`. Returns what to tell the user, once.
pub fn merge_conflict_copies(paths: &Paths) -> Result<Vec<String>, StoreError> {
    let copies = conflict_copies(&paths.data_dir);
    if copies.is_empty() {
        return Ok(Vec::new());
    }
    let mut logs = Vec::new();
    for (f, of) in &copies {
        if *of == HISTORY_FILE
            && let Some(b) = read_regular(f, history::HISTORY_LIMIT)?
        {
            logs.push(b);
        }
    }
    let merged = merge_logs(paths, &logs, false)?;
    let aside = paths.data_dir.join(CONFLICTS_DIR);
    super::ensure_dir(&aside)?;
    let mut names = Vec::new();
    for (f, of) in &copies {
        let name = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut to = aside.join(&name);
        let mut n = 1;
        while to.exists() {
            n += 1;
            to = aside.join(format!("{n}.{name}"));
        }
        set_aside(f, of, &to, &merged.forgets)?;
        names.push(name);
    }
    let mut notices = vec![summary(&merged, &names.join(", "), paths)];
    notices.push(format!(
        "note: the copies are kept in {} (safe to delete once you have checked)",
        aside.display()
    ));
    Ok(notices)
}

/// Moves a conflict copy into `conflicts/` (`to`). A note forgotten in the merged log leaves the
/// copy on the way (written purged, then the original removed), so the forgotten text is kept
/// nowhere; a copy that holds none is moved as it is.
fn set_aside(f: &Path, of: &str, to: &Path, forgets: &Forgets) -> Result<(), StoreError> {
    let werr = |e: std::io::Error| StoreError::Write {
        file: f.display().to_string(),
        dir: to.parent().unwrap_or(to).display().to_string(),
        source: e,
    };
    let bytes = if forgets.is_empty() {
        None
    } else {
        read_regular(f, history::HISTORY_LIMIT)?
    };
    let purged = bytes.as_ref().and_then(|b| {
        let p = if of == HISTORY_FILE {
            purge_copy(b, forgets)
        } else {
            purge_state_copy(b, forgets.keys())?
        };
        (p != *b).then_some(p)
    });
    match purged {
        Some(p) => {
            write_atomic(to, &p, None)?;
            fs::remove_file(f).map_err(werr)
        }
        None => fs::rename(f, to).map_err(werr),
    }
}

/// A copy of `state.json` without the notes of the given (account, step) pairs; `None` when it
/// holds none of them (or is not JSON: kept as it is, unless it holds a note of such a step, then
/// `Some(empty)`: a damaged copy that may hold forgotten text is not kept).
pub fn purge_state_copy<'a>(
    bytes: &[u8],
    notes: impl Iterator<Item = &'a (String, StepId)>,
) -> Option<Vec<u8>> {
    let notes: Vec<&(String, StepId)> = notes.collect();
    let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        let text = String::from_utf8_lossy(bytes);
        let risky = notes
            .iter()
            .any(|(_, step)| text.contains(step.as_str()) && text.contains("\"note\""));
        return risky.then(Vec::new);
    };
    let mut changed = false;
    for (account, step) in notes {
        if let Some(s) = v
            .pointer_mut(&format!(
                "/accounts/{}/steps/{}",
                pointer(account),
                pointer(step.as_str())
            ))
            .and_then(serde_json::Value::as_object_mut)
        {
            changed |= s.remove("note").is_some();
        }
    }
    changed.then(|| {
        let mut out = serde_json::to_vec_pretty(&v).expect("json values serialize");
        out.push(b'\n');
        out
    })
}

/// A JSON pointer token (RFC 6901).
fn pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// "2 changes from another machine (FILE): Done: totp-2fa; ..." (ids: the store has no
/// checklist to name them). The machine is named when the changes say which one made them and
/// its name is not this machine's; changes this copy made itself (a sync tool kept them in the
/// conflict copy and this copy's log holds the other side) are said to be its own.
pub fn summary(m: &Merged, from: &str, paths: &Paths) -> String {
    let what: Vec<String> = m
        .added
        .iter()
        .flat_map(|r| r.events.iter())
        .take(5)
        .map(|e| e.what.describe(None))
        .collect();
    let more = m
        .added
        .iter()
        .map(|r| r.events.len())
        .sum::<usize>()
        .saturating_sub(5);
    let here = super::machine::Here::of(paths);
    let mine = |r: &Record| here.made(r.machine.as_ref());
    let mut names: Vec<&str> = m
        .added
        .iter()
        .filter_map(|r| here.other(r.machine.as_ref()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let source = if !m.added.is_empty() && m.added.iter().all(mine) {
        "made here that a sync tool had kept aside".to_string()
    } else if names.is_empty() {
        "from another machine".to_string()
    } else {
        format!("from {}", names.join(", "))
    };
    let mut s = match m.added.len() {
        0 => format!("note: nothing new from {from}"),
        1 => format!("note: 1 change {source} ({from}): {}", what.join("; ")),
        n => format!("note: {n} changes {source} ({from}): {}", what.join("; ")),
    };
    if more > 0 {
        s.push_str(&format!(
            "; and {more} more events (see `lockstep history`)"
        ));
    }
    if !m.renumbered.is_empty() {
        s.push_str(&format!(
            "; the other machine had opened an incident with the same number, so incident {} \
             (both are kept; `lockstep history` names each by its number here)",
            m.renumbered.join(", ")
        ));
    }
    for why in &m.refused {
        s.push_str(&format!("; a change was left out: {why}"));
    }
    s
}

/// Reads another machine's log for `lockstep merge`: a data directory (its `history.jsonl`) or a
/// log file.
pub fn read_other(path: &Path) -> Result<Vec<u8>, StoreError> {
    let file = if path.is_dir() {
        path.join(HISTORY_FILE)
    } else {
        path.to_path_buf()
    };
    read_regular(&file, history::HISTORY_LIMIT)?.ok_or_else(|| StoreError::Read {
        file: file.display().to_string(),
        source: std::io::Error::from(std::io::ErrorKind::NotFound),
    })
}

/// The save counter of the snapshot on disk (0 when unreadable).
pub(crate) fn rev_of(paths: &Paths) -> u64 {
    read_regular(&paths.state_file(), STATE_LIMIT)
        .ok()
        .flatten()
        .and_then(|b| match super::parse_state(&paths.state_file(), &b) {
            Ok(super::Parsed::Current(s)) => Some(s.rev),
            _ => None,
        })
        .unwrap_or(0)
}
