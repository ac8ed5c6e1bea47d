//! Part of a recovery phrase, where no checksum can decide: 11 of 12 words (the last one is then
//! one of 128 guesses), a numbered run of 8 or more, one word left out or replaced by a
//! placeholder, 23 of 24 words. Such a run is a phrase by its structure alone: wordlist words
//! one after another with nothing else between them (prose never has ten in a row), one per
//! number, one per list item, or next to a word like "seed". A list of settings whose items have
//! several words (`phone, address book, login history`), or whose words are mostly the everyday
//! words of account notes (`phone, device, card, security, review`), is not a phrase.

use super::{Segment, Slot};
use crate::wordlists::Language;
use std::collections::HashSet;
use std::sync::OnceLock;

/// The fewest wordlist words a note needs before it is looked at.
pub(super) const MIN_WORDS: usize = 6;

/// Whether a note of `wordish` word-like tokens can hold a phrase or a part of one, decided
/// before any table is built: 10 words in a row, 8 numbered ones, or 6 after words like "seed"
/// and "half" (checked only for short notes, where it is cheap).
pub(super) fn worth_a_look(text: &str, wordish: usize) -> bool {
    if wordish >= 10 {
        return true;
    }
    if wordish < MIN_WORDS {
        return false;
    }
    // Numbers that number something: at the start or the end of a token (`1.`, `word2`, `3rd`),
    // not digits inside an address or a key.
    let b = text.as_bytes();
    let alnum = |k: Option<&u8>| k.is_some_and(u8::is_ascii_alphanumeric);
    let numbers = (0..b.len())
        .filter(|&i| b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()))
        .filter(|&i| {
            let end = (i..b.len())
                .find(|&k| !b[k].is_ascii_digit())
                .unwrap_or(b.len());
            !alnum(i.checked_sub(1).and_then(|k| b.get(k))) || !alnum(b.get(end))
        })
        .count();
    if wordish >= 8 && numbers >= 6 {
        return true;
    }
    let contains = |w: &str| {
        let w = w.as_bytes();
        b.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w))
    };
    super::context_words().iter().any(|w| contains(w))
        || super::CJK_CONTEXT.iter().any(|w| text.contains(w))
}

/// English wordlist words that notes about an account use every day. A third of a run made of
/// them is a list of settings or a sentence, not random words (in a random run of 11, four or
/// more of these turn up about once in 600 runs).
const EVERYDAY: &[&str] = &[
    "access", "account", "address", "agent", "alarm", "alert", "audit", "balance", "book", "call",
    "card", "cash", "chat", "check", "code", "coin", "confirm", "connect", "control", "credit",
    "delay", "deposit", "device", "document", "domain", "enable", "exchange", "expire", "fee",
    "file", "filter", "history", "key", "limit", "link", "list", "lock", "mail", "manage",
    "market", "message", "method", "mobile", "monitor", "network", "note", "notice", "number",
    "online", "open", "option", "order", "paper", "pass", "payment", "permit", "phone", "photo",
    "price", "private", "proof", "protect", "public", "record", "report", "review", "rule", "safe",
    "save", "scan", "screen", "search", "secret", "security", "select", "service", "session",
    "setup", "share", "sign", "social", "spend", "staff", "step", "stock", "switch", "system",
    "tag", "task", "test", "text", "ticket", "token", "trade", "transfer", "trust", "update",
    "upgrade", "verify", "video", "web", "window",
];

fn everyday() -> &'static HashSet<u16> {
    static SET: OnceLock<HashSet<u16>> = OnceLock::new();
    SET.get_or_init(|| {
        Language::English
            .words()
            .enumerate()
            .filter(|(_, w)| EVERYDAY.contains(w))
            .map(|(i, _)| i as u16)
            .collect()
    })
}

/// The words of one run of slots, as counted.
struct Run {
    words: usize,
    exact: usize,
    numbered: usize,
    everyday: usize,
    /// Most separators are list marks (commas, newlines).
    listy: bool,
    /// Every separator is a list mark: one word per item.
    one_word_items: bool,
}

fn run_of(slots: &[&Slot], english: bool) -> Run {
    let words = slots.len();
    let seps = || slots.iter().skip(1);
    Run {
        words,
        exact: slots.iter().filter(|s| s.exact).count(),
        numbered: slots.iter().filter(|s| s.numbered).count(),
        everyday: if english {
            slots
                .iter()
                .filter(|s| s.exact && everyday().contains(&s.idx))
                .count()
        } else {
            0
        },
        listy: seps().filter(|s| s.sep.list).count() * 2 >= words,
        one_word_items: seps().all(|s| s.sep.list),
    }
}

