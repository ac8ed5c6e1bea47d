//! Several accounts through the real binary: no account by accident (a typo is an error with a
//! "did you mean"), LOCKSTEP_ACCOUNT, labels where accounts are shown, rename, remove with a
//! question and a backup, another checklist for an account, and `status --all`.

use std::fs;
use std::io::Cursor;
use std::path::PathBuf;

use assert_cmd::Command;
use clap::Parser;
use predicates::prelude::*;
use serde_json::Value;

struct Env {
    tmp: tempfile::TempDir,
    data: PathBuf,
}

fn env() -> Env {
    let tmp = tempfile::tempdir().unwrap();
    Env {
        data: tmp.path().join("data"),
        tmp,
    }
}

impl Env {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.env_clear()
            .env("HOME", self.tmp.path())
            .env("XDG_CONFIG_HOME", self.tmp.path().join("config"))
            // No session bus there: `notify` never reaches the desktop of whoever runs the tests.
            .env("XDG_RUNTIME_DIR", self.tmp.path().join("run"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .arg("--data-dir")
            .arg(&self.data)
            .args(args);
        c
    }

    fn state_bytes(&self) -> Vec<u8> {
        fs::read(self.data.join("state.json")).unwrap()
    }

    fn state(&self) -> Value {
        serde_json::from_slice(&self.state_bytes()).unwrap()
    }

    fn stdout(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    fn overdue(&self, account: &str) {
        let mut s = self.state();
        let start = chrono::Local::now().date_naive() - chrono::Days::new(100);
        s["accounts"][account]["setup_started"] = serde_json::json!(start);
        fs::write(
            self.data.join("state.json"),
            serde_json::to_vec_pretty(&s).unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn a_typo_never_creates_an_account() {
    let e = env();
    // The very first account needs nothing more.
    e.cmd(&["--account", "main", "check", "totp-2fa"])
        .assert()
        .success();
    let before = e.state_bytes();
    e.cmd(&["--account", "mian", "check", "totp-2fa"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "lockstep: error: no account 'mian' is tracked (tracked: main); did you mean 'main'? \
             To track a new account, name its checklist: --account mian --checklist ID (see \
             `lockstep checklists`)\n",
        );
    assert_eq!(e.state_bytes(), before, "nothing written");
    e.cmd(&["--account", "mian", "status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean 'main'?"));
    // With only one account, commands that name none use it.
    e.cmd(&["check", "passkeys"]).assert().success();
    assert_eq!(
        e.state()["accounts"]["main"]["steps"]["passkeys"]["status"]["state"],
        "done"
    );
    // A new account is one that says which checklist it follows.
    e.cmd(&[
        "--account",
        "mom",
        "--checklist",
        "generic-exchange",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    assert_eq!(
        e.state()["accounts"]["mom"]["checklist"],
        "generic-exchange"
    );
    // Two accounts and no "default": a command must say which.
    e.cmd(&["check", "anti-phishing-code"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "2 accounts are tracked and none is called 'default': choose one with --account \
             NAME (or LOCKSTEP_ACCOUNT): main, mom",
        ));
    e.cmd(&["status"]).assert().code(2);
    // LOCKSTEP_ACCOUNT is the default; --account still wins.
    e.cmd(&["check", "anti-phishing-code"])
        .env("LOCKSTEP_ACCOUNT", "mom")
        .assert()
        .success()
        .stdout(predicate::str::contains("anti-phishing-code"));
    assert_eq!(
        e.state()["accounts"]["mom"]["steps"]["anti-phishing-code"]["status"]["state"],
        "done"
    );
    e.cmd(&["--account", "main", "status"])
        .env("LOCKSTEP_ACCOUNT", "mom")
        .assert()
        .success()
        .stdout(predicate::str::contains("(account: main)"));
    // `due` still covers every account with LOCKSTEP_ACCOUNT set.
    e.overdue("main");
    e.overdue("mom");
    e.cmd(&["due"])
        .env("LOCKSTEP_ACCOUNT", "mom")
        .assert()
        .success()
        .stdout(predicate::str::contains("[main]"))
        .stdout(predicate::str::contains("[mom]"));
}

#[test]
fn labels_name_accounts_in_due_lines_exports_and_calendars() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&[
        "--account",
        "mom",
        "--checklist",
        "crypto-com",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    e.cmd(&["accounts", "label", "mom", "Mom's Crypto.com"])
        .assert()
        .success()
        .stdout("account 'mom' is shown as \"Mom's Crypto.com\"\n");
    e.cmd(&["accounts"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "mom                  crypto-com  \"Mom's Crypto.com\"",
        ));
    e.overdue("default");
    e.overdue("mom");
    e.cmd(&["due"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "lockstep: [Mom's Crypto.com] Crypto.com Monthly review: overdue by",
        ))
        .stdout(predicate::str::contains(
            "lockstep: [default] Crypto.com Monthly review",
        ));
    let md = e.stdout(&["--account", "mom", "export", "--format", "md"]);
    assert!(md.contains("- Account: Mom's Crypto.com (mom)\n"), "{md}");
    let j: Value =
        serde_json::from_str(&e.stdout(&["--account", "mom", "export", "--format", "json"]))
            .unwrap();
    assert_eq!(j["label"], "Mom's Crypto.com");
    let ics = e.stdout(&["--account", "mom", "export", "--format", "ics"]);
    assert!(
        ics.contains("SUMMARY:Mom's Crypto.com: Monthly review\r\n"),
        "{ics}"
    );
    // The calendar of every account never gives two accounts the same titles.
    let cal = e.tmp.path().join("all.ics");
    e.cmd(&["notify", "--ics", cal.to_str().unwrap()])
        .env("PATH", e.tmp.path())
        .assert()
        .success();
    let all = fs::read_to_string(&cal).unwrap();
    assert!(
        all.contains("SUMMARY:Mom's Crypto.com: Monthly review\r\n"),
        "{all}"
    );
    assert!(
        all.contains("SUMMARY:Crypto.com: Monthly review\r\n"),
        "{all}"
    );
    // Without a label, two accounts on one service are told apart by name.
    e.cmd(&["accounts", "label", "mom", ""])
        .assert()
        .success()
        .stdout("account 'mom' has no label now (its name is shown)\n");
    e.cmd(&["notify", "--ics", cal.to_str().unwrap()])
        .env("PATH", e.tmp.path())
        .assert()
        .success();
    let all = fs::read_to_string(&cal).unwrap();
    assert!(
        all.contains("SUMMARY:Crypto.com (mom): Monthly review\r\n"),
        "{all}"
    );
    assert!(
        all.contains("SUMMARY:Crypto.com (default): Monthly review\r\n"),
        "{all}"
    );
    // A label is never a secret.
    e.cmd(&[
        "accounts",
        "label",
        "mom",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
    ])
    .assert()
    .code(2);
}

#[test]
fn status_all_flags_records_from_a_wrong_clock() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
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
    let mut s = e.state();
    s["accounts"]["b"]["reviews"]["monthly"] = serde_json::json!({
        "completions": [{"at": "2031-02-03T10:00:00Z", "date": "2031-02-03"}]
    });
    s["accounts"]["b"]["reviews"]["after-integration"] = serde_json::json!({
        "completions": [{"at": "2031-02-03T10:00:00Z", "date": "2031-02-03"}]
    });
    fs::write(
        e.data.join("state.json"),
        serde_json::to_vec_pretty(&s).unwrap(),
    )
    .unwrap();
    let text = e.stdout(&["status", "--all"]);
    assert!(
        text.contains(
            "Monthly review: 1 record dated after today (up to 2031-02-03) ignored: check the \
             computer's clock"
        ),
        "{text}"
    );
    let j: Value = serde_json::from_str(&e.stdout(&["status", "--all", "--json"])).unwrap();
    let b = j["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "b")
        .unwrap();
    assert_eq!(b["clock_warnings"][0]["title"], "Monthly review");
    assert_eq!(b["clock_warnings"][0]["latest"], "2031-02-03");
    assert_eq!(b["clock_warnings"][0]["records"], 1);
    let d = j["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "default")
        .unwrap();
    assert!(d.get("clock_warnings").is_none(), "{d}");
    // The on-demand re-check too: not "last done" in 2031, and flagged.
    let one = e.stdout(&["--account", "b", "status"]);
    let at = one
        .find("[after-integration]")
        .expect("the re-check is listed");
    let rest = &one[at..];
    assert!(rest.contains("last done never"), "{one}");
    assert!(
        rest.contains("1 record dated after today (up to 2031-02-03)"),
        "{one}"
    );
}

#[test]
fn status_all_lists_every_account_worst_first() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&[
        "--account",
        "calm",
        "--checklist",
        "crypto-com",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    e.cmd(&[
        "--account",
        "late",
        "--checklist",
        "crypto-com",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    e.overdue("late");
    e.cmd(&[
        "--account",
        "hit",
        "--checklist",
        "generic-exchange",
        "compromised",
    ])
    .assert()
    .success();
    let text = e.stdout(&["status", "--all"]);
    let order: Vec<usize> = ["!! hit", " ! late", "   calm", "   default"]
        .iter()
        .map(|n| text.find(n).unwrap_or_else(|| panic!("{n}: {text}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("INCIDENT #1 OPEN, no score"), "{text}");
    assert!(text.contains("Monthly review overdue by"), "{text}");
    assert!(
        text.contains("Scores from different checklists or personas are not comparable"),
        "{text}"
    );
    let j: Value = serde_json::from_str(&e.stdout(&["status", "--all", "--json"])).unwrap();
    assert_eq!(j["accounts"][0]["name"], "hit");
    assert_eq!(j["comparable"], false);
    // Same checklist, same personas: comparable, no note.
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&[
        "--account",
        "b",
        "--checklist",
        "crypto-com",
        "check",
        "passkeys",
    ])
    .assert()
    .success();
    let text = e.stdout(&["status", "--all"]);
    assert!(!text.contains("not comparable"), "{text}");
}

#[test]
fn rename_keeps_progress_and_history() {
    let e = env();
    e.cmd(&["--account", "mian", "check", "totp-2fa"])
        .assert()
        .success();
    e.cmd(&["accounts", "rename", "mian", "main"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "account 'mian' is now called 'main'",
        ));
    e.cmd(&["--account", "main", "check", "passkeys"])
        .assert()
        .success();
    let h: Value =
        serde_json::from_str(&e.stdout(&["--account", "main", "history", "--json"])).unwrap();
    let kinds: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["what"]["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "step_done",
            "account_renamed",
            "step_done",
            "account_created"
        ],
        "newest first, from before and after the rename"
    );
    assert_eq!(
        e.state()["accounts"]["main"]["former_names"][0]["name"],
        "mian"
    );
    // A new account under the old name does not inherit that history.
    e.cmd(&[
        "--account",
        "mian",
        "--checklist",
        "crypto-com",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    let h: Value =
        serde_json::from_str(&e.stdout(&["--account", "mian", "history", "--json"])).unwrap();
    assert_eq!(h.as_array().unwrap().len(), 2, "{h}");
    e.cmd(&["accounts", "rename", "main", "mian"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("account 'mian' already exists"));
    e.cmd(&["accounts", "rename", "nope", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no account 'nope' is tracked"));
    e.cmd(&["accounts", "rename", "main", "bad name"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid account name"));
}

#[test]
fn remove_asks_and_keeps_a_backup() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&[
        "--account",
        "old",
        "--checklist",
        "crypto-com",
        "note",
        "passkeys",
        "yubikey in drawer",
    ])
    .assert()
    .success();
    let before = e.state_bytes();
    // No terminal to ask on and no --yes: nothing happens.
    e.cmd(&["accounts", "remove", "old"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --yes"));
    assert_eq!(e.state_bytes(), before);
    // On a terminal: "no" keeps it, "y" removes it (the question is answered through the
    // library with a terminal stand-in).
    let paths = lockstep::store::Paths {
        data_dir: e.data.clone(),
        config_dir: None,
    };
    let cli = lockstep::cli::Cli::parse_from(["lockstep"]);
    let clock = lockstep::cli::Clock::system();
    let remove = |answer: &str| {
        lockstep::cli::remove_account(
            &cli,
            &paths,
            "old",
            false,
            clock,
            &mut Cursor::new(answer.as_bytes().to_vec()),
            true,
        )
    };
    assert_eq!(remove("n\n").unwrap(), 0);
    assert!(e.state()["accounts"]["old"].is_object());
    assert_eq!(remove("y\n").unwrap(), 0);
    assert!(e.state()["accounts"]["old"].is_null());
    assert!(e.state()["accounts"]["default"].is_object());
    let backups: Vec<_> = fs::read_dir(e.data.join("removed"))
        .unwrap()
        .map(|d| d.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1);
    let b: Value = serde_json::from_slice(&fs::read(&backups[0]).unwrap()).unwrap();
    assert_eq!(b["name"], "old");
    assert_eq!(
        b["account"]["steps"]["passkeys"]["note"],
        "yubikey in drawer"
    );
    assert!(
        b["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["what"]["event"] == "step_note")
    );
    // --yes removes without asking.
    e.cmd(&[
        "--account",
        "x",
        "--checklist",
        "crypto-com",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    e.cmd(&["accounts", "remove", "x", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "removed account 'x'; a backup of it and its history is in",
        ));
    assert!(e.state()["accounts"]["x"].is_null());
}

#[test]
fn set_checklist_keeps_the_progress_both_checklists_have() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&["personas", "holder,card"]).assert().success();
    e.cmd(&["check", "device-policy"]).assert().success();
    // A leaner checklist of the user's: the generic one without the device policy step.
    let mut lean: Value = serde_json::from_str(
        &fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/checklists/generic-exchange.json"
        ))
        .unwrap(),
    )
    .unwrap();
    lean["id"] = "lean".into();
    let advanced = lean["sections"][1]["steps"].as_array_mut().unwrap();
    advanced.retain(|t| t["id"] != "device-policy");
    let file = e.tmp.path().join("lean.json");
    fs::write(&file, serde_json::to_string_pretty(&lean).unwrap()).unwrap();
    let only_cdc = "device-policy";
    e.cmd(&["accounts", "set-checklist", "default", "--file"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "account 'default' now follows Exchange account hardening (lean, your file: {} (sha256 ",
            file.display()
        )))
        .stdout(predicate::str::contains(format!(
            "Kept in the state but not shown (this checklist has no such id): {only_cdc} (step: done "
        )));
    let s = e.state();
    assert_eq!(s["accounts"]["default"]["checklist"], "lean");
    assert_eq!(
        s["accounts"]["default"]["checklist_file"],
        file.display().to_string()
    );
    assert_eq!(
        s["accounts"]["default"]["steps"][only_cdc]["status"]["state"], "done",
        "kept"
    );
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[x] totp-2fa"))
        .stdout(predicate::str::contains(only_cdc).not());
    // Reported by set-checklist, so not again at the next change.
    e.cmd(&["check", "passkeys"]).assert().success().stderr("");
    e.cmd(&["accounts", "set-checklist", "default", "--file"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("already follows lean"));
    // Not while an incident is open.
    e.cmd(&["compromised"]).assert().success();
    e.cmd(&["accounts", "set-checklist", "default", "crypto-com"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("incident #1 is open"));
    e.cmd(&["accounts", "set-checklist", "default", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "checklist 'nope' is not installed",
        ));
}
