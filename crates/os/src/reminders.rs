//! OS-scheduled reminders (`lockstep reminders install|status|remove`): choosing a backend
//! (systemd user timer, crontab line, launchd agent), planning what an install writes, applying
//! the plan, reporting what is installed and removing exactly that.
//!
//! Everything that depends on the machine comes in through [`Environment`] (what exists, where
//! home is) and a [`Runner`] (how external programs are run), so the logic is testable with a
//! temporary home and fake `crontab`/`systemctl` executables.

pub mod cron;
pub mod job;
pub mod launchd;
pub mod runner;
pub mod systemd;

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::NaiveDateTime;

pub use job::{AtTime, Job};
pub use runner::{CommandOutput, Runner, SystemRunner};

/// Marker text in everything `install` writes; `remove` only deletes what carries it.
pub const MARKER: &str = "written by `lockstep reminders install`";

/// Where the daily job is scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Backend {
    Systemd,
    Cron,
    Launchd,
}

impl Backend {
    pub const ALL: [Backend; 3] = [Backend::Systemd, Backend::Cron, Backend::Launchd];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Systemd => "systemd",
            Backend::Cron => "cron",
            Backend::Launchd => "launchd",
        }
    }

    /// How the backend is described to the user.
    pub fn describe(self) -> &'static str {
        match self {
            Backend::Systemd => "systemd user timer",
            Backend::Cron => "crontab line",
            Backend::Launchd => "launchd agent",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = ReminderError;

    fn from_str(s: &str) -> Result<Backend, ReminderError> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .ok_or_else(|| ReminderError::BadBackend(s.to_owned()))
    }
}

/// The operating system the job is installed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetOs {
    Linux,
    MacOs,
    Other,
}

impl TargetOs {
    /// The OS this binary was built for.
    pub fn current() -> TargetOs {
        if cfg!(target_os = "macos") {
            TargetOs::MacOs
        } else if cfg!(target_os = "linux") {
            TargetOs::Linux
        } else {
            TargetOs::Other
        }
    }
}

/// What the machine offers, and where the user's files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// `/run/systemd/system` exists (the machine was booted with systemd).
    pub systemd_booted: bool,
    /// A `crontab` executable is on the search path.
    pub crontab_on_path: bool,
    pub os: TargetOs,
    pub home: PathBuf,
    /// `$XDG_CONFIG_HOME`, or `~/.config` when it is unset, empty or relative.
    pub config_home: PathBuf,
}

impl Environment {
    /// Looks at the real machine: `/run/systemd/system`, `PATH`, `HOME`, `XDG_CONFIG_HOME`.
    pub fn detect() -> Result<Environment, ReminderError> {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|h| h.is_absolute())
            .ok_or(ReminderError::NoHome)?;
        let config_home = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| home.join(".config"));
        let crontab_on_path = std::env::var_os("PATH").is_some_and(|p| on_path(&p, "crontab"));
        Ok(Environment {
            systemd_booted: Path::new("/run/systemd/system").is_dir(),
            crontab_on_path,
            os: TargetOs::current(),
            home,
            config_home,
        })
    }
}

/// True when an executable file `name` is in one of the directories of `path` (a `PATH` value).
pub fn on_path(path: &std::ffi::OsStr, name: &str) -> bool {
    std::env::split_paths(path).any(|dir| {
        fs::metadata(dir.join(name))
            .is_ok_and(|m| m.is_file() && lockstep_store::sys::is_executable(&m))
    })
}

