//! `reminders` install/status/remove against a temporary home and fake `crontab`, `systemctl`
//! and `launchctl` executables on a private search path; never the machine's own crontab or
//! systemd directories.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{NaiveDate, NaiveDateTime};
use lockstep::reminders::{
    self, AtTime, Backend, Environment, Job, NextRun, ReminderError, SystemRunner, TargetOs,
};

struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
    bin: PathBuf,
    env: Environment,
}

impl Sandbox {
    fn new(os: TargetOs) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let bin = root.join("bin");
        let home = root.join("home");
        fs::create_dir_all(&bin).unwrap();
        fs::create_dir_all(&home).unwrap();
        let env = Environment {
            systemd_booted: true,
            crontab_on_path: false,
            os,
            config_home: home.join(".config"),
            home,
        };
        Sandbox {
            _dir: dir,
            root,
            bin,
            env,
        }
    }

    /// Only the fake executables are on this search path.
    fn runner(&self) -> SystemRunner {
        SystemRunner::with_path(&self.bin)
    }

    fn log(&self) -> String {
        fs::read_to_string(self.root.join("calls.log")).unwrap_or_default()
    }

    fn clear_log(&self) {
        let _ = fs::remove_file(self.root.join("calls.log"));
    }

    fn script(&mut self, name: &str, body: &str) {
        let p = self.bin.join(name);
        self.env.crontab_on_path |= name == "crontab";
        let text = format!(
            "#!/bin/sh\nlog='{}'\nprintf '%s %s\\n' {name} \"$*\" >> \"$log\"\n{body}",
            self.root.join("calls.log").display()
        );
        fs::write(&p, text).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn crontab_store(&self) -> PathBuf {
        self.root.join("crontab.store")
    }

    /// A `crontab` that keeps the user's crontab in a file, like the real one.
    fn fake_crontab(&mut self) {
        let store = self.crontab_store();
        self.script(
            "crontab",
            &format!(
                "store='{}'\n\
                 case \"$1\" in\n\
                 -l) if [ -f \"$store\" ]; then /bin/cat \"$store\"; else echo \"no crontab for tester\" >&2; exit 1; fi ;;\n\
                 -) /bin/cat > \"$store\" ;;\n\
                 -r) if [ -f \"$store\" ]; then /bin/rm \"$store\"; else echo \"no crontab for tester\" >&2; exit 1; fi ;;\n\
                 *) echo \"usage: crontab\" >&2; exit 2 ;;\n\
                 esac\n",
                store.display()
            ),
        );
    }

    /// A `systemctl` whose user manager answers: `enable` links the timer like the real one.
    fn fake_systemctl(&mut self) {
        let units = self.env.config_home.join("systemd/user");
        let active = self.root.join("timer.active");
        self.script(
            "systemctl",
            &common::reminders::fake_systemctl(&units, &active),
        );
    }

    /// A `systemctl` with no user manager to talk to (a container, an ssh session).
    fn fake_systemctl_without_manager(&mut self) {
        self.script(
            "systemctl",
            "echo 'Failed to connect to bus: No medium found' >&2\nexit 1\n",
        );
    }

    /// An executable standing in for lockstep (`systemd-analyze verify` checks it exists).
    fn exe(&self) -> PathBuf {
        let dir = self.root.join("opt dir");
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join("lockstep");
        fs::write(&p, "#!/bin/sh\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    fn job(&self, at: &str) -> Job {
        let data = self.root.join("data it's 100%");
        Job::new(&self.exe(), Some(&data), at.parse().unwrap()).unwrap()
    }

    fn install(&self, backend: Backend, at: &str) -> reminders::InstallReport {
        let plan = reminders::plan(&self.env, backend, &self.job(at));
        reminders::install(&plan, &self.env, &self.runner()).unwrap()
    }

    /// Every file and symlink under home: path -> contents or link target.
    fn tree(&self) -> BTreeMap<PathBuf, String> {
        fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
            let Ok(rd) = fs::read_dir(dir) else { return };
            for e in rd {
                let p = e.unwrap().path();
                let m = fs::symlink_metadata(&p).unwrap();
                if m.file_type().is_symlink() {
                    out.insert(
                        p.clone(),
                        format!("-> {}", fs::read_link(&p).unwrap().display()),
                    );
                } else if m.is_dir() {
                    out.insert(p.clone(), "<dir>".into());
                    walk(&p, out);
                } else {
                    out.insert(p.clone(), fs::read_to_string(&p).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.env.home, &mut out);
        out
    }
}

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 1)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

fn units(s: &Sandbox) -> PathBuf {
    s.env.config_home.join("systemd/user")
}

// ---------------------------------------------------------------- systemd

#[test]
fn systemd_install_writes_units_enables_the_timer_and_is_idempotent() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_systemctl();
    let r = s.install(Backend::Systemd, "09:00");
    assert!(r.changed && r.warnings.is_empty(), "{r:?}");
    let plan = reminders::plan(&s.env, Backend::Systemd, &s.job("09:00"));
    for f in &plan.files {
        assert_eq!(fs::read_to_string(&f.path).unwrap(), f.contents);
        assert!(f.path.starts_with(units(&s)));
    }
    assert_eq!(
        s.log(),
        "systemctl --user daemon-reload\nsystemctl --user enable --now lockstep-notify.timer\n"
    );

    let before = s.tree();
    let again = s.install(Backend::Systemd, "09:00");
    assert!(!again.changed, "{again:?}");
    assert_eq!(s.tree(), before, "installing twice equals installing once");

    let status = reminders::status(&s.env, &s.runner(), now());
    assert_eq!(status.installed.len(), 1, "{status:?}");
    let i = &status.installed[0];
    assert_eq!(i.backend, Backend::Systemd);
    assert_eq!(i.at, Some("09:00".parse().unwrap()));
    assert_eq!(i.active, Some(true));
    assert_eq!(
        i.next_run,
        Some(NextRun::Reported("Thu 2026-11-26 09:00:00 UTC".into()))
    );
    // Stopped behind lockstep's back: status says it will not run.
    fs::remove_file(s.root.join("timer.active")).unwrap();
    let stopped = reminders::status(&s.env, &s.runner(), now());
    assert_eq!(stopped.installed[0].active, Some(false));
    assert_eq!(stopped.installed[0].next_run, None);
    assert!(
        stopped.text().contains("next run: none (not active)"),
        "{}",
        stopped.text()
    );
    assert!(
        stopped
            .text()
            .contains("systemctl --user enable --now lockstep-notify.timer")
    );
    let text = status.text();
    assert!(text.contains("lockstep-notify.timer"), "{text}");
    assert!(
        text.contains("next run: Thu 2026-11-26 09:00:00 UTC"),
        "{text}"
    );
    assert!(text.contains("notify"), "{text}");
}

#[test]
fn systemd_reinstall_with_another_time_replaces_the_timer() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_systemctl();
    s.install(Backend::Systemd, "09:00");
    let r = s.install(Backend::Systemd, "18:30");
    assert!(r.changed);
    let timer = fs::read_to_string(units(&s).join("lockstep-notify.timer")).unwrap();
    assert!(timer.contains("OnCalendar=*-*-* 18:30:00\n"), "{timer}");
    assert!(!timer.contains("09:00"), "{timer}");
    let st = reminders::status(&s.env, &s.runner(), now());
    assert_eq!(st.installed[0].at, Some("18:30".parse().unwrap()));
}

