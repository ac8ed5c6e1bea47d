//! Finding checklists: the bundled ones, the user's checklist directory, and the fast outline
//! that `lockstep due` reads. The only file IO of the checklist module.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::BUNDLED;
use super::model::{Checklist, SectionKind};
use super::parse::{ChecklistErrors, load_file, parse};

/// The checklist files in a user's checklist directory, sorted (later files win on equal ids).
/// JSON Schema files (`*.schema.json`) are not checklists. A missing directory has none.
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

/// Where a checklist came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Bundled(&'static str),
    User(PathBuf),
}

/// A loaded checklist and its origin.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub checklist: Checklist,
    pub origin: Origin,
}

/// The result of loading all available checklists: good ones plus per-file errors.
#[derive(Debug, Default)]
pub struct Catalog {
    pub checklists: Vec<Loaded>,
    pub errors: Vec<ChecklistErrors>,
}

impl Catalog {
    /// Loads the bundled checklists, then every `*.json` in `user_dir` (if it exists).
    /// A user checklist with the same id as a bundled one replaces it.
    pub fn load(user_dir: Option<&Path>) -> Catalog {
        Self::load_filtered(user_dir, None)
    }

    /// Like [`Catalog::load`], but parses only the bundled checklists with these ids (a bundled
    /// file is named `<id>.json`). User checklists are always read: their ids are inside them.
    /// This keeps `lockstep due` fast.
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
                Ok(c) => cat.checklists.push(Loaded {
                    checklist: c,
                    origin: Origin::Bundled(name),
                }),
                Err(e) => cat.errors.push(e),
            }
        }
        if let Some(dir) = user_dir {
            let files = user_files(dir);
            for f in files {
                match load_file(&f) {
                    Ok(c) => {
                        cat.checklists.retain(|l| l.checklist.id != c.id);
                        cat.checklists.push(Loaded {
                            checklist: c,
                            origin: Origin::User(f),
                        });
                    }
                    Err(e) => cat.errors.push(e),
                }
            }
        }
        cat
    }

    pub fn get(&self, id: &str) -> Option<&Checklist> {
        self.checklists
            .iter()
            .find(|l| l.checklist.id == id)
            .map(|l| &l.checklist)
    }
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
                })
                .collect(),
        }
    }
}

impl Outline {
    /// Finds the outline of checklist `id` exactly as [`Catalog::load`] resolves it: the last valid
    /// user checklist with that id (user files override bundled ones), else the bundled
    /// `<id>.json`. User files are fully validated (a file every other command rejects must not
    /// drive `lockstep due`); files that fail are skipped here and reported by the full loaders.
    /// Bundled files take the fast outline path: tests validate them.
    pub fn find(user_dir: Option<&Path>, id: &str) -> Option<Outline> {
        if let Some(dir) = user_dir {
            let files = user_files(dir);
            let found = files.iter().rev().find_map(|f| {
                let bytes =
                    crate::fileio::read_bounded(f, super::parse::MAX_CHECKLIST_BYTES).ok()??;
                let text = String::from_utf8(bytes).ok()?;
                // Only files whose outline names this id are validated. A file without a valid
                // outline cannot be a valid checklist either (it needs every outline field).
                serde_json::from_str::<Outline>(&text)
                    .ok()
                    .filter(|o| o.id == id)?;
                // The same validating parser as `load_file`, on the text already read.
                parse(&f.display().to_string(), &text)
                    .ok()
                    .map(|c| Outline::from(&c))
            });
            if found.is_some() {
                return found;
            }
        }
        Self::bundled(id)
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
                .map(|(sid, title, kind, every)| OutlineSection {
                    id: sid.to_string(),
                    title: title.to_string(),
                    kind: match *kind {
                        "setup" => SectionKind::Setup,
                        "recurring" => SectionKind::Recurring,
                        "event" => SectionKind::Event,
                        _ => SectionKind::Emergency,
                    },
                    every_months: (*every > 0).then_some(*every),
                })
                .collect(),
        })
    }
}
