//! Positions in JSON text: where a field path is, line/column (in characters) of a byte offset,
//! and serde error messages without their trailing "at line N column M".

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

/// In valid JSON text, the first value at one of `patterns` that is not an object: its path and
/// (line, column). A pattern is a field path with `[]` for any index, e.g. `sections[].steps[]`;
/// `""` is the whole document. (serde reads a struct from a list of its fields too; a format
/// that says "object" must not.)
pub fn first_non_object(text: &str, patterns: &[&str]) -> Option<(String, usize, usize)> {
    let b = text.as_bytes();
    let mut found = None;
    walk(
        b,
        skip_ws(b, 0),
        &mut String::new(),
        &mut String::new(),
        patterns,
        &mut found,
    );
    found.map(|(path, pos)| {
        let (line, column) = line_col(text, pos);
        (path, line, column)
    })
}

/// Walks the value at `i` (its path so far in `path`, its index-free form in `pattern`); returns
/// the index after it, stopping early once something is found.
fn walk(
    b: &[u8],
    i: usize,
    pattern: &mut String,
    path: &mut String,
    patterns: &[&str],
    found: &mut Option<(String, usize)>,
) -> usize {
    if found.is_some() || i >= b.len() {
        return b.len();
    }
    if b[i] != b'{' && patterns.contains(&pattern.as_str()) {
        *found = Some((path.clone(), i));
        return b.len();
    }
    let (pattern_len, path_len) = (pattern.len(), path.len());
    let end = match b[i] {
        b'{' => {
            let mut j = skip_ws(b, i + 1);
            while j < b.len() && b[j] == b'"' {
                let key_end = skip_string(b, j);
                let key =
                    String::from_utf8_lossy(&b[j + 1..key_end.saturating_sub(1)]).into_owned();
                j = skip_ws(b, skip_ws(b, key_end) + 1);
                for s in [&mut *pattern, &mut *path] {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(&key);
                }
                j = skip_ws(b, walk(b, j, pattern, path, patterns, found));
                pattern.truncate(pattern_len);
                path.truncate(path_len);
                if b.get(j) == Some(&b',') {
                    j = skip_ws(b, j + 1);
                }
            }
            j + 1
        }
        b'[' => {
            let mut j = skip_ws(b, i + 1);
            let mut n = 0;
            while j < b.len() && b[j] != b']' {
                pattern.push_str("[]");
                path.push_str(&format!("[{n}]"));
                j = skip_ws(b, walk(b, j, pattern, path, patterns, found));
                pattern.truncate(pattern_len);
                path.truncate(path_len);
                if b.get(j) == Some(&b',') {
                    j = skip_ws(b, j + 1);
                }
                n += 1;
            }
            j + 1
        }
        _ => skip_value(b, i),
    };
    if found.is_some() { b.len() } else { end }
}

