//! The daily job: when it runs (`AtTime`), what it runs (`Job`), and quoting its command line
//! for a shell, a crontab and a systemd unit.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{Days, NaiveDateTime, NaiveTime};

use lockstep_core::notice::is_plain;
pub use lockstep_core::notice::sh_quote;

use super::ReminderError;

/// A time of day, minute precision (local time of the machine running the job).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AtTime {
    hour: u8,
    minute: u8,
}

impl AtTime {
    /// The default time of the daily job.
    pub const DEFAULT: AtTime = AtTime { hour: 9, minute: 0 };

    pub fn new(hour: u8, minute: u8) -> Option<AtTime> {
        (hour < 24 && minute < 60).then_some(AtTime { hour, minute })
    }

    pub fn hour(self) -> u8 {
        self.hour
    }

    pub fn minute(self) -> u8 {
        self.minute
    }

    pub fn time(self) -> NaiveTime {
        NaiveTime::from_hms_opt(self.hour.into(), self.minute.into(), 0).expect("validated")
    }

    /// The first moment at this time of day strictly after `now`.
    pub fn next_after(self, now: NaiveDateTime) -> NaiveDateTime {
        let today = now.date().and_time(self.time());
        if today > now {
            today
        } else {
            today
                .checked_add_days(Days::new(1))
                .unwrap_or(NaiveDateTime::MAX)
        }
    }
}

impl Default for AtTime {
    fn default() -> Self {
        AtTime::DEFAULT
    }
}

impl fmt::Display for AtTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl FromStr for AtTime {
    type Err = ReminderError;

    /// `HH:MM` or `H:MM`, 24-hour clock.
    fn from_str(s: &str) -> Result<AtTime, ReminderError> {
        let bad = || ReminderError::BadTime(s.to_owned());
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || h.len() > 2 || !digits(m) || m.len() != 2 {
            return Err(bad());
        }
        AtTime::new(h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
    }
}

/// What the daily job runs: `<exe> [--data-dir DIR] notify [extra args]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    exe: String,
    data_dir: Option<String>,
    extra_args: Vec<String>,
    /// Variables a crontab line sets for the command (cron gives a job almost no environment;
    /// systemd and launchd give it the user session's).
    cron_env: Vec<(String, String)>,
    pub at: AtTime,
}

impl Job {
    /// `exe` and `data_dir` must be absolute (the job runs with another working directory),
    /// valid UTF-8 and free of control characters (they end up in text files).
    pub fn new(exe: &Path, data_dir: Option<&Path>, at: AtTime) -> Result<Job, ReminderError> {
        Ok(Job {
            exe: checked_path(exe)?,
            data_dir: data_dir.map(checked_path).transpose()?,
            extra_args: Vec::new(),
            cron_env: Vec::new(),
            at,
        })
    }

    /// The running lockstep binary (`std::env::current_exe`), and `data_dir` made absolute
    /// against the current directory. A crontab line also names this session's
    /// `XDG_RUNTIME_DIR` when the job could not find the session bus without it.
    pub fn for_current_exe(data_dir: Option<&Path>, at: AtTime) -> Result<Job, ReminderError> {
        let exe = std::env::current_exe().map_err(|e| ReminderError::Io {
            path: "the lockstep executable".into(),
            source: e,
        })?;
        let exe = live_exe(exe)?;
        let dir = data_dir
            .map(|d| {
                std::path::absolute(d).map_err(|e| ReminderError::Io {
                    path: d.display().to_string(),
                    source: e,
                })
            })
            .transpose()?;
        let job = Job::new(&exe, dir.as_deref(), at)?;
        match crate::dbus::address::runtime_dir_for_cron_here() {
            Some(run) => job.with_cron_env("XDG_RUNTIME_DIR", &run),
            None => Ok(job),
        }
    }

    /// Arguments appended after `notify` (e.g. options of the notify command).
    pub fn with_extra_args(mut self, args: Vec<String>) -> Result<Job, ReminderError> {
        for a in &args {
            if a.chars().any(char::is_control) {
                return Err(ReminderError::UnsafeText(a.clone()));
            }
        }
        self.extra_args = args;
        Ok(self)
    }

    /// Sets `name` to the absolute path `value` for the command of a crontab line.
    pub fn with_cron_env(mut self, name: &str, value: &Path) -> Result<Job, ReminderError> {
        let value = checked_path(value)?;
        self.cron_env.retain(|(n, _)| n != name);
        self.cron_env.push((name.to_owned(), value));
        Ok(self)
    }

    /// The variables a crontab line sets, in order.
    pub fn cron_env(&self) -> &[(String, String)] {
        &self.cron_env
    }

    pub fn exe(&self) -> &str {
        &self.exe
    }

    pub fn data_dir(&self) -> Option<&str> {
        self.data_dir.as_deref()
    }

