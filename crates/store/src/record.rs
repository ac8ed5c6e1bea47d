//! The history log as the truth (format 3): each saved change is one line, a record with a unique
//! id, its events and its delta. A change is acknowledged once its record is appended and
//! fsynced; the state is the records' deltas applied in order (duplicates by id applied once).
//! Here: the record line, reading the log from a checkpoint onwards, and rebuilding from it.
//!
//! Order: each record carries a sequence number one above the highest in the log its writer had
//! caught up with (a Lamport clock), so one machine's records are in increasing order in the file,
//! and records from two machines merged into one log (see [`crate::union`]) have one order that
//! does not depend on how they were merged: by sequence number, then id. A log whose records are
//! not in that order (a git union merge) is replayed sorted.

use std::collections::HashSet;
use std::fs::{self, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::StoreError;
use super::file::resolve;
use super::history::HISTORY_LIMIT;
use super::machine::Machine;
use crate::state::delta::{self, Delta};
use crate::state::{Event, EventKind, LogPosition, State};

/// The `v` of a record line.
pub const RECORD_VERSION: u32 = 3;

/// One saved change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub v: u32,
    /// Unique among every change ever made, on any machine.
    pub id: String,
    /// One above the highest sequence number in the log when this change was made.
    #[serde(default)]
    pub seq: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<RecordEvent>,
    #[serde(default, skip_serializing_if = "Delta::is_empty")]
    pub delta: Delta,
    /// The copy of the data directory that made the change (see [`crate::machine`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<Machine>,
}

/// One event of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordEvent {
    pub account: String,
    #[serde(deserialize_with = "crate::state::fast_utc")]
    pub at: DateTime<Utc>,
    pub what: EventKind,
}

impl RecordEvent {
    pub fn event(&self) -> Event {
        Event {
            at: self.at,
            kind: self.what.clone(),
        }
    }
}

impl Record {
    pub fn new(seq: u64, events: Vec<(String, Event)>, delta: Delta) -> Record {
        Record {
            v: RECORD_VERSION,
            id: new_id(),
            seq,
            events: events
                .into_iter()
                .map(|(account, e)| RecordEvent {
                    account,
                    at: e.at,
                    what: e.kind,
                })
                .collect(),
            delta,
            machine: None,
        }
    }

    /// The record as a log line, with its newline.
    pub fn line(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec(self).expect("records always serialize");
        v.push(b'\n');
        v
    }
}

/// A new id: 128 bits from the standard library's randomly keyed hasher (seeded by the operating
/// system's random source), mixed with the time, the process id and a counter. Unique, not
/// secret.
pub fn new_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut out = String::with_capacity(32);
    for salt in 0..2u8 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(nanos);
        h.write_u32(std::process::id());
        h.write_u64(n);
        h.write_u8(salt);
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// One line of the log.
pub enum Line {
    Record(Box<Record>),
    /// A version 2 line: one event, no id, no delta (history only).
    Legacy(String, Box<Event>),
    Bad(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyLine {
    account: String,
    #[serde(deserialize_with = "crate::state::fast_utc")]
    at: DateTime<Utc>,
    what: EventKind,
}

/// Parses one line (without its newline).
pub fn parse_line(raw: &[u8]) -> Line {
    let Ok(s) = std::str::from_utf8(raw) else {
        return Line::Bad("not valid UTF-8".into());
    };
    let msg = |e: serde_json::Error| crate::jsonpos::strip_position(&e.to_string());
    if s.trim_start().starts_with("{\"v\"") {
        return match serde_json::from_str::<Record>(s) {
            Ok(r) if r.v == RECORD_VERSION => Line::Record(Box::new(r)),
            Ok(r) => Line::Bad(format!("a change of a newer lockstep (format {})", r.v)),
            Err(e) => Line::Bad(msg(e)),
        };
    }
    match serde_json::from_str::<LegacyLine>(s) {
        Ok(l) => Line::Legacy(
            l.account,
            Box::new(Event {
                at: l.at,
                kind: l.what,
            }),
        ),
        Err(e) => match serde_json::from_str::<Record>(s)
            .ok()
            .filter(|r| r.v == RECORD_VERSION)
        {
            Some(r) => Line::Record(Box::new(r)),
            None => Line::Bad(msg(e)),
        },
    }
}

impl Record {
    /// The order records are applied in.
    pub fn key(&self) -> (u64, &str) {
        (self.seq, self.id.as_str())
    }
}

/// The complete lines of `bytes` (each ending in a newline) as (start, end) offsets, and where a
/// torn last line starts (bytes after the last newline, an append cut short).
pub fn lines(bytes: &[u8], base: u64) -> (Vec<(u64, u64)>, Option<u64>) {
    let mut out = Vec::new();
    let mut start = 0usize;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            out.push((base + start as u64, base + i as u64 + 1));
            start = i + 1;
        }
    }
    let torn = (start < bytes.len()).then_some(base + start as u64);
    (out, torn)
}

