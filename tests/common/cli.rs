//! The sandbox of the command-line tests (`tests/cli.rs`, `tests/cli_storage.rs`,
//! `tests/worst_cli.rs`): a data and a
//! config directory of their own, a HOME and nothing else from the environment.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;

pub struct Env {
    pub _tmp: tempfile::TempDir,
    pub data: PathBuf,
    pub config: PathBuf,
}

pub fn env() -> Env {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let config = tmp.path().join("config");
    Env {
        data,
        config,
        _tmp: tmp,
    }
}

impl Env {
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.env_clear()
            .env("HOME", self._tmp.path())
            .env("XDG_CONFIG_HOME", &self.config)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .arg("--data-dir")
            .arg(&self.data)
            .args(args);
        c
    }
    /// The standard output of a command that must succeed.
    pub fn stdout(&self, args: &[&str]) -> String {
        let out = self
            .cmd(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    }
    pub fn state(&self) -> serde_json::Value {
        serde_json::from_slice(&fs::read(self.data.join("state.json")).unwrap()).unwrap()
    }
    /// Moves an account's setup start `days` back, so its reviews (first due one interval after
    /// setup started) are due: 100 days makes the monthly and the quarterly review overdue.
    pub fn start_setup_days_ago(&self, account: &str, days: u64) {
        let mut s = self.state();
        let start = chrono::Local::now().date_naive() - chrono::Days::new(days);
        s["accounts"][account]["setup_started"] = serde_json::json!(start);
        fs::write(
            self.data.join("state.json"),
            serde_json::to_vec_pretty(&s).unwrap(),
        )
        .unwrap();
    }
}