#[test]
fn systemd_without_a_user_manager_writes_the_files_and_says_what_to_run() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_systemctl_without_manager();
    let r = s.install(Backend::Systemd, "07:15");
    assert!(r.changed);
    assert!(units(&s).join("lockstep-notify.service").is_file());
    assert!(units(&s).join("lockstep-notify.timer").is_file());
    // Written, but not running: the report says so and what is missing, never "installed".
    assert!(r.warnings.is_empty(), "{r:?}");
    let w = r.not_scheduled.as_deref().expect("not scheduled");
    assert!(w.contains("Failed to connect to bus"), "{w}");
    assert!(w.contains("nothing will fire"), "{w}");
    assert!(
        w.contains(
            "systemctl --user daemon-reload && systemctl --user enable --now lockstep-notify.timer"
        ),
        "{w}"
    );
    assert_eq!(
        s.log(),
        "systemctl --user daemon-reload\n",
        "stops after the first failure"
    );

    let st = reminders::status(&s.env, &s.runner(), now());
    let i = &st.installed[0];
    assert_eq!(i.active, None);
    assert!(
        i.notes
            .iter()
            .any(|n| n.contains("no systemd user manager answered")),
        "{i:?}"
    );
    // No next run is made up for a timer no user manager runs.
    assert_eq!(i.next_run, None);
    assert!(
        st.text()
            .contains("next run: none known: no systemd user manager answered"),
        "{}",
        st.text()
    );
}

