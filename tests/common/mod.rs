//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The strace binary, or None (saying that the calling test is skipped).
#[allow(dead_code)]
pub fn strace() -> Option<PathBuf> {
    let found = ["/usr/bin/strace", "/bin/strace"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        eprintln!("SKIPPED: strace is not installed (apt-get install strace)");
    }
    found
}

/// Asserts that an `strace -f -e trace=%network` log holds no network syscall other than
/// crossterm's `socketpair` (signal and exit lines are fine). `what` names the run in messages.
#[allow(dead_code)]
pub fn assert_no_network(log: &Path, what: &str) {
    let trace = std::fs::read_to_string(log).unwrap();
    for l in trace.lines() {
        let call = l.split_whitespace().nth(1).unwrap_or("");
        let allowed =
            call.starts_with("socketpair(") || call.starts_with("+++") || call.starts_with("---");
        assert!(allowed, "{what} made a network syscall: {l}");
    }
}
