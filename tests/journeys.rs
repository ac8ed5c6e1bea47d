//! The command-line side of the journeys: the plain walkthrough (`lockstep walk`, and plain
//! `lockstep` when TERM=dumb) fed on stdin, and a false alarm with `lockstep incident cancel`.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

struct Env {
    tmp: tempfile::TempDir,
    data: PathBuf,
}

fn env() -> Env {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    Env { tmp, data }
}

impl Env {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.env_clear()
            .env("HOME", self.tmp.path())
            .env("XDG_CONFIG_HOME", self.tmp.path().join("config"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .arg("--data-dir")
            .arg(&self.data)
            .args(args);
        c
    }
    fn state(&self) -> serde_json::Value {
        serde_json::from_slice(&fs::read(self.data.join("state.json")).unwrap()).unwrap()
    }
    fn status(&self, step: &str) -> serde_json::Value {
        self.state()["accounts"]["default"]["steps"][step]["status"].clone()
    }
}

/// No escape sequences: nothing but plain text reaches a screen reader.
fn assert_plain(out: &str) {
    assert!(
        !out.contains('\x1b'),
        "escape sequence in plain output: {out:?}"
    );
}

#[test]
fn walk_answers_are_saved_one_by_one() {
    let e = env();
    // The first run's checklist (1: Crypto.com), done, skip without a reason (refused, asked
    // again), skip with one, not applicable (refused: the lock applies to everyone), next, a
    // note then next, and quit.
    let out = e
        .cmd(&["walk", "essentials"])
        .write_stdin("1\nd\ns\n\ns\nno phone yet\nx\n\nn\ncode is a fruit\n\nq\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_plain(&out);
    assert!(
        out.contains("== 5-Minute Essentials (0 of 7 done or not applicable; 7 open) =="),
        "{out}"
    );
    assert!(
        out.contains("Step 1 of 7: Turn on authenticator-app 2FA [to do]"),
        "{out}"
    );
    assert!(
        out.contains("Where: App > Settings > Security > 2FA"),
        "{out}"
    );
    assert!(out.contains("Not saved: a skip needs a reason"), "{out}");
    assert!(out.contains("Step 4 of 7:"), "{out}");
    assert!(out.contains("Bye. Your answers are saved."), "{out}");
    assert_eq!(e.status("totp-2fa")["state"], "done");
    assert_eq!(e.status("anti-phishing-code")["state"], "skipped");
    assert_eq!(e.status("anti-phishing-code")["reason"], "no phone yet");
    assert!(
        out.contains("Which checklist should this account follow?"),
        "{out}"
    );
    assert!(
        out.contains("Not saved: 'Enable the 24-hour withdrawal lock' applies to everyone"),
        "{out}"
    );
    assert_eq!(e.status("withdrawal-lock"), serde_json::Value::Null);
    assert_eq!(
        e.state()["accounts"]["default"]["steps"]["withdrawal-whitelist"]["note"],
        "code is a fruit"
    );
    // The lock is free between answers and after: another command works.
    e.cmd(&["check", "passkeys"]).assert().success();
    // A second walk starts with the open steps: the skipped one is asked again.
    e.cmd(&["walk", "essentials"])
        .write_stdin("q\n")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Step 2 of 7: Set an anti-phishing code [skipped]",
        ));
}

#[test]
fn walk_refuses_secrets_and_ends_at_the_end_of_input() {
    let e = env();
    e.cmd(&["walk", "essentials"])
        .write_stdin("1\nn\notpauth://totp/x?secret=JBSWY3DPEHPK3PXP\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("Not saved: refusing"));
    assert!(
        !fs::read_to_string(e.data.join("state.json"))
            .unwrap()
            .contains("JBSWY3DPEHPK3PXP")
    );
    e.cmd(&["walk", "monthly"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("walk goes through setup sections"));
}

#[test]
fn plain_lockstep_on_a_dumb_terminal_walks_every_setup_section() {
    let e = env();
    let out = e
        .cmd(&[])
        .env("TERM", "dumb")
        .write_stdin("1\nd\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_plain(&out);
    assert!(out.contains("plain walkthrough"), "{out}");
    // The first run asks which checklist to follow instead of picking one silently.
    assert!(
        out.contains("Which checklist should this account follow?"),
        "{out}"
    );
    assert!(out.contains(". Exchange account hardening ("), "{out}");
    assert!(out.contains("Showing the steps for everyone"), "{out}");
    assert_eq!(e.status("totp-2fa")["state"], "done");
}

#[test]
fn a_false_alarm_from_the_command_line_restores_every_status() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&["skip", "withdrawal-lock", "--reason", "later"])
        .assert()
        .success();
    let before = e.state()["accounts"]["default"]["steps"].clone();
    e.cmd(&["compromised"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Incident #1 opened"));
    assert_eq!(e.status("totp-2fa")["state"], "reverify");
    // A second `compromised` shows the open incident and opens nothing new.
    e.cmd(&["compromised"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Incident #1 is already open"));
    assert_eq!(
        e.state()["accounts"]["default"]["incidents"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    e.cmd(&["incident", "cancel", "my own login"])
        .assert()
        .success()
        .stdout("incident #1 cancelled as a false alarm; 1 setup step got its status back\n");
    assert_eq!(e.state()["accounts"]["default"]["steps"], before);
    let history = fs::read_to_string(e.data.join("history.jsonl")).unwrap();
    assert!(history.contains("incident_opened") && history.contains("incident_cancelled"));
    e.cmd(&["incident", "cancel"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no incident is open"));
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Hardening score:"));
}
