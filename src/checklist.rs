//! Checklist model, loading and validation (SPEC §1): JSON files with precise `file:line:col: path: message` errors.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The only checklist schema version this build understands.
pub const SCHEMA_VERSION: u32 = 1;

/// Checklists compiled into the binary: (file name, contents).
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "crypto-com.json",
        include_str!("../checklists/crypto-com.json"),
    ),
    (
        "generic-exchange.json",
        include_str!("../checklists/generic-exchange.json"),
    ),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    pub schema: u32,
    pub id: String,
    pub title: String,
    pub service: String,
    pub updated: NaiveDate,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub personas: Vec<Persona>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    Setup,
    Recurring,
    Event,
    Emergency,
}

impl SectionKind {
    pub fn label(self) -> &'static str {
        match self {
            SectionKind::Setup => "setup",
            SectionKind::Recurring => "recurring",
            SectionKind::Event => "event",
            SectionKind::Emergency => "emergency",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub kind: SectionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_months: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    /// Core controls (the default) or persona-tailored risk advice, which counts less in the score.
    #[serde(default, skip_serializing_if = "SectionRole::is_core")]
    pub role: SectionRole,
    pub steps: Vec<Step>,
}

/// What a section is for: core hardening controls, or persona-tailored risk advice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionRole {
    #[default]
    Core,
    Advice,
}

impl SectionRole {
    pub fn is_core(&self) -> bool {
        *self == SectionRole::Core
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub why: String,
    pub how: Vec<String>,
    #[serde(default)]
    pub path: Vec<String>,
    #[serde(default)]
    pub warnings: Vec<String>,
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default = "default_weight")]
    pub weight: u32,
    #[serde(default)]
    pub personas: Vec<String>,
    /// Id of a setup step this step depends on: when that step is not applicable, neither is this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<String>,
}

fn default_weight() -> u32 {
    1
}

impl Step {
    /// True when the step applies to a user with the given personas (empty = everyone).
    pub fn applies_to(&self, personas: &[String]) -> bool {
        self.personas.is_empty() || self.personas.iter().any(|p| personas.contains(p))
    }
}

impl Checklist {
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn sections_of(&self, kind: SectionKind) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(move |s| s.kind == kind)
    }

    /// Finds a step anywhere in the checklist with its section.
    pub fn step(&self, id: &str) -> Option<(&Section, &Step)> {
        self.sections
            .iter()
            .find_map(|s| s.steps.iter().find(|st| st.id == id).map(|st| (s, st)))
    }

    pub fn emergency(&self) -> Option<&Section> {
        self.sections_of(SectionKind::Emergency).next()
    }
}

/// A loading or validation error that names the file, the position and the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ChecklistError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub message: String,
}

impl fmt::Display for ChecklistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.message)
    }
}

/// Several errors from one file (validation reports everything it finds).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ChecklistErrors(pub Vec<ChecklistError>);

impl fmt::Display for ChecklistErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Parses and validates checklist text; `file` is used in messages only.
pub fn parse(file: &str, text: &str) -> Result<Checklist, ChecklistErrors> {
    let one = |line, column, path: &str, message: String| {
        ChecklistErrors(vec![ChecklistError {
            file: file.to_string(),
            line,
            column,
            path: path.to_string(),
            message,
        }])
    };
    if text.starts_with('\u{feff}') {
        return Err(one(
            1,
            1,
            "",
            "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM".into(),
        ));
    }
    if text.trim().is_empty() {
        return Err(one(
            1,
            1,
            "",
            "file is empty; expected a JSON checklist object".into(),
        ));
    }
    // Plain serde_json first (fast); on error, parse again tracking the field path for the message.
    let parsed = serde_json::from_str::<Checklist>(text).or_else(|_| {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de)
    });
    let checklist: Checklist = match parsed {
        Ok(c) => c,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let path = if path == "." { String::new() } else { path };
            let msg = strip_position(&inner.to_string());
            return Err(one(inner.line(), inner.column(), &path, msg));
        }
    };
    let problems = validate(&checklist);
    if problems.is_empty() {
        Ok(checklist)
    } else {
        Err(ChecklistErrors(
            problems
                .into_iter()
                .map(|(path, message)| {
                    let (line, column) = locate(text, &path);
                    ChecklistError {
                        file: file.to_string(),
                        line,
                        column,
                        path,
                        message,
                    }
                })
                .collect(),
        ))
    }
}

