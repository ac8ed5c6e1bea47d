//! The systemd backend: a user service and timer (`lockstep-notify.service`/`.timer`) under
//! `$XDG_CONFIG_HOME/systemd/user/`, enabled with `systemctl --user`.

use std::fs;
use std::path::{Path, PathBuf};

use super::job::systemd_quote;
use super::{
    AtTime, Backend, Environment, InstallReport, Installed, Job, MARKER, NextRun, Plan,
    PlannedFile, ReminderError, RemoveReport, Runner, io_err, read_optional, remove_owned_file,
    run_cmd, write_owned_file,
};

pub const SERVICE: &str = "lockstep-notify.service";
pub const TIMER: &str = "lockstep-notify.timer";

/// `$XDG_CONFIG_HOME/systemd/user`.
pub fn unit_dir(env: &Environment) -> PathBuf {
    env.config_home.join("systemd").join("user")
}

/// The service unit: runs the job once.
pub fn service_unit(job: &Job) -> String {
    let exec = job
        .argv()
        .into_iter()
        .map(systemd_quote)
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "# {MARKER}; `lockstep reminders remove` deletes it.\n\
         [Unit]\n\
         Description=lockstep: notify about security reviews that are due\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={exec}\n"
    )
}

/// The `OnCalendar=` value for a daily run at `at`.
pub fn on_calendar(at: AtTime) -> String {
    format!("*-*-* {at}:00")
}

/// The timer unit: daily at the job's time; `Persistent=true` runs a missed day after boot.
pub fn timer_unit(job: &Job) -> String {
    format!(
        "# {MARKER}; `lockstep reminders remove` deletes it.\n\
         [Unit]\n\
         Description=lockstep: daily check for security reviews that are due\n\
         \n\
         [Timer]\n\
         OnCalendar={}\n\
         Persistent=true\n\
         Unit={SERVICE}\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n",
        on_calendar(job.at)
    )
}

fn systemctl(args: &[&str]) -> Vec<String> {
    std::iter::once("systemctl")
        .chain(std::iter::once("--user"))
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect()
}

pub(super) fn plan(env: &Environment, job: &Job) -> Plan {
    let dir = unit_dir(env);
    let mut notes = Vec::new();
    if !env.systemd_booted {
        notes.push(
            "this machine does not look like it runs systemd (/run/systemd/system is missing): the \
             files are written, but the timer only runs where a systemd user manager loads them"
                .to_owned(),
        );
    }
    Plan {
        backend: Backend::Systemd,
        job: job.clone(),
        files: vec![
            PlannedFile {
                path: dir.join(SERVICE),
                contents: service_unit(job),
            },
            PlannedFile {
                path: dir.join(TIMER),
                contents: timer_unit(job),
            },
        ],
        crontab_line: None,
        commands: vec![
            systemctl(&["daemon-reload"]),
            systemctl(&["enable", "--now", TIMER]),
        ],
        notes,
    }
}

/// What to run in a login session to enable the timer.
pub(super) fn enable_hint() -> String {
    format!(
        "systemctl --user daemon-reload && systemctl --user enable --now {TIMER}\n\
         (on a machine where you are not logged in, `loginctl enable-linger $USER` lets the timer run \
         without a session)"
    )
}

pub(super) fn install(plan: &Plan, runner: &dyn Runner) -> Result<InstallReport, ReminderError> {
    let mut report = InstallReport::default();
    for f in &plan.files {
        if write_owned_file(&f.path, &f.contents)? {
            report.changed = true;
            report.done.push(format!("wrote {}", f.path.display()));
        } else {
            report
                .done
                .push(format!("{} is already up to date", f.path.display()));
        }
    }
    for c in &plan.commands {
        let args: Vec<&str> = c[1..].iter().map(String::as_str).collect();
        let shown = c.join(" ");
        let failure = match run_cmd(runner, &c[0], &args, None) {
            Ok(out) if out.success() => None,
            Ok(out) => Some(out.first_error_line()),
            Err(e) => Some(e),
        };
        match failure {
            None => report.done.push(format!("ran `{shown}`")),
            Some(why) => {
                report.not_scheduled = Some(format!(
                    "no systemd user manager answered (`{shown}`: {why}), so the timer is not \
                     enabled and nothing will fire. The unit files are written: to enable them, \
                     run in a login session of this user:\n    {}",
                    enable_hint()
                ));
                break;
            }
        }
    }
    Ok(report)
}

