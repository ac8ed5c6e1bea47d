//! Only the part of clap's command line that one command line needs. Building the whole command
//! (every subcommand, with the global options copied into each and its usage worked out) costs
//! more than most commands do; once the subcommand is known, the others are not needed to parse
//! it, to report its errors or to complete its words. Used by parsing and by completion; tests
//! hold both to the answers of the whole command.

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches};

use super::Cli;

/// What the words before the one being completed (or all of them, for parsing) hold in the
/// place of a subcommand.
#[derive(Debug, PartialEq)]
pub enum Found {
    /// Options only: no subcommand typed yet.
    Nothing,
    /// A subcommand of the command line.
    Subcommand(Typed),
    /// Something only the whole command can make sense of: a word that is not a subcommand
    /// (`help`, which clap adds as it builds; a typo), `--`, or a word that is not UTF-8.
    Other,
}

/// The subcommand found among the words.
#[derive(Debug, PartialEq)]
pub struct Typed {
    /// Its name (an alias typed is its command's name).
    pub name: String,
    /// Every word before it is a known option of the root with its value (a value that does not
    /// look like an option): nothing there can ask for the root's help or version or make an
    /// error that lists the other subcommands or the root's usage.
    pub plain: bool,
}

/// The subcommand among `words` (the program name first), skipping options and the values of
/// those that take one.
pub fn typed_subcommand(cmd: &clap::Command, words: &[OsString]) -> Found {
    let option = |w: &str| {
        cmd.get_arguments().find(|a| {
            a.get_long()
                .is_some_and(|l| w.strip_prefix("--") == Some(l))
                || a.get_short().is_some_and(|c| w == format!("-{c}"))
        })
    };
    let mut plain = true;
    let mut i = 1;
    while i < words.len() {
        let Some(w) = words[i].to_str() else {
            return Found::Other;
        };
        if w == "--" {
            return Found::Other;
        }
        if w.starts_with('-') {
            let (flag, inline) = match w.split_once('=') {
                Some((f, _)) => (f, true),
                None => (w, false),
            };
            match option(flag) {
                Some(a) if a.get_action().takes_values() => {
                    if !inline {
                        // A value that looks like an option is clap's to judge.
                        let value = words.get(i + 1).and_then(|v| v.to_str());
                        if value.is_some_and(|v| v.starts_with('-')) {
                            plain = false;
                        }
                        i += 1;
                    }
                }
                _ => plain = false,
            }
            i += 1;
            continue;
        }
        return match cmd.find_subcommand(w) {
            Some(s) => Found::Subcommand(Typed {
                name: s.get_name().to_string(),
                plain,
            }),
            None => Found::Other,
        };
    }
    Found::Nothing
}

/// A root with the options, name, version and description of `full` and only its subcommand
/// `name` (`full` itself when it has none of that name).
pub fn only(full: clap::Command, name: &str) -> clap::Command {
    let mut typed = None;
    let full = full.mut_subcommands(|sc| {
        if typed.is_none() && sc.get_name() == name {
            typed = Some(sc);
            clap::Command::new("")
        } else {
            sc
        }
    });
    let Some(typed) = typed else {
        return full;
    };
    let mut root = clap::Command::new(full.get_name().to_string())
        .args(full.get_arguments().cloned())
        .subcommand(typed);
    if let Some(v) = full.get_version() {
        root = root.version(v.to_string());
    }
    if let Some(about) = full.get_about() {
        root = root.about(about.clone());
    }
    root
}

/// The whole command for completing before any subcommand is typed: the root's options as they
/// are (local: with no subcommand to copy them into) and each subcommand reduced to what a
/// candidate shows of it (its name, description, place in the list, aliases and whether it is
/// hidden).
pub fn names_only(full: clap::Command) -> clap::Command {
    full.mut_args(|a| a.global(false)).mut_subcommands(|sc| {
        let mut bare = clap::Command::new(sc.get_name().to_string())
            .hide(sc.is_hide_set())
            .display_order(sc.get_display_order())
            .visible_aliases(sc.get_visible_aliases().map(str::to_string))
            .aliases(
                sc.get_all_aliases()
                    .filter(|a| !sc.get_visible_aliases().any(|v| v == *a))
                    .map(str::to_string),
            );
        if let Some(about) = sc.get_about() {
            bare = bare.about(about.clone());
        }
        bare
    })
}

