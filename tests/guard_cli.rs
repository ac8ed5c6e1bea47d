//! The guard and output escaping through the real binary: refused secrets never reach a file or
//! the terminal, notes can be taken back everywhere, crafted names cannot forge output lines, and
//! no command panics on a closed pipe.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn lockstep(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lockstep"));
    c.arg("--data-dir").arg(data);
    c.env("XDG_CONFIG_HOME", data.with_extension("config"));
    c
}

fn run(data: &Path, args: &[&str]) -> Output {
    lockstep(data).args(args).output().unwrap()
}

/// Every byte lockstep keeps in its data directory.
fn all_bytes(data: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = fs::read_dir(data)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && !p.ends_with("lock"))
        .collect();
    files.sort();
    for f in files {
        out.extend(fs::read(f).unwrap());
    }
    out
}

const PHRASE: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

#[test]
fn an_unquoted_phrase_is_refused_without_echoing_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    let before = all_bytes(&data);
    let words: Vec<&str> = PHRASE.split(' ').collect();
    for cmd in [
        [&["note", "totp-2fa"][..], &words].concat(),
        [&["skip", "passkeys", "--reason"][..], &words].concat(),
    ] {
        let o = run(&data, &cmd);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("recovery phrase"), "{err}");
        assert!(
            !err.contains("abandon"),
            "the words are never echoed: {err}"
        );
        assert!(o.stdout.is_empty());
    }
    assert_eq!(all_bytes(&data), before, "nothing written anywhere");
    // Harmless words after the step are the note, quoted or not.
    let o = run(
        &data,
        &["note", "totp-2fa", "Authy", "on", "the", "old", "phone"],
    );
    assert!(o.status.success());
    let h = String::from_utf8_lossy(&run(&data, &["history"]).stdout).into_owned();
    assert!(h.contains("Authy on the old phone"), "{h}");
}

#[test]
fn forget_removes_a_note_from_state_history_and_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let regret = "mother maiden name Featherstonehaugh";
    assert!(run(&data, &["note", "totp-2fa", regret]).status.success());
    assert!(
        run(
            &data,
            &["note", "totp-2fa", "and", "again", "Featherstonehaugh"]
        )
        .status
        .success()
    );
    assert!(run(&data, &["check", "passkeys"]).status.success());
    let needle = b"Featherstonehaugh";
    let has = |b: &[u8]| b.windows(needle.len()).any(|w| w == needle);
    assert!(has(&all_bytes(&data)));
    let o = run(&data, &["forget", "totp-2fa"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("2 past notes"), "{said}");
    assert!(!has(&all_bytes(&data)), "gone from every file");
    let h = String::from_utf8_lossy(&run(&data, &["history"]).stdout).into_owned();
    assert!(
        h.contains("forgotten everywhere") && h.contains("text removed"),
        "{h}"
    );
    assert!(
        h.contains("(passkeys)"),
        "the rest of the history stays: {h}"
    );
}

#[test]
fn crafted_names_and_arguments_cannot_forge_output() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir_all(&data).unwrap();
    // A file name that would print a fake "all ok" line, and one with a bidi override.
    let evil = tmp.path().join("x\nlockstep: all files ok\n.json");
    fs::write(&evil, "{}").unwrap();
    let o = lockstep(&data).arg("validate").arg(&evil).output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        !all.lines().any(|l| l.starts_with("lockstep: all files ok")),
        "{all}"
    );
    // clap's own errors escape what they quote.
    let o = run(&data, &["\u{202e}--bogus\u{1b}[2J"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains('\u{202e}') && !err.contains('\u{1b}'),
        "{err:?}"
    );
    assert!(err.contains("\\u{202e}"), "{err}");
}

#[test]
fn no_command_panics_on_a_closed_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(run(&data, &["note", "totp-2fa", "hello"]).status.success());
    let cmds: &[&[&str]] = &[
        &["completions", "zsh"],
        &["completions", "bash"],
        &["man"],
        &["--help"],
        &["status"],
        &["status", "--json"],
        &["due"],
        &["due", "--json"],
        &["history"],
        &["history", "--json"],
        &["export", "--format", "md"],
        &["export", "--format", "json"],
        &["export", "--format", "ics"],
        &["checklists"],
        &["accounts"],
    ];
    for args in cmds {
        // Many copies so the output is larger than a pipe buffer would need to be.
        let mut child = lockstep(&data)
            .args(*args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away at once
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(o.status.code(), Some(101), "{args:?}: {err}");
    }
}
