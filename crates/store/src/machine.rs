//! Which copy of the data directory made a change (`machine.json`): a random id made once per
//! copy, and a name to show ("on laptop"). Not a hardware id, and nothing secret: it only tells
//! two machines' changes apart in a merged history.
//!
//! A copy is a directory (its device and inode): a sync tool's copy, a git clone or a restored
//! backup is another directory, so it makes its own id even when `machine.json` travelled with
//! it. The file keeps one entry per copy it has seen, so a sync tool that cannot leave it out
//! (Dropbox) carries both machines' entries without either changing the other's id.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::file::{read_regular, write_atomic};
use super::{Paths, StoreError, sys};

pub const MACHINE_FILE: &str = "machine.json";
/// Largest `machine.json` read (a few entries of a hundred bytes).
const LIMIT: u64 = 64 << 10;

/// One copy of the data directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// Random, made once per copy.
    pub id: String,
    /// What history shows: `LOCKSTEP_MACHINE` when it was set, else the host name.
    pub name: String,
}

/// The file: per copy of the directory (`DEVICE:INODE`), its machine.
#[derive(Debug, Default, Serialize, Deserialize)]
struct MachineFile {
    #[serde(default)]
    copies: BTreeMap<String, Machine>,
}

fn key(dir: &Path) -> Option<String> {
    let m = std::fs::metadata(dir).ok()?;
    let (dev, ino) = sys::dir_identity(&m);
    Some(format!("{dev}:{ino}"))
}

fn read(paths: &Paths) -> MachineFile {
    // Unreadable or damaged: a cache of ids, made again (old changes keep the id they carry).
    read_regular(&paths.data_dir.join(MACHINE_FILE), LIMIT)
        .ok()
        .flatten()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// This copy's machine when it has one already (read only: `history` never writes).
pub fn known(paths: &Paths) -> Option<Machine> {
    let k = key(&paths.data_dir)?;
    read(paths).copies.remove(&k)
}

/// This copy, as a history reader sees it: tells the changes another machine made (shown
/// "on NAME") from this copy's own and from those of a copy with this machine's name (the
/// directory moved to a new disk), which need no such mark.
#[derive(Debug, Clone)]
pub struct Here {
    id: Option<String>,
    name: String,
}

impl Here {
    pub fn of(paths: &Paths) -> Here {
        let (id, name) = match known(paths) {
            Some(m) => (Some(m.id), m.name),
            None => (None, default_name()),
        };
        Here { id, name }
    }

    /// True when this copy itself made a change made by `m`.
    pub fn made(&self, m: Option<&Machine>) -> bool {
        m.is_some_and(|m| Some(&m.id) == self.id.as_ref())
    }

    /// The name to show for a change made by `m`: `None` when this machine made it (or the
    /// change does not say).
    pub fn other<'a>(&self, m: Option<&'a Machine>) -> Option<&'a str> {
        m.filter(|m| Some(&m.id) != self.id.as_ref() && m.name != self.name)
            .map(|m| m.name.as_str())
    }
}

/// A name for a new machine: `LOCKSTEP_MACHINE`, else the host name, cut to 64 characters.
fn default_name() -> String {
    let name = std::env::var("LOCKSTEP_MACHINE")
        .ok()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .or_else(sys::host_name)
        .unwrap_or_else(|| "another machine".into());
    name.chars().filter(|c| !c.is_control()).take(64).collect()
}

/// This copy's machine, made and written the first time (under the writer lock, by a save). A
/// file that cannot be written costs only a new id at the next save: the change is never
/// refused for it.
pub fn this(paths: &Paths) -> Result<Machine, StoreError> {
    let Some(k) = key(&paths.data_dir) else {
        return Ok(Machine {
            id: super::record::new_id()[..16].to_string(),
            name: default_name(),
        });
    };
    let mut file = read(paths);
    if let Some(m) = file.copies.get(&k) {
        let mut m = m.clone();
        // A name set later (LOCKSTEP_MACHINE) is kept from then on.
        if let Ok(n) = std::env::var("LOCKSTEP_MACHINE")
            && !n.trim().is_empty()
            && n.trim() != m.name
        {
            m.name = default_name();
            file.copies.insert(k, m.clone());
            let _ = write(paths, &file);
        }
        return Ok(m);
    }
    let m = Machine {
        id: super::record::new_id()[..16].to_string(),
        name: default_name(),
    };
    file.copies.insert(k, m.clone());
    let _ = write(paths, &file);
    Ok(m)
}

fn write(paths: &Paths, file: &MachineFile) -> Result<(), StoreError> {
    let mut bytes = serde_json::to_vec_pretty(file).expect("machine file serializes");
    bytes.push(b'\n');
    write_atomic(&paths.data_dir.join(MACHINE_FILE), &bytes, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_id_per_copy_of_the_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let p = |d: &str| Paths {
            data_dir: tmp.path().join(d),
            config_dir: None,
        };
        std::fs::create_dir(tmp.path().join("a")).unwrap();
        let a = this(&p("a")).unwrap();
        assert_eq!(a.id.len(), 16);
        assert_eq!(this(&p("a")).unwrap(), a, "made once");
        assert_eq!(known(&p("a")), Some(a.clone()));
        // A copy (the file travelled with it) is another machine; the file keeps both.
        std::fs::create_dir(tmp.path().join("b")).unwrap();
        std::fs::copy(
            tmp.path().join("a").join(MACHINE_FILE),
            tmp.path().join("b").join(MACHINE_FILE),
        )
        .unwrap();
        assert_eq!(known(&p("b")), None);
        let b = this(&p("b")).unwrap();
        assert_ne!(a.id, b.id);
        let text = std::fs::read_to_string(tmp.path().join("b").join(MACHINE_FILE)).unwrap();
        assert!(text.contains(&a.id) && text.contains(&b.id), "{text}");
        // A damaged file is made again, never an error.
        std::fs::write(tmp.path().join("a").join(MACHINE_FILE), b"{oops").unwrap();
        assert!(this(&p("a")).is_ok());
    }
}
