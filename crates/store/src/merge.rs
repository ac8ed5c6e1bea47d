//! Three-way merge of states: when another lockstep saved since this one loaded (it can happen if
//! the lock file was deleted), this writer's changes are re-applied on top of what is on disk,
//! item by item (account, step, review, incident). Only an item changed on both sides, in
//! different ways, is a conflict.

use std::collections::{BTreeMap, BTreeSet};

use crate::state::{Account, Incident, State};

/// Merges `ours` (base + this writer's changes) with `theirs` (what is on disk now). Returns the
/// merged state, or the names of the items changed on both sides.
pub fn merge(base: &State, ours: &State, theirs: &State) -> Result<State, Vec<String>> {
    let mut conflicts = Vec::new();
    let accounts = merge_map(
        &base.accounts,
        &ours.accounts,
        &theirs.accounts,
        &mut conflicts,
        "account ",
        merge_account,
    );
    if conflicts.is_empty() {
        Ok(State {
            version: ours.version,
            rev: theirs.rev,
            accounts,
        })
    } else {
        Err(conflicts)
    }
}

/// Per key: whichever side changed wins; both changed alike is fine; both changed differently
/// goes to `inner` (when present on both sides) or is a conflict.
fn merge_map<V: Clone + PartialEq>(
    base: &BTreeMap<String, V>,
    ours: &BTreeMap<String, V>,
    theirs: &BTreeMap<String, V>,
    conflicts: &mut Vec<String>,
    label: &str,
    inner: impl Fn(Option<&V>, &V, &V, &mut Vec<String>, &str) -> Option<V>,
) -> BTreeMap<String, V> {
    let keys: BTreeSet<&String> = base
        .keys()
        .chain(ours.keys())
        .chain(theirs.keys())
        .collect();
    let mut out = BTreeMap::new();
    for k in keys {
        let (b, o, t) = (base.get(k), ours.get(k), theirs.get(k));
        let v = match (o, t) {
            _ if o == b => t.cloned(),
            _ if t == b || o == t => o.cloned(),
            (Some(o), Some(t)) => {
                let before = conflicts.len();
                let v = inner(b, o, t, conflicts, k);
                if v.is_none() && conflicts.len() == before {
                    conflicts.push(format!("{label}'{k}'"));
                }
                v.or_else(|| Some(t.clone()))
            }
            _ => {
                conflicts.push(format!("{label}'{k}'"));
                t.cloned()
            }
        };
        if let Some(v) = v {
            out.insert(k.clone(), v);
        }
    }
    out
}

fn merge_account(
    base: Option<&Account>,
    ours: &Account,
    theirs: &Account,
    conflicts: &mut Vec<String>,
    name: &str,
) -> Option<Account> {
    let base = base?;
    let before = conflicts.len();
    for (what, b, o, t) in [
        (
            "checklist",
            &base.checklist,
            &ours.checklist,
            &theirs.checklist,
        ),
        (
            "personas",
            &base.personas.join(","),
            &ours.personas.join(","),
            &theirs.personas.join(","),
        ),
    ] {
        if o != b && t != b && o != t {
            conflicts.push(format!("the {what} of account '{name}'"));
        }
    }
    let pick = |b: bool| if b { theirs } else { ours };
    let steps = merge_map(
        &base.steps,
        &ours.steps,
        &theirs.steps,
        conflicts,
        "step ",
        |_, _, _, _, _| None,
    );
    let reviews = merge_map(
        &base.reviews,
        &ours.reviews,
        &theirs.reviews,
        conflicts,
        "review ",
        |_, _, _, _, _| None,
    );
    let incidents = merge_incidents(
        &base.incidents,
        &ours.incidents,
        &theirs.incidents,
        conflicts,
    );
    (conflicts.len() == before).then(|| Account {
        checklist: pick(ours.checklist == base.checklist).checklist.clone(),
        personas: pick(ours.personas == base.personas).personas.clone(),
        personas_chosen: ours.personas_chosen || theirs.personas_chosen,
        created: base.created,
        setup_started: match (base.setup_started, ours.setup_started, theirs.setup_started) {
            (_, Some(o), Some(t)) => Some(o.min(t)),
            (_, o, t) => o.or(t),
        },
        steps,
        reviews,
        incidents,
        label: pick(ours.label == base.label).label.clone(),
        checklist_file: pick(ours.checklist_file == base.checklist_file)
            .checklist_file
            .clone(),
        seen: pick(ours.seen == base.seen).seen.clone(),
        former_names: pick(ours.former_names == base.former_names)
            .former_names
            .clone(),
        new_events: ours.new_events.clone(),
    })
}

