//! A corpus of invalid checklists (tests/invalid_checklists/, one mistake each) on which the
//! loader (`lockstep::checklist::parse`) and the JSON Schema (checklists/checklist.schema.json)
//! must both reject, each with the loader's message; the rules a JSON Schema cannot express are
//! listed in the schema's description and rejected by the loader alone; text that is not JSON
//! reaches no schema. Valid checklists pass both.

use std::path::Path;

use lockstep::checklist::{self, VALIDATOR_ONLY_RULES};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/invalid_checklists");

/// Who rejects a file.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rejected {
    /// The JSON Schema and the loader.
    Both,
    /// The loader alone, by the rule `VALIDATOR_ONLY_RULES[n]` that the schema lists.
    LoaderOnly(usize),
    /// Not JSON: every JSON reader (so every schema validator, and an editor) stops at it.
    NotJson,
}
use Rejected::*;

/// (file, who rejects it, a fragment of the loader's message).
#[rustfmt::skip]
const CORPUS: &[(&str, Rejected, &str)] = &[
    // Intervals, budgets, weights
    ("every-months-25.json", Both, "54:23: sections[1].every_months: must be between 1 and 24"),
    ("every-months-zero.json", Both, "sections[1].every_months: must be between 1 and 24"),
    ("every-months-missing.json", Both, "sections[1].every_months: a recurring section needs every_months"),
    ("every-months-null-on-recurring.json", Both, "a recurring section needs every_months"),
    ("every-months-on-setup.json", Both, "sections[0].every_months: only recurring sections have every_months"),
    ("minutes-on-emergency.json", Both, "sections[2].minutes: only setup sections have minutes"),
    ("minutes-zero.json", Both, "sections[0].minutes: must be between 1 and 480"),
    ("minutes-too-many.json", Both, "sections[0].minutes: must be between 1 and 480"),
    ("weight-zero.json", Both, "sections[0].steps[0].weight: must be between 1 and 10"),
    ("weight-eleven.json", Both, "sections[0].steps[0].weight: must be between 1 and 10"),
    ("weight-negative.json", Both, "weight: invalid value: integer `-1`, expected a whole number"),
    ("weight-string.json", Both, "weight: invalid type: string \"5\", expected a whole number"),
    // Links and sources
    ("link-javascript.json", Both, "links[0]: must be an https:// address"),
    ("link-http.json", Both, "links[0]: must be an https:// address"),
    ("link-with-space.json", Both, "links[0]: must be an https:// address with a host and no spaces"),
    ("link-no-host.json", Both, "links[0]: must be an https:// address with a host"),
    ("source-url-ftp.json", Both, "sources[0].url: must be an http:// or https:// address"),
    // Dates and the format version
    ("date-not-padded.json", Both, "updated: invalid date `2026-1-31`: write it as YYYY-MM-DD, e.g. 2026-01-31"),
    ("date-no-such-day.json", Both, "updated: invalid date `2026-02-30`: there is no such day (YYYY-MM-DD)"),
    ("date-with-time.json", Both, "write it as YYYY-MM-DD"),
    ("date-number.json", Both, "expected a date as \"YYYY-MM-DD\""),
    ("schema-version-2.json", Both, "2:13: schema: unsupported schema version 2 (this lockstep reads version 1)"),
    // Ids and aliases
    ("id-uppercase.json", Both, "3:9: id: must be kebab-case"),
    ("id-double-hyphen.json", Both, "sections[0].steps[1].id: must be kebab-case"),
    ("id-trailing-hyphen.json", Both, "sections[1].id: must be kebab-case"),
    ("id-too-long.json", Both, "at most 64 characters"),
    ("persona-id-underscore.json", Both, "personas[1].id: must be kebab-case"),
    ("alias-not-kebab.json", Both, "sections[0].steps[0].aliases[0]: must be kebab-case"),
    ("alias-listed-twice.json", Both, "aliases[1]: duplicate alias 'old-2fa' (first at sections[0].steps[0].aliases[0])"),
    ("step-personas-listed-twice.json", Both, "personas[1]: persona 'trader' is listed twice (first at sections[1].steps[0].personas[0])"),
    // Fields and values the format does not have
    ("unknown-field-top.json", Both, "colour: unknown field `colour`, expected one of `$schema`, `schema`, `id`"),
    ("unknown-field-step.json", Both, "sections[0].steps[1].titel: unknown field `titel` (did you mean `title`?), expected one of `id`, `aliases`, `title`"),
    ("unknown-kind.json", Both, "sections[1].kind: unknown variant `recuring` (did you mean `recurring`?), expected one of `setup`, `recurring`, `event`, `emergency`"),
    ("unknown-role.json", Both, "sections[0].role: unknown variant `tips`, expected `core` or `advice`"),
    ("missing-how.json", Both, "sections[0].steps[1]: missing field `how`"),
    ("missing-updated.json", Both, "missing field `updated`"),
    ("not-an-object.json", Both, "1:1: a checklist is one JSON object {...}, not a list [...]"),
    ("sections-null.json", Both, "sections: invalid type: null, expected a sequence"),
    ("section-as-list.json", Both, "sections[1]: expected an object {...}, not a list [...]"),
    // Text and lists
    ("how-empty.json", Both, "sections[0].steps[1].how: needs at least one instruction"),
    ("why-missing.json", Both, "sections[2].steps[0]: missing field `why`"),
    ("how-blank-item.json", Both, "sections[0].steps[1].how[1]: must not be empty or only spaces"),
    ("title-blank.json", Both, "sections[0].steps[1].title: must not be empty or only spaces"),
    ("title-no-break-space.json", Both, "sections[0].title: must not be empty or only spaces"),
    ("kind-number.json", Both, "27:15: sections[0].kind: expected one of \"setup\", \"recurring\", \"event\", \"emergency\""),
    ("service-empty.json", Both, "service: must not be empty or only spaces"),
    ("intro-empty.json", Both, "sections[0].intro: must not be empty or only spaces"),
    ("warning-blank.json", Both, "warnings[0]: must not be empty or only spaces"),
    // Sections
    ("sections-empty.json", Both, "sections: a checklist needs at least one section"),
    ("no-setup-section.json", Both, "sections: a checklist needs at least one setup section"),
    ("two-emergency-sections.json", Both, "sections[3].kind: at most one emergency section is allowed (the first is sections[2])"),
    ("steps-empty.json", Both, "sections[2].steps: a section needs at least one step"),
    // Rules a JSON Schema cannot express
    ("duplicate-step-id.json", LoaderOnly(0), "sections[2].steps[0].id: duplicate step id 'totp-2fa' (first at sections[0].steps[0].id"),
    ("duplicate-section-id.json", LoaderOnly(0), "sections[2].id: duplicate section id 'essentials' (first at sections[0].id)"),
    ("duplicate-persona-id.json", LoaderOnly(0), "personas[1].id: duplicate persona id 'holder' (first at personas[0].id)"),
    ("alias-is-current-step-id.json", LoaderOnly(1), "aliases[0]: alias 'api-keys' is the id of a current step (sections[0].steps[1].id)"),
    ("alias-on-two-steps.json", LoaderOnly(1), "sections[2].steps[0].aliases[0]: duplicate alias 'old-step' (first at sections[0].steps[0].aliases[0])"),
    ("section-alias-is-current-id.json", LoaderOnly(1), "sections[1].aliases[0]: alias 'essentials' is the id of a current section (sections[0].id)"),
    ("unknown-persona.json", LoaderOnly(2), "personas[0]: unknown persona 'trade' (did you mean 'trader'? declared: holder, trader; declare it in personas)"),
    ("requires-unknown-step.json", LoaderOnly(3), "requires: unknown step 'api-key' (requires names a setup step id; did you mean 'api-keys'?)"),
    ("requires-itself.json", LoaderOnly(3), "sections[0].steps[1].requires: a step cannot require itself"),
    ("requires-recurring-step.json", LoaderOnly(3), "requires: 'key-audit' is not a setup step"),
    ("duplicate-key.json", LoaderOnly(4), "5:9: duplicate field `title`"),
    ("weight-float.json", LoaderOnly(5), "weight: invalid type: floating point `10.0`, expected a whole number"),
    ("byte-order-mark.json", LoaderOnly(6), "1:1: file starts with a byte-order mark (BOM)"),
    ("may-not-apply-on-review.json", LoaderOnly(7), "sections[1].steps[0].may_not_apply: only steps of setup sections can be marked as possibly not applicable"),
    ("finding-on-setup.json", LoaderOnly(7), "sections[0].steps[1].finding: only steps of review sections (recurring or event) can be findings"),
    // Not JSON
    ("line-comment.json", NotJson, "2:3: JSON has no comments: remove this `//` comment"),
    ("block-comment.json", NotJson, "38:24: JSON has no comments: remove this `/*` comment"),
    ("trailing-comma.json", NotJson, "trailing comma"),
    ("truncated.json", NotJson, "(the file is truncated)"),
    ("single-quotes.json", NotJson, "5:3: key must be a string (JSON strings and names use double quotes)"),
    ("empty.json", NotJson, "1:1: file is empty"),
];

