//! Output guard: neutralises control and bidi characters before text reaches a terminal or a file.

use std::borrow::Cow;

/// True for characters that must not reach a terminal or a file verbatim: C0/C1 controls (except
/// tab and newline when `keep_newlines`) and Unicode bidi overrides, isolates and marks.
pub fn is_dangerous(c: char, keep_newlines: bool) -> bool {
    if keep_newlines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control()
        || matches!(c,
            '\u{200E}' | '\u{200F}' | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}')
}

/// Replaces dangerous characters with visible `\u{..}` escapes for printing outside ratatui
/// (stdout, stderr, exports). Newlines and tabs are kept when `keep_newlines`.
pub fn clean(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_dangerous(c, keep_newlines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c, keep_newlines) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Single-line form of [`clean`].
pub fn line(text: &str) -> Cow<'_, str> {
    clean(text, false)
}

/// Makes serialised JSON text safe to print: every control character other than newline and tab
/// (serde_json leaves DEL and the C1 controls U+0080-U+009F raw) and every bidi override, isolate
/// or mark is written as a `\uXXXX` escape. Such characters only occur inside JSON strings, and
/// JSON newlines and tabs outside strings are structural, so the result is valid JSON with the
/// same value.
pub fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_dangerous(c, true) {
            // All of these are in the Basic Multilingual Plane: one escape each.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_safe_escapes_bidi_and_c1_and_keeps_the_value() {
        let note = "a\u{202E}b\u{2066}c\u{200F}d\u{061C}e\u{85}f\u{9b}g\u{7f}h\n\"q\"";
        let v = serde_json::json!({"note": note, "list": [note]});
        let text = json_safe(&serde_json::to_string_pretty(&v).unwrap());
        assert!(!text.chars().any(|c| is_dangerous(c, true)), "{text}");
        assert!(
            text.contains("a\\u202eb\\u2066c\\u200fd\\u061ce\\u0085f\\u009bg\\u007fh"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
        assert_eq!(json_safe("{\n  \"a\": 1\n}"), "{\n  \"a\": 1\n}");
    }

    #[test]
    fn neutralises_controls_and_bidi() {
        assert_eq!(line("ok"), "ok");
        assert_eq!(line("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(line("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(line("a\nb"), "a\\u{a}b");
        assert_eq!(clean("a\nb\x07", true), "a\nb\\u{7}");
    }

    proptest::proptest! {
        #[test]
        fn output_guards_never_panic(s in ".*") {
            let c = clean(&s, false);
            proptest::prop_assert!(!c.chars().any(|ch| is_dangerous(ch, false)));
            let j = json_safe(&serde_json::to_string(&s).unwrap());
            proptest::prop_assert!(!j.chars().any(|ch| is_dangerous(ch, true)));
            let back: String = serde_json::from_str(&j).unwrap();
            proptest::prop_assert_eq!(back, s);
        }
    }
}