/// Chooses where to install: the forced backend if any; else systemd when the machine runs it,
/// else cron when `crontab` is on the search path, else launchd on macOS, else a refusal.
pub fn choose_backend(
    env: &Environment,
    forced: Option<Backend>,
) -> Result<Backend, ReminderError> {
    if let Some(b) = forced {
        return Ok(b);
    }
    if env.systemd_booted {
        Ok(Backend::Systemd)
    } else if env.crontab_on_path {
        Ok(Backend::Cron)
    } else if env.os == TargetOs::MacOs {
        Ok(Backend::Launchd)
    } else {
        Err(ReminderError::NoBackend)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error(
        "no scheduler found for the daily reminder: /run/systemd/system does not exist (no systemd), \
         `crontab` is not on PATH (no cron) and this is not macOS (no launchd).\n\
         Choose one with --backend systemd|cron|launchd, or run `lockstep notify` once a day by other means."
    )]
    NoBackend,
    #[error("invalid time `{0}`: expected HH:MM on a 24-hour clock, e.g. 09:00 or 18:30")]
    BadTime(String),
    #[error("unknown backend `{0}`: expected systemd, cron or launchd")]
    BadBackend(String),
    #[error("cannot find the home directory (HOME is unset or relative)")]
    NoHome,
    #[error("{0} is not an absolute path; the daily job needs absolute paths")]
    NotAbsolute(PathBuf),
    #[error("{0} is not valid UTF-8; the daily job's files are text")]
    NotUtf8(PathBuf),
    #[error("`{0}` contains control characters, which cannot go into the daily job")]
    UnsafeText(String),
    #[error(
        "{0} exists and was not written by lockstep; lockstep does not overwrite it. Move it away \
         and install again"
    )]
    ForeignFile(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("`{command}` failed: {detail}")]
    Command { command: String, detail: String },
}

/// One file an install writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Exactly what an install will do; shown to the user before anything is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub backend: Backend,
    pub job: Job,
    /// Files written (created or replaced).
    pub files: Vec<PlannedFile>,
    /// The line put in the user's crontab (cron only).
    pub crontab_line: Option<String>,
    /// Commands run after the files are written, program first.
    pub commands: Vec<Vec<String>>,
    /// Remarks shown with the preview (e.g. commands that will not run on this OS).
    pub notes: Vec<String>,
}

/// Plans an install of `job` with `backend`. Pure: nothing is read or written.
pub fn plan(env: &Environment, backend: Backend, job: &Job) -> Plan {
    let mut plan = match backend {
        Backend::Systemd => systemd::plan(env, job),
        Backend::Cron => cron::plan(job),
        Backend::Launchd => launchd::plan(env, job),
    };
    if let Some(dir) = build_dir(Path::new(job.exe())) {
        plan.notes.push(format!(
            "this lockstep runs from a cargo build directory ({}): the job stops working after \
             `cargo clean` or a move. `cargo install --path .` puts it in ~/.cargo/bin; install \
             the reminder again from there.",
            dir.display()
        ));
    }
    plan
}

/// The cargo build directory an executable lives in (`target/{debug,release}`, with a target
/// triple or `deps` too), if it does.
fn build_dir(exe: &Path) -> Option<&Path> {
    let dir = exe.parent()?;
    let d = if dir.file_name()? == "deps" {
        dir.parent()?
    } else {
        dir
    };
    let up = d.parent()?;
    let is_target = |p: &Path| p.file_name().is_some_and(|n| n == "target");
    let profile = matches!(d.file_name()?.to_str()?, "debug" | "release");
    (profile && (is_target(up) || up.parent().is_some_and(is_target))).then_some(dir)
}

impl Plan {
    /// What will be written and where, and what will be run, for the confirmation question.
    pub fn preview(&self) -> String {
        let mut s = format!(
            "lockstep reminders: a {} runs this every day at {} (local time):\n    {}\n",
            self.backend.describe(),
            self.job.at,
            self.job.shell_command()
        );
        for f in &self.files {
            s.push_str(&format!("\nWrites {}:\n", f.path.display()));
            for l in f.contents.lines() {
                s.push_str("    ");
                s.push_str(l);
                s.push('\n');
            }
        }
        if let Some(line) = &self.crontab_line {
            s.push_str(
                "\nPuts this line in your crontab (read with `crontab -l`, written with `crontab -`), \
                 replacing an earlier lockstep line; every other line is kept as it is:\n",
            );
            s.push_str(&format!("    {line}\n"));
        }
        if !self.commands.is_empty() {
            s.push_str("\nThen runs:\n");
            for c in &self.commands {
                let args: Vec<&str> = c[1..].iter().map(String::as_str).collect();
                s.push_str(&format!("    {}\n", runner::display_command(&c[0], &args)));
            }
        }
        for n in &self.notes {
            s.push_str(&format!("\nNote: {n}\n"));
        }
        s
    }
}

/// What an install did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallReport {
    /// False when everything was already installed exactly so.
    pub changed: bool,
    /// What was done, one line each.
    pub done: Vec<String>,
    /// Things the user has to do or know (the install still succeeded).
    pub warnings: Vec<String>,
    /// The job is written but will not run, and why (e.g. no systemd user manager answered):
    /// the install must not be called done.
    pub not_scheduled: Option<String>,
    /// Jobs of other backends this install replaced (one daily job per user).
    pub replaced: Vec<String>,
    /// Jobs of other backends left in place because this one will not run
    /// ([`InstallReport::not_scheduled`]): the earlier job still reminds.
    pub kept: Vec<String>,
}

