//! BIP39 recovery phrases in every official wordlist (from the `bip39` crate), however they are
//! written: separated by spaces, ideographic spaces, newlines, commas, hyphens or nothing
//! (CamelCase, Chinese characters, Japanese kana), numbered (`1.`, `1)`, `01 -`, `1st`,
//! `word1`), in any case, quoted, inside a sentence, split in two halves, abbreviated to the
//! unique first four letters, or with one word misspelt.
//!
//! A run of wordlist words is a phrase when a window of 12, 15, 18, 21 or 24 of its words has a
//! valid BIP39 checksum (a contiguous window, one with a short gap of other words, or two halves
//! of five or more words each), or, when the checksum fails, when 12+ exact words stand in a list
//! (numbered or comma/newline separated), next to a word like "seed" or "phrase", or make up
//! nearly the whole note. Ordinary sentences rarely hold even five wordlist words in a row.
//! Parts of a phrase, where no checksum can decide, are judged by their structure
//! (`phrase_partial.rs`).

use super::wordlists::Language;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

const N_LANG: usize = 10;
const LENGTHS: [usize; 5] = [12, 15, 18, 21, 24];

/// Index + 1 of a word in each language's list (0: not in that list).
type Entry = [u16; N_LANG];

struct Lexicon {
    /// Folded words (borrowed from the lists when folding changes nothing).
    words: HashMap<Cow<'static, str>, Entry>,
    /// Unique four-letter prefixes of longer words (Latin-script lists).
    prefixes: HashMap<String, Entry>,
    /// The longest word of each list, in characters.
    max_chars: [usize; N_LANG],
}

fn languages() -> &'static [Language] {
    &Language::ALL
}

/// Lower case, without Latin accents (the lists are NFKD; accents are combining marks).
fn fold_static(s: &'static str) -> Cow<'static, str> {
    if s.chars()
        .all(|c| !c.is_uppercase() && !('\u{300}'..='\u{36f}').contains(&c))
    {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(fold(s))
    }
}

/// Lower case, without Latin accents (the lists are NFKD; accents are combining marks).
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn latin_list(l: Language) -> bool {
    matches!(
        l,
        Language::English
            | Language::Czech
            | Language::French
            | Language::Italian
            | Language::Portuguese
            | Language::Spanish
    )
}

fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let mut words: HashMap<Cow<'static, str>, Entry> = HashMap::with_capacity(20_000);
        let mut prefix_count: HashMap<String, Entry> = HashMap::new();
        let mut max_chars = [0; N_LANG];
        for (li, &lang) in languages().iter().enumerate() {
            for (wi, w) in lang.words().enumerate() {
                let f = fold_static(w);
                let n = f.chars().count();
                max_chars[li] = max_chars[li].max(n);
                if latin_list(lang) && n > 4 {
                    let p: String = f.chars().take(4).collect();
                    let e = prefix_count.entry(p).or_insert([0; N_LANG]);
                    // 0: none yet, u16::MAX: more than one word.
                    e[li] = if e[li] == 0 { wi as u16 + 1 } else { u16::MAX };
                }
                words.entry(f).or_insert([0; N_LANG])[li] = wi as u16 + 1;
            }
        }
        let prefixes = prefix_count
            .into_iter()
            .map(|(p, mut e)| {
                for v in &mut e {
                    if *v == u16::MAX {
                        *v = 0;
                    }
                }
                (p, e)
            })
            .collect();
        Lexicon {
            words,
            prefixes,
            max_chars,
        }
    })
}

#[path = "phrase_partial.rs"]
mod partial;
#[path = "phrase_tokens.rs"]
mod tokens;
use tokens::{Script, Sep, Tok, script_of, tokenize};

fn context_words() -> &'static [&'static str] {
    &[
        "seed",
        "phrase",
        "mnemonic",
        "recovery",
        "words",
        "backup",
        "wallet",
        "semilla",
        "frase",
        "palabras",
        "mnemonica",
        "recuperacion",
        "graine",
        "mots",
        "mnemonique",
        "recuperation",
        "seme",
        "parole",
        "recupero",
        "semente",
        "palavras",
        "recuperacao",
        "slova",
        "fraze",
        "obnova",
        "heslo",
    ]
}

