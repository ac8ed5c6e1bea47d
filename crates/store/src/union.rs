//! Two copies of one history merged into one (another machine's log, a sync tool's conflict
//! copy, a file copied by hand): the union of their changes, each id once, in the order the
//! records say (sequence number, then id). The result depends only on the set of lines given, so
//! merging is commutative, associative and idempotent. A note forgotten (`lockstep forget`) in any
//! copy is purged from every earlier change of the union, so its text never comes back.

use std::collections::{BTreeMap, BTreeSet};

use super::record::{Line, Record, parse_line};
use crate::state::EventKind;
use lockstep_core::ids::StepId;

/// The merged log and what it gained over the first one.
#[derive(Debug, Default)]
pub struct Union {
    pub bytes: Vec<u8>,
    /// Records in the union that the first log did not have, in order.
    pub added: Vec<Record>,
    /// The notes forgotten in the union (see [`Forgets`]).
    pub forgets: Forgets,
}

/// The notes forgotten in a log: (account, step) -> the key of the last forgetting record.
/// Every note of that step in an earlier change is purged.
pub type Forgets = BTreeMap<(String, StepId), (u64, String)>;

/// The lines of a log, by kind (a torn last line is left out: nothing in it was acknowledged).
#[derive(Default)]
struct Parts {
    /// Version 2 lines (history only): (time, the line).
    legacy: BTreeSet<(chrono::DateTime<chrono::Utc>, Vec<u8>)>,
    /// Lines that cannot be read: kept, never dropped by a merge.
    bad: BTreeSet<Vec<u8>>,
    /// Records by id: the smallest line of each (one choice whatever the order of the copies).
    records: BTreeMap<String, (Vec<u8>, Record)>,
}

impl Parts {
    fn add(&mut self, log: &[u8]) {
        let whole = log.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        for raw in log[..whole].split(|b| *b == b'\n') {
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match parse_line(raw) {
                Line::Record(r) => {
                    let keep = self
                        .records
                        .get(&r.id)
                        .is_none_or(|(have, _)| raw < have.as_slice());
                    if keep {
                        self.records.insert(r.id.clone(), (raw.to_vec(), *r));
                    }
                }
                Line::Legacy(_, e) => {
                    self.legacy.insert((e.at, raw.to_vec()));
                }
                Line::Bad(_) => {
                    self.bad.insert(raw.to_vec());
                }
            }
        }
    }
}

/// The notes forgotten in a set of records: (account, step) -> the key of the forgetting record.
fn forgotten(records: &[&Record]) -> Forgets {
    let mut out: Forgets = BTreeMap::new();
    for r in records {
        for e in &r.events {
            if let EventKind::NoteForgotten { step } = &e.what {
                let key = (r.seq, r.id.clone());
                let slot = out
                    .entry((e.account.clone(), step.clone()))
                    .or_insert(key.clone());
                *slot = (*slot).clone().max(key);
            }
        }
    }
    out
}

/// Purges from `r` the notes forgotten by a later record. Returns true when it changed.
fn purge(r: &mut Record, forgets: &Forgets) -> bool {
    let mut changed = false;
    for ((account, step), (seq, id)) in forgets {
        if (r.seq, &r.id) >= (*seq, id) {
            continue;
        }
        changed |= crate::state::delta::purge_note(&mut r.delta, account, step.as_str());
        for e in r.events.iter_mut() {
            if &e.account == account
                && matches!(&e.what, EventKind::StepNote { step: s, .. } if s == step)
            {
                e.what = EventKind::NoteRemoved { step: step.clone() };
                changed = true;
            }
        }
    }
    changed
}

