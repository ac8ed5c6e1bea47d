//! Single values and grouped values, read with the label written before them: private keys
//! (hex, WIF, `xprv`, Solana, Stellar), TOTP setup keys, labelled API secrets (also the pairs of
//! a query string, `api_key=...&secret_key=...`), passwords and PINs (`passwords`), and lists of
//! 2FA backup codes (`codes`).
//!
//! Labels decide the ambiguous cases: 64 hex digits are a private key unless labelled as a
//! transaction hash, txid, signature, block hash or checksum; a base32 string is a TOTP key
//! unless labelled as an order, ticket or other reference; a random-looking value is an API
//! secret when labelled `key`, `secret` or `token`.

use super::SecretKind;
use super::address::{Bech32Kind, bech32_kind, is_locator, is_uuid, is_wallet_address};
use super::codec::{BASE58_BTC, base58_decode, is_base58, is_hex, stellar_strkey, unusual_pairs};

#[path = "codes.rs"]
mod codes;
#[path = "labels.rs"]
mod labels;
#[path = "passwords.rs"]
mod passwords;
use labels::{Label, label_for};

/// One whitespace- or punctuation-separated value of the text.
#[derive(Debug, Clone)]
struct Tok<'a> {
    text: &'a str,
    /// A comma, semicolon or sentence end comes before this token (labels do not reach across).
    brk: bool,
    /// A newline comes before this token.
    nl: bool,
    /// The token was followed by `:` or `=` (it is a label for what follows).
    assign: bool,
    /// The label was followed by `=` (`DB_PASSWORD=...`).
    eq: bool,
}

/// Separators between values. `&` joins the pairs of a query string (`api_key=...&secret=...`).
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | ';'
                | '&'
                | '"'
                | '\''
                | '`'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '<'
                | '>'
                | '|'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '«'
                | '»'
                | '、'
                | '，'
                | '。'
                | '；'
                | '：'
        )
}

fn tokenize<'a>(text: &'a str) -> Vec<Tok<'a>> {
    let mut toks: Vec<Tok<'_>> = Vec::new();
    let (mut brk, mut nl) = (true, false);
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(|c: char| !is_separator(c)).unwrap_or(rest.len());
        for c in rest[..start].chars() {
            brk |= matches!(c, ',' | ';' | '，' | '。' | '；' | '、');
            nl |= c == '\n';
        }
        rest = &rest[start..];
        if rest.is_empty() {
            break;
        }
        let end = rest.find(is_separator).unwrap_or(rest.len());
        let raw = &rest[..end];
        rest = &rest[end..];
        let mut t = raw.trim_start_matches(['#', '*', '-', '•', '?']);
        let mut next_brk = false;
        let mut assign = false;
        loop {
            if let Some(s) = t.strip_suffix([':', '：']) {
                assign = true;
                t = s;
            } else if let Some(s) = t.strip_suffix(['.', '!', '?', '…']) {
                next_brk = true;
                t = s;
            } else {
                break;
            }
        }
        if t.is_empty() || t == "=" || t == "-" {
            // `<=`, `>=`, `!=`, `==` compare, they do not assign.
            let at = raw.as_ptr() as usize - text.as_ptr() as usize;
            let comparison = text[..at].ends_with(['<', '>', '!', '=']) || raw.starts_with("==");
            if (raw.contains(['=', ':']) || raw == "-")
                && !comparison
                && let Some(prev) = toks.last_mut()
            {
                prev.assign = true;
                prev.eq |= raw.contains('=');
            }
            brk |= next_brk;
            continue;
        }
        let mut push = |text: &'a str, assign: bool, eq: bool, brk: &mut bool, nl: &mut bool| {
            toks.push(Tok {
                text,
                brk: *brk,
                nl: *nl,
                assign,
                eq,
            });
            *brk = false;
            *nl = false;
        };
        // A URL's query is read as pairs too (`https://host/api?secretKey=...`); the URL keeps
        // the rest.
        let (t, query) = match t.find("://").and_then(|u| t[u..].find('?').map(|q| u + q)) {
            Some(q) => (&t[q + 1..], Some(&t[..q])),
            None => (t, None),
        };
        if let Some(url) = query {
            push(url, false, false, &mut brk, &mut nl);
        }
        if t.contains("://") {
            push(t, assign, false, &mut brk, &mut nl);
        } else if let Some((l, r)) = split_label(t) {
            push(l, true, t.as_bytes()[l.len()] == b'=', &mut brk, &mut nl);
            if !r.is_empty() {
                push(r, assign, false, &mut brk, &mut nl);
            }
        } else {
            push(t, assign, false, &mut brk, &mut nl);
        }
        brk |= next_brk;
    }
    toks
}

