//! Passwords and PINs after their label. A password label is a family (`password`, `passwd`,
//! `passphrase`, `pw`, `pwd`, `pass`, `DB_PASSWORD=`, `adminPassword=`, `contraseña`,
//! `Passwort`, `senha`, ...), followed by `:`/`=`, by `is`/`was` (or `es`, `est`, `ist`, ...), or
//! directly by the value; the less a label can mean anything else, the less the value has to
//! look like a password. A PIN label (`PIN`, `card PIN`, `PIN-Code`, `passcode`, `PUK`) is
//! followed within a few filler words by 4 to 8 digits, also spaced (`48 21`) or dashed.

use super::labels::{PasswordLabel, compound, last_part, password_label};
use super::{SecretKind, Tok, hyphenated_words, path_like};
use crate::address::is_locator;

/// Words after a password label that say it is a remark about the password, not the password.
const PASSWORD_REMARKS: &[&str] = &[
    "changed",
    "change",
    "updated",
    "update",
    "reset",
    "rotated",
    "rotate",
    "stored",
    "saved",
    "kept",
    "managed",
    "manager",
    "vault",
    "set",
    "enabled",
    "disabled",
    "expired",
    "required",
    "unique",
    "strong",
    "weak",
    "length",
    "policy",
    "hint",
    "same",
    "different",
    "generated",
    "new",
    "old",
    "see",
    "in",
    "on",
    "at",
    "via",
    "the",
    "my",
    "to",
    "for",
    "from",
    "with",
    "not",
    "never",
    "none",
    "n/a",
    "na",
    "ok",
    "done",
    "yes",
    "no",
    "entry",
    "bitwarden",
    "1password",
    "keepass",
    "keepassxc",
    "lastpass",
    "dashlane",
    "proton",
    "nordpass",
    "enpass",
    "keeper",
    "icloud",
    "keychain",
    "redacted",
    "hidden",
    "omitted",
    "removed",
    "pending",
    "todo",
    "tbd",
    "unchanged",
    "offline",
    "only",
    "only)",
    "too",
    "also",
];

/// Words that, among the first two after a password label, make it a remark about the password
/// rather than the password (`password: changed on ...`, `password: can be empty`).
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "is", "was", "can", "be", "must", "should", "will", "may", "empty", "blank",
    "as", "if", "and", "or",
];

/// `is` in the wordlists' and a few other languages: `my pw is ...`, `contraseña es ...`.
const IS: &[&str] = &[
    "is", "was", "es", "est", "ist", "é", "je", "är", "era", "war",
];

/// Words between `password` and a `:` that make the label about the password, not it.
const ABOUT: &[&str] = &[
    "manager",
    "managers",
    "hint",
    "policy",
    "strength",
    "requirements",
    "rules",
    "recovery",
    "question",
    "generator",
    "length",
    "reset",
    "change",
    "changed",
    "status",
    "vault",
    "entry",
];

/// The ASCII password labels (and `pass` of `pass phrase`), compared without allocating.
const PASSWORD_NAMES: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "passphrase",
    "passcode",
    "pw",
    "pwd",
    "pswd",
    "psw",
    "passw",
    "pword",
    "mdp",
    "p/w",
    "pass",
    "passe",
    "clave",
    "contrasena",
    "passwort",
    "kennwort",
    "senha",
    "heslo",
    "wachtwoord",
    "haslo",
    "losenord",
    "salasana",
    "sifre",
];

/// Looks like a password rather than a word: digits with letters, symbols, or capitals inside.
fn password_like(w: &str) -> bool {
    let w = w.trim_end_matches(['.', ',', '!', '?', ';']);
    w.chars().count() >= 4
        && ((w.chars().any(|c| c.is_ascii_digit()) && w.chars().any(char::is_alphabetic))
            || w.chars().any(|c| !c.is_alphanumeric())
            || w.chars().skip(1).any(char::is_uppercase))
}

/// A value that reads as a password with no `:` or `is` to say so (`pw hunter2`,
/// `pass Summer2026!`): six or more characters with letters, of several kinds (three kinds
/// after a label that is also a word), and not a name, a path, an address or a version.
fn password_shaped(w: &str, label: PasswordLabel) -> bool {
    let n = w.chars().count();
    let lower = w.chars().any(char::is_lowercase);
    let upper = w.chars().any(char::is_uppercase);
    let digit = w.chars().any(|c| c.is_ascii_digit());
    let symbol = w.chars().any(|c| !c.is_alphanumeric());
    let kinds = [lower, upper, digit, symbol].iter().filter(|&&k| k).count();
    let version = w.trim_start_matches(['v', 'V']).split('.').count() > 1
        && w.trim_start_matches(['v', 'V'])
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    (6..=64).contains(&n)
        && (lower || upper)
        && password_like(w)
        && !version
        && !is_locator(w)
        && !hyphenated_words(w)
        && !path_like(w)
        && match label {
            PasswordLabel::Ambiguous => kinds >= 3,
            _ => kinds >= 2,
        }
}