/// Reads and parses a checklist file from disk.
pub fn load_file(path: &Path) -> Result<Checklist, ChecklistErrors> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        ChecklistErrors(vec![ChecklistError {
            file: name.clone(),
            line: 0,
            column: 0,
            path: String::new(),
            message: format!("cannot read file: {e}"),
        }])
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = upto.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        ChecklistErrors(vec![ChecklistError {
            file: name.clone(),
            line,
            column,
            path: String::new(),
            message: "file is not valid UTF-8".into(),
        }])
    })?;
    parse(&name, &text)
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Semantic checks after parsing. Returns (field path, message) pairs.
pub fn validate(c: &Checklist) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut err = |p: String, m: &str| out.push((p, m.to_string()));
    if c.schema != SCHEMA_VERSION {
        err(
            "schema".into(),
            &format!(
                "unsupported schema version {} (this lockstep reads version {SCHEMA_VERSION})",
                c.schema
            ),
        );
    }
    if !is_id(&c.id) {
        err("id".into(), "must be kebab-case: a-z, 0-9 and '-'");
    }
    if c.title.trim().is_empty() {
        err("title".into(), "must not be empty");
    }
    if c.service.trim().is_empty() {
        err("service".into(), "must not be empty");
    }
    for (i, s) in c.sources.iter().enumerate() {
        if let Some(u) = &s.url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            err(format!("sources[{i}].url"), "must be an http(s) URL");
        }
    }
    let mut persona_ids = HashSet::new();
    for (i, p) in c.personas.iter().enumerate() {
        if !is_id(&p.id) {
            err(format!("personas[{i}].id"), "must be kebab-case");
        }
        if !persona_ids.insert(p.id.as_str()) {
            err(format!("personas[{i}].id"), "duplicate persona id");
        }
    }
    if c.sections.is_empty() {
        err("sections".into(), "a checklist needs at least one section");
    }
    if !c.sections.iter().any(|s| s.kind == SectionKind::Setup) {
        err(
            "sections".into(),
            "a checklist needs at least one setup section",
        );
    }
    if c.sections_of(SectionKind::Emergency).count() > 1 {
        err(
            "sections".into(),
            "at most one emergency section is allowed",
        );
    }
    let setup_step_ids: HashSet<&str> = c
        .sections_of(SectionKind::Setup)
        .flat_map(|s| &s.steps)
        .map(|t| t.id.as_str())
        .collect();
    let mut section_ids = HashSet::new();
    let mut step_ids = HashSet::new();
    for (si, s) in c.sections.iter().enumerate() {
        let sp = format!("sections[{si}]");
        if !is_id(&s.id) {
            err(format!("{sp}.id"), "must be kebab-case: a-z, 0-9 and '-'");
        }
        if !section_ids.insert(s.id.as_str()) {
            err(
                format!("{sp}.id"),
                &format!("duplicate section id '{}'", s.id),
            );
        }
        if s.title.trim().is_empty() {
            err(format!("{sp}.title"), "must not be empty");
        }
        match (s.kind, s.every_months) {
            (SectionKind::Recurring, None) => err(
                format!("{sp}.every_months"),
                "a recurring section needs every_months (1 = monthly, 3 = quarterly)",
            ),
            (SectionKind::Recurring, Some(m)) if !(1..=24).contains(&m) => {
                err(format!("{sp}.every_months"), "must be between 1 and 24")
            }
            (k, Some(_)) if k != SectionKind::Recurring => err(
                format!("{sp}.every_months"),
                "only recurring sections have every_months",
            ),
            _ => {}
        }
        if s.minutes.is_some() && s.kind != SectionKind::Setup {
            err(format!("{sp}.minutes"), "only setup sections have minutes");
        }
        if s.steps.is_empty() {
            err(format!("{sp}.steps"), "a section needs at least one step");
        }
        for (ti, t) in s.steps.iter().enumerate() {
            let tp = format!("{sp}.steps[{ti}]");
            if !is_id(&t.id) {
                err(format!("{tp}.id"), "must be kebab-case: a-z, 0-9 and '-'");
            }
            if !step_ids.insert(t.id.as_str()) {
                err(
                    format!("{tp}.id"),
                    &format!(
                        "duplicate step id '{}' (step ids are unique per checklist)",
                        t.id
                    ),
                );
            }
            if t.title.trim().is_empty() {
                err(format!("{tp}.title"), "must not be empty");
            }
            if t.why.trim().is_empty() {
                err(format!("{tp}.why"), "must not be empty");
            }
            if t.how.is_empty() {
                err(format!("{tp}.how"), "needs at least one instruction");
            }
            if !(1..=10).contains(&t.weight) {
                err(format!("{tp}.weight"), "must be between 1 and 10");
            }
            for (li, l) in t.links.iter().enumerate() {
                if !l.starts_with("https://") {
                    err(format!("{tp}.links[{li}]"), "must be an https:// URL");
                }
            }
            for (pi, p) in t.personas.iter().enumerate() {
                if !persona_ids.contains(p.as_str()) {
                    err(
                        format!("{tp}.personas[{pi}]"),
                        &format!("unknown persona '{p}' (declare it in personas)"),
                    );
                }
            }
            if let Some(r) = &t.requires {
                if *r == t.id {
                    err(format!("{tp}.requires"), "a step cannot require itself");
                } else if !setup_step_ids.contains(r.as_str()) {
                    err(
                        format!("{tp}.requires"),
                        &format!("'{r}' is not a step of a setup section in this checklist"),
                    );
                }
            }
        }
    }
    out
}

