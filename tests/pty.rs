//! End-to-end tests of the real binary in a pseudo-terminal (expectrl + vt100): keys in, screen out,
//! state file updated, terminal restored after quit, panic, SIGTERM and SIGHUP (more journeys in
//! `tests/pty_journeys.rs`).

use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::pty::*;

mod common;

#[test]
fn first_run_check_a_step_quit_and_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.first_run();
    t.send(" "); // long-term holding
    t.send("\r");
    t.wait_for("Hardening score");
    t.send("\r");
    t.wait_for("step 1 of 7");
    t.send(" ");
    t.wait_for("step 2 of 7");
    t.send("q");
    t.wait_for("1/7");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
    let s = state(&data);
    assert_eq!(
        s["accounts"]["default"]["steps"]["totp-2fa"]["status"]["state"],
        "done"
    );
    assert_eq!(s["accounts"]["default"]["personas"][0], "holder");

    // Progress survives a restart; the walkthrough resumes at the first open step.
    let mut t = Term::start(&data, &[]);
    t.wait_for("1/7");
    t.send("\r");
    t.wait_for("step 2 of 7");
    t.send("\x03"); // Ctrl-C quits from anywhere
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn compromise_key_then_leaving_changes_nothing_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.open_dashboard();
    t.send("\r");
    t.wait_for("step 1 of 7");
    t.send(" ");
    t.wait_for("step 2 of 7");
    t.send("q");
    t.wait_for("1/7");
    std::thread::sleep(Duration::from_millis(300));
    let before = snapshot(&data);
    t.send("!");
    t.wait_for("nothing is recorded yet");
    assert!(
        t.screen().contains("Hit the One-Button Lock now"),
        "{}",
        t.screen()
    );
    t.send("j"); // read the next step
    t.send("\x1b");
    t.wait_for("Enter or !: steps first");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        snapshot(&data),
        before,
        "the data dir changed while the TUI runs"
    );
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
    assert_eq!(snapshot(&data), before, "the data dir changed");
}

#[test]
fn start_an_incident_then_a_false_alarm_restores_every_status() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.open_dashboard();
    t.send("\r");
    t.wait_for("step 1 of 7");
    t.send(" ");
    t.wait_for("step 2 of 7");
    t.send("s");
    t.wait_for("Why skip");
    t.send("later\r");
    t.wait_for("step 3 of 7");
    // The lock applies to everyone: x is refused and says why.
    t.send("x");
    t.wait_for("applies to everyone");
    t.send("l");
    t.wait_for("step 4 of 7");
    t.send("q");
    t.wait_for("1/7");
    std::thread::sleep(Duration::from_millis(300));
    let steps_before = state(&data)["accounts"]["default"]["steps"].clone();
    t.send("!");
    t.wait_for("nothing is recorded yet");
    t.send("S");
    t.wait_for("Incident #1 started");
    t.send(" ");
    t.wait_for("[x]");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        state(&data)["accounts"]["default"]["steps"]["totp-2fa"]["status"]["state"],
        "reverify"
    );
    t.send("F");
    t.wait_for("restores 1 step");
    t.send("it was me\r");
    t.wait_for("cancelled as a false alarm");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
    let s = state(&data);
    let acct = &s["accounts"]["default"];
    assert_eq!(
        acct["steps"], steps_before,
        "every status as before the incident"
    );
    assert_eq!(acct["incidents"][0]["closed"]["false_alarm"], true);
    let history = std::fs::read_to_string(data.join("history.jsonl")).unwrap();
    assert!(history.contains("incident_opened") && history.contains("incident_cancelled"));
}

#[test]
fn terminal_restored_after_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(
        &data,
        &[("LOCKSTEP_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")],
    );
    let code = t.wait_exit();
    assert_ne!(code, 0);
    t.assert_restored();
    assert!(String::from_utf8_lossy(&t.raw).contains("deliberate panic"));
}

#[test]
fn terminal_restored_and_progress_saved_on_sigterm_and_sighup() {
    for sig in ["TERM", "HUP"] {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let mut t = Term::start(&data, &[]);
        t.open_dashboard();
        t.send("\r");
        t.wait_for("step 1 of 7");
        t.send(" ");
        t.wait_for("step 2 of 7");
        // The shell's builtin kill: no dependency on procps.
        let ok = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -{sig} {}", t.pid()))
            .status()
            .unwrap();
        assert!(ok.success());
        assert_eq!(t.wait_exit(), 0, "SIG{sig}: clean exit");
        t.assert_restored();
        assert_eq!(
            state(&data)["accounts"]["default"]["steps"]["totp-2fa"]["status"]["state"],
            "done"
        );
    }
}

