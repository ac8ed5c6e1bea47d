//! The state file's on-disk form: an indented snapshot (one line per step, review and incident),
//! and its parser with `file:line:col` errors for every way a file can be damaged.

use std::io::{self, Write};
use std::path::Path;

use super::{BACKUP_FILE, StoreError};
use crate::state::{STATE_VERSION, State, StateV1};

/// Nesting depth up to which the state file is indented; deeper values (one history event, one
/// step's status, one review) are written on a single line. Readable and hand-editable, with
/// useful line numbers in errors, at about half the size of fully indented JSON.
const PRETTY_DEPTH: usize = 4;

/// JSON formatter: indented like `to_vec_pretty` down to `PRETTY_DEPTH`, compact below.
struct LayeredFormatter {
    depth: usize,
    has_value: bool,
}

impl LayeredFormatter {
    fn newline<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn begin<W: ?Sized + Write>(&mut self, w: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, w: &mut W, close: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value && self.depth < PRETTY_DEPTH {
            self.newline(w, self.depth)?;
        }
        w.write_all(close)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.depth <= PRETTY_DEPTH {
            self.newline(w, self.depth)?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for LayeredFormatter {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.depth <= PRETTY_DEPTH {
            b": "
        } else {
            b":"
        })
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Serialises the state in the on-disk layout (see [`LayeredFormatter`]), ending with a newline.
pub fn to_json(state: &State) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    let fmt = LayeredFormatter {
        depth: 0,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    serde::Serialize::serialize(state, &mut ser).expect("state always serialises");
    out.push(b'\n');
    out
}

/// A parsed state file: the current format, or version 1 (history inside), to be migrated.
#[derive(Debug)]
pub enum Parsed {
    Current(State),
    V1(StateV1),
}

/// Parses state file text. Never panics on arbitrary input; trailing data and duplicate keys
/// are errors like any other damage.
pub fn parse_state(file: &Path, text: &[u8]) -> Result<Parsed, StoreError> {
    let name = file.display().to_string();
    let backup = file.with_file_name(BACKUP_FILE).display().to_string();
    let corrupt = |line, column, detail: String| StoreError::Corrupt {
        file: name.clone(),
        backup: backup.clone(),
        line,
        column,
        detail,
    };
    if text.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(corrupt(
            1,
            1,
            "starts with a byte-order mark (BOM); an editor saved it as \"UTF-8 with BOM\"".into(),
        ));
    }
    let s = match std::str::from_utf8(text) {
        Ok(s) => s,
        Err(e) => {
            let (line, column) = crate::jsonpos::utf8_error_at(text, e.valid_up_to());
            return Err(corrupt(
                line,
                column,
                "not valid UTF-8 (the file is damaged)".into(),
            ));
        }
    };
    if s.trim().is_empty() {
        return Err(corrupt(1, 1, "the file is empty (a save was interrupted by something outside lockstep, or it was truncated)".into()));
    }
    let problem = |e: crate::jsonpos::JsonProblem| {
        let detail = if e.path.is_empty() {
            e.message
        } else {
            format!("{}: {}", e.path, e.message)
        };
        let detail = if e.eof {
            format!("{detail} (the file is truncated)")
        } else {
            detail
        };
        corrupt(e.line, e.column, detail)
    };
    // The current format first (one pass over the text); the version decides what a file
    // that does not parse as the current format is.
    #[derive(serde::Deserialize)]
    struct VersionOnly {
        version: Option<u32>,
    }
    let version = || {
        serde_json::from_str::<VersionOnly>(s)
            .ok()
            .and_then(|v| v.version)
    };
    let v1 = || {
        crate::jsonpos::from_str::<StateV1>(s)
            .map(Parsed::V1)
            .map_err(problem)
    };
    match crate::jsonpos::from_str::<State>(s) {
        // Version 2 reads as it is; its first save upgrades it (see the store).
        Ok(st) if st.version == STATE_VERSION || st.version == 2 => Ok(Parsed::Current(st)),
        Ok(st) if st.version == 1 => v1(),
        Ok(st) if st.version > STATE_VERSION => Err(StoreError::TooNew {
            file: name,
            found: st.version,
        }),
        Ok(st) => Err(corrupt(
            1,
            1,
            format!("version: unsupported state version {}", st.version),
        )),
        Err(e) => match version() {
            Some(1) => v1(),
            Some(v) if v > STATE_VERSION => Err(StoreError::TooNew {
                file: name,
                found: v,
            }),
            // The version cannot be read (a damaged file): the format that reads it furthest
            // names the real problem (a truncated version 1 file is "truncated at line L", not
            // "unknown field `history`").
            None if s.contains("\"history\"") => match crate::jsonpos::from_str::<StateV1>(s) {
                Ok(v) => Ok(Parsed::V1(v)),
                Err(e1) if (e1.line, e1.column) > (e.line, e.column) => Err(problem(e1)),
                Err(_) => Err(problem(e)),
            },
            _ => Err(problem(e)),
        },
    }
}
