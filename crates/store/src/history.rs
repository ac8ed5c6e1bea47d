//! The history log (`history.jsonl`): one JSON event per line, appended and fsynced after each
//! change. Nothing rewrites it except forgetting a note. A torn or damaged line (a kill during an
//! append, a bad sync) is reported with its line number and kept where it is.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoreError;
use super::file::{injected_fault, read_regular, resolve, write_atomic};
use super::machine::Machine;
use super::record::{Line, parse_line};
use crate::state::{Event, EventKind};

/// Largest history file lockstep reads (a century of daily use is far below it).
pub const HISTORY_LIMIT: u64 = 1 << 30;

#[derive(Serialize)]
struct LineOut<'a> {
    account: &'a str,
    at: &'a DateTime<Utc>,
    what: &'a EventKind,
}

/// A line of the history that could not be read. It stays in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryProblem {
    pub line: usize,
    pub message: String,
}

/// Every account's events, oldest first, and the lines that could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub events: BTreeMap<String, Vec<Event>>,
    pub problems: Vec<HistoryProblem>,
}

impl History {
    /// One account's events, oldest first.
    pub fn of(&self, account: &str) -> &[Event] {
        self.events.get(account).map_or(&[], Vec::as_slice)
    }

    /// The problems as `file:line: message` warnings.
    pub fn warnings(&self, file: &Path) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| {
                format!(
                    "warning: {}:{}: {} (the line is kept in the file and skipped)",
                    file.display(),
                    p.line,
                    p.message
                )
            })
            .collect()
    }
}

/// Where an event was logged, as a history reader sees it.
#[derive(Debug, Clone, Copy)]
pub struct Logged<'a> {
    /// The account the event was logged under.
    pub account: &'a str,
    /// The change (record) that holds the event, `None` for a line of version 2 or older.
    pub change: Option<&'a str>,
    /// The event's place in its change (0 for an older line).
    pub index: usize,
    /// An older line itself, to derive its id from.
    legacy: Option<&'a [u8]>,
    /// The copy of the data directory that made the change, when the record names it.
    pub machine: Option<&'a Machine>,
}

impl Logged<'_> {
    /// The event's id, unique in the history and the same on every machine and every read:
    /// `CHANGE.N` (its change's id and its place in it), or for a line older than format 3
    /// (which has no id) `v2-` and a hash of the line.
    pub fn id(&self) -> String {
        match (self.change, self.legacy) {
            (Some(c), _) => format!("{c}.{}", self.index),
            (None, Some(raw)) => format!("v2-{:016x}", line_hash(raw)),
            (None, None) => String::new(),
        }
    }
}

/// The stable hash of an older line (without its newline), for its id.
fn line_hash(bytes: &[u8]) -> u64 {
    let raw = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    lockstep_core::fnv::fnv1a(lockstep_core::fnv::OFFSET, raw)
}

/// True when a damaged line (or a torn one) may hold a note of `step`: a purge drops it rather
/// than keep text it cannot read.
pub fn may_hold_note(text: &str, step: &str) -> bool {
    text.contains(step) && (text.contains("step_note") || text.contains("\"note\""))
}

/// Visits one older event (a version 1 state's, not yet migrated) as if it were the line its
/// migration will write, so its id stays the same.
pub fn visit_legacy(
    account: &str,
    e: &Event,
    visit: &mut impl FnMut(&Logged, &Event) -> bool,
) -> bool {
    let raw = line(account, e);
    visit(
        &Logged {
            account,
            change: None,
            index: 0,
            legacy: Some(&raw),
            machine: None,
        },
        e,
    )
}

/// Serializes one event as a history line (with its newline).
pub fn line(account: &str, e: &Event) -> Vec<u8> {
    let mut v = serde_json::to_vec(&LineOut {
        account,
        at: &e.at,
        what: &e.kind,
    })
    .expect("events always serialize");
    v.push(b'\n');
    v
}

