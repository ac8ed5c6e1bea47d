//! The one place the store (and, through it, the rest of lockstep) names Unix APIs: private file
//! and directory modes, opening without blocking on a FIFO, who owns a directory, file identity
//! for the due index, and paths as bytes. Everything here is `cfg(unix)`; on any other target the
//! crate stops with a compile error that names what a port must provide.
//!
//! Unit tests of the store use Unix APIs directly (symlinks, FIFOs, modes) and are Unix-only too.

#[cfg(not(unix))]
compile_error!(
    "lockstep-store supports Unix only. A port must provide crates/store/src/sys.rs for its OS: \
     files readable only by their owner (0600/0700 here: an ACL elsewhere) and a check of loose \
     permissions, the owner check of the data directory, opening a file that may have been \
     swapped for a pipe without blocking, a stable file identity (inode and change time here) \
     for the due index, the raw errors the test hooks inject, and lossless conversion of paths \
     to and from bytes."
);

#[cfg(unix)]
pub use unix::*;

#[cfg(unix)]
mod unix {
    use std::ffi::OsStr;
    use std::fs::{DirBuilder, FileType, Metadata, OpenOptions};
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt};
    use std::path::{Path, PathBuf};

    /// New files are the owner's alone (0600).
    pub fn private_file(o: &mut OpenOptions) -> &mut OpenOptions {
        o.mode(0o600)
    }

    /// Opening never blocks, even if the path was swapped for a FIFO since it was checked.
    pub fn no_block(o: &mut OpenOptions) -> &mut OpenOptions {
        o.custom_flags(libc::O_NONBLOCK)
    }

    /// New directories are the owner's alone (0700).
    pub fn private_dir(b: &mut DirBuilder) -> &mut DirBuilder {
        b.mode(0o700)
    }

    /// The permission bits of a file (e.g. 0o600).
    pub fn mode(m: &Metadata) -> u32 {
        m.permissions().mode() & 0o777
    }

    /// True when a file has an execute bit set.
    pub fn is_executable(m: &Metadata) -> bool {
        m.permissions().mode() & 0o111 != 0
    }

    /// `(owner, me)` when the file belongs to another user than the effective one.
    pub fn foreign_owner(m: &Metadata) -> Option<(u32, u32)> {
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        (m.uid() != me).then_some((m.uid(), me))
    }

    /// What a file that is not regular is, for messages.
    pub fn special_kind(t: &FileType) -> Option<&'static str> {
        if t.is_fifo() {
            Some("a named pipe (FIFO)")
        } else if t.is_char_device() || t.is_block_device() {
            Some("a device")
        } else if t.is_socket() {
            Some("a socket")
        } else {
            None
        }
    }

    /// One version of a file without reading it: (inode, modification time in ns, change time
    /// in ns). The change time is set by the kernel on every write, rename or `touch`.
    pub fn identity(m: &Metadata) -> (u64, i64, i64) {
        let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
        (
            m.ino(),
            ns(m.mtime(), m.mtime_nsec()),
            ns(m.ctime(), m.ctime_nsec()),
        )
    }

    /// Which directory this is, on this machine: (device, inode). A copy of it (a sync tool's,
    /// a clone, a backup restored) is another directory.
    pub fn dir_identity(m: &Metadata) -> (u64, u64) {
        (m.dev(), m.ino())
    }

    /// This machine's host name, when it has one.
    pub fn host_name() -> Option<String> {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
        let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if r != 0 {
            return None;
        }
        let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
        let name = String::from_utf8_lossy(&buf[..end]).trim().to_string();
        (!name.is_empty()).then_some(name)
    }

    /// The errors the test hooks inject: a full disk and an I/O error.
    pub fn disk_full() -> io::Error {
        io::Error::from_raw_os_error(libc::ENOSPC)
    }

    /// See [`disk_full`].
    pub fn io_failure() -> io::Error {
        io::Error::from_raw_os_error(libc::EIO)
    }

    /// A path's bytes, exactly (not lossily).
    pub fn path_bytes(p: &Path) -> &[u8] {
        p.as_os_str().as_bytes()
    }

    /// The path these bytes spell, exactly.
    pub fn path_from_bytes(b: &[u8]) -> PathBuf {
        PathBuf::from(OsStr::from_bytes(b))
    }
}
