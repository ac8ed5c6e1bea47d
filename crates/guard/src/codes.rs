//! Lists of 2FA backup (recovery) codes: several codes of one shape in a row (`83746152`,
//! `a1b2c-3d4e5`, `K7QX-M2PD`, Google's `1234 5678`), with numbering between them allowed; one
//! code is enough after a label like "backup code".

use super::SecretKind;
use super::Tok;
use super::labels::{Label, label_for};
use crate::codec::unusual_pairs;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Digits,
    /// Lower-case letters and digits.
    Lower,
    /// Upper-case letters and digits.
    Upper,
}

/// The shape of one code: its characters and the lengths of its dash-separated groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    class: Class,
    groups: usize,
    group_len: usize,
}

/// A code: 6 to 16 letters and digits of one case, in one to three groups of one length.
fn shape(t: &str) -> Option<Shape> {
    if !(6..=18).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let parts: Vec<&str> = t.split('-').collect();
    let len = parts[0].len();
    if parts.len() > 3
        || !(3..=16).contains(&len)
        || !(6..=16).contains(&(len * parts.len()))
        || parts.iter().any(|p| p.len() != len)
        || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return None;
    }
    // Letters alone are a code only in an order words do not have (not `limits`, `read-only`).
    if !t.bytes().any(|b| b.is_ascii_digit()) && unusual_pairs(t).0 < 2 {
        return None;
    }
    let class = if t.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        Class::Digits
    } else if !t.bytes().any(|b| b.is_ascii_uppercase()) {
        Class::Lower
    } else if !t.bytes().any(|b| b.is_ascii_lowercase()) {
        Class::Upper
    } else {
        return None;
    };
    Some(Shape {
        class,
        groups: parts.len(),
        group_len: len,
    })
}

/// Codes of one list: the same groups, and letters of one case (a code may have none).
fn same_shape(a: Shape, b: Shape) -> bool {
    a.groups == b.groups
        && a.group_len == b.group_len
        && (a.class == b.class || a.class == Class::Digits || b.class == Class::Digits)
}

/// Numbering between codes (`1.`, `2)`, `#3`): a number of one or two digits.
fn numbering(t: &str) -> bool {
    (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

/// Words that say the codes are backup codes (any one of them with a word for "code").
const BACKUP_WORDS: &[&str] = &[
    "backup",
    "backups",
    "recovery",
    "emergency",
    "scratch",
    "rescue",
    "one-time",
    "single-use",
    "secours",
    "respaldo",
    "recuperación",
    "recuperacion",
    "recuperação",
    "recuperacao",
    "wiederherstellung",
];

/// Words that say the codes are 2FA codes, which may also be one-time codes that expire
/// (`2FA code 123456 did not work`): two or more long codes after them.
const TWO_FA_WORDS: &[&str] = &["2fa", "mfa", "otp", "totp", "authenticator"];

const CODE_WORDS: &[&str] = &[
    "code", "codes", "códigos", "codigos", "código", "codigo", "codici", "kódy", "kody",
];

/// Labels run together: `backup-codes`, `Backup-Codes`, `recoverycodes`, `Wiederherstellungscodes`.
fn backup_compound(w: &str) -> bool {
    ["codes", "code", "-codes", "_codes"]
        .iter()
        .filter_map(|s| w.strip_suffix(s))
        .any(|p| BACKUP_WORDS.contains(&p.trim_end_matches(['-', '_'])))
}

/// What the few tokens before `i` (also on the lines above) call what follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodeLabel {
    None,
    /// `2FA codes`, `MFA code`.
    TwoFa,
    /// `backup codes`, `recovery code`, `codes de secours`.
    Backup,
}

fn code_label(toks: &[Tok<'_>], i: usize) -> CodeLabel {
    let before: Vec<String> = toks[i.saturating_sub(8)..i]
        .iter()
        .map(|t| t.text.to_lowercase())
        .collect();
    let code = before.iter().any(|w| CODE_WORDS.contains(&w.as_str()));
    let has = |words: &[&str]| before.iter().any(|w| words.contains(&w.as_str()));
    if before.iter().any(|w| backup_compound(w)) || (code && has(BACKUP_WORDS)) {
        CodeLabel::Backup
    } else if code && has(TWO_FA_WORDS) {
        CodeLabel::TwoFa
    } else {
        CodeLabel::None
    }
}

/// Words before a list of numbers that make them references, not codes.
const REFERENCE_WORDS: &[&str] = &[
    "orders",
    "tickets",
    "numbers",
    "ids",
    "invoices",
    "cases",
    "refs",
    "references",
    "iban",
    "phone",
    "tel",
    "serials",
    "transactions",
    "txids",
    "withdrawals",
    "deposits",
    "requests",
    "accounts",
    "account",
    "card",
    "cards",
];

/// Round numbers (`100000 200000`): amounts, not codes.
fn round(codes: &[&str]) -> bool {
    codes.iter().filter(|c| c.ends_with("00")).count() * 2 >= codes.len()
}

/// Numbers that rise by small steps (order numbers, years) are not random codes.
fn sequential(codes: &[&str]) -> bool {
    let n: Vec<u64> = codes
        .iter()
        .filter_map(|c| c.replace('-', "").parse().ok())
        .collect();
    n.len() == codes.len() && n.windows(2).all(|w| w[1] > w[0] && w[1] - w[0] <= 1000)
}

/// The run of same-shape codes starting at token `i` (numbering between them skipped).
fn run_at<'a>(toks: &[Tok<'a>], i: usize, s: Shape) -> Vec<&'a str> {
    let mut out = vec![toks[i].text];
    let mut k = i + 1;
    while let Some(t) = toks.get(k) {
        if shape(t.text).is_some_and(|o| same_shape(o, s)) {
            out.push(t.text);
        } else if !numbering(t.text) {
            break;
        }
        k += 1;
    }
    out
}

