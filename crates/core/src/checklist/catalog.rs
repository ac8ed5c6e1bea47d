//! Finding checklists: the bundled ones, the user's checklist directory, a file an account
//! follows by path, which checklist an account resolves to, and the fast outline that
//! `lockstep due` reads. Files are reached only through [`ChecklistFiles`], which the shell
//! implements (the store's `DiskFiles`): the domain never touches the file system itself.
//!
//! A user file never replaces a bundled checklist silently, and two user files with one id are
//! never told apart by file name: such files are [`Conflict`]s, used only by an account that
//! follows one of them by path.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::BUNDLED;
use super::model::{Checklist, SectionKind};
use super::parse::{ChecklistErrors, parse, read_file};
use super::provenance::{Loaded, Origin, sha256_hex};
use crate::ids::{ChecklistId, SectionId};

/// How the catalog reaches checklist files. The domain never touches the file system: the shell
/// passes an implementation (`lockstep_store::DiskFiles`), tests pass files held in memory.
pub trait ChecklistFiles {
    /// The entries of directory `dir` (any order); none when it cannot be listed.
    fn list(&self, dir: &Path) -> Vec<PathBuf>;
    /// At most `limit` bytes of the regular file at `path`: `Ok(None)` when there is no such
    /// file, `Err(what it is)` when it is not a readable regular file ("a directory", ...).
    fn read(&self, path: &Path, limit: u64) -> Result<Option<Vec<u8>>, String>;
    /// `path` made absolute (against the current directory).
    fn absolute(&self, path: &Path) -> PathBuf;
}