/// Words saying that a text is in pieces, in the wordlists' languages (folded, no accents).
const SPLIT_WORDS: &[&str] = &[
    "part", "parts", "half", "halves", "rest", "parte", "mitad", "partie", "moitie", "meta",
    "metade", "cast", "polovina", "pieces",
];

const CJK_CONTEXT: &[&str] = &[
    "助记词",
    "助記詞",
    "种子",
    "種子",
    "恢复",
    "恢復",
    "シード",
    "ニーモニック",
    "復元",
    "リカバリー",
    "복구",
    "니모닉",
    "시드",
];

/// One word of a candidate phrase: its index, or the candidates of a misspelt word.
#[derive(Debug, Clone)]
struct Slot {
    idx: u16,
    alts: Vec<u16>,
    exact: bool,
    sep: Sep,
    /// Right after a number (`1. abandon`, `word2 ability`).
    numbered: bool,
}

#[derive(Debug, Default)]
struct Segment {
    slots: Vec<Slot>,
    nums: usize,
    /// Other tokens between the previous segment and this one (`usize::MAX` for the first).
    gap_before: usize,
}

impl Segment {
    fn glued(&self) -> bool {
        self.slots.iter().skip(1).filter(|s| s.sep.glued).count() * 2 >= self.slots.len()
    }
    fn listy(&self) -> bool {
        self.slots.iter().skip(1).filter(|s| s.sep.list).count() * 2 >= self.slots.len()
    }
    fn exact(&self) -> usize {
        self.slots.iter().filter(|s| s.exact).count()
    }
}

/// The secret kind of `text` when it holds a recovery phrase.
pub fn classify(text: &str) -> Option<super::SecretKind> {
    // Cheap pre-check before any table is built: enough word-like tokens for a phrase?
    let mut wordish = 0;
    let mut run = 0;
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_alphabetic() {
            if prev_lower && c.is_uppercase() {
                // A CamelCase boundary.
                wordish += usize::from(run >= 3);
                run = 0;
            }
            prev_lower = c.is_lowercase();
            run += 1;
            if script_of(c).is_some_and(|s| s != Script::Latin) {
                wordish += 1;
            }
        } else {
            prev_lower = false;
            if run >= 3 {
                wordish += 1;
            }
            run = 0;
        }
    }
    if run >= 3 {
        wordish += 1;
    }
    if !partial::worth_a_look(text, wordish) {
        return None;
    }
    let mut cow = Cow::Borrowed(text);
    if !text.is_ascii() {
        use unicode_normalization::UnicodeNormalization;
        cow = Cow::Owned(cow.nfkd().collect());
    }
    let toks = tokenize(&cow);
    let lex = lexicon();
    let total_words = toks.iter().filter(|t| !t.num).count();
    let context = toks
        .iter()
        .any(|t| context_words().contains(&t.text.as_str()))
        || CJK_CONTEXT.iter().any(|w| text.contains(w));
    // Words that announce a text split in pieces ("first part: ... the other half ...").
    let split = toks.iter().any(|t| SPLIT_WORDS.contains(&t.text.as_str()));
    // Each token looked up once: (exact word, unique four-letter prefix) in every list.
    let none = [0u16; N_LANG];
    let looked: Vec<(Entry, Entry)> = toks
        .iter()
        .map(|t| {
            if t.num {
                return (none, none);
            }
            let exact = lex.words.get(t.text.as_str()).copied().unwrap_or(none);
            let prefix = if t.script == Script::Latin && t.text.chars().count() == 4 {
                lex.prefixes.get(t.text.as_str()).copied().unwrap_or(none)
            } else {
                none
            };
            (exact, prefix)
        })
        .collect();
    for (li, &lang) in languages().iter().enumerate() {
        // Too few words of this list (counting kana/hangul runs, which may split into
        // several): no phrase, skip the work.
        let candidates: usize = looked
            .iter()
            .zip(&toks)
            .map(|((e, p), t)| match t.script {
                Script::Kana | Script::Hangul => t.text.chars().count().div_ceil(2),
                _ => usize::from(e[li] > 0 || p[li] > 0),
            })
            .sum();
        if candidates < partial::MIN_WORDS {
            continue;
        }
        let segments = segments_in(&toks, &looked, li, lang, lex);
        if let Some(segs) = segments
            && (is_phrase(&segs, context, split, total_words, lang)
                || partial::part_of_a_phrase(
                    &segs,
                    partial::Around {
                        context,
                        split,
                        total_words,
                    },
                    lang,
                ))
        {
            return Some(super::SecretKind::RecoveryPhrase);
        }
    }
    None
}