/// Finds the line and column of a field path like `sections[2].steps[0].id` in JSON text.
/// Falls back to the nearest enclosing value found, or 1:1.
pub fn locate(text: &str, path: &str) -> (usize, usize) {
    let mut segs: Vec<Seg> = Vec::new();
    for part in path.split('.') {
        if part.is_empty() {
            continue;
        }
        let (name, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            segs.push(Seg::Key(name.to_string()));
        }
        for idx in rest.split('[').filter(|x| !x.is_empty()) {
            if let Ok(n) = idx.trim_end_matches(']').parse() {
                segs.push(Seg::Index(n));
            }
        }
    }
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    for seg in &segs {
        match find_child(bytes, pos, seg) {
            Some(p) => pos = p,
            None => break,
        }
    }
    line_col(text, pos)
}

enum Seg {
    Key(String),
    Index(usize),
}

fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Skips one JSON value starting at `i` (which must not be whitespace); returns the index after it.
fn skip_value(b: &[u8], i: usize) -> usize {
    if i >= b.len() {
        return i;
    }
    match b[i] {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            j
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace()
            {
                j += 1;
            }
            j
        }
    }
}

fn skip_string(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    j
}

/// Returns the start of the child value named by `seg` inside the container at `pos`.
fn find_child(b: &[u8], pos: usize, seg: &Seg) -> Option<usize> {
    match (b.get(pos)?, seg) {
        (b'{', Seg::Key(key)) => {
            let mut i = skip_ws(b, pos + 1);
            while i < b.len() && b[i] == b'"' {
                let end = skip_string(b, i);
                let name = std::str::from_utf8(&b[i + 1..end.saturating_sub(1)]).ok()?;
                let mut j = skip_ws(b, end);
                if b.get(j) != Some(&b':') {
                    return None;
                }
                j = skip_ws(b, j + 1);
                if name == key {
                    return Some(j);
                }
                j = skip_ws(b, skip_value(b, j));
                if b.get(j) == Some(&b',') {
                    i = skip_ws(b, j + 1);
                } else {
                    return None;
                }
            }
            None
        }
        (b'[', Seg::Index(n)) => {
            let mut i = skip_ws(b, pos + 1);
            for _ in 0..*n {
                i = skip_ws(b, skip_value(b, i));
                if b.get(i) != Some(&b',') {
                    return None;
                }
                i = skip_ws(b, i + 1);
            }
            (i < b.len() && b[i] != b']').then_some(i)
        }
        _ => None,
    }
}

/// The checklist files in a user's checklist directory, sorted (later files win on equal ids).
/// JSON Schema files (`*.schema.json`) are not checklists. A missing directory has none.
fn user_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
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
                let text = std::fs::read_to_string(f).ok()?;
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
        BUNDLED
            .iter()
            .find(|(name, _)| name.strip_suffix(".json") == Some(id))
            .and_then(|(_, text)| serde_json::from_str(text).ok())
    }
}

