//! File primitives with the safety rules every lockstep file follows: read only regular files and
//! only up to a bound, follow a symlink but never replace it, write atomically (temp file in the
//! target's directory, fsync, rename, fsync the directory), 0700 directories and 0600 files.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::StoreError;
use crate::fileio::{self, ReadProblem};
use crate::sys;

/// Prefix of the temp files written next to a target before the rename.
pub(crate) const TEMP_PREFIX: &str = ".lockstep.tmp.";

/// The file a path stands for (see [`crate::fileio::resolve`]), as a store error.
pub fn resolve(path: &Path) -> Result<Option<PathBuf>, StoreError> {
    fileio::resolve(path).map_err(|p| to_store_error(path, p))
}

/// Reads a regular file of at most `limit` bytes (see [`crate::fileio::read_bounded`]).
pub fn read_regular(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, StoreError> {
    fileio::read_bounded(path, limit).map_err(|p| to_store_error(path, p))
}

fn to_store_error(path: &Path, p: ReadProblem) -> StoreError {
    let file = path.display().to_string();
    match p {
        ReadProblem::Dangling { target } => StoreError::DanglingLink { file, target },
        ReadProblem::NotRegular(what) => StoreError::NotRegular { file, what },
        ReadProblem::TooLarge(limit) => StoreError::TooLarge { file, limit },
        ReadProblem::Io(source) => StoreError::Read { file, source },
    }
}

/// Test hook: `LOCKSTEP_FAULT=enospc|eio` makes saves fail half-way through writing the temp file.
/// Only with the `test-hooks` feature (the tests enable it): a normal build ignores the variable.
pub(crate) fn injected_fault(stage: &str) -> Option<io::Error> {
    if !cfg!(feature = "test-hooks") {
        return None;
    }
    let v = std::env::var("LOCKSTEP_FAULT").ok()?;
    // `enospc` / `eio` hit every write; `enospc@history` only the history append, and so on.
    let (kind, at) = v.split_once('@').unwrap_or((v.as_str(), stage));
    if at != stage {
        return None;
    }
    match kind {
        "enospc" => Some(sys::disk_full()),
        "eio" => Some(sys::io_failure()),
        _ => None,
    }
}

/// Writes `bytes` to `path` atomically, following a symlink at `path` (the link stays, its target
/// is replaced in the target's directory). With `backup`, the previous content is kept there
/// first (a hard link, or a copy across file systems); a failed backup fails the write.
/// On any error the old file is intact.
pub fn write_atomic(path: &Path, bytes: &[u8], backup: Option<&Path>) -> Result<(), StoreError> {
    write_atomic_meta(path, bytes, backup, Durable::Yes).map(|_| ())
}

/// Whether an atomic write waits for the disk (fsync of the file, and of its directory after the
/// rename). Every file the user's data depends on does. A snapshot that replaces a checkpoint
/// does not: it is a checkpoint of the history log, whose append was fsynced before it is
/// written; after a power loss it may be the previous checkpoint (caught up from the log) or
/// unreadable (set aside and rebuilt from the log), never a lost change. (One that replaces a
/// file of an older format does: the log cannot catch that file up.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durable {
    Yes,
    Checkpoint,
}

