//! Command failures: each a typed variant carrying its cause, printed to stderr with exit status 2.

use std::io;

use crate::checklist::ChecklistErrors;
use crate::export::ReportError;
use crate::guard::line;
use crate::reminders::ReminderError;
use crate::state::OpError;
use crate::store::StoreError;

use super::ics_feed::IcsFeedError;

/// A CLI failure: printed to stderr, exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
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
    #[error("terminal error: {0}")]
    Terminal(#[source] io::Error),
    #[error("{}", checklist_unavailable(.id, .broken))]
    ChecklistUnavailable { id: String, broken: Vec<String> },
    #[error("no progress recorded for account '{}' yet; run `lockstep` to start", line(.0))]
    NoProgress(String),
    #[error("{}", unknown_account(.name, .known))]
    UnknownAccount { name: String, known: Vec<String> },
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
}

fn checklist_unavailable(id: &str, broken: &[String]) -> String {
    if broken.is_empty() {
        format!(
            "checklist '{}' is not installed (see `lockstep checklists`)",
            line(id)
        )
    } else {
        format!(
            "checklist '{}' is not available; these checklist files have errors:\n{}",
            line(id),
            broken.join("\n")
        )
    }
}

fn unknown_account(name: &str, known: &[String]) -> String {
    if known.is_empty() {
        format!(
            "no account '{}' is tracked (nothing is tracked yet; run `lockstep` to start)",
            line(name)
        )
    } else {
        let known: Vec<_> = known.iter().map(|k| line(k).into_owned()).collect();
        format!(
            "no account '{}' is tracked (tracked: {})",
            line(name),
            known.join(", ")
        )
    }
}
