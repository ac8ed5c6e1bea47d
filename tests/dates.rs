//! Dates you can trust, through the real binary: a snooze recorded under a clock running ahead
//! never silences a review, a time-zone move does not make a just-finished review due, the due
//! index never outlives a hand edit of the state, and state files written before snoozes kept
//! their date still load and behave as before.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use chrono::{Days, Months, NaiveDate, Utc};
use predicates::prelude::*;
use serde_json::{Value, json};

const WRONG_CLOCK: &str = "check the computer's clock";

struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
}

/// Today in UTC, the time zone of [`Sandbox::cmd`].
fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn ago(days: u64) -> NaiveDate {
    today() - Days::new(days)
}

fn ahead(days: u64) -> NaiveDate {
    today() + Days::new(days)
}

fn completion(date: NaiveDate) -> Value {
    json!({"at": format!("{date}T12:00:00Z"), "date": date})
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        fs::create_dir_all(root.join("bin")).unwrap();
        Sandbox {
            data: root.join("data"),
            root,
            _tmp: tmp,
        }
    }

    /// lockstep in UTC, with no session bus to reach (`notify` prints).
    fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_tz("UTC", args)
    }

    fn cmd_tz(&self, tz: &str, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.env_clear()
            .env("HOME", &self.root)
            .env("XDG_CONFIG_HOME", self.root.join("config"))
            .env("XDG_DATA_HOME", self.root.join("xdg-data"))
            // No session bus there: `notify` prints.
            .env("XDG_RUNTIME_DIR", self.root.join("run"))
            .env("PATH", self.root.join("bin"))
            .env("TZ", tz)
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .write_stdin("");
        c
    }

    fn stdout(&self, tz: &str, args: &[&str]) -> String {
        let out = self.cmd_tz(tz, args).output().unwrap();
        assert!(
            out.status.code().is_some_and(|c| c < 2),
            "{args:?}: {out:?}"
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, tz: &str, args: &[&str]) -> Value {
        serde_json::from_str(&self.stdout(tz, args)).unwrap()
    }

    fn state(&self) -> Value {
        serde_json::from_slice(&fs::read(self.data.join("state.json")).unwrap()).unwrap()
    }

    /// Starts setup through the CLI, then rewrites the account in state.json by hand.
    fn account(&self, edit: impl FnOnce(&mut Value)) {
        self.cmd(&["check", "totp-2fa"]).assert().success();
        let mut s = self.state();
        edit(&mut s["accounts"]["default"]);
        fs::write(
            self.data.join("state.json"),
            serde_json::to_vec_pretty(&s).unwrap(),
        )
        .unwrap();
    }

    /// A save through the CLI (rewrites the state and the due index).
    fn save(&self) {
        self.cmd(&["check", "passkeys"]).assert().success();
    }
}

