//! `lockstep reminders install|status|remove` and `due --soon` through the real binary
//! (assert_cmd, and a pty for the confirmation question); `lockstep notify` is in
//! `tests/notify_cli.rs`. Every run gets a temporary HOME, XDG_CONFIG_HOME and XDG_RUNTIME_DIR
//! (with no session bus in it) and a search path holding only fake `crontab` and `systemctl`
//! programs: no test touches the machine's crontab, systemd directories or desktop.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use chrono::{Days, Months, NaiveDate, Utc};
use predicates::prelude::*;
use serde_json::{Value, json};

const EXE: &str = env!("CARGO_BIN_EXE_lockstep");

struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    bin: PathBuf,
    home: PathBuf,
    config: PathBuf,
    data: PathBuf,
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let bin = root.join("bin");
        let home = root.join("home");
        fs::create_dir_all(&bin).unwrap();
        fs::create_dir_all(&home).unwrap();
        Sandbox {
            config: home.join("config"),
            data: root.join("data"),
            bin,
            home,
            root,
            _tmp: tmp,
        }
    }

    /// lockstep with only the sandbox's HOME, XDG_CONFIG_HOME, XDG_RUNTIME_DIR (no bus there)
    /// and fake programs on PATH: no data directory, no XDG_DATA_HOME.
    fn bare(&self) -> Command {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.env_clear()
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", &self.config)
            .env("XDG_RUNTIME_DIR", self.root.join("run"))
            .env("PATH", &self.bin)
            .write_stdin("");
        c
    }

    /// [`Sandbox::bare`] on the data directory `dir`, in UTC (so `today()` is its date too).
    fn cmd_in(&self, dir: &Path, args: &[&str]) -> Command {
        let mut c = self.bare();
        c.env("TZ", "UTC").arg("--data-dir").arg(dir).args(args);
        c
    }

    /// [`Sandbox::cmd_in`] the sandbox's data directory.
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.cmd_in(&self.data, args);
        c.env("XDG_DATA_HOME", self.root.join("xdg-data"));
        c
    }

    fn log(&self) -> String {
        fs::read_to_string(self.root.join("calls.log")).unwrap_or_default()
    }

    /// A fake program that logs its name and arguments, then runs `body`.
    fn script(&self, name: &str, body: &str) {
        let p = self.bin.join(name);
        let text = format!(
            "#!/bin/sh\nprintf '%s %s\\n' {name} \"$*\" >> '{}'\n{body}",
            self.root.join("calls.log").display()
        );
        fs::write(&p, text).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn crontab_store(&self) -> PathBuf {
        self.root.join("crontab.store")
    }

    /// A `crontab` that keeps the user's crontab in a file, like the real one.
    fn fake_crontab(&self) {
        self.script(
            "crontab",
            &format!(
                "store='{}'\n\
                 case \"$1\" in\n\
                 -l) if [ -f \"$store\" ]; then /bin/cat \"$store\"; else echo \"no crontab for tester\" >&2; exit 1; fi ;;\n\
                 -) /bin/cat > \"$store\" ;;\n\
                 -r) /bin/rm -f \"$store\" ;;\n\
                 *) echo \"usage: crontab\" >&2; exit 2 ;;\n\
                 esac\n",
                self.crontab_store().display()
            ),
        );
    }

    fn units(&self) -> PathBuf {
        self.config.join("systemd/user")
    }

    /// A `systemctl` whose user manager answers.
    fn fake_systemctl(&self) {
        let units = self.units();
        let active = self.root.join("timer.active");
        self.script(
            "systemctl",
            &format!(
                "units='{}'\nactive='{}'\n\
                 case \"$*\" in\n\
                 '--user daemon-reload') ;;\n\
                 '--user enable --now lockstep-notify.timer') /bin/mkdir -p \"$units/timers.target.wants\" && \
                 /bin/ln -sf \"$units/lockstep-notify.timer\" \"$units/timers.target.wants/lockstep-notify.timer\" && \
                 : > \"$active\" ;;\n\
                 '--user disable --now lockstep-notify.timer') /bin/rm -f \"$units/timers.target.wants/lockstep-notify.timer\" \"$active\" ;;\n\
                 '--user show lockstep-notify.timer '*) if [ -f \"$active\" ]; then \
                 printf 'ActiveState=active\\nUnitFileState=enabled\\nNextElapseUSecRealtime=Thu 2026-11-26 09:00:00 UTC\\n'; \
                 else printf 'ActiveState=inactive\\nUnitFileState=disabled\\nNextElapseUSecRealtime=\\n'; fi ;;\n\
                 *) echo \"unexpected: $*\" >&2; exit 9 ;;\n\
                 esac\n",
                units.display(),
                active.display()
            ),
        );
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

// ----- reminders install / status / remove -------------------------------------------------------

#[test]
fn install_without_a_terminal_or_yes_shows_the_plan_and_refuses() {
    let s = Sandbox::new();
    s.fake_crontab();
    fs::write(s.crontab_store(), "MAILTO=me\n").unwrap();
    s.cmd(&["reminders", "install", "--backend", "cron"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(format!(
            "0 9 * * * {EXE} --data-dir {} notify # lockstep-notify",
            s.data.display()
        )))
        .stderr(predicate::str::contains("pass --yes"));
    assert_eq!(
        fs::read_to_string(s.crontab_store()).unwrap(),
        "MAILTO=me\n"
    );
    assert!(!s.log().contains("crontab -\n"), "{}", s.log());
    // systemd: the files it would write are named, and none is written.
    s.cmd(&[
        "reminders",
        "install",
        "--backend",
        "systemd",
        "--at",
        "18:30",
    ])
    .assert()
    .code(2)
    .stdout(predicate::str::contains(format!(
        "Writes {}",
        s.units().join("lockstep-notify.timer").display()
    )))
    .stdout(predicate::str::contains("OnCalendar=*-*-* 18:30:00"));
    assert!(!s.units().exists());
}

#[test]
fn cron_install_is_idempotent_keeps_other_lines_and_remove_takes_only_its_line() {
    let s = Sandbox::new();
    s.fake_crontab();
    let mine = "# my jobs\r\nMAILTO=me\n*/5 * * * * /usr/bin/backup --quiet\n@reboot echo hi";
    fs::write(s.crontab_store(), mine).unwrap();
    s.cmd(&[
        "reminders",
        "install",
        "--backend",
        "cron",
        "--at",
        "7:05",
        "--yes",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("put in your crontab"));
    let tab = fs::read_to_string(s.crontab_store()).unwrap();
    let line = format!(
        "5 7 * * * {EXE} --data-dir {} notify # lockstep-notify, written by `lockstep reminders install`\n",
        s.data.display()
    );
    assert_eq!(tab, format!("{mine}\n{line}"));
    // Twice is once.
    s.cmd(&[
        "reminders",
        "install",
        "--backend",
        "cron",
        "--at",
        "07:05",
        "-y",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("already installed exactly so"));
    assert_eq!(fs::read_to_string(s.crontab_store()).unwrap(), tab);
    s.cmd(&["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Installed as a crontab line"))
        .stdout(predicate::str::contains("daily at: 07:05"))
        .stdout(predicate::str::contains("next run: "));
    s.cmd(&["reminders", "remove"])
        .assert()
        .success()
        .stdout(predicate::str::contains("crontab"));
    assert_eq!(
        fs::read_to_string(s.crontab_store()).unwrap(),
        format!("{mine}\n"),
        "every other line byte for byte (the unterminated last line got its newline)"
    );
    s.cmd(&["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No daily reminder is installed"));
}

#[test]
fn systemd_install_status_and_remove() {
    let s = Sandbox::new();
    s.fake_systemctl();
    // No notification server answers in the sandbox: install says so, and what is needed.
    s.cmd(&["reminders", "install", "--backend", "systemd", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Note: no desktop notification server answered now",
        ))
        .stderr(predicate::str::starts_with(
            "lockstep: warning: no desktop notification server answered now (no session bus: \
             DBUS_SESSION_BUS_ADDRESS is unset and ",
        ))
        .stderr(predicate::str::contains("needs no notify-send"));
    let service = fs::read_to_string(s.units().join("lockstep-notify.service")).unwrap();
    assert!(
        service.contains(&format!(
            "ExecStart={EXE} --data-dir {} notify",
            s.data.display()
        )),
        "{service}"
    );
    let timer = fs::read_to_string(s.units().join("lockstep-notify.timer")).unwrap();
    assert!(timer.contains("Persistent=true"), "{timer}");
    assert!(
        s.log()
            .contains("systemctl --user enable --now lockstep-notify.timer"),
        "{}",
        s.log()
    );
    s.cmd(&["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Installed as a systemd user timer",
        ))
        .stdout(predicate::str::contains(
            "next run: Thu 2026-11-26 09:00:00 UTC",
        ));
    s.cmd(&["reminders", "remove"]).assert().success();
    assert!(!s.units().join("lockstep-notify.service").exists());
    assert!(!s.units().join("lockstep-notify.timer").exists());
    assert!(
        !s.units()
            .join("timers.target.wants/lockstep-notify.timer")
            .exists()
    );
}

#[test]
fn systemd_without_a_user_manager_never_says_installed_and_offers_the_shell_line() {
    let s = Sandbox::new();
    s.script(
        "systemctl",
        "echo 'Failed to connect to bus: No medium found' >&2\nexit 1\n",
    );
    let out = s
        .cmd(&["reminders", "install", "--backend", "systemd", "--yes"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("The daily reminder is installed").not())
        .stdout(predicate::str::contains(
            "The daily reminder is NOT installed as a running job: no systemd user manager answered",
        ))
        .stdout(predicate::str::contains(
            "systemctl --user enable --now lockstep-notify.timer",
        ))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    // The shell-start alternative, ready to paste, for this data directory.
    let line = out
        .lines()
        .find(|l| l.contains("lockstep") && l.contains("due --quiet --soon"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.trim_start()
            .starts_with("command -v lockstep >/dev/null && lockstep --data-dir '"),
        "{line}"
    );
    assert!(s.units().join("lockstep-notify.timer").exists());
    // Nothing pretends a next run.
    s.cmd(&["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("next run: none known"));
}

#[test]
fn no_backend_on_this_machine_is_a_refusal_that_lists_the_options() {
    let s = Sandbox::new();
    // Nothing on PATH: no crontab. What is chosen then depends on whether this machine runs
    // systemd, which the test reads the same way lockstep does.
    let a = s.cmd(&["reminders", "install", "--yes"]).assert();
    if Path::new("/run/systemd/system").is_dir() {
        a.code(0)
            .stdout(predicate::str::contains("systemd user timer"));
    } else if cfg!(target_os = "macos") {
        a.code(0).stdout(predicate::str::contains("launchd agent"));
    } else {
        a.code(2)
            .stderr(predicate::str::contains("--backend systemd|cron|launchd"));
        assert!(!s.units().exists());
    }
}

#[test]
fn bad_time_and_backend_are_usage_errors() {
    let s = Sandbox::new();
    s.cmd(&["reminders", "install", "--at", "25:00"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("HH:MM"));
    s.cmd(&["reminders", "install", "--backend", "anacron"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("systemd, cron, launchd"));
}

#[test]
fn one_job_per_user_status_says_whose_and_remove_leaves_another_directorys_job() {
    let s = Sandbox::new();
    s.fake_crontab();
    let other = s.root.join("other-data");
    let cmd_other = |args: &[&str]| s.cmd_in(&other, args);
    s.cmd(&["reminders", "install", "--backend", "cron", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Replaces the daily job").not());
    // The other directory's install says it replaces this one's job.
    cmd_other(&["reminders", "install", "--backend", "cron", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Replaces the daily job installed for another data directory",
        ));
    let tab = fs::read_to_string(s.crontab_store()).unwrap();
    assert!(tab.contains(&other.display().to_string()), "{tab}");
    // From the first directory: status says the job is not for it; remove refuses.
    s.cmd(&["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "this job is for another data directory",
        ));
    s.cmd(&["reminders", "remove"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("for another data directory"));
    assert_eq!(fs::read_to_string(s.crontab_store()).unwrap(), tab);
    // Its own directory sees it as its own and removes it.
    cmd_other(&["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("another data directory").not());
    cmd_other(&["reminders", "remove"]).assert().success();
    assert!(
        !fs::read_to_string(s.crontab_store())
            .unwrap_or_default()
            .contains("lockstep-notify")
    );
}

#[test]
fn whose_job_it_is_compares_directories_not_strings() {
    let s = Sandbox::new();
    s.fake_crontab();
    let with_dir = |dir: &Path, args: &[&str]| s.cmd_in(dir, args);
    let work = s.root.join("lockstep-work");
    let plain = s.root.join("lockstep");
    with_dir(
        &work,
        &["reminders", "install", "--backend", "cron", "--yes"],
    )
    .assert()
    .success();
    let tab = fs::read_to_string(s.crontab_store()).unwrap();
    // A directory whose path is a prefix of the job's is another directory.
    with_dir(&plain, &["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "this job is for another data directory",
        ));
    with_dir(&plain, &["reminders", "remove"]).assert().code(2);
    assert_eq!(fs::read_to_string(s.crontab_store()).unwrap(), tab);
    // The job's own directory, spelled another way, is the same directory.
    let spelled = PathBuf::from(format!("{}/", work.display()));
    with_dir(&spelled, &["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("another data directory").not());
    with_dir(&plain.join("../lockstep-work"), &["reminders", "remove"])
        .assert()
        .success();
    assert!(
        !fs::read_to_string(s.crontab_store())
            .unwrap_or_default()
            .contains("lockstep-notify")
    );
    // A job without --data-dir serves the default directory, also when it is named.
    s.bare()
        .args(["reminders", "install", "--backend", "cron", "--yes"])
        .assert()
        .success();
    with_dir(
        &s.home.join(".local/share/lockstep"),
        &["reminders", "remove"],
    )
    .assert()
    .success();
    assert!(
        !fs::read_to_string(s.crontab_store())
            .unwrap_or_default()
            .contains("lockstep-notify")
    );
}

#[test]
fn the_job_gets_the_data_dir_only_when_it_is_not_the_default() {
    let s = Sandbox::new();
    s.fake_crontab();
    // The default place (no XDG_DATA_HOME, or the default one): no flag.
    for xdg in [None, Some(s.home.join(".local/share"))] {
        let mut c = s.bare();
        if let Some(x) = &xdg {
            c.env("XDG_DATA_HOME", x);
        }
        c.args(["reminders", "install", "--backend", "cron", "--yes"])
            .assert()
            .success();
        let tab = fs::read_to_string(s.crontab_store()).unwrap();
        assert!(
            tab.starts_with(&format!("0 9 * * * {EXE} notify # lockstep-notify")),
            "{xdg:?}: {tab}"
        );
    }
    // XDG_DATA_HOME elsewhere: cron does not see the variable, so the job gets the directory.
    s.bare()
        .env("XDG_DATA_HOME", s.root.join("xdg-data"))
        .args(["reminders", "install", "--backend", "cron", "--yes"])
        .assert()
        .success();
    let tab = fs::read_to_string(s.crontab_store()).unwrap();
    let dir = s.root.join("xdg-data/lockstep");
    assert!(
        tab.contains(&format!("{EXE} --data-dir {} notify", dir.display())),
        "{tab}"
    );
    // LOCKSTEP_DATA_DIR counts as given: the job does not see the variable, so it gets the flag.
    s.bare()
        .env("LOCKSTEP_DATA_DIR", &s.data)
        .args(["reminders", "install", "--backend", "cron", "--yes"])
        .assert()
        .success();
    let tab = fs::read_to_string(s.crontab_store()).unwrap();
    assert!(
        tab.contains(&format!("{EXE} --data-dir {} notify", s.data.display())),
        "{tab}"
    );
}

// ----- the calendar kept current -----------------------------------------------------------------

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

#[test]
fn due_soon_and_json_list_reviews_due_within_a_week() {
    let s = Sandbox::new();
    s.account(overdue_and_soon);
    let soon = today() + Days::new(5);
    let out = s.cmd(&["due"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Monthly review: overdue by"), "{text}");
    assert!(!text.contains("Quarterly"), "{text}");
    s.cmd(&["due", "--soon"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Monthly review: overdue by"))
        .stdout(predicate::str::contains(format!(
            "Crypto.com Quarterly review: due in 5 days ({soon})"
        )));
    let out = s.cmd(&["due", "--json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let states: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["review"]["due"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["overdue", "soon"]);
    // Only a soon review: listed with --soon, but nothing is due (exit code, --quiet).
    let s = Sandbox::new();
    s.account(|a| {
        a["setup_started"] = json!(ago(10));
        a["reviews"] = json!({
            "monthly": {"completions": [completion((today() + Days::new(3)) - Months::new(1))]},
        });
    });
    s.cmd(&["due", "--soon", "--exit-code"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Monthly review: due in 3 days"));
    s.cmd(&["due", "--quiet", "--exit-code"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn a_review_recorded_in_the_future_neither_silences_nor_disagrees() {
    let s = Sandbox::new();
    s.account(|a| {
        a["setup_started"] = json!(ago(60));
        a["reviews"] = json!({
            "monthly": {"completions": [completion(ago(40)), completion(NaiveDate::from_ymd_opt(2099, 1, 1).unwrap())]},
        });
    });
    s.cmd(&["due"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Monthly review: overdue by"))
        .stdout(predicate::str::contains(
            "1 record dated after today (up to 2099-01-01) ignored",
        ));
    s.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("last done {}", ago(40))))
        .stdout(predicate::str::contains(
            "warning: 1 record dated after today (up to 2099-01-01) ignored",
        ));
    let out = s.cmd(&["status", "--json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let monthly = &v["reviews"][0];
    assert_eq!(monthly["section"], "monthly");
    assert_eq!(monthly["due"]["state"], "overdue");
    assert_eq!(monthly["clock_warning"]["records"], 1);
    assert_eq!(monthly["clock_warning"]["latest"], "2099-01-01");
    // Recording the review now: its message and status agree on the next due date.
    let next = today() + Months::new(1);
    s.cmd(&["review", "monthly"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("next due {next}")));
    s.cmd(&["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Monthly review [monthly]: next {next}"
        )));
}

// ----- the confirmation question on a terminal ---------------------------------------------------

/// Runs `reminders install --backend cron` in a pseudo-terminal and answers `answer`.
fn install_on_a_terminal(s: &Sandbox, answer: &str) -> String {
    use expectrl::process::Healthcheck;
    use expectrl::{Expect, Session};
    let mut cmd = std::process::Command::new(EXE);
    cmd.env_clear()
        .env("HOME", &s.home)
        .env("XDG_CONFIG_HOME", &s.config)
        .env("XDG_RUNTIME_DIR", s.root.join("run"))
        .env("PATH", &s.bin)
        .env("TERM", "dumb")
        .arg("--data-dir")
        .arg(&s.data)
        .args(["reminders", "install", "--backend", "cron"]);
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p.expect("Install this daily reminder? [y/N] ")
        .expect("the question");
    p.send_line(answer).unwrap();
    let mut rest = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match p.try_read(&mut buf) {
            Ok(0) => break,
            Ok(n) => rest.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if !p.is_alive().unwrap_or(false) {
                    // It exited: what it wrote last may still be in the pty.
                    std::thread::sleep(Duration::from_millis(50));
                    while let Ok(n @ 1..) = p.try_read(&mut buf) {
                        rest.extend_from_slice(&buf[..n]);
                    }
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&rest).into_owned()
}

#[test]
fn on_a_terminal_install_asks_and_only_yes_installs() {
    let s = Sandbox::new();
    s.fake_crontab();
    let said = install_on_a_terminal(&s, "n");
    assert!(said.contains("Nothing was installed."), "{said}");
    assert!(!s.crontab_store().exists());
    let said = install_on_a_terminal(&s, "y");
    assert!(said.contains("put in your crontab"), "{said}");
    let tab = fs::read_to_string(s.crontab_store()).unwrap();
    assert!(tab.contains("# lockstep-notify"), "{tab}");
}

#[test]
fn installing_on_a_second_backend_says_so_and_replaces_the_first() {
    let s = Sandbox::new();
    s.fake_crontab();
    s.fake_systemctl();
    s.cmd(&["reminders", "install", "--backend", "cron", "--yes"])
        .assert()
        .success();
    assert!(
        fs::read_to_string(s.crontab_store())
            .unwrap()
            .contains("lockstep-notify")
    );
    s.cmd(&["reminders", "install", "--backend", "systemd", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Replaces the lockstep job installed as a",
        ))
        .stdout(predicate::str::contains("removed the earlier lockstep job"))
        .stdout(predicate::str::contains("The daily reminder is installed."));
    // One daily job: the crontab line is gone, the timer is there.
    let tab = fs::read_to_string(s.crontab_store()).unwrap_or_default();
    assert!(!tab.contains("lockstep-notify"), "{tab}");
    assert!(s.units().join("lockstep-notify.timer").exists());
}
