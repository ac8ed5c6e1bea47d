//! Small decoders the guard needs to tell public data from secrets: base58(check), bech32,
//! Stellar's base32 with CRC16, hex, and a cheap "looks random" measure for letter strings.

use sha2::{Digest, Sha256};

/// The Bitcoin base58 alphabet (also Solana, Tron, Litecoin, WIF and extended keys).
pub const BASE58_BTC: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/// The XRP Ledger's base58 alphabet.
pub const BASE58_XRP: &[u8; 58] = b"rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz";

/// Decodes base58 text with `alphabet`; `None` when a character is outside it. Inputs longer
/// than 160 characters are refused too (nothing the guard decodes is that long).
pub fn base58_decode(s: &str, alphabet: &[u8; 58]) -> Option<Vec<u8>> {
    if s.is_empty() || s.len() > 160 {
        return None;
    }
    let mut bytes: Vec<u8> = Vec::with_capacity(s.len());
    for c in s.bytes() {
        let mut carry = alphabet.iter().position(|&a| a == c)? as u32;
        for b in bytes.iter_mut().rev() {
            carry += u32::from(*b) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|&c| c == alphabet[0]).count();
    let mut out = vec![0u8; zeros];
    out.extend(bytes.into_iter().skip_while(|&b| b == 0));
    Some(out)
}

/// Decodes base58check text: the payload when the 4-byte double-SHA256 checksum matches.
pub fn base58check(s: &str, alphabet: &[u8; 58]) -> Option<Vec<u8>> {
    let mut raw = base58_decode(s, alphabet)?;
    if raw.len() < 5 {
        return None;
    }
    let check = raw.split_off(raw.len() - 4);
    let hash = Sha256::digest(Sha256::digest(&raw));
    (hash[..4] == check[..]).then_some(raw)
}

/// True when every character is in the Bitcoin base58 alphabet.
pub fn is_base58(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| BASE58_BTC.contains(&c))
}