#[test]
fn systemd_without_systemctl_at_all_still_writes_the_files() {
    let s = Sandbox::new(TargetOs::Linux);
    let r = s.install(Backend::Systemd, "09:00");
    assert!(units(&s).join("lockstep-notify.timer").is_file());
    assert!(
        r.not_scheduled
            .as_deref()
            .is_some_and(|w| w.contains("`systemctl` is not on PATH")),
        "{r:?}"
    );
}

#[test]
fn systemd_remove_deletes_exactly_what_install_wrote() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_systemctl();
    // The user's own units, which must survive untouched.
    let wants = units(&s).join("timers.target.wants");
    fs::create_dir_all(&wants).unwrap();
    fs::write(
        units(&s).join("backup.service"),
        "[Service]\nExecStart=/bin/true\n",
    )
    .unwrap();
    fs::write(
        units(&s).join("backup.timer"),
        "[Timer]\nOnCalendar=daily\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(units(&s).join("backup.timer"), wants.join("backup.timer")).unwrap();
    let before = s.tree();

    s.install(Backend::Systemd, "09:00");
    assert!(wants.join("lockstep-notify.timer").is_symlink());
    s.clear_log();
    let r = reminders::remove(&s.env, &s.runner(), None).unwrap();
    assert!(r.warnings.is_empty(), "{r:?}");
    assert_eq!(s.tree(), before);
    assert!(
        s.log()
            .starts_with("systemctl --user disable --now lockstep-notify.timer\n"),
        "{}",
        s.log()
    );
    assert!(!reminders::status(&s.env, &s.runner(), now()).is_installed());

    let nothing = reminders::remove(&s.env, &s.runner(), None).unwrap();
    assert!(
        nothing.removed.is_empty() && nothing.warnings.is_empty(),
        "{nothing:?}"
    );
}

#[test]
fn systemd_remove_without_a_manager_still_removes_the_files_and_the_link() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_systemctl();
    let before = s.tree();
    s.install(Backend::Systemd, "09:00");
    s.fake_systemctl_without_manager();
    let r = reminders::remove(&s.env, &s.runner(), Some(Backend::Systemd)).unwrap();
    assert_eq!(r.warnings.len(), 1, "{r:?}");
    let mut after = s.tree();
    // The directories install created stay (empty); nothing else.
    after.retain(|_, v| v != "<dir>");
    let mut before = before;
    before.retain(|_, v| v != "<dir>");
    assert_eq!(after, before);
}

#[test]
fn systemd_never_overwrites_or_deletes_a_unit_it_did_not_write() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_systemctl();
    fs::create_dir_all(units(&s)).unwrap();
    let mine = units(&s).join("lockstep-notify.service");
    fs::write(&mine, "[Service]\nExecStart=/bin/echo mine\n").unwrap();
    let plan = reminders::plan(&s.env, Backend::Systemd, &s.job("09:00"));
    let e = reminders::install(&plan, &s.env, &s.runner()).unwrap_err();
    assert!(matches!(e, ReminderError::ForeignFile(_)), "{e}");
    assert!(e.to_string().contains("not written by lockstep"), "{e}");
    let r = reminders::remove(&s.env, &s.runner(), None).unwrap();
    assert!(r.removed.is_empty());
    assert_eq!(
        fs::read_to_string(&mine).unwrap(),
        "[Service]\nExecStart=/bin/echo mine\n"
    );
}

