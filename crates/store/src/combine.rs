//! What a save does to combine this writer's change with what is on disk, beyond the item-by-item
//! delta: incidents get their unique ids, and one that arrives with a number another writer gave
//! meanwhile takes the next one.

use super::record;
use crate::state::delta;
use crate::state::{Event, State};

/// Applies this writer's change on top of what is on disk. Where another writer opened an
/// incident with the same number meanwhile, this one takes the next, and so do this save's
/// events about it; returns what to tell the user.
pub(super) fn apply_renumbering(
    merged: &mut State,
    ours: &delta::Delta,
    events: &mut [(String, Event)],
) -> Vec<String> {
    let mut notices = Vec::new();
    for r in delta::apply(merged, ours) {
        for (account, e) in events.iter_mut() {
            if *account == r.account
                && let Some((n, uid)) = e.kind.incident_mut()
                && *uid == r.key
            {
                *n = r.to;
            }
        }
        notices.push(format!(
            "another lockstep opened incident #{} of '{}' meanwhile; the one opened here is \
             incident #{} (both are kept)",
            r.from, r.account, r.to
        ));
    }
    notices
}

/// Gives each incident that is new in `state` (not in `base`) a unique id, and this save's
/// events about it the same id, so that two incidents given one number by two writers (two
/// machines, or a TUI and a command line) stay two.
pub(super) fn give_uids(base: &State, state: &mut State, events: &mut [(String, Event)]) {
    for (name, a) in &mut state.accounts {
        let old = base.accounts.get(name);
        for i in &mut a.incidents {
            let key = i.key();
            if old.is_some_and(|o| o.incidents.iter().any(|x| x.key() == key)) {
                continue;
            }
            if i.uid.is_empty() {
                i.uid = record::new_id();
            }
            for (account, e) in events.iter_mut() {
                if account == name
                    && let Some((n, uid)) = e.kind.incident_mut()
                    && *n == i.id
                    && uid.is_empty()
                {
                    uid.clone_from(&i.uid);
                }
            }
        }
    }
}
