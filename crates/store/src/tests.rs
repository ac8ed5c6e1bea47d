//! Unit tests of the store: saves, layout, lock, damaged files, links, merges.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::*;
use crate::checklist::{BUNDLED, Checklist, parse};
use crate::state::{Account, DEFAULT_ACCOUNT, EventKind};

fn paths(dir: &Path) -> Paths {
    Paths {
        data_dir: dir.join("data"),
        config_dir: None,
    }
}

fn cl() -> Checklist {
    parse("c.json", BUNDLED[0].1).unwrap()
}

fn open(p: &Paths) -> (Store, Loaded) {
    Store::open(p, Duration::ZERO).unwrap()
}

/// A store on a new data directory whose first save made the default account.
fn with_account(p: &Paths) -> (Store, State) {
    let (mut store, loaded) = open(p);
    let mut s = loaded.state;
    s.accounts.insert(
        DEFAULT_ACCOUNT.into(),
        Account::new("crypto-com", Utc::now()),
    );
    store.save(&mut s).unwrap();
    (store, s)
}

#[test]
fn save_and_reload_with_private_permissions() {
    let t = tempfile::tempdir().unwrap();
    let p = paths(t.path());
    let (mut store, loaded) = open(&p);
    assert!(loaded.fresh);
    let mut s = loaded.state;
    s.accounts.insert(
        DEFAULT_ACCOUNT.into(),
        Account::new("crypto-com", Utc::now()),
    );
    store.save(&mut s).unwrap();
    // A save that changes nothing writes nothing.
    let before = fs::read(p.history_file()).unwrap();
    store.save(&mut s).unwrap();
    assert_eq!(fs::read(p.history_file()).unwrap(), before);
    assert!(!p.data_dir.join(BACKUP_FILE).exists());
    s.accounts.get_mut(DEFAULT_ACCOUNT).unwrap().label = Some("mine".into());
    store.save(&mut s).unwrap();
    let mode = |f: &Path| fs::metadata(f).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&p.data_dir), 0o700);
    assert_eq!(mode(&p.state_file()), 0o600);
    assert_eq!(mode(&p.history_file()), 0o600);
    assert_eq!(mode(&p.data_dir.join(BACKUP_FILE)), 0o600);
    let back = load(&p).unwrap();
    assert_eq!(back.state, s);
    assert_eq!(back.state.rev, 2);
    assert!(back.warnings.is_empty());
    // The creation event went to the history, once.
    let h = read_history(&p).unwrap();
    assert_eq!(h.of(DEFAULT_ACCOUNT).len(), 1);
    fs::set_permissions(p.state_file(), fs::Permissions::from_mode(0o644)).unwrap();
    assert!(load(&p).unwrap().warnings[0].contains("looser than 600"));
}

#[test]
fn snapshot_holds_no_history_and_is_indented() {
    let c = cl();
    let mut s = State::default();
    let mut a = Account::new("crypto-com", DateTime::UNIX_EPOCH);
    a.check(&c, "totp-2fa", DateTime::UNIX_EPOCH).unwrap();
    s.accounts.insert(DEFAULT_ACCOUNT.into(), a);
    let text = String::from_utf8(to_json(&s)).unwrap();
    assert!(
        !text.contains("history") && !text.contains("step_done"),
        "{text}"
    );
    assert!(
        text.contains("\n        \"totp-2fa\": {\"status\":{\"state\":\"done\",\"at\":\"1970-01-01T00:00:00Z\"}}"),
        "{text}"
    );
    assert!(
        text.starts_with("{\n  \"version\": 3,\n  \"rev\": 0,\n  \"accounts\": {\n"),
        "{text}"
    );
    let Parsed::Current(back) = parse_state(Path::new("state.json"), text.as_bytes()).unwrap()
    else {
        panic!("current format")
    };
    let mut s2 = s.clone();
    s2.accounts
        .get_mut(DEFAULT_ACCOUNT)
        .unwrap()
        .new_events
        .clear();
    assert_eq!(back, s2);
}

#[test]
fn a_refusal_names_the_holder_and_writers_wait() {
    let t = tempfile::tempdir().unwrap();
    let p = paths(t.path());
    let first = open(&p);
    let err = Store::open(&p, Duration::ZERO).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("pid {}", std::process::id())),
        "{msg}"
    );
    // A writer that waits gets the lock once the holder is done.
    let h = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        drop(first);
    });
    Store::open(&p, Duration::from_secs(5)).unwrap();
    h.join().unwrap();
}

