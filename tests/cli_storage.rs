//! The command line and the files on disk (assert_cmd): a damaged snapshot rebuilt from the log,
//! one beside an older log left alone, a second writer refused while the lock is held, a failing
//! disk that keeps the old state (the rest of the commands are in `tests/cli.rs`).

mod common;

use std::fs;

use common::cli::env;
use predicates::prelude::*;

#[test]
fn a_corrupt_snapshot_is_rebuilt_from_the_log_and_kept() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&["check", "passkeys"]).assert().success();
    let f = e.data.join("state.json");
    let good = fs::read(&f).unwrap();
    let broken = good[..good.len() / 2].to_vec();
    fs::write(&f, &broken).unwrap();
    // Readers name the file, the line and what is wrong, and show every acknowledged change.
    e.cmd(&["status"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("{}:", f.display())))
        .stderr(predicate::str::contains("truncated"))
        .stderr(predicate::str::contains(
            "rebuilt the state from the 2 changes",
        ));
    // `due` (at every shell start) stays quiet and works.
    e.cmd(&["due"]).assert().success();
    assert_eq!(fs::read(&f).unwrap(), broken, "a reader changes nothing");
    e.cmd(&["status"])
        .assert()
        .stdout(predicate::str::contains("[x] totp-2fa"))
        .stdout(predicate::str::contains("[x] passkeys"));
    // The next change writes a good snapshot and keeps the damaged one as it was.
    e.cmd(&["check", "lock-switch"]).assert().success();
    assert_eq!(fs::read(e.data.join("state.json.damaged")).unwrap(), broken);
    e.cmd(&["status"])
        .assert()
        .success()
        .stderr(predicate::str::is_empty())
        .stdout(predicate::str::contains("[x] lock-switch"))
        .stdout(predicate::str::contains("[x] passkeys"));
}

#[test]
fn a_corrupt_snapshot_beside_an_older_log_is_reported_and_left_alone() {
    // A log written before changes carried their deltas cannot rebuild the state.
    let e = env();
    fs::create_dir_all(&e.data).unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v2/busy");
    for name in ["state.json", "history.jsonl", "state.json.bak"] {
        fs::copy(fixture.join(name), e.data.join(name)).unwrap();
    }
    let f = e.data.join("state.json");
    let good = fs::read(&f).unwrap();
    let broken = &good[..good.len() / 2];
    fs::write(&f, broken).unwrap();
    let log = fs::read(e.data.join("history.jsonl")).unwrap();
    for args in [&["check", "lock-switch"][..], &["status"], &["due"]] {
        e.cmd(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(f.display().to_string()))
            .stderr(predicate::str::contains("truncated"))
            .stderr(predicate::str::contains("will not overwrite"));
        assert_eq!(fs::read(&f).unwrap(), broken);
        assert_eq!(fs::read(e.data.join("history.jsonl")).unwrap(), log);
    }
    // The previous save is kept as a backup for recovery.
    assert!(e.data.join("state.json.bak").exists());
}

#[test]
fn second_writer_is_refused_while_one_holds_the_lock() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    let paths = lockstep::store::Paths {
        data_dir: e.data.clone(),
        config_dir: None,
    };
    let (_held, _) = lockstep::store::Store::open(&paths, std::time::Duration::ZERO).unwrap();
    e.cmd(&["check", "passkeys"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("another lockstep (pid"));
    e.cmd(&["status"]).assert().success();
    drop(_held);
    e.cmd(&["check", "passkeys"]).assert().success();
}

#[test]
fn failing_disk_keeps_old_state() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    let before = fs::read(e.data.join("state.json")).unwrap();
    e.cmd(&["check", "passkeys"])
        .env("LOCKSTEP_FAULT", "enospc")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("No space left on device"))
        .stderr(predicate::str::contains("previously saved state is intact"));
    assert_eq!(fs::read(e.data.join("state.json")).unwrap(), before);
    let leftovers: Vec<_> = fs::read_dir(&e.data)
        .unwrap()
        .flatten()
        .map(|d| d.file_name())
        .collect();
    assert!(
        !leftovers
            .iter()
            .any(|n| n.to_string_lossy().contains(".tmp.")),
        "{leftovers:?}"
    );
    e.cmd(&["check", "passkeys"])
        .env("LOCKSTEP_FAULT", "eio")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Input/output error"));
}
