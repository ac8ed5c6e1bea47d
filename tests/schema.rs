//! The JSON Schema for checklist authors (checklists/checklist.schema.json) is generated from the
//! model's types and must stay the file that is committed; it and the loader
//! (`lockstep::checklist::parse`) accept and reject the same checklists, apart from the rules
//! the schema lists in its description as checked by lockstep only.
//!
//! Regenerate the schema file with `UPDATE_GOLDEN=1 cargo test --test schema`, then review the
//! diff. The invalid-checklist corpus is in tests/checklist_corpus.rs.

use lockstep::checklist::{self, SectionRole};
use serde_json::{Value, json};

const SCHEMA_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/checklists/checklist.schema.json"
);

fn schema() -> Value {
    let text = std::fs::read_to_string(SCHEMA_FILE).expect("checklists/checklist.schema.json");
    serde_json::from_str(&text).expect("the schema is valid JSON")
}

/// A JSON Schema validator for the committed schema, checking formats (`date`) as editors do.
fn schema_validator() -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema())
        .expect("the schema is a valid draft 2020-12 schema")
}

#[test]
fn committed_schema_is_the_generated_one() {
    let generated = checklist::json_schema_text();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(SCHEMA_FILE, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(SCHEMA_FILE).unwrap();
    assert!(
        committed == generated,
        "checklists/checklist.schema.json is not what the model generates: run \
         `UPDATE_GOLDEN=1 cargo test --test schema` and review the diff"
    );
}

/// A checklist that uses every field, and which level's object each schema definition describes.
fn full() -> Value {
    json!({
        "$schema": "../checklist.schema.json",
        "schema": 1, "id": "x", "title": "X", "service": "S", "updated": "2026-01-01",
        "sources": [{"title": "guide", "url": "https://example.org/guide"}],
        "personas": [{"id": "holder", "title": "H", "description": "d"}],
        "sections": [
            {"id": "e", "aliases": ["old-e"], "title": "E", "kind": "setup", "minutes": 5,
             "intro": "i", "role": "advice",
             "steps": [
                {"id": "a", "aliases": ["old-a"], "title": "A", "why": "w", "how": ["h"],
                 "path": ["App"], "warnings": ["w"], "links": ["https://example.org"],
                 "weight": 3, "personas": ["holder"], "requires": "a2", "may_not_apply": true,
                 "card": true},
                {"id": "a2", "title": "A2", "why": "w", "how": ["h"]}]},
            {"id": "m", "title": "M", "kind": "recurring", "every_months": 1, "steps": [
                {"id": "b", "title": "B", "why": "w", "how": ["h"], "finding": true}]},
            {"id": "sos", "title": "SOS", "kind": "emergency", "steps": [
                {"id": "c", "title": "C", "why": "w", "how": ["h"]}]}
        ]
    })
}

fn parse(v: &Value) -> Result<checklist::Checklist, String> {
    checklist::parse("t.json", &v.to_string()).map_err(|e| e.to_string())
}

fn parses(v: &Value) -> bool {
    parse(v).is_ok()
}

/// Each (schema object, pointer to a matching object in `full()`).
fn levels(s: &Value) -> Vec<(Value, &'static str)> {
    vec![
        (s.clone(), ""),
        (s["$defs"]["Source"].clone(), "/sources/0"),
        (s["$defs"]["Persona"].clone(), "/personas/0"),
        (s["$defs"]["Section"].clone(), "/sections/0"),
        (s["$defs"]["Step"].clone(), "/sections/0/steps/0"),
    ]
}

#[test]
fn schema_fields_match_the_loader() {
    let s = schema();
    let validator = schema_validator();
    assert!(
        parses(&full()),
        "the full example parses: {:?}",
        parse(&full())
    );
    assert!(
        validator.is_valid(&full()),
        "the schema accepts the full example"
    );
    for (def, ptr) in levels(&s) {
        assert_eq!(
            def["additionalProperties"], false,
            "{ptr}: unknown fields are errors"
        );
        let props: Vec<String> = def["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let required: Vec<String> = def["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        for p in &props {
            let mut v = full();
            let obj = v.pointer_mut(ptr).unwrap().as_object_mut().unwrap();
            if !obj.contains_key(p) {
                // every_months lives on the recurring section in the example, finding on its
                // review step
                assert!(
                    [
                        ("/sections/0", "every_months"),
                        ("/sections/0/steps/0", "finding")
                    ]
                    .contains(&(ptr, p.as_str())),
                    "{ptr}.{p} is not in the example"
                );
                continue;
            }
            // Removing a field fails exactly when the schema says it is required, and the
            // validator agrees (without the personas, the step's persona is undeclared).
            obj.remove(p);
            assert_eq!(
                !validator.is_valid(&v),
                required.contains(p),
                "{ptr}.{p}: required in schema = {}",
                required.contains(p)
            );
            assert_agree(&validator, &v, &format!("{ptr}.{p} removed"));
        }
        // Every field the loader knows is in the schema.
        let example = full();
        for key in example.pointer(ptr).unwrap().as_object().unwrap().keys() {
            assert!(
                props.contains(key),
                "{ptr}: field {key} missing from the schema"
            );
        }
        let mut v = full();
        v.pointer_mut(ptr)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("not_a_field".into(), json!(1));
        assert!(!parses(&v), "{ptr}: unknown field rejected");
        assert!(!validator.is_valid(&v), "{ptr}: unknown field rejected");
    }
}

fn enum_values(def: &Value) -> Vec<&str> {
    def["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["const"].as_str().unwrap())
        .collect()
}

#[test]
fn schema_enums_and_bounds_match() {
    let s = schema();
    assert_eq!(
        enum_values(&s["$defs"]["SectionKind"]),
        ["setup", "recurring", "event", "emergency"]
    );
    assert_eq!(enum_values(&s["$defs"]["SectionRole"]), ["core", "advice"]);
    assert_eq!(
        s["properties"]["schema"]["const"],
        checklist::SCHEMA_VERSION
    );
    let bounds = |def: &Value| (def["minimum"].as_u64(), def["maximum"].as_u64());
    let section = &s["$defs"]["Section"]["properties"];
    assert_eq!(bounds(&section["every_months"]), (Some(1), Some(24)));
    assert_eq!(bounds(&section["minutes"]), (Some(1), Some(480)));
    assert_eq!(
        bounds(&s["$defs"]["Step"]["properties"]["weight"]),
        (Some(1), Some(10))
    );
}

#[test]
fn section_roles_default_to_core_and_are_written_back_only_when_advice() {
    let mut v = full();
    v["sections"][0].as_object_mut().unwrap().remove("role");
    let c = parse(&v).unwrap();
    assert_eq!(c.sections[0].role, SectionRole::Core);
    let back = serde_json::to_value(&c).unwrap();
    assert!(back["sections"][0].get("role").is_none(), "{back}");
    let c = parse(&full()).unwrap();
    assert_eq!(
        serde_json::to_value(&c).unwrap()["sections"][0]["role"],
        "advice"
    );
}

#[test]
fn optional_fields_are_not_written_back_when_absent() {
    let mut v = full();
    v.as_object_mut().unwrap().remove("$schema");
    let s0 = v["sections"][0].as_object_mut().unwrap();
    s0.remove("aliases");
    let back = serde_json::to_value(parse(&v).unwrap()).unwrap();
    assert!(back.get("$schema").is_none(), "{back}");
    assert!(back["sections"][0].get("aliases").is_none());
    assert_eq!(back["sections"][0]["steps"][0]["aliases"], json!(["old-a"]));
    assert!(back["sections"][1]["steps"][0].get("requires").is_none());
    assert_eq!(back["sections"][0]["steps"][0]["requires"], "a2");
    let c = parse(&full()).unwrap();
    assert_eq!(c.json_schema.as_deref(), Some("../checklist.schema.json"));
    assert_eq!(c.sections[0].aliases, ["old-e"]);
}

#[test]
fn requires_names_another_setup_step() {
    let error = |step: &str, requires: &str| {
        let mut v = full();
        let (s, t) = if step == "b" { (1, 0) } else { (0, 0) };
        v["sections"][s]["steps"][t]["requires"] = json!(requires);
        parse(&v).err()
    };
    assert_eq!(error("a", "a2"), None);
    assert_eq!(
        error("b", "a"),
        None,
        "a recurring step may require a setup step"
    );
    let e = error("a", "a").unwrap();
    assert!(
        e.contains("sections[0].steps[0].requires: a step cannot require itself"),
        "{e}"
    );
    let e = error("b", "nope").unwrap();
    assert!(
        e.contains("sections[1].steps[0].requires: unknown step 'nope'"),
        "{e}"
    );
    let e = error("b", "a3").unwrap();
    assert!(e.contains("did you mean 'a2'?"), "{e}");
    let e = error("b", "old-a").unwrap();
    assert!(
        e.contains("'old-a' is a former id of step 'a': require 'a'"),
        "{e}"
    );
    let e = error("a", "b").unwrap();
    assert!(
        e.contains("sections[0].steps[0].requires: 'b' is not a setup step"),
        "{e}"
    );
}

/// Messages that come from rules only the validator checks (`VALIDATOR_ONLY_RULES`).
const VALIDATOR_ONLY_MESSAGES: &[&str] = &[
    "duplicate step id",
    "duplicate section id",
    "duplicate persona id",
    "alias '",
    "duplicate alias",
    "unknown persona",
    "requires:",
    "floating point",
    "duplicate field",
];

/// Values tried at every place of `full()`.
fn probes() -> Vec<Value> {
    let mut v = vec![
        json!(null),
        json!(true),
        json!(0),
        json!(1),
        json!(3),
        json!(10),
        json!(11),
        json!(13),
        json!(24),
        json!(25),
        json!(480),
        json!(481),
        json!(-1),
        json!(1.5),
        json!(3.0),
        json!(4294967296u64),
        json!(""),
        json!(" "),
        json!("\u{a0}\u{3000}"),
        json!("x"),
        json!("X"),
        json!("a--b"),
        json!("-a"),
        json!("a".repeat(64)),
        json!("a".repeat(65)),
        json!("é".repeat(60)),
        json!("é".repeat(61)),
        json!("holder"),
        json!("a2"),
        json!("b"),
        json!("old-a"),
        json!("https://example.org/x?y#z"),
        json!("http://example.org"),
        json!("https://"),
        json!("https://a b"),
        json!("javascript:alert(1)"),
        json!("2026-01-01"),
        json!("2024-02-29"),
        json!("2026-02-29"),
        json!("2026-1-1"),
        json!("2026-01-01T00:00:00Z"),
        json!("setup"),
        json!("recurring"),
        json!("event"),
        json!("emergency"),
        json!("advice"),
        json!([]),
        json!(["x"]),
        json!([""]),
        json!(["holder"]),
        json!(["holder", "holder"]),
        json!(["h", "h", "h", "h", "h", "h"]),
        json!({}),
        json!(["t", null]),
    ];
    // Whole objects of the other kinds, and lists of them.
    let f = full();
    for p in [
        "/sources/0",
        "/personas/0",
        "/sections/1",
        "/sections/0/steps/1",
    ] {
        v.push(f.pointer(p).unwrap().clone());
        v.push(json!([f.pointer(p).unwrap().clone()]));
    }
    v
}

/// Every place in the value (pointer), and places optional fields could be added.
fn places(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}/{k}");
                out.push(p.clone());
                places(x, p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                places(x, p, out);
            }
        }
        _ => {}
    }
}

