//! Helpers for the tests that drive the binary on one data directory: run a command, read its
//! JSON, a step's status, how often the history holds an event.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// `lockstep --data-dir DATA`, with no user checklists and no account from the environment.
pub fn lockstep(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lockstep"));
    c.arg("--data-dir").arg(data);
    c.env("XDG_CONFIG_HOME", data.with_extension("config"));
    c.env_remove("LOCKSTEP_ACCOUNT");
    c
}

pub fn run(data: &Path, args: &[&str]) -> Output {
    lockstep(data).args(args).output().unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn json(data: &Path, args: &[&str]) -> Value {
    let o = run(data, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Every event of the default account's history, oldest first, as (event kind, step).
pub fn events(data: &Path) -> Vec<(String, String)> {
    let h = json(data, &["history", "--json"]);
    let mut v: Vec<_> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["what"]["event"].as_str().unwrap().to_string(),
                e["what"]["step"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.reverse();
    v
}

pub fn count(data: &Path, kind: &str, step: &str) -> usize {
    events(data)
        .iter()
        .filter(|(k, s)| k == kind && s == step)
        .count()
}

pub fn status_of(data: &Path, step: &str) -> String {
    let s = json(data, &["status", "--json"]);
    for sec in s["sections"].as_array().unwrap() {
        for st in sec["steps"].as_array().unwrap() {
            if st["id"] == step {
                return st["status"].as_str().unwrap().to_string();
            }
        }
    }
    panic!("no step {step} in {s}")
}

/// Every file of a directory (but the lock, which any writer may create) with its bytes.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_name() != "lock")
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        fs::read(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Copies the version 2 data directory `tests/fixtures/v2/NAME` to `to`.
#[allow(dead_code)]
pub fn copy_fixture(name: &str, to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/v2")
        .join(name);
    fs::create_dir_all(to).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(to, fs::Permissions::from_mode(0o700)).unwrap();
    // lockstep wrote these files at 0600; a git checkout gives them 0644, which would add a
    // (correct) permission warning to every command run on the copy.
    for e in fs::read_dir(from).unwrap().flatten() {
        let copy = to.join(e.file_name());
        fs::copy(e.path(), &copy).unwrap();
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o600)).unwrap();
    }
}
