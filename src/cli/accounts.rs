//! `lockstep accounts`: list the tracked accounts, rename one, label one, remove one (asking
//! first, keeping a backup of what is removed), or make one follow another checklist.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::output::out;
use super::{AccountsCommand, AppError, Cli, ExitStatus};
use crate::app::{Clock, catalog, origin_words, validate_account_name};
use crate::checklist::{self, Resolved, Wanted};
use crate::guard::{clean, line};
use crate::ids::AccountName;
use crate::state::{Account, State};
use crate::store::{self, Paths, Store};

/// Where removed accounts are kept, in the data directory.
pub const REMOVED_DIR: &str = "removed";

pub(super) fn run(
    cli: &Cli,
    paths: &Paths,
    cmd: Option<&AccountsCommand>,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    match cmd {
        None | Some(AccountsCommand::List) => list(paths),
        Some(AccountsCommand::Rename { from, to }) => rename(cli, paths, from, to, clock),
        Some(AccountsCommand::Label { name, text }) => label(cli, paths, name, text, clock),
        Some(AccountsCommand::Remove { name, yes }) => remove(
            cli,
            paths,
            name,
            *yes,
            clock,
            &mut std::io::stdin().lock(),
            std::io::stdin().is_terminal(),
        ),
        Some(AccountsCommand::SetChecklist { name, id, file }) => {
            set_checklist(cli, paths, name, id.as_deref(), file.as_deref(), clock)
        }
    }
}

/// One line per account: name, checklist, where the checklist comes from, label.
fn list(paths: &Paths) -> Result<ExitStatus, AppError> {
    let loaded = store::load(paths)?;
    let mut s = String::new();
    for (name, a) in &loaded.state.accounts {
        let source = match &a.checklist_file {
            Some(f) => format!(" (your file {})", f.display()),
            None => String::new(),
        };
        let label = a
            .label
            .as_deref()
            .map(|l| format!("  \"{l}\""))
            .unwrap_or_default();
        s.push_str(&format!(
            "{:<20} {}{}{}\n",
            line(name.as_str()),
            line(a.checklist.as_str()),
            line(&source),
            line(&label)
        ));
    }
    out(&s)?;
    Ok(0)
}

fn unknown(state: &State, name: &str) -> AppError {
    AppError::UnknownAccount {
        name: name.to_string(),
        known: state.accounts.keys().map(ToString::to_string).collect(),
        creating: false,
    }
}

/// Opens the state for writing with account `name`, which must exist.
fn open(cli: &Cli, paths: &Paths, name: &str) -> Result<(Store, State), AppError> {
    let (store, loaded) = Store::open(paths, cli.wait())?;
    for w in &loaded.warnings {
        eprintln!("{}", line(w));
    }
    if !loaded.state.accounts.contains_key(name) {
        return Err(unknown(&loaded.state, name));
    }
    Ok((store.for_one_save(), loaded.state))
}

fn save(
    mut store: Store,
    mut state: State,
    clock: Clock,
    msg: &str,
) -> Result<ExitStatus, AppError> {
    let done = crate::app::commit(
        &mut store,
        &mut state,
        None,
        crate::app::Write::Changes,
        clock,
    )?;
    crate::app::warn_after_save(&done);
    out(&format!("{}\n", clean(msg, true)))?;
    Ok(0)
}

fn rename(
    cli: &Cli,
    paths: &Paths,
    from: &str,
    to: &str,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    validate_account_name(to)?;
    let (store, mut state) = open(cli, paths, from)?;
    if state.accounts.contains_key(to) {
        return Err(AppError::AccountExists(to.to_string()));
    }
    let mut a = state.accounts.remove(from).expect("checked");
    a.renamed(from, to, clock.now);
    state.accounts.insert(AccountName::from(to), a);
    save(
        store,
        state,
        clock,
        &format!(
            "account '{from}' is now called '{to}'; its progress and history go with it (use \
             --account {to})"
        ),
    )
}

fn label(
    cli: &Cli,
    paths: &Paths,
    name: &str,
    text: &str,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    let (store, mut state) = open(cli, paths, name)?;
    let a = state.accounts.get_mut(name).expect("checked");
    if !a.set_label(text, clock.now)? {
        out(&format!(
            "account '{}' already has that label\n",
            line(name)
        ))?;
        return Ok(0);
    }
    let msg = match &a.label {
        Some(l) => format!("account '{name}' is shown as \"{l}\""),
        None => format!("account '{name}' has no label now (its name is shown)"),
    };
    save(store, state, clock, &msg)
}

/// What removing an account takes away, for the question.
fn what_is_removed(name: &str, a: &Account) -> String {
    let steps = a
        .steps
        .values()
        .filter(|s| !matches!(s.status, crate::state::Status::Todo) || s.note.is_some())
        .count();
    let reviews: usize = a.reviews.values().map(|r| r.completions.len()).sum();
    format!(
        "account '{}' ({}, checklist {}): {steps} steps with progress, {reviews} completed \
         reviews, {} incidents",
        line(name),
        line(a.display(name)),
        line(a.checklist.as_str()),
        a.incidents.len()
    )
}

