//! The sandbox of the reminder tests (`tests/reminders_cli.rs`, `tests/reminders_calendar.rs`):
//! a temporary HOME, XDG_CONFIG_HOME and XDG_RUNTIME_DIR (with no session bus in it) and a
//! search path holding only fake `crontab` and `systemctl` programs, so no test touches the
//! machine's crontab, systemd directories or desktop; and the dated fixtures they share.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::{Days, Months, NaiveDate, Utc};
use serde_json::{Value, json};

pub const EXE: &str = env!("CARGO_BIN_EXE_lockstep");

pub struct Sandbox {
    pub _tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub bin: PathBuf,
    pub home: PathBuf,
    pub config: PathBuf,
    pub data: PathBuf,
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let bin = root.join("bin");
        let home = root.join("home");
        fs::create_dir_all(&bin).unwrap();
        fs::create_dir_all(&home).unwrap();
        Sandbox {
            config: home.join("config"),
            data: root.join("data"),
            bin,
            home,
            root,
            _tmp: tmp,
        }
    }

    /// lockstep with only the sandbox's HOME, XDG_CONFIG_HOME, XDG_RUNTIME_DIR (no bus there)
    /// and fake programs on PATH: no data directory, no XDG_DATA_HOME.
    pub fn bare(&self) -> Command {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.env_clear()
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", &self.config)
            .env("XDG_RUNTIME_DIR", self.root.join("run"))
            .env("PATH", &self.bin)
            .write_stdin("");
        c
    }

    /// [`Sandbox::bare`] on the data directory `dir`, in UTC (so `today()` is its date too).
    pub fn cmd_in(&self, dir: &Path, args: &[&str]) -> Command {
        let mut c = self.bare();
        c.env("TZ", "UTC").arg("--data-dir").arg(dir).args(args);
        c
    }

    /// [`Sandbox::cmd_in`] the sandbox's data directory.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.cmd_in(&self.data, args);
        c.env("XDG_DATA_HOME", self.root.join("xdg-data"));
        c
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.root.join("calls.log")).unwrap_or_default()
    }

    /// A fake program that logs its name and arguments, then runs `body`.
    pub fn script(&self, name: &str, body: &str) {
        let p = self.bin.join(name);
        let text = format!(
            "#!/bin/sh\nprintf '%s %s\\n' {name} \"$*\" >> '{}'\n{body}",
            self.root.join("calls.log").display()
        );
        fs::write(&p, text).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }

    pub fn crontab_store(&self) -> PathBuf {
        self.root.join("crontab.store")
    }

    /// A `crontab` that keeps the user's crontab in a file, like the real one.
    pub fn fake_crontab(&self) {
        self.script(
            "crontab",
            &format!(
                "store='{}'\n\
                 case \"$1\" in\n\
                 -l) if [ -f \"$store\" ]; then /bin/cat \"$store\"; else echo \"no crontab for tester\" >&2; exit 1; fi ;;\n\
                 -) /bin/cat > \"$store\" ;;\n\
                 -r) /bin/rm -f \"$store\" ;;\n\
                 *) echo \"usage: crontab\" >&2; exit 2 ;;\n\
                 esac\n",
                self.crontab_store().display()
            ),
        );
    }

    pub fn units(&self) -> PathBuf {
        self.config.join("systemd/user")
    }

    /// A `systemctl` whose user manager answers.
    pub fn fake_systemctl(&self) {
        let units = self.units();
        let active = self.root.join("timer.active");
        self.script("systemctl", &fake_systemctl(&units, &active));
    }

    pub fn state(&self) -> Value {
        serde_json::from_slice(&fs::read(self.data.join("state.json")).unwrap()).unwrap()
    }

    /// Starts setup through the CLI, then rewrites the account's dates in state.json.
    pub fn account(&self, edit: impl FnOnce(&mut Value)) {
        self.cmd(&["check", "totp-2fa"]).assert().success();
        let mut s = self.state();
        edit(&mut s["accounts"]["default"]);
        fs::write(
            self.data.join("state.json"),
            serde_json::to_vec_pretty(&s).unwrap(),
        )
        .unwrap();
    }
}

pub fn ago(days: u64) -> NaiveDate {
    today() - Days::new(days)
}

pub fn completion(date: NaiveDate) -> Value {
    json!({"at": format!("{date}T12:00:00Z"), "date": date})
}

/// Setup started 60 days ago; the monthly review done 40 days ago (overdue by about 10 days);
/// the quarterly review due in 5 days.
pub fn overdue_and_soon(a: &mut Value) {
    a["setup_started"] = json!(ago(60));
    a["reviews"] = json!({
        "monthly": {"completions": [completion(ago(40))]},
        "quarterly": {"completions": [completion((today() + Days::new(5)) - Months::new(3))]},
    });
}

/// The script of a fake `systemctl` whose user manager answers: `enable` links the timer into
/// `units` like the real one and marks it active (the file `active`), `show` says so.
pub fn fake_systemctl(units: &Path, active: &Path) -> String {
    format!(
        "units='{}'\nactive='{}'\n\
                 case \"$*\" in\n\
                 '--user daemon-reload') ;;\n\
                 '--user enable --now lockstep-notify.timer') /bin/mkdir -p \"$units/timers.target.wants\" && \
                 /bin/ln -sf \"$units/lockstep-notify.timer\" \"$units/timers.target.wants/lockstep-notify.timer\" && \
                 : > \"$active\" ;;\n\
                 '--user disable --now lockstep-notify.timer') /bin/rm -f \"$units/timers.target.wants/lockstep-notify.timer\" \"$active\" ;;\n\
                 '--user show lockstep-notify.timer '*) if [ -f \"$active\" ]; then \
                 printf 'ActiveState=active\\nUnitFileState=enabled\\nNextElapseUSecRealtime=Thu 2026-11-26 09:00:00 UTC\\n'; \
                 else printf 'ActiveState=inactive\\nUnitFileState=disabled\\nNextElapseUSecRealtime=\\n'; fi ;;\n\
                 *) echo \"unexpected: $*\" >&2; exit 9 ;;\n\
                 esac\n",
        units.display(),
        active.display()
    )
}