/// What the note says around the run: a word like "seed" (`context`), a word like "half"
/// (`split`), and how many words it has.
#[derive(Debug, Clone, Copy)]
pub(super) struct Around {
    pub(super) context: bool,
    pub(super) split: bool,
    pub(super) total_words: usize,
}

/// Whether a run is part of a phrase; `extra` more words are asked of a run joined over a gap.
fn is_part(r: &Run, around: Around, extra: usize) -> bool {
    let Around {
        context,
        split,
        total_words,
    } = around;
    if r.everyday * 3 >= r.exact {
        return false;
    }
    // Numbered one word per number: `1. abandon 2. ability ...`.
    if r.numbered >= 8 && r.numbered * 10 >= r.words * 9 {
        return true;
    }
    // A list whose items have several words is a list of things, not of words.
    if r.listy && !r.one_word_items {
        return false;
    }
    let whole_note = r.words * 10 >= total_words * 8;
    let needed = if context && split {
        // `first half of my seed: ...`
        6
    } else if context {
        9
    } else if !r.listy || whole_note {
        10
    } else {
        11
    };
    r.exact >= needed + extra
}

/// The windows of a segment where a part of a phrase may stand: its runs of exact words, and two
/// of them across one word that is not exact (a misspelt or abbreviated word, a stray word).
fn windows(s: &Segment) -> Vec<Vec<&Slot>> {
    let mut pieces: Vec<Vec<&Slot>> = vec![Vec::new()];
    let mut between: Vec<&Slot> = Vec::new();
    for slot in &s.slots {
        if slot.exact {
            pieces.last_mut().expect("a piece").push(slot);
        } else {
            between.push(slot);
            pieces.push(Vec::new());
        }
    }
    let mut out: Vec<Vec<&Slot>> = pieces.iter().filter(|p| !p.is_empty()).cloned().collect();
    for (k, pair) in pieces.windows(2).enumerate() {
        if !pair[0].is_empty() && !pair[1].is_empty() {
            let mut joined = pair[0].clone();
            joined.push(between[k]);
            joined.extend(pair[1].iter().copied());
            out.push(joined);
        }
    }
    out
}

/// Part of a phrase in the segments of one wordlist (glued segments, Chinese characters or kana
/// with nothing between them, need a checksum: every sentence in those scripts is made of them).
pub(super) fn part_of_a_phrase(segs: &[Segment], around: Around, lang: Language) -> bool {
    let english = lang == Language::English;
    // Too few exact words for any part (6 with "seed" and "half", else 8): nothing to build.
    if segs.iter().all(|s| s.exact() < 6) {
        return false;
    }
    let open: Vec<&Segment> = segs.iter().filter(|s| !s.glued()).collect();
    let part = |slots: &[&Slot], extra| is_part(&run_of(slots, english), around, extra);
    if open.iter().any(|s| windows(s).iter().any(|w| part(w, 0))) {
        return true;
    }
    // One word left out as a placeholder (`xxx`, `missing`, `[?]`) between two runs.
    open.windows(2).any(|pair| {
        let joinable = (1..=2).contains(&pair[1].gap_before);
        let (a, b) = (windows(pair[0]), windows(pair[1]));
        let tail = pair[0].slots.iter().rev().take_while(|s| s.exact).count();
        let head = pair[1].slots.iter().take_while(|s| s.exact).count();
        let (Some(a), Some(b)) = (a.iter().find(|w| w.len() == tail), b.first()) else {
            return false;
        };
        let joined: Vec<&Slot> = a.iter().chain(b.iter()).copied().collect();
        joinable && tail >= 3 && head >= 3 && b.len() == head && part(&joined, 1)
    })
}

/// A run that is a list of things, not of words: items of several words, or mostly the everyday
/// words of account notes (the checksum could not decide, so structure must).
pub(super) fn ordinary_list(s: &Segment, lang: Language) -> bool {
    let slots: Vec<&Slot> = s.slots.iter().collect();
    let r = run_of(&slots, lang == Language::English);
    (r.listy && !r.one_word_items && r.numbered * 2 < r.words) || r.everyday * 3 >= r.exact
}
