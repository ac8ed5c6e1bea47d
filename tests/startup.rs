//! Start-up through the real binary: with any of stdin, stdout and stderr closed, nothing the
//! program prints can land in a file of the data directory (a file it opens never takes
//! descriptor 0, 1 or 2), and every file there still holds exactly what it must.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// Runs `lockstep --data-dir DIR ARGS` with the descriptors in `closed` (a bit each for 0, 1,
/// 2) closed, through `sh`'s `<&-` / `>&-`.
fn run_closed(dir: &Path, closed: u8, args: &[&str]) -> std::process::ExitStatus {
    let mut redirs = String::new();
    for fd in 0..3 {
        if closed & (1 << fd) != 0 {
            redirs.push_str(&format!(" {fd}<&-"));
        }
    }
    let script = format!("exec \"$0\" \"$@\"{redirs}");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_lockstep"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_clear()
        .env("HOME", dir.parent().unwrap())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .status()
        .unwrap()
}

/// Every file of the data directory holds what it must: JSON files parse, every line of the
/// history is one change (an id and its events), the lock holds a process id, and no file holds
/// printed text.
fn check_files(dir: &Path, what: &str) -> Vec<String> {
    let mut names = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let bytes = fs::read(e.path()).unwrap();
        let text =
            String::from_utf8(bytes).unwrap_or_else(|_| panic!("{what}: {name} is not UTF-8"));
        for printed in ["warning:", "lockstep:", "done:", "Done:", "Already done"] {
            assert!(
                !text.contains(printed),
                "{what}: {name} holds printed text {printed:?}:\n{text}"
            );
        }
        match name.as_str() {
            "history.jsonl" => {
                assert!(text.ends_with('\n'), "{what}: {name} ends mid-line");
                for line in text.lines() {
                    let v: serde_json::Value = serde_json::from_str(line)
                        .unwrap_or_else(|e| panic!("{what}: {name}: {e}: {line}"));
                    assert!(v["id"].is_string(), "{what}: {line}");
                    assert!(
                        v["events"][0]["what"]["event"].is_string(),
                        "{what}: {line}"
                    );
                }
            }
            "lock" => assert!(
                text.trim().is_empty() || text.trim().parse::<u32>().is_ok(),
                "{what}: the lock holds {text:?}"
            ),
            n if n.ends_with(".json") || n.ends_with(".json.bak") => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{what}: {name}: {e}"));
            }
            _ => panic!("{what}: unexpected file {name}"),
        }
        names.push(name);
    }
    names.sort();
    names
}

#[test]
fn closed_standard_descriptors_never_alias_a_data_file() {
    for closed in 0u8..8 {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        let what = format!("fds closed {closed:03b}");
        // A state to warn about: the directory at 0755 makes every command print a warning.
        assert!(run_closed(&dir, 0, &["check", "totp-2fa"]).success());
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let status = run_closed(&dir, closed, &["check", "lock-switch"]);
        assert!(status.code().is_some(), "{what}: killed by a signal");
        let names = check_files(&dir, &what);
        for must in ["history.jsonl", "lock", "state.json"] {
            assert!(
                names.iter().any(|n| n == must),
                "{what}: no {must}: {names:?}"
            );
        }
        // The change itself was saved, whatever could be printed.
        let state: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join("state.json")).unwrap()).unwrap();
        let steps = &state["accounts"]["default"]["steps"];
        assert_eq!(steps["lock-switch"]["status"]["state"], "done", "{what}");
        assert_eq!(steps["totp-2fa"]["status"]["state"], "done", "{what}");
    }
}
