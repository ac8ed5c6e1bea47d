//! Memory that does not grow with the log: `history`, `status` and `check` on a 50 MB log.
//!
//! Its own test binary on purpose: a child's peak resident size, as the kernel reports it, starts
//! from its parent's (the child shares or copies the parent's pages until it runs lockstep), so
//! the parent must be a process that runs this one small test and nothing beside it.

mod common;

use std::fs;
use std::path::Path;

use common::data::{lockstep, run};
use serde_json::Value;

/// Peak resident memory (MiB) of one run of lockstep, from the kernel's accounting of that child.
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives its usage
fn peak_mib(data: &Path, args: &[&str]) -> f64 {
    let o = lockstep(data)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = o.id() as libc::pid_t;
    let mut status = 0;
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child, writing into the structs given.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(r, pid);
    ru.ru_maxrss as f64 / 1024.0
}

#[test]
fn history_is_streamed_in_memory_that_does_not_grow_with_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    assert!(run(&data, &["check", "totp-2fa"]).status.success());
    let small = peak_mib(&data, &["history", "--json"]);
    // Years of notes: 300,000 more events (about 50 MB of log) before the last change, written
    // a line at a time (this process must stay small: a child's peak counts the pages it shares
    // with its parent until it starts lockstep).
    {
        use std::io::Write;
        let f = fs::OpenOptions::new()
            .append(true)
            .open(data.join("history.jsonl"))
            .unwrap();
        let mut w = std::io::BufWriter::new(f);
        for i in 0..300_000 {
            writeln!(
                w,
                "{{\"account\":\"default\",\"at\":\"2099-01-01T00:00:00Z\",\"what\":{{\"event\":\
                 \"step_note\",\"step\":\"totp-2fa\",\"text\":\"note {i}: moved funds to cold \
                 storage, checked the devices list\"}}}}"
            )
            .unwrap();
        }
    }
    let mb = fs::metadata(data.join("history.jsonl")).unwrap().len() >> 20;
    assert!(run(&data, &["check", "passkeys"]).status.success());
    for args in [
        &["history", "--json"][..],
        &["history"],
        &["status"],
        &["check", "lock-switch"],
    ] {
        let big = peak_mib(&data, args);
        assert!(
            big < small + 8.0,
            "{args:?}: {big:.1} MiB with a {mb} MB log, {small:.1} MiB with a small one"
        );
    }
    let o = run(&data, &["history", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 300_004);
    assert_eq!(v[0]["what"]["step"], "lock-switch", "newest first");
}
