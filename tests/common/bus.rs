//! A private D-Bus session bus (a real `dbus-daemon`) and a logging notification server on it
//! (`tests/fixtures/notification_server.py`, on python3-dbus), for the notification tests.
//! Nothing here touches the desktop session of whoever runs the tests: the bus listens in a
//! temporary directory, and activates nothing but what a test puts there.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The Python that has Debian's python3-dbus and python3-gi (not a virtualenv's).
const PYTHON: &str = "/usr/bin/python3";

fn server_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notification_server.py")
}

/// True when `dbus-daemon` and a Python with python3-dbus and python3-gi are installed. When
/// not: a failure under `CI=true` (`.ci/run` installs them), else false with a note (skip).
pub fn available() -> bool {
    if super::tool("dbus-daemon", "dbus-daemon").is_none() {
        return false;
    }
    let ok = Command::new(PYTHON)
        .args([
            "-c",
            "import dbus, dbus.service, dbus.mainloop.glib; from gi.repository import GLib",
        ])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{PYTHON} cannot import dbus and gi under CI=true: .ci/run must install python3-dbus \
             and python3-gi"
        );
        eprintln!(
            "SKIPPED: {PYTHON} lacks python3-dbus or python3-gi (apt-get install python3-dbus python3-gi)"
        );
    }
    ok
}

/// A session bus of its own, and at most one notification server on it.
pub struct Bus {
    _tmp: tempfile::TempDir,
    /// The directory that plays `XDG_RUNTIME_DIR`: the bus socket is `run/bus` (when listening
    /// on a path).
    pub run: PathBuf,
    /// What `DBUS_SESSION_BUS_ADDRESS` would hold.
    pub address: String,
    /// Where the server logs each Notify call, one JSON object a line.
    pub log: PathBuf,
    daemon: Child,
    server: Option<Child>,
}

fn config(listen: &str, services: &Path) -> String {
    format!(
        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n \
         \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n\
         <busconfig>\n  <type>session</type>\n  <listen>{listen}</listen>\n  <auth>EXTERNAL</auth>\n  \
         <servicedir>{}</servicedir>\n  <policy context=\"default\">\n    \
         <allow send_destination=\"*\" eavesdrop=\"true\"/>\n    <allow eavesdrop=\"true\"/>\n    \
         <allow own=\"*\"/>\n  </policy>\n</busconfig>\n",
        services.display()
    )
}

impl Bus {
    /// A bus listening on the socket `run/bus`; None when the tools are missing (see
    /// [`available`]).
    pub fn start() -> Option<Bus> {
        Bus::start_on(|run| format!("unix:path={}", run.join("bus").display()))
    }

    /// A bus listening on a Linux abstract socket (as `dbus-launch` sessions often do).
    pub fn start_abstract() -> Option<Bus> {
        Bus::start_on(|run| format!("unix:abstract={}", run.join("abstract-bus").display()))
    }

    fn start_on(listen: impl FnOnce(&Path) -> String) -> Option<Bus> {
        if !available() {
            return None;
        }
        let tmp = tempfile::tempdir().unwrap();
        let run = tmp.path().join("run");
        let services = tmp.path().join("services");
        fs::create_dir_all(&run).unwrap();
        fs::create_dir_all(&services).unwrap();
        let conf = tmp.path().join("bus.conf");
        fs::write(&conf, config(&listen(&run), &services)).unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", conf.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts");
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        assert!(
            address.starts_with("unix:"),
            "dbus-daemon printed {address:?}"
        );
        Some(Bus {
            address: address.trim().to_owned(),
            log: tmp.path().join("notify.log"),
            run,
            daemon,
            server: None,
            _tmp: tmp,
        })
    }

    fn server_args(&self, markup: bool, name: &str) -> Vec<String> {
        let mut args = vec![
            server_script().display().to_string(),
            self.log.display().to_string(),
            "--name".into(),
            name.into(),
        ];
        if !markup {
            args.push("--no-markup".into());
        }
        args
    }

    /// Starts the logging notification server (announcing `body-markup` or not, calling itself
    /// `name`) and waits until it owns its name. One at a time: a running one is stopped first.
    pub fn serve(&mut self, markup: bool, name: &str) {
        self.stop_server();
        let mut child = Command::new(PYTHON)
            .args(self.server_args(markup, name))
            .env_clear()
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the notification server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "the notification server did not start"
        );
        self.server = Some(child);
    }

    /// Lets the bus start the server itself when a notification is sent (D-Bus activation, as
    /// desktops without a resident notification server do).
    pub fn activatable(&self, name: &str) {
        let exec: Vec<String> = std::iter::once(PYTHON.to_string())
            .chain(self.server_args(true, name))
            .collect();
        fs::write(
            self.run
                .parent()
                .unwrap()
                .join("services/notifications.service"),
            format!(
                "[D-BUS Service]\nName=org.freedesktop.Notifications\nExec={}\n",
                exec.join(" ")
            ),
        )
        .unwrap();
    }

    /// Stops the notification server (the bus stays).
    pub fn stop_server(&mut self) {
        if let Some(mut c) = self.server.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Every Notify call the server received so far.
    pub fn calls(&self) -> Vec<Value> {
        fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        self.stop_server();
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}