#[test]
fn a_tui_left_open_never_blocks_the_emergency_commands_and_shows_what_they_did() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.open_dashboard();
    // The worst day: a TUI forgotten in another window, and the scripted emergency path.
    let out = cli(&data, &["compromised"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Incident #1 opened"), "{text}");
    assert!(text.contains("Do these now, in order"), "{text}");
    let out = cli(
        &data,
        &["incident", "note", "--ticket", "4711", "called support"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The open TUI shows the incident within a second, without a key press.
    t.wait_for("Incident #1");
    // A key press acts on the state as the other writer left it, and reverts none of it.
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    let s = state(&data);
    let inc = &s["accounts"]["default"]["incidents"][0];
    assert!(inc.to_string().contains("4711"), "{s}");
    assert!(inc["closed"].is_null(), "{s}");
}

#[test]
fn two_tuis_each_mark_a_step_and_both_marks_survive() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut a = Term::start(&data, &[]);
    a.open_dashboard();
    let mut b = Term::start(&data, &[]);
    b.wait_for("Hardening score");
    // Each opens the 5-minute essentials: A marks step 1; B, which caught up, opens on the
    // first open step (step 2) and marks it.
    a.send("\r");
    a.wait_for("step 1 of 7");
    a.send(" ");
    a.wait_for("step 2 of 7");
    b.send("\r");
    b.wait_for("step 2 of 7");
    b.send(" ");
    b.wait_for("step 3 of 7");
    for t in [&mut a, &mut b] {
        t.send("q");
        t.send("q");
        assert_eq!(t.wait_exit(), 0);
    }
    let s = state(&data);
    let steps = &s["accounts"]["default"]["steps"];
    let done: Vec<&String> = steps
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v["status"]["state"] == "done")
        .map(|(k, _)| k)
        .collect();
    assert_eq!(done.len(), 2, "both marks survive: {s}");
}

#[test]
fn save_failure_is_shown_in_the_tui_and_reported_on_exit() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // A first run that saves fine.
    let mut t = Term::start(&data, &[]);
    t.open_dashboard();
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    let before = std::fs::read(data.join("state.json")).unwrap();
    // Now the disk is "full".
    let mut t = Term::start(&data, &[("LOCKSTEP_FAULT", "enospc")]);
    t.wait_for("Hardening score");
    t.send("\r");
    t.wait_for("step 1 of 7");
    t.send(" ");
    t.wait_for("NOT SAVED");
    assert!(t.screen().contains("No space left on"), "{}", t.screen());
    t.send("q");
    t.send("q");
    assert_eq!(t.wait_exit(), 2, "unsaved changes on exit are an error");
    t.assert_restored();
    let raw = String::from_utf8_lossy(&t.raw);
    assert!(raw.contains("lockstep: error: cannot save"), "{raw}");
    assert_eq!(
        std::fs::read(data.join("state.json")).unwrap(),
        before,
        "old state intact"
    );
}

#[test]
fn resize_redraws_to_the_new_size() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.open_dashboard();
    t.pty.get_process_mut().set_window_size(120, 40).unwrap();
    t.parser
        .screen_mut()
        .set_size(NonZeroU16::new(40).unwrap(), NonZeroU16::new(120).unwrap());
    t.send("j"); // any key: the next frame uses the new size
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        t.pump();
        let rows: Vec<String> = t.parser.screen().rows(0, 120).collect();
        // The header spans the new width and the footer sits on the new last row.
        if rows[39].contains("compromised") && rows[1].trim_end().chars().count() == 120 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no redraw at 120x40:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn tui_makes_no_network_syscalls() {
    let Some(strace) = common::strace() else {
        return;
    };
    let strace = strace.to_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let log = tmp.path().join("net.trace");
    let log_s = log.display().to_string();
    let mut t = Term::start_wrapped(
        &data,
        &[],
        &[strace, "-f", "-o", &log_s, "-e", "trace=%network"],
    );
    t.open_dashboard();
    t.send("!");
    t.wait_for("COMPROMISED?");
    t.send("q");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    common::assert_no_network(&log, "the TUI");
}

#[test]
fn exits_when_the_terminal_goes_away() {
    // Closing the terminal (e.g. killing tmux or the terminal window) must not leave a process
    // spinning on an endless EOF while it holds the lock.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.open_dashboard();
    let pid = t.pid();
    let closed = Instant::now();
    drop(t); // closes the pty master: hangup
    let deadline = Instant::now() + Duration::from_secs(10);
    while Path::new(&format!("/proc/{pid}")).exists() {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat.split_whitespace().nth(2) == Some("Z") {
            break; // exited, not yet reaped
        }
        assert!(
            Instant::now() < deadline,
            "lockstep (pid {pid}) still running after hangup"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = closed.elapsed();
    assert!(
        took < Duration::from_millis(500),
        "lockstep took {took:?} to end after its terminal closed"
    );
    // The lock is free again and the state was saved.
    let out = Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .arg("--data-dir")
        .arg(&data)
        .args(["check", "passkeys"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(state(&data)["accounts"]["default"]["personas_chosen"], true);
}

#[test]
fn pasted_text_goes_into_the_prompt_not_into_the_keymap() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.open_dashboard();
    t.send("\r");
    t.wait_for("step 1 of 7");
    t.send("n");
    t.wait_for("Note (never");
    // A paste with a newline and keys that would otherwise act (l, space, !).
    t.send("\x1b[200~ok\nAll good l !\x1b[201~");
    t.send("\r");
    t.wait_for("Note saved");
    t.send("q");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    let s = state(&data);
    let acct = &s["accounts"]["default"];
    assert_eq!(acct["steps"]["totp-2fa"]["note"], "ok All good l !");
    assert!(
        acct["incidents"].as_array().is_none_or(|a| a.is_empty()),
        "no incident opened"
    );
    assert!(
        acct["steps"]["withdrawal-lock"].is_null(),
        "no step checked"
    );
}
