//! The cron backend: one marked line in the user's crontab, read with `crontab -l` and written
//! with `crontab -`; every other line of the crontab is kept byte for byte.

use super::job::cron_quote;
use super::{
    AtTime, Backend, Environment, InstallReport, Installed, Job, MARKER, Plan, ReminderError,
    RemoveReport, Runner, run_cmd,
};

/// Ends every line lockstep puts in a crontab; how `install` and `remove` find it again.
pub fn line_suffix() -> String {
    format!("# lockstep-notify, {MARKER}")
}

/// The crontab line for `job`: `MM HH * * * [VAR=value ...] <command> # lockstep-notify, …`.
pub fn cron_line(job: &Job) -> String {
    let cmd = job
        .cron_env()
        .iter()
        .map(|(name, value)| format!("{name}={}", cron_quote(value)))
        .chain(job.argv().into_iter().map(cron_quote))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "{} {} * * * {cmd} {}",
        job.at.minute(),
        job.at.hour(),
        line_suffix()
    )
}

/// A line (with or without its line ending) is one lockstep wrote.
pub fn is_ours(line: &[u8]) -> bool {
    let l = line.strip_suffix(b"\n").unwrap_or(line);
    let l = l.strip_suffix(b"\r").unwrap_or(l);
    l.trim_ascii_end().ends_with(line_suffix().as_bytes())
}

