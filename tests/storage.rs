//! The storage format through the real binary and the library: migration of every file the
//! previous release wrote, and each way a data directory can be odd (FIFOs, devices, links,
//! trailing data, lock contention, exports into the data directory, damaged history lines).

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use lockstep::state::StateV1;
use lockstep::store::{self, Paths, Store};

fn lockstep(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lockstep"));
    c.arg("--data-dir").arg(data);
    // No user checklists from the machine running the tests.
    c.env("XDG_CONFIG_HOME", data.with_extension("config"));
    c
}

fn run(data: &Path, args: &[&str]) -> Output {
    lockstep(data).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn paths(data: &Path) -> Paths {
    Paths {
        data_dir: data.to_path_buf(),
        config_dir: None,
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1");
    if let Some(base) = name.strip_suffix(".gz") {
        let f = fs::File::open(dir.join(name)).unwrap();
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(f)
            .read_to_end(&mut out)
            .unwrap();
        assert!(base.ends_with(".json"));
        out
    } else {
        fs::read(dir.join(name)).unwrap()
    }
}

const FIXTURES: &[&str] = &[
    "fresh.json",
    "mid.json",
    "incidents.json",
    "notes.json",
    "several.json",
    "bench-100k.json.gz",
];

fn data_with(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    fs::set_permissions(&data, fs::Permissions::from_mode(0o700)).unwrap();
    fs::write(data.join("state.json"), bytes).unwrap();
    fs::set_permissions(data.join("state.json"), fs::Permissions::from_mode(0o600)).unwrap();
    (tmp, data)
}

#[test]
fn every_file_of_the_previous_release_migrates_without_loss() {
    for name in FIXTURES {
        let bytes = fixture(name);
        let v1: StateV1 = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v1.version, 1, "{name}");
        let (_tmp, data) = data_with(&bytes);
        let account = v1.accounts.keys().next().unwrap().clone();

        // Read-only commands work on the old file and leave it byte for byte (the user-visible
        // comparison runs on the small files; the 100k-event one is compared field by field).
        let big = name.ends_with(".gz");
        let status_before = run(&data, &["--account", account.as_str(), "status", "--json"]);
        assert!(
            status_before.status.success(),
            "{name}: {}",
            stderr(&status_before)
        );
        let history_before =
            (!big).then(|| run(&data, &["--account", account.as_str(), "history", "--json"]));
        assert!(run(&data, &["due"]).status.success(), "{name}");
        assert_eq!(fs::read(data.join("state.json")).unwrap(), bytes, "{name}");

        // The first writer migrates.
        let p = paths(&data);
        let (mut store, loaded) = Store::open(&p, Duration::ZERO).unwrap();
        assert_eq!(
            fs::read(data.join("state.json")).unwrap(),
            bytes,
            "{name}: opening alone changes nothing"
        );
        let mut state = loaded.state;
        let saved = store.save(&mut state).unwrap();
        drop(store);
        assert!(
            saved.notices.iter().any(|w| w.contains("upgraded")),
            "{name}"
        );
        // The old file is kept as it was.
        assert_eq!(
            fs::read(data.join("state.v1.json.bak")).unwrap(),
            bytes,
            "{name}"
        );
        // Every account, step, review, incident and event survives.
        let history = store::read_history(&p).unwrap();
        assert!(history.problems.is_empty(), "{name}");
        let now = store::load(&p).unwrap().state;
        assert_eq!(now.version, 3);
        for (acct, old) in &v1.accounts {
            let new = &now.accounts[acct];
            assert_eq!(new.checklist, old.checklist, "{name} {acct}");
            assert_eq!(new.personas, old.personas, "{name} {acct}");
            assert_eq!(new.steps, old.steps, "{name} {acct}");
            assert_eq!(new.reviews, old.reviews, "{name} {acct}");
            assert_eq!(new.incidents, old.incidents, "{name} {acct}");
            assert_eq!(
                history.of(acct.as_str()),
                old.history.as_slice(),
                "{name} {acct}"
            );
        }
        // What the user sees is the same before and after.
        let status_after = run(&data, &["--account", account.as_str(), "status", "--json"]);
        assert_eq!(status_after.stdout, status_before.stdout, "{name}");
        if let Some(before) = history_before {
            let after = run(&data, &["--account", account.as_str(), "history", "--json"]);
            assert_eq!(after.stdout, before.stdout, "{name}");
        }
        // And the snapshot no longer holds the history.
        let snap = fs::read_to_string(data.join("state.json")).unwrap();
        assert!(!snap.contains("\"history\""), "{name}");
    }
}

#[test]
fn the_binary_migrates_on_its_first_write() {
    let bytes = fixture("notes.json");
    let (_tmp, data) = data_with(&bytes);
    let o = run(&data, &["check", "passkeys"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("upgraded"),
        "says so once: {}",
        stderr(&o)
    );
    let o = run(&data, &["check", "withdrawal-lock"]);
    assert!(!stderr(&o).contains("upgraded"));
    let h = run(&data, &["history"]);
    let text = String::from_utf8_lossy(&h.stdout);
    assert!(text.contains("Authy on the old phone"), "{text}");
    assert!(
        text.contains("Done: ") && text.contains("(passkeys)"),
        "{text}"
    );
}

#[test]
fn extra_data_and_duplicate_keys_are_refused_not_dropped() {
    let cases: &[(&[u8], &str)] = &[
        (b"{\"version\":2,\"accounts\":{}}\n{\"version\":2,\"accounts\":{\"x\":{}}}", ":2:1:"),
        (b"{\"version\":2,\"accounts\":{}}\x00\x00junk", ":1:28:"),
        (
            b"{\"version\":2,\"accounts\":{\n\"default\":{\"checklist\":\"crypto-com\",\"created\":\"2026-01-01T00:00:00Z\"},\n\"default\":{\"checklist\":\"generic-exchange\",\"created\":\"2026-01-01T00:00:00Z\"}}}",
            "duplicate key `default`",
        ),
    ];
    for (bytes, want) in cases {
        let (_tmp, data) = data_with(bytes);
        for args in [&["check", "totp-2fa"][..], &["status"], &["due"]] {
            let o = run(&data, args);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            let e = stderr(&o);
            assert!(
                e.contains("state.json:") && e.contains(want),
                "{args:?}: {e}"
            );
            assert_eq!(&fs::read(data.join("state.json")).unwrap(), bytes);
        }
    }
}

#[test]
fn fifos_devices_and_directories_are_refused_within_a_second() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    let state = data.join("state.json");
    let mkfifo = |p: &Path| {
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    };
    type Setup<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let setups: Vec<Setup> = vec![
        ("named pipe", Box::new(|| mkfifo(&state))),
        (
            "a device",
            Box::new(|| std::os::unix::fs::symlink("/dev/zero", &state).unwrap()),
        ),
        ("a directory", Box::new(|| fs::create_dir(&state).unwrap())),
    ];
    for (want, setup) in setups {
        setup();
        for args in [
            &["due"][..],
            &["status"],
            &["check", "totp-2fa"],
            &["history"],
        ] {
            let t = Instant::now();
            let o = run(&data, args);
            assert!(
                t.elapsed() < Duration::from_secs(1),
                "{want} {args:?} took {:?}",
                t.elapsed()
            );
            assert_eq!(o.status.code(), Some(2), "{want} {args:?}");
            let e = stderr(&o);
            assert!(
                e.contains(want) && e.contains("state.json"),
                "{args:?}: {e}"
            );
        }
        if state.is_dir()
            && !fs::symlink_metadata(&state)
                .unwrap()
                .file_type()
                .is_symlink()
        {
            fs::remove_dir(&state).unwrap();
        } else {
            fs::remove_file(&state).unwrap();
        }
    }
    // The same in the user's checklist directory: named, never hanging.
    let config = data.with_extension("config");
    let cdir = config.join("lockstep/checklists");
    fs::create_dir_all(&cdir).unwrap();
    mkfifo(&cdir.join("pipe.json"));
    std::os::unix::fs::symlink("/dev/zero", cdir.join("zero.json")).unwrap();
    fs::create_dir(cdir.join("dir.json")).unwrap();
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    for args in [&["checklists"][..], &["due"], &["status"]] {
        let t = Instant::now();
        let o = run(&data, args);
        assert!(t.elapsed() < Duration::from_secs(1), "{args:?}");
        if args == ["checklists"] {
            let e = stderr(&o);
            assert!(e.contains("pipe.json") && e.contains("named pipe"), "{e}");
            assert!(e.contains("zero.json") && e.contains("a device"), "{e}");
            assert!(e.contains("dir.json") && e.contains("a directory"), "{e}");
        }
    }
    let t = Instant::now();
    let o = lockstep(&data)
        .arg("validate")
        .arg(cdir.join("pipe.json"))
        .output()
        .unwrap();
    assert!(t.elapsed() < Duration::from_secs(1));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn symlinked_state_is_followed_and_a_dangling_link_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let synced = tmp.path().join("synced");
    fs::create_dir_all(&data).unwrap();
    fs::create_dir_all(&synced).unwrap();
    let target = synced.join("lockstep.json");
    std::os::unix::fs::symlink(&target, data.join("state.json")).unwrap();
    // Dangling: never "No progress yet", never replaced.
    for args in [&["status"][..], &["check", "totp-2fa"], &["due"]] {
        let o = run(&data, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    }
    assert!(!target.exists());
    assert!(
        fs::symlink_metadata(data.join("state.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // To a real file others may read: refused (see one_truth.rs for every file name).
    fs::write(&target, b"{\"version\":2,\"accounts\":{}}").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(run(&data, &["check", "totp-2fa"]).status.code(), Some(2));
    // To a private file of one's own: followed, the link kept, the target replaced atomically
    // in its own dir.
    fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    assert!(
        fs::symlink_metadata(data.join("state.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::read_to_string(&target).unwrap().contains("totp-2fa"));
    let o = run(&data, &["status"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("[x] totp-2fa"));
}

#[test]
fn writers_wait_for_the_lock_and_a_refusal_names_the_holder() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    let p = paths(&data);
    let (held, _) = Store::open(&p, Duration::ZERO).unwrap();
    let t = Instant::now();
    let o = run(&data, &["--wait", "0.3", "check", "passkeys"]);
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("pid {}", std::process::id())),
        "{}",
        stderr(&o)
    );
    // Released while a writer waits (default 2 s): the writer succeeds.
    let h = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        drop(held);
    });
    let o = run(&data, &["check", "passkeys"]);
    h.join().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // Many writers at once: all succeed, every change lands, and every event is in the history.
    let steps = [
        "email-password",
        "anti-phishing-code",
        "withdrawal-whitelist",
        "withdrawal-lock",
        "trusted-device",
        "device-policy",
    ];
    let handles: Vec<_> = steps
        .iter()
        .map(|s| {
            let data = data.clone();
            let s = s.to_string();
            // A generous wait: under a loaded test run six saves in a row can take seconds.
            std::thread::spawn(move || {
                run(&data, &["--wait", "20", "skip", &s, "--reason", "later"])
            })
        })
        .collect();
    for h in handles {
        let o = h.join().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let out = String::from_utf8_lossy(&run(&data, &["status"]).stdout).into_owned();
    for s in steps {
        assert!(out.contains(&format!("[-] {s}")), "{s}: {out}");
    }
}

#[test]
fn exports_never_overwrite_the_data_dir_and_are_private() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(
        run(&data, &["note", "totp-2fa", "backup codes in the safe"])
            .status
            .success()
    );
    let before = fs::read(data.join("state.json")).unwrap();
    for target in ["state.json", "state.json.bak", "history.jsonl", "notes.md"] {
        let f = data.join(target);
        let o = lockstep(&data)
            .args(["export", "--format", "md", "-o"])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{target}");
        assert!(stderr(&o).contains("data directory"), "{}", stderr(&o));
    }
    assert_eq!(fs::read(data.join("state.json")).unwrap(), before);
    assert!(!data.join("notes.md").exists());
    let out = tmp.path().join("progress.md");
    fs::write(&out, "old").unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o644)).unwrap();
    let o = lockstep(&data)
        .args(["export", "--format", "md", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(fs::read_to_string(&out).unwrap().contains("backup codes"));
}

#[test]
fn a_failed_append_changes_nothing_and_a_failed_checkpoint_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    let files = || {
        (
            fs::read(data.join("state.json")).unwrap(),
            fs::read(data.join("history.jsonl")).unwrap(),
        )
    };
    // The log is the commit point: a failed append (half written, then cut back) is an error,
    // and nothing on disk changed; the retry records the change once.
    let before = files();
    let o = lockstep(&data)
        .args(["check", "passkeys"])
        .env("LOCKSTEP_FAULT", "enospc@history")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("history.jsonl"), "{}", stderr(&o));
    assert_eq!(files(), before);
    // Once appended, the change is saved even if the snapshot (its checkpoint) or its backup
    // cannot be written: exit 0, a warning, and the next command catches up from the log.
    for (fault, step, want) in [
        ("enospc@backup", "passkeys", "cannot keep the previous save"),
        ("eio@state", "lock-switch", "Input/output error"),
    ] {
        let (state, _) = files();
        let o = lockstep(&data)
            .args(["check", step])
            .env("LOCKSTEP_FAULT", fault)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{fault}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("your change is saved"),
            "{fault}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains(want), "{fault}: {}", stderr(&o));
        assert_eq!(files().0, state, "{fault}: the snapshot is as it was");
        let s = run(&data, &["status"]);
        assert!(
            String::from_utf8_lossy(&s.stdout).contains(&format!("[x] {step}")),
            "{fault}"
        );
    }
    assert!(run(&data, &["check", "withdrawal-lock"]).status.success());
    let h = run(&data, &["history", "--json"]);
    let h: serde_json::Value = serde_json::from_slice(&h.stdout).unwrap();
    let done: Vec<_> = h
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["what"]["event"] == "step_done")
        .collect();
    assert_eq!(done.len(), 4, "each change once: {h}");
}

#[test]
fn a_damaged_history_line_is_reported_with_its_number_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    let log = data.join("history.jsonl");
    let mut text = fs::read(&log).unwrap();
    // A damaged line in the middle (a bad sync, a hand edit) and a torn tail (an append cut
    // short).
    text.extend(b"{\"account\":\"default\",\"what\":{\"ev\n");
    let torn = b"{\"v\":3,\"id\":\"abc\",\"events\":[{\"acc";
    text.extend(torn);
    fs::write(&log, &text).unwrap();
    let o = run(&data, &["check", "passkeys"]);
    assert!(o.status.success());
    // The torn tail is set aside once, never appended onto.
    let e = stderr(&o);
    assert!(
        e.contains("cut short") && e.contains("history.torn.1.jsonl"),
        "{e}"
    );
    assert_eq!(fs::read(data.join("history.torn.1.jsonl")).unwrap(), torn);
    assert!(stderr(&run(&data, &["check", "lock-switch"])).is_empty());
    let o = run(&data, &["history"]);
    assert!(o.status.success());
    let e = stderr(&o);
    assert!(e.contains("history.jsonl:2:") && e.contains("kept"), "{e}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("(passkeys)") && out.contains("(totp-2fa)") && out.contains("(lock-switch)"),
        "{out}"
    );
    let after = fs::read_to_string(&log).unwrap();
    assert!(
        after.contains("\"what\":{\"ev\n"),
        "the damaged line is kept: {after}"
    );
}