/// Parses history text. Never fails: unreadable lines become problems. A change (format 3)
/// gives each of its events; one that appears twice (by id) counts once.
pub fn parse(bytes: &[u8]) -> History {
    let mut h = History::default();
    let torn_tail = !bytes.is_empty() && bytes.last() != Some(&b'\n');
    let last = bytes.split(|&b| b == b'\n').count();
    let mut seen = std::collections::HashSet::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse_line(raw) {
            Line::Record(r) => {
                if !seen.insert(r.id.clone()) {
                    continue;
                }
                for e in &r.events {
                    h.events
                        .entry(e.account.clone())
                        .or_default()
                        .push(e.event());
                }
            }
            Line::Legacy(account, e) => h.events.entry(account).or_default().push(*e),
            Line::Bad(message) => h.problems.push(HistoryProblem {
                line: i + 1,
                message: if torn_tail && i + 1 == last {
                    format!("{message} (an append was cut short)")
                } else {
                    message
                },
            }),
        }
    }
    h
}

/// Reads the history file; a missing file is an empty history.
pub fn read(path: &Path) -> Result<History, StoreError> {
    Ok(read_regular(path, HISTORY_LIMIT)?
        .map(|b| parse(&b))
        .unwrap_or_default())
}

/// Appends lines and fsyncs; returns the log's new length. On a failure the file is cut back to
/// its length before (so a retry never finds half a change, nor the change twice). Follows a
/// symlink; a dangling one is an error.
pub fn append(path: &Path, bytes: &[u8]) -> Result<u64, StoreError> {
    let existing = resolve(path)?;
    let target = existing.clone().unwrap_or_else(|| path.to_path_buf());
    let dir = target.parent().unwrap_or(Path::new("."));
    let werr = |e: io::Error| StoreError::Write {
        file: path.display().to_string(),
        dir: dir.display().to_string(),
        source: e,
    };
    if let Some(t) = &existing {
        let m = fs::metadata(t).map_err(werr)?;
        if !m.is_file() {
            return Err(StoreError::NotRegular {
                file: path.display().to_string(),
                what: "not a regular file",
            });
        }
    }
    let mut o = OpenOptions::new();
    o.read(true).append(true).create(true);
    let mut f = crate::sys::no_block(crate::sys::private_file(&mut o))
        .open(&target)
        .map_err(werr)?;
    let len = f.metadata().map_err(werr)?.len();
    if bytes.is_empty() {
        return Ok(len);
    }
    let mut buf = Vec::with_capacity(bytes.len() + 1);
    if len > 0 {
        let mut last = [0u8];
        f.seek(SeekFrom::Start(len - 1)).map_err(werr)?;
        f.read_exact(&mut last).map_err(werr)?;
        if last[0] != b'\n' {
            buf.push(b'\n');
        }
    }
    buf.extend_from_slice(bytes);
    let written = (|| {
        if let Some(fault) = injected_fault("history") {
            f.write_all(&buf[..buf.len() / 2])?;
            return Err(fault);
        }
        f.write_all(&buf)?;
        f.sync_data()
    })();
    if let Err(e) = written {
        // Best effort: a change that is not acknowledged leaves nothing behind.
        let _ = f.set_len(len).and_then(|()| f.sync_data());
        return Err(werr(e));
    }
    if existing.is_none() {
        File::open(dir).and_then(|d| d.sync_all()).map_err(werr)?;
    }
    Ok(len + buf.len() as u64)
}

/// Where a torn last line (an append cut short by a kill or a full disk) is kept.
pub const TORN_PREFIX: &str = "history.torn.";

