//! Deterministic values of a given shape for the secret corpus: a seeded generator and the
//! `{placeholder}` values of `tests/guard/corpus.tsv` (keys, tokens, addresses, and the families
//! of `families.rs`).

use sha2::{Digest, Sha256};

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    pub fn pick(&mut self, alphabet: &str, n: usize) -> String {
        let a: Vec<char> = alphabet.chars().collect();
        (0..n)
            .map(|_| a[(self.next() % a.len() as u64) as usize])
            .collect()
    }
}

pub const HEX: &str = "0123456789abcdef";
pub const B32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const B58_XRP: &[u8] = b"rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz";

fn base58(data: &[u8], alphabet: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new();
    for &b in data {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = data.iter().take_while(|&&b| b == 0).count();
    std::iter::repeat_n(alphabet[0] as char, zeros)
        .chain(
            digits
                .iter()
                .rev()
                .map(|&d| alphabet[usize::from(d)] as char),
        )
        .collect()
}

fn base58check(payload: &[u8], alphabet: &[u8]) -> String {
    let mut v = payload.to_vec();
    v.extend_from_slice(&Sha256::digest(Sha256::digest(payload))[..4]);
    base58(&v, alphabet)
}

fn to_5bit(data: &[u8]) -> Vec<u8> {
    let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for &b in data {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(((acc >> bits) & 31) as u8);
        }
    }
    if bits > 0 {
        out.push(((acc << (5 - bits)) & 31) as u8);
    }
    out
}

/// Bech32 / bech32m, as the guard's own tests encode it.
fn bech32(hrp: &str, data5: &[u8], m: bool) -> String {
    lockstep::guard::bech32_encode(hrp, data5, m)
}

fn base32(data: &[u8]) -> String {
    to_5bit(data)
        .iter()
        .map(|&v| B32.as_bytes()[usize::from(v)] as char)
        .collect()
}

fn stellar(version: u8, rng: &mut Rng) -> String {
    let mut payload = vec![version];
    payload.extend(rng.bytes(32));
    let mut crc: u16 = 0;
    for &b in &payload {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    payload.extend(crc.to_le_bytes());
    base32(&payload)
}

fn b64url(data: &[u8]) -> String {
    let a: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        .chars()
        .collect();
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(a[((n >> (18 - 6 * i)) & 63) as usize]);
        }
    }
    out
}

fn grouped(s: &str, n: usize, sep: &str) -> String {
    s.as_bytes()
        .chunks(n)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(sep)
}

fn extended_key(version: [u8; 4], rng: &mut Rng) -> String {
    let mut p = version.to_vec();
    p.push(0); // depth
    p.extend([0; 4]); // parent fingerprint
    p.extend([0; 4]); // child number
    p.extend(rng.bytes(32)); // chain code
    p.push(0);
    p.extend(rng.bytes(32));
    base58check(&p, B58)
}

/// The value of a `{placeholder}` in the corpus file.
pub fn fill(name: &str, rng: &mut Rng) -> String {
    fill_encoded(name, rng)
        .or_else(|| fill_keys(name, rng))
        .or_else(|| fill_tokens(name, rng))
        .or_else(|| fill_addresses(name, rng))
        .or_else(|| super::families::fill(name, rng))
        .unwrap_or_else(|| panic!("unknown placeholder {{{name}}} in the corpus"))
}

