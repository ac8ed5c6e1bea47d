//! What the words before a value say about it: labels of secrets (`api_key`, `secretKey`,
//! `X-MBX-APIKEY`, `password`, `contraseña`), of public values (`tx`, `order`, `public key`), and
//! the filler words that may stand between a label and its value.

use super::Tok;

/// What a label says about the value after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Label {
    None,
    /// A transaction hash, txid, signature, block hash or checksum: public.
    Tx,
    /// An order, ticket, withdrawal or other reference: public.
    Reference,
    /// A public key (`ssh-ed25519 AAAA...`, `xpub`, `public key`): public.
    Public,
    Password,
    Totp,
    PrivateKey,
    Secret,
}

/// How a password label reads: how much the words after it must look like a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PasswordLabel {
    /// Only ever a password label: `password`, `passwd`, `passphrase`, `passcode`, `contraseña`.
    Word,
    /// An abbreviation that is no English word: `pw`, `pwd`, `pswd`, `mdp`.
    Short,
    /// Also an ordinary word: `pass` ("pass the test"), `passe`, `clave`.
    Ambiguous,
}

/// Password labels (lower case), with how they read.
const PASSWORD_LABELS: &[(&str, PasswordLabel)] = &[
    ("password", PasswordLabel::Word),
    ("passwords", PasswordLabel::Word),
    ("passwd", PasswordLabel::Word),
    ("passphrase", PasswordLabel::Word),
    ("passcode", PasswordLabel::Word),
    ("pw", PasswordLabel::Short),
    ("pwd", PasswordLabel::Short),
    ("pswd", PasswordLabel::Short),
    ("psw", PasswordLabel::Short),
    ("passw", PasswordLabel::Short),
    ("pword", PasswordLabel::Short),
    ("mdp", PasswordLabel::Short),
    ("p/w", PasswordLabel::Short),
    ("pass", PasswordLabel::Ambiguous),
    ("passe", PasswordLabel::Ambiguous),
    ("clave", PasswordLabel::Ambiguous),
    // Other languages: Spanish, German, Portuguese, Czech, Dutch, Polish, Swedish, Finnish,
    // Turkish, Russian, Chinese, Japanese, Korean.
    ("contraseña", PasswordLabel::Word),
    ("contrasena", PasswordLabel::Word),
    ("passwort", PasswordLabel::Word),
    ("kennwort", PasswordLabel::Word),
    ("senha", PasswordLabel::Word),
    ("heslo", PasswordLabel::Word),
    ("wachtwoord", PasswordLabel::Word),
    ("hasło", PasswordLabel::Word),
    ("haslo", PasswordLabel::Word),
    ("lösenord", PasswordLabel::Word),
    ("losenord", PasswordLabel::Word),
    ("salasana", PasswordLabel::Word),
    ("şifre", PasswordLabel::Word),
    ("sifre", PasswordLabel::Word),
    ("пароль", PasswordLabel::Word),
    ("密码", PasswordLabel::Word),
    ("密碼", PasswordLabel::Word),
    ("パスワード", PasswordLabel::Word),
    ("비밀번호", PasswordLabel::Word),
];

/// How `word` (lower case) reads as a password label, if it is one.
pub(super) fn password_label(word: &str) -> Option<PasswordLabel> {
    PASSWORD_LABELS
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, l)| *l)
}

/// What a single word (lower case) labels.
pub(super) fn category(word: &str) -> Option<Label> {
    if word.starts_with("ssh-") || word.starts_with("ecdsa-sha2-") || word.starts_with("sk-ssh-") {
        return Some(Label::Public);
    }
    if word == "pin" || password_label(word).is_some() {
        return Some(Label::Password);
    }
    Some(match word {
        "public" | "pubkey" | "xpub" | "ypub" | "zpub" | "tpub" => Label::Public,
        "tx" | "txid" | "txids" | "txn" | "txhash" | "txs" | "transaction" | "transactions"
        | "hash" | "hashes" | "signature" | "sig" | "block" | "blockhash" | "sha256"
        | "sha-256" | "sha256sum" | "checksum" | "digest" | "fingerprint" | "commit" => Label::Tx,
        "ticket" | "order" | "ref" | "reference" | "withdrawal" | "deposit" | "case" | "id"
        | "invoice" | "request" | "incident" | "confirmation" | "tracking" | "booking"
        | "receipt" | "number" | "no" | "nr" | "uuid" | "payment" | "transfer" | "memo"
        | "claim" | "complaint" | "report" | "serial" => Label::Reference,
        "2fa" | "totp" | "otp" | "mfa" | "authenticator" | "setup" => Label::Totp,
        "private" | "privkey" | "privatekey" | "pk" | "wif" | "seed" => Label::PrivateKey,
        "secret" | "secrets" | "key" | "keys" | "apikey" | "token" | "tokens" | "bearer"
        | "credential" | "credentials" | "auth" | "authorization" | "hmac" => Label::Secret,
        _ => return None,
    })
}

