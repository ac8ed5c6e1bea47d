//! Reliability and security: SIGKILL during saves, syscall order under strace, no network syscalls,
//! read-only data directories, and bad state files through the real binary.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use lockstep::state::{Account, EventKind, State};
use lockstep::store::{self, Paths, Store};

mod common;

fn paths(dir: &Path) -> Paths {
    Paths {
        data_dir: dir.to_path_buf(),
        config_dir: None,
    }
}

/// The note number ("save N ...") in the state's note, and how many note events the history holds.
fn saved_counts(dir: &Path, round: usize) -> (usize, usize, usize) {
    let p = paths(dir);
    let loaded = store::load(&p).unwrap_or_else(|e| panic!("round {round}: {e}"));
    let note = loaded.state.accounts["default"]
        .note("totp-2fa")
        .and_then(|t| t.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0);
    let h = store::read_history(&p).unwrap_or_else(|e| panic!("round {round}: {e}"));
    let notes = h
        .of("default")
        .iter()
        .filter(|e| matches!(e.kind, EventKind::StepNote { .. }))
        .count();
    (note, notes, h.problems.len())
}

#[test]
fn sigkill_during_saves_never_loses_a_reported_save() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let exe = env!("CARGO_BIN_EXE_lockstep-test-saver");
    let kills = 200;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut max_seen = 0usize;
    let (mut mid_save, mut torn) = (0usize, 0usize);
    for round in 0..kills {
        let mut child = Command::new(exe)
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until it is saving, then kill it after a pseudo-random delay (0-8 ms).
        let stdout = child.stdout.take().unwrap();
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && !line.starts_with("saved") {
            line.clear();
        }
        assert!(
            line.starts_with("saved"),
            "round {round}: the child never saved"
        );
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_micros(seed % 8_000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // A temp file left behind, or a history line cut short, means the kill landed in the
        // middle of a save.
        let temp = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains(".tmp."));
        let log = fs::read(dir.join("history.jsonl")).unwrap();
        let cut = log.last() != Some(&b'\n');
        mid_save += usize::from(temp || cut);
        torn += usize::from(cut);
        // Every save the child reported must be in both the state and the history.
        let mut reported = 0usize;
        let rest: Vec<String> = std::iter::once(line.clone())
            .chain(reader.lines().map_while(Result::ok))
            .collect();
        for l in rest {
            if let Some(n) = l.strip_prefix("saved ") {
                reported = reported.max(n.trim().parse().unwrap_or(0));
            }
        }
        let (note, events, _) = saved_counts(&dir, round);
        assert!(
            note >= reported,
            "round {round}: reported save {reported} but the state has save {note}"
        );
        assert!(
            events >= reported,
            "round {round}: reported save {reported} but the history has {events} notes"
        );
        assert!(note >= max_seen, "round {round}: the state went backwards");
        max_seen = note;
        let temps = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp."))
            .count();
        assert!(temps <= 1, "stale temp files pile up: {temps}");
    }
    assert!(
        mid_save > 0,
        "no kill landed during a save; the test proves nothing"
    );
    // Lines cut short by a kill are set aside by the next save (kept in history.torn.N.jsonl,
    // never appended onto and never silently dropped); the log itself holds only whole lines.
    let (_, _, problems) = saved_counts(&dir, kills);
    assert_eq!(problems, 0, "the log holds only whole lines");
    let aside = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("history.torn."))
        .inspect(|e| assert!(fs::metadata(e.path()).unwrap().len() > 0))
        .count();
    let still_torn = fs::read(dir.join("history.jsonl")).unwrap().last() != Some(&b'\n');
    assert!(
        aside + usize::from(still_torn) >= torn.min(1),
        "torn lines are kept: {aside} set aside, {torn} seen"
    );
    eprintln!(
        "crash test: {kills} SIGKILLs ({mid_save} in the middle of a save, {torn} cut a history \
         line), {max_seen} saves, no loss"
    );
}

fn lockstep(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lockstep"));
    c.arg("--data-dir").arg(data);
    c
}

/// The syscalls of one `check` (`openat`, the syncs, the renames) as strace shows them.
fn traced_check(strace: &Path, data: &Path, step: &str, log: &Path) -> String {
    let status = Command::new(strace)
        .args(["-f", "-y", "-o"])
        .arg(log)
        .args([
            "-e",
            "trace=openat,fsync,fdatasync,rename,renameat,renameat2",
        ])
        .arg(env!("CARGO_BIN_EXE_lockstep"))
        .arg("--data-dir")
        .arg(data)
        .args(["check", step])
        .status()
        .unwrap();
    assert!(status.success());
    fs::read_to_string(log).unwrap()
}

