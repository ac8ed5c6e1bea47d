//! Splitting a note into word tokens for the phrase detector: scripts (Latin, Han, kana,
//! hangul), separators (spaces, list marks, glued CamelCase), numbering and folded case.

use super::fold;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Script {
    Latin,
    Han,
    Kana,
    Hangul,
}

pub(super) fn script_of(c: char) -> Option<Script> {
    match c {
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' => {
            Some(Script::Han)
        }
        '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' => Some(Script::Kana),
        '\u{1100}'..='\u{11FF}'
        | '\u{3130}'..='\u{318F}'
        | '\u{A960}'..='\u{A97F}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{D7B0}'..='\u{D7FF}' => Some(Script::Hangul),
        '\u{300}'..='\u{36f}' => Some(Script::Latin),
        c if c.is_alphabetic() || c.is_ascii_digit() => Some(Script::Latin),
        _ => None,
    }
}

/// What came between a token and the one before it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Sep {
    /// Nothing: glued characters (Chinese, kana split by the dictionary).
    pub(super) glued: bool,
    /// A CamelCase boundary.
    pub(super) camel: bool,
    /// A comma, newline, hyphen, ideographic space or other list separator.
    pub(super) list: bool,
    /// A colon.
    pub(super) colon: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Tok {
    pub(super) text: String,
    pub(super) script: Script,
    pub(super) sep: Sep,
    /// A number or an ordinal (`1`, `01`, `1st`, `word1`): numbering, not a word.
    pub(super) num: bool,
}

/// Words that label numbered words (`word 1:`, `w1`).
pub(super) const NUMBER_LABELS: &[&str] = &[
    "word", "words", "w", "wd", "no", "nr", "n", "mot", "palabra", "parola", "palavra", "slovo",
    "wort", "nº", "#",
];

pub(super) fn push_latin(out: &mut Vec<Tok>, raw: &str, sep: Sep) {
    // Fast path: a plain ASCII word without CamelCase.
    let b = raw.as_bytes();
    if b.iter().all(u8::is_ascii_alphabetic)
        && !b
            .windows(2)
            .any(|p| p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase())
    {
        out.push(Tok {
            text: raw.to_ascii_lowercase(),
            script: Script::Latin,
            sep,
            num: false,
        });
        return;
    }
    let letters: String = raw.chars().filter(|c| !c.is_ascii_digit()).collect();
    let has_digit = raw.chars().any(|c| c.is_ascii_digit());
    if letters.is_empty() {
        out.push(Tok {
            text: String::new(),
            script: Script::Latin,
            sep,
            num: true,
        });
        return;
    }
    if has_digit {
        let folded = fold(&letters);
        let lead_digits = raw.starts_with(|c: char| c.is_ascii_digit());
        let ordinal = lead_digits
            && matches!(
                folded.as_str(),
                "st" | "nd" | "rd" | "th" | "er" | "e" | "eme" | "o" | "a" | "º" | "ª" | "ый"
            );
        if ordinal || NUMBER_LABELS.contains(&folded.as_str()) {
            out.push(Tok {
                text: folded,
                script: Script::Latin,
                sep,
                num: true,
            });
            return;
        }
        // `1abandon`, `abandon1`: the digits are numbering glued to the word.
        let digits_only_at_ends = raw
            .trim_matches(|c: char| c.is_ascii_digit())
            .chars()
            .all(|c| !c.is_ascii_digit());
        if !digits_only_at_ends {
            out.push(Tok {
                text: folded,
                script: Script::Latin,
                sep,
                num: false,
            });
            return;
        }
    }
    // CamelCase: split where a lower-case letter is followed by an upper-case one, when every
    // part keeps three or more letters.
    let chars: Vec<char> = letters.chars().collect();
    let mut cuts = vec![0];
    let is_mark = |c: char| ('\u{300}'..='\u{36f}').contains(&c);
    for i in 1..chars.len() {
        // The letter before, skipping combining accents ("Acne\u{301}Ni\u{301}tido").
        let prev = chars[..i].iter().rev().find(|c| !is_mark(**c));
        if chars[i].is_uppercase() && prev.is_some_and(|p| p.is_lowercase()) {
            cuts.push(i);
        }
    }
    cuts.push(chars.len());
    let parts_ok = cuts.len() > 2
        && cuts
            .windows(2)
            .all(|w| chars[w[0]..w[1]].iter().filter(|c| !is_mark(**c)).count() >= 3);
    if parts_ok {
        for (k, w) in cuts.windows(2).enumerate() {
            let part: String = chars[w[0]..w[1]].iter().collect();
            let s = if k == 0 {
                sep
            } else {
                Sep {
                    camel: true,
                    ..Sep::default()
                }
            };
            out.push(Tok {
                text: fold(&part),
                script: Script::Latin,
                sep: s,
                num: false,
            });
        }
    } else {
        out.push(Tok {
            text: fold(&letters),
            script: Script::Latin,
            sep,
            num: false,
        });
    }
}

pub(super) fn tokenize(text: &str) -> Vec<Tok> {
    fn flush(out: &mut Vec<Tok>, cur: &mut String, script: Option<Script>, sep: &mut Sep) {
        if let Some(s) = script
            && !cur.is_empty()
        {
            if s == Script::Latin {
                push_latin(out, cur, *sep);
            } else {
                out.push(Tok {
                    text: fold(cur),
                    script: s,
                    sep: *sep,
                    num: false,
                });
            }
            *sep = Sep::default();
        }
        cur.clear();
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_script: Option<Script> = None;
    let mut sep = Sep::default();
    // Whether a separator came since the last token ended.
    let mut spaced = true;
    for c in text.chars() {
        // A combining accent (the text is in decomposed form) belongs to the letter before it.
        if ('\u{300}'..='\u{36f}').contains(&c) && cur_script == Some(Script::Latin) {
            cur.push(c);
            continue;
        }
        match script_of(c) {
            Some(s) => {
                let continues = cur_script == Some(s) && !cur.is_empty() && s != Script::Han;
                if !continues {
                    let glued = !cur.is_empty() || (!spaced && !out.is_empty());
                    flush(&mut out, &mut cur, cur_script, &mut sep);
                    sep.glued |= glued;
                    spaced = false;
                }
                cur.push(c);
                cur_script = Some(s);
            }
            None => {
                flush(&mut out, &mut cur, cur_script, &mut sep);
                cur_script = None;
                spaced = true;
                sep.list |= matches!(
                    c,
                    ',' | '\n' | '-' | '\u{3000}' | '、' | '，' | ';' | '|' | '/' | '•' | '–' | '—'
                );
                sep.colon |= c == ':' || c == '：';
            }
        }
    }
    flush(&mut out, &mut cur, cur_script, &mut sep);
    // `word 1: x`, `word #1 - x`: a numbering label before a number is numbering too.
    for i in 0..out.len() {
        if !out[i].num
            && NUMBER_LABELS.contains(&out[i].text.as_str())
            && out.get(i + 1).is_some_and(|n| n.num && !n.sep.list)
            && (i == 0 || !out[i - 1].num || out.get(i + 1).is_some_and(|n| n.sep.colon))
        {
            out[i].num = true;
        }
    }
    out
}
