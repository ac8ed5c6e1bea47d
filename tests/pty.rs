//! End-to-end tests of the real binary in a pseudo-terminal (expectrl + vt100): keys in, screen out,
//! state file updated, terminal restored after quit, panic, SIGTERM and SIGHUP.

use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;
use expectrl::process::unix::{PtyStream, UnixProcess};

mod common;

type Pty = Session<UnixProcess, PtyStream>;

struct Term {
    pty: Pty,
    parser: vt100::Parser,
    raw: Vec<u8>,
}

impl Term {
    fn start(data: &Path, extra_env: &[(&str, &str)]) -> Term {
        Self::start_wrapped(data, extra_env, &[])
    }

    /// Like `start`, with `prefix` (e.g. strace and its options) before the lockstep binary.
    fn start_wrapped(data: &Path, extra_env: &[(&str, &str)], prefix: &[&str]) -> Term {
        // A shell runs lockstep, then prints the terminal settings and lockstep's exit code, so
        // the test sees what a user's shell would get back.
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(r#"b=$(stty -g); "$@"; rc=$?; a=$(stty -g); echo; echo "STTY: $b $a $(stty -a | tr '\n' ' ')"; echo "RC=$rc"; sleep 0.2"#)
            .arg("sh")
            .args(prefix)
            .arg(env!("CARGO_BIN_EXE_lockstep"))
            .arg("--data-dir")
            .arg(data).env("TERM", "xterm-256color").env_remove("NO_COLOR");
        cmd.env("XDG_CONFIG_HOME", data.join("config"));
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let pty = Session::spawn(cmd).expect("spawn in a pty");
        Term {
            pty,
            parser: vt100::Parser::default(),
            raw: Vec::new(),
        }
    }

    fn pump(&mut self) {
        let mut buf = [0u8; 8192];
        loop {
            match self.pty.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    self.parser.process(&buf[..n]);
                    self.raw.extend_from_slice(&buf[..n]);
                }
                Err(_) => break,
            }
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// The screen once lockstep has had time to react (for asserting what is NOT shown).
    fn settled_screen(&mut self) -> String {
        std::thread::sleep(Duration::from_millis(300));
        self.pump();
        self.screen()
    }

    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            self.pump();
            if self.screen().contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A new user's first screens: pick the checklist (Crypto.com is preselected), then personas.
    fn first_run(&mut self) {
        self.wait_for("Choose a checklist");
        // Crypto.com is preselected (waited for: a loaded machine may draw the list a frame later).
        self.wait_for("> Crypto.com account hardening");
        self.send("\r");
        self.wait_for("Tailor the checklist");
    }

    /// First run with the defaults (Crypto.com, no persona), up to the dashboard.
    fn open_dashboard(&mut self) {
        self.first_run();
        self.send("\r");
        self.wait_for("Hardening score");
    }

    fn send(&mut self, s: &str) {
        use std::io::Write;
        self.pty.write_all(s.as_bytes()).unwrap();
        self.pty.flush().unwrap();
    }

    /// The pid of lockstep itself (the child of the wrapping shell; not meaningful when wrapped).
    fn pid(&self) -> i32 {
        let sh = self.pty.get_process().pid().as_raw();
        let children = std::fs::read_to_string(format!("/proc/{sh}/task/{sh}/children")).unwrap();
        children
            .split_whitespace()
            .next()
            .expect("lockstep runs")
            .parse()
            .unwrap()
    }

    /// Waits for lockstep to exit, draining output; returns its exit code (as the shell saw it).
    fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            self.pump();
            let raw = String::from_utf8_lossy(&self.raw).to_string();
            if let Some(i) = raw.find("RC=") {
                let code: String = raw[i + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if !code.is_empty() && raw[i + 3 + code.len()..].contains('\n') {
                    return code.parse().unwrap();
                }
            }
            assert!(
                Instant::now() < deadline,
                "did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The `stty -a` line printed by the shell after lockstep exited.
    fn stty(&self) -> String {
        let raw = String::from_utf8_lossy(&self.raw);
        let i = raw.find("STTY: ").expect("stty output");
        raw[i..].lines().next().unwrap().to_string()
    }

    /// The terminal is back to normal: alternate screen left, cursor shown, echo/canonical mode back.
    fn assert_restored(&self) {
        assert!(
            !self.parser.screen().alternate_screen(),
            "still in the alternate screen"
        );
        assert!(!self.parser.screen().hide_cursor(), "cursor still hidden");
        let raw = String::from_utf8_lossy(&self.raw);
        assert!(
            raw.contains("\x1b[?1049l"),
            "never left the alternate screen"
        );
        assert!(
            raw.contains("\x1b[?1000l") || raw.contains("\x1b[?1006l"),
            "mouse capture not disabled"
        );
        let stty = self.stty();
        let mut parts = stty.split_whitespace().skip(1);
        let (before, after) = (parts.next().unwrap(), parts.next().unwrap());
        assert_eq!(
            before, after,
            "stty settings differ after lockstep exited: {stty}"
        );
        for flag in [" icanon ", " isig ", " icrnl ", " opost "] {
            assert!(
                stty.contains(flag),
                "terminal setting{flag}not restored: {stty}"
            );
        }
    }
}

fn state(data: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(data.join("state.json")).unwrap()).unwrap()
}

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

/// Every file of the data directory with its bytes (the lock file included).
fn snapshot(data: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
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

/// `lockstep` in another process with the same data directory.
fn cli(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .arg("--data-dir")
        .arg(data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .args(args)
        .output()
        .unwrap()
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

#[test]
fn first_run_can_choose_the_generic_checklist() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.wait_for("Choose a checklist");
    t.send("j");
    t.send("\r");
    t.wait_for("Tailor the checklist");
    t.send("\r");
    t.wait_for("Any exchange");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(
        state(&data)["accounts"]["default"]["checklist"],
        "generic-exchange"
    );
}

#[test]
fn a_user_file_with_a_bundled_id_asks_first_and_several_accounts_start_on_the_overview() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = data.join("config/lockstep/checklists");
    std::fs::create_dir_all(&dir).unwrap();
    let scam = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/checklists/crypto-com.json"
    ))
    .unwrap()
    .replacen(
        "\"title\": \"Crypto.com account hardening\"",
        "\"title\": \"Crypto.com UPDATED checklist\"",
        1,
    );
    assert!(scam.contains("UPDATED"));
    std::fs::write(dir.join("crypto-com.json"), scam).unwrap();
    let mut t = Term::start(&data, &[]);
    t.wait_for("Choose a checklist");
    t.wait_for("YOUR FILE crypto-com.json");
    t.send("\x1b[B\x1b[B\r"); // down, down, Enter: the file
    t.wait_for("Follow your own file?");
    assert!(
        t.screen().contains("checklists/crypto-com.json"),
        "{}",
        t.screen()
    );
    t.send("n");
    t.wait_for("Choose a checklist");
    t.send("\x1b[A\x1b[A\r"); // back to the bundled checklist
    t.wait_for("Tailor the checklist");
    t.send("\r");
    t.wait_for("Hardening score");
    assert!(t.screen().contains("| bundled |"), "{}", t.screen());
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert!(state(&data)["accounts"]["default"]["checklist_file"].is_null());

    // A second account: the TUI now starts on the overview of both.
    let out = Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .arg("--data-dir")
        .arg(&data)
        .args(["--account", "mom", "--checklist", "generic-exchange"])
        .args(["check", "totp-2fa"])
        .env("XDG_CONFIG_HOME", data.join("config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut t = Term::start(&data, &[]);
    t.wait_for("all accounts (2)");
    t.send("\r");
    t.wait_for("Hardening score");
    t.send("q");
    t.wait_for("all accounts (2)");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn a_note_forgotten_in_the_tui_is_gone_from_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.open_dashboard();
    t.send("\r");
    t.wait_for("step 1 of 7");
    t.send("n");
    t.send("maiden name Featherstonehaugh\r");
    t.wait_for("Note saved");
    t.send("N");
    t.wait_for("Note forgotten");
    t.send("q");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
    for entry in std::fs::read_dir(&data).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Featherstonehaugh"),
            "{} still holds the note",
            entry.path().display()
        );
    }
    let h = std::fs::read_to_string(data.join("history.jsonl")).unwrap();
    assert!(
        h.contains("note_forgotten") && h.contains("note_removed"),
        "{h}"
    );
}

#[test]
fn a_cli_change_made_while_the_lock_file_was_deleted_is_never_reverted_by_the_tui() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.open_dashboard();
    // Someone deletes the lock file while the TUI is open: a CLI writer gets a lock of its own.
    std::fs::remove_file(data.join("lock")).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .arg("--data-dir")
        .arg(&data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .args(["check", "passkeys"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The TUI then saves a change of its own: both are kept.
    t.send("\r");
    t.wait_for("step 1 of 7");
    t.send(" ");
    t.wait_for("step 2 of 7");
    t.send("q");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    let s = state(&data);
    let steps = &s["accounts"]["default"]["steps"];
    assert_eq!(steps["totp-2fa"]["status"]["state"], "done", "{s}");
    assert_eq!(
        steps["passkeys"]["status"]["state"], "done",
        "the CLI's change survived: {s}"
    );
}

/// A private HOME and search path for the daily reminder: fake `crontab` (keeps the crontab in a
/// file) and `systemctl` (no user manager), so that whichever backend this machine picks, the
/// test never touches the real crontab or systemd directories.
fn reminder_sandbox(root: &Path) -> Vec<(String, String)> {
    use std::os::unix::fs::PermissionsExt;
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(root.join("home")).unwrap();
    let store = root.join("crontab.store");
    for (name, body) in [
        (
            "crontab",
            format!(
                "case \"$1\" in\n-l) if [ -f '{s}' ]; then cat '{s}'; else echo 'no crontab' >&2; exit 1; fi ;;\n-) cat > '{s}' ;;\nesac\n",
                s = store.display()
            ),
        ),
        (
            "systemctl",
            "echo 'Failed to connect to bus: No medium found' >&2\nexit 1\n".to_string(),
        ),
    ] {
        let p = bin.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    vec![
        ("PATH".into(), format!("{}:/usr/bin:/bin", bin.display())),
        ("HOME".into(), root.join("home").display().to_string()),
    ]
}

#[test]
fn the_daily_reminder_is_offered_once_when_the_essentials_are_first_done() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let env = reminder_sandbox(tmp.path());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut t = Term::start(&data, &env);
    t.open_dashboard();
    t.send("\r");
    t.wait_for("step 1 of 7");
    for i in 2..=7 {
        t.send(" ");
        t.wait_for(&format!("step {i} of 7"));
        assert!(!t.screen().contains("Want a daily reminder"));
    }
    t.send(" ");
    t.wait_for("Want a daily reminder?");
    t.wait_for("y yes, install");
    assert!(
        !data.join("reminders-offer").exists(),
        "nothing before the answer"
    );
    t.send("y");
    t.wait_for("Daily reminder installed");
    t.send("\r");
    t.wait_for("End of 5-Minute Essentials");
    t.send("q");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
    assert_eq!(
        std::fs::read_to_string(data.join("reminders-offer")).unwrap(),
        "yes\n"
    );
    let config = data.join("config");
    if Path::new("/run/systemd/system").is_dir() {
        let timer = config.join("systemd/user/lockstep-notify.timer");
        assert!(timer.exists(), "systemd was chosen: the timer is written");
    } else {
        let tab = std::fs::read_to_string(tmp.path().join("crontab.store")).unwrap();
        assert!(
            tab.contains("notify") && tab.contains(&data.display().to_string()),
            "{tab}"
        );
    }
    // Opened again with the essentials done: not asked again.
    let mut t = Term::start(&data, &env);
    t.wait_for("7/7");
    let screen = t.settled_screen();
    assert!(!screen.contains("Want a daily reminder"), "{screen}");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);

    // Another data directory: a lockstep job is already installed (the one above), and a yes
    // would replace it: not asked.
    let data2 = tmp.path().join("data2");
    let mut t = Term::start(&data2, &env);
    t.open_dashboard();
    t.send("\r");
    t.wait_for("step 1 of 7");
    t.send("       ");
    t.wait_for("End of 5-Minute Essentials");
    let screen = t.settled_screen();
    assert!(!screen.contains("Want a daily reminder"), "{screen}");
    t.send("q");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert!(!data2.join("reminders-offer").exists());

    // A machine without the job says no: nothing installed, not asked again. Keys typed before
    // the question is on screen (an `n` among fast spaces) do not answer it.
    let tmp2 = tempfile::tempdir().unwrap();
    let env2 = reminder_sandbox(tmp2.path());
    let env2: Vec<(&str, &str)> = env2.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let data3 = tmp2.path().join("data");
    let mut t = Term::start(&data3, &env2);
    t.open_dashboard();
    t.send("\r");
    t.wait_for("step 1 of 7");
    t.send("       n");
    t.wait_for("Want a daily reminder?");
    let screen = t.settled_screen();
    assert!(screen.contains("Want a daily reminder?"), "{screen}");
    assert!(
        !data3.join("reminders-offer").exists(),
        "the typed-ahead n was dropped"
    );
    t.send("n");
    t.wait_for("will not ask again");
    t.send("q");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(
        std::fs::read_to_string(data3.join("reminders-offer")).unwrap(),
        "no\n"
    );
    assert!(!tmp2.path().join("crontab.store").exists());
}

#[test]
fn a_done_emergency_step_is_never_silently_undone() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut t = Term::start(&data, &[]);
    t.open_dashboard();
    t.send("!");
    t.wait_for("nothing is recorded yet");
    // Before S, the incident's keys say why they wait.
    t.send(" ");
    t.wait_for("press S to start the incident first");
    t.send("S");
    t.wait_for("Incident #1 started");
    t.send(" ");
    t.wait_for("[x]");
    t.send("\x1b");
    t.wait_for("INCIDENT #1 OPEN");
    // Reopened: the cursor waits on the first open step; back up to the done one.
    t.send("!");
    t.wait_for("ACCOUNT default: INCIDENT #1");
    t.send("k");
    t.send(" ");
    t.wait_for("Already done at");
    std::thread::sleep(Duration::from_millis(300));
    let done = |data: &Path| {
        state(data)["accounts"]["default"]["incidents"][0]["steps"]
            .get("c-lock")
            .is_some()
    };
    assert!(done(&data), "Space left the done step done");
    // Its own key undoes it, and says so; so does the report.
    t.send("u");
    t.wait_for("Marked not done again");
    std::thread::sleep(Duration::from_millis(300));
    assert!(!done(&data));
    let out = cli(&data, &["incident", "report"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("Marked not done again: Hit the One-Button Lock now"),
        "{report}"
    );
    t.send("q");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn bang_on_the_accounts_screen_opens_the_selected_account() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    for (account, checklist) in [("default", "crypto-com"), ("mom", "generic-exchange")] {
        let out = cli(
            &data,
            &[
                "--account",
                account,
                "--checklist",
                checklist,
                "check",
                "totp-2fa",
            ],
        );
        assert!(out.status.success(), "{out:?}");
    }
    let mut t = Term::start(&data, &[]);
    t.wait_for("all accounts (2)");
    // Select mom's row, wherever worst-first put it.
    let screen = t.screen();
    let mom = screen.lines().position(|l| l.contains(" mom ")).unwrap();
    let default = screen
        .lines()
        .position(|l| l.contains(" default "))
        .unwrap();
    if mom > default {
        t.send("j");
    }
    t.send("!");
    t.wait_for("ACCOUNT mom: COMPROMISED?");
    t.send("S");
    t.wait_for("Incident #1 started");
    std::thread::sleep(Duration::from_millis(300));
    let s = state(&data);
    assert_eq!(s["accounts"]["mom"]["incidents"][0]["id"], 1, "{s}");
    assert!(
        s["accounts"]["default"]["incidents"]
            .as_array()
            .is_none_or(|a| a.is_empty()),
        "{s}"
    );
    t.send("\x03"); // Ctrl-C: everything is saved
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn the_history_screen_names_the_machine_of_a_merged_change() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("laptop"), tmp.path().join("desk"));
    let on = |d: &Path, name: &str, args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_lockstep"))
            .arg("--data-dir")
            .arg(d)
            .args(args)
            .env("LOCKSTEP_MACHINE", name)
            .env("XDG_CONFIG_HOME", d.join("config"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    on(&a, "laptop", &["check", "totp-2fa"]);
    std::fs::create_dir_all(&b).unwrap();
    for f in ["state.json", "history.jsonl"] {
        std::fs::copy(a.join(f), b.join(f)).unwrap();
    }
    on(&b, "desk", &["check", "passkeys"]);
    on(&a, "laptop", &["merge", b.to_str().unwrap()]);
    let mut t = Term::start(&a, &[("LOCKSTEP_MACHINE", "laptop")]);
    t.wait_for("Tailor the checklist");
    t.send("\r");
    t.wait_for("Hardening score");
    t.send("H");
    t.wait_for("(on desk)");
    let screen = t.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("(on desk)"))
        .unwrap_or_default();
    assert!(row.contains("Done: Add passkeys"), "{screen}");
    assert!(
        screen.lines().filter(|l| l.contains("(on ")).count() >= 1
            && !screen
                .lines()
                .any(|l| l.contains("Turn on authenticator") && l.contains("(on ")),
        "this machine's own changes carry no mark: {screen}"
    );
    t.send("q");
    t.send("q");
}
