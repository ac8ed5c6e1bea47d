//! `lockstep notify` through the real binary against a real session bus (`dbus-daemon`) and a
//! logging notification server (tests/common/bus.rs): the bus named by
//! `DBUS_SESSION_BUS_ADDRESS`, or found in `XDG_RUNTIME_DIR` as cron's job finds it; what the
//! server gets (urgency, expiry, markup escaping); a reminder that no server showed is printed,
//! kept pending, and shown by the next run that reaches one. Every run gets a temporary HOME and
//! a cleared environment: no test reaches the desktop of whoever runs them.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use chrono::{Days, Months, NaiveDate, Utc};
use predicates::prelude::*;
use serde_json::{Value, json};

use common::bus::Bus;

struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    bin: PathBuf,
    home: PathBuf,
    data: PathBuf,
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn ago(days: u64) -> NaiveDate {
    today() - Days::new(days)
}

fn completion(date: NaiveDate) -> Value {
    json!({"at": format!("{date}T12:00:00Z"), "date": date})
}

/// Setup started 60 days ago; the monthly review done 40 days ago (overdue by about 10 days);
/// the quarterly review due in 5 days.
fn overdue_and_soon(a: &mut Value) {
    a["setup_started"] = json!(ago(60));
    a["reviews"] = json!({
        "monthly": {"completions": [completion(ago(40))]},
        "quarterly": {"completions": [completion((today() + Days::new(5)) - Months::new(3))]},
    });
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox::with_data("data")
    }

    fn with_data(name: &str) -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let bin = root.join("bin");
        let home = root.join("home");
        fs::create_dir_all(&bin).unwrap();
        fs::create_dir_all(&home).unwrap();
        fs::create_dir_all(root.join("run")).unwrap();
        Sandbox {
            data: root.join(name),
            bin,
            home,
            root,
            _tmp: tmp,
        }
    }

    /// lockstep on the sandbox's data directory, in UTC, with an XDG_RUNTIME_DIR that holds no
    /// bus: a test adds the bus it means.
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.env_clear()
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .env("XDG_RUNTIME_DIR", self.root.join("run"))
            .env("PATH", &self.bin)
            .env("TZ", "UTC")
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .write_stdin("");
        c
    }

    /// `notify` on the bus named by DBUS_SESSION_BUS_ADDRESS.
    fn notify_on(&self, bus: &Bus) -> Command {
        let mut c = self.cmd(&["notify"]);
        c.env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
        c
    }

    fn state(&self) -> Value {
        serde_json::from_slice(&fs::read(self.data.join("state.json")).unwrap()).unwrap()
    }

    /// Starts setup through the CLI, then rewrites the account's dates in state.json.
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

    fn notified(&self) -> Option<Value> {
        let text = fs::read_to_string(self.data.join("notified.json")).ok()?;
        Some(serde_json::from_str(&text).unwrap())
    }

    /// A `crontab` that keeps the user's crontab in a file, like the real one.
    fn fake_crontab(&self) {
        let store = self.root.join("crontab.store");
        let p = self.bin.join("crontab");
        fs::write(
            &p,
            format!(
                "#!/bin/sh\nstore='{}'\ncase \"$1\" in\n\
                 -l) if [ -f \"$store\" ]; then /bin/cat \"$store\"; else echo \"no crontab for tester\" >&2; exit 1; fi ;;\n\
                 -) /bin/cat > \"$store\" ;;\n-r) /bin/rm -f \"$store\" ;;\nesac\n",
                store.display()
            ),
        )
        .unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn crontab(&self) -> String {
        fs::read_to_string(self.root.join("crontab.store")).unwrap()
    }

    /// Runs the command of the crontab's lockstep line as cron does: `/bin/sh -c` in HOME with
    /// only HOME, LOGNAME, SHELL and cron's PATH (no session variables, no DISPLAY).
    fn run_as_cron(&self) -> std::process::Output {
        let tab = self.crontab();
        let line = tab
            .lines()
            .find(|l| l.contains("# lockstep-notify"))
            .unwrap();
        let command = line.splitn(6, ' ').nth(5).unwrap().replace(r"\%", "%");
        std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(command)
            .env_clear()
            .env("HOME", &self.home)
            .env("LOGNAME", "tester")
            .env("SHELL", "/bin/sh")
            .env("PATH", "/usr/bin:/bin")
            .current_dir(&self.home)
            .output()
            .unwrap()
    }
}

fn monthly_line() -> String {
    let due = ago(40) + Months::new(1);
    let days = (today() - due).num_days();
    format!("Overdue by {days} days (due {due}): Monthly review")
}

const SUMMARY: &str = "lockstep: Crypto.com (default): 1 review due (1 overdue)";

