//! Input and output guards: refuse secrets in free text (notes, reasons, tickets), neutralise
//! control and bidi characters in output.
//!
//! [`check_secret`] is a classifier with three passes:
//! - [`blocks`]: whole-text shapes (PEM/OpenSSH/PGP blocks with or without their header lines,
//!   Ethereum keystore JSON, `otpauth://` URIs also percent-encoded, known token prefixes, JWTs,
//!   webhook URLs);
//! - [`phrase`]: BIP39 recovery phrases in every official wordlist, decided by word density, the
//!   phrase checksum and context, and parts of phrases (11 of 12 words, a numbered run, a word
//!   left out) by their structure alone (skipped at once for texts of fewer than 6 words);
//! - [`tokens`]: single values and grouped values with the label before them (private keys in
//!   hex, WIF and `xprv` form, TOTP setup keys, labelled API secrets, also joined in a query
//!   string, passwords after any password label, PINs), after public identifiers (addresses,
//!   UUIDs, URLs, e-mails, IPs) and labelled transaction hashes have been set aside; then lists of
//!   2FA backup codes.
//!
//! The refusal names the kind of secret, never the text. Nothing is initialised until the first
//! note with enough words is checked: the word tables are built lazily.

mod address;
mod blocks;
mod codec;
#[cfg(any(test, feature = "test-hooks"))]
pub use codec::bech32_encode;
mod output;
mod phrase;
mod tokens;
mod wordlists;

pub use address::is_wallet_address;
pub use output::{clean, is_dangerous, json_safe, line};

/// The kind of secret a refused text looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// A BIP39 recovery (seed) phrase.
    RecoveryPhrase,
    /// An `otpauth://` or `otpauth-migration://` URI.
    OtpauthUri,
    /// A TOTP (2FA) setup key in base32.
    TotpSecret,
    /// A raw private key: 64 hex digits, a Solana key, a Stellar seed, a bech32 secret key.
    PrivateKey,
    /// A private key in Wallet Import Format.
    WifKey,
    /// An extended private key (`xprv`, `yprv`, `zprv`, `tprv`, ...).
    ExtendedPrivateKey,
    /// A PEM, OpenSSH or PGP private key block (also without its header lines).
    PrivateKeyBlock,
    /// An encrypted wallet file (Ethereum keystore JSON).
    Keystore,
    /// An AWS access key id or secret access key.
    AwsKey,
    /// A GitHub token (`ghp_`, `github_pat_`, `gho_`, ...).
    GitHubToken,
    /// A Slack token or webhook URL.
    SlackToken,
    /// A JSON Web Token.
    Jwt,
    /// Another service's API token with a known prefix, or a URL carrying one.
    ApiToken,
    /// A value labelled as an API key or secret, or a long random token.
    ApiSecret,
    /// A labelled password or passphrase.
    Password,
    /// A labelled PIN or passcode (4 to 8 digits).
    Pin,
    /// A list of 2FA backup (recovery) codes, or one after its label.
    BackupCodes,
}

impl SecretKind {
    /// Every kind, for tests and reports.
    pub const ALL: [SecretKind; 17] = [
        SecretKind::RecoveryPhrase,
        SecretKind::OtpauthUri,
        SecretKind::TotpSecret,
        SecretKind::PrivateKey,
        SecretKind::WifKey,
        SecretKind::ExtendedPrivateKey,
        SecretKind::PrivateKeyBlock,
        SecretKind::Keystore,
        SecretKind::AwsKey,
        SecretKind::GitHubToken,
        SecretKind::SlackToken,
        SecretKind::Jwt,
        SecretKind::ApiToken,
        SecretKind::ApiSecret,
        SecretKind::Password,
        SecretKind::Pin,
        SecretKind::BackupCodes,
    ];

    /// A short stable name (`recovery-phrase`, `totp-secret`, ...), used by the test corpus.
    pub fn name(self) -> &'static str {
        match self {
            SecretKind::RecoveryPhrase => "recovery-phrase",
            SecretKind::OtpauthUri => "otpauth-uri",
            SecretKind::TotpSecret => "totp-secret",
            SecretKind::PrivateKey => "private-key",
            SecretKind::WifKey => "wif-key",
            SecretKind::ExtendedPrivateKey => "extended-private-key",
            SecretKind::PrivateKeyBlock => "private-key-block",
            SecretKind::Keystore => "keystore",
            SecretKind::AwsKey => "aws-key",
            SecretKind::GitHubToken => "github-token",
            SecretKind::SlackToken => "slack-token",
            SecretKind::Jwt => "jwt",
            SecretKind::ApiToken => "api-token",
            SecretKind::ApiSecret => "api-secret",
            SecretKind::Password => "password",
            SecretKind::Pin => "pin",
            SecretKind::BackupCodes => "backup-codes",
        }
    }

    /// An extra sentence for this kind (empty when there is none).
    pub fn hint(self) -> &'static str {
        match self {
            SecretKind::PrivateKey => {
                " If it is a transaction hash, label it (`tx 0x...`, `txid: ...`, `transaction \
                 hash ...`), or note it shortened, e.g. its first and last 6 characters \
                 (0x1a2b3c...d4e5f6)."
            }
            SecretKind::TotpSecret => {
                " If it is an order or ticket reference, label it (`order ...`, `ticket ...`)."
            }
            _ => "",
        }
    }
}