/// The crontab with `line` in place of the first lockstep line (other lockstep lines dropped),
/// or appended when there is none. Every other line is kept byte for byte; a last line without
/// a line ending gets one before the appended line (cron needs it).
pub fn with_line(current: &[u8], line: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(current.len() + line.len() + 2);
    let mut placed = false;
    for seg in current.split_inclusive(|b| *b == b'\n') {
        if is_ours(seg) {
            if !placed {
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
                placed = true;
            }
        } else {
            out.extend_from_slice(seg);
        }
    }
    if !placed {
        if !out.is_empty() && !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

/// The crontab without lockstep lines; every other line byte for byte.
pub fn without_line(current: &[u8]) -> Vec<u8> {
    current
        .split_inclusive(|b| *b == b'\n')
        .filter(|seg| !is_ours(seg))
        .flatten()
        .copied()
        .collect()
}

/// Reads the time of day and the command back from a line lockstep wrote.
pub fn parse_line(line: &str) -> (Option<AtTime>, String) {
    let fields: Vec<&str> = line.splitn(6, char::is_whitespace).collect();
    let at = match fields.as_slice() {
        [m, h, "*", "*", "*", _] => h
            .parse::<u8>()
            .ok()
            .zip(m.parse::<u8>().ok())
            .and_then(|(h, m)| AtTime::new(h, m)),
        _ => None,
    };
    let command = fields
        .get(5)
        .map(|c| {
            c.trim_end()
                .trim_end_matches(line_suffix().as_str())
                .trim_end()
        })
        .unwrap_or(line)
        .to_owned();
    (at, command)
}

pub(super) fn plan(job: &Job) -> Plan {
    Plan {
        backend: Backend::Cron,
        job: job.clone(),
        files: Vec::new(),
        crontab_line: Some(cron_line(job)),
        commands: Vec::new(),
        notes: vec![
            "cron runs the job outside your desktop session: lockstep finds the session's bus \
             (/run/user/UID/bus) while you are logged in. A reminder no notification server \
             shows is printed (cron mails it where mail is set up) and kept for the next run"
                .to_owned(),
        ],
    }
}

/// The user's crontab; empty when there is none (`crontab -l` says "no crontab for …").
fn read_crontab(runner: &dyn Runner) -> Result<Vec<u8>, ReminderError> {
    let out =
        run_cmd(runner, "crontab", &["-l"], None).map_err(|detail| ReminderError::Command {
            command: "crontab -l".into(),
            detail,
        })?;
    if out.success() {
        return Ok(out.stdout);
    }
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    if out.stdout.is_empty() && (err.contains("no crontab") || err.contains("no such file")) {
        return Ok(Vec::new());
    }
    Err(ReminderError::Command {
        command: "crontab -l".into(),
        detail: out.first_error_line(),
    })
}

fn write_crontab(runner: &dyn Runner, text: &[u8]) -> Result<(), ReminderError> {
    let (args, shown): (&[&str], _) = if text.is_empty() {
        (&["-r"], "crontab -r")
    } else {
        (&["-"], "crontab -")
    };
    let out =
        run_cmd(runner, "crontab", args, Some(text)).map_err(|detail| ReminderError::Command {
            command: shown.into(),
            detail,
        })?;
    if out.success() {
        Ok(())
    } else {
        Err(ReminderError::Command {
            command: shown.into(),
            detail: out.first_error_line(),
        })
    }
}

pub(super) fn install(plan: &Plan, runner: &dyn Runner) -> Result<InstallReport, ReminderError> {
    let line = plan
        .crontab_line
        .as_deref()
        .expect("a cron plan has a line");
    let current = read_crontab(runner)?;
    let updated = with_line(&current, line);
    let mut report = InstallReport::default();
    if updated == current {
        report.done.push("the crontab already has this line".into());
    } else {
        write_crontab(runner, &updated)?;
        report.changed = true;
        report.done.push(format!("put in your crontab: {line}"));
    }
    if daemon_runs(runner) == Some(false) {
        report.not_scheduled = Some(format!(
            "{NO_DAEMON}. Start one (e.g. `sudo systemctl enable --now cron`, or `crond` in a \
             container) and the line runs from then on"
        ));
    }
    Ok(report)
}

/// What is said when no cron daemon runs.
const NO_DAEMON: &str = "no cron daemon is running on this machine (no cron, crond, fcron or \
                         bcron-sched process): the line is in your crontab, but nothing runs it";

/// Whether a cron daemon runs here, asked of `pgrep` (procps) through the runner: Some(true)
/// when a `cron`, `crond`, `fcron` or `bcron-sched` process runs; Some(false) only when none
/// does and the process list is readable (`pgrep -P 0` finds the first process, which a
/// `/proc` mounted with `hidepid` hides); None when that cannot be told (no `pgrep`, an error).
/// Where cron is systemd-cron (timers generated from crontabs, no daemon), None too.
pub fn daemon_runs(runner: &dyn Runner) -> Option<bool> {
    let code = |args: &[&str]| run_cmd(runner, "pgrep", args, None).ok()?.code;
    match code(&["-x", "cron|crond|fcron|bcron-sched"])? {
        0 => Some(true),
        1 if code(&["-P", "0"])? == 0 && !systemd_cron() => Some(false),
        _ => None,
    }
}

/// systemd-cron runs crontabs as systemd timers, with no daemon process.
fn systemd_cron() -> bool {
    [
        "/usr/lib/systemd/system-generators",
        "/lib/systemd/system-generators",
    ]
    .iter()
    .any(|d| {
        std::path::Path::new(d)
            .join("systemd-crontab-generator")
            .exists()
    })
}

pub(super) fn inspect(
    env: &Environment,
    runner: &dyn Runner,
) -> Result<Option<Installed>, ReminderError> {
    if !env.crontab_on_path {
        return Ok(None);
    }
    let current = read_crontab(runner)?;
    let ours: Vec<String> = current
        .split_inclusive(|b| *b == b'\n')
        .filter(|l| is_ours(l))
        .map(|l| String::from_utf8_lossy(l).trim_end().to_owned())
        .collect();
    let Some(first) = ours.first() else {
        return Ok(None);
    };
    let (at, command) = parse_line(first);
    let mut notes = Vec::new();
    let commented = first.starts_with('#');
    if commented {
        notes.push("the line is commented out, so it does not run".to_owned());
    }
    let no_daemon = !commented && daemon_runs(runner) == Some(false);
    if no_daemon {
        notes.push(format!(
            "{NO_DAEMON} until one runs (e.g. `sudo systemctl enable --now cron`)"
        ));
    }
    if ours.len() > 1 {
        notes.push(format!(
            "{} lockstep lines; `lockstep reminders install` keeps one",
            ours.len()
        ));
    }
    Ok(Some(Installed {
        backend: Backend::Cron,
        locations: vec!["the crontab of the current user (`crontab -l`)".into()],
        at,
        command: Some(command),
        active: (commented || no_daemon).then_some(false),
        next_run: None,
        notes,
    }))
}

pub(super) fn remove(
    env: &Environment,
    runner: &dyn Runner,
    report: &mut RemoveReport,
) -> Result<(), ReminderError> {
    if !env.crontab_on_path {
        return Ok(());
    }
    let current = read_crontab(runner)?;
    let updated = without_line(&current);
    if updated != current {
        write_crontab(runner, &updated)?;
        report
            .removed
            .push("removed the lockstep line from your crontab".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::Path;

    fn job(at: &str) -> Job {
        Job::new(
            Path::new("/opt/lock step/lockstep"),
            Some(Path::new("/d/100%")),
            at.parse().unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn line_runs_daily_at_the_time_with_quoted_escaped_arguments() {
        let l = cron_line(&job("07:45"));
        assert_eq!(
            l,
            format!(
                r"45 7 * * * '/opt/lock step/lockstep' --data-dir '/d/100\%' notify {}",
                line_suffix()
            )
        );
        assert!(is_ours(l.as_bytes()));
        let (at, cmd) = parse_line(&l);
        assert_eq!(at, Some("07:45".parse().unwrap()));
        assert_eq!(
            cmd,
            r"'/opt/lock step/lockstep' --data-dir '/d/100\%' notify"
        );
    }

    #[test]
    fn the_line_sets_the_variables_the_job_needs_before_the_command() {
        let j = job("09:00")
            .with_cron_env("XDG_RUNTIME_DIR", Path::new("/tmp/run dir/50%"))
            .unwrap();
        let l = cron_line(&j);
        assert_eq!(
            l,
            format!(
                r"0 9 * * * XDG_RUNTIME_DIR='/tmp/run dir/50\%' '/opt/lock step/lockstep' --data-dir '/d/100\%' notify {}",
                line_suffix()
            )
        );
        let (at, cmd) = parse_line(&l);
        assert_eq!(at, Some("09:00".parse().unwrap()));
        let words = super::super::job::command_words(Backend::Cron, &cmd);
        assert_eq!(
            words,
            [
                "XDG_RUNTIME_DIR=/tmp/run dir/50%",
                "/opt/lock step/lockstep",
                "--data-dir",
                "/d/100%",
                "notify"
            ]
        );
    }

    #[test]
    fn appends_to_an_empty_or_unterminated_crontab() {
        let l = cron_line(&job("09:00"));
        assert_eq!(with_line(b"", &l), format!("{l}\n").into_bytes());
        assert_eq!(with_line(b"# c\n", &l), format!("# c\n{l}\n").into_bytes());
        assert_eq!(
            with_line(b"MAILTO=me\n0 1 * * * x", &l),
            format!("MAILTO=me\n0 1 * * * x\n{l}\n").into_bytes()
        );
        assert_eq!(
            without_line(&with_line(b"0 1 * * * x", &l)),
            b"0 1 * * * x\n"
        );
    }

    #[test]
    fn replaces_in_place_and_keeps_everything_else() {
        let old = cron_line(&job("09:00"));
        let new = cron_line(&job("18:30"));
        let before = format!("# head\r\n\n{old}\n  */5 * * * * other # x\n{old}\ntail");
        let after = with_line(before.as_bytes(), &new);
        assert_eq!(
            after,
            format!("# head\r\n\n{new}\n  */5 * * * * other # x\ntail").into_bytes()
        );
        assert_eq!(with_line(&after, &new), after, "idempotent");
        assert_eq!(
            without_line(&after),
            b"# head\r\n\n  */5 * * * * other # x\ntail"
        );
    }

    #[test]
    fn preview_shows_the_line_and_that_other_lines_stay() {
        let p = plan(&job("09:00"));
        let text = p.preview();
        assert!(
            text.contains("a crontab line runs this every day at 09:00"),
            "{text}"
        );
        assert!(
            text.contains(&format!("    {}\n", cron_line(&job("09:00")))),
            "{text}"
        );
        assert!(text.contains("every other line is kept as it is"), "{text}");
        assert!(p.files.is_empty() && p.commands.is_empty());
    }

    #[test]
    fn a_commented_out_line_is_still_recognised() {
        let l = format!("# {}", cron_line(&job("09:00")));
        assert!(is_ours(l.as_bytes()));
        assert!(!is_ours(b"0 9 * * * lockstep notify"));
        assert!(!is_ours(b"# lockstep-notify"));
    }

    fn crontab_line() -> impl Strategy<Value = String> {
        // Arbitrary lines without a newline, including CR, comments and non-ASCII.
        "[ -~\r\té#%]{0,40}"
    }

    proptest! {
        #[test]
        fn round_trip_keeps_other_lines(lines in prop::collection::vec(crontab_line(), 0..8), final_nl: bool, at in 0u8..24) {
            let mut text = lines.join("\n");
            if final_nl && !text.is_empty() { text.push('\n'); }
            let l = cron_line(&job(&format!("{at}:00")));
            let installed = with_line(text.as_bytes(), &l);
            prop_assert_eq!(with_line(&installed, &l), installed.clone());
            let removed = without_line(&installed);
            let mut expected = text.clone().into_bytes();
            if !expected.is_empty() && !expected.ends_with(b"\n") { expected.push(b'\n'); }
            prop_assert_eq!(removed, expected);
        }
    }
}