/// Splits a run of kana or hangul with no spaces into words of list `li`, preferring long words.
fn split_run(run: &str, li: usize, lex: &Lexicon) -> Option<Vec<u16>> {
    let chars: Vec<char> = run.chars().collect();
    let n = chars.len();
    if n > 400 {
        return None;
    }
    let max = lex.max_chars[li];
    // best[i]: (words, previous position, index) of the segmentation of chars[..i] with the
    // fewest words.
    let mut best: Vec<Option<(usize, usize, u16)>> = vec![None; n + 1];
    best[0] = Some((0, 0, 0));
    let mut buf = String::new();
    for i in 0..n {
        let Some((w, _, _)) = best[i] else { continue };
        for len in 1..=max.min(n - i) {
            buf.clear();
            buf.extend(&chars[i..i + len]);
            if let Some(e) = lex.words.get(buf.as_str())
                && e[li] > 0
                && best[i + len].is_none_or(|(bw, _, _)| w + 1 < bw)
            {
                best[i + len] = Some((w + 1, i, e[li] - 1));
            }
        }
    }
    best[n]?;
    let mut out = Vec::new();
    let mut i = n;
    while i > 0 {
        let (_, prev, idx) = best[i]?;
        out.push(idx);
        i = prev;
    }
    out.reverse();
    Some(out)
}

fn within_one(a: &[char], b: &[char]) -> bool {
    match a.len() as isize - b.len() as isize {
        0 => {
            let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diffs.len() {
                0 | 1 => true,
                2 => {
                    let (i, j) = (diffs[0], diffs[1]);
                    j == i + 1 && a[i] == b[j] && a[j] == b[i]
                }
                _ => false,
            }
        }
        1 | -1 => {
            let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
            let i = (0..short.len())
                .find(|&i| long[i] != short[i])
                .unwrap_or(short.len());
            long[i + 1..] == short[i..]
        }
        _ => false,
    }
}

fn fuzzy(word: &str, li: usize) -> Vec<u16> {
    let w: Vec<char> = word.chars().collect();
    if w.len() < 3 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut cand: Vec<char> = Vec::with_capacity(16);
    for (i, word) in languages()[li].words().enumerate() {
        cand.clear();
        cand.extend(
            word.chars()
                .filter(|c| !('\u{300}'..='\u{36f}').contains(c)),
        );
        if cand.len().abs_diff(w.len()) <= 1 && within_one(&cand, &w) {
            out.push(i as u16);
            if out.len() == 8 {
                break;
            }
        }
    }
    out
}

/// The runs of list-`li` words in `toks` (`None` when there are too few words for a phrase).
fn segments_in(
    toks: &[Tok],
    looked: &[(Entry, Entry)],
    li: usize,
    lang: Language,
    lex: &Lexicon,
) -> Option<Vec<Segment>> {
    let mut items: Vec<Item> = Vec::with_capacity(toks.len());
    let mut words = 0;
    for (ti, t) in toks.iter().enumerate() {
        if t.num {
            items.push(Item::Num);
            continue;
        }
        let (e, p) = &looked[ti];
        if e[li] > 0 {
            items.push(Item::Word(Slot {
                idx: e[li] - 1,
                alts: Vec::new(),
                exact: true,
                sep: t.sep,
                numbered: false,
            }));
            words += 1;
            continue;
        }
        if latin_list(lang) && p[li] > 0 {
            items.push(Item::Word(Slot {
                idx: p[li] - 1,
                alts: Vec::new(),
                exact: false,
                sep: t.sep,
                numbered: false,
            }));
            words += 1;
            continue;
        }
        let splittable = (lang == Language::Japanese && t.script == Script::Kana)
            || (lang == Language::Korean && t.script == Script::Hangul);
        if splittable
            && t.text.chars().count() >= 4
            && let Some(idxs) = split_run(&t.text, li, lex)
        {
            for (k, idx) in idxs.into_iter().enumerate() {
                let sep = if k == 0 {
                    t.sep
                } else {
                    Sep {
                        glued: true,
                        ..Sep::default()
                    }
                };
                items.push(Item::Word(Slot {
                    idx,
                    alts: Vec::new(),
                    exact: true,
                    sep,
                    numbered: false,
                }));
                words += 1;
            }
            continue;
        }
        items.push(Item::Other(ti));
    }
    if words < partial::MIN_WORDS {
        return None;
    }
    misspelt(&mut items, toks, li);
    Some(segments_of(items))
}

