//! Checklists: the data model, parsing with precise errors, validation, the catalog of bundled
//! and user checklists, and their provenance (who wrote them, what changed, how fresh).

mod aliases;
mod catalog;
mod model;
mod parse;
mod provenance;
mod schema;
mod validate;

pub use aliases::{
    former_ids, renames, section_by_any_id, section_renames, step_by_any_id, step_renames,
};
pub use catalog::{
    Catalog, ChecklistFiles, Conflict, Outline, OutlineSection, Resolved, Unavailable, Wanted,
    is_bundled, load_followed,
};
pub use model::{Checklist, Persona, Section, SectionKind, SectionRole, Source, Step};
pub use parse::{ChecklistError, ChecklistErrors, MAX_CHECKLIST_BYTES, load_file, parse};
pub use provenance::{
    FRESH_MONTHS, Link, Loaded, Origin, SHA_SHOWN, is_stale, link, section_digests, sha256_hex,
    short_sha, staleness, step_digests,
};
pub use schema::{SCHEMA_TEXT, TEMPLATE, VALIDATOR_ONLY_RULES, template};
#[cfg(feature = "schema")]
pub use schema::{json_schema, json_schema_text};
pub use validate::{did_you_mean, edit_distance, validate};

/// The only checklist schema version this build understands.
pub const SCHEMA_VERSION: u32 = 1;

/// Checklists compiled into the binary: (file name, contents).
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "crypto-com.json",
        include_str!("../../../../checklists/crypto-com.json"),
    ),
    (
        "generic-exchange.json",
        include_str!("../../../../checklists/generic-exchange.json"),
    ),
];

/// What identifies the bundled checklists of this build, computed at compile time (FNV-1a over
/// their names and texts): a cache of something derived from them (the outlines in the due
/// index) is used only by a build with the same bundled checklists.
pub const BUNDLED_FINGERPRINT: u64 = {
    let mut h = crate::fnv::OFFSET;
    let mut i = 0;
    while i < BUNDLED.len() {
        let (name, text) = BUNDLED[i];
        h = crate::fnv::fnv1a(h, name.as_bytes());
        // A separator after each part, so that moving bytes between name and text changes it.
        h = crate::fnv::fnv1a(h, &[0xff]);
        h = crate::fnv::fnv1a(h, text.as_bytes());
        h = crate::fnv::fnv1a(h, &[0xff]);
        i += 1;
    }
    h
};