/// Reads `OnCalendar=*-*-* HH:MM:00` back from a timer unit lockstep wrote.
fn parse_at(timer: &str) -> Option<AtTime> {
    let v = timer.lines().find_map(|l| l.strip_prefix("OnCalendar="))?;
    let hm = v.strip_prefix("*-*-* ")?.strip_suffix(":00")?;
    hm.parse().ok()
}

/// `Key=value` lines of `systemctl show`.
fn show_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
}

pub(super) fn inspect(
    env: &Environment,
    runner: &dyn Runner,
) -> Result<Option<Installed>, ReminderError> {
    let dir = unit_dir(env);
    let owned = |p: &Path| -> Result<Option<String>, ReminderError> {
        Ok(read_optional(p)?.filter(|t| t.contains(MARKER)))
    };
    let service = owned(&dir.join(SERVICE))?;
    let timer = owned(&dir.join(TIMER))?;
    if service.is_none() && timer.is_none() {
        return Ok(None);
    }
    let mut found = Installed {
        backend: Backend::Systemd,
        locations: [(SERVICE, &service), (TIMER, &timer)]
            .iter()
            .filter(|(_, t)| t.is_some())
            .map(|(n, _)| dir.join(n).display().to_string())
            .collect(),
        at: timer.as_deref().and_then(parse_at),
        command: service
            .as_deref()
            .and_then(|s| s.lines().find_map(|l| l.strip_prefix("ExecStart=")))
            .map(str::to_owned),
        active: None,
        next_run: None,
        notes: Vec::new(),
    };
    for (name, text) in [(SERVICE, &service), (TIMER, &timer)] {
        if text.is_none() {
            found.notes.push(format!(
                "{} is missing; `lockstep reminders install` writes it again",
                dir.join(name).display()
            ));
        }
    }
    let args = [
        "--user",
        "show",
        TIMER,
        "--property=ActiveState,UnitFileState,NextElapseUSecRealtime",
    ];
    match run_cmd(runner, "systemctl", &args, None) {
        Ok(out) if out.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let active = show_value(&text, "ActiveState") == Some("active");
            found.active = Some(active);
            if active {
                let next = show_value(&text, "NextElapseUSecRealtime").unwrap_or("").trim();
                if !next.is_empty() && next != "0" && next != "n/a" {
                    found.next_run = Some(NextRun::Reported(next.to_owned()));
                }
            } else {
                found.notes.push(format!(
                    "the timer is not active; run `systemctl --user enable --now {TIMER}`"
                ));
            }
            if show_value(&text, "UnitFileState").is_some_and(|s| s != "enabled") && active {
                found
                    .notes
                    .push("the timer is running but not enabled, so it stops at logout or reboot".into());
            }
        }
        Ok(out) => found.notes.push(format!(
            "no systemd user manager answered (`systemctl --user show`: {}); whether the timer is enabled is unknown",
            out.first_error_line()
        )),
        Err(e) => found.notes.push(format!(
            "no systemd user manager answered ({e}); whether the timer is enabled is unknown"
        )),
    }
    Ok(Some(found))
}

pub(super) fn remove(
    env: &Environment,
    runner: &dyn Runner,
    report: &mut RemoveReport,
) -> Result<(), ReminderError> {
    let dir = unit_dir(env);
    let timer_path = dir.join(TIMER);
    let service_path = dir.join(SERVICE);
    let ours = |p: &Path| -> Result<bool, ReminderError> {
        Ok(read_optional(p)?.is_some_and(|t| t.contains(MARKER)))
    };
    let wants = dir.join("timers.target.wants").join(TIMER);
    let wants_ours = fs::read_link(&wants).is_ok_and(|t| t.file_name() == Some(TIMER.as_ref()));
    let timer_ours = ours(&timer_path)?;
    if !timer_ours && !ours(&service_path)? && !wants_ours {
        // Foreign files of the same name are reported, never touched.
        remove_owned_file(&timer_path, report)?;
        remove_owned_file(&service_path, report)?;
        return Ok(());
    }
    let manager_answers = if timer_ours {
        match run_cmd(
            runner,
            "systemctl",
            &["--user", "disable", "--now", TIMER],
            None,
        ) {
            Ok(out) if out.success() => {
                report.removed.push(format!("stopped and disabled {TIMER}"));
                true
            }
            Ok(out) => {
                report
                    .warnings
                    .push(disable_warning(&out.first_error_line()));
                false
            }
            Err(e) => {
                report.warnings.push(disable_warning(&e));
                false
            }
        }
    } else {
        false
    };
    // `systemctl disable` removes the link itself when the manager answers.
    if wants_ours && fs::symlink_metadata(&wants).is_ok() {
        fs::remove_file(&wants).map_err(io_err(&wants))?;
        report.removed.push(format!("deleted {}", wants.display()));
    }
    remove_owned_file(&timer_path, report)?;
    remove_owned_file(&service_path, report)?;
    if manager_answers {
        let _ = run_cmd(runner, "systemctl", &["--user", "daemon-reload"], None);
    }
    Ok(())
}

