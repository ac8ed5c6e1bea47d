//! Finding checklists: the bundled ones, the user's checklist directory, a file an account
//! follows by path, which checklist an account resolves to, and the fast outline that
//! `lockstep due` reads. The only file IO of the checklist module.
//!
//! A user file never replaces a bundled checklist silently, and two user files with one id are
//! never told apart by file name: such files are [`Conflict`]s, used only by an account that
//! follows one of them by path.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::BUNDLED;
use super::model::{Checklist, SectionKind};
use super::parse::{ChecklistErrors, parse, read_file};
use super::provenance::{Loaded, Origin, sha256_hex};

/// The checklist files in a user's checklist directory, sorted. JSON Schema files
/// (`*.schema.json`) are not checklists. A missing directory has none.
fn user_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        // Non-regular entries are kept: loading them reports "not a regular file" by name.
        .filter(|p| !p.to_string_lossy().ends_with(".schema.json"))
        .collect();
    files.sort();
    files
}

/// True when a checklist with this id is compiled into lockstep.
pub fn is_bundled(id: &str) -> bool {
    bundled_text(id).is_some()
}

fn bundled_text(id: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(name, _)| name.strip_suffix(".json") == Some(id))
        .map(|(_, text)| *text)
}

/// Reads, hashes and validates a checklist file (one a user follows by path, or one of the
/// checklist directory). The path is made absolute.
pub fn load_followed(path: &Path) -> Result<Loaded, ChecklistErrors> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let (bytes, text) = read_file(&path)?;
    let checklist = parse(&path.display().to_string(), &text)?;
    Ok(Loaded {
        checklist,
        origin: Origin::File {
            sha256: sha256_hex(&bytes),
            path,
        },
    })
}

/// User files that cannot be chosen by id alone.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub id: String,
    /// The id is a bundled checklist's: the bundled one is used.
    pub bundled: bool,
    /// The valid user files with this id, sorted by path.
    pub files: Vec<Loaded>,
}

impl Conflict {
    pub fn paths(&self) -> Vec<&Path> {
        self.files.iter().filter_map(|l| l.origin.path()).collect()
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files: Vec<String> = self
            .paths()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        if self.bundled {
            write!(
                f,
                "{}: your file{} {} {} the id of a bundled checklist; the bundled one is used. \
                 To follow your file instead: --checklist-file PATH (new account) or \
                 `lockstep accounts set-checklist NAME --file PATH`",
                self.id,
                if files.len() == 1 { "" } else { "s" },
                files.join(", "),
                if files.len() == 1 { "has" } else { "have" },
            )
        } else {
            write!(
                f,
                "{}: {} of your files have this id ({}); none is used by id. Give each its own \
                 id, or follow one with --checklist-file PATH",
                self.id,
                files.len(),
                files.join(", ")
            )
        }
    }
}

/// The result of loading the available checklists: those that can be chosen by id, user files
/// in conflict, and per-file errors.
#[derive(Debug, Default)]
pub struct Catalog {
    /// Every bundled checklist (that was asked for), and each user checklist whose id is neither
    /// bundled nor another user file's.
    pub checklists: Vec<Loaded>,
    pub conflicts: Vec<Conflict>,
    pub errors: Vec<ChecklistErrors>,
}

/// How an account names its checklist.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    pub id: &'a str,
    /// The file the account follows, if it follows one.
    pub file: Option<&'a Path>,
    /// The account was last saved by a lockstep that did not record where its checklist came
    /// from: then a user file with a bundled id replaced the bundled checklist. The account keeps
    /// that file (when there was exactly one).
    pub legacy: bool,
}

/// The checklist an account follows, and the user files with its id that are not used.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub loaded: Loaded,
    pub unused: Vec<PathBuf>,
}

/// Why an account's checklist cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Unavailable {
    /// The followed file cannot be read or has errors (each `file:line:col: ...`).
    #[error("{0}")]
    Broken(ChecklistErrors),
    #[error(
        "{file}: this file's id is now '{found}', but the account follows '{wanted}'; change it \
         back, or switch with `lockstep accounts set-checklist NAME --file {file}`"
    )]
    WrongId {
        file: String,
        found: String,
        wanted: String,
    },
    #[error("{}", ambiguous(.id, .files))]
    Ambiguous { id: String, files: Vec<PathBuf> },
    #[error("{}", missing(.id, .broken))]
    Missing {
        id: String,
        broken: Vec<ChecklistErrors>,
    },
}

