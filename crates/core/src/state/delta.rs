//! What one saved change did to the state, item by item (an account's own fields, one step, one
//! review, the parts of one incident). Each change in the history log carries its delta, so the
//! state is the log's deltas applied in order: a snapshot behind the log is caught up from it, a
//! lost snapshot is rebuilt from it, and two writers' changes combine item by item (the later
//! change to the same item wins; both stay in the history).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Not;

use crate::ids::{AccountName, SectionId, StepId};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{Account, Closure, Incident, LogEntry, Review, ReviewBefore, State, StepState};

/// The changes of one save.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delta {
    /// Start from no accounts: the delta then holds every account whole (the baseline written
    /// when a data directory of an older format is first saved).
    #[serde(default, skip_serializing_if = "Not::not")]
    pub reset: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub accounts: BTreeMap<AccountName, AccountDelta>,
}

/// The changes to one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountDelta {
    /// The account is no longer tracked (removed, or renamed to another name).
    #[serde(default, skip_serializing_if = "Not::not")]
    pub removed: bool,
    /// The account's own fields (with no steps, reviews or incidents), when any of them changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Box<Account>>,
    /// Steps whose record changed; `null`: no record any more.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<StepId, Option<StepState>>,
    /// Reviews whose record changed; `null`: no record any more.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reviews: BTreeMap<SectionId, Option<Review>>,
    /// Incidents that are new or changed, by [`Incident::key`] (not by number: two machines
    /// may have given one number to two incidents).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub incidents: BTreeMap<String, IncidentDelta>,
    /// Incidents no longer in the account, by key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents_removed: Vec<String>,
}

/// The changes to one incident: whole when new (or changed in a way the parts cannot say),
/// else only its parts, so that a note added by one writer and a step ticked by another both
/// stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentDelta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whole: Option<Box<Incident>>,
    /// Emergency steps ticked (when) or un-ticked (`null`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<StepId, Option<DateTime<Utc>>>,
    /// Log entries added at the end.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_added: Vec<LogEntry>,
    /// The incident was closed (or cancelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews_before: Option<BTreeMap<SectionId, ReviewBefore>>,
}

impl Delta {
    /// True when the delta changes nothing.
    pub fn is_empty(&self) -> bool {
        !self.reset && self.accounts.is_empty()
    }

    /// A baseline: every account of `state` whole, replacing whatever came before.
    pub fn baseline(state: &State) -> Delta {
        Delta {
            reset: true,
            ..diff(&State::default(), state)
        }
    }

    /// The items the delta changes, as `account/step:ID` ... (to tell when two writers changed
    /// the same item).
    pub fn items(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (name, d) in &self.accounts {
            if d.removed || d.fields.is_some() {
                out.insert(format!("account '{name}'"));
            }
            out.extend(d.steps.keys().map(|k| format!("step '{k}' of '{name}'")));
            out.extend(
                d.reviews
                    .keys()
                    .map(|k| format!("review '{k}' of '{name}'")),
            );
            for (key, i) in &d.incidents {
                // Named by number where the delta says it; the key is what tells them apart.
                let id = i
                    .whole
                    .as_ref()
                    .map_or_else(|| key.clone(), |w| format!("#{}", w.id));
                if i.whole.is_some() || i.closed.is_some() {
                    out.insert(format!("incident {id} of '{name}' ({key})"));
                }
                out.extend(
                    i.steps.keys().map(|k| {
                        format!("emergency step '{k}' of incident {id} of '{name}' ({key})")
                    }),
                );
            }
        }
        out
    }
}

/// An account's own fields: the account without its steps, reviews, incidents and unsaved
/// events.
fn head(a: &Account) -> Account {
    Account {
        steps: BTreeMap::new(),
        reviews: BTreeMap::new(),
        incidents: Vec::new(),
        new_events: Vec::new(),
        ..a.clone()
    }
}

fn same_head(a: &Account, b: &Account) -> bool {
    a.checklist == b.checklist
        && a.personas == b.personas
        && a.personas_chosen == b.personas_chosen
        && a.created == b.created
        && a.setup_started == b.setup_started
        && a.label == b.label
        && a.checklist_file == b.checklist_file
        && a.seen == b.seen
        && a.former_names == b.former_names
}