fn set(v: &mut Value, pointer: &str, x: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match v.pointer_mut(parent).unwrap() {
        Value::Object(m) => {
            m.insert(key.to_string(), x);
        }
        Value::Array(a) => a[key.parse::<usize>().unwrap()] = x,
        _ => unreachable!(),
    }
}

/// Where the schema rejects, the validator rejects; where only the validator rejects, each of
/// its messages comes from a rule the schema lists as the validator's own.
fn assert_agree(validator: &jsonschema::Validator, v: &Value, what: &str) -> bool {
    let schema_ok = validator.is_valid(v);
    match (schema_ok, parse(v)) {
        (true, Ok(_)) => true,
        (false, Err(e)) => {
            assert!(!e.contains(".?") && !e.contains("?."), "{what}: {e}");
            false
        }
        (false, Ok(_)) => panic!(
            "{what}: the schema rejects ({}), the validator accepts",
            validator
                .iter_errors(v)
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        (true, Err(e)) => {
            for line in e.lines() {
                assert!(
                    VALIDATOR_ONLY_MESSAGES.iter().any(|m| line.contains(m)),
                    "{what}: the schema accepts, the validator rejects with a rule the schema \
                     could express: {line}"
                );
            }
            false
        }
    }
}

#[test]
fn schema_and_validator_agree_on_every_field_and_value() {
    let validator = schema_validator();
    let base = full();
    let mut at = Vec::new();
    places(&base, String::new(), &mut at);
    // Optional fields absent from the example, and fields in the wrong kind of section.
    for extra in [
        "/sections/1/minutes",
        "/sections/1/intro",
        "/sections/1/aliases",
        "/sections/2/every_months",
        "/sections/1/steps/0/requires",
        "/sections/1/steps/0/aliases",
        "/sections/2/role",
    ] {
        at.push(extra.to_string());
    }
    let (mut cases, mut rejected) = (0, 0);
    for place in &at {
        for probe in probes() {
            let mut v = base.clone();
            set(&mut v, place, probe.clone());
            cases += 1;
            if !assert_agree(&validator, &v, &format!("{place} = {probe}")) {
                rejected += 1;
            }
        }
    }
    assert!(
        cases > 3000 && rejected > cases / 2,
        "{cases} cases, {rejected} rejected"
    );
}

#[test]
fn whole_sections_agree() {
    let validator = schema_validator();
    let mut v = full();
    v["sections"].as_array_mut().unwrap().remove(0);
    v["sections"][0]["steps"][0]
        .as_object_mut()
        .unwrap()
        .remove("requires");
    assert!(!assert_agree(&validator, &v, "no setup section"));
    let mut v = full();
    let sos = v["sections"][2].clone();
    v["sections"].as_array_mut().unwrap().push(sos);
    assert!(!assert_agree(&validator, &v, "two emergency sections"));
    let mut v = full();
    v["sections"].as_array_mut().unwrap().pop();
    assert!(assert_agree(&validator, &v, "no emergency section"));
}

/// Each character in a text, id, link and date field: the schema's patterns and the validator's
/// checks accept the same characters.
#[test]
fn patterns_agree_with_the_validator_on_every_character() {
    let validator = schema_validator();
    let chars = (0u32..0x3100)
        .chain([0xfeff, 0xfffd, 0x1f600, 0x10ffff])
        .filter_map(char::from_u32);
    let mut base = full();
    let mut v = base.clone();
    let mut accepted = [0; 6];
    for c in chars {
        let tries = [
            ("/title", format!("{c}")),
            ("/sections/0/steps/0/how/0", format!("{c}{c}")),
            ("/sections/0/steps/0/links/0", format!("https://{c}")),
            ("/sections/0/steps/0/links/0", format!("https://x/{c}")),
            ("/sources/0/url", format!("http://x{c}")),
            ("/personas/0/id", format!("a{c}")),
        ];
        for (i, (place, text)) in tries.into_iter().enumerate() {
            v.clone_from(&base);
            if place == "/personas/0/id" {
                set(&mut v, "/sections/0/steps/0/personas/0", json!(text));
            }
            set(&mut v, place, json!(text));
            if assert_agree(&validator, &v, &format!("{place} = {text:?}")) {
                accepted[i] += 1;
            }
        }
    }
    // Most characters are text; 36 make an id; hosts and paths accept most characters.
    assert!(accepted[0] > 12000 && accepted[1] > 12000, "{accepted:?}");
    assert_eq!(
        accepted[5],
        36 + 1 - 1,
        "a-z and 0-9 after 'a' ({accepted:?})"
    );
    assert!(accepted[2] > 12000 && accepted[3] > 12000 && accepted[4] > 12000);
    base["updated"] = json!("2026-01-01");
    for (date, ok) in [
        ("2024-02-29", true),
        ("2026-02-29", false),
        ("2026-13-01", false),
        ("2026-12-31", true),
        ("2026-00-10", false),
        ("2026-1-01", false),
        ("02026-01-01", false),
    ] {
        let mut v = base.clone();
        v["updated"] = json!(date);
        assert_eq!(assert_agree(&validator, &v, date), ok, "{date}");
    }
}

#[test]
fn bundled_checklists_and_the_template_pass_both() {
    let validator = schema_validator();
    for (name, text) in checklist::BUNDLED {
        checklist::parse(name, text).unwrap_or_else(|e| panic!("{e}"));
        let v: Value = serde_json::from_str(text).unwrap();
        assert!(validator.is_valid(&v), "{name}");
    }
    let v: Value = serde_json::from_str(checklist::TEMPLATE).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "the template: {errors:?}");
    checklist::parse("template.json", checklist::TEMPLATE).unwrap();
}

