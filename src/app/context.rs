//! What a command works on: the clock reading, the checklist catalog, which account is meant,
//! the checklist each account follows, and the state opened for reading (no lock) or writing
//! (under the lock; an account is created only when asked for with its checklist, or when none
//! exists yet).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{AppError, Target};
use crate::checklist::{self, Catalog, Loaded, Origin, Resolved, Unavailable, Wanted};
use crate::guard::line;
use crate::ids::AccountName;
use crate::state::{Account, DEFAULT_ACCOUNT, State};
use crate::store::{self, Paths, Store};

/// Clock readings, passed in so commands never read the clock themselves.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

impl Clock {
    /// Reads the system clock: UTC now and the user's local date.
    pub fn system() -> Clock {
        Clock {
            now: Utc::now(),
            today: chrono::Local::now().date_naive(),
        }
    }
}

pub fn catalog(paths: &Paths) -> Catalog {
    Catalog::load(&crate::store::DiskFiles, paths.user_checklists().as_deref())
}

/// How an account names its checklist.
pub fn wanted(acct: &Account) -> Wanted<'_> {
    Wanted {
        id: acct.checklist.as_str(),
        file: acct.checklist_file.as_deref(),
        legacy: acct.seen.is_none(),
    }
}

/// The catalog with only the bundled checklists these accounts need.
fn catalog_for<'a>(paths: &Paths, accounts: impl Iterator<Item = &'a Account>) -> Catalog {
    let ids: Vec<&str> = accounts.map(|a| a.checklist.as_str()).collect();
    Catalog::load_only(
        &crate::store::DiskFiles,
        paths.user_checklists().as_deref(),
        &ids,
    )
}

/// Every account's checklist, or why it cannot be used.
pub fn resolve_all(
    paths: &Paths,
    state: &State,
) -> BTreeMap<AccountName, Result<Resolved, Unavailable>> {
    let cat = catalog_for(paths, state.accounts.values());
    state
        .accounts
        .iter()
        .map(|(name, a)| {
            (
                name.clone(),
                cat.resolve(&crate::store::DiskFiles, wanted(a)),
            )
        })
        .collect()
}

/// The account a command for one account means when none is named: "default" when it is
/// tracked, else the only account. None when nothing or several accounts are tracked.
pub fn implied_account(state: &State) -> Option<&str> {
    if state.accounts.contains_key(DEFAULT_ACCOUNT) {
        return Some(DEFAULT_ACCOUNT);
    }
    match state.accounts.len() {
        1 => state.accounts.keys().next().map(AccountName::as_str),
        _ => None,
    }
}

fn known(state: &State) -> Vec<String> {
    state.accounts.keys().map(ToString::to_string).collect()
}

/// `--checklist ID` / `--checklist-file PATH` name the checklist of a new account; for an
/// existing account that follows another one they are an error rather than silently ignored.
fn checklist_matches(target: &Target, name: &str, acct: &Account) -> Result<(), AppError> {
    if let Some(wanted) = &target.checklist
        && &acct.checklist != wanted
    {
        return Err(AppError::ChecklistMismatch {
            account: name.to_string(),
            has: acct.checklist.to_string(),
            wanted: wanted.clone(),
        });
    }
    if let Some(file) = &target.checklist_file {
        let file = std::path::absolute(file).unwrap_or_else(|_| file.clone());
        if acct.checklist_file.as_deref() != Some(file.as_path()) {
            return Err(AppError::FileMismatch {
                account: name.to_string(),
                has: match &acct.checklist_file {
                    Some(f) => format!("your file {}", f.display()),
                    None => format!("the bundled checklist '{}'", acct.checklist),
                },
                wanted: file.display().to_string(),
            });
        }
    }
    Ok(())
}

pub fn resolve_one(paths: &Paths, name: &str, acct: &Account) -> Result<Resolved, AppError> {
    catalog_for(paths, std::iter::once(acct))
        .into_resolved(&crate::store::DiskFiles, wanted(acct))
        .map_err(|source| AppError::Unavailable {
            account: name.to_string(),
            source,
        })
}

