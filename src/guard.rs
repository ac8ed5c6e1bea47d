//! Input and output guards: refuse secrets in notes, neutralise control and bidi characters in output.

use std::borrow::Cow;

/// The BIP39 English word list (2048 words, sorted).
const BIP39: &str = include_str!("bip39-english.txt");

/// Why a text was refused as a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRefused {
    pub what: &'static str,
    /// An extra sentence for this kind of secret (empty when there is none).
    pub hint: &'static str,
}

impl SecretRefused {
    fn new(what: &'static str) -> SecretRefused {
        SecretRefused { what, hint: "" }
    }
}

impl std::fmt::Display for SecretRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "refusing to store this text: it looks like {}. lockstep keeps notes in a plain file; \
             never write recovery phrases, 2FA secrets, private keys or API tokens into it. \
             Store them offline or in your password manager instead.",
            self.what
        )?;
        if !self.hint.is_empty() {
            write!(f, " {}", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for SecretRefused {}

fn is_bip39_word(w: &str) -> bool {
    static WORDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    WORDS
        .get_or_init(|| BIP39.lines().collect())
        .binary_search(&w)
        .is_ok()
}

/// Returns an error when `text` looks like a secret that must never be written to disk.
pub fn check_secret(text: &str) -> Result<(), SecretRefused> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("otpauth://") || lower.contains("otpauth-migration://") {
        return Err(SecretRefused::new("a 2FA (otpauth://) URI with its secret"));
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return Err(SecretRefused::new("a PEM private key"));
    }
    // A run of 12 or more BIP39 words (recovery phrase).
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut run = 0;
    for w in &words {
        if is_bip39_word(w) {
            run += 1;
            if run >= 12 {
                return Err(SecretRefused::new(
                    "a recovery (seed) phrase of 12 or more BIP39 words",
                ));
            }
        } else {
            run = 0;
        }
    }
    for token in
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '"' | '\'' | '(' | ')'))
    {
        let token = token.trim_matches(|c: char| matches!(c, '.' | ':' | '<' | '>'));
        // Wallet addresses are public and belong in incident notes ("withdrawn to 0x5290...").
        // A TOTP secret that happens to fit the base58 pattern is still refused below.
        if is_wallet_address(token) && !looks_like_totp_secret(token) {
            continue;
        }
        if let Some(refused) = api_token(token) {
            return Err(refused);
        }
        if looks_like_totp_secret(token) {
            return Err(SecretRefused::new("a 2FA (TOTP) base32 secret"));
        }
    }
    // Base32 secrets are often shown in groups of four: "JBSW Y3DP EHPK 3PXP".
    let grouped: String = text
        .split_whitespace()
        .filter(|g| g.len() == 4 && g.chars().all(is_base32))
        .collect();
    if grouped.len() >= 16 && looks_like_totp_secret(&grouped) {
        return Err(SecretRefused::new("a 2FA (TOTP) base32 secret"));
    }
    Ok(())
}

fn is_base32(c: char) -> bool {
    c.is_ascii_uppercase() || ('2'..='7').contains(&c)
}

/// 16+ characters of the base32 alphabet (upper case), mixing letters and digits, optional '=' padding.
fn looks_like_totp_secret(t: &str) -> bool {
    let core = t.trim_end_matches('=');
    core.len() >= 16
        && core.chars().all(is_base32)
        && core.chars().any(|c| c.is_ascii_digit())
        && core.chars().filter(|c| c.is_ascii_uppercase()).count() >= 8
}

