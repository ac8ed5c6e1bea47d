//! `lockstep reminders install|status|remove` and `due --soon` through the real binary
//! (assert_cmd, and a pty for the confirmation question); `lockstep notify` is in
//! `tests/notify_cli.rs`, the calendar kept current in `tests/reminders_calendar.rs`. Every run gets a temporary HOME, XDG_CONFIG_HOME and XDG_RUNTIME_DIR
//! (with no session bus in it) and a search path holding only fake `crontab` and `systemctl`
//! programs: no test touches the machine's crontab, systemd directories or desktop.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{Days, Months, NaiveDate};
use common::reminders::*;
use predicates::prelude::*;
use serde_json::{Value, json};

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
    // The binary the job runs, by its real path (not `lockstep` found on PATH).
    assert_eq!(
        line.trim(),
        format!("{EXE} --data-dir {} due --quiet --soon", s.data.display()),
        "{out}"
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

#[test]
fn a_second_backend_that_cannot_run_keeps_the_first_job() {
    let s = Sandbox::new();
    s.fake_crontab();
    s.script(
        "systemctl",
        "echo 'Failed to connect to bus: No medium found' >&2\nexit 1\n",
    );
    s.cmd(&["reminders", "install", "--backend", "cron", "--yes"])
        .assert()
        .success();
    s.cmd(&["reminders", "install", "--backend", "systemd", "--yes"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("removed the earlier").not())
        .stdout(predicate::str::contains(
            "The daily reminder is NOT installed as a running job",
        ))
        .stdout(predicate::str::contains(
            "Your cron job is kept: the earlier lockstep job installed as a crontab line",
        ));
    let tab = fs::read_to_string(s.crontab_store()).unwrap();
    assert!(tab.contains("# lockstep-notify"), "{tab}");
    // Status says first that the timer will not run, then shows the cron job that does.
    let out = s.cmd(&["reminders", "status"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with(
            "A systemd user timer is written but will NOT run: no systemd user manager answered"
        ),
        "{text}"
    );
    assert!(
        text.contains("systemctl --user enable --now lockstep-notify.timer"),
        "{text}"
    );
    assert!(text.contains("\nInstalled as a crontab line:\n"), "{text}");
}

#[test]
fn cron_without_a_cron_daemon_is_not_called_installed() {
    let s = Sandbox::new();
    s.fake_crontab();
    // pgrep sees the process list (the first process) but no cron daemon.
    s.script(
        "pgrep",
        "case \"$*\" in '-P 0') exit 0 ;; *) exit 1 ;; esac\n",
    );
    s.cmd(&["reminders", "install", "--backend", "cron", "--yes"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("The daily reminder is installed").not())
        .stdout(predicate::str::contains(
            "The daily reminder is NOT installed as a running job: no cron daemon is running",
        ));
    assert!(
        fs::read_to_string(s.crontab_store())
            .unwrap()
            .contains("# lockstep-notify")
    );
    s.cmd(&["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "A crontab line is written but will NOT run: no cron daemon is running",
        ));
    // Once a daemon runs, it is installed.
    s.script("pgrep", "exit 0\n");
    s.cmd(&["reminders", "install", "--backend", "cron", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains("The daily reminder"));
    s.cmd(&["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Installed as a crontab line:"));
    // A hidden process list (no first process seen) says nothing either way.
    s.script("pgrep", "exit 1\n");
    s.cmd(&["reminders", "status"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Installed as a crontab line:"));
}
