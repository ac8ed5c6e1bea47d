//! The shell-start fast path: `lockstep due` with its common flags is recognised without building
//! the whole clap command (which costs more than the rest of `due`). Anything it does not
//! recognise, it leaves to clap; a test checks that it agrees with clap on every form it accepts.

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
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.to_str()? {
            "due" if !seen_due => seen_due = true,
            "-q" | "--quiet" if seen_due => quiet = true,
            "--exit-code" if seen_due => exit_code = true,
            "--soon" if seen_due => soon = true,
            "--json" if seen_due => json = true,
            "--data-dir" => data_dir = Some(PathBuf::from(it.next()?.clone())),
            s => {
                let v = s.strip_prefix("--data-dir=")?;
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
}