/// The union of `first` and `others` (see the module).
pub fn union(first: &[u8], others: &[&[u8]]) -> Union {
    let mut mine = Parts::default();
    mine.add(first);
    let mut all = Parts::default();
    all.add(first);
    for o in others {
        all.add(o);
    }
    let mut records: Vec<(Vec<u8>, Record)> = all.records.into_values().collect();
    records.sort_by(|a, b| a.1.key().cmp(&b.1.key()));
    let forgets = forgotten(&records.iter().map(|(_, r)| r).collect::<Vec<_>>());
    let mut out = Union::default();
    // Lines older than format 3 come before every record: a forgotten note in one of them is
    // purged (one copy may have purged it already; the other's line then becomes the same).
    let legacy: BTreeSet<(chrono::DateTime<chrono::Utc>, Vec<u8>)> = all
        .legacy
        .into_iter()
        .map(|(at, raw)| {
            let raw = purge_legacy(&raw, &forgets).unwrap_or(raw);
            (at, raw)
        })
        .collect();
    for (_, line) in &legacy {
        out.bytes.extend_from_slice(line);
        out.bytes.push(b'\n');
    }
    for line in &all.bad {
        out.bytes.extend_from_slice(line);
        out.bytes.push(b'\n');
    }
    for (raw, mut r) in records {
        if purge(&mut r, &forgets) {
            out.bytes.extend(r.line());
        } else {
            out.bytes.extend_from_slice(&raw);
            out.bytes.push(b'\n');
        }
        if !mine.records.contains_key(&r.id) {
            out.added.push(r);
        }
    }
    out.forgets = forgets;
    out
}

/// An older line (format 2) holding a note that `forgets` purges: the line with the note's text
/// removed (without its newline).
fn purge_legacy(raw: &[u8], forgets: &Forgets) -> Option<Vec<u8>> {
    let Line::Legacy(account, e) = parse_line(raw) else {
        return None;
    };
    let EventKind::StepNote { step, .. } = &e.kind else {
        return None;
    };
    if !forgets.contains_key(&(account.clone(), step.clone())) {
        return None;
    }
    let removed = crate::state::Event {
        at: e.at,
        kind: EventKind::NoteRemoved { step: step.clone() },
    };
    let mut line = super::history::line(&account, &removed);
    line.pop();
    Some(line)
}

/// A copy of a log as it is kept after a merge (a conflict copy set aside): every note that
/// `forgets` purges is purged from it too, and a damaged line that may hold one is dropped, so
/// forgotten text is not kept in the data directory. Other lines stay byte for byte.
pub fn purge_copy(copy: &[u8], forgets: &Forgets) -> Vec<u8> {
    if forgets.is_empty() {
        return copy.to_vec();
    }
    let mut out = Vec::with_capacity(copy.len());
    for raw in copy.split_inclusive(|b| *b == b'\n') {
        let line = raw.strip_suffix(b"\n").unwrap_or(raw);
        let kept: Option<Vec<u8>> = match parse_line(line) {
            Line::Record(mut r) => {
                if purge(&mut r, forgets) {
                    Some(r.line())
                } else {
                    Some(raw.to_vec())
                }
            }
            Line::Legacy(..) => Some(purge_legacy(line, forgets).map_or_else(
                || raw.to_vec(),
                |mut l| {
                    l.push(b'\n');
                    l
                },
            )),
            Line::Bad(_) => {
                let text = String::from_utf8_lossy(line);
                let risky = forgets
                    .keys()
                    .any(|(_, step)| super::history::may_hold_note(&text, step.as_str()));
                (!risky).then(|| raw.to_vec())
            }
        };
        out.extend(kept.unwrap_or_default());
    }
    out
}

