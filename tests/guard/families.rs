//! Families of secrets generated in many members, each with its harmless neighbours: parts of
//! recovery phrases (every wordlist), passwords after every kind of label, PINs, credentials
//! joined in a query string, and lists of 2FA backup codes. The rules under test are general;
//! these members only sample each family.

use super::Case;
use super::shapes::{ALNUM, B64, HEX, Rng};
use bip39::{Language, Mnemonic};

const DIGITS: &str = "0123456789";

fn secret(kind: &str, source: String, text: String) -> Case {
    Case {
        secret: true,
        kind: kind.to_string(),
        source,
        text,
    }
}

fn harmless(kind: &str, source: String, text: String) -> Case {
    Case {
        secret: false,
        kind: kind.to_string(),
        source,
        text,
    }
}

/// Random backup codes of one shape, `n` of them.
fn codes(rng: &mut Rng, n: usize, make: fn(&mut Rng) -> String) -> Vec<String> {
    (0..n).map(|_| make(rng)).collect()
}

fn digits8(rng: &mut Rng) -> String {
    // A first digit of 1-9: a code never reads as a round or padded number.
    format!("{}{}", rng.pick("123456789", 1), rng.pick(DIGITS, 7))
}

fn github_code(rng: &mut Rng) -> String {
    format!("{}-{}", rng.pick(HEX, 5), rng.pick(HEX, 5))
}

fn google_code(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(DIGITS, 4), rng.pick(DIGITS, 4))
}

fn upper_code(rng: &mut Rng) -> String {
    let a = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    format!("{}-{}", rng.pick(a, 4), rng.pick(a, 4))
}

fn lower_code(rng: &mut Rng) -> String {
    rng.pick("abcdefghijkmnpqrstuvwxyz23456789", 10)
}

