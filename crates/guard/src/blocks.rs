//! Whole-text secret shapes: key blocks (with or without their header lines), keystore JSON,
//! `otpauth://` URIs (also percent-encoded), token prefixes of known services, JWTs, secret
//! byte arrays, and URLs that carry credentials.

use super::SecretKind;
use std::borrow::Cow;

/// The secret kind of a whole-text shape found in `text`, if any.
pub fn classify(text: &str) -> Option<SecretKind> {
    let decoded = percent_decoded(text);
    let lower = decoded.to_ascii_lowercase();
    if has_otpauth_uri(&lower) {
        return Some(SecretKind::OtpauthUri);
    }
    if has_key_block_marker(&lower) {
        return Some(SecretKind::PrivateKeyBlock);
    }
    if lower.contains("ciphertext") && (lower.contains("kdf") || lower.contains("cipherparams")) {
        return Some(SecretKind::Keystore);
    }
    if let Some(k) = prefixed_token(&decoded) {
        return Some(k);
    }
    if let Some(k) = secret_url(&lower) {
        return Some(k);
    }
    if headerless_key_body(&decoded) {
        return Some(SecretKind::PrivateKeyBlock);
    }
    if byte_array_key(text) {
        return Some(SecretKind::PrivateKey);
    }
    None
}

