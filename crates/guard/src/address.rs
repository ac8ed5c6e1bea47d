//! Public identifiers that notes may carry: wallet addresses of the major chains, UUIDs,
//! e-mail addresses, URLs and IP addresses. Checksums are verified where the format has one,
//! so a secret cannot pass as an address by shape alone.

use super::codec::{
    BASE58_BTC, BASE58_XRP, base58_decode, base58check, bech32_hrp, is_base58, is_hex,
    stellar_strkey,
};

/// What a bech32 string with a valid checksum carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bech32Kind {
    /// An address or other public data (`bc1`, `ltc1`, `cro1`, `cosmos1`, `addr1`, ...).
    Public,
    /// A secret key in bech32 (`nsec1`, Cardano `*_sk1`, `AGE-SECRET-KEY-1`).
    Secret,
}

/// Classifies a bech32/bech32m string with a valid checksum.
pub fn bech32_kind(t: &str) -> Option<Bech32Kind> {
    let hrp = bech32_hrp(t)?;
    let secret = hrp == "nsec" || hrp.ends_with("_sk") || hrp.ends_with("_xsk") || {
        hrp.contains("secret") || hrp.contains("prv")
    };
    Some(if secret {
        Bech32Kind::Secret
    } else {
        Bech32Kind::Public
    })
}

/// A public cryptocurrency address: EVM (`0x` + 40 hex digits: Ethereum and its kin), base58check
/// with a 20-byte hash (Bitcoin legacy `1`/`3`, Litecoin `L`/`M`, Dogecoin, Tron `T`), XRP `r...`,
/// bech32 with a valid checksum (`bc1`, `tb1`, `ltc1`, `cro1`, `cosmos1`, `addr1`, ...), Solana
/// (base58 of 32 bytes), Stellar `G...`, Polkadot/Substrate (SS58) and Cardano Byron addresses.
pub fn is_wallet_address(t: &str) -> bool {
    if let Some(hex) = t.strip_prefix("0x") {
        return hex.len() == 40 && is_hex(hex);
    }
    if t.len() < 25 {
        return false;
    }
    if t.contains('1') && bech32_kind(t) == Some(Bech32Kind::Public) {
        return true;
    }
    if t.len() == 56 && t.starts_with('G') && stellar_strkey(t) == Some('G') {
        return true;
    }
    if t.starts_with('r')
        && (25..=35).contains(&t.len())
        && base58check(t, BASE58_XRP).is_some_and(|p| p.len() == 21)
    {
        return true;
    }
    if !is_base58(t) {
        return false;
    }
    match t.len() {
        25..=35 if base58check(t, BASE58_BTC).is_some_and(|p| p.len() == 21) => true,
        // Solana: a bare ed25519 public key.
        32..=44 => base58_decode(t, BASE58_BTC).is_some_and(|b| b.len() == 32),
        // Polkadot / Substrate SS58: prefix + 32-byte key + 2-byte checksum.
        46..=48 => base58_decode(t, BASE58_BTC).is_some_and(|b| (35..=36).contains(&b.len())),
        // Cardano Byron (Icarus `Ae2...`, Daedalus `DdzFF...`).
        _ => t.starts_with("Ae2") || t.starts_with("DdzFF"),
    }
}

/// `8-4-4-4-12` hex digits.
pub fn is_uuid(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && is_hex(p))
}

/// An e-mail address, URL, domain name or IP address: public, never a secret by itself.
pub fn is_locator(t: &str) -> bool {
    if t.contains("://") || t.starts_with("www.") {
        return true;
    }
    if let Some((user, domain)) = t.split_once('@') {
        return !user.is_empty() && domain.contains('.') && !domain.starts_with('.');
    }
    // Dotted names and IPv4 addresses: at least one dot between non-empty parts of letters,
    // digits and hyphens.
    let dotted = t.contains('.')
        && t.split('.').all(|p| {
            !p.is_empty()
                && p.len() <= 63
                && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        });
    // IPv6: hex groups and colons, with `::` or eight groups.
    let ipv6 = t.contains(':')
        && t.split(':')
            .all(|g| g.len() <= 4 && (g.is_empty() || is_hex(g)))
        && (t.contains("::") || t.split(':').count() == 8);
    dotted || ipv6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_the_major_chains() {
        for a in [
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0xde709f2102306220921060314715629080e2fb77",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
            "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
            "LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz",
            "MGxNPPB7eBoWPUaprtX9v9CXJZoD2465zN",
            "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9",
            "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
            "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV",
            "cosmos1hsk6jryyqjfhp5dhc55tc9jtckygx0eph6dd02",
            "addr1qx2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzer3n0d3vllmyqwsx5wktcd8cc3sq835lu7drv2xwl2wywfgse35a3x",
            "GAAZI4TCR3TY5OJHCTJC2A4QSY6CJWJH5IAJTGKIN2ER7LBNVKOCCWN7",
        ] {
            assert!(is_wallet_address(a), "{a}");
        }
        let data: Vec<u8> = (0..32u8).map(|i| (i * 7 + 3) % 32).collect();
        for hrp in ["ltc", "cro", "cosmos", "osmo", "addr"] {
            let a = super::super::codec::bech32_encode(hrp, &data, false);
            assert!(is_wallet_address(&a), "{a}");
        }
        let sk = super::super::codec::bech32_encode("nsec", &data, false);
        assert_eq!(bech32_kind(&sk), Some(Bech32Kind::Secret));
        for a in [
            "0x52908400098527886E0F7030069857D2E4169EE",
            "0x52908400098527886E0F7030069857D2E4169EEZ",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
            "4BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "T4ZQ7C5XHMNB2KRGW3YPJ6DSABCDEFGH",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdqBBBB11",
        ] {
            assert!(!is_wallet_address(a), "{a}");
        }
    }

    #[test]
    fn uuids_and_locators() {
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_uuid("123e4567-e89b-12d3-a456-42661417400"));
        for l in [
            "https://crypto.com/security",
            "me@example.org",
            "192.168.1.20",
            "2001:db8::8a2e:370:7334",
            "www.example.com/path",
        ] {
            assert!(is_locator(l), "{l}");
        }
        assert!(!is_locator("JBSWY3DPEHPK3PXP"));
    }
}