#[test]
fn damaged_files_are_reported_and_never_overwritten() {
    let t = tempfile::tempdir().unwrap();
    let p = paths(t.path());
    ensure_dir(&p.data_dir).unwrap();
    let cases: &[(&[u8], &str)] = &[
        (b"", "empty"),
        (b"\xEF\xBB\xBF{\"version\":2}", "byte-order mark"),
        (b"{\"version\":2,\"accounts\":{", "truncated"),
        (b"{\"version\":9}", "newer lockstep"),
        (b"{\"version\":2,\"acounts\":{}}", "unknown field `acounts`"),
        (b"{\"version\":2,\n\"accounts\":{\"a\":{\"checklist\":7}}}", "accounts.a.checklist"),
        (b"\xff\xfe", "UTF-8"),
        (b"{\"version\":2,\"accounts\":{}}\n{\"version\":2}", "trailing characters"),
        (b"{\"version\":2,\"accounts\":{}} garbage", "trailing characters"),
        (
            b"{\"version\":2,\"accounts\":{\"default\":{\"checklist\":\"a\",\"created\":\"2026-01-01T00:00:00Z\"},\n\"default\":{\"checklist\":\"b\",\"created\":\"2026-01-01T00:00:00Z\"}}}",
            "duplicate key `default`",
        ),
        (
            b"{\"version\":1,\"accounts\":{\"x\":{\"checklist\":\"a\",\"created\":\"2026-01-01T00:00:00Z\",\"steps\":{\"s\":{\"status\":{\"state\":\"todo\"}},\"s\":{\"status\":{\"state\":\"todo\"}}}}}}",
            "duplicate key `s`",
        ),
    ];
    for (bytes, expect) in cases {
        fs::write(p.state_file(), bytes).unwrap();
        let e = Store::open(&p, Duration::ZERO).unwrap_err().to_string();
        assert!(e.contains(expect), "{expect}: {e}");
        assert!(e.contains(&p.state_file().display().to_string()), "{e}");
        assert_eq!(&fs::read(p.state_file()).unwrap(), bytes, "file untouched");
    }
    fs::write(p.state_file(), b"{\"version\":2,\n  \"accounts\": 5}").unwrap();
    let e = load(&p).unwrap_err().to_string();
    assert!(e.contains("state.json:2:"), "{e}");
    assert!(e.contains("mv "), "says how to recover: {e}");
}

#[test]
fn non_regular_files_are_refused_at_once() {
    let t = tempfile::tempdir().unwrap();
    let p = paths(t.path());
    ensure_dir(&p.data_dir).unwrap();
    // A FIFO would block a plain read forever.
    let fifo = std::ffi::CString::new(p.state_file().to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let start = std::time::Instant::now();
    let e = load(&p).unwrap_err().to_string();
    assert!(start.elapsed() < Duration::from_secs(1));
    assert!(e.contains("named pipe") && e.contains("state.json"), "{e}");
    fs::remove_file(p.state_file()).unwrap();
    fs::create_dir(p.state_file()).unwrap();
    assert!(load(&p).unwrap_err().to_string().contains("a directory"));
    fs::remove_dir(p.state_file()).unwrap();
    std::os::unix::fs::symlink("/dev/zero", p.state_file()).unwrap();
    assert!(load(&p).unwrap_err().to_string().contains("a device"));
}

#[test]
fn symlinks_are_followed_and_kept_dangling_ones_refused() {
    let t = tempfile::tempdir().unwrap();
    let p = paths(t.path());
    ensure_dir(&p.data_dir).unwrap();
    let real_dir = t.path().join("synced");
    fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("lockstep-state.json");
    std::os::unix::fs::symlink(&real, p.state_file()).unwrap();
    // Dangling: an error, never "no progress yet", and the link is not replaced.
    let e = load(&p).unwrap_err().to_string();
    assert!(e.contains("does not exist"), "{e}");
    assert!(Store::open(&p, Duration::ZERO).is_err());
    assert!(
        fs::symlink_metadata(p.state_file())
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // To a regular file others may read: refused, before anything is read or written.
    fs::write(&real, b"{\"version\":2,\"accounts\":{}}").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o644)).unwrap();
    let e = load(&p).unwrap_err().to_string();
    assert!(e.contains("mode 644"), "{e}");
    // To a private regular file: followed; saves replace the target and keep the link.
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
    let (mut store, loaded) = open(&p);
    let mut s = loaded.state;
    s.accounts
        .insert("x".into(), Account::new("crypto-com", Utc::now()));
    store.save(&mut s).unwrap();
    assert!(
        fs::symlink_metadata(p.state_file())
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::read_to_string(&real).unwrap().contains("\"x\""));
    assert_eq!(load(&p).unwrap().state, s);
}

