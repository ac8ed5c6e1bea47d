//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

#[allow(dead_code)]
pub mod bus;
#[allow(dead_code)]
pub mod cli;
#[allow(dead_code)]
pub mod data;
#[allow(dead_code)]
pub mod ics;
#[allow(dead_code)]
pub mod pty;
#[allow(dead_code)]
pub mod reminders;
#[allow(dead_code)]
pub mod tui;

/// Text with a terminal escape and a right-to-left override, which every output must neutralise.
#[allow(dead_code)]
pub const EVIL: &str = "red \x1b[31mALERT\u{202E}txt.exe";

/// The bundled Crypto.com checklist.
#[allow(dead_code)]
pub fn bundled() -> lockstep::checklist::Checklist {
    lockstep::checklist::parse("crypto-com.json", lockstep::checklist::BUNDLED[0].1).unwrap()
}

/// A date.
#[allow(dead_code)]
pub fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// An instant in UTC, to the minute.
#[allow(dead_code)]
pub fn at(y: i32, mo: u32, day: u32, h: u32, mi: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(y, mo, day, h, mi, 0).unwrap()
}

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