/// The state opened for writing, with the account the command works on.
pub struct ForWrite {
    pub store: Store,
    pub state: State,
    pub name: String,
    pub loaded: Loaded,
    /// What to tell the user about the account's checklist, once (said when the change is saved).
    pub notices: Vec<String>,
    /// The account was created just now.
    pub created: bool,
    /// Meeting its checklist changed the account (it must be saved even if nothing else is done).
    pub changed: bool,
}

/// Opens the state for writing. The account is `--account NAME` (or `LOCKSTEP_ACCOUNT`), else the
/// implied one; a missing account is created only when `--checklist`/`--checklist-file` is given
/// or no account exists yet. The account then meets its checklist (see [`Account::observe`]).
pub fn open_for_write(target: &Target, paths: &Paths, clock: Clock) -> Result<ForWrite, AppError> {
    open_writer(target, paths, clock, false)
}

/// Like [`open_for_write`], for the TUI: when several accounts are tracked and none is named or
/// implied, it opens the first one (the TUI then starts on its accounts screen).
pub fn open_for_tui(target: &Target, paths: &Paths, clock: Clock) -> Result<ForWrite, AppError> {
    open_writer(target, paths, clock, true)
}

fn open_writer(
    target: &Target,
    paths: &Paths,
    clock: Clock,
    tui: bool,
) -> Result<ForWrite, AppError> {
    let (store, loaded) = Store::open(paths, target.wait())?;
    // A command saves once; the TUI saves at every change.
    let store = if tui { store } else { store.for_one_save() };
    for w in &loaded.warnings {
        eprintln!("{}", line(w));
    }
    let mut state = loaded.state;
    let name = match target.named_account() {
        Some(n) => n.to_string(),
        None if state.accounts.is_empty() || target.wants_checklist() => DEFAULT_ACCOUNT.into(),
        None => match implied_account(&state) {
            Some(n) => n.to_string(),
            None if tui => state
                .accounts
                .keys()
                .next()
                .map(ToString::to_string)
                .expect("not empty"),
            None => return Err(AppError::SeveralAccounts(known(&state))),
        },
    };
    let mut notices = Vec::new();
    let (resolved, created) = match state.accounts.get(&name) {
        Some(a) => {
            checklist_matches(target, &name, a)?;
            (resolve_one(paths, &name, a)?, false)
        }
        None => {
            if !state.accounts.is_empty() && !target.wants_checklist() {
                return Err(AppError::UnknownAccount {
                    name,
                    known: known(&state),
                    creating: true,
                });
            }
            validate_account_name(&name)?;
            let (resolved, note) = new_checklist(target, paths)?;
            notices.extend(note);
            let mut a = Account::new(resolved.loaded.checklist.id.as_str(), clock.now);
            a.checklist_file = resolved.loaded.origin.path().map(|p| p.to_path_buf());
            state.accounts.insert(AccountName::from(name.clone()), a);
            (resolved, true)
        }
    };
    let acct = state.accounts.get_mut(&name).expect("present or created");
    let Resolved { loaded, unused } = resolved;
    let unused = if created { Vec::new() } else { unused };
    let before = acct.clone();
    notices.extend(acct.observe(&name, &loaded.checklist, &loaded.origin, &unused, clock.now));
    let changed = created || *acct != before;
    Ok(ForWrite {
        store,
        state,
        name,
        loaded,
        notices,
        created,
        changed,
    })
}