/// Per key of either map: the new value where it differs (`None`: gone).
fn diff_map<K: Clone + Ord, V: Clone + PartialEq>(
    old: &BTreeMap<K, V>,
    new: &BTreeMap<K, V>,
) -> BTreeMap<K, Option<V>> {
    let keys: BTreeSet<&K> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| (k.clone(), new.get(k).cloned()))
        .collect()
}

fn diff_incident(old: &Incident, new: &Incident) -> Option<IncidentDelta> {
    if old == new {
        return None;
    }
    let whole = old.opened != new.opened
        || !new.log.starts_with(&old.log)
        || (old.closed.is_some() && old.closed != new.closed);
    if whole {
        return Some(IncidentDelta {
            whole: Some(Box::new(new.clone())),
            ..IncidentDelta::default()
        });
    }
    let keys: BTreeSet<&StepId> = old.steps.keys().chain(new.steps.keys()).collect();
    Some(IncidentDelta {
        whole: None,
        steps: keys
            .into_iter()
            .filter(|k| old.steps.get(*k) != new.steps.get(*k))
            .map(|k| (k.clone(), new.steps.get(k).copied()))
            .collect(),
        log_added: new.log[old.log.len()..].to_vec(),
        closed: (old.closed != new.closed)
            .then(|| new.closed.clone())
            .flatten(),
        reviews_before: (old.reviews_before != new.reviews_before)
            .then(|| new.reviews_before.clone()),
    })
}

fn diff_account(old: Option<&Account>, new: &Account) -> Option<AccountDelta> {
    // Most accounts are untouched by a change: an equal one has no delta, found without
    // building the item lists below.
    if old == Some(new) {
        return None;
    }
    let empty = BTreeMap::new();
    let fields = old
        .is_none_or(|o| !same_head(o, new))
        .then(|| Box::new(head(new)));
    let steps = diff_map(old.map_or(&empty, |o| &o.steps), &new.steps);
    let no_reviews = BTreeMap::new();
    let reviews = diff_map(old.map_or(&no_reviews, |o| &o.reviews), &new.reviews);
    let old_incidents = old.map_or(&[][..], |o| o.incidents.as_slice());
    let mut incidents = BTreeMap::new();
    for i in &new.incidents {
        let key = i.key();
        let d = match old_incidents.iter().find(|o| o.key() == key) {
            Some(o) => diff_incident(o, i),
            None => Some(IncidentDelta {
                whole: Some(Box::new(i.clone())),
                ..IncidentDelta::default()
            }),
        };
        if let Some(d) = d {
            incidents.insert(key, d);
        }
    }
    let incidents_removed: Vec<String> = old_incidents
        .iter()
        .map(Incident::key)
        .filter(|k| !new.incidents.iter().any(|i| i.key() == *k))
        .collect();
    let d = AccountDelta {
        removed: false,
        fields,
        steps,
        reviews,
        incidents,
        incidents_removed,
    };
    (d != AccountDelta::default()).then_some(d)
}

/// What changed from `old` to `new`, item by item (the save counter and the unsaved events are
/// not part of it).
pub fn diff(old: &State, new: &State) -> Delta {
    let mut accounts = BTreeMap::new();
    for (name, a) in &new.accounts {
        if let Some(d) = diff_account(old.accounts.get(name), a) {
            accounts.insert(name.clone(), d);
        }
    }
    for name in old.accounts.keys() {
        if !new.accounts.contains_key(name) {
            accounts.insert(
                name.clone(),
                AccountDelta {
                    removed: true,
                    ..AccountDelta::default()
                },
            );
        }
    }
    Delta {
        reset: false,
        accounts,
    }
}

fn apply_map<K: Clone + Ord, V: Clone>(map: &mut BTreeMap<K, V>, changes: &BTreeMap<K, Option<V>>) {
    for (k, v) in changes {
        match v {
            Some(v) => {
                map.insert(k.clone(), v.clone());
            }
            None => {
                map.remove(k);
            }
        }
    }
}

/// An incident that came in with a number the account already gives another incident (two
/// machines opened one each before they synced): it takes the next free number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renumbered {
    pub account: AccountName,
    /// The incident's key ([`Incident::key`]).
    pub key: String,
    /// Its number where it was opened, and here.
    pub from: u32,
    pub to: u32,
}

