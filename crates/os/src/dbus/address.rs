//! Where the user's session bus is: `DBUS_SESSION_BUS_ADDRESS` when set, else
//! `$XDG_RUNTIME_DIR/bus`, else `/run/user/UID/bus`, the order desktop tools (sd-bus, GDBus)
//! follow. A job run by cron has neither variable, so the last one is how it finds the bus of the
//! user's desktop session.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

/// One socket a bus listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A socket file (`unix:path=`).
    Path(PathBuf),
    /// A Linux abstract socket (`unix:abstract=`), named without the leading NUL.
    Abstract(Vec<u8>),
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Path(p) => write!(f, "unix:path={}", p.display()),
            Address::Abstract(n) => write!(f, "unix:abstract={}", String::from_utf8_lossy(n)),
        }
    }
}

/// A session bus found, and how (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionBus {
    /// Tried in order until one connects.
    pub addresses: Vec<Address>,
    /// Where the addresses came from, e.g. "$XDG_RUNTIME_DIR/bus".
    pub found_in: String,
}

/// Undoes the `%XX` escapes of an address value.
fn unescape(v: &str) -> Option<Vec<u8>> {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The unix socket addresses of a D-Bus address list (`;`-separated), in order; the ones that
/// cannot be used here (tcp, launchd, autolaunch, abstract sockets outside Linux) are left out.
pub fn parse(list: &str) -> Vec<Address> {
    use std::os::unix::ffi::OsStringExt;
    let mut out = Vec::new();
    for entry in list.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let Some(("unix", keys)) = entry.split_once(':') else {
            continue;
        };
        for kv in keys.split(',') {
            match kv.split_once('=').map(|(k, v)| (k, unescape(v))) {
                Some(("path", Some(p))) => {
                    out.push(Address::Path(PathBuf::from(OsString::from_vec(p))));
                }
                Some(("abstract", Some(n))) if cfg!(target_os = "linux") => {
                    out.push(Address::Abstract(n));
                }
                _ => {}
            }
        }
    }
    out
}

/// Finds the session bus from the environment (`var` reads a variable) and the user id `uid`.
/// Err says why there is none.
pub fn session_bus(var: &dyn Fn(&str) -> Option<OsString>, uid: u32) -> Result<SessionBus, String> {
    if let Some(list) = var("DBUS_SESSION_BUS_ADDRESS").filter(|v| !v.is_empty()) {
        let text = list.to_string_lossy();
        let addresses = parse(&text);
        if addresses.is_empty() {
            return Err(format!(
                "DBUS_SESSION_BUS_ADDRESS ({text}) names no unix socket lockstep can use"
            ));
        }
        return Ok(SessionBus {
            addresses,
            found_in: "DBUS_SESSION_BUS_ADDRESS".into(),
        });
    }
    let (dir, found_in) = match var("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_absolute())
    {
        Some(d) => (d, "$XDG_RUNTIME_DIR/bus".to_string()),
        None => (
            PathBuf::from(format!("/run/user/{uid}")),
            format!("/run/user/{uid}/bus"),
        ),
    };
    let socket = dir.join("bus");
    if is_socket(&socket) {
        Ok(SessionBus {
            addresses: vec![Address::Path(socket)],
            found_in,
        })
    } else {
        Err(format!(
            "no session bus: DBUS_SESSION_BUS_ADDRESS is unset and {} is not a socket (no desktop \
             session of this user is running)",
            socket.display()
        ))
    }
}

/// The session bus of this process's environment and user.
pub fn session_bus_here() -> Result<SessionBus, String> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    session_bus(&|k| std::env::var_os(k), uid)
}

