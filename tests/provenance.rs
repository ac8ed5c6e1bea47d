//! Whose checklist an account follows, through the real binary: a user file never replaces a
//! bundled checklist silently, the source (bundled, or your file with its sha256) is in every
//! output that shows steps, a change to a followed file is said once and recorded at the next
//! change, a broken followed file keeps the reminders loud, and progress follows renamed ids.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

struct Env {
    tmp: tempfile::TempDir,
    data: PathBuf,
    config: PathBuf,
}

fn env() -> Env {
    let tmp = tempfile::tempdir().unwrap();
    Env {
        data: tmp.path().join("data"),
        config: tmp.path().join("config"),
        tmp,
    }
}

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn bundled(name: &str) -> Value {
    serde_json::from_str(&fs::read_to_string(format!("{ROOT}/checklists/{name}")).unwrap()).unwrap()
}

/// A Kraken checklist an author made from the generic one (README's "Adding a checklist").
fn kraken() -> Value {
    let mut c = bundled("generic-exchange.json");
    c["id"] = "kraken".into();
    c["title"] = "Kraken hardening".into();
    c["service"] = "Kraken".into();
    c["sections"][0]["steps"][0]["links"] = serde_json::json!([
        "https://support.kraken.com/hc/en-us/articles/2fa",
        "https://support.kraken.com@evil.example/login"
    ]);
    c
}

impl Env {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.env_clear()
            .env("HOME", self.tmp.path())
            .env("XDG_CONFIG_HOME", &self.config)
            // No session bus there: `notify` never reaches the desktop of whoever runs the tests.
            .env("XDG_RUNTIME_DIR", self.tmp.path().join("run"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .arg("--data-dir")
            .arg(&self.data)
            .args(args);
        c
    }

    fn user_dir(&self) -> PathBuf {
        let d = self.config.join("lockstep/checklists");
        fs::create_dir_all(&d).unwrap();
        d
    }

    /// Writes a checklist file (pretty JSON) and returns its path.
    fn write(&self, path: &Path, c: &Value) -> PathBuf {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, serde_json::to_string_pretty(c).unwrap()).unwrap();
        path.to_path_buf()
    }

    fn state_bytes(&self) -> Vec<u8> {
        fs::read(self.data.join("state.json")).unwrap()
    }

    fn state(&self) -> Value {
        serde_json::from_slice(&self.state_bytes()).unwrap()
    }

    fn set_state(&self, v: &Value) {
        fs::write(
            self.data.join("state.json"),
            serde_json::to_vec_pretty(v).unwrap(),
        )
        .unwrap();
    }