/// `systemd-analyze`, or None (saying that the calling test is skipped). Under `CI=true` its
/// absence fails the test.
fn systemd_analyze() -> Option<PathBuf> {
    let found = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "systemd-analyze is required under CI=true (apt-get install systemd)"
        );
        eprintln!("SKIPPED: systemd-analyze is not installed (apt-get install systemd)");
    }
    found
}

#[test]
fn units_pass_systemd_analyze_verify() {
    let Some(analyze) = systemd_analyze() else {
        return;
    };
    for at in ["09:00", "00:00", "23:59"] {
        let s = Sandbox::new(TargetOs::Linux);
        let plan = reminders::plan(&s.env, Backend::Systemd, &s.job(at));
        for f in &plan.files {
            fs::create_dir_all(f.path.parent().unwrap()).unwrap();
            fs::write(&f.path, &f.contents).unwrap();
        }
        let out = Command::new(&analyze)
            .arg("verify")
            .args(plan.files.iter().map(|f| &f.path))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "systemd-analyze verify failed:\n{stderr}"
        );
        for l in stderr.lines() {
            assert!(
                !l.contains("lockstep-notify") && !l.contains("ignoring"),
                "systemd-analyze complained: {l}"
            );
        }
    }
}

#[test]
fn systemd_analyze_verify_does_catch_a_bad_unit() {
    // The check above can fail: a broken timer is reported.
    let Some(analyze) = systemd_analyze() else {
        return;
    };
    let s = Sandbox::new(TargetOs::Linux);
    let plan = reminders::plan(&s.env, Backend::Systemd, &s.job("09:00"));
    fs::create_dir_all(units(&s)).unwrap();
    for f in &plan.files {
        fs::write(&f.path, f.contents.replace("09:00:00", "25:00:00")).unwrap();
    }
    let out = Command::new(&analyze)
        .arg("verify")
        .args(plan.files.iter().map(|f| &f.path))
        .output()
        .unwrap();
    assert!(!out.status.success() || !out.stderr.is_empty());
}

// ---------------------------------------------------------------- cron

#[test]
fn cron_round_trip_keeps_every_other_line_byte_for_byte() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_crontab();
    let original = "MAILTO=me@example.org\r\n# my jobs\n\n*/5 * * * * /usr/bin/backup --quiet # nightly\n@reboot echo 'é%'\n";
    fs::write(s.crontab_store(), original).unwrap();

    let r = s.install(Backend::Cron, "09:00");
    assert!(r.changed, "{r:?}");
    let line = reminders::cron::cron_line(&s.job("09:00"));
    assert_eq!(
        fs::read_to_string(s.crontab_store()).unwrap(),
        format!("{original}{line}\n")
    );
    assert!(line.starts_with("0 9 * * * "), "{line}");
    assert!(line.contains("notify"), "{line}");

    s.clear_log();
    let again = s.install(Backend::Cron, "09:00");
    assert!(!again.changed);
    assert_eq!(s.log(), "crontab -l\n", "nothing written the second time");

    let moved = s.install(Backend::Cron, "18:30");
    assert!(moved.changed);
    let line2 = reminders::cron::cron_line(&s.job("18:30"));
    assert_eq!(
        fs::read_to_string(s.crontab_store()).unwrap(),
        format!("{original}{line2}\n")
    );

    let st = reminders::status(&s.env, &s.runner(), now());
    let i = st
        .installed
        .iter()
        .find(|i| i.backend == Backend::Cron)
        .unwrap();
    assert_eq!(i.at, Some("18:30".parse().unwrap()));
    let today = NaiveDate::from_ymd_opt(2026, 3, 1)
        .unwrap()
        .and_hms_opt(18, 30, 0)
        .unwrap();
    assert_eq!(i.next_run, Some(NextRun::Computed(today)));
    assert!(i.command.as_deref().unwrap().ends_with(" notify"), "{i:?}");

    let r = reminders::remove(&s.env, &s.runner(), Some(Backend::Cron)).unwrap();
    assert_eq!(r.removed.len(), 1);
    assert_eq!(fs::read_to_string(s.crontab_store()).unwrap(), original);
}