/// The checklist a new account asks for: `--checklist-file PATH`, else `--checklist ID` (or the
/// default checklist). A user file with a bundled checklist's id is not used by id: the note says
/// so and how to follow it.
pub fn new_checklist(
    target: &Target,
    paths: &Paths,
) -> Result<(Resolved, Option<String>), AppError> {
    if let Some(file) = &target.checklist_file {
        let loaded = checklist::load_followed(&crate::store::DiskFiles, file)?;
        if let Some(id) = &target.checklist
            && id != &loaded.checklist.id
        {
            return Err(AppError::FileIdMismatch {
                id: id.clone(),
                found: loaded.checklist.id.into_string(),
                file: file.display().to_string(),
            });
        }
        return Ok((
            Resolved {
                loaded,
                unused: Vec::new(),
            },
            None,
        ));
    }
    let id = target
        .checklist
        .clone()
        .unwrap_or_else(|| checklist::DEFAULT_CHECKLIST.to_string());
    let cat = Catalog::load_only(
        &crate::store::DiskFiles,
        paths.user_checklists().as_deref(),
        &[&id],
    );
    let resolved = cat
        .resolve(
            &crate::store::DiskFiles,
            Wanted {
                id: &id,
                file: None,
                legacy: false,
            },
        )
        .map_err(|source| AppError::Unavailable {
            account: target
                .named_account()
                .unwrap_or(DEFAULT_ACCOUNT)
                .to_string(),
            source,
        })?;
    let note = (!resolved.unused.is_empty()).then(|| {
        let files: Vec<String> = resolved
            .unused
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        format!(
            "your file {} also has the id '{id}'; it is not used: the account follows the bundled \
             checklist. To follow your file instead, start the account with --checklist-file PATH",
            files.join(", ")
        )
    });
    Ok((resolved, note))
}

pub fn validate_account_name(name: &str) -> Result<(), AppError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(AppError::InvalidAccountName(name.to_string()))
    }
}

/// The state read without the lock, with the account a read-only command works on.
pub struct ForRead {
    pub state: State,
    pub name: String,
    pub loaded: Loaded,
    /// What the next change will tell the user once (a read-only command says it every time).
    pub notices: Vec<String>,
}

impl ForRead {
    pub fn acct(&self) -> &Account {
        &self.state.accounts[&self.name]
    }
}

/// Read-only access: the state (without locking), the account and its checklist. None when no
/// account is tracked yet (or the one named is not, while nothing is tracked). Progress under a
/// checklist's former ids is shown where it belongs (in memory only).
pub fn open_read(
    target: &Target,
    paths: &Paths,
    clock: Clock,
) -> Result<Option<ForRead>, AppError> {
    let loaded = store::load(paths)?;
    for w in &loaded.warnings {
        eprintln!("{}", line(w));
    }
    let mut state = loaded.state;
    let name = match target.named_account() {
        Some(n) if state.accounts.contains_key(n) => n.to_string(),
        Some(_) if state.accounts.is_empty() => return Ok(None),
        Some(n) => {
            return Err(AppError::UnknownAccount {
                name: n.to_string(),
                known: known(&state),
                creating: false,
            });
        }
        None if state.accounts.is_empty() => return Ok(None),
        None => implied_account(&state)
            .map(String::from)
            .ok_or_else(|| AppError::SeveralAccounts(known(&state)))?,
    };
    let acct = state.accounts.get_mut(&name).expect("checked");
    checklist_matches(target, &name, acct)?;
    let Resolved { loaded, unused } = resolve_one(paths, &name, acct)?;
    let notices =
        acct.pending_notices(&name, &loaded.checklist, &loaded.origin, &unused, clock.now);
    acct.follow_aliases(&loaded.checklist, clock.now);
    Ok(Some(ForRead {
        state,
        name,
        loaded,
        notices,
    }))
}

/// Like [`open_read`], but no account is an error.
pub fn open_existing(target: &Target, paths: &Paths, clock: Clock) -> Result<ForRead, AppError> {
    open_read(target, paths, clock)?.ok_or_else(|| {
        AppError::NoProgress(
            target
                .named_account()
                .unwrap_or(DEFAULT_ACCOUNT)
                .to_string(),
        )
    })
}

/// Prints notices about an account's checklist on stderr; `later` when a read-only command
/// shows them (they are recorded, and not said again, at the next change).
pub fn print_notices(name: &str, notices: &[String], later: bool) {
    for n in notices {
        let when = if later {
            " (said until your next change is saved)"
        } else {
            ""
        };
        eprintln!(
            "lockstep: note: account '{}': {}{when}",
            line(name),
            line(n)
        );
    }
}

/// A file origin's path for messages, or "bundled".
pub fn origin_words(origin: &Origin) -> String {
    match origin {
        Origin::Bundled => "bundled".into(),
        Origin::File { path, .. } => format!("your file {}", path.display()),
    }
}
