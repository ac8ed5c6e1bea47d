//! CLI tests with assert_cmd: every command, exit codes, error messages and the files written.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;
use common::cli::env;
use predicates::prelude::*;

#[test]
fn status_before_anything() {
    let e = env();
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No progress yet"));
    e.cmd(&["due"])
        .assert()
        .success()
        .stdout("lockstep: nothing due\n");
    e.cmd(&["due", "--quiet", "--exit-code"])
        .assert()
        .code(0)
        .stdout("");
    assert!(!e.data.exists(), "read-only commands create nothing");
}

#[test]
fn check_uncheck_skip_and_status() {
    let e = env();
    e.cmd(&["check", "totp-2fa"])
        .assert()
        .success()
        .stdout("done: Turn on authenticator-app 2FA (totp-2fa)\n");
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&e.data), 0o700);
    assert_eq!(mode(&e.data.join("state.json")), 0o600);
    let s = e.state();
    assert_eq!(
        s["accounts"]["default"]["steps"]["totp-2fa"]["status"]["state"],
        "done"
    );
    e.cmd(&["check", "totp-2fa"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("already done"));
    e.cmd(&["skip", "passkeys", "--reason", "no hardware key yet"])
        .assert()
        .success();
    e.start_setup_days_ago("default", 100);
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[x] totp-2fa"))
        .stdout(predicate::str::contains("skipped: no hardware key yet"))
        .stdout(predicate::str::contains("Hardening score:"))
        .stdout(predicate::str::contains(
            "Monthly review [monthly]: overdue by",
        ));
    e.cmd(&["uncheck", "totp-2fa"]).assert().success();
    e.cmd(&["status", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"account\": \"default\""));
    e.cmd(&["check", "no-such-step"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "lockstep: error: unknown step 'no-such-step'",
        ));
    e.cmd(&["check", "m-devices"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("recurring section 'monthly'"));
    e.cmd(&["skip", "passkeys", "--reason", " "])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a reason"));
}

#[test]
fn checklists_and_validate() {
    let e = env();
    e.cmd(&["checklists"])
        .assert()
        .success()
        .stdout(predicate::str::contains("crypto-com"))
        .stdout(predicate::str::contains("generic-exchange"));
    let root = env!("CARGO_MANIFEST_DIR");
    e.cmd(&["validate", &format!("{root}/checklists/crypto-com.json")])
        .assert()
        .success()
        .stdout(predicate::str::contains(": ok ("));
    let bad = e._tmp.path().join("bad.json");
    let text = fs::read_to_string(format!("{root}/checklists/crypto-com.json"))
        .unwrap()
        .replacen("\"weight\": 10,", "\"weight\": 10, \"colour\": \"red\",", 1);
    fs::write(&bad, &text).unwrap();
    let line = text.lines().position(|l| l.contains("colour")).unwrap() + 1;
    e.cmd(&["validate", bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("bad.json:{line}:")))
        .stderr(predicate::str::contains("unknown field `colour`"));
    // A user checklist in the config dir is listed; a broken one is reported, not fatal.
    let dir = e.config.join("lockstep/checklists");
    fs::create_dir_all(&dir).unwrap();
    let mine = fs::read_to_string(format!("{root}/checklists/generic-exchange.json"))
        .unwrap()
        .replacen("\"id\": \"generic-exchange\"", "\"id\": \"my-exchange\"", 1);
    fs::write(dir.join("mine.json"), mine).unwrap();
    fs::write(dir.join("broken.json"), "{\n  \"schema\": 1,\n  oops\n}").unwrap();
    e.cmd(&["checklists"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("my-exchange"))
        .stderr(predicate::str::contains("broken.json:3:3"));
    e.cmd(&[
        "--checklist",
        "my-exchange",
        "--account",
        "kraken",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    assert_eq!(e.state()["accounts"]["kraken"]["checklist"], "my-exchange");
}

#[test]
fn due_lines_and_exit_codes() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    // Nothing is due right after setup starts: the first reviews are one interval later.
    e.cmd(&["due", "--exit-code"])
        .assert()
        .code(0)
        .stdout("lockstep: nothing due\n");
    e.start_setup_days_ago("default", 100);
    e.cmd(&["due"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "lockstep: Crypto.com Monthly review: overdue by",
        ))
        .stdout(predicate::str::contains("Quarterly review: overdue by"));
    e.cmd(&["due", "--exit-code"]).assert().code(1);
    e.cmd(&["review", "monthly"])
        .assert()
        .success()
        .stdout(predicate::str::contains("next due"));
    e.cmd(&["review", "quarterly"]).assert().success();
    e.cmd(&["due", "--quiet", "--exit-code"])
        .assert()
        .code(0)
        .stdout("");
    e.cmd(&["due", "--json"]).assert().success().stdout("[]\n");
    e.cmd(&["review", "essentials"]).assert().code(2);
}

#[test]
fn due_json_lists_open_incidents() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&["review", "monthly"]).assert().success();
    e.cmd(&["review", "quarterly"]).assert().success();
    e.cmd(&["compromised"]).assert().success();
    // The incident makes every review due now; complete them so only the incident is left.
    e.cmd(&["review", "monthly"]).assert().success();
    e.cmd(&["review", "quarterly"]).assert().success();
    let out = e.cmd(&["due", "--json", "--exit-code"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "an open incident is something due"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 1, "{v}");
    assert_eq!(items[0]["account"], "default");
    assert_eq!(items[0]["incident"], 1);
    let opened = e.state()["accounts"]["default"]["incidents"][0]["opened"].clone();
    assert_eq!(items[0]["opened"], opened);
    e.cmd(&["incident", "close", "false alarm"])
        .assert()
        .success();
    e.cmd(&["due", "--json", "--exit-code"])
        .assert()
        .code(0)
        .stdout("[]\n");
}

#[test]
fn due_reports_every_account_or_only_the_one_asked_for() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&[
        "--account",
        "second",
        "--checklist",
        "generic-exchange",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    e.start_setup_days_ago("default", 100);
    e.start_setup_days_ago("second", 100);
    let all = e.cmd(&["due"]).output().unwrap();
    let all = String::from_utf8(all.stdout).unwrap();
    assert!(
        all.contains("lockstep: [default] Crypto.com Monthly review: overdue by"),
        "{all}"
    );
    assert!(
        all.contains("lockstep: [second] Any exchange Monthly review: overdue by"),
        "{all}"
    );
    for (name, service, other) in [
        ("second", "Any exchange", "Crypto.com"),
        ("default", "Crypto.com", "Any exchange"),
    ] {
        let out = e.cmd(&["--account", name, "due"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(&format!("lockstep: {service} Monthly review: overdue by")),
            "{text}"
        );
        assert!(
            !text.contains(other) && !text.contains('['),
            "{name}: {text}"
        );
        let out = e
            .cmd(&["--account", name, "due", "--json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let items = v.as_array().unwrap();
        assert_eq!(items.len(), 2, "{v}");
        assert!(items.iter().all(|i| i["account"] == name), "{v}");
    }
    let v: serde_json::Value =
        serde_json::from_slice(&e.cmd(&["due", "--json"]).output().unwrap().stdout).unwrap();
    assert_eq!(
        v.as_array().unwrap().len(),
        4,
        "both accounts without --account"
    );
    e.cmd(&["--account", "nope", "due", "--quiet", "--exit-code"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("lockstep: error: no account 'nope' is tracked (tracked: default, second)\n");
    let fresh = env();
    fresh
        .cmd(&["--account", "nope", "due"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no account 'nope' is tracked"));
}

#[test]
fn due_ignores_an_invalid_user_checklist_like_every_other_command() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.start_setup_days_ago("default", 100);
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = e.config.join("lockstep/checklists");
    fs::create_dir_all(&dir).unwrap();
    // An override of crypto-com that fails validation (every_months must be 1-24).
    let text = fs::read_to_string(format!("{root}/checklists/crypto-com.json"))
        .unwrap()
        .replacen("\"every_months\": 1,", "\"every_months\": 0,", 1)
        .replacen("\"Monthly review\"", "\"BROKEN monthly\"", 1);
    fs::write(dir.join("crypto-com.json"), &text).unwrap();
    e.cmd(&["validate", dir.join("crypto-com.json").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "every_months: must be between 1 and 24",
        ));
    // `status` (the full catalog) falls back to the bundled checklist; so must `due`.
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Monthly review [monthly]: overdue by",
        ))
        .stdout(predicate::str::contains("BROKEN").not());
    e.cmd(&["due"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "lockstep: Crypto.com Monthly review: overdue by",
        ))
        .stdout(predicate::str::contains("BROKEN").not());
    e.cmd(&["review", "monthly"]).assert().success();
    e.cmd(&["review", "quarterly"]).assert().success();
    // With the bundled monthly interval the review is not due again today (every_months 0 was).
    e.cmd(&["due", "--quiet", "--exit-code"])
        .assert()
        .code(0)
        .stdout("");
    // A valid file with the bundled id does not replace it either: it is a listed conflict
    // (tests/provenance.rs covers following such a file explicitly).
    fs::write(
        dir.join("crypto-com.json"),
        text.replacen("\"every_months\": 0,", "\"every_months\": 1,", 1),
    )
    .unwrap();
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Monthly review [monthly]"))
        .stdout(predicate::str::contains("BROKEN").not());
    e.cmd(&["checklists"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Conflicts"))
        .stdout(predicate::str::contains("the bundled one is used"));
}

#[test]
fn checklist_of_an_existing_account_cannot_change() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    let before = fs::read(e.data.join("state.json")).unwrap();
    e.cmd(&["--checklist", "generic-exchange", "check", "passkeys"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "lockstep: error: account 'default' already uses checklist 'crypto-com'; use \
             --account NAME to track another account with 'generic-exchange'\n",
        );
    assert_eq!(fs::read(e.data.join("state.json")).unwrap(), before);
    e.cmd(&["--checklist", "crypto-com", "check", "passkeys"])
        .assert()
        .success();
    e.cmd(&[
        "--account",
        "second",
        "--checklist",
        "generic-exchange",
        "check",
        "passkeys",
    ])
    .assert()
    .success();
    e.cmd(&[
        "--account",
        "second",
        "--checklist",
        "crypto-com",
        "note",
        "passkeys",
        "x",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains(
        "account 'second' already uses checklist 'generic-exchange'",
    ));
}

#[test]
fn snooze_clamps_days_and_explains_event_sections() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.start_setup_days_ago("default", 100);
    for days in ["100000000", "18446744073709551615"] {
        e.cmd(&["snooze", "monthly", "--days", days])
            .assert()
            .success()
            .stdout(predicate::str::contains("reminder snoozed until"));
    }
    let until = e.state()["accounts"]["default"]["reviews"]["monthly"]["snoozed_until"]
        .as_str()
        .unwrap()
        .to_string();
    let until = chrono::NaiveDate::parse_from_str(&until, "%Y-%m-%d").unwrap();
    let today = chrono::Local::now().date_naive();
    let ahead = (until - today).num_days();
    assert!(
        (6..=8).contains(&ahead),
        "overdue: capped at a week, got {ahead} days"
    );
    // `status` says until when, as `due` does.
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "(reminder snoozed until {until})"
        )));
    e.cmd(&["snooze", "after-integration"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'after-integration' is an on-demand re-check: it has no schedule, so there is no \
             reminder to snooze",
        ))
        .stderr(predicate::str::contains("not a review").not());
    e.cmd(&["snooze", "essentials"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a review"));
}

#[test]
fn json_outputs_escape_bidi_and_c1_characters() {
    let e = env();
    let note = "evil\u{202E}txt.exe \u{2066}iso\u{2069} \u{200F}\u{061C} c1:\u{9b}31m \u{85}nel.";
    e.cmd(&["note", "totp-2fa", note]).assert().success();
    // A user checklist whose review title carries a bidi override, for `due --json`.
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = e.config.join("lockstep/checklists");
    fs::create_dir_all(&dir).unwrap();
    let mine = fs::read_to_string(format!("{root}/checklists/generic-exchange.json"))
        .unwrap()
        .replacen("\"id\": \"generic-exchange\"", "\"id\": \"my-exchange\"", 1)
        .replacen("\"Monthly review\"", "\"Monthly \\u202e review\"", 1);
    fs::write(dir.join("mine.json"), mine).unwrap();
    e.cmd(&[
        "--account",
        "mine",
        "--checklist",
        "my-exchange",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    e.start_setup_days_ago("mine", 100);
    let dangerous = |c: char| lockstep::guard::is_dangerous(c, true);
    let run = |args: &[&str]| -> serde_json::Value {
        let out = e.cmd(args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.chars().any(dangerous),
            "{args:?}: raw control or bidi: {text}"
        );
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{args:?}: {err}: {text}"))
    };
    let v = run(&["export", "--format", "json"]);
    assert_eq!(v["sections"][0]["steps"][0]["note"], note);
    let v = run(&["status", "--json"]);
    assert_eq!(v["sections"][0]["steps"][0]["note"], note);
    let v = run(&["history", "--json"]);
    assert_eq!(v[0]["what"]["text"], note);
    let v = run(&["due", "--json"]);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|i| i["review"]["title"] == "Monthly \u{202e} review"),
        "{v}"
    );
    // Written to a file too.
    let f = e._tmp.path().join("out.json");
    e.cmd(&["export", "--format", "json", "-o", f.to_str().unwrap()])
        .assert()
        .success();
    let text = fs::read_to_string(&f).unwrap();
    assert!(
        !text.chars().any(dangerous) && text.contains("\\u202e"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["sections"][0]["steps"][0]["note"], note);
}

#[test]
fn due_dates_do_not_depend_on_the_timezone() {
    // A completion's local date is stored; running in DST zones does not shift the schedule.
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&["review", "monthly"]).assert().success();
    let s = e.state();
    let date = s["accounts"]["default"]["reviews"]["monthly"]["completions"][0]["date"]
        .as_str()
        .unwrap()
        .to_string();
    let d = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
    let next = d.checked_add_months(chrono::Months::new(1)).unwrap();
    for tz in [
        "America/New_York",
        "Australia/Lord_Howe",
        "Europe/London",
        "UTC",
    ] {
        let out = e.cmd(&["status"]).env("TZ", tz).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(&format!("last done {date}")), "{tz}: {text}");
        let out = e
            .cmd(&["export", "--format", "ics"])
            .env("TZ", tz)
            .output()
            .unwrap();
        let ics = String::from_utf8(out.stdout).unwrap();
        assert!(
            ics.contains(&format!("DTSTART;VALUE=DATE:{}", next.format("%Y%m%d"))),
            "{tz}: {ics}"
        );
    }
}

#[test]
fn incident_flow_report_and_history() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&["compromised"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Incident #1 opened"))
        .stdout(predicate::str::contains("1. [ ] "));
    e.cmd(&["incident", "done", "c-lock"]).assert().success();
    e.cmd(&["incident", "note", "--ticket", "CDC-991", "opened chat"])
        .assert()
        .success();
    e.cmd(&["incident", "note", "seed phrase: abandon ability able about above absent absorb abstract absurd abuse access accident"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("recovery (seed) phrase"));
    assert!(
        !fs::read_to_string(e.data.join("state.json"))
            .unwrap()
            .contains("absurd"),
        "secret never written"
    );
    e.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("INCIDENT #1 OPEN"))
        .stdout(predicate::str::contains("[?] totp-2fa"));
    e.cmd(&["due", "--exit-code"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("incident #1 is open"));
    e.cmd(&["incident", "report"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Incident #1"))
        .stdout(predicate::str::contains("- Account: default\n"))
        .stdout(predicate::str::contains("CDC-991"));
    e.cmd(&["incident", "close", "access restored by support"])
        .assert()
        .success();
    e.cmd(&["incident", "close", "again"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no incident is open"));
    let out = e.cmd(&["history", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let events = v.as_array().unwrap();
    assert_eq!(
        events[0]["what"]["event"], "incident_closed",
        "newest first"
    );
    assert!(
        events.iter().any(|e| e["what"]["event"] == "step_done"),
        "earlier completions kept"
    );
    e.cmd(&["history"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Incident #1 closed"));
}

#[test]
fn exports_to_files() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    let ics = e._tmp.path().join("lockstep.ics");
    e.cmd(&["export", "--format", "ics", "-o", ics.to_str().unwrap()])
        .assert()
        .success();
    let text = fs::read_to_string(&ics).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
    e.cmd(&["export", "--format", "md"])
        .assert()
        .success()
        .stdout(predicate::str::contains("- [x]"));
    e.cmd(&["export", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"score\""));
}

#[test]
fn control_characters_are_neutralised_in_output() {
    let e = env();
    e.cmd(&["note", "totp-2fa", "evil \u{1b}[2J\u{202e}txt.exe"])
        .assert()
        .success();
    let out = e.cmd(&["export", "--format", "md"]).output().unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(!md.contains('\u{1b}') && !md.contains('\u{202e}'), "{md}");
    assert!(md.contains(r"\\u\{1b\}\[2J\\u\{202e\}txt.exe"), "{md}");
    e.cmd(&["check", "bad\u{1b}]0;pwned\u{7}"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\u{1b}").not());
}

#[test]
fn personas_accounts_completions_and_man() {
    let e = env();
    e.cmd(&["personas", "trader,web3"])
        .assert()
        .success()
        .stdout("personas: trader, web3\n");
    e.cmd(&["personas", "whale"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "known: holder, trader, card, web3",
        ));
    e.cmd(&[
        "--account",
        "second",
        "--checklist",
        "generic-exchange",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    e.cmd(&["accounts"])
        .assert()
        .success()
        .stdout(predicate::str::contains("default"))
        .stdout(predicate::str::contains("second"));
    e.cmd(&["--account", "bad/name", "check", "totp-2fa"])
        .assert()
        .code(2);
    e.cmd(&["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("lockstep"));
    e.cmd(&["man"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH lockstep"));
}

#[test]
fn tui_refuses_without_a_terminal() {
    let e = env();
    e.cmd(&[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a terminal"));
}

#[test]
fn today_is_the_users_local_date() {
    // The same instant is a different calendar day at UTC+14 and UTC-11: a review is recorded
    // on the user's local date (as `date` prints it), and the next due date follows from it.
    for tz in [
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
        "America/New_York",
    ] {
        let e = env();
        e.cmd(&["check", "totp-2fa"]).assert().success();
        let expected = Command::new("date")
            .env("TZ", tz)
            .arg("+%F")
            .output()
            .unwrap();
        let expected = String::from_utf8(expected.stdout)
            .unwrap()
            .trim()
            .to_string();
        e.cmd(&["review", "monthly"])
            .env("TZ", tz)
            .assert()
            .success();
        let s = e.state();
        let date = s["accounts"]["default"]["reviews"]["monthly"]["completions"][0]["date"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(date, expected, "{tz}");
    }
}

#[test]
fn read_only_commands_also_refuse_a_different_checklist() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    for args in [&["status"][..], &["export", "--format", "md"], &["history"]] {
        let mut v = vec!["--checklist", "generic-exchange"];
        v.extend_from_slice(args);
        e.cmd(&v).assert().code(2).stderr(predicate::str::contains(
            "already uses checklist 'crypto-com'",
        ));
        let mut v = vec!["--checklist", "crypto-com"];
        v.extend_from_slice(args);
        e.cmd(&v).assert().success();
    }
}