#[test]
fn notify_shows_one_notification_per_account_once_a_day() {
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(true, "logging-server");
    let s = Sandbox::new();
    s.account(overdue_and_soon);
    s.notify_on(&bus).assert().success().stdout("").stderr("");
    let calls = bus.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let c = &calls[0];
    assert_eq!(c["app_name"], "lockstep");
    assert_eq!(c["summary"], SUMMARY);
    let soon = today() + Days::new(5);
    assert_eq!(
        c["body"],
        format!(
            "{}\nDue in 5 days ({soon}): Quarterly review\nOpen lockstep: lockstep --data-dir {}",
            monthly_line(),
            s.data.display()
        )
    );
    assert_eq!(c["hints"]["urgency"], 1);
    assert_eq!(c["expire_timeout"], -1);
    let record = s.notified().unwrap();
    assert_eq!(record["sent"]["default"]["review:monthly"], json!(today()));
    // Again the same day: nothing new.
    s.notify_on(&bus).assert().success().stdout("");
    assert_eq!(bus.calls().len(), 1);
}

#[test]
fn without_the_variable_the_session_bus_is_found_in_xdg_runtime_dir() {
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(false, "found");
    let s = Sandbox::new();
    s.account(overdue_and_soon);
    s.cmd(&["notify"])
        .env("XDG_RUNTIME_DIR", &bus.run)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert_eq!(bus.calls().len(), 1);
    assert_eq!(bus.calls()[0]["summary"], SUMMARY);
}

#[test]
fn a_reminder_no_server_showed_is_printed_kept_pending_and_shown_later() {
    let Some(mut bus) = Bus::start() else { return };
    let s = Sandbox::new();
    s.account(overdue_and_soon);
    // No session bus at all (no variable, no socket in XDG_RUNTIME_DIR).
    s.cmd(&["notify"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "{SUMMARY}\n{}\n",
            monthly_line()
        )))
        .stderr(predicate::str::contains(
            "lockstep: the reminder for 'default' was not shown (no session bus: \
             DBUS_SESSION_BUS_ADDRESS is unset and ",
        ))
        .stderr(predicate::str::contains(
            "printed instead, and kept pending; the next `lockstep notify` that reaches a \
             notification server shows it",
        ));
    assert!(s.notified().is_none(), "printed is not sent");
    // A bus, but no notification server on it yet (a login's first seconds).
    s.notify_on(&bus)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(SUMMARY))
        .stderr(predicate::str::contains(
            "(no notification server is running in the desktop session): printed instead, and \
             kept pending",
        ));
    assert!(s.notified().is_none());
    // The server is up: the same day's next run shows it, once.
    bus.serve(true, "late");
    s.notify_on(&bus).assert().success().stdout("").stderr("");
    assert_eq!(bus.calls().len(), 1);
    assert_eq!(bus.calls()[0]["summary"], SUMMARY);
    s.notify_on(&bus).assert().success().stdout("");
    assert_eq!(bus.calls().len(), 1);
}

#[test]
fn an_open_incident_is_critical_and_never_expires() {
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(true, "server");
    let s = Sandbox::new();
    // Setup just started: nothing is due, nothing is sent.
    s.cmd(&["check", "totp-2fa"]).assert().success();
    s.notify_on(&bus).assert().success().stdout("").stderr("");
    assert!(bus.calls().is_empty());
    assert!(!s.data.join("notified.json").exists());
    s.cmd(&["compromised"]).assert().success();
    s.notify_on(&bus).assert().success().stdout("");
    let calls = bus.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0]["summary"],
        "lockstep: Crypto.com (default): incident open, 2 reviews due"
    );
    assert!(
        calls[0]["body"].as_str().unwrap().starts_with(&format!(
            "Incident open since {} (incident #1): its reviews are due now\n",
            today()
        )),
        "{}",
        calls[0]["body"]
    );
    assert_eq!(calls[0]["hints"]["urgency"], 2, "critical");
    assert_eq!(calls[0]["expire_timeout"], 0, "stays until dismissed");
}

#[test]
fn a_data_directory_named_r_and_d_arrives_as_written() {
    for markup in [true, false] {
        let Some(mut bus) = Bus::start() else { return };
        bus.serve(markup, "server");
        let s = Sandbox::with_data("R&D <x>");
        s.account(overdue_and_soon);
        s.notify_on(&bus).assert().success().stdout("");
        let body = bus.calls()[0]["body"].as_str().unwrap().to_owned();
        let root = s.root.display();
        let command = format!("Open lockstep: lockstep --data-dir '{root}/R&D <x>'");
        let shown = if markup {
            let escaped = format!("Open lockstep: lockstep --data-dir '{root}/R&amp;D &lt;x&gt;'");
            assert!(body.ends_with(&escaped), "{body}");
            assert!(
                !body.contains(['<', '>']),
                "no markup of the user's: {body}"
            );
            // What a server that reads markup shows.
            body.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        } else {
            body
        };
        assert!(shown.ends_with(&command), "{shown}");
        // The command shown is the one to copy: pasted into a shell, it opens this directory.
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_lockstep"), s.bin.join("lockstep")).unwrap();
        let pasted = shown.rsplit("Open lockstep: ").next().unwrap();
        let out = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(format!("{pasted} status"))
            .env_clear()
            .env("HOME", &s.home)
            .env("PATH", &s.bin)
            .output()
            .unwrap();
        let status = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && status.contains("Crypto.com"),
            "{out:?}"
        );
    }
}

