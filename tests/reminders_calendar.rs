//! `lockstep reminders install --ics FILE` through the real binary: the calendar kept current
//! after every save and by the daily job, what a calendar writer refuses to overwrite, and the
//! SEQUENCE of each event (the rest of the reminder commands are in `tests/reminders_cli.rs`).

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use chrono::{Months, NaiveDate};
use common::reminders::*;
use predicates::prelude::*;
use serde_json::{Value, json};

fn ics_events(text: &str) -> Vec<String> {
    use icalendar::{CalendarComponent, Component};
    let cal: icalendar::Calendar = text.parse().expect("a calendar the icalendar crate reads");
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => e.get_uid().map(str::to_owned),
            _ => None,
        })
        .collect()
}

#[test]
fn install_with_ics_keeps_the_calendar_current_after_saves_and_in_the_job() {
    let s = Sandbox::new();
    s.fake_crontab();
    let cal = s.root.join("cal/lockstep.ics");
    fs::create_dir_all(cal.parent().unwrap()).unwrap();
    let cal_arg = cal.to_str().unwrap();
    s.cmd(&[
        "reminders",
        "install",
        "--backend",
        "cron",
        "--yes",
        "--ics",
        cal_arg,
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains(format!("wrote {cal_arg}")));
    // Written now (no account yet: an empty calendar), recorded 0600 in the data directory.
    assert_eq!(
        ics_events(&fs::read_to_string(&cal).unwrap()),
        Vec::<String>::new()
    );
    let record = s.data.join("ics-path");
    assert_eq!(fs::read_to_string(&record).unwrap(), format!("{cal_arg}\n"));
    assert_eq!(
        fs::metadata(&record).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let tab = fs::read_to_string(s.crontab_store()).unwrap();
    assert!(
        tab.contains(&format!("notify --ics {cal_arg} # lockstep-notify")),
        "{tab}"
    );
    // Every save rewrites it: setup starts, and the two reviews appear.
    s.cmd(&["check", "totp-2fa"]).assert().success().stderr("");
    let uids = ics_events(&fs::read_to_string(&cal).unwrap());
    assert_eq!(
        uids,
        [
            "monthly.default.crypto-com@lockstep",
            "quarterly.default.crypto-com@lockstep"
        ]
    );
    // A second account is created by naming its checklist.
    s.cmd(&[
        "--account",
        "a@b",
        "--checklist",
        "crypto-com",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    assert_eq!(ics_events(&fs::read_to_string(&cal).unwrap()).len(), 4);
    assert!(
        fs::read_to_string(&cal)
            .unwrap()
            .contains("UID:monthly.a%40b.crypto-com@lockstep")
    );
    // The daily job's command rewrites it too (here: after it was deleted).
    fs::remove_file(&cal).unwrap();
    s.cmd(&["notify", "--ics", cal_arg]).assert().success();
    assert_eq!(ics_events(&fs::read_to_string(&cal).unwrap()).len(), 4);
    s.cmd(&["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Calendar kept current: {cal_arg}"
        )));
    // Installing again without --ics stops refreshing it; the file stays.
    s.cmd(&["reminders", "install", "--backend", "cron", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no longer kept current"));
    assert!(!record.exists());
    let before = fs::read(&cal).unwrap();
    s.cmd(&["uncheck", "totp-2fa"]).assert().success();
    assert_eq!(fs::read(&cal).unwrap(), before);
    // remove forgets it as well.
    s.cmd(&[
        "reminders",
        "install",
        "--backend",
        "cron",
        "--yes",
        "--ics",
        cal_arg,
    ])
    .assert()
    .success();
    s.cmd(&["reminders", "remove"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no longer kept current"));
    assert!(!record.exists() && cal.exists());
}

#[test]
fn an_unwritable_calendar_stops_the_install_and_a_failed_refresh_is_a_warning() {
    let s = Sandbox::new();
    s.fake_crontab();
    let missing = s.root.join("no/such/dir/cal.ics");
    s.cmd(&[
        "reminders",
        "install",
        "--backend",
        "cron",
        "--yes",
        "--ics",
        missing.to_str().unwrap(),
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("cal.ics"));
    assert!(!s.crontab_store().exists(), "nothing installed");
    // Inside the data directory: refused before anything is shown.
    let inside = s.data.join("cal.ics");
    fs::create_dir_all(&s.data).unwrap();
    s.cmd(&[
        "reminders",
        "install",
        "--backend",
        "cron",
        "--yes",
        "--ics",
        inside.to_str().unwrap(),
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("inside the data directory"));
    // The daily job's --ics follows the same rule: a warning, nothing written there.
    s.cmd(&["notify", "--ics", inside.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("inside the data directory"));
    assert!(!inside.exists());
    // A calendar whose directory disappears: saves still succeed, with a warning.
    let dir = s.root.join("cal");
    fs::create_dir_all(&dir).unwrap();
    let cal = dir.join("x.ics");
    s.cmd(&[
        "reminders",
        "install",
        "--backend",
        "cron",
        "--yes",
        "--ics",
        cal.to_str().unwrap(),
    ])
    .assert()
    .success();
    fs::remove_dir_all(&dir).unwrap();
    // The warning says the change is saved and why only the calendar was not written; nothing
    // in it reads as a failed save.
    let missing_dir = format!("its directory {} does not exist", dir.display());
    s.cmd(&["check", "totp-2fa"])
        .assert()
        .success()
        .stdout(predicate::str::contains("done:"))
        .stderr(predicate::str::contains(
            "warning: your change is saved; only the calendar file was not updated: cannot write \
             the calendar",
        ))
        .stderr(predicate::str::contains(&missing_dir))
        .stderr(predicate::str::contains("previously saved state").not())
        .stderr(predicate::str::contains("cannot save").not())
        .stderr(predicate::str::contains("disk space").not());
    assert_eq!(
        s.state()["accounts"]["default"]["steps"]["totp-2fa"]["status"]["state"],
        "done"
    );
    // The daily job: a warning, exit 0.
    s.cmd(&["notify", "--ics", cal.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: cannot write the calendar",
        ))
        .stderr(predicate::str::contains(&missing_dir))
        .stderr(predicate::str::contains("previously saved state").not());
}

/// What a path holds, byte for byte (a directory: each entry's name and content).
fn snapshot(p: &Path) -> Vec<(String, Vec<u8>)> {
    use std::os::unix::ffi::OsStringExt;
    let m = fs::symlink_metadata(p).unwrap();
    if m.file_type().is_symlink() {
        let mut v = vec![(
            "->".into(),
            fs::read_link(p).unwrap().into_os_string().into_vec(),
        )];
        v.extend(snapshot(&fs::canonicalize(p).unwrap()));
        v
    } else if m.is_dir() {
        let mut v: Vec<_> = fs::read_dir(p)
            .unwrap()
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    } else {
        vec![(String::new(), fs::read(p).unwrap())]
    }
}

#[test]
fn calendar_writers_never_overwrite_what_is_not_a_lockstep_calendar() {
    let s = Sandbox::new();
    s.fake_crontab();
    s.cmd(&["check", "totp-2fa"]).assert().success();
    let text = s.root.join("important.txt");
    fs::write(&text, "important user data\n").unwrap();
    let dir = s.root.join("folder.ics");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("inside.txt"), "keep me").unwrap();
    let link = s.root.join("link.ics");
    std::os::unix::fs::symlink(&text, &link).unwrap();
    // Another program's calendar is not lockstep's either.
    let theirs = s.root.join("theirs.ics");
    fs::write(
        &theirs,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//App//EN\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    for target in [&text, &dir, &link, &theirs] {
        let before = snapshot(target);
        let arg = target.to_str().unwrap();
        let refusal = format!("refusing to overwrite {arg}");
        // reminders install: exit 2, nothing scheduled, nothing recorded.
        s.cmd(&[
            "reminders",
            "install",
            "--backend",
            "cron",
            "--yes",
            "--ics",
            arg,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(&refusal));
        assert!(!s.crontab_store().exists(), "{arg}: nothing installed");
        assert!(!s.data.join("ics-path").exists(), "{arg}");
        // export -o: exit 2.
        s.cmd(&["export", "--format", "ics", "-o", arg])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(&refusal));
        // The daily job: a warning, exit 0.
        s.cmd(&["notify", "--ics", arg])
            .assert()
            .success()
            .stderr(predicate::str::contains(format!("warning: {refusal}")));
        assert_eq!(snapshot(target), before, "{arg} left as it was");
    }
    // The symlink's refusal says where it points.
    s.cmd(&["export", "--format", "ics", "-o", link.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "a symbolic link to {}",
            text.display()
        )));

    // An empty file and a calendar lockstep wrote (also through a symlink) are replaced.
    let cal = s.root.join("cal.ics");
    fs::write(&cal, "").unwrap();
    let cal_arg = cal.to_str().unwrap();
    s.cmd(&[
        "reminders",
        "install",
        "--backend",
        "cron",
        "--yes",
        "--ics",
        cal_arg,
    ])
    .assert()
    .success();
    assert_eq!(ics_events(&fs::read_to_string(&cal).unwrap()).len(), 2);
    fs::write(&cal, "").unwrap();
    s.cmd(&["export", "--format", "ics", "-o", cal_arg])
        .assert()
        .success();
    let ours = fs::read_to_string(&cal).unwrap();
    assert!(ours.starts_with("BEGIN:VCALENDAR\r\n"), "{ours}");
    s.cmd(&["export", "--format", "ics", "-o", cal_arg])
        .assert()
        .success();
    let cal_link = s.root.join("cal-link.ics");
    std::os::unix::fs::symlink(&cal, &cal_link).unwrap();
    s.cmd(&["notify", "--ics", cal_link.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("refusing").not());
    assert!(
        fs::symlink_metadata(&cal_link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    s.cmd(&["check", "passkeys"]).assert().success().stderr("");
    assert_eq!(ics_events(&fs::read_to_string(&cal).unwrap()).len(), 2);

    // The kept-current calendar replaced by the user's file: the save succeeds, the file stays.
    fs::write(&cal, "my own notes\n").unwrap();
    s.cmd(&["check", "lock-switch"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: your change is saved; only the calendar file was not updated: refusing to \
             overwrite {cal_arg}"
        )));
    assert_eq!(fs::read_to_string(&cal).unwrap(), "my own notes\n");
}

/// The date and SEQUENCE of the monthly review's event in a calendar file.
fn monthly_event(cal: &Path) -> (NaiveDate, i64) {
    let text = fs::read_to_string(cal).unwrap();
    let ev = text
        .split("BEGIN:VEVENT")
        .find(|e| e.contains("UID:monthly.default."))
        .unwrap_or_else(|| panic!("no monthly event in {text}"));
    let field = |name: &str| {
        ev.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {ev}"))
            .trim_end()
            .to_string()
    };
    let date = NaiveDate::parse_from_str(&field("DTSTART;VALUE=DATE:"), "%Y%m%d").unwrap();
    (date, field("SEQUENCE:").parse().unwrap())
}

#[test]
fn the_calendar_sequence_rises_whenever_an_event_moves_either_way() {
    let s = Sandbox::new();
    s.fake_crontab();
    // Setup started 60 days ago, the monthly review never done: due today.
    s.account(|a| a["setup_started"] = json!(ago(60)));
    let forget_reviews = || {
        let mut st = s.state();
        st["accounts"]["default"]["reviews"] = json!({});
        fs::write(
            s.data.join("state.json"),
            serde_json::to_vec_pretty(&st).unwrap(),
        )
        .unwrap();
    };
    let cal = s.root.join("cal.ics");
    let cal_arg = cal.to_str().unwrap();
    s.cmd(&[
        "reminders",
        "install",
        "--backend",
        "cron",
        "--yes",
        "--ics",
        cal_arg,
    ])
    .assert()
    .success();
    let mut seen = vec![monthly_event(&cal)];
    assert_eq!(seen[0].0, today());
    let later = today() + Months::new(1);
    // Forward (the review done), back (the record gone, as when a wrong clock is put right:
    // the event is dated today again), forward and back once more; each through another writer.
    let steps: [(&str, &[&str], NaiveDate); 4] = [
        ("review", &["review", "monthly"], later),
        ("back by notify", &["notify", "--ics", cal_arg], today()),
        ("review again", &["review", "monthly"], later),
        ("back by a save", &["check", "passkeys"], today()),
    ];
    for (what, args, date) in steps {
        if date == today() {
            forget_reviews();
        }
        s.cmd(args).assert().success();
        let now = monthly_event(&cal);
        let last = *seen.last().unwrap();
        assert_eq!(now.0, date, "{what}");
        assert!(
            now.1 > last.1,
            "{what}: SEQUENCE {} after {}",
            now.1,
            last.1
        );
        seen.push(now);
    }
    // The date derived from the date alone would have gone down: the record kept it rising.
    assert!(seen[2].1 > seen[1].1 && seen[1].1 > seen[0].1, "{seen:?}");
    // An unchanged date keeps its SEQUENCE.
    s.cmd(&["notify", "--ics", cal_arg]).assert().success();
    assert_eq!(monthly_event(&cal), *seen.last().unwrap());
    // The one-off export shows the same numbers, and does not change the record.
    let record = s.data.join("ics-sequence.json");
    assert_eq!(
        fs::metadata(&record).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let kept = fs::read(&record).unwrap();
    let out = s.cmd(&["export", "--format", "ics"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains(&format!("SEQUENCE:{}", seen.last().unwrap().1))
    );
    assert_eq!(fs::read(&record).unwrap(), kept);
    // A damaged record is no error: the SEQUENCE falls back to the date, the record is rewritten.
    fs::write(&record, "{ not json").unwrap();
    s.cmd(&["notify", "--ics", cal_arg])
        .assert()
        .success()
        .stderr(predicate::str::contains("ics-sequence").not());
    assert_eq!(monthly_event(&cal).1, seen[0].1);
    let fresh: Value = serde_json::from_slice(&fs::read(&record).unwrap()).unwrap();
    assert_eq!(
        fresh["events"]["monthly.default.crypto-com@lockstep"]["sequence"],
        seen[0].1
    );
}

// ----- due --soon, and records dated in the future -----------------------------------------------
