//! The checklist files on disk, for the domain's catalog: [`DiskFiles`] lists a directory and
//! reads files through [`crate::fileio`] (regular files only, bounded, links followed).

use std::path::{Path, PathBuf};

use lockstep_core::checklist::ChecklistFiles;

/// Checklist files as the file system has them.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiskFiles;

impl ChecklistFiles for DiskFiles {
    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    }

    fn read(&self, path: &Path, limit: u64) -> Result<Option<Vec<u8>>, String> {
        crate::fileio::read_bounded(path, limit).map_err(|p| p.to_string())
    }

    fn absolute(&self, path: &Path) -> PathBuf {
        std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
    }
}
