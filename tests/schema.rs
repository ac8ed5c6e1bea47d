//! The JSON Schema for checklist authors (checklists/checklist.schema.json) must match the loader:
//! same fields at every level, and the same required/optional split.

use serde_json::{Value, json};

fn schema() -> Value {
    let text = include_str!("../checklists/checklist.schema.json");
    serde_json::from_str(text).expect("the schema is valid JSON")
}

/// A checklist that uses every field, and which level's object each schema definition describes.
fn full() -> Value {
    json!({
        "schema": 1, "id": "x", "title": "X", "service": "S", "updated": "2026-01-01",
        "sources": [{"title": "guide", "url": "https://example.org/guide"}],
        "personas": [{"id": "holder", "title": "H", "description": "d"}],
        "sections": [
            {"id": "e", "title": "E", "kind": "setup", "minutes": 5, "intro": "i", "role": "advice",
             "steps": [
                {"id": "a", "title": "A", "why": "w", "how": ["h"], "path": ["App"], "warnings": ["w"],
                 "links": ["https://example.org"], "weight": 3, "personas": [], "requires": "a2"},
                {"id": "a2", "title": "A2", "why": "w", "how": ["h"]}]},
            {"id": "m", "title": "M", "kind": "recurring", "every_months": 1, "steps": [
                {"id": "b", "title": "B", "why": "w", "how": ["h"]}]}
        ]
    })
}

fn parses(v: &Value) -> bool {
    lockstep::checklist::parse("t.json", &v.to_string()).is_ok()
}

/// Each (schema object, pointer to a matching object in `full()`).
fn levels(s: &Value) -> Vec<(Value, &'static str)> {
    vec![
        (s.clone(), ""),
        (s["$defs"]["source"].clone(), "/sources/0"),
        (s["$defs"]["persona"].clone(), "/personas/0"),
        (s["$defs"]["section"].clone(), "/sections/0"),
        (s["$defs"]["step"].clone(), "/sections/0/steps/0"),
    ]
}

#[test]
fn schema_fields_match_the_loader() {
    let s = schema();
    assert!(parses(&full()), "the full example parses");
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
        // Every schema property is accepted by the loader ...
        for p in &props {
            let mut v = full();
            let obj = v.pointer_mut(ptr).unwrap().as_object_mut().unwrap();
            if !obj.contains_key(p) {
                // every_months lives on the recurring section in the example
                assert_eq!((ptr, p.as_str()), ("/sections/0", "every_months"));
                continue;
            }
            // ... and removing it fails exactly when the schema says it is required.
            obj.remove(p);
            assert_eq!(
                !parses(&v),
                required.contains(p),
                "{ptr}.{p}: required in schema = {}",
                required.contains(p)
            );
        }
        // Every field the loader knows is in the schema (an unknown one is rejected).
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
    }
}

#[test]
fn schema_enums_and_bounds_match() {
    let s = schema();
    let kinds: Vec<&str> = s["$defs"]["section"]["properties"]["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["setup", "recurring", "event", "emergency"]);
    assert_eq!(
        s["properties"]["schema"]["const"],
        lockstep::checklist::SCHEMA_VERSION
    );
}

#[test]
fn weight_bounds_match() {
    let s = schema();
    let w = &s["$defs"]["step"]["properties"]["weight"];
    assert_eq!(
        (w["minimum"].as_u64(), w["maximum"].as_u64()),
        (Some(1), Some(10))
    );
    for (weight, ok) in [(0, false), (1, true), (10, true), (11, false)] {
        let mut v = full();
        v["sections"][0]["steps"][0]["weight"] = json!(weight);
        assert_eq!(parses(&v), ok, "weight {weight}");
    }
}

#[test]
fn section_roles_match() {
    let s = schema();
    let roles: Vec<&str> = s["$defs"]["section"]["properties"]["role"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(roles, ["core", "advice"]);
    for (role, ok) in [("core", true), ("advice", true), ("tips", false)] {
        let mut v = full();
        v["sections"][0]["role"] = json!(role);
        assert_eq!(parses(&v), ok, "role {role}");
    }
    // The default role is core and is not written back; advice is.
    let mut v = full();
    v["sections"][0].as_object_mut().unwrap().remove("role");
    let c = lockstep::checklist::parse("t.json", &v.to_string()).unwrap();
    assert_eq!(c.sections[0].role, lockstep::checklist::SectionRole::Core);
    let back = serde_json::to_value(&c).unwrap();
    assert!(back["sections"][0].get("role").is_none(), "{back}");
    let c = lockstep::checklist::parse("t.json", &full().to_string()).unwrap();
    assert_eq!(
        serde_json::to_value(&c).unwrap()["sections"][0]["role"],
        "advice"
    );
}

#[test]
fn requires_names_another_setup_step() {
    let error = |step: &str, requires: &str| {
        let mut v = full();
        let (s, t) = if step == "b" { (1, 0) } else { (0, 0) };
        v["sections"][s]["steps"][t]["requires"] = json!(requires);
        lockstep::checklist::parse("t.json", &v.to_string())
            .err()
            .map(|e| e.to_string())
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
    // A step that exists but is not in a setup section cannot be required.
    let e = error("a", "b").unwrap();
    assert!(
        e.contains("sections[0].steps[0].requires: 'b' is not a setup step"),
        "{e}"
    );
    // The field is omitted when absent.
    let c = lockstep::checklist::parse("t.json", &full().to_string()).unwrap();
    let back = serde_json::to_value(&c).unwrap();
    assert!(back["sections"][1]["steps"][0].get("requires").is_none());
    assert_eq!(back["sections"][0]["steps"][0]["requires"], "a2");
}

#[test]
fn every_months_bounds_match() {
    let s = schema();
    let m = &s["$defs"]["section"]["properties"]["every_months"];
    assert_eq!(
        (m["minimum"].as_u64(), m["maximum"].as_u64()),
        (Some(1), Some(24))
    );
    for (months, ok) in [(0, false), (1, true), (12, true), (24, true), (25, false)] {
        let mut v = full();
        v["sections"][1]["every_months"] = json!(months);
        assert_eq!(parses(&v), ok, "every_months {months}");
    }
}