fn merge_incidents(
    base: &[Incident],
    ours: &[Incident],
    theirs: &[Incident],
    conflicts: &mut Vec<String>,
) -> Vec<Incident> {
    let by_id = |v: &[Incident]| -> BTreeMap<String, Incident> {
        v.iter()
            .map(|i| (format!("{:010}", i.id), i.clone()))
            .collect()
    };
    merge_map(
        &by_id(base),
        &by_id(ours),
        &by_id(theirs),
        conflicts,
        "incident ",
        |_, _, _, _, _| None,
    )
    .into_values()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, parse};
    use chrono::DateTime;

    fn setup() -> (crate::checklist::Checklist, State) {
        let cl = parse("c.json", BUNDLED[0].1).unwrap();
        let mut s = State::default();
        let mut a = Account::new("crypto-com", DateTime::UNIX_EPOCH);
        a.new_events.clear();
        s.accounts.insert("default".into(), a);
        (cl, s)
    }

    #[test]
    fn changes_to_different_steps_merge() {
        let (cl, base) = setup();
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        let now = DateTime::UNIX_EPOCH;
        ours.accounts
            .get_mut("default")
            .unwrap()
            .check(&cl, "totp-2fa", now)
            .unwrap();
        theirs
            .accounts
            .get_mut("default")
            .unwrap()
            .check(&cl, "passkeys", now)
            .unwrap();
        let m = merge(&base, &ours, &theirs).unwrap();
        let a = &m.accounts["default"];
        assert!(a.status("totp-2fa").is_done() && a.status("passkeys").is_done());
        // A new account on one side and a change on the other also merge.
        theirs
            .accounts
            .insert("other".into(), Account::new("crypto-com", now));
        let m = merge(&base, &ours, &theirs).unwrap();
        assert_eq!(m.accounts.len(), 2);
    }

    #[test]
    fn a_snooze_merged_from_either_writer_keeps_the_day_it_was_set() {
        let (cl, mut base) = setup();
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let now = DateTime::UNIX_EPOCH;
        let a = base.accounts.get_mut("default").unwrap();
        a.complete_review(&cl, "monthly", now, day(1)).unwrap();
        let snoozed = |s: &mut State| {
            s.accounts
                .get_mut("default")
                .unwrap()
                .set_snooze(&cl, "monthly", Some((day(25), day(28))), now)
                .unwrap();
        };
        let checked = |s: &mut State| {
            s.accounts
                .get_mut("default")
                .unwrap()
                .check(&cl, "totp-2fa", now)
                .unwrap();
        };
        for snooze_is_ours in [true, false] {
            let (mut ours, mut theirs) = (base.clone(), base.clone());
            if snooze_is_ours {
                snoozed(&mut ours);
                checked(&mut theirs);
            } else {
                checked(&mut ours);
                snoozed(&mut theirs);
            }
            let m = merge(&base, &ours, &theirs).unwrap();
            let r = &m.accounts["default"].reviews["monthly"];
            assert_eq!(
                (r.snoozed_on, r.snoozed_until),
                (Some(day(25)), Some(day(28))),
                "snooze is ours: {snooze_is_ours}"
            );
            assert!(m.accounts["default"].status("totp-2fa").is_done());
        }
    }

    #[test]
    fn the_same_step_changed_differently_is_a_conflict() {
        let (cl, base) = setup();
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        let now = DateTime::UNIX_EPOCH;
        ours.accounts
            .get_mut("default")
            .unwrap()
            .check(&cl, "totp-2fa", now)
            .unwrap();
        theirs
            .accounts
            .get_mut("default")
            .unwrap()
            .skip(&cl, "totp-2fa", "later", now)
            .unwrap();
        let e = merge(&base, &ours, &theirs).unwrap_err();
        assert_eq!(e, vec!["step 'totp-2fa'".to_string()]);
    }
}