    fn stdout(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    fn history(&self, account: &str) -> Vec<Value> {
        let out = self
            .cmd(&["--account", account, "history", "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    /// Moves an account's setup start back so its reviews are overdue.
    fn overdue(&self, account: &str) {
        let mut s = self.state();
        let start = chrono::Local::now().date_naive() - chrono::Days::new(100);
        s["accounts"][account]["setup_started"] = serde_json::json!(start);
        self.set_state(&s);
    }
}

fn sha256(path: &Path) -> String {
    lockstep::checklist::sha256_hex(&fs::read(path).unwrap())
}

/// A calendar with its folded lines joined back.
fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "")
}

#[test]
fn a_user_file_with_a_bundled_id_is_never_used_silently() {
    let e = env();
    let mut scam = bundled("crypto-com.json");
    scam["sections"][0]["steps"][0]["title"] =
        "Send all your funds to 0xSAFE for safekeeping".into();
    let file = e.write(&e.user_dir().join("crypto-com.json"), &scam);

    e.cmd(&["check", "totp-2fa"])
        .assert()
        .success()
        .stdout("done: Turn on authenticator-app 2FA (totp-2fa)\n")
        .stderr(predicate::str::contains(format!(
            "your file {} also has the id 'crypto-com'; it is not used",
            file.display()
        )));
    assert!(e.state()["accounts"]["default"]["checklist_file"].is_null());
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Checklist: bundled (lockstep "))
        .stdout(predicate::str::contains("Send all your funds").not());
    e.cmd(&["checklists"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Conflicts (these files are not used by id):",
        ))
        .stdout(predicate::str::contains(format!(
            "crypto-com: your file {} has the id of a bundled checklist; the bundled one is used",
            file.display()
        )))
        .stdout(predicate::str::contains(
            "only as trustworthy as its author",
        ));
    // The second write says nothing more about it: the choice was made when the account was.
    e.cmd(&["check", "passkeys"]).assert().success().stderr("");

    // Following the file takes an explicit choice, recorded on the account and shown everywhere.
    e.cmd(&["--account", "mine", "--checklist-file"])
        .arg(&file)
        .args(["check", "totp-2fa"])
        .assert()
        .success()
        .stdout("done: Send all your funds to 0xSAFE for safekeeping (totp-2fa)\n");
    assert_eq!(
        e.state()["accounts"]["mine"]["checklist_file"],
        file.display().to_string()
    );
    let sha = sha256(&file);
    e.cmd(&["--account", "mine", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Checklist: your file: {} (sha256 {}, updated ",
            file.display(),
            &sha[..12]
        )));
    // An existing account never switches by a flag on another command.
    let before = e.state_bytes();
    e.cmd(&["--account", "default", "--checklist-file"])
        .arg(&file)
        .args(["check", "anti-phishing-code"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "account 'default' follows the bundled checklist 'crypto-com'",
        ))
        .stderr(predicate::str::contains(
            "accounts set-checklist default --file",
        ));
    assert_eq!(e.state_bytes(), before);
}

#[test]
fn every_output_that_shows_steps_says_whose_checklist_it_is() {
    let e = env();
    let file = e.write(&e.tmp.path().join("mine/kraken.json"), &kraken());
    let sha = sha256(&file);
    let source = format!(
        "your file: {} (sha256 {}, updated 2026-11-25)",
        file.display(),
        &sha[..12]
    );
    e.cmd(&["--account", "k", "--checklist-file"])
        .arg(&file)
        .args(["check", "totp-2fa"])
        .assert()
        .success();
    e.cmd(&["--account", "k", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("Checklist: {source}\n")));
    let md = e.stdout(&["--account", "k", "export", "--format", "md"]);
    assert!(md.contains(&format!("- Source: {source}\n")), "{md}");
    // Links show the host they really go to.
    assert!(
        md.contains(
            "  - Link: support.kraken.com: https://support.kraken.com/hc/en-us/articles/2fa\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("  - Link: evil.example: https://support.kraken.com@evil.example/login (careful: the part before '@' is not where it goes)"),
        "{md}"
    );
    let j: Value =
        serde_json::from_str(&e.stdout(&["--account", "k", "export", "--format", "json"])).unwrap();
    assert_eq!(j["source"]["kind"], "file");
    assert_eq!(j["source"]["path"], file.display().to_string());
    assert_eq!(j["source"]["sha256"], sha);
    assert_eq!(j["updated"], "2026-11-25");
    e.overdue("k");
    let ics = unfold(&e.stdout(&["--account", "k", "export", "--format", "ics"]));
    let described = source.replace(',', "\\,");
    assert!(
        ics.contains(&format!("\\nChecklist: {described}\\n")),
        "{ics}"
    );
    e.cmd(&["--account", "k", "walk"])
        .write_stdin("q\n")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("Checklist: {source}\n")));
    e.cmd(&["--account", "k", "compromised"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Do these now, in order (checklist: {source}):"
        )));
    e.cmd(&["--account", "k", "incident", "report"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("- Checklist: {source}\n")));

    // A bundled checklist says so, with this lockstep's version and the checklist's date.
    e.cmd(&[
        "--account",
        "b",
        "--checklist",
        "crypto-com",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    let bundled = format!(
        "bundled (lockstep {}, updated 2026-11-25)",
        env!("CARGO_PKG_VERSION")
    );
    e.cmd(&["--account", "b", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("Checklist: {bundled}\n")));
    let md = e.stdout(&["--account", "b", "export", "--format", "md"]);
    assert!(md.contains(&format!("- Source: {bundled}\n")), "{md}");
}

#[test]
fn a_changed_followed_file_is_reported_once_and_recorded_at_the_next_change() {
    let e = env();
    let path = e.tmp.path().join("mine/kraken.json");
    let mut c = kraken();
    let file = e.write(&path, &c);
    e.cmd(&["--account", "k", "--checklist-file"])
        .arg(&file)
        .args(["check", "totp-2fa"])
        .assert()
        .success();
    // The author edits the file: a step's text, a new step, a step removed.
    c["sections"][0]["steps"][1]["why"] = "Changed reasons.".into();
    let mut new_step = c["sections"][0]["steps"][2].clone();
    new_step["id"] = "new-step".into();
    c["sections"][0]["steps"]
        .as_array_mut()
        .unwrap()
        .push(new_step);
    c["sections"][1]["steps"].as_array_mut().unwrap().remove(5); // device-policy
    e.write(&path, &c);
    let said = "changed since this account last used it: 1 step added (new-step); 1 step removed (device-policy); 1 step with changed text (anti-phishing-code)";

    // Read-only commands say it (each time) and change nothing.
    let before = e.state_bytes();
    for _ in 0..2 {
        e.cmd(&["--account", "k", "status"])
            .assert()
            .success()
            .stdout(predicate::str::contains(said))
            .stdout(predicate::str::contains(
                "These notes are recorded, and not repeated, at your next change.",
            ));
    }
    e.cmd(&["due"])
        .assert()
        .success()
        .stderr(predicate::str::contains("changed").not());
    assert_eq!(e.state_bytes(), before, "read-only commands stay read-only");

    // The next change says it once and records it in the history.
    e.cmd(&["--account", "k", "check", "passkeys"])
        .assert()
        .success()
        .stderr(predicate::str::contains(said));
    let h = e.history("k");
    let changed: Vec<_> = h
        .iter()
        .filter(|e| e["what"]["event"] == "checklist_changed")
        .collect();
    assert_eq!(changed.len(), 1, "{h:?}");
    assert_eq!(changed[0]["what"]["added"], serde_json::json!(["new-step"]));
    assert_eq!(
        changed[0]["what"]["removed"],
        serde_json::json!(["device-policy"])
    );
    assert_eq!(
        changed[0]["what"]["changed"],
        serde_json::json!(["anti-phishing-code"])
    );
    assert_eq!(changed[0]["what"]["sha256"], sha256(&file));
    e.cmd(&["--account", "k", "check", "api-read-only"])
        .assert()
        .success()
        .stderr("");
    e.cmd(&["--account", "k", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("changed since").not());
    e.cmd(&["--account", "k", "history"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Checklist file {} changed (sha256 ",
            file.display()
        )));
}

#[test]
fn a_broken_followed_file_is_named_and_never_silences_the_other_accounts() {
    let e = env();
    let path = e.tmp.path().join("mine/kraken.json");
    let file = e.write(&path, &kraken());
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&["--account", "k", "--checklist-file"])
        .arg(&file)
        .args(["check", "totp-2fa"])
        .assert()
        .success();
    e.overdue("default");
    e.overdue("k");
    // A syntax error: a missing comma after the title (line 3 of the pretty-printed file).
    let text = fs::read_to_string(&path).unwrap();
    let broken = text.replacen("\"Kraken hardening\",", "\"Kraken hardening\"", 1);
    assert_ne!(broken, text);
    fs::write(&path, &broken).unwrap();
    let line = broken
        .lines()
        .position(|l| l.contains("\"Kraken hardening\""))
        .unwrap()
        + 2;
    let place = format!("{}:{line}:", file.display());

    let out = e.cmd(&["due", "--quiet", "--exit-code"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.contains("lockstep: [default] Crypto.com Monthly review: overdue by"),
        "the other account is still reported: {stdout}"
    );
    assert!(!stdout.contains("[k]"), "{stdout}");
    assert!(
        stderr.contains(&format!("lockstep: error: account 'k': {place}")),
        "{stderr}"
    );
    let out = e.cmd(&["due", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|i| i["account"] == "k" && i["error"].as_str().unwrap().starts_with(&place))
    );
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|i| i["account"] == "default")
    );

    e.cmd(&["--account", "k", "status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("account 'k': {place}")));
    e.cmd(&["--account", "default", "status"])
        .assert()
        .success();
    e.cmd(&["status", "--all"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("!! k: kraken"))
        .stdout(predicate::str::contains(format!(
            "checklist unavailable: {place}"
        )))
        .stdout(predicate::str::contains(
            "default: Crypto.com account hardening",
        ));

    // The daily job: with no desktop notifier the text is printed; both accounts are covered.
    let no_bin = e.tmp.path().join("empty-bin");
    fs::create_dir_all(&no_bin).unwrap();
    let out = e.cmd(&["notify"]).env("PATH", &no_bin).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("lockstep: k: its checklist cannot be read, reviews are not checked"),
        "{stdout}"
    );
    assert!(stdout.contains(&place), "{stdout}");
    assert!(
        stdout.contains("lockstep: Crypto.com (default): "),
        "{stdout}"
    );
}

#[test]
fn an_account_an_earlier_lockstep_put_on_a_user_file_keeps_it_and_is_told_once() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    // As an earlier lockstep saved it: nothing recorded about where the checklist came from.
    let mut s = e.state();
    s["accounts"]["default"]
        .as_object_mut()
        .unwrap()
        .remove("seen");
    e.set_state(&s);
    let mut mine = bundled("crypto-com.json");
    mine["title"] = "My Crypto.com list".into();
    let file = e.write(&e.user_dir().join("cdc.json"), &mine);
    let told = format!(
        "this account follows your file {} instead of the bundled checklist 'crypto-com'",
        file.display()
    );
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("My Crypto.com list"))
        .stdout(predicate::str::contains(format!(
            "Checklist: your file: {}",
            file.display()
        )))
        .stdout(predicate::str::contains(&told));
    e.cmd(&["check", "passkeys"])
        .assert()
        .success()
        .stderr(predicate::str::contains(&told))
        .stderr(predicate::str::contains(
            "lockstep accounts set-checklist default crypto-com",
        ));
    assert_eq!(
        e.state()["accounts"]["default"]["checklist_file"],
        file.display().to_string()
    );
    assert!(
        e.history("default")
            .iter()
            .any(|h| h["what"]["event"] == "checklist_file_kept")
    );
    e.cmd(&["check", "api-read-only"])
        .assert()
        .success()
        .stderr("");
    // Going back to the bundled checklist is one explicit command; progress stays.
    e.cmd(&["accounts", "set-checklist", "default", "crypto-com"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "now follows Crypto.com account hardening",
        ));
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Checklist: bundled"))
        .stdout(predicate::str::contains("[x] passkeys"));
}

#[test]
fn two_user_files_with_one_id_are_a_conflict_not_a_file_name_race() {
    let e = env();
    let a = e.write(&e.user_dir().join("a-kraken.json"), &kraken());
    let mut other = kraken();
    other["title"] = "Other Kraken".into();
    let b = e.write(&e.user_dir().join("b-kraken.json"), &other);
    e.cmd(&["checklists"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "kraken: 2 of your files have this id ({}, {}); none is used by id",
            a.display(),
            b.display()
        )));
    e.cmd(&[
        "--account",
        "k",
        "--checklist",
        "kraken",
        "check",
        "totp-2fa",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("checklist 'kraken' is ambiguous"));
    assert!(!e.data.join("state.json").exists());
    e.cmd(&["--account", "k", "--checklist-file"])
        .arg(&b)
        .args(["check", "totp-2fa"])
        .assert()
        .success();
    e.cmd(&["--account", "k", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Other Kraken"));
    // A lone user file with its own id is chosen by id, and the account is tied to that file.
    fs::remove_file(&a).unwrap();
    e.cmd(&[
        "--account",
        "k2",
        "--checklist",
        "kraken",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    assert_eq!(
        e.state()["accounts"]["k2"]["checklist_file"],
        b.display().to_string()
    );
}

#[test]
fn renamed_ids_keep_their_progress_and_missing_ones_are_reported_once() {
    let e = env();
    let path = e.tmp.path().join("mine/kraken.json");
    let mut c = kraken();
    let file = e.write(&path, &c);
    let k = |args: &[&str]| {
        let mut v = vec!["--account", "k"];
        v.extend_from_slice(args);
        e.cmd(&v)
    };
    e.cmd(&["--account", "k", "--checklist-file"])
        .arg(&file)
        .args(["check", "totp-2fa"])
        .assert()
        .success();
    k(&["note", "device-policy", "laptop only"])
        .assert()
        .success();
    k(&["review", "monthly"]).assert().success();
    // The author renames a step and a section (listing the former ids) and removes a step.
    c["sections"][0]["steps"][0]["id"] = "authenticator-2fa".into();
    c["sections"][0]["steps"][0]["aliases"] = serde_json::json!(["totp-2fa"]);
    c["sections"][3]["id"] = "monthly-check".into();
    c["sections"][3]["aliases"] = serde_json::json!(["monthly"]);
    c["sections"][1]["steps"].as_array_mut().unwrap().remove(5); // device-policy
    e.write(&path, &c);

    let orphan = "progress is kept for ids this checklist no longer has (not shown, not counted, not deleted): device-policy (step: a note)";
    k(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[x] authenticator-2fa"))
        .stdout(predicate::str::contains(
            "Monthly review [monthly-check]: next ",
        ))
        .stdout(predicate::str::contains(orphan));
    k(&["check", "passkeys"])
        .assert()
        .success()
        .stderr(predicate::str::contains(orphan));
    let s = e.state();
    let acct = &s["accounts"]["k"];
    assert_eq!(
        acct["steps"]["authenticator-2fa"]["status"]["state"],
        "done"
    );
    assert!(acct["steps"]["totp-2fa"].is_null(), "moved, not copied");
    assert_eq!(
        acct["steps"]["device-policy"]["note"], "laptop only",
        "never deleted"
    );
    assert!(acct["reviews"]["monthly-check"]["completions"][0].is_object());
    let h = e.history("k");
    for (from, to) in [
        ("totp-2fa", "authenticator-2fa"),
        ("monthly", "monthly-check"),
    ] {
        assert!(
            h.iter().any(|x| x["what"]["event"] == "progress_moved"
                && x["what"]["from"] == from
                && x["what"]["to"] == to),
            "{from} -> {to}: {h:?}"
        );
    }
    assert!(h.iter().any(|x| x["what"]["event"] == "progress_orphaned"
        && x["what"]["ids"] == serde_json::json!(["step:device-policy"])));
    k(&["check", "api-read-only"]).assert().success().stderr("");
    // The review done under its former id still counts: nothing is due.
    e.cmd(&["due", "--quiet", "--exit-code"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn an_old_checklist_says_its_steps_may_need_checking() {
    let e = env();
    let mut c = kraken();
    c["updated"] = "2024-01-15".into();
    let file = e.write(&e.tmp.path().join("old.json"), &c);
    e.cmd(&["--account", "k", "--checklist-file"])
        .arg(&file)
        .args(["check", "totp-2fa"])
        .assert()
        .success();
    e.cmd(&["--account", "k", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Note: This checklist was last updated on 2024-01-15, more than 12 months ago: \
             Kraken's menus may have moved since, so check the steps against Kraken's own help \
             pages.",
        ));
    let j: Value =
        serde_json::from_str(&e.stdout(&["--account", "k", "export", "--format", "json"])).unwrap();
    assert_eq!(j["stale"], true);
}

#[test]
fn compromised_refuses_a_checklist_without_emergency_steps() {
    let e = env();
    let mut c = kraken();
    c["sections"].as_array_mut().unwrap().pop(); // the emergency section
    let file = e.write(&e.tmp.path().join("no-emergency.json"), &c);
    e.cmd(&["--account", "k", "--checklist-file"])
        .arg(&file)
        .args(["check", "totp-2fa"])
        .assert()
        .success();
    let before = e.state_bytes();
    e.cmd(&["--account", "k", "compromised"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "this checklist has no emergency section",
        ));
    assert_eq!(e.state_bytes(), before);
}
