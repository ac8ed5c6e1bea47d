//! Reading files the user may have replaced by anything: only regular files are opened (a FIFO
//! or device never is, so nothing hangs or reads forever), reads are bounded, and a symlink is
//! followed while a dangling one is reported instead of looking like "no file".

use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadProblem {
    /// A symlink whose target does not exist.
    Dangling {
        target: String,
    },
    /// A directory, FIFO, device or socket (named).
    NotRegular(&'static str),
    /// Larger than the limit (bytes).
    TooLarge(u64),
    Io(io::Error),
}

impl std::fmt::Display for ReadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadProblem::Dangling { target } => {
                write!(f, "a symbolic link to {target}, which does not exist")
            }
            ReadProblem::NotRegular(what) => write!(f, "{what}, not a regular file"),
            ReadProblem::TooLarge(limit) => write!(f, "larger than {limit} bytes"),
            ReadProblem::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

/// What a path is, for messages about non-regular files.
pub fn kind_of(m: &fs::Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        "a directory"
    } else {
        crate::sys::special_kind(&t).unwrap_or("not a regular file")
    }
}

/// The file a path stands for: itself, or the target of a symlink (followed through every level).
/// `Ok(None)` when nothing is there; a dangling symlink is an error, never "no file".
pub fn resolve(path: &Path) -> Result<Option<PathBuf>, ReadProblem> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ReadProblem::Io(e)),
        Ok(m) if m.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(target) => Ok(Some(target)),
            Err(_) => Err(ReadProblem::Dangling {
                target: fs::read_link(path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_else(|_| "?".into()),
            }),
        },
        Ok(_) => Ok(Some(path.to_path_buf())),
    }
}

/// True when `path` is (or links to) a regular file.
pub fn is_regular(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Reads a regular file of at most `limit` bytes. `Ok(None)` when the file does not exist.
/// A FIFO, device or directory is refused at once (it is never opened), and so is a larger file.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, ReadProblem> {
    let Some(target) = resolve(path)? else {
        return Ok(None);
    };
    let meta = fs::metadata(&target).map_err(ReadProblem::Io)?;
    if !meta.is_file() {
        return Err(ReadProblem::NotRegular(kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(ReadProblem::TooLarge(limit));
    }
    // O_NONBLOCK: if the file was swapped for a FIFO since the check, opening it cannot hang.
    let f = crate::sys::no_block(OpenOptions::new().read(true))
        .open(&target)
        .map_err(ReadProblem::Io)?;
    let meta = f.metadata().map_err(ReadProblem::Io)?;
    if !meta.is_file() {
        return Err(ReadProblem::NotRegular(kind_of(&meta)));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadProblem::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadProblem::TooLarge(limit));
    }
    Ok(Some(bytes))
}
