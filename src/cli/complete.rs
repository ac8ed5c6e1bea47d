//! Shell completion that knows the data. `lockstep completions SHELL` prints a static script (what
//! a package installs); at each Tab the script runs `COMPLETE=SHELL lockstep -- WORDS...`, and this
//! binary answers through clap_complete's engine: commands and flags from the one clap
//! definition, and from the data directory the account's step ids with their titles, section
//! ids, tracked accounts and the available checklists.
//!
//! An answer reads only what `status` reads (the state snapshot and the account's checklist) and,
//! for `--checklist`, what `checklists` reads (the user's checklist directory); it never writes,
//! takes no lock and prints nothing but candidates: a missing or damaged file completes nothing.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use super::{AppError, Cli, pruned};
use crate::app::{catalog, implied_account, resolve_one};
use crate::checklist::{self, Catalog, Checklist, SectionKind, Wanted};
use crate::guard::line;
use crate::state::{Account, Status};
use crate::store::{self, Paths};

/// The variable the scripts set to ask for candidates (clap_complete's convention).
pub const VAR: &str = "COMPLETE";
/// What the scripts run: `lockstep` as found on the search path (never a build directory).
const COMPLETER: &str = "lockstep";

/// Answers a completion request when the environment holds one (`COMPLETE=SHELL`), returning
/// true; false (at the cost of one environment lookup) for every ordinary run.
pub fn answer(argv: &[OsString]) -> Result<bool, AppError> {
    if std::env::var_os(VAR).is_none_or(|v| v.is_empty() || v == "0") {
        return Ok(false);
    }
    let cwd = std::env::current_dir().ok();
    let words = request_words();
    clap_complete::CompleteEnv::with_factory(|| command_for(&words))
        .completer(COMPLETER)
        .try_complete(argv, cwd.as_deref())
        .map_err(|e| AppError::Completion(e.to_string()))
}

/// The command line the engine completes against: the whole one, reduced to subcommand names,
/// while no subcommand is typed yet; once one is, a root with the same options and only that
/// subcommand ([`pruned`]). The candidates after a typed subcommand come from it alone (a test
/// compares every subcommand's answers with the whole command's).
fn command_for(words: &[OsString]) -> clap::Command {
    let full = Cli::command();
    // The word being completed: `_CLAP_COMPLETE_INDEX` for bash, else the last one.
    let current = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(words.len().saturating_sub(1))
        .min(words.len());
    match pruned::typed_subcommand(&full, &words[..current]) {
        pruned::Found::Nothing => pruned::names_only(full),
        pruned::Found::Subcommand(typed) => pruned::only(full, &typed.name),
        // `help SUBCOMMAND`, a word clap alone can place: the whole command.
        pruned::Found::Other => full,
    }
}

/// The script for `shell` that `lockstep completions SHELL` prints.
pub fn script(shell: clap_complete::Shell) -> Result<String, AppError> {
    let adapter: &dyn EnvCompleter = match shell {
        clap_complete::Shell::Bash => &Bash,
        clap_complete::Shell::Zsh => &Zsh,
        clap_complete::Shell::Fish => &Fish,
        clap_complete::Shell::Elvish => &Elvish,
        clap_complete::Shell::PowerShell => &Powershell,
        other => return Err(AppError::Completion(format!("no completion for {other}"))),
    };
    let mut buf = Vec::new();
    adapter
        .write_registration(VAR, "lockstep", "lockstep", COMPLETER, &mut buf)
        .map_err(|e| AppError::Completion(e.to_string()))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// The global options a completion request was typed with.
#[derive(Debug, Default, PartialEq)]
struct Typed {
    data_dir: Option<PathBuf>,
    account: Option<String>,
    checklist: Option<String>,
}

/// The options in the words being completed (`--data-dir D`, `--account=A`, ...), falling back to
/// `LOCKSTEP_DATA_DIR` and `LOCKSTEP_ACCOUNT` as the command would.
fn typed(words: &[OsString]) -> Typed {
    let mut t = Typed::default();
    let mut it = words.iter();
    while let Some(w) = it.next() {
        let Some(w) = w.to_str() else { continue };
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) => (f, Some(OsString::from(v))),
            None => (w, None),
        };
        if !matches!(flag, "--data-dir" | "--account" | "--checklist") {
            continue;
        }
        let Some(v) = inline.or_else(|| it.next().cloned()) else {
            break;
        };
        match flag {
            "--data-dir" => t.data_dir = Some(PathBuf::from(v)),
            "--account" => t.account = v.into_string().ok(),
            _ => t.checklist = v.into_string().ok(),
        }
    }
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    t.data_dir = t
        .data_dir
        .or_else(|| env("LOCKSTEP_DATA_DIR").map(PathBuf::from));
    t.account = t
        .account
        .or_else(|| env("LOCKSTEP_ACCOUNT").and_then(|v| v.into_string().ok()));
    t
}