/// One token of a note, as seen by one wordlist.
enum Item {
    Word(Slot),
    Num,
    /// Another token (its index).
    Other(usize),
}

/// One misspelt word: an unknown token next to a word may be a list word with one letter wrong,
/// added, missing or swapped.
fn misspelt(items: &mut [Item], toks: &[Tok], li: usize) {
    let mut tries = 0;
    for k in 0..items.len() {
        let Item::Other(ti) = items[k] else { continue };
        // Only next to five or more words in a row: one side of a phrase with one word wrong.
        let near = |range: &mut dyn Iterator<Item = usize>| {
            range
                .map(|j| &items[j])
                .filter(|it| !matches!(it, Item::Num))
                .take_while(|it| matches!(it, Item::Word(_)))
                .count()
                >= 5
        };
        if !(near(&mut (0..k).rev()) || near(&mut (k + 1..items.len()))) || tries >= 8 {
            continue;
        }
        tries += 1;
        let alts = fuzzy(&toks[ti].text, li);
        if !alts.is_empty() {
            items[k] = Item::Word(Slot {
                idx: alts[0],
                alts,
                exact: false,
                sep: toks[ti].sep,
                numbered: false,
            });
        }
    }
}

/// The runs of words, split at other tokens (numbers stay inside a run).
fn segments_of(items: Vec<Item>) -> Vec<Segment> {
    let mut segs = Vec::new();
    let mut cur = Segment::default();
    let (mut after_num, mut gap) = (false, usize::MAX);
    for it in items {
        match it {
            Item::Word(mut s) => {
                if cur.slots.is_empty() {
                    cur.gap_before = gap;
                }
                s.numbered = after_num;
                cur.slots.push(s);
                after_num = false;
            }
            Item::Num => {
                if !cur.slots.is_empty() {
                    cur.nums += 1;
                }
                after_num = true;
            }
            Item::Other(_) => {
                if cur.slots.is_empty() {
                    gap = gap.saturating_add(1);
                } else {
                    segs.push(std::mem::take(&mut cur));
                    gap = 1;
                }
                after_num = false;
            }
        }
    }
    if !cur.slots.is_empty() {
        segs.push(cur);
    }
    segs
}

/// Whether the word indices form a phrase with a valid checksum.
fn checksum_ok(idx: &[u16]) -> bool {
    let n = idx.len();
    if !LENGTHS.contains(&n) {
        return false;
    }
    let mut bits = [false; 24 * 11];
    for (i, &w) in idx.iter().enumerate() {
        for j in 0..11 {
            bits[i * 11 + j] = (w >> (10 - j)) & 1 == 1;
        }
    }
    let ent_bytes = n / 3 * 4;
    let mut ent = [0u8; 32];
    for (i, byte) in ent.iter_mut().enumerate().take(ent_bytes) {
        for j in 0..8 {
            if bits[i * 8 + j] {
                *byte |= 1 << (7 - j);
            }
        }
    }
    let hash = Sha256::digest(&ent[..ent_bytes]);
    (0..ent_bytes / 4).all(|i| bits[ent_bytes * 8 + i] == ((hash[i / 8] >> (7 - i % 8)) & 1 == 1))
}

/// Tries a window of slots (at most one misspelt word, each of its candidates).
fn window_ok<'a>(slots: impl Iterator<Item = &'a Slot>, budget: &mut usize) -> bool {
    let slots: Vec<&Slot> = slots.collect();
    let fuzzy: Vec<usize> = (0..slots.len())
        .filter(|&i| !slots[i].alts.is_empty())
        .collect();
    if fuzzy.len() > 1 {
        return false;
    }
    let mut idx: Vec<u16> = slots.iter().map(|s| s.idx).collect();
    let cands: Vec<u16> = match fuzzy.first() {
        Some(&f) => slots[f].alts.clone(),
        None => vec![idx[0]],
    };
    for c in cands {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if let Some(&f) = fuzzy.first() {
            idx[f] = c;
        }
        if checksum_ok(&idx) {
            return true;
        }
    }
    false
}