/// The number a new incident takes here: its own when free, else one past the highest (or, past
/// the last number there is, the lowest free one: never one that is taken).
fn number_for(incidents: &[Incident], wanted: u32) -> u32 {
    let taken = |n: u32| incidents.iter().any(|i| i.id == n);
    if !taken(wanted) {
        return wanted;
    }
    let max = incidents.iter().map(|i| i.id).max().unwrap_or(0);
    match max.checked_add(1) {
        Some(n) => n,
        None => (1..=u32::MAX).find(|n| !taken(*n)).unwrap_or(wanted),
    }
}

fn apply_incident(
    incidents: &mut Vec<Incident>,
    key: &str,
    d: &IncidentDelta,
    number: Option<u32>,
) {
    if let Some(w) = &d.whole {
        let mut w = (**w).clone();
        if w.uid.is_empty() && key != format!("n{}", w.id) {
            w.uid = key.to_string();
        }
        match incidents.iter_mut().find(|i| i.key() == key) {
            // The number it has here stays (a merge may have given it another than its own).
            Some(i) => {
                w.id = i.id;
                *i = w;
            }
            None => {
                w.id = number.unwrap_or(w.id);
                incidents.push(w);
                incidents.sort_by_key(|i| i.id);
            }
        }
        return;
    }
    // Parts of an incident this state does not have (removed meanwhile) have nothing to join.
    let Some(i) = incidents.iter_mut().find(|i| i.key() == key) else {
        return;
    };
    for (step, at) in &d.steps {
        match at {
            Some(at) => {
                i.steps.insert(step.clone(), *at);
            }
            None => {
                i.steps.remove(step);
            }
        }
    }
    // Idempotent, like every other part: a change read twice adds its entries once.
    if !i.log.ends_with(&d.log_added) {
        i.log.extend(d.log_added.iter().cloned());
    }
    if let Some(c) = &d.closed {
        i.closed = Some(c.clone());
    }
    if let Some(rb) = &d.reviews_before {
        i.reviews_before = rb.clone();
    }
}

/// Applies a delta. A change to an account this state does not have, and that does not bring
/// the account's fields, has nothing to join and is left out (the account was removed by a
/// change made meanwhile; the change stays in the history). Returns the incidents that came in
/// with a number already taken here, and the one each got instead (the delta's steps waiting
/// for re-verification name the new number too).
pub fn apply(state: &mut State, delta: &Delta) -> Vec<Renumbered> {
    let mut renumbered = Vec::new();
    if delta.reset {
        state.accounts.clear();
    }
    for (name, d) in &delta.accounts {
        if d.removed {
            state.accounts.remove(name);
            continue;
        }
        let account = match (state.accounts.get_mut(name), &d.fields) {
            (Some(a), Some(f)) => {
                let keep = (
                    std::mem::take(&mut a.steps),
                    std::mem::take(&mut a.reviews),
                    std::mem::take(&mut a.incidents),
                    std::mem::take(&mut a.new_events),
                );
                *a = head(f);
                (a.steps, a.reviews, a.incidents, a.new_events) = keep;
                a
            }
            (Some(a), None) => a,
            (None, Some(f)) => state.accounts.entry(name.clone()).or_insert(head(f)),
            (None, None) => continue,
        };
        account
            .incidents
            .retain(|i| !d.incidents_removed.contains(&i.key()));
        // New incidents first: the steps they reopened name their number.
        let mut numbers = BTreeMap::new();
        let mut moved = BTreeMap::new();
        for (key, i) in &d.incidents {
            let Some(w) = &i.whole else { continue };
            if account.incidents.iter().any(|x| x.key() == *key) {
                continue;
            }
            let n = number_for(&account.incidents, w.id);
            if n != w.id {
                moved.insert(w.id, n);
                renumbered.push(Renumbered {
                    account: name.clone(),
                    key: key.clone(),
                    from: w.id,
                    to: n,
                });
            }
            numbers.insert(key.clone(), n);
            apply_incident(&mut account.incidents, key, i, Some(n));
        }
        let mut steps = d.steps.clone();
        if !moved.is_empty() {
            for s in steps.values_mut().flatten() {
                if let super::model::Status::Reverify { incident, .. } = &mut s.status
                    && let Some(n) = moved.get(incident)
                {
                    *incident = *n;
                }
            }
        }
        apply_map(&mut account.steps, &steps);
        apply_map(&mut account.reviews, &d.reviews);
        for (key, i) in &d.incidents {
            if !numbers.contains_key(key) {
                apply_incident(&mut account.incidents, key, i, None);
            }
        }
    }
    renumbered
}