/// The checklist files in a user's checklist directory, sorted. JSON Schema files
/// (`*.schema.json`) are not checklists. A missing directory has none.
fn user_files(files: &dyn ChecklistFiles, dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = files
        .list(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        // Non-regular entries are kept: loading them reports "not a regular file" by name.
        .filter(|p| !p.to_string_lossy().ends_with(".schema.json"))
        .collect();
    found.sort();
    found
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
pub fn load_followed(files: &dyn ChecklistFiles, path: &Path) -> Result<Loaded, ChecklistErrors> {
    let path = files.absolute(path);
    let (bytes, text) = read_file(files, &path)?;
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
    pub id: ChecklistId,
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
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Every bundled checklist (that was asked for), and each user checklist whose id is neither
    /// bundled nor another user file's.
    pub checklists: Vec<Loaded>,
    pub conflicts: Vec<Conflict>,
    pub errors: Vec<ChecklistErrors>,
}

/// How an account names its checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl Resolved {
    /// A checklist with no other file to report (one given by its path).
    fn alone(loaded: Loaded) -> Resolved {
        Resolved {
            loaded,
            unused: Vec::new(),
        }
    }
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
    pub fn load(files: &dyn ChecklistFiles, user_dir: Option<&Path>) -> Catalog {
        Self::load_filtered(files, user_dir, None)
    }

    /// Like [`Catalog::load`], but parses only the bundled checklists with these ids (a bundled
    /// file is named `<id>.json`). User checklists are always read: their ids are inside them.
    pub fn load_only(files: &dyn ChecklistFiles, user_dir: Option<&Path>, ids: &[&str]) -> Catalog {
        Self::load_filtered(files, user_dir, Some(ids))
    }

    fn load_filtered(
        files: &dyn ChecklistFiles,
        user_dir: Option<&Path>,
        ids: Option<&[&str]>,
    ) -> Catalog {
        let mut cat = Catalog::default();
        for (name, text) in BUNDLED {
            if let Some(ids) = ids
                && !ids.iter().any(|id| name.strip_suffix(".json") == Some(id))
            {
                continue;
            }
            match super::parse::parse_bundled(name, text) {
                Ok(c) => cat.checklists.push(Loaded::bundled(c)),
                Err(e) => cat.errors.push(e),
            }
        }
        let mut by_id: BTreeMap<ChecklistId, Vec<Loaded>> = BTreeMap::new();
        for f in user_dir.map(|d| user_files(files, d)).unwrap_or_default() {
            match load_followed(files, &f) {
                Ok(l) => by_id.entry(l.checklist.id.clone()).or_default().push(l),
                Err(e) => cat.errors.push(e),
            }
        }
        for (id, mut found) in by_id {
            let bundled = is_bundled(id.as_str());
            if !bundled && found.len() == 1 {
                cat.checklists.push(found.remove(0));
            } else {
                cat.conflicts.push(Conflict {
                    id,
                    bundled,
                    files: found,
                });
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
    pub fn resolve(
        &self,
        files: &dyn ChecklistFiles,
        w: Wanted<'_>,
    ) -> Result<Resolved, Unavailable> {
        choose(self, files, w, |cat, pick| match pick {
            Pick::Conflict(i) => cat.conflicts[i].files[0].clone(),
            Pick::Found(i) => cat.checklists[i].clone(),
        })
    }

    /// [`Catalog::resolve`] for a catalog read for one account: the checklist is moved out of
    /// it rather than copied.
    pub fn into_resolved(
        self,
        files: &dyn ChecklistFiles,
        w: Wanted<'_>,
    ) -> Result<Resolved, Unavailable> {
        choose(self, files, w, |mut cat, pick| match pick {
            Pick::Conflict(i) => cat.conflicts.swap_remove(i).files.swap_remove(0),
            Pick::Found(i) => cat.checklists.swap_remove(i),
        })
    }

    /// Where the checklist `w.id` names is in this catalog, and the files with that id it does
    /// not use (a checklist file given by path is not looked up here).
    fn pick(&self, w: Wanted<'_>) -> Result<(Pick, Vec<PathBuf>), Unavailable> {
        let missing = || Unavailable::Missing {
            id: w.id.to_string(),
            broken: self.errors.clone(),
        };
        let at = self.conflicts.iter().position(|c| c.id == w.id);
        let conflict = at.map(|i| &self.conflicts[i]);
        let unused = || {
            conflict.map_or_else(Vec::new, |c| {
                c.paths().into_iter().map(Path::to_path_buf).collect()
            })
        };
        match (at, conflict) {
            (Some(i), Some(c)) if c.bundled && w.legacy && c.files.len() == 1 => {
                Ok((Pick::Conflict(i), Vec::new()))
            }
            (_, Some(c)) if !c.bundled => Err(Unavailable::Ambiguous {
                id: w.id.to_string(),
                files: unused(),
            }),
            _ => {
                let i = self
                    .checklists
                    .iter()
                    .position(|l| l.checklist.id == w.id)
                    .ok_or_else(missing)?;
                Ok((Pick::Found(i), unused()))
            }
        }
    }
}

/// [`Catalog::resolve`] with the chosen checklist taken from the catalog (`cat`, borrowed or
/// owned) by `get`.
fn choose<C: std::borrow::Borrow<Catalog>>(
    cat: C,
    files: &dyn ChecklistFiles,
    w: Wanted<'_>,
    get: impl FnOnce(C, Pick) -> Loaded,
) -> Result<Resolved, Unavailable> {
    if let Some(file) = w.file {
        return resolve_file(files, file, w.id).map(Resolved::alone);
    }
    let (pick, unused) = cat.borrow().pick(w)?;
    Ok(Resolved {
        loaded: get(cat, pick),
        unused,
    })
}

/// Which checklist of a catalog [`Catalog::pick`] chose.
enum Pick {
    /// The one user file of a conflict (an account saved by an earlier lockstep).
    Conflict(usize),
    /// A checklist of `checklists`.
    Found(usize),
}

/// True when a checklist file in `dir` has the outline of checklist `id` (valid or not).
fn has_user_file_with_id(files: &dyn ChecklistFiles, dir: &Path, id: &str) -> bool {
    user_files(files, dir).iter().any(|f| {
        files
            .read(f, super::parse::MAX_CHECKLIST_BYTES)
            .ok()
            .flatten()
            .and_then(|b| serde_json::from_slice::<Outline>(&b).ok())
            .is_some_and(|o| o.id == id)
    })
}

/// Loads the file an account follows and checks it still has the account's checklist id.
fn resolve_file(files: &dyn ChecklistFiles, file: &Path, id: &str) -> Result<Loaded, Unavailable> {
    let loaded = load_followed(files, file).map_err(Unavailable::Broken)?;
    if loaded.checklist.id != id {
        return Err(Unavailable::WrongId {
            file: file.display().to_string(),
            found: loaded.checklist.id.into_string(),
            wanted: id.to_string(),
        });
    }
    Ok(loaded)
}

/// Just what `lockstep due` needs from a checklist: section ids, titles, kinds and intervals.
/// Steps are skipped without allocating, which keeps the shell-start path fast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    pub id: ChecklistId,
    pub service: String,
    pub sections: Vec<OutlineSection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutlineSection {
    pub id: SectionId,
    pub title: String,
    pub kind: SectionKind,
    #[serde(default)]
    pub every_months: Option<u32>,
    /// Former ids of the section (progress recorded under them follows it).
    #[serde(default)]
    pub aliases: Vec<SectionId>,
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
    /// (former id, current id) of the outline's renamed sections (see `section_renames`).
    pub fn renames(&self) -> Vec<(&str, &str)> {
        super::aliases::renames(
            self.sections
                .iter()
                .map(|s| (s.id.as_str(), s.aliases.as_slice())),
        )
    }

    /// The outline of an account's checklist, resolved exactly as [`Catalog::resolve`] does. A
    /// followed file is read and fully validated (a file every other command rejects must not
    /// drive `lockstep due`); an account on a bundled checklist takes the fast path (tests
    /// validate the bundled files) without reading the checklist directory.
    pub fn resolve(
        files: &dyn ChecklistFiles,
        user_dir: Option<&Path>,
        w: Wanted<'_>,
    ) -> Result<Outline, Unavailable> {
        Self::resolve_cached(files, user_dir, w, None)
    }

    /// [`Outline::resolve`], with the outline of the bundled checklist `w.id` already known
    /// (`cached`, kept in the due index by a build with the same bundled checklists): used
    /// where the bundled checklist would be.
    pub fn resolve_cached(
        files: &dyn ChecklistFiles,
        user_dir: Option<&Path>,
        w: Wanted<'_>,
        cached: Option<&Outline>,
    ) -> Result<Outline, Unavailable> {
        if let Some(file) = w.file {
            return resolve_file(files, file, w.id).map(|l| Outline::from(&l.checklist));
        }
        // An account saved by an earlier lockstep may be following a user file with the bundled
        // id: only then is the directory's content needed (and only files with this id).
        let legacy_file =
            w.legacy && user_dir.is_some_and(|d| has_user_file_with_id(files, d, w.id));
        if !legacy_file {
            if let Some(o) = cached.filter(|o| o.id == w.id) {
                return Ok(o.clone());
            }
            if let Some(o) = Self::bundled(w.id) {
                return Ok(o);
            }
        }
        let cat = Catalog::load_only(files, user_dir, &[w.id]);
        cat.resolve(files, w)
            .map(|r| Outline::from(&r.loaded.checklist))
    }

    /// The outline of bundled checklist `<id>.json`: its JSON read through the outline's own
    /// deserializer (steps skipped), the same serde format as every other read.
    pub fn bundled(id: &str) -> Option<Outline> {
        serde_json::from_str(bundled_text(id)?).ok()
    }
}