/// A public cryptocurrency address: EVM (`0x` + 40 hex digits), bech32 (lower case, `bc1`, `tb1`
/// or `ltc1`) or base58 (26-35 characters starting with `1`, `3` or `T`).
pub fn is_wallet_address(t: &str) -> bool {
    if let Some(hex) = t.strip_prefix("0x") {
        return hex.len() == 40 && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    const BECH32: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    if let Some(data) = ["bc1", "tb1", "ltc1"]
        .iter()
        .find_map(|p| t.strip_prefix(p))
    {
        return (14..=90).contains(&t.len())
            && data.len() >= 6
            && data.chars().all(|c| BECH32.contains(c));
    }
    const BASE58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    (26..=35).contains(&t.len())
        && t.starts_with(['1', '3', 'T'])
        && t.chars().all(|c| BASE58.contains(c))
}

fn api_token(t: &str) -> Option<SecretRefused> {
    const PREFIXES: &[(&str, usize, &str)] = &[
        ("ghp_", 30, "a GitHub token"),
        ("gho_", 30, "a GitHub token"),
        ("ghs_", 30, "a GitHub token"),
        ("github_pat_", 30, "a GitHub token"),
        ("glpat-", 20, "a GitLab token"),
        ("xoxb-", 20, "a Slack token"),
        ("xoxp-", 20, "a Slack token"),
        ("sk_live_", 20, "a Stripe secret key"),
        ("rk_live_", 20, "a Stripe key"),
        ("sk-ant-", 30, "an API secret key"),
        ("sk-proj-", 30, "an API secret key"),
        ("sk-", 40, "an API secret key"),
        ("AKIA", 20, "an AWS access key"),
        ("ASIA", 20, "an AWS access key"),
        ("AIza", 39, "a Google API key"),
        ("npm_", 36, "an npm token"),
        ("pypi-", 50, "a PyPI token"),
    ];
    for (p, min, what) in PREFIXES {
        if t.starts_with(p)
            && t.len() >= *min
            && t[p.len()..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Some(SecretRefused::new(what));
        }
    }
    // `0x` + 64 hex digits: an EVM private key has exactly this form (so does a transaction hash).
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X"))
        && hex.len() == 64
        && hex.chars().all(|c| c.is_ascii_hexdigit())
    {
        return Some(SecretRefused {
            what: "a private key (0x followed by 64 hex digits)",
            hint: "If it is a transaction hash, note it shortened instead, e.g. its first and \
                   last 6 characters (0x1a2b3c...d4e5f6).",
        });
    }
    // Long hex or base64-ish strings (exchange API secrets are usually 32+ random characters).
    let long_random = t.len() >= 32
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '='))
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().any(|c| c.is_ascii_alphabetic())
        && !t.contains("//");
    long_random.then(|| SecretRefused::new("an API key or secret (a long random token)"))
}

/// True for characters that must not reach a terminal or a file verbatim: C0/C1 controls (except
/// tab and newline when `keep_newlines`) and Unicode bidi overrides, isolates and marks.
pub fn is_dangerous(c: char, keep_newlines: bool) -> bool {
    if keep_newlines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control()
        || matches!(c,
            '\u{200E}' | '\u{200F}' | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}')
}

/// Replaces dangerous characters with visible `\u{..}` escapes for printing outside ratatui
/// (stdout, stderr, exports). Newlines and tabs are kept when `keep_newlines`.
pub fn clean(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_dangerous(c, keep_newlines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c, keep_newlines) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Single-line form of [`clean`].
pub fn line(text: &str) -> Cow<'_, str> {
    clean(text, false)
}

