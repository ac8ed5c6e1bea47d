//! The pseudo-terminal of the end-to-end tests (`tests/pty.rs`, `tests/pty_journeys.rs`): the
//! real binary run by a shell in a pty (expectrl), its screen read back through vt100, and the
//! files it leaves.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;
use expectrl::process::unix::{PtyStream, UnixProcess};

pub type Pty = Session<UnixProcess, PtyStream>;

pub struct Term {
    pub pty: Pty,
    pub parser: vt100::Parser,
    pub raw: Vec<u8>,
}

impl Term {
    pub fn start(data: &Path, extra_env: &[(&str, &str)]) -> Term {
        Self::start_wrapped(data, extra_env, &[])
    }

    /// Like `start`, with `prefix` (e.g. strace and its options) before the lockstep binary.
    pub fn start_wrapped(data: &Path, extra_env: &[(&str, &str)], prefix: &[&str]) -> Term {
        // A shell runs lockstep, then prints the terminal settings and lockstep's exit code, so
        // the test sees what a user's shell would get back.
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(r#"b=$(stty -g); "$@"; rc=$?; a=$(stty -g); echo; echo "STTY: $b $a $(stty -a | tr '\n' ' ')"; echo "RC=$rc"; sleep 0.2"#)
            .arg("sh")
            .args(prefix)
            .arg(env!("CARGO_BIN_EXE_lockstep"))
            .arg("--data-dir")
            .arg(data).env("TERM", "xterm-256color").env_remove("NO_COLOR");
        cmd.env("XDG_CONFIG_HOME", data.join("config"));
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let pty = Session::spawn(cmd).expect("spawn in a pty");
        Term {
            pty,
            parser: vt100::Parser::default(),
            raw: Vec::new(),
        }
    }

    pub fn pump(&mut self) {
        let mut buf = [0u8; 8192];
        loop {
            match self.pty.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    self.parser.process(&buf[..n]);
                    self.raw.extend_from_slice(&buf[..n]);
                }
                Err(_) => break,
            }
        }
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// The screen once lockstep has had time to react (for asserting what is NOT shown).
    pub fn settled_screen(&mut self) -> String {
        std::thread::sleep(Duration::from_millis(300));
        self.pump();
        self.screen()
    }

    pub fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            self.pump();
            if self.screen().contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A new user's first screens: pick the checklist (Crypto.com is preselected), then personas.
    pub fn first_run(&mut self) {
        self.wait_for("Choose a checklist");
        // Crypto.com is preselected (waited for: a loaded machine may draw the list a frame later).
        self.wait_for("> Crypto.com account hardening");
        self.send("\r");
        self.wait_for("Tailor the checklist");
    }

    /// First run with the defaults (Crypto.com, no persona), up to the dashboard.
    pub fn open_dashboard(&mut self) {
        self.first_run();
        self.send("\r");
        self.wait_for("Hardening score");
    }

    pub fn send(&mut self, s: &str) {
        use std::io::Write;
        self.pty.write_all(s.as_bytes()).unwrap();
        self.pty.flush().unwrap();
    }

    /// The pid of lockstep itself (the child of the wrapping shell; not meaningful when wrapped).
    pub fn pid(&self) -> i32 {
        let sh = self.pty.get_process().pid().as_raw();
        let children = std::fs::read_to_string(format!("/proc/{sh}/task/{sh}/children")).unwrap();
        children
            .split_whitespace()
            .next()
            .expect("lockstep runs")
            .parse()
            .unwrap()
    }

    /// Waits for lockstep to exit, draining output; returns its exit code (as the shell saw it).
    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            self.pump();
            let raw = String::from_utf8_lossy(&self.raw).to_string();
            if let Some(i) = raw.find("RC=") {
                let code: String = raw[i + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if !code.is_empty() && raw[i + 3 + code.len()..].contains('\n') {
                    return code.parse().unwrap();
                }
            }
            assert!(
                Instant::now() < deadline,
                "did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The `stty -a` line printed by the shell after lockstep exited.
    pub fn stty(&self) -> String {
        let raw = String::from_utf8_lossy(&self.raw);
        let i = raw.find("STTY: ").expect("stty output");
        raw[i..].lines().next().unwrap().to_string()
    }

    /// The terminal is back to normal: alternate screen left, cursor shown, echo/canonical mode back.
    pub fn assert_restored(&self) {
        assert!(
            !self.parser.screen().alternate_screen(),
            "still in the alternate screen"
        );
        assert!(!self.parser.screen().hide_cursor(), "cursor still hidden");
        let raw = String::from_utf8_lossy(&self.raw);
        assert!(
            raw.contains("\x1b[?1049l"),
            "never left the alternate screen"
        );
        assert!(
            raw.contains("\x1b[?1000l") || raw.contains("\x1b[?1006l"),
            "mouse capture not disabled"
        );
        let stty = self.stty();
        let mut parts = stty.split_whitespace().skip(1);
        let (before, after) = (parts.next().unwrap(), parts.next().unwrap());
        assert_eq!(
            before, after,
            "stty settings differ after lockstep exited: {stty}"
        );
        for flag in [" icanon ", " isig ", " icrnl ", " opost "] {
            assert!(
                stty.contains(flag),
                "terminal setting{flag}not restored: {stty}"
            );
        }
    }
}

pub fn state(data: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(data.join("state.json")).unwrap()).unwrap()
}

/// Every file of the data directory with its bytes (the lock file included).
pub fn snapshot(data: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// `lockstep` in another process with the same data directory.
pub fn cli(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .arg("--data-dir")
        .arg(data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .args(args)
        .output()
        .unwrap()
}
