//! The `lockstep` binary: everything happens in [`lockstep::startup`].
//!
//! `main` is the C entry point instead of Rust's: Rust's start-up reads /proc/self/maps to set
//! up a stack-overflow guard message, which costs more than `lockstep due` itself at every shell
//! start. What it did that matters is done here: SIGPIPE is ignored (a closed pipe is an error
//! the code handles, not a silent death), and a panic still ends the process with status 101.
#![no_main]

use std::ffi::{c_char, c_int};

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    lockstep_os::sys::ignore_broken_pipe();
    std::panic::catch_unwind(lockstep::startup::main_code).unwrap_or(101)
}