/// A list of backup codes in `toks`.
pub(super) fn codes(toks: &[Tok<'_>]) -> Option<SecretKind> {
    let mut i = 0;
    while i < toks.len() {
        let Some(s) = shape(toks[i].text) else {
            i += 1;
            continue;
        };
        let run = run_at(toks, i, s);
        let label = code_label(toks, i);
        let numbers: Vec<&str> = run
            .iter()
            .copied()
            .filter(|c| c.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
            .collect();
        let codelike = numbers.is_empty() || !round(&numbers);
        let mut distinct = run.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let reference = matches!(
            label_for(toks, i).0,
            Label::Reference | Label::Tx | Label::Public
        ) || toks[i.saturating_sub(4)..i]
            .iter()
            .any(|t| REFERENCE_WORDS.contains(&t.text.to_lowercase().as_str()));
        let enough = match label {
            CodeLabel::Backup => true,
            CodeLabel::TwoFa => run.len() >= 2 && s.groups * s.group_len >= 8,
            CodeLabel::None => {
                run.len() >= 4 && !reference && !(s.class == Class::Digits && sequential(&run))
            }
        };
        if codelike && enough && distinct.len() == run.len() {
            return Some(SecretKind::BackupCodes);
        }
        i += run.len().max(1);
    }
    google_style(toks)
}

/// Codes written as two groups of four digits (`1234 5678`): six or more such groups in a row,
/// not after an IBAN's country code or a reference word.
fn google_style(toks: &[Tok<'_>]) -> Option<SecretKind> {
    let group = |t: &str| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit());
    let mut i = 0;
    while i < toks.len() {
        if !group(toks[i].text) {
            i += 1;
            continue;
        }
        let groups: Vec<&str> = toks[i..]
            .iter()
            .take_while(|t| group(t.text) || numbering(t.text))
            .filter(|t| group(t.text))
            .map(|t| t.text)
            .collect();
        let n = groups.len();
        let ordinary = sequential(&groups) || round(&groups);
        let iban = i > 0 && {
            let p = toks[i - 1].text.as_bytes();
            p.len() == 4
                && p[..2].iter().all(u8::is_ascii_uppercase)
                && p[2..].iter().all(u8::is_ascii_digit)
        };
        let reference = matches!(label_for(toks, i).0, Label::Reference | Label::Tx)
            || toks[i.saturating_sub(4)..i]
                .iter()
                .any(|t| REFERENCE_WORDS.contains(&t.text.to_lowercase().as_str()));
        let labelled = code_label(toks, i) != CodeLabel::None;
        if n >= 6 && !iban && (labelled || !(reference || ordinary)) {
            return Some(SecretKind::BackupCodes);
        }
        i += n.max(1);
    }
    None
}
