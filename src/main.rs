//! The `lockstep` binary: everything happens in [`lockstep::startup`].
//!
//! Rust's own start-up is kept: it ignores SIGPIPE (a closed pipe is an error the code handles,
//! not a silent death) and reopens a closed stdin, stdout or stderr on /dev/null, so a file the
//! program opens never takes descriptor 0, 1 or 2 and output can never land in a data file.

fn main() -> std::process::ExitCode {
    lockstep::startup::main()
}