/// Removes the text of `step`'s note in `account` from a delta (`lockstep forget`): the note
/// becomes none wherever the delta sets it. Returns true when the delta held such a note.
pub fn purge_note(delta: &mut Delta, account: &str, step: &str) -> bool {
    let Some(d) = delta.accounts.get_mut(account) else {
        return false;
    };
    match d.steps.get_mut(step) {
        Some(Some(s)) if s.note.is_some() => {
            s.note = None;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, Checklist, parse};
    use chrono::{NaiveDate, TimeZone};

    fn cl() -> Checklist {
        parse("c.json", BUNDLED[0].1).unwrap()
    }

    fn at(min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 10, min, 0).unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    /// A state after a run of every kind of change, one step at a time.
    fn steps() -> Vec<State> {
        let cl = cl();
        let mut s = State::default();
        let mut out = vec![s.clone()];
        let mut push = |s: &State| {
            let mut c = s.clone();
            for a in c.accounts.values_mut() {
                a.new_events.clear();
            }
            out.push(c);
        };
        s.accounts
            .insert("default".into(), Account::new("crypto-com", at(0)));
        push(&s);
        let a = s.accounts.get_mut("default").unwrap();
        a.check(&cl, "totp-2fa", at(1)).unwrap();
        a.settle(day());
        push(&s);
        let a = s.accounts.get_mut("default").unwrap();
        a.set_note(&cl, "totp-2fa", "app on the old phone", at(2))
            .unwrap();
        a.skip(&cl, "passkeys", "later", at(3)).unwrap();
        push(&s);
        let a = s.accounts.get_mut("default").unwrap();
        a.complete_review(&cl, "monthly", at(4), day()).unwrap();
        push(&s);
        let a = s.accounts.get_mut("default").unwrap();
        let id = a.open_compromise(&cl, at(5)).unwrap();
        push(&s);
        let a = s.accounts.get_mut("default").unwrap();
        a.toggle_emergency_step(&cl, "c-lock", at(6)).unwrap();
        a.incident_note("called support", Some("12345"), at(7))
            .unwrap();
        push(&s);
        let a = s.accounts.get_mut("default").unwrap();
        a.close_incident("all clear", at(8)).unwrap();
        assert_eq!(id, 1);
        push(&s);
        s.accounts
            .insert("mom".into(), Account::new("crypto-com", at(9)));
        push(&s);
        s.accounts.remove("mom");
        push(&s);
        out
    }

    #[test]
    fn each_delta_replays_its_change_exactly() {
        let states = steps();
        let mut replayed = State::default();
        for pair in states.windows(2) {
            let d = diff(&pair[0], &pair[1]);
            assert!(!d.is_empty());
            // Through its JSON form, as in the log.
            let d: Delta = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
            apply(&mut replayed, &d);
            assert_eq!(replayed.accounts, pair[1].accounts);
        }
        let last = states.last().unwrap();
        let mut from_baseline = steps()[3].clone();
        apply(&mut from_baseline, &Delta::baseline(last));
        assert_eq!(from_baseline.accounts, last.accounts);
        assert!(diff(last, last).is_empty());
    }

    #[test]
    fn two_writers_on_one_incident_both_stay() {
        let cl = cl();
        let states = steps();
        let base = states[6].clone();
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        ours.accounts
            .get_mut("default")
            .unwrap()
            .toggle_emergency_step(&cl, "c-support", at(20))
            .unwrap();
        theirs
            .accounts
            .get_mut("default")
            .unwrap()
            .incident_note("changed the email password", None, at(21))
            .unwrap();
        let (d_ours, d_theirs) = (diff(&base, &ours), diff(&base, &theirs));
        assert!(d_ours.items().is_disjoint(&d_theirs.items()));
        let mut merged = base.clone();
        apply(&mut merged, &d_theirs);
        apply(&mut merged, &d_ours);
        let i = merged.accounts["default"].open_incident().unwrap();
        assert!(i.steps.contains_key("c-support") && i.steps.contains_key("c-lock"));
        assert_eq!(i.log.len(), 2, "{:?}", i.log);
    }

    #[test]
    fn the_later_change_to_one_step_wins_and_is_named() {
        let cl = cl();
        let base = steps()[2].clone();
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        ours.accounts
            .get_mut("default")
            .unwrap()
            .uncheck(&cl, "totp-2fa", at(30))
            .unwrap();
        theirs
            .accounts
            .get_mut("default")
            .unwrap()
            .skip(&cl, "totp-2fa", "no phone", at(31))
            .unwrap();
        let (d_ours, d_theirs) = (diff(&base, &ours), diff(&base, &theirs));
        let both: Vec<_> = d_ours
            .items()
            .intersection(&d_theirs.items())
            .cloned()
            .collect();
        assert_eq!(both, vec!["step 'totp-2fa' of 'default'".to_string()]);
        let mut merged = theirs.clone();
        apply(&mut merged, &d_ours);
        assert_eq!(
            merged.accounts["default"].status("totp-2fa"),
            ours.accounts["default"].status("totp-2fa")
        );
    }

    #[test]
    fn two_incidents_given_one_number_stay_two() {
        let cl = cl();
        // Incident #1 closed, from before uids: its key is its number.
        let mut base = steps()[7].clone();
        base.accounts
            .get_mut("default")
            .unwrap()
            .check(&cl, "lock-switch", at(39))
            .unwrap();
        let open = |s: &State, uid: &str, min: u32| {
            let mut s = s.clone();
            let a = s.accounts.get_mut("default").unwrap();
            assert_eq!(a.open_compromise(&cl, at(min)).unwrap(), 2);
            a.incidents.last_mut().unwrap().uid = uid.into();
            a.incident_note(uid, None, at(min + 1)).unwrap();
            s
        };
        let (ours, theirs) = (open(&base, "u-ours", 40), open(&base, "u-theirs", 42));
        let d_ours = diff(&base, &ours);
        assert!(d_ours.accounts["default"].incidents.contains_key("u-ours"));
        let mut merged = theirs.clone();
        let moved = apply(&mut merged, &d_ours);
        assert_eq!(
            moved,
            vec![Renumbered {
                account: "default".into(),
                key: "u-ours".into(),
                from: 2,
                to: 3
            }]
        );
        let a = &merged.accounts["default"];
        let numbered: Vec<(u32, &str, &str)> = a
            .incidents
            .iter()
            .map(|i| {
                (
                    i.id,
                    i.uid.as_str(),
                    i.log.first().map_or("", |l| l.text.as_str()),
                )
            })
            .collect();
        assert_eq!(
            numbered,
            [
                (1, "", "called support"),
                (2, "u-theirs", "u-theirs"),
                (3, "u-ours", "u-ours")
            ]
        );
        // The steps the later incident reopened name its number here.
        assert!(matches!(
            a.status("lock-switch"),
            crate::state::Status::Reverify { incident: 3, .. }
        ));
        // Its later changes (by key) reach it, and it keeps its number here.
        let mut ours2 = ours.clone();
        ours2
            .accounts
            .get_mut("default")
            .unwrap()
            .toggle_emergency_step(&cl, "c-lock", at(45))
            .unwrap();
        assert!(apply(&mut merged, &diff(&ours, &ours2)).is_empty());
        let a = &merged.accounts["default"];
        assert!(a.incidents[2].steps.contains_key("c-lock"));
        assert!(a.incidents[1].steps.is_empty());
        // Applied again (a change read twice), nothing moves.
        assert!(apply(&mut merged, &d_ours).is_empty());
        assert_eq!(merged.accounts["default"].incidents.len(), 3);
    }

    #[test]
    fn a_new_incident_never_takes_a_number_that_is_taken() {
        let inc = |id: u32| Incident {
            id,
            uid: format!("u{id}"),
            opened: at(0),
            steps: BTreeMap::new(),
            log: Vec::new(),
            closed: None,
            reviews_before: BTreeMap::new(),
        };
        assert_eq!(number_for(&[inc(1), inc(2)], 3), 3);
        assert_eq!(number_for(&[inc(1), inc(2)], 2), 3);
        assert_eq!(number_for(&[inc(1), inc(u32::MAX)], u32::MAX), 2);
    }

    #[test]
    fn a_purged_note_leaves_the_delta() {
        let states = steps();
        let mut d = diff(&states[2], &states[3]);
        assert!(serde_json::to_string(&d).unwrap().contains("old phone"));
        assert!(purge_note(&mut d, "default", "totp-2fa"));
        assert!(!serde_json::to_string(&d).unwrap().contains("old phone"));
        assert!(!purge_note(&mut d, "default", "passkeys"));
    }
}