/// Hex, base32, alphanumeric and base64 values.
fn fill_encoded(name: &str, rng: &mut Rng) -> Option<String> {
    let hex64 = |rng: &mut Rng| rng.pick(HEX, 64);
    Some(match name {
        "hex64" => hex64(rng),
        "HEX64" => hex64(rng).to_uppercase(),
        "hex32" => rng.pick(HEX, 32),
        "hex40" => rng.pick(HEX, 40),
        "hex45" => rng.pick(HEX, 45),
        "hex64_grouped4" => grouped(&hex64(rng), 4, " "),
        "hex64_grouped8_dashes" => grouped(&hex64(rng), 8, "-"),
        "hex64_colons" => grouped(&hex64(rng), 2, ":"),
        "bytes64" => rng
            .bytes(64)
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(","),
        "b32_16" => rng.pick(B32, 16),
        "b32_26" => rng.pick(B32, 26),
        "b32_32" => rng.pick(B32, 32),
        "b32_64" => rng.pick(B32, 64),
        "b32l_16" => rng.pick(B32, 16).to_lowercase(),
        "b32l_32" => rng.pick(B32, 32).to_lowercase(),
        "b32_32_grouped" => grouped(&rng.pick(B32, 32), 4, " "),
        "b32l_32_grouped" => grouped(&rng.pick(B32, 32).to_lowercase(), 4, " "),
        "b32_32_dashed" => grouped(&rng.pick(B32, 32), 4, "-"),
        "b32_32_padded" => format!("{}======", rng.pick(B32, 26)),
        "b32_letters_16" => rng.pick(&B32[..26], 16),
        "b32_letters_32" => rng.pick(&B32[..26], 32),
        "b32_letters_20_grouped" => grouped(&rng.pick(&B32[..26], 20), 4, " "),
        "upper_8" => rng.pick(&ALNUM[..26], 8),
        "upper_digits_20" => rng.pick("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 20),
        "alnum_24" => rng.pick(ALNUM, 24),
        "alnum_32" => rng.pick(ALNUM, 32),
        "alnum_40" => rng.pick(ALNUM, 40),
        "alnum_48" => rng.pick(ALNUM, 48),
        "alnum_64" => rng.pick(ALNUM, 64),
        "b64url_43" => b64url(&rng.bytes(32)),
        "b64_40" => rng.pick(B64, 40),
        "b64_lines" => {
            let mut lines: Vec<String> = (0..5).map(|_| rng.pick(B64, 64)).collect();
            lines[0].replace_range(10..11, "/");
            lines.push(format!("{}==", rng.pick(B64, 30)));
            lines.join("\n")
        }
        _ => return None,
    })
}

/// Private keys and key blocks in their formats.
fn fill_keys(name: &str, rng: &mut Rng) -> Option<String> {
    Some(match name {
        "openssh_lines" => {
            let mut body = String::from(
                "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
            );
            body.push_str(&rng.pick(B64, 280));
            grouped(&body, 70, "\n")
        }
        "uuid" => {
            let h = rng.pick(HEX, 32);
            format!(
                "{}-{}-4{}-a{}-{}",
                &h[..8],
                &h[8..12],
                &h[13..16],
                &h[17..20],
                &h[20..]
            )
        }
        "wif_compressed" => {
            let mut p = vec![0x80];
            p.extend(rng.bytes(32));
            p.push(1);
            base58check(&p, B58)
        }
        "wif_uncompressed" => {
            let mut p = vec![0x80];
            p.extend(rng.bytes(32));
            base58check(&p, B58)
        }
        "wif_testnet" => {
            let mut p = vec![0xef];
            p.extend(rng.bytes(32));
            p.push(1);
            base58check(&p, B58)
        }
        "xprv" => extended_key([0x04, 0x88, 0xAD, 0xE4], rng),
        "yprv" => extended_key([0x04, 0x9D, 0x78, 0x78], rng),
        "zprv" => extended_key([0x04, 0xB2, 0x43, 0x0C], rng),
        "tprv" => extended_key([0x04, 0x35, 0x83, 0x94], rng),
        "sol_secret" => base58(&rng.bytes(64), B58),
        "sol" => {
            let mut b = rng.bytes(32);
            b[0] |= 0x80;
            base58(&b, B58)
        }
        "stellar_seed" => stellar(18 << 3, rng),
        "stellar_account" => stellar(6 << 3, rng),
        "nsec" => bech32("nsec", &to_5bit(&rng.bytes(32)), false),
        _ => return None,
    })
}

/// Service tokens and passwords.
fn fill_tokens(name: &str, rng: &mut Rng) -> Option<String> {
    Some(match name {
        "aws_id" => format!("AKIA{}", rng.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
        "aws_secret" => rng.pick(B64, 40),
        "ghp" => format!("ghp_{}", rng.pick(ALNUM, 36)),
        "gho" => format!("gho_{}", rng.pick(ALNUM, 36)),
        "github_pat" => format!(
            "github_pat_11{}_{}",
            rng.pick(ALNUM, 20),
            rng.pick(ALNUM, 59)
        ),
        "xoxb" => format!(
            "xoxb-{}-{}-{}",
            rng.pick("0123456789", 12),
            rng.pick("0123456789", 13),
            rng.pick(ALNUM, 24)
        ),
        "xoxp" => format!(
            "xoxp-{}-{}-{}-{}",
            rng.pick("0123456789", 12),
            rng.pick("0123456789", 12),
            rng.pick("0123456789", 13),
            rng.pick(HEX, 32)
        ),
        "jwt" => format!(
            "{}.{}.{}",
            b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64url(br#"{"sub":"1234567890","name":"me","iat":1764028800}"#),
            b64url(&rng.bytes(32))
        ),
        "stripe" => format!("sk_live_{}", rng.pick(ALNUM, 24)),
        "openai" => format!("sk-proj-{}", rng.pick(ALNUM, 48)),
        "google_api" => format!("AIza{}", rng.pick(ALNUM, 35)),
        "password" => format!("{}!{}", rng.pick(ALNUM, 8), rng.pick("0123456789", 3)),
        _ => return None,
    })
}

/// Public addresses and identifiers.
fn fill_addresses(name: &str, rng: &mut Rng) -> Option<String> {
    Some(match name {
        "btc_legacy" => {
            let mut p = vec![0x00];
            p.extend(rng.bytes(20));
            base58check(&p, B58)
        }
        "btc_p2sh" => {
            let mut p = vec![0x05];
            p.extend(rng.bytes(20));
            base58check(&p, B58)
        }
        "ltc_legacy" => {
            let mut p = vec![0x30];
            p.extend(rng.bytes(20));
            base58check(&p, B58)
        }
        "tron" => {
            let mut p = vec![0x41];
            p.extend(rng.bytes(20));
            base58check(&p, B58)
        }
        "xrp" => {
            let mut p = vec![0x00];
            p.extend(rng.bytes(20));
            base58check(&p, B58_XRP)
        }
        "bech32_bc" | "bech32_bc_upper" | "ltc_bech32" | "taproot" => {
            let (hrp, v, n) = match name {
                "ltc_bech32" => ("ltc", 0, 20),
                "taproot" => ("bc", 1, 32),
                _ => ("bc", 0, 20),
            };
            let mut d = vec![v];
            d.extend(to_5bit(&rng.bytes(n)));
            let a = bech32(hrp, &d, v == 1);
            if name.ends_with("upper") {
                a.to_uppercase()
            } else {
                a
            }
        }
        "cro" => bech32("cro", &to_5bit(&rng.bytes(20)), false),
        "cosmos" => bech32("cosmos", &to_5bit(&rng.bytes(20)), false),
        "ada" => {
            let mut b = vec![0x01];
            b.extend(rng.bytes(56));
            bech32("addr", &to_5bit(&b), false)
        }
        "eth" => {
            // Mixed-case (checksum-looking) form.
            let h = rng.pick(HEX, 40);
            let mixed: String = h
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 3 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect();
            format!("0x{mixed}")
        }
        "eth_lower" => format!("0x{}", rng.pick(HEX, 40)),
        "eth_bare" => rng.pick(HEX, 40),
        _ => return None,
    })
}

pub fn expand(template: &str, rng: &mut Rng) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let name_end = rest[i + 1..].find('}').map(|j| i + 1 + j);
        match name_end {
            Some(j)
                if rest[i + 1..j]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && j > i + 1 =>
            {
                out.push_str(&rest[..i]);
                out.push_str(&fill(&rest[i + 1..j], rng));
                rest = &rest[j + 1..];
            }
            _ => {
                out.push_str(&rest[..=i]);
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("\\n", "\n")
}