/// `lockstep checklists --template` and `--schema` are all it takes to write a checklist without
/// the repository: the template validates, the printed schema is the committed one, and the
/// schema beside the checklists folder does not disturb the catalog.
#[test]
fn start_a_checklist_without_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("lockstep")
            .unwrap()
            .env_clear()
            .env("HOME", tmp.path())
            .env("XDG_CONFIG_HOME", tmp.path().join("config"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .arg("--data-dir")
            .arg(tmp.path().join("data"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, schema_text, _) = run(&["checklists", "--schema"]);
    assert_eq!(code, Some(0));
    assert!(
        schema_text == std::fs::read_to_string(SCHEMA_FILE).unwrap(),
        "`checklists --schema` prints the committed schema"
    );
    let (code, template, _) = run(&["checklists", "--template"]);
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_str(&template).unwrap();
    assert_eq!(v["$schema"], "../checklist.schema.json");
    assert!(schema_validator().is_valid(&v));

    let dir = tmp.path().join("config/lockstep");
    std::fs::create_dir_all(dir.join("checklists")).unwrap();
    std::fs::write(dir.join("checklist.schema.json"), &schema_text).unwrap();
    let file = dir.join("checklists/my-exchange.json");
    std::fs::write(&file, &template).unwrap();
    let (code, out, err) = run(&["validate", file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.ends_with("my-exchange.json: ok (3 sections, 3 steps)\n"),
        "{out}"
    );
    let (code, out, err) = run(&["checklists"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.lines().any(|l| l.starts_with("my-exchange ")), "{out}");

    let (code, _, err) = run(&["checklists", "--template", "--schema"]);
    assert_eq!(code, Some(2), "{err}");
}