/// The words of the request: what follows `--` in this process's arguments.
fn request_words() -> Vec<OsString> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let start = args
        .iter()
        .position(|a| a == "--")
        .map_or(args.len(), |i| i + 1);
    args[start..].to_vec()
}

/// What the candidates come from: the state as `status` reads it (no lock), and the
/// account the command would work on with its checklist.
struct Data {
    state: crate::state::State,
    account: Option<(String, Account)>,
    checklist: Option<Checklist>,
}

fn data() -> Option<Data> {
    let t = typed(&request_words());
    let paths = Paths::resolve(t.data_dir).ok()?;
    let mut state = store::load(&paths).ok()?.state;
    let name = t
        .account
        .or_else(|| implied_account(&state).map(String::from));
    let account = name.and_then(|n| state.accounts.remove(&n).map(|a| (n, a)));
    let checklist = match &account {
        Some((name, a)) => resolve_one(&paths, name, a)
            .ok()
            .map(|r| r.loaded.checklist),
        // A change creates the account with `--checklist ID`, or the first one with the default.
        None if state.accounts.is_empty() || t.checklist.is_some() => {
            let id = t
                .checklist
                .unwrap_or_else(|| checklist::DEFAULT_CHECKLIST.into());
            let files = &store::DiskFiles;
            let cat = Catalog::load_only(files, paths.user_checklists().as_deref(), &[&id]);
            let want = Wanted {
                id: &id,
                file: None,
                legacy: false,
            };
            cat.into_resolved(files, want)
                .ok()
                .map(|r| r.loaded.checklist)
        }
        None => None,
    };
    let account = account.map(|(n, mut a)| {
        if let Some(cl) = &checklist {
            a.follow_aliases(cl, chrono::Utc::now());
        }
        (n, a)
    });
    Some(Data {
        state,
        account,
        checklist,
    })
}

/// A candidate with its description (escaped: a checklist is text from its author).
fn candidate(value: &str, help: &str) -> CompletionCandidate {
    CompletionCandidate::new(value).help(Some(line(help).into_owned().into()))
}

/// Which steps a command takes.
#[derive(Debug, Clone, Copy)]
enum Steps {
    /// Setup steps that apply and are still to do or to verify again (`check`, `skip`, `na`):
    /// not done, skipped or marked not applicable.
    Open,
    /// Setup steps with a status other than "to do" (`uncheck`).
    Marked,
    /// Every step (`note`).
    Any,
    /// Steps with a note (`forget`).
    Noted,
    /// The emergency steps (`incident done`).
    Emergency,
}

fn steps(which: Steps) -> Vec<CompletionCandidate> {
    let Some(Data {
        checklist: Some(cl),
        account,
        ..
    }) = data()
    else {
        return Vec::new();
    };
    // Before the first change, the account that change creates (no personas, nothing done).
    let acct = account.map_or_else(
        || Account::new(cl.id.as_str(), chrono::Utc::now()),
        |(_, a)| a,
    );
    let noted = |id: &str| acct.steps.get(id).is_some_and(|s| s.note.is_some());
    let mut out = Vec::new();
    for section in &cl.sections {
        let setup = section.kind == SectionKind::Setup;
        for s in &section.steps {
            let keep = match which {
                Steps::Open => {
                    let open = matches!(
                        acct.status(s.id.as_str()),
                        Status::Todo | Status::Reverify { .. }
                    );
                    setup && acct.applies(s) && open
                }
                Steps::Marked => setup && !matches!(acct.status(s.id.as_str()), Status::Todo),
                Steps::Any => true,
                Steps::Noted => noted(s.id.as_str()),
                Steps::Emergency => section.kind == SectionKind::Emergency,
            };
            if keep {
                out.push(candidate(s.id.as_str(), &s.title));
            }
        }
    }
    out
}