/// `text` with `%XX` escapes decoded (up to three rounds, for double-encoded links); borrowed
/// when there is nothing to decode.
fn percent_decoded(text: &str) -> Cow<'_, str> {
    let mut cur: Cow<'_, str> = Cow::Borrowed(text);
    for _ in 0..3 {
        if !cur.contains('%') {
            break;
        }
        let b = cur.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        let mut changed = false;
        while i < b.len() {
            if b[i] == b'%'
                && i + 2 < b.len()
                && b[i + 1].is_ascii_hexdigit()
                && b[i + 2].is_ascii_hexdigit()
            {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                i += 3;
                changed = true;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        if !changed {
            break;
        }
        cur = Cow::Owned(String::from_utf8_lossy(&out).into_owned());
    }
    cur
}

/// `otpauth://` or `otpauth-migration://` followed by a type or host (a bare mention of the
/// scheme in a sentence is fine).
fn has_otpauth_uri(lower: &str) -> bool {
    ["otpauth://", "otpauth-migration://"].iter().any(|scheme| {
        lower.match_indices(scheme).any(|(i, _)| {
            lower[i + scheme.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count()
                >= 3
        })
    })
}

/// A `BEGIN ... PRIVATE KEY` or `END ... PRIVATE KEY` armour line, any case, with or without
/// the dashes (`-----BEGIN OPENSSH PRIVATE KEY-----`, `begin pgp private key block`).
fn has_key_block_marker(lower: &str) -> bool {
    for marker in ["begin", "end"] {
        for (i, _) in lower.match_indices(marker) {
            if i > 0 && lower.as_bytes()[i - 1].is_ascii_alphanumeric() {
                continue;
            }
            let rest = lower[i + marker.len()..].trim_start_matches([' ', '-']);
            let mut words = rest.split([' ', '-']).filter(|w| !w.is_empty());
            let first = words.next().unwrap_or("");
            let (a, b) = if first == "private" {
                (first, words.next().unwrap_or(""))
            } else if matches!(
                first,
                "rsa" | "ec" | "dsa" | "openssh" | "pgp" | "encrypted" | "ed25519" | "ssh2"
            ) {
                (words.next().unwrap_or(""), words.next().unwrap_or(""))
            } else {
                continue;
            };
            if a == "private" && (b.starts_with("key") || b.starts_with("key-----")) {
                return true;
            }
        }
    }
    false
}

/// Webhook URLs and URLs with credentials: `https://user:pass@host`, `?token=...`.
fn secret_url(lower: &str) -> Option<SecretKind> {
    if lower.contains("hooks.slack.com/services/t") {
        return Some(SecretKind::SlackToken);
    }
    for needle in [
        "discord.com/api/webhooks/",
        "discordapp.com/api/webhooks/",
        "api.telegram.org/bot",
    ] {
        if lower.contains(needle) {
            return Some(SecretKind::ApiToken);
        }
    }
    for (i, _) in lower.match_indices("://") {
        let rest = &lower[i + 3..];
        let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
        let url = &rest[..end];
        let authority = url.split(['/', '?', '#']).next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, pass)) = userinfo.split_once(':')
            && !pass.is_empty()
        {
            return Some(SecretKind::Password);
        }
        if let Some((_, query)) = url.split_once('?') {
            for pair in query.split(['&', ';', '#']) {
                let Some((k, v)) = pair.split_once('=') else {
                    continue;
                };
                let end = v
                    .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.~%+/=".contains(c)))
                    .unwrap_or(v.len());
                let v = &v[..end];
                match k {
                    "password" | "passwd" | "pwd" | "pass" if !v.is_empty() => {
                        return Some(SecretKind::Password);
                    }
                    "secret" | "token" | "access_token" | "api_key" | "apikey" | "key"
                    | "private_key" | "privkey" | "client_secret" | "auth"
                        if v.len() >= 16 =>
                    {
                        return Some(SecretKind::ApiSecret);
                    }
                    _ => {}
                }
            }
        }
    }
    None
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Tokens of services with a recognisable prefix, AWS access key ids, and JWTs, anywhere in the
/// text (also inside URLs and JSON).
fn prefixed_token(text: &str) -> Option<SecretKind> {
    for chunk in text.split(|c: char| !(is_token_char(c) || c == '.')) {
        if chunk.len() < 16 {
            continue;
        }
        if is_jwt(chunk) {
            return Some(SecretKind::Jwt);
        }
        for t in chunk.split('.') {
            if let Some(k) = prefixed(t) {
                return Some(k);
            }
        }
    }
    None
}

/// Three base64url parts separated by dots, the first (the header) starting with `eyJ`.
fn is_jwt(chunk: &str) -> bool {
    let chunk = chunk.trim_matches('.');
    let parts: Vec<&str> = chunk.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[0].len() >= 10
        && parts[1].len() >= 10
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

fn prefixed(t: &str) -> Option<SecretKind> {
    const PREFIXES: &[(&str, usize, SecretKind)] = &[
        ("ghp_", 30, SecretKind::GitHubToken),
        ("gho_", 30, SecretKind::GitHubToken),
        ("ghu_", 30, SecretKind::GitHubToken),
        ("ghs_", 30, SecretKind::GitHubToken),
        ("ghr_", 30, SecretKind::GitHubToken),
        ("github_pat_", 30, SecretKind::GitHubToken),
        ("xoxb-", 20, SecretKind::SlackToken),
        ("xoxp-", 20, SecretKind::SlackToken),
        ("xoxo-", 20, SecretKind::SlackToken),
        ("xoxa-", 20, SecretKind::SlackToken),
        ("xoxs-", 20, SecretKind::SlackToken),
        ("xoxr-", 20, SecretKind::SlackToken),
        ("xapp-", 20, SecretKind::SlackToken),
        ("glpat-", 20, SecretKind::ApiToken),
        ("sk_live_", 20, SecretKind::ApiToken),
        ("rk_live_", 20, SecretKind::ApiToken),
        ("sk_test_", 20, SecretKind::ApiToken),
        ("sk-ant-", 30, SecretKind::ApiToken),
        ("sk-proj-", 30, SecretKind::ApiToken),
        ("sk-", 40, SecretKind::ApiToken),
        ("AIza", 39, SecretKind::ApiToken),
        ("npm_", 36, SecretKind::ApiToken),
        ("pypi-", 50, SecretKind::ApiToken),
        ("hf_", 30, SecretKind::ApiToken),
        ("dop_v1_", 40, SecretKind::ApiToken),
        ("SG.", 40, SecretKind::ApiToken),
    ];
    for (p, min, kind) in PREFIXES {
        if t.len() >= *min
            && t.starts_with(p)
            && t[p.len()..].chars().all(is_token_char)
            && t[p.len()..].chars().any(|c| c.is_ascii_digit())
        {
            return Some(*kind);
        }
    }
    // AWS access key ids: a four-letter type prefix and 16 upper-case letters or digits.
    const AWS: &[&str] = &[
        "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "APKA", "ABIA", "ACCA",
    ];
    if t.len() == 20
        && AWS.iter().any(|p| t.starts_with(p))
        && t.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some(SecretKind::AwsKey);
    }
    None
}

fn is_b64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

/// The body of a PEM/OpenSSH/PGP key pasted without its header lines: two or more lines of
/// 40+ base64 characters, or one that starts like a DER or OpenSSH private key. Public keys and
/// certificates (their headers, `ssh-ed25519 AAAA...` lines) are left alone.
fn headerless_key_body(text: &str) -> bool {
    let lower_has = |s: &str| text.to_ascii_lowercase().contains(s);
    let (mut lines, mut symbols) = (0, false);
    for line in text.lines() {
        let l = line.trim();
        if l.len() >= 40 && l.chars().all(is_b64_char) && mixed(l) {
            // OpenSSH, SEC1 EC, PKCS#8 Ed25519, and DER keys (`MII...` with the version
            // integer `IBAA`/`IBAD`/`AgEA` soon after; certificates have `CCA` there instead).
            let der_key = l.starts_with("MII")
                && ["IBAA", "IBAD", "AgEA"].iter().any(|m| l[..16].contains(m));
            if der_key
                || ["b3BlbnNzaC1rZXktdjE", "MHcCAQEE", "MC4CAQAw"]
                    .iter()
                    .any(|m| l.starts_with(m))
            {
                return true;
            }
            if l.len() >= 60 {
                lines += 1;
                symbols |= l.contains(['+', '/']);
            }
        }
    }
    lines >= 2
        && symbols
        && !lower_has("public key")
        && !lower_has("certificate")
        && !lower_has("signature")
        && !lower_has("ssh-")
}

/// Upper- and lower-case letters and digits, as random base64 has.
fn mixed(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_uppercase())
        && s.chars().any(|c| c.is_ascii_lowercase())
        && s.chars().any(|c| c.is_ascii_digit())
}