/// Sets a torn last line aside before an append (so nothing is ever appended onto it): its
/// bytes are kept in `history.torn.N.jsonl` and the log is cut back to its last complete line.
/// Returns the notice to show once, if there was one.
pub fn set_aside_torn(path: &Path) -> Result<Option<String>, StoreError> {
    let Some(target) = resolve(path)? else {
        return Ok(None);
    };
    let werr = |e: io::Error| StoreError::Write {
        file: path.display().to_string(),
        dir: target
            .parent()
            .unwrap_or(Path::new("."))
            .display()
            .to_string(),
        source: e,
    };
    let Ok(meta) = fs::metadata(&target) else {
        return Ok(None);
    };
    if !meta.is_file() || meta.len() == 0 {
        return Ok(None);
    }
    let mut f = crate::sys::no_block(OpenOptions::new().read(true).write(true))
        .open(&target)
        .map_err(werr)?;
    let len = f.metadata().map_err(werr)?.len();
    // Look back for the last newline, a block at a time.
    let mut end = len;
    let mut cut = 0u64;
    let mut block = vec![0u8; 64 << 10];
    while end > 0 {
        let start = end.saturating_sub(block.len() as u64);
        let n = (end - start) as usize;
        f.seek(SeekFrom::Start(start)).map_err(werr)?;
        f.read_exact(&mut block[..n]).map_err(werr)?;
        if let Some(i) = block[..n].iter().rposition(|b| *b == b'\n') {
            cut = start + i as u64 + 1;
            break;
        }
        end = start;
    }
    if cut == len {
        return Ok(None);
    }
    let mut torn = Vec::with_capacity((len - cut) as usize);
    f.seek(SeekFrom::Start(cut)).map_err(werr)?;
    (&mut f)
        .take(len - cut)
        .read_to_end(&mut torn)
        .map_err(werr)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let aside = (1..)
        .map(|n| dir.join(format!("{TORN_PREFIX}{n}.jsonl")))
        .find(|p| fs::symlink_metadata(p).is_err())
        .expect("a free name");
    write_atomic(&aside, &torn, None)?;
    f.set_len(cut).map_err(werr)?;
    f.sync_data().map_err(werr)?;
    Ok(Some(format!(
        "warning: the last line of {} was cut short ({} bytes: a save was interrupted, nothing \
         it held was acknowledged); it is kept as {} and left out",
        path.display(),
        torn.len(),
        aside.display()
    )))
}

/// How many damaged lines a backward read reports (the rest are counted).
const PROBLEMS_SHOWN: usize = 100;

/// Visits the log's events newest first (in the order they were logged, last first), reading the
/// file backwards a block at a time: memory stays one block and one line whatever the log's
/// length. `visit` gets the account an event was logged under and returns false to stop. Returns
/// the damaged lines met (each at most [`PROBLEMS_SHOWN`] times, then one summary), numbered
/// from the top of the file when the whole file was read.
pub fn rev_events(
    path: &Path,
    visit: impl FnMut(&Logged, &Event) -> bool,
) -> Result<Vec<HistoryProblem>, StoreError> {
    rev_events_in_blocks(path, 64 << 10, visit)
}

/// Visits the events of one log line, last first: false when `visit` asked to stop, the
/// problem when the line cannot be read.
fn visit_line(raw: &[u8], visit: &mut impl FnMut(&Logged, &Event) -> bool) -> Result<bool, String> {
    match parse_line(raw) {
        Line::Record(r) => Ok(r.events.iter().enumerate().rev().all(|(index, e)| {
            let at = Logged {
                account: &e.account,
                change: Some(&r.id),
                index,
                legacy: None,
                machine: r.machine.as_ref(),
            };
            visit(&at, &e.event())
        })),
        Line::Legacy(account, e) => {
            let at = Logged {
                account: &account,
                change: None,
                index: 0,
                legacy: Some(raw),
                machine: None,
            };
            Ok(visit(&at, &e))
        }
        Line::Bad(m) => Err(m),
    }
}

