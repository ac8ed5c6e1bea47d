//! The worst day with several accounts and none named: `lockstep card` prints a card per
//! checklist the accounts follow (naming them), and `lockstep compromised` prints the emergency
//! steps of those checklists before refusing (it cannot guess which account is compromised).

use super::output::out;
use super::{AppError, ExitStatus};
use crate::app::{Clock, resolve_all};
use crate::checklist::Loaded;
use crate::export;
use crate::guard::{clean, line};
use crate::store::{self, Paths};

/// Between two cards.
const BETWEEN_CARDS: &str =
    "\n========================================================================\n\n";

/// The checklists the tracked accounts follow, each with its accounts ("Label (name)"), in the
/// order of their first account. An account whose checklist cannot be used is warned about.
fn by_checklist(paths: &Paths) -> Result<Vec<(Loaded, Vec<String>)>, AppError> {
    let state = store::load(paths)?.state;
    let mut groups: Vec<(Loaded, Vec<String>)> = Vec::new();
    for (name, resolved) in resolve_all(paths, &state) {
        let loaded = match resolved {
            Ok(r) => r.loaded,
            Err(source) => {
                let e = AppError::Unavailable {
                    account: name.to_string(),
                    source,
                };
                eprintln!("lockstep: warning: {}", clean(&e.to_string(), true));
                continue;
            }
        };
        let shown = state.accounts[&name].label_and_name(name.as_str());
        let same =
            |l: &Loaded| l.checklist == loaded.checklist && l.describe() == loaded.describe();
        match groups.iter_mut().find(|(l, _)| same(l)) {
            Some((_, names)) => names.push(shown),
            None => groups.push((loaded, vec![shown])),
        }
    }
    Ok(groups)
}

/// `lockstep card` with several accounts and none named: one card per checklist, naming the
/// accounts that follow it (one card when all follow the same checklist).
pub(super) fn cards(
    paths: &Paths,
    names: Vec<String>,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    let groups = by_checklist(paths)?;
    if groups.is_empty() {
        return Err(AppError::SeveralAccounts(names));
    }
    let mut text = String::new();
    for (i, (loaded, accounts)) in groups.iter().enumerate() {
        if i > 0 {
            text.push_str(BETWEEN_CARDS);
        }
        let who = match accounts.as_slice() {
            [one] => format!("Account: {}.", line(one)),
            many => format!(
                "Accounts: {} (all follow this checklist).",
                many.iter().map(|a| line(a)).collect::<Vec<_>>().join(", ")
            ),
        };
        let about = format!(
            "{who} Checklist: {}. Printed {}.",
            loaded.describe(),
            clock.today
        );
        text.push_str(&export::card(&loaded.checklist, Some(&about)));
    }
    out(&text)?;
    Ok(0)
}

/// `lockstep compromised` with several accounts and none named: nothing is recorded, but the
/// emergency steps of every checklist the accounts follow are printed first; then the refusal,
/// which names the accounts and the command to run.
pub(super) fn emergency_steps_then_refuse(
    paths: &Paths,
    names: Vec<String>,
) -> Result<ExitStatus, AppError> {
    let mut s = String::new();
    for (loaded, accounts) in by_checklist(paths)? {
        s.push_str(&format!(
            "Emergency steps for {} (checklist: {}), in order:\n",
            accounts.join(", "),
            loaded.describe()
        ));
        match loaded.checklist.emergency() {
            Some(em) => s.push_str(&super::write::emergency_steps(em, |_| false)),
            None => s.push_str(
                "  This checklist has no emergency steps: contact the service's support directly.\n",
            ),
        }
        s.push('\n');
    }
    s.push_str("No incident was opened: name the account (see below).\n");
    out(&clean(&s, true))?;
    Err(AppError::WhichCompromised(names))
}