#[test]
fn due_reads_its_index_only_while_it_matches_the_state() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    assert!(data.join("due-index.json").exists());
    let out = |o: Output| String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(out(run(&data, &["due"])), "lockstep: nothing due\n");
    // A hand edit of the state (setup started long ago) is seen at once: the index no longer
    // matches the state file, so `due` reads the state itself.
    std::thread::sleep(Duration::from_millis(20));
    let text = fs::read_to_string(data.join("state.json")).unwrap();
    let start = text.find("\"setup_started\": \"").unwrap() + 18;
    let edited = format!("{}2020-01-01{}", &text[..start], &text[start + 10..]);
    fs::write(data.join("state.json"), edited).unwrap();
    let o = out(run(&data, &["due"]));
    assert!(o.contains("overdue by"), "{o}");
    // A damaged or foreign index is ignored, never an error.
    fs::write(data.join("due-index.json"), b"{not json").unwrap();
    assert!(out(run(&data, &["due"])).contains("overdue by"));
    fs::remove_file(data.join("due-index.json")).unwrap();
    assert!(out(run(&data, &["due"])).contains("overdue by"));
    // The next save writes a fresh index that agrees with the full reading.
    assert!(run(&data, &["check", "passkeys"]).status.success());
    let via_index = out(run(&data, &["due"]));
    fs::remove_file(data.join("due-index.json")).unwrap();
    assert_eq!(out(run(&data, &["due"])), via_index);
}