/// Parses the command line as `Cli::try_parse_from` does (the same arguments, the same errors
/// and help), building only the typed subcommand when the words before it are plain options.
pub fn parse(argv: &[OsString]) -> Result<Cli, clap::Error> {
    let full = Cli::command();
    let mut cmd = match typed_subcommand(&full, argv) {
        Found::Subcommand(Typed { name, plain: true }) => only(full, &name),
        _ => full,
    };
    let mut matches = cmd.try_get_matches_from_mut(argv)?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// Words the generated command lines are made of: subcommands and their own, the global
    /// options and their values, help and version in every form, near misses.
    const WORDS: &[&str] = &[
        "check",
        "status",
        "due",
        "incident",
        "done",
        "open",
        "note",
        "review",
        "monthly",
        "accounts",
        "rename",
        "reminders",
        "install",
        "help",
        "chek",
        "totp-2fa",
        "--data-dir",
        "/tmp/d",
        "--data-dir=/tmp/e",
        "--account",
        "mom",
        "--account=dad",
        "--wait",
        "1",
        "--color",
        "never",
        "--checklist",
        "crypto-com",
        "--json",
        "--all",
        "-q",
        "--help",
        "-h",
        "--version",
        "-V",
        "--",
        "-x",
        "--bogus",
        "",
        "-",
        "--days",
        "3",
        "--help=1",
    ];

    fn same(argv: &[OsString]) -> Result<(), String> {
        match (parse(argv), Cli::try_parse_from(argv)) {
            (Ok(a), Ok(b)) if format!("{a:?}") == format!("{b:?}") => Ok(()),
            (Err(a), Err(b))
                if a.kind() == b.kind()
                    && a.exit_code() == b.exit_code()
                    && a.render().to_string() == b.render().to_string() =>
            {
                Ok(())
            }
            (a, b) => Err(format!("{argv:?}:\npruned {a:?}\nwhole {b:?}")),
        }
    }

    fn argv(words: &[&str]) -> Vec<OsString> {
        std::iter::once("lockstep")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn every_subcommand_parses_and_fails_as_with_the_whole_command() {
        let names: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        for n in &names {
            for tail in [
                &[][..],
                &["--help"],
                &["-h"],
                &["--version"],
                &["--bogus"],
                &["x", "y", "z"],
                &["--json"],
            ] {
                let mut w = vec!["--data-dir", "/tmp/d", n.as_str()];
                w.extend_from_slice(tail);
                same(&argv(&w)).unwrap();
                same(&argv(&w[2..])).unwrap();
            }
        }
        // The root's own help and errors still list every subcommand.
        let t = Cli::command();
        let plain = |w: &[&str]| match typed_subcommand(&t, &argv(w)) {
            Found::Subcommand(t) => Some(t.plain),
            _ => None,
        };
        assert_eq!(plain(&["--help", "check"]), Some(false));
        assert_eq!(plain(&["--account", "--help=1", "check"]), Some(false));
        assert_eq!(plain(&["--account", "mom", "check"]), Some(true));
        assert_eq!(
            typed_subcommand(&t, &argv(&["help", "check"])),
            Found::Other
        );
        assert_eq!(typed_subcommand(&t, &argv(&["--", "check"])), Found::Other);
        assert_eq!(
            typed_subcommand(&t, &argv(&["--wait", "1"])),
            Found::Nothing
        );
        // The review's case: an option's value that looks like an option.
        same(&argv(&["--wait", "1", "--account", "--help=1", "check"])).unwrap();
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1500))]
        #[test]
        fn parsing_agrees_with_the_whole_command(
            picks in proptest::collection::vec(0..WORDS.len(), 0..6)
        ) {
            let words: Vec<&str> = picks.iter().map(|&i| WORDS[i]).collect();
            let r = same(&argv(&words));
            proptest::prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        }
    }
}
