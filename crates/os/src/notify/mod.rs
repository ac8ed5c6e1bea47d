//! Desktop notifications for `lockstep notify`: the record of what was shown (`notified.json`),
//! delivery to the session bus's notification server (`server`) or `osascript` on macOS, with
//! the text printed instead when no server is reachable (and kept pending), and one whole run.
//! What a notification says is composed in the domain (`lockstep_core::notice`).

pub mod server;

use std::cell::RefCell;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;

pub use lockstep_core::notice::*;
pub use server::NotificationServer;

use crate::dbus::{self, SessionBus};
use crate::reminders::{Runner, SystemRunner, TargetOs};

/// Loads the sent record from `dir`. A missing file is an empty record; an unreadable one is too,
/// with a warning (notifying again beats never notifying).
pub fn load_sent(dir: &Path) -> (SentRecord, Option<String>) {
    let path = dir.join(SENT_FILE);
    match fs::read(&path) {
        Ok(bytes) => match serde_json::from_slice::<SentRecord>(&bytes) {
            Ok(r) => (r, None),
            Err(e) => (
                SentRecord::default(),
                Some(format!(
                    "{}: {e}; starting afresh (today's reminders may repeat)",
                    path.display()
                )),
            ),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => (SentRecord::default(), None),
        Err(e) => (
            SentRecord::default(),
            Some(format!("cannot read {}: {e}", path.display())),
        ),
    }
}

/// Saves the sent record atomically: a temp file (0600) in `dir`, fsync, rename over
/// `notified.json`, fsync of the directory. `dir` is created (0700) when missing.
pub fn save_sent(dir: &Path, record: &SentRecord) -> io::Result<()> {
    if !dir.is_dir() {
        lockstep_store::sys::private_dir(fs::DirBuilder::new().recursive(true)).create(dir)?;
    }
    let mut bytes = serde_json::to_vec_pretty(record).map_err(io::Error::other)?;
    bytes.push(b'\n');
    // The one atomic write (temp file 0600, fsync, rename, fsync of the directory).
    lockstep_store::write_atomic(&dir.join(SENT_FILE), &bytes, None)
        .map_err(|e| io::Error::other(e.to_string()))
}

/// How a notification reached the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Shown on the desktop: a notification server took it (its name, e.g. "dunst", or
    /// "osascript" on macOS).
    Shown { by: String },
    /// Only printed to the output, because no notification server could be reached (why):
    /// nobody may have seen it, so it stays pending.
    Printed { reason: String },
}

impl Delivery {
    pub fn shown(&self) -> bool {
        matches!(self, Delivery::Shown { .. })
    }
}

/// How long each step of a delivery may take (a bus whose server hangs must not hold the job).
pub const NOTIFIER_TIMEOUT: Duration = Duration::from_secs(10);

/// Where notifications go.
enum Route {
    /// The notification server of the session bus (Linux and other unix desktops), connected on
    /// the first notification; `bus` is Err when no session bus was found (why).
    Bus {
        bus: Result<SessionBus, String>,
        timeout: Duration,
        server: RefCell<Option<NotificationServer>>,
    },
    /// macOS: `osascript`'s `display notification`.
    Osascript(Box<dyn Runner>),
}

/// Sends notifications to the desktop, or prints them when that is not possible.
pub struct Notifier {
    route: Route,
}

impl Notifier {
    /// Notifications for the notification server of `bus` (Err: no bus, and why).
    pub fn session_bus(bus: Result<SessionBus, String>, timeout: Duration) -> Notifier {
        Notifier {
            route: Route::Bus {
                bus,
                timeout,
                server: RefCell::new(None),
            },
        }
    }

    /// Notifications through `osascript`, run by `runner`.
    pub fn osascript(runner: impl Runner + 'static) -> Notifier {
        Notifier {
            route: Route::Osascript(Box::new(runner)),
        }
    }

    /// The desktop of this machine: `osascript` on macOS, else the session bus found the way
    /// desktop tools find it (see [`crate::dbus::address`]).
    pub fn system() -> Notifier {
        match TargetOs::current() {
            TargetOs::MacOs => Notifier::osascript(SystemRunner::new().timeout(NOTIFIER_TIMEOUT)),
            TargetOs::Linux | TargetOs::Other => {
                Notifier::session_bus(dbus::session_bus_here(), NOTIFIER_TIMEOUT)
            }
        }
    }

