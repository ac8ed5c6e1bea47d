//! Reading checklist text: JSON parsing with `file:line:col: path: message` errors.

use std::fmt;
use std::path::Path;

use super::ChecklistFiles;
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
    if text.trim_start().starts_with('[') {
        let (line, column) = jsonpos::locate(text, "");
        return Err(one(
            line,
            column,
            "",
            "a checklist is one JSON object {...}, not a list [...]".into(),
        ));
    }
    let checklist: Checklist = jsonpos::from_str(text).map_err(|e| {
        // A comment is a syntax error; say so when it comes first.
        if let Some((line, column, kind)) = jsonpos::find_comment(text)
            && (line, column) <= (e.line, e.column)
        {
            return one(
                line,
                column,
                "",
                format!(
                    "JSON has no comments: remove this `{kind}` comment (put notes in a field such as `why`)"
                ),
            );
        }
        // serde reads a struct from a list of its fields too: in valid JSON, a list where an
        // object belongs is the mistake to report.
        let valid_json = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
        if valid_json && let Some((path, line, column)) = jsonpos::first_non_object(text, OBJECTS) {
            return one(line, column, &path, NOT_A_LIST.into());
        }
        let mut message = explain(&e.message);
        if valid_json && message == "expected value" {
            // serde_json's words for a number or list where a word in quotes belongs.
            message = match e.path.rsplit('.').next() {
                Some("kind") => "expected one of \"setup\", \"recurring\", \"event\", \"emergency\"".into(),
                Some("role") => "expected \"core\" or \"advice\"".into(),
                _ => "expected a word in double quotes".into(),
            };
        }
        if e.eof {
            message.push_str(" (the file is truncated)");
        } else if char_at(text, e.line, e.column) == Some('\'') {
            message.push_str(" (JSON strings and names use double quotes)");
        }
        one(e.line, e.column, &e.path, message)
    })?;
    if let Some((path, line, column)) = jsonpos::first_non_object(text, OBJECTS) {
        return Err(one(line, column, &path, NOT_A_LIST.into()));
    }
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

/// A checklist compiled into the binary: the same serde reading as [`parse`], without the
/// checks a file from elsewhere needs (the walk that finds a list where an object belongs, and
/// the semantic validation). Those checks cost more than the reading itself (about 0.9 M
/// instructions of the 1.4 M that `parse` takes for the bundled Crypto.com checklist, at every
/// `status`, change, completion and TUI start) and cannot find anything new in text that does
/// not change after the build: the tests run `parse` on every bundled checklist and check that
/// both give the same checklist (`bundled_checklists_read_the_same_without_the_checks`). Should
/// the quick reading fail anyway, `parse` says why.
pub fn parse_bundled(name: &str, text: &str) -> Result<Checklist, ChecklistErrors> {
    serde_json::from_str(text).or_else(|_| parse(name, text))
}

/// Where the format has objects (serde would also read a struct from a list of its fields).
const OBJECTS: &[&str] = &[
    "",
    "sources[]",
    "personas[]",
    "sections[]",
    "sections[].steps[]",
];

const NOT_A_LIST: &str = "expected an object {...}, not a list [...]";

/// serde's message in the author's terms: a "did you mean" for an unknown field or value, and
/// the format's words instead of Rust type names.
fn explain(message: &str) -> String {
    let mut m = message
        .replace("expected u32", "expected a whole number")
        .replace(
            "expected struct Checklist",
            "expected a checklist object {...}",
        );
    for (what, name) in [
        ("struct Section", "a section"),
        ("struct Step", "a step"),
        ("struct Persona", "a persona"),
        ("struct Source", "a source"),
    ] {
        m = m.replace(
            &format!("expected {what}"),
            &format!("expected {name} object {{...}}"),
        );
    }
    for kind in ["unknown field `", "unknown variant `"] {
        let Some(start) = m.find(kind).map(|i| i + kind.len()) else {
            continue;
        };
        let Some(len) = m[start..].find('`') else {
            continue;
        };
        let word = m[start..start + len].to_string();
        let rest = &m[start + len + 1..];
        let candidates: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        if let Some(d) = super::validate::did_you_mean(&word, candidates.iter().copied()) {
            let d = d.to_string();
            m.insert_str(start + len + 1, &format!(" (did you mean `{d}`?)"));
        }
    }
    m
}