/// Applies `plan`: writes the files or crontab line, runs the commands. Installing the same plan
/// twice changes nothing the second time; a plan with another time replaces the earlier job.
pub fn install(
    plan: &Plan,
    env: &Environment,
    runner: &dyn Runner,
) -> Result<InstallReport, ReminderError> {
    let mut report = match plan.backend {
        Backend::Systemd => systemd::install(plan, runner)?,
        Backend::Cron => cron::install(plan, runner)?,
        Backend::Launchd => launchd::install(plan, env, runner)?,
    };
    // One daily job per user: a job of another backend is replaced (the plan said so), once
    // the new one is in place and will run. A new job that will not run leaves the earlier one
    // where it is: it still reminds.
    for other in Backend::ALL.into_iter().filter(|b| *b != plan.backend) {
        if let Ok(Some(found)) = inspect(other, env, runner) {
            if report.not_scheduled.is_some() {
                report.kept.push(format!(
                    "your {other} job is kept: the earlier lockstep job installed as a {} ({}) \
                     still runs the daily reminder, since the new {} cannot run.",
                    other.describe(),
                    found.locations.join(", "),
                    plan.backend.describe()
                ));
                continue;
            }
            replace(other, &found, env, runner, &mut report);
        }
    }
    Ok(report)
}

/// Removes the job `found` of the backend `other`, which a job that runs replaced.
fn replace(
    other: Backend,
    found: &Installed,
    env: &Environment,
    runner: &dyn Runner,
    report: &mut InstallReport,
) {
    let removed = remove(env, runner, Some(other)).unwrap_or_else(|e| RemoveReport {
        failed: vec![e.to_string()],
        ..RemoveReport::default()
    });
    if removed.failed.is_empty() {
        report.replaced.push(format!(
            "removed the earlier lockstep job installed as a {} ({})",
            other.describe(),
            found.locations.join(", ")
        ));
        report.changed = true;
    } else {
        report.warnings.push(format!(
            "the earlier lockstep job installed as a {} ({}) could not be removed; \
             `lockstep reminders remove --backend {}` removes it",
            other.describe(),
            found.locations.join(", "),
            other
        ));
    }
    report.warnings.extend(removed.warnings);
}

/// What the plan says about jobs of other backends it replaces (see [`install`]).
pub fn replaces(backend: Backend, env: &Environment, runner: &dyn Runner) -> Vec<String> {
    Backend::ALL
        .into_iter()
        .filter(|b| *b != backend)
        .filter_map(|other| {
            let found = inspect(other, env, runner).ok()??;
            Some(format!(
                "Replaces the lockstep job installed as a {} ({}): there is one daily job per \
                 user, so that one is removed once this one is in place and able to run (if it cannot run, \
                 that one is kept).",
                other.describe(),
                found.locations.join(", ")
            ))
        })
        .collect()
}

/// When an installed job next runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextRun {
    /// As reported by the scheduler (systemd's own text, in its time zone).
    Reported(String),
    /// Computed from the job's time of day (local time).
    Computed(NaiveDateTime),
}

impl fmt::Display for NextRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NextRun::Reported(s) => f.write_str(s),
            NextRun::Computed(t) => write!(f, "{}", t.format("%Y-%m-%d %H:%M")),
        }
    }
}

/// One installed job, as found on the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub backend: Backend,
    /// Files, or `crontab of the current user`.
    pub locations: Vec<String>,
    /// Time of day, when it could be read back.
    pub at: Option<AtTime>,
    /// The command the job runs, as written.
    pub command: Option<String>,
    /// Some(false) when the scheduler says the job is not active (so it will not run), None
    /// when that is unknown.
    pub active: Option<bool>,
    /// When it next runs, when that is knowable.
    pub next_run: Option<NextRun>,
    /// Anything else worth saying (not enabled, scheduler did not answer, ...).
    pub notes: Vec<String>,
}