#[test]
fn cron_with_no_crontab_installs_one_and_remove_deletes_it() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_crontab();
    s.install(Backend::Cron, "09:00");
    let line = reminders::cron::cron_line(&s.job("09:00"));
    assert_eq!(
        fs::read_to_string(s.crontab_store()).unwrap(),
        format!("{line}\n")
    );
    reminders::remove(&s.env, &s.runner(), None).unwrap();
    assert!(!s.crontab_store().exists(), "back to no crontab at all");
    assert!(s.log().ends_with("crontab -r\n"), "{}", s.log());
}

#[test]
fn cron_last_line_without_a_newline_is_kept_and_terminated() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_crontab();
    fs::write(s.crontab_store(), "# top\n0 1 * * * /bin/true").unwrap();
    s.install(Backend::Cron, "09:00");
    let line = reminders::cron::cron_line(&s.job("09:00"));
    assert_eq!(
        fs::read_to_string(s.crontab_store()).unwrap(),
        format!("# top\n0 1 * * * /bin/true\n{line}\n")
    );
    reminders::remove(&s.env, &s.runner(), None).unwrap();
    assert_eq!(
        fs::read_to_string(s.crontab_store()).unwrap(),
        "# top\n0 1 * * * /bin/true\n"
    );
}

#[test]
fn cron_empty_crontab_file() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_crontab();
    fs::write(s.crontab_store(), "").unwrap();
    s.install(Backend::Cron, "09:00");
    let line = reminders::cron::cron_line(&s.job("09:00"));
    assert_eq!(
        fs::read_to_string(s.crontab_store()).unwrap(),
        format!("{line}\n")
    );
}

#[test]
fn cron_failure_to_read_is_an_error_and_nothing_is_written() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.script(
        "crontab",
        "echo 'crontab: your UID is not allowed' >&2\nexit 1\n",
    );
    let plan = reminders::plan(&s.env, Backend::Cron, &s.job("09:00"));
    let e = reminders::install(&plan, &s.env, &s.runner()).unwrap_err();
    assert!(e.to_string().contains("crontab -l"), "{e}");
    assert!(e.to_string().contains("not allowed"), "{e}");
    assert_eq!(s.log(), "crontab -l\n");
}

#[test]
fn cron_failure_to_write_is_an_error() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.script(
        "crontab",
        "case \"$1\" in -l) exit 0 ;; *) /bin/cat >/dev/null; echo 'crontab: errors in crontab file' >&2; exit 1 ;; esac\n",
    );
    let plan = reminders::plan(&s.env, Backend::Cron, &s.job("09:00"));
    let e = reminders::install(&plan, &s.env, &s.runner()).unwrap_err();
    assert!(e.to_string().contains("errors in crontab file"), "{e}");
}

#[test]
fn install_over_another_backend_says_so_and_replaces_it() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_crontab();
    s.fake_systemctl();
    s.install(Backend::Cron, "09:00");
    // The plan says so first.
    let says = reminders::replaces(Backend::Systemd, &s.env, &s.runner());
    assert!(
        says.iter().any(
            |w| w.contains("Replaces the lockstep job installed as a") && w.contains("crontab")
        ),
        "{says:?}"
    );
    let r = s.install(Backend::Systemd, "09:00");
    assert!(
        r.replaced
            .iter()
            .any(|w| w.contains("removed the earlier lockstep job")),
        "{r:?}"
    );
    let st = reminders::status(&s.env, &s.runner(), now());
    assert_eq!(st.installed.len(), 1, "one daily job per user");
    assert_eq!(st.installed[0].backend, Backend::Systemd);
    reminders::remove(&s.env, &s.runner(), None).unwrap();
    assert!(!reminders::status(&s.env, &s.runner(), now()).is_installed());
}

