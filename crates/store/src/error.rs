//! Storage failures, each naming the file involved and what the user can do.

use std::io;

use crate::state::STATE_VERSION;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A store opened for one save ([`crate::Store::for_one_save`]) was asked for another (a
    /// mistake in the program, not in the data: nothing was written).
    #[error("internal error: this command already saved once; nothing more was written")]
    Spent,
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
        "{file} was written by a newer lockstep (state version {found}; this one reads up to \
         {STATE_VERSION}). Upgrade lockstep; the file was left untouched."
    )]
    TooNew { file: String, found: u32 },
    #[error("cannot read {file}: {source}")]
    Read { file: String, source: io::Error },
    #[error(
        "{file} is {what}, not a regular file; lockstep only reads regular files (move it aside)"
    )]
    NotRegular { file: String, what: &'static str },
    #[error("{file} is larger than {limit} bytes; it cannot be a lockstep file (move it aside)")]
    TooLarge { file: String, limit: u64 },
    #[error(
        "{file} is a symbolic link to {target}, which does not exist. Restore the target, or \
         remove the link to start afresh; lockstep will not replace the link."
    )]
    DanglingLink { file: String, target: String },
    #[error(
        "{file} is a symbolic link to {target}, which {why}. lockstep follows a link in its data \
         directory only to a regular file of yours that nobody else can read or write (chmod \
         600), so nothing was read or written. Replace the link by the file itself, or fix its \
         target."
    )]
    UnsafeLink {
        file: String,
        target: String,
        why: String,
    },
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
        "cannot keep the previous save as {file}: {source}. Nothing was changed; free some disk \
         space or fix the permissions, then try again."
    )]
    Backup { file: String, source: io::Error },
    #[error(
        "another lockstep (pid {pid}) is changing {dir}. Close it (or wait for it to finish) and \
         try again, or pass --wait SECS; read-only commands like `lockstep status` and `lockstep \
         due` still work."
    )]
    Locked { dir: String, pid: String },
    #[error(
        "{dir} belongs to user id {owner}, but lockstep runs as user id {me} (sudo?). Files it \
         wrote would lock that user out of their own data; run lockstep as that user instead."
    )]
    NotOwner { dir: String, owner: u32, me: u32 },
    #[error(
        "{file} is missing, and {log} holds {lines} lines of history written by an older \
         lockstep, which cannot rebuild it (nor is there a {backup} to use). Nothing was changed. \
         Restore {file} from a backup of yours, or move {log} aside (`mv {log} {log}.old`) to \
         start afresh."
    )]
    SnapshotLost {
        file: String,
        log: String,
        backup: String,
        lines: usize,
    },
    #[error(
        "refusing to write {file}: it is inside lockstep's data directory {dir} (choose another \
         file name)"
    )]
    IntoDataDir { file: String, dir: String },
    #[error(
        "refusing to write {file}: it is {what}; lockstep writes outside its data directory only a \
         new file or over a regular file"
    )]
    NotAFileTarget { file: String, what: String },
}
