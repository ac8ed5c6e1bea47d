//! The one place the OS side names Unix process and signal APIs: the process group a helper
//! program runs in (so a timeout stops what it started too), a text file busy error, a closed pipe
//! that is an error rather than a silent death, and the signals that ask the TUI to quit. Files
//! go through `lockstep_store::sys`. Everything here is `cfg(unix)`; any other target stops with
//! a compile error that names what a port must provide.

#[cfg(not(unix))]
compile_error!(
    "lockstep-os supports Unix only. A port must provide crates/os/src/sys.rs for its OS: running \
     a helper program so that a timeout ends it and everything it started (a process group \
     here, a job object on Windows), telling a busy executable from a missing one, writes to a \
     closed pipe that fail instead of killing the process, and a flag raised when the session \
     ends (SIGTERM/SIGHUP here, console close events on Windows); and, outside this crate, a \
     reminder backend (systemd, cron, launchd here: Task Scheduler on Windows) and a notifier."
);

#[cfg(unix)]
pub use unix::*;

#[cfg(unix)]
mod unix {
    use std::io;
    use std::process::Command;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    /// Runs `cmd` in a process group of its own, which [`kill_group`] ends as a whole.
    pub fn own_process_group(cmd: &mut Command) {
        std::os::unix::process::CommandExt::process_group(cmd, 0);
    }

    /// Kills the process group that the child `pid` leads (see [`own_process_group`]).
    pub fn kill_group(pid: u32) {
        if let Ok(pid) = i32::try_from(pid) {
            // SAFETY: kill has no memory-safety preconditions; a negative pid names the process
            // group the child leads.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
    }

    /// True for "text file busy": a script still open for writing by a concurrent fork.
    pub fn is_text_busy(e: &io::Error) -> bool {
        e.raw_os_error() == Some(libc::ETXTBSY)
    }

    /// A write to a closed pipe returns an error (which the code handles) instead of killing
    /// the process with SIGPIPE.
    pub fn ignore_broken_pipe() {
        // SAFETY: setting a signal disposition to SIG_IGN has no preconditions.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        }
    }

    /// Raises `flag` when the session asks the program to end: SIGTERM, or SIGHUP (the terminal
    /// window was closed).
    pub fn on_termination(flag: &Arc<AtomicBool>) -> io::Result<()> {
        use signal_hook::consts::{SIGHUP, SIGTERM};
        for sig in [SIGTERM, SIGHUP] {
            signal_hook::flag::register(sig, Arc::clone(flag))?;
        }
        Ok(())
    }
}