/// Makes serialised JSON text safe to print: every control character other than newline and tab
/// (serde_json leaves DEL and the C1 controls U+0080-U+009F raw) and every bidi override, isolate
/// or mark is written as a `\uXXXX` escape. Such characters only occur inside JSON strings, and
/// JSON newlines and tabs outside strings are structural, so the result is valid JSON with the
/// same value.
pub fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_dangerous(c, true) {
            // All of these are in the Basic Multilingual Plane: one escape each.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_list_is_complete_and_sorted() {
        let v: Vec<&str> = BIP39.lines().collect();
        assert_eq!(v.len(), 2048);
        assert!(v.windows(2).all(|w| w[0] < w[1]));
        assert!(is_bip39_word("abandon") && is_bip39_word("zoo") && !is_bip39_word("lockstep"));
    }

    #[test]
    fn refuses_secrets() {
        let phrase =
            "abandon ability able about above absent absorb abstract absurd abuse access accident";
        assert!(check_secret(phrase).unwrap_err().what.contains("recovery"));
        assert!(check_secret(&format!("my seed: {}", phrase.replace(' ', ", "))).is_err());
        assert!(check_secret("otpauth://totp/Crypto.com:me?secret=JBSWY3DPEHPK3PXP").is_err());
        assert!(check_secret("secret JBSWY3DPEHPK3PXP").is_err());
        assert!(check_secret("JBSW Y3DP EHPK 3PXP").is_err());
        assert!(
            check_secret("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----")
                .is_err()
        );
        assert!(check_secret("token ghp_abcdefghijklmnopqrstuvwxyz0123456789").is_err());
        assert!(check_secret("AKIAIOSFODNN7EXAMPLE").is_err());
        assert!(
            check_secret(
                "api secret 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
            )
            .is_err()
        );
    }

    #[test]
    fn accepts_ordinary_notes() {
        for ok in [
            "Support ticket #4821-AB opened via in-app chat",
            "Using Aegis on the old phone, backup QR in the safe",
            "moved the bulk to a Ledger; left about 200 USDC for trading",
            "https://example.com/some/long/path/that/is/not/a/secret",
            "abandon ship, the whole plan was about to go wrong", // a few BIP39 words only
            "CONTACTED SUPPORT TWICE",
        ] {
            assert!(check_secret(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn accepts_wallet_addresses() {
        for ok in [
            "attacker withdrew to 0x52908400098527886E0F7030069857D2E4169EE7",
            "sent to 0xde709f2102306220921060314715629080e2fb77.",
            "withdrawal to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq (about 0.3 BTC)",
            "taproot bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
            "testnet tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
            "ltc1qg82tcdmj2jgv0fv3ncuquwsgt0ssqgfuzd24q7",
            "legacy 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 and 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "USDT went to TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9",
        ] {
            assert!(check_secret(ok).is_ok(), "{ok}: {:?}", check_secret(ok));
        }
        assert!(is_wallet_address(
            "0x52908400098527886E0F7030069857D2E4169EE7"
        ));
        assert!(!is_wallet_address(
            "0x52908400098527886E0F7030069857D2E4169EE"
        ));
        assert!(!is_wallet_address(
            "0x52908400098527886E0F7030069857D2E4169EEZ"
        ));
        assert!(!is_wallet_address(
            "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ"
        ));
        assert!(
            !is_wallet_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0"),
            "0 is not base58"
        );
        assert!(!is_wallet_address("4BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"));
    }

    #[test]
    fn still_refuses_long_tokens_and_private_keys() {
        // 0x + 64 hex digits may be a private key: refused, with a hint for transaction hashes.
        let pk = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
        let e = check_secret(&format!("key {pk}")).unwrap_err();
        assert!(e.what.contains("private key"), "{e}");
        let msg = e.to_string();
        assert!(msg.contains("transaction hash"), "{msg}");
        assert!(msg.contains("first and last 6 characters"), "{msg}");
        assert!(check_secret(&pk.to_uppercase().replacen('X', "x", 1)).is_err());
        // Long random tokens that are not addresses.
        for bad in [
            "secret 0x52908400098527886E0F7030069857D2E4169EE7aa",
            "api secret Zk8m2Qp9Lx4Rt7Vb1Nc6Hy3Jd5Wf0Gs8",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdqBBBB11", // not lower-case bech32
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2lIO0extra",      // too long for base58
        ] {
            assert!(check_secret(bad).is_err(), "{bad}");
        }
        // A TOTP secret that happens to fit the base58 pattern is still refused.
        let totp = "T4ZQ7C5XHMNB2KRGW3YPJ6DSABCDEFGH";
        assert!(is_wallet_address(totp), "fits the base58 pattern");
        assert!(check_secret(&format!("2fa {totp}")).is_err());
    }

    #[test]
    fn json_safe_escapes_bidi_and_c1_and_keeps_the_value() {
        let note = "a\u{202E}b\u{2066}c\u{200F}d\u{061C}e\u{85}f\u{9b}g\u{7f}h\n\"q\"";
        let v = serde_json::json!({"note": note, "list": [note]});
        let text = json_safe(&serde_json::to_string_pretty(&v).unwrap());
        assert!(!text.chars().any(|c| is_dangerous(c, true)), "{text}");
        assert!(
            text.contains("a\\u202eb\\u2066c\\u200fd\\u061ce\\u0085f\\u009bg\\u007fh"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
        assert_eq!(json_safe("{\n  \"a\": 1\n}"), "{\n  \"a\": 1\n}");
    }

    #[test]
    fn neutralises_controls_and_bidi() {
        assert_eq!(line("ok"), "ok");
        assert_eq!(line("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(line("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(line("a\nb"), "a\\u{a}b");
        assert_eq!(clean("a\nb\x07", true), "a\nb\\u{7}");
    }

    proptest::proptest! {
        #[test]
        fn guards_never_panic(s in ".*") {
            let _ = check_secret(&s);
            let c = clean(&s, false);
            proptest::prop_assert!(!c.chars().any(|ch| is_dangerous(ch, false)));
            let j = json_safe(&serde_json::to_string(&s).unwrap());
            proptest::prop_assert!(!j.chars().any(|ch| is_dangerous(ch, true)));
            let back: String = serde_json::from_str(&j).unwrap();
            proptest::prop_assert_eq!(back, s);
        }
    }
}