/// The log opened for reading, with its length: only a regular file (a FIFO or device is refused
/// without blocking), a symlink followed. None when there is no log. The one way the log is
/// opened for reading in parts.
pub fn open_log(path: &Path) -> Result<Option<(fs::File, u64)>, StoreError> {
    let file = path.display().to_string();
    let rerr = |e: std::io::Error| StoreError::Read {
        file: file.clone(),
        source: e,
    };
    let Some(target) = resolve(path)? else {
        return Ok(None);
    };
    let meta = fs::metadata(&target).map_err(rerr)?;
    if !meta.is_file() {
        return Err(StoreError::NotRegular {
            file,
            what: crate::fileio::kind_of(&meta),
        });
    }
    let f = crate::sys::no_block(OpenOptions::new().read(true))
        .open(&target)
        .map_err(rerr)?;
    let len = f.metadata().map_err(rerr)?.len();
    Ok(Some((f, len)))
}

/// The log, from byte `from` to its end (bounded; only a regular file is read).
pub fn read_from(path: &Path, from: u64) -> Result<Option<(Vec<u8>, u64)>, StoreError> {
    let file = path.display().to_string();
    let rerr = |e: std::io::Error| StoreError::Read {
        file: file.clone(),
        source: e,
    };
    let Some((mut f, len)) = open_log(path)? else {
        return Ok(None);
    };
    if len > HISTORY_LIMIT {
        return Err(StoreError::TooLarge {
            file,
            limit: HISTORY_LIMIT,
        });
    }
    let from = from.min(len);
    f.seek(SeekFrom::Start(from)).map_err(rerr)?;
    let mut bytes = Vec::with_capacity((len - from) as usize);
    f.take(len - from).read_to_end(&mut bytes).map_err(rerr)?;
    Ok(Some((bytes, len)))
}

/// What reading the log onto a state found.
#[derive(Debug, Default)]
pub struct Replayed {
    /// Changes applied.
    pub applied: usize,
    /// The log's last record line and the highest sequence number (None: no record at all).
    pub position: Option<LogPosition>,
    /// Damaged lines.
    pub damaged: usize,
}

/// The records of `bytes` (the log from byte `base`), each id once, with where each line ends,
/// and where the last record line is.
fn records(bytes: &[u8], base: u64) -> (Vec<Record>, Replayed) {
    let (lines, _torn) = lines(bytes, base);
    // A torn last line (an append cut short) holds no acknowledged change: left out here, and
    // set aside by the next writer.
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut r = Replayed::default();
    let mut max_seq = 0;
    for (start, end) in lines {
        let raw = &bytes[(start - base) as usize..(end - base - 1) as usize];
        match parse_line(raw) {
            Line::Record(rec) => {
                max_seq = max_seq.max(rec.seq);
                r.position = Some(LogPosition {
                    start,
                    end,
                    last: rec.id.clone(),
                    seq: max_seq,
                });
                if seen.insert(rec.id.clone()) {
                    out.push(*rec);
                }
            }
            Line::Legacy(..) => {}
            Line::Bad(_) if raw.iter().all(u8::is_ascii_whitespace) => {}
            Line::Bad(_) => r.damaged += 1,
        }
    }
    (out, r)
}

/// True when the records are in application order (sequence number, then id).
fn in_order(records: &[Record]) -> bool {
    records.windows(2).all(|w| w[0].key() < w[1].key())
}

/// How a snapshot stands against the log.
pub enum CaughtUp {
    /// The snapshot, with the changes logged after it applied (none when it is current).
    Ok(Replayed),
    /// The log does not hold the snapshot's last change where it was, or its later changes are
    /// not all newer (a note purge rewrote it, a sync tool or git merged into it): the state is
    /// rebuilt from the whole log.
    Rebuilt(State),
    /// The log no longer holds the change the snapshot names (replaced, restored from an older
    /// copy): the snapshot is kept as it is.
    NotInLog,
}

