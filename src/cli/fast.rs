//! The shell-start fast path: `lockstep due` with its common flags is recognised without building
//! the whole clap command (building it costs more instructions than the rest of `due`: measured
//! in README's Performance section). Anything it does not recognise, it leaves to clap; a
//! property test over generated argument vectors proves that whatever it accepts, clap parses to
//! the same arguments.

use std::ffi::OsString;
use std::path::PathBuf;

use super::{Cli, ColorChoice, Command};

/// The arguments of a plain `due` invocation, or None to let clap parse them.
pub fn due_args(args: &[OsString]) -> Option<Cli> {
    // The account default and other environment-driven settings go through clap.
    if std::env::var_os("LOCKSTEP_ACCOUNT").is_some() {
        return None;
    }
    let (mut quiet, mut exit_code, mut soon, mut json, mut seen_due) =
        (false, false, false, false, false);
    let mut data_dir: Option<PathBuf> = std::env::var_os("LOCKSTEP_DATA_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let mut given_dir = false;
    // Each flag at most once (clap refuses a repeated one, and reports it).
    let once = |flag: &mut bool| (!std::mem::replace(flag, true)).then_some(());
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.to_str()? {
            "due" if !seen_due => seen_due = true,
            "-q" | "--quiet" if seen_due => once(&mut quiet)?,
            "--exit-code" if seen_due => once(&mut exit_code)?,
            "--soon" if seen_due => once(&mut soon)?,
            "--json" if seen_due => once(&mut json)?,
            "--data-dir" => {
                once(&mut given_dir)?;
                // A value that looks like a flag is clap's to judge (it refuses it).
                let v = it
                    .next()
                    .filter(|v| !v.as_encoded_bytes().starts_with(b"-"))?;
                data_dir = Some(PathBuf::from(v.clone()));
            }
            s => {
                let v = s.strip_prefix("--data-dir=")?;
                once(&mut given_dir)?;
                data_dir = Some(PathBuf::from(v));
            }
        }
    }
    if !seen_due || data_dir.as_ref().is_some_and(|d| d.as_os_str().is_empty()) {
        return None;
    }
    Some(Cli {
        data_dir,
        account: None,
        env_account: None,
        checklist: None,
        checklist_file: None,
        wait: 2.0,
        color: ColorChoice::Auto,
        command: Some(Command::Due {
            quiet,
            exit_code,
            soon,
            json,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn agrees_with_clap_on_every_form_it_accepts() {
        let forms: &[&[&str]] = &[
            &["due"],
            &["due", "-q"],
            &["due", "--quiet", "--exit-code"],
            &["due", "--exit-code", "--soon", "--json"],
            &["--data-dir", "/tmp/x", "due", "-q"],
            &["due", "--data-dir", "/tmp/x"],
            &["due", "--data-dir=/tmp/y", "--soon"],
            &["--data-dir=/tmp/y", "due"],
        ];
        for f in forms {
            let argv: Vec<OsString> = std::iter::once("lockstep")
                .chain(f.iter().copied())
                .map(OsString::from)
                .collect();
            let fast = due_args(&argv).unwrap_or_else(|| panic!("{f:?} not recognised"));
            let clap = Cli::try_parse_from(&argv).unwrap();
            assert_eq!(format!("{fast:?}"), format!("{clap:?}"), "{f:?}");
        }
        // Everything else goes to clap (which also reports the errors).
        for f in [
            &["due", "--account", "a"][..],
            &["due", "-qx"],
            &["status"],
            &["due", "due"],
            &["-q", "due"],
            &["due", "--data-dir"],
            &["due", "--data-dir="],
            &["due", "--help"],
            &[],
        ] {
            let argv: Vec<OsString> = std::iter::once("lockstep")
                .chain(f.iter().copied())
                .map(OsString::from)
                .collect();
            assert!(due_args(&argv).is_none(), "{f:?}");
        }
    }

    /// Words the generated argument vectors are made of: every flag the fast path knows, values,
    /// and near misses (other commands and options, bundled short flags, `--`, empty values).
    const WORDS: &[&str] = &[
        "due",
        "due",
        "-q",
        "--quiet",
        "--exit-code",
        "--soon",
        "--json",
        "--data-dir",
        "--data-dir=/tmp/a",
        "--data-dir=",
        "/tmp/b",
        "",
        "-x",
        "-qs",
        "status",
        "check",
        "--",
        "--account",
        "a",
        "--account=b",
        "--help",
        "-h",
        "--version",
        "--wait",
        "1",
        "--color",
        "never",
        "--json=true",
        "--checklist",
        "crypto-com",
        "-",
        "DUE",
        "--quiet=1",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn whatever_the_fast_path_accepts_clap_parses_the_same(
            picks in proptest::collection::vec(0..WORDS.len(), 0..7)
        ) {
            let argv: Vec<OsString> = std::iter::once("lockstep")
                .chain(picks.iter().map(|&i| WORDS[i]))
                .map(OsString::from)
                .collect();
            if let Some(fast) = due_args(&argv) {
                let clap = Cli::try_parse_from(&argv);
                proptest::prop_assert!(clap.is_ok(), "{argv:?}: clap refuses what the fast path took");
                proptest::prop_assert_eq!(format!("{fast:?}"), format!("{:?}", clap.unwrap()), "{:?}", argv);
            }
        }
    }
}