#[test]
fn incident_ids_never_wrap_or_repeat() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(run(&data, &["compromised"]).status.success());
    assert!(run(&data, &["incident", "close", "done"]).status.success());
    // A hand-edited file whose last incident has the highest possible number.
    let text = fs::read_to_string(data.join("state.json")).unwrap();
    let edited = text.replacen("\"id\": 1", "\"id\": 4294967295", 1);
    let edited = if edited == text {
        text.replacen("\"id\":1", "\"id\":4294967295", 1)
    } else {
        edited
    };
    assert_ne!(edited, text, "the fixture has an incident id to edit");
    fs::write(data.join("state.json"), &edited).unwrap();
    let o = run(&data, &["compromised"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("4294967295"), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(data.join("state.json")).unwrap(),
        edited,
        "nothing written"
    );
}

#[test]
fn export_writes_only_a_new_file_or_over_a_regular_file() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let run = |out: &Path| {
        Command::new(env!("CARGO_BIN_EXE_lockstep"))
            .arg("--data-dir")
            .arg(&data)
            .args(["export", "--format", "md", "-o"])
            .arg(out)
            .output()
            .unwrap()
    };
    assert!(
        Command::new(env!("CARGO_BIN_EXE_lockstep"))
            .arg("--data-dir")
            .arg(&data)
            .args(["check", "totp-2fa"])
            .status()
            .unwrap()
            .success()
    );
    let fifo = tmp.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let dir = tmp.path().join("a-dir");
    fs::create_dir(&dir).unwrap();
    let link = tmp.path().join("link-to-fifo");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let mut refused = vec![
        (fifo.clone(), "named pipe"),
        (dir.clone(), "directory"),
        (link.clone(), "named pipe"),
    ];
    // A device node (as root, like `mknod full c 1 7`): never replaced by a regular file.
    let dev = tmp.path().join("full");
    let cd = std::ffi::CString::new(dev.to_str().unwrap()).unwrap();
    if unsafe { libc::mknod(cd.as_ptr(), libc::S_IFCHR | 0o600, libc::makedev(1, 7)) } == 0 {
        refused.push((dev.clone(), "device"));
    } else {
        assert!(std::env::var_os("CI").is_none() || unsafe { libc::geteuid() } != 0);
    }
    for (target, what) in &refused {
        let o = run(target);
        assert_eq!(o.status.code(), Some(2), "{target:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("refusing to write") && err.contains(what),
            "{err}"
        );
    }
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(dir.is_dir() && fs::read_dir(&dir).unwrap().next().is_none());
    if refused.iter().any(|(p, _)| p == &dev) {
        assert!(
            fs::symlink_metadata(&dev)
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }
    // A new file, and a regular file, are written.
    let new = tmp.path().join("new.md");
    assert!(run(&new).status.success());
    assert!(
        fs::read_to_string(&new)
            .unwrap()
            .contains("authenticator-app 2FA")
    );
    assert!(run(&new).status.success(), "a regular file is replaced");
}

#[test]
fn a_history_log_readable_by_others_is_warned_about_like_the_state() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    let log = data.join("history.jsonl");
    fs::set_permissions(&log, fs::Permissions::from_mode(0o644)).unwrap();
    let o = run(&data, &["status"]);
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{} has permissions 644", log.display()))
            && err.contains("chmod 600"),
        "{err}"
    );
}
