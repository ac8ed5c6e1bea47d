//! What a command works on: the clock reading, the checklist catalog, and the state opened for
//! reading (no lock) or writing (under the lock, creating the account when needed).

use chrono::{DateTime, NaiveDate, Utc};

use super::{Cli, CliError};
use crate::checklist::{self, Catalog, Checklist};
use crate::guard::line;
use crate::state::{Account, State};
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
    Catalog::load(paths.user_checklists().as_deref())
}

/// The catalog with only the bundled checklists these ids need.
pub(super) fn catalog_for(paths: &Paths, ids: &[&str]) -> Catalog {
    Catalog::load_only(paths.user_checklists().as_deref(), ids)
}

/// Resolves the checklist for an account; a broken user checklist is named in the error.
pub(super) fn checklist_for(cat: &Catalog, id: &str) -> Result<Checklist, CliError> {
    cat.get(id)
        .cloned()
        .ok_or_else(|| CliError::ChecklistUnavailable {
            id: id.to_string(),
            broken: cat.errors.iter().map(|e| e.to_string()).collect(),
        })
}

/// Opens the state for writing, creating the account if needed. Returns store, state, checklist.
pub fn open_for_write(
    cli: &Cli,
    paths: &Paths,
    clock: Clock,
) -> Result<(Store, State, Checklist), CliError> {
    let (st, loaded) = Store::open(paths, cli.wait())?;
    for w in &loaded.warnings {
        eprintln!("{}", line(w));
    }
    let mut state = loaded.state;
    let name = cli.account_name();
    let id = match (state.accounts.get(name), &cli.checklist) {
        (Some(a), _) => {
            checklist_matches(cli, name, a)?;
            a.checklist.clone()
        }
        (None, wanted) => wanted
            .clone()
            .unwrap_or_else(|| checklist::DEFAULT_CHECKLIST.to_string()),
    };
    let cl = checklist_for(&catalog(paths), &id)?;
    if !state.accounts.contains_key(name) {
        validate_account_name(name)?;
        state
            .accounts
            .insert(name.to_string(), Account::new(&id, clock.now));
    }
    Ok((st, state, cl))
}

fn validate_account_name(name: &str) -> Result<(), CliError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(CliError::InvalidAccountName(name.to_string()))
    }
}

/// `--checklist ID` names the checklist of a new account; for an existing account that follows
/// another checklist it is an error rather than silently ignored.
fn checklist_matches(cli: &Cli, name: &str, acct: &Account) -> Result<(), CliError> {
    match &cli.checklist {
        Some(wanted) if &acct.checklist != wanted => Err(CliError::ChecklistMismatch {
            account: name.to_string(),
            has: acct.checklist.clone(),
            wanted: wanted.clone(),
        }),
        _ => Ok(()),
    }
}

/// Read-only access: the state (without locking) and the account's checklist, if the account exists.
pub(super) fn open_read(cli: &Cli, paths: &Paths) -> Result<Option<(State, Checklist)>, CliError> {
    let loaded = store::load(paths)?;
    for w in &loaded.warnings {
        eprintln!("{}", line(w));
    }
    let Some(acct) = loaded.state.accounts.get(cli.account_name()) else {
        return Ok(None);
    };
    checklist_matches(cli, cli.account_name(), acct)?;
    let cl = checklist_for(&catalog_for(paths, &[&acct.checklist]), &acct.checklist)?;
    Ok(Some((loaded.state, cl)))
}

/// Like [`open_read`], but a missing account is an error.
pub(super) fn open_existing(cli: &Cli, paths: &Paths) -> Result<(State, Checklist), CliError> {
    open_read(cli, paths)?.ok_or_else(|| CliError::NoProgress(cli.account_name().to_string()))
}