#[test]
fn a_change_saved_by_another_writer_is_merged_not_reverted() {
    let c = cl();
    let t = tempfile::tempdir().unwrap();
    let p = paths(t.path());
    let (mut tui, mut mine) = with_account(&p);
    // Someone deletes the lock file; another writer gets a lock of its own and saves.
    fs::remove_file(p.data_dir.join(LOCK_FILE)).unwrap();
    let (mut cli, loaded) = open(&p);
    let mut theirs = loaded.state;
    let now = Utc::now();
    theirs
        .accounts
        .get_mut(DEFAULT_ACCOUNT)
        .unwrap()
        .check(&c, "passkeys", now)
        .unwrap();
    cli.save(&mut theirs).unwrap();
    drop(cli);
    // The first writer changes another step: both changes survive.
    let a = mine.accounts.get_mut(DEFAULT_ACCOUNT).unwrap();
    a.check(&c, "totp-2fa", now).unwrap();
    tui.save(&mut mine).unwrap();
    let back = load(&p).unwrap().state;
    let a = &back.accounts[DEFAULT_ACCOUNT];
    assert!(a.status("passkeys").is_done() && a.status("totp-2fa").is_done());
    // The same step on both sides: the later change wins and the notice names the step; the
    // earlier one stays in the history.
    let (mut cli, loaded) = open(&p);
    let mut theirs = loaded.state;
    theirs
        .accounts
        .get_mut(DEFAULT_ACCOUNT)
        .unwrap()
        .skip(&c, "withdrawal-lock", "later", now)
        .unwrap();
    cli.save(&mut theirs).unwrap();
    drop(cli);
    mine.accounts
        .get_mut(DEFAULT_ACCOUNT)
        .unwrap()
        .check(&c, "withdrawal-lock", now)
        .unwrap();
    let saved = tui.save(&mut mine).unwrap();
    let n = saved.notices.join("\n");
    assert!(
        n.contains("step 'withdrawal-lock'") && n.contains("later"),
        "{n}"
    );
    assert!(
        mine.accounts[DEFAULT_ACCOUNT]
            .status("withdrawal-lock")
            .is_done()
    );
    assert!(
        load(&p).unwrap().state.accounts[DEFAULT_ACCOUNT]
            .status("withdrawal-lock")
            .is_done()
    );
    assert!(
        read_history(&p)
            .unwrap()
            .of(DEFAULT_ACCOUNT)
            .iter()
            .any(|e| matches!(
                &e.kind,
                EventKind::StepSkipped { step, .. } if step == "withdrawal-lock"
            ))
    );
    // History holds every acknowledged event exactly once.
    let h = read_history(&p).unwrap();
    let done: Vec<_> = h
        .of(DEFAULT_ACCOUNT)
        .iter()
        .filter(|e| matches!(e.kind, EventKind::StepDone { .. }))
        .collect();
    assert_eq!(done.len(), 3);
}