#[test]
fn the_log_is_durable_before_the_checkpoint_replaces_the_old_one() {
    let Some(strace) = common::strace() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = data.display().to_string();
    let pos = |trace: &str, pred: &dyn Fn(&str) -> bool, what: &str| {
        trace
            .lines()
            .position(pred)
            .unwrap_or_else(|| panic!("no {what} in trace:\n{trace}"))
    };
    let sync_history = |l: &str| l.contains("fdatasync(") && l.contains("history.jsonl>");
    let sync_dir = |l: &str| l.contains("fsync(") && l.contains(&format!("<{dir}>"));
    let rename = |l: &str| {
        l.contains("rename")
            && l.contains(".lockstep.tmp.state.json.")
            && l.contains("state.json\"")
    };
    // The first change creates the log: its line, then its name in the directory, are on disk
    // before the first checkpoint appears.
    let first = traced_check(&strace, &data, "totp-2fa", &tmp.path().join("t1"));
    let h = pos(&first, &sync_history, "fdatasync(history)");
    let r = pos(&first, &rename, "rename");
    let dir_synced = first.lines().take(r).skip(h).any(sync_dir);
    assert!(h < r && dir_synced, "order wrong:\n{first}");
    // Every later change: the append is durable (the commit point) before the checkpoint is
    // renamed over the old one. The checkpoint itself is not waited for: after a power loss it
    // is the previous one (caught up from the log) or unreadable (rebuilt from the log).
    let next = traced_check(&strace, &data, "passkeys", &tmp.path().join("t2"));
    let (h, r) = (
        pos(&next, &sync_history, "fdatasync(history)"),
        pos(&next, &rename, "rename"),
    );
    assert!(h < r, "order wrong:\n{next}");
    assert!(
        !next
            .lines()
            .any(|l| l.contains("fsync(") && l.contains(".lockstep.tmp.state.json.")),
        "the checkpoint is fsynced, for nothing:\n{next}"
    );
    // The change that upgrades a directory of an older format replaces a file the log cannot
    // catch up: that snapshot, and its name in the directory, are on disk before it returns.
    let old = tmp.path().join("v2");
    common::data::copy_fixture("fresh", &old);
    let up = traced_check(&strace, &old, "passkeys", &tmp.path().join("t3"));
    let old_dir = old.display().to_string();
    let r = pos(&up, &rename, "rename");
    let tmp_synced = up
        .lines()
        .take(r)
        .any(|l| l.contains("fsync(") && l.contains(".lockstep.tmp.state.json."));
    let dir_synced = up
        .lines()
        .skip(r)
        .any(|l| l.contains("fsync(") && l.contains(&format!("<{old_dir}>")));
    assert!(tmp_synced && dir_synced, "upgrade not durable:\n{up}");
}