fn rev_events_in_blocks(
    path: &Path,
    block_size: usize,
    mut visit: impl FnMut(&Logged, &Event) -> bool,
) -> Result<Vec<HistoryProblem>, StoreError> {
    let Some((mut f, mut end)) = crate::record::open_log(path)? else {
        return Ok(Vec::new());
    };
    let file = path.display().to_string();
    let rerr = |e: io::Error| StoreError::Read {
        file: file.clone(),
        source: e,
    };
    // Every piece between newlines counts as a line (as in [`parse`]); a last piece without a
    // newline only when it is not empty. Damaged ones are kept by their count from the end.
    let (mut from_end, mut bad, mut more) = (0usize, Vec::new(), 0usize);
    let mut one = |raw: &[u8], from_end: usize, bad: &mut Vec<(usize, String)>| -> bool {
        if raw.iter().all(u8::is_ascii_whitespace) {
            return true;
        }
        match visit_line(raw, &mut visit) {
            Ok(go_on) => go_on,
            Err(m) => {
                if bad.len() < PROBLEMS_SHOWN {
                    bad.push((from_end, m));
                } else {
                    more += 1;
                }
                true
            }
        }
    };
    // The bytes after the newline found last (a line read backwards, not yet whole).
    let mut carry: Vec<u8> = Vec::new();
    let mut last_piece = true;
    let mut block = vec![0u8; block_size];
    let mut stopped = false;
    'blocks: while end > 0 {
        let start = end.saturating_sub(block.len() as u64);
        let n = (end - start) as usize;
        f.seek(SeekFrom::Start(start)).map_err(rerr)?;
        f.read_exact(&mut block[..n]).map_err(rerr)?;
        let mut piece_end = n;
        for i in (0..n).rev() {
            if block[i] != b'\n' {
                continue;
            }
            let mut raw = block[i + 1..piece_end].to_vec();
            raw.extend_from_slice(&carry);
            carry.clear();
            piece_end = i;
            let skip = last_piece && raw.is_empty();
            last_piece = false;
            if skip {
                continue;
            }
            from_end += 1;
            if !one(&raw, from_end, &mut bad) {
                stopped = true;
                break 'blocks;
            }
        }
        let mut head = block[..piece_end].to_vec();
        head.extend_from_slice(&carry);
        carry = head;
        end = start;
    }
    // The first line: a piece of its own before the first newline (even empty), or the whole
    // file when it has no newline.
    if !stopped && (!carry.is_empty() || !last_piece) {
        from_end += 1;
        stopped = !one(&carry, from_end, &mut bad);
    }
    if stopped {
        return Ok(Vec::new());
    }
    let total = from_end;
    let mut problems: Vec<HistoryProblem> = bad
        .into_iter()
        .rev()
        .map(|(k, message)| HistoryProblem {
            line: total + 1 - k,
            message,
        })
        .collect();
    if more > 0 {
        problems.push(HistoryProblem {
            line: 0,
            message: format!("and {more} more damaged lines"),
        });
    }
    Ok(problems)
}