impl std::fmt::Display for SecretKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretKind::RecoveryPhrase => "a recovery (seed) phrase of BIP39 words",
            SecretKind::OtpauthUri => "a 2FA setup link (otpauth://) carrying its secret",
            SecretKind::TotpSecret => "a 2FA (TOTP) setup key",
            SecretKind::PrivateKey => "a private key",
            SecretKind::WifKey => "a private key in WIF format",
            SecretKind::ExtendedPrivateKey => "an extended private key (xprv)",
            SecretKind::PrivateKeyBlock => "a private key block (PEM, OpenSSH or PGP)",
            SecretKind::Keystore => "an encrypted wallet keystore (JSON)",
            SecretKind::AwsKey => "an AWS access key",
            SecretKind::GitHubToken => "a GitHub token",
            SecretKind::SlackToken => "a Slack token or webhook",
            SecretKind::Jwt => "a JSON Web Token (JWT)",
            SecretKind::ApiToken => "an API token",
            SecretKind::ApiSecret => "an API key or secret",
            SecretKind::Password => "a password",
            SecretKind::Pin => "a PIN",
            SecretKind::BackupCodes => "2FA backup codes",
        })
    }
}

/// Why a text was refused as a note. The message names the kind of secret, never the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to store this text: it looks like {kind}. lockstep keeps notes in a plain file; \
     never write recovery phrases, 2FA secrets or backup codes, private keys, passwords, PINs \
     or API tokens into it. Store them offline or in your password manager instead.{hint}",
    hint = kind.hint()
)]
pub struct SecretRefused {
    /// What the text looks like.
    pub kind: SecretKind,
}

impl SecretRefused {
    /// The refusal in one short sentence, for a screen too small for the whole message.
    pub fn brief(&self) -> String {
        format!(
            "refusing to store this text: it looks like {}. Nothing was saved; keep it offline \
             or in your password manager.",
            self.kind
        )
    }
}

/// Returns an error when `text` looks like a secret that must never be written to disk.
pub fn check_secret(text: &str) -> Result<(), SecretRefused> {
    match classify(text) {
        Some(kind) => Err(SecretRefused { kind }),
        None => Ok(()),
    }
}

/// The kind of secret `text` carries, if any.
pub fn classify(text: &str) -> Option<SecretKind> {
    blocks::classify(text)
        .or_else(|| phrase::classify(text))
        .or_else(|| tokens::classify(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_names_the_kind_never_the_text() {
        let phrase =
            "abandon ability able about above absent absorb abstract absurd abuse access accident";
        let e = check_secret(phrase).unwrap_err();
        assert_eq!(e.kind, SecretKind::RecoveryPhrase);
        let msg = e.to_string();
        assert!(msg.contains("recovery (seed) phrase"), "{msg}");
        assert!(msg.contains("password manager"), "{msg}");
        assert!(!msg.contains("abandon") && !msg.contains("absurd"), "{msg}");
        let pk = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
        let msg = check_secret(&format!("key {pk}")).unwrap_err().to_string();
        assert!(
            msg.contains("transaction hash") && !msg.contains("4c0883"),
            "{msg}"
        );
    }

    #[test]
    fn kind_names_are_unique() {
        let names: std::collections::HashSet<_> =
            SecretKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), SecretKind::ALL.len());
    }

    #[test]
    fn refuses_secrets() {
        for (text, kind) in [
            (
                "my seed: abandon, ability, able, about, above, absent, absorb, abstract, absurd, abuse, access, accident",
                SecretKind::RecoveryPhrase,
            ),
            (
                "otpauth://totp/Crypto.com:me?secret=JBSWY3DPEHPK3PXP",
                SecretKind::OtpauthUri,
            ),
            ("secret JBSWY3DPEHPK3PXP", SecretKind::TotpSecret),
            ("JBSW Y3DP EHPK 3PXP", SecretKind::TotpSecret),
            (
                "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----",
                SecretKind::PrivateKeyBlock,
            ),
            (
                "token ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                SecretKind::GitHubToken,
            ),
            ("AKIAIOSFODNN7EXAMPLE", SecretKind::AwsKey),
            (
                "api secret 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                SecretKind::PrivateKey,
            ),
            ("password: hunter2", SecretKind::Password),
        ] {
            assert_eq!(classify(text), Some(kind), "{text}");
        }
    }

    #[test]
    fn accepts_ordinary_notes() {
        for ok in [
            "Support ticket #4821-AB opened via in-app chat",
            "Using Aegis on the old phone, backup QR in the safe",
            "moved the bulk to a Ledger; left about 200 USDC for trading",
            "https://example.com/some/long/path/that/is/not/a/secret",
            "abandon ship, the whole plan was about to go wrong",
            "CONTACTED SUPPORT TWICE",
            "see support-ticket-2026-11-25-account-recovery-followup",
            "attacker withdrew to 0x52908400098527886E0F7030069857D2E4169EE7",
            "tx 0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
            "password manager: Bitwarden, entry updated",
        ] {
            assert_eq!(classify(ok), None, "{ok}");
        }
    }

    proptest::proptest! {
        #[test]
        fn classifier_never_panics(s in ".*") {
            let _ = check_secret(&s);
        }

        #[test]
        fn classifier_never_panics_on_wordy_text(
            words in proptest::collection::vec("[a-zA-Z0-9]{1,9}|[ぁ-ゖ]{1,4}|[一-龥]|[가-힣]{1,3}", 0..40),
            seps in proptest::collection::vec("[ ,.\n\u{3000}-]{0,2}", 40),
        ) {
            let text: String = words.iter().zip(&seps).map(|(w, s)| format!("{w}{s}")).collect();
            let _ = check_secret(&text);
        }
    }
}