fn ambiguous(id: &str, files: &[PathBuf]) -> String {
    let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    format!(
        "checklist '{id}' is ambiguous: {} files have this id ({}); follow one with \
         `lockstep accounts set-checklist NAME --file PATH`",
        files.len(),
        files.join(", ")
    )
}

fn missing(id: &str, broken: &[ChecklistErrors]) -> String {
    if broken.is_empty() {
        format!("checklist '{id}' is not installed (see `lockstep checklists`)")
    } else {
        let errors: Vec<String> = broken.iter().map(|e| e.to_string()).collect();
        format!(
            "checklist '{id}' is not available; these checklist files have errors:\n{}",
            errors.join("\n")
        )
    }
}

impl Catalog {
    /// Loads the bundled checklists, then every `*.json` in `user_dir` (if it exists).
    pub fn load(user_dir: Option<&Path>) -> Catalog {
        Self::load_filtered(user_dir, None)
    }

    /// Like [`Catalog::load`], but parses only the bundled checklists with these ids (a bundled
    /// file is named `<id>.json`). User checklists are always read: their ids are inside them.
    pub fn load_only(user_dir: Option<&Path>, ids: &[&str]) -> Catalog {
        Self::load_filtered(user_dir, Some(ids))
    }

    fn load_filtered(user_dir: Option<&Path>, ids: Option<&[&str]>) -> Catalog {
        let mut cat = Catalog::default();
        for (name, text) in BUNDLED {
            if let Some(ids) = ids
                && !ids.iter().any(|id| name.strip_suffix(".json") == Some(id))
            {
                continue;
            }
            match parse(name, text) {
                Ok(c) => cat.checklists.push(Loaded::bundled(c)),
                Err(e) => cat.errors.push(e),
            }
        }
        let mut by_id: BTreeMap<String, Vec<Loaded>> = BTreeMap::new();
        for f in user_dir.map(user_files).unwrap_or_default() {
            match load_followed(&f) {
                Ok(l) => by_id.entry(l.checklist.id.clone()).or_default().push(l),
                Err(e) => cat.errors.push(e),
            }
        }
        for (id, mut files) in by_id {
            let bundled = is_bundled(&id);
            if !bundled && files.len() == 1 {
                cat.checklists.push(files.remove(0));
            } else {
                cat.conflicts.push(Conflict { id, bundled, files });
            }
        }
        cat
    }

    /// The checklist chosen by this id: the bundled one, or the one user file with it.
    pub fn find(&self, id: &str) -> Option<&Loaded> {
        self.checklists.iter().find(|l| l.checklist.id == id)
    }

    pub fn get(&self, id: &str) -> Option<&Checklist> {
        self.find(id).map(|l| &l.checklist)
    }

    pub fn conflict(&self, id: &str) -> Option<&Conflict> {
        self.conflicts.iter().find(|c| c.id == id)
    }

    /// The checklist an account follows (see [`Wanted`]): its file, or else the one its id
    /// names. Only an account saved by an earlier lockstep still takes a lone user file that has
    /// a bundled id.
    pub fn resolve(&self, w: Wanted<'_>) -> Result<Resolved, Unavailable> {
        if let Some(file) = w.file {
            return resolve_file(file, w.id).map(|loaded| Resolved {
                loaded,
                unused: Vec::new(),
            });
        }
        let missing = || Unavailable::Missing {
            id: w.id.to_string(),
            broken: self.errors.clone(),
        };
        let conflict = self.conflict(w.id);
        let unused = || {
            conflict.map_or_else(Vec::new, |c| {
                c.paths().into_iter().map(Path::to_path_buf).collect()
            })
        };
        match conflict {
            Some(c) if c.bundled && w.legacy && c.files.len() == 1 => Ok(Resolved {
                loaded: c.files[0].clone(),
                unused: Vec::new(),
            }),
            Some(c) if !c.bundled => Err(Unavailable::Ambiguous {
                id: w.id.to_string(),
                files: unused(),
            }),
            _ => {
                let loaded = self.find(w.id).cloned().ok_or_else(missing)?;
                Ok(Resolved {
                    loaded,
                    unused: unused(),
                })
            }
        }
    }
}