/// The first comment (`//` or `/*`) outside strings, as (line, character column, "//" or "/*").
/// JSON has none, so this only explains a syntax error.
pub fn find_comment(text: &str) -> Option<(usize, usize, &'static str)> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i);
                continue;
            }
            b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => {
                let (line, column) = line_col(text, i);
                return Some((line, column, if b[i + 1] == b'/' { "//" } else { "/*" }));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The first problem in a JSON document, located for a `file:line:col: path: message` report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonProblem {
    pub line: usize,
    /// In characters, counted from 1.
    pub column: usize,
    /// The field path (`sections[0].steps[1].id`), empty at the top level.
    pub path: String,
    /// serde's message without its trailing position.
    pub message: String,
    /// The text ended in the middle of a value (a truncated file).
    pub eof: bool,
}

/// Deserializes `text`: plain serde_json first (fast), and on error a second pass that tracks the
/// field path for the message. Trailing data after the value is an error (serde_json's default).
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, JsonProblem> {
    serde_json::from_str::<T>(text).or_else(|_| {
        let problem = |path: String, e: serde_json::Error| JsonProblem {
            line: e.line(),
            column: char_column(text, e.line(), e.column()),
            path: clean_path(&path),
            message: strip_position(&e.to_string()),
            eof: e.is_eof(),
        };
        let de = &mut serde_json::Deserializer::from_str(text);
        let v = serde_path_to_error::deserialize::<_, T>(&mut *de).map_err(|e| {
            let path = e.path().to_string();
            problem(path, e.into_inner())
        })?;
        // Like serde_json::from_str: anything after the value is an error, not ignored.
        de.end().map_err(|e| problem(String::new(), e))?;
        Ok(v)
    })
}

/// serde_path_to_error writes `?` for a segment it could not name, and `.` for the root.
fn clean_path(path: &str) -> String {
    path.split('.')
        .filter(|p| !p.is_empty() && *p != "?")
        .collect::<Vec<_>>()
        .join(".")
}

/// serde_json counts columns in bytes; people count characters.
pub fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(l) = text.split('\n').nth(line.saturating_sub(1)) else {
        return byte_column;
    };
    let upto = byte_column.saturating_sub(1).min(l.len());
    // Round down to a character boundary (serde may point inside a multi-byte character).
    let upto = (0..=upto)
        .rev()
        .find(|&i| l.is_char_boundary(i))
        .unwrap_or(0);
    l[..upto].chars().count() + 1
}

/// Line and character column of the first invalid UTF-8 byte (`valid_up_to` from the error).
pub fn utf8_error_at(bytes: &[u8], valid_up_to: usize) -> (usize, usize) {
    let upto = &bytes[..valid_up_to.min(bytes.len())];
    let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    // The prefix is valid UTF-8 by definition.
    let column = std::str::from_utf8(&upto[start..]).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// Removes serde_json's " at line N column M" suffix (the position is reported separately).
pub fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "{\n  \"é\": 1, x}";
        let e = from_str::<serde_json::Value>(text).unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.column, 11, "{e:?}");
        assert_eq!(e.path, "", "unknown segments (`?`) are not shown");
        assert_eq!(utf8_error_at(b"ab\n\xc3\xa9x\xff", 6), (2, 3));
    }

    #[test]
    fn lists_where_objects_belong() {
        let pats = ["", "a[]", "a[].b[]"];
        assert_eq!(
            first_non_object(r#"{"a": [{"b": [{}, {"x": [1]}]}]}"#, &pats),
            None
        );
        assert_eq!(
            first_non_object("{\"a\": [{}, {\"b\": [{}, [\"é\"]]}]}", &pats),
            Some(("a[1].b[1]".to_string(), 1, 23))
        );
        assert_eq!(
            first_non_object("{\"x\": \"é\", \"a\": [[1]]}", &pats),
            Some(("a[0]".to_string(), 1, 18)),
            "columns count characters"
        );
        assert_eq!(first_non_object(" [1]", &pats), Some((String::new(), 1, 2)));
        assert_eq!(first_non_object(r#"{"c": [[1]], "a": []}"#, &pats), None);
    }

    #[test]
    fn comments_outside_strings() {
        assert_eq!(find_comment("{\"a\": \"//x\"}"), None);
        assert_eq!(find_comment("{\n  \"é\": 1 // c\n}"), Some((2, 10, "//")));
        assert_eq!(find_comment("/* c */ {}"), Some((1, 1, "/*")));
    }

    #[test]
    fn trailing_data_is_an_error() {
        let e = from_str::<serde_json::Value>("{} {}").unwrap_err();
        assert!(e.message.contains("trailing"), "{e:?}");
        assert_eq!((e.line, e.column), (1, 4));
    }

    #[test]
    fn paths_are_reported() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            a: Vec<u32>,
        }
        let e = from_str::<T>("{\"a\": [1, \"x\"]}").unwrap_err();
        assert_eq!(e.path, "a[1]");
        assert!(!e.message.contains("at line"));
    }
}