const BECH32_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The human-readable part of a bech32 or bech32m string whose checksum is valid (any length,
/// so Cardano's long addresses count too); `None` otherwise. Mixed case is invalid.
pub fn bech32_hrp(s: &str) -> Option<String> {
    if s.len() < 8 || s.len() > 1023 {
        return None;
    }
    let has_upper = s.bytes().any(|c| c.is_ascii_uppercase());
    let has_lower = s.bytes().any(|c| c.is_ascii_lowercase());
    if has_upper && has_lower {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let sep = lower.rfind('1')?;
    let (hrp, data) = (&lower[..sep], &lower[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 || !hrp.bytes().all(|c| (33..=126).contains(&c)) {
        return None;
    }
    let mut values: Vec<u8> = Vec::with_capacity(hrp.len() * 2 + 1 + data.len());
    values.extend(hrp.bytes().map(|c| c >> 5));
    values.push(0);
    values.extend(hrp.bytes().map(|c| c & 31));
    for c in data.bytes() {
        values.push(BECH32_CHARSET.iter().position(|&a| a == c)? as u8);
    }
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in [
            0x3b6a_57b2u32,
            0x2650_8e6d,
            0x1ea1_19fa,
            0x3d42_33dd,
            0x2a14_62b3,
        ]
        .iter()
        .enumerate()
        {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    (chk == 1 || chk == 0x2bc8_30a3).then(|| hrp.to_string())
}

/// Decodes RFC 4648 base32 (upper case, no padding); `None` on other characters.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        buf = (buf << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A Stellar strkey (56 base32 characters, version byte, CRC16-XModem checksum): its first
/// character (`G` for a public account, `S` for a secret seed) when valid.
pub fn stellar_strkey(s: &str) -> Option<char> {
    if s.len() != 56 {
        return None;
    }
    let raw = base32_decode(s)?;
    if raw.len() != 35 {
        return None;
    }
    let (payload, check) = raw.split_at(33);
    let mut crc: u16 = 0;
    for &b in payload {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    (crc.to_le_bytes() == [check[0], check[1]]).then(|| s.chars().next().unwrap_or('?'))
}

/// True when `s` is non-empty and all ASCII hex digits.
pub fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// Letter pairs that occur inside common English words (from the BIP39 English list), as a
/// 26x26 bit table: random strings are full of pairs outside it, words are not.
fn english_pairs() -> &'static [u32; 26] {
    static TABLE: std::sync::OnceLock<[u32; 26]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [0u32; 26];
        for w in super::wordlists::Language::English.words() {
            let b = w.as_bytes();
            for p in b.windows(2) {
                t[usize::from(p[0] - b'a')] |= 1 << (p[1] - b'a');
            }
        }
        t
    })
}

/// How many adjacent letter pairs of `s` (ASCII, any case) are rare in English words, and how
/// many letter pairs there are. Pairs across a non-letter are not counted.
pub fn unusual_pairs(s: &str) -> (usize, usize) {
    let table = english_pairs();
    let (mut unusual, mut pairs) = (0, 0);
    for p in s.as_bytes().windows(2) {
        let (a, b) = (p[0].to_ascii_lowercase(), p[1].to_ascii_lowercase());
        if a.is_ascii_lowercase() && b.is_ascii_lowercase() {
            pairs += 1;
            if table[usize::from(a - b'a')] & (1 << (b - b'a')) == 0 {
                unusual += 1;
            }
        }
    }
    (unusual, pairs)
}

/// Encodes 5-bit `data` as bech32 (`m`: bech32m) with `hrp`; for tests (the unit tests and, with
/// the `test-hooks` feature, the secret corpus).
#[cfg(any(test, feature = "test-hooks"))]
pub fn bech32_encode(hrp: &str, data: &[u8], m: bool) -> String {
    let polymod = |values: &[u8]| {
        let mut chk: u32 = 1;
        for &v in values {
            let top = chk >> 25;
            chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
            for (i, g) in [
                0x3b6a_57b2u32,
                0x2650_8e6d,
                0x1ea1_19fa,
                0x3d42_33dd,
                0x2a14_62b3,
            ]
            .iter()
            .enumerate()
            {
                if (top >> i) & 1 == 1 {
                    chk ^= g;
                }
            }
        }
        chk
    };
    let mut values: Vec<u8> = hrp.bytes().map(|c| c >> 5).collect();
    values.push(0);
    values.extend(hrp.bytes().map(|c| c & 31));
    values.extend(data);
    values.extend([0; 6]);
    let pm = polymod(&values) ^ if m { 0x2bc8_30a3 } else { 1 };
    let mut out = format!("{hrp}1");
    for &d in data {
        out.push(BECH32_CHARSET[usize::from(d)] as char);
    }
    for i in 0..6 {
        out.push(BECH32_CHARSET[((pm >> (5 * (5 - i))) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58check_accepts_a_known_address_and_rejects_a_typo() {
        let p = base58check("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", BASE58_BTC).unwrap();
        assert_eq!(p.len(), 21);
        assert_eq!(p[0], 0);
        assert!(base58check("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", BASE58_BTC).is_none());
        assert!(base58_decode("0OIl", BASE58_BTC).is_none());
        assert_eq!(base58_decode("1112", BASE58_BTC).unwrap(), vec![0, 0, 0, 1]);
    }

    #[test]
    fn bech32_checks_the_checksum() {
        assert_eq!(
            bech32_hrp("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq").as_deref(),
            Some("bc")
        );
        assert_eq!(
            bech32_hrp("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ").as_deref(),
            Some("bc")
        );
        assert!(bech32_hrp("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp").is_none());
        assert!(bech32_hrp("bc1qar0srrr7xfkvy5l643lydnw9RE59gtzzwf5mdq").is_none());
        // bech32m (taproot)
        assert_eq!(
            bech32_hrp("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297").as_deref(),
            Some("bc")
        );
    }

    #[test]
    fn stellar_strkeys_are_checked() {
        let g = "GAAZI4TCR3TY5OJHCTJC2A4QSY6CJWJH5IAJTGKIN2ER7LBNVKOCCWN7";
        assert_eq!(stellar_strkey(g), Some('G'));
        let mut bad = g.to_string();
        bad.replace_range(10..11, "A");
        assert_eq!(stellar_strkey(&bad), None);
    }

    #[test]
    fn english_words_have_few_unusual_pairs() {
        for w in [
            "internationalization",
            "cryptocurrencies",
            "troubleshooting",
        ] {
            assert_eq!(unusual_pairs(w).0, 0, "{w}");
        }
        assert!(unusual_pairs("JBSWYDPEHPKPXPQZ").0 >= 4);
    }
}
