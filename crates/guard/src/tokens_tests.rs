//! Unit tests of the parent module.
use super::*;

fn kind(t: &str) -> Option<SecretKind> {
    classify(t)
}

#[test]
fn tokenizer_splits_labels_and_marks_breaks() {
    let t = tokenize("secret=JBSW, pwd: x. tx:0xab");
    let texts: Vec<&str> = t.iter().map(|t| t.text).collect();
    assert_eq!(texts, ["secret", "JBSW", "pwd", "x", "tx", "0xab"]);
    assert!(t[0].assign && !t[1].assign && t[2].brk && t[2].assign && t[4].brk);
    let t = tokenize("4c:08:83 fe80::1");
    assert_eq!(t[0].text, "4c:08:83");
    assert_eq!(t[1].text, "fe80::1");
}

#[test]
fn labels_decide_hex() {
    let h = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    assert_eq!(kind(h), Some(SecretKind::PrivateKey));
    assert_eq!(kind(&format!("0x{h}")), Some(SecretKind::PrivateKey));
    for ok in [
        format!("tx 0x{h}"),
        format!("txid: {h}"),
        format!("Transaction hash = 0x{h}"),
        format!("sha256 {h}"),
    ] {
        assert_eq!(kind(&ok), None, "{ok}");
    }
    let grouped: Vec<&str> = (0..16).map(|i| &h[i * 4..i * 4 + 4]).collect();
    assert_eq!(kind(&grouped.join(" ")), Some(SecretKind::PrivateKey));
    assert_eq!(kind(&grouped.join("-")), Some(SecretKind::PrivateKey));
    let bytes: Vec<&str> = (0..32).map(|i| &h[i * 2..i * 2 + 2]).collect();
    assert_eq!(kind(&bytes.join(":")), Some(SecretKind::PrivateKey));
}

#[test]
fn base32_words_in_capitals_are_not_keys() {
    for ok in [
        "CALL BANK THEN LOCK CARD",
        "CRYPTOCURRENCIES",
        "internationalization",
        "SEND FUND BACK ASAP",
        "order 2KXQ7PZ4M3N5R6ST",
    ] {
        assert_eq!(kind(ok), None, "{ok}");
    }
    for bad in [
        "JBSWY3DPEHPK3PXP",
        "jbswy3dpehpk3pxp",
        "JBSW-Y3DP-EHPK-3PXP",
        "jbsw y3dp ehpk 3pxp",
        "2fa key: GEZDGNBVGY3TQOJQ",
    ] {
        assert_eq!(kind(bad), Some(SecretKind::TotpSecret), "{bad}");
    }
}

#[test]
fn passwords_need_a_value_that_is_not_a_remark() {
    for bad in [
        "password: hunter2",
        "pwd=Tr0ub4dor&3",
        "my passphrase is correct horse battery staple",
        "PIN: 4821",
        "password (new): hunter2",
        "Password for Binance: Summer2026",
        "DB_PASSWORD=hunter2",
        "my password is Summer2026!",
    ] {
        assert_eq!(kind(bad), Some(SecretKind::Password), "{bad}");
    }
    for ok in [
        "password: changed on 2026-11-25",
        "Password: Bitwarden",
        "password manager updated",
        "password: ********",
        "the password is stored in 1Password",
        "run pwd to see the folder",
        "PIN: changed",
        "If the password is incorrect, try again",
        "new passphrase is requested",
        "(cmd_passwd): Pass false.",
        "gpg: The option --passphrase= can be empty.",
        "Ensure that tests pass under `panic=abort`",
        "Add Replaces on passwd <= 1:4.0.12-6",
    ] {
        assert_eq!(kind(ok), None, "{ok}");
    }
}
