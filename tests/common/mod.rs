//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

#[allow(dead_code)]
pub mod bus;
#[allow(dead_code)]
pub mod data;

/// An external tool a test needs, or None (saying that the calling test is skipped). Under
/// `CI=true` a missing tool fails the test instead: `.ci/run` installs every tool the tests use,
/// so a skip there would hide a broken set-up.
#[allow(dead_code)]
pub fn tool(name: &str, package: &str) -> Option<PathBuf> {
    let found = ["/usr/bin", "/bin", "/usr/sbin", "/usr/local/bin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} is missing under CI=true: .ci/run must install {package}"
        );
        eprintln!("SKIPPED: {name} is not installed (apt-get install {package})");
    }
    found
}

/// The strace binary (see [`tool`]).
#[allow(dead_code)]
pub fn strace() -> Option<PathBuf> {
    tool("strace", "strace")
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
