//! State storage (SPEC §2): the data directory, crash-safe atomic saves, the writer lock, and safe loading.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::state::{STATE_VERSION, State};

pub const STATE_FILE: &str = "state.json";
pub const BACKUP_FILE: &str = "state.json.bak";
pub const LOCK_FILE: &str = "lock";
const TEMP_PREFIX: &str = ".state.json.tmp.";

/// Where lockstep keeps its files.
#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: Option<PathBuf>,
}

impl Paths {
    /// `--data-dir` wins; otherwise the XDG data dir (`$XDG_DATA_HOME/lockstep`).
    pub fn resolve(data_dir: Option<PathBuf>) -> Result<Paths, StoreError> {
        let dirs = directories::ProjectDirs::from("", "", "lockstep");
        let data_dir = match data_dir {
            Some(d) => d,
            None => dirs
                .as_ref()
                .map(|d| d.data_dir().to_path_buf())
                .ok_or(StoreError::NoHome)?,
        };
        Ok(Paths {
            data_dir,
            config_dir: dirs.map(|d| d.config_dir().to_path_buf()),
        })
    }

    pub fn state_file(&self) -> PathBuf {
        self.data_dir.join(STATE_FILE)
    }

    /// `$XDG_CONFIG_HOME/lockstep/checklists`, where users put their own checklists.
    pub fn user_checklists(&self) -> Option<PathBuf> {
        self.config_dir.as_ref().map(|d| d.join("checklists"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot find a home directory; pass --data-dir DIR")]
    NoHome,
    #[error(
        "{file}:{line}:{column}: {detail}\n\
         lockstep will not overwrite this file, so nothing in it is lost. To recover: fix the file \
         by hand, or restore the previous save with `cp {backup} {file}` if it exists, or move the \
         file aside (`mv {file} {file}.broken`) to start afresh."
    )]
    Corrupt {
        file: String,
        backup: String,
        line: usize,
        column: usize,
        detail: String,
    },
    #[error(
        "{file} was written by a newer lockstep (state version {found}; this one reads {STATE_VERSION}). \
         Upgrade lockstep; the file was left untouched."
    )]
    TooNew { file: String, found: u32 },
    #[error("cannot read {file}: {source}")]
    Read { file: String, source: io::Error },
    #[error("cannot create the data directory {dir}: {source}")]
    CreateDir { dir: String, source: io::Error },
    #[error(
        "cannot save {file}: {source}. The previously saved state is intact; \
         free some disk space or fix the permissions of {dir}, then try again."
    )]
    Write {
        file: String,
        dir: String,
        source: io::Error,
    },
    #[error(
        "another lockstep{pid} is changing {dir}. Close it (or wait for it to finish) and try again; \
         read-only commands like `lockstep status` and `lockstep due` still work."
    )]
    Locked { dir: String, pid: String },
}

/// Outcome of reading the state.
#[derive(Debug)]
pub struct Loaded {
    pub state: State,
    /// True when no state file existed yet.
    pub fresh: bool,
    /// Non-fatal findings (loose permissions ...), to print on stderr.
    pub warnings: Vec<String>,
}

/// Parses state file text. Never panics on arbitrary input.
pub fn parse_state(file: &Path, text: &[u8]) -> Result<State, StoreError> {
    let name = file.display().to_string();
    let backup = file.with_file_name(BACKUP_FILE).display().to_string();
    let corrupt = |line, column, detail: String| StoreError::Corrupt {
        file: name.clone(),
        backup: backup.clone(),
        line,
        column,
        detail,
    };
    if text.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(corrupt(
            1,
            1,
            "starts with a byte-order mark (BOM); an editor saved it as \"UTF-8 with BOM\"".into(),
        ));
    }
    let s = match std::str::from_utf8(text) {
        Ok(s) => s,
        Err(e) => {
            let (line, column) = crate::jsonpos::utf8_error_at(text, e.valid_up_to());
            return Err(corrupt(
                line,
                column,
                "not valid UTF-8 (the file is damaged)".into(),
            ));
        }
    };
    if s.trim().is_empty() {
        return Err(corrupt(1, 1, "the file is empty (a save was interrupted by something outside lockstep, or it was truncated)".into()));
    }
    let parsed = crate::jsonpos::from_str::<State>(s);
    // A newer format gets its own message (checked only on failure: it costs a second parse).
    #[derive(serde::Deserialize)]
    struct VersionOnly {
        version: Option<u32>,
    }
    let too_new = || match serde_json::from_str::<VersionOnly>(s) {
        Ok(VersionOnly { version: Some(v) }) if v > STATE_VERSION => Some(v),
        _ => None,
    };
    if let Err(_) = &parsed
        && let Some(found) = too_new()
    {
        return Err(StoreError::TooNew { file: name, found });
    }
    match parsed {
        Ok(state) if state.version == STATE_VERSION => Ok(state),
        Ok(state) if state.version > STATE_VERSION => Err(StoreError::TooNew {
            file: name,
            found: state.version,
        }),
        Ok(state) => Err(corrupt(
            1,
            1,
            format!("version: unsupported state version {}", state.version),
        )),
        Err(e) => {
            let detail = if e.path.is_empty() {
                e.message
            } else {
                format!("{}: {}", e.path, e.message)
            };
            let detail = if e.eof {
                format!("{detail} (the file is truncated)")
            } else {
                detail
            };
            Err(corrupt(e.line, e.column, detail))
        }
    }
}

