//! The writer lock: one lockstep changes a data directory at a time. A writer waits a little for
//! the lock (scripts run commands back to back); a refusal always names the holder's pid.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use super::StoreError;

/// How long to wait for the holder to write its pid before reporting it as unknown.
const PID_WAIT: Duration = Duration::from_millis(500);

/// Takes the lock on `lock_path`, waiting up to `wait` for another writer to finish.
pub fn acquire(lock_path: &Path, dir: &Path, wait: Duration) -> Result<File, StoreError> {
    let write_err = |e: io::Error| StoreError::Write {
        file: lock_path.display().to_string(),
        dir: dir.display().to_string(),
        source: e,
    };
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    let mut lock = crate::sys::no_block(crate::sys::private_file(&mut o))
        .open(lock_path)
        .map_err(write_err)?;
    let start = Instant::now();
    loop {
        match lock.try_lock() {
            Ok(()) => break,
            Err(fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked {
                    dir: dir.display().to_string(),
                    pid: holder(lock_path),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(write_err(e)),
        }
    }
    // Written over the last holder's pid in place, padded to one width (any u32 fits), rather
    // than truncating first: a truncation is a journaled change of the file's size on every save.
    let pid = format!("{:<10}\n", std::process::id());
    lock.write_all(pid.as_bytes()).map_err(write_err)?;
    Ok(lock)
}

/// The pid written by the holder. A holder writes it right after taking the lock, so an empty
/// file (a lock file never used) means "just taken": look again for a moment rather than report
/// no pid.
fn holder(lock_path: &Path) -> String {
    let start = Instant::now();
    loop {
        let pid = fs::read_to_string(lock_path)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
        match pid {
            Some(p) => return p,
            None if start.elapsed() < PID_WAIT => std::thread::sleep(Duration::from_millis(5)),
            None => return "unknown: it has not written its pid".into(),
        }
    }
}