/// True when a checklist file in `dir` has the outline of checklist `id` (valid or not).
fn has_user_file_with_id(dir: &Path, id: &str) -> bool {
    user_files(dir).iter().any(|f| {
        crate::fileio::read_bounded(f, super::parse::MAX_CHECKLIST_BYTES)
            .ok()
            .flatten()
            .and_then(|b| serde_json::from_slice::<Outline>(&b).ok())
            .is_some_and(|o| o.id == id)
    })
}

/// Loads the file an account follows and checks it still has the account's checklist id.
fn resolve_file(file: &Path, id: &str) -> Result<Loaded, Unavailable> {
    let loaded = load_followed(file).map_err(Unavailable::Broken)?;
    if loaded.checklist.id != id {
        return Err(Unavailable::WrongId {
            file: file.display().to_string(),
            found: loaded.checklist.id,
            wanted: id.to_string(),
        });
    }
    Ok(loaded)
}

/// Just what `lockstep due` needs from a checklist: section ids, titles, kinds and intervals.
/// Steps are skipped without allocating, which keeps the shell-start path fast.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Outline {
    pub id: String,
    pub service: String,
    pub sections: Vec<OutlineSection>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OutlineSection {
    pub id: String,
    pub title: String,
    pub kind: SectionKind,
    #[serde(default)]
    pub every_months: Option<u32>,
    /// Former ids of the section (progress recorded under them follows it).
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl From<&Checklist> for Outline {
    fn from(c: &Checklist) -> Outline {
        Outline {
            id: c.id.clone(),
            service: c.service.clone(),
            sections: c
                .sections
                .iter()
                .map(|s| OutlineSection {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    kind: s.kind,
                    every_months: s.every_months,
                    aliases: s.aliases.clone(),
                })
                .collect(),
        }
    }
}

impl Outline {
    /// The outline of an account's checklist, resolved exactly as [`Catalog::resolve`] does. A
    /// followed file is read and fully validated (a file every other command rejects must not
    /// drive `lockstep due`); an account on a bundled checklist takes the fast path (tests
    /// validate the bundled files) without reading the checklist directory.
    pub fn resolve(user_dir: Option<&Path>, w: Wanted<'_>) -> Result<Outline, Unavailable> {
        if let Some(file) = w.file {
            return resolve_file(file, w.id).map(|l| Outline::from(&l.checklist));
        }
        // An account saved by an earlier lockstep may be following a user file with the bundled
        // id: only then is the directory's content needed (and only files with this id).
        let legacy_file = w.legacy && user_dir.is_some_and(|d| has_user_file_with_id(d, w.id));
        if !legacy_file && let Some(o) = Self::bundled(w.id) {
            return Ok(o);
        }
        let cat = Catalog::load_only(user_dir, &[w.id]);
        cat.resolve(w).map(|r| Outline::from(&r.loaded.checklist))
    }

    /// The outline of bundled checklist `<id>.json`, precomputed at build time (no parsing).
    pub fn bundled(id: &str) -> Option<Outline> {
        let (_, service, sections) = super::BUNDLED_OUTLINES
            .iter()
            .find(|(stem, ..)| *stem == id)?;
        Some(Outline {
            id: id.to_string(),
            service: service.to_string(),
            sections: sections
                .iter()
                .map(|(sid, title, kind, every, aliases)| OutlineSection {
                    id: sid.to_string(),
                    title: title.to_string(),
                    kind: match *kind {
                        "setup" => SectionKind::Setup,
                        "recurring" => SectionKind::Recurring,
                        "event" => SectionKind::Event,
                        _ => SectionKind::Emergency,
                    },
                    every_months: (*every > 0).then_some(*every),
                    aliases: aliases.iter().map(|a| a.to_string()).collect(),
                })
                .collect(),
        })
    }
}
