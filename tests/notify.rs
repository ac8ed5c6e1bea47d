//! `notify::run` end to end against a real session bus (`dbus-daemon`) and a logging notification
//! server on it: what the server receives (summary, body, urgency, expiry, markup escaping),
//! that only what a server showed is recorded as sent, that a reminder printed for want of a
//! server stays pending until a later run reaches one, and the bus starting the server itself.
//! macOS's `osascript` is a fake on a private search path.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use lockstep::dbus::{Address, SessionBus};
use lockstep::notify::{
    self, AccountDue, Delivery, DueItem, DueState, Notifier, OpenCommand, OpenIncident, SENT_FILE,
};
use lockstep::reminders::SystemRunner;
use serde_json::Value;

use common::bus::Bus;

struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        Sandbox {
            data: dir.path().join("data"),
            root: dir.path().to_path_buf(),
            _dir: dir,
        }
    }

    fn run_with(
        &self,
        n: &Notifier,
        accounts: &[AccountDue],
        open: &OpenCommand,
    ) -> (notify::NotifyReport, String) {
        let mut out = Vec::new();
        let r = notify::run(&self.data, accounts, day("2026-03-10"), open, n, &mut out);
        (r, String::from_utf8(out).unwrap())
    }

    fn run(&self, n: &Notifier) -> (notify::NotifyReport, String) {
        self.run_with(n, &accounts(), &open())
    }

    fn record(&self) -> Option<Value> {
        let text = fs::read_to_string(self.data.join(SENT_FILE)).ok()?;
        Some(serde_json::from_str(&text).unwrap())
    }
}