// ---------------------------------------------------------------- launchd

#[test]
fn launchd_off_macos_writes_the_plist_and_never_runs_launchctl() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.script("launchctl", "exit 0\n");
    let before = s.tree();
    let r = s.install(Backend::Launchd, "08:00");
    let plist = s
        .env
        .home
        .join("Library/LaunchAgents/lockstep.notify.plist");
    assert!(
        fs::read_to_string(&plist)
            .unwrap()
            .contains("<integer>8</integer>")
    );
    assert!(
        r.warnings.iter().any(|w| w.contains("launchctl load -w")),
        "{r:?}"
    );
    let st = reminders::status(&s.env, &s.runner(), now());
    let i = st
        .installed
        .iter()
        .find(|i| i.backend == Backend::Launchd)
        .unwrap();
    assert_eq!(i.active, Some(false));
    assert_eq!(i.next_run, None);
    reminders::remove(&s.env, &s.runner(), Some(Backend::Launchd)).unwrap();
    assert!(!s.log().contains("launchctl"), "{}", s.log());
    let mut after = s.tree();
    after.retain(|_, v| v != "<dir>");
    let mut before = before;
    before.retain(|_, v| v != "<dir>");
    assert_eq!(after, before);
}

#[test]
fn launchd_on_macos_loads_and_unloads_the_agent() {
    let mut s = Sandbox::new(TargetOs::MacOs);
    s.script("launchctl", "exit 0\n");
    let r = s.install(Backend::Launchd, "08:00");
    assert!(r.warnings.is_empty(), "{r:?}");
    let plist = s
        .env
        .home
        .join("Library/LaunchAgents/lockstep.notify.plist");
    let p = plist.display();
    assert_eq!(
        s.log(),
        format!("launchctl unload {p}\nlaunchctl load -w {p}\n")
    );
    let st = reminders::status(&s.env, &s.runner(), now());
    let i = st
        .installed
        .iter()
        .find(|i| i.backend == Backend::Launchd)
        .unwrap();
    assert_eq!(i.active, Some(true));
    assert_eq!(i.at, Some(AtTime::new(8, 0).unwrap()));
    s.clear_log();
    reminders::remove(&s.env, &s.runner(), None).unwrap();
    assert!(
        s.log().contains(&format!("launchctl unload -w {p}\n")),
        "{}",
        s.log()
    );
    assert!(!plist.exists());
}

#[test]
fn status_with_nothing_installed() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_crontab();
    s.fake_systemctl();
    let st = reminders::status(&s.env, &s.runner(), now());
    assert!(!st.is_installed());
    assert!(
        st.text().contains("No daily reminder is installed"),
        "{}",
        st.text()
    );
    assert!(
        !s.log().contains("systemctl"),
        "no unit files, no systemctl call: {}",
        s.log()
    );
}

#[test]
fn remove_everywhere_cleans_what_it_can_and_lists_what_failed() {
    let mut s = Sandbox::new(TargetOs::Linux);
    s.fake_systemctl();
    s.install(Backend::Systemd, "09:00");
    s.script("crontab", "echo 'crontab: cannot open spool' >&2\nexit 1\n");
    let e = reminders::remove(&s.env, &s.runner(), Some(Backend::Cron)).unwrap_err();
    assert!(e.to_string().contains("cannot open spool"), "{e}");
    let r = reminders::remove(&s.env, &s.runner(), None).unwrap();
    assert!(!units(&s).join("lockstep-notify.timer").exists());
    assert_eq!(r.failed.len(), 1, "{r:?}");
    assert!(
        r.failed[0].contains("crontab line") && r.failed[0].contains("cannot open spool"),
        "{r:?}"
    );
}