/// The character at a line and (character) column, both from 1.
fn char_at(text: &str, line: usize, column: usize) -> Option<char> {
    text.split('\n')
        .nth(line.checked_sub(1)?)?
        .chars()
        .nth(column.checked_sub(1)?)
}

/// Largest checklist file lockstep reads.
pub const MAX_CHECKLIST_BYTES: u64 = 4 << 20;

/// Reads and parses a checklist file from disk.
pub fn load_file(files: &dyn ChecklistFiles, path: &Path) -> Result<Checklist, ChecklistErrors> {
    let (_, text) = read_file(files, path)?;
    parse(&path.display().to_string(), &text)
}

/// Reads a checklist file: its bytes and its text (errors name the file, and the place of bytes
/// that are not UTF-8).
pub(super) fn read_file(
    files: &dyn ChecklistFiles,
    path: &Path,
) -> Result<(Vec<u8>, String), ChecklistErrors> {
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
    let bytes = match files.read(path, MAX_CHECKLIST_BYTES) {
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

#[cfg(test)]
mod tests {
    use super::*;

    const ONE_LINE: &str = r#"{"schema": 1, "id": "t", "title": "Überprüfung", "service": "S", "updated": "2026-01-01", "sections": [{"id": "e", "title": "E", "kind": "setup", "steps": [{"id": "a", "title": "A", "why": "w", "how": ["h"], "weight": 1}]}]}"#;

    fn error(text: &str) -> ChecklistError {
        parse("t.json", text).unwrap_err().0.remove(0)
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert!(parse("t.json", ONE_LINE).is_ok());
        // A validator error after a multi-byte character on the same line.
        let e = error(&ONE_LINE.replace(r#""weight": 1"#, r#""weight": 11"#));
        let chars = ONE_LINE.find(r#""weight": 1"#).unwrap() - 2 + 11; // 2 two-byte letters
        assert_eq!((e.line, e.column), (1, chars), "{e}");
        assert_eq!(e.path, "sections[0].steps[0].weight");
        // A serde error there too (serde points at the value's last character).
        let e = error(&ONE_LINE.replace(r#""weight": 1"#, r#""weight": "x""#));
        assert_eq!((e.line, e.column), (1, chars + 2), "{e}");
    }

    #[test]
    fn comments_quotes_and_typos_are_explained() {
        let e = error(&ONE_LINE.replace(r#""schema": 1,"#, r#""schema": 1, /* v1 */"#));
        assert_eq!(e.column, 15, "{e}");
        assert!(e.message.starts_with("JSON has no comments"), "{e}");
        // A comment after the first error: the first error is reported.
        let e = error(&format!("{}\n// end", ONE_LINE.replace("\"t\",", "\"t\"")));
        assert_eq!(e.line, 1, "{e}");
        assert!(!e.message.contains("comment"), "{e}");
        let e = error(&ONE_LINE.replace(r#""service""#, "'service'"));
        assert!(
            e.message
                .ends_with("(JSON strings and names use double quotes)"),
            "{e}"
        );
        let e = error(&ONE_LINE.replace(r#""why""#, r#""whyy""#));
        assert!(
            e.message
                .contains("unknown field `whyy` (did you mean `why`?)"),
            "{e}"
        );
        let e = error(&ONE_LINE.replace(r#""kind": "setup""#, r#""kind": "Setup""#));
        assert!(e.message.contains("(did you mean `setup`?)"), "{e}");
        let e =
            error(&ONE_LINE.replace(r#""updated": "2026-01-01""#, r#""updated": "01.01.2026""#));
        assert!(e.message.contains("YYYY-MM-DD"), "{e}");
    }

    #[test]
    fn lists_are_not_objects() {
        let e = error(&ONE_LINE.replace(
            r#"{"id": "a", "title": "A", "why": "w", "how": ["h"], "weight": 1}"#,
            r#"["a", [], "A", "w", ["h"], [], [], [], 1, [], null]"#,
        ));
        assert_eq!(e.path, "sections[0].steps[0]");
        assert_eq!(e.message, NOT_A_LIST);
    }
}