fn on(bus: &Bus) -> Notifier {
    let addresses = lockstep::dbus::address::parse(&bus.address);
    Notifier::session_bus(
        Ok(SessionBus {
            addresses,
            found_in: "the test".into(),
        }),
        Duration::from_secs(10),
    )
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn open() -> OpenCommand {
    OpenCommand {
        data_dir: None,
        default_account: "default".into(),
    }
}

fn accounts() -> Vec<AccountDue> {
    vec![
        AccountDue {
            account: "default".into(),
            label: Some("Binance".into()),
            items: vec![DueItem {
                key: "monthly".into(),
                label: "Monthly withdrawal whitelist check".into(),
                section_title: "Withdrawals".into(),
                state: DueState::Overdue { days: 4 },
                since: day("2026-03-06"),
            }],
            incident: None,
            notes: Vec::new(),
        },
        AccountDue {
            account: "quiet".into(),
            label: None,
            items: vec![],
            incident: None,
            notes: Vec::new(),
        },
    ]
}

fn with_incident() -> AccountDue {
    AccountDue {
        account: "hacked".into(),
        label: Some("Kraken".into()),
        items: vec![],
        incident: Some(OpenIncident {
            id: 1,
            opened: chrono::DateTime::from_timestamp(1_773_050_000, 0).unwrap(),
            since: day("2026-03-09"),
            what: Some("incident #1".into()),
        }),
        notes: Vec::new(),
    }
}

const SUMMARY: &str = "lockstep: Binance (default): 1 review due (1 overdue)";
fn body() -> String {
    "Overdue by 4 days (due 2026-03-06): Monthly withdrawal whitelist check (Withdrawals)\n\
     Open lockstep: lockstep"
        .into()
}

#[test]
fn the_server_shows_each_reminder_once_a_day_with_its_urgency_and_expiry() {
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(true, "dunst-like");
    let s = Sandbox::new();
    let n = on(&bus);
    let mut all = accounts();
    all.push(with_incident());
    let (r, out) = s.run_with(&n, &all, &open());
    assert!(r.warnings.is_empty(), "{r:?}");
    let shown = Delivery::Shown {
        by: "dunst-like".into(),
    };
    assert_eq!(
        r.sent,
        [
            ("default".to_owned(), shown.clone()),
            ("hacked".to_owned(), shown)
        ]
    );
    assert_eq!(out, "", "nothing printed when a server showed it");
    let calls = bus.calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    let review = &calls[0];
    assert_eq!(review["app_name"], "lockstep");
    assert_eq!(review["summary"], SUMMARY);
    assert_eq!(review["body"], body());
    assert_eq!(review["hints"]["urgency"], 1, "{review}");
    assert_eq!(
        review["hints"]["urgency_type"], "Byte",
        "as the specification says"
    );
    assert_eq!(review["expire_timeout"], -1, "the server's own expiry");
    let incident = &calls[1];
    assert_eq!(
        incident["summary"],
        "lockstep: Kraken (hacked): incident open"
    );
    assert_eq!(incident["hints"]["urgency"], 2, "critical: {incident}");
    assert_eq!(incident["expire_timeout"], 0, "never expires");
    let record = s.record().expect("what was shown is recorded");
    assert_eq!(record["sent"]["default"]["review:monthly"], "2026-03-10");

    // Again the same day: nothing new, nothing sent.
    let (again, out) = s.run_with(&n, &all, &open());
    assert!(again.sent.is_empty() && out.is_empty(), "{again:?}");
    assert_eq!(bus.calls().len(), 2);
}

#[test]
fn body_markup_is_escaped_only_for_a_server_that_reads_it() {
    let dir = "/home/u/R&D <x>";
    let o = OpenCommand {
        data_dir: Some(dir.into()),
        default_account: "default".into(),
    };
    let plain = format!("{} --data-dir '/home/u/R&D <x>'", body());
    for markup in [true, false] {
        let Some(mut bus) = Bus::start() else { return };
        bus.serve(markup, "server");
        let s = Sandbox::new();
        let (r, _) = s.run_with(&on(&bus), &accounts()[..1], &o);
        assert!(r.sent[0].1.shown(), "{r:?}");
        let got = bus.calls()[0]["body"].as_str().unwrap().to_owned();
        if markup {
            assert!(
                got.ends_with("Open lockstep: lockstep --data-dir '/home/u/R&amp;D &lt;x&gt;'"),
                "{got}"
            );
            // What a markup reader shows is the text as written: the command to copy is right.
            let shown = got
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            assert_eq!(shown, plain);
        } else {
            assert_eq!(got, plain, "a plain-text server gets the text as it is");
        }
        // The summary is plain text for every server.
        assert_eq!(bus.calls()[0]["summary"], SUMMARY);
    }
}

#[test]
fn a_reminder_printed_for_want_of_a_server_stays_pending_until_one_shows_it() {
    let Some(mut bus) = Bus::start() else { return };
    let s = Sandbox::new();
    // The bus is up (a login's first minute) but no notification server is.
    let (r, out) = s.run(&on(&bus));
    assert_eq!(out, format!("{SUMMARY}\n{}\n", body()));
    match &r.sent[..] {
        [(acc, Delivery::Printed { reason })] => {
            assert_eq!(acc, "default");
            assert!(
                reason.contains("no notification server is running"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.pending().count(), 1);
    assert!(
        s.record().is_none(),
        "printed is not sent: nothing recorded"
    );

    // The same day, a run that reaches a server shows it.
    bus.serve(false, "later");
    let (r, out) = s.run(&on(&bus));
    assert_eq!(out, "");
    assert_eq!(r.sent[0].1, Delivery::Shown { by: "later".into() });
    assert_eq!(bus.calls().len(), 1);
    assert_eq!(
        s.record().unwrap()["sent"]["default"]["review:monthly"],
        "2026-03-10"
    );
    let (r, _) = s.run(&on(&bus));
    assert!(r.sent.is_empty(), "shown once: {r:?}");
}

#[test]
fn no_session_bus_prints_and_keeps_the_reminder_pending() {
    let s = Sandbox::new();
    let n = Notifier::session_bus(Err("no session bus: test".into()), Duration::from_secs(1));
    let (r, out) = s.run(&n);
    assert!(out.starts_with(SUMMARY), "{out}");
    assert_eq!(
        r.sent,
        [(
            "default".to_owned(),
            Delivery::Printed {
                reason: "no session bus: test".into()
            }
        )]
    );
    assert!(s.record().is_none());
    // A socket nobody listens on: printed, with the reason.
    let gone = Notifier::session_bus(
        Ok(SessionBus {
            addresses: vec![Address::Path(s.root.join("no-bus"))],
            found_in: "$XDG_RUNTIME_DIR/bus".into(),
        }),
        Duration::from_secs(1),
    );
    let (r, _) = s.run(&gone);
    match &r.sent[0].1 {
        Delivery::Printed { reason } => {
            assert!(
                reason.contains("cannot use the session bus ($XDG_RUNTIME_DIR/bus)"),
                "{reason}"
            )
        }
        d => panic!("{d:?}"),
    }
    assert!(s.record().is_none());
}

#[test]
fn the_bus_starts_an_activatable_server_and_abstract_sockets_work() {
    let Some(bus) = Bus::start_abstract() else {
        return;
    };
    assert!(bus.address.starts_with("unix:abstract="), "{}", bus.address);
    bus.activatable("activated");
    let s = Sandbox::new();
    let (r, out) = s.run(&on(&bus));
    assert_eq!(out, "", "{r:?}");
    assert_eq!(
        r.sent[0].1,
        Delivery::Shown {
            by: "activated".into()
        }
    );
    assert_eq!(bus.calls()[0]["summary"], SUMMARY);
}

#[test]
fn macos_uses_osascript_with_the_text_as_arguments() {
    let s = Sandbox::new();
    let bin = s.root.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let calls = s.root.join("calls");
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> '{}'; done\n",
        calls.display()
    );
    fs::write(bin.join("osascript"), script).unwrap();
    fs::set_permissions(bin.join("osascript"), fs::Permissions::from_mode(0o755)).unwrap();
    let (r, _) = s.run(&Notifier::osascript(SystemRunner::with_path(&bin)));
    assert_eq!(
        r.sent[0].1,
        Delivery::Shown {
            by: "osascript".into()
        }
    );
    let args = fs::read_to_string(&calls).unwrap();
    let args: Vec<&str> = args.trim_end_matches('\0').split('\0').collect();
    assert_eq!(args[args.len() - 2..], [SUMMARY, body().as_str()]);
    assert!(args.contains(&"on run argv"));
    // No osascript: printed, and pending.
    let s = Sandbox::new();
    let (r, out) = s.run(&Notifier::osascript(SystemRunner::with_path(
        s.root.join("none"),
    )));
    assert!(out.starts_with(SUMMARY));
    assert_eq!(
        r.pending().collect::<Vec<_>>(),
        [("default", "`osascript` is not on PATH")]
    );
}

#[test]
fn an_unsavable_record_is_a_warning_and_the_notification_still_goes_out() {
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(true, "server");
    let s = Sandbox::new();
    // The data dir is a file: the record cannot be written.
    fs::write(&s.data, "").unwrap();
    let (r, _) = s.run(&on(&bus));
    assert!(r.sent[0].1.shown());
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("cannot save") && w.contains(SENT_FILE)),
        "{r:?}"
    );
}

#[test]
fn nothing_due_sends_nothing_and_writes_nothing() {
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(true, "server");
    let s = Sandbox::new();
    let quiet = vec![accounts().remove(1)];
    let (r, out) = s.run_with(&on(&bus), &quiet, &open());
    assert!(r.sent.is_empty() && out.is_empty());
    assert!(bus.calls().is_empty());
    assert!(!Path::new(&s.data).exists());
}
