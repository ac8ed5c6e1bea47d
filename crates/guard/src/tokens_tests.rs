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

#[test]
fn password_labels_are_a_family() {
    for bad in [
        "my pw is hunter22",
        "pw hunter22",
        "pass Summer2026!",
        "p/w: hunter22",
        "pwd for Binance: Xk9#mPq2",
        "my password for the exchange is Summer2026!",
        "passphrase correct horse battery staple",
        "contraseña=Verano2026",
        "Passwort ist Sommer2026!",
        "adminPassword=hunter22",
    ] {
        assert_eq!(kind(bad), Some(SecretKind::Password), "{bad}");
    }
    for ok in [
        "password rotated in Bitwarden",
        "pass the KYC check first",
        "did not pass KYC level 2",
        "the pass is valid until Friday",
        "passcode tries left: 3",
        "pw: (in the vault)",
        "my pw is the same as before",
    ] {
        assert_eq!(kind(ok), None, "{ok}");
    }
}

#[test]
fn pins_after_their_label() {
    for bad in [
        "PIN: 4821",
        "card PIN 4821",
        "my pin is 0000",
        "PIN for my debit card is 3391",
        "PIN-Code 482913",
        "PIN#4821",
        "PIN 48 21",
        "pin 4-8-2-1",
        "PIN changed to 4821",
        "iPhone passcode 482913",
    ] {
        assert_eq!(kind(bad), Some(SecretKind::Pin), "{bad}");
    }
    for ok in [
        "changed the card PIN, no digits written here",
        "PIN: changed",
        "PIN reset on 2026-11-25",
        "card PIN has 4 digits",
        "card PIN changed in 2025",
        "pin the support chat",
    ] {
        assert_eq!(kind(ok), None, "{ok}");
    }
}

#[test]
fn credentials_joined_in_a_query_string() {
    let key = "AbCdEf1234567890GhIjKlMnOpQrStUv";
    let secret = "ZYXWVU9876543210zyxwvu9876543210abcdEFGH";
    for bad in [
        format!("api_key={key}&secret_key={secret}"),
        format!("?apiKey={key}&apiSecret={secret}"),
        format!("symbol=BTC&timestamp=1&secretKey={secret}"),
        format!("api_key={key}&secret_key={}", secret.replace('9', "%2B")),
        format!("https://api.example.com/v1/order?side=buy&secretKey={secret}"),
        format!("https://api.example.com/v1/account?secretKey={secret}"),
    ] {
        assert_eq!(kind(&bad), Some(SecretKind::ApiSecret), "{bad}");
    }
    for ok in [
        "utm_source=app&utm_medium=email&utm_campaign=security",
        "api_key=REDACTED&secret_key=REDACTED",
        "page=2&sort=desc&limit=50",
        "deleted API key ending in ...9f3a",
    ] {
        assert_eq!(kind(ok), None, "{ok}");
    }
}

#[test]
fn lists_of_backup_codes() {
    for bad in [
        "83746152 19283746 55019283 66172839",
        "backup codes:\n1a2b3-c4d5e\n9f8e7-d6c5b",
        "recovery code: 48213377",
        "Backup codes: 1234 5678, 2345 6789, 3456 7890",
        "9471 2038 5512 8830 1174 6629 3390 4417",
        "K7QX-M2PD H3LN-Q8WR T5ZC-J9XB P2MV-R6KA",
        "1. 83746152\n2. 19283746\n3. 55019283\n4. 66172839",
    ] {
        assert_eq!(kind(bad), Some(SecretKind::BackupCodes), "{bad}");
    }
    for ok in [
        "orders 48213377 48213378 48213391 48213402",
        "tickets #482113, #482200, #482391, #482404",
        "2FA code 123456 did not work",
        "years 2021 2022 2023 2024 2025 2026",
        "limits 100000 200000 500000 900000 USD",
        "IBAN PL61 1090 1014 0000 0712 1981 2874",
        "backup codes printed, 10 of them, kept with the passport",
    ] {
        assert_eq!(kind(ok), None, "{ok}");
    }
}