fn is_phrase(
    segs: &[Segment],
    context: bool,
    split: bool,
    total_words: usize,
    lang: Language,
) -> bool {
    // Bounded work on adversarial input: this many checksum computations at most.
    let mut budget = 20_000usize;
    for s in segs {
        let n = s.slots.len();
        if n < 12 {
            continue;
        }
        if s.glued() {
            if window_ok(s.slots.iter(), &mut budget) {
                return true;
            }
            if !context {
                continue;
            }
        }
        // Structure that says "these words are a list": a word about seeds or recovery nearby,
        // numbering, list separators. Without it, a checksum match must cover (nearly) the whole
        // run of wordlist words: a 12-word checksum has only 4 bits, so trying many windows of
        // ordinary prose would sooner or later "find" a phrase.
        let strong = context || s.glued() || s.listy() || s.nums * 2 >= n;
        for &len in LENGTHS.iter().filter(|&&l| l <= n) {
            if !strong && len + 2 < n {
                continue;
            }
            for start in 0..=n - len {
                if window_ok(s.slots[start..start + len].iter(), &mut budget) {
                    return true;
                }
            }
        }
        if s.glued() {
            continue;
        }
        // A few other words inside the phrase ("... first half ... second half ...").
        if strong && n <= 40 {
            for &len in LENGTHS.iter().filter(|&&l| l < n) {
                for gap in 1..=4.min(n - len) {
                    for start in 0..=n - len - gap {
                        for at in 1..len {
                            let w = s.slots[start..start + at]
                                .iter()
                                .chain(&s.slots[start + at + gap..start + len + gap]);
                            if window_ok(w, &mut budget) {
                                return true;
                            }
                        }
                    }
                }
            }
        }
        if s.exact() >= 12
            && (context || s.nums * 2 >= n || s.listy() || n * 10 >= total_words * 8)
            && !partial::ordinary_list(s, lang)
        {
            return true;
        }
    }
    two_halves(segs, context, split, &mut budget)
}

/// Two halves with other text between them.
fn two_halves(segs: &[Segment], context: bool, split: bool, budget: &mut usize) -> bool {
    let dense: Vec<&Segment> = segs
        .iter()
        .filter(|s| s.slots.len() >= 5 && !s.glued())
        .collect();
    for pair in dense.windows(2) {
        let strong = |s: &Segment| s.listy() || s.nums * 2 >= s.slots.len();
        if !(context || split || strong(pair[0]) && strong(pair[1])) {
            // No structure: only two whole runs of exact wordlist words that together make a
            // phrase length, checked once (not every way of cutting them).
            // A word next to the gap may belong to the text between the halves.
            let (a, b) = (&pair[0].slots, &pair[1].slots);
            for (ka, kb) in [(0, 0), (1, 0), (0, 1)] {
                let (a, b) = (&a[..a.len() - ka], &b[kb..]);
                let exact = a.iter().chain(b.iter()).all(|s| s.exact);
                if exact
                    && LENGTHS.contains(&(a.len() + b.len()))
                    && window_ok(a.iter().chain(b.iter()), budget)
                {
                    return true;
                }
            }
            continue;
        }
        // A few other words may sit at the end of the first half or the start of the second.
        for skip_a in 0..=2.min(pair[0].slots.len() - 5) {
            for skip_b in 0..=2.min(pair[1].slots.len() - 5) {
                let a = &pair[0].slots[..pair[0].slots.len() - skip_a];
                let b = &pair[1].slots[skip_b..];
                for &len in &LENGTHS {
                    for take_a in 5..=a.len().min(len - 5) {
                        let take_b = len - take_a;
                        if take_b > b.len() {
                            continue;
                        }
                        let w = a[a.len() - take_a..].iter().chain(&b[..take_b]);
                        if window_ok(w, budget) {
                            return true;
                        }
                    }
                }
            }
        }
        if context
            && pair[0].exact() + pair[1].exact() >= 12
            && pair[0].exact() >= 6
            && pair[1].exact() >= 6
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
#[path = "phrase_tests.rs"]
mod tests;