    /// The full command, program first.
    pub fn argv(&self) -> Vec<&str> {
        let mut v = vec![self.exe.as_str()];
        if let Some(d) = &self.data_dir {
            v.extend(["--data-dir", d.as_str()]);
        }
        v.push("notify");
        v.extend(self.extra_args.iter().map(String::as_str));
        v
    }

    /// The command as typed in a POSIX shell.
    pub fn shell_command(&self) -> String {
        self.argv()
            .into_iter()
            .map(sh_quote)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn checked_path(p: &Path) -> Result<String, ReminderError> {
    if !p.is_absolute() {
        return Err(ReminderError::NotAbsolute(PathBuf::from(p)));
    }
    let s = p
        .to_str()
        .ok_or_else(|| ReminderError::NotUtf8(PathBuf::from(p)))?;
    if s.chars().any(char::is_control) {
        return Err(ReminderError::UnsafeText(s.to_owned()));
    }
    Ok(s.to_owned())
}

/// Quotes one word for a crontab command: shell quoting, then `%` (a newline to cron) escaped.
pub fn cron_quote(s: &str) -> String {
    sh_quote(s).replace('%', r"\%")
}

/// Quotes one word for a systemd `ExecStart=`: `%` specifiers and `$` variables doubled, and
/// words with anything but plain characters in double quotes with `\` and `"` escaped.
pub fn systemd_quote(s: &str) -> String {
    let escaped = s.replace('%', "%%").replace('$', "$$");
    if is_plain(s) {
        escaped
    } else {
        format!("\"{}\"", escaped.replace('\\', r"\\").replace('"', "\\\""))
    }
}

/// The executable's path as a job can run it. When the binary was replaced while this process
/// runs (an upgrade, a rebuild), Linux reports "PATH (deleted)": the new file at PATH is meant.
fn live_exe(exe: PathBuf) -> Result<PathBuf, ReminderError> {
    if exe.exists() {
        return Ok(exe);
    }
    let s = exe.to_string_lossy();
    match s.strip_suffix(" (deleted)").map(PathBuf::from) {
        Some(p) if p.is_file() => Ok(p),
        _ => Err(ReminderError::Io {
            path: s.into_owned(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "this lockstep executable was removed while it ran; run the new one",
            ),
        }),
    }
}

/// The words of a command written by [`sh_quote`], [`cron_quote`] or [`systemd_quote`] (for
/// `backend`), unquoted; stops at a `#` comment.
pub fn command_words(backend: super::Backend, cmd: &str) -> Vec<String> {
    use super::Backend;
    // cron turns `\%` into `%` before the shell sees the line.
    let cmd = match backend {
        Backend::Cron => cmd.replace(r"\%", "%"),
        _ => cmd.to_owned(),
    };
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = cmd.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                cur.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => cur.extend(chars.next()),
                        c => cur.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.extend(chars.next());
            }
            '#' if !in_word => break,
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    if backend == Backend::Systemd {
        for w in &mut words {
            *w = w.replace("%%", "%").replace("$$", "$");
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_executable_is_run_from_its_path() {
        let tmp = tempfile::tempdir().unwrap();
        let exe = tmp.path().join("lockstep");
        std::fs::write(&exe, "new").unwrap();
        let deleted = PathBuf::from(format!("{} (deleted)", exe.display()));
        assert_eq!(live_exe(deleted.clone()).unwrap(), exe);
        assert_eq!(live_exe(exe.clone()).unwrap(), exe);
        std::fs::remove_file(&exe).unwrap();
        assert!(live_exe(deleted).is_err(), "gone for good: refused");
    }

    #[test]
    fn command_words_undo_each_quoting() {
        use crate::reminders::Backend;
        for dir in ["/plain/dir", "/a b/it's 50%/$HOME", "/q\"uote\\d"] {
            let argv = ["/usr/bin/lockstep", "--data-dir", dir, "notify"];
            let sh: Vec<String> = argv.iter().map(|a| sh_quote(a)).collect();
            let cron: Vec<String> = argv.iter().map(|a| cron_quote(a)).collect();
            let sd: Vec<String> = argv.iter().map(|a| systemd_quote(a)).collect();
            for (b, line) in [
                (Backend::Launchd, sh.join(" ")),
                (
                    Backend::Cron,
                    format!("{} # lockstep-notify", cron.join(" ")),
                ),
                (Backend::Systemd, sd.join(" ")),
            ] {
                assert_eq!(command_words(b, &line), argv, "{b:?}: {line}");
            }
        }
    }
    use chrono::NaiveDate;

    fn at(s: &str) -> Result<AtTime, ReminderError> {
        s.parse()
    }

    #[test]
    fn parses_and_validates_times() {
        assert_eq!(at("09:00").unwrap(), AtTime::new(9, 0).unwrap());
        assert_eq!(at("9:05").unwrap().to_string(), "09:05");
        assert_eq!(at("23:59").unwrap().to_string(), "23:59");
        assert_eq!(at("00:00").unwrap().to_string(), "00:00");
        for bad in [
            "24:00", "12:60", "9", "9:5", "09:000", "-1:00", "a:bc", "", ":", "+9:00", " 9:00",
            "009:00",
        ] {
            let e = at(bad).unwrap_err();
            assert!(e.to_string().contains("HH:MM"), "{bad}: {e}");
        }
        assert_eq!(AtTime::default().to_string(), "09:00");
    }

    #[test]
    fn next_run_is_today_before_the_time_and_tomorrow_from_it_on() {
        let d = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let t = AtTime::new(9, 30).unwrap();
        let before = d.and_hms_opt(9, 29, 59).unwrap();
        assert_eq!(t.next_after(before), d.and_hms_opt(9, 30, 0).unwrap());
        let exactly = d.and_hms_opt(9, 30, 0).unwrap();
        let next_year = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(
            t.next_after(exactly),
            next_year.and_hms_opt(9, 30, 0).unwrap()
        );
    }

    #[test]
    fn job_needs_absolute_utf8_paths_without_controls() {
        let t = AtTime::DEFAULT;
        assert!(matches!(
            Job::new(Path::new("lockstep"), None, t),
            Err(ReminderError::NotAbsolute(_))
        ));
        assert!(matches!(
            Job::new(Path::new("/bin/lockstep"), Some(Path::new("data")), t),
            Err(ReminderError::NotAbsolute(_))
        ));
        assert!(matches!(
            Job::new(Path::new("/bin/lock\nstep"), None, t),
            Err(ReminderError::UnsafeText(_))
        ));
        let non_utf8 = lockstep_store::sys::path_from_bytes(b"/bin/\xff");
        assert!(matches!(
            Job::new(&non_utf8, None, t),
            Err(ReminderError::NotUtf8(_))
        ));
    }

    #[test]
    fn argv_passes_the_data_dir_before_notify() {
        let j = Job::new(
            Path::new("/opt/l s/lockstep"),
            Some(Path::new("/d/it's")),
            AtTime::DEFAULT,
        )
        .unwrap();
        assert_eq!(
            j.argv(),
            ["/opt/l s/lockstep", "--data-dir", "/d/it's", "notify"]
        );
        assert_eq!(
            j.shell_command(),
            r"'/opt/l s/lockstep' --data-dir '/d/it'\''s' notify"
        );
        let j = Job::new(Path::new("/bin/lockstep"), None, AtTime::DEFAULT)
            .unwrap()
            .with_extra_args(vec!["--ics".into(), "/x.ics".into()])
            .unwrap();
        assert_eq!(j.argv(), ["/bin/lockstep", "notify", "--ics", "/x.ics"]);
    }

    #[test]
    fn cron_variables_are_absolute_paths_replaced_by_name() {
        let j = Job::new(Path::new("/bin/lockstep"), None, AtTime::DEFAULT)
            .unwrap()
            .with_cron_env("XDG_RUNTIME_DIR", Path::new("/tmp/run 1"))
            .unwrap()
            .with_cron_env("XDG_RUNTIME_DIR", Path::new("/tmp/run 2"))
            .unwrap();
        assert_eq!(
            j.cron_env(),
            [("XDG_RUNTIME_DIR".to_owned(), "/tmp/run 2".to_owned())]
        );
        assert_eq!(
            j.argv(),
            ["/bin/lockstep", "notify"],
            "not part of the command"
        );
        assert!(matches!(
            j.with_cron_env("XDG_RUNTIME_DIR", Path::new("run")),
            Err(ReminderError::NotAbsolute(_))
        ));
    }

    #[test]
    fn for_current_exe_makes_the_data_dir_absolute() {
        let j = Job::for_current_exe(Some(Path::new("rel/data")), AtTime::DEFAULT).unwrap();
        assert!(Path::new(j.exe()).is_absolute());
        let d = Path::new(j.data_dir().unwrap());
        assert!(d.is_absolute() && d.ends_with("rel/data"), "{d:?}");
    }

    #[test]
    fn quoting_per_target() {
        assert_eq!(sh_quote("/usr/bin/lockstep"), "/usr/bin/lockstep");
        assert_eq!(sh_quote(""), "''");
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(cron_quote("/x/50%"), r"'/x/50\%'");
        assert_eq!(cron_quote("/x/a%b c"), r"'/x/a\%b c'");
        assert_eq!(systemd_quote("/usr/bin/lockstep"), "/usr/bin/lockstep");
        assert_eq!(systemd_quote("/a b/$HOME%h"), "\"/a b/$$HOME%%h\"");
        assert_eq!(systemd_quote(r#"/a"b\c"#), r#""/a\"b\\c""#);
        assert_eq!(systemd_quote("/it's"), "\"/it's\"");
    }
}
