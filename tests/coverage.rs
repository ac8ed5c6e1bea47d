//! The guide coverage table (checklists/COVERAGE.md) agrees with the bundled checklists: every step
//! id it names exists, every crypto-com step is in a row, and every left-out row says why. Every
//! number, amount, duration, schedule, in-app path and web address in the bundled checklists is
//! in a quote of a row that names its step or section, and every quote is the guide's own words.

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

/// Section ids of a checklist (a row may name a section for its title, intro or schedule).
fn section_ids(text: &str) -> BTreeSet<String> {
    let v: Value = serde_json::from_str(text).expect("checklist JSON");
    v["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["id"].as_str().expect("section id").to_string())
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
    let cdc_known: BTreeSet<String> = cdc.union(&section_ids(crypto_com)).cloned().collect();
    let gen_known: BTreeSet<String> = gen_ids.union(&section_ids(generic)).cloned().collect();
    let mut out = Vec::new();
    let mut named = BTreeSet::new();
    for r in &rows {
        let known = match r.checklist.as_str() {
            "crypto-com" => &cdc_known,
            "generic-exchange" => &gen_known,
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

// ---------------------------------------------------------------------------------------------
// Numbers, schedules, in-app paths and web addresses: only the guide may give them.

/// Something a checklist says that only its source may give.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Claim {
    /// An amount, a duration or a count, in digits (`$250,000`, `24`, `20+`, `1:1`, `24/7`) or
    /// spelled out (`ten` is `10`).
    Number(String),
    /// How often something is done: `monthly`, `every quarter` (a period name).
    Schedule(&'static str),
    /// An in-app path: a step's `path`, or `A → B → C` in its text.
    Path(String),
    /// A web address: a link, a URL, or a lower-case host name such as `chat.crypto.com`.
    Address(String),
}

/// Spelled-out numbers and their digits. `one` is left out: it is mostly a pronoun.
const SPELLED: &[(&str, &str)] = &[
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("fifteen", "15"),
    ("twenty", "20"),
    ("thirty", "30"),
    ("fifty", "50"),
    ("hundred", "100"),
    ("thousand", "1000"),
    ("million", "1000000"),
    ("billion", "1000000000"),
];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Numbers in `text`: digit runs (with `$`, inner `.`, `,`, `:`, `/` and a trailing `+`) that
/// are not part of a name (`2FA`, `1Password`, `YubiKey 5C`), then spelled-out numbers (not
/// `two-factor`).
fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let digit_at = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
        let begins = chars[i].is_ascii_digit() || (chars[i] == '$' && digit_at(i + 1));
        if !begins || (i > 0 && chars[i - 1].is_alphanumeric()) {
            i += 1;
            continue;
        }
        i += 1;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], '.' | ',' | ':' | '/') && digit_at(i + 1)))
        {
            i += 1;
        }
        if chars.get(i) == Some(&'+') {
            i += 1;
        }
        if chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
            while chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
                i += 1;
            }
            continue;
        }
        out.push(chars[start..i].iter().collect());
    }
    // `two-factor` and `two-step` name a method, like `2FA`.
    let names = text
        .to_lowercase()
        .replace("two-factor", "")
        .replace("two-step", "");
    for w in words(&names) {
        if let Some((_, d)) = SPELLED.iter().find(|(s, _)| *s == w) {
            out.push(d.to_string());
        }
    }
    out
}

fn period(word: &str) -> Option<&'static str> {
    Some(match word {
        "day" | "daily" => "day",
        "week" | "weekly" => "week",
        "month" | "monthly" => "month",
        "quarter" | "quarterly" => "quarter",
        "year" | "yearly" | "annually" | "annual" => "year",
        _ => return None,
    })
}

/// Schedules in `text`: `monthly`, `quarterly`, ... and `every`/`each` before a period.
fn schedules(text: &str) -> Vec<&'static str> {
    let w = words(text);
    let mut out = Vec::new();
    for (i, word) in w.iter().enumerate() {
        let adverb = word.ends_with("ly") || word == "annually";
        if adverb && let Some(p) = period(word) {
            out.push(p);
        }
        if (word == "every" || word == "each")
            && let Some(p) = w.get(i + 1).and_then(|n| period(n))
        {
            out.push(p);
        }
    }
    out
}

