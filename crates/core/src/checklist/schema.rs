//! The JSON Schema for checklist files, generated from the model's types, and each format rule
//! twice side by side: as the schema pattern an editor checks and as the predicate the validator
//! uses (tests check that the two accept the same strings). Rules a JSON Schema cannot express
//! are listed in [`VALIDATOR_ONLY_RULES`] and in the schema's description.

#[cfg(feature = "schema")]
use std::borrow::Cow;

use chrono::NaiveDate;
#[cfg(feature = "schema")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, Visitor};
#[cfg(feature = "schema")]
use serde_json::{Value, json};

#[cfg(feature = "schema")]
use super::SCHEMA_VERSION;
#[cfg(feature = "schema")]
use super::model::Checklist;
use super::model::ID_MAX_CHARS;

#[cfg(feature = "schema")]
/// Kebab-case ids: lowercase ASCII letters and digits, words joined by single hyphens.
pub const ID_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
#[cfg(feature = "schema")]
/// Text with at least one character that is not white space (Unicode `White_Space`).
pub const TEXT_PATTERN: &str =
    r"[^\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
#[cfg(feature = "schema")]
/// An https:// address with a host, without white space or control characters.
pub const HTTPS_URL_PATTERN: &str = r"^https://[^/?#\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
#[cfg(feature = "schema")]
/// Like [`HTTPS_URL_PATTERN`], http:// allowed too.
pub const HTTP_URL_PATTERN: &str = r"^https?://[^/?#\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
#[cfg(feature = "schema")]
/// YYYY-MM-DD (the schema also says `"format": "date"`: a day that exists).
pub const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// The checks of the validator that a JSON Schema cannot express (uniqueness and references
/// across the document, and properties of the file rather than of its JSON value).
pub const VALIDATOR_ONLY_RULES: &[&str] = &[
    "step ids are unique in the whole checklist, section ids among sections, persona ids among personas",
    "an alias is unique in the checklist and is not the current id of a step (for step aliases) or of a section (for section aliases)",
    "every persona a step lists is declared in the top-level personas",
    "requires names another step, of a setup section, in the same checklist",
    "an object names each field once",
    "numbers are written without a fraction or exponent (3, not 3.0)",
    "the file is UTF-8 without a byte-order mark (BOM); JSON has no comments",
    "may_not_apply is only on steps of setup sections, finding only on steps of recurring and event sections",
];

/// True for a kebab-case id of at most [`ID_MAX_CHARS`] characters ([`ID_PATTERN`]).
pub fn is_id(s: &str) -> bool {
    s.len() <= ID_MAX_CHARS
        && !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// True when the text has a character that is not white space ([`TEXT_PATTERN`]).
pub fn is_text(s: &str) -> bool {
    s.chars().any(|c| !c.is_whitespace())
}

fn url_rest_ok(rest: &str) -> bool {
    let ok = |c: char| !c.is_whitespace() && !c.is_control();
    rest.chars()
        .next()
        .is_some_and(|c| ok(c) && !"/?#".contains(c))
        && rest.chars().all(ok)
}

/// True for an https:// address ([`HTTPS_URL_PATTERN`]).
pub fn is_https_url(s: &str) -> bool {
    s.strip_prefix("https://").is_some_and(url_rest_ok)
}

/// True for an http:// or https:// address ([`HTTP_URL_PATTERN`]).
pub fn is_http_url(s: &str) -> bool {
    is_https_url(s) || s.strip_prefix("http://").is_some_and(url_rest_ok)
}

/// Reads a YYYY-MM-DD date ([`DATE_PATTERN`] and a day that exists); the error says what is
/// expected.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return Err(format!(
            "invalid date `{s}`: write it as YYYY-MM-DD, e.g. 2026-01-31"
        ));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("invalid date `{s}`: there is no such day (YYYY-MM-DD)"))
}

/// serde `deserialize_with` for dates: YYYY-MM-DD only, with a message that says so.
pub(super) fn deserialize_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    struct DateVisitor;
    impl Visitor<'_> for DateVisitor {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date as \"YYYY-MM-DD\"")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<NaiveDate, E> {
            parse_date(s).map_err(E::custom)
        }
    }
    d.deserialize_str(DateVisitor)
}

#[cfg(feature = "schema")]
/// Schema-only stand-ins for the model's string fields (`#[schemars(with = ...)]`): each becomes
/// one definition in `$defs` that the fields refer to.
macro_rules! string_schema {
    ($name:ident, $doc:literal, $($rest:tt)*) => {
        #[doc = $doc]
        pub struct $name;
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "description": $doc, "type": "string", $($rest)* })
            }
        }
    };
}

#[cfg(feature = "schema")]
string_schema!(
    Id,
    "A kebab-case id: lowercase letters a-z and digits, words joined by single hyphens, at most 64 characters, e.g. \"totp-2fa\".",
    "pattern": ID_PATTERN, "maxLength": ID_MAX_CHARS
);
#[cfg(feature = "schema")]
string_schema!(
    Text,
    "Text with at least one character that is not white space.",
    "pattern": TEXT_PATTERN
);
#[cfg(feature = "schema")]
string_schema!(
    HttpsUrl,
    "An https:// address with a host, without spaces.",
    "pattern": HTTPS_URL_PATTERN
);
#[cfg(feature = "schema")]
string_schema!(
    HttpUrl,
    "An http:// or https:// address with a host, without spaces.",
    "pattern": HTTP_URL_PATTERN
);
#[cfg(feature = "schema")]
string_schema!(
    Date,
    "A date as YYYY-MM-DD, e.g. \"2026-01-31\".",
    "pattern": DATE_PATTERN, "format": "date"
);