fn mode_warning(path: &Path, want: u32) -> Option<String> {
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & !want != 0).then(|| {
        format!(
            "warning: {} has permissions {mode:o}, looser than {want:o}; run `chmod {want:o} {}`",
            path.display(),
            path.display()
        )
    })
}

/// Reads the state without taking the lock (for read-only commands). A missing file is a fresh state.
pub fn load(paths: &Paths) -> Result<Loaded, StoreError> {
    let file = paths.state_file();
    let mut warnings = Vec::new();
    match fs::read(&file) {
        Ok(bytes) => {
            warnings.extend(mode_warning(&paths.data_dir, 0o700));
            warnings.extend(mode_warning(&file, 0o600));
            Ok(Loaded {
                state: parse_state(&file, &bytes)?,
                fresh: false,
                warnings,
            })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Loaded {
            state: State::default(),
            fresh: true,
            warnings,
        }),
        Err(e) => Err(StoreError::Read {
            file: file.display().to_string(),
            source: e,
        }),
    }
}

/// Test hook: `LOCKSTEP_FAULT=enospc|eio` makes saves fail half-way through writing the temp file.
/// Only with the `test-hooks` feature (the tests enable it): a normal build ignores the variable.
fn injected_fault() -> Option<io::Error> {
    if !cfg!(feature = "test-hooks") {
        return None;
    }
    match std::env::var("LOCKSTEP_FAULT").ok()?.as_str() {
        "enospc" => Some(io::Error::from_raw_os_error(28)),
        "eio" => Some(io::Error::from_raw_os_error(5)),
        _ => None,
    }
}

/// Writes `bytes` to `dir/name` atomically: temp file in the same dir (0600), fsync, keep the old
/// file as the backup, rename over, fsync the directory. On any error the old file is intact.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let target = dir.join(name);
    let tmp = dir.join(format!("{TEMP_PREFIX}{}", std::process::id()));
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        if let Some(fault) = injected_fault() {
            f.write_all(&bytes[..bytes.len() / 2])?;
            return Err(fault);
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        if name == STATE_FILE && target.exists() {
            let bak = dir.join(BACKUP_FILE);
            let _ = fs::remove_file(&bak);
            let _ = fs::hard_link(&target, &bak);
        }
        fs::rename(&tmp, &target)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates the data directory (0700) if needed.
pub fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| StoreError::CreateDir {
            dir: dir.display().to_string(),
            source: e,
        })
}

/// Nesting depth up to which the state file is indented; deeper values (one history event, one
/// step's status, one review) are written on a single line. Readable and hand-editable, with
/// useful line numbers in errors, at about half the size of fully indented JSON.
const PRETTY_DEPTH: usize = 4;

/// JSON formatter: indented like `to_vec_pretty` down to `PRETTY_DEPTH`, compact below.
struct LayeredFormatter {
    depth: usize,
    has_value: bool,
}

