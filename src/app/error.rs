//! Command failures: each a typed variant carrying its cause, printed to stderr with exit status 2.

use std::io;

use crate::checklist::{ChecklistErrors, Unavailable};
use crate::export::ReportError;
use crate::guard::line;
use crate::reminders::ReminderError;
use crate::state::OpError;
use crate::store::StoreError;

use super::ics_feed::IcsFeedError;

/// A CLI failure: printed to stderr, exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Op(#[from] OpError),
    #[error("{0}")]
    Checklist(#[from] ChecklistErrors),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("cannot write {file}: {source}")]
    Output { file: String, source: io::Error },
    #[error("the interactive checklist needs a terminal; use `lockstep status` for a text report")]
    NoTerminal,
    #[error("completion: {0}")]
    Completion(String),
    #[error("terminal error: {0}")]
    Terminal(#[source] io::Error),
    #[error("account '{}': {source}", line(.account))]
    Unavailable {
        account: String,
        #[source]
        source: Unavailable,
    },
    #[error("no progress recorded for account '{}' yet; run `lockstep` to start", line(.0))]
    NoProgress(String),
    #[error("{}", unknown_account(.name, .known, *.creating))]
    UnknownAccount {
        name: String,
        known: Vec<String>,
        /// A write that would have created it: say how to.
        creating: bool,
    },
    #[error(
        "{} accounts are tracked and none is called 'default': choose one with --account NAME (or \
         LOCKSTEP_ACCOUNT): {}",
        .0.len(),
        .0.iter().map(|k| line(k).into_owned()).collect::<Vec<_>>().join(", ")
    )]
    SeveralAccounts(Vec<String>),
    #[error(
        "{} accounts are tracked and none was named, so no incident was opened: lockstep cannot \
         tell which account is compromised. Open it on that account with `lockstep --account \
         NAME compromised`, NAME one of: {}",
        .0.len(),
        .0.iter().map(|k| line(k).into_owned()).collect::<Vec<_>>().join(", ")
    )]
    WhichCompromised(Vec<String>),
    #[error("account '{}' already exists", line(.0))]
    AccountExists(String),
    #[error(
        "account '{}' follows {}; to make it follow {} instead: `lockstep accounts set-checklist {} \
         --file {}`",
        line(.account), line(.has), line(.wanted), line(.account), line(.wanted)
    )]
    FileMismatch {
        account: String,
        has: String,
        wanted: String,
    },
    #[error("--checklist {} does not match the id '{}' inside {}", line(.id), line(.found), line(.file))]
    FileIdMismatch {
        id: String,
        found: String,
        file: String,
    },
    #[error(
        "no terminal to ask on, so nothing was removed: pass --yes to remove account '{}' without \
         the question",
        line(.0)
    )]
    RemoveNeedsYes(String),
    #[error(
        "invalid account name '{}': use letters, digits, '-', '_', '.', '@' (at most 64)",
        line(.0)
    )]
    InvalidAccountName(String),
    #[error(
        "account '{}' already uses checklist '{}'; use --account NAME to track another account \
         with '{}'",
        line(.account), line(.has), line(.wanted)
    )]
    ChecklistMismatch {
        account: String,
        has: String,
        wanted: String,
    },
    #[error("unknown persona '{}'; known: {}", line(.persona), .known.join(", "))]
    UnknownPersona { persona: String, known: Vec<String> },
    #[error(transparent)]
    Reminders(#[from] ReminderError),
    #[error(transparent)]
    IcsFeed(#[from] IcsFeedError),
    #[error(
        "no terminal to ask on, so nothing was installed: pass --yes to install without the question"
    )]
    NeedsYes,
    #[error(
        "the daily reminder installed is for another data directory ({}), so nothing was removed: \
         run `lockstep reminders remove` with that job's --data-dir (or without --data-dir when \
         its command has none)",
        line(.0)
    )]
    OtherDataDir(String),
}

fn unknown_account(name: &str, known: &[String], creating: bool) -> String {
    if known.is_empty() {
        return format!(
            "no account '{}' is tracked (nothing is tracked yet; run `lockstep` to start)",
            line(name)
        );
    }
    let list: Vec<_> = known.iter().map(|k| line(k).into_owned()).collect();
    let mut s = format!(
        "no account '{}' is tracked (tracked: {})",
        line(name),
        list.join(", ")
    );
    match did_you_mean(name, known) {
        Some(m) => s.push_str(&format!("; did you mean '{}'?", line(m))),
        None if creating => s.push('.'),
        None => {}
    }
    if creating {
        s.push_str(&format!(
            " To track a new account, name its checklist: --account {} --checklist ID (see \
             `lockstep checklists`)",
            line(name)
        ));
    }
    s
}

/// The known name closest to `name`, when it is close enough to be a typo: the same letters in
/// another case, one name the start of the other, or at most two edits apart (one for short
/// names).
pub fn did_you_mean<'a>(name: &str, known: &'a [String]) -> Option<&'a String> {
    let lower = name.to_lowercase();
    let limit = if name.chars().count() <= 4 { 1 } else { 2 };
    known
        .iter()
        .map(|k| {
            let kl = k.to_lowercase();
            let d = if kl == lower {
                0
            } else if kl.starts_with(&lower) || lower.starts_with(&kl) {
                1
            } else {
                edits(&lower, &kl)
            };
            (d, k)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Edits between two names (one home: the checklist validator's).
fn edits(a: &str, b: &str) -> usize {
    crate::checklist::edit_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_the_account_meant() {
        let known: Vec<String> = ["main", "mom", "kraken-2"].map(String::from).into();
        assert_eq!(did_you_mean("mian", &known).unwrap(), "main");
        assert_eq!(did_you_mean("Main", &known).unwrap(), "main");
        assert_eq!(did_you_mean("kraken", &known).unwrap(), "kraken-2");
        assert_eq!(did_you_mean("krakne-2", &known).unwrap(), "kraken-2");
        assert_eq!(did_you_mean("dad", &known), None);
        assert_eq!(did_you_mean("work", &known), None);
    }
}