/// The sections of the account's checklist of these kinds.
fn sections(kinds: &[SectionKind]) -> Vec<CompletionCandidate> {
    let Some(cl) = data().and_then(|d| d.checklist) else {
        return Vec::new();
    };
    cl.sections
        .iter()
        .filter(|s| kinds.contains(&s.kind))
        .map(|s| candidate(s.id.as_str(), &s.title))
        .collect()
}

/// The tracked accounts, with their labels (or checklists).
fn accounts() -> Vec<CompletionCandidate> {
    let Some(d) = data() else {
        return Vec::new();
    };
    let mut all: Vec<(&str, &Account)> = d
        .state
        .accounts
        .iter()
        .map(|(n, a)| (n.as_str(), a))
        .collect();
    if let Some((n, a)) = &d.account {
        all.push((n.as_str(), a));
        all.sort_by_key(|(n, _)| *n);
    }
    all.into_iter()
        .map(|(n, a)| candidate(n, a.label.as_deref().unwrap_or(a.checklist.as_str())))
        .collect()
}

/// The checklists `lockstep checklists` lists (bundled, then the user's own).
fn checklists() -> Vec<CompletionCandidate> {
    let t = typed(&request_words());
    let Ok(paths) = Paths::resolve(t.data_dir) else {
        return Vec::new();
    };
    catalog(&paths)
        .checklists
        .iter()
        .map(|l| candidate(l.checklist.id.as_str(), &l.checklist.title))
        .collect()
}

/// The personas of the account's checklist.
fn personas() -> Vec<CompletionCandidate> {
    let Some(cl) = data().and_then(|d| d.checklist) else {
        return Vec::new();
    };
    cl.personas
        .iter()
        .map(|p| candidate(p.id.as_str(), &p.title))
        .collect()
}

/// Candidate sources for the clap definition (`#[arg(add = ...)]` in `args.rs`).
pub mod values {
    use clap_complete::ArgValueCandidates;

    use super::{SectionKind, Steps};

