//! The secret guard measured on a labelled corpus: generated recovery phrases (every BIP39
//! wordlist, every length, many ways of writing them), the cases of `tests/guard/corpus.tsv`,
//! every string of the bundled checklists and every line and sentence of the source guide.
//! Recall must be 100% and false positives 0; the figures are printed.

use bip39::{Language, Mnemonic};
use lockstep::guard::{SecretKind, SecretRefused, check_secret, classify};
use std::collections::BTreeMap;
use std::path::Path;

#[path = "guard/families.rs"]
mod families;
#[path = "guard/shapes.rs"]
mod shapes;
use shapes::{Rng, expand};

// ---------------------------------------------------------------------------------------------
// Generated recovery phrases.

fn latin(lang: Language) -> bool {
    matches!(
        lang,
        Language::English
            | Language::Czech
            | Language::French
            | Language::Italian
            | Language::Portuguese
            | Language::Spanish
    )
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The first `n` letters of an NFKD word, with their accents (combining marks).
fn first_letters(w: &str, n: usize) -> String {
    let mut out = String::new();
    let mut letters = 0;
    for c in w.chars() {
        let mark = ('\u{300}'..='\u{36f}').contains(&c);
        if !mark {
            if letters == n {
                break;
            }
            letters += 1;
        }
        out.push(c);
    }
    out
}

/// One word misspelt: a letter in the middle replaced, so that it is no list word.
fn misspell(lang: Language, w: &str) -> String {
    let chars: Vec<char> = w.chars().collect();
    for repl in ['x', 'q', 'z', 'k'] {
        let mut c = chars.clone();
        let mid = c.len() / 2;
        if c[mid] == repl {
            continue;
        }
        c[mid] = repl;
        let s: String = c.into_iter().collect();
        if lang.find_word(&s).is_none() {
            return s;
        }
    }
    format!("{w}x")
}

/// Every way of writing the phrase that the guard must refuse, with a name for reports.
fn phrase_styles(lang: Language, m: &Mnemonic) -> Vec<(String, String)> {
    let w: Vec<&str> = m.words().collect();
    let n = w.len();
    let mut v: Vec<(&str, String)> = vec![
        ("spaces", w.join(" ")),
        ("ideographic-spaces", w.join("\u{3000}")),
        ("newlines", w.join("\n")),
        ("commas", w.join(", ")),
        ("commas-tight", w.join(",")),
        ("hyphens", w.join("-")),
        (
            "numbered-dot",
            (1..=n)
                .map(|i| format!("{i}. {}", w[i - 1]))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        (
            "numbered-paren-lines",
            (1..=n)
                .map(|i| format!("{i}) {}", w[i - 1]))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (
            "numbered-dash",
            (1..=n)
                .map(|i| format!("{i:02} - {}", w[i - 1]))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (
            "ordinals",
            (1..=n)
                .map(|i| format!("{} {}", ordinal(i), w[i - 1]))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "word-n",
            (1..=n)
                .map(|i| format!("word{i} {}", w[i - 1]))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        (
            "word-n-colon",
            (1..=n)
                .map(|i| format!("Word {i}: {}", w[i - 1]))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("upper", w.join(" ").to_uppercase()),
        (
            "title",
            w.iter()
                .map(|x| capitalise(x))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        ("quoted", format!("\"{}\"", w.join(" "))),
        ("single-quoted", format!("'{}'", w.join(" "))),
        (
            "in-sentence",
            format!(
                "ok so the backup is {} and I keep it here for now",
                w.join(" ")
            ),
        ),
        (
            "halves",
            format!(
                "first part: {}\n(the other part is on a card in the drawer) {}",
                w[..n / 2].join(" "),
                w[n / 2..].join(" ")
            ),
        ),
        (
            "halves-no-label",
            format!(
                "{} and then later {}",
                w[..n / 2].join(" "),
                w[n / 2..].join(" ")
            ),
        ),
    ];
    v.extend(script_styles(lang, &w));
    v.into_iter().map(|(s, t)| (s.to_string(), t)).collect()
}

/// Ways of writing that depend on the script: CamelCase, abbreviations and misspellings in
/// Latin lists, no spaces at all in the others.
fn script_styles(lang: Language, w: &[&str]) -> Vec<(&'static str, String)> {
    let n = w.len();
    let mut v = Vec::new();
    if latin(lang) {
        v.push(("camel-case", w.iter().map(|x| capitalise(x)).collect()));
        v.push((
            "first-four-letters",
            w.iter()
                .map(|x| first_letters(x, 4))
                .collect::<Vec<_>>()
                .join(" "),
        ));
        let mut typo: Vec<String> = w.iter().map(|s| s.to_string()).collect();
        typo[n / 2] = misspell(lang, &typo[n / 2]);
        v.push(("one-misspelt", typo.join(" ")));
        let mut typo_first: Vec<String> = w.iter().map(|s| s.to_string()).collect();
        typo_first[0] = misspell(lang, &typo_first[0]);
        v.push(("first-word-misspelt", typo_first.join(", ")));
    } else {
        v.push(("no-spaces", w.concat()));
    }
    v
}

// ---------------------------------------------------------------------------------------------
// The corpus.

struct Case {
    secret: bool,
    kind: String,
    source: String,
    text: String,
}

fn generated_phrases() -> Vec<Case> {
    let mut out = Vec::new();
    for (li, &lang) in Language::ALL.iter().enumerate() {
        for (wi, words) in [12usize, 15, 18, 21, 24].into_iter().enumerate() {
            let entropy: Vec<u8> = (0..words / 3 * 4)
                .map(|i| {
                    (i as u8)
                        .wrapping_mul(97)
                        .wrapping_add((li * 31 + wi * 7) as u8)
                })
                .collect();
            let m = Mnemonic::from_entropy_in(lang, &entropy).unwrap();
            for (style, text) in phrase_styles(lang, &m) {
                out.push(Case {
                    secret: true,
                    kind: SecretKind::RecoveryPhrase.name().to_string(),
                    source: format!("phrase {lang:?} {words} {style}"),
                    text,
                });
            }
        }
    }
    out
}

fn file_cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guard/corpus.tsv");
    let data = std::fs::read_to_string(&path).unwrap();
    let mut out = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (label, kind, text) = (
            parts.next().unwrap(),
            parts.next().expect("kind column"),
            parts.next().expect("text column"),
        );
        assert!(
            label == "secret" || label == "harmless",
            "corpus.tsv:{}: label {label}",
            n + 1
        );
        let mut rng = Rng(n as u64 * 7919 + 17);
        out.push(Case {
            secret: label == "secret",
            kind: kind.to_string(),
            source: format!("corpus.tsv:{}", n + 1),
            text: expand(text, &mut rng),
        });
    }
    out
}

fn strings_of(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings_of(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings_of(x, out)),
        _ => {}
    }
}

fn checklist_cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "both bundled checklists");
    let mut out = Vec::new();
    for f in files {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let mut strings = Vec::new();
        strings_of(&v, &mut strings);
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        for s in strings {
            out.push(Case {
                secret: false,
                kind: "checklist".into(),
                source: name.clone(),
                text: s,
            });
        }
    }
    out
}

/// Splits prose into sentences at `.`, `?` or `!` followed by a space.
fn sentences(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = line.as_bytes();
    for i in 0..b.len() {
        if matches!(b[i], b'.' | b'?' | b'!') && b.get(i + 1) == Some(&b' ') {
            out.push(line[start..=i].trim());
            start = i + 1;
        }
    }
    out.push(line[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

fn guide_cases() -> Vec<Case> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds/000_1c1cf4b618f62338.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the source guide {} is missing (it is required under CI=true)",
            path.display()
        );
        eprintln!(
            "SKIPPED: the source guide {} is missing; its sentences were not checked",
            path.display()
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        out.push(Case {
            secret: false,
            kind: "guide-line".into(),
            source: "guide".into(),
            text: line.to_string(),
        });
        let s = sentences(line);
        if s.len() > 1 {
            for sentence in s {
                out.push(Case {
                    secret: false,
                    kind: "guide-sentence".into(),
                    source: "guide".into(),
                    text: sentence.to_string(),
                });
            }
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    cases: usize,
    refused: usize,
}

#[test]
fn corpus_recall_is_complete_and_nothing_harmless_is_refused() {
    let groups: Vec<(&str, Vec<Case>)> = vec![
        ("generated recovery phrases", generated_phrases()),
        ("corpus.tsv", file_cases()),
        ("parts of recovery phrases", families::partial_phrases()),
        ("labelled passwords", families::labelled_passwords()),
        ("labelled PINs", families::labelled_pins()),
        ("checklist strings", checklist_cases()),
        ("guide lines and sentences", guide_cases()),
    ];
    let mut missed = Vec::new();
    let mut false_positives = Vec::new();
    let mut wrong_kind = Vec::new();
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut secrets, mut refused, mut harmless, mut fp) = (0usize, 0usize, 0usize, 0usize);
    for (group, cases) in &groups {
        let (mut s, mut h) = (0, 0);
        for c in cases {
            let got = classify(&c.text);
            assert_eq!(got.is_some(), check_secret(&c.text).is_err());
            let t = by_kind
                .entry(format!(
                    "{} {}",
                    if c.secret { "secret" } else { "harmless" },
                    c.kind
                ))
                .or_default();
            t.cases += 1;
            t.refused += usize::from(got.is_some());
            if c.secret {
                s += 1;
                secrets += 1;
                match got {
                    Some(k) => {
                        refused += 1;
                        if k.name() != c.kind {
                            wrong_kind.push(format!(
                                "{}: expected {}, got {}",
                                c.source,
                                c.kind,
                                k.name()
                            ));
                        }
                    }
                    None => missed.push(format!("{}: {:?}", c.source, c.text)),
                }
            } else {
                h += 1;
                harmless += 1;
                if let Some(k) = got {
                    fp += 1;
                    false_positives.push(format!("{} ({}): {:?}", c.source, k.name(), c.text));
                }
            }
        }
        println!("{group}: {s} secrets, {h} harmless");
    }
    for (k, t) in &by_kind {
        println!("  {k}: {}/{} refused", t.refused, t.cases);
    }
    let recall = 100.0 * refused as f64 / secrets as f64;
    let fp_rate = 100.0 * fp as f64 / harmless as f64;
    println!(
        "secret guard: recall {refused}/{secrets} = {recall:.2}%, false positives {fp}/{harmless} = {fp_rate:.2}%"
    );
    let own: usize = groups[..5].iter().map(|(_, g)| g.len()).sum();
    assert!(own >= 150, "the labelled corpus has {own} cases");
    for f in &false_positives {
        println!("FALSE POSITIVE {f}");
    }
    assert!(
        missed.is_empty(),
        "{} secrets not refused:\n{}",
        missed.len(),
        missed.join("\n")
    );
    assert!(
        false_positives.is_empty(),
        "{} harmless texts refused:\n{}",
        false_positives.len(),
        false_positives.join("\n")
    );
    assert!(
        wrong_kind.is_empty(),
        "{} secrets refused under another kind:\n{}",
        wrong_kind.len(),
        wrong_kind.join("\n")
    );
}

#[test]
fn every_kind_is_in_the_corpus() {
    let cases = file_cases();
    for k in SecretKind::ALL {
        let n = cases
            .iter()
            .filter(|c| c.secret && c.kind == k.name())
            .count()
            + if k == SecretKind::RecoveryPhrase {
                1
            } else {
                0
            };
        assert!(n > 0, "no corpus case of kind {}", k.name());
    }
    for c in cases.iter().filter(|c| c.secret) {
        assert!(
            SecretKind::ALL.iter().any(|k| k.name() == c.kind),
            "{}: unknown kind {}",
            c.source,
            c.kind
        );
    }
}

#[test]
fn refusals_never_echo_the_text() {
    // The message is a function of the kind alone, so it cannot carry any of the text.
    let generated = families::partial_phrases()
        .into_iter()
        .chain(families::labelled_passwords())
        .chain(families::labelled_pins());
    for c in file_cases()
        .into_iter()
        .chain(generated_phrases())
        .chain(generated)
    {
        if let Err(e) = check_secret(&c.text) {
            assert_eq!(e.to_string(), SecretRefused { kind: e.kind }.to_string());
            let longest = c
                .text
                .split_whitespace()
                .max_by_key(|w| w.len())
                .unwrap_or("");
            if longest.len() >= 12 {
                assert!(!e.to_string().contains(longest), "{}", c.source);
            }
        }
    }
}

/// The guard runs on every note typed: a short one is checked in microseconds (timed here, at the
/// workspace root, because the guard crate itself never reads a clock).
#[test]
fn a_short_note_is_checked_in_microseconds() {
    let notes = [
        "Support ticket #4821-AB opened via in-app chat",
        "moved the bulk to a Ledger; left about 200 USDC for trading",
        "withdrawal to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq (about 0.3 BTC)",
    ];
    for n in notes {
        let _ = lockstep::guard::classify(n); // warm-up: lazily built tables
    }
    let rounds = 2000;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for n in notes {
            std::hint::black_box(lockstep::guard::classify(std::hint::black_box(n)));
        }
    }
    let per_note = start.elapsed() / (rounds * notes.len() as u32);
    println!("check_secret: {per_note:?} per short note");
    // A few microseconds in release builds; the bound is loose for debug builds and a busy
    // shared machine.
    assert!(
        per_note < std::time::Duration::from_millis(2),
        "{per_note:?}"
    );
}