/// Which lockstep file a name in the data directory is a sync tool's conflict copy of:
/// Syncthing `history.sync-conflict-20261201-101010-ABCDEFG.jsonl`, Dropbox
/// `history (Jane's conflicted copy 2026-12-01).jsonl`, Nextcloud
/// `history (conflicted copy 2026-12-01 101010).jsonl`, ownCloud
/// `history_conflict-20261201-101010.jsonl`; the same for `state.json`.
pub fn conflict_copy_of(name: &str) -> Option<&'static str> {
    let conflict = name.contains("conflict");
    if !conflict {
        return None;
    }
    if name.starts_with("history") && name.ends_with(".jsonl") {
        Some(super::HISTORY_FILE)
    } else if name.starts_with("state") && name.ends_with(".json") {
        Some(super::STATE_FILE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::delta::Delta;
    use crate::state::{Event, EventKind};
    use chrono::{DateTime, Utc};
    use proptest::prelude::*;

    fn rec(seq: u64, id: &str, what: EventKind) -> Vec<u8> {
        let mut r = Record::new(
            seq,
            vec![(
                "default".into(),
                Event {
                    at: DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::seconds(seq as i64),
                    kind: what,
                },
            )],
            Delta::default(),
        );
        r.id = id.into();
        r.line()
    }

    /// A log from a shared prefix of `shared` changes, then `own` changes of its own ("m" is the
    /// machine), some notes, some forgotten.
    fn log(shared: usize, own: &[u8], m: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for i in 0..shared {
            out.extend(rec(
                i as u64 + 1,
                &format!("s{i}"),
                EventKind::StepDone {
                    step: format!("x{i}").into(),
                },
            ));
        }
        for (k, kind) in own.iter().enumerate() {
            let seq = (shared + k + 1) as u64;
            let id = format!("{m}{k}");
            let what = match kind % 3 {
                0 => EventKind::StepNote {
                    step: "n".into(),
                    text: format!("secret-ish {m}{k}"),
                },
                1 => EventKind::NoteForgotten { step: "n".into() },
                _ => EventKind::StepDone {
                    step: format!("{m}{k}").into(),
                },
            };
            out.extend(rec(seq, &id, what));
        }
        out
    }

    proptest! {
        #[test]
        fn merging_is_commutative_associative_and_idempotent(
            shared in 0usize..5,
            a in proptest::collection::vec(0u8..3, 0..6),
            b in proptest::collection::vec(0u8..3, 0..6),
            c in proptest::collection::vec(0u8..3, 0..6),
        ) {
            let (a, b, c) = (log(shared, &a, "a"), log(shared, &b, "b"), log(shared, &c, "c"));
            let u = |x: &[u8], y: &[u8]| union(x, &[y]).bytes;
            prop_assert_eq!(u(&a, &b), u(&b, &a));
            prop_assert_eq!(u(&u(&a, &b), &c), u(&a, &u(&b, &c)));
            let ab = u(&a, &b);
            prop_assert_eq!(u(&ab, &ab), ab.clone());
            prop_assert_eq!(u(&ab, &a), ab.clone());
            // Each change once.
            let ids: Vec<_> = String::from_utf8(ab.clone()).unwrap().lines().map(|l| l.to_string()).collect();
            let set: BTreeSet<_> = ids.iter().collect();
            prop_assert_eq!(set.len(), ids.len());
            // A forgotten note's text is in no change before the forgetting one.
            let text = String::from_utf8(ab).unwrap();
            let mut forgot = false;
            for l in text.lines().rev() {
                forgot |= l.contains("note_forgotten");
                if forgot {
                    prop_assert!(!l.contains("secret-ish"), "{}", l);
                }
            }
        }
    }

    #[test]
    fn conflict_copies_are_recognised_by_each_tools_naming() {
        for (name, of) in [
            (
                "history.sync-conflict-20261201-101010-ABCDEFG.jsonl",
                Some("history.jsonl"),
            ),
            (
                "history (Jane's conflicted copy 2026-12-01).jsonl",
                Some("history.jsonl"),
            ),
            (
                "history (conflicted copy 2026-12-01 101010).jsonl",
                Some("history.jsonl"),
            ),
            (
                "history_conflict-20261201-101010.jsonl",
                Some("history.jsonl"),
            ),
            (
                "state.sync-conflict-20261201-101010-ABCDEFG.json",
                Some("state.json"),
            ),
            (
                "state (Jane's conflicted copy 2026-12-01).json",
                Some("state.json"),
            ),
            ("history.jsonl", None),
            ("history.torn.1.jsonl", None),
            (".syncthing.history.jsonl.tmp", None),
            ("~syncthing~history.jsonl.tmp", None),
        ] {
            assert_eq!(conflict_copy_of(name), of, "{name}");
        }
    }

    #[test]
    fn the_second_log_adds_what_the_first_lacks() {
        let a = log(2, &[2, 2], "a");
        let b = log(2, &[2], "b");
        let u = union(&a, &[&b]);
        assert_eq!(u.added.len(), 1);
        assert_eq!(u.added[0].id, "b0");
        assert!(union(&u.bytes, &[&a, &b]).added.is_empty());
    }
}