    /// Shows `n` on the desktop; Err says why it could not be.
    fn show(&self, n: &Notification) -> Result<String, String> {
        match &self.route {
            Route::Bus {
                bus,
                timeout,
                server,
            } => {
                let bus = bus.as_ref().map_err(Clone::clone)?;
                let mut slot = server.borrow_mut();
                let s = match slot.as_mut() {
                    Some(s) => s,
                    None => slot.insert(NotificationServer::connect(bus, *timeout)?),
                };
                match s.notify(n) {
                    Ok(_) => Ok(s.name.clone()),
                    Err(e) => {
                        // The next notification starts afresh (the server may have gone).
                        *slot = None;
                        Err(e)
                    }
                }
            }
            Route::Osascript(runner) => {
                let args = osascript_args(n);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                match runner.run("osascript", &args, None) {
                    Ok(o) if o.success() => Ok("osascript".into()),
                    Ok(o) => Err(format!("`osascript` failed: {}", o.first_error_line())),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        Err("`osascript` is not on PATH".into())
                    }
                    Err(e) => Err(format!("`osascript`: {e}")),
                }
            }
        }
    }

    /// Shows `n` on the desktop; when that is not possible, writes its text to `out`. Only a
    /// failure to write to `out` is an error.
    pub fn deliver(&self, n: &Notification, out: &mut dyn Write) -> io::Result<Delivery> {
        match self.show(n) {
            Ok(by) => Ok(Delivery::Shown { by }),
            Err(reason) => {
                out.write_all(n.text().as_bytes())?;
                out.flush()?;
                Ok(Delivery::Printed { reason })
            }
        }
    }
}

/// The arguments of `osascript` that show `n` (the text passed as arguments, never as script).
pub fn osascript_args(n: &Notification) -> Vec<String> {
    vec![
        "-e".into(),
        "on run argv".into(),
        "-e".into(),
        "display notification (item 2 of argv) with title (item 1 of argv)".into(),
        "-e".into(),
        "end run".into(),
        n.summary.clone(),
        n.body.clone(),
    ]
}

/// Whether a notification would reach the desktop now: Ok(the server's name) or Err(why not).
/// Shows nothing. `reminders install` says what is missing.
pub fn check_desktop(os: TargetOs, path: Option<&std::ffi::OsStr>) -> Result<String, String> {
    match os {
        TargetOs::MacOs => {
            if path.is_some_and(|p| crate::reminders::on_path(p, "osascript")) {
                Ok("osascript".into())
            } else {
                Err("`osascript` is not on PATH (it is part of macOS, in /usr/bin)".into())
            }
        }
        TargetOs::Linux | TargetOs::Other => {
            let bus = dbus::session_bus_here()?;
            NotificationServer::connect(&bus, NOTIFIER_TIMEOUT).map(|s| s.name)
        }
    }
}

/// What `reminders install` says when [`check_desktop`] found no way to the desktop (`why`):
/// what the job needs, and what happens to reminders until it is there.
pub fn desktop_advice(os: TargetOs, why: &str) -> String {
    match os {
        TargetOs::MacOs => format!(
            "reminders are shown with `osascript`, which this machine lacks ({why}): until it is \
             there, reminders are printed and kept pending"
        ),
        TargetOs::Linux | TargetOs::Other => format!(
            "no desktop notification server answered now ({why}). Reminders are shown by your \
             desktop session's notification server (GNOME, KDE, Xfce and most desktops run one; \
             elsewhere install one, e.g. the Debian packages dunst or notification-daemon); \
             lockstep talks to it over D-Bus and needs no notify-send. Until one answers, \
             reminders are printed and kept pending"
        ),
    }
}

/// What one `notify` run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotifyReport {
    /// Per notification: the account and how it was delivered. Only the shown ones are
    /// recorded as sent; printed ones stay pending for the next run.
    pub sent: Vec<(String, Delivery)>,
    /// Problems that did not stop the run (unreadable or unsaved record, unwritable output).
    pub warnings: Vec<String>,
}

impl NotifyReport {
    /// The accounts whose notification was only printed (still pending).
    pub fn pending(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sent.iter().filter_map(|(a, d)| match d {
            Delivery::Printed { reason } => Some((a.as_str(), reason.as_str())),
            Delivery::Shown { .. } => None,
        })
    }
}

/// One `lockstep notify` run: compose what is new today, deliver each notification, and record
/// what a notification server showed in `data_dir/notified.json`. A notification that could only
/// be printed is not recorded: the next run that reaches a server shows it. Never fails: a
/// missing desktop prints the text, and record problems are warnings.
pub fn run(
    data_dir: &Path,
    accounts: &[AccountDue],
    today: NaiveDate,
    open: &OpenCommand,
    notifier: &Notifier,
    out: &mut dyn Write,
) -> NotifyReport {
    let mut report = NotifyReport::default();
    let (mut record, warning) = load_sent(data_dir);
    report.warnings.extend(warning);
    let notes = compose(accounts, &record, today, open);
    let mut shown = false;
    for n in &notes {
        match notifier.deliver(n, out) {
            Ok(d) => {
                if d.shown() {
                    record.mark(n, today);
                    shown = true;
                }
                report.sent.push((n.account.clone(), d));
            }
            Err(e) => report
                .warnings
                .push(format!("cannot print the reminder for {}: {e}", n.account)),
        }
    }
    if shown {
        record.prune(today);
        if let Err(e) = save_sent(data_dir, &record) {
            report.warnings.push(format!(
                "cannot save {}: {e} (today's reminders may repeat)",
                data_dir.join(SENT_FILE).display()
            ));
        }
    }
    report
}