#[cfg(feature = "schema")]
/// The `schema` field: the one format version this build reads.
pub(super) fn format_version(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "integer", "const": SCHEMA_VERSION })
}

#[cfg(feature = "schema")]
fn kind_is(kind: &str) -> Value {
    json!({ "properties": { "kind": { "const": kind } }, "required": ["kind"] })
}

#[cfg(feature = "schema")]
/// Whole-checklist rules: a setup section, at most one emergency section, and the list of rules
/// only the validator checks.
pub(super) fn checklist_rules(schema: &mut Schema) {
    if let Some(sections) = schema.pointer_mut("/properties/sections") {
        sections["allOf"] = json!([
            { "contains": kind_is("setup") },
            { "contains": kind_is("emergency"), "minContains": 0, "maxContains": 1 }
        ]);
    }
    let mut description = String::from(
        "One account-hardening checklist for lockstep (`lockstep validate FILE` checks one). \
         Unknown fields are errors. Besides this schema, lockstep checks: ",
    );
    for (i, rule) in VALIDATOR_ONLY_RULES.iter().enumerate() {
        description.push_str(&format!("({}) {rule}", i + 1));
        description.push_str(if i + 1 == VALIDATOR_ONLY_RULES.len() {
            "."
        } else {
            "; "
        });
    }
    schema.insert("description".into(), description.into());
}

#[cfg(feature = "schema")]
/// Section rules: `every_months` on recurring sections only (and required there), `minutes` on
/// setup sections only.
pub(super) fn section_rules(schema: &mut Schema) {
    schema.insert(
        "allOf".into(),
        json!([
            {
                "if": kind_is("recurring"),
                "then": {
                    "required": ["every_months"],
                    "properties": { "every_months": { "type": "integer" } }
                },
                "else": { "properties": { "every_months": { "type": "null" } } }
            },
            {
                "if": kind_is("setup"),
                "else": { "properties": { "minutes": { "type": "null" } } }
            }
        ]),
    );
}

/// The JSON Schema for checklist files, as committed in `checklists/checklist.schema.json` (what
/// `lockstep checklists --schema` prints; the tests generate it from the model and compare).
pub const SCHEMA_TEXT: &str = include_str!("../../../../checklists/checklist.schema.json");

/// A small valid checklist to start from (`lockstep checklists --template`), pointing an editor
/// at the schema in the parent folder.
pub const TEMPLATE: &str = include_str!("template.json");

/// [`TEMPLATE`] with `updated` set to `today`.
pub fn template(today: NaiveDate) -> String {
    TEMPLATE.replacen(
        "\"updated\": \"2026-01-01\"",
        &format!("\"updated\": \"{}\"", today.format("%Y-%m-%d")),
        1,
    )
}

#[cfg(feature = "schema")]
/// The JSON Schema for checklist files (draft 2020-12).
pub fn json_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator();
    let mut v = generator.into_root_schema_for::<Checklist>().to_value();
    tidy(&mut v);
    v
}

#[cfg(feature = "schema")]
/// [`json_schema`] as the text of `checklists/checklist.schema.json`.
pub fn json_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).expect("a schema serializes");
    s.push('\n');
    s
}

#[cfg(feature = "schema")]
/// Drops the Rust integer formats ("uint32": no editor knows them) and joins doc-comment lines
/// into one line per paragraph.
fn tidy(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| f.starts_with("uint") || f.starts_with("int"))
            {
                map.remove("format");
            }
            if let Some(Value::String(d)) = map.get_mut("description") {
                *d = d
                    .split("\n\n")
                    .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
                    .collect::<Vec<_>>()
                    .join("\n\n");
            }
            map.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["a", "totp-2fa", "a1-b2-c3", &"a".repeat(64)] {
            assert!(is_id(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A",
            "a_b",
            "a b",
            "é",
            &"a".repeat(65),
        ] {
            assert!(!is_id(bad), "{bad}");
        }
    }

    #[test]
    fn urls_and_text() {
        assert!(is_https_url("https://example.org/a?b#c"));
        assert!(is_https_url("https://x"));
        for bad in [
            "http://x",
            "https://",
            "https:///x",
            "https://a b",
            "javascript:x",
            "https://a\u{7f}",
        ] {
            assert!(!is_https_url(bad), "{bad}");
        }
        assert!(is_http_url("http://x") && is_http_url("https://x") && !is_http_url("ftp://x"));
        assert!(is_text(" a ") && !is_text("") && !is_text(" \u{a0}\u{3000}\n"));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2024-02-29"),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        );
        assert!(
            parse_date("2026-02-29")
                .unwrap_err()
                .contains("no such day")
        );
        for bad in [
            "2026-1-05",
            "26-01-05",
            "2026/01/05",
            "2026-01-05T00:00:00Z",
            " 2026-01-05",
            "+2026-01-05",
        ] {
            assert!(parse_date(bad).unwrap_err().contains("YYYY-MM-DD"), "{bad}");
        }
    }

    #[cfg(feature = "schema")]
    #[test]
    fn the_schema_has_the_rules() {
        let s = json_schema();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["properties"]["schema"]["const"], SCHEMA_VERSION);
        assert_eq!(s["$defs"]["Id"]["pattern"], ID_PATTERN);
        let text = json_schema_text();
        assert!(!text.contains("uint"), "no Rust integer formats");
        let day = NaiveDate::from_ymd_opt(2027, 3, 4).unwrap();
        let t = super::super::parse("t.json", &template(day)).unwrap();
        assert_eq!(t.updated, day);
        for rule in VALIDATOR_ONLY_RULES {
            assert!(s["description"].as_str().unwrap().contains(rule), "{rule}");
        }
    }
}
