//! The history log as the one truth, through the real binary: a change is acknowledged once its
//! line is appended, a snapshot behind the log is caught up, a lost or damaged one is rebuilt, a
//! failed append leaves nothing, a retry never records twice, a kill at any syscall of a save
//! leaves log and snapshot agreeing, version 2 directories upgrade without loss, and a command
//! that exits 2 changes nothing on disk.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::data::{
    copy_fixture, count, events, files, json, lockstep, run, status_of, stderr, stdout,
};
use lockstep::store::{Paths, Store};
use serde_json::Value;

#[test]
fn a_kill_after_the_append_is_caught_up_never_contradicted() {
    let Some(strace) = common::strace() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    // The reproduction from the field: SIGKILL at the first rename of a save (the snapshot's).
    let o = Command::new(&strace)
        .args([
            "-f",
            "-o",
            "/dev/null",
            "-e",
            "inject=rename:signal=SIGKILL:when=1",
        ])
        .arg(env!("CARGO_BIN_EXE_lockstep"))
        .arg("--data-dir")
        .arg(&data)
        .args(["check", "withdrawal-lock"])
        .env("XDG_CONFIG_HOME", data.with_extension("config"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    // The log says done, and so does everything that reads the state.
    assert_eq!(count(&data, "step_done", "withdrawal-lock"), 1);
    assert_eq!(status_of(&data, "withdrawal-lock"), "done");
    let due = run(&data, &["due"]);
    assert!(due.status.success(), "{}", stderr(&due));
    // A retry records nothing twice.
    let o = run(&data, &["check", "withdrawal-lock"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&data, "step_done", "withdrawal-lock"), 1);
}

/// Runs `check STEP` under strace with `inject` at the Nth call of `syscall`; returns whether the
/// injection happened (past the last call it does not).
fn injected(strace: &Path, data: &Path, step: &str, syscall: &str, fault: &str, n: usize) -> bool {
    let log = data.with_extension(format!("strace.{syscall}.{n}"));
    let _ = Command::new(strace)
        .args(["-f", "-o"])
        .arg(&log)
        .args(["-e", &format!("trace={syscall}")])
        .args(["-e", &format!("inject={syscall}:{fault}:when={n}")])
        .arg(env!("CARGO_BIN_EXE_lockstep"))
        .arg("--data-dir")
        .arg(data)
        .args(["check", step])
        .env("XDG_CONFIG_HOME", data.with_extension("config"))
        .output()
        .unwrap();
    let trace = fs::read_to_string(&log).unwrap_or_default();
    let _ = fs::remove_file(&log);
    trace.contains("INJECTED") || trace.contains("killed by SIGKILL")
}

#[test]
fn a_kill_or_a_full_disk_at_any_syscall_of_a_save_leaves_one_truth() {
    let Some(strace) = common::strace() else {
        return;
    };
    let steps = [
        "totp-2fa",
        "anti-phishing-code",
        "withdrawal-lock",
        "withdrawal-whitelist",
        "trusted-device",
        "lock-switch",
        "verify-messages",
        "passkeys",
        "whitelist-lock-always",
        "email-password",
        "device-policy",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let mut cases = 0;
    for (syscall, fault) in [
        ("write", "signal=SIGKILL"),
        ("fdatasync", "signal=SIGKILL"),
        ("fsync", "signal=SIGKILL"),
        ("rename", "signal=SIGKILL"),
        ("write", "error=ENOSPC"),
        ("fdatasync", "error=ENOSPC"),
        ("fsync", "error=EIO"),
        ("rename", "error=ENOSPC"),
    ] {
        for (n, step) in (1..).zip(steps.iter().cycle()) {
            // A fresh directory with one change saved, for each case.
            let data = tmp.path().join(format!("{syscall}-{}-{n}", &fault[..3]));
            assert!(run(&data, &["check", "sub-accounts"]).status.success());
            if !injected(&strace, &data, step, syscall, fault, n) {
                eprintln!("{syscall} {fault}: {} calls", n - 1);
                break;
            }
            cases += 1;
            let what = format!("{syscall} {fault} #{n} ({step})");
            // The next command agrees with itself: the snapshot (caught up) says done exactly
            // when the log holds the change, and holds it once.
            let logged = count(&data, "step_done", step);
            assert!(logged <= 1, "{what}: logged {logged} times");
            let shown = status_of(&data, step);
            assert_eq!(
                shown == "done",
                logged == 1,
                "{what}: status {shown}, logged {logged}"
            );
            assert_eq!(
                status_of(&data, "sub-accounts"),
                "done",
                "{what}: the earlier change"
            );
            // A retry lands exactly once, and so does the next change.
            let o = run(&data, &["check", step]);
            assert!(o.status.success(), "{what}: retry: {}", stderr(&o));
            assert_eq!(
                count(&data, "step_done", step),
                1,
                "{what}: after the retry"
            );
            let o = run(&data, &["check", "api-read-only"]);
            assert!(o.status.success(), "{what}: next: {}", stderr(&o));
            assert_eq!(status_of(&data, step), "done", "{what}");
            assert_eq!(status_of(&data, "api-read-only"), "done", "{what}");
            fs::remove_dir_all(&data).unwrap();
        }
    }
    assert!(cases >= 16, "only {cases} crash points were reached");
}

#[test]
fn a_lost_snapshot_is_rebuilt_from_the_log_and_the_backup_is_not_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    for args in [
        &["check", "totp-2fa"][..],
        &["note", "totp-2fa", "app on the old phone"],
        &["skip", "passkeys", "--reason", "no passkey phone yet"],
        &["review", "monthly"],
        &["compromised"],
        &["incident", "note", "called support", "--ticket", "12345"],
        &["incident", "done", "c-lock"],
    ] {
        let o = run(&data, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    let before = json(&data, &["status", "--json"]);
    let bak = fs::read(data.join("state.json.bak")).unwrap();
    // A sync tool or a mistake removes the snapshot.
    fs::remove_file(data.join("state.json")).unwrap();
    let o = run(&data, &["status", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("rebuilt it from the"), "{}", stderr(&o));
    assert_eq!(serde_json::from_slice::<Value>(&o.stdout).unwrap(), before);
    // The next change writes it again; the backup is not replaced by an emptier state.
    let o = run(&data, &["check", "lock-switch"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read(data.join("state.json.bak")).unwrap(), bak);
    assert_eq!(status_of(&data, "totp-2fa"), "reverify");
    let report = stdout(&run(&data, &["incident", "report"]));
    assert!(report.contains("12345"), "{report}");
    assert!(stderr(&run(&data, &["status"])).is_empty());
}

/// The checkpoint is not fsynced (the log line is): after a power loss it may come back empty
/// or as zeros of its length, and so may its backup and the due index written beside it.
#[test]
fn a_checkpoint_lost_to_a_power_cut_is_rebuilt_from_the_log() {
    for (what, damage) in [
        ("empty", (|_: u64| Vec::new()) as fn(u64) -> Vec<u8>),
        ("zeros", |len| vec![0u8; len as usize]),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        for args in [
            &["check", "totp-2fa"][..],
            &["check", "withdrawal-lock"],
            &["note", "totp-2fa", "app on the old phone"],
            &["compromised"],
        ] {
            let o = run(&data, args);
            assert!(o.status.success(), "{what} {args:?}: {}", stderr(&o));
        }
        let before = json(&data, &["status", "--json"]);
        for f in ["state.json", "state.json.bak", "due-index.json"] {
            let len = fs::metadata(data.join(f)).unwrap().len();
            fs::write(data.join(f), damage(len)).unwrap();
        }
        let due = run(&data, &["due"]);
        assert!(due.status.success(), "{what}: {}", stderr(&due));
        assert!(
            stdout(&due).contains("incident"),
            "{what}: {}",
            stdout(&due)
        );
        let o = run(&data, &["status", "--json"]);
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        assert!(stderr(&o).contains("rebuilt"), "{what}: {}", stderr(&o));
        assert_eq!(
            serde_json::from_slice::<Value>(&o.stdout).unwrap(),
            before,
            "{what}"
        );
        // The next change writes a good checkpoint and keeps the damaged one aside.
        let o = run(&data, &["check", "lock-switch"]);
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        assert!(data.join("state.json.damaged").exists(), "{what}");
        assert_eq!(status_of(&data, "withdrawal-lock"), "reverify", "{what}");
        assert_eq!(status_of(&data, "lock-switch"), "done", "{what}");
        assert!(stderr(&run(&data, &["status"])).is_empty(), "{what}");
    }
}

#[test]
fn a_full_disk_on_the_worst_day_records_the_incident_once() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    let before = files(&data);
    let o = lockstep(&data)
        .arg("compromised")
        .env("LOCKSTEP_FAULT", "enospc@history")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("No space left"), "{}", stderr(&o));
    assert_eq!(
        files(&data),
        before,
        "a refused change leaves every file as it was"
    );
    let o = run(&data, &["compromised"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let opened = events(&data)
        .iter()
        .filter(|(k, _)| k == "incident_opened")
        .count();
    assert_eq!(opened, 1);
}

#[test]
fn version_2_directories_upgrade_without_loss_and_can_then_be_rebuilt() {
    for (name, accounts) in [("busy", &["default", "mom"][..]), ("fresh", &["default"])] {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        copy_fixture(name, &data);
        // Every account's status and history, as the user sees them.
        let show = |data: &Path| -> Vec<Value> {
            accounts
                .iter()
                .flat_map(|a| {
                    [
                        json(data, &["--account", a, "status", "--json"]),
                        json(data, &["--account", a, "history", "--json"]),
                    ]
                })
                .collect()
        };
        let status = show(&data);
        let untouched = files(&data);
        // Reading changes nothing.
        assert!(run(&data, &["due"]).status.success());
        assert_eq!(files(&data), untouched, "{name}");
        // The first save upgrades: a baseline change holds the state whole.
        let p = Paths {
            data_dir: data.clone(),
            config_dir: None,
        };
        let (mut store, loaded) = Store::open(&p, Duration::ZERO).unwrap();
        let mut state = loaded.state;
        let saved = store.save(&mut state).unwrap();
        drop(store);
        assert!(
            saved.notices.iter().any(|n| n.contains("upgraded")),
            "{name}"
        );
        let snap: Value =
            serde_json::from_slice(&fs::read(data.join("state.json")).unwrap()).unwrap();
        assert_eq!(snap["version"], 3, "{name}");
        assert_eq!(show(&data), status, "{name}");
        // The old log lines are kept as they were, at the start.
        let old = &untouched["history.jsonl"];
        assert!(
            fs::read(data.join("history.jsonl"))
                .unwrap()
                .starts_with(old),
            "{name}"
        );
        // From now on the log alone is enough.
        fs::remove_file(data.join("state.json")).unwrap();
        assert_eq!(show(&data), status, "{name}: rebuilt from the log");
    }
}

#[test]
fn version_2_upgrades_at_the_first_change_through_the_binary() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    copy_fixture("busy", &data);
    let before = json(&data, &["--account", "default", "status", "--json"]);
    // Each event's id (older lines have none of their own: a hash of the line).
    let ids = |data: &std::path::Path| -> Vec<String> {
        json(data, &["--account", "default", "history", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect()
    };
    let ids_before = ids(&data);
    assert!(
        ids_before.iter().all(|i| i.starts_with("v2-")),
        "{ids_before:?}"
    );
    let unique: std::collections::BTreeSet<&String> = ids_before.iter().collect();
    assert_eq!(unique.len(), ids_before.len());
    let o = run(&data, &["--account", "mom", "check", "trusted-device"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("upgraded"), "{}", stderr(&o));
    assert_eq!(
        json(&data, &["--account", "default", "status", "--json"]),
        before
    );
    // The upgrade keeps the older lines, and so their ids.
    assert_eq!(ids(&data), ids_before);
    assert!(stderr(&run(&data, &["--account", "mom", "check", "lock-switch"])).is_empty());
}

#[test]
fn a_command_that_exits_2_changes_nothing_on_disk() {
    let refused: [&[&str]; 7] = [
        &[
            "--account",
            "new",
            "--checklist",
            "no-such-list",
            "check",
            "totp-2fa",
        ],
        &["check", "no-such-step"],
        &["--account", "nobody", "note", "totp-2fa", "x"],
        &[
            "note",
            "totp-2fa",
            "my seed is abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        ],
        &["snooze", "monthly", "--days", "0"],
        &["incident", "close", "all", "clear"],
        &["review", "no-such-review"],
    ];
    for name in ["busy", "fresh"] {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        copy_fixture(name, &data);
        let before = files(&data);
        for args in refused {
            let o = run(&data, args);
            assert_eq!(o.status.code(), Some(2), "{name} {args:?}: {}", stderr(&o));
            assert_eq!(files(&data), before, "{name} {args:?} changed a file");
        }
    }
}

#[test]
fn two_changes_to_one_step_the_later_wins_and_both_are_in_the_history() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    let p = Paths {
        data_dir: data.clone(),
        config_dir: None,
    };
    // A TUI-like writer loads, lets the lock go, and changes the step later.
    let (mut tui, loaded) = Store::open(&p, Duration::from_secs(2)).unwrap();
    tui.release();
    let mut mine = loaded.state;
    // Meanwhile a command skips it.
    let o = run(&data, &["skip", "totp-2fa", "--reason", "new phone"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cl = lockstep::checklist::parse("c.json", lockstep::checklist::BUNDLED[0].1).unwrap();
    mine.accounts
        .get_mut("default")
        .unwrap()
        .uncheck(&cl, "totp-2fa", chrono::Utc::now())
        .unwrap();
    let saved = tui.save(&mut mine).unwrap();
    assert!(
        saved.notices.iter().any(|n| n.contains("step 'totp-2fa'")),
        "{:?}",
        saved.notices
    );
    assert_eq!(status_of(&data, "totp-2fa"), "todo");
    let kinds: Vec<String> = events(&data)
        .into_iter()
        .filter(|(_, s)| s == "totp-2fa")
        .map(|(k, _)| k)
        .collect();
    assert_eq!(kinds, ["step_done", "step_skipped", "step_unchecked"]);
}

#[test]
fn a_link_in_the_data_directory_is_followed_only_to_a_private_file_of_yours() {
    use std::os::unix::fs::PermissionsExt;
    for name in [
        "state.json",
        "history.jsonl",
        "state.json.bak",
        "due-index.json",
        "lock",
        "notified.json",
        "reminders-offer",
        "ics-path",
        "ics-sequence.json",
        "state.v1.json.bak",
        "any-other-name",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("d");
        assert!(run(&data, &["check", "totp-2fa"]).status.success());
        assert!(run(&data, &["check", "passkeys"]).status.success());
        // A system file everyone may read (as /etc/passwd is).
        let system = tmp.path().join("passwd");
        let text = b"root:x:0:0:root:/root:/bin/bash\n";
        fs::write(&system, text).unwrap();
        fs::set_permissions(&system, fs::Permissions::from_mode(0o644)).unwrap();
        let link = data.join(name);
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(&system, &link).unwrap();
        for args in [
            &["check", "lock-switch"][..],
            &["compromised"],
            &["status"],
            &["due"],
        ] {
            let o = run(&data, args);
            assert_eq!(o.status.code(), Some(2), "{name} {args:?}: {}", stderr(&o));
            let e = stderr(&o);
            assert!(
                e.contains(&link.display().to_string()) && e.contains("symbolic link"),
                "{e}"
            );
            assert!(e.contains("mode 644"), "{e}");
            assert_eq!(
                fs::read(&system).unwrap(),
                text,
                "{name} {args:?} wrote through"
            );
        }
    }
    // A link to a private file of one's own is followed and kept (a data file kept elsewhere).
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    let elsewhere = tmp.path().join("history.jsonl");
    fs::rename(data.join("history.jsonl"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, data.join("history.jsonl")).unwrap();
    assert!(run(&data, &["check", "passkeys"]).status.success());
    assert!(
        fs::symlink_metadata(data.join("history.jsonl"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(count(&data, "step_done", "passkeys"), 1);
    assert!(fs::read_to_string(&elsewhere).unwrap().contains("passkeys"));
}