/// Brings `state` (a snapshot standing at `pos`) up to the end of the log: reads from the
/// snapshot's last change on, applying the newer changes in order; when that line is not where
/// it was, or a later line is not newer, the state is rebuilt from the whole log instead.
pub fn catch_up(path: &Path, state: &mut State, pos: &LogPosition) -> Result<CaughtUp, StoreError> {
    let Some((bytes, _len)) = read_from(path, pos.start)? else {
        return Ok(CaughtUp::NotInLog);
    };
    let first_ok = bytes.iter().position(|b| *b == b'\n').is_some_and(|n| {
        n as u64 + 1 == pos.end - pos.start
            && matches!(parse_line(&bytes[..n]), Line::Record(r) if r.id == pos.last)
    });
    if first_ok {
        let (recs, mut r) = records(&bytes, pos.start);
        let newer = &recs[1..];
        if in_order(newer) && newer.first().is_none_or(|n| n.seq > pos.seq) {
            for rec in newer {
                delta::apply(state, &rec.delta);
            }
            r.applied = newer.len();
            return Ok(CaughtUp::Ok(r));
        }
    }
    let Some((bytes, _)) = read_from(path, 0)? else {
        return Ok(CaughtUp::NotInLog);
    };
    let (recs, r) = records(&bytes, 0);
    if !recs.iter().any(|r| r.id == pos.last) {
        return Ok(CaughtUp::NotInLog);
    }
    Ok(CaughtUp::Rebuilt(replay(recs, r).0))
}

/// The state the records of a log (see [`records`]) make from nothing, applied in order (sorted
/// when the file is not).
fn replay(mut recs: Vec<Record>, mut r: Replayed) -> (State, Replayed) {
    if !in_order(&recs) {
        recs.sort_by(|a, b| a.key().cmp(&b.key()));
    }
    let mut state = State::default();
    for rec in &recs {
        delta::apply(&mut state, &rec.delta);
    }
    r.applied = recs.len();
    state.log = r.position.clone();
    (state, r)
}

/// The state the log's records make from nothing (None when the log holds no record: a version
/// 2 log, history only).
pub fn rebuild(path: &Path) -> Result<Option<(State, Replayed)>, StoreError> {
    let Some((bytes, _)) = read_from(path, 0)? else {
        return Ok(None);
    };
    let (recs, r) = records(&bytes, 0);
    let (state, r) = replay(recs, r);
    Ok(r.position.is_some().then_some((state, r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Account;

    #[test]
    fn ids_are_unique_and_hex() {
        let ids: HashSet<String> = (0..10_000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(
            ids.iter()
                .all(|i| i.len() == 32 && i.bytes().all(|b| b.is_ascii_hexdigit()))
        );
    }

    #[test]
    fn records_round_trip_and_legacy_lines_still_read() {
        let now = DateTime::UNIX_EPOCH;
        let mut s = State::default();
        s.accounts
            .insert("a".into(), Account::new("crypto-com", now));
        let ev = s.accounts.get_mut("a").unwrap().new_events.remove(0);
        let r = Record::new(
            1,
            vec![("a".into(), ev.clone())],
            delta::diff(&State::default(), &s),
        );
        let line = r.line();
        match parse_line(&line[..line.len() - 1]) {
            Line::Record(back) => assert_eq!(*back, r),
            _ => panic!("not a record"),
        }
        let legacy = br#"{"account":"a","at":"1970-01-01T00:00:00Z","what":{"event":"step_done","step":"x"}}"#;
        assert!(matches!(parse_line(legacy), Line::Legacy(a, _) if a == "a"));
        assert!(
            matches!(parse_line(b"{\"v\":9,\"id\":\"x\"}"), Line::Bad(m) if m.contains("newer"))
        );
        assert!(matches!(parse_line(b"{\"acc"), Line::Bad(_)));
    }

    #[test]
    fn a_duplicated_record_is_applied_once_and_a_torn_tail_is_left_out() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("history.jsonl");
        let now = DateTime::UNIX_EPOCH;
        let mut s = State::default();
        s.accounts
            .insert("a".into(), Account::new("crypto-com", now));
        let create = Record::new(1, Vec::new(), delta::diff(&State::default(), &s));
        let mut s2 = s.clone();
        s2.accounts.get_mut("a").unwrap().label = Some("x".into());
        let label = Record::new(2, Vec::new(), delta::diff(&s, &s2));
        let mut bytes = create.line();
        bytes.extend(label.line());
        bytes.extend(label.line());
        let whole = bytes.len() as u64;
        bytes.extend(&create.line()[..10]);
        fs::write(&p, &bytes).unwrap();
        let (state, r) = rebuild(&p).unwrap().unwrap();
        assert_eq!(r.applied, 2);
        assert_eq!(lines(&bytes, 0).1, Some(whole));
        assert_eq!(state.accounts["a"].label.as_deref(), Some("x"));
        assert_eq!(state.log.as_ref().unwrap().last, label.id);
    }
}