impl LayeredFormatter {
    fn newline<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn begin<W: ?Sized + Write>(&mut self, w: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, w: &mut W, close: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value && self.depth < PRETTY_DEPTH {
            self.newline(w, self.depth)?;
        }
        w.write_all(close)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.depth <= PRETTY_DEPTH {
            self.newline(w, self.depth)?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for LayeredFormatter {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.depth <= PRETTY_DEPTH {
            b": "
        } else {
            b":"
        })
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Serialises the state in the on-disk layout (see [`LayeredFormatter`]), ending with a newline.
pub fn to_json(state: &State) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    let fmt = LayeredFormatter {
        depth: 0,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    serde::Serialize::serialize(state, &mut ser).expect("state always serialises");
    out.push(b'\n');
    out
}

/// A writer's handle on the state: holds the lock until dropped.
#[derive(Debug)]
pub struct Store {
    paths: Paths,
    _lock: File,
}

impl Store {
    /// Takes the writer lock (failing at once if another lockstep holds it), sweeps stale temp
    /// files, and loads the state.
    pub fn open(paths: &Paths) -> Result<(Store, Loaded), StoreError> {
        ensure_dir(&paths.data_dir)?;
        let dir = paths.data_dir.display().to_string();
        let lock_path = paths.data_dir.join(LOCK_FILE);
        let write_err = |e: io::Error| StoreError::Write {
            file: lock_path.display().to_string(),
            dir: dir.clone(),
            source: e,
        };
        let mut lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&lock_path)
            .map_err(write_err)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let pid = fs::read_to_string(&lock_path)
                    .ok()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .map(|p| format!(" (pid {p})"))
                    .unwrap_or_default();
                return Err(StoreError::Locked { dir, pid });
            }
            Err(fs::TryLockError::Error(e)) => return Err(write_err(e)),
        }
        lock.set_len(0).map_err(write_err)?;
        write!(lock, "{}", std::process::id()).map_err(write_err)?;
        sweep_temps(&paths.data_dir);
        let loaded = load(paths)?;
        Ok((
            Store {
                paths: paths.clone(),
                _lock: lock,
            },
            loaded,
        ))
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Saves the state atomically.
    pub fn save(&self, state: &State) -> Result<(), StoreError> {
        let bytes = to_json(state);
        write_atomic(&self.paths.data_dir, STATE_FILE, &bytes).map_err(|e| StoreError::Write {
            file: self.paths.state_file().display().to_string(),
            dir: self.paths.data_dir.display().to_string(),
            source: e,
        })
    }
}

/// Removes temp files left by a process that died mid-save (only called while holding the lock).
fn sweep_temps(dir: &Path) {
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Account, DEFAULT_ACCOUNT};
    use chrono::Utc;

    fn paths(dir: &Path) -> Paths {
        Paths {
            data_dir: dir.join("data"),
            config_dir: None,
        }
    }