/// `label=value` or `label:value` inside one token (not colon-separated hex, not IPv6).
fn split_label(t: &str) -> Option<(&str, &str)> {
    let i = t.find(['=', ':'])?;
    let (l, r) = (&t[..i], &t[i + 1..]);
    let label_like = !l.is_empty() && l.chars().all(|c| c.is_alphabetic() || c == '_' || c == '-');
    if !label_like || (t.as_bytes()[i] == b':' && is_hex(l) && l.len() <= 4) {
        return None;
    }
    Some((l, r.trim_start_matches(['=', ':'])))
}

/// The secret kind of `text` found by its values, if any.
pub fn classify(text: &str) -> Option<SecretKind> {
    let toks = tokenize(text);
    if let Some(k) = passwords::pins(&toks).or_else(|| passwords::passwords(&toks)) {
        return Some(k);
    }
    let mut i = 0;
    while i < toks.len() {
        if let Some((n, verdict)) = group_at(&toks, i) {
            if let Verdict::Secret(k) = verdict {
                return Some(k);
            }
            i += n;
            continue;
        }
        // Values shorter than 16 characters are never secrets by themselves.
        if toks[i].text.len() >= 16 {
            let (label, aws) = label_for(&toks, i);
            if let Verdict::Secret(k) = value(toks[i].text, label, aws) {
                return Some(k);
            }
            // A percent-encoded value (`secret=ab%2Bcd...` in a query string).
            if toks[i].text.contains('%')
                && let Some(decoded) = percent_decoded(toks[i].text)
                && let Verdict::Secret(k) = value(&decoded, label, aws)
            {
                return Some(k);
            }
        }
        i += 1;
    }
    codes::codes(&toks)
}

/// `%XX` escapes decoded, when there are any and the result is text.
fn percent_decoded(v: &str) -> Option<String> {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|&c| hex(c)),
                b.get(i + 2).and_then(|&c| hex(c)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    (out.len() < b.len())
        .then(|| String::from_utf8(out).ok())
        .flatten()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Secret(SecretKind),
    Public,
    Nothing,
}