/// Forgets a note: every past note event of `step` in `account` becomes a "note removed" event
/// (its text gone), and a damaged line that may hold such a note is dropped. Rewrites the file
/// atomically. Returns how many events were purged and how many damaged lines were dropped.
pub fn purge_note(path: &Path, account: &str, step: &str) -> Result<(usize, usize), StoreError> {
    let Some(bytes) = read_regular(path, HISTORY_LIMIT)? else {
        return Ok((0, 0));
    };
    let mut out = Vec::with_capacity(bytes.len());
    let (mut purged, mut dropped) = (0, 0);
    let is_note = |k: &EventKind| matches!(k, EventKind::StepNote { step: s, .. } if s == step);
    let removed = || EventKind::NoteRemoved { step: step.into() };
    for raw in bytes.split(|&b| b == b'\n') {
        if raw.is_empty() {
            continue;
        }
        match parse_line(raw) {
            Line::Record(mut r) => {
                let mut changed = crate::state::delta::purge_note(&mut r.delta, account, step);
                for e in r.events.iter_mut() {
                    if e.account == account && is_note(&e.what) {
                        e.what = removed();
                        purged += 1;
                        changed = true;
                    }
                }
                if changed {
                    out.extend(r.line());
                } else {
                    out.extend_from_slice(raw);
                    out.push(b'\n');
                }
            }
            Line::Legacy(a, e) if a == account && is_note(&e.kind) => {
                purged += 1;
                out.extend(line(
                    account,
                    &Event {
                        at: e.at,
                        kind: removed(),
                    },
                ));
            }
            Line::Legacy(..) => {
                out.extend_from_slice(raw);
                out.push(b'\n');
            }
            Line::Bad(_) => {
                if may_hold_note(&String::from_utf8_lossy(raw), step) {
                    dropped += 1;
                } else {
                    out.extend_from_slice(raw);
                    out.push(b'\n');
                }
            }
        }
    }
    write_atomic(path, &out, None)?;
    Ok((purged, dropped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Read backwards in blocks of any size, the log gives the same events (last first) and
        /// the same damaged lines as read forwards.
        #[test]
        fn reading_backwards_agrees_with_reading_forwards(
            lines in proptest::collection::vec(0u8..5, 0..30),
            torn in any::<bool>(),
            block in 1usize..80,
        ) {
            let mut bytes = Vec::new();
            for (i, kind) in lines.iter().enumerate() {
                let step = format!("s{i}");
                match kind {
                    0 => bytes.extend(line("a", &ev(&step))),
                    1 => bytes.extend(line("b", &ev(&step))),
                    2 => bytes.extend(crate::record::Record::new(
                        i as u64,
                        vec![("a".into(), ev(&step)), ("b".into(), ev(&format!("{step}x")))],
                        Default::default(),
                    ).line()),
                    3 => bytes.extend(b"{\"damaged\n"),
                    _ => bytes.extend(b"\n"),
                }
            }
            if torn {
                bytes.extend(b"{\"v\":3,\"id");
            }
            let t = tempfile::tempdir().unwrap();
            let p = t.path().join("h.jsonl");
            fs::write(&p, &bytes).unwrap();
            let forward = parse(&bytes);
            let mut back: BTreeMap<String, Vec<Event>> = BTreeMap::new();
            let mut ids = std::collections::BTreeSet::new();
            let mut seen = 0usize;
            let problems = rev_events_in_blocks(&p, block, |a, e| {
                back.entry(a.account.to_string()).or_default().insert(0, e.clone());
                ids.insert(a.id());
                seen += 1;
                true
            }).unwrap();
            // Every event has an id of its own (two equal older lines are one event twice).
            prop_assert!(ids.len() <= seen && !ids.contains(""));
            prop_assert_eq!(&back, &forward.events);
            let lines_back: Vec<usize> = problems.iter().map(|p| p.line).collect();
            let lines_fwd: Vec<usize> = forward.problems.iter().map(|p| p.line).collect();
            prop_assert_eq!(lines_back, lines_fwd);
        }
    }

    fn ev(step: &str) -> Event {
        Event {
            at: DateTime::UNIX_EPOCH,
            kind: EventKind::StepDone { step: step.into() },
        }
    }

    #[test]
    fn torn_and_damaged_lines_are_reported_and_kept() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("history.jsonl");
        append(&p, &line("a", &ev("one"))).unwrap();
        // A kill in the middle of an append leaves half a line.
        let full = line("a", &ev("two"));
        fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(&full[..full.len() / 2])
            .unwrap();
        append(&p, &line("b", &ev("three"))).unwrap();
        let h = read(&p).unwrap();
        assert_eq!(h.of("a").len(), 1);
        assert_eq!(h.of("b").len(), 1);
        assert_eq!(h.problems.len(), 1);
        assert_eq!(h.problems[0].line, 2);
        let w = h.warnings(&p).join("\n");
        assert!(w.contains("history.jsonl:2:"), "{w}");
        // The damaged line is still in the file.
        let text = fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().count(), 3);
    }

    #[test]
    fn purge_replaces_note_events_and_keeps_the_rest() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("history.jsonl");
        let note = |acct: &str, step: &str, text: &str| {
            line(
                acct,
                &Event {
                    at: DateTime::UNIX_EPOCH,
                    kind: EventKind::StepNote {
                        step: step.into(),
                        text: text.into(),
                    },
                },
            )
        };
        let mut all = note("a", "s1", "hunter2 secret");
        all.extend(note("a", "s2", "keep me"));
        all.extend(note("b", "s1", "other account"));
        all.extend(b"{\"account\":\"a\",\"what\":{\"event\":\"step_note\",\"step\":\"s1\",\"text\":\"hunt\n");
        all.extend(line("a", &ev("s1")));
        append(&p, &all).unwrap();
        assert_eq!(purge_note(&p, "a", "s1").unwrap(), (1, 1));
        let text = fs::read_to_string(&p).unwrap();
        assert!(!text.contains("hunt"), "{text}");
        assert!(text.contains("keep me") && text.contains("other account"));
        let h = read(&p).unwrap();
        assert!(h.problems.is_empty());
        assert_eq!(h.of("a").len(), 3);
        assert!(matches!(h.of("a")[0].kind, EventKind::NoteRemoved { .. }));
    }
}