impl Installed {
    /// Why this job will not run, when that is known: the scheduler says it is not active (the
    /// first note says why and what to do), or no systemd user manager answered (nothing
    /// enables or fires the timer). None when it runs or nothing says otherwise.
    pub fn will_not_run(&self) -> Option<String> {
        match (self.backend, self.active) {
            (Backend::Systemd, None) => Some(format!(
                "no systemd user manager answered, so nothing enables or fires the timer. In a \
                 login session of this user, run:\n    {}",
                systemd::enable_hint()
            )),
            (_, Some(false)) => Some(
                self.notes
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "the scheduler says it is not active".into()),
            ),
            _ => None,
        }
    }

    /// The data directory this job's command passes with `--data-dir`: Some(None) when it
    /// passes none, None when the command could not be read.
    pub fn data_dir(&self) -> Option<Option<PathBuf>> {
        let words = job::command_words(self.backend, self.command.as_deref()?);
        let at = words.iter().position(|w| w == "--data-dir");
        Some(at.and_then(|i| words.get(i + 1)).map(PathBuf::from))
    }

    /// Whether this job notifies the data directory `here`; `default` is the one a job without
    /// `--data-dir` uses. Paths are compared as the same directory, however spelled (a trailing
    /// slash, `..`, a symlink). None when its command could not be read. There is one daily
    /// job per user, so a job installed from another data directory serves that one only.
    pub fn serves(&self, here: &Path, default: &Path) -> Option<bool> {
        let theirs = self.data_dir()?;
        let theirs = theirs.as_deref().unwrap_or(default);
        Some(same_dir(theirs, here))
    }
}

/// True when `a` and `b` name the same directory: equal once made absolute and normalised
/// (symlinks resolved for what exists, `.`, `..` and trailing slashes for what does not).
pub fn same_dir(a: &Path, b: &Path) -> bool {
    fn norm(p: &Path) -> PathBuf {
        if let Ok(c) = fs::canonicalize(p) {
            return c;
        }
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut out = PathBuf::new();
        for c in abs.components() {
            match c {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    }
    norm(a) == norm(b)
}

/// The lockstep jobs installed with `only` (or every backend); a backend that cannot be checked
/// counts as having none (`status` says why).
pub fn installed_jobs(
    env: &Environment,
    runner: &dyn Runner,
    only: Option<Backend>,
) -> Vec<Installed> {
    Backend::ALL
        .into_iter()
        .filter(|b| only.is_none_or(|o| o == *b))
        .filter_map(|b| inspect(b, env, runner).ok().flatten())
        .collect()
}

/// What `status` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusReport {
    pub installed: Vec<Installed>,
    /// Backends that could not be checked, and why.
    pub notes: Vec<String>,
}

impl StatusReport {
    pub fn is_installed(&self) -> bool {
        !self.installed.is_empty()
    }

    /// Human-readable text for `lockstep reminders status`.
    pub fn text(&self) -> String {
        let mut s = String::new();
        if self.installed.is_empty() {
            s.push_str(
                "No daily reminder is installed. `lockstep reminders install` sets one up.\n",
            );
        }
        for i in &self.installed {
            match i.will_not_run() {
                Some(why) => s.push_str(&format!(
                    "A {} is written but will NOT run: {why}\n",
                    i.backend.describe()
                )),
                None => s.push_str(&format!("Installed as a {}:\n", i.backend.describe())),
            }
            for l in &i.locations {
                s.push_str(&format!("  where: {l}\n"));
            }
            if let Some(at) = i.at {
                s.push_str(&format!("  daily at: {at}\n"));
            }
            if let Some(c) = &i.command {
                s.push_str(&format!("  runs: {c}\n"));
            }
            match &i.next_run {
                Some(n @ NextRun::Reported(_)) => s.push_str(&format!("  next run: {n}\n")),
                Some(n @ NextRun::Computed(_)) => s.push_str(&format!(
                    "  next run: {n} (computed from the time of day)\n"
                )),
                None if i.active == Some(false) => s.push_str("  next run: none (not active)\n"),
                None if i.backend == Backend::Systemd => s.push_str(
                    "  next run: none known: no systemd user manager answered, so it may never run\n",
                ),
                None => s.push_str("  next run: unknown\n"),
            }
            for n in &i.notes {
                s.push_str(&format!("  note: {n}\n"));
            }
        }
        for n in &self.notes {
            s.push_str(&format!("note: {n}\n"));
        }
        s
    }
}

/// Looks for a lockstep job in `backend`; None when there is none.
pub fn inspect(
    backend: Backend,
    env: &Environment,
    runner: &dyn Runner,
) -> Result<Option<Installed>, ReminderError> {
    match backend {
        Backend::Systemd => systemd::inspect(env, runner),
        Backend::Cron => cron::inspect(env, runner),
        Backend::Launchd => launchd::inspect(env, runner),
    }
}

/// Reports every lockstep job installed with any backend; `now` is the local time, for next runs.
pub fn status(env: &Environment, runner: &dyn Runner, now: NaiveDateTime) -> StatusReport {
    let mut report = StatusReport::default();
    for b in Backend::ALL {
        match inspect(b, env, runner) {
            Ok(Some(mut found)) => {
                // A systemd timer whose user manager did not answer may never run: no next
                // run is made up for it.
                let unknown = b == Backend::Systemd && found.active.is_none();
                if found.next_run.is_none()
                    && found.active != Some(false)
                    && !unknown
                    && let Some(at) = found.at
                {
                    found.next_run = Some(NextRun::Computed(at.next_after(now)));
                }
                report.installed.push(found);
            }
            Ok(None) => {}
            Err(e) => report
                .notes
                .push(format!("cannot check the {}: {e}", b.describe())),
        }
    }
    report
}

/// What `remove` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoveReport {
    pub removed: Vec<String>,
    pub warnings: Vec<String>,
    /// Backends that could not be cleaned up (only when removing from all of them; with one
    /// backend named, its failure is the error).
    pub failed: Vec<String>,
}