/// The default checklist id for new accounts.
pub const DEFAULT_CHECKLIST: &str = "crypto-com";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonpos::locate;
    use std::collections::HashSet;

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
    fn bundled_checklists_read_the_same_without_the_checks() {
        for (name, text) in BUNDLED {
            let checked = parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                super::parse::parse_bundled(name, text).unwrap(),
                checked,
                "{name}"
            );
        }
        // A text that fails the quick reading is told the way `parse` tells it.
        let e = super::parse::parse_bundled("x.json", "{\"schema\": 1,").unwrap_err();
        assert_eq!(
            e.to_string(),
            parse("x.json", "{\"schema\": 1,").unwrap_err().to_string()
        );
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
            s.contains(": sections[0].steps[0].colour: unknown field"),
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
            "m.json:13:14: sections[1].steps[0].id: duplicate step id 'a' (first at sections[0].steps[0].id; step ids are unique in the whole checklist)"
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

    /// Checklist files held in memory: the domain's tests never touch the disk.
    #[derive(Default)]
    struct MemFiles(std::collections::BTreeMap<std::path::PathBuf, String>);

    impl MemFiles {
        fn write(&mut self, path: std::path::PathBuf, text: impl Into<String>) {
            self.0.insert(path, text.into());
        }
    }

    impl ChecklistFiles for MemFiles {
        fn list(&self, dir: &std::path::Path) -> Vec<std::path::PathBuf> {
            self.0
                .keys()
                .filter(|p| p.parent() == Some(dir))
                .cloned()
                .collect()
        }
        fn read(&self, path: &std::path::Path, _limit: u64) -> Result<Option<Vec<u8>>, String> {
            Ok(self.0.get(path).map(|t| t.clone().into_bytes()))
        }
        fn absolute(&self, path: &std::path::Path) -> std::path::PathBuf {
            std::path::Path::new("/home/u").join(path)
        }
    }

    const NO_FILES: MemFiles = MemFiles(std::collections::BTreeMap::new());

    fn wanted(id: &str) -> Wanted<'_> {
        Wanted {
            id,
            file: None,
            legacy: false,
        }
    }

    #[test]
    fn outline_matches_the_full_checklist() {
        for (name, text) in BUNDLED {
            let full = parse(name, text).unwrap();
            let o = Outline::resolve(&NO_FILES, None, wanted(full.id.as_str())).unwrap();
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
            // The outline read from the bundled text is exactly the one derived from the parsed
            // checklist.
            assert_eq!(o, Outline::from(&full));
            assert_eq!(name.strip_suffix(".json"), Some(full.id.as_str()));
        }
        assert!(matches!(
            Outline::resolve(&NO_FILES, None, wanted("nope")),
            Err(Unavailable::Missing { .. })
        ));
    }

    #[test]
    fn user_files_never_shadow_bundled_ids_or_each_other() {
        let mut files = MemFiles::default();
        let dir = std::path::Path::new("/home/u/checklists");
        let bundled = BUNDLED[0].1;
        let shadow = bundled.replacen("\"Monthly review\"", "\"SHADOW monthly\"", 1);
        assert_ne!(shadow, bundled);
        files.write(dir.join("z-crypto.json"), &shadow);
        // An invalid checklist with an id of its own.
        files.write(
            dir.join("mine.json"),
            minimal()
                .replace(r#""id": "t""#, r#""id": "mine""#)
                .replace(r#""every_months": 1"#, r#""every_months": 0"#),
        );
        // A valid user checklist, and two valid files sharing one id.
        files.write(
            dir.join("good.json"),
            minimal().replace(r#""id": "t""#, r#""id": "good""#),
        );
        let twin = minimal().replace(r#""id": "t""#, r#""id": "twin""#);
        files.write(dir.join("a-twin.json"), &twin);
        files.write(
            dir.join("b-twin.json"),
            twin.replace(r#""title": "T""#, r#""title": "T2""#),
        );

        let cat = Catalog::load(&files, Some(dir));
        let ids: Vec<_> = cat.checklists.iter().map(|l| &l.checklist.id).collect();
        assert_eq!(ids, ["crypto-com", "generic-exchange", "good"]);
        assert_eq!(cat.errors.len(), 1, "mine.json is invalid");
        let c = cat.conflict("crypto-com").unwrap();
        assert!(c.bundled && c.files.len() == 1);
        assert!(c.to_string().contains("the bundled one is used"), "{c}");
        let t = cat.conflict("twin").unwrap();
        assert!(!t.bundled && t.files.len() == 2);
        assert!(
            t.to_string().contains("2 of your files have this id"),
            "{t}"
        );

        // An account resolves to the bundled checklist, and is told which files are not used.
        let r = cat.resolve(&files, wanted("crypto-com")).unwrap();
        assert_eq!(r.loaded.origin, Origin::Bundled);
        assert_eq!(r.unused, [dir.join("z-crypto.json")]);
        // One saved by an earlier lockstep keeps the lone file it was silently following.
        let legacy = Wanted {
            legacy: true,
            ..wanted("crypto-com")
        };
        let r = cat.resolve(&files, legacy).unwrap();
        assert_eq!(
            r.loaded.origin.path(),
            Some(dir.join("z-crypto.json").as_path())
        );
        // Two files with one id are never told apart by name.
        assert!(matches!(
            cat.resolve(&files, wanted("twin")),
            Err(Unavailable::Ambiguous { .. })
        ));
        assert!(matches!(
            cat.resolve(&files, wanted("mine")),
            Err(Unavailable::Missing { broken, .. }) if broken.len() == 1
        ));
        // Following a file by path works whatever else has its id.
        let file = dir.join("b-twin.json");
        let w = Wanted {
            id: "twin",
            file: Some(&file),
            legacy: false,
        };
        assert_eq!(cat.resolve(&files, w).unwrap().loaded.checklist.title, "T2");
        let w = Wanted { id: "other", ..w };
        assert!(matches!(
            cat.resolve(&files, w),
            Err(Unavailable::WrongId { .. })
        ));

        // The outline resolves the same way.
        for w in [wanted("crypto-com"), legacy, wanted("good"), wanted("twin")] {
            assert_eq!(
                Outline::resolve(&files, Some(dir), w).ok(),
                cat.resolve(&files, w)
                    .ok()
                    .map(|r| Outline::from(&r.loaded.checklist)),
                "{w:?}"
            );
        }
        // Moving the checklist out of a catalog chooses exactly what borrowing from it does.
        let b = dir.join("b-twin.json");
        let by_path = Wanted {
            id: "twin",
            file: Some(&b),
            legacy: false,
        };
        for w in [
            wanted("crypto-com"),
            legacy,
            wanted("good"),
            wanted("twin"),
            wanted("mine"),
            by_path,
        ] {
            assert_eq!(
                format!("{:?}", cat.clone().into_resolved(&files, w)),
                format!("{:?}", cat.resolve(&files, w)),
                "{w:?}"
            );
        }
        let o = Outline::resolve(&files, Some(dir), legacy).unwrap();
        assert!(o.sections.iter().any(|s| s.title == "SHADOW monthly"));
        let o = Outline::resolve(&files, Some(dir), wanted("crypto-com")).unwrap();
        assert!(o.sections.iter().any(|s| s.title == "Monthly review"));
    }

    #[test]
    fn a_broken_followed_file_is_an_error_with_its_place() {
        let mut files = MemFiles::default();
        let f = std::path::PathBuf::from("/home/u/k.json");
        files.write(
            f.clone(),
            minimal().replace(r#""title": "T","#, r#""title": "T""#),
        );
        let w = Wanted {
            id: "t",
            file: Some(&f),
            legacy: false,
        };
        let e = Outline::resolve(&files, None, w).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}:5:", f.display())), "{e}");
        let e = Catalog::default()
            .resolve(&files, w)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&format!("{}:5:", f.display())), "{e}");
    }

    #[test]
    fn load_only_parses_just_what_is_asked() {
        let cat = Catalog::load_only(&NO_FILES, None, &["generic-exchange"]);
        assert_eq!(cat.checklists.len(), 1);
        assert!(cat.get("generic-exchange").is_some());
        assert_eq!(
            Catalog::load(&NO_FILES, None).checklists.len(),
            BUNDLED.len()
        );
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