/// The runtime directory a crontab line has to give the job (cron passes no `XDG_RUNTIME_DIR`):
/// this session's, when its `bus` is a socket and it is not `/run/user/UID`, where the job looks
/// anyway. None when the job finds the bus by itself.
pub fn runtime_dir_for_cron(var: &dyn Fn(&str) -> Option<OsString>, uid: u32) -> Option<PathBuf> {
    let dir = var("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_absolute())?;
    let standard = PathBuf::from(format!("/run/user/{uid}"));
    (dir != standard && is_socket(&dir.join("bus"))).then_some(dir)
}

/// [`runtime_dir_for_cron`] of this process's environment and user.
pub fn runtime_dir_for_cron_here() -> Option<PathBuf> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    runtime_dir_for_cron(&|k| std::env::var_os(k), uid)
}

fn is_socket(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(p).is_ok_and(|m| m.file_type().is_socket())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let m: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn addresses_parse_with_escapes_and_skip_what_cannot_be_used() {
        let a = parse(
            "tcp:host=localhost,port=1;unix:path=/run/user/1000/bus,guid=ab; \
             unix:abstract=/tmp/dbus-X%3bY,guid=1;autolaunch:",
        );
        let mut want = vec![Address::Path("/run/user/1000/bus".into())];
        if cfg!(target_os = "linux") {
            want.push(Address::Abstract(b"/tmp/dbus-X;Y".to_vec()));
        }
        assert_eq!(a, want);
        assert!(parse("unix:path=/bad%zz").is_empty());
        assert!(parse("").is_empty());
    }

    #[test]
    fn the_variable_wins_then_the_runtime_dir_then_run_user() {
        let bus = session_bus(
            &vars(&[
                ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/x/bus"),
                ("XDG_RUNTIME_DIR", "/y"),
            ]),
            1000,
        )
        .unwrap();
        assert_eq!(bus.addresses, [Address::Path("/x/bus".into())]);
        let e = session_bus(&vars(&[("DBUS_SESSION_BUS_ADDRESS", "tcp:host=h")]), 1).unwrap_err();
        assert!(e.contains("names no unix socket"), "{e}");

        // A runtime directory with a bus socket in it, then one without.
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("bus");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let run = dir.path().to_str().unwrap();
        let bus = session_bus(&vars(&[("XDG_RUNTIME_DIR", run)]), 1000).unwrap();
        assert_eq!(bus.addresses, [Address::Path(sock.clone())]);
        assert_eq!(bus.found_in, "$XDG_RUNTIME_DIR/bus");
        // An empty variable counts as unset.
        let bus = session_bus(
            &vars(&[("DBUS_SESSION_BUS_ADDRESS", ""), ("XDG_RUNTIME_DIR", run)]),
            1000,
        )
        .unwrap();
        assert_eq!(bus.addresses, [Address::Path(sock)]);
        let empty = tempfile::tempdir().unwrap();
        let e = session_bus(
            &vars(&[("XDG_RUNTIME_DIR", empty.path().to_str().unwrap())]),
            1000,
        )
        .unwrap_err();
        assert!(e.contains("is not a socket"), "{e}");

        // Under cron neither variable is set: the user's /run/user/UID/bus.
        let e = session_bus(&vars(&[("XDG_RUNTIME_DIR", "relative")]), 4_000_000_001).unwrap_err();
        assert!(
            e.contains("/run/user/4000000001/bus is not a socket"),
            "{e}"
        );
    }

    #[test]
    fn a_crontab_line_names_the_runtime_dir_only_when_the_job_would_not_find_it() {
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().to_str().unwrap();
        assert_eq!(
            runtime_dir_for_cron(&vars(&[("XDG_RUNTIME_DIR", run)]), 1000),
            None,
            "no bus in it"
        );
        let _listener = std::os::unix::net::UnixListener::bind(dir.path().join("bus")).unwrap();
        assert_eq!(
            runtime_dir_for_cron(&vars(&[("XDG_RUNTIME_DIR", run)]), 1000),
            Some(dir.path().to_path_buf())
        );
        assert_eq!(runtime_dir_for_cron(&vars(&[]), 1000), None);
        assert_eq!(
            runtime_dir_for_cron(&vars(&[("XDG_RUNTIME_DIR", "/run/user/1000")]), 1000),
            None,
            "the job looks there by itself"
        );
    }
}
