//! Input and output guards: refuse secrets in notes, neutralise control and bidi characters in output.

use std::borrow::Cow;

/// The BIP39 English word list (2048 words, sorted).
const BIP39: &str = include_str!("bip39-english.txt");

/// Why a text was refused as a note.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to store this text: it looks like {what}. lockstep keeps notes in a plain file; \
     never write recovery phrases, 2FA secrets, private keys or API tokens into it. \
     Store them offline or in your password manager instead."
)]
pub struct SecretRefused {
    pub what: &'static str,
}

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
        return Err(SecretRefused {
            what: "a 2FA (otpauth://) URI with its secret",
        });
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return Err(SecretRefused {
            what: "a PEM private key",
        });
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
                return Err(SecretRefused {
                    what: "a recovery (seed) phrase of 12 or more BIP39 words",
                });
            }
        } else {
            run = 0;
        }
    }
    for token in
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '"' | '\'' | '(' | ')'))
    {
        let token = token.trim_matches(|c: char| matches!(c, '.' | ':' | '<' | '>'));
        if let Some(what) = api_token(token) {
            return Err(SecretRefused { what });
        }
        if looks_like_totp_secret(token) {
            return Err(SecretRefused {
                what: "a 2FA (TOTP) base32 secret",
            });
        }
    }
    // Base32 secrets are often shown in groups of four: "JBSW Y3DP EHPK 3PXP".
    let grouped: String = text
        .split_whitespace()
        .filter(|g| g.len() == 4 && g.chars().all(is_base32))
        .collect();
    if grouped.len() >= 16 && looks_like_totp_secret(&grouped) {
        return Err(SecretRefused {
            what: "a 2FA (TOTP) base32 secret",
        });
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

fn api_token(t: &str) -> Option<&'static str> {
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
            return Some(what);
        }
    }
    // Long hex or base64-ish strings (exchange API secrets are usually 32+ random characters).
    let long_random = t.len() >= 32
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '='))
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().any(|c| c.is_ascii_alphabetic())
        && !t.contains("//");
    long_random.then_some("an API key or secret (a long random token)")
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
        }
    }
}