/// Words that, run together before `key`, `secret`, `token` or `password`, name a credential
/// (`secretkey`, `accesstoken`, `clientsecret`, `adminpassword`).
const COMPOUND_PREFIXES: &[&str] = &[
    "api", "access", "secret", "private", "client", "auth", "session", "refresh", "app",
    "consumer", "signing", "master", "bearer", "account", "user", "admin", "root", "db", "login",
    "wallet", "exchange", "trading",
];

/// A credential named by words run together in lower case (`secretkey`, `apisecret`).
pub(super) fn compound(word: &str) -> Option<Label> {
    let rest = COMPOUND_PREFIXES
        .iter()
        .find_map(|p| word.strip_prefix(p))?
        .trim_start_matches(['_', '-', '.']);
    match rest {
        "key" | "secret" | "token" | "keys" | "secrets" | "tokens" => Some(Label::Secret),
        "password" | "passwd" | "pwd" | "pass" | "passphrase" => Some(Label::Password),
        _ => None,
    }
}

/// The last part of an identifier, in lower case: after the last `_`, `-` or `.`, or the last
/// lower-to-upper case change (`DB_PASSWORD`, `client-secret`, `secretKey`, `X-MBX-APIKEY`).
pub(super) fn last_part(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut cut = 0;
    for i in 1..chars.len() {
        if matches!(chars[i - 1], '_' | '-' | '.')
            || (chars[i].is_uppercase() && chars[i - 1].is_lowercase())
        {
            cut = i;
        }
    }
    chars[cut..].iter().collect::<String>().to_lowercase()
}

/// Every label a token carries: as a whole word, by its last part, or as a compound.
pub(super) fn labels_of(raw: &str) -> impl Iterator<Item = Label> {
    let whole = raw.to_lowercase();
    let last = last_part(raw);
    let by_last = if last == whole { None } else { category(&last) };
    category(&whole)
        .into_iter()
        .chain(by_last)
        .chain(compound(&whole))
}

const FILLERS: &[&str] = &[
    "is", "was", "are", "my", "the", "a", "an", "new", "old", "our", "your", "its", "this", "that",
    "of", "for", "to", "=", "-", "->", "=>", "→",
];

/// The label for the value at `i`: the nearest labelling word among the four tokens before it
/// in the same clause, and whether `aws` was among them.
pub(super) fn label_for(toks: &[Tok<'_>], i: usize) -> (Label, bool) {
    let mut aws = false;
    let mut found = Label::None;
    let mut seen = 0;
    let mut j = i;
    while j > 0 && seen < 4 {
        if toks[j].brk || toks[j].nl {
            break;
        }
        j -= 1;
        let w = toks[j].text.to_ascii_lowercase();
        if FILLERS.contains(&w.as_str()) {
            continue;
        }
        seen += 1;
        aws |= w.starts_with("aws") || w.split(['_', '-']).any(|p| p == "aws");
        for l in labels_of(toks[j].text) {
            // The nearest label decides, except that a transaction word further back wins
            // over a reference word (`transaction id`, `withdrawal tx hash`).
            if found == Label::None || (found == Label::Reference && l == Label::Tx) {
                found = l;
            }
        }
    }
    (found, aws)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_name_their_credential() {
        let first = |w: &str| labels_of(w).next();
        for (w, l) in [
            ("api_key", Label::Secret),
            ("secretKey", Label::Secret),
            ("secret_key", Label::Secret),
            ("apiSecret", Label::Secret),
            ("X-MBX-APIKEY", Label::Secret),
            ("accesstoken", Label::Secret),
            ("DB_PASSWORD", Label::Password),
            ("adminPassword", Label::Password),
            ("Contraseña", Label::Password),
            ("txid", Label::Tx),
        ] {
            assert_eq!(first(w), Some(l), "{w}");
        }
        for w in [
            "monkey",
            "turkey",
            "hockey",
            "whiskey",
            "passenger",
            "compass",
        ] {
            assert_eq!(first(w), None, "{w}");
        }
    }
}
