//! Running external programs (`systemctl`, `crontab`, `launchctl`, notifiers) behind a small trait,
//! so tests can point the search path at fake executables.

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// What a finished program left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    /// Exit code; None when killed by a signal.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl CommandOutput {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// The first non-empty line of stderr (or stdout), for messages.
    pub fn first_error_line(&self) -> String {
        let pick = |b: &[u8]| {
            String::from_utf8_lossy(b)
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_owned)
        };
        pick(&self.stderr)
            .or_else(|| pick(&self.stdout))
            .unwrap_or_else(|| match self.code {
                Some(c) => format!("exit status {c}"),
                None => "killed by a signal".into(),
            })
    }
}

/// Runs a program by name (looked up on the search path) with arguments and optional stdin.
pub trait Runner {
    /// `Err` with `io::ErrorKind::NotFound` when the program is not on the search path, and
    /// `io::ErrorKind::TimedOut` when it did not finish in time (it is then killed).
    fn run(&self, program: &str, args: &[&str], stdin: Option<&[u8]>) -> io::Result<CommandOutput>;
}

/// Runs real processes with `std::process::Command`.
#[derive(Debug, Clone)]
pub struct SystemRunner {
    path: Option<OsString>,
    timeout: Duration,
}

/// How long an external program may take before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for SystemRunner {
    fn default() -> Self {
        SystemRunner::new()
    }
}

impl SystemRunner {
    /// Uses the process's own `PATH`.
    pub fn new() -> SystemRunner {
        SystemRunner {
            path: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Looks programs up on `path` (and passes it to them as `PATH`) instead of the process's own.
    pub fn with_path(path: impl Into<OsString>) -> SystemRunner {
        SystemRunner {
            path: Some(path.into()),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    pub fn timeout(mut self, timeout: Duration) -> SystemRunner {
        self.timeout = timeout;
        self
    }

    fn spawn(&self, program: &str, args: &[&str]) -> io::Result<std::process::Child> {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(p) = &self.path {
            cmd.env("PATH", p);
        }
        // Its own process group, so that a timeout stops the programs it started too (a script
        // that runs `sleep` keeps the pipes open until its children are gone).
        crate::sys::own_process_group(&mut cmd);
        // A script written by another thread of this process can be briefly "busy" (ETXTBSY)
        // while a concurrent fork still holds its write descriptor: retry a few times.
        let mut tries = 0;
        loop {
            match cmd.spawn() {
                Err(e) if crate::sys::is_text_busy(&e) && tries < 20 => {
                    tries += 1;
                    thread::sleep(Duration::from_millis(25));
                }
                other => return other,
            }
        }
    }
}

impl Runner for SystemRunner {
    fn run(&self, program: &str, args: &[&str], stdin: Option<&[u8]>) -> io::Result<CommandOutput> {
        let mut child = self.spawn(program, args)?;
        let input = stdin.map(<[u8]>::to_vec);
        let mut pipe_in = child.stdin.take();
        let writer = thread::spawn(move || {
            if let (Some(p), Some(bytes)) = (pipe_in.as_mut(), input) {
                // A program that exits without reading its input closes the pipe: not an error here.
                let _ = p.write_all(&bytes);
            }
            drop(pipe_in);
        });
        let mut out = child.stdout.take();
        let mut err = child.stderr.take();
        let reader_out = thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(o) = out.as_mut() {
                let _ = o.read_to_end(&mut buf);
            }
            buf
        });
        let reader_err = thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(e) = err.as_mut() {
                let _ = e.read_to_end(&mut buf);
            }
            buf
        });
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            if let Some(s) = child.try_wait()? {
                break s;
            }
            if Instant::now() >= deadline {
                // The whole process group the child leads (see `spawn`).
                crate::sys::kill_group(child.id());
                let _ = child.kill();
                let _ = child.wait();
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("`{program}` did not finish within {:?}", self.timeout),
                ));
            }
            thread::sleep(Duration::from_millis(10));
        };
        let _ = writer.join();
        let stdout = reader_out.join().unwrap_or_default();
        let stderr = reader_err.join().unwrap_or_default();
        Ok(CommandOutput {
            code: status.code(),
            stdout,
            stderr,
        })
    }
}

/// Shows a command line the way a user would type it in a POSIX shell.
pub fn display_command(program: &str, args: &[&str]) -> String {
    std::iter::once(program)
        .chain(args.iter().copied())
        .map(crate::reminders::job::sh_quote)
        .collect::<Vec<_>>()
        .join(" ")
}

// The tests run /bin/cat and shell scripts.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn runs_a_program_with_stdin_and_captures_output() {
        let r = SystemRunner::new();
        let out = r.run("/bin/cat", &[], Some(b"a\nb")).unwrap();
        assert!(out.success());
        assert_eq!(out.stdout, b"a\nb");
    }

    #[test]
    fn a_missing_program_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let r = SystemRunner::with_path(dir.path());
        let e = r.run("crontab", &["-l"], None).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn a_timeout_stops_what_the_program_started_too() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let script = format!("sleep 30 & echo $! > '{}'; wait", pidfile.display());
        let r = SystemRunner::new().timeout(Duration::from_millis(300));
        let started = Instant::now();
        let e = r.run("/bin/sh", &["-c", &script], None).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(5));
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // The grandchild is gone (reaped by init, or a zombie for a moment).
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let alive = state
                .rsplit(") ")
                .next()
                .is_some_and(|rest| !rest.starts_with('Z'));
            if !alive {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the grandchild still runs: {state}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn a_hanging_program_is_killed_after_the_timeout() {
        let r = SystemRunner::new().timeout(Duration::from_millis(200));
        let started = Instant::now();
        let e = r.run("/bin/sleep", &["10"], None).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn first_error_line_prefers_stderr() {
        let o = CommandOutput {
            code: Some(1),
            stdout: b"out\n".to_vec(),
            stderr: b"\n  Failed to connect to bus\nmore".to_vec(),
        };
        assert_eq!(o.first_error_line(), "Failed to connect to bus");
        let o = CommandOutput {
            code: Some(3),
            stdout: vec![],
            stderr: vec![],
        };
        assert_eq!(o.first_error_line(), "exit status 3");
    }
}