// The tests check Unix file modes.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use lockstep_guard as guard;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn today() -> NaiveDate {
        d("2026-03-10")
    }

    fn item(key: &str, state: DueState, since: &str) -> DueItem {
        DueItem {
            key: key.into(),
            label: format!("{key} review"),
            section_title: "API keys".into(),
            state,
            since: d(since),
        }
    }

    fn open() -> OpenCommand {
        OpenCommand {
            data_dir: None,
            default_account: "default".into(),
        }
    }

    fn kraken() -> AccountDue {
        AccountDue {
            account: "kraken".into(),
            label: Some("Kraken".into()),
            notes: Vec::new(),
            items: vec![
                item("soon", DueState::Soon { days: 3 }, "2026-03-13"),
                item("monthly", DueState::Due, "2026-03-10"),
                item("quarterly", DueState::Overdue { days: 12 }, "2026-02-26"),
            ],
            incident: None,
        }
    }

    #[test]
    fn one_notification_per_account_with_what_since_when_and_how_to_open() {
        let other = AccountDue {
            account: "default".into(),
            label: None,
            notes: Vec::new(),
            items: vec![item("never", DueState::Due, "2026-03-01")],
            incident: Some(OpenIncident {
                id: 1,
                opened: chrono::DateTime::from_timestamp(1_773_050_000, 0).unwrap(),
                since: d("2026-03-09"),
                what: Some("phishing mail".into()),
            }),
        };
        let ns = compose(&[kraken(), other], &SentRecord::default(), today(), &open());
        assert_eq!(ns.len(), 2);
        assert_eq!(
            ns[0].summary,
            "lockstep: Kraken (kraken): 2 reviews due (1 overdue)"
        );
        assert_eq!(
            ns[0].body,
            "Overdue by 12 days (due 2026-02-26): quarterly review (API keys)\n\
             Due today: monthly review (API keys)\n\
             Due in 3 days (2026-03-13): soon review (API keys)\n\
             Open lockstep: lockstep --account kraken"
        );
        assert_eq!(
            ns[0].keys,
            ["review:quarterly", "review:monthly", "review:soon"]
        );
        assert_eq!(
            ns[1].summary,
            "lockstep: default: incident open, 1 review due"
        );
        assert_eq!(
            ns[1].body,
            "Incident open since 2026-03-09 (phishing mail): its reviews are due now\n\
             Due since 2026-03-01: never review (API keys)\n\
             Open lockstep: lockstep"
        );
        assert_eq!(ns[1].text(), format!("{}\n{}\n", ns[1].summary, ns[1].body));
    }

    #[test]
    fn coming_up_alone_is_not_a_reason_to_notify() {
        let acc = AccountDue {
            items: vec![item("soon", DueState::Soon { days: 1 }, "2026-03-11")],
            ..kraken()
        };
        assert!(compose(&[acc], &SentRecord::default(), today(), &open()).is_empty());
        assert!(
            compose(
                &[AccountDue {
                    items: vec![],
                    ..kraken()
                }],
                &SentRecord::default(),
                today(),
                &open()
            )
            .is_empty()
        );
    }

    #[test]
    fn at_most_one_notification_per_review_per_day() {
        let mut sent = SentRecord::default();
        let first = compose(&[kraken()], &sent, today(), &open());
        sent.mark(&first[0], today());
        assert!(compose(&[kraken()], &sent, today(), &open()).is_empty());
        // A review that becomes due later the same day is notified, alone.
        let mut more = kraken();
        more.items.push(item("new", DueState::Due, "2026-03-10"));
        let second = compose(&[more], &sent, today(), &open());
        assert_eq!(second[0].keys, ["review:new"]);
        assert_eq!(second[0].summary, "lockstep: Kraken (kraken): 1 review due");
        // The next day everything is notified again.
        let next = compose(&[kraken()], &sent, d("2026-03-11"), &open());
        assert_eq!(next[0].keys.len(), 3);
    }

    #[test]
    fn a_second_incident_opened_the_same_day_is_notified() {
        let with = |id, opened: i64| AccountDue {
            incident: Some(OpenIncident {
                id,
                opened: chrono::DateTime::from_timestamp(opened, 0).unwrap(),
                since: today(),
                what: None,
            }),
            ..kraken()
        };
        let mut sent = SentRecord::default();
        let first = compose(&[with(1, 1000)], &sent, today(), &open());
        assert!(
            first[0].keys.contains(&"incident:1@1000".to_string()),
            "{:?}",
            first[0].keys
        );
        sent.mark(&first[0], today());
        assert!(compose(&[with(1, 1000)], &sent, today(), &open()).is_empty());
        // The first was a false alarm; a new one opens the same day.
        let second = compose(&[with(2, 2000)], &sent, today(), &open());
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].keys, ["incident:2@2000"]);
        // The account was removed and made again: its first incident is #1 again.
        let third = compose(&[with(1, 3000)], &sent, today(), &open());
        assert_eq!(third.len(), 1);
    }

    #[test]
    fn notes_are_said_in_a_notification_but_never_send_one() {
        let noted = |items| AccountDue {
            items,
            notes: vec!["Monthly review: 1 record dated after today ignored".into()],
            ..kraken()
        };
        let n = compose(
            &[noted(kraken().items)],
            &SentRecord::default(),
            today(),
            &open(),
        );
        assert!(
            n[0].body
                .contains("Monthly review: 1 record dated after today ignored")
        );
        assert!(compose(&[noted(vec![])], &SentRecord::default(), today(), &open()).is_empty());
    }

    #[test]
    fn a_record_from_a_wrong_clock_does_not_silence() {
        let mut sent = SentRecord::default();
        let n = &compose(&[kraken()], &sent, today(), &open())[0];
        sent.mark(n, d("2030-01-01"));
        assert_eq!(compose(&[kraken()], &sent, today(), &open()).len(), 1);
        sent.prune(today());
        assert!(sent.sent.is_empty());
    }

    #[test]
    fn prune_keeps_a_month() {
        let mut sent = SentRecord::default();
        let n = &compose(&[kraken()], &sent, today(), &open())[0];
        sent.mark(n, d("2026-02-01"));
        sent.prune(today());
        assert!(sent.sent.is_empty());
        sent.mark(n, d("2026-02-20"));
        sent.prune(today());
        assert_eq!(sent.sent["kraken"].len(), 3);
    }

    #[test]
    fn open_command_quotes_and_adds_options_only_when_needed() {
        let o = OpenCommand {
            data_dir: Some("/home/u/my data".into()),
            default_account: "default".into(),
        };
        assert_eq!(
            o.for_account("default"),
            "lockstep --data-dir '/home/u/my data'"
        );
        assert_eq!(
            o.for_account("bob's"),
            r"lockstep --data-dir '/home/u/my data' --account 'bob'\''s'"
        );
    }

    #[test]
    fn control_and_bidi_characters_are_neutralised() {
        let mut acc = kraken();
        acc.label = Some("Kra\u{202e}ken\x1b[31m".into());
        acc.items[1].label = "evil\nline".into();
        let n = &compose(&[acc], &SentRecord::default(), today(), &open())[0];
        for c in n.summary.chars().chain(n.body.chars()) {
            assert!(!guard::is_dangerous(c, true), "{c:?} in {n:?}");
        }
        assert_eq!(n.body.lines().count(), 4, "{}", n.body);
    }

    #[test]
    fn singular_and_plural_wording() {
        let acc = AccountDue {
            items: vec![
                item("a", DueState::Overdue { days: 1 }, "2026-03-09"),
                item("b", DueState::Soon { days: 1 }, "2026-03-11"),
            ],
            ..kraken()
        };
        let n = &compose(&[acc], &SentRecord::default(), today(), &open())[0];
        assert_eq!(
            n.summary,
            "lockstep: Kraken (kraken): 1 review due (1 overdue)"
        );
        assert!(n.body.starts_with("Overdue by 1 day (due 2026-03-09): a review (API keys)\nDue tomorrow (2026-03-11): b review"), "{}", n.body);
    }

    #[test]
    fn sent_record_round_trips_and_is_written_atomically() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let (empty, warning) = load_sent(&data);
        assert_eq!(empty, SentRecord::default());
        assert!(warning.is_none());
        let mut r = SentRecord::default();
        r.mark(&compose(&[kraken()], &r, today(), &open())[0], today());
        save_sent(&data, &r).unwrap();
        assert_eq!(load_sent(&data), (r.clone(), None));
        let meta = fs::metadata(data.join(SENT_FILE)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(
            fs::metadata(&data).unwrap().permissions().mode() & 0o777,
            0o700
        );
        let names: Vec<_> = fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [SENT_FILE], "no temp file left");
        let text = fs::read_to_string(data.join(SENT_FILE)).unwrap();
        assert!(
            text.contains("\"review:quarterly\": \"2026-03-10\""),
            "{text}"
        );
    }

    #[test]
    fn a_damaged_record_is_a_warning_not_a_failure() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(SENT_FILE), "{ nope").unwrap();
        let (r, warning) = load_sent(dir.path());
        assert_eq!(r, SentRecord::default());
        assert!(warning.unwrap().contains(SENT_FILE));
    }
}