fn disable_warning(why: &str) -> String {
    format!(
        "no systemd user manager answered (`systemctl --user disable --now {TIMER}`: {why}); if the \
         timer runs in another session of this user, run `systemctl --user daemon-reload` there after \
         this removal"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reminders::TargetOs;

    fn job(at: &str) -> Job {
        Job::new(
            Path::new("/usr/local/bin/lockstep"),
            Some(Path::new("/home/u/my data")),
            at.parse().unwrap(),
        )
        .unwrap()
    }

    fn env() -> Environment {
        Environment {
            systemd_booted: true,
            crontab_on_path: false,
            os: TargetOs::Linux,
            home: "/home/u".into(),
            config_home: "/home/u/.cfg".into(),
        }
    }

    #[test]
    fn service_runs_the_job_with_quoted_arguments() {
        let s = service_unit(&job("09:00"));
        assert_eq!(
            s,
            format!(
                "# {MARKER}; `lockstep reminders remove` deletes it.\n[Unit]\n\
                 Description=lockstep: notify about security reviews that are due\n\n[Service]\n\
                 Type=oneshot\nExecStart=/usr/local/bin/lockstep --data-dir \"/home/u/my data\" notify\n"
            )
        );
    }

    #[test]
    fn timer_is_daily_persistent_and_reads_back() {
        let t = timer_unit(&job("18:05"));
        assert!(t.contains("\nOnCalendar=*-*-* 18:05:00\n"), "{t}");
        assert!(t.contains("\nPersistent=true\n"));
        assert!(t.contains("\nWantedBy=timers.target\n"));
        assert_eq!(parse_at(&t), Some("18:05".parse().unwrap()));
        assert_eq!(parse_at("OnCalendar=weekly\n"), None);
    }

    #[test]
    fn plan_writes_both_units_under_xdg_config_home_then_enables() {
        let p = plan(&env(), &job("09:00"));
        let paths: Vec<_> = p.files.iter().map(|f| f.path.clone()).collect();
        assert_eq!(
            paths,
            [
                PathBuf::from("/home/u/.cfg/systemd/user/lockstep-notify.service"),
                PathBuf::from("/home/u/.cfg/systemd/user/lockstep-notify.timer")
            ]
        );
        assert_eq!(
            p.commands,
            [
                vec!["systemctl", "--user", "daemon-reload"],
                vec![
                    "systemctl",
                    "--user",
                    "enable",
                    "--now",
                    "lockstep-notify.timer"
                ]
            ]
        );
        assert!(p.notes.is_empty());
        let preview = p.preview();
        for needle in [
            "systemd user timer",
            "every day at 09:00",
            "'/home/u/my data'",
            "Writes /home/u/.cfg/systemd/user/lockstep-notify.timer:",
            "    OnCalendar=*-*-* 09:00:00",
            "    systemctl --user enable --now lockstep-notify.timer",
        ] {
            assert!(preview.contains(needle), "{needle} not in:\n{preview}");
        }
        let no_systemd = Environment {
            systemd_booted: false,
            ..env()
        };
        assert_eq!(plan(&no_systemd, &job("09:00")).notes.len(), 1);
    }

    #[test]
    fn show_values() {
        let t = "ActiveState=active\nUnitFileState=enabled\nNextElapseUSecRealtime=Thu 2026-11-26 09:00:00 UTC\n";
        assert_eq!(show_value(t, "ActiveState"), Some("active"));
        assert_eq!(
            show_value(t, "NextElapseUSecRealtime"),
            Some("Thu 2026-11-26 09:00:00 UTC")
        );
        assert_eq!(show_value(t, "Active"), None);
    }
}