/// The in-app path written with arrows in `text`: from the word before the first arrow to the
/// words after the last one, up to the end of the clause.
fn arrow_path(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split('→').collect();
    if parts.len() < 2 {
        return None;
    }
    let first = parts[0].trim_end().rsplit(' ').next().unwrap_or("");
    let last = parts[parts.len() - 1].trim_start();
    let end = [".", ",", ";", ":", " and ", " ("]
        .iter()
        .filter_map(|p| last.find(p))
        .min()
        .unwrap_or(last.len());
    let mut segments = vec![first.trim()];
    segments.extend(parts[1..parts.len() - 1].iter().map(|p| p.trim()));
    segments.push(last[..end].trim());
    Some(segments.join(" → "))
}

/// URLs and lower-case host names (`Crypto.com`, the service's name, is neither).
fn addresses(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|t| t.trim_matches(|c: char| "()[],;:\"'.".contains(c)))
        .filter(|t| {
            if t.starts_with("https://") || t.starts_with("http://") {
                return true;
            }
            let tld = t.rsplit('.').next().unwrap_or("");
            t.contains('.')
                && t.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c))
                && (2..=6).contains(&tld.len())
                && tld.chars().all(|c| c.is_ascii_lowercase())
        })
        .map(str::to_string)
        .collect()
}

fn claims_in(text: &str) -> Vec<Claim> {
    let mut out: Vec<Claim> = numbers(text).into_iter().map(Claim::Number).collect();
    out.extend(schedules(text).into_iter().map(Claim::Schedule));
    out.extend(arrow_path(text).map(Claim::Path));
    out.extend(addresses(text).into_iter().map(Claim::Address));
    out
}

/// Whether a quote of the guide carries the claim.
fn carries(quote: &str, claim: &Claim) -> bool {
    match claim {
        Claim::Number(n) => numbers(quote).contains(n),
        Claim::Schedule(p) => schedules(quote).contains(p),
        Claim::Path(p) => quote.contains(p.as_str()),
        Claim::Address(a) => quote.to_lowercase().contains(a.as_str()),
    }
}

/// Keys whose values are not said to the user, or are lockstep's own (ids, weights, dates).
const NOT_CLAIMS: &[&str] = &[
    "id", "schema", "updated", "weight", "personas", "requires", "aliases", "kind", "role",
];

/// Every string under `v` with where it is (`how[2]`), skipping [`NOT_CLAIMS`] keys.
fn strings(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => out.push((at.to_string(), s.clone())),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                strings(x, &format!("{at}[{i}]"), out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                if !NOT_CLAIMS.contains(&k.as_str()) && k != "sections" && k != "steps" {
                    let at = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    strings(x, &at, out);
                }
            }
        }
        _ => {}
    }
}

/// The claims of a checklist: (step or section id, or none for the checklist itself; where;
/// the claim).
fn claims(text: &str) -> Vec<(Option<String>, String, Claim)> {
    let v: Value = serde_json::from_str(text).expect("checklist JSON");
    type Found = Vec<(Option<String>, String, Claim)>;
    fn add(out: &mut Found, id: Option<&str>, value: &Value) {
        let mut found = Vec::new();
        strings(value, "", &mut found);
        for (at, s) in found {
            for c in claims_in(&s) {
                out.push((id.map(str::to_string), at.clone(), c));
            }
        }
    }
    let mut out = Found::new();
    add(&mut out, None, &v);
    for s in v["sections"].as_array().expect("sections") {
        let sid = s["id"].as_str().expect("section id");
        add(&mut out, Some(sid), s);
        let mut fields = Vec::new();
        if let Some(m) = s["minutes"].as_u64() {
            fields.push(("minutes", Claim::Number(m.to_string())));
        }
        if let Some(m) = s["every_months"].as_u64() {
            let c = match m {
                1 => Claim::Schedule("month"),
                3 => Claim::Schedule("quarter"),
                12 => Claim::Schedule("year"),
                n => Claim::Number(n.to_string()),
            };
            fields.push(("every_months", c));
        }
        for (at, c) in fields {
            out.push((Some(sid.to_string()), at.to_string(), c));
        }
        for step in s["steps"].as_array().expect("steps") {
            let id = step["id"].as_str().expect("step id");
            let mut rest = step.clone();
            let obj = rest.as_object_mut().expect("step object");
            let path = obj.remove("path");
            let links = obj.remove("links");
            add(&mut out, Some(id), &rest);
            let segments: Vec<&str> = path
                .iter()
                .flat_map(|p| p.as_array().into_iter().flatten())
                .filter_map(Value::as_str)
                .collect();
            if !segments.is_empty() {
                out.push((
                    Some(id.into()),
                    "path".into(),
                    Claim::Path(segments.join(" → ")),
                ));
            }
            for l in links
                .iter()
                .flat_map(|l| l.as_array().into_iter().flatten())
            {
                let l = l.as_str().expect("link").to_string();
                out.push((Some(id.into()), "links".into(), Claim::Address(l)));
            }
        }
    }
    out
}

