//! Where lockstep keeps its files: the data directory and the user's checklist directory.

use std::path::PathBuf;

use super::{HISTORY_FILE, STATE_FILE, StoreError};

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

    pub fn history_file(&self) -> PathBuf {
        self.data_dir.join(HISTORY_FILE)
    }

    /// `$XDG_CONFIG_HOME/lockstep/checklists`, where users put their own checklists.
    pub fn user_checklists(&self) -> Option<PathBuf> {
        self.config_dir.as_ref().map(|d| d.join("checklists"))
    }
}