#[test]
fn an_incident_opened_by_a_stale_writer_takes_the_next_number() {
    let c = cl();
    let t = tempfile::tempdir().unwrap();
    let p = paths(t.path());
    let (mut tui, loaded) = open(&p);
    tui.release();
    let mut mine = loaded.state;
    let now = Utc::now();
    let mut a = Account::new("crypto-com", now);
    a.check(&c, "totp-2fa", now).unwrap();
    mine.accounts.insert(DEFAULT_ACCOUNT.into(), a);
    tui.save(&mut mine).unwrap();
    // `lockstep compromised` in another window, while the TUI has not caught up.
    let (mut cli, loaded) = open(&p);
    let mut theirs = loaded.state;
    let acct = theirs.accounts.get_mut(DEFAULT_ACCOUNT).unwrap();
    assert_eq!(acct.open_compromise(&c, now).unwrap(), 1);
    acct.incident_note("from the command line", None, now)
        .unwrap();
    cli.save(&mut theirs).unwrap();
    drop(cli);
    // The TUI's `!` on what it knew: incident #1 there too.
    let acct = mine.accounts.get_mut(DEFAULT_ACCOUNT).unwrap();
    assert_eq!(acct.open_compromise(&c, now).unwrap(), 1);
    acct.incident_note("from the TUI", None, now).unwrap();
    let saved = tui.save(&mut mine).unwrap();
    let n = saved.notices.join("\n");
    assert!(n.contains("incident #2"), "{n}");
    let back = load(&p).unwrap().state;
    let incidents = &back.accounts[DEFAULT_ACCOUNT].incidents;
    let seen: Vec<(u32, &str)> = incidents
        .iter()
        .map(|i| (i.id, i.log[0].text.as_str()))
        .collect();
    assert_eq!(seen, [(1, "from the command line"), (2, "from the TUI")]);
    assert!(incidents.iter().all(|i| i.uid.len() == 32));
    assert_ne!(incidents[0].uid, incidents[1].uid);
    assert_eq!(mine.accounts[DEFAULT_ACCOUNT].incidents.len(), 2);
    // The TUI's events name its incident by the number it got, and by its uid.
    let h = read_history(&p).unwrap();
    let notes: Vec<(u32, String, String)> = h
        .of(DEFAULT_ACCOUNT)
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::IncidentNote {
                incident,
                uid,
                text,
                ..
            } => Some((*incident, uid.clone(), text.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(notes[1].0, 2);
    assert_eq!(notes[1].1, incidents[1].uid);
    assert_eq!(notes[0].1, incidents[0].uid);
    // The rebuilt state agrees.
    let (rebuilt, _) = crate::record::rebuild(&p.history_file()).unwrap().unwrap();
    assert_eq!(rebuilt.accounts, back.accounts);
}

#[test]
fn failed_history_append_keeps_events_for_the_retry() {
    let t = tempfile::tempdir().unwrap();
    let p = paths(t.path());
    let (mut store, loaded) = open(&p);
    let mut s = loaded.state;
    s.accounts.insert(
        DEFAULT_ACCOUNT.into(),
        Account::new("crypto-com", Utc::now()),
    );
    // A directory where the history should be makes the append fail.
    fs::create_dir(p.history_file()).unwrap();
    assert!(store.save(&mut s).is_err());
    assert!(!p.state_file().exists(), "nothing half-saved");
    assert_eq!(s.accounts[DEFAULT_ACCOUNT].new_events.len(), 1);
    fs::remove_dir(p.history_file()).unwrap();
    store.save(&mut s).unwrap();
    assert_eq!(read_history(&p).unwrap().of(DEFAULT_ACCOUNT).len(), 1);
}

#[test]
fn failed_write_keeps_old_file_and_sweeps_temps() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let target = dir.join(STATE_FILE);
    write_atomic(&target, b"old", None).unwrap();
    // A directory where the temp file should go makes the open fail.
    let tmp = dir.join(format!(
        "{}{STATE_FILE}.{}",
        file::TEMP_PREFIX,
        std::process::id()
    ));
    fs::create_dir(&tmp).unwrap();
    assert!(write_atomic(&target, b"new", None).is_err());
    assert_eq!(fs::read(&target).unwrap(), b"old");
    fs::remove_dir(&tmp).unwrap();
    fs::write(dir.join(format!("{}x.99999", file::TEMP_PREFIX)), b"half").unwrap();
    file::sweep_temps(dir);
    assert_eq!(fs::read_dir(dir).unwrap().count(), 1);
}

#[test]
fn export_targets_inside_the_data_dir_are_recognised() {
    let t = tempfile::tempdir().unwrap();
    let p = paths(t.path());
    ensure_dir(&p.data_dir).unwrap();
    assert!(is_in_data_dir(&p, &p.state_file()));
    assert!(is_in_data_dir(&p, &p.data_dir.join("new.md")));
    assert!(is_in_data_dir(
        &p,
        &t.path().join("data/../data/state.json")
    ));
    assert!(!is_in_data_dir(&p, &t.path().join("export.md")));
    let link = t.path().join("link.json");
    std::os::unix::fs::symlink(p.state_file(), &link).unwrap();
    fs::write(p.state_file(), b"{}").unwrap();
    assert!(is_in_data_dir(&p, &link), "a link into the data dir counts");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
    #[test]
    fn state_parser_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
        let _ = parse_state(Path::new("state.json"), &bytes);
    }

    #[test]
    fn mutated_state_never_panics(pos in 0usize..2000, len in 0usize..8, byte in proptest::num::u8::ANY) {
        // A realistic file (steps, reviews, an incident), then a cut/overwrite.
        let c = cl();
        let now = DateTime::UNIX_EPOCH;
        let mut a = Account::new("crypto-com", now);
        a.check(&c, "totp-2fa", now).unwrap();
        a.skip(&c, "passkeys", "later", now).unwrap();
        a.complete_review(&c, "monthly", now, chrono::NaiveDate::MIN).unwrap();
        a.open_compromise(&c, now).unwrap();
        a.incident_note("chat", Some("T-1"), now).unwrap();
        let mut s = State::default();
        s.accounts.insert(DEFAULT_ACCOUNT.into(), a);
        let mut bytes = to_json(&s);
        let p = pos.min(bytes.len());
        let end = (p + len).min(bytes.len());
        bytes.splice(p..end, [byte]);
        let _ = parse_state(Path::new("state.json"), &bytes);
    }

    #[test]
    fn history_parser_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
        let _ = history::parse(&bytes);
    }
}