/// How the value after a password label must look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// After `:` or `=`: anything but a remark about the password.
    Assigned,
    /// After `is`: a password-like word, or three or more words that are no remark.
    Sentence,
    /// After words and a `:` (`password (new):`, `pw for Binance:`): a password-like word, or
    /// two or more words that are no remark (not `passcode tries left: 3`).
    Labelled,
    /// Right after the label: only a value shaped like a password.
    Direct(PasswordLabel),
}

/// A password label at `i`: where it ends (`pass phrase` is two tokens), where its value starts
/// and how the value must look.
fn value_start(toks: &[Tok<'_>], i: usize) -> Option<(usize, usize, Form)> {
    // Most tokens are no label: decided without allocating.
    let t = &toks[i];
    let named = |w: &str| {
        if w.is_ascii() {
            PASSWORD_NAMES.iter().any(|l| l.eq_ignore_ascii_case(w))
        } else {
            password_label(&w.to_lowercase()).is_some()
        }
    };
    if !(named(t.text) || (t.eq && t.text.len() > 3)) {
        return None;
    }
    let mut i = i;
    let mut w = toks[i].text.to_lowercase();
    // `pass phrase:`, `pass word` are the label in two words.
    if w == "pass"
        && let Some(n) = toks.get(i + 1).filter(|n| !n.brk && !n.nl)
        && matches!(n.text.to_lowercase().as_str(), "phrase" | "word")
    {
        i += 1;
        w = "passphrase".to_string();
    }
    let t = &toks[i];
    if t.text.chars().count() > 40 {
        return None;
    }
    let last = last_part(t.text);
    // The word itself, or an identifier ending in it or naming it assigned with `=` (not
    // `cmd_passwd:`).
    let label = password_label(&w).or_else(|| {
        let named =
            password_label(&last).is_some() || compound(&w) == Some(super::labels::Label::Password);
        (t.eq && last != w && named).then_some(PasswordLabel::Word)
    })?;
    if t.assign {
        return Some((i, i + 1, Form::Assigned));
    }
    let next = toks.get(i + 1).filter(|n| !n.brk && !n.nl)?;
    if IS.contains(&next.text.to_lowercase().as_str()) {
        let form = match label {
            PasswordLabel::Ambiguous => Form::Direct(label),
            _ => Form::Sentence,
        };
        return Some((i, i + 2, form));
    }
    // `password (new):`, `passphrase (25th word):`, `pw for Binance:`, `password for the
    // exchange is ...` - but not `password manager:` or `password hint:`.
    let clause = (i + 1..toks.len().min(i + 5)).take_while(|&k| !(toks[k].brk || toks[k].nl));
    let mut ends =
        clause.filter(|&k| toks[k].assign || IS.contains(&toks[k].text.to_lowercase().as_str()));
    if let Some(k) = ends.next() {
        let about = toks[i + 1..=k]
            .iter()
            .any(|n| ABOUT.contains(&n.text.to_lowercase().as_str()));
        let form = match label {
            _ if about => return None,
            PasswordLabel::Ambiguous => Form::Direct(label),
            _ if toks[k].assign => Form::Labelled,
            _ => Form::Sentence,
        };
        return Some((i, k + 1, form));
    }
    Some((i, i + 1, Form::Direct(label)))
}

/// A password after its label (`password:`, `pwd=`, `DB_PASSWORD=`, `my pw is ...`,
/// `pass Summer2026!`, `password (new):`, `contraseña: ...`), unless what follows is a remark.
pub(super) fn passwords(toks: &[Tok<'_>]) -> Option<SecretKind> {
    for i in 0..toks.len() {
        let Some((i, v, form)) = value_start(toks, i) else {
            continue;
        };
        let Some(start) = toks.get(v) else {
            continue;
        };
        if start.brk || start.nl {
            continue;
        }
        let value: Vec<&str> = toks[v..]
            .iter()
            .enumerate()
            .take_while(|(k, n)| *k == 0 || !(n.brk || n.nl))
            .take(8)
            .map(|(_, n)| n.text)
            .collect();
        let first = value[0];
        if first
            .chars()
            .all(|c| matches!(c, '*' | '•' | '.' | 'x' | 'X' | '…'))
            || first.starts_with(['/', '~', '$', '%'])
        {
            // Masked, a path (`PWD: /home/me`) or a variable (`$PASSWORD`).
            continue;
        }
        let lower: Vec<String> = value.iter().map(|v| v.to_lowercase()).collect();
        let label = toks[i].text.to_lowercase();
        if lower[0] == label || lower[0] == last_part(toks[i].text) {
            // `${PWD=`pwd`}`
            continue;
        }
        let remark = |v: &String| {
            PASSWORD_REMARKS.contains(&v.as_str())
                || FUNCTION_WORDS.contains(&v.as_str())
                || is_locator(v)
        };
        let secret = match form {
            Form::Assigned => !lower.iter().take(2).any(remark),
            // `the password is incorrect` is a sentence; `my password is Summer2026!` or
            // `... is correct horse battery staple` is a password.
            Form::Sentence => {
                password_like(first) || (value.len() >= 3 && !lower.iter().any(remark))
            }
            Form::Labelled => {
                !lower.iter().take(2).any(remark) && (password_like(first) || value.len() >= 2)
            }
            // `passphrase correct horse battery staple`: words after the word for it.
            Form::Direct(l) if label == "passphrase" || last_part(toks[i].text) == "passphrase" => {
                !remark(&lower[0])
                    && (password_shaped(first, l)
                        || (value.len() >= 3 && !lower.iter().any(remark)))
            }
            Form::Direct(l) => !remark(&lower[0]) && password_shaped(first, l),
        };
        if secret {
            return Some(SecretKind::Password);
        }
    }
    None
}

/// Labels of PINs and passcodes (lower case).
const PIN_LABELS: &[&str] = &[
    "pin",
    "pins",
    "pincode",
    "pin-code",
    "pin_code",
    "pinnumber",
    "pin-number",
    "pin-nummer",
    "pinnummer",
    "geheimzahl",
    "passcode",
    "puk",
];

/// Words that may stand between a PIN label and its digits (`PIN for the card: 4821`,
/// `PIN changed to 4821`, `code PIN : 4821`, `PIN del cajero`).
const PIN_FILLERS: &[&str] = &[
    "is", "was", "=", "-", "code", "number", "no", "nr", "#", "for", "the", "my", "our", "card",
    "cards", "atm", "visa", "debit", "credit", "new", "old", "current", "to", "now", "set",
    "changed", "reset", "updated", "es", "est", "ist", "de", "du", "la", "le", "el", "del", "é",
    "je", "der", "die", "karte", "tarjeta", "carte", "cartão", "cartao",
];

/// 4 to 8 digits.
fn pin_digits(t: &str) -> bool {
    (4..=8).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

/// Digits of a PIN starting at token `k`: `4821`, `4-8-2-1`, `48.21`, `48 21`, `4 8 2 1`
/// (parts of at most two digits; `2026-11-25` is a date).
fn pin_at(toks: &[Tok<'_>], k: usize) -> bool {
    let t = toks[k].text;
    if pin_digits(t) {
        return true;
    }
    let parts: Vec<&str> = t.split(['-', '.']).collect();
    let short_digits =
        |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    let digits = |ps: &[&str]| ps.iter().map(|p| p.len()).sum::<usize>();
    if parts.len() >= 2
        && parts.iter().all(|p| short_digits(p))
        && (4..=8).contains(&digits(&parts))
    {
        return true;
    }
    let spaced: Vec<&str> = toks[k..]
        .iter()
        .enumerate()
        .take_while(|(j, n)| short_digits(n.text) && (*j == 0 || !(n.brk || n.nl)))
        .map(|(_, n)| n.text)
        .collect();
    spaced.len() >= 2 && (4..=8).contains(&digits(&spaced))
}

/// A PIN after its label (`PIN: 4821`, `card PIN 4821`, `my pin is 0000`, `PIN-Code 4821`,
/// `PIN#4821`, `PUK 12345678`).
pub(super) fn pins(toks: &[Tok<'_>]) -> Option<SecretKind> {
    for i in 0..toks.len() {
        let t = toks[i].text;
        let maybe = t.len() >= 3
            && (t.as_bytes()[..3].eq_ignore_ascii_case(b"pin")
                || t.as_bytes()[..3].eq_ignore_ascii_case(b"puk")
                || t.eq_ignore_ascii_case("passcode")
                || t.eq_ignore_ascii_case("geheimzahl")
                || toks[i].eq);
        if !maybe {
            continue;
        }
        let w = t.to_lowercase();
        // Glued to its label: `PIN4821`, `pin#4821`, `PIN-4821`.
        if let Some(rest) = w.strip_prefix("pin")
            && pin_digits(rest.trim_start_matches(['#', '-', '=', ':']))
        {
            return Some(SecretKind::Pin);
        }
        let named = PIN_LABELS.contains(&w.as_str())
            || (toks[i].eq && PIN_LABELS.contains(&last_part(toks[i].text).as_str()));
        if !named {
            continue;
        }
        let mut k = i + 1;
        while k < toks.len() && k <= i + 6 && !(toks[k].brk || toks[k].nl) {
            if pin_at(toks, k) {
                return Some(SecretKind::Pin);
            }
            if !PIN_FILLERS.contains(&toks[k].text.to_lowercase().as_str()) {
                break;
            }
            k += 1;
        }
    }
    None
}