    #[test]
    fn save_and_reload_with_private_permissions() {
        let t = tempfile::tempdir().unwrap();
        let p = paths(t.path());
        let (store, loaded) = Store::open(&p).unwrap();
        assert!(loaded.fresh);
        let mut s = loaded.state;
        s.accounts.insert(
            DEFAULT_ACCOUNT.into(),
            Account::new("crypto-com", Utc::now()),
        );
        store.save(&s).unwrap();
        store.save(&s).unwrap();
        let mode = |f: &Path| fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p.data_dir), 0o700);
        assert_eq!(mode(&p.state_file()), 0o600);
        assert_eq!(mode(&p.data_dir.join(BACKUP_FILE)), 0o600);
        let back = load(&p).unwrap();
        assert_eq!(back.state, s);
        assert!(back.warnings.is_empty());
        fs::set_permissions(p.state_file(), fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&p).unwrap().warnings[0].contains("looser than 600"));
    }

    #[test]
    fn state_file_layout_is_indented_then_one_line_per_item() {
        let mut s = State::default();
        let mut a = Account::new("crypto-com", chrono::DateTime::UNIX_EPOCH);
        a.history.push(crate::state::Event {
            at: chrono::DateTime::UNIX_EPOCH,
            kind: crate::state::EventKind::StepDone {
                step: "totp-2fa".into(),
            },
        });
        s.accounts.insert(DEFAULT_ACCOUNT.into(), a);
        let text = String::from_utf8(to_json(&s)).unwrap();
        assert!(text.contains("\n        {\"at\":\"1970-01-01T00:00:00Z\",\"what\":{\"event\":\"step_done\",\"step\":\"totp-2fa\"}}"), "{text}");
        assert!(
            text.starts_with("{\n  \"version\": 1,\n  \"accounts\": {\n    \"default\": {\n"),
            "{text}"
        );
        assert!(text.ends_with("}\n"));
        let back: State = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
        let empty = String::from_utf8(to_json(&State::default())).unwrap();
        assert_eq!(empty, "{\n  \"version\": 1,\n  \"accounts\": {}\n}\n");
    }

    #[test]
    fn second_writer_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let p = paths(t.path());
        let (_first, _) = Store::open(&p).unwrap();
        let err = Store::open(&p).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, StoreError::Locked { .. }));
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        drop(_first);
        Store::open(&p).unwrap();
    }

    #[test]
    fn corrupt_files_are_reported_and_never_overwritten() {
        let t = tempfile::tempdir().unwrap();
        let p = paths(t.path());
        ensure_dir(&p.data_dir).unwrap();
        let cases: &[(&[u8], &str)] = &[
            (b"", "empty"),
            (b"\xEF\xBB\xBF{\"version\":1}", "byte-order mark"),
            (b"{\"version\":1,\"accounts\":{", "truncated"),
            (b"{\"version\":9}", "newer lockstep"),
            (b"{\"version\":1,\"acounts\":{}}", "unknown field `acounts`"),
            (
                b"{\"version\":1,\n\"accounts\":{\"a\":{\"checklist\":7}}}",
                "accounts.a.checklist",
            ),
            (b"\xff\xfe", "UTF-8"),
        ];
        for (bytes, expect) in cases {
            fs::write(p.state_file(), bytes).unwrap();
            let e = Store::open(&p).unwrap_err().to_string();
            assert!(e.contains(expect), "{expect}: {e}");
            assert!(e.contains(&p.state_file().display().to_string()), "{e}");
            assert_eq!(&fs::read(p.state_file()).unwrap(), bytes, "file untouched");
        }
        fs::write(p.state_file(), b"{\"version\":1,\n  \"accounts\": 5}").unwrap();
        let e = load(&p).unwrap_err().to_string();
        assert!(e.contains("state.json:2:"), "{e}");
        assert!(e.contains("mv "), "says how to recover: {e}");
    }

    #[test]
    fn failed_write_keeps_old_file_and_sweeps_temps() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path();
        write_atomic(dir, STATE_FILE, b"old").unwrap();
        // A directory where the temp file should go makes the open fail.
        let tmp = dir.join(format!("{TEMP_PREFIX}{}", std::process::id()));
        fs::create_dir(&tmp).unwrap();
        assert!(write_atomic(dir, STATE_FILE, b"new").is_err());
        assert_eq!(fs::read(dir.join(STATE_FILE)).unwrap(), b"old");
        fs::remove_dir(&tmp).unwrap();
        fs::write(dir.join(format!("{TEMP_PREFIX}99999")), b"half").unwrap();
        sweep_temps(dir);
        assert_eq!(fs::read_dir(dir).unwrap().count(), 1);
    }

    // An unwritable data directory is tested through the real binary, as an unprivileged user
    // when the tests run as root (CI does): tests/reliability.rs, read_only_data_dir_is_a_clear_error.

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn state_parser_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = parse_state(Path::new("state.json"), &bytes);
        }

        #[test]
        fn mutated_state_never_panics(pos in 0usize..2000, len in 0usize..8, byte in proptest::num::u8::ANY) {
            // A realistic file (steps, reviews, an incident, history), then a cut/overwrite.
            let cl = crate::checklist::parse("c.json", crate::checklist::BUNDLED[0].1).unwrap();
            let now = chrono::DateTime::UNIX_EPOCH;
            let mut a = Account::new("crypto-com", now);
            a.check(&cl, "totp-2fa", now).unwrap();
            a.skip(&cl, "passkeys", "later", now).unwrap();
            a.complete_review(&cl, "monthly", now, chrono::NaiveDate::MIN).unwrap();
            a.open_compromise(&cl, now);
            a.incident_note("chat", Some("T-1"), now).unwrap();
            let mut s = State::default();
            s.accounts.insert(DEFAULT_ACCOUNT.into(), a);
            let mut bytes = to_json(&s);
            let p = pos.min(bytes.len());
            let end = (p + len).min(bytes.len());
            bytes.splice(p..end, [byte]);
            let _ = parse_state(Path::new("state.json"), &bytes);
        }
    }
}