#[test]
fn a_damaged_version_1_file_names_its_real_problem() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/v1");
    for name in ["mid.json", "incidents.json", "notes.json"] {
        let text = fs::read(dir.join(name)).unwrap();
        for cut in [text.len() / 3, text.len() / 2, text.len() - 3] {
            let e = parse_state(Path::new("state.json"), &text[..cut])
                .unwrap_err()
                .to_string();
            assert!(e.contains("truncated"), "{name} cut at {cut}: {e}");
            assert!(!e.contains("unknown field `history`"), "{name}: {e}");
        }
    }
}

#[test]
fn a_store_for_one_save_saves_what_a_kept_store_saves_then_refuses() {
    let c = cl();
    let t = tempfile::tempdir().unwrap();
    let p = paths(t.path());
    drop(with_account(&p));
    // A command: opens, changes one step, saves once (its base moves into the new state).
    let (store, loaded) = open(&p);
    let mut store = store.for_one_save();
    let mut s = loaded.state;
    let now = Utc::now();
    let a = s.accounts.get_mut(DEFAULT_ACCOUNT).unwrap();
    a.check(&c, "passkeys", now).unwrap();
    store.save(&mut s).unwrap();
    assert!(s.accounts[DEFAULT_ACCOUNT].status("passkeys").is_done());
    // The snapshot, the state handed back and a rebuild from the log alone agree.
    let back = load(&p).unwrap().state;
    assert_eq!(back, s);
    fs::remove_file(p.state_file()).unwrap();
    let rebuilt = load(&p).unwrap();
    assert!(
        rebuilt.state.accounts[DEFAULT_ACCOUNT]
            .status("passkeys")
            .is_done()
    );
    assert_eq!(
        rebuilt.state.accounts[DEFAULT_ACCOUNT],
        back.accounts[DEFAULT_ACCOUNT]
    );
    // A second save (or catch-up) is a program error, refused without writing anything.
    let before = fs::read(p.history_file()).unwrap();
    let a = s.accounts.get_mut(DEFAULT_ACCOUNT).unwrap();
    a.check(&c, "totp-2fa", now).unwrap();
    assert!(matches!(store.save(&mut s), Err(StoreError::Spent)));
    assert!(matches!(store.catch_up(), Err(StoreError::Spent)));
    assert_eq!(fs::read(p.history_file()).unwrap(), before);
    drop(store);
    // A save that finds someone else's change on disk copies it as a kept store does.
    let (store, loaded) = open(&p);
    let mut one = store.for_one_save();
    one.release();
    let mut mine = loaded.state;
    let (mut other, loaded) = open(&p);
    let mut theirs = loaded.state;
    let t2 = theirs.accounts.get_mut(DEFAULT_ACCOUNT).unwrap();
    t2.check(&c, "withdrawal-lock", now).unwrap();
    other.save(&mut theirs).unwrap();
    drop(other);
    let m = mine.accounts.get_mut(DEFAULT_ACCOUNT).unwrap();
    m.check(&c, "totp-2fa", now).unwrap();
    one.save(&mut mine).unwrap();
    let back = load(&p).unwrap().state;
    let a = &back.accounts[DEFAULT_ACCOUNT];
    assert!(a.status("withdrawal-lock").is_done() && a.status("totp-2fa").is_done());
    assert_eq!(back, mine);
}