/// The monthly review of `status --json`.
fn monthly(status: &Value) -> &Value {
    let r = status["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["section"] == "monthly")
        .unwrap();
    assert_eq!(r["section"], "monthly");
    r
}

/// Setup started 60 days ago, the monthly review done 40 days ago: overdue by about 10 days
/// (the quarterly review is not due yet).
fn overdue(a: &mut Value) {
    a["setup_started"] = json!(ago(60));
    a["reviews"] = json!({"monthly": {"completions": [completion(ago(40))]}});
}

#[test]
fn a_snooze_set_under_a_clock_running_ahead_never_silences_an_overdue_review() {
    // Set for 3 days while the clock said 4 days from now: it ends within a week of today, but
    // was recorded after today.
    let s = Sandbox::new();
    s.account(|a| {
        overdue(a);
        a["reviews"]["monthly"]["snoozed_on"] = json!(ahead(4));
        a["reviews"]["monthly"]["snoozed_until"] = json!(ahead(7));
    });
    let warning = format!("1 record dated after today (up to {}) ignored", ahead(4));
    // Read from the state (the hand edit made the index stale), then from the index a save
    // wrote: both agree.
    for via in ["state", "index"] {
        if via == "index" {
            s.save();
            let index = fs::read_to_string(s.data.join("due-index.json")).unwrap();
            assert!(index.contains("snoozed_on"), "{index}");
        }
        let due = s.stdout("UTC", &["due", "--soon"]);
        assert!(due.contains("Monthly review: overdue by"), "{via}: {due}");
        assert!(due.contains(&warning), "{via}: {due}");
        s.cmd(&["due", "--quiet", "--exit-code"]).assert().code(1);
    }
    let st = s.json("UTC", &["status", "--json"]);
    let m = monthly(&st);
    assert_eq!(m["snoozed"], false, "{m}");
    assert_eq!(m["due"]["state"], "overdue", "{m}");
    assert_eq!(m["clock_warning"]["latest"], json!(ahead(4)), "{m}");
    let text = s.stdout("UTC", &["status"]);
    assert!(!text.contains("(reminder snoozed"), "{text}");
    assert!(text.contains(&warning), "{text}");
    let due = s.json("UTC", &["due", "--json"]);
    assert!(
        due.as_array()
            .unwrap()
            .iter()
            .any(|i| i["review"]["section"] == "monthly" && i["review"]["snoozed"] == false),
        "{due}"
    );
    let md = s.stdout("UTC", &["export", "--format", "md"]);
    assert!(
        md.contains(&warning) && !md.contains("(reminder snoozed"),
        "{md}"
    );
    let notify = s.stdout("UTC", &["notify"]);
    assert!(notify.contains("1 review due (1 overdue)"), "{notify}");
}

#[test]
fn a_snooze_keeps_the_date_it_was_set_and_counts_while_that_date_is_right() {
    let s = Sandbox::new();
    s.account(overdue);
    s.cmd(&["snooze", "monthly", "--days", "3"])
        .assert()
        .success();
    let r = &s.state()["accounts"]["default"]["reviews"]["monthly"];
    assert_eq!(r["snoozed_on"], json!(today()), "{r}");
    assert_eq!(r["snoozed_until"], json!(ahead(3)), "{r}");
    let history = fs::read_to_string(s.data.join("history.jsonl")).unwrap();
    assert!(
        history.contains(&format!("\"on\":\"{}\"", today())),
        "{history}"
    );
    // Nothing reminds, and what is only hidden is named with its date.
    s.cmd(&["due"]).assert().success().stdout(format!(
        "lockstep: nothing due (monthly review snoozed until {})\n",
        ahead(3)
    ));
    assert_eq!(
        monthly(&s.json("UTC", &["status", "--json"]))["snoozed"],
        true
    );
    // Undone: both dates go.
    s.cmd(&["snooze", "monthly", "--undo"]).assert().success();
    let r = &s.state()["accounts"]["default"]["reviews"]["monthly"];
    assert!(
        r.get("snoozed_on").is_none() && r.get("snoozed_until").is_none(),
        "{r}"
    );
    // Set "tomorrow" (a time-zone move west since) and a week long: it counts, unflagged.
    let s = Sandbox::new();
    s.account(|a| {
        overdue(a);
        a["reviews"]["monthly"]["snoozed_on"] = json!(ahead(1));
        a["reviews"]["monthly"]["snoozed_until"] = json!(ahead(8));
    });
    s.cmd(&["due", "--soon"]).assert().success().stdout(format!(
        "lockstep: nothing due (monthly review snoozed until {})\n",
        ahead(8)
    ));
    let m = monthly(&s.json("UTC", &["status", "--json"])).clone();
    assert_eq!(
        (m["snoozed"].clone(), m["clock_warning"].clone()),
        (json!(true), Value::Null)
    );
    // Completing the review clears the snooze and its date.
    s.cmd(&["review", "monthly"]).assert().success();
    let r = &s.state()["accounts"]["default"]["reviews"]["monthly"];
    assert!(
        r.get("snoozed_on").is_none() && r.get("snoozed_until").is_none(),
        "{r}"
    );
}

#[test]
fn a_state_written_before_snoozes_kept_their_date_loads_and_behaves_as_before() {
    // A snooze without `snoozed_on`, and a history line of the previous format.
    let s = Sandbox::new();
    s.account(|a| {
        overdue(a);
        a["reviews"]["monthly"]["snoozed_until"] = json!(ahead(3));
    });
    let log = s.data.join("history.jsonl");
    let mut text = fs::read_to_string(&log).unwrap();
    text.push_str(&format!(
        "{{\"account\":\"default\",\"at\":\"{}\",\"what\":{{\"event\":\"review_snoozed\",\
         \"section\":\"monthly\",\"until\":\"{}\"}}}}\n",
        Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        ahead(3)
    ));
    fs::write(&log, text).unwrap();
    assert_eq!(s.state()["version"], 3);
    // Nothing reminds, and what is only hidden is named with its date.
    s.cmd(&["due"]).assert().success().stdout(format!(
        "lockstep: nothing due (monthly review snoozed until {})\n",
        ahead(3)
    ));
    let m = monthly(&s.json("UTC", &["status", "--json"])).clone();
    assert_eq!(
        (m["snoozed"].clone(), m["clock_warning"].clone()),
        (json!(true), Value::Null)
    );
    s.cmd(&["history"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Monthly review reminder snoozed until {}",
            ahead(3)
        )))
        .stderr("");
    // A save upgrades the file to version 3 and invents no date for the old snooze.
    s.save();
    let st = s.state();
    assert_eq!(st["version"], 3);
    let r = &st["accounts"]["default"]["reviews"]["monthly"];
    assert_eq!(r["snoozed_until"], json!(ahead(3)));
    assert!(r.get("snoozed_on").is_none(), "{r}");
    s.cmd(&["due"]).assert().success().stdout(format!(
        "lockstep: nothing due (monthly review snoozed until {})\n",
        ahead(3)
    ));
    // As before: an old snooze ending more than a week from today was set after today.
    let s = Sandbox::new();
    s.account(|a| {
        overdue(a);
        a["reviews"]["monthly"]["snoozed_until"] = json!(ahead(9));
    });
    s.cmd(&["due"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Monthly review: overdue by"))
        .stdout(predicate::str::contains(format!(
            "1 record dated after today (up to {}) ignored",
            ahead(9)
        )));
}

#[test]
fn moving_west_does_not_make_a_just_finished_review_due() {
    // UTC+14 and UTC-10 (neither has daylight saving time): the same instant is always one
    // calendar day later at UTC+14, so both records below are dated "tomorrow" in Honolulu.
    let (east, west) = ("Pacific/Kiritimati", "Pacific/Honolulu");
    let s = Sandbox::new();
    s.cmd_tz(east, &["check", "totp-2fa"]).assert().success();
    s.cmd_tz(east, &["review", "monthly"]).assert().success();
    let st = s.state();
    let a = &st["accounts"]["default"];
    let done: NaiveDate =
        serde_json::from_value(a["reviews"]["monthly"]["completions"][0]["date"].clone()).unwrap();
    let west_today = (Utc::now() - chrono::Duration::hours(10)).date_naive();
    assert_eq!(
        done,
        west_today + Days::new(1),
        "recorded on the UTC+14 date"
    );
    assert_eq!(a["setup_started"], json!(done));
    let next = done + Months::new(1);
    for via in ["state", "index"] {
        if via == "state" {
            fs::remove_file(s.data.join("due-index.json")).unwrap();
        } else {
            s.cmd_tz(east, &["check", "passkeys"]).assert().success();
        }
        s.cmd_tz(west, &["due", "--soon", "--exit-code"])
            .assert()
            .code(0)
            .stdout("lockstep: nothing due\n");
    }
    let text = s.stdout(west, &["status"]);
    assert!(
        text.contains(&format!(
            "Monthly review [monthly]: next {next}; last done {done}"
        )),
        "{text}"
    );
    let m = monthly(&s.json(west, &["status", "--json"])).clone();
    assert_eq!(m["due"]["state"], "scheduled", "{m}");
    assert_eq!(m["clock_warning"], Value::Null, "{m}");
    assert_eq!(m["last"], json!(done), "{m}");
    assert_eq!(s.json(west, &["due", "--json"]), json!([]));
    for format in ["md", "json", "ics"] {
        let out = s.stdout(west, &["export", "--format", format]);
        assert!(!out.contains(WRONG_CLOCK), "{format}: {out}");
    }
    let ics = s.stdout(west, &["export", "--format", "ics"]);
    assert!(
        ics.contains(&format!("DTSTART;VALUE=DATE:{}", next.format("%Y%m%d"))),
        "{ics}"
    );
    s.cmd_tz(west, &["notify"]).assert().success().stdout("");
}

#[test]
fn records_more_than_a_day_ahead_are_still_from_a_wrong_clock() {
    // Completion and setup start two days ahead: ignored and flagged; one day ahead: counted.
    let s = Sandbox::new();
    s.account(|a| {
        a["setup_started"] = json!(ahead(2));
        a["reviews"] = json!({"monthly": {"completions": [completion(ahead(2))]}});
    });
    let due = s.stdout("UTC", &["due"]);
    assert!(due.contains("Monthly review: due now"), "{due}");
    assert!(
        due.contains(&format!("2 records dated after today (up to {})", ahead(2))),
        "{due}"
    );
    let s = Sandbox::new();
    s.account(|a| {
        a["setup_started"] = json!(ahead(1));
        a["reviews"] = json!({"monthly": {"completions": [completion(ahead(1))]}});
    });
    s.cmd(&["due", "--soon"])
        .assert()
        .success()
        .stdout("lockstep: nothing due\n");
    let text = s.stdout("UTC", &["status"]);
    assert!(
        text.contains(&format!("last done {}", ahead(1))) && !text.contains(WRONG_CLOCK),
        "{text}"
    );
}

#[test]
fn due_sees_a_hand_edit_that_keeps_the_state_files_size_and_mtime() {
    let s = Sandbox::new();
    s.account(|a| a["setup_started"] = json!(ago(60)));
    s.cmd(&["review", "monthly"]).assert().success();
    s.cmd(&["due", "--soon"])
        .assert()
        .success()
        .stdout("lockstep: nothing due\n");
    // Move the completion four years ahead: same length, and the old modification time back.
    let file = s.data.join("state.json");
    let before = fs::metadata(&file).unwrap();
    let text = fs::read_to_string(&file).unwrap();
    let later = today() + Months::new(48);
    let edited = text.replace(&format!("\"{}\"", today()), &format!("\"{later}\""));
    assert_ne!(edited, text);
    fs::write(&file, &edited).unwrap();
    fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    let after = fs::metadata(&file).unwrap();
    assert_eq!(
        (after.len(), after.modified().unwrap()),
        (before.len(), before.modified().unwrap()),
        "the edit keeps the size and modification time"
    );
    let due = s.stdout("UTC", &["due", "--soon"]);
    assert!(due.contains("Monthly review: overdue by"), "{due}");
    assert!(due.contains(&format!("(up to {later}) ignored")), "{due}");
    let status = s.stdout("UTC", &["status"]);
    assert!(
        status.contains("Monthly review [monthly]: overdue by")
            && status.contains("last done never"),
        "{status}"
    );
}

#[test]
fn due_uses_the_index_a_save_wrote() {
    // The index records the state file as renamed into place: right after a save it matches, so
    // `due` reads it (here an index changed by hand, stamp kept, shows that it was read).
    let s = Sandbox::new();
    s.cmd(&["check", "totp-2fa"]).assert().success();
    s.cmd(&["due"])
        .assert()
        .success()
        .stdout("lockstep: nothing due\n");
    let index = s.data.join("due-index.json");
    let mut v: Value = serde_json::from_slice(&fs::read(&index).unwrap()).unwrap();
    assert_eq!(v["accounts"]["default"]["setup_started"], json!(today()));
    v["accounts"]["default"]["setup_started"] = json!(ago(100));
    fs::write(&index, serde_json::to_vec(&v).unwrap()).unwrap();
    s.cmd(&["due"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Monthly review: overdue by"));
    // Replacing the state file with the same bytes (another inode) is a change.
    let file = s.data.join("state.json");
    let bytes = fs::read(&file).unwrap();
    let mtime = fs::metadata(&file).unwrap().modified().unwrap();
    fs::remove_file(&file).unwrap();
    fs::write(&file, &bytes).unwrap();
    fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    s.cmd(&["due"])
        .assert()
        .success()
        .stdout("lockstep: nothing due\n");
}