#[test]
fn the_cron_job_reaches_the_session_bus_and_shows_the_reminder() {
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(true, "desktop");
    let s = Sandbox::new();
    s.fake_crontab();
    s.account(overdue_and_soon);
    // Installed from the desktop session, whose runtime directory is not /run/user/UID: the
    // line gives it to the job, which cron would not.
    s.cmd(&["reminders", "install", "--backend", "cron", "--yes"])
        .env("XDG_RUNTIME_DIR", &bus.run)
        .assert()
        .success()
        .stderr("");
    let tab = s.crontab();
    assert!(
        tab.contains(&format!("XDG_RUNTIME_DIR={} ", bus.run.display())),
        "{tab}"
    );
    let out = s.run_as_cron();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "nothing for cron to mail"
    );
    assert_eq!(bus.calls().len(), 1);
    assert_eq!(bus.calls()[0]["summary"], SUMMARY);
    assert!(s.notified().is_some());
}

#[test]
fn a_reminder_the_cron_job_could_not_show_is_shown_from_the_desktop_the_same_day() {
    let Some(mut bus) = Bus::start() else { return };
    let s = Sandbox::new();
    s.fake_crontab();
    s.account(overdue_and_soon);
    s.cmd(&["reminders", "install", "--backend", "cron", "--yes"])
        .env("XDG_RUNTIME_DIR", &bus.run)
        .assert()
        .success()
        // No server answered during the install: it says what is needed.
        .stderr(predicate::str::contains(
            "no desktop notification server answered now",
        ));
    // At 09:00 the bus is there but no notification server is: the text goes to cron's mail,
    // and the reminder stays pending.
    let out = s.run_as_cron();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with(SUMMARY), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kept pending"), "{stderr}");
    assert!(s.notified().is_none());
    // Later, `lockstep notify` in the desktop session shows it.
    bus.serve(true, "desktop");
    s.notify_on(&bus).assert().success().stdout("").stderr("");
    assert_eq!(bus.calls().len(), 1);
    assert_eq!(bus.calls()[0]["summary"], SUMMARY);
    // And the job's next run that day has nothing new.
    let out = s.run_as_cron();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(bus.calls().len(), 1);
}

#[test]
fn the_only_socket_notify_opens_is_the_local_session_bus() {
    let Some(strace) = common::strace() else {
        return;
    };
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(true, "server");
    let s = Sandbox::new();
    s.account(overdue_and_soon);
    let log = s.root.join("net.log");
    let out = std::process::Command::new(strace)
        .args(["-f", "-o"])
        .arg(&log)
        .args([
            "-e",
            "trace=%network",
            env!("CARGO_BIN_EXE_lockstep"),
            "--data-dir",
        ])
        .arg(&s.data)
        .arg("notify")
        .env_clear()
        .env("HOME", &s.home)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(bus.calls().len(), 1, "it was shown");
    let trace = fs::read_to_string(&log).unwrap();
    let sockets: Vec<&str> = trace.lines().filter(|l| l.contains(" socket(")).collect();
    assert!(!sockets.is_empty(), "{trace}");
    for l in sockets {
        assert!(l.contains("socket(AF_UNIX, SOCK_STREAM"), "{l}");
    }
    for family in ["AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET"] {
        assert!(!trace.contains(family), "{family} in {trace}");
    }
    assert!(
        trace.contains(&format!("sun_path=\"{}\"", bus.run.join("bus").display())),
        "{trace}"
    );
}

#[test]
fn notify_on_a_data_directory_with_nothing_tracked_says_so_and_succeeds() {
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(true, "server");
    let s = Sandbox::new();
    s.notify_on(&bus)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("nothing is tracked in"));
    assert!(bus.calls().is_empty());
}

#[test]
fn notify_never_waits_for_the_writer_lock() {
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(true, "server");
    let s = Sandbox::new();
    s.account(overdue_and_soon);
    let lock = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(s.data.join("lock"))
        .unwrap();
    lock.lock().unwrap();
    let started = Instant::now();
    s.cmd(&["--wait", "30", "notify"])
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .assert()
        .success();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(bus.calls().len(), 1);
    // A writer, by contrast, is refused while the lock is held.
    s.cmd(&["--wait", "0", "check", "anti-phishing-code"])
        .assert()
        .code(2);
    drop(lock);
}

#[test]
fn notify_with_an_unreadable_state_exits_2_with_the_file_and_line() {
    let Some(mut bus) = Bus::start() else { return };
    bus.serve(true, "server");
    let s = Sandbox::new();
    fs::create_dir_all(&s.data).unwrap();
    fs::set_permissions(&s.data, fs::Permissions::from_mode(0o700)).unwrap();
    fs::write(
        s.data.join("state.json"),
        "{\n  \"version\": 2,\n  oops\n}\n",
    )
    .unwrap();
    s.notify_on(&bus)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("state.json:3"));
    assert!(bus.calls().is_empty());
    // No state at all is not an error: nothing to notify.
    let s = Sandbox::new();
    s.notify_on(&bus).assert().success().stdout("");
    assert!(!s.data.join("notified.json").exists());
}
