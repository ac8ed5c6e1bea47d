//! `lockstep forget`: a step's note removed from the state, every past note of it in the history,
//! the backups, and the copies lockstep keeps aside (conflict copies, a torn last line).

use std::path::Path;

use super::{
    BACKUP_FILE, Forgotten, Paths, STATE_LIMIT, Saved, Store, StoreError, V1_BACKUP_FILE, history,
    read_regular, sync, write_atomic,
};
use crate::state::State;
use lockstep_core::ids::StepId;

impl Store {
    /// Removes a step's note everywhere: from the state (through the domain operation, which
    /// records a "note forgotten" event), from every past note in the history (its events and
    /// its deltas), from the backup of the previous save, and from a pre-migration backup that
    /// holds it. The one operation that rewrites the history.
    pub fn forget_note(
        &mut self,
        state: &mut State,
        account: &str,
        step: &str,
        old_text: Option<&str>,
    ) -> Result<(Forgotten, Saved), StoreError> {
        if self.spent {
            return Err(StoreError::Spent);
        }
        self.locked(|store| store.forget_locked(state, account, step, old_text))
    }

    fn forget_locked(
        &mut self,
        state: &mut State,
        account: &str,
        step: &str,
        old_text: Option<&str>,
    ) -> Result<(Forgotten, Saved), StoreError> {
        let (events, damaged_lines) =
            history::purge_note(&self.paths.history_file(), account, step)?;
        // The log no longer holds the note: neither does what this writer knows of it (else the
        // purge would look like another writer's change to the step).
        if let Some(s) = self
            .base
            .accounts
            .get_mut(account)
            .and_then(|a| a.steps.get_mut(step))
        {
            s.note = None;
        }
        self.purging = Some((account.to_string(), StepId::from(step)));
        let saved = self.save_locked(state);
        self.purging = None;
        let saved = saved?;
        // The backup still holds the previous save, note included: replace it with this one.
        let file = self.paths.state_file();
        if let Some(bytes) = read_regular(&file, STATE_LIMIT)? {
            write_atomic(&self.paths.data_dir.join(BACKUP_FILE), &bytes, None)?;
        }
        let v1 = self.paths.data_dir.join(V1_BACKUP_FILE);
        if let (Some(text), Ok(Some(bytes))) = (old_text, read_regular(&v1, STATE_LIMIT)) {
            let needle = serde_json::to_string(text).unwrap_or_default();
            let needle = needle.trim_matches('"');
            if !needle.is_empty() && bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                std::fs::remove_file(&v1).map_err(|e| StoreError::Write {
                    file: v1.display().to_string(),
                    dir: self.paths.data_dir.display().to_string(),
                    source: e,
                })?;
            }
        }
        purge_kept_copies(&self.paths, account, step)?;
        let forgotten = Forgotten {
            events,
            damaged_lines,
        };
        Ok((forgotten, saved))
    }
}

/// `lockstep forget`, beyond the log and the backups: the note leaves the copies lockstep keeps
/// aside too (conflict copies in `conflicts/`, purged in place) and a torn last line that may
/// hold it (`history.torn.N.jsonl`, which held nothing acknowledged) is removed.
fn purge_kept_copies(paths: &Paths, account: &str, step: &str) -> Result<(), StoreError> {
    let aside = paths.data_dir.join(sync::CONFLICTS_DIR);
    let pair = (account.to_string(), StepId::from(step));
    let werr = |file: &Path, e: std::io::Error| StoreError::Write {
        file: file.display().to_string(),
        dir: paths.data_dir.display().to_string(),
        source: e,
    };
    if let Ok(rd) = std::fs::read_dir(&aside) {
        for e in rd.flatten() {
            let f = e.path();
            if !e.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".jsonl") {
                history::purge_note(&f, account, step)?;
            } else if name.ends_with(".json")
                && let Some(bytes) = read_regular(&f, STATE_LIMIT)?
                && let Some(p) = sync::purge_state_copy(&bytes, std::iter::once(&pair))
            {
                write_atomic(&f, &p, None)?;
            }
        }
    }
    if let Ok(rd) = std::fs::read_dir(&paths.data_dir) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(history::TORN_PREFIX) {
                continue;
            }
            let f = e.path();
            let Some(bytes) = read_regular(&f, STATE_LIMIT)? else {
                continue;
            };
            if history::may_hold_note(&String::from_utf8_lossy(&bytes), step) {
                std::fs::remove_file(&f).map_err(|e| werr(&f, e))?;
            }
        }
    }
    Ok(())
}