/// Asks on the terminal; true for yes.
fn ask(question: &str, input: &mut impl BufRead) -> Result<bool, AppError> {
    let mut err = std::io::stderr().lock();
    let io = |e| AppError::Output {
        file: "stderr".into(),
        source: e,
    };
    write!(err, "{question} [y/N] ").map_err(io)?;
    err.flush().map_err(io)?;
    let mut answer = String::new();
    input.read_line(&mut answer).map_err(|e| AppError::Output {
        file: "stdin".into(),
        source: e,
    })?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// `accounts remove NAME`: asks (unless `--yes`; with no terminal it refuses), writes a backup
/// of the account and its history to `removed/` in the data directory, then removes it.
pub fn remove(
    cli: &Cli,
    paths: &Paths,
    name: &str,
    yes: bool,
    clock: Clock,
    input: &mut impl BufRead,
    terminal: bool,
) -> Result<ExitStatus, AppError> {
    // Ask before taking the lock: a slow answer must not block another lockstep.
    let loaded = store::load(paths)?;
    let Some(a) = loaded.state.accounts.get(name) else {
        return Err(unknown(&loaded.state, name));
    };
    if !yes {
        if !terminal {
            return Err(AppError::RemoveNeedsYes(name.to_string()));
        }
        let q = format!(
            "Remove {}? A backup is kept in {}.",
            what_is_removed(name, a),
            paths.data_dir.join(REMOVED_DIR).display()
        );
        if !ask(&q, input)? {
            out("nothing removed\n")?;
            return Ok(0);
        }
    }
    let (store, mut state) = open(cli, paths, name)?;
    let history = store::read_history(paths)?;
    let a = state.accounts.remove(name).expect("checked");
    let backup = write_backup(paths, name, &a, &history, clock)?;
    save(
        store,
        state,
        clock,
        &format!(
            "removed account '{name}'; a backup of it and its history is in {}",
            backup.display()
        ),
    )
}

/// Writes `removed/NAME-TIMESTAMP.json`: the account as it was saved and its history.
fn write_backup(
    paths: &Paths,
    name: &str,
    a: &Account,
    history: &store::History,
    clock: Clock,
) -> Result<PathBuf, AppError> {
    let dir = paths.data_dir.join(REMOVED_DIR);
    store::ensure_dir(&dir)?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let file = dir.join(format!(
        "{safe}-{}.json",
        clock.now.format("%Y%m%dT%H%M%SZ")
    ));
    let backup = serde_json::json!({
        "removed": clock.now,
        "name": name,
        "account": a,
        "history": a.own_events(name, |n| history.of(n)),
    });
    let mut bytes = serde_json::to_vec_pretty(&backup).expect("json");
    bytes.push(b'\n');
    store::write_atomic(&file, &bytes, None)?;
    Ok(file)
}

fn set_checklist(
    cli: &Cli,
    paths: &Paths,
    name: &str,
    id: Option<&str>,
    file: Option<&Path>,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    let (store, mut state) = open(cli, paths, name)?;
    let Resolved { loaded, .. } = match (file, id) {
        (Some(f), _) => Resolved {
            loaded: checklist::load_followed(&crate::store::DiskFiles, f)?,
            unused: Vec::new(),
        },
        (None, Some(id)) => catalog(paths)
            .resolve(
                &crate::store::DiskFiles,
                Wanted {
                    id,
                    file: None,
                    legacy: false,
                },
            )
            .map_err(|source| AppError::Unavailable {
                account: name.to_string(),
                source,
            })?,
        (None, None) => unreachable!("clap requires an id or --file"),
    };
    let a = state.accounts.get_mut(name).expect("checked");
    let cl = &loaded.checklist;
    if a.checklist == cl.id && a.checklist_file.as_deref() == loaded.origin.path() {
        out(&format!(
            "account '{}' already follows {} ({})\n",
            line(name),
            line(cl.id.as_str()),
            line(&origin_words(&loaded.origin))
        ))?;
        return Ok(0);
    }
    let switched = a.set_checklist(cl, &loaded.origin, clock.now)?;
    let mut msg = format!(
        "account '{name}' now follows {} ({}, {}). Progress carried over: {} step{} and reviews.",
        cl.title,
        cl.id,
        loaded.describe(),
        switched.kept,
        if switched.kept == 1 { "" } else { "s" }
    );
    if !switched.orphans.is_empty() {
        let what: Vec<String> = switched.orphans.iter().map(|o| o.describe()).collect();
        msg.push_str(&format!(
            "\nKept in the state but not shown (this checklist has no such id): {}",
            what.join("; ")
        ));
    }
    if !switched.personas_dropped.is_empty() {
        msg.push_str(&format!(
            "\nPersonas this checklist does not have were cleared: {}",
            switched.personas_dropped.join(", ")
        ));
    }
    save(store, state, clock, &msg)
}
