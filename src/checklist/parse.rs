//! Reading checklist text: JSON parsing with `file:line:col: path: message` errors.

use std::fmt;
use std::path::Path;

use super::model::Checklist;
use super::validate::validate;
use crate::jsonpos;

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
        // One line per error, whatever the file name or field holds (a crafted name must not
        // print a line of its own).
        use crate::guard::line;
        write!(f, "{}:{}:{}: ", line(&self.file), self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", line(&self.path))?;
        }
        write!(f, "{}", line(&self.message))
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
    let checklist: Checklist = jsonpos::from_str(text).map_err(|e| {
        let message = if e.eof {
            format!("{} (the file is truncated)", e.message)
        } else {
            e.message
        };
        one(e.line, e.column, &e.path, message)
    })?;
    let problems = validate(&checklist);
    if problems.is_empty() {
        Ok(checklist)
    } else {
        Err(ChecklistErrors(
            problems
                .into_iter()
                .map(|(path, message)| {
                    let (line, column) = jsonpos::locate(text, &path);
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

/// Largest checklist file lockstep reads.
pub const MAX_CHECKLIST_BYTES: u64 = 4 << 20;

/// Reads and parses a checklist file from disk.
pub fn load_file(path: &Path) -> Result<Checklist, ChecklistErrors> {
    let (_, text) = read_file(path)?;
    parse(&path.display().to_string(), &text)
}

/// Reads a checklist file: its bytes and its text (errors name the file, and the place of bytes
/// that are not UTF-8).
pub(super) fn read_file(path: &Path) -> Result<(Vec<u8>, String), ChecklistErrors> {
    let name = path.display().to_string();
    let fail = |message: String| {
        ChecklistErrors(vec![ChecklistError {
            file: name.clone(),
            line: 0,
            column: 0,
            path: String::new(),
            message,
        }])
    };
    let bytes = match crate::fileio::read_bounded(path, MAX_CHECKLIST_BYTES) {
        Ok(Some(b)) => b,
        Ok(None) => return Err(fail("cannot read file: no such file".into())),
        Err(p) => return Err(fail(format!("cannot read file: it is {p}"))),
    };
    let text = String::from_utf8(bytes.clone()).map_err(|e| {
        let (line, column) = jsonpos::utf8_error_at(e.as_bytes(), e.utf8_error().valid_up_to());
        ChecklistErrors(vec![ChecklistError {
            file: name.clone(),
            line,
            column,
            path: String::new(),
            message: "file is not valid UTF-8".into(),
        }])
    })?;
    Ok((bytes, text))
}