/// Hex and base32 values written in groups (`4c08 83a6 ...`, `JBSW Y3DP EHPK 3PXP`): the
/// number of tokens the group spans and what it is.
fn group_at(toks: &[Tok<'_>], i: usize) -> Option<(usize, Verdict)> {
    let first = toks[i].text;
    let first_body = first
        .strip_prefix("0x")
        .or_else(|| first.strip_prefix("0X"))
        .unwrap_or(first);
    let len = first_body.len();
    if !(2..=16).contains(&len) {
        return None;
    }
    let run = |pred: &dyn Fn(&str) -> bool| -> usize {
        if !pred(first_body) {
            return 0;
        }
        let mut n = 1;
        while let Some(t) = toks.get(i + n) {
            let ok = !t.brk
                && !toks[i + n - 1].assign
                && pred(t.text)
                && (t.text.len() == len
                    || (t.text.len() < len
                        && toks
                            .get(i + n + 1)
                            .is_none_or(|u| u.brk || u.nl || !pred(u.text))));
            if !ok {
                break;
            }
            n += 1;
            if t.text.len() < len {
                break;
            }
        }
        n
    };
    let hex_n = run(&|t: &str| is_hex(t));
    if hex_n >= 3 {
        let joined: String = std::iter::once(first_body)
            .chain(toks[i + 1..i + hex_n].iter().map(|t| t.text))
            .collect();
        // Decimal digits alone are numbers in groups (backup codes), not a key: a hex key without
        // a single letter is a one-in-10^13 draw.
        let letters = joined.bytes().any(|b| b.is_ascii_alphabetic());
        if letters && (joined.len() == 64 || joined.len() == 128) {
            let (label, _) = label_for(toks, i);
            return Some((
                hex_n,
                if label == Label::Tx {
                    Verdict::Public
                } else {
                    Verdict::Secret(SecretKind::PrivateKey)
                },
            ));
        }
    }
    let upper = first_body.chars().any(|c| c.is_ascii_uppercase());
    let b32 = move |t: &str| {
        let t = t.trim_end_matches('=');
        !t.is_empty()
            && t.chars().all(|c| {
                ('2'..='7').contains(&c)
                    || if upper {
                        c.is_ascii_uppercase()
                    } else {
                        c.is_ascii_lowercase()
                    }
            })
    };
    // TOTP keys are shown in groups of four.
    if len != 4 {
        return None;
    }
    let n = run(&b32);
    if n < 4 {
        return None;
    }
    let joined: String = toks[i..i + n]
        .iter()
        .map(|t| t.text.trim_end_matches('='))
        .collect();
    if !(16..=64).contains(&joined.len()) || !joined.chars().any(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let (label, _) = label_for(toks, i);
    let digits = joined.chars().any(|c| c.is_ascii_digit());
    let random = random_base32(toks[i..i + n].iter().map(|t| t.text));
    let verdict = match label {
        // Lower-case words without digits after `key` are a sentence ("key from card show
        // also ..."), unless they look random.
        Label::Totp | Label::Secret | Label::PrivateKey if upper || digits || random => {
            Verdict::Secret(SecretKind::TotpSecret)
        }
        Label::Tx | Label::Reference | Label::Public => Verdict::Public,
        // Lower-case words without digits are a sentence, not a key.
        _ if (upper || digits) && random => Verdict::Secret(SecretKind::TotpSecret),
        _ => Verdict::Nothing,
    };
    Some((n, verdict))
}

/// Whether base32 text (given as groups; letter pairs across groups are not counted) looks
/// random rather than like words in capitals.
fn random_base32<'a>(groups: impl Iterator<Item = &'a str>) -> bool {
    let (mut unusual, mut letters, mut digits, mut vowels) = (0, 0, 0, 0);
    for g in groups {
        unusual += unusual_pairs(g).0;
        for c in g.chars() {
            if c.is_ascii_digit() {
                digits += 1;
            } else if c.is_ascii_alphabetic() {
                letters += 1;
                vowels += usize::from(matches!(
                    c.to_ascii_lowercase(),
                    'a' | 'e' | 'i' | 'o' | 'u'
                ));
            }
        }
    }
    if letters == 0 {
        return false;
    }
    if digits >= 2 {
        unusual >= 1 || digits >= 4
    } else if digits == 1 {
        unusual >= 2
    } else {
        unusual >= 3 || (unusual == 2 && vowels * 10 < letters * 3)
    }
}

/// Words joined by hyphens or underscores (`support-ticket-2026-11-25-account-recovery`): every
/// part is a number or a word-like run of letters.
fn hyphenated_words(v: &str) -> bool {
    v.contains(['-', '_'])
        && v.split(['-', '_']).all(|p| {
            p.is_empty()
                || p.chars().all(|c| c.is_ascii_digit())
                || (p.chars().all(|c| c.is_ascii_alphabetic())
                    && (p.len() <= 4 || unusual_pairs(p).0 <= 1))
        })
}

/// A file path or a list of names joined by slashes (`g10/distsigkey.gpg`,
/// `Linux/glibc/x86_64`): every segment is short and word-like or has a file extension.
fn path_like(v: &str) -> bool {
    let word_like = |s: &str| {
        s.len() <= 24
            && unusual_pairs(s).0 <= 1
            && !(s.chars().skip(1).any(|c| c.is_ascii_uppercase())
                && s.chars().any(|c| c.is_ascii_lowercase()))
    };
    let has_extension = |s: &str| {
        s.rsplit_once('.').is_some_and(|(_, e)| {
            (1..=5).contains(&e.len()) && e.chars().all(|c| c.is_ascii_alphanumeric())
        })
    };
    let segments: Vec<&str> = v.split('/').filter(|s| !s.is_empty()).collect();
    v.contains('/')
        && segments.len() >= 2
        && segments[..segments.len() - 1].iter().all(|s| word_like(s))
        && segments
            .last()
            .is_some_and(|s| word_like(s) || has_extension(s) || segments.len() >= 3)
}

/// A value that could be a key, secret or token: 16+ characters of a token alphabet with
/// letters and digits that does not read as words.
fn token_like(v: &str) -> bool {
    if v.len() < 16
        || path_like(v)
        || !v.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-' | '.' | '~')
        })
    {
        return false;
    }
    if is_hex(v) {
        return v.len() >= 32;
    }
    v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
        && !hyphenated_words(v)
}

/// An unlabelled long random token: 32+ characters mixing upper case, lower case and digits,
/// longer than any address or with characters addresses do not use.
fn random_long(v: &str) -> bool {
    v.len() >= 32
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-'))
        && v.chars().any(|c| c.is_ascii_uppercase())
        && v.chars().any(|c| c.is_ascii_lowercase())
        && v.chars().any(|c| c.is_ascii_digit())
        && !hyphenated_words(v)
        && !path_like(v)
        && (v.len() >= 45 || !is_base58(v))
        && unusual_pairs(v).0 >= 2
}