    pub fn open_steps() -> ArgValueCandidates {
        ArgValueCandidates::new(|| super::steps(Steps::Open))
    }
    pub fn marked_steps() -> ArgValueCandidates {
        ArgValueCandidates::new(|| super::steps(Steps::Marked))
    }
    pub fn any_steps() -> ArgValueCandidates {
        ArgValueCandidates::new(|| super::steps(Steps::Any))
    }
    pub fn noted_steps() -> ArgValueCandidates {
        ArgValueCandidates::new(|| super::steps(Steps::Noted))
    }
    pub fn emergency_steps() -> ArgValueCandidates {
        ArgValueCandidates::new(|| super::steps(Steps::Emergency))
    }
    /// Sections `review` records: recurring and event reviews.
    pub fn reviews() -> ArgValueCandidates {
        ArgValueCandidates::new(|| super::sections(&[SectionKind::Recurring, SectionKind::Event]))
    }
    /// Sections `snooze` hides: the recurring reviews.
    pub fn recurring() -> ArgValueCandidates {
        ArgValueCandidates::new(|| super::sections(&[SectionKind::Recurring]))
    }
    /// Sections `walk` goes through: the setup sections.
    pub fn setup_sections() -> ArgValueCandidates {
        ArgValueCandidates::new(|| super::sections(&[SectionKind::Setup]))
    }
    pub fn accounts() -> ArgValueCandidates {
        ArgValueCandidates::new(super::accounts)
    }
    pub fn checklists() -> ArgValueCandidates {
        ArgValueCandidates::new(super::checklists)
    }
    pub fn personas() -> ArgValueCandidates {
        ArgValueCandidates::new(super::personas)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    fn words(w: &[&str]) -> Vec<OsString> {
        w.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_typed_options_are_read_in_every_form() {
        let t = typed(&words(&[
            "lockstep",
            "--data-dir",
            "/d",
            "--account=mom",
            "check",
            "--checklist",
            "generic-exchange",
            "",
        ]));
        assert_eq!(t.data_dir.as_deref(), Some(std::path::Path::new("/d")));
        assert_eq!(t.account.as_deref(), Some("mom"));
        assert_eq!(t.checklist.as_deref(), Some("generic-exchange"));
        // A flag whose value is still being typed has none yet.
        let t = typed(&words(&["lockstep", "--data-dir=/e", "--account"]));
        assert_eq!(t.data_dir.as_deref(), Some(std::path::Path::new("/e")));
        assert_eq!(t.checklist, None);
    }

    #[test]
    fn leaving_other_subcommands_unbuilt_changes_no_answer() {
        // Each candidate with its description, in order.
        let answer = |cmd: &mut clap::Command, w: &[&str]| -> Vec<String> {
            let words = words(w);
            let index = words.len() - 1;
            clap_complete::engine::complete(cmd, words, index, None)
                .unwrap()
                .iter()
                .map(|c| {
                    let help = c.get_help().map(|h| h.to_string()).unwrap_or_default();
                    format!("{} {help}", c.get_value().to_string_lossy())
                })
                .collect()
        };
        let cases: &[&[&str]] = &[
            &["lockstep", ""],
            &["lockstep", "ch"],
            &["lockstep", "check", ""],
            &["lockstep", "check", "--"],
            &["lockstep", "--account", "check", "sta"],
            &["lockstep", "--account=check", "sn"],
            &["lockstep", "--data-dir", "/d", "reminders", "in"],
            &["lockstep", "reminders", "install", "--"],
            &["lockstep", "incident", "done", ""],
            &["lockstep", "incident", ""],
            &["lockstep", "--color", "never", "export", "--format", ""],
            &["lockstep", "--wait", "5", "history", "--"],
            &["lockstep", "accounts", "rename", ""],
            &["lockstep", "--", "check"],
            // `help` is added by clap as it builds; nested subcommands after it.
            &["lockstep", "help", ""],
            &["lockstep", "help", "incident", ""],
            &["lockstep", "help", "reminders", "i"],
            // A word before the subcommand that is not one.
            &["lockstep", "mom", "incident", ""],
        ];
        // And every subcommand, its options and its own subcommands, after global options too.
        let names: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        let mut all: Vec<Vec<&str>> = cases.iter().map(|c| c.to_vec()).collect();
        for n in &names {
            for typing in ["", "-", "--"] {
                all.push(vec!["lockstep", n, typing]);
                all.push(vec!["lockstep", "--account", "mom", n, typing]);
            }
        }
        for w in &all {
            let words = words(w);
            let mut pruned = command_for(&words);
            let mut full = Cli::command();
            assert_eq!(answer(&mut pruned, w), answer(&mut full, w), "{w:?}");
        }
        // The subcommand is found past options and their values, never in the word being typed.
        let full = Cli::command();
        let sub = |w: &[&str]| {
            let w = words(w);
            match pruned::typed_subcommand(&full, &w[..w.len() - 1]) {
                pruned::Found::Subcommand(t) => Some(t.name),
                _ => None,
            }
        };
        assert_eq!(sub(&["lockstep", "--account", "check", "st"]), None);
        assert_eq!(
            sub(&["lockstep", "--account", "mom", "check", ""]).as_deref(),
            Some("check")
        );
        assert_eq!(sub(&["lockstep", "check"]), None);
    }

    #[test]
    fn every_shell_gets_a_script_that_calls_lockstep_from_the_path() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
        ] {
            let s = script(shell).unwrap();
            assert!(s.contains("COMPLETE="), "{shell}: {s}");
            assert!(
                !s.contains("target/"),
                "{shell} names a build directory: {s}"
            );
        }
    }

    #[test]
    fn candidates_carry_escaped_titles() {
        let c = candidate("totp-2fa", "Turn on 2FA\u{1b}[2J");
        assert_eq!(c.get_value(), OsStr::new("totp-2fa"));
        let help = c.get_help().unwrap().to_string();
        assert!(!help.contains('\u{1b}'), "{help}");
    }
}
