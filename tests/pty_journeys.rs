//! More journeys of the real binary in a pseudo-terminal: choosing a checklist, several accounts,
//! forgetting a note, another writer meanwhile, the daily-reminder offer, the emergency steps, a
//! merged history.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::pty::*;

mod common;

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
/// file), `systemctl` (no user manager) and `pgrep` (a cron daemon runs), so that whichever
/// backend this machine picks, the test never touches the real crontab or systemd directories
/// and does not depend on what runs on the machine.
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
        // A cron daemon runs, whatever runs on this machine (lockstep asks pgrep).
        ("pgrep", "exit 0\n".to_string()),
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