/// Claims of the checklists that no quote traces: a step's or a section's claim must be in the
/// quote of a row naming it; the checklist's own (title, sources, personas) in any of its rows.
/// generic-exchange reuses the crypto-com rows of the same ids.
fn untraced(md: &str, checklists: &[(&str, &str)]) -> Vec<String> {
    let rows = match rows(md) {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    let mut out = Vec::new();
    for (name, text) in checklists {
        let mine: Vec<&Row> = rows
            .iter()
            .filter(|r| {
                r.checklist == *name || *name == "generic-exchange" && r.checklist == "crypto-com"
            })
            .collect();
        for (id, at, claim) in claims(text) {
            let traced = mine.iter().any(|r| {
                id.as_ref().is_none_or(|id| r.steps.contains(id)) && carries(&r.quote, &claim)
            });
            if !traced {
                let whose = id.as_deref().unwrap_or("(checklist)");
                out.push(format!(
                    "{name}: {whose} {at}: {claim:?} is in no quote of a COVERAGE.md row naming {whose}"
                ));
            }
        }
    }
    out
}

#[test]
fn claims_are_read_from_the_text() {
    let text = "up to $250,000 within 24 hours (24-hour lock), two-factor 2FA and 1Password, a YubiKey 5C, \
                20+ characters, 1:1. Open 24/7, ten keys, every month and quarterly; e.g. \
                Settings → Security → Anti-Phishing Code, then chat.crypto.com or Crypto.com.";
    assert_eq!(
        numbers(text),
        ["$250,000", "24", "24", "20+", "1:1", "24/7", "10"]
    );
    assert_eq!(schedules(text), ["month", "quarter"]);
    assert_eq!(
        arrow_path(text).as_deref(),
        Some("Settings → Security → Anti-Phishing Code")
    );
    assert_eq!(addresses(text), ["chat.crypto.com"]);
}

#[test]
fn every_number_path_and_address_is_traced_to_the_guide() {
    let checklists = [("crypto-com", CRYPTO_COM), ("generic-exchange", GENERIC)];
    let n: usize = checklists.iter().map(|(_, t)| claims(t).len()).sum();
    assert!(n >= 60, "the checklists were read: {n} claims");
    let u = untraced(COVERAGE, &checklists);
    assert!(u.is_empty(), "{} untraced:\n{}", u.len(), u.join("\n"));
}

#[test]
fn the_claim_check_catches_what_the_guide_does_not_say() {
    let edited = CRYPTO_COM
        .replace(
            "Add only addresses you control and trust.",
            "Add only addresses you control; withdraw at least 0.001 BTC every week; see \
             https://help.example.com/x or Settings → Privacy → Export.",
        )
        // A number the guide gives, but for another step.
        .replace(
            "Keep accounts and balances on more than one exchange if you trade heavily.",
            "Keep accounts on more than one exchange for 24 hours.",
        );
    assert_ne!(edited, CRYPTO_COM);
    let u = untraced(COVERAGE, &[("crypto-com", &edited)]);
    for expected in [
        "withdrawal-whitelist how[1]: Number(\"0.001\")",
        "withdrawal-whitelist how[1]: Schedule(\"week\")",
        "withdrawal-whitelist how[1]: Address(\"https://help.example.com/x\")",
        "withdrawal-whitelist how[1]: Path(\"Settings → Privacy → Export\")",
        "t-diversify how[0]: Number(\"24\")",
    ] {
        assert!(u.iter().any(|m| m.contains(expected)), "{expected}: {u:#?}");
    }
    assert_eq!(u.len(), 5, "{u:#?}");
}

#[test]
fn every_quote_is_the_guides_own_words() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seeds/000_1c1cf4b618f62338.txt"
    );
    let Ok(guide) = std::fs::read_to_string(path) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the source guide {path} is missing (it is required under CI=true)"
        );
        eprintln!("SKIPPED: the source guide {path} is missing; quotes were not compared");
        return;
    };
    let rows = rows(COVERAGE).unwrap();
    let wrong: Vec<String> = rows
        .iter()
        .filter(|r| !guide.contains(r.quote.trim_matches('"')))
        .map(|r| format!("line {}: {}", r.line, r.quote))
        .collect();
    assert!(
        wrong.is_empty(),
        "quotes not found in the guide:\n{}",
        wrong.join("\n")
    );
}