/// Values of the `{placeholders}` this module adds to `tests/guard/corpus.tsv`.
pub fn fill(name: &str, rng: &mut Rng) -> Option<String> {
    Some(match name {
        "d4" => rng.pick(DIGITS, 4),
        "d6" => rng.pick(DIGITS, 6),
        "d8" => digits8(rng),
        "codes8_lines" => codes(rng, 10, digits8).join("\n"),
        "codes8_commas" => codes(rng, 8, digits8).join(", "),
        "codes_github" => codes(rng, 16, github_code).join(" "),
        "codes_google" => codes(rng, 10, google_code).join("\n"),
        "codes_upper" => codes(rng, 8, upper_code).join("\n"),
        "codes_lower" => codes(rng, 10, lower_code).join(" "),
        "b64_40_pct" => rng.pick(B64, 40).replace('+', "%2B").replace('/', "%2F"),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Parts of recovery phrases.

fn words_of(lang: Language, n: usize, seed: usize) -> Vec<String> {
    let entropy: Vec<u8> = (0..n / 3 * 4)
        .map(|i| (i as u8).wrapping_mul(151).wrapping_add(seed as u8))
        .collect();
    let m = Mnemonic::from_entropy_in(lang, &entropy).unwrap();
    m.words().map(str::to_string).collect()
}

fn numbered(w: &[String], from: usize) -> String {
    w.iter()
        .enumerate()
        .map(|(i, x)| format!("{}. {x}", i + from))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Ways of writing part of a phrase (`w`: all its words) that the guard must refuse.
fn partial_styles(w: &[String], sep: &str, seed: usize) -> Vec<(&'static str, String)> {
    let n = w.len();
    let mid = n / 2;
    let mut left_out = w.to_vec();
    left_out.remove(mid);
    let placeholder = ["???", "___", "xxx", "[missing]", "(?)", "..."][seed % 6];
    let mut replaced = w.to_vec();
    replaced[mid] = placeholder.to_string();
    let mut numbered_gap: Vec<String> = w[..12.min(n)].to_vec();
    numbered_gap[5] = ["???", "missing", "?"][seed % 3].to_string();
    vec![
        ("all-but-the-last", w[..n - 1].join(sep)),
        ("all-but-the-first", w[1..].join(sep)),
        ("all-but-the-last-commas", w[..n - 1].join(", ")),
        (
            "all-but-the-last-in-a-sentence",
            format!(
                "seed words (the last one is lost): {}",
                w[..n - 1].join(sep)
            ),
        ),
        ("ten-numbered", numbered(&w[..10], 1)),
        ("eight-numbered-from-the-middle", numbered(&w[2..10], 3)),
        (
            "ten-numbered-lines",
            w[..10]
                .iter()
                .enumerate()
                .map(|(i, x)| format!("{:02} - {x}", i + 1))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("one-left-out-in-the-middle", left_out.join(sep)),
        ("one-replaced-by-a-placeholder", replaced.join(sep)),
        ("numbered-with-a-gap", numbered(&numbered_gap, 1)),
    ]
}

/// Parts of phrases in every wordlist, 12 and 24 words (and the other lengths in English).
pub fn partial_phrases() -> Vec<Case> {
    let mut out = Vec::new();
    for (li, &lang) in Language::ALL.iter().enumerate() {
        let lengths: &[usize] = if lang == Language::English {
            &[12, 15, 18, 21, 24]
        } else {
            &[12, 24]
        };
        let sep = if lang == Language::Japanese {
            "\u{3000}"
        } else {
            " "
        };
        for &n in lengths {
            let seed = li * 7 + n;
            let w = words_of(lang, n, seed);
            for (style, text) in partial_styles(&w, sep, seed) {
                let source = format!("part of a phrase {lang:?} {n} {style}");
                out.push(secret("recovery-phrase", source, text));
            }
        }
    }
    out.extend(setting_lists());
    out
}

/// Settings, several words each or common words, that notes list.
const SETTINGS: &[&str] = &[
    "phone",
    "email",
    "device",
    "address book",
    "login history",
    "2FA",
    "passkeys",
    "withdrawal whitelist",
    "anti-phishing code",
    "API keys",
    "sub-accounts",
    "security history",
    "trusted devices",
    "card limits",
    "price alerts",
    "recovery email",
    "backup codes",
    "session list",
    "deposit limit",
    "payment method",
    "account access",
    "security review",
    "market alert",
    "device list",
    "card",
    "account",
    "security",
    "history",
    "balance",
    "limit",
    "lock",
    "network",
    "token",
    "order",
    "transfer",
];

/// Lists and numbered to-dos of settings (the harmless neighbours of parts of phrases).
fn setting_lists() -> Vec<Case> {
    let mut rng = Rng(4242);
    let mut out = Vec::new();
    let heads = [
        "checked:",
        "reviewed",
        "Monthly review done:",
        "turned on:",
        "",
        "todo",
    ];
    for k in 0..40 {
        let n = 6 + (rng.next() % 9) as usize;
        let mut items: Vec<&str> = Vec::new();
        while items.len() < n {
            let s = SETTINGS[(rng.next() % SETTINGS.len() as u64) as usize];
            if !items.contains(&s) {
                items.push(s);
            }
        }
        let text = if k % 4 == 3 {
            let todo: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. check the {s}", i + 1))
                .collect();
            todo.join("\n")
        } else {
            format!("{} {}", heads[k % heads.len()], items.join(", "))
        };
        out.push(harmless(
            "settings-list",
            format!("settings list {k}"),
            text,
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Passwords and PINs after their labels.

const PASSWORD_LABELS: &[&str] = &[
    "password",
    "Password",
    "PASSWORD",
    "passwd",
    "passphrase",
    "pw",
    "PW",
    "pwd",
    "Pwd",
    "pswd",
    "pass",
    "Pass",
    "contraseña",
    "Passwort",
    "senha",
    "heslo",
    "wachtwoord",
    "hasło",
    "mot de passe",
    "mdp",
    "пароль",
];

const PASSWORD_FORMS: &[&str] = &[
    "{l}: {v}",
    "{l}={v}",
    "{l} = {v}",
    "{l} - {v}",
    "my {l} is {v}",
    "the {l} was {v}",
    "{l} {v}",
    "new {l}: {v}",
    "exchange {l} {v}",
    "login me@example.org {l} {v}",
    "{l} for Binance: {v}",
];

/// Remarks about a password that hold none.
const PASSWORD_REMARKS: &[&str] = &[
    "{l} rotated in Bitwarden",
    "{l} changed yesterday",
    "{l}: changed on 2026-11-25",
    "{l} stored in 1Password",
    "my {l} is in the password manager",
    "the {l} is the same as before",
    "new {l} set, not written here",
    "{l} reset link expired",
    "{l}: ********",
];

fn password_value(rng: &mut Rng, k: usize) -> String {
    match k % 3 {
        0 => format!("{}!{}", rng.pick(ALNUM, 8), rng.pick(DIGITS, 3)),
        1 => format!(
            "{}{}#{}",
            rng.pick("ABCDEFGHJKLMNPQRSTUVWXYZ", 1),
            rng.pick("abcdefghijkmnopqrstuvwxyz", 6),
            rng.pick(DIGITS, 4)
        ),
        _ => format!(
            "{}-{}{}",
            rng.pick(ALNUM, 5),
            rng.pick(ALNUM, 5),
            rng.pick(DIGITS, 2)
        ),
    }
}

/// Every password label in every form, and remarks after each label.
pub fn labelled_passwords() -> Vec<Case> {
    let mut rng = Rng(777);
    let mut out = Vec::new();
    for (li, l) in PASSWORD_LABELS.iter().enumerate() {
        for (fi, form) in PASSWORD_FORMS.iter().enumerate() {
            let v = password_value(&mut rng, li + fi);
            let text = form.replace("{l}", l).replace("{v}", &v);
            out.push(secret("password", format!("password {l:?} {form:?}"), text));
        }
        for remark in PASSWORD_REMARKS {
            let text = remark.replace("{l}", l);
            out.push(harmless("password-remark", format!("remark {l:?}"), text));
        }
    }
    for (text, kind) in [
        ("my pw is correct horse battery staple", "password"),
        ("Passwort ist Sommer2026!", "password"),
        ("contraseña es Verano#2026", "password"),
        ("senha é Inverno2026!", "password"),
        ("dbPassword=hunter2", "password"),
        ("EXCHANGE_PASS=Tr0ub4dor&3", "password"),
    ] {
        out.push(secret(kind, format!("password {text:?}"), text.to_string()));
    }
    out
}

const PIN_LABELS: &[&str] = &[
    "PIN",
    "pin",
    "card PIN",
    "ATM PIN",
    "Visa PIN",
    "SIM PIN",
    "PIN code",
    "PIN-Code",
    "PIN number",
    "passcode",
    "iPhone passcode",
    "PUK",
    "code PIN",
    "Geheimzahl",
];

const PIN_FORMS: &[&str] = &[
    "{l}: {d}",
    "{l} {d}",
    "{l} is {d}",
    "my {l} is {d}",
    "{l} = {d}",
    "{l} for the card: {d}",
    "{l} changed to {d}",
    "new {l}: {d}",
];

const PIN_REMARKS: &[&str] = &[
    "changed the {l}, no digits written here",
    "{l}: changed",
    "{l} reset on 2026-11-25",
    "{l} has 4 digits",
    "{l} tries left: 3",
    "{l} changed in 2025",
    "{l}: not written here",
    "{l} set, 6 digits, memorised",
];

fn pin_digits(rng: &mut Rng, k: usize) -> String {
    match k % 5 {
        0 => rng.pick(DIGITS, 4),
        1 => rng.pick(DIGITS, 6),
        2 => format!("{} {}", rng.pick(DIGITS, 2), rng.pick(DIGITS, 2)),
        3 => rng
            .pick(DIGITS, 4)
            .chars()
            .map(String::from)
            .collect::<Vec<_>>()
            .join("-"),
        _ => rng.pick(DIGITS, 8),
    }
}

/// Every PIN label in every form, and remarks after each label.
pub fn labelled_pins() -> Vec<Case> {
    let mut rng = Rng(31337);
    let mut out = Vec::new();
    for (li, l) in PIN_LABELS.iter().enumerate() {
        for (fi, form) in PIN_FORMS.iter().enumerate() {
            let d = pin_digits(&mut rng, li + fi);
            let text = form.replace("{l}", l).replace("{d}", &d);
            out.push(secret("pin", format!("pin {l:?} {form:?}"), text));
        }
        for remark in PIN_REMARKS {
            let text = remark.replace("{l}", l);
            out.push(harmless("pin-remark", format!("remark {l:?}"), text));
        }
    }
    out
}
