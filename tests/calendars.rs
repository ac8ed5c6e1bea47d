//! lockstep's calendars in a real calendar client: khal (Debian's `khal`) imports the export,
//! and after a review imports it again: each event is updated in place by its UID, never
//! duplicated. (calcurse keeps no UIDs, so it duplicates on a second import: README says what to
//! do instead.) A calendar with nothing in it yet is still a valid one (RFC 5545 §3.6: at least
//! one component), which the `icalendar` crate and khal take.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use lockstep::checklist::{self, Origin};
use lockstep::export;
use lockstep::state::Account;
use serde_json::{Value, json};

struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
    khal: PathBuf,
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

impl Sandbox {
    fn new() -> Option<Sandbox> {
        let khal = common::tool("khal", "khal")?;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let vdir = root.join("vdir");
        fs::create_dir_all(&vdir).unwrap();
        fs::write(
            root.join("khal.conf"),
            format!(
                "[calendars]\n[[lockstep]]\npath = {}\ntype = calendar\n\
                 [locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n\
                 datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n\
                 local_timezone = UTC\ndefault_timezone = UTC\n",
                vdir.display()
            ),
        )
        .unwrap();
        Some(Sandbox {
            data: root.join("data"),
            root,
            khal,
            _tmp: tmp,
        })
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.env_clear()
            .env("HOME", &self.root)
            .env("XDG_CONFIG_HOME", self.root.join("config"))
            .env("XDG_RUNTIME_DIR", self.root.join("run"))
            .env("TZ", "UTC")
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .write_stdin("");
        c
    }

    /// Runs khal with the sandbox's configuration and its own HOME (its cache goes there).
    fn khal(&self, args: &[&str]) -> String {
        let out = Process::new(&self.khal)
            .arg("-c")
            .arg(self.root.join("khal.conf"))
            .args(args)
            .env_clear()
            .env("HOME", &self.root)
            .env("PATH", "/usr/bin:/bin")
            .env("LANG", "C.UTF-8")
            .env("TZ", "UTC")
            .output()
            .unwrap();
        assert!(out.status.success(), "khal {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    /// Exports the calendar and imports it into khal, as a user does after a change.
    fn export_and_import(&self) {
        let cal = self.root.join("lockstep.ics");
        self.cmd(&["export", "--format", "ics", "-o"])
            .arg(&cal)
            .assert()
            .success();
        self.khal(&["import", "--batch", "-a", "lockstep", cal.to_str().unwrap()]);
    }

    /// The events khal has in the coming months: "DATE TITLE" lines.
    fn events(&self) -> Vec<String> {
        let from = (today() - Days::new(1)).to_string();
        let to = (today() + Months::new(6)).to_string();
        self.khal(&[
            "list",
            "--format",
            "{start-date} {title}",
            "--day-format",
            "",
            &from,
            &to,
        ])
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
    }

    fn files(&self) -> usize {
        fs::read_dir(self.root.join("vdir")).unwrap().count()
    }
}

fn edit_state(data: &Path, edit: impl FnOnce(&mut Value)) {
    let p = data.join("state.json");
    let mut s: Value = serde_json::from_slice(&fs::read(&p).unwrap()).unwrap();
    edit(&mut s["accounts"]["default"]);
    fs::write(&p, serde_json::to_vec_pretty(&s).unwrap()).unwrap();
}

#[test]
fn khal_updates_each_event_in_place_when_the_calendar_is_imported_again() {
    let Some(s) = Sandbox::new() else { return };
    // A fresh account, nothing started: the calendar has no event, and khal still takes it.
    s.cmd(&["personas", "holder"]).assert().success();
    s.export_and_import();
    assert!(s.events().is_empty());
    assert_eq!(s.files(), 0);
    // Setup started 100 days ago: both reviews are due, dated today.
    s.cmd(&["check", "totp-2fa"]).assert().success();
    edit_state(&s.data, |a| {
        a["setup_started"] = json!(today() - Days::new(100));
    });
    s.export_and_import();
    let t = today();
    assert_eq!(
        s.events(),
        [
            format!("{t} Crypto.com: Monthly review"),
            format!("{t} Crypto.com: Quarterly review")
        ]
    );
    assert_eq!(s.files(), 2, "one file per UID");
    // The monthly review is done: it moves a month ahead, and the next import moves it.
    s.cmd(&["review", "monthly"]).assert().success();
    s.export_and_import();
    let next = t + Months::new(1);
    assert_eq!(
        s.events(),
        [
            format!("{t} Crypto.com: Quarterly review"),
            format!("{next} Crypto.com: Monthly review"),
        ],
        "moved, not duplicated"
    );
    assert_eq!(s.files(), 2);
}

#[test]
fn a_calendar_without_events_holds_one_component_a_utc_time_zone() {
    let cl = checklist::parse("crypto-com.json", checklist::BUNDLED[0].1).unwrap();
    let now = DateTime::UNIX_EPOCH;
    let fresh = Account::new("crypto-com", now);
    let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    for text in [
        export::ics(&cl, &Origin::Bundled, "default", &fresh, today, now),
        export::ics_feed(&[], today, now),
    ] {
        assert!(
            text.ends_with(
                "BEGIN:VTIMEZONE\r\nTZID:UTC\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
                 TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nTZNAME:UTC\r\nEND:STANDARD\r\n\
                 END:VTIMEZONE\r\nEND:VCALENDAR\r\n"
            ),
            "{text}"
        );
        assert!(export::is_lockstep_calendar(text.as_bytes()));
        let cal: icalendar::Calendar = text.parse().unwrap();
        assert_eq!(cal.components.len(), 1, "{cal:?}");
    }
    // With an event, no time zone is added.
    let mut started = fresh.clone();
    started.check(&cl, "totp-2fa", now).unwrap();
    started.settle(today);
    let text = export::ics(&cl, &Origin::Bundled, "default", &started, today, now);
    assert!(
        text.contains("BEGIN:VEVENT") && !text.contains("VTIMEZONE"),
        "{text}"
    );
}