/// [`write_atomic`], returning the metadata of the new file as renamed into place (taken from the
/// open file, so it is this write's file even if another one replaced it since).
pub(crate) fn write_atomic_meta(
    path: &Path,
    bytes: &[u8],
    backup: Option<&Path>,
    durable: Durable,
) -> Result<fs::Metadata, StoreError> {
    let target = resolve(path)?.unwrap_or_else(|| path.to_path_buf());
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!("{TEMP_PREFIX}{name}.{}", std::process::id()));
    let werr = |e: io::Error| StoreError::Write {
        file: path.display().to_string(),
        dir: dir.display().to_string(),
        source: e,
    };
    let result = (|| {
        let mut f = sys::private_file(OpenOptions::new().write(true).create(true).truncate(true))
            .open(&tmp)
            .map_err(werr)?;
        if let Some(fault) = injected_fault("state") {
            f.write_all(&bytes[..bytes.len() / 2]).map_err(werr)?;
            return Err(werr(fault));
        }
        f.write_all(bytes).map_err(werr)?;
        if durable == Durable::Yes {
            f.sync_all().map_err(werr)?;
        }
        if let Some(bak) = backup
            && target.exists()
        {
            keep_backup(&target, bak)?;
        }
        fs::rename(&tmp, &target).map_err(werr)?;
        if durable == Durable::Yes {
            File::open(dir).and_then(|d| d.sync_all()).map_err(werr)?;
        }
        // After the rename, which may change the file's ctime.
        f.metadata().map_err(werr)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Keeps `target`'s current content as `bak` (0600): a hard link when possible, else a copy
/// written atomically.
fn keep_backup(target: &Path, bak: &Path) -> Result<(), StoreError> {
    let berr = |e: io::Error| StoreError::Backup {
        file: bak.display().to_string(),
        source: e,
    };
    if let Some(fault) = injected_fault("backup") {
        return Err(berr(fault));
    }
    match fs::remove_file(bak) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(berr(e)),
    }
    match fs::hard_link(target, bak) {
        Ok(()) => Ok(()),
        Err(_) => {
            let bytes = fs::read(target).map_err(berr)?;
            let tmp = bak.with_extension(format!("tmp.{}", std::process::id()));
            let r = (|| {
                let mut f =
                    sys::private_file(OpenOptions::new().write(true).create(true).truncate(true))
                        .open(&tmp)?;
                f.write_all(&bytes)?;
                f.sync_all()?;
                fs::rename(&tmp, bak)
            })();
            if r.is_err() {
                let _ = fs::remove_file(&tmp);
            }
            r.map_err(berr)
        }
    }
}

/// The one rule for every file in the data directory that is a symbolic link (`state.json`,
/// `history.jsonl`, the backups, the lock, the indexes and records beside them, and any other
/// name): it is followed only to a regular file of the user running lockstep that nobody else
/// may read or write (0600 or stricter, as lockstep writes its files). A link to anything else
/// (a system file such as `/etc/passwd`, another user's file, a device, a directory) is refused
/// before anything is read or written. A dangling link is refused by the readers and writers
/// themselves.
pub fn check_links(dir: &Path) -> Result<(), StoreError> {
    scan(dir).map(|_| ())
}

/// [`check_links`], and the names of the regular files of the directory (one pass over it, for
/// the callers that also look for conflict copies).
pub fn scan(dir: &Path) -> Result<Vec<String>, StoreError> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for e in entries.flatten() {
        let Ok(t) = e.file_type() else {
            continue;
        };
        if t.is_file() {
            files.push(e.file_name().to_string_lossy().into_owned());
        }
        if !t.is_symlink() {
            continue;
        }
        let link = e.path();
        let Ok(target) = fs::canonicalize(&link) else {
            continue;
        };
        let refuse = |why: String| StoreError::UnsafeLink {
            file: link.display().to_string(),
            target: target.display().to_string(),
            why,
        };
        let m = fs::metadata(&target).map_err(|e| refuse(format!("cannot be read ({e})")))?;
        if !m.is_file() {
            return Err(refuse(format!("is {}", crate::fileio::kind_of(&m))));
        }
        if let Some((owner, _)) = sys::foreign_owner(&m) {
            return Err(refuse(format!("belongs to user id {owner}")));
        }
        let mode = sys::mode(&m);
        if mode & 0o077 != 0 {
            return Err(refuse(format!(
                "others may read or write (mode {mode:o}; lockstep's files are 600)"
            )));
        }
    }
    Ok(files)
}

/// Creates the data directory (0700) if needed.
pub fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.is_dir() {
        return Ok(());
    }
    sys::private_dir(fs::DirBuilder::new().recursive(true))
        .create(dir)
        .map_err(|e| StoreError::CreateDir {
            dir: dir.display().to_string(),
            source: e,
        })
}

/// Refuses to write into a directory that belongs to another user: as root (sudo) the new files
/// would be root's, and the owner could no longer read their own progress.
pub fn check_owner(dir: &Path) -> Result<(), StoreError> {
    let Ok(meta) = fs::metadata(dir) else {
        return Ok(());
    };
    if let Some((owner, me)) = sys::foreign_owner(&meta) {
        return Err(StoreError::NotOwner {
            dir: dir.display().to_string(),
            owner,
            me,
        });
    }
    Ok(())
}

/// A warning when a file or directory is readable by others.
pub fn mode_warning(path: &Path, want: u32) -> Option<String> {
    let mode = sys::mode(&fs::metadata(path).ok()?);
    (mode & !want != 0).then(|| {
        format!(
            "warning: {} has permissions {mode:o}, looser than {want:o}; run `chmod {want:o} {}`",
            path.display(),
            path.display()
        )
    })
}

/// Removes temp files left by a process that died mid-save (only called while holding the lock).
pub fn sweep_temps(dir: &Path) {
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            let n = e.file_name();
            let n = n.to_string_lossy();
            if n.starts_with(TEMP_PREFIX) || n.starts_with(".state.json.tmp.") {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}