/// The default checklist id for new accounts.
pub const DEFAULT_CHECKLIST: &str = "crypto-com";

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> String {
        r#"{
  "schema": 1,
  "id": "t",
  "title": "T",
  "service": "S",
  "updated": "2026-01-01",
  "personas": [{"id": "holder", "title": "H"}],
  "sections": [
    {"id": "essentials", "title": "E", "kind": "setup", "minutes": 5, "steps": [
      {"id": "a", "title": "A", "why": "w", "how": ["h"]}
    ]},
    {"id": "monthly", "title": "M", "kind": "recurring", "every_months": 1, "steps": [
      {"id": "b", "title": "B", "why": "w", "how": ["h"], "personas": ["holder"]}
    ]}
  ]
}"#
        .to_string()
    }

    #[test]
    fn bundled_checklists_validate_and_ids_are_unique() {
        assert!(BUNDLED.len() >= 2);
        for (name, text) in BUNDLED {
            let c = parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            let mut ids = HashSet::new();
            for s in &c.sections {
                for st in &s.steps {
                    assert!(ids.insert(st.id.clone()), "{name}: duplicate {}", st.id);
                }
            }
            assert!(c.emergency().is_some(), "{name} has no emergency section");
            assert_eq!(
                format!("{}.json", c.id),
                *name,
                "bundled files are named <id>.json"
            );
            assert!(c.sections_of(SectionKind::Recurring).count() >= 2);
        }
    }

    #[test]
    fn crypto_com_covers_the_source_guide() {
        let c = parse("crypto-com.json", BUNDLED[0].1).unwrap();
        let essentials = c.section("essentials").unwrap();
        assert_eq!(essentials.kind, SectionKind::Setup);
        assert_eq!(essentials.minutes, Some(5));
        assert!(essentials.steps.len() >= 6);
        assert!(c.section("advanced").unwrap().steps.len() >= 6);
        assert_eq!(c.section("monthly").unwrap().every_months, Some(1));
        assert_eq!(c.section("quarterly").unwrap().every_months, Some(3));
        assert_eq!(
            c.section("after-integration").unwrap().kind,
            SectionKind::Event
        );
        let (_, totp) = c.step("totp-2fa").unwrap();
        assert_eq!(totp.path, ["App", "Settings", "Security", "2FA"]);
        assert!(totp.warnings.iter().any(|w| w.contains("SMS")));
        let all_text = serde_json::to_string(&c).unwrap();
        assert!(all_text.contains("24 hours") || all_text.contains("24-hour"));
        // The monthly list includes the anti-phishing code refresh.
        let monthly = c.section("monthly").unwrap();
        assert!(
            monthly
                .steps
                .iter()
                .any(|s| s.title.to_lowercase().contains("anti-phishing"))
        );
        // Emergency steps: lock first.
        let em = c.emergency().unwrap();
        assert!(em.steps[0].title.to_lowercase().contains("lock"));
        // Personas from the source.
        let ids: Vec<_> = c.personas.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["holder", "trader", "card", "web3"]);
        // No invented links.
        for s in &c.sections {
            for st in &s.steps {
                assert!(
                    st.links.is_empty(),
                    "{} has links the source does not give",
                    st.id
                );
            }
        }
    }

    #[test]
    fn minimal_parses() {
        let c = parse("m.json", &minimal()).unwrap();
        assert_eq!(c.sections.len(), 2);
        assert!(c.step("b").unwrap().1.applies_to(&["holder".into()]));
        assert!(!c.step("b").unwrap().1.applies_to(&[]));
        assert!(c.step("a").unwrap().1.applies_to(&[]));
    }

    #[test]
    fn unknown_field_reports_line_col_and_path() {
        let text = minimal().replace(
            r#""why": "w", "how": ["h"]}"#,
            r#""why": "w", "how": ["h"], "colour": 1}"#,
        );
        let e = parse("m.json", &text).unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("m.json:10:"), "{s}");
        assert!(
            s.contains("sections[0].steps[0].colour") || s.contains("sections[0].steps[0]"),
            "{s}"
        );
        assert!(s.contains("unknown field `colour`"), "{s}");
    }

    #[test]
    fn syntax_error_has_position() {
        let text = minimal().replace(r#""title": "T","#, r#""title": "T""#);
        let e = parse("m.json", &text).unwrap_err();
        assert_eq!(e.0[0].line, 5, "{e}");
    }

    #[test]
    fn semantic_errors_are_located() {
        let text = minimal().replace(r#""id": "b""#, r#""id": "a""#);
        let e = parse("m.json", &text).unwrap_err();
        let s = e.to_string();
        assert_eq!(
            s,
            "m.json:13:14: sections[1].steps[0].id: duplicate step id 'a' (step ids are unique per checklist)"
        );
        let text = minimal().replace(r#""personas": ["holder"]"#, r#""personas": ["hodler"]"#);
        let s = parse("m.json", &text).unwrap_err().to_string();
        assert!(
            s.contains("sections[1].steps[0].personas[0]: unknown persona 'hodler'"),
            "{s}"
        );
        let text = minimal().replace(r#""every_months": 1,"#, "");
        let s = parse("m.json", &text).unwrap_err().to_string();
        assert!(
            s.contains("sections[1].every_months: a recurring section needs"),
            "{s}"
        );
        assert!(s.starts_with("m.json:12:"), "{s}");
    }

    #[test]
    fn empty_bom_and_schema_version() {
        assert!(
            parse("e.json", "")
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert!(
            parse("e.json", "\u{feff}{}")
                .unwrap_err()
                .to_string()
                .contains("BOM")
        );
        let s = parse(
            "m.json",
            &minimal().replace(r#""schema": 1"#, r#""schema": 2"#),
        )
        .unwrap_err()
        .to_string();
        assert!(
            s.contains("m.json:2:13: schema: unsupported schema version 2"),
            "{s}"
        );
    }

    #[test]
    fn outline_matches_the_full_checklist() {
        for (name, text) in BUNDLED {
            let full = parse(name, text).unwrap();
            let o = Outline::find(None, &full.id).unwrap();
            assert_eq!(o.service, full.service);
            let a: Vec<_> = o
                .sections
                .iter()
                .map(|s| (&s.id, &s.title, s.kind, s.every_months))
                .collect();
            let b: Vec<_> = full
                .sections
                .iter()
                .map(|s| (&s.id, &s.title, s.kind, s.every_months))
                .collect();
            assert_eq!(a, b);
        }
        assert!(Outline::find(None, "nope").is_none());
    }

    #[test]
    fn outline_ignores_invalid_user_files_like_the_catalog() {
        let dir = tempfile::tempdir().unwrap();
        let bundled = BUNDLED[0].1;
        // An override of the bundled crypto-com that every other command rejects.
        let invalid = bundled
            .replacen("\"every_months\": 1", "\"every_months\": 0", 1)
            .replacen("Monthly review", "BROKEN monthly", 1);
        assert_ne!(invalid, bundled);
        assert!(parse("x.json", &invalid).is_err());
        std::fs::write(dir.path().join("z-crypto.json"), &invalid).unwrap();
        // An invalid checklist with an id of its own.
        std::fs::write(
            dir.path().join("mine.json"),
            minimal()
                .replace(r#""id": "t""#, r#""id": "mine""#)
                .replace(r#""every_months": 1"#, r#""every_months": 0"#),
        )
        .unwrap();
        // A valid user checklist, and a valid override of generic-exchange with an invalid one
        // sorting after it.
        std::fs::write(
            dir.path().join("good.json"),
            minimal().replace(r#""id": "t""#, r#""id": "good""#),
        )
        .unwrap();
        let generic = BUNDLED[1]
            .1
            .replacen("\"service\": \"", "\"service\": \"My ", 1);
        std::fs::write(dir.path().join("g1.json"), &generic).unwrap();
        std::fs::write(
            dir.path().join("g2.json"),
            generic.replacen("\"schema\": 1", "\"schema\": 9", 1),
        )
        .unwrap();

        let cat = Catalog::load(Some(dir.path()));
        for id in ["crypto-com", "generic-exchange", "mine", "good", "nope"] {
            assert_eq!(
                Outline::find(Some(dir.path()), id),
                cat.get(id).map(Outline::from),
                "{id}"
            );
        }
        let o = Outline::find(Some(dir.path()), "crypto-com").unwrap();
        let monthly = o.sections.iter().find(|s| s.id == "monthly").unwrap();
        assert_eq!(
            (monthly.title.as_str(), monthly.every_months),
            ("Monthly review", Some(1)),
            "the invalid override is ignored: the bundled checklist is used"
        );
        assert!(Outline::find(Some(dir.path()), "mine").is_none());
        assert!(Outline::find(Some(dir.path()), "good").is_some());
        assert!(
            Outline::find(Some(dir.path()), "generic-exchange")
                .unwrap()
                .service
                .starts_with("My "),
            "the last valid override wins"
        );
    }

    #[test]
    fn load_only_parses_just_what_is_asked() {
        let cat = Catalog::load_only(None, &["generic-exchange"]);
        assert_eq!(cat.checklists.len(), 1);
        assert!(cat.get("generic-exchange").is_some());
        assert_eq!(Catalog::load(None).checklists.len(), BUNDLED.len());
    }

    #[test]
    fn locate_finds_nested_positions() {
        let t = "{\n \"a\": [1, {\"b\": \"x\"}]\n}";
        assert_eq!(locate(t, "a[1].b"), (2, 17));
        assert_eq!(locate(t, "a[5]"), (2, 7));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse("fuzz.json", &text);
        }

        #[test]
        fn mutated_checklist_never_panics(pos in 0usize..400, ch in proptest::char::any()) {
            let mut text = minimal();
            let p = pos.min(text.len());
            let p = (0..=p).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            text.insert(p, ch);
            let _ = parse("fuzz.json", &text);
        }
    }
}
