//! `notify::run` end to end: the real sending code against a fake `notify-send` / `osascript` on a
//! private search path that records its arguments, a failing notifier, and no notifier at all.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lockstep::notify::{
    self, AccountDue, Delivery, DueItem, DueState, Notifier, OpenCommand, SENT_FILE,
};
use lockstep::reminders::{SystemRunner, TargetOs};

struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
    bin: PathBuf,
    data: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let bin = root.join("bin");
        fs::create_dir_all(&bin).unwrap();
        Sandbox {
            _dir: dir,
            data: root.join("data"),
            root,
            bin,
        }
    }

    fn calls(&self) -> PathBuf {
        self.root.join("calls")
    }

    /// A notifier that appends its arguments, NUL-separated and one call per line-feed-free
    /// record ending in a double NUL, to `calls`, then exits with `code`.
    fn fake(&self, name: &str, code: i32) {
        let p = self.bin.join(name);
        fs::write(
            &p,
            format!(
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> '{calls}'; done\nprintf '\\0' >> '{calls}'\n\
                 [ {code} = 0 ] || echo 'GDBus.Error: Could not connect: No such file or directory' >&2\nexit {code}\n",
                calls = self.calls().display()
            ),
        )
        .unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn recorded(&self) -> Vec<Vec<String>> {
        let Ok(bytes) = fs::read(self.calls()) else {
            return Vec::new();
        };
        let text = String::from_utf8(bytes).unwrap();
        text.split("\0\0")
            .filter(|c| !c.is_empty())
            .map(|c| c.split('\0').map(str::to_owned).collect())
            .collect()
    }

    fn notifier(&self, os: TargetOs) -> Notifier {
        Notifier::new(SystemRunner::with_path(&self.bin), os)
    }

    fn run(&self, os: TargetOs, day: NaiveDate) -> (notify::NotifyReport, String) {
        let mut out = Vec::new();
        let r = notify::run(
            &self.data,
            &accounts(),
            day,
            &open(),
            &self.notifier(os),
            &mut out,
        );
        (r, String::from_utf8(out).unwrap())
    }
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

fn expected() -> (String, String) {
    (
        "lockstep: Binance (default): 1 review due (1 overdue)".into(),
        "Overdue by 4 days (due 2026-03-06): Monthly withdrawal whitelist check (Withdrawals)\n\
         Open lockstep: lockstep"
            .into(),
    )
}

#[test]
fn notify_send_gets_summary_and_body_once_a_day() {
    let s = Sandbox::new();
    s.fake("notify-send", 0);
    let (r, out) = s.run(TargetOs::Linux, day("2026-03-10"));
    assert!(r.warnings.is_empty(), "{r:?}");
    assert_eq!(
        r.sent,
        [("default".to_owned(), Delivery::Desktop("notify-send"))]
    );
    assert_eq!(out, "", "nothing printed when the desktop got it");
    let (summary, body) = expected();
    assert_eq!(
        s.recorded(),
        [vec!["--app-name=lockstep".to_owned(), summary, body]]
    );
    assert!(s.data.join(SENT_FILE).is_file());

    let (again, out) = s.run(TargetOs::Linux, day("2026-03-10"));
    assert!(again.sent.is_empty() && out.is_empty(), "{again:?}");
    assert_eq!(s.recorded().len(), 1, "no second notification the same day");

    let (next_day, _) = s.run(TargetOs::Linux, day("2026-03-11"));
    assert_eq!(next_day.sent.len(), 1);
    assert_eq!(s.recorded().len(), 2);
}

#[test]
fn no_notifier_at_all_prints_the_text_and_succeeds() {
    let s = Sandbox::new();
    let (r, out) = s.run(TargetOs::Linux, day("2026-03-10"));
    let (summary, body) = expected();
    assert_eq!(out, format!("{summary}\n{body}\n"));
    match &r.sent[..] {
        [(acc, Delivery::Printed { reason })] => {
            assert_eq!(acc, "default");
            assert!(reason.contains("`notify-send` is not on PATH"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(r.warnings.is_empty(), "{r:?}");
    // Printed counts as sent: not printed again today.
    let (_, again) = s.run(TargetOs::Linux, day("2026-03-10"));
    assert_eq!(again, "");
}

#[test]
fn a_failing_notifier_falls_back_to_printing() {
    // What notify-send does without a D-Bus session.
    let s = Sandbox::new();
    s.fake("notify-send", 1);
    let (r, out) = s.run(TargetOs::Linux, day("2026-03-10"));
    assert_eq!(s.recorded().len(), 1, "the notifier was tried");
    assert!(out.starts_with("lockstep: Binance (default)"), "{out}");
    match &r.sent[0].1 {
        Delivery::Printed { reason } => assert!(reason.contains("Could not connect"), "{reason}"),
        d => panic!("{d:?}"),
    }
}

#[test]
fn macos_uses_osascript_with_the_text_as_arguments() {
    let s = Sandbox::new();
    s.fake("osascript", 0);
    s.fake("notify-send", 0);
    let (r, _) = s.run(TargetOs::MacOs, day("2026-03-10"));
    assert_eq!(r.sent[0].1, Delivery::Desktop("osascript"));
    let calls = s.recorded();
    assert_eq!(calls.len(), 1);
    let (summary, body) = expected();
    assert_eq!(calls[0][calls[0].len() - 2..], [summary, body]);
    assert!(calls[0].contains(&"on run argv".to_owned()));
}

#[test]
fn an_unsavable_record_is_a_warning_and_the_notification_still_goes_out() {
    let s = Sandbox::new();
    s.fake("notify-send", 0);
    // The data dir is a file: the record cannot be written.
    fs::write(&s.data, "").unwrap();
    let (r, _) = s.run(TargetOs::Linux, day("2026-03-10"));
    assert_eq!(r.sent.len(), 1);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("cannot save") && w.contains(SENT_FILE)),
        "{r:?}"
    );
}

#[test]
fn nothing_due_sends_nothing_and_writes_nothing() {
    let s = Sandbox::new();
    s.fake("notify-send", 0);
    let mut out = Vec::new();
    let quiet = vec![accounts().remove(1)];
    let r = notify::run(
        &s.data,
        &quiet,
        day("2026-03-10"),
        &open(),
        &s.notifier(TargetOs::Linux),
        &mut out,
    );
    assert!(r.sent.is_empty() && out.is_empty());
    assert!(s.recorded().is_empty());
    assert!(!Path::new(&s.data).exists());
}