/// Removes what `install` wrote, from `only` that backend or from all of them. With all of them,
/// a backend that fails is listed in [`RemoveReport::failed`] and the others are still cleaned.
pub fn remove(
    env: &Environment,
    runner: &dyn Runner,
    only: Option<Backend>,
) -> Result<RemoveReport, ReminderError> {
    let mut report = RemoveReport::default();
    for b in Backend::ALL
        .into_iter()
        .filter(|b| only.is_none_or(|o| o == *b))
    {
        let result = match b {
            Backend::Systemd => systemd::remove(env, runner, &mut report),
            Backend::Cron => cron::remove(env, runner, &mut report),
            Backend::Launchd => launchd::remove(env, runner, &mut report),
        };
        match result {
            Ok(()) => {}
            Err(e) if only.is_some() => return Err(e),
            Err(e) => report.failed.push(format!("{}: {e}", b.describe())),
        }
    }
    Ok(report)
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ReminderError + '_ {
    move |source| ReminderError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Reads a file; None when it does not exist.
fn read_optional(path: &Path) -> Result<Option<String>, ReminderError> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(path)(e)),
    }
}

/// Writes `contents` to `path` atomically (temp file, fsync, rename, fsync of the directory),
/// creating the directory. Returns false when the file already had exactly these contents.
/// Refuses to replace a file that does not carry [`MARKER`].
fn write_owned_file(path: &Path, contents: &str) -> Result<bool, ReminderError> {
    match read_optional(path)? {
        Some(old) if old == contents => return Ok(false),
        Some(old) if !old.contains(MARKER) => return Err(ReminderError::ForeignFile(path.into())),
        _ => {}
    }
    let dir = path.parent().expect("planned files have a directory");
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let name = path
        .file_name()
        .expect("planned files have a name")
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp.{}", std::process::id()));
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io_err(path))?;
    Ok(true)
}

/// Deletes `path` if it carries [`MARKER`]; reports what happened.
fn remove_owned_file(path: &Path, report: &mut RemoveReport) -> Result<(), ReminderError> {
    match read_optional(path)? {
        None => {}
        Some(text) if !text.contains(MARKER) => report.warnings.push(format!(
            "{} was not written by lockstep; left in place",
            path.display()
        )),
        Some(_) => {
            fs::remove_file(path).map_err(io_err(path))?;
            report.removed.push(format!("deleted {}", path.display()));
        }
    }
    Ok(())
}

/// Runs a command; Ok(output) when it ran (whatever its exit status), Err(message) when it
/// could not be started.
fn run_cmd(
    runner: &dyn Runner,
    program: &str,
    args: &[&str],
    stdin: Option<&[u8]>,
) -> Result<CommandOutput, String> {
    runner
        .run(program, args, stdin)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => format!("`{program}` is not on PATH"),
            _ => e.to_string(),
        })
}

// The tests make symlinks and executable scripts.
#[cfg(all(test, unix))]
mod tests;