/// A list of 64 byte values (`[12, 201, ...]`): a Solana keypair file or a raw key.
fn byte_array_key(text: &str) -> bool {
    for (i, _) in text.match_indices('[') {
        let rest = &text[i + 1..];
        let Some(end) = rest.find(']') else { break };
        let inner = &rest[..end];
        let mut n = 0;
        let mut ok = true;
        for part in inner.split(',') {
            match part.trim().parse::<u16>() {
                Ok(v) if v <= 255 => n += 1,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && (n == 32 || n == 64) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decoded("a%20b"), "a b");
        assert_eq!(percent_decoded("otpauth%253A%252F%252F"), "otpauth://");
        assert_eq!(percent_decoded("100%"), "100%");
        assert!(matches!(percent_decoded("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn block_markers() {
        for t in [
            "-----begin openssh private key-----",
            "-----END RSA PRIVATE KEY-----",
            "BEGIN PGP PRIVATE KEY BLOCK",
            "-----BEGIN PRIVATE KEY-----",
        ] {
            assert!(has_key_block_marker(&t.to_ascii_lowercase()), "{t}");
        }
        for t in [
            "before you begin, never export the private key",
            "-----begin public key-----",
            "weekend private keynote",
        ] {
            assert!(!has_key_block_marker(t), "{t}");
        }
    }

    #[test]
    fn otpauth_needs_more_than_the_scheme() {
        assert!(has_otpauth_uri("otpauth://totp/x?secret=abc"));
        assert!(has_otpauth_uri("otpauth-migration://offline?data=abc"));
        assert!(!has_otpauth_uri("aegis exports otpauth:// links"));
    }
}