/// What one value is, given its label.
fn value(v: &str, label: Label, aws: bool) -> Verdict {
    if v.len() < 16 {
        return Verdict::Nothing;
    }
    if is_locator(v) || is_uuid(v) {
        return Verdict::Public;
    }
    if label == Label::Public {
        return Verdict::Public;
    }
    // A run of one or two characters over and over ("xxxxxxxx", "--------") carries no secret.
    let mut seen = [false; 128];
    let distinct = v
        .bytes()
        .filter(|&b| b < 128 && !std::mem::replace(&mut seen[usize::from(b)], true))
        .count();
    if distinct <= 2 && v.is_ascii() {
        return Verdict::Nothing;
    }
    let base58 = is_base58(v);
    if base58 && (100..=120).contains(&v.len()) && v.get(1..4) == Some("prv") {
        return Verdict::Secret(SecretKind::ExtendedPrivateKey);
    }
    if base58
        && ((v.len() == 51 && v.starts_with(['5', '9']))
            || (v.len() == 52 && v.starts_with(['K', 'L', 'c'])))
    {
        // The base58check checksum is not required: nothing public has this shape, and a key
        // with a typo must not get through.
        return Verdict::Secret(SecretKind::WifKey);
    }
    if v.contains('1') && bech32_kind(v) == Some(Bech32Kind::Secret) {
        return Verdict::Secret(SecretKind::PrivateKey);
    }
    if v.len() == 56 && v.starts_with('S') && stellar_strkey(v) == Some('S') {
        return Verdict::Secret(SecretKind::PrivateKey);
    }
    if is_wallet_address(v) {
        return Verdict::Public;
    }
    let tx_or_key = |public: bool| {
        if public {
            Verdict::Public
        } else {
            Verdict::Secret(SecretKind::PrivateKey)
        }
    };
    let hex = v
        .strip_prefix("0x")
        .or_else(|| v.strip_prefix("0X"))
        .unwrap_or(v);
    if is_hex(hex) && (hex.len() == 64 || hex.len() == 128) {
        return tx_or_key(label == Label::Tx);
    }
    for sep in [':', '-'] {
        if hex.contains(sep) {
            let parts: Vec<&str> = hex.split(sep).collect();
            let joined: String = parts.concat();
            if parts.iter().all(|p| is_hex(p) && p.len() <= 16)
                && (joined.len() == 64 || joined.len() == 128)
            {
                return tx_or_key(label == Label::Tx);
            }
        }
    }
    if base58
        && (86..=90).contains(&v.len())
        && base58_decode(v, BASE58_BTC).is_some_and(|b| b.len() == 64)
    {
        return tx_or_key(label == Label::Tx);
    }
    if let Some(v) = base32_value(v, label) {
        return v;
    }
    match label {
        Label::Tx | Label::Reference | Label::Public => return Verdict::Nothing,
        Label::Secret | Label::Totp | Label::PrivateKey if token_like(v) => {
            return Verdict::Secret(match label {
                _ if aws => SecretKind::AwsKey,
                Label::PrivateKey => SecretKind::PrivateKey,
                Label::Totp => SecretKind::TotpSecret,
                _ => SecretKind::ApiSecret,
            });
        }
        _ => {}
    }
    if random_long(v) {
        let block = v.len() >= 60 && (v.contains(['+', '/']) || v.starts_with("MII"));
        return Verdict::Secret(if block {
            SecretKind::PrivateKeyBlock
        } else {
            SecretKind::ApiSecret
        });
    }
    Verdict::Nothing
}

/// A base32 value (a TOTP setup key), also written with dashes between groups, read with its
/// label; `None` when it is not one.
fn base32_value(v: &str, label: Label) -> Option<Verdict> {
    let groups: Vec<&str> = v.split('-').collect();
    let core: String = groups.iter().map(|g| g.trim_end_matches('=')).collect();
    let one_case = core
        .chars()
        .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        || core
            .chars()
            .all(|c| c.is_ascii_lowercase() || ('2'..='7').contains(&c));
    // One value, or three or more dash-separated groups of 3 to 8 characters of one length (the
    // last may be shorter): `JBSW-Y3DP-EHPK-3PXP`, not `systemd-timesyncd`.
    let uniform = groups.len() == 1
        || (groups.len() >= 4
            && groups[0].len() == 4
            && groups[..groups.len() - 1]
                .iter()
                .all(|g| g.len() == groups[0].len())
            && groups[groups.len() - 1].len() <= groups[0].len());
    // Lower-case letters alone are identifiers run together (`cryptocreateecdhcurvename`)
    // unless a label or grouping says otherwise.
    let plain_lower = !core
        .chars()
        .any(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    if one_case
        && uniform
        && (16..=64).contains(&core.len())
        && core.chars().any(|c| c.is_ascii_alphabetic())
    {
        match label {
            Label::Totp | Label::Secret | Label::PrivateKey => {
                return Some(Verdict::Secret(SecretKind::TotpSecret));
            }
            Label::Tx | Label::Reference | Label::Public => return Some(Verdict::Public),
            _ if !plain_lower && random_base32(groups.iter().copied()) => {
                return Some(Verdict::Secret(SecretKind::TotpSecret));
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
#[path = "tokens_tests.rs"]
mod tests;