fn schema_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("../checklists/checklist.schema.json"))
        .expect("the schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid draft 2020-12 schema")
}

#[test]
fn the_corpus_is_the_table() {
    let mut files: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let mut listed: Vec<String> = CORPUS.iter().map(|(f, ..)| f.to_string()).collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "every file in the table, every table row a file"
    );
    let both = CORPUS.iter().filter(|(_, r, _)| *r == Both).count();
    assert!(both >= 40, "at least 40 checklists both reject ({both})");
}

#[test]
fn the_loader_rejects_each_with_its_message() {
    for (file, _, fragment) in CORPUS {
        let text = std::fs::read_to_string(Path::new(DIR).join(file)).unwrap();
        let e = checklist::parse(file, &text)
            .map(|_| ())
            .expect_err(file)
            .to_string();
        assert!(
            e.contains(fragment),
            "{file}:\n  got: {e}\n  want: {fragment}"
        );
        assert!(e.starts_with(&format!("{file}:")), "{e}");
        assert!(
            !e.contains(".?") && !e.contains("?."),
            "no unknown path segments: {e}"
        );
    }
}

#[test]
fn the_schema_rejects_the_same_and_lists_what_it_cannot_express() {
    let validator = schema_validator();
    let description = include_str!("../checklists/checklist.schema.json");
    let description: Value = serde_json::from_str(description).unwrap();
    let description = description["description"].as_str().unwrap();
    for (file, rejected, _) in CORPUS {
        let text = std::fs::read_to_string(Path::new(DIR).join(file)).unwrap();
        // Editors read a file with a byte-order mark; the loader refuses it.
        let json = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}'));
        match rejected {
            Both => {
                let v = json.unwrap_or_else(|e| panic!("{file} is JSON: {e}"));
                assert!(!validator.is_valid(&v), "{file}: the schema accepts it");
            }
            LoaderOnly(rule) => {
                let v = json.unwrap_or_else(|e| panic!("{file} is JSON: {e}"));
                assert!(
                    validator.is_valid(&v),
                    "{file}: the schema rejects it: move it to Both"
                );
                let rule = VALIDATOR_ONLY_RULES[*rule];
                assert!(
                    description.contains(rule),
                    "{file}: the schema description lists the rule '{rule}'"
                );
            }
            NotJson => assert!(json.is_err(), "{file} is not JSON"),
        }
    }
}

#[test]
fn valid_checklists_pass_both() {
    let validator = schema_validator();
    let mut texts: Vec<(String, String)> = checklist::BUNDLED
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    texts.push(("template".into(), checklist::TEMPLATE.to_string()));
    // Each corpus file started as this checklist: one mistake undone, it is valid again.
    let fixed = std::fs::read_to_string(Path::new(DIR).join("every-months-25.json"))
        .unwrap()
        .replace("\"every_months\": 25", "\"every_months\": 1");
    texts.push(("corpus base".into(), fixed));
    for (name, text) in texts {
        checklist::parse(&name, &text).unwrap_or_else(|e| panic!("{e}"));
        let v: Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}
