//! The guide coverage table (checklists/COVERAGE.md) agrees with the bundled checklists: every step
//! id it names exists, every crypto-com step is in a row, and every left-out row says why.

use std::collections::BTreeSet;

use serde_json::Value;

const COVERAGE: &str = include_str!("../checklists/COVERAGE.md");
const CRYPTO_COM: &str = include_str!("../checklists/crypto-com.json");
const GENERIC: &str = include_str!("../checklists/generic-exchange.json");

/// One table row of the coverage file.
#[derive(Debug)]
struct Row {
    /// The `## ` heading the row is under: the checklist id it talks about.
    checklist: String,
    line: usize,
    quote: String,
    steps: Vec<String>,
    step_cell: String,
    notes: String,
}

fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_start_matches('|')
        .trim_end_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

/// Table rows, read by the column names of each table's header.
fn rows(md: &str) -> Result<Vec<Row>, String> {
    let mut out = Vec::new();
    let mut checklist = String::new();
    let mut columns: Option<(usize, usize, usize)> = None;
    for (i, line) in md.lines().enumerate() {
        let n = i + 1;
        if let Some(h) = line.strip_prefix("## ") {
            checklist = h.trim().to_string();
            continue;
        }
        if !line.trim_start().starts_with('|') {
            columns = None;
            continue;
        }
        let c = cells(line);
        if c.iter().all(|x| x.chars().all(|ch| ch == '-' || ch == ':')) {
            continue; // the separator row
        }
        let Some((q, s, notes)) = columns else {
            let find = |name: &str| {
                c.iter()
                    .position(|x| x == name)
                    .ok_or(format!("line {n}: table header without a '{name}' column"))
            };
            columns = Some((find("Guide's words")?, find("Step")?, find("Notes")?));
            continue;
        };
        if c.len() <= q.max(s).max(notes) {
            return Err(format!("line {n}: row has {} cells", c.len()));
        }
        let steps = c[s]
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        out.push(Row {
            checklist: checklist.clone(),
            line: n,
            quote: c[q].clone(),
            steps,
            step_cell: c[s].clone(),
            notes: c[notes].clone(),
        });
    }
    Ok(out)
}

/// Step ids of a checklist, read as plain JSON.
fn step_ids(text: &str) -> BTreeSet<String> {
    let v: Value = serde_json::from_str(text).expect("checklist JSON");
    v["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["steps"].as_array().expect("steps"))
        .map(|t| t["id"].as_str().expect("step id").to_string())
        .collect()
}

/// Everything wrong with a coverage text against the two checklists.
fn problems(md: &str, crypto_com: &str, generic: &str) -> Vec<String> {
    let rows = match rows(md) {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    let cdc = step_ids(crypto_com);
    let gen_ids = step_ids(generic);
    let mut out = Vec::new();
    let mut named = BTreeSet::new();
    for r in &rows {
        let known = match r.checklist.as_str() {
            "crypto-com" => &cdc,
            "generic-exchange" => &gen_ids,
            other => {
                out.push(format!(
                    "line {}: row under '## {other}', which is not a bundled checklist id",
                    r.line
                ));
                continue;
            }
        };
        if r.quote.len() < 3 || !r.quote.starts_with('"') || !r.quote.ends_with('"') {
            out.push(format!("line {}: no quote of the guide's words", r.line));
        }
        for id in &r.steps {
            if !known.contains(id) {
                out.push(format!(
                    "line {}: step '{id}' does not exist in {}",
                    r.line, r.checklist
                ));
            }
            if r.checklist == "crypto-com" {
                named.insert(id.clone());
            }
        }
        if r.steps.is_empty() && (r.step_cell != "—" || !r.notes.starts_with("Left out")) {
            out.push(format!(
                "line {}: a row without a step needs '—' and a 'Left out: …' reason",
                r.line
            ));
        }
    }
    for id in cdc.difference(&named) {
        out.push(format!("crypto-com step '{id}' appears in no row"));
    }
    for id in gen_ids.difference(&cdc) {
        out.push(format!(
            "generic-exchange step '{id}' has no crypto-com counterpart, so no row covers it"
        ));
    }
    out
}

#[test]
fn bundled_checklists_validate() {
    for (name, text) in [
        ("crypto-com.json", CRYPTO_COM),
        ("generic-exchange.json", GENERIC),
    ] {
        if let Err(e) = lockstep::checklist::parse(name, text) {
            panic!("{e}");
        }
    }
}

#[test]
fn coverage_table_matches_the_checklists() {
    let rows = rows(COVERAGE).unwrap();
    assert!(
        rows.iter().filter(|r| r.checklist == "crypto-com").count() >= 100,
        "the table was read: {} rows",
        rows.len()
    );
    assert!(rows.iter().any(|r| r.checklist == "generic-exchange"));
    let p = problems(COVERAGE, CRYPTO_COM, GENERIC);
    assert!(p.is_empty(), "{}", p.join("\n"));
}

#[test]
fn the_check_catches_missing_and_unknown_steps() {
    // A step renamed in the checklist: the table names a step that no longer exists, and the new
    // id appears in no row.
    let renamed = CRYPTO_COM.replace("\"id\": \"t-diversify\"", "\"id\": \"t-spread\"");
    assert_ne!(renamed, CRYPTO_COM);
    let p = problems(COVERAGE, &renamed, GENERIC);
    assert!(
        p.iter()
            .any(|m| m.contains("step 't-diversify' does not exist in crypto-com")),
        "{p:?}"
    );
    assert!(
        p.contains(&"crypto-com step 't-spread' appears in no row".to_string()),
        "{p:?}"
    );
    // A left-out row without a reason, and a generic step with no counterpart.
    let md = COVERAGE.replacen("| — | Left out: history.", "| — | History.", 1);
    assert_ne!(md, COVERAGE);
    let generic = GENERIC
        .replace("\"id\": \"t-diversify\"", "\"id\": \"t-only-generic\"")
        .replace("\"id\": \"i-broker-flows\"", "\"id\": \"i-broker\"");
    let p = problems(&md, CRYPTO_COM, &generic);
    assert!(
        p.iter().any(|m| m.contains("needs '—' and a 'Left out")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("'t-only-generic' has no crypto-com counterpart")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("step 'i-broker-flows' does not exist in generic-exchange")),
        "{p:?}"
    );
}