#[test]
fn no_network_syscalls() {
    let Some(strace) = common::strace() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let runs: &[&[&str]] = &[
        &["check", "totp-2fa"],
        &["status"],
        &["due"],
        &["export", "--format", "ics"],
        &["compromised"],
        &["incident", "report"],
        &["history"],
        &["checklists"],
    ];
    for args in runs {
        let log = tmp.path().join("net");
        let out = Command::new(&strace)
            .args(["-f", "-o"])
            .arg(&log)
            .args(["-e", "trace=%network"])
            .arg(env!("CARGO_BIN_EXE_lockstep"))
            .arg("--data-dir")
            .arg(&data)
            .args(*args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        common::assert_no_network(&log, &format!("{args:?}"));
    }
}

/// A data directory whose files can be written but not replaced: the change is appended to the
/// log (the commit point, so it is saved), and the snapshot that could not follow is named with
/// why.
fn read_only_dir(err: String) {
    assert!(err.contains("your change is saved"), "{err}");
    assert!(err.contains("Permission denied"), "{err}");
}

#[test]
fn read_only_data_dir_is_a_clear_error() {
    // /proc and /sys do not accept new directories (as root too).
    for dir in ["/proc/lockstep-test/data", "/sys/lockstep-test"] {
        let out = lockstep(Path::new(dir))
            .args(["check", "totp-2fa"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{dir}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot create the data directory"), "{err}");
        assert!(err.contains(dir), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A data dir that exists but cannot be written: read-only permissions, and as root (who
    // ignores permissions) the same as an unprivileged user (nobody) on root's files.
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(
        lockstep(&data)
            .args(["check", "totp-2fa"])
            .status()
            .unwrap()
            .success()
    );
    let before = fs::read(data.join("state.json")).unwrap();
    let root = fs::metadata("/proc/self").unwrap().uid() == 0;
    let run = |as_nobody: bool, code: i32| {
        let mut cmd = lockstep(&data);
        cmd.args(["check", "passkeys"]);
        if as_nobody {
            use std::os::unix::process::CommandExt;
            cmd.uid(65534).gid(65534);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "{err}");
        assert!(
            err.contains(&data.display().to_string()),
            "names the place: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        err
    };
    if root {
        // Another user (as with sudo the other way round) must not write into this directory:
        // the files it left would lock the owner out.
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(&data, fs::Permissions::from_mode(0o755)).unwrap();
        let err = run(true, 2);
        assert!(
            err.contains("belongs to user id 0") && err.contains("65534"),
            "{err}"
        );
        // The owner's own read-only directory: nobody's files, read-only for nobody.
        for e in fs::read_dir(&data).unwrap().flatten() {
            std::os::unix::fs::chown(e.path(), Some(65534), Some(65534)).unwrap();
        }
        std::os::unix::fs::chown(&data, Some(65534), Some(65534)).unwrap();
        fs::set_permissions(&data, fs::Permissions::from_mode(0o500)).unwrap();
        read_only_dir(run(true, 0));
    } else {
        fs::set_permissions(&data, fs::Permissions::from_mode(0o500)).unwrap();
        read_only_dir(run(false, 0));
    }
    fs::set_permissions(&data, fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(fs::read(data.join("state.json")).unwrap(), before);
    let out = lockstep(&data).arg("status").output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("[x] passkeys"),
        "caught up from the log: {shown}"
    );
}

#[test]
fn bad_state_files_through_the_binary() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty", b"", "empty"),
        ("bom", b"\xEF\xBB\xBF{\"version\": 1, \"accounts\": {}}", "byte-order mark"),
        ("truncated", b"{\"version\": 1, \"accounts\": {\"default\": {\"checklist\": \"crypto", "truncated"),
        ("newer", b"{\"version\": 4, \"accounts\": {}}", "newer lockstep"),
        ("trailing", b"{\"version\": 2, \"accounts\": {}}\n{\"version\": 2}", "trailing characters"),
        ("duplicate", b"{\"version\": 2, \"accounts\": {\n\"default\": {\"checklist\": \"crypto-com\", \"created\": \"2026-01-01T00:00:00Z\"},\n\"default\": {\"checklist\": \"crypto-com\", \"created\": \"2026-01-01T00:00:00Z\"}}}", "duplicate key `default`"),
        ("hand-edited", b"{\n  \"version\": 1,\n  \"accounts\": {\n    \"default\": {\"checklist\": \"crypto-com\", \"created\": \"yesterday\"}\n  }\n}", ":4:"),
        ("garbage", b"\x00\x01\x02 not json", "state.json:1:1"),
    ];
    for (name, bytes, expect) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        fs::create_dir_all(&data).unwrap();
        fs::write(data.join("state.json"), bytes).unwrap();
        for args in [
            &["check", "totp-2fa"][..],
            &["status"],
            &["due"],
            &["compromised"],
        ] {
            let out = lockstep(&data).args(args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {err}");
            assert!(err.contains(expect), "{name} {args:?}: {err}");
            assert!(err.contains("state.json"), "{name}: names the file: {err}");
            assert_eq!(
                &fs::read(data.join("state.json")).unwrap(),
                bytes,
                "{name}: file untouched"
            );
        }
    }
}

#[test]
fn large_history_loads_quickly_and_is_not_read_by_due() {
    // A guard against accidental quadratic behaviour; the real figures come from `cargo bench`.
    let mut state = State::default();
    let mut a = Account::new("crypto-com", Utc::now());
    for i in 0..100_000i64 {
        a.new_events.push(lockstep::state::Event {
            at: Utc.timestamp_opt(1_600_000_000 + i * 60, 0).unwrap(),
            kind: EventKind::StepDone {
                step: "totp-2fa".into(),
            },
        });
    }
    state.accounts.insert("default".into(), a);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    let p = paths(&dir);
    let (mut st, _) = Store::open(&p, Duration::ZERO).unwrap();
    st.save(&mut state).unwrap();
    drop(st);
    assert!(
        fs::metadata(p.state_file()).unwrap().len() < 4096,
        "the snapshot stays small"
    );
    let t = Instant::now();
    let h = store::read_history(&p).unwrap();
    assert_eq!(h.of("default").len(), 100_001);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    // `due` and `status` never open the history: with the log unreadable (a directory in its
    // place) they still work, while `history` names the problem.
    fs::rename(p.history_file(), dir.join("moved.jsonl")).unwrap();
    fs::create_dir(p.history_file()).unwrap();
    for args in [
        &["due"][..],
        &["status"],
        &["status", "--json"],
        &["due", "--json"],
    ] {
        let out = lockstep(&dir).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = lockstep(&dir).arg("history").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("history.jsonl"));
}
